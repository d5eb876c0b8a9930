/* Event unit v3 (per-core demux view): event mask/buffer, blocking waits, software
 * events, hardware barriers, mutexes and the dispatch FIFO. Register offsets come from
 * the generated iss_archi.h; docs/memory-map.md documents them.
 *
 * Accesses with side effects are executed at their exact simulated time: the first
 * attempt stops the core (the access does not retire) and the access is re-executed as
 * the first instruction of a new block, whose start time is known exactly. */
#include "iss_native.h"

#define EU_CORE_END 0x080
#define EU_DISPATCH_OFF (ISS_EU_DISPATCH_BASE - ISS_DEMUX_BASE)
#define EU_MUTEX_OFF (ISS_EU_MUTEX_BASE - ISS_DEMUX_BASE)
#define EU_SW_OFF (ISS_EU_SW_EVENT_BASE - ISS_DEMUX_BASE)
#define EU_BAR_OFF (ISS_EU_BARRIER_BASE - ISS_DEMUX_BASE)
#define EU_BAR_END (EU_BAR_OFF + ISS_EU_BARRIER_STRIDE * ISS_EU_BARRIER_INSTANCES)
#define DMA_OFF (ISS_DMA_BASE - ISS_DEMUX_BASE)

static uint32_t cores_mask(iss_cluster_t *cl) { return (uint32_t)((1ull << cl->cfg.num_cores) - 1); }

bool iss_core_waiting_satisfied(iss_core_t *c)
{
    switch (c->wait) {
    case WAIT_EVENT: case WAIT_WFI: case WAIT_BARRIER:
        return (c->evt_buffer & c->evt_mask) != 0;
    default:
        return false;   /* mutex and dispatch waits are granted explicitly */
    }
}

void iss_deliver_events(iss_cluster_t *cl, uint32_t core_mask, uint32_t events, uint64_t when)
{
    core_mask &= cores_mask(cl);
    for (uint32_t i = 0; i < cl->cfg.num_cores; i++) {
        if (!(core_mask >> i & 1))
            continue;
        iss_core_t *t = &cl->cores[i];
        t->evt_buffer |= events;
        if (t->state == CORE_SLEEPING && iss_core_waiting_satisfied(t))
            iss_core_wake(t, when);
    }
}

static void barrier_arrive(iss_cluster_t *cl, uint32_t b, uint32_t cores, uint64_t now)
{
    cl->bar_status[b] |= cores;
    uint32_t need = cl->bar_trigger_mask[b];
    if (need && (cl->bar_status[b] & need) == need) {
        cl->bar_status[b] = 0;
        iss_deliver_events(cl, cl->bar_target_mask[b], 1u << ISS_EVT_BARRIER, now);
    }
}

/* A wait register: sleep until BUFFER & MASK != 0, return it, optionally clear it. */
static uint32_t wait_events(iss_core_t *c, bool clear, enum iss_wait kind, uint32_t arg)
{
    uint32_t v = c->evt_buffer & c->evt_mask;
    if (!v) {
        iss_core_sleep(c, kind, arg);
        return 0;
    }
    c->resume = false;
    if (clear)
        c->evt_buffer &= ~v;
    return v;
}

static uint32_t mutex_lock(iss_core_t *c, uint32_t m)
{
    iss_cluster_t *cl = c->cl;
    if (cl->mutex_owner[m] < 0)
        cl->mutex_owner[m] = (int32_t)c->id;
    if (cl->mutex_owner[m] == (int32_t)c->id) {
        c->resume = false;
        return 0;
    }
    cl->mutex_waiters[m] |= 1u << c->id;
    iss_core_sleep(c, WAIT_MUTEX, m);
    return 0;
}

static void mutex_unlock(iss_core_t *c, uint32_t m)
{
    iss_cluster_t *cl = c->cl;
    if (cl->mutex_owner[m] != (int32_t)c->id) {
        iss_fault(c, FAULT_PERIPH, ISS_EU_MUTEX_BASE + 4 * m,
                  "core %u unlocks mutex %u, which %s", c->id, m,
                  cl->mutex_owner[m] < 0 ? "is not locked" : "another core holds");
        return;
    }
    cl->mutex_owner[m] = -1;
    uint32_t w = cl->mutex_waiters[m];
    if (!w)
        return;
    /* grant round-robin, starting after the releasing core, so no core starves */
    for (uint32_t k = 1; k <= cl->cfg.num_cores; k++) {
        uint32_t i = (c->id + k) % cl->cfg.num_cores;
        if (w >> i & 1) {
            cl->mutex_waiters[m] &= ~(1u << i);
            cl->mutex_owner[m] = (int32_t)i;
            iss_core_wake(&cl->cores[i], iss_core_now(c));
            return;
        }
    }
}

static uint32_t dispatch_pop(iss_core_t *c)
{
    if (!c->fifo_count) {
        iss_core_sleep(c, WAIT_DISPATCH, 0);
        return 0;
    }
    c->resume = false;
    uint32_t v = c->fifo[c->fifo_head];
    c->fifo_head = (c->fifo_head + 1) % ISS_FIFO_DEPTH;
    c->fifo_count--;
    return v;
}

static void dispatch_push(iss_core_t *c, uint32_t v)
{
    iss_cluster_t *cl = c->cl;
    uint32_t team = cl->team_mask & cores_mask(cl);
    for (uint32_t i = 0; i < cl->cfg.num_cores; i++) {
        if (!(team >> i & 1))
            continue;
        iss_core_t *t = &cl->cores[i];
        if (t->fifo_count == ISS_FIFO_DEPTH) {
            iss_fault(c, FAULT_PERIPH, ISS_EU_DISPATCH_BASE,
                      "dispatch FIFO of core %u overflows (%d words not yet read)", i, ISS_FIFO_DEPTH);
            return;
        }
        t->fifo[(t->fifo_head + t->fifo_count) % ISS_FIFO_DEPTH] = v;
        t->fifo_count++;
        if (t->state == CORE_SLEEPING && t->wait == WAIT_DISPATCH)
            iss_core_wake(t, iss_core_now(c));
    }
}

static void bad_access(iss_core_t *c, uint64_t off, const char *what)
{
    iss_fault(c, FAULT_PERIPH, ISS_DEMUX_BASE + (uint32_t)off,
              "%s at event unit register 0x%08x, which has no such access",
              what, ISS_DEMUX_BASE + (uint32_t)off);
}

uint64_t iss_demux_read(uc_engine *uc, uint64_t off, unsigned size, void *core)
{
    iss_core_t *c = core;
    iss_cluster_t *cl = c->cl;
    (void)uc; (void)size;
    if (off >= DMA_OFF && off < DMA_OFF + ISS_DMA_VIEW_SIZE)   /* the calling core's DMA view */
        return iss_dma_read(c, (uint32_t)(off - DMA_OFF), size);
    if (off < EU_CORE_END) {
        switch (off) {
        case ISS_EU_CORE_MASK: return c->evt_mask;
        case ISS_EU_CORE_STATUS: return 1;
        case ISS_EU_CORE_BUFFER: return c->evt_buffer;
        case ISS_EU_CORE_BUFFER_MASKED: return c->evt_buffer & c->evt_mask;
        case ISS_EU_CORE_EVENT_WAIT:
        case ISS_EU_CORE_EVENT_WAIT_CLEAR:
            if (!iss_exact_time(c))
                return 0;
            return wait_events(c, off == ISS_EU_CORE_EVENT_WAIT_CLEAR, WAIT_EVENT, c->evt_mask);
        }
    } else if (off == EU_DISPATCH_OFF + ISS_EU_DISPATCH_FIFO_ACCESS) {
        return iss_exact_time(c) ? dispatch_pop(c) : 0;
    } else if (off == EU_DISPATCH_OFF + ISS_EU_DISPATCH_TEAM_CONFIG) {
        return cl->team_mask;
    } else if (off >= EU_MUTEX_OFF && off < EU_MUTEX_OFF + 4 * ISS_NUM_MUTEX) {
        return iss_exact_time(c) ? mutex_lock(c, (uint32_t)(off - EU_MUTEX_OFF) / 4) : 0;
    } else if (off >= EU_SW_OFF + ISS_EU_SW_EVENT_TRIGG_WAIT && off < EU_SW_OFF + 0xC0) {
        uint32_t rel = (uint32_t)(off - EU_SW_OFF), evt = (rel & 0x3F) / 4;
        if (evt >= ISS_EU_SW_EVENT_COUNT) {   /* slots 8-15 of the range: no such event */
            iss_fault(c, FAULT_PERIPH, ISS_DEMUX_BASE + (uint32_t)off,
                      "load at event unit register 0x%08x: %s of software event %u, but there are %u (0-%u)",
                      ISS_DEMUX_BASE + (uint32_t)off, rel >= ISS_EU_SW_EVENT_TRIGG_WAIT_CLEAR ? "TRIGG_WAIT_CLEAR"
                      : "TRIGG_WAIT", evt, ISS_EU_SW_EVENT_COUNT, ISS_EU_SW_EVENT_COUNT - 1);
            return 0;
        }
        if (!iss_exact_time(c))
            return 0;
        if (!c->resume)   /* TRIGG_WAIT: send event to the other cores, then wait */
            iss_deliver_events(cl, cores_mask(cl) & ~(1u << c->id), 1u << evt, iss_core_now(c));
        return wait_events(c, rel >= ISS_EU_SW_EVENT_TRIGG_WAIT_CLEAR, WAIT_EVENT, c->evt_mask);
    } else if (off >= EU_BAR_OFF && off < EU_BAR_END) {
        uint32_t b = (uint32_t)(off - EU_BAR_OFF) / ISS_EU_BARRIER_STRIDE;
        uint32_t reg = (uint32_t)(off - EU_BAR_OFF) % ISS_EU_BARRIER_STRIDE;
        switch (reg) {
        case ISS_EU_BARRIER_TRIGGER_MASK: return cl->bar_trigger_mask[b];
        case ISS_EU_BARRIER_TARGET_MASK: return cl->bar_target_mask[b];
        case ISS_EU_BARRIER_STATUS: return cl->bar_status[b];
        case ISS_EU_BARRIER_STATUS_SUMMARY: {
            uint32_t s = 0;
            for (uint32_t i = 0; i < ISS_NUM_BARRIERS; i++)
                s |= (cl->bar_status[i] != 0) << i;
            return s;
        }
        case ISS_EU_BARRIER_TRIGGER_WAIT:
        case ISS_EU_BARRIER_TRIGGER_WAIT_CLEAR:
            if (!iss_exact_time(c))
                return 0;
            if (!c->resume)
                barrier_arrive(cl, b, 1u << c->id, iss_core_now(c));
            return wait_events(c, reg == ISS_EU_BARRIER_TRIGGER_WAIT_CLEAR, WAIT_BARRIER, b);
        }
    }
    bad_access(c, off, "load");
    return 0;
}

void iss_demux_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t val, void *core)
{
    iss_core_t *c = core;
    iss_cluster_t *cl = c->cl;
    uint32_t v = (uint32_t)val;
    (void)uc; (void)size;
    if (off >= DMA_OFF && off < DMA_OFF + ISS_DMA_VIEW_SIZE) {   /* the calling core's DMA view */
        iss_dma_write(c, (uint32_t)(off - DMA_OFF), size, v);
        return;
    }
    if (off < EU_CORE_END) {
        switch (off) {
        case ISS_EU_CORE_MASK: c->evt_mask = v; return;
        case ISS_EU_CORE_MASK_AND: c->evt_mask &= ~v; return;
        case ISS_EU_CORE_MASK_OR: c->evt_mask |= v; return;
        case ISS_EU_CORE_BUFFER_CLEAR: c->evt_buffer &= ~v; return;
        }
    } else if (off == EU_DISPATCH_OFF + ISS_EU_DISPATCH_FIFO_ACCESS) {
        if (iss_exact_time(c))
            dispatch_push(c, v);
        return;
    } else if (off == EU_DISPATCH_OFF + ISS_EU_DISPATCH_TEAM_CONFIG) {
        cl->team_mask = v;
        return;
    } else if (off >= EU_MUTEX_OFF && off < EU_MUTEX_OFF + 4 * ISS_NUM_MUTEX) {
        if (iss_exact_time(c))
            mutex_unlock(c, (uint32_t)(off - EU_MUTEX_OFF) / 4);
        return;
    } else if (off >= EU_SW_OFF && off < EU_SW_OFF + 4 * ISS_EU_SW_EVENT_COUNT) {
        if (iss_exact_time(c))
            iss_deliver_events(cl, v, 1u << ((off - EU_SW_OFF) / 4), iss_core_now(c));
        return;
    } else if (off >= EU_BAR_OFF && off < EU_BAR_END) {
        uint32_t b = (uint32_t)(off - EU_BAR_OFF) / ISS_EU_BARRIER_STRIDE;
        uint32_t reg = (uint32_t)(off - EU_BAR_OFF) % ISS_EU_BARRIER_STRIDE;
        switch (reg) {
        case ISS_EU_BARRIER_TRIGGER_MASK: cl->bar_trigger_mask[b] = v; return;
        case ISS_EU_BARRIER_TARGET_MASK: cl->bar_target_mask[b] = v; return;
        case ISS_EU_BARRIER_TRIGGER:
        case ISS_EU_BARRIER_TRIGGER_SELF:
            if (iss_exact_time(c))
                barrier_arrive(cl, b, reg == ISS_EU_BARRIER_TRIGGER ? v : 1u << c->id,
                               iss_core_now(c));
            return;
        }
    }
    bad_access(c, off, "store");
}
