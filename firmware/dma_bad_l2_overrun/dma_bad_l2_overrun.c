/* A DMA transfer that runs past the end of L2: a peripheral error. */
#include <stdint.h>
#include "iss.h"
#include "iss_dma.h"

uint8_t buf[64];

__attribute__((noinline)) void do_bad_dma(void)
{
    iss_dma_wait(iss_dma_memcpy(ISS_L2_BASE + ISS_L2_SIZE - 16, (uint32_t)buf, sizeof buf, 0));
}

int main(void)
{
    do_bad_dma();
    return 0;
}
