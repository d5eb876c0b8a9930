/*
 * IMA runtime: weight programming and read-back, job batches (iss_ima.h, docs/ima.md).
 */
#include "iss_ima.h"

/* Low nibbles of the 4 bytes of x, byte 0 in bits 3:0 ... byte 3 in bits 15:12. */
static inline uint32_t nibbles4(uint32_t x)
{
    x &= 0x0F0F0F0Fu;
    x = (x | (x >> 4)) & 0x00FF00FFu;
    return (x | (x >> 8)) & 0xFFFFu;
}

/* 4 weights from nibbles 3:0 ... 15:12 of x, sign-extended into the 4 bytes of the result. */
static inline uint32_t weights4(uint32_t x)
{
    x &= 0xFFFFu;
    x = (x | (x << 8)) & 0x00FF00FFu;
    x = (x | (x << 4)) & 0x0F0F0F0Fu;
    /* per byte (n ^ 8) - 8 with no borrow across bytes */
    return (((x ^ 0x08080808u) | 0x80808080u) - 0x08080808u) ^ 0x80808080u;
}

void iss_ima_program(uint32_t array, uint32_t row0, uint32_t col0, uint32_t rows, uint32_t cols,
                     const int8_t *w, uint32_t stride)
{
    if (!rows || !cols)
        return;
    int aligned = ((uint32_t)w & 3) == 0 && (stride & 3) == 0;
    iss_ima_acquire();
    iss_ima_select(array);
    iss_ima_write(ISS_IMA_P_START_X, col0);
    iss_ima_write(ISS_IMA_P_START_Y, row0);
    iss_ima_write(ISS_IMA_P_WIDTH, cols);
    iss_ima_write(ISS_IMA_P_HIGHT, rows);
    /* row by row, 8 columns a word; the last word ends the window and releases the IMA */
    for (uint32_t i = 0; i < rows; i++, w += stride) {
        if (aligned) {   /* two word loads per SUBMIT_PLOT word: keeps up with programming */
            const uint32_t *p = (const uint32_t *)w;
            for (uint32_t j = 0; j < cols / 4; j += 2)
                iss_ima_write(ISS_IMA_SUBMIT_PLOT, nibbles4(p[j]) | nibbles4(p[j + 1]) << 16);
        } else {
            for (uint32_t j = 0; j < cols; j += 8)
                iss_ima_write(ISS_IMA_SUBMIT_PLOT, iss_ima_pack8(w + j));
        }
    }
}

void iss_ima_read_weights(uint32_t array, uint32_t row0, uint32_t col0, uint32_t rows, uint32_t cols,
                          int8_t *w, uint32_t stride)
{
    int aligned = ((uint32_t)w & 3) == 0 && (stride & 3) == 0;
    iss_ima_acquire();
    iss_ima_select(array);
    for (uint32_t i = 0; i < rows; i++, w += stride)
        for (uint32_t j = 0; j < cols; j += 8) {
            uint32_t word = iss_ima_read_word(col0 + j, row0 + i);
            if (aligned) {
                uint32_t *p = (uint32_t *)(w + j);
                p[0] = weights4(word);
                p[1] = weights4(word >> 16);
            } else {
                iss_ima_unpack8(word, w + j);
            }
        }
    iss_ima_release();
}

void iss_ima_start(const iss_ima_job_t *job)
{
    iss_ima_acquire();
    iss_ima_configure(job);
    iss_ima_write(ISS_IMA_TRIGGER, 0);
}

void iss_ima_mvm(uint32_t array, const int8_t *in, int8_t *out, uint32_t rows, uint32_t cols,
                 uint32_t row0, uint32_t col0, uint32_t adc_low, uint32_t adc_high)
{
    iss_ima_job_t job = {
        .array = array, .row0 = row0, .col0 = col0, .rows = rows, .cols = cols,
        .src = (uint32_t)in, .dst = (uint32_t)out,
        .line_length = rows, .feat_length = 1, .src_stride = rows,
        .num_jobs = 1, .adc_low = adc_low, .adc_high = adc_high,
    };
    iss_ima_start(&job);
}

void iss_ima_pointwise(uint32_t array, const int8_t *in, int8_t *out, uint32_t h, uint32_t w,
                       uint32_t cin, uint32_t cout, uint32_t row0, uint32_t col0,
                       uint32_t adc_low, uint32_t adc_high)
{
    uint32_t pixels = h * w;
    iss_ima_job_t job = {
        .array = array, .row0 = row0, .col0 = col0, .rows = cin, .cols = cout,
        .src = (uint32_t)in, .dst = (uint32_t)out,
        .line_length = cin, .feat_length = 1, .src_stride = cin,
        .num_jobs = pixels,
        /* one pixel after the other: alpha steps only (beta never comes within the batch) */
        .alpha_in_length = pixels, .alpha_in_stride = cin, .beta_in_length = 1, .beta_in_stride = cin,
        .alpha_out_length = pixels, .alpha_out_stride = cout, .beta_out_length = 1, .beta_out_stride = cout,
        .adc_low = adc_low, .adc_high = adc_high,
    };
    iss_ima_start(&job);
}

void iss_ima_conv3x3(uint32_t array, const int8_t *in, int8_t *out, uint32_t h_pad, uint32_t w_pad,
                     uint32_t cin, uint32_t cout, uint32_t stride, uint32_t row0, uint32_t col0,
                     uint32_t adc_low, uint32_t adc_high)
{
    uint32_t ho = (h_pad - 3) / stride + 1, wo = (w_pad - 3) / stride + 1;
    uint32_t row_bytes = w_pad * cin;
    iss_ima_job_t job = {
        .array = array, .row0 = row0, .col0 = col0, .rows = 9 * cin, .cols = cout,
        .src = (uint32_t)in, .dst = (uint32_t)out,
        /* im2col of one output pixel: 3 lines of 3 pixels x cin channels, one input row apart */
        .line_length = 3 * cin, .feat_length = 3, .src_stride = row_bytes,
        .num_jobs = ho * wo,
        /* wo - 1 steps of one output pixel along the row, then to the start of the next row */
        .alpha_in_length = wo - 1, .alpha_in_stride = stride * cin,
        .beta_in_length = 1, .beta_in_stride = stride * row_bytes - (wo - 1) * stride * cin,
        /* outputs are contiguous */
        .alpha_out_length = ho * wo, .alpha_out_stride = cout, .beta_out_length = 1, .beta_out_stride = cout,
        .adc_low = adc_low, .adc_high = adc_high,
    };
    iss_ima_start(&job);
}
