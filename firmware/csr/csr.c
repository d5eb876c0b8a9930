/* Every core reads its ids, mcycle, minstret and the RI5CY performance counters. */
#include <stdio.h>
#include "iss.h"

static uint32_t hartid[ISS_MAX_CORES];
static int failures[ISS_MAX_CORES];

static void check(void *arg)
{
    (void)arg;
    unsigned core = iss_core_id();
    unsigned hart;
    __asm__ volatile("csrr %0, mhartid" : "=r"(hart));
    hartid[core] = hart;
    printf("core %u hartid %u\n", core, hart);
    int bad = 0;

    uint32_t c0 = iss_cycles();
    uint32_t c1 = iss_cycles();
    if (c1 <= c0) {
        printf("core %u: mcycle did not increase (%lu, %lu)\n", core, (unsigned long)c0, (unsigned long)c1);
        bad++;
    }
    uint32_t i0 = iss_instret();
    uint32_t i1 = iss_instret();
    if (i1 <= i0) {
        printf("core %u: minstret did not increase (%lu, %lu)\n", core, (unsigned long)i0, (unsigned long)i1);
        bad++;
    }

    /* Count instructions over a short loop, then check the stopped counter holds still. */
    iss_perf_conf((1u << ISS_PERF_CYCLES) | (1u << ISS_PERF_INSTR));
    iss_perf_reset();
    iss_perf_start();
    for (volatile int i = 0; i < 10; i++)
        ;
    iss_perf_stop();
    uint32_t instr = iss_perf_read(ISS_PERF_INSTR);
    uint32_t cycles = iss_perf_read(ISS_PERF_CYCLES);
    if (instr == 0 || cycles < instr || iss_perf_read(ISS_PERF_INSTR) != instr) {
        printf("core %u: perf counters instr %lu cycles %lu\n", core, (unsigned long)instr, (unsigned long)cycles);
        bad++;
    }
    failures[core] = bad;
}

int main(void)
{
    unsigned nb = iss_num_cores();
    iss_fork(nb, check, NULL);
    int total = 0;
    for (unsigned c = 0; c < nb; c++) {
        total += failures[c];
        if ((hartid[c] & 0x1f) != c) {
            printf("core %u: hartid %lu\n", c, (unsigned long)hartid[c]);
            total++;
        }
    }
    return total == 0 ? 0 : 1;
}
