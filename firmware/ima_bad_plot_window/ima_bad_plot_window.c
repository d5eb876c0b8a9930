/* A weight window past the bottom edge of the array (rows size-2 .. size+1), then its words. */
#include <stdint.h>
#include "iss.h"
#include "iss_ima.h"

__attribute__((noinline)) void do_bad_ima(void)
{
    uint32_t size = iss_ima_array_size();
    iss_ima_acquire();
    iss_ima_select(0);
    iss_ima_write(ISS_IMA_P_START_X, 0);
    iss_ima_write(ISS_IMA_P_START_Y, size - 2);
    iss_ima_write(ISS_IMA_P_WIDTH, 8);
    iss_ima_write(ISS_IMA_P_HIGHT, 4);
    for (int k = 0; k < 4; k++)
        iss_ima_write(ISS_IMA_SUBMIT_PLOT, 0x11111111u);
}

int main(void)
{
    do_bad_ima();
    return 0;
}
