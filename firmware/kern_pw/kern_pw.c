/*
 * iss_pointwise (runtime/include/iss_kernels.h) on CORES cores: a 1x1 convolution with the
 * IMA's semantics over H x W pixels, CIN -> COUT, ADC range [-ADC_LOW, ADC_HIGH]. Data from
 * gen.h (input seed 11, weights in [-7, 7] seed 12) or EXTREME; the test reads `out`.
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
#ifndef CIN
#define CIN 20
#endif
#ifndef COUT
#define COUT 13
#endif
#ifndef ADC_LOW
#define ADC_LOW 3000
#endif
#ifndef ADC_HIGH
#define ADC_HIGH 2500
#endif
#ifndef CORES
#define CORES 8
#endif
#ifndef EXTREME
#define EXTREME 0   /* 1: inputs all -128, weights alternately -7 and 7: the largest lane sums */
#endif
#ifndef PACK_WORDS
#define PACK_WORDS 0   /* 1: also pack from SUBMIT_PLOT nibble words built here into packed_words */
#endif

int8_t in[H * W * CIN];
int8_t wt[CIN * COUT];
int32_t packed[ISS_PW_PACKED_WORDS(CIN, COUT)];
volatile uint32_t packed_n = ISS_PW_PACKED_WORDS(CIN, COUT);   /* for the test of iss/mobilenet.py's copy */
int8_t out[H * W * COUT];
#if PACK_WORDS
uint32_t plot_words[CIN * COUT / 8];
int32_t packed_words[ISS_PW_PACKED_WORDS(CIN, COUT)];
#endif
static uint32_t pack_cycles, kernel_cycles;

/* iss_adc on sums around and far outside the ADC range (the test compares with ima_ref.adc). */
int32_t adc_probe_in[] = {INT32_MIN, -ADC_LOW - 1, -ADC_LOW, -ADC_LOW + 1, -1, 0, 1, ADC_HIGH - 1, ADC_HIGH,
                          ADC_HIGH + 1, INT32_MAX, -(ADC_LOW / 3), ADC_HIGH / 7};
int8_t adc_probe_out[sizeof adc_probe_in / sizeof adc_probe_in[0]];

static void run(void *arg)
{
    (void)arg;
    unsigned core = iss_core_id(), nb = iss_team_size();
    uint32_t first, last;
    iss_slice(H * W * CIN, core, nb, &first, &last);
    gen_i8(in, first, last, 11);
    for (uint32_t i = first; EXTREME && i < last; i++)
        in[i] = -128;
    iss_slice(CIN * COUT, core, nb, &first, &last);
    gen_w4(wt, first, last, 12);
    for (uint32_t i = first; EXTREME && i < last; i++)
        wt[i] = i & 1 ? 7 : -7;
    iss_barrier();
#if PACK_WORDS
    /* the IMA's row of plot words: 8 weights a word, lowest nibble first (ima_ref.pack_row) */
    iss_slice(CIN * COUT / 8, core, nb, &first, &last);
    for (uint32_t i = first; i < last; i++) {
        uint32_t word = 0;
        for (uint32_t k = 0; k < 8; k++)
            word |= ((uint32_t)wt[8 * i + k] & 15) << (4 * k);
        plot_words[i] = word;
    }
    iss_barrier();
    iss_pw_pack_words(plot_words, CIN, COUT, packed_words);
#endif
    uint32_t t0 = iss_cycles();
    iss_pw_pack(wt, CIN, COUT, packed);
    uint32_t t1 = iss_cycles();
    iss_pointwise(in, out, packed, H * W, CIN, COUT, ADC_LOW, ADC_HIGH);
    uint32_t t2 = iss_cycles();
    if (core == 0) {
        pack_cycles = t1 - t0;
        kernel_cycles = t2 - t1;
    }
}

int main(void)
{
    iss_fork(CORES, run, NULL);
    for (unsigned i = 0; i < sizeof adc_probe_in / sizeof adc_probe_in[0]; i++)
        adc_probe_out[i] = iss_adc(adc_probe_in[i], ADC_LOW, ADC_HIGH);
    uint32_t macs = H * W * CIN * COUT;
    (void)packed_n;     /* read: kept by the linker */
    printf("pointwise %ux%ux%u -> %u on %u cores: pack %lu cycles, kernel %lu cycles, %lu MACs, %lu.%02lu MAC/cycle\n",
           H, W, CIN, COUT, CORES, (unsigned long)pack_cycles, (unsigned long)kernel_cycles, (unsigned long)macs,
           (unsigned long)(macs / kernel_cycles), (unsigned long)(macs * 100ull / kernel_cycles % 100));
    return 0;
}
