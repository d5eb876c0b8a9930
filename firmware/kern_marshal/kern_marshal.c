/*
 * iss_hwc_to_chw then iss_chw_to_hwc (runtime/include/iss_kernels.h) on CORES cores: `chw` is
 * the transpose of `hwc` (gen.h seed 31), `back` must equal `hwc`.
 */
#include <stdint.h>
#include <stdio.h>
#include "iss.h"
#include "iss_kernels.h"
#include "../dwa_conv/gen.h"

#ifndef H
#define H 5
#endif
#ifndef W
#define W 7
#endif
#ifndef C
#define C 13
#endif
#ifndef CORES
#define CORES 8
#endif

int8_t hwc[H * W * C];
int8_t chw[H * W * C];
int8_t back[H * W * C];
static uint32_t to_chw_cycles, to_hwc_cycles;

static void run(void *arg)
{
    (void)arg;
    uint32_t first, last;
    iss_slice(H * W * C, iss_core_id(), iss_team_size(), &first, &last);
    gen_i8(hwc, first, last, 31);
    iss_barrier();
    uint32_t t0 = iss_cycles();
    iss_hwc_to_chw(hwc, chw, H, W, C);
    uint32_t t1 = iss_cycles();
    iss_chw_to_hwc(chw, back, H, W, C);
    uint32_t t2 = iss_cycles();
    if (iss_core_id() == 0) {
        to_chw_cycles = t1 - t0;
        to_hwc_cycles = t2 - t1;
    }
}

int main(void)
{
    iss_fork(CORES, run, NULL);
    printf("marshal %ux%ux%u on %u cores: hwc_to_chw %lu cycles, chw_to_hwc %lu cycles\n", H, W, C, CORES,
           (unsigned long)to_chw_cycles, (unsigned long)to_hwc_cycles);
    return 0;
}
