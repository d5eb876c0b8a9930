/*
 * Standard 3x3 convolution with the IMA's semantics on the cores (docs/kernels.md): im2col of
 * a band of output rows into a scratch buffer (each pixel's 3x3 window, (ky, kx, c) order,
 * zeros for the padding: the order the IMA's streamer reads), then the pointwise kernel on the
 * band with 9 x cin inputs. The pointwise kernel is the build's (CORE-V: cv.sdotsp.b), so the
 * convolution runs as fast as a 1x1 layer of 9 x cin inputs plus the copy. In CORE-V builds a
 * window is padded with zeros to a whole number of quads (the packed weights of the missing
 * inputs are zero already), so the pointwise kernel has no scalar tail and word-aligned rows.
 */
#include <assert.h>
#include <string.h>
#include "iss_kernels.h"

/* Windows of output pixels [first, last) of the band starting at output row oy0. */
#define WINDOW_BYTES ISS_CONV3X3_WINDOW

/* Small copies inline: a window row of the first layer is 9 bytes, a libc call costs more. */
static inline void copy_bytes(int8_t *d, const int8_t *s, uint32_t n)
{
    if (n >= 32) {
        memcpy(d, s, n);
        return;
    }
    for (uint32_t i = 0; i < n; i++)
        d[i] = s[i];
}

static inline void zero_bytes(int8_t *d, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        d[i] = 0;
}

static void im2col_band(const int8_t *in, int8_t *cols, uint32_t h, uint32_t w, uint32_t cin, uint32_t ow,
                        uint32_t stride, uint32_t pad, uint32_t oy0, uint32_t first, uint32_t last)
{
    uint32_t run = 3 * cin, wb = WINDOW_BYTES(cin);
    for (uint32_t p = first; p < last; p++) {
        uint32_t oy = oy0 + p / ow, ox = p % ow;
        int8_t *d = cols + p * wb;
        zero_bytes(d + 9 * cin, wb - 9 * cin);
        int32_t y0 = (int32_t)(oy * stride) - (int32_t)pad, x0 = (int32_t)(ox * stride) - (int32_t)pad;
        for (int32_t ky = 0; ky < 3; ky++, d += run) {
            int32_t y = y0 + ky;
            if (y < 0 || y >= (int32_t)h) {
                zero_bytes(d, run);
                continue;
            }
            const int8_t *row = in + (uint32_t)y * w * cin;
            if (x0 >= 0 && x0 + 3 <= (int32_t)w) {       /* the common case: the window's row is inside */
                copy_bytes(d, row + (uint32_t)x0 * cin, run);
                continue;
            }
            for (int32_t kx = 0; kx < 3; kx++) {
                int32_t x = x0 + kx;
                if (x < 0 || x >= (int32_t)w)
                    zero_bytes(d + kx * cin, cin);
                else
                    copy_bytes(d + kx * cin, row + (uint32_t)x * cin, cin);
            }
        }
    }
}

void iss_conv3x3(const int8_t *in, int8_t *out, const int32_t *packed, uint32_t h, uint32_t w, uint32_t cin,
                 uint32_t cout, uint32_t stride, uint32_t pad, int32_t adc_low, int32_t adc_high, int8_t *scratch,
                 uint32_t scratch_bytes)
{
    assert((stride == 1 || stride == 2) && "iss_conv3x3: stride must be 1 or 2");
    assert(pad <= 1 && "iss_conv3x3: pad must be 0 or 1");
    assert(h + 2 * pad >= 3 && w + 2 * pad >= 3 && cin > 0 && cout > 0 && "iss_conv3x3: no output (h, w < 3 - 2 pad or no channels)");
    uint32_t oh = (h + 2 * pad - 3) / stride + 1, ow = (w + 2 * pad - 3) / stride + 1;
    uint32_t band = scratch_bytes / (ow * WINDOW_BYTES(cin));
    assert(band > 0 && "iss_conv3x3: scratch smaller than one output row's windows (ISS_CONV3X3_SCRATCH(w, cin, stride, pad, 1) bytes)");
    unsigned core = iss_core_id(), nb = iss_team_size();
    for (uint32_t oy = 0; oy < oh; oy += band) {
        uint32_t rows = oh - oy < band ? oh - oy : band, first, last;
        iss_slice(rows * ow, core, nb, &first, &last);
        im2col_band(in, scratch, h, w, cin, ow, stride, pad, oy, first, last);
        iss_barrier();
        iss_pointwise(scratch, out + oy * ow * cout, packed, rows * ow, WINDOW_BYTES(cin), cout, adc_low, adc_high);
    }
}
