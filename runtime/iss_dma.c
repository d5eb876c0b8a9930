/*
 * Cluster DMA runtime state (the calls are static inline in iss_dma.h).
 */
#include "iss_dma.h"

/* Transfer ids allocated by each core and not yet freed, for iss_dma_barrier. */
__thread uint32_t iss_dma_ids;
