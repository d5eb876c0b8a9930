/* A DMA command with 2-D on the TCDM side (2D_TCDM): not modelled, an error. */
#include <stdint.h>
#include "iss.h"
#include "iss_dma.h"

uint8_t buf[64];
uint8_t l2_buf[64] __attribute__((section(".l2_bss")));

__attribute__((noinline)) void do_bad_dma(void)
{
    int id = iss_dma_alloc();
    iss_dma_push(iss_dma_cmd(sizeof buf, 1, 0) | ISS_DMA_CMD_2D_TCDM, (uint32_t)buf, (uint32_t)l2_buf);
    iss_dma_wait(id);
}

int main(void)
{
    do_bad_dma();
    return 0;
}
