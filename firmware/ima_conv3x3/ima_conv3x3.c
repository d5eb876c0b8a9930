/*
 * A 3x3 convolution on the IMA by im2col jobs, checked against iss/ima_ref.py: HP x WP x CIN
 * input already padded (HWC; the border is zero), stride STRIDE, COUT output channels, one
 * TRIGGER for the whole layer (alpha steps along an output row, beta to the next row). The
 * weights are 9 * CIN rows from ROW0 in (ky, kx, ci) order, COUT columns from COL0.
 * Generator order (replicated by the test): weights row by row, then every input pixel
 * (border ones too, then forced to zero).
 */
#include <stdint.h>
#include <stdio.h>
#include "iss.h"
#include "iss_ima.h"

#ifndef HP
#define HP 10
#endif
#ifndef WP
#define WP 10
#endif
#ifndef CIN
#define CIN 8
#endif
#ifndef COUT
#define COUT 16
#endif
#ifndef STRIDE
#define STRIDE 1
#endif
#ifndef ROW0
#define ROW0 4
#endif
#ifndef COL0
#define COL0 8
#endif
#ifndef ADC_LOW
#define ADC_LOW 1000
#endif
#ifndef ADC_HIGH
#define ADC_HIGH 1000
#endif
#ifndef SEED
#define SEED 11
#endif

#define HO ((HP - 3) / STRIDE + 1)
#define WO ((WP - 3) / STRIDE + 1)

int8_t weights[9 * CIN][COUT] __attribute__((aligned(4)));
int8_t in_buf[HP][WP][CIN];
int8_t out_buf[HO * WO * COUT + 16] __attribute__((aligned(4)));   /* 16 guard bytes (0x5A) after */

static uint32_t lcg = SEED;
static uint32_t rnd(void)
{
    lcg = lcg * 1664525u + 1013904223u;
    return lcg >> 16;
}

int main(void)
{
    for (int i = 0; i < 9 * CIN; i++)
        for (int j = 0; j < COUT; j++)
            weights[i][j] = (int8_t)(rnd() % 15) - 7;
    for (int y = 0; y < HP; y++)
        for (int x = 0; x < WP; x++)
            for (int c = 0; c < CIN; c++) {
                int8_t v = (int8_t)(rnd() & 0xFF);
                in_buf[y][x][c] = (y == 0 || x == 0 || y == HP - 1 || x == WP - 1) ? 0 : v;
            }
    for (unsigned k = 0; k < sizeof out_buf; k++)
        out_buf[k] = 0x5A;

    iss_ima_program(0, ROW0, COL0, 9 * CIN, COUT, &weights[0][0], COUT);
    iss_ima_conv3x3(0, &in_buf[0][0][0], out_buf, HP, WP, CIN, COUT, STRIDE, ROW0, COL0,
                    ADC_LOW, ADC_HIGH);
    iss_ima_wait();
    printf("conv3x3 stride %d: %dx%dx%d finished %lu\n", STRIDE, HO, WO, COUT,
           (unsigned long)iss_ima_finished_jobs());
    return 0;
}
