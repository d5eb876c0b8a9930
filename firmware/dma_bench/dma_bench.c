/*
 * DMA-heavy kernel (benchmark): each core streams its share of a 1 MiB L2 buffer (zeros,
 * .l2_bss) through the TCDM in double-buffered 2 KiB chunks, adds 0x01010101 to every word
 * and streams the result back to L2. Core 0 prints the sum of the output words (summed by each core in the TCDM), which is
 * (TOTAL / 4) * 0x01010101 mod 2^32.
 */
#include <stdint.h>
#include <stdio.h>
#include "iss.h"
#include "iss_dma.h"

#ifndef TOTAL
#define TOTAL (1 << 20)
#endif
#define CHUNK 2048

uint8_t src[TOTAL] __attribute__((section(".l2_bss"), aligned(4)));
uint8_t dst[TOTAL] __attribute__((section(".l2_bss"), aligned(4)));
static uint8_t buf[ISS_MAX_CORES][2][CHUNK] __attribute__((aligned(4)));
static uint32_t partial[ISS_MAX_CORES];

static void stream(void *arg)
{
    (void)arg;
    unsigned core = iss_core_id(), nb = iss_num_cores();
    uint32_t share = TOTAL / nb, first = core * share;
    uint32_t chunks = share / CHUNK;
    int in = iss_dma_memcpy((uint32_t)&src[first], (uint32_t)buf[core][0], CHUNK, 1);
    for (uint32_t k = 0; k < chunks; k++) {
        uint8_t *cur = buf[core][k & 1];
        iss_dma_wait(in);
        if (k + 1 < chunks)                                  /* prefetch the next chunk */
            in = iss_dma_memcpy((uint32_t)&src[first + (k + 1) * CHUNK],
                                (uint32_t)buf[core][(k + 1) & 1], CHUNK, 1);
        uint32_t *w = (uint32_t *)cur, sum = 0;
        for (int j = 0; j < CHUNK / 4; j++) {
            w[j] += 0x01010101u;
            sum += w[j];
        }
        partial[core] += sum;
        int out = iss_dma_memcpy((uint32_t)&dst[first + k * CHUNK], (uint32_t)cur, CHUNK, 0);
        iss_dma_wait(out);
    }
}

int main(void)
{
    iss_fork(0, stream, 0);
    uint32_t sum = 0;
    for (unsigned c = 0; c < iss_num_cores(); c++)
        sum += partial[c];
    printf("checksum %lu\n", (unsigned long)sum);
    return 0;
}
