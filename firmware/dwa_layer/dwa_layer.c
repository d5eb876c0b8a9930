/*
 * A whole depthwise layer on the DWA with its tensors in L2 (the test writes l2_in, l2_w and
 * l2_bias before the run and reads l2_out): tiles of CT channels are brought to the TCDM by
 * 2-D DMA transfers (rows of CT bytes every C), double-buffered so that the transfers of the
 * next and the previous tile run while the DWA computes. -D H, W, C, CT, STRIDE, PAD, SHIFT, RELU.
 */
#include <stdint.h>
#include <stdio.h>
#include "iss.h"
#include "iss_dma.h"
#include "iss_dwa.h"

#ifndef H
#define H 56
#endif
#ifndef W
#define W 56
#endif
#ifndef C
#define C 192
#endif
#ifndef CT
#define CT 32
#endif
#ifndef STRIDE
#define STRIDE 1
#endif
#ifndef PAD
#define PAD 1
#endif
#ifndef SHIFT
#define SHIFT 8
#endif
#ifndef RELU
#define RELU 1
#endif

#define OH ((H + 2 * PAD - 3) / STRIDE + 1)
#define OW ((W + 2 * PAD - 3) / STRIDE + 1)
#define NT (C / CT)

#if C % CT
#error C must be a multiple of CT
#endif

int8_t l2_in[H * W * C] __attribute__((section(".l2_bss")));
int8_t l2_w[9 * C] __attribute__((section(".l2_bss")));
int32_t l2_bias[C] __attribute__((section(".l2_bss")));
int8_t l2_out[OH * OW * C] __attribute__((section(".l2_bss")));

static int8_t tin[2][H * W * CT];
static int8_t tout[2][OH * OW * CT];
static int8_t tw[2][9 * CT];
static int32_t tb[2][CT];

/* The three input transfers of tile t into buffer t & 1, on one id. */
static int load(unsigned t)
{
    unsigned b = t & 1;
    int id = iss_dma_memcpy_2d((uint32_t)(l2_in + t * CT), (uint32_t)tin[b], H * W * CT, C, CT, 1);
    iss_dma_push_2d(iss_dma_cmd(9 * CT, 1, 1), (uint32_t)tw[b], (uint32_t)(l2_w + t * CT), C, CT);
    iss_dma_push(iss_dma_cmd(4 * CT, 1, 0), (uint32_t)tb[b], (uint32_t)(l2_bias + t * CT));
    return id;
}

int main(void)
{
    int in_id[2] = {-1, -1}, out_id[2] = {-1, -1};
    uint32_t t0 = iss_cycles();
    in_id[0] = load(0);
    for (unsigned t = 0; t < NT; t++) {
        unsigned b = t & 1;
        iss_dma_wait(in_id[b]);
        if (t + 1 < NT)
            in_id[b ^ 1] = load(t + 1);
        if (out_id[b] >= 0)
            iss_dma_wait(out_id[b]);
        iss_dwa_acquire();
        iss_dwa_conv3x3(tin[b], tout[b], tw[b], tb[b], H, W, CT, STRIDE, PAD, SHIFT, RELU);
        iss_dwa_wait();
        out_id[b] = iss_dma_memcpy_2d((uint32_t)(l2_out + t * CT), (uint32_t)tout[b], OH * OW * CT, C, CT, 0);
    }
    iss_dma_barrier();
    uint32_t cycles = iss_cycles() - t0;
    printf("layer %ux%ux%u stride %u in %u tiles of %u channels: %lu cycles\n", H, W, C, STRIDE, NT, CT,
           (unsigned long)cycles);
    return 0;
}
