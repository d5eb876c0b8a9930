/*
 * iss_avgpool_sum and iss_avgpool_mean (runtime/include/iss_kernels.h) on CORES cores: the
 * global average pool of in int8 [H][W][C] (gen.h, seed 41; EXTREME 1: all -128, 2: all 127),
 * summed in chunks of CHUNK pixels, at byte offset OFS from a word boundary. The test reads
 * out (C bytes) and checks the guard words around out and sum. BAD 1 calls
 * iss_avgpool_mean with c = 0, which must fail its assert.
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
#define W 7
#endif
#ifndef C
#define C 32
#endif
#ifndef CHUNK
#define CHUNK (H * W)
#endif
#ifndef CORES
#define CORES 8
#endif
#ifndef OFS
#define OFS 0
#endif
#ifndef EXTREME
#define EXTREME 0
#endif
#ifndef BAD
#define BAD 0
#endif

#define HW (H * W)

int8_t in_buf[HW * C + 4] __attribute__((aligned(4)));
int32_t sum_buf[C + 2];             /* sum = sum_buf + 1: a guard word each side */
int8_t out_buf[C + 8] __attribute__((aligned(4)));    /* out = out_buf + 4 */
static uint32_t kernel_cycles, mean_cycles;

static void run(void *arg)
{
    (void)arg;
    int8_t *in = in_buf + OFS, *out = out_buf + 4;
    int32_t *sum = sum_buf + 1;
    uint32_t first, last;
    iss_slice(HW * C, iss_core_id(), iss_team_size(), &first, &last);
    if (EXTREME)
        for (uint32_t i = first; i < last; i++)
            in[i] = EXTREME == 1 ? -128 : 127;
    else
        gen_i8(in, first, last, 41);
    iss_barrier();
    uint32_t t0 = iss_cycles();
    for (uint32_t p0 = 0; p0 < HW; p0 += CHUNK) {
        uint32_t n = HW - p0 < CHUNK ? HW - p0 : CHUNK;
        iss_avgpool_sum(in + p0 * C, sum, n, C, p0 == 0);
    }
    uint32_t tm = iss_cycles();
    iss_avgpool_mean(sum, out, BAD ? 0 : C, HW);
    uint32_t t1 = iss_cycles();
    if (iss_core_id() == 0)
        kernel_cycles = t1 - t0, mean_cycles = t1 - tm;
}

int main(void)
{
    iss_fork(CORES, run, NULL);
    printf("avgpool %ux%ux%u chunk %u on %u cores: kernel %lu cycles, %lu input bytes\n", H, W, C, CHUNK,
           CORES, (unsigned long)kernel_cycles, (unsigned long)(HW * C));
    printf("of which iss_avgpool_mean %lu cycles\n", (unsigned long)mean_cycles);
    return 0;
}
