/* A DMA transfer that runs past the end of the TCDM: a peripheral error. */
#include <stdint.h>
#include "iss.h"
#include "iss_dma.h"

uint8_t l2_buf[64] __attribute__((section(".l2_bss")));

__attribute__((noinline)) void do_bad_dma(void)
{
    uint32_t end = ISS_TCDM_BASE + ISS_TCDM_SIZE;
    iss_dma_wait(iss_dma_memcpy((uint32_t)l2_buf, end - 16, sizeof l2_buf, 1));
}

int main(void)
{
    do_bad_dma();
    return 0;
}
