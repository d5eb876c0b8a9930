/* DW_MODE = 1 (the IMA's depthwise mode is not modelled), then TRIGGER: a peripheral error. */
#include <stdint.h>
#include "iss.h"
#include "iss_ima.h"

int8_t in_buf[16], out_buf[16];

__attribute__((noinline)) void do_bad_ima(void)
{
    iss_ima_job_t job = {
        .rows = 16, .cols = 16, .src = (uint32_t)in_buf, .dst = (uint32_t)out_buf,
        .line_length = 16, .feat_length = 1, .src_stride = 16, .num_jobs = 1,
        .adc_low = 100, .adc_high = 100,
    };
    iss_ima_acquire();
    iss_ima_configure(&job);
    iss_ima_write(ISS_IMA_DW_MODE, 1);
    iss_ima_write(ISS_IMA_TRIGGER, 0);
}

int main(void)
{
    do_bad_ima();
    return 0;
}
