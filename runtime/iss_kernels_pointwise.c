/*
 * Pointwise (1x1) convolution with the IMA's semantics on the cores (docs/kernels.md).
 *
 * Two MACs per mul: the IMA's weights are in [-7, 7], so a product with an int8 input fits in
 * 11 bits and the packed word w_lo + w_hi * 65536 multiplied by one input gives both products
 * in two 16-bit lanes of one 32-bit register (the low lane signed, its borrow absorbed by the
 * high lane). The lanes stay exact for PW_CHUNK inputs (36 * 128 * 7 = 32256 < 2^15); after
 * each chunk they are split into 32-bit sums. A tile is 3 pixels x 4 packed words (3 x 8
 * outputs): per input 3 lb + 4 lw + 12 mul + 12 add for 24 MACs.
 */
#include <assert.h>
#include "iss_kernels.h"

#define PW_CHUNK 36
#define PW_PIX 3

/* ---- the ADC, exactly as iss/ima_ref.py: q = floor(((s + L) * 510 + span) / (2 span)) - 128 ---- */

struct adc {
    int32_t nlow, high;     /* clip range [-L, H] */
    uint32_t magic, sh;     /* q = mulhu(n, magic) >> sh when fast */
    uint32_t span;
    int fast;
};

/* Division by d = 2 span as a multiply: with l = ceil(log2 d) and magic = ceil(2^(31+l) / d)
 * (< 2^32), e = magic * d - 2^(31+l) < d <= 2^l, so n * e < 2^(31+l) for every n < 2^31 and
 * floor(n * magic / 2^(31+l)) = floor(n / d) exactly. n <= 511 span < 2^31 needs span <= 2^22;
 * larger ranges take the 64-bit division. */
static void adc_init(struct adc *a, int32_t low, int32_t high)
{
    uint32_t span = (uint32_t)low + (uint32_t)high;
    a->nlow = -low;
    a->high = high;
    a->span = span;
    a->fast = span <= (1u << 22);
    a->magic = a->sh = 0;
    if (a->fast) {
        uint32_t d = 2 * span, l = 32 - (uint32_t)__builtin_clz(d - 1);
        a->sh = l - 1;
        a->magic = (uint32_t)(((1ull << (31 + l)) + d - 1) / d);
    }
}

/* s + L clipped to [0, span] (out of line: the common case is a not-taken branch). */
static __attribute__((noinline, cold)) uint32_t adc_clip(uint32_t t, uint32_t span)
{
    return (int32_t)t < 0 ? 0 : span;
}

/* For |s| < 2^31 - L (sums of the kernel: |s| <= cin * 896). */
static inline __attribute__((always_inline)) int8_t adc_fast(const struct adc *a, int32_t s, uint32_t k510)
{
    uint32_t t = (uint32_t)s - (uint32_t)a->nlow;   /* s + L */
    if (__builtin_expect(t > a->span, 0))
        t = adc_clip(t, a->span);
    uint32_t n = t * k510 + a->span;            /* (s + L) * 510 + span */
    uint32_t q = (uint32_t)(((uint64_t)n * a->magic) >> 32) >> a->sh;
    return (int8_t)(q - 128);
}

/* 510 in a register: a mul is one cycle, the shifts GCC would use instead are three. */
static inline uint32_t k510_reg(void)
{
    uint32_t k = 510;
    __asm__("" : "+r"(k));
    return k;
}

static int8_t adc_slow(const struct adc *a, int32_t s)
{
    if (s < a->nlow)
        s = a->nlow;
    if (s > a->high)
        s = a->high;
    uint64_t n = (uint64_t)((int64_t)s - a->nlow) * 510 + a->span;
    return (int8_t)((int32_t)(n / (2ull * a->span)) - 128);
}

int8_t iss_adc(int32_t s, int32_t adc_low, int32_t adc_high)
{
    struct adc a;
    adc_init(&a, adc_low, adc_high);
    if (!a.fast || s < a.nlow || s > a.high)    /* s + L may not fit 32 bits */
        return adc_slow(&a, s);
    return adc_fast(&a, s, 510);
}

#if defined(__riscv_xcvalu)
/* ---- CORE-V: 4 int8 MACs per cv.sdotsp.b ---- */
#include "iss_simd.h"

void iss_pw_pack(const int8_t *w, uint32_t cin, uint32_t cout, int32_t *packed)
{
    uint32_t quads = (cin + 3) / 4, outs = (cout + 3) / 4 * 4, first, last;
    iss_slice(outs, iss_core_id(), iss_team_size(), &first, &last);
    for (uint32_t o = first; o < last; o++)
        for (uint32_t k = 0; k < quads; k++) {
            uint32_t word = 0;
            for (uint32_t j = 0; j < 4; j++) {
                uint32_t i = 4 * k + j;
                int8_t b = i < cin && o < cout ? w[i * cout + o] : 0;
                word |= (uint32_t)(uint8_t)b << (8 * j);
            }
            packed[o * quads + k] = (int32_t)word;
        }
    iss_barrier();
}

/* Nibble k of word words[i * cols / 8 + g]: weight of input i, output 8g + k (4-bit two's complement). */
static inline int32_t plot_weight(const uint32_t *words, uint32_t cols, uint32_t i, uint32_t o)
{
    uint32_t w = words[i * (cols / 8) + o / 8];
    return (int32_t)(w << (28 - 4 * (o % 8))) >> 28;
}

void iss_pw_pack_words(const uint32_t *words, uint32_t cin, uint32_t cout, int32_t *packed)
{
    uint32_t quads = (cin + 3) / 4, outs = (cout + 3) / 4 * 4, first, last;
    assert(cout % 8 == 0 && "iss_pw_pack_words: cout must be a multiple of 8 (the IMA plot words)");
    iss_slice(outs, iss_core_id(), iss_team_size(), &first, &last);
    for (uint32_t o = first; o < last; o++)
        for (uint32_t k = 0; k < quads; k++) {
            uint32_t word = 0;
            for (uint32_t j = 0; j < 4 && 4 * k + j < cin; j++)
                word |= (uint32_t)(uint8_t)plot_weight(words, cout, 4 * k + j, o) << (8 * j);
            packed[o * quads + k] = (int32_t)word;
        }
    iss_barrier();
}

static inline int8_t pw_adc(const struct adc *a, int32_t s, uint32_t k510)
{
    return a->fast ? adc_fast(a, s, k510) : adc_slow(a, s);
}

/* The inputs after the last whole quad (cin % 4 of them) against byte j of each weight word. */
static inline int32_t pw_tail(const int8_t *x, uint32_t n, uint32_t wq)
{
    int32_t s = 0;
    for (uint32_t j = 0; j < n; j++)
        s += x[j] * (int8_t)(wq >> (8 * j));
    return s;
}

/* A tile is 2 pixels x 4 outputs: per input quad 2 + 4 loads (post-increment) and 8
 * cv.sdotsp.b for 32 MACs; input quads are loaded whole only within the pixel's row, the rest
 * (cin % 4 inputs) is a scalar tail, so no byte outside `in` is read. */
void iss_pointwise(const int8_t *in, int8_t *out, const int32_t *packed, uint32_t npix, uint32_t cin,
                   uint32_t cout, int32_t adc_low, int32_t adc_high)
{
    struct adc a;
    uint32_t first, last, k510 = k510_reg();
    uint32_t quads = (cin + 3) / 4, whole = cin / 4, rest = cin % 4, groups = (cout + 3) / 4;
    adc_init(&a, adc_low, adc_high);
    iss_slice(npix, iss_core_id(), iss_team_size(), &first, &last);
    for (uint32_t p = first; p < last; p += 2) {
        uint32_t np = last - p < 2 ? last - p : 2;
        const int8_t *xa = in + p * cin, *xb = np > 1 ? xa + cin : xa;
        int8_t *oa = out + p * cout, *ob = oa + cout;
        for (uint32_t g = 0; g < groups; g++) {
            const int32_t *w0 = packed + 4 * g * quads, *w1 = w0 + quads, *w2 = w1 + quads, *w3 = w2 + quads;
            int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
            const int8_t *pa = xa, *pb = xb;
            if (whole) {
                /* a hardware loop over the input quads: 14 instructions, 32 MACs, no branch;
                 * each loaded value is used two instructions or more later (no load-use stall) */
                const int32_t *p0 = w0, *p1 = w1, *p2 = w2, *p3 = w3;
                uint32_t x, y, q0, q1, q2, q3;
                __asm__ volatile(
                    ISS_HWLP_BEGIN
                    ISS_CV_SETUP(0, %[n], 1f)
                    "cv.lw %[x], (%[pa]), 4\n"
                    "cv.lw %[y], (%[pb]), 4\n"
                    "cv.lw %[q0], (%[p0]), 4\n"
                    "cv.lw %[q1], (%[p1]), 4\n"
                    "cv.lw %[q2], (%[p2]), 4\n"
                    "cv.sdotsp.b %[a0], %[x], %[q0]\n"
                    "cv.lw %[q3], (%[p3]), 4\n"
                    "cv.sdotsp.b %[b0], %[y], %[q0]\n"
                    "cv.sdotsp.b %[a1], %[x], %[q1]\n"
                    "cv.sdotsp.b %[b1], %[y], %[q1]\n"
                    "cv.sdotsp.b %[a2], %[x], %[q2]\n"
                    "cv.sdotsp.b %[b2], %[y], %[q2]\n"
                    "cv.sdotsp.b %[a3], %[x], %[q3]\n"
                    "cv.sdotsp.b %[b3], %[y], %[q3]\n"
                    "1:\n"
                    ISS_HWLP_END
                    : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [b0] "+r"(b0),
                      [b1] "+r"(b1), [b2] "+r"(b2), [b3] "+r"(b3), [pa] "+r"(pa), [pb] "+r"(pb),
                      [p0] "+r"(p0), [p1] "+r"(p1), [p2] "+r"(p2), [p3] "+r"(p3), [x] "=&r"(x),
                      [y] "=&r"(y), [q0] "=&r"(q0), [q1] "=&r"(q1), [q2] "=&r"(q2), [q3] "=&r"(q3)
                    : [n] "r"(whole)
                    : "memory");
            }
            if (rest) {
                a0 += pw_tail(pa, rest, (uint32_t)w0[whole]); b0 += pw_tail(pb, rest, (uint32_t)w0[whole]);
                a1 += pw_tail(pa, rest, (uint32_t)w1[whole]); b1 += pw_tail(pb, rest, (uint32_t)w1[whole]);
                a2 += pw_tail(pa, rest, (uint32_t)w2[whole]); b2 += pw_tail(pb, rest, (uint32_t)w2[whole]);
                a3 += pw_tail(pa, rest, (uint32_t)w3[whole]); b3 += pw_tail(pb, rest, (uint32_t)w3[whole]);
            }
            int8_t *qa = oa + 4 * g, *qb = ob + 4 * g;
            if (a.fast && 4 * g + 4 <= cout && np > 1) {
                /* the common case: a whole group of two pixels */
                qa[0] = adc_fast(&a, a0, k510); qa[1] = adc_fast(&a, a1, k510);
                qa[2] = adc_fast(&a, a2, k510); qa[3] = adc_fast(&a, a3, k510);
                qb[0] = adc_fast(&a, b0, k510); qb[1] = adc_fast(&a, b1, k510);
                qb[2] = adc_fast(&a, b2, k510); qb[3] = adc_fast(&a, b3, k510);
                continue;
            }
            int32_t sa[4] = {a0, a1, a2, a3}, sb[4] = {b0, b1, b2, b3};
            for (uint32_t i = 0; i < 4 && 4 * g + i < cout; i++) {
                qa[i] = pw_adc(&a, sa[i], k510);
                if (np > 1)
                    qb[i] = pw_adc(&a, sb[i], k510);
            }
        }
    }
    iss_barrier();
}

#else
/* ---- weights ---- */

void iss_pw_pack(const int8_t *w, uint32_t cin, uint32_t cout, int32_t *packed)
{
    uint32_t groups = (cout + ISS_PW_GROUP - 1) / ISS_PW_GROUP, first, last;
    iss_slice(groups, iss_core_id(), iss_team_size(), &first, &last);
    for (uint32_t g = first; g < last; g++)
        for (uint32_t i = 0; i < cin; i++)
            for (uint32_t k = 0; k < 4; k++) {
                uint32_t o = g * ISS_PW_GROUP + 2 * k;
                int32_t lo = o < cout ? w[i * cout + o] : 0;
                int32_t hi = o + 1 < cout ? w[i * cout + o + 1] : 0;
                packed[(g * cin + i) * 4 + k] = (int32_t)((uint32_t)lo + ((uint32_t)hi << 16));
            }
    iss_barrier();
}

void iss_pw_pack_words(const uint32_t *words, uint32_t cin, uint32_t cout, int32_t *packed)
{
    uint32_t groups = cout / 8, first, last;
    assert(cout % 8 == 0 && "iss_pw_pack_words: cout must be a multiple of 8 (the IMA plot words)");
    iss_slice(cin, iss_core_id(), iss_team_size(), &first, &last);
    for (uint32_t i = first; i < last; i++)
        for (uint32_t g = 0; g < groups; g++) {
            uint32_t w = words[i * groups + g];
            int32_t *d = packed + (g * cin + i) * 4;
            for (uint32_t k = 0; k < 4; k++) {
                int32_t lo = (int32_t)(w << (28 - 8 * k)) >> 28;
                int32_t hi = (int32_t)(w << (24 - 8 * k)) >> 28;
                d[k] = (int32_t)((uint32_t)lo + ((uint32_t)hi << 16));
            }
        }
    iss_barrier();
}

/* ---- the tile: 3 pixels x 8 outputs ---- */

/* Lane sums of n <= PW_CHUNK inputs of the 3 pixels xa, xb, xc against the packed words wp:
 * lanes[4p + k] = sum_i x_p[i] * wp[4i + k]. In assembly: GCC hoists the loads of the
 * unrolled steps and spills the 12 sums. One input is 3 lb + 4 lw + 12 (mul, add), ordered so
 * that no loaded value is used by the next instruction (no load-use stall); sums in s0-s11. */
void pw_chunk(const int8_t *xa, const int8_t *xb, const int8_t *xc, const int32_t *wp, uint32_t n,
              uint32_t *lanes);
__asm__(
    "    .pushsection .text.pw_chunk,\"ax\",@progbits\n"
    "    .align 2\n"
    "    .type pw_chunk, @function\n"
    "pw_chunk:\n"
    "    .macro PWSTEP j\n"
    "    lb   t4, \\j(a0)\n"
    "    lw   t0, 16*\\j(a3)\n"
    "    lw   t1, 16*\\j+4(a3)\n"
    "    lw   t2, 16*\\j+8(a3)\n"
    "    lw   t3, 16*\\j+12(a3)\n"
    "    lb   t5, \\j(a1)\n"
    "    mul  t6, t4, t0\n    add s0, s0, t6\n"
    "    mul  t6, t4, t1\n    add s1, s1, t6\n"
    "    mul  t6, t4, t2\n    add s2, s2, t6\n"
    "    mul  t6, t4, t3\n    add s3, s3, t6\n"
    "    lb   t4, \\j(a2)\n"
    "    mul  t6, t5, t0\n    add s4, s4, t6\n"
    "    mul  t6, t5, t1\n    add s5, s5, t6\n"
    "    mul  t6, t5, t2\n    add s6, s6, t6\n"
    "    mul  t6, t5, t3\n    add s7, s7, t6\n"
    "    mul  t6, t4, t0\n    add s8, s8, t6\n"
    "    mul  t6, t4, t1\n    add s9, s9, t6\n"
    "    mul  t6, t4, t2\n    add s10, s10, t6\n"
    "    mul  t6, t4, t3\n    add s11, s11, t6\n"
    "    .endm\n"
    "    addi sp, sp, -48\n"
    "    sw   s0, 0(sp)\n    sw s1, 4(sp)\n    sw s2, 8(sp)\n    sw s3, 12(sp)\n"
    "    sw   s4, 16(sp)\n   sw s5, 20(sp)\n   sw s6, 24(sp)\n   sw s7, 28(sp)\n"
    "    sw   s8, 32(sp)\n   sw s9, 36(sp)\n   sw s10, 40(sp)\n  sw s11, 44(sp)\n"
    "    li   s0, 0\n    li s1, 0\n    li s2, 0\n    li s3, 0\n"
    "    li   s4, 0\n    li s5, 0\n    li s6, 0\n    li s7, 0\n"
    "    li   s8, 0\n    li s9, 0\n    li s10, 0\n   li s11, 0\n"
    "    andi a6, a4, -4\n"
    "    add  a6, a0, a6\n"                 /* end of the groups of 4 inputs */
    "    add  a4, a0, a4\n"                 /* end */
    "    beq  a0, a6, 2f\n"
    "1:  PWSTEP 0\n    PWSTEP 1\n    PWSTEP 2\n    PWSTEP 3\n"
    "    addi a0, a0, 4\n    addi a1, a1, 4\n    addi a2, a2, 4\n    addi a3, a3, 64\n"
    "    bne  a0, a6, 1b\n"
    "2:  beq  a0, a4, 4f\n"
    "3:  PWSTEP 0\n"
    "    addi a0, a0, 1\n    addi a1, a1, 1\n    addi a2, a2, 1\n    addi a3, a3, 16\n"
    "    bne  a0, a4, 3b\n"
    "4:  sw   s0, 0(a5)\n    sw s1, 4(a5)\n    sw s2, 8(a5)\n    sw s3, 12(a5)\n"
    "    sw   s4, 16(a5)\n   sw s5, 20(a5)\n   sw s6, 24(a5)\n   sw s7, 28(a5)\n"
    "    sw   s8, 32(a5)\n   sw s9, 36(a5)\n   sw s10, 40(a5)\n  sw s11, 44(a5)\n"
    "    lw   s0, 0(sp)\n    lw s1, 4(sp)\n    lw s2, 8(sp)\n    lw s3, 12(sp)\n"
    "    lw   s4, 16(sp)\n   lw s5, 20(sp)\n   lw s6, 24(sp)\n   lw s7, 28(sp)\n"
    "    lw   s8, 32(sp)\n   lw s9, 36(sp)\n   lw s10, 40(sp)\n  lw s11, 44(sp)\n"
    "    addi sp, sp, 48\n"
    "    ret\n"
    "    .purgem PWSTEP\n"
    "    .size pw_chunk, .-pw_chunk\n"
    "    .popsection\n");

/* acc[8p + o] = sum_i x_p[i] * w[i][8g + o] for the 3 pixels xa, xb, xc of group g (wp). */
static void pw_tile(const int8_t *xa, const int8_t *xb, const int8_t *xc, const int32_t *wp, uint32_t cin,
                    int32_t acc[PW_PIX * ISS_PW_GROUP])
{
    uint32_t lanes[PW_PIX * 4];
    for (uint32_t done = 0; done < cin; done += PW_CHUNK) {
        uint32_t n = cin - done < PW_CHUNK ? cin - done : PW_CHUNK;
        pw_chunk(xa + done, xb + done, xc + done, wp + 4 * done, n, lanes);
        for (int k = 0; k < PW_PIX * 4; k++) {
            uint32_t v = lanes[k];
            int32_t lo = (int32_t)(v << 16) >> 16, hi = (int32_t)(v - (uint32_t)lo) >> 16;
            if (done) {
                acc[2 * k] += lo;
                acc[2 * k + 1] += hi;
            } else {
                acc[2 * k] = lo;
                acc[2 * k + 1] = hi;
            }
        }
    }
}

/* ADC of the two outputs of lane sum v (one chunk: the lanes are the whole sums) to o[0], o[1]. */
#define PW_OUT2(v, o)                                               \
    do {                                                            \
        int32_t lo_ = (int32_t)((v) << 16) >> 16;                   \
        int32_t hi_ = (int32_t)((v) - (uint32_t)lo_) >> 16;         \
        (o)[0] = adc_fast(&a, lo_, k510);                           \
        (o)[1] = adc_fast(&a, hi_, k510);                           \
    } while (0)

void iss_pointwise(const int8_t *in, int8_t *out, const int32_t *packed, uint32_t npix, uint32_t cin,
                   uint32_t cout, int32_t adc_low, int32_t adc_high)
{
    struct adc a;
    uint32_t first, last, k510 = k510_reg();
    int32_t acc[PW_PIX * ISS_PW_GROUP];
    uint32_t lanes[PW_PIX * 4];
    adc_init(&a, adc_low, adc_high);
    iss_slice(npix, iss_core_id(), iss_team_size(), &first, &last);
    uint32_t groups = (cout + ISS_PW_GROUP - 1) / ISS_PW_GROUP;
    for (uint32_t p = first; p < last; p += PW_PIX) {
        uint32_t np = last - p < PW_PIX ? last - p : PW_PIX;
        const int8_t *xa = in + p * cin;
        const int8_t *xb = np > 1 ? xa + cin : xa;
        const int8_t *xc = np > 2 ? xb + cin : xb;
        int8_t *op = out + p * cout;
        for (uint32_t g = 0; g < groups; g++) {
            const int32_t *wp = packed + g * cin * 4;
            uint32_t no = cout - g * ISS_PW_GROUP < ISS_PW_GROUP ? cout - g * ISS_PW_GROUP : ISS_PW_GROUP;
            int8_t *o = op + g * ISS_PW_GROUP;
            if (a.fast && no == ISS_PW_GROUP && cin <= PW_CHUNK) {
                /* the common case: one chunk, a whole group */
                pw_chunk(xa, xb, xc, wp, cin, lanes);
                const uint32_t *v = lanes;
                for (uint32_t q = 0; q < np; q++, v += 4, o += cout) {
                    PW_OUT2(v[0], o);
                    PW_OUT2(v[1], o + 2);
                    PW_OUT2(v[2], o + 4);
                    PW_OUT2(v[3], o + 6);
                }
                continue;
            }
            pw_tile(xa, xb, xc, wp, cin, acc);
            for (uint32_t q = 0; q < np; q++, o += cout)
                for (uint32_t k = 0; k < no; k++)
                    o[k] = a.fast ? adc_fast(&a, acc[q * ISS_PW_GROUP + k], k510)
                                  : adc_slow(&a, acc[q * ISS_PW_GROUP + k]);
        }
    }
    iss_barrier();
}
#endif
