/* Depthwise accelerator (docs/dwa.md): 3x3 depthwise convolution of an int8 HWC tensor, in
 * blocks of 16 channels, weight-stationary, with a vertical sliding window.
 *
 * Timing (beats of 16 bytes, one a cycle; every number but the beat size is in [dwa]):
 *   job    = setup + sum over channel blocks of block
 *   block  = 9 weight beats (+ 4 bias beats) + OUT_W columns
 *   column = 9 beats for the first window + 1 store + (OUT_H - 1) * (3 * STRIDE + 1)
 * i.e. the 4-cycle inner loop per output pixel of the paper at stride 1 (3 new input beats and
 * one output beat). With bank-conflict modelling every beat's 4 words reserve their banks, one
 * column per timed callback. The input is read and the output written when the job ends. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iss_native.h"

#define REG(name) (ISS_DWA_##name / 4)
#define NB_REGS 0x20
#define DWA_ADDR(off) (ISS_DWA_BASE + (off))
#define BLOCK ISS_DWA_BLOCK

enum { ST_IDLE = 0, ST_ACQUIRED, ST_RUNNING };

struct iss_dwa {
    uint32_t regs[NB_REGS];
    uint32_t state;
    int32_t owner;
    uint32_t gen;
    /* the running job */
    uint32_t h, w, c, stride, pad, oh, ow, shift, relu;
    uint32_t in, out, wt, bias;
    uint32_t block, column;               /* bank-conflict walk */
    uint64_t started;
    iss_dwa_stats_t stats;
};

void iss_dwa_init(iss_cluster_t *cl)
{
    cl->dwa = calloc(1, sizeof *cl->dwa);
    if (!cl->dwa)
        return;   /* iss_create reports it */
    cl->dwa->owner = -1;
    cl->dwa->regs[REG(RUNNING_TASK)] = 0xFFFFFFFFu;
    cl->dwa->regs[REG(KERNEL)] = 3;
    cl->dwa->regs[REG(STRIDE)] = 1;
}

void iss_dwa_free(iss_cluster_t *cl) { free(cl->dwa); cl->dwa = NULL; }
void iss_dwa_get_stats(iss_cluster_t *cl, iss_dwa_stats_t *out) { *out = cl->dwa->stats; }

static void set_state(struct iss_dwa *d, uint32_t state, int32_t owner)
{
    d->state = state;
    d->owner = owner;
    d->regs[REG(STATUS)] = state != ST_IDLE;
    d->regs[REG(RUNNING_TASK)] = (uint32_t)owner;
}

#define refuse(d, c, code, off, ...) \
    iss_refuse(c, &(d)->regs[REG(ERROR)], code, DWA_ADDR(off), "depthwise accelerator refuses", __VA_ARGS__)

/* ---- numerics ---- */

static void compute(iss_cluster_t *cl, struct iss_dwa *d)
{
    const int8_t *in = (const int8_t *)iss_tcdm_ptr(cl, d->in, (uint64_t)d->h * d->w * d->c);
    const int8_t *wt = (const int8_t *)iss_tcdm_ptr(cl, d->wt, 9ull * d->c);
    int8_t *out = (int8_t *)iss_tcdm_ptr(cl, d->out, (uint64_t)d->oh * d->ow * d->c);
    const uint8_t *bias = d->bias ? iss_tcdm_ptr(cl, d->bias, 4ull * d->c) : NULL;
    for (uint32_t y = 0; y < d->oh; y++)
        for (uint32_t x = 0; x < d->ow; x++)
            for (uint32_t ch = 0; ch < d->c; ch++) {
                int64_t acc = 0;
                for (int ky = 0; ky < 3; ky++) {
                    int64_t iy = (int64_t)y * d->stride + ky - d->pad;
                    if (iy < 0 || iy >= d->h)
                        continue;
                    for (int kx = 0; kx < 3; kx++) {
                        int64_t ix = (int64_t)x * d->stride + kx - d->pad;
                        if (ix < 0 || ix >= d->w)
                            continue;
                        acc += (int32_t)in[((size_t)iy * d->w + (size_t)ix) * d->c + ch] *
                               (int32_t)wt[(size_t)(ky * 3 + kx) * d->c + ch];
                    }
                }
                if (bias) {
                    int32_t b;
                    memcpy(&b, bias + 4 * ch, 4);
                    acc += b;
                }
                if (d->shift)
                    acc = (acc + ((int64_t)1 << (d->shift - 1))) >> d->shift;
                if (d->relu && acc < 0)
                    acc = 0;
                out[((size_t)y * d->ow + x) * d->c + ch] = (int8_t)(acc < -128 ? -128 : acc > 127 ? 127 : acc);
            }
    d->stats.macs += (uint64_t)d->oh * d->ow * 9 * d->c;
    d->stats.bytes_in += (uint64_t)d->h * d->w * d->c + 9ull * d->c + (d->bias ? 4ull * d->c : 0);
    d->stats.bytes_out += (uint64_t)d->oh * d->ow * d->c;
}

/* ---- timing ---- */

static uint64_t column_beats(const struct iss_dwa *d)
{
    return 9 + 1 + (uint64_t)(d->oh - 1) * (3 * d->stride + 1);
}

static uint64_t block_head_beats(const struct iss_dwa *d) { return 9 + (d->bias ? 4 : 0); }

static uint32_t nblocks(const struct iss_dwa *d) { return (d->c + BLOCK - 1) / BLOCK; }

/* Beats of one column of one block through the banks: each beat moves the 4 words of 16
 * channels of one pixel (input rows in order, the output beat after each pixel's loads). */
static uint64_t column_granted(iss_cluster_t *cl, struct iss_dwa *d, uint32_t blk, uint32_t x, uint64_t t)
{
    uint32_t ch0 = blk * BLOCK;
    for (uint32_t y = 0; y < d->oh; y++) {
        uint32_t rows_new = y ? d->stride : 3;
        for (uint32_t r = 3 - rows_new; r < 3; r++)
            for (uint32_t kx = 0; kx < 3; kx++) {
                int64_t iy = (int64_t)y * d->stride + r - d->pad, ix = (int64_t)x * d->stride + kx - d->pad;
                uint64_t done = t;
                if (iy >= 0 && iy < d->h && ix >= 0 && ix < d->w)   /* padding costs a beat, no access */
                    for (uint32_t k = 0; k < 4; k++) {
                        uint64_t g = iss_tcdm_grant(cl, d->in + ((uint32_t)(iy * d->w + ix) * d->c + ch0) + 4 * k, t);
                        if (g > done)
                            done = g;
                    }
                t = done + 1;
            }
        uint64_t done = t;
        for (uint32_t k = 0; k < 4; k++) {
            uint64_t g = iss_tcdm_grant(cl, d->out + (y * d->ow + x) * d->c + ch0 + 4 * k, t);
            if (g > done)
                done = g;
        }
        t = done + 1;
    }
    return t;
}

static void finish(iss_cluster_t *cl, void *arg, uint64_t when)
{
    struct iss_dwa *d = cl->dwa;
    if ((uint32_t)(uintptr_t)arg != d->gen)
        return;
    compute(cl, d);
    iss_debug_watch_write(cl, d->out, d->oh * d->ow * d->c, ISS_WHO_DWA | (d->owner >= 0 ? d->owner : 0));
    d->stats.jobs++;
    d->stats.busy_cycles += when - d->started;
    if (cl->trace)
        iss_trace_emit(cl, ISS_TR_DWA, d->owner >= 0 ? (uint32_t)d->owner : 0, d->started, when, d->h << 16 | d->w,
                       d->c, d->stride | d->pad << 8, (uint64_t)d->oh * d->ow * 9 * d->c);
    d->regs[REG(FINISHED_JOBS)]++;
    set_state(d, ST_IDLE, -1);
    iss_deliver_events(cl, (uint32_t)((1ull << cl->cfg.num_cores) - 1), 1u << ISS_EVT_ACC1, when);
}

/* Bank-conflict walk: one callback per column of a channel block. */
static void walk(iss_cluster_t *cl, void *arg, uint64_t when)
{
    struct iss_dwa *d = cl->dwa;
    if ((uint32_t)(uintptr_t)arg != d->gen)
        return;
    uint64_t t = when;
    if (d->column == 0)
        t += block_head_beats(d);
    t = column_granted(cl, d, d->block, d->column, t);
    if (++d->column == d->ow) {
        d->column = 0;
        if (++d->block == nblocks(d)) {
            iss_schedule(cl, t, finish, arg);
            return;
        }
    }
    iss_schedule(cl, t, walk, arg);
}

static void trigger(iss_cluster_t *cl, struct iss_dwa *d, iss_core_t *c)
{
    uint32_t *r = d->regs;
    if (r[REG(KERNEL)] != 3)
        return refuse(d, c, ISS_DWA_ERR_SHAPE, ISS_DWA_KERNEL, "kernel size %u: only 3x3 is supported", r[REG(KERNEL)]);
    if (r[REG(STRIDE)] != 1 && r[REG(STRIDE)] != 2)
        return refuse(d, c, ISS_DWA_ERR_SHAPE, ISS_DWA_STRIDE, "stride %u: only 1 and 2 are supported", r[REG(STRIDE)]);
    if (r[REG(PAD)] > 1)
        return refuse(d, c, ISS_DWA_ERR_SHAPE, ISS_DWA_PAD, "padding %u: only 0 and 1 are supported", r[REG(PAD)]);
    if (!r[REG(CHANNELS)] || !r[REG(IN_H)] || !r[REG(IN_W)] || r[REG(IN_H)] + 2 * r[REG(PAD)] < 3 ||
        r[REG(IN_W)] + 2 * r[REG(PAD)] < 3 || r[REG(IN_H)] > 4096 || r[REG(IN_W)] > 4096 || r[REG(CHANNELS)] > 65536)
        return refuse(d, c, ISS_DWA_ERR_SHAPE, ISS_DWA_CHANNELS, "input %u x %u x %u channels with padding %u has no 3x3 output",
                      r[REG(IN_H)], r[REG(IN_W)], r[REG(CHANNELS)], r[REG(PAD)]);
    if (r[REG(SHIFT)] > 31)
        return refuse(d, c, ISS_DWA_ERR_SHIFT, ISS_DWA_SHIFT, "shift %u: must be 0-31", r[REG(SHIFT)]);
    d->h = r[REG(IN_H)]; d->w = r[REG(IN_W)]; d->c = r[REG(CHANNELS)];
    d->stride = r[REG(STRIDE)]; d->pad = r[REG(PAD)]; d->shift = r[REG(SHIFT)]; d->relu = r[REG(RELU)] != 0;
    d->oh = (d->h + 2 * d->pad - 3) / d->stride + 1;
    d->ow = (d->w + 2 * d->pad - 3) / d->stride + 1;
    r[REG(OUT_H)] = d->oh;
    r[REG(OUT_W)] = d->ow;
    d->in = r[REG(IN_ADDR)]; d->out = r[REG(OUT_ADDR)]; d->wt = r[REG(W_ADDR)]; d->bias = r[REG(BIAS_ADDR)];
    struct { uint32_t addr; uint64_t len; uint32_t reg; const char *what; } t[] = {
        {d->in, (uint64_t)d->h * d->w * d->c, ISS_DWA_IN_ADDR, "input"},
        {d->out, (uint64_t)d->oh * d->ow * d->c, ISS_DWA_OUT_ADDR, "output"},
        {d->wt, 9ull * d->c, ISS_DWA_W_ADDR, "weights"},
        {d->bias, d->bias ? 4ull * d->c : 0, ISS_DWA_BIAS_ADDR, "bias"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (t[i].len && !iss_tcdm_ptr(cl, t[i].addr, t[i].len))
            return refuse(d, c, ISS_DWA_ERR_ADDRESS, t[i].reg, "%s 0x%08x..0x%08x is outside the TCDM",
                          t[i].what, t[i].addr, (uint32_t)(t[i].addr + t[i].len - 1));
    d->started = iss_core_now(c);
    set_state(d, ST_RUNNING, (int32_t)c->id);
    void *tok = (void *)(uintptr_t)d->gen;
    uint64_t start = d->started + cl->cfg.dwa_setup_cycles;
    if (cl->bank_slots) {
        d->block = d->column = 0;
        iss_schedule(cl, start, walk, tok);
    } else {
        uint64_t block = block_head_beats(d) + (uint64_t)d->ow * column_beats(d);
        iss_schedule(cl, start + nblocks(d) * block, finish, tok);
    }
}

static bool is_register(uint32_t off)
{
    switch (off) {
    case ISS_DWA_TRIGGER: case ISS_DWA_ACQUIRE: case ISS_DWA_FINISHED_JOBS: case ISS_DWA_STATUS:
    case ISS_DWA_RUNNING_TASK: case ISS_DWA_SOFT_CLEAR: case ISS_DWA_IN_ADDR: case ISS_DWA_OUT_ADDR:
    case ISS_DWA_W_ADDR: case ISS_DWA_BIAS_ADDR: case ISS_DWA_IN_H: case ISS_DWA_IN_W: case ISS_DWA_CHANNELS:
    case ISS_DWA_STRIDE: case ISS_DWA_PAD: case ISS_DWA_KERNEL: case ISS_DWA_SHIFT: case ISS_DWA_RELU:
    case ISS_DWA_OUT_H: case ISS_DWA_OUT_W: case ISS_DWA_ERROR:
        return true;
    default:
        return false;
    }
}

uint64_t iss_dwa_read(iss_core_t *c, uint32_t off)
{
    struct iss_dwa *d = c->cl->dwa;
    switch (off) {
    case ISS_DWA_ACQUIRE:
        if (!iss_exact_time(c))
            return 0;
        if (d->state == ST_ACQUIRED && d->owner == (int32_t)c->id)
            return ISS_DWA_ACQUIRE_GRANTED;   /* already held by this core, as the IMA answers */
        if (d->state != ST_IDLE)
            return ISS_DWA_ACQUIRE_BUSY;
        set_state(d, ST_ACQUIRED, (int32_t)c->id);
        return ISS_DWA_ACQUIRE_GRANTED;
    case ISS_DWA_FINISHED_JOBS: {
        if (!iss_exact_time(c))   /* the job's end changes it: read it at the load's cycle */
            return 0;
        uint32_t v = d->regs[REG(FINISHED_JOBS)];
        d->regs[REG(FINISHED_JOBS)] = 0;
        return v;
    }
    case ISS_DWA_TRIGGER: case ISS_DWA_SOFT_CLEAR:
        iss_fault(c, FAULT_PERIPH, DWA_ADDR(off), "load from write-only register 0x%08x", DWA_ADDR(off));
        return 0;
    }
    if (is_register(off)) {
        if ((off == ISS_DWA_STATUS || off == ISS_DWA_RUNNING_TASK) && !iss_exact_time(c))
            return 0;             /* set by the job's end: as of the load's cycle */
        return d->regs[off / 4];
    }
    iss_fault(c, FAULT_PERIPH, DWA_ADDR(off), "load at 0x%08x: no depthwise accelerator register there", DWA_ADDR(off));
    return 0;
}

void iss_dwa_write(iss_core_t *c, uint32_t off, uint32_t val)
{
    struct iss_dwa *d = c->cl->dwa;
    switch (off) {
    case ISS_DWA_ACQUIRE: case ISS_DWA_FINISHED_JOBS: case ISS_DWA_STATUS: case ISS_DWA_RUNNING_TASK:
    case ISS_DWA_OUT_H: case ISS_DWA_OUT_W: case ISS_DWA_ERROR:
        iss_fault(c, FAULT_PERIPH, DWA_ADDR(off), "store to read-only register 0x%08x", DWA_ADDR(off));
        return;
    case ISS_DWA_SOFT_CLEAR:
        if (d->owner >= 0 && d->owner != (int32_t)c->id)
            return refuse(d, c, ISS_DWA_ERR_NO_ACQUIRE, off, "SOFT_CLEAR by core %u while core %d holds the accelerator",
                          c->id, d->owner);
        if (!iss_exact_time(c))   /* a job's end and this abort: in time order */
            return;
        bool aborted = d->state == ST_RUNNING;
        d->gen++;
        set_state(d, ST_IDLE, -1);
        if (aborted)   /* cores sleeping on the job's end must not sleep forever (as the IMA) */
            iss_deliver_events(c->cl, (uint32_t)((1ull << c->cl->cfg.num_cores) - 1), 1u << ISS_EVT_ACC1,
                               iss_core_now(c));
        return;
    }
    if (!is_register(off)) {
        iss_fault(c, FAULT_PERIPH, DWA_ADDR(off), "store at 0x%08x: no depthwise accelerator register there", DWA_ADDR(off));
        return;
    }
    if (d->state == ST_RUNNING)
        return refuse(d, c, ISS_DWA_ERR_BUSY, off, "register 0x%02x written while the job runs", off);
    if (d->owner != (int32_t)c->id)
        return refuse(d, c, ISS_DWA_ERR_NO_ACQUIRE, off, "register 0x%02x written by core %u, which has not acquired the accelerator",
                      off, c->id);
    if (off == ISS_DWA_TRIGGER) {
        if (iss_exact_time(c))
            trigger(c->cl, d, c);
        return;
    }
    d->regs[off / 4] = val;
}

/* For the debugger's `monitor periph`. */
uint32_t iss_dwa_describe(iss_cluster_t *cl, char *buf, uint32_t cap)
{
    static const char *const names[] = {"idle", "acquired", "running"};
    struct iss_dwa *d = cl->dwa;
    int n = snprintf(buf, cap, "dwa: %s", d->state < 3 ? names[d->state] : "?");
    if (d->owner >= 0)
        n += snprintf(buf + n, cap - (uint32_t)n, " by core %d", d->owner);
    if (d->state == ST_RUNNING)
        n += snprintf(buf + n, cap - (uint32_t)n, ", %ux%ux%u input, output at 0x%08x", d->h, d->w, d->c, d->out);
    n += snprintf(buf + n, cap - (uint32_t)n, "; %llu jobs done\n", (unsigned long long)d->stats.jobs);
    return n < 0 ? 0 : (uint32_t)n < cap ? (uint32_t)n : cap - 1;
}
