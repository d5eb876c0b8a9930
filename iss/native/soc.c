/* SoC peripherals (per-core stdout, CORESTATUS end of computation), the cluster control
 * information registers and the TCDM test-and-set alias. */
#include <string.h>

#include "iss_native.h"

#define TIMER_OFF (ISS_TIMER_BASE - ISS_CLUSTER_PERIPH_BASE)
#define TIMER_END (TIMER_OFF + ISS_TIMER_RESET_HI + 4)
#define DWA_OFF (ISS_DWA_BASE - ISS_CLUSTER_PERIPH_BASE)
#define DWA_END (DWA_OFF + 0x80)
#define IMA_OFF (ISS_IMA_BASE - ISS_CLUSTER_PERIPH_BASE)
#define IMA_END (IMA_OFF + 0x100)
#define SOC_STDOUT_OFF (ISS_STDOUT_BASE - ISS_SOC_PERIPH_BASE)
#define SOC_CORESTATUS_OFF (ISS_SOC_CTRL_BASE + ISS_SOC_CTRL_CORESTATUS - ISS_SOC_PERIPH_BASE)

static void unmodelled(iss_core_t *c, uint32_t addr, const char *what, const char *region)
{
    iss_fault(c, FAULT_PERIPH, addr, "%s at 0x%08x in %s: no register there", what, addr, region);
}

uint64_t iss_soc_read(uc_engine *uc, uint64_t off, unsigned size, void *core)
{
    (void)uc; (void)size;
    unmodelled(core, ISS_SOC_PERIPH_BASE + (uint32_t)off, "load", "the SoC peripherals");
    return 0;
}

void iss_soc_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t val, void *core)
{
    iss_core_t *c = core;
    iss_cluster_t *cl = c->cl;
    (void)uc; (void)size;
    uint32_t rel = (uint32_t)off - SOC_STDOUT_OFF;
    uint32_t cluster = rel / ISS_STDOUT_CLUSTER_STRIDE;
    uint32_t slot = rel % ISS_STDOUT_CLUSTER_STRIDE;
    if (off >= SOC_STDOUT_OFF && cluster == cl->cfg.cluster_id && slot % ISS_STDOUT_STRIDE == 0 &&
        slot / ISS_STDOUT_STRIDE < cl->cfg.num_cores) {
        iss_output_char(c, slot / ISS_STDOUT_STRIDE, (char)val);
        return;
    }
    if (off == SOC_CORESTATUS_OFF) {
        if ((uint32_t)val & ISS_SOC_CTRL_EOC_BIT) {
            if (iss_exact_time(c))   /* the end of the run is timed exactly */
                iss_end_run(cl, c, (int32_t)((uint32_t)val & ~ISS_SOC_CTRL_EOC_BIT));
        }
        return;
    }
    unmodelled(c, ISS_SOC_PERIPH_BASE + (uint32_t)off, "store", "the SoC peripherals");
}

static const char *periph_name(uint32_t off)
{
    static const struct { uint32_t off; const char *name; } map[] = {
        {ISS_IMA_OFFSET, "the IMA"},
        {ISS_DMA_GLOBAL_OFFSET, "the DMA (global view)"}, {ISS_ICACHE_CTRL_OFFSET, "I-cache control"},
        {ISS_HWPE_OFFSET, "the HWPE slot"}, {ISS_EU_GLOBAL_OFFSET, "the event unit global view"},
        {ISS_TIMER_OFFSET, "the cluster timer"}, {0, "cluster control"},
    };
    for (size_t i = 0; /* ordered by decreasing offset */ i < sizeof map / sizeof map[0]; i++)
        if (off >= map[i].off)
            return map[i].name;
    return "cluster peripherals";
}

uint64_t iss_periph_read(uc_engine *uc, uint64_t off, unsigned size, void *core)
{
    iss_core_t *c = core;
    (void)uc;
    if (off >= ISS_DMA_GLOBAL_OFFSET && off < ISS_DMA_GLOBAL_OFFSET + ISS_DMA_VIEW_SIZE)
        return iss_dma_read(c, ISS_DMA_GLOBAL | (uint32_t)(off - ISS_DMA_GLOBAL_OFFSET), size);
    if (off == ISS_CLUSTER_CTRL_NB_CORES)
        return c->cl->cfg.num_cores;
    if (off >= TIMER_OFF && off < TIMER_END && size == 4)
        return iss_timer_read(c, (uint32_t)(off - TIMER_OFF));
    if (off >= IMA_OFF && off < IMA_END && size == 4 && off % 4 == 0)
        return iss_ima_read(c, (uint32_t)(off - IMA_OFF));
    if (off >= DWA_OFF && off < DWA_END && size == 4 && off % 4 == 0)
        return iss_dwa_read(c, (uint32_t)(off - DWA_OFF));
    unmodelled(c, ISS_CLUSTER_PERIPH_BASE + (uint32_t)off, "load", periph_name((uint32_t)off));
    return 0;
}

void iss_periph_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t val, void *core)
{
    (void)uc;
    if (off == ISS_CLUSTER_CTRL_MARKER) {
        if (iss_exact_time(core))
            iss_record_marker(((iss_core_t *)core)->cl, core, (uint32_t)val);
        return;
    }
    if (off == ISS_CLUSTER_CTRL_TRACE_BEGIN || off == ISS_CLUSTER_CTRL_TRACE_END) {
        if (iss_exact_time(core))   /* spans start and end at their exact cycle (trace.c) */
            iss_trace_user(core, off == ISS_CLUSTER_CTRL_TRACE_BEGIN, (uint32_t)val,
                           ISS_CLUSTER_PERIPH_BASE + (uint32_t)off);
        return;
    }
    if (off >= ISS_DMA_GLOBAL_OFFSET && off < ISS_DMA_GLOBAL_OFFSET + ISS_DMA_VIEW_SIZE) {
        iss_dma_write(core, ISS_DMA_GLOBAL | (uint32_t)(off - ISS_DMA_GLOBAL_OFFSET), size, (uint32_t)val);
        return;
    }
    if (off >= TIMER_OFF && off < TIMER_END && size == 4) {
        iss_timer_write(core, (uint32_t)(off - TIMER_OFF), (uint32_t)val);
        return;
    }
    if (off >= IMA_OFF && off < IMA_END && size == 4 && off % 4 == 0) {
        iss_ima_write(core, (uint32_t)(off - IMA_OFF), (uint32_t)val);
        return;
    }
    if (off >= DWA_OFF && off < DWA_END && size == 4 && off % 4 == 0) {
        iss_dwa_write(core, (uint32_t)(off - DWA_OFF), (uint32_t)val);
        return;
    }
    unmodelled(core, ISS_CLUSTER_PERIPH_BASE + (uint32_t)off, "store", periph_name((uint32_t)off));
}

/* Test-and-set alias: a load returns the TCDM word and atomically sets it to all ones
 * (atomic because cores never run concurrently). A store writes through. */
uint64_t iss_tas_read(uc_engine *uc, uint64_t off, unsigned size, void *core)
{
    iss_core_t *c = core;
    (void)uc;
    uint8_t *p = c->cl->tcdm + off;
    uint32_t v = 0;
    if (off + size > c->cl->cfg.tcdm_size) {
        iss_fault(c, FAULT_READ_UNMAPPED, ISS_TCDM_TAS_BASE + (uint32_t)off,
                  "test-and-set load beyond the TCDM at 0x%08x", ISS_TCDM_TAS_BASE + (uint32_t)off);
        return 0;
    }
    if (iss_debug_watch_core(c, ISS_TCDM_BASE + (uint32_t)off, size, true, true))
        return 0;   /* stopped before the access: it runs again on resume */
    memcpy(&v, p, size);
    memset(p, 0xFF, size);
    return v;
}

void iss_tas_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t val, void *core)
{
    iss_core_t *c = core;
    (void)uc;
    if (off + size > c->cl->cfg.tcdm_size) {
        iss_fault(c, FAULT_WRITE_UNMAPPED, ISS_TCDM_TAS_BASE + (uint32_t)off,
                  "test-and-set store beyond the TCDM at 0x%08x", ISS_TCDM_TAS_BASE + (uint32_t)off);
        return;
    }
    if (iss_debug_watch_core(c, ISS_TCDM_BASE + (uint32_t)off, size, false, true))
        return;
    memcpy(c->cl->tcdm + off, &val, size);
}
