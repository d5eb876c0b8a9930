/* ARRAY_SEL = NB_ARRAYS (one past the last array): a peripheral error. */
#include <stdint.h>
#include "iss.h"
#include "iss_ima.h"

__attribute__((noinline)) void do_bad_ima(void)
{
    uint32_t n = iss_ima_nb_arrays();
    iss_ima_acquire();
    iss_ima_select(n);
}

int main(void)
{
    do_bad_ima();
    return 0;
}
