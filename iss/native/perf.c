/* RI5CY performance counters (CSR PCER 0xCC0, PCMR 0xCC1, PCCR 0x780+n), per core, derived
 * from the core's event counts so counting costs nothing while they run. */
#include "iss_native.h"

static uint64_t perf_source(iss_core_t *c, unsigned ev)
{
    switch (ev) {
    case 0: return c->cycles - c->sleep_total;   /* a clock-gated core does not count */
    case 1: return c->cnt.instret;
    case 2: return c->cnt.ld_stall;
    case 3: return c->cnt.jmp_stall;
    case 5: return c->cnt.loads;
    case 6: return c->cnt.stores;
    case 7: return c->cnt.jumps;
    case 8: return c->cnt.branches;
    case 9: return c->cnt.taken;
    case 10: return c->cnt.rvc;
    case 16: return c->cnt.tcdm_cont;
    default: return 0;   /* 4 IMISS: instruction caches are not modelled */
    }
}

static bool perf_counting(iss_core_t *c, unsigned n)
{
    return (c->pcmr & 1) && (c->pcer >> n & 1);
}

uint32_t iss_perf_read(iss_core_t *c, unsigned n)
{
    if (n >= ISS_NUM_PERF)
        return 0;
    uint64_t v = c->perf_acc[n];
    if (perf_counting(c, n))
        v += perf_source(c, n) - c->perf_base[n];
    return (uint32_t)v;
}

void iss_perf_write(iss_core_t *c, unsigned n, uint32_t val)
{
    if (n >= ISS_NUM_PERF)
        return;
    c->perf_acc[n] = val;
    c->perf_base[n] = perf_source(c, n);
}

void iss_perf_config(iss_core_t *c, uint32_t pcer, uint32_t pcmr)
{
    for (unsigned n = 0; n < ISS_NUM_PERF; n++) {   /* freeze, then restart with new config */
        c->perf_acc[n] = iss_perf_read(c, n);
        c->perf_base[n] = perf_source(c, n);
    }
    c->pcer = pcer;
    c->pcmr = pcmr;
}

