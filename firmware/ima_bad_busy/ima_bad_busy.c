/* A job register written by the holding core while its batch runs: a peripheral error. */
#include <stdint.h>
#include "iss.h"
#include "iss_ima.h"

int8_t in_buf[64], out_buf[64];

__attribute__((noinline)) void do_bad_ima(void)
{
    iss_ima_job_t job = {
        .rows = 64, .cols = 64, .src = (uint32_t)in_buf, .dst = (uint32_t)out_buf,
        .line_length = 64, .feat_length = 1, .src_stride = 64, .num_jobs = 8,
        .adc_low = 100, .adc_high = 100,
    };
    iss_ima_acquire();
    iss_ima_configure(&job);
    iss_ima_write(ISS_IMA_TRIGGER, 0);
    iss_ima_write(ISS_IMA_J_SRC_ADDR, (uint32_t)in_buf);
}

int main(void)
{
    do_bad_ima();
    return 0;
}
