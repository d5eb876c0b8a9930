/* The DWA's holder reads ACQUIRE again (granted, as the IMA answers), starts a job on a large
 * layer, and core 1, sleeping on the end-of-job event, is woken when core 0 aborts the job with
 * SOFT_CLEAR (issue 13: the DWA's SOFT_CLEAR woke no waiter, so the waiter could deadlock). */
#include <stdint.h>
#include <stdio.h>
#include "iss.h"
#include "iss_dwa.h"

int8_t in[32 * 32 * 32], out[32 * 32 * 32], w[9 * 32];
static volatile uint32_t second_acquire = 7, woken;

static void work(void *arg)
{
    (void)arg;
    if (iss_core_id() == 1) {
        iss_evt_wait(1u << ISS_EVT_ACC1);   /* the job's end, or its abort */
        woken = 1;
        return;
    }
    iss_dwa_acquire();
    second_acquire = iss_dwa_read(ISS_DWA_ACQUIRE);
    iss_dwa_conv3x3(in, out, w, 0, 32, 32, 32, 1, 1, 0, 0);
    for (volatile int i = 0; i < 50; i++)
        ;
    iss_dwa_release();   /* SOFT_CLEAR while the job runs */
}

int main(void)
{
    iss_fork(2, work, NULL);
    printf("second acquire %ld, waiter woken %lu\n", (long)(int32_t)second_acquire, (unsigned long)woken);
    return 0;
}
