/* TRIGGER from a core that does not hold the IMA: a peripheral error. AFTER=1: a first batch
 * runs normally, then TRIGGER again without a new ACQUIRE (the end of a batch releases the IMA). */
#include <stdint.h>
#include "iss.h"
#include "iss_ima.h"

#ifndef AFTER
#define AFTER 0
#endif

int8_t in_buf[16], out_buf[16];

__attribute__((noinline)) void do_bad_ima(void)
{
    if (AFTER) {
        iss_ima_mvm(0, in_buf, out_buf, 16, 16, 0, 0, 100, 100);
        iss_ima_wait();
    }
    iss_ima_write(ISS_IMA_TRIGGER, 0);
}

int main(void)
{
    do_bad_ima();
    return 0;
}
