/* Unicorn hooks of one core: block entry (time, slice end, rewriting), traps (per-core
 * CSRs, fence.i, illegal instructions) and unmapped accesses. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "iss_native.h"
#include "patch.h"

void iss_core_stop(iss_core_t *c, enum iss_stop why)
{
    c->stop = why;
    uc_emu_stop(c->uc);
}

void iss_fault(iss_core_t *c, enum iss_fault kind, uint32_t addr, const char *fmt, ...)
{
    iss_cluster_t *cl = c->cl;
    if (cl->fault.kind == FAULT_NONE) {
        cl->fault.kind = kind;
        cl->fault.core = c->id;
        cl->fault.addr = addr;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(cl->fault.msg, sizeof cl->fault.msg, fmt, ap);
        va_end(ap);
    }
    iss_core_stop(c, STOP_FAULT);
}

void iss_core_stall(iss_core_t *c, uint64_t cycles)
{
    c->cycles += cycles;
    c->blk_stalls += cycles;
    if (c->blk)
        c->blk->prof_cycles += cycles;
}

static inline __attribute__((always_inline)) void block_enter(iss_core_t *c, iss_block_t *b, uint32_t addr);

void iss_refuse(iss_core_t *c, uint32_t *error_reg, uint32_t code, uint32_t addr, const char *who,
                const char *fmt, ...)
{
    char msg[140];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    *error_reg = code;
    iss_fault(c, FAULT_PERIPH, addr, "%s: %s", who, msg);
}

void iss_hook_block(uc_engine *uc, uint64_t addr, uint32_t size, void *core)
{
    iss_core_t *c = core;
    (void)uc;
    /* Decode before anything else: a block must be checked for instructions to rewrite
     * the first time this core translated it, even if the slice ends here. */
    iss_block_t *b = iss_block_lookup(c, (uint32_t)addr, size);
    if (!b) {                               /* rewritten: translate it again */
        c->blk = NULL;
        c->blk_addr = (uint32_t)addr;
        c->blk_size = size;
        iss_core_stop(c, STOP_RETRANSLATE);
        return;
    }
    if (c->cycles >= c->slice_end) {        /* the block does not execute: resumes here */
        iss_core_stop(c, STOP_SLICE);
        return;
    }
    if (__builtin_expect(c->trace_on, 0)) {  /* tracing: calls, returns, windows (trace.c) */
        iss_trace_block(c, b, (uint32_t)addr);
        return;
    }
    block_enter(c, b, (uint32_t)addr);
}

/* Hazards between the previous block's last instructions and this block's first one, when
 * the previous block ended without a jump (Unicorn splits long blocks, and at page ends). */
static inline uint64_t cross_hazards(iss_core_t *c, const iss_block_t *b, const iss_config_t *cfg)
{
    uint32_t r = c->prev_last_rd, r2 = c->prev_load2_rd;
    bool reads = r && (b->first_reads >> r & 1);
    if (r && c->prev_last_is_load && (reads || b->first_rd == r)) {   /* load-use or WAW */
        c->cnt.ld_stall += cfg->load_use_cycles;
        if (!(b->first_is_jalr && reads))
            return cfg->load_use_cycles;
        c->cnt.jmp_stall += cfg->jalr_hazard_cycles;
        return cfg->load_use_cycles + cfg->jalr_hazard_cycles;
    }
    if (b->first_is_jalr && (reads || (r2 && (b->first_reads >> r2 & 1)))) {
        c->cnt.jmp_stall += cfg->jalr_hazard_cycles;
        return cfg->jalr_hazard_cycles;
    }
    return 0;
}

/* Misaligned accesses of the block: its checks against the entry registers. A block that
 * loops on itself and keeps the checked registers' low bits has the result of its last pass. */
static inline uint64_t misaligned(iss_core_t *c, iss_block_t *b, const iss_config_t *cfg)
{
    uint32_t mask = b->mis_last;
    if (!(c->mis_reuse && c->blk == b && b->mis_invariant)) {
        const iss_mis_check_t *m = b->mis;
        uint32_t reg = 0, low = 0;      /* checks sorted by register, the constant ones first */
        mask = 0;
        for (uint32_t i = 0, n = b->nmis; i < n; i++, m++) {
            if (m->reg != reg) {
                reg = m->reg;
                low = (c->gpr ? c->gpr[reg] : iss_xreg(c, reg)) & 3;
            }
            mask |= (uint32_t)(m->cross >> low & 1) << i;
        }
        b->mis_last = (uint8_t)mask;
    }
    c->blk_mis = (uint8_t)mask;
    c->mis_reuse = true;
    if (__builtin_expect(!mask, 1))
        return 0;
    return (uint64_t)__builtin_popcount(mask) * cfg->misaligned_cycles;
}

/* Time and counts of a block entry: the dynamic costs, then the block's static counts. */
static inline __attribute__((always_inline)) void block_enter(iss_core_t *c, iss_block_t *b, uint32_t addr)
{
    const iss_config_t *cfg = &c->cl->cfg;
    uint64_t dyn = 0;
    bool redirected = c->prev_jump;
    if (c->prev_fallthrough && c->prev_fallthrough != addr) {   /* the branch was taken */
        c->cnt.taken++;
        dyn += cfg->taken_branch_cycles;
        redirected = true;
    }
    if (redirected) {           /* a jump target: no hazard (RTL), but a fetch at a halfword */
        if (b->first_at_halfword)
            dyn += cfg->halfword_target_cycles;
    } else if (c->prev_last_rd | c->prev_load2_rd) {
        dyn += cross_hazards(c, b, cfg);
    }
    if (b->nmis)                /* (blk_mis is read only up to the block's nmis) */
        dyn += misaligned(c, b, cfg);
    c->block_base = c->cycles + dyn;
    c->blk = b;
    c->blk_addr = addr;
    c->blk_size = b->size;
    c->blk_accesses = 0;
    c->blk_stalls = 0;
    c->cycles = c->block_base + b->cnt.cycles;
    iss_counts_add(&c->cnt, &b->cnt);
    b->execs++;
    b->prof_cycles += dyn + b->cnt.cycles;
    c->prev_fallthrough = b->fallthrough;
    c->prev_last_rd = b->last_rd;
    c->prev_last_is_load = b->last_is_load;
    c->prev_jump = b->last_is_jump;
    c->prev_load2_rd = b->tail_load2_rd;
}

void iss_block_enter(iss_core_t *c, iss_block_t *b, uint32_t addr) { block_enter(c, b, addr); }

/* The current block stopped before pc: what follows was counted but did not run. */
void iss_unwind_tail(iss_core_t *c, uint32_t pc)
{
    uint32_t end = c->blk_addr + c->blk_size;
    c->prev_fallthrough = 0;
    c->prev_last_rd = 0;
    c->prev_flow = 0;
    c->prev_jump = 0;
    c->prev_load2_rd = 0;
    c->mis_reuse = false;
    if (pc < c->blk_addr || pc >= end)
        return;
    for (uint32_t i = 0; c->blk && c->blk_mis && i < c->blk->nmis; i++)   /* misaligned, not run */
        if ((c->blk_mis >> i & 1) && c->blk_addr + c->blk->mis[i].pos >= pc) {
            c->blk_mis &= (uint8_t)~(1u << i);
            c->cycles -= c->cl->cfg.misaligned_cycles;
            c->blk->prof_cycles -= c->cl->cfg.misaligned_cycles;
        }
    iss_counts_t tail;
    iss_range_counts(c, pc, end, &tail);
    c->cycles -= tail.cycles;
    iss_counts_sub(&c->cnt, &tail);
    if (c->blk)
        c->blk->prof_cycles -= tail.cycles;
    c->blk_size = pc - c->blk_addr;
}

/* Core data accesses to L2 go through the cluster's AXI bus: a fixed extra latency. */
void iss_hook_l2_access(uc_engine *uc, uc_mem_type type, uint64_t addr, int size,
                        int64_t value, void *core)
{
    iss_core_t *c = core;
    (void)uc; (void)type; (void)addr; (void)size; (void)value;
    iss_core_stall(c, c->cl->cfg.l2_latency);
}

/* Bank-conflict modelling: each TCDM access asks its bank for a cycle. Its wanted cycle
 * is estimated inside the block as block start + accesses so far + stalls so far. */
void iss_hook_tcdm_access(uc_engine *uc, uc_mem_type type, uint64_t addr, int size,
                          int64_t value, void *core)
{
    iss_core_t *c = core;
    (void)uc; (void)type; (void)size; (void)value;
    uint64_t want = c->block_base + c->blk_accesses++ + c->blk_stalls;
    uint64_t got = iss_tcdm_grant(c->cl, (uint32_t)addr, want);
    if (got > want) {
        c->cnt.tcdm_cont += got - want;
        iss_core_stall(c, got - want);
    }
}

/* Address of the instruction that ends at pc (Unicorn reports traps with pc past it). */
static uint32_t insn_before(iss_core_t *c, uint32_t pc)
{
    uint32_t a = c->blk_addr;
    const uint8_t *p = iss_host_ptr(c->cl, a, pc > a ? pc - a : 1);
    if (!p || pc <= a || pc > a + c->blk_size)
        return pc - 4;
    while (a < pc) {
        uint32_t len = (p[a - c->blk_addr] & 3) == 3 ? 4 : 2;
        if (a + len >= pc)
            return a;
        a += len;
    }
    return pc - 4;
}

static uint64_t *counter_of(iss_core_t *c, int idx, uint64_t **offset)
{
    switch (idx) {
    case PATCH_MCYCLE: case PATCH_MCYCLEH: case PATCH_CYCLE: case PATCH_CYCLEH:
    case PATCH_TIME: case PATCH_TIMEH:
        *offset = &c->mcycle_offset;
        return &c->cycles;
    default:
        *offset = &c->minstret_offset;
        return &c->cnt.instret;
    }
}

static bool csr_read(iss_core_t *c, uint32_t csr, uint32_t *val)
{
    if (csr >= PATCH_CSR_BASE && csr < PATCH_CSR_BASE + PATCH_FENCE_I) {
        int idx = (int)(csr - PATCH_CSR_BASE);
        if (idx == PATCH_MHARTID) {
            *val = (c->cl->cfg.cluster_id << 5) | c->id;
            return true;
        }
        uint64_t *off, v = *counter_of(c, idx, &off);
        v += *off;
        bool high = idx == PATCH_MCYCLEH || idx == PATCH_MINSTRETH || idx == PATCH_CYCLEH ||
                    idx == PATCH_TIMEH || idx == PATCH_INSTRETH;
        *val = high ? (uint32_t)(v >> 32) : (uint32_t)v;
        return true;
    }
    if (iss_hwloop_csr_read(c, csr, val) || iss_hpm_read(c, csr, val))
        return true;
    if (csr == ISS_CSR_PCER) { *val = c->pcer; return true; }
    if (csr == ISS_CSR_PCMR) { *val = c->pcmr; return true; }
    if (csr >= ISS_CSR_PCCR0 && csr < ISS_CSR_PCCR0 + 32) {
        *val = iss_perf_read(c, csr - ISS_CSR_PCCR0);
        return true;
    }
    return false;
}

static void csr_write(iss_core_t *c, uint32_t csr, uint32_t val)
{
    if (csr >= PATCH_CSR_BASE && csr < PATCH_CSR_BASE + PATCH_FENCE_I) {
        int idx = (int)(csr - PATCH_CSR_BASE);
        if (idx == PATCH_MHARTID || idx >= PATCH_CYCLE)
            return;                            /* read-only: writes are ignored */
        uint64_t *off, now = *counter_of(c, idx, &off), v = now + *off;
        if (idx == PATCH_MCYCLEH || idx == PATCH_MINSTRETH)
            v = (v & 0xFFFFFFFFull) | ((uint64_t)val << 32);
        else
            v = (v & ~0xFFFFFFFFull) | val;
        *off = v - now;
    } else if (iss_hpm_write(c, csr, val)) {
    } else if (csr == ISS_CSR_PCER) {
        iss_perf_config(c, val, c->pcmr);
    } else if (csr == ISS_CSR_PCMR) {
        iss_perf_config(c, c->pcer, val);
    } else if (csr >= ISS_CSR_PCCR0 && csr < ISS_CSR_PCCR0 + 32) {
        iss_perf_write(c, csr - ISS_CSR_PCCR0, val);
    }
}

/* For the debugger: the same CSRs by number (debug.c). */
bool iss_csr_read(iss_core_t *c, uint32_t csr, uint32_t *val) { return csr_read(c, csr, val); }
void iss_csr_write(iss_core_t *c, uint32_t csr, uint32_t val) { csr_write(c, csr, val); }

/* Emulates a trapped csrrw/csrrs/csrrc[i]; false if the CSR is not ours. */
static bool emulate_csr(iss_core_t *c, uint32_t w)
{
    uint32_t csr = w >> 20, rd = (w >> 7) & 31, rs1 = (w >> 15) & 31, f3 = (w >> 12) & 7;
    uint32_t old, src;
    if (!csr_read(c, csr, &old))
        return false;
    bool writes = (f3 & 3) == 1 || rs1 != 0;
    if (writes && c->cl->exts >> EXT_XCVHWLP & 1 && !c->cl->pulp_csrs && csr >= 0xCC0 && csr <= 0xCC6)
        return false;   /* read-only: written only by the cv.start/end/count forms */
    if (f3 & 4)
        src = rs1;                              /* immediate forms */
    else {
        src = 0;
        if (rs1)
            uc_reg_read(c->uc, UC_RISCV_REG_X0 + rs1, &src);
    }
    switch (f3 & 3) {
    case 1: csr_write(c, csr, src); break;
    case 2: if (rs1) csr_write(c, csr, old | src); break;
    case 3: if (rs1) csr_write(c, csr, old & ~src); break;
    }
    if (rd)
        uc_reg_write(c->uc, UC_RISCV_REG_X0 + rd, &old);
    return true;
}

void iss_hook_intr(uc_engine *uc, uint32_t intno, void *core)
{
    iss_core_t *c = core;
    uint32_t pc = 0;
    uc_reg_read(uc, UC_RISCV_REG_PC, &pc);
    uint32_t ipc = insn_before(c, pc);
    /* what follows the trapping instruction runs again as a new block */
    iss_unwind_tail(c, pc);
    c->pc = ipc;
    const uint8_t *p = iss_host_ptr(c->cl, ipc, 4);
    uint32_t w = 0;
    if (p)
        memcpy(&w, p, (p[0] & 3) == 3 ? 4 : 2);
    if (intno == 2 && w == ISS_TRAP_WORD && iss_custom_trap(c, ipc))
        return;
    if (intno == 2 && (w & 0x7F) == 0x73 && ((w >> 12) & 7) != 0 && emulate_csr(c, w))
        return;
    w = iss_orig_word(c->cl, ipc, w);
    c->cl->fault.insn = w;
    c->cl->fault.pc = ipc;
    switch (intno) {
    case 2: iss_illegal_fault(c, ipc, w); break;
    case 3: iss_fault(c, FAULT_EBREAK, ipc, "ebreak with no debugger attached"); break;
    case 8: iss_fault(c, FAULT_ECALL, ipc, "ecall: there is no operating system to call"); break;
    default: iss_fault(c, FAULT_INTERNAL, ipc, "unexpected exception %u", intno); break;
    }
}

bool iss_hook_unmapped(uc_engine *uc, uc_mem_type type, uint64_t addr, int size,
                       int64_t value, void *core)
{
    iss_core_t *c = core;
    (void)uc; (void)value;
    switch (type) {
    case UC_MEM_READ_UNMAPPED:
        iss_fault(c, FAULT_READ_UNMAPPED, (uint32_t)addr, "load of %d bytes from unmapped address 0x%08x", size, (uint32_t)addr);
        break;
    case UC_MEM_WRITE_UNMAPPED:
        iss_fault(c, FAULT_WRITE_UNMAPPED, (uint32_t)addr, "store of %d bytes to unmapped address 0x%08x", size, (uint32_t)addr);
        break;
    default:
        iss_fault(c, FAULT_FETCH_UNMAPPED, (uint32_t)addr, "instruction fetch from unmapped address 0x%08x", (uint32_t)addr);
        break;
    }
    return false;
}

/* The one-line message of an illegal instruction: what it is, and why it is illegal here. */
void iss_illegal_fault(iss_core_t *c, uint32_t pc, uint32_t w)
{
    int width = (w & 3) == 3 ? 8 : 4;
    const isa_form_t *f = isa_lookup_any(w);
    uint32_t op = w & 0x7F;
    if (f && !(c->cl->exts >> f->ext & 1))
        iss_fault(c, FAULT_ILLEGAL, pc, "illegal instruction 0x%0*x: %s is a %s instruction, not enabled with core.isa = \"%s\" (set core.isa = \"corev\")",
                  width, w, f->name, isa_ext_name(f->ext), c->cl->exts >> EXT_XCVALU & 1 ? "corev" : "rv32imc");
    else if (!f && (w & 3) == 3 && (op == 0x0B || op == 0x2B || op == 0x5B || op == 0x7B) &&
             c->cl->exts >> EXT_XCVALU & 1)
        iss_fault(c, FAULT_ILLEGAL, pc, "illegal instruction 0x%08x: a reserved encoding of the CORE-V custom opcode 0x%02x", w, op);
    else if (f && f->cls == IC_CSR && (w >> 20) >= 0xCC0 && (w >> 20) <= 0xCC6 && !c->cl->pulp_csrs &&
             c->cl->exts >> EXT_XCVHWLP & 1)
        iss_fault(c, FAULT_ILLEGAL, pc, "illegal instruction 0x%08x: CSR 0x%03x is a read-only hardware-loop CSR of CV32E40P "
                  "(RI5CY's PCER/PCMR are there only for RV32IMC builds, docs/isa.md)", w, w >> 20);
    else if (f && f->cls == IC_CSR)
        iss_fault(c, FAULT_ILLEGAL, pc, "illegal instruction 0x%08x: CSR 0x%03x does not exist or is read-only", w, w >> 20);
    else
        iss_fault(c, FAULT_ILLEGAL, pc, "illegal instruction 0x%0*x", width, w);
}
