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

/* Per-core CSRs only: the word with the CSR number rewritten, or w itself. */
uint32_t iss_patch_word(uint32_t w)
{
    uint32_t opcode = w & 0x7F, funct3 = (w >> 12) & 7;
    if (opcode == 0x73 && funct3 != 0 && funct3 != 4) { /* csrrw/s/c[i] */
        int idx = percore_csr_index(w >> 20);
        if (idx >= 0)
            return (w & 0x000FFFFF) | ((uint32_t)(PATCH_CSR_BASE + idx) << 20);
    }
    return w;
}

/* The original of a per-core CSR rewrite (other rewrites are in the side table). */
uint32_t iss_unpatch_word(uint32_t w)
{
    static const uint32_t csr[] = {0xF14, 0xB00, 0xB80, 0xB02, 0xB82, 0xC00, 0xC80, 0xC01, 0xC81, 0xC02, 0xC82};
    uint32_t n = w >> 20;
    if ((w & 0x7F) == 0x73 && ((w >> 12) & 7) != 0 && n >= PATCH_CSR_BASE &&
        n < PATCH_CSR_BASE + sizeof csr / sizeof csr[0])
        return (w & 0x000FFFFF) | csr[n - PATCH_CSR_BASE] << 20;
    return w;
}

static inline uint32_t read_insn(const uint8_t *p)
{
    uint16_t lo = (uint16_t)(p[0] | p[1] << 8);
    if (insn_len(lo) == 2)
        return lo;
    return lo | (uint32_t)(p[2] | p[3] << 8) << 16;
}

enum insn_kind { K_ALU, K_LOAD, K_STORE, K_JUMP, K_JALR, K_BRANCH, K_MULH, K_DIV, K_CSR_SLOW, K_FENCE_I };

typedef struct insn_info {
    enum insn_kind kind;
    uint8_t rd;               /* written register, 0 if none */
    uint8_t rd2;              /* second written register (post-increment pointer) */
    uint32_t reads;           /* bit mask of registers read (x0 excluded) */
} insn_info_t;

static bool csr_is_slow(uint32_t csr)
{
    /* CV32E40P: 4 cycles for status/trap CSRs and the counters, 1 for the others */
    return csr == 0x300 || csr == 0x341 || csr == 0x305 || csr == 0x342 ||
           (csr >= 0xB00 && csr <= 0xB9F) || (csr >= 0xC00 && csr <= 0xC9F) || csr == 0x320 ||
           (csr >= 0x323 && csr <= 0x33F);
}

/* Registers and timing class of one original instruction, from the ISA table. */
static insn_info_t decode_insn(uint32_t w, uint32_t exts)
{
    insn_info_t d = {K_ALU, 0, 0, 0};
    const isa_form_t *f = isa_lookup(w, exts);
    if (!f)
        return d;     /* it faults when it runs */
    isa_regs_t r;
    isa_regs(f, w, &r);
    d.rd = r.rd;
    d.rd2 = r.rd2;
    d.reads = r.reads;
    switch (f->cls) {
    case IC_LOAD: d.kind = K_LOAD; break;
    case IC_STORE: d.kind = K_STORE; break;
    case IC_JAL: d.kind = K_JUMP; break;
    case IC_JALR: d.kind = K_JALR; break;
    case IC_BRANCH: d.kind = K_BRANCH; break;
    case IC_MULH: d.kind = K_MULH; break;
    case IC_DIV: d.kind = K_DIV; break;
    case IC_CSR: if (csr_is_slow(w >> 20)) d.kind = K_CSR_SLOW; break;
    case IC_FENCE: if (((w >> 12) & 7) == 1) d.kind = K_FENCE_I; break;
    default: break;
    }
    return d;
}

/* Adds one instruction to the counts, with the CV32E40P timing rules of docs/timing.md.
 * prev is the instruction before it in the same block (NULL for the first one). */
static void count_insn(iss_counts_t *k, const iss_config_t *cfg, uint32_t w, uint32_t len,
                       const insn_info_t *d, const insn_info_t *prev)
{
    k->instret++;
    k->cycles += 1;
    if (len == 2)
        k->rvc++;
    switch (d->kind) {
    case K_LOAD: k->loads++; break;
    case K_STORE: k->stores++; break;
    case K_JUMP: k->jumps++; k->cycles += cfg->jump_cycles; break;
    case K_JALR: k->jumps++; k->cycles += cfg->jump_cycles; break;
    case K_BRANCH: k->branches++; break;
    case K_MULH: k->cycles += cfg->mulh_cycles; break;
    case K_CSR_SLOW: k->cycles += cfg->csr_counter_cycles; break;
    case K_FENCE_I: k->cycles += cfg->fence_i_cycles; break;
    default: break;   /* K_DIV: timed when it executes (operand-dependent) */
    }
    /* a post-increment load's pointer (rd2) is ready at once: only its data (rd) stalls */
    if (prev && prev->rd && (d->reads >> prev->rd & 1)) {
        if (prev->kind == K_LOAD) {
            k->cycles += cfg->load_use_cycles;
            k->ld_stall += cfg->load_use_cycles;
        } else if (d->kind == K_JALR) {
            k->cycles += cfg->jalr_hazard_cycles;
            k->jmp_stall += cfg->jalr_hazard_cycles;
        }
    }
    (void)w;
}

/* The original word at p (addr): rewritten instructions come from the side table. */
static inline uint32_t orig_insn(iss_cluster_t *cl, uint32_t addr, const uint8_t *p)
{
    uint32_t w = read_insn(p);
    return insn_len((uint16_t)w) == 4 ? iss_orig_word(cl, addr, w) : w;
}

int iss_code_word(iss_cluster_t *cl, uint32_t addr, uint32_t *word)
{
    const uint8_t *p = iss_host_ptr(cl, addr, 2);
    if (!p)
        return -1;
    if (insn_len(p[0]) == 4 && !iss_host_ptr(cl, addr, 4))
        return -1;
    *word = orig_insn(cl, addr, p);
    return 0;
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

/* Static counts of the instructions in [start, end) (hazards inside the range only). */
void iss_range_counts(iss_core_t *c, uint32_t start, uint32_t end, iss_counts_t *out)
{
    memset(out, 0, sizeof *out);
    const uint8_t *p = iss_host_ptr(c->cl, start, end > start ? end - start : 1);
    insn_info_t prev, d;
    for (uint32_t off = 0; p && start + off < end;) {
        uint32_t w = orig_insn(c->cl, start + off, p + off), len = insn_len((uint16_t)w);
        d = decode_insn(w, c->cl->exts);
        count_insn(out, &c->cl->cfg, w, len, &d, off ? &prev : NULL);
        prev = d;
        off += len;
    }
}

/* Decode a block; returns false when it held instructions that had to be rewritten
 * (the caller then makes Unicorn translate it again). */
static bool decode_block(iss_core_t *c, iss_block_t *b, uint32_t addr, uint32_t size)
{
    uint8_t *p = iss_host_ptr(c->cl, addr, size);
    bool patched = false;
    memset(b, 0, sizeof *b);
    b->addr = addr;
    b->size = size;
    if (!p)     /* not in memory: Unicorn faults on the fetch */
        return true;
    iss_cluster_t *cl = c->cl;
    insn_info_t prev = {K_ALU, 0, 0, 0}, d = prev;
    for (uint32_t off = 0; off < size;) {
        uint32_t w = orig_insn(cl, addr + off, p + off), len = insn_len((uint16_t)w);
        if (len == 4) {
            const isa_form_t *f = isa_lookup(w, cl->exts);
            uint32_t mem = read_insn(p + off);
            if (mem == w) {               /* not rewritten yet */
                uint32_t nw = iss_rewrite(cl, addr + off, w, f);
                if (nw != w) {
                    memcpy(p + off, &nw, 4);
                    patched = true;
                }
            }
        }
        d = decode_insn(w, cl->exts);
        if (off == 0) {
            b->first_reads = d.reads;
            b->first_is_jalr = d.kind == K_JALR;
        }
        count_insn(&b->cnt, &cl->cfg, w, len, &d, off ? &prev : NULL);
        prev = d;
        off += len;
    }
    if (iss_core_needs_rehook(c))
        patched = true;                   /* translated again once the hook covers it */
    b->last_rd = d.rd;
    b->last_is_load = d.kind == K_LOAD;
    /* for tracing: calls link through ra or t0, returns jump through them without linking */
    if (d.kind == K_JUMP || d.kind == K_JALR) {
        uint32_t link = (1u << 1) | (1u << 5);
        if (d.rd == 1 || d.rd == 5)
            b->last_flow = ISS_FLOW_CALL;
        else if (d.rd == 0 && d.kind == K_JALR && (d.reads & link))
            b->last_flow = ISS_FLOW_RET;
        else if (d.rd == 0)
            b->last_flow = ISS_FLOW_JUMP;
    }
    if (d.kind == K_BRANCH)
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
iss_block_t *iss_block_lookup(iss_core_t *c, uint32_t addr, uint32_t size)
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
