/*
 * IMA throughput: JOBS back-to-back jobs on the full size x size array (size = ARRAY_SIZE, at
 * most MAX_SIZE) in one TRIGGER, each reading its own size input bytes and writing its own
 * size outputs (alpha stepping). iss_cycles() around the start (register writes and TRIGGER)
 * and the wait; the test and benchmarks/ima_roofline.py compare them with docs/ima.md's
 * timing. MODE -1 leaves the MODE register at its default (ima.pipelined), 0/1 sets it.
 * PROGRAM 0 skips programming the random weights (the timing does not depend on them).
 */
#include <stdint.h>
#include <stdio.h>
#include "iss.h"
#include "iss_ima.h"

#ifndef JOBS
#define JOBS 64
#endif
#ifndef MODE
#define MODE (-1)
#endif
#ifndef PROGRAM
#define PROGRAM 1
#endif
#ifndef MAX_SIZE
#define MAX_SIZE 256
#endif

int8_t in_buf[JOBS * MAX_SIZE] __attribute__((aligned(4)));
int8_t out_buf[JOBS * MAX_SIZE] __attribute__((aligned(4)));
int8_t wrow[MAX_SIZE] __attribute__((aligned(4)));

static uint32_t lcg = 1;
static uint32_t rnd(void)
{
    lcg = lcg * 1664525u + 1013904223u;
    return lcg >> 16;
}

int main(void)
{
    uint32_t size = iss_ima_array_size();
    if (size > MAX_SIZE)
        size = MAX_SIZE;
    if (PROGRAM)
        for (uint32_t i = 0; i < size; i++) {
            for (uint32_t j = 0; j < size; j++)
                wrow[j] = (int8_t)(rnd() % 15) - 7;
            iss_ima_program(0, i, 0, 1, size, wrow, size);
        }
    for (uint32_t k = 0; k < JOBS * size; k++)
        in_buf[k] = (int8_t)(rnd() & 0xFF);
    if (MODE >= 0)
        iss_ima_set_mode(MODE);

    iss_ima_job_t job = {
        .array = 0, .row0 = 0, .col0 = 0, .rows = size, .cols = size,
        .src = (uint32_t)in_buf, .dst = (uint32_t)out_buf,
        .line_length = size, .feat_length = 1, .src_stride = size,
        .num_jobs = JOBS,
        .alpha_in_length = JOBS, .alpha_in_stride = size, .beta_in_length = 1, .beta_in_stride = size,
        .alpha_out_length = JOBS, .alpha_out_stride = size, .beta_out_length = 1, .beta_out_stride = size,
        .adc_low = 4000, .adc_high = 4000,
    };
    uint32_t t0 = iss_cycles();
    iss_ima_start(&job);
    iss_ima_wait();
    uint32_t t1 = iss_cycles();
    unsigned finished = iss_ima_finished_jobs();
    printf("jobs %u cycles %lu\n", (unsigned)JOBS, (unsigned long)(t1 - t0));
    printf("size %lu mode %lu finished %u\n", (unsigned long)size,
           (unsigned long)iss_ima_read(ISS_IMA_MODE), finished);
    return 0;
}
