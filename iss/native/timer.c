/* Cluster timer (PULP timer_unit): two 32-bit up-counters, LO and HI, clocked by the
 * cluster clock through an optional prescaler. A compare match sends event line 10 (LO)
 * or 11 (HI) to every core of the cluster. The count is computed from simulated time when
 * read; compare matches are timed callbacks. Offsets come from iss_archi.h. */
#include <stdlib.h>

#include "iss_native.h"

#define CFG_ENABLE ISS_TIMER_CFG_ENABLE
#define CFG_RESET ISS_TIMER_CFG_RESET
#define CFG_IRQ ISS_TIMER_CFG_IRQ_EN
#define CFG_IEM ISS_TIMER_CFG_EVENT_EN
#define CFG_CMP_CLR ISS_TIMER_CFG_CMP_CLR
#define CFG_ONE_SHOT ISS_TIMER_CFG_ONE_SHOT
#define CFG_PRESC_EN ISS_TIMER_CFG_PRESC_EN
#define CFG_REF_CLK ISS_TIMER_CFG_REF_CLK
#define CFG_CASC ISS_TIMER_CFG_CASC

typedef struct timer_half {
    uint32_t cfg, cmp;
    uint64_t base_time;       /* cycle at which the count was base_count */
    uint32_t base_count;
    uint32_t gen;             /* bumped on reconfiguration: stale callbacks ignore themselves */
} timer_half_t;

struct iss_timer {
    timer_half_t half[2];
};

static uint64_t ticks_len(const timer_half_t *h)
{
    return (h->cfg & CFG_PRESC_EN) ? ((h->cfg >> ISS_TIMER_CFG_PRESC_SHIFT) & 0xFF) + 1 : 1;
}

static uint32_t count_at(const timer_half_t *h, uint64_t t)
{
    if (!(h->cfg & CFG_ENABLE) || t < h->base_time)
        return h->base_count;
    uint64_t n = h->base_count + (t - h->base_time) / ticks_len(h);
    if ((h->cfg & CFG_CMP_CLR) && h->cmp)
        return (uint32_t)(n % ((uint64_t)h->cmp + 1));
    return (uint32_t)n;
}

static void rebase(timer_half_t *h, uint64_t t)
{
    h->base_count = count_at(h, t);
    h->base_time = t;
    h->gen++;
}

static void match(iss_cluster_t *cl, void *arg, uint64_t when);

/* Schedules the next compare match of an enabled half after time t. */
static void arm(iss_cluster_t *cl, int idx, uint64_t t)
{
    timer_half_t *h = &cl->timer->half[idx];
    if (!(h->cfg & CFG_ENABLE) || !(h->cfg & (CFG_IRQ | CFG_IEM)))
        return;
    uint32_t now = count_at(h, t);
    uint64_t ticks = now <= h->cmp ? (uint64_t)(h->cmp - now) : (1ull << 32) - now + h->cmp;
    if (ticks == 0)
        ticks = (h->cfg & CFG_CMP_CLR) ? (uint64_t)h->cmp + 1 : 1ull << 32;
    uint64_t when = t - (t - h->base_time) % ticks_len(h) + ticks * ticks_len(h);
    iss_schedule(cl, when, match, (void *)(uintptr_t)((uint64_t)h->gen << 1 | (uint64_t)idx));
}

static void match(iss_cluster_t *cl, void *arg, uint64_t when)
{
    uintptr_t a = (uintptr_t)arg;
    int idx = (int)(a & 1);
    timer_half_t *h = &cl->timer->half[idx];
    if ((uint32_t)(a >> 1) != h->gen)
        return;
    iss_deliver_events(cl, (uint32_t)((1ull << cl->cfg.num_cores) - 1),
                       1u << (idx ? ISS_EVT_TIMER1 : ISS_EVT_TIMER0), when);
    if (h->cfg & CFG_ONE_SHOT) {
        rebase(h, when);
        h->cfg &= ~CFG_ENABLE;
        return;
    }
    arm(cl, idx, when + 1);
}

void iss_timer_init(iss_cluster_t *cl) { cl->timer = calloc(1, sizeof *cl->timer); }
void iss_timer_free(iss_cluster_t *cl) { free(cl->timer); }

static uint32_t reg_index(uint32_t off) { return off / 4; }

uint64_t iss_timer_read(iss_core_t *c, uint32_t off)
{
    iss_cluster_t *cl = c->cl;
    uint32_t r = reg_index(off);
    timer_half_t *h = &cl->timer->half[r & 1];
    switch (off & ~4u) {
    case ISS_TIMER_CFG_LO: return h->cfg;
    case ISS_TIMER_CMP_LO: return h->cmp;
    case ISS_TIMER_CNT_LO: return iss_exact_time(c) ? count_at(h, iss_core_now(c)) : 0;
    }
    iss_fault(c, FAULT_PERIPH, ISS_TIMER_BASE + off, "load from timer register 0x%08x, which is write-only",
              ISS_TIMER_BASE + off);
    return 0;
}

void iss_timer_write(iss_core_t *c, uint32_t off, uint32_t val)
{
    iss_cluster_t *cl = c->cl;
    int idx = (int)(reg_index(off) & 1);
    timer_half_t *h = &cl->timer->half[idx];
    if (!iss_exact_time(c))
        return;
    uint64_t now = iss_core_now(c);
    rebase(h, now);
    switch (off & ~4u) {
    case ISS_TIMER_CFG_LO:
        if (val & (CFG_REF_CLK | CFG_CASC)) {
            iss_fault(c, FAULT_PERIPH, ISS_TIMER_BASE + off,
                      "timer config 0x%08x: the 32 kHz reference clock and 64-bit cascade are not modelled", val);
            return;
        }
        if (val & CFG_RESET)
            h->base_count = 0;
        h->cfg = val & ~CFG_RESET;
        break;
    case ISS_TIMER_CNT_LO: h->base_count = val; break;
    case ISS_TIMER_CMP_LO: h->cmp = val; break;
    case ISS_TIMER_START_LO: h->cfg |= CFG_ENABLE; break;
    case ISS_TIMER_RESET_LO: h->base_count = 0; break;
    default:
        iss_fault(c, FAULT_PERIPH, ISS_TIMER_BASE + off, "store to timer register 0x%08x: no such register",
                  ISS_TIMER_BASE + off);
        return;
    }
    arm(cl, idx, now);
}
