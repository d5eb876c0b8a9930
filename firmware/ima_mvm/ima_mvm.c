/*
 * One IMA job checked against iss/ima_ref.py: random weights (ROWS x COLS at ROW0, COL0 of
 * array 0) and int8 inputs from a generator the test replicates, then one job on the window
 * JROWS x JCOLS at (JROW0, JCOL0) (by default the programmed window) with the ADC range
 * ADC_LOW/ADC_HIGH. Inputs start IN_OFF bytes and outputs OUT_OFF bytes into word-aligned
 * buffers whose other bytes are guards (0x5A). The test reads weights, in_buf and out_buf.
 */
#include <stdint.h>
#include <stdio.h>
#include "iss.h"
#include "iss_ima.h"

#ifndef ROWS
#define ROWS 96
#endif
#ifndef COLS
#define COLS 64
#endif
#ifndef ROW0
#define ROW0 16
#endif
#ifndef COL0
#define COL0 32
#endif
#ifndef JROW0
#define JROW0 ROW0
#endif
#ifndef JCOL0
#define JCOL0 COL0
#endif
#ifndef JROWS
#define JROWS ROWS
#endif
#ifndef JCOLS
#define JCOLS COLS
#endif
#ifndef ADC_LOW
#define ADC_LOW 2000
#endif
#ifndef ADC_HIGH
#define ADC_HIGH 2000
#endif
#ifndef SEED
#define SEED 1
#endif
#ifndef IN_OFF
#define IN_OFF 0
#endif
#ifndef OUT_OFF
#define OUT_OFF 0
#endif

#define GUARD 8

int8_t weights[ROWS][COLS] __attribute__((aligned(4)));
int8_t in_buf[JROWS + 2 * GUARD] __attribute__((aligned(4)));
int8_t out_buf[JCOLS + 2 * GUARD] __attribute__((aligned(4)));

/* The generator the test replicates (tests/test_ima.py: Lcg). */
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
            weights[i][j] = (int8_t)(rnd() % 15) - 7;
    for (unsigned k = 0; k < sizeof in_buf; k++)
        in_buf[k] = 0x5A;
    for (unsigned k = 0; k < sizeof out_buf; k++)
        out_buf[k] = 0x5A;
    for (int k = 0; k < JROWS; k++)
        in_buf[IN_OFF + k] = (int8_t)(rnd() & 0xFF);

    iss_ima_program(0, ROW0, COL0, ROWS, COLS, &weights[0][0], COLS);
    iss_ima_mvm(0, &in_buf[IN_OFF], &out_buf[OUT_OFF], JROWS, JCOLS, JROW0, JCOL0, ADC_LOW, ADC_HIGH);
    iss_ima_wait();
    unsigned finished = iss_ima_finished_jobs();
    printf("mvm %ux%u finished %u state %lu\n", (unsigned)JROWS, (unsigned)JCOLS, finished,
           (unsigned long)iss_ima_read(ISS_IMA_CHECK_STATE));
    return 0;
}
