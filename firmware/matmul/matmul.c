/*
 * int8 matrix product C[M][N] = A[M][K] x B[K][N] with int32 results, in the
 * TCDM, rows split over all cores. The inputs come from a generator the Python
 * test replicates; it reads A, B and C from the ELF symbol table.
 */
#include <stdint.h>
#include <stdio.h>
#include "iss.h"

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

static uint32_t compute_cycles;

/* Elements i = core, core + nb, ... of a row-major matrix. */
static void fill(int8_t *dst, uint32_t count, uint32_t mul, uint32_t add, uint32_t mod,
                 int32_t offset, unsigned core, unsigned nb)
{
    for (uint32_t i = core; i < count; i += nb)
        dst[i] = (int8_t)((int32_t)((i * mul + add) % mod) - offset);
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
    for (unsigned i = first; i < last; i++) {
        for (unsigned j = 0; j < N; j++) {
            int32_t acc = 0;
            for (unsigned k = 0; k < K; k++)
                acc += A[i][k] * B[k][j];
            C[i][j] = acc;
        }
    }
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
