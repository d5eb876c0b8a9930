/* Every core prints one line. */
#include <stdio.h>
#include "iss.h"

static void hello(void *arg)
{
    (void)arg;
    printf("hello from core %u of %u\n", iss_core_id(), iss_num_cores());
}

int main(void)
{
    iss_fork(iss_num_cores(), hello, NULL);
    return 0;
}
