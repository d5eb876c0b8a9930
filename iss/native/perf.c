/* RI5CY performance counters (CSR PCER 0xCC0, PCMR 0xCC1, PCCR 0x780+n), per core, derived
 * from the core's event counts so counting costs nothing while they run. */
#include "iss_native.h"
#include "patch.h"

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


/* ---- CV32E40P hardware performance counters: mhpmcounter3-31 count the events selected by
 * mhpmevent3-31 (bit e = event e of the CV32E40P manual, the same numbering as RI5CY's for
 * 0-10) unless mcountinhibit bit N is set. Several selected events add up. ---- */

static uint64_t hpm_source(iss_core_t *c, unsigned n)
{
    uint64_t v = 0;
    uint32_t sel = c->hpm_event[n];
    for (unsigned e = 0; sel && e <= 10; e++, sel >>= 1)
        if (sel & 1)
            v += perf_source(c, e);
    return v;
}

static uint64_t hpm_value(iss_core_t *c, unsigned n)
{
    uint64_t v = c->hpm_acc[n];
    if (!(c->hpm_inhibit >> n & 1))
        v += hpm_source(c, n) - c->hpm_base[n];
    return v;
}

static void hpm_freeze(iss_core_t *c)
{
    for (unsigned n = 3; n < 32; n++) {
        c->hpm_acc[n] = hpm_value(c, n);
        c->hpm_base[n] = hpm_source(c, n);
    }
}

bool iss_hpm_read(iss_core_t *c, uint32_t alias, uint32_t *val)
{
    if (alias == PATCH_HPM_EVENT) { *val = c->hpm_inhibit; return true; }
    if (alias > PATCH_HPM_EVENT + 2 && alias < PATCH_HPM_EVENT + 32) { *val = c->hpm_event[alias - PATCH_HPM_EVENT]; return true; }
    if (alias > PATCH_HPM_COUNTER + 2 && alias < PATCH_HPM_COUNTER + 32) { *val = (uint32_t)hpm_value(c, alias - PATCH_HPM_COUNTER); return true; }
    if (alias > PATCH_HPM_COUNTERH + 2 && alias < PATCH_HPM_COUNTERH + 32) { *val = (uint32_t)(hpm_value(c, alias - PATCH_HPM_COUNTERH) >> 32); return true; }
    return false;
}

bool iss_hpm_write(iss_core_t *c, uint32_t alias, uint32_t val)
{
    if (alias == PATCH_HPM_EVENT || (alias > PATCH_HPM_EVENT + 2 && alias < PATCH_HPM_EVENT + 32)) {
        hpm_freeze(c);
        if (alias == PATCH_HPM_EVENT)
            c->hpm_inhibit = val;
        else
            c->hpm_event[alias - PATCH_HPM_EVENT] = val;
        for (unsigned n = 3; n < 32; n++)
            c->hpm_base[n] = hpm_source(c, n);
        return true;
    }
    bool high = alias > PATCH_HPM_COUNTERH + 2 && alias < PATCH_HPM_COUNTERH + 32;
    if (!high && !(alias > PATCH_HPM_COUNTER + 2 && alias < PATCH_HPM_COUNTER + 32))
        return false;
    unsigned n = alias - (high ? PATCH_HPM_COUNTERH : PATCH_HPM_COUNTER);
    uint64_t v = hpm_value(c, n);
    v = high ? (v & 0xFFFFFFFFull) | (uint64_t)val << 32 : (v & ~0xFFFFFFFFull) | val;
    c->hpm_acc[n] = v;
    c->hpm_base[n] = hpm_source(c, n);
    return true;
}
