/* Every core waits for software event 5, which nobody sends: the simulator must detect the deadlock. */
#include "iss.h"

__attribute__((noinline)) void wait_forever(void *arg)
{
    (void)arg;
    iss_evt_wait(1u << 5);
}

int main(void)
{
    iss_fork(iss_num_cores(), wait_forever, 0);
    return 0;
}
