/*
 * Deterministic test data shared by the DWA and kernel test programs; tests/kern_data.py
 * replicates it in NumPy. Value i of stream seed: h = (i ^ (seed << 20)) * 2654435761;
 * h ^= h >> 16.
 */
#ifndef GEN_H
#define GEN_H

#include <stdint.h>

static inline uint32_t gen_hash(uint32_t i, uint32_t seed)
{
    uint32_t h = (i ^ (seed << 20)) * 2654435761u;
    return h ^ (h >> 16);
}

/* int8 over the whole range: the low byte of the hash. */
static inline void gen_i8(int8_t *dst, uint32_t first, uint32_t last, uint32_t seed)
{
    for (uint32_t i = first; i < last; i++)
        dst[i] = (int8_t)gen_hash(i, seed);
}

/* int8 in [-7, 7] (IMA weights): (hash >> 8) % 15 - 7. */
static inline void gen_w4(int8_t *dst, uint32_t first, uint32_t last, uint32_t seed)
{
    for (uint32_t i = first; i < last; i++)
        dst[i] = (int8_t)((int32_t)((gen_hash(i, seed) >> 8) % 15u) - 7);
}

/* int32: the hash as a signed value, shifted right arithmetically by shift. */
static inline void gen_i32(int32_t *dst, uint32_t first, uint32_t last, uint32_t seed, unsigned shift)
{
    for (uint32_t i = first; i < last; i++)
        dst[i] = (int32_t)gen_hash(i, seed) >> shift;
}

/* Slice [*first, *last) of n items for core `core` of `nb`. */
static inline void gen_slice(uint32_t n, unsigned core, unsigned nb, uint32_t *first, uint32_t *last)
{
    *first = n / nb * core + (core < n % nb ? core : n % nb);
    *last = *first + n / nb + (core < n % nb);
}

#endif /* GEN_H */
