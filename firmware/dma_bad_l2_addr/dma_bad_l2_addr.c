/* A DMA transfer from an L2 address outside L2: a peripheral error. */
#include <stdint.h>
#include "iss.h"
#include "iss_dma.h"

uint8_t buf[64];

__attribute__((noinline)) void do_bad_dma(void)
{
    iss_dma_wait(iss_dma_memcpy(0x30000000, (uint32_t)buf, sizeof buf, 1));
}

int main(void)
{
    do_bad_dma();
    return 0;
}
