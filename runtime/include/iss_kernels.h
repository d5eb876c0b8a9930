/*
 * Software int8 DNN kernels for the cluster's RV32IMC cores (docs/kernels.md): the same
 * operators as the IMA and the depthwise accelerator, bit for bit (iss/dnn_ref.py), plus the
 * residual add and the HWC <-> CHW marshaling of a network's glue.
 *
 * Every kernel is called by every core of a fork with the same arguments: each core computes
 * its slice of the output (pixels or rows) and the kernel ends with iss_barrier(), so the whole
 * output is in memory when it returns. The team is the set of cores of hardware barrier 0,
 * which iss_fork(n, ...) sets to cores 0..n-1:
 *
 *   static void layer(void *arg) {
 *       iss_pointwise(in, out, packed, h * w, cin, cout, 3000, 3000);
 *       iss_residual_add(out, skip, sum, h * w * cout, 1);
 *   }
 *   iss_pw_pack(weights, cin, cout, packed);      // or inside the fork: packs in parallel
 *   iss_fork(8, layer, NULL);
 *
 * Tensors are int8 HWC ([H][W][C], channels innermost) unless a name says CHW. Buffers may be
 * in the TCDM or L2 (L2 accesses cost l2_latency more each). The element-wise and pooling
 * kernels assert their arguments (shift <= 31, c > 0, ...) before writing anything.
 */
#ifndef ISS_KERNELS_H
#define ISS_KERNELS_H

#include <stdint.h>
#include "iss.h"

/* Cores of the current fork: those of hardware barrier 0's TRIGGER_MASK, which iss_fork sets. */
static inline unsigned iss_team_size(void)
{
    uint32_t mask = iss_reg_read(ISS_EU_BARRIER_BASE + ISS_EU_BARRIER_TRIGGER_MASK);
    unsigned n = 0;
    for (; mask; mask &= mask - 1)
        n++;
    return n;
}

/* Balanced contiguous slice [*first, *last) of n items for core `core` of `nb`. */
static inline void iss_slice(uint32_t n, unsigned core, unsigned nb, uint32_t *first, uint32_t *last)
{
    uint32_t q = n / nb, r = n % nb;
    *first = q * core + (core < r ? core : r);
    *last = *first + q + (core < r);
}

/* ---- pointwise (1x1) convolution with the IMA's semantics ---- */

#if defined(__riscv_xcvalu)
/* CORE-V builds (cv.sdotsp.b): int8 quads along the inputs, the 4 outputs of a group
 * interleaved: packed[(g * ceil(cin / 4) + k) * 4 + j] = w[4k..4k+3][4g + j] (missing inputs
 * and outputs 0), outputs padded to a multiple of 4. */
#define ISS_PW_PACKED_WORDS(cin, cout) ((((cout) + 3) / 4 * 4) * (((cin) + 3) / 4))
#else
/* Output channels per packed weight group. */
#define ISS_PW_GROUP 8
/* RV32IMC builds: two weights per word (docs/kernels.md), groups of 8 outputs. */
#define ISS_PW_PACKED_WORDS(cin, cout) (((cout) + ISS_PW_GROUP - 1) / ISS_PW_GROUP * (cin) * 4)
#endif

/* int32 words of the packed weights of a cin x cout layer (the layout of the build's kernel). */
static inline uint32_t iss_pw_packed_words(uint32_t cin, uint32_t cout)
{
    return ISS_PW_PACKED_WORDS(cin, cout);
}

/* The IMA's ADC (iss/ima_ref.py adc): s clipped to [-adc_low, adc_high], mapped onto the 256 int8 codes. */
int8_t iss_adc(int32_t s, int32_t adc_low, int32_t adc_high);

/* Pack weights w int8 [cin][cout] (the IMA's crossbar layout), each in [-7, 7], into the
 * kernel's layout (ISS_PW_PACKED_WORDS above); RV32IMC: group g (outputs 8g..8g+7), input i,
 * pair k: packed[(g*cin + i)*4 + k] = w[i][8g+2k] + w[i][8g+2k+1] * 65536 (missing outputs 0).
 * Any team size; ends with a barrier. */
void iss_pw_pack(const int8_t *w, uint32_t cin, uint32_t cout, int32_t *packed);

/* The same from the IMA's SUBMIT_PLOT words (docs/ima.md): words[i * cout / 8 + g], nibble k =
 * weight of input i, output 8g + k (4-bit two's complement); cout a multiple of 8 (asserted).
 * Lets firmware keep one copy of a layer's weights for the IMA and the cores. Any team size;
 * ends with a barrier. */
void iss_pw_pack_words(const uint32_t *words, uint32_t cin, uint32_t cout, int32_t *packed);

/* out[p][o] = iss_adc(sum_i in[p][i] * w[i][o], adc_low, adc_high) for npix pixels: in int8
 * [npix][cin], out int8 [npix][cout], packed from iss_pw_pack. Weights outside [-7, 7] give
 * wrong results. Same bytes as the IMA (dnn_ref.pointwise_ima). */
void iss_pointwise(const int8_t *in, int8_t *out, const int32_t *packed, uint32_t npix, uint32_t cin,
                   uint32_t cout, int32_t adc_low, int32_t adc_high);

/* ---- standard 3x3 convolution with the IMA's semantics ---- */

/* in int8 [h][w][cin] -> out int8 [oh][ow][cout], oh = (h + 2 pad - 3) / stride + 1: out[p][o] =
 * iss_adc(sum over the window's 9 x cin inputs, (ky, kx, c) order, of x * w[.][o]), zero
 * padding, stride 1 or 2, pad 0 or 1: the IMA's result when the 9 x cin weight rows fit one
 * array (dnn_ref.conv3x3_ima). packed: iss_pw_pack of w int8 [9 cin][cout] in [-7, 7]. scratch
 * (word-aligned for speed) holds the windows of a band of output rows: at least
 * ISS_CONV3X3_SCRATCH(w, cin, stride, pad, 1) bytes (asserted); more rows, fewer bands. Any
 * team size; ends with a barrier. */
#if defined(__riscv_xcvalu)
#define ISS_CONV3X3_WINDOW(cin) ((9 * (cin) + 3) / 4 * 4)    /* a whole number of quads */
#else
#define ISS_CONV3X3_WINDOW(cin) (9 * (cin))
#endif
#define ISS_CONV3X3_SCRATCH(w, cin, stride, pad, rows) \
    ((rows) * (((w) + 2 * (pad) - 3) / (stride) + 1) * ISS_CONV3X3_WINDOW(cin))
void iss_conv3x3(const int8_t *in, int8_t *out, const int32_t *packed, uint32_t h, uint32_t w, uint32_t cin,
                 uint32_t cout, uint32_t stride, uint32_t pad, int32_t adc_low, int32_t adc_high, int8_t *scratch,
                 uint32_t scratch_bytes);

/* ---- depthwise 3x3 convolution with the depthwise accelerator's semantics ---- */

/* in int8 [h][width][c], w int8 [3][3][c], bias int32 [c] or NULL, out int8 [oh][ow][c] with
 * oh = (h + 2 pad - 3) / stride + 1: out = clip8(relu(round_shift(acc + bias, shift))), stride
 * 1 or 2, pad 0 or 1, shift 0-31. Same bytes as the DWA (dnn_ref.depthwise3x3). */
void iss_depthwise3x3(const int8_t *in, int8_t *out, const int8_t *w, const int32_t *bias, uint32_t h,
                      uint32_t width, uint32_t c, uint32_t stride, uint32_t pad, uint32_t shift, int relu);

/* ---- element-wise ---- */

/* out[i] = clip8((a[i] + b[i] + 2^(shift-1)) >> shift) (no rounding term for shift 0), i < n,
 * shift 0-31 (dnn_ref.residual_add). out may be a or b; any alignment of each (CORE-V builds
 * are fastest with a, b and out at the same offset in a word). */
void iss_residual_add(const int8_t *a, const int8_t *b, int8_t *out, uint32_t n, uint32_t shift);

/* ---- global average pooling (dnn_ref.avgpool) ---- */

/* Adds the per-channel sums of npix pixels of in int8 [npix][c] (HWC) into sum int32 [c];
 * first_chunk != 0: sum is set, not added to. A pool over h*w pixels in chunks (as DMA brings
 * them) is one call per chunk, then iss_avgpool_mean. Any npix (the sums are exact up to 2^24
 * pixels), any alignment of in; c > 0. */
void iss_avgpool_sum(const int8_t *in, int32_t *sum, uint32_t npix, uint32_t c, int first_chunk);

/* out[ch] = floor((2 sum[ch] + hw) / (2 hw)) (the mean rounded half up), ch < c, for sums of hw
 * int8 values each (|sum| <= 128 hw; other sums give unspecified bytes); 1 <= hw <= 2^22. */
void iss_avgpool_mean(const int32_t *sum, int8_t *out, uint32_t c, uint32_t hw);

/* out int8 [c][h*w] = transpose of in int8 [h*w][c] (dnn_ref.hwc_to_chw); out must not overlap in. */
void iss_hwc_to_chw(const int8_t *in, int8_t *out, uint32_t h, uint32_t w, uint32_t c);

/* out int8 [h*w][c] = transpose of in int8 [c][h*w] (dnn_ref.chw_to_hwc); out must not overlap in. */
void iss_chw_to_hwc(const int8_t *in, int8_t *out, uint32_t h, uint32_t w, uint32_t c);

#endif /* ISS_KERNELS_H */
