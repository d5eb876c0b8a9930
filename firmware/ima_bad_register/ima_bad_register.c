/* A job register written by a core that does not hold the IMA: a peripheral error. */
#include <stdint.h>
#include "iss.h"
#include "iss_ima.h"

__attribute__((noinline)) void do_bad_ima(void)
{
    iss_ima_write(ISS_IMA_J_WIDTH, 16);
}

int main(void)
{
    do_bad_ima();
    return 0;
}
