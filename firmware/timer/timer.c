/*
 * Cluster timer: a periodic event every PERIOD cycles wakes core 0, which records mcycle
 * at each wake-up; then a one-shot; then the counter read back.
 */
#include <stdio.h>
#include "iss_timer.h"

#ifndef PERIOD
#define PERIOD 1000
#endif

int main(void)
{
    uint32_t t[4];
    iss_timer_start(PERIOD, 0);
    for (int i = 0; i < 4; i++) {
        iss_timer_wait();
        t[i] = iss_cycles();
    }
    iss_timer_stop();
    for (int i = 1; i < 4; i++)
        printf("period %lu\n", (unsigned long)(t[i] - t[i - 1]));

    iss_timer_start(300, 1);
    uint32_t before = iss_cycles();
    iss_timer_wait();
    printf("one-shot after %lu\n", (unsigned long)(iss_cycles() - before));
    uint32_t c0 = iss_timer_count(), c1 = iss_timer_count();
    printf("stopped count %lu %lu\n", (unsigned long)c0, (unsigned long)c1);

    iss_timer_start(1u << 30, 0);
    c0 = iss_timer_count();
    c1 = iss_timer_count();
    printf("count delta %lu\n", (unsigned long)(c1 - c0));
    return 0;
}
