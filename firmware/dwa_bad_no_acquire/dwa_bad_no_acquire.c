/* TRIGGER from a core that has not acquired the DWA. */
#include <stdint.h>
#include "iss.h"
#include "iss_dwa.h"

__attribute__((noinline)) void do_bad_dwa(void)
{
    iss_dwa_trigger();
    iss_dwa_wait();
}

int main(void)
{
    do_bad_dwa();
    return 0;
}
