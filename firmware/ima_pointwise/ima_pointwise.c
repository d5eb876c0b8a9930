/*
 * A 1x1 convolution on the IMA checked against iss/ima_ref.py: an H x W x CIN HWC tensor
 * to H x W x COUT (HWC), H * W jobs in one TRIGGER (alpha stepping of the input and output
 * addresses), weights CIN x COUT at ROW0, COL0 of array 0, ADC range ADC_LOW/ADC_HIGH. Prints
 * FINISHED_JOBS after the batch and again (read clears) and the IMA STATUS.
 */
#include <stdint.h>
#include <stdio.h>
#include "iss.h"
#include "iss_ima.h"

#ifndef H
#define H 8
#endif
#ifndef W
#define W 8
#endif
#ifndef CIN
#define CIN 32
#endif
#ifndef COUT
#define COUT 64
#endif
#ifndef ROW0
#define ROW0 0
#endif
#ifndef COL0
#define COL0 0
#endif
#ifndef ADC_LOW
#define ADC_LOW 1500
#endif
#ifndef ADC_HIGH
#define ADC_HIGH 1500
#endif
#ifndef SEED
#define SEED 7
#endif

int8_t weights[CIN][COUT] __attribute__((aligned(4)));
int8_t in_buf[H][W][CIN];
int8_t out_hwc[H * W * COUT + 16] __attribute__((aligned(4)));   /* 16 guard bytes (0x5A) after */

static uint32_t lcg = SEED;
static uint32_t rnd(void)
{
    lcg = lcg * 1664525u + 1013904223u;
    return lcg >> 16;
}

int main(void)
{
    for (int i = 0; i < CIN; i++)
        for (int j = 0; j < COUT; j++)
            weights[i][j] = (int8_t)(rnd() % 15) - 7;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            for (int c = 0; c < CIN; c++)
                in_buf[y][x][c] = (int8_t)(rnd() & 0xFF);
    for (unsigned k = 0; k < sizeof out_hwc; k++)
        out_hwc[k] = 0x5A;

    iss_ima_program(0, ROW0, COL0, CIN, COUT, &weights[0][0], COUT);
    uint32_t t0 = iss_cycles();
    iss_ima_pointwise(0, &in_buf[0][0][0], out_hwc, H, W, CIN, COUT, ROW0, COL0, ADC_LOW, ADC_HIGH);
    iss_ima_wait();
    uint32_t t1 = iss_cycles();
    unsigned first = iss_ima_finished_jobs();
    unsigned second = iss_ima_finished_jobs();
    printf("pointwise %ux%ux%u -> %u: %lu cycles\n", (unsigned)H, (unsigned)W, (unsigned)CIN,
           (unsigned)COUT, (unsigned long)(t1 - t0));
    printf("finished jobs %u then %u status %lu\n", first, second,
           (unsigned long)iss_ima_read(ISS_IMA_STATUS));
    return 0;
}
