/*
 * iss_conv3x3 (runtime/include/iss_kernels.h) on CORES cores: a 3x3 convolution with the IMA's
 * semantics, H x W x CIN -> COUT, STRIDE, PAD, ADC range [-ADC_LOW, ADC_HIGH], the windows of
 * BAND output rows at a time in the scratch buffer. Data from gen.h (input seed 11, weights in
 * [-7, 7] seed 12, [9 CIN][COUT]); the test reads `out`.
 */
#include <stdint.h>
#include <stdio.h>
#include "iss.h"
#include "iss_kernels.h"
#include "../dwa_conv/gen.h"

#ifndef H
#define H 7
#endif
#ifndef W
#define W 9
#endif
#ifndef CIN
#define CIN 3
#endif
#ifndef COUT
#define COUT 13
#endif
#ifndef STRIDE
#define STRIDE 2
#endif
#ifndef PAD
#define PAD 1
#endif
#ifndef ADC_LOW
#define ADC_LOW 900
#endif
#ifndef ADC_HIGH
#define ADC_HIGH 800
#endif
#ifndef CORES
#define CORES 8
#endif
#ifndef BAND
#define BAND 2      /* output rows per im2col band */
#endif

#define OH ((H + 2 * PAD - 3) / STRIDE + 1)
#define OW ((W + 2 * PAD - 3) / STRIDE + 1)

int8_t in[H * W * CIN];
int8_t wt[9 * CIN * COUT];
int32_t packed[ISS_PW_PACKED_WORDS(9 * CIN, COUT)];
int8_t out[OH * OW * COUT];
#ifndef SCRATCH_BYTES
#define SCRATCH_BYTES ISS_CONV3X3_SCRATCH(W, CIN, STRIDE, PAD, BAND)    /* -D SCRATCH_BYTES=... too small: the kernel's assert */
#endif
int8_t scratch[SCRATCH_BYTES] __attribute__((aligned(4)));
static uint32_t kernel_cycles;

static void run(void *arg)
{
    (void)arg;
    unsigned core = iss_core_id(), nb = iss_team_size();
    uint32_t first, last;
    iss_slice(H * W * CIN, core, nb, &first, &last);
    gen_i8(in, first, last, 11);
    iss_slice(9 * CIN * COUT, core, nb, &first, &last);
    gen_w4(wt, first, last, 12);
    iss_barrier();
    iss_pw_pack(wt, 9 * CIN, COUT, packed);
    uint32_t t0 = iss_cycles();
    iss_conv3x3(in, out, packed, H, W, CIN, COUT, STRIDE, PAD, ADC_LOW, ADC_HIGH, scratch, sizeof scratch);
    uint32_t t1 = iss_cycles();
    if (core == 0)
        kernel_cycles = t1 - t0;
}

int main(void)
{
    iss_fork(CORES, run, NULL);
    uint32_t macs = OH * OW * 9 * CIN * COUT;
    printf("conv3x3 %ux%ux%u -> %u stride %u on %u cores: kernel %lu cycles, %lu MACs\n", H, W, CIN, COUT, STRIDE,
           CORES, (unsigned long)kernel_cycles, (unsigned long)macs);
    return 0;
}
