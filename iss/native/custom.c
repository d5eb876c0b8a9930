#define _GNU_SOURCE   /* process_vm_readv */
/* Execution of the instructions Unicorn does not know: the side table of rewritten words,
 * the per-core code hook that emulates CORE-V forms, direct register access, hardware loops
 * and the trap path (custom.h, docs/architecture.md). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "iss_native.h"
#include "patch.h"

/* ---- the side table ---- */

static iss_side_entry_t *side_slot(iss_side_t *s, uint32_t addr, bool grow)
{
    if (addr >= s->lo && addr < s->hi)
        return &s->e[(addr - s->lo) >> 1];
    if (!grow)
        return NULL;
    /* grow to cover addr, in 64 KiB steps, keeping the entries */
    uint32_t lo = s->e ? (addr < s->lo ? addr : s->lo) : addr, hi = s->e ? (addr >= s->hi ? addr + 2 : s->hi) : addr + 2;
    lo &= ~0xFFFFu;
    hi = (uint32_t)(((uint64_t)hi + 0xFFFF) & ~0xFFFFull);
    if (hi < lo)
        hi = 0xFFFFFFFEu;
    size_t n = ((size_t)hi - lo) >> 1;
    iss_side_entry_t *e = calloc(n, sizeof *e);
    if (!e)
        return NULL;
    if (s->e) {
        memcpy(e + ((s->lo - lo) >> 1), s->e, (((size_t)s->hi - s->lo) >> 1) * sizeof *e);
        free(s->e);
    }
    s->e = e;
    s->lo = lo;
    s->hi = hi;
    return &s->e[(addr - s->lo) >> 1];
}

const iss_side_entry_t *iss_side_get(iss_cluster_t *cl, uint32_t addr)
{
    iss_side_entry_t *e = side_slot(&cl->side, addr, false);
    return e && e->form ? e : NULL;
}

void iss_side_free(iss_cluster_t *cl)
{
    free(cl->side.e);
    memset(&cl->side, 0, sizeof cl->side);
}

void iss_hook_range_add(iss_cluster_t *cl, uint32_t lo, uint32_t hi)
{
    iss_side_t *s = &cl->side;
    if (s->hook_lo == s->hook_hi) {
        s->hook_lo = lo;
        s->hook_hi = hi;
        return;
    }
    if (lo < s->hook_lo) s->hook_lo = lo;
    if (hi > s->hook_hi) s->hook_hi = hi;
}

uint32_t iss_rewrite(iss_cluster_t *cl, uint32_t addr, uint32_t w, const isa_form_t *f)
{
    if (!f)
        return w;
    uint32_t nw;
    if (f->cls == IC_CSR && iss_csr_alias(w >> 20))
        nw = iss_patch_word(w);
    else if (f->exec == EXEC_NATIVE)
        return w;
    else if (f->exec == EXEC_TRAP)
        nw = ISS_TRAP_WORD;
    else
        nw = f->native ? f->native(w) : ISS_HINT_WORD;
    iss_side_entry_t *e = side_slot(&cl->side, addr, true);
    if (!e)
        return w;    /* out of memory: Unicorn faults on the original, reported as illegal */
    e->orig = w;
    e->rewritten = nw;
    e->form = f;
    if (f->exec == EXEC_HOOK)
        iss_hook_range_add(cl, addr, addr + 4);
    if (f->ext == EXT_XCVHWLP) {   /* a loop end known from the encoding: hook it now */
        unsigned op = (w >> 8) & 15;
        uint32_t end = op == 6 ? addr + (isa_rs1(w) << 2) : op == 7 || op == 2 ? addr + ((w >> 20) << 2) : 0;
        if (end)
            iss_hook_range_add(cl, end, end + 4);
    }
    return nw;
}

uint32_t iss_orig_word(iss_cluster_t *cl, uint32_t addr, uint32_t mem_word)
{
    if ((mem_word & 3) != 3)
        return mem_word & 0xFFFF;
    const iss_side_entry_t *e = iss_side_get(cl, addr);
    if (e && e->rewritten == mem_word)
        return e->orig;
    return iss_unpatch_word(mem_word);
}

/* ---- registers ---- */

/* Unicorn keeps the guest registers in its CPU state; reading them through uc_reg_read costs
 * more than the emulated instruction itself. The state is found once per engine: magic values
 * written through the API are searched for in the memory the engine handle points to (read
 * with process_vm_readv, so a wrong guess never faults), and the pointer is used only once
 * writes and reads through it and through the API agree both ways. */
static bool peek(const void *addr, void *buf, size_t n)
{
    struct iovec local = {buf, n}, remote = {(void *)addr, n};
    return process_vm_readv(getpid(), &local, 1, &remote, 1, 0) == (ssize_t)n;
}

static uint32_t *search_gprs(const uint8_t *base, size_t span, const uint32_t *magic)
{
    static uint32_t chunk[16384];
    for (size_t off = 0; off < span; off += sizeof chunk - 32 * 4) {
        if (!peek(base + off, chunk, sizeof chunk))
            return NULL;
        for (size_t i = 0; i + 32 <= sizeof chunk / 4; i++)
            if (chunk[i] == 0 && chunk[i + 1] == magic[1] && !memcmp(&chunk[i + 1], &magic[1], 31 * 4))
                return (uint32_t *)(base + off) + i;
    }
    return NULL;
}

/* Both ways: a write through the pointer reads back through the API and the other way round. */
static bool gprs_valid(uc_engine *uc, uint32_t *p)
{
    uint32_t probe = 0x13579BDFu, back = 0, saved = 0, check;
    if (!peek(p + 7, &check, sizeof check))
        return false;
    uc_reg_read(uc, UC_RISCV_REG_X7, &saved);
    if (check != saved)
        return false;
    p[7] = probe;
    uc_reg_read(uc, UC_RISCV_REG_X7, &back);
    bool ok = back == probe;
    probe = 0x2468ACE0u;
    uc_reg_write(uc, UC_RISCV_REG_X7, &probe);
    ok = ok && p[7] == probe;
    uc_reg_write(uc, UC_RISCV_REG_X7, &saved);
    return ok;
}

static uint32_t *find_gprs(uc_engine *uc)
{
    /* where the last search found them: the same field of the engine and the same offset
     * from what it points to (one search per process, not per engine) */
    static int known_slot = -1;
    static size_t known_off;
    uintptr_t ptrs[1024];
    if (!peek(uc, ptrs, sizeof ptrs))
        return NULL;
    uint32_t magic[32], saved[32];
    for (int r = 1; r < 32; r++) {
        uc_reg_read(uc, UC_RISCV_REG_X0 + r, &saved[r]);
        magic[r] = 0x9E3779B9u * (uint32_t)r ^ 0x5A17C0DEu;
        uc_reg_write(uc, UC_RISCV_REG_X0 + r, &magic[r]);
    }
    uint32_t *found = NULL;
    if (known_slot >= 0) {
        uint32_t *p = (uint32_t *)(ptrs[known_slot] + known_off), probe[32];
        if (peek(p, probe, sizeof probe) && probe[0] == 0 && !memcmp(&probe[1], &magic[1], 31 * 4))
            found = p;
    }
    for (size_t i = 0; i < 1024 && !found; i++) {
        uintptr_t p = ptrs[i], first;
        if (p < 0x10000 || (p & 7) || !peek((void *)p, &first, sizeof first))
            continue;
        found = search_gprs((const uint8_t *)p, 1u << 18, magic);
        if (found) {
            known_slot = (int)i;
            known_off = (size_t)((uintptr_t)found - p);
        }
    }
    for (int r = 1; r < 32; r++)
        uc_reg_write(uc, UC_RISCV_REG_X0 + r, &saved[r]);
    return found && gprs_valid(uc, found) ? found : NULL;
}

void iss_custom_init_core(iss_core_t *c)
{
    c->gpr = getenv("ISS_NO_DIRECT_REGS") ? NULL : find_gprs(c->uc);
}

uint32_t iss_xreg(iss_core_t *c, unsigned r)
{
    if (!r)
        return 0;
    if (c->gpr)
        return c->gpr[r];
    uint32_t v = 0;
    uc_reg_read(c->uc, UC_RISCV_REG_X0 + (int)r, &v);
    return v;
}

void iss_set_xreg(iss_core_t *c, unsigned r, uint32_t v)
{
    if (!r)
        return;
    if (c->gpr)
        c->gpr[r] = v;
    else
        uc_reg_write(c->uc, UC_RISCV_REG_X0 + (int)r, &v);
}

/* ---- faults and control flow from inside the code hook ---- */

void iss_custom_illegal(iss_core_t *c, uint32_t pc, uint32_t w, const char *why)
{
    c->cl->fault.insn = w;
    c->cl->fault.pc = pc;
    c->pc = pc;
    iss_fault(c, FAULT_ILLEGAL, pc, "%s", why);
    uc_reg_write(c->uc, UC_RISCV_REG_PC, &pc);   /* leave the block: nothing after it runs */
}

/* The instruction at addr was the last to run before the core leaves its block: the next
 * block's hazards are with it, as in straight code (a hardware loop's back edge). */
void iss_hazard_after(iss_core_t *c, uint32_t addr)
{
    uint32_t w = 0;
    iss_code_word(c->cl, addr, &w);
    const isa_form_t *f = isa_lookup(w, c->cl->exts);
    isa_regs_t r;
    isa_regs(f, w, &r);
    c->prev_last_rd = r.rd;
    c->prev_last_is_load = f && f->cls == IC_LOAD;
}

void iss_custom_jump(iss_core_t *c, uint32_t pc, uint32_t target)
{
    /* the block ends at the branch (its native stand-in is a branch): nothing to unwind */
    (void)pc;
    uc_reg_write(c->uc, UC_RISCV_REG_PC, &target);
}

/* ---- memory accesses of emulated forms ---- */

static bool mem_fault(iss_core_t *c, uint32_t addr, unsigned size, bool store)
{
    uint32_t pc = c->hook_pc;
    c->cl->fault.pc = pc;
    c->pc = pc;
    if (store)
        iss_fault(c, FAULT_WRITE_UNMAPPED, addr, "store of %u bytes to unmapped address 0x%08x", size, addr);
    else
        iss_fault(c, FAULT_READ_UNMAPPED, addr, "load of %u bytes from unmapped address 0x%08x", size, addr);
    uc_reg_write(c->uc, UC_RISCV_REG_PC, &pc);
    return false;
}

/* The cycle model's view of a core access that no memory hook sees. */
static void account_access(iss_core_t *c, uint32_t addr, unsigned size)
{
    const iss_config_t *cfg = &c->cl->cfg;
    if (!cfg->timing_model)
        return;
    if (size > 1 && (addr & 3) + size > 4)
        iss_core_stall(c, cfg->misaligned_cycles);
    if (cfg->l2_latency && addr >= ISS_L2_BASE && addr - ISS_L2_BASE < cfg->l2_size)
        iss_core_stall(c, cfg->l2_latency);
    if (cfg->bank_conflicts && iss_tcdm_ptr(c->cl, addr, 1))
        iss_hook_tcdm_access(c->uc, UC_MEM_READ, addr, 4, 0, c);
}

bool iss_custom_load(iss_core_t *c, uint32_t addr, unsigned size, bool sign, uint32_t *val)
{
    uint8_t *p = iss_host_ptr(c->cl, addr, size);
    uint32_t v = 0;
    if (p) {
        if (iss_debug_watch_core(c, addr, size, true, false))
            return false;
        memcpy(&v, p, size);
        account_access(c, addr, size);
    } else {
        uint64_t v64 = 0;
        if (uc_mem_read(c->uc, addr, &v64, size) != UC_ERR_OK)
            return mem_fault(c, addr, size, false);
        if (c->stop != STOP_NONE) {              /* a blocking peripheral: runs again */
            uint32_t pc = c->hook_pc;
            uc_reg_write(c->uc, UC_RISCV_REG_PC, &pc);
            return false;
        }
        v = (uint32_t)v64;
    }
    if (size == 1) v = sign ? (uint32_t)(int8_t)v : (v & 0xFF);
    else if (size == 2) v = sign ? (uint32_t)(int16_t)v : (v & 0xFFFF);
    *val = v;
    return true;
}

bool iss_custom_store(iss_core_t *c, uint32_t addr, unsigned size, uint32_t val)
{
    uint8_t *p = iss_host_ptr(c->cl, addr, size);
    if (p) {
        if (iss_debug_watch_core(c, addr, size, false, true))
            return false;
        memcpy(p, &val, size);
        account_access(c, addr, size);
        return true;
    }
    if (uc_mem_write(c->uc, addr, &val, size) != UC_ERR_OK)
        return mem_fault(c, addr, size, true);
    if (c->stop != STOP_NONE) {
        uint32_t pc = c->hook_pc;
        uc_reg_write(c->uc, UC_RISCV_REG_PC, &pc);
        return false;
    }
    return true;
}

/* ---- hardware loops ---- */

bool iss_hwloop_csr_read(iss_core_t *c, uint32_t csr, uint32_t *val)
{
    if (!(c->cl->exts >> EXT_XCVHWLP & 1) || c->cl->pulp_csrs || csr < 0xCC0 || csr > 0xCC6 || csr == 0xCC3)
        return false;
    unsigned l = (csr - 0xCC0) >> 2, what = (csr - 0xCC0) & 3;
    *val = what == 0 ? c->lp_start[l] : what == 1 ? c->lp_end[l] : c->lp_count[l];
    return true;
}

void iss_hwloop_set(iss_core_t *c, uint32_t pc, unsigned l, int what, uint32_t val)
{
    l &= 1;
    switch (what) {
    case HWLP_START: c->lp_start[l] = val & ~3u; break;
    case HWLP_END: c->lp_end[l] = val & ~3u; break;
    default: c->lp_count[l] = val; break;
    }
    if (!c->lp_count[l])
        return;
    /* the loop is armed: check what the RTL cannot run (docs/isa.md) */
    uint32_t s = c->lp_start[l], e = c->lp_end[l];
    char why[120];
    if (e <= s) {
        snprintf(why, sizeof why, "hardware loop %u ends (0x%08x) at or before its start (0x%08x)", l, e, s);
        iss_custom_illegal(c, pc, iss_orig_word(c->cl, pc, ISS_HINT_WORD), why);
        return;
    }
    if (e - s < 8) {
        snprintf(why, sizeof why, "hardware loop %u body has %u instruction (0x%08x-0x%08x): the RTL needs at least 2, the manual 3",
                 l, (e - s) / 4, s, e);
        iss_custom_illegal(c, pc, iss_orig_word(c->cl, pc, ISS_HINT_WORD), why);
        return;
    }
    /* RTL: a 2-instruction body costs one cycle more once (fixed cost 2 against 1 with 3) */
    if (e - s == 8 && what == HWLP_COUNT && c->cl->cfg.timing_model)
        iss_core_stall(c, 1);
    if (e < c->hook_lo_core || e >= c->hook_hi_core) {
        /* the loop end is outside this core's code hook: widen it before going on */
        iss_hook_range_add(c->cl, e, e + 4);
        c->rehook = true;
    }
}

/* A core stopped with its pc on a loop end (a slice or a debugger stop between the body's last
 * instruction and the code hook of the end): the loop goes back now, as the core would. */
void iss_hwloop_at_stop(iss_core_t *c)
{
    for (unsigned l = 0; l < 2; l++)
        if (c->lp_count[l] && c->pc == c->lp_end[l]) {
            if (--c->lp_count[l])
                c->pc = c->lp_start[l];
            return;
        }
}

/* Called at every instruction of the hooked range before it runs. */
static void code_hook(uc_engine *uc, uint64_t addr, uint32_t size, void *core)
{
    iss_core_t *c = core;
    uint32_t pc = (uint32_t)addr;
    (void)uc; (void)size;
    if (__builtin_expect(c->skip_hi != 0, 0)) {
        if (pc >= c->skip_lo && pc < c->skip_hi)
            return;             /* a loop body already run in C (hwloop_run.c) */
        c->skip_hi = 0;
    }
    /* hardware loops: reaching a loop's end address means its last instruction retired;
     * loop 0 (the inner one) first */
    if (__builtin_expect(c->lp_count[0] | c->lp_count[1], 0)) {
        for (unsigned l = 0; l < 2; l++) {
            if (pc != c->lp_end[l] || !c->lp_count[l])
                continue;
            if (--c->lp_count[l] == 0)
                break;                                      /* done: falls through */
            iss_unwind_tail(c, pc);              /* the block is left here */
            iss_hazard_after(c, pc - 4);         /* the back edge is free; hazards cross it */
            uint32_t start = c->lp_start[l];
            uc_reg_write(c->uc, UC_RISCV_REG_PC, &start);
            return;
        }
    }
    if (c->lp_count[0] && pc == c->lp_start[0] && c->stop == STOP_NONE && iss_hwloop_run(c, pc))
        return;                 /* the inner loop ran in C (hwloop_run.c) */
    const iss_side_t *s = &c->cl->side;
    if (pc - s->lo >= s->hi - s->lo || c->stop != STOP_NONE)
        return;                 /* nothing to emulate, or stopped before it (a breakpoint) */
    const iss_side_entry_t *e = &s->e[(pc - s->lo) >> 1];
    const isa_form_t *f = e->form;
    if (!f || f->exec != EXEC_HOOK)
        return;
    c->hook_pc = pc;
    uint32_t w = e->orig;
    if (f->alu) {
        uint32_t rd = isa_rd(w);
        if (rd)
            iss_set_xreg(c, rd, f->alu(w, iss_xreg(c, isa_rs1(w)), iss_xreg(c, isa_rs2(w)), iss_xreg(c, rd)));
    } else if (f->run) {
        f->run(c, f, w, pc);
    }
}

/* Unicorn calls code hooks in the order they were added: the debugger's must run before
 * this one, so that a stop before an emulated instruction leaves it undone. */
void iss_custom_hook_last(iss_core_t *c)
{
    if (!c->code_hook_on)
        return;
    uc_hook_del(c->uc, c->code_hook);
    if (uc_hook_add(c->uc, &c->code_hook, UC_HOOK_CODE, (void *)code_hook, c, c->hook_lo_core,
                    c->hook_hi_core - 1) != UC_ERR_OK)
        c->code_hook_on = false;
    uc_ctl_flush_tb(c->uc);
}

bool iss_core_needs_rehook(iss_core_t *c)
{
    const iss_side_t *s = &c->cl->side;
    if (s->hook_lo == s->hook_hi)
        return false;
    return c->rehook || !c->code_hook_on || s->hook_lo < c->hook_lo_core || s->hook_hi > c->hook_hi_core;
}

bool iss_core_rehook(iss_core_t *c)
{
    const iss_side_t *s = &c->cl->side;
    if (c->code_hook_on)
        uc_hook_del(c->uc, c->code_hook);
    c->code_hook_on = false;
    /* a little margin on both sides: loops set up nearby need no second rehook */
    uint32_t lo = s->hook_lo > 0x1000 ? s->hook_lo - 0x1000 : 0, hi = s->hook_hi + 0x1000;
    if (uc_hook_add(c->uc, &c->code_hook, UC_HOOK_CODE, (void *)code_hook, c, lo, hi - 1) != UC_ERR_OK)
        return false;
    c->code_hook_on = true;
    c->hook_lo_core = lo;
    c->hook_hi_core = hi;
    c->rehook = false;
    uc_ctl_flush_tb(c->uc);
    return true;
}

/* ---- trap path: EXEC_TRAP words ---- */

static void emulate_div(iss_core_t *c, uint32_t w)
{
    uint32_t rd = isa_rd(w), f3 = (w >> 12) & 7;
    uint32_t a = iss_xreg(c, isa_rs1(w)), b = iss_xreg(c, isa_rs2(w)), r;
    int32_t sa = (int32_t)a, sb = (int32_t)b;
    bool overflow = sa == INT32_MIN && sb == -1;
    switch (f3) {
    case 4: r = b == 0 ? 0xFFFFFFFFu : overflow ? a : (uint32_t)(sa / sb); break;   /* div */
    case 5: r = b == 0 ? 0xFFFFFFFFu : a / b; break;                                 /* divu */
    case 6: r = b == 0 ? a : overflow ? 0 : (uint32_t)(sa % sb); break;              /* rem */
    default: r = b == 0 ? a : a % b; break;                                          /* remu */
    }
    iss_set_xreg(c, rd, r);
    if (c->cl->cfg.timing_model) {
        /* CV32E40P RTL: 3 + clz(d) for d >= 0 (35 for 0), 2 + leading ones for a signed
         * negative divisor (shared reference, cv32e40p/README.md); its own cycle is counted */
        uint32_t extra;
        if ((f3 == 4 || f3 == 6) && sb < 0)
            extra = 1 + (~b ? (uint32_t)__builtin_clz(~b) : 32);   /* leading ones */
        else
            extra = 2 + (b ? (uint32_t)__builtin_clz(b) : 32);
        c->cycles += extra;
        if (c->blk)
            c->blk->prof_cycles += extra;
    }
}

bool iss_custom_trap(iss_core_t *c, uint32_t ipc)
{
    const iss_side_entry_t *e = iss_side_get(c->cl, ipc);
    if (!e || e->form->exec != EXEC_TRAP || e->rewritten != ISS_TRAP_WORD)
        return false;
    uint32_t w = e->orig;
    if (e->form->cls == IC_DIV) {
        emulate_div(c, w);
        return true;
    }
    if (e->form->cls == IC_FENCE) {                /* fence.i: TBs flushed after emu_start */
        iss_core_stop(c, STOP_FENCE_I);
        return true;
    }
    return false;
}

/* ---- for the debugger: memory as the program wrote it ---- */

int iss_mem_read_code(iss_cluster_t *cl, uint32_t addr, uint8_t *data, uint32_t len)
{
    if (iss_mem_read(cl, addr, data, len))
        return -1;
    const iss_side_t *s = &cl->side;
    if (!s->e || !len)
        return 0;
    uint64_t end = (uint64_t)addr + len;
    for (uint64_t a = addr >= 2 ? (addr - 2) & ~1u : 0; a < end; a += 2) {
        const iss_side_entry_t *e = iss_side_get(cl, (uint32_t)a);
        if (!e)
            continue;
        uint32_t mem = 0;
        const uint8_t *p = iss_host_ptr(cl, (uint32_t)a, 4);
        if (!p)
            continue;
        memcpy(&mem, p, 4);
        if (mem != e->rewritten)
            continue;
        for (unsigned k = 0; k < 4; k++)
            if (a + k >= addr && a + k < end)
                data[a + k - addr] = (uint8_t)(e->orig >> (8 * k));
    }
    return 0;
}
