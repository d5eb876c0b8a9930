/*
 * A program to try the debugger on (docs/debugging.md, tests/test_gdb.py): every core runs
 * worker(core), which writes its own slot of a TCDM array; after a barrier core 6 writes
 * `flag`; entry() keeps twice worker's result. Then core 0 fills a TCDM buffer by DMA and
 * checks everything. Exit code 7 when
 * all is right (GDB prints it in octal: "exited with code 07").
 */
#include <stdint.h>
#include <stdio.h>
#include "iss.h"
#include "iss_dma.h"

#define L2_DATA __attribute__((section(".l2_data"), aligned(16)))

volatile int results[ISS_MAX_CORES];
volatile int doubled[ISS_MAX_CORES];
volatile int flag;
uint32_t dma_dst[16] __attribute__((aligned(16)));
uint32_t dma_src[16] L2_DATA = {
    0x1000, 0x1001, 0x1002, 0x1003, 0x1004, 0x1005, 0x1006, 0x1007,
    0x1008, 0x1009, 0x100a, 0x100b, 0x100c, 0x100d, 0x100e, 0x100f,
};

__attribute__((noinline)) int worker(unsigned core)
{
    int value = (int)core * 10 + 1;
    results[core] = value;
    iss_barrier();
    if (core == 6)
        flag = 600;
    return value;
}

static void entry(void *arg)
{
    (void)arg;
    unsigned core = iss_core_id();
    doubled[core] = 2 * worker(core);
}

int main(void)
{
    unsigned nb = iss_num_cores();
    iss_fork(nb, entry, NULL);
    int id = iss_dma_memcpy((uint32_t)dma_src, (uint32_t)dma_dst, sizeof dma_dst, 1);
    iss_dma_wait(id);
    int sum = 0;
    for (unsigned c = 0; c < nb; c++)
        sum += results[c] + doubled[c] / 2 - results[c];
    int ok = sum == (int)(10 * nb * (nb - 1) / 2 + nb) && (nb < 7 || flag == 600) &&
             dma_dst[15] == 0x100f;
    printf("gdb_demo: %u cores, sum %d, flag %d, dma_dst[15] 0x%lx: %s\n", nb, sum, flag,
           (unsigned long)dma_dst[15], ok ? "ok" : "WRONG");
    return ok ? 7 : 1;
}
