/*
 * iss_depthwise3x3 (runtime/include/iss_kernels.h) on CORES cores, then the same layer on the
 * depthwise accelerator (DWA=1): the two outputs must be the same bytes. Data from gen.h with
 * the seeds of firmware/dwa_conv; the test reads `out` (cores) and `out_dwa`.
 * -D H, W, C, STRIDE, PAD, SHIFT, RELU, BIAS (0: none, 1: small, 2: the whole int32 range).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "iss.h"
#include "iss_dwa.h"
#include "iss_kernels.h"
#include "../dwa_conv/gen.h"

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
#ifndef CORES
#define CORES 8
#endif
#ifndef DWA
#define DWA 1
#endif

#define OH ((H + 2 * PAD - 3) / STRIDE + 1)
#define OW ((W + 2 * PAD - 3) / STRIDE + 1)

int8_t in[H * W * C];
int8_t wt[9 * C];
int32_t bias[C];
int8_t out[OH * OW * C];
#if DWA
int8_t out_dwa[OH * OW * C];
#endif
static uint32_t kernel_cycles;

static void run(void *arg)
{
    (void)arg;
    unsigned core = iss_core_id();
    uint32_t first, last;
    iss_slice(H * W * C, core, iss_team_size(), &first, &last);
    gen_i8(in, first, last, 1);
    if (core == 0) {
        gen_i8(wt, 0, 9 * C, 2);
        gen_i32(bias, 0, C, 3, BIAS == 2 ? 0 : 16);
    }
    iss_barrier();
    uint32_t t0 = iss_cycles();
    iss_depthwise3x3(in, out, wt, BIAS ? bias : 0, H, W, C, STRIDE, PAD, SHIFT, RELU);
    uint32_t t1 = iss_cycles();
    if (core == 0)
        kernel_cycles = t1 - t0;
}

int main(void)
{
    iss_fork(CORES, run, NULL);
    uint32_t macs = OH * OW * 9 * C;
    printf("depthwise %ux%ux%u stride %u pad %u on %u cores: %lu cycles, %lu MACs, %lu.%02lu MAC/cycle\n", H, W, C,
           STRIDE, PAD, CORES, (unsigned long)kernel_cycles, (unsigned long)macs,
           (unsigned long)(macs / kernel_cycles), (unsigned long)(macs * 100ull / kernel_cycles % 100));
#if DWA
    uint32_t t0 = iss_cycles();
    iss_dwa_acquire();
    iss_dwa_conv3x3(in, out_dwa, wt, BIAS ? bias : 0, H, W, C, STRIDE, PAD, SHIFT, RELU);
    iss_dwa_wait();
    uint32_t t1 = iss_cycles();
    printf("dwa: %lu cycles, %s\n", (unsigned long)(t1 - t0),
           memcmp(out, out_dwa, sizeof out) ? "differs from the cores" : "same bytes as the cores");
#endif
    return 0;
}
