/* Hardware loops run in C: the inner loop (loop 0) of a kernel is typically a few CORE-V loads
 * and dot products. Leaving Unicorn's translated code at every loop end (a pc write from the code
 * hook) costs far more than the body, so when the body holds only forms this file can execute,
 * the code hook runs the iterations here: same results (the forms' own semantics from the ISA
 * table), same cycles (each instruction's static cycles and hazards as the block decoder counts
 * them, the back edge free, L2 latency and misaligned accesses as the memory paths charge them).
 *
 * The loop stops where the core would be stopped: at the end of the slice (between iterations),
 * before an access outside the TCDM and L2 (which the normal path then executes), and it is not
 * used while a debugger, a trace or bank-conflict modelling needs every instruction or access. */
#include <stdlib.h>
#include <string.h>

#include "iss_native.h"

enum op_kind { OP_ALU_FORM, OP_CV_LD_PI, OP_CV_ST_PI, OP_XCV_MEM, OP_LOAD, OP_STORE, OP_OPIMM, OP_OP, OP_LUI };

typedef struct body_op {
    uint8_t kind, rd, rs1, rs2, rs3, size, sign, store, post, regoff;
    int32_t imm;
    uint32_t w;
    const isa_form_t *f;
    uint32_t cycles;          /* static cycles, hazard with the previous body instruction included */
    uint32_t backedge_stall;  /* first instruction: hazard with the body's last one */
} body_op_t;

#define MAX_BODY 64

typedef struct hwloop_code {
    uint32_t start, end, n;
    bool ok;
    bool all_hints;           /* every body word is a no-op stand-in: the body can be run through */
    uint32_t tail_blk, tail_size, tail_pc;   /* the block the loop was last entered in ... */
    uint64_t tail_cycles;     /* ... and what it counts from the loop start on */
    uint32_t first_cycles;    /* static cycles of one pass, as the block decoder counts it */
    body_op_t op[MAX_BODY];
    uint32_t loads, stores;
} hwloop_code_t;

/* The per-core compiled loop (one is enough: the inner loop of the kernel being run). */
static hwloop_code_t *code_of(iss_core_t *c)
{
    if (!c->hwl)
        c->hwl = calloc(1, sizeof(hwloop_code_t));
    return c->hwl;
}

void iss_hwloop_run_forget(iss_core_t *c)
{
    if (c->hwl)
        ((hwloop_code_t *)c->hwl)->start = ((hwloop_code_t *)c->hwl)->end = 0;
}

static bool compile_op(iss_cluster_t *cl, uint32_t addr, body_op_t *o)
{
    uint32_t w;
    if (iss_code_word(cl, addr, &w) || (w & 3) != 3)
        return false;
    const isa_form_t *f = isa_lookup(w, cl->exts);
    if (!f)
        return false;
    memset(o, 0, sizeof *o);
    o->w = w;
    o->f = f;
    o->rd = (uint8_t)isa_rd(w);
    o->rs1 = (uint8_t)isa_rs1(w);
    o->rs2 = (uint8_t)isa_rs2(w);
    uint32_t opc = w & 0x7F, f3 = (w >> 12) & 7, f7 = w >> 25;
    if (f->alu) {
        o->kind = OP_ALU_FORM;
        return true;
    }
    if (f->ext == EXT_XCVMEM) {
        o->kind = OP_XCV_MEM;
        if (opc == 0x0B) {                       /* loads, immediate post-increment */
            o->size = (uint8_t)(1u << (f3 & 3)); o->sign = !(f3 & 4); o->post = 1; o->imm = (int32_t)w >> 20;
            o->kind = OP_CV_LD_PI;
        } else if (f3 != 3) {                    /* stores, immediate post-increment */
            o->store = 1; o->size = (uint8_t)(1u << (f3 & 3)); o->post = 1;
            o->imm = ((int32_t)w >> 25) << 5 | (int32_t)((w >> 7) & 31);
            o->kind = OP_CV_ST_PI;
        } else {                                 /* register forms */
            o->store = (f7 >> 4) & 1; o->size = (uint8_t)(1u << (f7 & 3)); o->sign = !(f7 & 8);
            o->post = !(f7 & 4); o->regoff = 1; o->rs3 = o->rd;
        }
        return true;
    }
    if (f->exec != EXEC_NATIVE)
        return false;
    switch (f->cls) {
    case IC_LOAD:
        if (opc != 0x03) return false;
        o->kind = OP_LOAD; o->size = (uint8_t)(1u << (f3 & 3)); o->sign = !(f3 & 4); o->imm = (int32_t)w >> 20;
        return true;
    case IC_STORE:
        if (opc != 0x23) return false;
        o->kind = OP_STORE; o->size = (uint8_t)(1u << (f3 & 3));
        o->imm = ((int32_t)w >> 25) << 5 | (int32_t)((w >> 7) & 31);
        return true;
    case IC_ALU: case IC_MUL:
        if (opc == 0x13) { o->kind = OP_OPIMM; o->imm = (int32_t)w >> 20; return true; }
        if (opc == 0x33) { o->kind = OP_OP; return true; }
        if (opc == 0x37) { o->kind = OP_LUI; o->imm = (int32_t)(w & 0xFFFFF000u); return true; }
        return false;
    default:
        return false;
    }
}

/* Static cycles of each body instruction from the block decoder's own rules. */
static void time_body(iss_core_t *c, hwloop_code_t *L)
{
    for (uint32_t i = 0; i < L->n; i++) {
        uint32_t a = L->start + 4 * i;
        iss_counts_t k, k1;
        iss_range_counts(c, i ? a - 4 : a, a + 4, &k);        /* with the previous instruction */
        if (i) {
            iss_range_counts(c, a - 4, a, &k1);
            L->op[i].cycles = (uint32_t)(k.cycles - k1.cycles);
        } else {
            L->op[i].cycles = (uint32_t)k.cycles;
        }
    }
    /* the back edge: the first instruction after the last one */
    L->op[0].backedge_stall = (uint32_t)(iss_pair_cycles(c, L->end - 4, L->start) - L->op[0].cycles);
    L->loads = L->stores = 0;
    for (uint32_t i = 0; i < L->n; i++) {
        const body_op_t *o = &L->op[i];
        bool cv = o->kind == OP_XCV_MEM || o->kind == OP_CV_LD_PI || o->kind == OP_CV_ST_PI;
        if (o->kind == OP_LOAD || (cv && !o->store)) L->loads++;
        if (o->kind == OP_STORE || (cv && o->store)) L->stores++;
    }
}

static hwloop_code_t *compile(iss_core_t *c, uint32_t start, uint32_t end)
{
    hwloop_code_t *L = code_of(c);
    if (!L)
        return NULL;
    if (L->start == start && L->end == end)
        return L->ok ? L : NULL;
    L->start = start;
    L->end = end;
    L->tail_blk = L->tail_size = L->tail_pc = 0;
    L->n = (end - start) / 4;
    L->ok = false;
    if (L->n < 2 || L->n > MAX_BODY)
        return NULL;
    for (uint32_t i = 0; i < L->n; i++)
        if (!compile_op(c->cl, start + 4 * i, &L->op[i]))
            return NULL;
    time_body(c, L);
    L->all_hints = true;
    L->first_cycles = 0;
    for (uint32_t i = 0; i < L->n; i++) {
        L->all_hints &= L->op[i].f->exec == EXEC_HOOK && !L->op[i].f->native;
        L->first_cycles += L->op[i].cycles;
    }
    L->ok = true;
    return L;
}

/* The memory access of o at addr: NULL (nothing done) when addr is not plain memory. The
 * TCDM, where kernels keep their operands, is tried first. */
static inline uint8_t *mem_at(iss_core_t *c, uint32_t addr, unsigned size)
{
    iss_cluster_t *cl = c->cl;
    uint32_t off = addr - ISS_TCDM_BASE;
    if (off < cl->cfg.tcdm_size && off + size <= cl->cfg.tcdm_size)
        return cl->tcdm + off;
    return iss_host_ptr(cl, addr, size);
}

static inline void charge_access(iss_core_t *c, uint32_t addr, unsigned size, uint64_t *cyc)
{
    if (__builtin_expect(addr - ISS_L2_BASE < c->cl->cfg.l2_size, 0))
        *cyc += c->cl->cfg.l2_latency;
    if (__builtin_expect((addr & 3) + size > 4, 0) && size > 1)
        *cyc += c->cl->cfg.misaligned_cycles;
}

static inline uint32_t load_val(const uint8_t *p, unsigned size, bool sign)
{
    uint32_t v = 0;
    memcpy(&v, p, size);
    if (size == 1) return sign ? (uint32_t)(int8_t)v : v & 0xFF;
    if (size == 2) return sign ? (uint32_t)(int16_t)v : v & 0xFFFF;
    return v;
}

/* Executes o; false, with nothing changed, if it cannot run here. */
static inline bool run_op(iss_core_t *c, const body_op_t *o, uint32_t *x, uint64_t *cyc)
{
    uint32_t a = x[o->rs1], b = x[o->rs2], r = 0;
    switch (o->kind) {
    case OP_ALU_FORM:
        if (o->rd)
            x[o->rd] = o->f->alu(o->w, a, b, x[o->rd]);
        return true;
    case OP_CV_LD_PI: {                       /* the kernels' operand stream */
        uint8_t *p = mem_at(c, a, o->size);
        if (!p)
            return false;
        charge_access(c, a, o->size, cyc);
        r = o->size == 4 ? load_val(p, 4, false) : load_val(p, o->size, o->sign);
        if (o->rs1)
            x[o->rs1] = a + (uint32_t)o->imm;
        if (o->rd)
            x[o->rd] = r;
        return true;
    }
    case OP_CV_ST_PI: {
        uint8_t *p = mem_at(c, a, o->size);
        if (!p)
            return false;
        charge_access(c, a, o->size, cyc);
        memcpy(p, &b, o->size);
        if (o->rs1)
            x[o->rs1] = a + (uint32_t)o->imm;
        return true;
    }
    case OP_XCV_MEM: {
        uint32_t off = o->regoff ? (o->store ? x[o->rs3] : b) : (uint32_t)o->imm;
        uint32_t addr = o->post ? a : a + off;
        uint8_t *p = mem_at(c, addr, o->size);
        if (!p)
            return false;
        charge_access(c, addr, o->size, cyc);
        if (o->store) {
            memcpy(p, &b, o->size);       /* the data is rs2 in every store form */
        } else {
            r = load_val(p, o->size, o->sign);
        }
        if (o->post && o->rs1)
            x[o->rs1] = a + off;
        if (!o->store && o->rd)
            x[o->rd] = r;
        return true;
    }
    case OP_LOAD: {
        uint32_t addr = a + (uint32_t)o->imm;
        uint8_t *p = mem_at(c, addr, o->size);
        if (!p)
            return false;
        charge_access(c, addr, o->size, cyc);
        if (o->rd)
            x[o->rd] = load_val(p, o->size, o->sign);
        return true;
    }
    case OP_STORE: {
        uint32_t addr = a + (uint32_t)o->imm;
        uint8_t *p = mem_at(c, addr, o->size);
        if (!p)
            return false;
        charge_access(c, addr, o->size, cyc);
        memcpy(p, &b, o->size);
        return true;
    }
    case OP_OPIMM: {
        uint32_t f3 = (o->w >> 12) & 7, sh = (uint32_t)o->imm & 31;
        int32_t i = o->imm;
        switch (f3) {
        case 0: r = a + (uint32_t)i; break;
        case 1: r = a << sh; break;
        case 2: r = (int32_t)a < i; break;
        case 3: r = a < (uint32_t)i; break;
        case 4: r = a ^ (uint32_t)i; break;
        case 5: r = (o->w >> 30) & 1 ? (uint32_t)((int32_t)a >> sh) : a >> sh; break;
        case 6: r = a | (uint32_t)i; break;
        default: r = a & (uint32_t)i; break;
        }
        break;
    }
    case OP_OP: {
        uint32_t f3 = (o->w >> 12) & 7, f7 = o->w >> 25;
        if (f7 == 1) {
            switch (f3) {
            case 0: r = a * b; break;
            case 1: r = (uint32_t)(((int64_t)(int32_t)a * (int32_t)b) >> 32); break;
            case 2: r = (uint32_t)(((int64_t)(int32_t)a * (uint64_t)b) >> 32); break;
            case 3: r = (uint32_t)(((uint64_t)a * b) >> 32); break;
            default: return false;
            }
        } else {
            switch (f3) {
            case 0: r = f7 ? a - b : a + b; break;
            case 1: r = a << (b & 31); break;
            case 2: r = (int32_t)a < (int32_t)b; break;
            case 3: r = a < b; break;
            case 4: r = a ^ b; break;
            case 5: r = f7 ? (uint32_t)((int32_t)a >> (b & 31)) : a >> (b & 31); break;
            case 6: r = a | b; break;
            default: r = a & b; break;
            }
        }
        break;
    }
    default:   /* OP_LUI */
        r = (uint32_t)o->imm;
        break;
    }
    if (o->rd)
        x[o->rd] = r;
    return true;
}

bool iss_hwloop_run(iss_core_t *c, uint32_t pc)
{
    iss_cluster_t *cl = c->cl;
    if (!c->gpr || cl->hwloop_slow || cl->dbg || cl->trace || cl->cfg.bank_conflicts || !cl->cfg.timing_model)
        return false;
    hwloop_code_t *L = compile(c, c->lp_start[0], c->lp_end[0]);
    if (!L)
        return false;
    uint32_t *x = c->gpr;
    uint32_t stop_pc = L->end, done = 0;
    uint64_t cyc = 0, insns = 0;
    /* what the current block counted from here on: the loop replaces it (or, run through,
     * keeps its first pass) */
    if (L->tail_blk != c->blk_addr || L->tail_size != c->blk_size || L->tail_pc != pc) {
        iss_counts_t tail;
        iss_range_counts(c, pc, c->blk_addr + c->blk_size, &tail);
        L->tail_blk = c->blk_addr;
        L->tail_size = c->blk_size;
        L->tail_pc = pc;
        L->tail_cycles = pc >= c->blk_addr && pc < c->blk_addr + c->blk_size ? tail.cycles : 0;
    }
    uint64_t now = c->cycles - L->tail_cycles;
    /* the first instruction's hazard with the one before it is already counted: by the block's
     * static count (entered from the set-up) or at block entry (resumed between iterations) */
    while (c->lp_count[0]) {
        if (done && now + cyc >= c->slice_end) {     /* the slice ends between iterations */
            stop_pc = L->start;
            break;
        }
        for (uint32_t i = 0; i < L->n; i++) {
            const body_op_t *o = &L->op[i];
            uint64_t before = cyc;
            if (!run_op(c, o, x, &cyc)) {
                if (!done && !i)              /* nothing ran: the normal path takes it */
                    return false;
                cyc = before;
                stop_pc = L->start + 4 * i;
                goto out;
            }
            cyc += o->cycles + (i == 0 && done ? o->backedge_stall : 0);
            insns++;
        }
        done++;
        c->lp_count[0]--;
    }
out:
    if (stop_pc == L->end && L->all_hints) {
        /* done: Unicorn runs through the body's no-ops (the hook skips them) and on; the block
         * already counts one pass and what follows the loop */
        c->cycles += cyc - L->first_cycles;
        if (c->blk)
            c->blk->prof_cycles += cyc - L->first_cycles;
        c->cnt.instret += insns - L->n;
        c->cnt.loads += (uint64_t)(done - 1) * L->loads;
        c->cnt.stores += (uint64_t)(done - 1) * L->stores;
        c->skip_lo = L->start;
        c->skip_hi = L->end;
        return true;
    }
    iss_unwind_tail(c, pc);                   /* the block's counts end before the loop */
    c->cycles += cyc;
    if (c->blk)
        c->blk->prof_cycles += cyc;
    c->cnt.instret += insns;
    c->cnt.loads += (uint64_t)done * L->loads;
    c->cnt.stores += (uint64_t)done * L->stores;
    if (stop_pc == L->end || stop_pc == L->start)   /* the body's last instruction ran last */
        iss_hazard_after(c, L->end - 4);
    uc_reg_write(c->uc, UC_RISCV_REG_PC, &stop_pc);
    return true;
}
