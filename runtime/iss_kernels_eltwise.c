/*
 * Element-wise kernels and layout marshaling for the cores (docs/kernels.md): the residual add
 * with requantization, HWC <-> CHW transposes.
 */
#include "iss_kernels.h"

/* ---- residual add ---- */

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
