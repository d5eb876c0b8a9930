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

/* Layout (iss_kernels.h): group g = outputs 4g..4g+3, quad k = inputs 4k..4k+3; the group's four
 * words of one quad are adjacent, so one pointer walks the weights quad after quad and group
 * after group: packed[(g * quads + k) * 4 + j] = w[4k..4k+3][4g + j]. */
static inline uint32_t pw_index(uint32_t o, uint32_t k, uint32_t quads)
{
    return ((o / 4) * quads + k) * 4 + o % 4;
}

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
            packed[pw_index(o, k, quads)] = (int32_t)word;
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
            packed[pw_index(o, k, quads)] = (int32_t)word;
        }
    iss_barrier();
}

/* The ADC with one 32-bit mul (1 cycle; mulhu takes 5). With t = clip(s + L, 0, span),
 * q = floor((510 t + span) / (2 span)) = floor(255 t / span + 1/2). With A = ceil(255 * 2^24 /
 * span) and e = A span - 255 * 2^24 (0 <= e < span), (t A + 2^23) / 2^24 = 255 t / span + 1/2
 * + t e / (2^24 span). The fraction of 255 t / span + 1/2 is r / (2 span), r = (510 t + span)
 * mod 2 span, and r = span (mod 2h) for h = gcd(255, span), so 2 span - r >= m = 2h if span / h
 * is even, else h: the floor is exact for all 0 <= t <= span when 2 span e < 2^24 m (always for
 * span <= 2896; tests/test_kernels.py checks the bound exhaustively). Adding 2^31 flips bit 31
 * only, so the top byte of v = t A + 2^23 + 2^31 is the output byte q - 128 itself. Spans that
 * miss the bound take adc_fast (mulhu) or, above 2^22, adc_slow. */
struct adc32 {
    struct adc a;
    int fast32;
    uint32_t mul, add;
};

static void adc32_init(struct adc32 *c, int32_t low, int32_t high)
{
    uint32_t span = (uint32_t)low + (uint32_t)high;
    c->fast32 = 0;
    c->mul = 0;
    c->add = (1u << 23) + (1u << 31);
    if (span > (1u << 22)) {
        adc_init(&c->a, low, high);
        return;
    }
    /* 32-bit arithmetic only (255 * 2^24 < 2^32, e < span): no 64-bit division on the way */
    uint32_t big = 255u << 24;
    uint32_t A = (big - 1) / span + 1;
    uint32_t e = A * span - big;
    uint32_t h = 255, r = span;
    while (r) {
        uint32_t t = h % r;
        h = r;
        r = t;
    }
    uint32_t m = (span / h) % 2 ? h : 2 * h;
    c->fast32 = 2ull * span * e < ((uint64_t)m << 24);
    c->mul = A;
    if (c->fast32) {    /* adc_init without its 64-bit division for the mulhu magic */
        c->a.nlow = -low;
        c->a.high = high;
        c->a.span = span;
        c->a.fast = 1;
        c->a.magic = c->a.sh = 0;
    } else {
        adc_init(&c->a, low, high);
    }
}

static inline int8_t adc32_out(const struct adc32 *c, int32_t s, uint32_t k510)
{
    if (c->fast32) {
        uint32_t t = (uint32_t)iss_clipu((int32_t)((uint32_t)s - (uint32_t)c->a.nlow), (int32_t)c->a.span);
        return (int8_t)((t * c->mul + c->add) >> 24);
    }
    return c->a.fast ? adc_fast(&c->a, s, k510) : adc_slow(&c->a, s);
}

/* ---- the main tile: 4 pixels x 4 outputs, in assembly ---- */

/* Constants of pw4x4, at these offsets. */
struct pw4x4_args {
    int32_t low;        /*  0: L, where the sums start (the ADC clips s + L to [0, span]) */
    uint32_t quads;     /*  4: cin / 4 */
    uint32_t span;      /*  8 */
    uint32_t mul, add;  /* 12, 16: struct adc32 */
    uint32_t shuf;      /* 20: cv.shuffle2.b selector: byte 0 <- rd's byte 3, byte 1 <- rs1's byte 3 */
    uint32_t cout;      /* 24: output row stride */
    uint32_t cin;       /* 28: input row stride, a multiple of 4 */
    uint32_t shl;       /* 32: pw4x4_mulhu: 24 - the magic's shift (the output byte to the top byte) */
};

/* Pixels x, x + cin, x + 2 cin, x + 3 cin times `groups` (> 0) whole groups of the weights w
 * (quads > 0), outputs to o (row stride cout), group after group. Per input quad 4 + 4 loads and
 * 16 cv.sdotsp.b: 64 MACs in 24 cycles (every loaded value is used 2 or more instructions
 * later). Per group the 16 sums go through the ADC in place (cv.clipur, mul, add: the output
 * byte is the top byte), then two cv.shuffle2.b and a cv.pack gather a pixel's 4 bytes for one
 * sw. Both loops are hardware loops (groups: loop 1, quads: loop 0), so no branch at all.
 * Registers: the sums of pixel p, output j in s(4p + j) for p < 3 and a(4 + j) for p = 3;
 * inputs t0-t3; weights t4, t5; a0 pixel 0's input pointer, a1-a3 = cin, 2 cin, 3 cin (pixels 1-3
 * by reg-reg loads, so a single pointer to reset per group); t6 the weight pointer; ra the
 * group's output pointer. All 28 are taken in loop 0: the constants are reloaded from the frame. */
void pw4x4(const int8_t *x, int8_t *o, const int32_t *w, uint32_t groups, const struct pw4x4_args *k);
/* The same with the mulhu ADC, for the spans the 32-bit multiply is not exact for (span <= 2^21):
 * t = cv.clipur(s), n = 510 t + 257 span, q + 128 = mulhu(n, magic) >> sh (adc_init's magic, exact
 * for n < 2^31: 767 span < 2^31), its low byte (= the output byte q - 128) shifted to the top
 * byte by sll 24 - sh. 5 instructions and a 5-cycle mulhu per output instead of 3. mul holds
 * the magic, add 257 span. */
void pw4x4_mulhu(const int8_t *x, int8_t *o, const int32_t *w, uint32_t groups, const struct pw4x4_args *k);
#define PW_ALL16(op, b)                                                                          \
    op " s0, s0, " b "\n" op " s1, s1, " b "\n" op " s2, s2, " b "\n" op " s3, s3, " b "\n"      \
    op " s4, s4, " b "\n" op " s5, s5, " b "\n" op " s6, s6, " b "\n" op " s7, s7, " b "\n"      \
    op " s8, s8, " b "\n" op " s9, s9, " b "\n" op " s10, s10, " b "\n" op " s11, s11, " b "\n"  \
    op " a4, a4, " b "\n" op " a5, a5, " b "\n" op " a6, a6, " b "\n" op " a7, a7, " b "\n"
#define PW4X4_ASM(NAME, ADC) __asm__( \
    "    .pushsection .text." #NAME ",\"ax\",@progbits\n" \
    "    .globl " #NAME "\n" \
    "    .type " #NAME ", @function\n" \
    ISS_HWLP_BEGIN \
    #NAME ":\n" \
    "    addi sp, sp, -96\n" \
    "    sw ra, 0(sp)\n    sw s0, 4(sp)\n    sw s1, 8(sp)\n    sw s2, 12(sp)\n" \
    "    sw s3, 16(sp)\n   sw s4, 20(sp)\n   sw s5, 24(sp)\n   sw s6, 28(sp)\n" \
    "    sw s7, 32(sp)\n   sw s8, 36(sp)\n   sw s9, 40(sp)\n   sw s10, 44(sp)\n" \
    "    sw s11, 48(sp)\n" \
    /* the frame's constants: 52 L, 56 quads, 60 span, 64 mul, 68 add, 72 shuf, 76 cout, 80 x, 84 shl */ \
    "    lw t0, 0(a4)\n    lw t1, 4(a4)\n    lw t2, 8(a4)\n    lw t3, 12(a4)\n" \
    "    sw t0, 52(sp)\n   sw t1, 56(sp)\n   sw t2, 60(sp)\n   sw t3, 64(sp)\n" \
    "    lw t0, 16(a4)\n   lw t1, 20(a4)\n   lw t2, 24(a4)\n   lw t3, 28(a4)\n" \
    "    sw t0, 68(sp)\n   sw t1, 72(sp)\n   sw t2, 76(sp)\n   sw a0, 80(sp)\n" \
    "    lw t0, 32(a4)\n" \
    "    sw t0, 84(sp)\n" \
    "    mv ra, a1\n" \
    "    mv t6, a2\n" \
    "    mv t5, a3\n" \
    "    mv a1, t3\n" \
    "    add a2, t3, t3\n" \
    "    add a3, a2, t3\n" \
    ISS_CV_SETUP(1, t5, 9f) \
    "    lw t4, 52(sp)\n" \
    "    lw t5, 56(sp)\n" \
    "    lw a0, 80(sp)\n" \
    "    mv s0, t4\n    mv s1, t4\n    mv s2, t4\n    mv s3, t4\n" \
    "    mv s4, t4\n    mv s5, t4\n    mv s6, t4\n    mv s7, t4\n" \
    "    mv s8, t4\n    mv s9, t4\n    mv s10, t4\n   mv s11, t4\n" \
    "    mv a4, t4\n    mv a5, t4\n    mv a6, t4\n    mv a7, t4\n" \
    ISS_CV_SETUP(0, t5, 1f) \
    "    cv.lw t1, a1(a0)\n" \
    "    cv.lw t2, a2(a0)\n" \
    "    cv.lw t3, a3(a0)\n" \
    "    cv.lw t0, (a0), 4\n" \
    "    cv.lw t4, (t6), 16\n" \
    "    lw t5, -12(t6)\n" \
    "    cv.sdotsp.b s0, t0, t4\n    cv.sdotsp.b s4, t1, t4\n" \
    "    cv.sdotsp.b s8, t2, t4\n    cv.sdotsp.b a4, t3, t4\n" \
    "    lw t4, -8(t6)\n" \
    "    cv.sdotsp.b s1, t0, t5\n    cv.sdotsp.b s5, t1, t5\n" \
    "    cv.sdotsp.b s9, t2, t5\n    cv.sdotsp.b a5, t3, t5\n" \
    "    lw t5, -4(t6)\n" \
    "    cv.sdotsp.b s2, t0, t4\n    cv.sdotsp.b s6, t1, t4\n" \
    "    cv.sdotsp.b s10, t2, t4\n   cv.sdotsp.b a6, t3, t4\n" \
    "    cv.sdotsp.b s3, t0, t5\n    cv.sdotsp.b s7, t1, t5\n" \
    "    cv.sdotsp.b s11, t2, t5\n   cv.sdotsp.b a7, t3, t5\n" \
    "1:\n" \
    ADC \
    "    cv.shuffle2.b s0, s1, t3\n    cv.shuffle2.b s2, s3, t3\n    cv.pack s0, s2, s0\n" \
    "    cv.shuffle2.b s4, s5, t3\n    cv.shuffle2.b s6, s7, t3\n    cv.pack s4, s6, s4\n" \
    "    cv.shuffle2.b s8, s9, t3\n    cv.shuffle2.b s10, s11, t3\n  cv.pack s8, s10, s8\n" \
    "    cv.shuffle2.b a4, a5, t3\n    cv.shuffle2.b a6, a7, t3\n    cv.pack a4, a6, a4\n" \
    "    mv t5, ra\n" \
    "    cv.sw s0, (t5), t4\n" \
    "    cv.sw s4, (t5), t4\n" \
    "    cv.sw s8, (t5), t4\n" \
    "    sw a4, 0(t5)\n" \
    "    addi ra, ra, 4\n" \
    "9:\n" \
    "    lw ra, 0(sp)\n    lw s0, 4(sp)\n    lw s1, 8(sp)\n    lw s2, 12(sp)\n" \
    "    lw s3, 16(sp)\n   lw s4, 20(sp)\n   lw s5, 24(sp)\n   lw s6, 28(sp)\n" \
    "    lw s7, 32(sp)\n   lw s8, 36(sp)\n   lw s9, 40(sp)\n   lw s10, 44(sp)\n" \
    "    lw s11, 48(sp)\n" \
    "    addi sp, sp, 96\n" \
    "    ret\n" \
    ISS_HWLP_END \
    "    .size " #NAME ", .-" #NAME "\n" \
    "    .popsection\n")

/* The ADC of the 16 sums in place: output byte to each sum's top byte; then t3 = shuf, t4 = cout. */
#define PW4X4_ADC_MUL32                                                                          \
    "    lw t0, 60(sp)\n    lw t1, 64(sp)\n    lw t2, 68(sp)\n    lw t3, 72(sp)\n    lw t4, 76(sp)\n" \
    PW_ALL16("cv.clipur", "t0") PW_ALL16("mul", "t1") PW_ALL16("add", "t2")
#define PW4X4_ADC_MULHU                                                                          \
    "    lw t0, 60(sp)\n    lw t1, 64(sp)\n    lw t2, 68(sp)\n    li t3, 510\n    lw t4, 84(sp)\n" \
    PW_ALL16("cv.clipur", "t0") PW_ALL16("mul", "t3") PW_ALL16("add", "t2")                       \
    PW_ALL16("mulhu", "t1") PW_ALL16("sll", "t4")                                                 \
    "    lw t3, 72(sp)\n    lw t4, 76(sp)\n"
PW4X4_ASM(pw4x4, PW4X4_ADC_MUL32);
PW4X4_ASM(pw4x4_mulhu, PW4X4_ADC_MULHU);

/* The inputs after the last whole quad (cin % 4 of them) against byte j of each weight word. */
static inline int32_t pw_tail(const int8_t *x, uint32_t n, uint32_t wq)
{
    int32_t s = 0;
    for (uint32_t j = 0; j < n; j++)
        s += x[j] * (int8_t)(wq >> (8 * j));
    return s;
}

/* ---- the other tiles, in C: 2 or 1 pixels x 4 outputs, any cin and cout ---- */

/* Pixels x0 (and x1 when two) of rows x over groups [g0, g1) to rows o: a hardware loop per
 * group over the whole input quads (2 x 4: 2 + 4 loads and 8 cv.sdotsp.b for 32 MACs; 1 x 4:
 * 1 + 4 loads and 4 for 16), input quads loaded whole only within a pixel's row and the rest
 * (cin % 4 inputs) as a scalar tail, so no byte outside `in` is read. */
static void pw_small(const int8_t *xa, int8_t *oa, const int32_t *packed, uint32_t np, uint32_t g0, uint32_t g1,
                     uint32_t cin, uint32_t cout, const struct adc32 *c)
{
    uint32_t quads = (cin + 3) / 4, whole = cin / 4, rest = cin % 4, k510 = k510_reg();
    /* the ADC's constants in locals: the asm statements' memory clobber would reload them from *c */
    const int fast32 = c->fast32;
    const int32_t nlow = c->a.nlow, span = (int32_t)c->a.span;
    const uint32_t mul = c->mul, add = c->add;
    const struct adc a = c->a;
    const int fast = a.fast;
#define PW_OUT(s) (fast32 ? (int8_t)(((uint32_t)iss_clipu((int32_t)((uint32_t)(s) - (uint32_t)nlow), span) * mul + add) >> 24) \
                   : fast ? adc_fast(&a, (s), k510) : adc_slow(&a, (s)))
    const int8_t *xb = xa + cin;
    int8_t *ob = oa + cout;
    for (uint32_t g = g0; g < g1; g++) {
        const int32_t *wg = packed + 4 * g * quads, *pw = wg;
        int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
        const int8_t *pa = xa, *pb = xb;
        uint32_t x, y, q0, q1, q2, q3;
        if (whole && np > 1) {
            __asm__ volatile(
                ISS_HWLP_BEGIN
                ISS_CV_SETUP(0, %[n], 1f)
                "cv.lw %[x], (%[pa]), 4\n"
                "cv.lw %[y], (%[pb]), 4\n"
                "cv.lw %[q0], (%[pw]), 16\n"
                "lw %[q1], -12(%[pw])\n"
                "cv.sdotsp.b %[a0], %[x], %[q0]\n"
                "cv.sdotsp.b %[b0], %[y], %[q0]\n"
                "lw %[q2], -8(%[pw])\n"
                "cv.sdotsp.b %[a1], %[x], %[q1]\n"
                "cv.sdotsp.b %[b1], %[y], %[q1]\n"
                "lw %[q3], -4(%[pw])\n"
                "cv.sdotsp.b %[a2], %[x], %[q2]\n"
                "cv.sdotsp.b %[b2], %[y], %[q2]\n"
                "cv.sdotsp.b %[a3], %[x], %[q3]\n"
                "cv.sdotsp.b %[b3], %[y], %[q3]\n"
                "1:\n"
                ISS_HWLP_END
                : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [b0] "+r"(b0),
                  [b1] "+r"(b1), [b2] "+r"(b2), [b3] "+r"(b3), [pa] "+r"(pa), [pb] "+r"(pb),
                  [pw] "+r"(pw), [x] "=&r"(x), [y] "=&r"(y), [q0] "=&r"(q0), [q1] "=&r"(q1),
                  [q2] "=&r"(q2), [q3] "=&r"(q3)
                : [n] "r"(whole)
                : "memory");
        } else if (whole) {
            __asm__ volatile(
                ISS_HWLP_BEGIN
                ISS_CV_SETUP(0, %[n], 1f)
                "cv.lw %[q0], (%[pw]), 16\n"
                "lw %[q1], -12(%[pw])\n"
                "cv.lw %[x], (%[pa]), 4\n"
                "lw %[q2], -8(%[pw])\n"
                "cv.sdotsp.b %[a0], %[x], %[q0]\n"
                "lw %[q3], -4(%[pw])\n"
                "cv.sdotsp.b %[a1], %[x], %[q1]\n"
                "cv.sdotsp.b %[a2], %[x], %[q2]\n"
                "cv.sdotsp.b %[a3], %[x], %[q3]\n"
                "1:\n"
                ISS_HWLP_END
                : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [pa] "+r"(pa),
                  [pw] "+r"(pw), [x] "=&r"(x), [q0] "=&r"(q0), [q1] "=&r"(q1), [q2] "=&r"(q2),
                  [q3] "=&r"(q3)
                : [n] "r"(whole)
                : "memory");
        }
        if (rest) {
            const uint32_t *wt = (const uint32_t *)wg + 4 * whole;
            a0 += pw_tail(pa, rest, wt[0]); a1 += pw_tail(pa, rest, wt[1]);
            a2 += pw_tail(pa, rest, wt[2]); a3 += pw_tail(pa, rest, wt[3]);
            if (np > 1) {
                b0 += pw_tail(pb, rest, wt[0]); b1 += pw_tail(pb, rest, wt[1]);
                b2 += pw_tail(pb, rest, wt[2]); b3 += pw_tail(pb, rest, wt[3]);
            }
        }
        int8_t *qa = oa + 4 * g, *qb = ob + 4 * g;
        if (4 * g + 4 <= cout) {
            qa[0] = PW_OUT(a0); qa[1] = PW_OUT(a1); qa[2] = PW_OUT(a2); qa[3] = PW_OUT(a3);
            if (np > 1) {
                qb[0] = PW_OUT(b0); qb[1] = PW_OUT(b1); qb[2] = PW_OUT(b2); qb[3] = PW_OUT(b3);
            }
            continue;
        }
        int32_t sa[4] = {a0, a1, a2, a3}, sb[4] = {b0, b1, b2, b3};
        for (uint32_t i = 0; 4 * g + i < cout; i++) {
            qa[i] = PW_OUT(sa[i]);
            if (np > 1)
                qb[i] = PW_OUT(sb[i]);
        }
    }
#undef PW_OUT
}

/* Work: pixels sliced over the team, or, when there are few (fewer than 2 per core: a
 * classifier's single pixel, a short row), the groups of outputs, so every core has some. Each
 * core's pixels go 4 at a time through pw4x4 when it can take them (cin % 4 == 0, the ADC's
 * 32-bit multiply exact for the span) or pw4x4_mulhu (the other spans up to 2^21), the rest 2
 * or 1 at a time through pw_small. */
void iss_pointwise(const int8_t *in, int8_t *out, const int32_t *packed, uint32_t npix, uint32_t cin,
                   uint32_t cout, int32_t adc_low, int32_t adc_high)
{
    assert(adc_low > 0 && adc_high > 0 && "iss_pointwise: the ADC range needs adc_low > 0 and adc_high > 0");
    struct adc32 c;
    uint32_t quads = (cin + 3) / 4, groups = (cout + 3) / 4, full = cout / 4;
    uint32_t core = iss_core_id(), team = iss_team_size(), p0, p1, g0, g1;
    adc32_init(&c, adc_low, adc_high);
    if (npix < 2 * team) {
        p0 = 0;
        p1 = npix;
        iss_slice(groups, core, team, &g0, &g1);
    } else {
        iss_slice(npix, core, team, &p0, &p1);
        g0 = 0;
        g1 = groups;
    }
    uint32_t p = p0, ga = g0, gb = g1 < full ? g1 : full;
    int mulhu = !c.fast32 && c.a.fast && c.a.span <= (1u << 21);
    if ((c.fast32 || mulhu) && cin % 4 == 0 && cin && gb > ga) {
        struct pw4x4_args k = {adc_low, quads, c.a.span, c.mul, c.add, 0x0703, cout, cin, 0};
        if (mulhu) {
            k.mul = c.a.magic;
            k.add = 257 * c.a.span;
            k.shl = 24 - c.a.sh;
        }
        for (; p + 4 <= p1; p += 4) {
            if (mulhu)
                pw4x4_mulhu(in + p * cin, out + p * cout + 4 * ga, packed + 4 * ga * quads, gb - ga, &k);
            else
                pw4x4(in + p * cin, out + p * cout + 4 * ga, packed + 4 * ga * quads, gb - ga, &k);
            if (g1 > gb) {      /* the last group, cout % 4 outputs */
                pw_small(in + p * cin, out + p * cout, packed, 2, gb, g1, cin, cout, &c);
                pw_small(in + (p + 2) * cin, out + (p + 2) * cout, packed, 2, gb, g1, cin, cout, &c);
            }
        }
    }
    for (; p < p1; p += 2) {
        uint32_t np = p1 - p < 2 ? p1 - p : 2;
        pw_small(in + p * cin, out + p * cout, packed, np, g0, g1, cin, cout, &c);
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
    assert(adc_low > 0 && adc_high > 0 && "iss_pointwise: the ADC range needs adc_low > 0 and adc_high > 0");
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
