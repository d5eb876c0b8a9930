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
/* The custom number a per-core CSR is rewritten to (0: none): Unicorn answers mhartid with 0 on
 * every instance, the counters with host time, and keeps the hardware performance counters as
 * plain registers; the custom numbers trap to our hook, which answers per core. None of them
 * exists on CV32E40P. */
uint32_t iss_csr_alias(uint32_t csr)
{
    switch (csr) {
    case 0xF14: return PATCH_CSR_BASE + PATCH_MHARTID;
    case 0xB00: return PATCH_CSR_BASE + PATCH_MCYCLE;
    case 0xB80: return PATCH_CSR_BASE + PATCH_MCYCLEH;
    case 0xB02: return PATCH_CSR_BASE + PATCH_MINSTRET;
    case 0xB82: return PATCH_CSR_BASE + PATCH_MINSTRETH;
    case 0xC00: return PATCH_CSR_BASE + PATCH_CYCLE;
    case 0xC80: return PATCH_CSR_BASE + PATCH_CYCLEH;
    case 0xC01: return PATCH_CSR_BASE + PATCH_TIME;
    case 0xC81: return PATCH_CSR_BASE + PATCH_TIMEH;
    case 0xC02: return PATCH_CSR_BASE + PATCH_INSTRET;
    case 0xC82: return PATCH_CSR_BASE + PATCH_INSTRETH;
    case 0x320: return PATCH_HPM_EVENT;                       /* mcountinhibit */
    default: break;
    }
    if (csr >= 0xB03 && csr <= 0xB1F) return PATCH_HPM_COUNTER + (csr - 0xB00);
    if (csr >= 0xB83 && csr <= 0xB9F) return PATCH_HPM_COUNTERH + (csr - 0xB80);
    if (csr >= 0x323 && csr <= 0x33F) return PATCH_HPM_EVENT + (csr - 0x320);
    return 0;
}

/* The CSR a custom number stands for (0: none). */
uint32_t iss_csr_unalias(uint32_t n)
{
    static const uint32_t base[] = {0xF14, 0xB00, 0xB80, 0xB02, 0xB82, 0xC00, 0xC80, 0xC01, 0xC81, 0xC02, 0xC82};
    if (n >= PATCH_CSR_BASE && n < PATCH_CSR_BASE + sizeof base / sizeof base[0])
        return base[n - PATCH_CSR_BASE];
    if (n >= PATCH_HPM_COUNTER + 3 && n < PATCH_HPM_COUNTER + 32) return 0xB00 + (n - PATCH_HPM_COUNTER);
    if (n >= PATCH_HPM_COUNTERH + 3 && n < PATCH_HPM_COUNTERH + 32) return 0xB80 + (n - PATCH_HPM_COUNTERH);
    if (n == PATCH_HPM_EVENT) return 0x320;
    if (n >= PATCH_HPM_EVENT + 3 && n < PATCH_HPM_EVENT + 32) return 0x320 + (n - PATCH_HPM_EVENT);
    return 0;
}

/* Per-core CSRs only: the word with the CSR number rewritten, or w itself. */
uint32_t iss_patch_word(uint32_t w)
{
    uint32_t opcode = w & 0x7F, funct3 = (w >> 12) & 7;
    if (opcode == 0x73 && funct3 != 0 && funct3 != 4) { /* csrrw/s/c[i] */
        uint32_t n = iss_csr_alias(w >> 20);
        if (n)
            return (w & 0x000FFFFF) | (n << 20);
    }
    return w;
}

/* The original of a per-core CSR rewrite (other rewrites are in the side table). */
uint32_t iss_unpatch_word(uint32_t w)
{
    uint32_t n = iss_csr_unalias(w >> 20);
    if ((w & 0x7F) == 0x73 && ((w >> 12) & 7) != 0 && n)
        return (w & 0x000FFFFF) | n << 20;
    return w;
}

static inline uint32_t read_insn(const uint8_t *p)
{
    uint16_t lo = (uint16_t)(p[0] | p[1] << 8);
    if (insn_len(lo) == 2)
        return lo;
    return lo | (uint32_t)(p[2] | p[3] << 8) << 16;
}

enum insn_kind { K_ALU, K_LOAD, K_STORE, K_JUMP, K_JALR, K_BRANCH, K_MULH, K_DIV, K_CSR_SLOW, K_FENCE_I, K_FENCE };

typedef struct insn_info {
    enum insn_kind kind;
    uint8_t rd;               /* written register, 0 if none */
    uint8_t rd2;              /* second written register (post-increment pointer) */
    uint32_t reads;           /* bit mask of registers read (x0 excluded) */
    bool base;                /* an RV32I/C form (the misalignment analysis knows it) */
    bool ld_stalled;          /* count_insn: it stalled on the load just before it */
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
    insn_info_t d = {K_ALU, 0, 0, 0, false, false};
    const isa_form_t *f = isa_lookup(w, exts);
    if (!f)
        return d;     /* it faults when it runs */
    isa_regs_t r;
    isa_regs(f, w, &r);
    d.rd = r.rd;
    d.rd2 = r.rd2;
    d.reads = r.reads;
    d.base = f->ext == EXT_I || f->ext == EXT_C;
    switch (f->cls) {
    case IC_LOAD: d.kind = K_LOAD; break;
    case IC_STORE: d.kind = K_STORE; break;
    case IC_JAL: d.kind = K_JUMP; break;
    case IC_JALR: d.kind = K_JALR; break;
    case IC_BRANCH: d.kind = K_BRANCH; break;
    case IC_MULH: d.kind = K_MULH; break;
    case IC_DIV: d.kind = K_DIV; break;
    case IC_CSR: if (csr_is_slow(w >> 20)) d.kind = K_CSR_SLOW; break;
    case IC_FENCE: d.kind = ((w >> 12) & 7) == 1 ? K_FENCE_I : K_FENCE; break;
    default: break;
    }
    return d;
}

/* Adds one instruction to the counts, with the CV32E40P timing rules of docs/timing.md.
 * prev and prev2 are the instructions before it in the same block (NULL at its start). */
static void count_insn(iss_counts_t *k, const iss_config_t *cfg, uint32_t len, insn_info_t *d,
                       const insn_info_t *prev, const insn_info_t *prev2)
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
    case K_FENCE: k->cycles += cfg->fence_cycles; break;
    default: break;   /* K_DIV: timed when it executes (operand-dependent) */
    }
    /* CV32E40P RTL: one stall when an instruction reads or rewrites (WAW) the register loaded
     * just before; a jalr stalls one more on a register written by the instruction before it,
     * one on a register loaded two instructions before. Jumps and taken branches end blocks:
     * the hazards after them (none) are in the block hook. */
    d->ld_stalled = false;
    uint32_t r = prev ? prev->rd : 0;   /* a post-increment load's pointer (rd2) is ready at once */
    if (r && prev->kind == K_LOAD && ((d->reads >> r & 1) || d->rd == r)) {
        k->cycles += cfg->load_use_cycles;
        k->ld_stall += cfg->load_use_cycles;
        d->ld_stalled = true;
        if (d->kind == K_JALR && (d->reads >> r & 1)) {
            k->cycles += cfg->jalr_hazard_cycles;
            k->jmp_stall += cfg->jalr_hazard_cycles;
        }
    } else if (d->kind == K_JALR && ((r && (d->reads >> r & 1)) ||
               (prev2 && prev2->kind == K_LOAD && prev2->rd && (d->reads >> prev2->rd & 1) &&
                !prev->ld_stalled))) {
        k->cycles += cfg->jalr_hazard_cycles;
        k->jmp_stall += cfg->jalr_hazard_cycles;
    }
}

/* ---- misaligned accesses (docs/timing.md): the address of each halfword or word access as
 * an entry register of the block plus a constant, known modulo 4 ---- */
typedef struct sym { uint8_t known, reg, low; } sym_t;

static inline int32_t sext(uint32_t v, unsigned bits) { return (int32_t)(v << (32 - bits)) >> (32 - bits); }

static inline void sym_set(sym_t *s, uint32_t rd, sym_t v) { if (rd) s[rd] = v; }
static inline sym_t sym_const(uint32_t low) { return (sym_t){1, 0, (uint8_t)(low & 3)}; }
static inline sym_t sym_plus(sym_t v, uint32_t c) { v.low = (uint8_t)((v.low + c) & 3); return v; }
static inline sym_t sym_add(sym_t a, sym_t b)
{
    if (a.known && b.known && (!a.reg || !b.reg))
        return (sym_t){1, (uint8_t)(a.reg | b.reg), (uint8_t)((a.low + b.low) & 3)};
    return (sym_t){0, 0, 0};
}

/* The access w makes (size 2 or 4, base register, offset); false if none that can cross. */
static bool mem_access(uint32_t w, uint32_t len, uint32_t *size, uint32_t *base, uint32_t *off)
{
    if (len == 2) {
        uint32_t q = w & 3, f3 = (w >> 13) & 7;
        *size = 4;
        *off = 0;     /* compressed word offsets are multiples of 4 */
        if (q == 0 && (f3 == 2 || f3 == 6)) { *base = 8 + ((w >> 7) & 7); return true; }  /* c.lw, c.sw */
        if (q == 2 && (f3 == 2 || f3 == 6)) { *base = 2; return true; }                   /* c.lwsp, c.swsp */
        return false;
    }
    uint32_t op = w & 0x7F, f3 = (w >> 12) & 7;
    if (op == 0x03 && (f3 == 1 || f3 == 2 || f3 == 5))
        *off = (uint32_t)sext(w >> 20, 12);
    else if (op == 0x23 && (f3 == 1 || f3 == 2))
        *off = (uint32_t)sext(((w >> 25) << 5) | ((w >> 7) & 31), 12);
    else
        return false;
    *size = (f3 & 3) == 2 ? 4 : 2;
    *base = (w >> 15) & 31;
    return true;
}

/* What w (at pc) leaves in its destination registers. */
static void sym_step(sym_t *s, uint32_t w, uint32_t len, uint32_t pc, const insn_info_t *d)
{
    sym_t unknown = {0, 0, 0};
    if (d->rd2)
        s[d->rd2] = unknown;
    if (!d->rd)
        return;
    if (!d->base) {                     /* an extension's form: not followed */
        s[d->rd] = unknown;
        return;
    }
    if (len == 2) {
        uint32_t q = w & 3, f3 = (w >> 13) & 7, r1 = (w >> 7) & 31, r2 = (w >> 2) & 31;
        uint32_t imm6 = (uint32_t)sext(((w >> 12) & 1) << 5 | ((w >> 2) & 31), 6);
        if (q == 0 && f3 == 0) s[d->rd] = s[2];                          /* c.addi4spn: sp + 4k */
        else if (q == 1 && f3 == 0) s[d->rd] = sym_plus(s[r1], imm6);     /* c.addi */
        else if (q == 1 && f3 == 2) s[d->rd] = sym_const(imm6);           /* c.li */
        else if (q == 1 && f3 == 3) { if (r1 != 2) s[d->rd] = sym_const(0); }  /* c.lui; c.addi16sp: 16k */
        else if (q == 1 && f3 == 4 && ((w >> 10) & 3) == 2 && !(imm6 & 3)) s[d->rd] = sym_const(0); /* c.andi */
        else if (q == 2 && f3 == 0 && r2 >= 2) s[d->rd] = sym_const(0);   /* c.slli by 2 or more */
        else if (q == 2 && f3 == 4 && r2 && !((w >> 12) & 1)) s[d->rd] = s[r2];            /* c.mv */
        else if (q == 2 && f3 == 4 && r2) s[d->rd] = sym_add(s[r1], s[r2]);                /* c.add */
        else s[d->rd] = unknown;
        return;
    }
    uint32_t op = w & 0x7F, f3 = (w >> 12) & 7, rs1 = (w >> 15) & 31, rs2 = (w >> 20) & 31;
    uint32_t imm = (uint32_t)sext(w >> 20, 12);
    sym_t v = unknown;
    if (op == 0x13 && f3 == 0) v = sym_plus(s[rs1], imm);                           /* addi, mv, li */
    else if (op == 0x13 && f3 == 1 && rs2 >= 2) v = sym_const(0);                   /* slli by 2 or more */
    else if (op == 0x13 && f3 == 7 && !(imm & 3)) v = sym_const(0);                 /* andi */
    else if (op == 0x37) v = sym_const(0);                                          /* lui */
    else if (op == 0x17) v = sym_const(pc);                                         /* auipc */
    else if (op == 0x33 && f3 == 0 && (w >> 25) == 0) v = sym_add(s[rs1], s[rs2]);  /* add */
    sym_set(s, d->rd, v);
}

/* Records the misalignment check of the access w at byte pos of block b, given the
 * registers' values s before it. */
static void mis_check(iss_block_t *b, const sym_t *s, uint32_t w, uint32_t len, uint32_t pos,
                      const insn_info_t *d)
{
    uint32_t size, base, off;
    if (!d->base || (d->kind != K_LOAD && d->kind != K_STORE) || !mem_access(w, len, &size, &base, &off) || !s[base].known || b->nmis == ISS_MIS_CHECKS)
        return;
    sym_t a = sym_plus(s[base], off);
    uint8_t cross = 0;
    for (uint32_t k = 0; k < 4; k++)
        if (((k + a.low) & 3) + size > 4)
            cross |= (uint8_t)(1u << k);
    if (a.reg == 0 || a.reg == 2) {     /* a constant, or sp (psABI: 16-byte aligned) plus one */
        if (!(cross & 1))
            return;                     /* never crosses */
        a.reg = 0;                      /* always crosses */
    }
    iss_mis_check_t m = {(uint16_t)pos, a.reg, cross};
    uint32_t i = b->nmis++;
    for (; i && b->mis[i - 1].reg > m.reg; i--)   /* sorted by register: one read each */
        b->mis[i] = b->mis[i - 1];
    b->mis[i] = m;
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
    insn_info_t i1, i2, d;
    for (uint32_t off = 0, n = 0; p && start + off < end; n++) {
        uint32_t w = orig_insn(c->cl, start + off, p + off), len = insn_len((uint16_t)w);
        d = decode_insn(w, c->cl->exts);
        count_insn(out, &c->cl->cfg, len, &d, n ? &i1 : NULL, n > 1 ? &i2 : NULL);
        i2 = i1;
        i1 = d;
        off += len;
    }
}

/* Cycles of the instruction at `second` when the one at `first` runs just before it (a loop's
 * back edge), hazards included. */
uint64_t iss_pair_cycles(iss_core_t *c, uint32_t first, uint32_t second)
{
    const uint8_t *p1 = iss_host_ptr(c->cl, first, 4), *p2 = iss_host_ptr(c->cl, second, 4);
    if (!p1 || !p2)
        return 1;
    uint32_t w1 = orig_insn(c->cl, first, p1), w2 = orig_insn(c->cl, second, p2);
    insn_info_t d1 = decode_insn(w1, c->cl->exts), d2 = decode_insn(w2, c->cl->exts);
    iss_counts_t k1, k2;
    memset(&k1, 0, sizeof k1);
    memset(&k2, 0, sizeof k2);
    count_insn(&k1, &c->cl->cfg, insn_len((uint16_t)w1), &d1, NULL, NULL);
    count_insn(&k2, &c->cl->cfg, insn_len((uint16_t)w2), &d2, &d1, NULL);
    return k2.cycles;
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
    bool mis = cl->cfg.misaligned_cycles != 0;
    sym_t s[32];
    for (uint32_t r = 0; r < 32; r++)
        s[r] = (sym_t){1, (uint8_t)r, 0};
    insn_info_t i1 = {K_ALU, 0, 0, 0, false, false}, i2 = i1, d = i1;
    uint32_t n = 0;
    for (uint32_t off = 0; off < size; n++) {
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
            b->first_rd = d.rd;
            b->first_is_jalr = d.kind == K_JALR;
            b->first_at_halfword = (addr & 2) && len == 4;
        }
        count_insn(&b->cnt, &cl->cfg, len, &d, n ? &i1 : NULL, n > 1 ? &i2 : NULL);
        if (mis) {
            mis_check(b, s, w, len, off, &d);
            sym_step(s, w, len, addr + off, &d);
        }
        i2 = i1;
        i1 = d;
        off += len;
    }
    if (iss_core_needs_rehook(c))
        patched = true;                   /* translated again once the hook covers it */
    b->last_is_jump = d.kind == K_JUMP || d.kind == K_JALR;
    b->last_rd = b->last_is_jump ? 0 : d.rd;   /* no hazard after a jump (RTL) */
    b->last_is_load = d.kind == K_LOAD;
    b->tail_load2_rd = n > 1 && i2.kind == K_LOAD && !d.ld_stalled ? i2.rd : 0;
    b->mis_invariant = 1;                      /* each checked register moves by 4k per pass */
    for (uint32_t i = 0; i < b->nmis; i++) {
        sym_t e = s[b->mis[i].reg];
        if (b->mis[i].reg && !(e.known && e.reg == b->mis[i].reg && e.low == 0))
            b->mis_invariant = 0;
    }
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
