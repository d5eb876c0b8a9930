/*
 * IMA, the analog in-memory computing accelerator (pulp-sdk ima_v1 register block plus this
 * simulator's ARRAY_SEL/MODE extensions). docs/ima.md gives the semantics, the timing and the
 * errors; iss_archi.h (ISS_IMA_*) the registers.
 *
 *   iss_ima_program(0, 0, 0, cin, cout, weights, cout);     // once: weights[cin][cout]
 *   iss_ima_pointwise(0, in, out, h, w, cin, cout, 0, 0, 3000, 3000);
 *   ...other work...
 *   iss_ima_wait();                                          // sleeps until the batch ends
 *
 * A crossbar holds 4-bit signed weights in [-7, 7] (-8 is a run error); its rows (y) are the
 * inputs of a job, its columns (x) the outputs. A job reads J_HIGHT int8 inputs from the TCDM,
 * multiplies them with the weights of its window and writes J_WIDTH int8 outputs (the ADC maps
 * the column sums clipped to [-adc_low, adc_high] onto the int8 codes; iss/ima_ref.py).
 *
 * Locking: every call that writes IMA registers first reads ACQUIRE until the IMA is granted to
 * the calling core. The core then holds it until the end of its job batch (iss_ima_start and
 * the calls built on it), the end of its weight window (iss_ima_program) or iss_ima_release
 * (the other calls). Inputs and outputs must be in the TCDM (not in L2: no const data).
 */
#ifndef ISS_IMA_H
#define ISS_IMA_H

#include <stdint.h>
#include "iss.h"

/* CHECK_STATE values. */
#define ISS_IMA_STATE_IDLE 0
#define ISS_IMA_STATE_ACQUIRED 1
#define ISS_IMA_STATE_PROGRAMMING 2
#define ISS_IMA_STATE_RUNNING 3

/* Everything one TRIGGER needs: a batch of num_jobs jobs (see iss_ima_start). */
typedef struct iss_ima_job {
    uint32_t array;                                 /* crossbar array (ARRAY_SEL) */
    uint32_t row0, col0, rows, cols;                /* job window: rows = inputs, cols = outputs */
    uint32_t src, dst;                              /* TCDM addresses of job 0's inputs and outputs */
    uint32_t line_length, feat_length, src_stride;  /* feat_length lines of line_length bytes, src_stride apart */
    uint32_t feat_roll, feat_stride;                /* feat_roll groups of those lines, feat_stride apart (0: one) */
    uint32_t num_jobs;                              /* jobs of the batch */
    uint32_t alpha_in_length, alpha_in_stride, beta_in_length, beta_in_stride;     /* src of job n */
    uint32_t alpha_out_length, alpha_out_stride, beta_out_length, beta_out_stride; /* dst of job n */
    uint32_t adc_low, adc_high;                     /* ADC range (both > 0) */
} iss_ima_job_t;

/* Write IMA register off (an ISS_IMA_* offset). */
static inline void iss_ima_write(uint32_t off, uint32_t value)
{
    iss_reg_write(ISS_IMA_BASE + off, value);
}

/* Read IMA register off (an ISS_IMA_* offset). */
static inline uint32_t iss_ima_read(uint32_t off)
{
    return iss_reg_read(ISS_IMA_BASE + off);
}

/* One read of ACQUIRE: 0 (ISS_IMA_ACQUIRE_GRANTED) if the calling core now holds the IMA, -1 if busy. */
static inline int32_t iss_ima_try_acquire(void)
{
    return (int32_t)iss_ima_read(ISS_IMA_ACQUIRE);
}

/* Read ACQUIRE until the IMA is granted to the calling core (spins while another core holds it;
 * never call it while the calling core holds the IMA: ACQUIRE then reads busy). */
static inline void iss_ima_acquire(void)
{
    while (iss_ima_read(ISS_IMA_ACQUIRE) != ISS_IMA_ACQUIRE_GRANTED)
        ;
}

/* Release the IMA held by the calling core (SOFT_CLEAR; the weights are kept). It also aborts a
 * running batch, without an end event: not for a batch some core waits for. */
static inline void iss_ima_release(void)
{
    iss_ima_write(ISS_IMA_SOFT_CLEAR, 0);
}

/* Select the array of the next weight window, read-back and jobs (the IMA must be held). */
static inline void iss_ima_select(uint32_t array)
{
    iss_ima_write(ISS_IMA_ARRAY_SEL, array);
}

/* Number of crossbar arrays (NB_ARRAYS). */
static inline uint32_t iss_ima_nb_arrays(void)
{
    return iss_ima_read(ISS_IMA_NB_ARRAYS);
}

/* Rows (= columns) of each array (ARRAY_SIZE). */
static inline uint32_t iss_ima_array_size(void)
{
    return iss_ima_read(ISS_IMA_ARRAY_SIZE);
}

/* Jobs finished since the last call (FINISHED_JOBS; the read clears it). */
static inline uint32_t iss_ima_finished_jobs(void)
{
    return iss_ima_read(ISS_IMA_FINISHED_JOBS);
}

/* Set MODE (0 sequential, 1 pipelined) for the next batches: acquires, writes, releases. */
static inline void iss_ima_set_mode(int pipelined)
{
    iss_ima_acquire();
    iss_ima_write(ISS_IMA_MODE, pipelined ? 1 : 0);
    iss_ima_release();
}

/* Pack 8 weights in [-7, 7] into a SUBMIT_PLOT / PR_VAL word (w[0] in the lowest nibble). */
static inline uint32_t iss_ima_pack8(const int8_t *w)
{
    uint32_t word = 0;
    for (int k = 0; k < 8; k++)
        word |= ((uint32_t)w[k] & 0xF) << (4 * k);
    return word;
}

/* Unpack a SUBMIT_PLOT / PR_VAL word into 8 weights (sign-extended nibbles). */
static inline void iss_ima_unpack8(uint32_t word, int8_t *w)
{
    for (int k = 0; k < 8; k++)
        w[k] = (int8_t)((int32_t)(word << (28 - 4 * k)) >> 28);
}

/*
 * Program the weights of rows x cols cells of array from (row0, col0): cell (row0 + i, col0 + j)
 * gets w[i * stride + j]. col0 and cols must be multiples of 8. Each SUBMIT_PLOT word takes
 * ima.program_row_ns / (size / 8) to program and the core stalls while the previous one is
 * programmed (two word loads per word when w and stride are word-aligned keep up with it).
 * Returns with the IMA released (the window ends with its last word).
 */
void iss_ima_program(uint32_t array, uint32_t row0, uint32_t col0, uint32_t rows, uint32_t cols,
                     const int8_t *w, uint32_t stride);

/* Read-back of one word: the 8 weights of row y, columns x..x+7 (x a multiple of 8; the IMA must be held). */
static inline uint32_t iss_ima_read_word(uint32_t x, uint32_t y)
{
    iss_ima_write(ISS_IMA_PR_ADDR_X, x);
    iss_ima_write(ISS_IMA_PR_ADDR_Y, y);
    return iss_ima_read(ISS_IMA_PR_VAL);
}

/* Read back rows x cols weights of array from (row0, col0) into w[i * stride + j] (cols and col0 multiples of 8). */
void iss_ima_read_weights(uint32_t array, uint32_t row0, uint32_t col0, uint32_t rows, uint32_t cols,
                          int8_t *w, uint32_t stride);

/* Write every job register of job (FETCH_LENGTH = rows, STORE_LENGTH = cols, DW_MODE = 0), not TRIGGER; the IMA must be held. */
static inline __attribute__((always_inline)) void iss_ima_configure(const iss_ima_job_t *job)
{
    iss_ima_select(job->array);
    iss_ima_write(ISS_IMA_J_START_X, job->col0);
    iss_ima_write(ISS_IMA_J_START_Y, job->row0);
    iss_ima_write(ISS_IMA_J_WIDTH, job->cols);
    iss_ima_write(ISS_IMA_J_HIGHT, job->rows);
    iss_ima_write(ISS_IMA_J_SRC_ADDR, job->src);
    iss_ima_write(ISS_IMA_J_DST_ADDR, job->dst);
    iss_ima_write(ISS_IMA_J_SRC_STRID, job->src_stride);
    iss_ima_write(ISS_IMA_ADC_LOW, job->adc_low);
    iss_ima_write(ISS_IMA_ADC_HIGH, job->adc_high);
    iss_ima_write(ISS_IMA_FETCH_LENGTH, job->rows);
    iss_ima_write(ISS_IMA_STORE_LENGTH, job->cols);
    iss_ima_write(ISS_IMA_JOB_LINE_LENGTH, job->line_length);
    iss_ima_write(ISS_IMA_JOB_FEAT_LENGTH, job->feat_length);
    iss_ima_write(ISS_IMA_JOB_FEAT_ROLL, job->feat_roll);
    iss_ima_write(ISS_IMA_JOB_FEAT_STRIDE, job->feat_stride);
    iss_ima_write(ISS_IMA_NUM_JOBS, job->num_jobs);
    iss_ima_write(ISS_IMA_ALPHA_IN_LENGTH, job->alpha_in_length);
    iss_ima_write(ISS_IMA_ALPHA_IN_STRIDE, job->alpha_in_stride);
    iss_ima_write(ISS_IMA_BETA_IN_LENGTH, job->beta_in_length);
    iss_ima_write(ISS_IMA_BETA_IN_STRIDE, job->beta_in_stride);
    iss_ima_write(ISS_IMA_ALPHA_OUT_LENGTH, job->alpha_out_length);
    iss_ima_write(ISS_IMA_ALPHA_OUT_STRIDE, job->alpha_out_stride);
    iss_ima_write(ISS_IMA_BETA_OUT_LENGTH, job->beta_out_length);
    iss_ima_write(ISS_IMA_BETA_OUT_STRIDE, job->beta_out_stride);
    iss_ima_write(ISS_IMA_DW_MODE, 0);
}

/* Start the batch: iss_ima_acquire(), iss_ima_configure(job), TRIGGER; returns at once (the core holds the IMA until the batch ends). */
void iss_ima_start(const iss_ima_job_t *job);

/*
 * Sleep (event line ISS_EVT_ACC0, never spinning) until no batch of the calling core runs.
 * Every batch end wakes every core waiting on the line: the call goes back to sleep if its own
 * batch is still running. Returns at once if the calling core started no batch.
 */
static inline void iss_ima_wait(void)
{
    uint32_t me = iss_core_id();
    while (iss_ima_read(ISS_IMA_CHECK_STATE) == ISS_IMA_STATE_RUNNING &&
           iss_ima_read(ISS_IMA_RUNNING_TASK) == me)
        iss_evt_wait(1u << ISS_EVT_ACC0);
}

/*
 * Start one job: out[0..cols) = ADC(in[0..rows) x W[row0..row0+rows)[col0..col0+cols)).
 * Returns at once; iss_ima_wait() before reading out.
 */
void iss_ima_mvm(uint32_t array, const int8_t *in, int8_t *out, uint32_t rows, uint32_t cols,
                 uint32_t row0, uint32_t col0, uint32_t adc_low, uint32_t adc_high);

/*
 * Start a 1x1 convolution over an h x w x cin HWC tensor to h x w x cout (HWC): h * w jobs in one
 * TRIGGER, the weights W[cin][cout] at (row0, col0) of array. Returns at once; iss_ima_wait().
 */
void iss_ima_pointwise(uint32_t array, const int8_t *in, int8_t *out, uint32_t h, uint32_t w,
                       uint32_t cin, uint32_t cout, uint32_t row0, uint32_t col0,
                       uint32_t adc_low, uint32_t adc_high);

/*
 * Start a 3x3 convolution (stride 1 or 2) in one TRIGGER, by im2col jobs. in is the already
 * padded h_pad x w_pad x cin HWC input (the IMA does no padding: write the zero border first);
 * out gets ho x wo x cout (HWC), ho = (h_pad - 3) / stride + 1, wo = (w_pad - 3) / stride + 1.
 * The weights are 9 * cin rows from row0, in (ky, kx, ci) order (row row0 + (ky * 3 + kx) * cin
 * + ci), and cout columns from col0. Returns at once; iss_ima_wait().
 */
void iss_ima_conv3x3(uint32_t array, const int8_t *in, int8_t *out, uint32_t h_pad, uint32_t w_pad,
                     uint32_t cin, uint32_t cout, uint32_t stride, uint32_t row0, uint32_t col0,
                     uint32_t adc_low, uint32_t adc_high);

#endif /* ISS_IMA_H */
