/*
 * The int8 matrix product of firmware/matmul, C[M][N] = A[M][K] x B[K][N] with int32 results,
 * for the CORE-V cores (core.isa = "corev", built with clang-22): the same inputs, the same row
 * split over the cores and the same output, but the inner product runs 4 int8 MACs per
 * cv.sdotsp.b, on words fetched by post-increment loads (cv.lw) in a hardware loop.
 * The columns of B are first transposed into BT (by all cores) so that both operands of a dot
 * product are contiguous. The Python test reads A, B and C from the ELF symbol table.
 */
#include <stdint.h>
#include <stdio.h>
#include "iss.h"
#include "iss_simd.h"

#ifndef M
#define M 64
#endif
#ifndef K
#define K 64
#endif
#ifndef N
#define N 64
#endif

int8_t A[M][K];
int8_t B[K][N];
int32_t C[M][N];
static int8_t BT[N][K];             /* BT[j][k] = B[k][j] */

static uint32_t compute_cycles;

/* Elements i = core, core + nb, ... of a row-major matrix (as firmware/matmul). */
static void fill(int8_t *dst, uint32_t count, uint32_t mul, uint32_t add, uint32_t mod,
                 int32_t offset, unsigned core, unsigned nb)
{
    for (uint32_t i = core; i < count; i += nb)
        dst[i] = (int8_t)((int32_t)((i * mul + add) % mod) - offset);
}

/* sum of a[k] * b[k] for k < len: len / 4 words in a hardware loop (cv.lw, cv.lw,
 * cv.sdotsp.b: 3 instructions, the minimum body), then the len % 4 last bytes one by one.
 * The rows need not be word aligned (a misaligned lw costs a cycle more). */
static int32_t dot_i8(const int8_t *a, const int8_t *b, unsigned len)
{
    int32_t acc = 0;
    unsigned words = len / 4;
    if (words > 0) {                /* a count of 0 would run the body once */
        uint32_t va, vb;
        __asm__ volatile(
            ISS_HWLP_BEGIN
            ISS_CV_SETUP(0, %[n], 1f)
            "cv.lw %[va], (%[pa]), 4\n"
            "cv.lw %[vb], (%[pb]), 4\n"
            "cv.sdotsp.b %[acc], %[va], %[vb]\n"
            "1:\n"
            ISS_HWLP_END
            : [acc] "+r"(acc), [pa] "+r"(a), [pb] "+r"(b), [va] "=&r"(va), [vb] "=&r"(vb)
            : [n] "r"(words)
            : "memory");
    }
    for (unsigned r = len % 4; r > 0; r--)
        acc += *a++ * *b++;
    return acc;
}

static void matmul(void *arg)
{
    (void)arg;
    unsigned core = iss_core_id();
    unsigned nb = iss_num_cores();
    unsigned first = core * M / nb;
    unsigned last = (core + 1) * M / nb;

    fill(&A[0][0], M * K, 37, 11, 251, 125, core, nb);
    fill(&B[0][0], K * N, 53, 7, 241, 120, core, nb);
    iss_barrier();

    uint32_t start = iss_cycles();
    /* the transposition is part of the measured work */
    for (unsigned j = core; j < N; j += nb)
        for (unsigned k = 0; k < K; k++)
            BT[j][k] = B[k][j];
    iss_barrier();
    for (unsigned i = first; i < last; i++)
        for (unsigned j = 0; j < N; j++)
            C[i][j] = dot_i8(A[i], BT[j], K);
    iss_barrier();
    if (core == 0)
        compute_cycles = iss_cycles() - start;

    if (first < last) {
        long long sum = 0;
        for (unsigned i = first; i < last; i++)
            for (unsigned j = 0; j < N; j++)
                sum += C[i][j];
        printf("core %u rows %u-%u sum %lld\n", core, first, last - 1, sum);
    }
}

int main(void)
{
    iss_fork(iss_num_cores(), matmul, NULL);

    long long checksum = 0;
    for (unsigned i = 0; i < M; i++)
        for (unsigned j = 0; j < N; j++)
            checksum += C[i][j];
    printf("checksum %lld\n", checksum);
    printf("cycles %lu\n", (unsigned long)compute_cycles);
    return 0;
}
