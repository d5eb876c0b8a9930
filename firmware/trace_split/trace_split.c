/*
 * Tracing test program (tests/test_trace.py): every core calls one_n() and three_n() (burn.S,
 * a known 1:3 cycle split) CALLS times inside a firmware span, between markers 1 and 2; core 0
 * then works alone between markers 3 and 4 while the others wait in the join barrier.
 */
#include <stdint.h>
#include <stdio.h>
#include "iss.h"

#ifndef CALLS
#define CALLS 5
#endif

void one_n(void);
void three_n(void);

volatile uint32_t sink;

__attribute__((noinline)) static void work(void *arg)
{
    (void)arg;
    iss_trace_begin("burn");
    for (int i = 0; i < CALLS; i++) {
        one_n();
        three_n();
    }
    iss_trace_end();
}

__attribute__((noinline)) static uint32_t tail_target(uint32_t x)
{
    for (uint32_t i = 0; i < 50; i++)
        x = x * 3 + i;
    sink = x;
    return x;
}

int main(void)
{
    iss_marker(1);
    iss_fork(iss_num_cores(), work, NULL);
    iss_marker(2);
    iss_marker(3);
    uint32_t v = 0;
    for (int i = 0; i < 4; i++)
        v += tail_target((uint32_t)i);
    iss_marker(4);
    printf("done %lu\n", (unsigned long)v);
    return 0;
}
