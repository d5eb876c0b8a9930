/*
 * Weight programming and read-back: random weights W1 (ROWS x COLS at ROW0, COL0 of ARRAY),
 * then a second window W2 (ROWS2 x COLS2 at ROW0 + DY, COL0 + DX) over part of it; every word
 * of W1's area is read back (PR_ADDR_X/PR_ADDR_Y/PR_VAL) into back[][] and compared with W1
 * overlaid with W2. Prints the cycles of the first window's programming (the core stalls on
 * each SUBMIT_PLOT word while the previous one is programmed), of the read-back and the count
 * of mismatches. Generator order (replicated by the test): W1 row by row, then W2. W1 and
 * back[][] start BUF_OFF bytes into word-aligned buffers (BUF_OFF 1..3: the HAL's byte path).
 */
#include <stdint.h>
#include <stdio.h>
#include "iss.h"
#include "iss_ima.h"

#ifndef ARRAY
#define ARRAY 0
#endif
#ifndef ROWS
#define ROWS 40
#endif
#ifndef COLS
#define COLS 48
#endif
#ifndef ROW0
#define ROW0 100
#endif
#ifndef COL0
#define COL0 64
#endif
#ifndef ROWS2
#define ROWS2 5
#endif
#ifndef COLS2
#define COLS2 16
#endif
#ifndef DY
#define DY 7
#endif
#ifndef DX
#define DX 8
#endif
#ifndef SEED
#define SEED 5
#endif
#ifndef BUF_OFF
#define BUF_OFF 0
#endif

int8_t w1_buf[ROWS * COLS + 4] __attribute__((aligned(4)));
int8_t w2[ROWS2][COLS2];
int8_t expect[ROWS][COLS];
int8_t back_buf[ROWS * COLS + 4] __attribute__((aligned(4)));
#define w1 ((int8_t (*)[COLS])(w1_buf + BUF_OFF))
#define back ((int8_t (*)[COLS])(back_buf + BUF_OFF))

static uint32_t lcg = SEED;
static uint32_t rnd(void)
{
    lcg = lcg * 1664525u + 1013904223u;
    return lcg >> 16;
}

int main(void)
{
    for (int i = 0; i < ROWS; i++)
        for (int j = 0; j < COLS; j++)
            expect[i][j] = w1[i][j] = (int8_t)(rnd() % 15) - 7;
    for (int i = 0; i < ROWS2; i++)
        for (int j = 0; j < COLS2; j++)
            expect[DY + i][DX + j] = w2[i][j] = (int8_t)(rnd() % 15) - 7;

    uint32_t t0 = iss_cycles();
    iss_ima_program(ARRAY, ROW0, COL0, ROWS, COLS, &w1[0][0], COLS);
    uint32_t t1 = iss_cycles();
    iss_ima_program(ARRAY, ROW0 + DY, COL0 + DX, ROWS2, COLS2, &w2[0][0], COLS2);
    uint32_t t2 = iss_cycles();
    iss_ima_read_weights(ARRAY, ROW0, COL0, ROWS, COLS, &back[0][0], COLS);
    uint32_t t3 = iss_cycles();

    unsigned mismatches = 0;
    for (int i = 0; i < ROWS; i++)
        for (int j = 0; j < COLS; j++)
            if (back[i][j] != expect[i][j])
                mismatches++;
    printf("program %u words %lu cycles\n", (unsigned)(ROWS * COLS / 8), (unsigned long)(t1 - t0));
    (void)t2;
    printf("read %u words %lu cycles\n", (unsigned)(ROWS * COLS / 8), (unsigned long)(t3 - t2));
    printf("mismatches %u\n", mismatches);
    printf("state %lu\n", (unsigned long)iss_ima_read(ISS_IMA_CHECK_STATE));
    return mismatches != 0;
}
