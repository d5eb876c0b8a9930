/* A 2-D DMA transfer whose rows run past the end of L2 (its start is inside): a peripheral error. */
#include <stdint.h>
#include "iss.h"
#include "iss_dma.h"

uint8_t buf[64];

__attribute__((noinline)) void do_bad_dma(void)
{
    /* 4 rows of 16 bytes every 2048 from 4088 bytes before the end: the third row is past it */
    iss_dma_wait(iss_dma_memcpy_2d(ISS_L2_BASE + ISS_L2_SIZE - 4088, (uint32_t)buf, 64, 2048, 16, 1));
}

int main(void)
{
    do_bad_dma();
    return 0;
}
