/* A 5x5 kernel: the DWA only does 3x3. */
#include <stdint.h>
#include "iss.h"
#include "iss_dwa.h"

int8_t in[8 * 8 * 16], out[8 * 8 * 16], w[9 * 16];

__attribute__((noinline)) void do_bad_dwa(void)
{
    iss_dwa_acquire();
    iss_dwa_configure(in, out, w, 0, 8, 8, 16, 1, 1, 0, 0);
    iss_dwa_write(ISS_DWA_KERNEL, 5);
    iss_dwa_trigger();
    iss_dwa_wait();
}

int main(void)
{
    do_bad_dwa();
    return 0;
}
