/*
 * A stream address outside the TCDM. WHICH 0: job 0's input in L2; 1: job 0's output in L2;
 * 2: the input of job 2 of 4 (alpha stepping past the end of the TCDM); 3: the output of job 2 of 4.
 */
#include <stdint.h>
#include "iss.h"
#include "iss_ima.h"

#ifndef WHICH
#define WHICH 0
#endif

int8_t in_buf[32], out_buf[32];
int8_t l2_buf[32] __attribute__((section(".l2_bss")));

#define TCDM_END (ISS_TCDM_BASE + ISS_TCDM_SIZE)

__attribute__((noinline)) void do_bad_ima(void)
{
    iss_ima_job_t job = {
        .rows = 32, .cols = 32, .src = (uint32_t)in_buf, .dst = (uint32_t)out_buf,
        .line_length = 32, .feat_length = 1, .src_stride = 32, .num_jobs = 1,
        .adc_low = 100, .adc_high = 100,
    };
    if (WHICH == 0)
        job.src = (uint32_t)l2_buf;
    else if (WHICH == 1)
        job.dst = (uint32_t)l2_buf;
    else {
        job.num_jobs = 4;
        if (WHICH == 2) {
            job.src = TCDM_END - 64;      /* jobs at end - 64, end - 32, end (outside), ... */
            job.alpha_in_length = 4, job.alpha_in_stride = 32, job.beta_in_length = 1;
        } else {
            job.dst = TCDM_END - 64;
            job.alpha_out_length = 4, job.alpha_out_stride = 32, job.beta_out_length = 1;
        }
    }
    iss_ima_acquire();
    iss_ima_configure(&job);
    iss_ima_write(ISS_IMA_TRIGGER, 0);
}

int main(void)
{
    do_bad_ima();
    return 0;
}
