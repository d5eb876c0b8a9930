/* An input tensor in L2: the DWA's streamers reach only the TCDM. */
#include <stdint.h>
#include "iss.h"
#include "iss_dwa.h"

int8_t out[8 * 8 * 16], w[9 * 16];
int8_t l2_in[8 * 8 * 16] __attribute__((section(".l2_bss"), aligned(256)));

__attribute__((noinline)) void do_bad_dwa(void)
{
    iss_dwa_acquire();
    iss_dwa_conv3x3(l2_in, out, w, 0, 8, 8, 16, 1, 1, 0, 0);
    iss_dwa_wait();
}

int main(void)
{
    do_bad_dwa();
    return 0;
}
