/* A load from the DMA register block where there is no register: a peripheral error. */
#include <stdint.h>
#include "iss.h"
#include "iss_dma.h"

__attribute__((noinline)) int do_bad_dma(void)
{
    return (int)iss_reg_read(ISS_DMA_BASE + 0x8);
}

int main(void)
{
    return do_bad_dma();
}
