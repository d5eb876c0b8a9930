/* Every core prints one line, from a program built with clang-22 for core.isa = "corev"
 * (firmware/corev_hello/ISA): picolibc's printf and the runtime compiled by clang. */
#include <stdio.h>
#include "iss.h"

static void hello(void *arg)
{
    (void)arg;
    printf("corev hello from core %u of %u\n", iss_core_id(), iss_num_cores());
}

int main(void)
{
    iss_fork(iss_num_cores(), hello, NULL);
    return 0;
}
