/* A weight read-back at column 0xFFFFFFF8: the window's end wraps 32 bits (reproducer
 * c2pg of issue 13: the bound check used to pass and the read ran 4 GiB past the weights). */
#include <stdint.h>
#include "iss.h"
#include "iss_ima.h"

__attribute__((noinline)) void do_bad_ima(void)
{
    iss_ima_acquire();
    iss_ima_select(0);
    (void)iss_ima_read_word(0xFFFFFFF8u, 0);
}

int main(void)
{
    do_bad_ima();
    return 0;
}
