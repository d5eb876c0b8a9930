/* Cluster DMA with the MCHAN v7 programming model (docs/dma.md).
 *
 * Registers: each core has a view of its own in the demux area and the global view is in
 * the cluster peripherals; each view has its own command queue (the state machine that
 * collects the words of a command). Transfer ids (MCHAN counters) are shared by all views.
 *
 * One engine moves the transfers in FIFO order. The data is copied at the end of a
 * transfer (a timed callback), then its id's STATUS bit clears and, with ELE, event DMA0
 * goes to the issuing core (every core with BLE). Timing, all constants from [dma]:
 *
 *   start    = max(enqueue time, end of the previous transfer)
 *   bursts   = the transfer cut at max_burst bytes (and, for 2-D, at the end of every row)
 *   axi_end  = start + l2_latency + sum over bursts of ceil(bytes / bytes_per_cycle)
 *   TCDM     : from start + l2_latency, the 32-bit words each burst touches are accessed
 *              tcdm_ports at a time, one group a cycle, a burst starting a new group; with
 *              bank conflicts every word goes through iss_tcdm_grant and the next group
 *              waits for the last grant of the previous one
 *   end      = max(axi_end, last TCDM group's cycle + 1)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iss_native.h"

#define DMA_IDS 16
#define DMA_VIEWS (ISS_MAX_CORES + 1)   /* one per core, then the global view */
#define DMA_GLOBAL_VIEW ISS_MAX_CORES
#define DMA_GLOBAL_ADDR (ISS_CLUSTER_PERIPH_BASE + ISS_DMA_GLOBAL_OFFSET)

/* the words of a command, in the order they are written to CMD */
enum { W_CMD, W_TCDM, W_L2, W_ROW_LEN, W_STRIDE };

typedef struct dma_xfer {
    uint32_t len;             /* bytes */
    uint32_t tcdm, l2;        /* offsets in the TCDM and in L2 */
    uint32_t row_len, stride; /* L2 side rows (1-D: one row of len bytes) */
    uint32_t id, core;
    bool to_tcdm, event, broadcast, is_2d;
    uint64_t enqueued;
    uint64_t started;         /* cycle the engine started it */
} dma_xfer_t;

typedef struct dma_view {
    uint32_t step;            /* next word of the command being pushed */
    int32_t id;               /* id of the commands pushed here; -1 none */
    dma_xfer_t x;             /* the command being pushed */
} dma_view_t;

struct iss_dma {
    iss_cluster_t *cl;
    uint32_t allocated;                 /* bit per id */
    uint32_t inflight[DMA_IDS];         /* transfers enqueued, not yet completed */
    dma_view_t view[DMA_VIEWS];

    /* FIFO of enqueued transfers; the head is the one the engine moves */
    dma_xfer_t *fifo;
    uint32_t head, count, cap;
    bool busy;                          /* the head transfer has started */
    uint64_t prev_end;                  /* end of the previous transfer */
    uint64_t axi_end, cursor;           /* the head transfer: AXI end, next TCDM group cycle */
    uint32_t pos;                       /* the head transfer: bytes whose TCDM words are done */
    uint64_t transfers, bytes, busy_cycles;   /* activity, for the energy model */
};

static void engine_start(struct iss_dma *d, uint64_t start);

void iss_dma_init(iss_cluster_t *cl)
{
    struct iss_dma *d = calloc(1, sizeof *d);
    if (!d)
        return;   /* iss_create reports it */
    d->cl = cl;
    for (int v = 0; v < DMA_VIEWS; v++)
        d->view[v].id = -1;
    cl->dma = d;
}

void iss_dma_get_stats(iss_cluster_t *cl, iss_dma_stats_t *out)
{
    *out = (iss_dma_stats_t){cl->dma->transfers, cl->dma->bytes, cl->dma->busy_cycles};
}

void iss_dma_free(iss_cluster_t *cl)
{
    if (!cl->dma)
        return;
    free(cl->dma->fifo);
    free(cl->dma);
    cl->dma = NULL;
}

/* ---- timing ---- */

static uint32_t burst_len(const iss_config_t *cfg, const dma_xfer_t *x, uint32_t pos)
{
    uint32_t b = x->len - pos;
    uint32_t in_row = pos % x->row_len;
    if (b > x->row_len - in_row)
        b = x->row_len - in_row;
    if (b > cfg->dma_max_burst)
        b = cfg->dma_max_burst;
    return b;
}

static uint64_t axi_beats(const iss_config_t *cfg, const dma_xfer_t *x)
{
    uint64_t beats = 0;
    for (uint32_t pos = 0, b; pos < x->len; pos += b) {
        b = burst_len(cfg, x, pos);
        beats += (b + cfg->dma_bytes_per_cycle - 1) / cfg->dma_bytes_per_cycle;
    }
    return beats;
}

/* The TCDM words of one burst, tcdm_ports a cycle from d->cursor. */
static void tcdm_burst(struct iss_dma *d, const dma_xfer_t *x, uint32_t b)
{
    iss_cluster_t *cl = d->cl;
    uint32_t first = (x->tcdm + d->pos) >> 2, last = (x->tcdm + d->pos + b - 1) >> 2;
    uint32_t ports = cl->cfg.dma_tcdm_ports;
    if (!cl->bank_slots) {   /* no contention: one group a cycle */
        d->cursor += (last - first + ports) / ports;
    } else {
        for (uint32_t w = first; w <= last; w += ports) {
            uint64_t done = d->cursor;
            for (uint32_t p = 0; p < ports && w + p <= last; p++) {
                uint64_t g = iss_tcdm_grant(cl, ISS_TCDM_BASE + 4 * (w + p), d->cursor);
                if (g > done)
                    done = g;
            }
            d->cursor = done + 1;
        }
    }
    d->pos += b;
}

static void copy_data(iss_cluster_t *cl, const dma_xfer_t *x)
{
    uint8_t *tcdm = cl->tcdm + x->tcdm;
    for (uint32_t pos = 0; pos < x->len; pos += x->row_len) {
        uint32_t n = x->len - pos < x->row_len ? x->len - pos : x->row_len;
        uint8_t *l2 = cl->l2 + x->l2 + (uint64_t)(pos / x->row_len) * x->stride;
        if (x->to_tcdm)
            memcpy(tcdm + pos, l2, n);
        else
            memcpy(l2, tcdm + pos, n);
        iss_debug_watch_write(cl, x->to_tcdm ? ISS_TCDM_BASE + x->tcdm + pos : ISS_L2_BASE + (uint32_t)(l2 - cl->l2),
                              n, ISS_WHO_DMA | (int32_t)x->core);
    }
}

static void on_complete(iss_cluster_t *cl, void *arg, uint64_t when)
{
    struct iss_dma *d = arg;
    dma_xfer_t x = d->fifo[d->head];
    d->head = (d->head + 1) % d->cap;
    d->count--;
    d->busy = false;
    d->prev_end = when;
    copy_data(cl, &x);
    d->transfers++;
    d->bytes += x.len;
    d->busy_cycles += when - x.started;
    if (cl->trace)
        iss_trace_emit(cl, ISS_TR_DMA, x.core, x.started, when, x.len, x.to_tcdm | x.is_2d << 1,
                       x.enqueued, x.id);
    if (--d->inflight[x.id] == 0 && x.event)
        iss_deliver_events(cl, x.broadcast ? ~0u : 1u << x.core, 1u << ISS_EVT_DMA0, when);
    if (d->count)
        engine_start(d, d->fifo[d->head].enqueued > when ? d->fifo[d->head].enqueued : when);
}

/* The TCDM side of the head transfer: with bank conflicts one burst per callback, at the
 * burst's cycle (so the cores' accesses up to then are in the banks); else all at once. */
static void on_step(iss_cluster_t *cl, void *arg, uint64_t when)
{
    struct iss_dma *d = arg;
    const dma_xfer_t *x = &d->fifo[d->head];
    (void)when;
    do
        tcdm_burst(d, x, burst_len(&cl->cfg, x, d->pos));
    while (d->pos < x->len && !cl->bank_slots);
    if (d->pos < x->len)
        iss_schedule(cl, d->cursor, on_step, d);
    else
        iss_schedule(cl, d->axi_end > d->cursor ? d->axi_end : d->cursor, on_complete, d);
}

static void engine_start(struct iss_dma *d, uint64_t start)
{
    const iss_config_t *cfg = &d->cl->cfg;
    dma_xfer_t *x = &d->fifo[d->head];
    x->started = start;
    d->busy = true;
    d->pos = 0;
    d->cursor = start + cfg->dma_l2_latency;
    d->axi_end = d->cursor + axi_beats(cfg, x);
    iss_schedule(d->cl, d->cursor, on_step, d);
}

static void enqueue(struct iss_dma *d, const dma_xfer_t *x)
{
    if (d->count == d->cap) {   /* grow the ring, unwrapping it */
        uint32_t cap = d->cap ? 2 * d->cap : 16;
        dma_xfer_t *f = malloc(cap * sizeof *f);
        for (uint32_t i = 0; i < d->count; i++)
            f[i] = d->fifo[(d->head + i) % d->cap];
        free(d->fifo);
        d->fifo = f;
        d->head = 0;
        d->cap = cap;
    }
    d->fifo[(d->head + d->count) % d->cap] = *x;
    d->count++;
    d->inflight[x->id]++;
    if (!d->busy)
        engine_start(d, x->enqueued > d->prev_end ? x->enqueued : d->prev_end);
}

/* ---- registers ---- */

static uint32_t view_addr(uint32_t off)
{
    return (off & ISS_DMA_GLOBAL ? DMA_GLOBAL_ADDR : ISS_DMA_BASE) + (off & ~ISS_DMA_GLOBAL);
}

static uint32_t alloc_id(iss_core_t *c, dma_view_t *v, uint32_t addr)
{
    struct iss_dma *d = c->cl->dma;
    for (uint32_t id = 0; id < DMA_IDS; id++) {
        if (!(d->allocated >> id & 1)) {
            d->allocated |= 1u << id;
            v->id = (int32_t)id;
            return id;
        }
    }
    iss_fault(c, FAULT_PERIPH, addr, "DMA: all %d transfer ids are allocated (free one: "
              "iss_dma_wait, or write 1 << id to STATUS)", DMA_IDS);
    return 0;
}

static void free_ids(iss_core_t *c, uint32_t mask, uint32_t addr)
{
    struct iss_dma *d = c->cl->dma;
    mask &= (1u << DMA_IDS) - 1;
    if (mask && !(mask & (mask - 1)) && !(d->allocated & mask)) {
        iss_fault(c, FAULT_PERIPH, addr, "DMA: freeing transfer id %d, which is not allocated",
                  __builtin_ctz(mask));
        return;
    }
    d->allocated &= ~mask;
    for (int i = 0; i < DMA_VIEWS; i++)   /* a freed id takes no more commands */
        if (d->view[i].id >= 0 && mask >> d->view[i].id & 1)
            d->view[i].id = -1;
}

static uint32_t status(struct iss_dma *d)
{
    uint32_t s = d->allocated << 16;
    for (uint32_t id = 0; id < DMA_IDS; id++)
        s |= (d->inflight[id] != 0) << id;
    return s;
}

/* Checks the TCDM address of a command; converts it to an offset. */
static bool check_tcdm(iss_core_t *c, dma_xfer_t *x, uint32_t a, uint32_t addr)
{
    uint32_t size = c->cl->cfg.tcdm_size;
    uint32_t off = a >= ISS_TCDM_BASE ? a - ISS_TCDM_BASE : a;   /* alias at 0 */
    if ((a >= ISS_TCDM_BASE && off >= size) || (a < ISS_TCDM_BASE && a >= size)) {
        iss_fault(c, FAULT_PERIPH, addr, "DMA TCDM address 0x%08x is outside the TCDM "
                  "(0x%08x-0x%08x or its alias at 0)", a, ISS_TCDM_BASE, ISS_TCDM_BASE + size - 1);
        return false;
    }
    if ((uint64_t)off + x->len > size) {
        iss_fault(c, FAULT_PERIPH, addr, "DMA transfer of %u bytes at TCDM address 0x%08x runs "
                  "past the end of the TCDM (0x%08x)", x->len, a, ISS_TCDM_BASE + size);
        return false;
    }
    x->tcdm = off;
    return true;
}

static bool check_l2(iss_core_t *c, dma_xfer_t *x, uint32_t a, uint32_t addr)
{
    uint32_t size = c->cl->cfg.l2_size;
    if (a < ISS_L2_BASE || a - ISS_L2_BASE >= size) {
        iss_fault(c, FAULT_PERIPH, addr, "DMA L2 address 0x%08x is outside L2 (0x%08x-0x%08x)",
                  a, ISS_L2_BASE, ISS_L2_BASE + size - 1);
        return false;
    }
    x->l2 = a - ISS_L2_BASE;
    return true;
}

/* The L2 side of a complete command fits in L2. */
static bool check_l2_end(iss_core_t *c, const dma_xfer_t *x, uint32_t addr)
{
    uint32_t size = c->cl->cfg.l2_size;
    uint32_t rows = (x->len - 1) / x->row_len;
    uint64_t end = x->l2 + (uint64_t)rows * x->stride + (x->len - (uint64_t)rows * x->row_len);
    if (end <= size)
        return true;
    if (x->is_2d)
        iss_fault(c, FAULT_PERIPH, addr, "DMA 2-D transfer of %u bytes (rows of %u every %u) at "
                  "L2 address 0x%08x runs past the end of L2 (0x%08x)", x->len, x->row_len,
                  x->stride, ISS_L2_BASE + x->l2, ISS_L2_BASE + size);
    else
        iss_fault(c, FAULT_PERIPH, addr, "DMA transfer of %u bytes at L2 address 0x%08x runs "
                  "past the end of L2 (0x%08x)", x->len, ISS_L2_BASE + x->l2, ISS_L2_BASE + size);
    return false;
}

static bool check_cmd(iss_core_t *c, dma_view_t *v, uint32_t w, uint32_t addr)
{
    const char *bad = NULL;
    if (v->id < 0)
        bad = "DMA command pushed with no transfer id: read CMD first to allocate one";
    else if (!(w & ISS_DMA_CMD_LEN_MASK))
        bad = "DMA command with length 0";
    else if (w & ISS_DMA_CMD_ILE)
        bad = "DMA command sets ILE (interrupt at end): interrupts are not modelled, use ELE";
    else if (!(w & ISS_DMA_CMD_INC))
        bad = "DMA command clears INC: fixed-address transfers are not modelled";
    else if (w & ISS_DMA_CMD_2D_TCDM)
        bad = "DMA command sets 2D_TCDM: 2-D transfers on the TCDM side are not modelled";
    if (bad) {
        iss_fault(c, FAULT_PERIPH, addr, "%s", bad);
        return false;
    }
    v->x = (dma_xfer_t){
        .len = w & ISS_DMA_CMD_LEN_MASK, .id = (uint32_t)v->id,
        .to_tcdm = (w & ISS_DMA_CMD_TYPE) != 0, .event = (w & ISS_DMA_CMD_ELE) != 0,
        .broadcast = (w & ISS_DMA_CMD_BLE) != 0, .is_2d = (w & ISS_DMA_CMD_2D_EXT) != 0,
    };
    v->x.row_len = v->x.stride = v->x.len;
    return true;
}

static void push_word(iss_core_t *c, dma_view_t *v, uint32_t w, uint32_t addr)
{
    struct iss_dma *d = c->cl->dma;
    dma_xfer_t *x = &v->x;
    bool last = v->step == W_STRIDE || (v->step == W_L2 && !x->is_2d);
    /* the transfer is enqueued at the exact time of its last word */
    if (last && !iss_exact_time(c))
        return;
    bool ok = true;
    switch (v->step) {
    case W_CMD: ok = check_cmd(c, v, w, addr); break;
    case W_TCDM: ok = check_tcdm(c, x, w, addr); break;
    case W_L2: ok = check_l2(c, x, w, addr) && (x->is_2d || check_l2_end(c, x, addr)); break;
    case W_ROW_LEN:
        if (!w) {
            iss_fault(c, FAULT_PERIPH, addr, "DMA 2-D transfer with row length 0");
            return;
        }
        x->row_len = w;
        break;
    case W_STRIDE:
        if (w < x->row_len) {
            iss_fault(c, FAULT_PERIPH, addr, "DMA 2-D transfer with stride %u < row length %u",
                      w, x->row_len);
            return;
        }
        x->stride = w;
        ok = check_l2_end(c, x, addr);
        break;
    }
    if (!ok)
        return;
    if (!last) {
        v->step++;
        return;
    }
    v->step = W_CMD;
    x->core = c->id;   /* the event goes to the core of the last word */
    x->enqueued = iss_core_now(c);
    enqueue(d, x);
}

static dma_view_t *view_of(iss_core_t *c, uint32_t off)
{
    return &c->cl->dma->view[off & ISS_DMA_GLOBAL ? DMA_GLOBAL_VIEW : c->id];
}

static bool check_access(iss_core_t *c, uint32_t off, unsigned size, const char *what)
{
    uint32_t reg = off & ~ISS_DMA_GLOBAL;
    if (size == 4 && (reg == ISS_DMA_CMD || reg == ISS_DMA_STATUS))
        return true;
    if (size != 4 && (reg == ISS_DMA_CMD || reg == ISS_DMA_STATUS))
        iss_fault(c, FAULT_PERIPH, view_addr(off), "%u-byte %s at DMA register 0x%08x: only "
                  "32-bit accesses", size, what, view_addr(off));
    else
        iss_fault(c, FAULT_PERIPH, view_addr(off), "%s at 0x%08x in the DMA: no register there",
                  what, view_addr(off));
    return false;
}

uint64_t iss_dma_read(iss_core_t *c, uint32_t off, unsigned size)
{
    if (!check_access(c, off, size, "load"))
        return 0;
    if ((off & ~ISS_DMA_GLOBAL) == ISS_DMA_CMD)
        return alloc_id(c, view_of(c, off), view_addr(off));
    /* STATUS: as of the exact time of the load */
    return iss_exact_time(c) ? status(c->cl->dma) : 0;
}

void iss_dma_write(iss_core_t *c, uint32_t off, unsigned size, uint32_t val)
{
    if (!check_access(c, off, size, "store"))
        return;
    if ((off & ~ISS_DMA_GLOBAL) == ISS_DMA_CMD)
        push_word(c, view_of(c, off), val, view_addr(off));
    else
        free_ids(c, val, view_addr(off));
}

/* For the debugger's `monitor periph`. */
uint32_t iss_dma_describe(iss_cluster_t *cl, char *buf, uint32_t cap)
{
    struct iss_dma *d = cl->dma;
    int n = snprintf(buf, cap, "dma: %u transfer%s queued%s, ids allocated 0x%04x, in flight 0x%04x, "
                     "%llu done (%llu bytes)\n", d->count, d->count == 1 ? "" : "s",
                     d->busy ? " (the first one moving)" : "", d->allocated, status(d) & 0xFFFF,
                     (unsigned long long)d->transfers, (unsigned long long)d->bytes);
    for (uint32_t i = 0; i < d->count && n >= 0 && (uint32_t)n < cap; i++) {
        const dma_xfer_t *x = &d->fifo[(d->head + i) % d->cap];
        n += snprintf(buf + n, cap - (uint32_t)n, "  id %u from core %u: %u bytes %s 0x%08x %s L2 0x%08x%s, "
                      "enqueued at cycle %llu\n", x->id, x->core, x->len, x->to_tcdm ? "to TCDM" : "from TCDM",
                      ISS_TCDM_BASE + x->tcdm, x->to_tcdm ? "from" : "to", ISS_L2_BASE + x->l2,
                      x->is_2d ? " (2-D)" : "", (unsigned long long)x->enqueued);
    }
    return n < 0 ? 0 : (uint32_t)n < cap ? (uint32_t)n : cap - 1;
}
