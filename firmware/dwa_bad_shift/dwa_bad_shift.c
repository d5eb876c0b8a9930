/* A right shift of 40: the DWA takes 0-31. */
#include <stdint.h>
#include "iss.h"
#include "iss_dwa.h"

int8_t in[8 * 8 * 16], out[8 * 8 * 16], w[9 * 16];

__attribute__((noinline)) void do_bad_dwa(void)
{
    iss_dwa_acquire();
    iss_dwa_conv3x3(in, out, w, 0, 8, 8, 16, 1, 1, 40, 0);
    iss_dwa_wait();
}

int main(void)
{
    do_bad_dwa();
    return 0;
}
