/* A DMA command pushed before any transfer id was allocated: a peripheral error. */
#include <stdint.h>
#include "iss.h"
#include "iss_dma.h"

uint8_t buf[64];
uint8_t l2_buf[64] __attribute__((section(".l2_bss")));

__attribute__((noinline)) void do_bad_dma(void)
{
    iss_dma_push(iss_dma_cmd(sizeof buf, 1, 0), (uint32_t)buf, (uint32_t)l2_buf);
}

int main(void)
{
    do_bad_dma();
    return 0;
}
