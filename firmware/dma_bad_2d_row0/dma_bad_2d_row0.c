/* A 2-D DMA transfer with rows of 0 bytes: a peripheral error. */
#include <stdint.h>
#include "iss.h"
#include "iss_dma.h"

uint8_t buf[64];
uint8_t l2_buf[256] __attribute__((section(".l2_bss")));

__attribute__((noinline)) void do_bad_dma(void)
{
    iss_dma_wait(iss_dma_memcpy_2d((uint32_t)l2_buf, (uint32_t)buf, 64, 64, 0, 1));
}

int main(void)
{
    do_bad_dma();
    return 0;
}
