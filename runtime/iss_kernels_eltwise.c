/*
 * Element-wise kernels and layout marshaling for the cores (docs/kernels.md): the residual add
 * with requantization, the global average pool, HWC <-> CHW transposes.
 */
#include <assert.h>
#include "iss_kernels.h"

#if defined(__riscv_xcvalu)
/* ---- residual add, CORE-V: 4 outputs a word in byte lanes ---- */
#include "iss_simd.h"

/* out[i] = clip8((a[i] + b[i] + round) >> shift) for i in [first, last), a byte at a time. */
static void add_bytes(const int8_t *a, const int8_t *b, int8_t *out, uint32_t first, uint32_t last,
                      uint32_t shift, int32_t round)
{
    for (uint32_t i = first; i < last; i++)
        out[i] = (int8_t)ISS_CLIP((a[i] + b[i] + round) >> shift, 8);
}

/*
 * nw words of out (word aligned; a and b may be misaligned: cv.lw reads them whole, one cycle
 * more each on the core). Every operation stays in byte lanes, exactly (tests/
 * test_kernels_corev_elt.py checks all 65536 pairs in NumPy), with x = a ^ b, a + b = 2 (a & b)
 * + x = 2 (a | b) - x:
 *   shift 0:  clip8(a + b) = min(max(a, -128 - min(b, 0)), 127 - max(b, 0)) + b  (no wrap)
 *   shift 1:  (a + b + 1) >> 1 = (a | b) - (x >> 1)
 *   2..8:     t = (a + b) >> 1 = (a & b) + (x >> 1); y = t >> (shift - 2); out = (y + 1) >> 1
 *             = y - (y >> 1)  (the rounding shift of t by shift - 1)
 *   >= 9:     0: a + b + 2^(shift-1) is in [0, 254 + 2^(shift-1)], inside [0, 2^shift)
 * Two words an iteration of a hardware loop, so that no loaded value is used by the next
 * instruction: 14 (shift 1) or 20 instructions for 8 outputs.
 */
static void add_words(const int8_t *a, const int8_t *b, int8_t *out, uint32_t nw, uint32_t shift)
{
    uint32_t pairs = nw / 2;
    const int8_t *pa = a, *pb = b;
    int8_t *po = out;
    uint32_t x0, y0, x1, y1, t0, t1, u0, u1;
    if (shift >= 9) {
        /* four stores an iteration (a loop body has at least 3 instructions) */
        uint32_t quads = nw / 4;
        if (quads)
            __asm__ volatile(
                ISS_HWLP_BEGIN
                ISS_CV_SETUP(0, %[n], 1f)
                "cv.sw zero, (%[po]), 4\n"
                "cv.sw zero, (%[po]), 4\n"
                "cv.sw zero, (%[po]), 4\n"
                "cv.sw zero, (%[po]), 4\n"
                "1:\n"
                ISS_HWLP_END
                : [po] "+r"(po) : [n] "r"(quads) : "memory");
        for (uint32_t i = 4 * quads; i < nw; i++)
            ((uint32_t *)out)[i] = 0;
        return;
    }
    if (pairs && shift == 0) {
        uint32_t c80 = 0x80808080u, c7f = 0x7F7F7F7Fu;
        __asm__ volatile(
            ISS_HWLP_BEGIN
            ISS_CV_SETUP(0, %[n], 1f)
            "cv.lw %[x0], (%[pa]), 4\n"
            "cv.lw %[y0], (%[pb]), 4\n"
            "cv.lw %[x1], (%[pa]), 4\n"
            "cv.lw %[y1], (%[pb]), 4\n"
            "cv.min.sci.b %[t0], %[y0], 0\n"
            "cv.max.sci.b %[u0], %[y0], 0\n"
            "cv.min.sci.b %[t1], %[y1], 0\n"
            "cv.max.sci.b %[u1], %[y1], 0\n"
            "cv.sub.b %[t0], %[c80], %[t0]\n"       /* lowest a: -128 - min(b, 0) */
            "xor %[u0], %[u0], %[c7f]\n"            /* highest a: 127 - max(b, 0) */
            "cv.sub.b %[t1], %[c80], %[t1]\n"
            "xor %[u1], %[u1], %[c7f]\n"
            "cv.max.b %[x0], %[x0], %[t0]\n"
            "cv.max.b %[x1], %[x1], %[t1]\n"
            "cv.min.b %[x0], %[x0], %[u0]\n"
            "cv.min.b %[x1], %[x1], %[u1]\n"
            "cv.add.b %[x0], %[x0], %[y0]\n"
            "cv.add.b %[x1], %[x1], %[y1]\n"
            "cv.sw %[x0], (%[po]), 4\n"
            "cv.sw %[x1], (%[po]), 4\n"
            "1:\n"
            ISS_HWLP_END
            : [pa] "+r"(pa), [pb] "+r"(pb), [po] "+r"(po), [x0] "=&r"(x0), [y0] "=&r"(y0), [x1] "=&r"(x1),
              [y1] "=&r"(y1), [t0] "=&r"(t0), [t1] "=&r"(t1), [u0] "=&r"(u0), [u1] "=&r"(u1)
            : [n] "r"(pairs), [c80] "r"(c80), [c7f] "r"(c7f)
            : "memory");
    } else if (pairs && shift == 1) {
        __asm__ volatile(
            ISS_HWLP_BEGIN
            ISS_CV_SETUP(0, %[n], 1f)
            "cv.lw %[x0], (%[pa]), 4\n"
            "cv.lw %[y0], (%[pb]), 4\n"
            "cv.lw %[x1], (%[pa]), 4\n"
            "cv.lw %[y1], (%[pb]), 4\n"
            "xor %[t0], %[x0], %[y0]\n"
            "or %[x0], %[x0], %[y0]\n"
            "xor %[t1], %[x1], %[y1]\n"
            "or %[x1], %[x1], %[y1]\n"
            "cv.sra.sci.b %[t0], %[t0], 1\n"
            "cv.sra.sci.b %[t1], %[t1], 1\n"
            "cv.sub.b %[x0], %[x0], %[t0]\n"
            "cv.sub.b %[x1], %[x1], %[t1]\n"
            "cv.sw %[x0], (%[po]), 4\n"
            "cv.sw %[x1], (%[po]), 4\n"
            "1:\n"
            ISS_HWLP_END
            : [pa] "+r"(pa), [pb] "+r"(pb), [po] "+r"(po), [x0] "=&r"(x0), [y0] "=&r"(y0), [x1] "=&r"(x1),
              [y1] "=&r"(y1), [t0] "=&r"(t0), [t1] "=&r"(t1)
            : [n] "r"(pairs)
            : "memory");
    } else if (pairs) {
        uint32_t k = shift - 2;
        __asm__ volatile(
            ISS_HWLP_BEGIN
            ISS_CV_SETUP(0, %[n], 1f)
            "cv.lw %[x0], (%[pa]), 4\n"
            "cv.lw %[y0], (%[pb]), 4\n"
            "cv.lw %[x1], (%[pa]), 4\n"
            "cv.lw %[y1], (%[pb]), 4\n"
            "xor %[t0], %[x0], %[y0]\n"
            "and %[x0], %[x0], %[y0]\n"
            "xor %[t1], %[x1], %[y1]\n"
            "and %[x1], %[x1], %[y1]\n"
            "cv.sra.sci.b %[t0], %[t0], 1\n"
            "cv.sra.sci.b %[t1], %[t1], 1\n"
            "cv.add.b %[x0], %[x0], %[t0]\n"        /* t = (a + b) >> 1 */
            "cv.add.b %[x1], %[x1], %[t1]\n"
            "cv.sra.sc.b %[x0], %[x0], %[k]\n"      /* y = t >> (shift - 2) */
            "cv.sra.sc.b %[x1], %[x1], %[k]\n"
            "cv.sra.sci.b %[t0], %[x0], 1\n"
            "cv.sra.sci.b %[t1], %[x1], 1\n"
            "cv.sub.b %[x0], %[x0], %[t0]\n"        /* y - (y >> 1) */
            "cv.sub.b %[x1], %[x1], %[t1]\n"
            "cv.sw %[x0], (%[po]), 4\n"
            "cv.sw %[x1], (%[po]), 4\n"
            "1:\n"
            ISS_HWLP_END
            : [pa] "+r"(pa), [pb] "+r"(pb), [po] "+r"(po), [x0] "=&r"(x0), [y0] "=&r"(y0), [x1] "=&r"(x1),
              [y1] "=&r"(y1), [t0] "=&r"(t0), [t1] "=&r"(t1)
            : [n] "r"(pairs), [k] "r"(k)
            : "memory");
    }
    (void)u0;
    (void)u1;
    if (nw & 1)     /* the last word, bytewise */
        add_bytes(a, b, out, 8 * pairs, 8 * pairs + 4, shift, shift ? (int32_t)1 << (shift - 1) : 0);
}

void iss_residual_add(const int8_t *a, const int8_t *b, int8_t *out, uint32_t n, uint32_t shift)
{
    assert(shift <= 31 && "iss_residual_add: shift must be 0-31");
    unsigned core = iss_core_id(), nb = iss_team_size();
    int32_t round = shift ? (int32_t)1 << (shift - 1) : 0;
    /* words of out, sliced (no two cores write one word); the bytes before the first (core 0)
     * and after the last (the last core) one at a time */
    uint32_t head = (0u - (uint32_t)out) & 3, first, last;
    if (head > n)
        head = n;
    uint32_t nw = (n - head) / 4;
    iss_slice(nw, core, nb, &first, &last);
    if (core == 0)
        add_bytes(a, b, out, 0, head, shift, round);
    if (core == nb - 1)
        add_bytes(a, b, out, head + 4 * nw, n, shift, round);
    uint32_t i = head + 4 * first;
    add_words(a + i, b + i, out + i, last - first, shift);
    iss_barrier();
}

#else
/* ---- residual add, RV32IMC ---- */

/* v clipped to int8 (out of line: the common case is a not-taken branch). */
static __attribute__((noinline, cold)) int32_t clip8_slow(int32_t v)
{
    return v < 0 ? -128 : 127;
}

#define ADD_ONE(k)                                                      \
    do {                                                                \
        int32_t v_ = (a[k] + b[k] + round) >> shift;                    \
        if (__builtin_expect((uint32_t)(v_ + 128) > 255u, 0))           \
            v_ = clip8_slow(v_);                                        \
        out[k] = (int8_t)v_;                                            \
    } while (0)

/* Scalar out[i] = clip8((a[i] + b[i] + round) >> shift), i in [first, last), 4 a loop. */
static void add_scalar(const int8_t *a, const int8_t *b, int8_t *out, uint32_t first, uint32_t last,
                       uint32_t shift, int32_t round)
{
    const int8_t *end = a + last, *end4 = a + first + ((last - first) & ~3u);
    a += first;
    b += first;
    out += first;
    for (; a != end4; a += 4, b += 4, out += 4) {
        ADD_ONE(0);
        ADD_ONE(1);
        ADD_ONE(2);
        ADD_ONE(3);
    }
    for (; a != end; a++, b++, out++)
        ADD_ONE(0);
}

/*
 * Four outputs a word. Shift 0 is a saturating add, shift 1 a rounded average; for 2 <= shift
 * <= 8, where (a + b + round) >> shift always fits int8 (no
 * clip). Each byte is biased to unsigned (x ^ 0x80 = x + 128); even and odd bytes are summed in
 * 16-bit lanes: v = a + b + 256 in [0, 510]. Adding round + K with K = 128 * 2^shift - 256
 * before the shift gives ((a + b + round) >> shift) + 128 exactly (< 2^16: no carry between
 * lanes); the result byte, unbiased, is the int8 output. 22 instructions for 4 outputs.
 */
static void add_words(const uint32_t *a, const uint32_t *b, uint32_t *out, uint32_t nwords, uint32_t shift)
{
    const uint32_t x = 0x80808080u, m = 0x00FF00FFu;
    if (shift == 0) {
        /* saturating add: the wrapped byte sums r (7-bit sums, then the sign bits), overflow
         * where a and b have one sign and r the other, there 0x7F or 0x80 by a's sign */
        const uint32_t low7 = 0x7F7F7F7Fu, ones = 0x01010101u;
#pragma GCC unroll 2
        for (uint32_t i = 0; i < nwords; i++) {
            uint32_t va = a[i], vb = b[i], d = va ^ vb;
            uint32_t r = ((va & low7) + (vb & low7)) ^ (d & x);
            uint32_t e = va ^ r;
            uint32_t ovf = ((e & d) ^ e) & x;              /* (a ^ r) & ~(a ^ b) */
            uint32_t sat = ((va >> 7) & ones) + low7;      /* 0x7F, or 0x80 for a negative a */
            uint32_t mask = (ovf >> 7) * 0xFFu;
            out[i] = r ^ ((r ^ sat) & mask);
        }
        return;
    }
    if (shift == 1) {
        /* (a + b + 1) >> 1 is the rounded-up average of the biased bytes, the classic
         * (x | y) - (((x ^ y) >> 1) & 0x7F7F7F7F): 11 instructions for 4 outputs */
#pragma GCC unroll 4
        for (uint32_t i = 0; i < nwords; i++) {
            uint32_t va = a[i], vb = b[i];
            uint32_t avg = ((va ^ x) | (vb ^ x)) - (((va ^ vb) >> 1) & 0x7F7F7F7Fu);
            out[i] = avg ^ x;
        }
        return;
    }
    uint32_t k = (1u << (shift - 1)) + (128u << shift) - 256u;
    k |= k << 16;
#pragma GCC unroll 2
    for (uint32_t i = 0; i < nwords; i++) {
        uint32_t va = a[i] ^ x, vb = b[i] ^ x;
        uint32_t e = (va & m) + (vb & m) + k;
        uint32_t o = ((va >> 8) & m) + ((vb >> 8) & m) + k;
        e = (e >> shift) & m;
        o = (o >> shift) & m;
        out[i] = (e | (o << 8)) ^ x;
    }
}

void iss_residual_add(const int8_t *a, const int8_t *b, int8_t *out, uint32_t n, uint32_t shift)
{
    assert(shift <= 31 && "iss_residual_add: shift must be 0-31");
    uint32_t first, last;
    /* slices of whole words, so that every core sees the same alignment */
    iss_slice((n + 3) / 4, iss_core_id(), iss_team_size(), &first, &last);
    first = first * 4 < n ? first * 4 : n;
    last = last * 4 < n ? last * 4 : n;
    int32_t round = shift ? (int32_t)1 << (shift - 1) : 0;
    uint32_t mis = (uint32_t)a & 3;
    if (shift <= 8 && ((uint32_t)b & 3) == mis && ((uint32_t)out & 3) == mis) {
        uint32_t head = (4 - (((uint32_t)a + first) & 3)) & 3;     /* bytes before a word boundary */
        if (head > last - first)
            head = last - first;
        add_scalar(a, b, out, first, first + head, shift, round);
        uint32_t i = first + head, nwords = (last - i) / 4;
        add_words((const uint32_t *)(a + i), (const uint32_t *)(b + i), (uint32_t *)(out + i), nwords, shift);
        add_scalar(a, b, out, i + 4 * nwords, last, shift, round);
    } else {
        add_scalar(a, b, out, first, last, shift, round);
    }
    iss_barrier();
}
#endif

/* ---- global average pool ---- */

/* The largest hw of iss_avgpool_mean's 32-bit multiply (below). */
#define ISS_AVGPOOL_SMALL_HW 90u

#if defined(__riscv_xcvalu)
/* Channels 4q..4q+3 (p = in + 4q, pixel stride c): one cv.sdotsp.b per channel and pixel
 * against the lane selector 1 << (8 lane), 32-bit sums that never overflow (|sum| <= 128 npix):
 * 5 instructions for 4 bytes, two pixels an iteration so that each load is used 2 or more
 * instructions later. The word may be misaligned (c % 4 != 0): one cycle more on the core. */
static void pool_quad(const int8_t *p, int32_t *sum, uint32_t npix, uint32_t c, int first_chunk)
{
    int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    if (!first_chunk) {
        s0 = sum[0]; s1 = sum[1]; s2 = sum[2]; s3 = sum[3];
    }
    const uint32_t e0 = 1, e1 = 1u << 8, e2 = 1u << 16, e3 = 1u << 24;
    uint32_t pairs = npix / 2, v, w;
    if (pairs)
        __asm__ volatile(
            ISS_HWLP_BEGIN
            ISS_CV_SETUP(0, %[n], 1f)
            "cv.lw %[v], (%[p]), %[c]\n"
            "cv.lw %[w], (%[p]), %[c]\n"
            "cv.sdotsp.b %[s0], %[v], %[e0]\n"
            "cv.sdotsp.b %[s1], %[v], %[e1]\n"
            "cv.sdotsp.b %[s2], %[v], %[e2]\n"
            "cv.sdotsp.b %[s3], %[v], %[e3]\n"
            "cv.sdotsp.b %[s0], %[w], %[e0]\n"
            "cv.sdotsp.b %[s1], %[w], %[e1]\n"
            "cv.sdotsp.b %[s2], %[w], %[e2]\n"
            "cv.sdotsp.b %[s3], %[w], %[e3]\n"
            "1:\n"
            ISS_HWLP_END
            : [s0] "+r"(s0), [s1] "+r"(s1), [s2] "+r"(s2), [s3] "+r"(s3), [p] "+r"(p), [v] "=&r"(v),
              [w] "=&r"(w)
            : [n] "r"(pairs), [c] "r"(c), [e0] "r"(e0), [e1] "r"(e1), [e2] "r"(e2), [e3] "r"(e3)
            : "memory");
    if (npix & 1) {
        v4s x = iss_v4s_load(p);
        s0 = iss_sdotsp_b(s0, x, ISS_V4S(e0));
        s1 = iss_sdotsp_b(s1, x, ISS_V4S(e1));
        s2 = iss_sdotsp_b(s2, x, ISS_V4S(e2));
        s3 = iss_sdotsp_b(s3, x, ISS_V4S(e3));
    }
    sum[0] = s0; sum[1] = s1; sum[2] = s2; sum[3] = s3;
}

/* One channel (the last c % 4): post-increment byte loads, 2 instructions a pixel. */
static void pool_channel(const int8_t *p, int32_t *sum, uint32_t npix, uint32_t c, int first_chunk)
{
    int32_t s = first_chunk ? 0 : *sum, x, y;
    uint32_t pairs = npix / 2;
    if (pairs)
        __asm__ volatile(
            ISS_HWLP_BEGIN
            ISS_CV_SETUP(0, %[n], 1f)
            "cv.lb %[x], (%[p]), %[c]\n"
            "cv.lb %[y], (%[p]), %[c]\n"
            "add %[s], %[s], %[x]\n"
            "add %[s], %[s], %[y]\n"
            "1:\n"
            ISS_HWLP_END
            : [s] "+r"(s), [p] "+r"(p), [x] "=&r"(x), [y] "=&r"(y)
            : [n] "r"(pairs), [c] "r"(c)
            : "memory");
    if (npix & 1)
        s += *p;
    *sum = s;
}

void iss_avgpool_sum(const int8_t *in, int32_t *sum, uint32_t npix, uint32_t c, int first_chunk)
{
    assert(c > 0 && "iss_avgpool_sum: c must be > 0");
    /* work units: the c / 4 channel quads, then the c % 4 single channels */
    uint32_t nq = c / 4, first, last;
    iss_slice(nq + c % 4, iss_core_id(), iss_team_size(), &first, &last);
    for (uint32_t u = first; u < last; u++) {
        uint32_t ch = u < nq ? 4 * u : 3 * nq + u;
        if (u < nq)
            pool_quad(in + ch, sum + ch, npix, c, first_chunk);
        else
            pool_channel(in + ch, sum + ch, npix, c, first_chunk);
    }
    iss_barrier();
}

#else
/* Channels 4q..4q+3 of word-aligned pixels (c % 4 == 0): even and odd bytes summed as unsigned
 * values in 16-bit lanes and the sign bits in byte lanes (signed = unsigned - 256 x
 * negatives), flushed every 255 pixels, before a lane can overflow. */
static void pool_quad(const uint32_t *p, int32_t *sq, uint32_t npix, uint32_t stride)
{
    for (uint32_t p0 = 0; p0 < npix; p0 += 255) {
        uint32_t e = 0, o = 0, ng = 0, pe = npix - p0 < 255 ? npix : p0 + 255;
        for (uint32_t i = p0; i < pe; i++) {
            uint32_t v = p[i * stride];
            e += v & 0x00FF00FFu;
            o += (v >> 8) & 0x00FF00FFu;
            ng += (v >> 7) & 0x01010101u;
        }
        sq[0] += (int32_t)(e & 0xFFFF) - 256 * (int32_t)(ng & 0xFF);
        sq[1] += (int32_t)(o & 0xFFFF) - 256 * (int32_t)((ng >> 8) & 0xFF);
        sq[2] += (int32_t)(e >> 16) - 256 * (int32_t)((ng >> 16) & 0xFF);
        sq[3] += (int32_t)(o >> 16) - 256 * (int32_t)(ng >> 24);
    }
}

void iss_avgpool_sum(const int8_t *in, int32_t *sum, uint32_t npix, uint32_t c, int first_chunk)
{
    assert(c > 0 && "iss_avgpool_sum: c must be > 0");
    uint32_t first, last;
    if ((c & 3) == 0 && ((uint32_t)in & 3) == 0) {
        iss_slice(c / 4, iss_core_id(), iss_team_size(), &first, &last);
        for (uint32_t q = first; q < last; q++) {
            int32_t *sq = sum + 4 * q;
            if (first_chunk)
                sq[0] = sq[1] = sq[2] = sq[3] = 0;
            pool_quad((const uint32_t *)in + q, sq, npix, c / 4);
        }
    } else {
        iss_slice(c, iss_core_id(), iss_team_size(), &first, &last);
        for (uint32_t ch = first; ch < last; ch++) {
            int32_t s = first_chunk ? 0 : sum[ch];
            for (uint32_t p = 0; p < npix; p++)
                s += in[p * c + ch];
            sum[ch] = s;
        }
    }
    iss_barrier();
}
#endif

/*
 * floor((2 s + hw) / (2 hw)) = floor(n / d) - 128 with n = 2 s + 257 hw in [hw, 511 hw] (s in
 * [-128 hw, 127 hw]) and d = 2 hw, by a multiply instead of a division (35 cycles): with
 * m = ceil(2^k / d), e = m d - 2^k < d, n m / 2^k = n / d + n e / (d 2^k), which has the floor
 * of n / d whenever n e < 2^k.
 *   hw <= 90 (7x7 = 49 in MobileNetV2): k = 23, n e < 511 hw (2 hw - 1) < 2^23 and n m < 2^32:
 *     one 32-bit mul (1 cycle).
 *   larger hw <= 2^22: n < 2^31, k = 31 + l, l = ceil(log2 d) (Granlund and Montgomery,
 *     theorem 4.2: e < d <= 2^l), m < 2^32: mulhu (5 cycles), then >> (l - 1).
 * tests/test_kernels_corev_elt.py checks both against the division for every n of many hw.
 */
void iss_avgpool_mean(const int32_t *sum, int8_t *out, uint32_t c, uint32_t hw)
{
    assert(c > 0 && "iss_avgpool_mean: c must be > 0");
    assert(hw > 0 && hw <= (1u << 22) && "iss_avgpool_mean: hw must be 1 to 2^22 pixels");
    uint32_t d = 2 * hw, k = 257 * hw, first, last;
    iss_slice(c, iss_core_id(), iss_team_size(), &first, &last);
    if (hw <= ISS_AVGPOOL_SMALL_HW) {
        uint32_t m = ((1u << 23) + d - 1) / d;
        uint32_t ch = first;
        for (; ch + 2 <= last; ch += 2) {       /* two a time: no load-use stall */
            uint32_t n0 = 2 * (uint32_t)sum[ch] + k, n1 = 2 * (uint32_t)sum[ch + 1] + k;
            out[ch] = (int8_t)(((n0 * m) >> 23) - 128);
            out[ch + 1] = (int8_t)(((n1 * m) >> 23) - 128);
        }
        if (ch < last)
            out[ch] = (int8_t)(((2 * (uint32_t)sum[ch] + k) * m >> 23) - 128);
    } else {
        uint32_t l = 32 - (uint32_t)__builtin_clz(d - 1);
        uint32_t m = (uint32_t)(((1ull << (31 + l)) + d - 1) / d);
        for (uint32_t ch = first; ch < last; ch++) {
            uint32_t n = 2 * (uint32_t)sum[ch] + k;
            uint32_t q = (uint32_t)(((uint64_t)n * m) >> 32) >> (l - 1);
            out[ch] = (int8_t)(q - 128);
        }
    }
    iss_barrier();
}

/* ---- HWC <-> CHW ---- */

/* dst[j * dst_step + i] = src[i * src_step + j] for i in [i0, i1), j in [j0, j1) (a 2-D
 * transpose of bytes): blocks of 4 x 4, each side with immediate offsets (4 contiguous bytes). */
static void transpose(const int8_t *src, int8_t *dst, uint32_t src_step, uint32_t dst_step, uint32_t i0,
                      uint32_t i1, uint32_t j0, uint32_t j1)
{
    uint32_t j = j0;
    for (; j + 4 <= j1; j += 4) {
        const int8_t *s = src + i0 * src_step + j;
        int8_t *d0 = dst + j * dst_step + i0, *d1 = d0 + dst_step, *d2 = d1 + dst_step, *d3 = d2 + dst_step;
        uint32_t i = i0;
        for (; i + 4 <= i1; i += 4) {
            const int8_t *s1 = s + src_step, *s2 = s1 + src_step, *s3 = s2 + src_step;
            int8_t v00 = s[0], v01 = s[1], v02 = s[2], v03 = s[3];
            int8_t v10 = s1[0], v11 = s1[1], v12 = s1[2], v13 = s1[3];
            d0[0] = v00; d1[0] = v01; d2[0] = v02; d3[0] = v03;
            d0[1] = v10; d1[1] = v11; d2[1] = v12; d3[1] = v13;
            int8_t v20 = s2[0], v21 = s2[1], v22 = s2[2], v23 = s2[3];
            int8_t v30 = s3[0], v31 = s3[1], v32 = s3[2], v33 = s3[3];
            d0[2] = v20; d1[2] = v21; d2[2] = v22; d3[2] = v23;
            d0[3] = v30; d1[3] = v31; d2[3] = v32; d3[3] = v33;
            s = s3 + src_step;
            d0 += 4; d1 += 4; d2 += 4; d3 += 4;
        }
        for (; i < i1; i++) {
            int8_t v0 = s[0], v1 = s[1], v2 = s[2], v3 = s[3];
            *d0++ = v0; *d1++ = v1; *d2++ = v2; *d3++ = v3;
            s += src_step;
        }
    }
    for (; j < j1; j++) {
        const int8_t *s = src + i0 * src_step + j;
        int8_t *d = dst + j * dst_step + i0;
        for (uint32_t i = i0; i < i1; i++, s += src_step)
            *d++ = *s;
    }
}

void iss_hwc_to_chw(const int8_t *in, int8_t *out, uint32_t h, uint32_t w, uint32_t c)
{
    uint32_t first, last, npix = h * w;
    iss_slice(npix, iss_core_id(), iss_team_size(), &first, &last);
    /* i = pixel, j = channel: out[c][p] = in[p][c] */
    transpose(in, out, c, npix, first, last, 0, c);
    iss_barrier();
}

void iss_chw_to_hwc(const int8_t *in, int8_t *out, uint32_t h, uint32_t w, uint32_t c)
{
    uint32_t first, last, npix = h * w;
    iss_slice(npix, iss_core_id(), iss_team_size(), &first, &last);
    /* i = channel, j = pixel: out[p][c] = in[c][p] */
    transpose(in, out, npix, c, 0, c, first, last);
    iss_barrier();
}
