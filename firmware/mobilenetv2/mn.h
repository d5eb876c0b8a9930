/*
 * MobileNetV2 firmware: the layer and tile tables the generator (iss/mobilenet.py) fills in
 * mn_data.c. Every address is a 32-bit bus address (L2 or TCDM); every buffer of a layer is an
 * offset in the TCDM work area mn_work (docs/mobilenetv2.md).
 */
#ifndef MN_H
#define MN_H

#include <stdint.h>

enum mn_kind { MN_CONV3X3 = 0, MN_PW = 1, MN_DW = 2, MN_ADD = 3, MN_POOL = 4, MN_FC = 5 };

#define MN_NBUF 10

/* Buffer slots of buf[] by layer kind (unused slots have 0 bytes):
 *   pw       X0 X1 (input chunks)  Y0 Y1 (output chunks)  PART (IMA: partial results of row tiles 1..)
 *            XS (software: a row tile's input slice)  OS (software: a tile's output)  PK (software:
 *            packed weights)  WN0 WN1 (software: SUBMIT_PLOT words)
 *   conv3x3  S0 S1 (zero-padded input stripes)  O0 O1 (output stripes)  IC (software: im2col)
 *            -  OS PK WN0 (as pw)
 *   dw       I0 I1 (input tiles)  O0 O1 (output tiles)  W0 W1 (weights)  B0 B1 (biases)
 *   add      A0 A1  O0 O1  B0 B1
 *   pool     X0 X1 (pixel chunks)  SUM (int32 per channel)  OUT
 *   fc       X (input vector)  OUT  W0 W1 (weight words, group-major)
 */
enum { S_X0 = 0, S_X1, S_Y0, S_Y1, S_PART, S_XS, S_OS, S_PK, S_WN0, S_WN1 };
enum { S_I0 = 0, S_I1, S_O0, S_O1, S_W0, S_W1, S_B0, S_B1 };
enum { S_A0 = 0, S_A1, S_AO0, S_AO1, S_B0A, S_B1A };
enum { S_PX0 = 0, S_PX1, S_SUM, S_POUT };
enum { S_FX = 0, S_FOUT, S_FW0, S_FW1 };
enum { S_S0 = 0, S_S1, S_CO0, S_CO1, S_IC };

typedef struct {
    uint32_t kind;
    uint32_t h, w, cin;                 /* input shape (HWC) */
    uint32_t ho, wo, cout;              /* output shape */
    uint32_t stride;
    uint32_t in, in2, out;              /* L2 addresses of the input(s) and the output */
    int32_t adc_low, adc_high;          /* IMA layers and fc: ADC range of every row tile */
    uint32_t shift, relu;               /* dw, add */
    uint32_t tile0, ntiles, row_tiles;  /* pw, conv3x3: the layer's tiles in mn_tiles */
    uint32_t wts, bias;                 /* dw: weights [3][3][C] int8, bias [C] int32 (L2) */
    uint32_t words;                     /* software pw/conv3x3: the layer's tile words; fc: group-major words */
    uint32_t chunk, nchunks;            /* pw, pool: pixels; add: bytes; conv3x3, dw: output rows; fc: groups */
    uint32_t slice;                     /* dw: channels per tile */
    uint32_t resident;                  /* software: all packed tiles stay in PK for the layer */
    uint32_t buf[MN_NBUF];              /* offsets in mn_work */
} mn_layer_t;

typedef struct {
    uint32_t row0, col0, rows, cols;    /* the window of the layer's weight matrix (rows = inputs) */
    uint32_t rt;                        /* row tile index (row0 / array size) */
    uint32_t array, x, y;               /* Tile&Pack placement: array, column, row */
    uint32_t words;                     /* L2 address of its rows * cols / 8 SUBMIT_PLOT words, window order */
    uint32_t pk;                        /* software, resident: offset of its packed weights in PK */
    uint32_t wn;                        /* software: offset of its words from the layer's first tile's */
} mn_tile_t;

/* per layer: cycles between its markers (core 0's mcycle) and cycles core 0 waited for the DMA */
typedef struct {
    uint32_t cycles, dma_wait;
} mn_stat_t;

#endif /* MN_H */
