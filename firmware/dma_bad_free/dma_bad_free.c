/* Core 1 frees a DMA transfer id it never allocated: a peripheral error. */
#include <stdint.h>
#include "iss.h"
#include "iss_dma.h"

__attribute__((noinline)) void do_bad_dma(void)
{
    iss_dma_free(5);
}

static void on_cores(void *arg)
{
    (void)arg;
    if (iss_core_id() == 1)
        do_bad_dma();
}

int main(void)
{
    iss_fork(2, on_cores, 0);
    return 0;
}
