/* A SUBMIT_PLOT word with a weight -8 (nibble 0x8 in column 2): a peripheral error. */
#include <stdint.h>
#include "iss.h"
#include "iss_ima.h"

__attribute__((noinline)) void do_bad_ima(void)
{
    iss_ima_acquire();
    iss_ima_select(0);
    iss_ima_write(ISS_IMA_P_START_X, 0);
    iss_ima_write(ISS_IMA_P_START_Y, 0);
    iss_ima_write(ISS_IMA_P_WIDTH, 8);
    iss_ima_write(ISS_IMA_P_HIGHT, 2);
    iss_ima_write(ISS_IMA_SUBMIT_PLOT, 0x77777777u);
    iss_ima_write(ISS_IMA_SUBMIT_PLOT, 0x12345812u);
}

int main(void)
{
    do_bad_ima();
    return 0;
}
