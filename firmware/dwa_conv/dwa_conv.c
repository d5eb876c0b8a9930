/*
 * One 3x3 depthwise job on the DWA (docs/dwa.md), then the same job again started by the last
 * core of a fork (its stale end event of the first job must not end its wait early). The data
 * come from gen.h, which the test replicates; it reads `out` and `out2` from the symbol table.
 * -D H, W, C, STRIDE, PAD, SHIFT, RELU, BIAS (0: none, 1: small, 2: the whole int32 range).
 */
#include <stdint.h>
#include <stdio.h>
#include "iss.h"
#include "iss_dwa.h"
#include "gen.h"

#ifndef H
#define H 7
#endif
#ifndef W
#define W 9
#endif
#ifndef C
#define C 24
#endif
#ifndef STRIDE
#define STRIDE 1
#endif
#ifndef PAD
#define PAD 1
#endif
#ifndef SHIFT
#define SHIFT 7
#endif
#ifndef RELU
#define RELU 0
#endif
#ifndef BIAS
#define BIAS 1
#endif
#ifndef SECOND
#define SECOND 1
#endif

#define OH ((H + 2 * PAD - 3) / STRIDE + 1)
#define OW ((W + 2 * PAD - 3) / STRIDE + 1)

int8_t in[H * W * C];
int8_t wt[9 * C];
int32_t bias[C];
int8_t out[OH * OW * C];
#if SECOND
int8_t out2[OH * OW * C];
#endif

static void fill(void *arg)
{
    (void)arg;
    uint32_t first, last;
    gen_slice(H * W * C, iss_core_id(), iss_num_cores(), &first, &last);
    gen_i8(in, first, last, 1);
    if (iss_core_id() == 0) {
        gen_i8(wt, 0, 9 * C, 2);
        gen_i32(bias, 0, C, 3, BIAS == 2 ? 0 : 16);
    }
}

static void job(int8_t *dst)
{
    uint32_t t0 = iss_cycles();
    iss_dwa_acquire();
    iss_dwa_conv3x3(in, dst, wt, BIAS ? bias : NULL, H, W, C, STRIDE, PAD, SHIFT, RELU);
    iss_dwa_wait();
    uint32_t t1 = iss_cycles();
    printf("core %u: dwa %ux%ux%u stride %u pad %u -> %lux%lu, %lu job, %lu cycles\n", iss_core_id(),
           H, W, C, STRIDE, PAD, (unsigned long)iss_dwa_read(ISS_DWA_OUT_H),
           (unsigned long)iss_dwa_read(ISS_DWA_OUT_W), (unsigned long)iss_dwa_finished_jobs(),
           (unsigned long)(t1 - t0));
}

#if SECOND
static void second(void *arg)
{
    (void)arg;
    if (iss_core_id() == iss_num_cores() - 1)
        job(out2);
}
#endif

int main(void)
{
    iss_fork(0, fill, NULL);
    job(out);
#if SECOND
    iss_fork(0, second, NULL);
#endif
    printf("status %lu running %ld\n", (unsigned long)iss_dwa_read(ISS_DWA_STATUS),
           (long)(int32_t)iss_dwa_read(ISS_DWA_RUNNING_TASK));
    return 0;
}
