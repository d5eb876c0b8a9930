/* Seventeen DMA transfers started and never waited: the 16 transfer ids run out. */
#include <stdint.h>
#include "iss.h"
#include "iss_dma.h"

uint8_t buf[17][4];
uint8_t l2_buf[4] __attribute__((section(".l2_bss")));

__attribute__((noinline)) void do_bad_dma(void)
{
    for (int i = 0; i < 17; i++)
        (void)iss_dma_memcpy((uint32_t)l2_buf, (uint32_t)buf[i], 4, 1);
}

int main(void)
{
    do_bad_dma();
    return 0;
}
