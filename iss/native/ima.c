/* IMA: the analog in-memory computing accelerator (docs/ima.md), with the ima_v1 register
 * block of pulp-sdk plus this simulator's multi-array extensions (ARRAY_SEL...).
 *
 * A batch of jobs runs as a chain of timed callbacks, one per use of the streamer's data
 * port: stream-in of job i reads its inputs from the TCDM at that time (and the MVM result
 * is computed from them, into an output buffer); stream-out of job i writes the outputs.
 * The order of port uses is
 *   sequential: in0 out0 in1 out1 ...     pipelined: in0 in1 in2 out0 in3 out1 ... outN-1
 * so that during compute i the port streams in job i+1, then out job i-1. Each waits for its
 * dependency: in_i for out_{i-1} (+ idle) or, pipelined, for the end of compute i-2 (the
 * input buffer is double); out_i for the end of compute i. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iss_native.h"

#define REG(name) (ISS_IMA_##name / 4)
#define NB_REGS 0x40
#define IMA_ADDR(off) (ISS_IMA_BASE + (off))

enum { ST_IDLE = 0, ST_ACQUIRED, ST_PROGRAMMING, ST_RUNNING };
#define OUT_BUFS 4   /* pipelined: jobs i+1, i, i-1 are in flight at once */

/* Job parameters latched at TRIGGER. */
typedef struct ima_batch {
    uint32_t array, rows, cols, row0, col0, njobs;
    uint32_t line, feats, src_stride, rolls, roll_stride;
    int32_t adc_low, adc_high;
    bool pipelined;
    uint32_t src, dst;                     /* addresses of the next in / out job */
    uint32_t in_a, in_b, out_a, out_b;     /* alpha/beta counters */
    uint32_t in_done, out_done;
    uint64_t port_free, cmp_end[OUT_BUFS], out_end_prev, started;
    int8_t *outbuf[OUT_BUFS];              /* results waiting for their stream-out */
} ima_batch_t;

struct iss_ima {
    iss_cluster_t *cl;
    uint32_t regs[NB_REGS];
    int8_t *w;                             /* [array][row][col] programmed weights */
    float *w_eff;                          /* PCM mode: effective (noisy, drifted) weights */
    bool w_dirty;                          /* weights programmed since w_eff was derived */
    int32_t owner;
    uint32_t state;
    uint32_t gen;                          /* bumped by SOFT_CLEAR: stale callbacks stop */
    uint32_t pw_x, pw_y;                   /* next weight word of the window */
    uint64_t pw_busy_until;
    uint32_t pw_array;
    uint64_t pw_start;                     /* tracing: the window's first word */
    ima_batch_t b;
    int8_t *inbuf;                         /* the inputs of the job being streamed in */
    uint64_t ready_at;                     /* the last programmed word is verified then */
    iss_ima_stats_t stats;
};

/* ---- creation ---- */

void iss_ima_pcm_weights(const int8_t *w, float *out, size_t n, uint64_t seed, double drift_seconds);

void iss_ima_init(iss_cluster_t *cl)
{
    struct iss_ima *ima = calloc(1, sizeof *ima);
    uint32_t n = cl->cfg.ima_size;
    if (!ima)
        return;   /* iss_create reports it (iss_ima_ready) */
    ima->cl = cl;
    ima->owner = -1;
    ima->w = calloc((size_t)cl->cfg.ima_arrays * n * n, 1);
    for (int k = 0; k < OUT_BUFS; k++)
        ima->b.outbuf[k] = calloc(n, 1);
    ima->inbuf = calloc(n, 1);
    ima->regs[REG(MODE)] = cl->cfg.ima_pipelined;
    ima->regs[REG(RUNNING_TASK)] = 0xFFFFFFFFu;
    cl->ima = ima;
}

/* Every buffer of the IMA allocated (iss_create refuses the cluster otherwise). */
bool iss_ima_ready(iss_cluster_t *cl)
{
    struct iss_ima *ima = cl->ima;
    if (!ima || !ima->w || !ima->inbuf)
        return false;
    for (int k = 0; k < OUT_BUFS; k++)
        if (!ima->b.outbuf[k])
            return false;
    return true;
}

void iss_ima_free(iss_cluster_t *cl)
{
    struct iss_ima *ima = cl->ima;
    if (!ima)
        return;
    free(ima->w);
    free(ima->w_eff);
    for (int k = 0; k < OUT_BUFS; k++)
        free(ima->b.outbuf[k]);
    free(ima->inbuf);
    free(ima);
    cl->ima = NULL;
}

void iss_ima_get_stats(iss_cluster_t *cl, iss_ima_stats_t *out) { *out = cl->ima->stats; }

static int8_t *weights(struct iss_ima *ima, uint32_t array)
{
    uint32_t n = ima->cl->cfg.ima_size;
    return ima->w + (size_t)array * n * n;
}

/* ---- errors and ownership ---- */

#define refuse(ima, c, code, off, ...) \
    iss_refuse(c, &(ima)->regs[REG(ERROR)], code, IMA_ADDR(off), "IMA refuses", __VA_ARGS__)

static void set_state(struct iss_ima *ima, uint32_t state, int32_t owner)
{
    ima->state = state;
    ima->owner = owner;
    ima->regs[REG(CHECK_STATE)] = state;
    ima->regs[REG(STATUS)] = state != ST_IDLE;
    ima->regs[REG(RUNNING_TASK)] = (uint32_t)owner;
}

static bool holds(struct iss_ima *ima, iss_core_t *c) { return ima->owner == (int32_t)c->id; }

/* ---- the streamer ---- */

/* TCDM words touched by `len` bytes at addr, moved port_words per cycle from cycle t; with
 * bank-conflict modelling each word reserves its bank. Returns the cycle after the last. */
static uint64_t stream_words(iss_cluster_t *cl, uint32_t addr, uint32_t len, uint64_t t)
{
    uint32_t first = addr >> 2, last = (addr + len - 1) >> 2, ports = cl->cfg.ima_port_words;
    if (!cl->bank_slots)
        return t + (last - first + ports) / ports;
    for (uint32_t w = first; w <= last; w += ports) {
        uint64_t done = t;
        for (uint32_t p = 0; p < ports && w + p <= last; p++) {
            uint64_t g = iss_tcdm_grant(cl, 4 * (w + p), t);
            if (g > done)
                done = g;
        }
        t = done + 1;
    }
    return t;
}

static void step_address(uint32_t *addr, uint32_t *a, uint32_t *b, uint32_t alen, uint32_t astride,
                         uint32_t blen, uint32_t bstride)
{
    if (*b >= blen)
        return;
    if (*a < alen) {
        *addr += astride;
        (*a)++;
    } else {
        *addr += bstride;
        *a = 0;
        if (++*b == blen)
            *b = 0;
    }
}

/* ---- the MVM ---- */

static int8_t adc(int64_t s, int32_t low, int32_t high)
{
    if (s < -low) s = -low;
    if (s > high) s = high;
    int64_t span = (int64_t)high + low;
    return (int8_t)(((s + low) * 510 + span) / (2 * span) - 128);
}

static void compute(struct iss_ima *ima, const int8_t *in, int8_t *out)
{
    ima_batch_t *b = &ima->b;
    uint32_t n = ima->cl->cfg.ima_size;
    int32_t acc[1024];
    if (ima->w_eff) {
        float facc[1024] = {0};
        const float *w = ima->w_eff + (size_t)b->array * n * n;
        for (uint32_t j = 0; j < b->rows; j++) {
            const float *row = w + (size_t)(b->row0 + j) * n + b->col0;
            float v = in[j];
            for (uint32_t x = 0; x < b->cols; x++)
                facc[x] += v * row[x];
        }
        for (uint32_t x = 0; x < b->cols; x++)
            acc[x] = (int32_t)lrintf(facc[x]);
    } else {
        memset(acc, 0, b->cols * sizeof acc[0]);
        const int8_t *w = weights(ima, b->array);
        for (uint32_t j = 0; j < b->rows; j++) {
            int32_t v = in[j];
            if (!v)
                continue;
            const int8_t *row = w + (size_t)(b->row0 + j) * n + b->col0;
            for (uint32_t x = 0; x < b->cols; x++)
                acc[x] += v * row[x];
        }
    }
    for (uint32_t x = 0; x < b->cols; x++)
        out[x] = adc(acc[x], b->adc_low, b->adc_high);
}

/* ---- the job chain ---- */

static void port_op(iss_cluster_t *cl, void *arg, uint64_t when);

static void *token(struct iss_ima *ima) { return (void *)(uintptr_t)ima->gen; }

static bool in_is_next(const ima_batch_t *b)
{
    if (b->in_done == b->njobs)
        return false;
    return b->pipelined ? b->in_done <= b->out_done + 2 : b->in_done == b->out_done;
}

static void schedule_next(struct iss_ima *ima)
{
    ima_batch_t *b = &ima->b;
    iss_cluster_t *cl = ima->cl;
    uint64_t dep;
    if (in_is_next(b)) {
        uint32_t i = b->in_done;
        if (i == 0)
            dep = b->started;
        else if (!b->pipelined)
            dep = b->out_end_prev + cl->cfg.ima_idle_cycles;
        else if (i == 1)
            dep = b->started;
        else
            dep = b->cmp_end[(i - 2) % OUT_BUFS];   /* its input buffer is free */
    } else {
        dep = b->cmp_end[b->out_done % OUT_BUFS];
    }
    iss_schedule(cl, dep > b->port_free ? dep : b->port_free, port_op, token(ima));
}

static void finish(iss_cluster_t *cl, void *arg, uint64_t when)
{
    struct iss_ima *ima = cl->ima;
    if ((uint32_t)(uintptr_t)arg != ima->gen)
        return;
    ima->stats.busy_cycles += when - ima->b.started;
    if (cl->trace)
        iss_trace_emit(cl, ISS_TR_IMA_BATCH, ima->owner >= 0 ? (uint32_t)ima->owner : 0, ima->b.started, when,
                       ima->b.array, ima->b.njobs, (uint64_t)ima->b.rows << 32 | ima->b.cols, ima->b.pipelined);
    set_state(ima, ST_IDLE, -1);
    iss_deliver_events(cl, (uint32_t)((1ull << cl->cfg.num_cores) - 1), 1u << ISS_EVT_ACC0, when);
}

static void port_op(iss_cluster_t *cl, void *arg, uint64_t when)
{
    struct iss_ima *ima = cl->ima;
    ima_batch_t *b = &ima->b;
    if ((uint32_t)(uintptr_t)arg != ima->gen)
        return;
    if (in_is_next(b)) {
        uint32_t i = b->in_done, k = 0;
        int8_t *buf = ima->inbuf;
        uint64_t t = when;
        for (uint32_t r = 0; r < b->rolls; r++)
            for (uint32_t f = 0; f < b->feats; f++) {
                uint32_t a = b->src + r * b->roll_stride + f * b->src_stride;
                memcpy(buf + k, iss_tcdm_ptr(cl, a, b->line), b->line);
                k += b->line;
                t = stream_words(cl, a, b->line, t);
            }
        b->port_free = t;
        compute(ima, buf, b->outbuf[i % OUT_BUFS]);
        uint64_t prev_end = i ? b->cmp_end[(i - 1) % OUT_BUFS] : 0;
        uint64_t ready = t + cl->cfg.ima_fifo_cycles;
        b->cmp_end[i % OUT_BUFS] = (ready > prev_end ? ready : prev_end) + cl->cfg.ima_mvm_cycles;
        if (cl->trace) {
            uint32_t who = ima->owner >= 0 ? (uint32_t)ima->owner : 0;
            iss_trace_ima_job(cl, ISS_TR_IMA_IN, who, i, b->array, when, t);
            iss_trace_ima_job(cl, ISS_TR_IMA_CMP, who, i, b->array, b->cmp_end[i % OUT_BUFS] - cl->cfg.ima_mvm_cycles,
                              b->cmp_end[i % OUT_BUFS]);
        }
        ima->stats.bytes_in += b->rows;
        step_address(&b->src, &b->in_a, &b->in_b, ima->regs[REG(ALPHA_IN_LENGTH)],
                     ima->regs[REG(ALPHA_IN_STRIDE)], ima->regs[REG(BETA_IN_LENGTH)],
                     ima->regs[REG(BETA_IN_STRIDE)]);
        b->in_done++;
    } else {
        uint32_t i = b->out_done;
        memcpy(iss_tcdm_ptr(cl, b->dst, b->cols), b->outbuf[i % OUT_BUFS], b->cols);
        iss_debug_watch_write(cl, b->dst, b->cols, ISS_WHO_IMA | (ima->owner >= 0 ? ima->owner : 0));
        uint64_t t = stream_words(cl, b->dst, b->cols, when);
        b->port_free = t;
        if (cl->trace)
            iss_trace_ima_job(cl, ISS_TR_IMA_OUT, ima->owner >= 0 ? (uint32_t)ima->owner : 0, i, b->array, when, t);
        b->out_end_prev = t;
        ima->stats.jobs++;
        ima->stats.mvm_cells += (uint64_t)b->rows * b->cols;
        ima->stats.compute_cycles += cl->cfg.ima_mvm_cycles;
        ima->stats.bytes_out += b->cols;
        ima->regs[REG(FINISHED_JOBS)]++;
        step_address(&b->dst, &b->out_a, &b->out_b, ima->regs[REG(ALPHA_OUT_LENGTH)],
                     ima->regs[REG(ALPHA_OUT_STRIDE)], ima->regs[REG(BETA_OUT_LENGTH)],
                     ima->regs[REG(BETA_OUT_STRIDE)]);
        if (++b->out_done == b->njobs) {
            iss_schedule(cl, t + cl->cfg.ima_fifo_cycles, finish, token(ima));
            return;
        }
    }
    schedule_next(ima);
}

/* Checks the job registers and every address of the batch, then starts it. */
static void trigger(struct iss_ima *ima, iss_core_t *c)
{
    iss_cluster_t *cl = ima->cl;
    uint32_t *r = ima->regs, n = cl->cfg.ima_size;
    ima_batch_t *b = &ima->b;
    uint32_t array = r[REG(ARRAY_SEL)];
    uint32_t x0 = r[REG(J_START_X)], y0 = r[REG(J_START_Y)], w = r[REG(J_WIDTH)], h = r[REG(J_HIGHT)];
    uint32_t rolls = r[REG(JOB_FEAT_ROLL)] ? r[REG(JOB_FEAT_ROLL)] : 1;
    uint32_t line = r[REG(JOB_LINE_LENGTH)], feats = r[REG(JOB_FEAT_LENGTH)];
    if (!holds(ima, c))
        return refuse(ima, c, ISS_IMA_ERR_NO_ACQUIRE, ISS_IMA_TRIGGER, "TRIGGER from core %u, which has not acquired the IMA", c->id);
    if (r[REG(DW_MODE)])
        return refuse(ima, c, ISS_IMA_ERR_MODE, ISS_IMA_DW_MODE, "DW_MODE %u: depthwise runs as block-diagonal weights, DW_MODE must be 0", r[REG(DW_MODE)]);
    if (!w || !h || (uint64_t)x0 + w > n || (uint64_t)y0 + h > n)
        return refuse(ima, c, ISS_IMA_ERR_WINDOW, ISS_IMA_J_START_X, "job window rows %u..%u, columns %u..%u leaves the %ux%u array",
                      y0, y0 + h - 1, x0, x0 + w - 1, n, n);
    if (!r[REG(ADC_LOW)] || !r[REG(ADC_HIGH)] || (int32_t)r[REG(ADC_LOW)] < 0 || (int32_t)r[REG(ADC_HIGH)] < 0)
        return refuse(ima, c, ISS_IMA_ERR_ADC, ISS_IMA_ADC_LOW, "ADC range ADC_LOW %d, ADC_HIGH %d: both must be > 0",
                      (int32_t)r[REG(ADC_LOW)], (int32_t)r[REG(ADC_HIGH)]);
    if (r[REG(FETCH_LENGTH)] != h || (uint64_t)line * feats * rolls != h || r[REG(STORE_LENGTH)] != w)
        return refuse(ima, c, ISS_IMA_ERR_LENGTH, ISS_IMA_FETCH_LENGTH,
                      "FETCH_LENGTH %u, lines %u x %u x %u bytes, STORE_LENGTH %u do not match the %ux%u window",
                      r[REG(FETCH_LENGTH)], rolls, feats, line, r[REG(STORE_LENGTH)], h, w);
    if (!r[REG(NUM_JOBS)])
        return refuse(ima, c, ISS_IMA_ERR_LENGTH, ISS_IMA_NUM_JOBS, "NUM_JOBS is 0");
    /* every stream address of the batch must be in the TCDM */
    uint32_t src = r[REG(J_SRC_ADDR)], dst = r[REG(J_DST_ADDR)], ia = 0, ib = 0, oa = 0, ob = 0;
    uint64_t span = (uint64_t)(rolls - 1) * r[REG(JOB_FEAT_STRIDE)] + (uint64_t)(feats - 1) * r[REG(J_SRC_STRID)] + line;
    for (uint32_t j = 0; j < r[REG(NUM_JOBS)]; j++) {
        if (span > 0xFFFFFFFFu || !iss_tcdm_ptr(cl, src, span))
            return refuse(ima, c, ISS_IMA_ERR_ADDRESS, ISS_IMA_J_SRC_ADDR, "job %u reads 0x%08x..0x%08x, outside the TCDM",
                          j, src, (uint32_t)(src + span - 1));
        if (!iss_tcdm_ptr(cl, dst, w))
            return refuse(ima, c, ISS_IMA_ERR_ADDRESS, ISS_IMA_J_DST_ADDR, "job %u writes 0x%08x..0x%08x, outside the TCDM",
                          j, dst, dst + w - 1);
        step_address(&src, &ia, &ib, r[REG(ALPHA_IN_LENGTH)], r[REG(ALPHA_IN_STRIDE)], r[REG(BETA_IN_LENGTH)], r[REG(BETA_IN_STRIDE)]);
        step_address(&dst, &oa, &ob, r[REG(ALPHA_OUT_LENGTH)], r[REG(ALPHA_OUT_STRIDE)], r[REG(BETA_OUT_LENGTH)], r[REG(BETA_OUT_STRIDE)]);
    }
    if (cl->cfg.ima_noise && (ima->w_dirty || !ima->w_eff)) {   /* PCM: derive the conductances */
        size_t cells = (size_t)cl->cfg.ima_arrays * n * n;
        if (!ima->w_eff)
            ima->w_eff = malloc(cells * sizeof(float));
        iss_ima_pcm_weights(ima->w, ima->w_eff, cells, cl->cfg.ima_seed, cl->cfg.ima_drift_seconds);
        ima->w_dirty = false;
    }
    int8_t *outbufs[OUT_BUFS];
    memcpy(outbufs, b->outbuf, sizeof outbufs);
    *b = (ima_batch_t){
        .array = array, .rows = h, .cols = w, .row0 = y0, .col0 = x0, .njobs = r[REG(NUM_JOBS)],
        .line = line, .feats = feats, .src_stride = r[REG(J_SRC_STRID)], .rolls = rolls,
        .roll_stride = r[REG(JOB_FEAT_STRIDE)], .adc_low = (int32_t)r[REG(ADC_LOW)],
        .adc_high = (int32_t)r[REG(ADC_HIGH)], .pipelined = r[REG(MODE)] != 0,
        .src = r[REG(J_SRC_ADDR)], .dst = r[REG(J_DST_ADDR)],
        .started = iss_core_now(c) > ima->ready_at ? iss_core_now(c) : ima->ready_at,
    };
    memcpy(b->outbuf, outbufs, sizeof outbufs);
    b->port_free = b->started;
    set_state(ima, ST_RUNNING, (int32_t)c->id);
    schedule_next(ima);
}

/* ---- weight programming and read-back ---- */

static void submit_plot(struct iss_ima *ima, iss_core_t *c, uint32_t word)
{
    uint32_t *r = ima->regs, n = ima->cl->cfg.ima_size;
    if (!holds(ima, c))
        return refuse(ima, c, ISS_IMA_ERR_NO_ACQUIRE, ISS_IMA_SUBMIT_PLOT, "SUBMIT_PLOT from core %u, which has not acquired the IMA", c->id);
    if (ima->state == ST_ACQUIRED) {   /* first word of a window */
        uint32_t x0 = r[REG(P_START_X)], y0 = r[REG(P_START_Y)], w = r[REG(P_WIDTH)], h = r[REG(P_HIGHT)];
        if (!w || !h || w % 8 || x0 % 8 || (uint64_t)x0 + w > n || (uint64_t)y0 + h > n)
            return refuse(ima, c, ISS_IMA_ERR_WINDOW, ISS_IMA_P_START_X,
                          "weight window rows %u+%u, columns %u+%u: must lie in the %ux%u array, columns in multiples of 8",
                          y0, h, x0, w, n, n);
        if (r[REG(ARRAY_SEL)] >= ima->cl->cfg.ima_arrays)
            return refuse(ima, c, ISS_IMA_ERR_ARRAY, ISS_IMA_ARRAY_SEL, "array %u does not exist (%u arrays)",
                          r[REG(ARRAY_SEL)], ima->cl->cfg.ima_arrays);
        ima->pw_x = x0;
        ima->pw_y = y0;
        ima->pw_array = r[REG(ARRAY_SEL)];
        ima->pw_start = c->cycles > ima->pw_busy_until ? c->cycles : ima->pw_busy_until;
        set_state(ima, ST_PROGRAMMING, (int32_t)c->id);
    }
    for (int k = 0; k < 8; k++)
        if (((word >> (4 * k)) & 0xF) == 0x8)
            return refuse(ima, c, ISS_IMA_ERR_WEIGHT, ISS_IMA_SUBMIT_PLOT,
                          "weight -8 at row %u, column %u (weights are in [-7, 7])", ima->pw_y, ima->pw_x + k);
    /* program-and-verify takes time: a core submitting the next word waits for the IMA */
    uint64_t now = c->cycles;
    if (ima->pw_busy_until > now)
        iss_core_stall(c, ima->pw_busy_until - now), now = ima->pw_busy_until;
    ima->pw_busy_until = now + ima->cl->cfg.ima_program_word_cycles;
    int8_t *row = weights(ima, ima->pw_array) + (size_t)ima->pw_y * n + ima->pw_x;
    for (int k = 0; k < 8; k++) {
        int v = (word >> (4 * k)) & 0xF;
        row[k] = (int8_t)(v & 8 ? v - 16 : v);
    }
    ima->stats.words_programmed++;
    ima->w_dirty = true;
    ima->pw_x += 8;
    if (ima->pw_x >= r[REG(P_START_X)] + r[REG(P_WIDTH)]) {
        ima->pw_x = r[REG(P_START_X)];
        if (++ima->pw_y >= r[REG(P_START_Y)] + r[REG(P_HIGHT)]) {
            set_state(ima, ST_IDLE, -1);   /* window complete: the IMA is released, */
            ima->ready_at = ima->pw_busy_until;   /* and computes once the last word is in */
            if (ima->cl->trace)
                iss_trace_emit(ima->cl, ISS_TR_IMA_PROG, c->id, ima->pw_start, ima->ready_at, ima->pw_array,
                               r[REG(P_HIGHT)], r[REG(P_WIDTH)], 0);
        }
    }
}

static uint32_t read_plot(struct iss_ima *ima, iss_core_t *c)
{
    uint32_t *r = ima->regs, n = ima->cl->cfg.ima_size;
    uint32_t x = r[REG(PR_ADDR_X)], y = r[REG(PR_ADDR_Y)], a = r[REG(ARRAY_SEL)];
    if (!holds(ima, c)) {
        refuse(ima, c, ISS_IMA_ERR_NO_ACQUIRE, ISS_IMA_PR_VAL, "PR_VAL read by core %u, which has not acquired the IMA", c->id);
        return 0;
    }
    if (a >= ima->cl->cfg.ima_arrays || x % 8 || (uint64_t)x + 8 > n || y >= n) {
        refuse(ima, c, a >= ima->cl->cfg.ima_arrays ? ISS_IMA_ERR_ARRAY : ISS_IMA_ERR_WINDOW, ISS_IMA_PR_ADDR_X,
               "read-back of array %u, row %u, columns %u..%u: outside the %u array(s) of %ux%u", a, y, x, x + 7,
               ima->cl->cfg.ima_arrays, n, n);
        return 0;
    }
    iss_core_stall(c, ima->cl->cfg.ima_read_cycles);
    ima->stats.words_read++;
    const int8_t *row = weights(ima, a) + (size_t)y * n + x;
    uint32_t word = 0;
    for (int k = 0; k < 8; k++)
        word |= (uint32_t)(row[k] & 0xF) << (4 * k);
    return word;
}

/* ---- registers ---- */

uint64_t iss_ima_read(iss_core_t *c, uint32_t off)
{
    struct iss_ima *ima = c->cl->ima;
    switch (off) {
    case ISS_IMA_ACQUIRE:
        if (!iss_exact_time(c))   /* several cores may race for it: resolve in time order */
            return 0;
        if (holds(ima, c) && ima->state != ST_RUNNING)
            return ISS_IMA_ACQUIRE_GRANTED;   /* already held by this core */
        if (ima->state != ST_IDLE)
            return ISS_IMA_ACQUIRE_BUSY;
        set_state(ima, ST_ACQUIRED, (int32_t)c->id);
        return ISS_IMA_ACQUIRE_GRANTED;
    case ISS_IMA_FINISHED_JOBS: {
        if (!iss_exact_time(c))   /* the batch's end changes it: read it at the load's cycle */
            return 0;
        uint32_t v = ima->regs[REG(FINISHED_JOBS)];
        ima->regs[REG(FINISHED_JOBS)] = 0;
        return v;
    }
    case ISS_IMA_PR_VAL: return read_plot(ima, c);
    case ISS_IMA_NB_ARRAYS: return c->cl->cfg.ima_arrays;
    case ISS_IMA_ARRAY_SIZE: return c->cl->cfg.ima_size;
    case ISS_IMA_TRIGGER: case ISS_IMA_SOFT_CLEAR: case ISS_IMA_SUBMIT_PLOT:
        iss_fault(c, FAULT_PERIPH, IMA_ADDR(off), "load from write-only IMA register 0x%08x", IMA_ADDR(off));
        return 0;
    }
    if (off < 4 * NB_REGS) {
        if ((off == ISS_IMA_STATUS || off == ISS_IMA_RUNNING_TASK || off == ISS_IMA_CHECK_STATE) &&
            !iss_exact_time(c))
            return 0;             /* set as jobs end: as of the load's cycle */
        return ima->regs[off / 4];
    }
    iss_fault(c, FAULT_PERIPH, IMA_ADDR(off), "load at 0x%08x: no IMA register there", IMA_ADDR(off));
    return 0;
}

void iss_ima_write(iss_core_t *c, uint32_t off, uint32_t val)
{
    struct iss_ima *ima = c->cl->ima;
    switch (off) {
    case ISS_IMA_ACQUIRE: case ISS_IMA_FINISHED_JOBS: case ISS_IMA_STATUS: case ISS_IMA_RUNNING_TASK:
    case ISS_IMA_CHECK_STATE: case ISS_IMA_PR_VAL: case ISS_IMA_ERROR: case ISS_IMA_NB_ARRAYS:
    case ISS_IMA_ARRAY_SIZE:
        iss_fault(c, FAULT_PERIPH, IMA_ADDR(off), "store to read-only IMA register 0x%08x", IMA_ADDR(off));
        return;
    case ISS_IMA_SOFT_CLEAR: {
        bool aborted = ima->state == ST_RUNNING;
        ima->gen++;
        set_state(ima, ST_IDLE, -1);
        if (aborted)   /* cores sleeping on the batch's end must not sleep forever */
            iss_deliver_events(c->cl, (uint32_t)((1ull << c->cl->cfg.num_cores) - 1), 1u << ISS_EVT_ACC0,
                               iss_core_now(c));
        return;
    }
    }
    if (off >= 4 * NB_REGS) {
        iss_fault(c, FAULT_PERIPH, IMA_ADDR(off), "store at 0x%08x: no IMA register there", IMA_ADDR(off));
        return;
    }
    if (off == ISS_IMA_TRIGGER && !holds(ima, c))
        return refuse(ima, c, ISS_IMA_ERR_NO_ACQUIRE, off, "TRIGGER from core %u, which has not acquired the IMA", c->id);
    if (ima->state == ST_RUNNING)
        return refuse(ima, c, ISS_IMA_ERR_BUSY, off, "register 0x%02x written while a job batch runs", off);
    if (!holds(ima, c))
        return refuse(ima, c, ISS_IMA_ERR_NO_ACQUIRE, off, "register 0x%02x written by core %u, which has not acquired the IMA",
                      off, c->id);
    switch (off) {
    case ISS_IMA_TRIGGER:
        if (iss_exact_time(c))
            trigger(ima, c);
        return;
    case ISS_IMA_SUBMIT_PLOT:
        submit_plot(ima, c, val);
        return;
    case ISS_IMA_ARRAY_SEL:
        if (val >= c->cl->cfg.ima_arrays)
            return refuse(ima, c, ISS_IMA_ERR_ARRAY, off, "array %u does not exist (%u arrays)", val, c->cl->cfg.ima_arrays);
        break;
    case ISS_IMA_P_START_X: case ISS_IMA_P_START_Y: case ISS_IMA_P_WIDTH: case ISS_IMA_P_HIGHT:
        if (ima->state == ST_PROGRAMMING)   /* a new window restarts the write pointer */
            set_state(ima, ST_ACQUIRED, ima->owner);
        break;
    }
    ima->regs[off / 4] = val;
}

/* For the debugger's `monitor periph`. */
uint32_t iss_ima_describe(iss_cluster_t *cl, char *buf, uint32_t cap)
{
    static const char *const names[] = {"idle", "acquired", "programming weights", "running"};
    struct iss_ima *ima = cl->ima;
    int n = snprintf(buf, cap, "ima: %s", ima->state < 4 ? names[ima->state] : "?");
    if (ima->owner >= 0)
        n += snprintf(buf + n, cap - (uint32_t)n, " by core %d", ima->owner);
    if (ima->state == ST_RUNNING)
        n += snprintf(buf + n, cap - (uint32_t)n, ", job batch on array %u: %u of %u jobs in, %u out",
                      ima->b.array, ima->b.in_done, ima->b.njobs, ima->b.out_done);
    n += snprintf(buf + n, cap - (uint32_t)n, "; %llu jobs done, %llu weight words programmed\n",
                  (unsigned long long)ima->stats.jobs, (unsigned long long)ima->stats.words_programmed);
    return n < 0 ? 0 : (uint32_t)n < cap ? (uint32_t)n : cap - 1;
}
