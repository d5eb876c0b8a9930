/*
 * Lengths inconsistent with the job window, then TRIGGER. WHICH 0: FETCH_LENGTH != J_HIGHT;
 * 1: STORE_LENGTH != J_WIDTH; 2: JOB_LINE_LENGTH * JOB_FEAT_LENGTH != J_HIGHT.
 */
#include <stdint.h>
#include "iss.h"
#include "iss_ima.h"

#ifndef WHICH
#define WHICH 0
#endif

int8_t in_buf[64], out_buf[64];

__attribute__((noinline)) void do_bad_ima(void)
{
    iss_ima_job_t job = {
        .rows = 32, .cols = 16, .src = (uint32_t)in_buf, .dst = (uint32_t)out_buf,
        .line_length = 16, .feat_length = 2, .src_stride = 16, .num_jobs = 1,
        .adc_low = 100, .adc_high = 100,
    };
    iss_ima_acquire();
    iss_ima_configure(&job);
    if (WHICH == 0)
        iss_ima_write(ISS_IMA_FETCH_LENGTH, 24);
    else if (WHICH == 1)
        iss_ima_write(ISS_IMA_STORE_LENGTH, 8);
    else
        iss_ima_write(ISS_IMA_JOB_LINE_LENGTH, 12);
    iss_ima_write(ISS_IMA_TRIGGER, 0);
}

int main(void)
{
    do_bad_ima();
    return 0;
}
