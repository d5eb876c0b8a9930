/*
 * MobileNetV2 end to end (docs/mobilenetv2.md). The generator (iss/mobilenet.py) writes the
 * layer table, the tile table and the data; this program runs it:
 *
 *   1. set-up (not part of the inference): every IMA tile is programmed into its array from its
 *      SUBMIT_PLOT words in L2;
 *   2. the inference, layer after layer, between markers 2k (start of layer k) and 2k + 1 (end):
 *      activations live in L2; each layer moves tiles into the TCDM work area by DMA, double
 *      buffered (the next tile's input and the previous tile's output move while the current
 *      one is computed), computes them and moves the results back;
 *   3. prints the top-5 classes and a checksum of the classifier's output.
 *
 * MN_SOFTWARE = 0 (the heterogeneous mapping): conv3x3, pointwise and the last 1x1 on the IMA
 * (one TRIGGER per tile and chunk; row tiles write partial int8 results that the cores add with
 * saturation), depthwise on the depthwise accelerator; residual adds, pooling and the
 * classifier on the 8 cores. MN_SOFTWARE = 1 (the programmable baseline): every layer on the
 * 8 cores (iss_kernels.h), with the same data movement and the same bytes out.
 *
 * Core 0 runs the layer loop, programs the DMA and the accelerators and sleeps while they work;
 * the other cores join in iss_fork for the software parts. mn_stats[k] records each layer's
 * cycles and the cycles core 0 waited for the DMA (the exposed DMA time).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "iss.h"
#include "iss_dma.h"
#include "iss_dwa.h"
#include "iss_ima.h"
#include "iss_kernels.h"
#include "mn_params.h"

#ifndef MN_SOFTWARE
#define MN_SOFTWARE 0
#endif

int8_t mn_work[MN_WORK_BYTES] __attribute__((aligned(16)));
mn_stat_t mn_stats[MN_NLAYERS];
static uint32_t dma_wait_cycles;

#define BUF(L, s) (mn_work + (L)->buf[s])

static inline uint32_t min_u(uint32_t a, uint32_t b) { return a < b ? a : b; }

/* ---- DMA: every transfer of a step on one id; core 0 only ---- */

/* Push `rows` rows of row_len bytes, one every `stride` bytes in L2, contiguous in the TCDM. */
static void push(uint32_t ext, uint32_t loc, uint32_t rows, uint32_t row_len, uint32_t stride, int ext2loc)
{
    if (!rows || !row_len)
        return;
    if (rows == 1 || stride == row_len) {
        uint32_t len = rows * row_len;
        while (len) {
            uint32_t k = min_u(len, ISS_DMA_LEN_MAX);
            iss_dma_push(iss_dma_cmd(k, ext2loc, 0), loc, ext);
            ext += k;
            loc += k;
            len -= k;
        }
        return;
    }
    uint32_t per = ISS_DMA_LEN_MAX / row_len;
    while (rows) {
        uint32_t n = min_u(rows, per);
        iss_dma_push_2d(iss_dma_cmd(n * row_len, ext2loc, 1), loc, ext, stride, row_len);
        ext += n * stride;
        loc += n * row_len;
        rows -= n;
    }
}

static int dma_in(uint32_t ext, const void *loc, uint32_t len)
{
    int id = iss_dma_alloc();
    push(ext, (uint32_t)loc, 1, len, len, 1);
    return id;
}

static int dma_out(uint32_t ext, const void *loc, uint32_t len)
{
    int id = iss_dma_alloc();
    push(ext, (uint32_t)loc, 1, len, len, 0);
    return id;
}

/* Wait for a transfer (id < 0: none); the time core 0 waits is exposed DMA time. */
static void dwait(int id)
{
    if (id < 0)
        return;
    uint32_t t = iss_cycles();
    iss_dma_wait(id);
    dma_wait_cycles += iss_cycles() - t;
}

/* ---- the double-buffered tile pipeline ---- */

typedef int (*io_fn)(const mn_layer_t *L, uint32_t k, uint32_t b);
typedef void (*run_fn)(const mn_layer_t *L, uint32_t k, uint32_t b);

/* Tile k uses buffer set b = k & 1: while tile k is computed, tile k + 1 is loaded into the
 * other set and tile k - 1 stored from it. Tile k's compute waits for its load and for the
 * store of tile k - 2 (which used the same output buffer). */
static void pipeline(const mn_layer_t *L, uint32_t n, io_fn load, run_fn compute, io_fn store)
{
    int ld[2] = {-1, -1}, st[2] = {-1, -1};
    ld[0] = load(L, 0, 0);
    for (uint32_t k = 0; k < n; k++) {
        uint32_t b = k & 1;
        if (k + 1 < n)
            ld[b ^ 1] = load(L, k + 1, b ^ 1);
        dwait(ld[b]);
        ld[b] = -1;
        dwait(st[b]);
        st[b] = -1;
        compute(L, k, b);
        st[b] = store(L, k, b);
    }
    dwait(st[0]);
    dwait(st[1]);
}

/* ---- work shared with the other cores (iss_fork) ---- */

static struct {
    const mn_layer_t *L;
    const int8_t *x;        /* input of the step */
    int8_t *y;              /* output */
    int8_t *part;           /* IMA partial results of row tiles 1.. */
    uint32_t n;             /* pixels (pw, conv3x3, pool), bytes (add), groups (fc) */
    uint32_t cin;           /* input pixel stride (pw: cin; conv3x3 im2col: 9 cin) */
    uint32_t k;             /* chunk index */
    uint32_t rows;          /* conv3x3: output rows of the stripe */
    const int8_t *aux;      /* dw weights; add: second input; fc: weight words */
    const int32_t *bias;
    uint32_t h;             /* dw: input rows of the tile */
    int wid[2];             /* software, streamed tiles: DMA ids of the tile words */
    int32_t xsum[64];       /* fc: sum of the inputs of each row tile (cin <= 64 x MN_SIZE) */
} job;

static inline void my_slice(uint32_t n, uint32_t *first, uint32_t *last)
{
    iss_slice(n, iss_core_id(), iss_team_size(), first, last);
}

static void zero_fork(void *arg)
{
    (void)arg;
    uint32_t first, last;
    my_slice(job.n / 4, &first, &last);
    uint32_t *p = (uint32_t *)job.y;
    for (uint32_t i = first; i < last; i++)
        p[i] = 0;
}

/* Zero n bytes (a multiple of 4, word aligned) with every core. */
static void zero(int8_t *p, uint32_t n)
{
    job.y = p;
    job.n = n;
    iss_fork(0, zero_fork, 0);
}

/* Signed saturating add of 4 int8 lanes: the lanes' sum without carries between them, then the
 * lanes that overflowed (operands of one sign, a sum of the other) get 127 or -128. */
static inline uint32_t sat_add4(uint32_t a, uint32_t b)
{
    uint32_t x = a ^ b;
    uint32_t s = ((a & 0x7F7F7F7Fu) + (b & 0x7F7F7F7Fu)) ^ (x & 0x80808080u);
    uint32_t ov = (a ^ s) & ~x & 0x80808080u;
    if (__builtin_expect(ov == 0, 1))
        return s;
    uint32_t m = (ov >> 7) * 0xFFu;
    uint32_t sat = ((a >> 7) & 0x01010101u) + 0x7F7F7F7Fu;
    return (s & ~m) | (sat & m);
}

static inline int8_t sat8(int32_t v)
{
    return (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);
}

#if MN_SOFTWARE
/* Copy rows of `len` bytes: dst[p * dstride] <- src[p * sstride], pixels [first, last); with
 * add, dst = sat(dst + src). */
static void copy_rows(int8_t *dst, uint32_t dstride, const int8_t *src, uint32_t sstride, uint32_t len,
                      uint32_t first, uint32_t last, int add)
{
    int words = (((uint32_t)dst | (uint32_t)src | dstride | sstride | len) & 3) == 0;
    for (uint32_t p = first; p < last; p++) {
        int8_t *d = dst + p * dstride;
        const int8_t *s = src + p * sstride;
        if (words) {
            uint32_t *dw = (uint32_t *)d;
            const uint32_t *sw = (const uint32_t *)s;
            if (add)
                for (uint32_t i = 0; i < len / 4; i++)
                    dw[i] = sat_add4(dw[i], sw[i]);
            else
                for (uint32_t i = 0; i < len / 4; i++)
                    dw[i] = sw[i];
        } else if (add) {
            for (uint32_t i = 0; i < len; i++)
                d[i] = sat8((int32_t)d[i] + s[i]);
        } else {
            for (uint32_t i = 0; i < len; i++)
                d[i] = s[i];
        }
    }
}

#endif

/* ---- IMA ---- */

#if !MN_SOFTWARE
/* Program one tile's window from its SUBMIT_PLOT words (the IMA is released after the last). */
static void program_tile(const mn_tile_t *t)
{
    const uint32_t *w = (const uint32_t *)t->words;
    uint32_t n = t->rows * (t->cols / 8);
    iss_ima_acquire();
    iss_ima_select(t->array);
    iss_ima_write(ISS_IMA_P_START_X, t->x);
    iss_ima_write(ISS_IMA_P_START_Y, t->y);
    iss_ima_write(ISS_IMA_P_WIDTH, t->cols);
    iss_ima_write(ISS_IMA_P_HIGHT, t->rows);
    for (uint32_t i = 0; i < n; i++)
        iss_ima_write(ISS_IMA_SUBMIT_PLOT, w[i]);
}

/* Row tiles 1.. of a chunk: Y = sat(...sat(Y + P1) + P2...) in row-tile order, as the golden model. */
static void partials_fork(void *arg)
{
    (void)arg;
    const mn_layer_t *L = job.L;
    uint32_t words = job.n / 4, pstride = L->chunk * L->cout / 4, first, last;
    my_slice(words, &first, &last);
    uint32_t *y = (uint32_t *)job.y, rts = L->row_tiles;
    for (uint32_t r = 1; r < rts; r++) {
        const uint32_t *p = (const uint32_t *)job.part + (r - 1) * pstride;
        for (uint32_t i = first; i < last; i++)
            y[i] = sat_add4(y[i], p[i]);
    }
}

static void ima_run(iss_ima_job_t *j)
{
    iss_ima_start(j);
    iss_ima_wait();
}
#endif

/* ---- software pointwise (the baseline), on every core of a fork ---- */

#if MN_SOFTWARE
static void pack_all_fork(void *arg)
{
    (void)arg;
    const mn_layer_t *L = job.L;
    for (uint32_t t = 0; t < L->ntiles; t++) {
        const mn_tile_t *T = &mn_tiles[L->tile0 + t];
        iss_pw_pack_words((const uint32_t *)(BUF(L, S_WN0) + T->wn), T->rows, T->cols, (int32_t *)(BUF(L, S_PK) + T->pk));
    }
}

/* Pack the layer's tiles once, if they all stay in the TCDM. */
static void sw_pack_layer(const mn_layer_t *L)
{
    if (!L->resident)
        return;
    const mn_tile_t *last = &mn_tiles[L->tile0 + L->ntiles - 1];
    uint32_t bytes = last->wn + last->rows * last->cols / 2;
    dwait(dma_in(L->words, BUF(L, S_WN0), bytes));
    job.L = L;
    iss_fork(0, pack_all_fork, 0);
}

static int sw_load_words(const mn_layer_t *L, uint32_t t)
{
    const mn_tile_t *T = &mn_tiles[L->tile0 + t];
    return dma_in(T->words, BUF(L, (t & 1) ? S_WN1 : S_WN0), T->rows * T->cols / 2);
}

/* All tiles of a layer on job.n pixels: input job.x [n][job.cin], output job.y [n][cout]. */
static void sw_tiles(const mn_layer_t *L)
{
    uint32_t n = job.n, cin = job.cin, cout = L->cout, first, last;
    unsigned core = iss_core_id();
    my_slice(n, &first, &last);
    int32_t *pkbuf = (int32_t *)BUF(L, S_PK);
    for (uint32_t t = 0; t < L->ntiles; t++) {
        const mn_tile_t *T = &mn_tiles[L->tile0 + t];
        const int32_t *pk = (const int32_t *)((int8_t *)pkbuf + T->pk);
        if (!L->resident) {   /* streamed: the next tile's words move while this one is packed and run */
            if (core == 0) {
                if (t + 1 < L->ntiles)
                    job.wid[(t + 1) & 1] = sw_load_words(L, t + 1);
                dwait(job.wid[t & 1]);
            }
            iss_barrier();
            iss_pw_pack_words((const uint32_t *)BUF(L, (t & 1) ? S_WN1 : S_WN0), T->rows, T->cols, pkbuf);
            pk = pkbuf;
        }
        const int8_t *src = job.x;
        if (T->rows != cin) {
            copy_rows(BUF(L, S_XS), T->rows, job.x + T->row0, cin, T->rows, first, last, 0);
            iss_barrier();
            src = BUF(L, S_XS);
        }
        int direct = T->rt == 0 && T->cols == cout;
        int8_t *dst = direct ? job.y : BUF(L, S_OS);
        iss_pointwise(src, dst, pk, n, T->rows, T->cols, L->adc_low, L->adc_high);
        if (!direct) {
            copy_rows(job.y + T->col0, cout, dst, T->cols, T->cols, first, last, T->rt != 0);
            iss_barrier();
        }
    }
}

static void sw_pw_fork(void *arg)
{
    (void)arg;
    sw_tiles(job.L);
}

/* im2col of the stripe (3 lines of 3 pixels of cin from the padded stripe), then the tiles. */
static void sw_conv_fork(void *arg)
{
    (void)arg;
    const mn_layer_t *L = job.L;
    uint32_t cin = L->cin, s = L->stride, wo = L->wo, w2 = (L->w + 2) * cin, first, last;
    int8_t *ic = BUF(L, S_IC);
#if defined(__riscv_xcvalu)
    /* one tile: the runtime's kernel on the zero-padded stripe (pad 0 around it), its windows
     * padded to whole quads for cv.sdotsp.b */
    if (L->ntiles == 1 && mn_tiles[L->tile0].cols == L->cout) {
        iss_conv3x3(job.x, job.y, (const int32_t *)BUF(L, S_PK), s * (job.rows - 1) + 3, L->w + 2, cin, L->cout, s, 0,
                    L->adc_low, L->adc_high, ic, L->buf[S_IC + 1] - L->buf[S_IC]);
        return;
    }
#endif
    my_slice(job.rows * wo, &first, &last);
    for (uint32_t p = first; p < last; p++) {
        uint32_t oy = p / wo, ox = p % wo;
        const int8_t *src = job.x + oy * s * w2 + ox * s * cin;
        int8_t *d = ic + p * 9 * cin;
        for (uint32_t ky = 0; ky < 3; ky++)
            for (uint32_t i = 0; i < 3 * cin; i++)
                d[ky * 3 * cin + i] = src[ky * w2 + i];
    }
    iss_barrier();
    job.x = ic;
    job.cin = 9 * cin;
    job.n = job.rows * wo;
    sw_tiles(L);
}
#endif

/* ---- pointwise: pixel chunks ---- */

static int pw_load(const mn_layer_t *L, uint32_t k, uint32_t b)
{
    uint32_t p0 = k * L->chunk, n = min_u(L->chunk, L->ho * L->wo - p0);
    return dma_in(L->in + p0 * L->cin, BUF(L, b ? S_X1 : S_X0), n * L->cin);
}

static int pw_store(const mn_layer_t *L, uint32_t k, uint32_t b)
{
    uint32_t p0 = k * L->chunk, n = min_u(L->chunk, L->ho * L->wo - p0);
    return dma_out(L->out + p0 * L->cout, BUF(L, b ? S_Y1 : S_Y0), n * L->cout);
}

static void pw_compute(const mn_layer_t *L, uint32_t k, uint32_t b)
{
    uint32_t p0 = k * L->chunk, n = min_u(L->chunk, L->ho * L->wo - p0);
    const int8_t *x = BUF(L, b ? S_X1 : S_X0);
    int8_t *y = BUF(L, b ? S_Y1 : S_Y0);
#if MN_SOFTWARE
    job.L = L;
    job.x = x;
    job.y = y;
    job.n = n;
    job.cin = L->cin;
    iss_fork(0, sw_pw_fork, 0);
#else
    int8_t *part = BUF(L, S_PART);
    for (uint32_t t = 0; t < L->ntiles; t++) {
        const mn_tile_t *T = &mn_tiles[L->tile0 + t];
        int8_t *dst = (T->rt ? part + (T->rt - 1) * L->chunk * L->cout : y) + T->col0;
        iss_ima_job_t j = {
            .array = T->array, .row0 = T->y, .col0 = T->x, .rows = T->rows, .cols = T->cols,
            .src = (uint32_t)(x + T->row0), .dst = (uint32_t)dst,
            .line_length = T->rows, .feat_length = 1, .src_stride = T->rows,
            .num_jobs = n,
            .alpha_in_length = n, .alpha_in_stride = L->cin, .beta_in_length = 1, .beta_in_stride = L->cin,
            .alpha_out_length = n, .alpha_out_stride = L->cout, .beta_out_length = 1, .beta_out_stride = L->cout,
            .adc_low = (uint32_t)L->adc_low, .adc_high = (uint32_t)L->adc_high,
        };
        ima_run(&j);
    }
    if (L->row_tiles > 1) {
        job.L = L;
        job.y = y;
        job.part = part;
        job.n = n * L->cout;
        iss_fork(0, partials_fork, 0);
    }
#endif
}

static void run_pw(const mn_layer_t *L)
{
#if MN_SOFTWARE
    sw_pack_layer(L);
    if (!L->resident)
        job.wid[0] = sw_load_words(L, 0);
#endif
    pipeline(L, L->nchunks, pw_load, pw_compute, pw_store);
}

/* ---- conv3x3: stripes of output rows from zero-padded input stripes ---- */

static int conv_load(const mn_layer_t *L, uint32_t k, uint32_t b)
{
    uint32_t s = L->stride, cin = L->cin, w2 = (L->w + 2) * cin;
    uint32_t oy0 = k * L->chunk, rows = min_u(L->chunk, L->ho - oy0), nrows = s * (rows - 1) + 3;
    int8_t *S = BUF(L, b ? S_S1 : S_S0);
    int iy0 = (int)(s * oy0) - 1;
    int id = iss_dma_alloc();
    for (uint32_t j = 0; j < nrows; j++) {
        int iy = iy0 + (int)j;
        if (iy < 0 || iy >= (int)L->h)
            memset(S + j * w2, 0, w2);   /* padding row (the first and the last stripe) */
        else
            push(L->in + (uint32_t)iy * L->w * cin, (uint32_t)(S + j * w2 + cin), 1, L->w * cin, L->w * cin, 1);
    }
    return id;
}

static int conv_store(const mn_layer_t *L, uint32_t k, uint32_t b)
{
    uint32_t oy0 = k * L->chunk, rows = min_u(L->chunk, L->ho - oy0), row = L->wo * L->cout;
    return dma_out(L->out + oy0 * row, BUF(L, b ? S_CO1 : S_CO0), rows * row);
}

static void conv_compute(const mn_layer_t *L, uint32_t k, uint32_t b)
{
    uint32_t oy0 = k * L->chunk, rows = min_u(L->chunk, L->ho - oy0);
    const int8_t *S = BUF(L, b ? S_S1 : S_S0);
    int8_t *O = BUF(L, b ? S_CO1 : S_CO0);
#if MN_SOFTWARE
    job.L = L;
    job.x = S;
    job.y = O;
    job.rows = rows;
    iss_fork(0, sw_conv_fork, 0);
#else
    uint32_t s = L->stride, cin = L->cin, wo = L->wo, w2 = (L->w + 2) * cin;
    for (uint32_t t = 0; t < L->ntiles; t++) {
        const mn_tile_t *T = &mn_tiles[L->tile0 + t];
        iss_ima_job_t j = {
            .array = T->array, .row0 = T->y, .col0 = T->x, .rows = T->rows, .cols = T->cols,
            .src = (uint32_t)S, .dst = (uint32_t)(O + T->col0),
            /* im2col of one output pixel: 3 lines of 3 pixels x cin, one padded row apart */
            .line_length = 3 * cin, .feat_length = 3, .src_stride = w2,
            .num_jobs = rows * wo,
            .alpha_in_length = wo - 1, .alpha_in_stride = s * cin,
            .beta_in_length = 1, .beta_in_stride = s * w2 - (wo - 1) * s * cin,
            .alpha_out_length = rows * wo, .alpha_out_stride = L->cout, .beta_out_length = 1,
            .beta_out_stride = L->cout,
            .adc_low = (uint32_t)L->adc_low, .adc_high = (uint32_t)L->adc_high,
        };
        ima_run(&j);
    }
#endif
}

static void run_conv(const mn_layer_t *L)
{
    /* the stripes' left and right padding columns stay zero: the DMA writes only the interior */
    uint32_t s = L->stride, bytes = (s * (L->chunk - 1) + 3) * (L->w + 2) * L->cin;
    zero(BUF(L, S_S0), (bytes + 3) & ~3u);
    zero(BUF(L, S_S1), (bytes + 3) & ~3u);
#if MN_SOFTWARE
    sw_pack_layer(L);
#endif
    pipeline(L, L->nchunks, conv_load, conv_compute, conv_store);
}

/* ---- depthwise: tiles of `slice` channels x `chunk` output rows ---- */

struct dw_tile {
    uint32_t c0, oy0, rows, gs, ge, lead;
};

/* Tile k: channel slice k / stripes, stripe k % stripes (see iss/mobilenet.py dw_stripe). */
static struct dw_tile dw_tile(const mn_layer_t *L, uint32_t k)
{
    struct dw_tile t;
    uint32_t s = L->stride;
    t.c0 = (k / L->nchunks) * L->slice;
    t.oy0 = (k % L->nchunks) * L->chunk;
    t.rows = min_u(L->chunk, L->ho - t.oy0);
    t.gs = t.oy0 == 0 ? 0 : s * t.oy0 - s;
    t.ge = min_u(L->h - 1, s * (t.oy0 + t.rows - 1) + 1);
    t.lead = t.oy0 - t.gs / s;
    return t;
}

static int dw_load(const mn_layer_t *L, uint32_t k, uint32_t b)
{
    struct dw_tile t = dw_tile(L, k);
    uint32_t c = L->cin, cs = L->slice;
    int id = iss_dma_alloc();
    push(L->in + t.gs * L->w * c + t.c0, (uint32_t)BUF(L, b ? S_I1 : S_I0), (t.ge - t.gs + 1) * L->w, cs, c, 1);
    push(L->wts + t.c0, (uint32_t)BUF(L, b ? S_W1 : S_W0), 9, cs, c, 1);
    push(L->bias + 4 * t.c0, (uint32_t)BUF(L, b ? S_B1 : S_B0), 1, 4 * cs, 4 * cs, 1);
    return id;
}

static int dw_store(const mn_layer_t *L, uint32_t k, uint32_t b)
{
    struct dw_tile t = dw_tile(L, k);
    uint32_t cs = L->slice, wo = L->wo;
    int id = iss_dma_alloc();
    push(L->out + t.oy0 * wo * L->cout + t.c0, (uint32_t)(BUF(L, b ? S_O1 : S_O0) + t.lead * wo * cs), t.rows * wo,
         cs, L->cout, 0);
    return id;
}

#if MN_SOFTWARE
static void sw_dw_fork(void *arg)
{
    (void)arg;
    const mn_layer_t *L = job.L;
    iss_depthwise3x3(job.x, job.y, job.aux, job.bias, job.h, L->w, L->slice, L->stride, 1, L->shift, (int)L->relu);
}
#endif

static void dw_compute(const mn_layer_t *L, uint32_t k, uint32_t b)
{
    struct dw_tile t = dw_tile(L, k);
    const int8_t *in = BUF(L, b ? S_I1 : S_I0), *w = BUF(L, b ? S_W1 : S_W0);
    const int32_t *bias = (const int32_t *)BUF(L, b ? S_B1 : S_B0);
    int8_t *out = BUF(L, b ? S_O1 : S_O0);
#if MN_SOFTWARE
    job.L = L;
    job.x = in;
    job.y = out;
    job.aux = w;
    job.bias = bias;
    job.h = t.ge - t.gs + 1;
    iss_fork(0, sw_dw_fork, 0);
#else
    iss_dwa_acquire();
    iss_dwa_conv3x3(in, out, w, bias, t.ge - t.gs + 1, L->w, L->slice, L->stride, 1, L->shift, (int)L->relu);
    iss_dwa_wait();
#endif
}

static void run_dw(const mn_layer_t *L)
{
    pipeline(L, L->nchunks * (L->cin / L->slice), dw_load, dw_compute, dw_store);
}

/* ---- residual add: chunks of bytes ---- */

static int add_load(const mn_layer_t *L, uint32_t k, uint32_t b)
{
    uint32_t total = L->ho * L->wo * L->cout, o = k * L->chunk, n = min_u(L->chunk, total - o);
    int id = iss_dma_alloc();
    push(L->in + o, (uint32_t)BUF(L, b ? S_A1 : S_A0), 1, n, n, 1);
    push(L->in2 + o, (uint32_t)BUF(L, b ? S_B1A : S_B0A), 1, n, n, 1);
    return id;
}

static int add_store(const mn_layer_t *L, uint32_t k, uint32_t b)
{
    uint32_t total = L->ho * L->wo * L->cout, o = k * L->chunk, n = min_u(L->chunk, total - o);
    return dma_out(L->out + o, BUF(L, b ? S_AO1 : S_AO0), n);
}

static void add_fork(void *arg)
{
    (void)arg;
    iss_residual_add(job.x, job.aux, job.y, job.n, job.L->shift);
}

static void add_compute(const mn_layer_t *L, uint32_t k, uint32_t b)
{
    uint32_t total = L->ho * L->wo * L->cout, o = k * L->chunk;
    job.L = L;
    job.x = BUF(L, b ? S_A1 : S_A0);
    job.aux = BUF(L, b ? S_B1A : S_B0A);
    job.y = BUF(L, b ? S_AO1 : S_AO0);
    job.n = min_u(L->chunk, total - o);
    iss_fork(0, add_fork, 0);
}

/* ---- average pool: pixel chunks summed per channel ---- */

static int pool_load(const mn_layer_t *L, uint32_t k, uint32_t b)
{
    uint32_t p0 = k * L->chunk, n = min_u(L->chunk, L->h * L->w - p0);
    return dma_in(L->in + p0 * L->cin, BUF(L, b ? S_PX1 : S_PX0), n * L->cin);
}

static int pool_store(const mn_layer_t *L, uint32_t k, uint32_t b)
{
    (void)b;
    return k + 1 == L->nchunks ? dma_out(L->out, BUF(L, S_POUT), L->cout) : -1;
}

/* The chunk's pixels summed per channel into S_SUM (set by the first chunk); after the last
 * one, the rounding mean (runtime/iss_kernels_eltwise.c, dnn_ref.avgpool). */
static void pool_fork(void *arg)
{
    (void)arg;
    const mn_layer_t *L = job.L;
    int32_t *sum = (int32_t *)BUF(L, S_SUM);
    iss_avgpool_sum(job.x, sum, job.n, L->cin, job.k == 0);
    if (job.k + 1 == L->nchunks)
        iss_avgpool_mean(sum, BUF(L, S_POUT), L->cin, L->h * L->w);
}

static void pool_compute(const mn_layer_t *L, uint32_t k, uint32_t b)
{
    job.L = L;
    job.k = k;
    job.x = BUF(L, b ? S_PX1 : S_PX0);
    job.n = min_u(L->chunk, L->h * L->w - k * L->chunk);
    iss_fork(0, pool_fork, 0);
}

/* ---- classifier: chunks of output groups, weights streamed ---- */

static int fc_load(const mn_layer_t *L, uint32_t k, uint32_t b)
{
    uint32_t groups = (L->cout + 7) / 8, g0 = k * L->chunk, n = min_u(L->chunk, groups - g0);
    return dma_in(L->words + g0 * L->cin * 4, BUF(L, b ? S_FW1 : S_FW0), n * L->cin * 4);
}

static int fc_store(const mn_layer_t *L, uint32_t k, uint32_t b)
{
    (void)b;
    return k + 1 == L->nchunks ? dma_out(L->out, BUF(L, S_FOUT), L->cout) : -1;
}

/* The IMA's semantics in software: per row tile of MN_SIZE inputs the column sums go through
 * the ADC, the tiles' int8 results are added with saturation. 8 outputs a group: a word holds
 * their 8 weights as offset-binary nibbles (nibble k: weight of output k, + 8, in [1, 15]); the
 * masks 0x000F000F put two of them in 16-bit lanes, so one mul gives two products; the lanes
 * are split every 16 inputs (16 x 128 x 15 < 2^15) and the sums corrected by 8 x sum(x). */
#define FC_STEP(j)                                                                  \
    do {                                                                            \
        int32_t xv = xp[j];                                                         \
        uint32_t w = wp[j];                                                         \
        l0 += xv * (int32_t)(w & m);                                                \
        l1 += xv * (int32_t)((w >> 4) & m);                                         \
        l2 += xv * (int32_t)((w >> 8) & m);                                         \
        l3 += xv * (int32_t)((w >> 12) & m);                                        \
        __asm__ volatile("" ::: "memory"); /* keeps GCC from hoisting every load and spilling */ \
    } while (0)

/* The IMA's ADC (iss/ima_ref.py adc) with one 32-bit division when (L + H) * 511 fits 32 bits
 * (iss_adc derives a multiplier with a 64-bit division on every call). */
static inline int32_t adc(int32_t s, int32_t lo, int32_t hi)
{
    uint32_t span = (uint32_t)lo + (uint32_t)hi;
    if (span >= (1u << 22))
        return iss_adc(s, lo, hi);
    uint32_t t = s < -lo ? 0 : s > hi ? span : (uint32_t)(s + lo);
    return (int32_t)((t * 510 + span) / (2 * span)) - 128;
}

#if defined(__riscv_xcvalu)
#include "iss_simd.h"

/* CORE-V: a group's weights are words of 8 inputs of one output (iss/mobilenet.py fc_words):
 * (w << 4) & 0xF0F0F0F0 and w & 0xF0F0F0F0 are the weights x 16 of inputs 8j..8j+3 and
 * 8j+4..8j+7 as int8 quads, so per 8 inputs and output: 1 load, 3 ALU, 2 cv.sdotsp.b. The sums
 * are 16 x the column sums (exact: |sum| <= 16 x 1280 x 128 x 8 < 2^31). A hardware loop over
 * the octets of a row tile; each loaded word is used two instructions later or more. */
#define FC_OUT(acc, w, nxt)                                                 \
    "slli %[t], %[" #w "], 4\n"                                              \
    "and %[t], %[t], %[m]\n"                                                \
    "and %[" #w "], %[" #w "], %[m]\n"                                       \
    "cv.sdotsp.b %[" #acc "], %[x0], %[t]\n"                                 \
    "cv.sdotsp.b %[" #acc "], %[x1], %[" #w "]\n" nxt
#define FC_LOAD(w) "cv.lw %[" #w "], (%[pw]), 4\n"

static void fc_fork(void *arg)
{
    (void)arg;
    const mn_layer_t *L = job.L;
    uint32_t cin = L->cin, groups = (L->cout + 7) / 8, g0 = job.k * L->chunk;
    uint32_t n = min_u(L->chunk, groups - g0), first, last;
    const int8_t *x = BUF(L, S_FX);
    int8_t *out = BUF(L, S_FOUT);
    my_slice(n, &first, &last);
    for (uint32_t g = first; g < last; g++) {
        const uint32_t *wg = (const uint32_t *)job.aux + g * cin;
        int32_t acc[8] = {0};
        for (uint32_t r0 = 0; r0 < cin; r0 += MN_SIZE) {
            uint32_t r1 = min_u(cin, r0 + MN_SIZE);
            int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
            const int8_t *px = x + r0;
            const uint32_t *pw = wg + r0;
            uint32_t x0, x1, wa, wb, t, m = 0xF0F0F0F0u;
            __asm__ volatile(
                ISS_HWLP_BEGIN
                ISS_CV_SETUP(0, %[n], 1f)
                "cv.lw %[x0], (%[px]), 4\n"
                "cv.lw %[x1], (%[px]), 4\n"
                FC_LOAD(wa) FC_LOAD(wb)
                FC_OUT(a0, wa, FC_LOAD(wa)) FC_OUT(a1, wb, FC_LOAD(wb))
                FC_OUT(a2, wa, FC_LOAD(wa)) FC_OUT(a3, wb, FC_LOAD(wb))
                FC_OUT(a4, wa, FC_LOAD(wa)) FC_OUT(a5, wb, FC_LOAD(wb))
                FC_OUT(a6, wa, "") FC_OUT(a7, wb, "")
                "1:\n"
                ISS_HWLP_END
                : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [a4] "+r"(a4), [a5] "+r"(a5),
                  [a6] "+r"(a6), [a7] "+r"(a7), [px] "+r"(px), [pw] "+r"(pw), [x0] "=&r"(x0), [x1] "=&r"(x1),
                  [wa] "=&r"(wa), [wb] "=&r"(wb), [t] "=&r"(t)
                : [n] "r"((r1 - r0) / 8), [m] "r"(m)
                : "memory");
            int32_t s[8] = {a0, a1, a2, a3, a4, a5, a6, a7};
            for (uint32_t o = 0; o < 8; o++)
                acc[o] = sat8(acc[o] + adc(s[o] >> 4, L->adc_low, L->adc_high));
        }
        for (uint32_t o = 0; o < 8; o++)
            if ((g0 + g) * 8 + o < L->cout)
                out[(g0 + g) * 8 + o] = (int8_t)acc[o];
    }
}
#else
static void fc_fork(void *arg)
{
    (void)arg;
    const mn_layer_t *L = job.L;
    uint32_t cin = L->cin, groups = (L->cout + 7) / 8, g0 = job.k * L->chunk;
    uint32_t n = min_u(L->chunk, groups - g0), first, last;
    const int8_t *x = BUF(L, S_FX);
    int8_t *out = BUF(L, S_FOUT);
    const uint32_t m = 0x000F000Fu;
    my_slice(n, &first, &last);
    for (uint32_t g = first; g < last; g++) {
        const uint32_t *wg = (const uint32_t *)job.aux + g * cin;
        int32_t acc[8] = {0};
        for (uint32_t r0 = 0; r0 < cin; r0 += MN_SIZE) {
            uint32_t r1 = min_u(cin, r0 + MN_SIZE);
            int32_t s[8] = {0}, xs = 0;
            for (uint32_t i = r0; i < r1; i += 16) {
                int32_t l0 = 0, l1 = 0, l2 = 0, l3 = 0;
                const int8_t *xp = x + i;
                const uint32_t *wp = wg + i;
                if (i + 16 <= r1) {
                    FC_STEP(0); FC_STEP(1); FC_STEP(2); FC_STEP(3); FC_STEP(4); FC_STEP(5); FC_STEP(6); FC_STEP(7);
                    FC_STEP(8); FC_STEP(9); FC_STEP(10); FC_STEP(11); FC_STEP(12); FC_STEP(13); FC_STEP(14); FC_STEP(15);
                } else {
                    for (uint32_t j = 0; j < r1 - i; j++)
                        FC_STEP(j);
                }
                int32_t lo;
                lo = (int32_t)((uint32_t)l0 << 16) >> 16; s[0] += lo; s[4] += (l0 - lo) >> 16;
                lo = (int32_t)((uint32_t)l1 << 16) >> 16; s[1] += lo; s[5] += (l1 - lo) >> 16;
                lo = (int32_t)((uint32_t)l2 << 16) >> 16; s[2] += lo; s[6] += (l2 - lo) >> 16;
                lo = (int32_t)((uint32_t)l3 << 16) >> 16; s[3] += lo; s[7] += (l3 - lo) >> 16;
            }
            xs = job.xsum[r0 / MN_SIZE];
            for (uint32_t o = 0; o < 8; o++)
                acc[o] = sat8(acc[o] + adc(s[o] - 8 * xs, L->adc_low, L->adc_high));
        }
        for (uint32_t o = 0; o < 8; o++)
            if ((g0 + g) * 8 + o < L->cout)
                out[(g0 + g) * 8 + o] = (int8_t)acc[o];
    }
}

#endif

static void fc_compute(const mn_layer_t *L, uint32_t k, uint32_t b)
{
    job.L = L;
    job.k = k;
    job.aux = BUF(L, b ? S_FW1 : S_FW0);
    iss_fork(0, fc_fork, 0);
}

static void run_fc(const mn_layer_t *L)
{
    dwait(dma_in(L->in, BUF(L, S_FX), L->cin));
#if !defined(__riscv_xcvalu)   /* the offset-binary weights' correction */
    const int8_t *x = BUF(L, S_FX);   /* sum of the inputs of every row tile, for the offset */
    for (uint32_t r = 0; r * MN_SIZE < L->cin; r++) {
        int32_t xs = 0;
        for (uint32_t i = r * MN_SIZE; i < min_u(L->cin, (r + 1) * MN_SIZE); i++)
            xs += x[i];
        job.xsum[r] = xs;
    }
#endif
    pipeline(L, L->nchunks, fc_load, fc_compute, fc_store);
}

/* ---- main ---- */

static void run_layer(const mn_layer_t *L)
{
    switch (L->kind) {
    case MN_CONV3X3: run_conv(L); break;
    case MN_PW: run_pw(L); break;
    case MN_DW: run_dw(L); break;
    case MN_ADD:
        pipeline(L, L->nchunks, add_load, add_compute, add_store);
        break;
    case MN_POOL: pipeline(L, L->nchunks, pool_load, pool_compute, pool_store); break;
    case MN_FC: run_fc(L); break;
    }
}

int main(void)
{
    iss_marker(MN_MARK_SETUP);
#if !MN_SOFTWARE
    for (uint32_t t = 0; t < MN_NTILES; t++)
        program_tile(&mn_tiles[t]);
#endif
    iss_marker(MN_MARK_START);
    uint32_t start = iss_cycles();
    for (uint32_t k = 0; k < MN_NLAYERS; k++) {
        const mn_layer_t *L = &mn_layers[k];
        iss_marker(2 * k);
        uint32_t t0 = iss_cycles();
        dma_wait_cycles = 0;
        run_layer(L);
        mn_stats[k].cycles = iss_cycles() - t0;
        mn_stats[k].dma_wait = dma_wait_cycles;
        iss_marker(2 * k + 1);
    }
    uint32_t total = iss_cycles() - start;
    iss_marker(MN_MARK_END);

    /* the classifier's output: top-5 (the lowest index first among equals) and a checksum */
    const int8_t *y = (const int8_t *)mn_layers[MN_OUT_LAYER].out;
    uint32_t h = 0;
    for (uint32_t i = 0; i < MN_CLASSES; i++)
        h = h * 31 + (uint8_t)y[i];
    int best[5];
    for (int r = 0; r < 5; r++) {
        best[r] = -1;
        for (int i = 0; i < MN_CLASSES; i++) {
            int taken = 0;
            for (int q = 0; q < r; q++)
                taken |= best[q] == i;
            if (!taken && (best[r] < 0 || y[i] > y[best[r]]))
                best[r] = i;
        }
    }
    printf("%s: %d layers, latency %lu cycles\n", MN_SOFTWARE ? "software" : "heterogeneous", MN_NLAYERS,
           (unsigned long)total);
    printf("top5");
    for (int r = 0; r < 5; r++)
        printf(" %d:%d", best[r], best[r] >= 0 ? y[best[r]] : 0);
    printf("\nchecksum %08lx\n", (unsigned long)h);
    return 0;
}
