/* Many rounds of write-barrier-check-barrier on all cores: a core passing a barrier early shows up as an error. */
#include <stdio.h>
#include "iss.h"

#ifndef ROUNDS
#define ROUNDS 5000
#endif

static int slot[ISS_MAX_CORES];
static int errors[ISS_MAX_CORES];
static int barriers;

static void stress(void *arg)
{
    (void)arg;
    unsigned core = iss_core_id();
    unsigned nb = iss_num_cores();
    int count = 0;
    for (int round = 0; round < ROUNDS; round++) {
        slot[core] = round;
        iss_barrier();
        for (unsigned c = 0; c < nb; c++)
            if (slot[c] != round)
                errors[core]++;
        iss_barrier();
        count += 2;
    }
    if (core == 0)
        barriers = count;
}

int main(void)
{
    iss_fork(iss_num_cores(), stress, NULL);
    int total = 0;
    for (unsigned c = 0; c < ISS_MAX_CORES; c++)
        total += errors[c];
    printf("barriers %d errors %d\n", barriers, total);
    return total == 0 ? 0 : 1;
}
