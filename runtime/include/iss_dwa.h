/*
 * Depthwise accelerator (DWA, the cluster's HWPE slot): 3x3 depthwise convolution of an int8
 * HWC tensor in the TCDM. docs/dwa.md gives the semantics, the timing and the errors;
 * iss_archi.h (ISS_DWA_*) the registers; iss/dnn_ref.py (depthwise3x3) the exact numerics.
 *
 *   iss_dwa_acquire();
 *   iss_dwa_conv3x3(in, out, w, bias, h, w, c, 1, 1, 8, 1);   // configure + TRIGGER
 *   ...other work...
 *   iss_dwa_wait();                                           // sleeps until the job ends
 *
 * in: int8 [h][w][c]; w: int8 [3][3][c]; bias: int32 [c] or NULL; out: int8 [oh][ow][c] with
 * oh = (h + 2 pad - 3) / stride + 1 (ow likewise). out = clip8(relu(round_shift(acc + bias))).
 * All tensors must be in the TCDM. The calling core holds the accelerator from
 * iss_dwa_acquire() until its job ends (or iss_dwa_release()); acquire again for each job.
 */
#ifndef ISS_DWA_H
#define ISS_DWA_H

#include <stdint.h>
#include "iss.h"

/* Write DWA register off (an ISS_DWA_* offset). */
static inline void iss_dwa_write(uint32_t off, uint32_t value)
{
    iss_reg_write(ISS_DWA_BASE + off, value);
}

/* Read DWA register off (an ISS_DWA_* offset). */
static inline uint32_t iss_dwa_read(uint32_t off)
{
    return iss_reg_read(ISS_DWA_BASE + off);
}

/* One read of ACQUIRE: 0 (ISS_DWA_ACQUIRE_GRANTED) if the calling core now holds the DWA, -1 if busy. */
static inline int32_t iss_dwa_try_acquire(void)
{
    return (int32_t)iss_dwa_read(ISS_DWA_ACQUIRE);
}

/* Read ACQUIRE until the DWA is granted to the calling core (spins while another core holds it). */
static inline void iss_dwa_acquire(void)
{
    while (iss_dwa_read(ISS_DWA_ACQUIRE) != ISS_DWA_ACQUIRE_GRANTED)
        ;
}

/* Release the DWA (SOFT_CLEAR: aborts a running job, whose output is then not written). */
static inline void iss_dwa_release(void)
{
    iss_dwa_write(ISS_DWA_SOFT_CLEAR, 0);
}

/* Output rows (or columns) of a 3x3 window over n input rows (or columns). */
static inline uint32_t iss_dwa_out_size(uint32_t n, uint32_t stride, uint32_t pad)
{
    return (n + 2 * pad - 3) / stride + 1;
}

/* Write every job register (the DWA must be held); no TRIGGER. */
static inline void iss_dwa_configure(const int8_t *in, int8_t *out, const int8_t *w, const int32_t *bias,
                                     uint32_t h, uint32_t width, uint32_t c, uint32_t stride,
                                     uint32_t pad, uint32_t shift, int relu)
{
    iss_dwa_write(ISS_DWA_IN_ADDR, (uint32_t)in);
    iss_dwa_write(ISS_DWA_OUT_ADDR, (uint32_t)out);
    iss_dwa_write(ISS_DWA_W_ADDR, (uint32_t)w);
    iss_dwa_write(ISS_DWA_BIAS_ADDR, (uint32_t)bias);
    iss_dwa_write(ISS_DWA_IN_H, h);
    iss_dwa_write(ISS_DWA_IN_W, width);
    iss_dwa_write(ISS_DWA_CHANNELS, c);
    iss_dwa_write(ISS_DWA_STRIDE, stride);
    iss_dwa_write(ISS_DWA_PAD, pad);
    iss_dwa_write(ISS_DWA_KERNEL, 3);
    iss_dwa_write(ISS_DWA_SHIFT, shift);
    iss_dwa_write(ISS_DWA_RELU, relu ? 1 : 0);
}

/* Start the configured job: clears the calling core's stale ACC1 event first, so iss_dwa_wait sees this job's. */
static inline void iss_dwa_trigger(void)
{
    iss_reg_write(ISS_EU_CORE_BASE + ISS_EU_CORE_BUFFER_CLEAR, 1u << ISS_EVT_ACC1);
    iss_dwa_write(ISS_DWA_TRIGGER, 0);
}

/* Configure and start one 3x3 depthwise job (the DWA must be held: iss_dwa_acquire). */
static inline void iss_dwa_conv3x3(const int8_t *in, int8_t *out, const int8_t *w, const int32_t *bias,
                                   uint32_t h, uint32_t width, uint32_t c, uint32_t stride,
                                   uint32_t pad, uint32_t shift, int relu)
{
    iss_dwa_configure(in, out, w, bias, h, width, c, stride, pad, shift, relu);
    iss_dwa_trigger();
}

/* Sleep on event ISS_EVT_ACC1 until the calling core's job has ended (never spins; call after a trigger). */
static inline void iss_dwa_wait(void)
{
    /* The end event goes to every core, so one may be stale: the job is over when the
     * accelerator no longer belongs to this core. */
    while (iss_dwa_read(ISS_DWA_RUNNING_TASK) == iss_core_id())
        iss_evt_wait(1u << ISS_EVT_ACC1);
}

/* Jobs finished since the last call (FINISHED_JOBS; the read clears it). */
static inline uint32_t iss_dwa_finished_jobs(void)
{
    return iss_dwa_read(ISS_DWA_FINISHED_JOBS);
}

#endif /* ISS_DWA_H */
