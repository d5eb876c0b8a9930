/*
 * Several crossbar arrays (run with ima.arrays >= NARR): array a gets its own random weights
 * (ROWS x COLS at ROW0, COL0) and runs one job on its own inputs into out[a]. With CORES > 1,
 * core a programs and runs array a, the cores contending for ACQUIRE; then core 0 runs the
 * NARR jobs again, one after the other, into again[a] (the weights of each array are kept).
 * The test replicates the generator: weights of array 0, 1, ..., then inputs of array 0, 1, ...
 */
#include <stdint.h>
#include <stdio.h>
#include "iss.h"
#include "iss_ima.h"

#ifndef NARR
#define NARR 3
#endif
#ifndef CORES
#define CORES 1
#endif
#ifndef ROWS
#define ROWS 64
#endif
#ifndef COLS
#define COLS 32
#endif
#ifndef ROW0
#define ROW0 8
#endif
#ifndef COL0
#define COL0 16
#endif
#ifndef ADC_LOW
#define ADC_LOW 1200
#endif
#ifndef ADC_HIGH
#define ADC_HIGH 1500
#endif
#ifndef SEED
#define SEED 3
#endif

int8_t weights[NARR][ROWS][COLS] __attribute__((aligned(4)));
int8_t inputs[NARR][ROWS];
int8_t out[NARR][COLS];
int8_t again[NARR][COLS];
uint32_t nb_arrays;

static uint32_t lcg = SEED;
static uint32_t rnd(void)
{
    lcg = lcg * 1664525u + 1013904223u;
    return lcg >> 16;
}

static void one_array(unsigned a)
{
    iss_ima_program(a, ROW0, COL0, ROWS, COLS, &weights[a][0][0], COLS);
    iss_ima_mvm(a, inputs[a], out[a], ROWS, COLS, ROW0, COL0, ADC_LOW, ADC_HIGH);
    iss_ima_wait();
}

static void worker(void *arg)
{
    (void)arg;
    unsigned core = iss_core_id();
    if (core < NARR)
        one_array(core);
}

int main(void)
{
    nb_arrays = iss_ima_nb_arrays();
    for (int a = 0; a < NARR; a++)
        for (int i = 0; i < ROWS; i++)
            for (int j = 0; j < COLS; j++)
                weights[a][i][j] = (int8_t)(rnd() % 15) - 7;
    for (int a = 0; a < NARR; a++)
        for (int i = 0; i < ROWS; i++)
            inputs[a][i] = (int8_t)(rnd() & 0xFF);

    if (CORES > 1) {
        iss_fork(CORES, worker, 0);
    } else {
        for (unsigned a = 0; a < NARR; a++)
            one_array(a);
    }
    for (unsigned a = 0; a < NARR; a++) {
        iss_ima_mvm(a, inputs[a], again[a], ROWS, COLS, ROW0, COL0, ADC_LOW, ADC_HIGH);
        iss_ima_wait();
    }
    printf("arrays %lu size %lu done\n", (unsigned long)nb_arrays, (unsigned long)iss_ima_array_size());
    return 0;
}
