/* Decoding of translation blocks: instruction count, static cycles, and the load-time
 * rewriting Unicorn needs (per-core CSRs and fence.i, see docs/architecture.md).
 * A block is decoded the first time a core enters it and cached by address. */
#include <stdlib.h>
#include <string.h>

#include "iss_native.h"
#include "patch.h"

static inline uint32_t insn_len(uint16_t low) { return (low & 3) == 3 ? 4 : 2; }

/* CSRs Unicorn answers with the same value for every instance (mhartid) or with host
 * time (counters): they are rewritten to custom numbers that trap to our hook. */
static int percore_csr_index(uint32_t csr)
{
    switch (csr) {
    case 0xF14: return PATCH_MHARTID;
    case 0xB00: return PATCH_MCYCLE;
    case 0xB80: return PATCH_MCYCLEH;
    case 0xB02: return PATCH_MINSTRET;
    case 0xB82: return PATCH_MINSTRETH;
    case 0xC00: return PATCH_CYCLE;
    case 0xC80: return PATCH_CYCLEH;
    case 0xC01: return PATCH_TIME;
    case 0xC81: return PATCH_TIMEH;
    case 0xC02: return PATCH_INSTRET;
    case 0xC82: return PATCH_INSTRETH;
    default: return -1;
    }
}

/* Returns the rewritten word, or the word itself when nothing needs rewriting. */
uint32_t iss_patch_word(uint32_t w)
{
    uint32_t opcode = w & 0x7F, funct3 = (w >> 12) & 7;
    if (opcode == 0x0F && funct3 == 1)                  /* fence.i */
        return PATCH_FENCE_I_WORD;
    if (opcode == 0x73 && funct3 != 0 && funct3 != 4) { /* csrrw/s/c[i] */
        int idx = percore_csr_index(w >> 20);
        if (idx >= 0)
            return (w & 0x000FFFFF) | ((uint32_t)(PATCH_CSR_BASE + idx) << 20);
    }
    return w;
}

static inline uint32_t read_insn(const uint8_t *p)
{
    uint16_t lo = (uint16_t)(p[0] | p[1] << 8);
    if (insn_len(lo) == 2)
        return lo;
    return lo | (uint32_t)(p[2] | p[3] << 8) << 16;
}

static inline bool is_cond_branch(uint32_t w, uint32_t len)
{
    if (len == 4)
        return (w & 0x7F) == 0x63;
    /* c.beqz / c.bnez: quadrant 1, funct3 110 / 111 */
    return (w & 3) == 1 && ((w >> 13) & 7) >= 6;
}

/* Adds one instruction to the counts; its static cycles come from the timing rules. */
static void count_insn(iss_counts_t *k, uint32_t w, uint32_t len)
{
    k->instret++;
    k->cycles += 1;
    if (len == 2) {
        uint32_t q = w & 3, f3 = (w >> 13) & 7;
        k->rvc++;
        if ((q == 0 && (f3 == 2)) || (q == 2 && f3 == 2))
            k->loads++;                                  /* c.lw, c.lwsp */
        else if ((q == 0 && f3 == 6) || (q == 2 && f3 == 6))
            k->stores++;                                 /* c.sw, c.swsp */
        else if (q == 1 && (f3 == 1 || f3 == 5))
            k->jumps++;                                  /* c.jal, c.j */
        else if (q == 2 && f3 == 4 && ((w >> 2) & 31) == 0 && ((w >> 7) & 31) != 0)
            k->jumps++;                                  /* c.jr, c.jalr */
        else if (is_cond_branch(w, 2))
            k->branches++;
        return;
    }
    switch (w & 0x7F) {
    case 0x03: k->loads++; break;
    case 0x23: k->stores++; break;
    case 0x6F: case 0x67: k->jumps++; break;
    case 0x63: k->branches++; break;
    default: break;
    }
}

void iss_counts_add(iss_counts_t *a, const iss_counts_t *b)
{
    uint64_t *x = (uint64_t *)a;
    const uint64_t *y = (const uint64_t *)b;
    for (size_t i = 0; i < sizeof *a / sizeof *x; i++)
        x[i] += y[i];
}

void iss_counts_sub(iss_counts_t *a, const iss_counts_t *b)
{
    uint64_t *x = (uint64_t *)a;
    const uint64_t *y = (const uint64_t *)b;
    for (size_t i = 0; i < sizeof *a / sizeof *x; i++)
        x[i] -= y[i];
}

/* Static counts of the instructions in [start, end). */
void iss_range_counts(iss_core_t *c, uint32_t start, uint32_t end, iss_counts_t *out)
{
    memset(out, 0, sizeof *out);
    const uint8_t *p = iss_host_ptr(c->cl, start, end > start ? end - start : 1);
    for (uint32_t off = 0; p && start + off < end;) {
        uint32_t w = read_insn(p + off), len = insn_len((uint16_t)w);
        count_insn(out, w, len);
        off += len;
    }
}

/* Decode a block; returns false when it held instructions that had to be rewritten
 * (the caller then makes Unicorn translate it again). */
static bool decode_block(iss_core_t *c, iss_block_t *b, uint32_t addr, uint32_t size)
{
    uint8_t *p = iss_host_ptr(c->cl, addr, size);
    bool patched = false;
    b->addr = addr;
    b->size = size;
    b->fallthrough = 0;
    memset(&b->cnt, 0, sizeof b->cnt);
    if (!p)     /* not in memory: Unicorn faults on the fetch */
        return true;
    uint32_t last = 0, last_len = 2;
    for (uint32_t off = 0; off < size;) {
        uint32_t w = read_insn(p + off), len = insn_len((uint16_t)w);
        if (len == 4) {
            uint32_t nw = iss_patch_word(w);
            if (nw != w) {
                memcpy(p + off, &nw, 4);
                patched = true;
            }
        }
        count_insn(&b->cnt, w, len);
        last = w;
        last_len = len;
        off += len;
    }
    if (is_cond_branch(last, last_len))
        b->fallthrough = addr + size;
    return !patched;
}

static void cache_grow(iss_block_cache_t *bc)
{
    uint32_t old_cap = bc->slots ? bc->mask + 1 : 0;
    uint32_t cap = old_cap ? old_cap * 2 : 4096;
    iss_block_t *old = bc->slots;
    bc->slots = calloc(cap, sizeof(iss_block_t));
    bc->mask = cap - 1;
    bc->used = 0;
    for (uint32_t i = 0; i < old_cap; i++) {
        if (!old[i].size)
            continue;
        uint32_t h = (old[i].addr >> 1) * 2654435761u;
        for (uint32_t j = h & bc->mask;; j = (j + 1) & bc->mask)
            if (!bc->slots[j].size) {
                bc->slots[j] = old[i];
                bc->used++;
                break;
            }
    }
    free(old);
}

void iss_block_cache_clear(iss_core_t *c)
{
    iss_block_cache_t *bc = &c->blocks;
    if (bc->slots)
        memset(bc->slots, 0, (size_t)(bc->mask + 1) * sizeof(iss_block_t));
    bc->used = 0;
}

/* Returns the block's summary, or NULL when it was rewritten and must be translated again. */
const iss_block_t *iss_block_lookup(iss_core_t *c, uint32_t addr, uint32_t size)
{
    iss_block_cache_t *bc = &c->blocks;
    if (!bc->slots || bc->used * 2 > bc->mask)
        cache_grow(bc);
    uint32_t h = (addr >> 1) * 2654435761u;
    for (uint32_t j = h & bc->mask;; j = (j + 1) & bc->mask) {
        iss_block_t *b = &bc->slots[j];
        if (b->addr == addr && b->size == size)
            return b;
        if (b->size && b->addr != addr)
            continue;
        /* empty slot, or the same address translated with another size */
        if (!b->size)
            bc->used++;
        if (!decode_block(c, b, addr, size)) {
            b->size = 0;
            bc->used--;
            return NULL;
        }
        return b;
    }
}
