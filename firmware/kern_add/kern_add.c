/*
 * iss_residual_add (runtime/include/iss_kernels.h) on CORES cores: out = clip8(round_shift(a + b,
 * SHIFT)) over N elements, with a, b, out at byte offsets OA, OB, OO from word-aligned buffers
 * (the word path needs equal alignments). Data from gen.h (seeds 21, 22); the test reads
 * buf_o + OO, or with ALIAS=1 (out = a) buf_a + OA.
 */
#include <stdint.h>
#include <stdio.h>
#include "iss.h"
#include "iss_kernels.h"
#include "../dwa_conv/gen.h"

#ifndef N
#define N 1001
#endif
#ifndef SHIFT
#define SHIFT 1
#endif
#ifndef CORES
#define CORES 8
#endif
#ifndef OA
#define OA 0
#endif
#ifndef OB
#define OB 0
#endif
#ifndef OO
#define OO 0
#endif
#ifndef ALIAS
#define ALIAS 0
#endif

int8_t buf_a[N + 4] __attribute__((aligned(4)));
int8_t buf_b[N + 4] __attribute__((aligned(4)));
int8_t buf_o[N + 4] __attribute__((aligned(4)));
static uint32_t kernel_cycles;

static void run(void *arg)
{
    (void)arg;
    uint32_t first, last;
    iss_slice(N, iss_core_id(), iss_team_size(), &first, &last);
    gen_i8(buf_a + OA, first, last, 21);
    gen_i8(buf_b + OB, first, last, 22);
    iss_barrier();
    uint32_t t0 = iss_cycles();
    iss_residual_add(buf_a + OA, buf_b + OB, ALIAS ? buf_a + OA : buf_o + OO, N, SHIFT);
    uint32_t t1 = iss_cycles();
    if (iss_core_id() == 0)
        kernel_cycles = t1 - t0;
}

int main(void)
{
    iss_fork(CORES, run, NULL);
    printf("residual add %u shift %u on %u cores: %lu cycles\n", N, SHIFT, CORES, (unsigned long)kernel_cycles);
    return 0;
}
