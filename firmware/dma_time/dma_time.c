/*
 * Time of one DMA transfer as the firmware sees it: iss_cycles() around the start and the
 * wait of LEN bytes (L2 to TCDM when DIR is 1). The test compares it with the formula of
 * docs/dma.md; the difference is the instruction overhead of the calls. With CONTEND=1 the
 * other cores load from every TCDM bank meanwhile (bank conflicts with the DMA's words).
 */
#include <stdint.h>
#include <stdio.h>
#include "iss.h"
#include "iss_dma.h"

#ifndef LEN
#define LEN 4096
#endif
#ifndef DIR
#define DIR 1
#endif
#ifndef CONTEND
#define CONTEND 0
#endif

uint8_t l2_buf[LEN] __attribute__((section(".l2_bss"), aligned(16)));
uint8_t tcdm_buf[LEN] __attribute__((aligned(16)));
volatile uint32_t hammer[ISS_TCDM_BANKS];   /* one word in every bank */
volatile int done;

static void measure(void)
{
    uint32_t t0 = iss_cycles();
    int id = iss_dma_memcpy((uint32_t)l2_buf, (uint32_t)tcdm_buf, LEN, DIR);
    iss_dma_wait(id);
    uint32_t t1 = iss_cycles();
    printf("dma %u bytes dir %d: %lu cycles\n", (unsigned)LEN, DIR, (unsigned long)(t1 - t0));
}

/* loop heads word-aligned: a 32-bit loop head at a halfword address costs a cycle per
 * iteration (CV32E40P RTL), which would thin out the loads on the banks */
__attribute__((optimize("align-loops=4")))
static void contend(void *arg)
{
    (void)arg;
    if (iss_core_id() == 0) {
        measure();
        done = 1;
        return;
    }
    uint32_t sum = 0;
    while (!done)
        for (int i = 0; i < ISS_TCDM_BANKS; i++)
            sum += hammer[i];
    hammer[0] = sum;
}

int main(void)
{
    if (CONTEND)
        iss_fork(0, contend, 0);
    else
        measure();
    return 0;
}
