/*
 * Cluster DMA: data round trips L2 -> TCDM -> L2 on every core at once, 2-D transfers,
 * transfers in flight waited out of order, the pulp-sdk register sequences (BLE, one id
 * for several commands, the global view) and iss_dma_barrier. The Python test checks the
 * memory through the symbols below and the lines printed.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "iss.h"
#include "iss_dma.h"

#define L2_BSS __attribute__((section(".l2_bss"), aligned(16)))
#define GUARD 16                  /* untouched bytes around every copy */
#define AREA (240 * 1024)

/* ---- round trips: length and the misalignment of the L2 source, TCDM copy, L2 destination */
static const uint32_t specs[][4] = {
    {1, 0, 0, 0}, {3, 1, 2, 3}, {4, 0, 0, 0}, {4, 1, 3, 2}, {100, 2, 1, 3}, {256, 0, 0, 0},
    {257, 3, 3, 1}, {1000, 3, 1, 0}, {4096, 0, 0, 0}, {4097, 1, 2, 3}, {5000, 2, 3, 1},
    {8191, 3, 0, 2}, {70000, 1, 1, 1}, {140000, 2, 0, 3},
};
#define NCASES (sizeof specs / sizeof specs[0])

uint8_t l2_src[AREA] L2_BSS;
uint8_t l2_dst[AREA] L2_BSS;
uint8_t tcdm_buf[AREA] __attribute__((aligned(16)));
/* per case: length, L2 source, TCDM copy, L2 destination (addresses), for the test */
uint32_t dma_cases[NCASES][4];

/* the L2 source pattern (the test computes it too) */
static uint8_t pattern(uint32_t i)
{
    return (uint8_t)(i * 131u + (i >> 8) * 7u + 5u);
}

static void round_trips(void *arg)
{
    (void)arg;
    unsigned core = iss_core_id(), nb = iss_num_cores();
    for (unsigned i = core; i < NCASES; i += nb) {
        uint32_t len = dma_cases[i][0], src = dma_cases[i][1], loc = dma_cases[i][2];
        uint32_t dst = dma_cases[i][3];
        int id = iss_dma_memcpy(src, loc, len, 1);
        iss_dma_wait(id);
        if (i % 2) {
            id = iss_dma_memcpy(dst, loc, len, 0);
            iss_dma_wait(id);
        } else {   /* the barrier waits for the core's transfers and frees their ids */
            (void)iss_dma_memcpy(dst, loc, len, 0);
            iss_dma_barrier();
        }
    }
}

/* ---- 2-D: a tile of an L2 image to the TCDM and back into another image */
#define IMG_H 40
#define IMG_W 64                  /* stride of img */
#define IMG2_W 50                 /* stride of img2 */
#define TILE_Y 3
#define TILE_X 5
#define TILE_H 9
#define TILE_W 17
#define PART_LEN 100              /* 5 rows of 17 and 15 bytes */
#define OUT_Y 2
#define OUT_X 7

uint8_t img[IMG_H * IMG_W] L2_BSS;
uint8_t img2[IMG_H * IMG2_W] L2_BSS;
uint8_t tile[TILE_H * TILE_W];
uint8_t tile_part[PART_LEN + 4];

static void two_d(void)
{
    for (uint32_t i = 0; i < sizeof img; i++)
        img[i] = (uint8_t)(i * 7 + 1);
    memset(tile_part, 0xEE, sizeof tile_part);
    uint32_t at = (uint32_t)&img[TILE_Y * IMG_W + TILE_X];
    int a = iss_dma_memcpy_2d(at, (uint32_t)tile, sizeof tile, IMG_W, TILE_W, 1);
    int b = iss_dma_memcpy_2d(at, (uint32_t)tile_part, PART_LEN, IMG_W, TILE_W, 1);
    iss_dma_wait(a);
    iss_dma_wait(b);
    int c = iss_dma_memcpy_2d((uint32_t)&img2[OUT_Y * IMG2_W + OUT_X], (uint32_t)tile,
                              sizeof tile, IMG2_W, TILE_W, 0);
    iss_dma_wait(c);
    printf("2d ids %d %d %d\n", a, b, c);
}

/* ---- four transfers in flight, waited out of order */
static const uint32_t fly_len[4] = {3000, 500, 2000, 64};
uint8_t fly_tcdm[4][3000];

static void in_flight(void)
{
    int id[4];
    for (int i = 0; i < 4; i++)
        id[i] = iss_dma_memcpy((uint32_t)&l2_src[1000 * i + i], (uint32_t)fly_tcdm[i], fly_len[i], 1);
    uint32_t busy = iss_dma_status();
    static const int order[4] = {3, 1, 0, 2};
    for (int k = 0; k < 4; k++)
        iss_dma_wait(id[order[k]]);
    printf("in flight ids %d %d %d %d status 0x%08lx then 0x%08lx\n", id[0], id[1], id[2], id[3],
           (unsigned long)busy, (unsigned long)iss_dma_status());
}

/* ---- pulp-sdk's plp_dma_* register sequences (hal/dma/mchan_v7.h): BLE set, several
 * commands on one id, plp_dma_barrier's free of every id; then the global view */
uint8_t pulp_tcdm[600];
uint8_t global_tcdm[300];

static void pulp_wait(uint32_t base, int counter)
{
    while (iss_reg_read(base + ISS_DMA_STATUS) & (1u << counter))
        iss_evt_wait(1u << ISS_EVT_DMA0);
    iss_reg_write(base + ISS_DMA_STATUS, 1u << counter);
}

static void pulp_style(void)
{
    uint32_t q = ISS_DMA_BASE + ISS_DMA_CMD;
    uint32_t cmd = ISS_DMA_CMD_TYPE | ISS_DMA_CMD_INC | ISS_DMA_CMD_ELE | ISS_DMA_CMD_BLE;
    int counter = (int)iss_reg_read(q);               /* plp_dma_counter_alloc */
    for (int k = 0; k < 3; k++) {                     /* plp_dma_memcpy_keepCounter style */
        iss_reg_write(q, cmd | 200);
        iss_reg_write(q, (uint32_t)&pulp_tcdm[200 * k]);
        iss_reg_write(q, (uint32_t)&l2_src[7 + 200 * k]);
    }
    pulp_wait(ISS_DMA_BASE, counter);                 /* plp_dma_wait */
    int a = (int)iss_reg_read(q), b = (int)iss_reg_read(q);
    iss_reg_write(ISS_DMA_BASE + ISS_DMA_STATUS, 0xFFFFFFFFu);   /* plp_dma_barrier's free */
    uint32_t after = iss_reg_read(ISS_DMA_BASE + ISS_DMA_STATUS);

    uint32_t g = ISS_CLUSTER_PERIPH_BASE + ISS_DMA_GLOBAL_OFFSET;
    int gid = (int)iss_reg_read(g + ISS_DMA_CMD);
    iss_reg_write(g + ISS_DMA_CMD, ISS_DMA_CMD_TYPE | ISS_DMA_CMD_INC | ISS_DMA_CMD_ELE | 300);
    iss_reg_write(g + ISS_DMA_CMD, (uint32_t)global_tcdm - ISS_TCDM_BASE);   /* the alias at 0 */
    iss_reg_write(g + ISS_DMA_CMD, (uint32_t)&l2_src[11]);
    pulp_wait(g, gid);
    printf("pulp counter %d then %d %d after free 0x%08lx global %d\n", counter, a, b,
           (unsigned long)after, gid);
}

/* ---- the end event goes to the issuing core only, or to every core with BLE */
uint8_t evt_tcdm[64];

static void events(void *arg)
{
    (void)arg;
    unsigned core = iss_core_id();
    uint32_t q = ISS_DMA_BASE + ISS_DMA_CMD;
    iss_reg_write(ISS_EU_CORE_BASE + ISS_EU_CORE_BUFFER_CLEAR, 1u << ISS_EVT_DMA0);
    iss_barrier();
    if (core == 0)
        iss_dma_wait(iss_dma_memcpy((uint32_t)l2_src, (uint32_t)evt_tcdm, sizeof evt_tcdm, 1));
    iss_barrier();
    uint32_t got = iss_reg_read(ISS_EU_CORE_BASE + ISS_EU_CORE_BUFFER) & (1u << ISS_EVT_DMA0);
    iss_barrier();
    if (core == 0) {
        int counter = (int)iss_reg_read(q);
        iss_reg_write(q, ISS_DMA_CMD_TYPE | ISS_DMA_CMD_INC | ISS_DMA_CMD_ELE | ISS_DMA_CMD_BLE | 64);
        iss_reg_write(q, (uint32_t)evt_tcdm);
        iss_reg_write(q, (uint32_t)l2_src);
        pulp_wait(ISS_DMA_BASE, counter);
    } else {
        iss_evt_wait(1u << ISS_EVT_DMA0);   /* only the broadcast can wake it */
        printf("core %u: event of core 0's transfer %d, woken by its broadcast\n", core, got != 0);
    }
}

int main(void)
{
    for (uint32_t i = 0; i < AREA; i++)
        l2_src[i] = pattern(i);
    memset(l2_dst, 0x5A, sizeof l2_dst);
    memset(tcdm_buf, 0xA5, sizeof tcdm_buf);
    uint32_t pos = GUARD;
    for (unsigned i = 0; i < NCASES; i++) {
        dma_cases[i][0] = specs[i][0];
        dma_cases[i][1] = (uint32_t)&l2_src[pos + specs[i][1]];
        dma_cases[i][2] = (uint32_t)&tcdm_buf[pos + specs[i][2]];
        dma_cases[i][3] = (uint32_t)&l2_dst[pos + specs[i][3]];
        pos = (pos + specs[i][0] + 4 + 2 * GUARD + 15) & ~15u;
    }
    if (pos > AREA) {
        printf("areas too small: %lu\n", (unsigned long)pos);
        return 1;
    }
    iss_fork(0, round_trips, 0);
    printf("round trips done\n");
    two_d();
    in_flight();
    pulp_style();
    iss_fork(0, events, 0);
    printf("dma status at end 0x%08lx\n", (unsigned long)iss_dma_status());
    return 0;
}
