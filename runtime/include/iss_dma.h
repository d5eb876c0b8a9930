/*
 * Cluster DMA (MCHAN v7 programming model): copies between L2 and the TCDM that run
 * while the cores compute. docs/dma.md describes the registers, the timing and the errors.
 *
 *   int id = iss_dma_memcpy(l2_addr, tcdm_addr, len, 1);   // L2 -> TCDM
 *   ...compute on other data...
 *   iss_dma_wait(id);                                       // sleeps until it is done
 *
 * Each call allocates a transfer id (16 in all, shared by the cores) that iss_dma_wait or
 * iss_dma_barrier frees. The calls use the calling core's register view, and the end of a
 * transfer wakes only that core (event line ISS_EVT_DMA0). Code written for pulp-sdk's
 * plp_dma_* (hal/dma/mchan_v7.h) drives the same registers the same way.
 */
#ifndef ISS_DMA_H
#define ISS_DMA_H

#include <stdint.h>
#include "iss.h"

/* Largest length of one command (LEN is 17 bits); longer 1-D copies become several commands. */
#define ISS_DMA_LEN_MAX ISS_DMA_CMD_LEN_MASK

/* Transfer ids the calling core has allocated and not yet freed (one word per core, TLS). */
extern __thread uint32_t iss_dma_ids;

/* Allocate a transfer id for the next commands of the calling core (CMD read). */
static inline int iss_dma_alloc(void)
{
    int id = (int)iss_reg_read(ISS_DMA_BASE + ISS_DMA_CMD);
    iss_dma_ids |= 1u << id;
    return id;
}

/* Free transfer id (the STATUS write of pulp-sdk's plp_dma_counter_free). */
static inline void iss_dma_free(int id)
{
    iss_reg_write(ISS_DMA_BASE + ISS_DMA_STATUS, 1u << id);
    iss_dma_ids &= ~(1u << id);
}

/* STATUS: bit id set while transfers of that id are in flight (bits 31:16: allocated ids). */
static inline uint32_t iss_dma_status(void)
{
    return iss_reg_read(ISS_DMA_BASE + ISS_DMA_STATUS);
}

/* Command word: len bytes, with the end event to the calling core. */
static inline uint32_t iss_dma_cmd(uint32_t len, int ext2loc, int is_2d)
{
    return (len & ISS_DMA_CMD_LEN_MASK) | (ext2loc ? ISS_DMA_CMD_TYPE : 0) | ISS_DMA_CMD_INC |
           (is_2d ? ISS_DMA_CMD_2D_EXT : 0) | ISS_DMA_CMD_ELE;
}

/* Push a 1-D command on the current id: command word, TCDM address, L2 address. */
static inline void iss_dma_push(uint32_t cmd, uint32_t loc, uint32_t ext)
{
    uint32_t q = ISS_DMA_BASE + ISS_DMA_CMD;
    iss_reg_write(q, cmd);
    iss_reg_write(q, loc);
    iss_reg_write(q, ext);
}

/* Push a 2-D command: then the row length and the stride (pulp-sdk's order). */
static inline void iss_dma_push_2d(uint32_t cmd, uint32_t loc, uint32_t ext, uint32_t stride,
                                   uint32_t row_len)
{
    iss_dma_push(cmd, loc, ext);
    iss_reg_write(ISS_DMA_BASE + ISS_DMA_CMD, row_len);
    iss_reg_write(ISS_DMA_BASE + ISS_DMA_CMD, stride);
}

/*
 * Copy len bytes between ext (L2) and loc (TCDM, 0x10000000-based or the alias at 0):
 * L2 to TCDM if ext2loc, else TCDM to L2. No alignment restriction. Returns the id to wait on.
 */
static inline int iss_dma_memcpy(uint32_t ext, uint32_t loc, uint32_t len, int ext2loc)
{
    int id = iss_dma_alloc();
    while (len > ISS_DMA_LEN_MAX) {   /* several commands on the same id */
        iss_dma_push(iss_dma_cmd(ISS_DMA_LEN_MAX, ext2loc, 0), loc, ext);
        ext += ISS_DMA_LEN_MAX;
        loc += ISS_DMA_LEN_MAX;
        len -= ISS_DMA_LEN_MAX;
    }
    iss_dma_push(iss_dma_cmd(len, ext2loc, 0), loc, ext);
    return id;
}

/*
 * 2-D copy, 2-D on the L2 side: len bytes in rows of row_len bytes, one row every stride
 * bytes from ext in L2 (the last row may be shorter), contiguous from loc in the TCDM.
 * Returns the id to wait on.
 */
static inline int iss_dma_memcpy_2d(uint32_t ext, uint32_t loc, uint32_t len, uint32_t stride,
                                    uint32_t row_len, int ext2loc)
{
    int id = iss_dma_alloc();
    if (len > ISS_DMA_LEN_MAX && row_len > ISS_DMA_LEN_MAX) {
        /* rows longer than one command: each row as 1-D commands */
        for (uint32_t row = ext; len; row += stride) {
            uint32_t done = 0, n = len < row_len ? len : row_len;
            while (done < n) {
                uint32_t k = n - done < ISS_DMA_LEN_MAX ? n - done : ISS_DMA_LEN_MAX;
                iss_dma_push(iss_dma_cmd(k, ext2loc, 0), loc + done, row + done);
                done += k;
            }
            loc += n;
            len -= n;
        }
        return id;
    }
    /* longer than one command: whole rows per command */
    uint32_t rows = row_len ? ISS_DMA_LEN_MAX / row_len : 0;
    while (len > ISS_DMA_LEN_MAX && rows) {
        iss_dma_push_2d(iss_dma_cmd(rows * row_len, ext2loc, 1), loc, ext, stride, row_len);
        ext += rows * stride;
        loc += rows * row_len;
        len -= rows * row_len;
    }
    iss_dma_push_2d(iss_dma_cmd(len, ext2loc, 1), loc, ext, stride, row_len);
    return id;
}

/* Sleep until the transfers of id are done, then free id (as pulp-sdk's plp_dma_wait). */
static inline void iss_dma_wait(int id)
{
    while (iss_dma_status() & (1u << id))
        iss_evt_wait(1u << ISS_EVT_DMA0);
    iss_dma_free(id);
}

/* Wait for every transfer the calling core started, and free their ids. */
static inline void iss_dma_barrier(void)
{
    uint32_t ids = iss_dma_ids;
    if (!ids)
        return;
    while (iss_dma_status() & ids)
        iss_evt_wait(1u << ISS_EVT_DMA0);
    iss_reg_write(ISS_DMA_BASE + ISS_DMA_STATUS, ids);
    iss_dma_ids = 0;
}

#endif /* ISS_DMA_H */
