/* A register written while the job runs. */
#include <stdint.h>
#include "iss.h"
#include "iss_dwa.h"

int8_t in[8 * 8 * 16], out[8 * 8 * 16], w[9 * 16];

__attribute__((noinline)) void do_bad_dwa(void)
{
    iss_dwa_acquire();
    iss_dwa_conv3x3(in, out, w, 0, 8, 8, 16, 1, 1, 0, 0);
    iss_dwa_write(ISS_DWA_IN_ADDR, (uint32_t)out);
    iss_dwa_wait();
}

int main(void)
{
    do_bad_dwa();
    return 0;
}
