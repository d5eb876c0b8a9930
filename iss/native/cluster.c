/* The cluster: shared memories, one Unicorn engine per core, and the deterministic
 * scheduler that owns simulated time.
 *
 * Every core has its own cycle counter. The scheduler always runs the runnable core with
 * the smallest local time (lowest id on ties), for a slice that ends when the core is
 * `quantum` cycles ahead of the next runnable core, so cores never drift apart by more
 * than one quantum and every shared interaction happens in a reproducible order. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "iss_native.h"

#define UNTIL_NEVER 0xFFFFFFFEu   /* emu_start's stop address: never reached */

static void run_timed(iss_cluster_t *cl, uint64_t now);
#define WFI_WORD 0x10500073u

void *iss_host_ptr(iss_cluster_t *cl, uint32_t addr, uint32_t len)
{
    uint64_t end = (uint64_t)addr + len;
    if (addr >= ISS_TCDM_BASE && end <= (uint64_t)ISS_TCDM_BASE + cl->cfg.tcdm_size)
        return cl->tcdm + (addr - ISS_TCDM_BASE);
    if (end <= cl->cfg.tcdm_size)   /* alias at 0 */
        return cl->tcdm + addr;
    if (addr >= ISS_L2_BASE && end <= (uint64_t)ISS_L2_BASE + cl->cfg.l2_size)
        return cl->l2 + (addr - ISS_L2_BASE);
    return NULL;
}

uint8_t *iss_tcdm_ptr(iss_cluster_t *cl, uint32_t addr, uint64_t len)
{
    uint64_t end = (uint64_t)addr + len;
    if (addr >= ISS_TCDM_BASE && end <= (uint64_t)ISS_TCDM_BASE + cl->cfg.tcdm_size)
        return cl->tcdm + (addr - ISS_TCDM_BASE);
    if (end <= cl->cfg.tcdm_size)   /* the alias at 0 */
        return cl->tcdm + addr;
    return NULL;
}

uint64_t iss_core_now(iss_core_t *c) { return c->access_time; }

/* True when the peripheral access being handled can take effect now, at c->access_time.
 * When Unicorn keeps the pc exact in callbacks (memory hooks exist: the cycle model's), that
 * cycle is the block's start plus the static cycles before the access and the block's stalls
 * so far (less this access's own latency). Otherwise the access stops the core without
 * retiring and runs again as the first instruction of a block, whose start cycle is exact. */
/* Nothing can still change the shared state before time t: no peripheral completion due at or
 * before t is pending, and every other running core is past t (or at t with a higher id, the
 * scheduler's order). Then an access at t sees what it would with any quantum. */
static bool settled_before(iss_core_t *c, uint64_t t)
{
    iss_cluster_t *cl = c->cl;
    if (cl->timed_len && cl->timed[0].when <= t)
        return false;
    for (uint32_t i = 0; i < cl->cfg.num_cores; i++) {
        iss_core_t *o = &cl->cores[i];
        if (o != c && o->state == CORE_RUNNING && !o->dbg_held &&
            (o->cycles < t || (o->cycles == t && o->id < c->id)))
            return false;
    }
    return true;
}

bool iss_exact_time(iss_core_t *c)
{
    if (c->cl->exact_pc) {
        uint32_t pc = 0;
        uc_reg_read(c->uc, UC_RISCV_REG_PC, &pc);
        if (pc >= c->blk_addr && pc < c->blk_addr + c->blk_size) {
            iss_counts_t before;
            iss_range_counts(c, c->blk_addr, pc, &before);
            uint64_t t = c->block_base + before.cycles + c->blk_stalls - c->cl->cfg.periph_latency;
            if (settled_before(c, t)) {
                c->access_time = t;
                c->replay = false;
                return true;
            }
            /* others may still act before t: retry as the first access of a slice, when this
             * core is the slowest and the completions due have run */
            c->replay = true;
            iss_core_stop(c, STOP_REPLAY);
            return false;
        }
    }
    if (c->replay) {
        c->replay = false;
        c->access_time = c->block_base;
        return true;
    }
    c->replay = true;
    iss_core_stop(c, STOP_REPLAY);
    return false;
}

void iss_core_sleep(iss_core_t *c, enum iss_wait wait, uint32_t arg)
{
    c->state = CORE_SLEEPING;
    c->wait = wait;
    c->wait_arg = arg;
    c->sleep_start = c->access_time;
    c->replay = true;                 /* the blocked access re-executes on wake-up */
    c->resume = true;
    iss_core_stop(c, STOP_BLOCKED);
}

void iss_core_wake(iss_core_t *c, uint64_t when)
{
    if (c->state != CORE_SLEEPING)
        return;
    iss_config_t *cfg = &c->cl->cfg;
    uint64_t asleep = c->sleep_start + cfg->sleep_cycles;
    uint64_t t = (when > asleep ? when : asleep) + cfg->wakeup_cycles;
    c->sleep_total += t - c->sleep_start;
    if (c->cl->trace)
        iss_trace_sleep(c, c->sleep_start, t);
    if (c->blk) {   /* the profile charges the sleep to the instruction that slept */
        c->blk->prof_cycles += t - c->sleep_start;
        c->blk->prof_sleep += t - c->sleep_start;
    }
    c->cycles = t;
    c->state = CORE_RUNNING;
    c->wait = WAIT_NONE;
}

/* ---- peripheral accesses: a fixed latency on top of the peripheral's behaviour ---- */

#define PERIPH_WRAPPERS(name)                                                              \
    static uint64_t name##_read(uc_engine *uc, uint64_t off, unsigned size, void *core)    \
    {                                                                                      \
        iss_core_stall(core, ((iss_core_t *)core)->cl->cfg.periph_latency);                \
        return iss_##name##_read(uc, off, size, core);                                     \
    }                                                                                      \
    static void name##_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t val,     \
                             void *core)                                                   \
    {                                                                                      \
        iss_core_stall(core, ((iss_core_t *)core)->cl->cfg.periph_latency);                \
        iss_##name##_write(uc, off, size, val, core);                                      \
    }
/* Present on the peripheral ranges so that Unicorn syncs the pc before their accesses. */
static void sync_pc_hook(uc_engine *uc, uc_mem_type type, uint64_t addr, int size, int64_t value, void *core)
{
    (void)uc; (void)type; (void)addr; (void)size; (void)value; (void)core;
}

PERIPH_WRAPPERS(periph)
PERIPH_WRAPPERS(demux)
PERIPH_WRAPPERS(soc)

/* ---- creation ---- */

static bool map(uc_engine *uc, uc_err e, const char *what, char *err, int errlen)
{
    (void)uc;
    if (e == UC_ERR_OK)
        return true;
    snprintf(err, (size_t)errlen, "cannot map %s: %s", what, uc_strerror(e));
    return false;
}

iss_cluster_t *iss_create(const iss_config_t *cfg, char *err, int errlen)
{
    iss_cluster_t *cl = calloc(1, sizeof *cl);
    if (!cl) {
        snprintf(err, (size_t)errlen, "out of host memory for the cluster");
        return NULL;
    }
    cl->cfg = *cfg;
    cl->exts = cfg->isa_exts ? cfg->isa_exts : ISA_EXTS_RV32IMC;
    cl->tcdm = mmap(NULL, cfg->tcdm_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    cl->l2 = mmap(NULL, cfg->l2_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (cl->tcdm == MAP_FAILED || cl->l2 == MAP_FAILED) {
        snprintf(err, (size_t)errlen, "out of host memory for the %s (%u bytes)", cl->tcdm == MAP_FAILED ? "TCDM" : "L2",
                 cl->tcdm == MAP_FAILED ? cfg->tcdm_size : cfg->l2_size);
        if (cl->tcdm == MAP_FAILED)
            cl->tcdm = NULL;
        if (cl->l2 == MAP_FAILED)
            cl->l2 = NULL;
        iss_destroy(cl);
        return NULL;
    }
    for (int m = 0; m < ISS_NUM_MUTEX; m++)
        cl->mutex_owner[m] = -1;
    /* the cycle model's memory hooks already make every access take Unicorn's slow path */
    cl->exact_pc = cfg->timing_model && (cfg->l2_latency || cfg->bank_conflicts);
    if (cfg->bank_conflicts) {
        /* the window must cover the skew between cores: 4 quanta, a power of two */
        uint32_t w = 1024;
        while (w < 4 * cfg->quantum)
            w *= 2;
        cl->bank_window = w;
        cl->bank_slots = calloc((size_t)cfg->tcdm_banks * w, sizeof(uint64_t));
        if (!cl->bank_slots) {   /* never run with the model silently off */
            snprintf(err, (size_t)errlen, "out of host memory for the bank-conflict table (memory.tcdm_banks %u x %u "
                     "slots x 8 bytes, the window covering 4 x timing.quantum): use fewer banks or a smaller quantum",
                     cfg->tcdm_banks, w);
            iss_destroy(cl);
            return NULL;
        }
    }
    for (uint32_t i = 0; i < cfg->num_cores; i++) {
        iss_core_t *c = &cl->cores[i];
        c->cl = cl;
        c->id = i;
        uc_err e = uc_open(UC_ARCH_RISCV, UC_MODE_RISCV32, &c->uc);
        if (e != UC_ERR_OK) {
            snprintf(err, (size_t)errlen, "cannot create a RISC-V engine: %s", uc_strerror(e));
            iss_destroy(cl);
            return NULL;
        }
        uc_engine *uc = c->uc;
        uc_hook h;
        if (!map(uc, uc_mem_map_ptr(uc, ISS_TCDM_BASE, cfg->tcdm_size, UC_PROT_ALL, cl->tcdm), "TCDM", err, errlen) ||
            !map(uc, uc_mem_map_ptr(uc, ISS_TCDM_ALIAS_BASE, cfg->tcdm_size, UC_PROT_ALL, cl->tcdm), "TCDM alias", err, errlen) ||
            !map(uc, uc_mem_map_ptr(uc, ISS_L2_BASE, cfg->l2_size, UC_PROT_ALL, cl->l2), "L2", err, errlen) ||
            !map(uc, uc_mmio_map(uc, ISS_TCDM_TAS_BASE, cfg->tcdm_size, iss_tas_read, c, iss_tas_write, c), "TAS alias", err, errlen) ||
            !map(uc, uc_mmio_map(uc, ISS_CLUSTER_PERIPH_BASE, ISS_CLUSTER_PERIPH_SIZE, periph_read, c, periph_write, c), "cluster peripherals", err, errlen) ||
            !map(uc, uc_mmio_map(uc, ISS_DEMUX_BASE, ISS_DEMUX_SIZE, demux_read, c, demux_write, c), "demux peripherals", err, errlen) ||
            !map(uc, uc_mmio_map(uc, ISS_SOC_PERIPH_BASE, ISS_SOC_PERIPH_SIZE, soc_read, c, soc_write, c), "SoC peripherals", err, errlen) ||
            !map(uc, uc_hook_add(uc, &h, UC_HOOK_BLOCK, (void *)iss_hook_block, c, 1, 0), "block hook", err, errlen) ||
            !map(uc, uc_hook_add(uc, &h, UC_HOOK_INTR, (void *)iss_hook_intr, c, 1, 0), "trap hook", err, errlen) ||
            !map(uc, uc_hook_add(uc, &h, UC_HOOK_MEM_UNMAPPED, (void *)iss_hook_unmapped, c, 1, 0), "fault hook", err, errlen) ||
            (cfg->l2_latency &&
             !map(uc, uc_hook_add(uc, &h, UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE, (void *)iss_hook_l2_access, c,
                                  ISS_L2_BASE, ISS_L2_BASE + cfg->l2_size - 1), "L2 hook", err, errlen)) ||
            (cl->exact_pc &&
             (!map(uc, uc_hook_add(uc, &h, UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE, (void *)sync_pc_hook, c,
                                   ISS_CLUSTER_PERIPH_BASE, ISS_DEMUX_BASE + ISS_DEMUX_SIZE - 1), "pc hook", err, errlen) ||
              !map(uc, uc_hook_add(uc, &h, UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE, (void *)sync_pc_hook, c,
                                   ISS_SOC_PERIPH_BASE, ISS_SOC_PERIPH_BASE + ISS_SOC_PERIPH_SIZE - 1), "pc hook", err, errlen))) ||
            (cfg->bank_conflicts &&
             (!map(uc, uc_hook_add(uc, &h, UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE, (void *)iss_hook_tcdm_access, c,
                                   ISS_TCDM_BASE, ISS_TCDM_BASE + cfg->tcdm_size - 1), "TCDM hook", err, errlen) ||
              !map(uc, uc_hook_add(uc, &h, UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE, (void *)iss_hook_tcdm_access, c,
                                   ISS_TCDM_ALIAS_BASE, ISS_TCDM_ALIAS_BASE + cfg->tcdm_size - 1), "TCDM alias hook", err, errlen)))) {
            iss_destroy(cl);
            return NULL;
        }
        iss_custom_init_core(c);
    }
    iss_dma_init(cl);
    iss_timer_init(cl);
    iss_ima_init(cl);
    iss_dwa_init(cl);
    if (!cl->dma || !cl->timer || !cl->dwa || !iss_ima_ready(cl)) {
        snprintf(err, (size_t)errlen, "out of host memory for the peripherals (the IMA's weights: ima.arrays %u x "
                 "ima.size %u^2 bytes)", cfg->ima_arrays, cfg->ima_size);
        iss_destroy(cl);
        return NULL;
    }
    return cl;
}

void iss_destroy(iss_cluster_t *cl)
{
    if (!cl)
        return;
    for (uint32_t i = 0; i < ISS_MAX_CORES; i++) {
        if (cl->cores[i].uc)
            uc_close(cl->cores[i].uc);
        free(cl->cores[i].blocks.slots);
        free(cl->cores[i].hwl);
    }
    if (cl->tcdm)
        munmap(cl->tcdm, cl->cfg.tcdm_size);
    if (cl->l2)
        munmap(cl->l2, cl->cfg.l2_size);
    free(cl->out);
    free(cl->timed);
    free(cl->markers);
    free(cl->bank_slots);
    iss_dma_free(cl);
    iss_timer_free(cl);
    iss_ima_free(cl);
    iss_dwa_free(cl);
    iss_debug_free(cl);
    iss_trace_free(cl);
    iss_side_free(cl);
    free(cl);
}

int iss_mem_write(iss_cluster_t *cl, uint32_t addr, const uint8_t *data, uint32_t len)
{
    void *p = iss_host_ptr(cl, addr, len);
    if (!p)
        return -1;
    memcpy(p, data, len);
    return 0;
}

int iss_mem_read(iss_cluster_t *cl, uint32_t addr, uint8_t *data, uint32_t len)
{
    void *p = iss_host_ptr(cl, addr, len);
    if (!p)
        return -1;
    memcpy(data, p, len);
    return 0;
}

void iss_set_entry(iss_cluster_t *cl, uint32_t entry)
{
    cl->entry = entry;
    for (uint32_t i = 0; i < cl->cfg.num_cores; i++)
        cl->cores[i].pc = entry;
}

void iss_set_csr_map(iss_cluster_t *cl, int pulp) { cl->pulp_csrs = pulp != 0; }
void iss_set_hwloop_fast(iss_cluster_t *cl, int on) { cl->hwloop_slow = !on; }

void iss_set_htif(iss_cluster_t *cl, uint32_t tohost, uint32_t fromhost)
{
    cl->tohost = tohost;
    cl->fromhost = fromhost;
}

void iss_end_run(iss_cluster_t *cl, iss_core_t *c, int32_t status)
{
    if (cl->result == RUN_CONTINUE) {
        cl->result = RUN_EXIT;
        cl->exit_status = status;
        cl->exit_core = c->id;
    }
    iss_core_stop(c, STOP_EXIT);
}

/* ---- the scheduler ---- */

static iss_core_t *pick_core(iss_cluster_t *cl, uint64_t *next_time)
{
    iss_core_t *best = NULL;
    uint64_t second = UINT64_MAX;
    for (uint32_t i = 0; i < cl->cfg.num_cores; i++) {
        iss_core_t *c = &cl->cores[i];
        if (c->state != CORE_RUNNING || c->dbg_held)
            continue;
        if (!best || c->cycles < best->cycles) {
            if (best)
                second = best->cycles;
            best = c;
        } else if (c->cycles < second) {
            second = c->cycles;
        }
    }
    *next_time = second;
    return best;
}

/* HTIF: riscv-tests end by writing (code << 1) | 1 to `tohost`; Spike polls it too. */
static void poll_tohost(iss_cluster_t *cl, iss_core_t *c)
{
    uint32_t v;
    if (!cl->tohost || iss_mem_read(cl, cl->tohost, (uint8_t *)&v, 4) || !v)
        return;
    if (v & 1) {
        iss_output_flush_all(cl);
        if (cl->result == RUN_CONTINUE) {
            cl->result = RUN_EXIT;
            cl->exit_status = (int32_t)(v >> 1);
            cl->exit_core = c->id;
        }
    } else if (cl->fault.kind == FAULT_NONE) {   /* the core is stopped: record, no emu_stop */
        cl->fault = (iss_fault_info_t){.kind = FAULT_HTIF, .core = c->id, .pc = c->pc, .addr = cl->tohost};
        snprintf(cl->fault.msg, sizeof cl->fault.msg,
                 "tohost = 0x%08x: HTIF system calls are not supported (only exit codes)", v);
        cl->result = RUN_FAULT;
    }
}

static void after_slice(iss_cluster_t *cl, iss_core_t *c, uc_err e)
{
    uint32_t pc = 0;
    uc_reg_read(c->uc, UC_RISCV_REG_PC, &pc);
    if (e == UC_ERR_INSN_INVALID && c->stop != STOP_FAULT) {
        /* Unicorn rejects some encodings (ebreak among them) before any hook runs */
        uint32_t w = 0;
        iss_code_word(cl, pc, &w);
        cl->fault.insn = w;
        cl->fault.pc = pc;
        if (w == 0x00100073u || w == 0x9002u)
            iss_fault(c, FAULT_EBREAK, pc, "ebreak with no debugger attached (GCC emits it for code that must trap)");
        else
            iss_illegal_fault(c, pc, w);
    } else if (e != UC_ERR_OK && c->stop != STOP_FAULT) {
        iss_fault(c, FAULT_INTERNAL, pc, "emulation error: %s", uc_strerror(e));
    }
    switch (c->stop) {
    case STOP_NONE:
    case STOP_SLICE:
        c->pc = pc;
        if (c->stop == STOP_NONE) {
            /* only wfi makes emu_start return by itself */
            uint32_t w = 0;
            iss_mem_read(cl, pc - 4, (uint8_t *)&w, 4);
            iss_unwind_tail(c, pc);
            if (w == WFI_WORD && !(c->evt_buffer & c->evt_mask)) {
                c->state = CORE_SLEEPING;
                c->wait = WAIT_WFI;
                c->sleep_start = c->cycles;
            }
        }
        break;
    case STOP_REPLAY:
    case STOP_BLOCKED:
        iss_unwind_tail(c, pc);   /* the access did not retire: it runs again */
        c->cycles -= cl->cfg.periph_latency;
        if (c->blk)
            c->blk->prof_cycles -= cl->cfg.periph_latency;
        c->pc = pc;
        break;
    case STOP_RETRANSLATE:
        uc_ctl_remove_cache(c->uc, c->blk_addr, c->blk_addr + c->blk_size);
        c->pc = pc;
        break;
    case STOP_REHOOK:          /* after the instruction at pc - 4: iss_run rehooks */
        iss_unwind_tail(c, pc);
        c->pc = pc;
        break;
    case STOP_FENCE_I:
        iss_hwloop_run_forget(c);
        uc_ctl_flush_tb(c->uc);
        iss_block_cache_clear(c);
        c->blk = NULL;
        c->pc = pc;
        break;
    case STOP_EXIT: {
        /* the CORESTATUS store completes: the run ends after it */
        const uint8_t *p = iss_host_ptr(cl, pc, 2);
        uint32_t next = pc + (p && (p[0] & 3) != 3 ? 2 : 4);
        iss_unwind_tail(c, next);
        c->pc = next;
        c->state = CORE_HALTED;
        break;
    }
    case STOP_DEBUG:   /* before the instruction at pc (debug.c) */
        iss_unwind_tail(c, pc);
        c->pc = pc;
        break;
    case STOP_FAULT:
        if (cl->fault.kind == FAULT_READ_UNMAPPED || cl->fault.kind == FAULT_WRITE_UNMAPPED ||
            cl->fault.kind == FAULT_FETCH_UNMAPPED || cl->fault.kind == FAULT_PERIPH ||
            cl->fault.kind == FAULT_INTERNAL) {
            cl->fault.pc = cl->fault.kind == FAULT_FETCH_UNMAPPED ? cl->fault.addr : pc;
            iss_unwind_tail(c, pc);
        }
        c->pc = cl->fault.pc;
        c->state = CORE_HALTED;
        cl->result = RUN_FAULT;
        break;
    }
    if (c->state != CORE_HALTED && c->stop != STOP_FAULT)
        iss_hwloop_at_stop(c);
    if (cl->dbg)
        iss_debug_after_slice(c, c->stop);
    if (cl->trace)
        iss_trace_after_slice(c, c->stop);
    c->stop = STOP_NONE;
}

int iss_run(iss_cluster_t *cl, uint64_t max_slices)
{
    for (uint64_t s = 0; s < max_slices && cl->result == RUN_CONTINUE && !cl->dbg_stop; s++) {
        uint64_t next;
        iss_core_t *c = pick_core(cl, &next);
        /* peripherals' completions happen once the slowest core reaches them; with every
         * core asleep, time jumps to the next completion */
        if (cl->timed_len && (!c || cl->timed[0].when <= c->cycles)) {
            /* every core asleep while a timer or an accelerator keeps time moving: the limit
             * holds there too */
            if (!c && cl->cfg.max_cycles && cl->timed[0].when >= cl->cfg.max_cycles) {
                iss_output_flush_all(cl);
                cl->result = RUN_MAX_CYCLES;
                break;
            }
            run_timed(cl, c ? c->cycles : cl->timed[0].when);
            continue;
        }
        if (!c) {
            if (cl->dbg && iss_debug_no_runnable(cl))   /* cores held by the debugger */
                continue;
            iss_output_flush_all(cl);
            cl->result = RUN_DEADLOCK;
            break;
        }
        /* a peripheral's completion is one more party the core may run ahead of by at most a
         * quantum: it happens when the slowest core reaches it, in time order */
        uint64_t base = next == UINT64_MAX ? c->cycles : next;
        if (cl->timed_len && cl->timed[0].when < base)
            base = cl->timed[0].when;
        uint64_t horizon = base + cl->cfg.quantum;
        if (cl->cfg.max_cycles) {
            if (c->cycles >= cl->cfg.max_cycles) {
                iss_output_flush_all(cl);
                cl->result = RUN_MAX_CYCLES;
                break;
            }
            if (horizon > cl->cfg.max_cycles)
                horizon = cl->cfg.max_cycles;
        }
        c->slice_end = horizon;
        c->stop = STOP_NONE;
        if (iss_core_needs_rehook(c) && !iss_core_rehook(c)) {
            iss_fault(c, FAULT_INTERNAL, c->pc, "cannot install the code hook for custom instructions");
            cl->result = RUN_FAULT;
            break;
        }
        if (cl->trace)
            iss_trace_before_slice(c);
        uc_err e = uc_emu_start(c->uc, c->pc, UNTIL_NEVER, 0, 0);
        cl->slices++;
        after_slice(cl, c, e);
        if (cl->result == RUN_CONTINUE)
            poll_tohost(cl, c);
    }
    if (cl->result != RUN_CONTINUE)
        iss_output_flush_all(cl);
    else if (cl->dbg_stop)
        return RUN_DEBUG_STOP;
    return cl->result;
}

/* ---- inspection from Python ---- */

void iss_core_info(iss_cluster_t *cl, uint32_t core, iss_core_info_t *out)
{
    if (core >= cl->cfg.num_cores) {
        *out = (iss_core_info_t){0};
        return;
    }
    iss_core_t *c = &cl->cores[core];
    *out = (iss_core_info_t){
        .pc = c->pc, .state = c->state, .wait = c->wait, .wait_arg = c->wait_arg,
        .evt_mask = c->evt_mask, .evt_buffer = c->evt_buffer,
        .cycles = c->cycles, .sleep_cycles = c->sleep_total, .instret = c->cnt.instret,
        .loads = c->cnt.loads, .stores = c->cnt.stores, .jumps = c->cnt.jumps,
        .branches = c->cnt.branches, .taken = c->cnt.taken, .rvc = c->cnt.rvc,
        .ld_stall = c->cnt.ld_stall, .jmp_stall = c->cnt.jmp_stall, .tcdm_cont = c->cnt.tcdm_cont,
    };
}

void iss_get_status(iss_cluster_t *cl, iss_status_t *out)
{
    memset(out, 0, sizeof *out);
    out->result = cl->result;
    out->exit_status = cl->exit_status;
    out->exit_core = cl->exit_core;
    out->fault_kind = cl->fault.kind;
    out->fault_core = cl->fault.core;
    out->fault_pc = cl->fault.pc;
    out->fault_addr = cl->fault.addr;
    out->fault_insn = cl->fault.insn;
    memcpy(out->fault_msg, cl->fault.msg, sizeof out->fault_msg);
    out->slices = cl->slices;
    for (int i = 0; i < 8; i++) {
        out->bar_status[i] = cl->bar_status[i];
        out->bar_trigger_mask[i] = cl->bar_trigger_mask[i];
        out->mutex_owner[i] = cl->mutex_owner[i];
    }
}

/* ---- timed callbacks ---- */

static bool timed_before(const iss_timed_t *a, const iss_timed_t *b)
{
    return a->when < b->when || (a->when == b->when && a->seq < b->seq);
}

void iss_schedule(iss_cluster_t *cl, uint64_t when, iss_timed_fn fn, void *arg)
{
    if (cl->timed_len == cl->timed_cap) {
        cl->timed_cap = cl->timed_cap ? cl->timed_cap * 2 : 64;
        cl->timed = realloc(cl->timed, cl->timed_cap * sizeof *cl->timed);
    }
    uint32_t i = cl->timed_len++;
    iss_timed_t item = {when, cl->timed_seq++, fn, arg};
    while (i && timed_before(&item, &cl->timed[(i - 1) / 2])) {
        cl->timed[i] = cl->timed[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    cl->timed[i] = item;
}

static iss_timed_t timed_pop(iss_cluster_t *cl)
{
    iss_timed_t top = cl->timed[0], last = cl->timed[--cl->timed_len];
    uint32_t i = 0;
    for (;;) {
        uint32_t l = 2 * i + 1, r = l + 1, m = i;
        const iss_timed_t *best = &last;
        if (l < cl->timed_len && timed_before(&cl->timed[l], best)) { m = l; best = &cl->timed[l]; }
        if (r < cl->timed_len && timed_before(&cl->timed[r], best)) { m = r; }
        if (m == i)
            break;
        cl->timed[i] = cl->timed[m];
        i = m;
    }
    if (cl->timed_len)
        cl->timed[i] = last;
    return top;
}

/* Runs the callbacks due at or before `now`. */
static void run_timed(iss_cluster_t *cl, uint64_t now)
{
    while (cl->timed_len && cl->timed[0].when <= now && cl->result == RUN_CONTINUE && !cl->dbg_stop) {
        iss_timed_t t = timed_pop(cl);
        t.fn(cl, t.arg, t.when);
    }
}

/* ---- TCDM banks ---- */

uint64_t iss_tcdm_grant(iss_cluster_t *cl, uint32_t addr, uint64_t t)
{
    if (!cl->bank_slots)
        return t;
    uint32_t bank = (addr >> 2) & (cl->cfg.tcdm_banks - 1);
    uint64_t *ring = cl->bank_slots + (uint64_t)bank * cl->bank_window;
    uint32_t mask = cl->bank_window - 1;
    for (uint64_t u = t;; u++) {
        uint64_t *slot = &ring[u & mask];
        if (*slot != u + 1) {   /* free, or a stale cycle of an earlier window */
            *slot = u + 1;
            return u;
        }
    }
}

uint32_t iss_profile(iss_cluster_t *cl, uint32_t core, uint32_t *addr, uint64_t *cycles,
                     uint64_t *sleep, uint64_t *execs, uint32_t cap)
{
    if (core >= cl->cfg.num_cores)     /* the Python side names the error; never index past the cores */
        return 0;
    iss_block_cache_t *bc = &cl->cores[core].blocks;
    uint32_t n = 0;
    for (uint32_t i = 0; bc->slots && i <= bc->mask; i++) {
        iss_block_t *b = &bc->slots[i];
        if (!b->size || !b->execs)
            continue;
        if (n < cap) {
            addr[n] = b->addr;
            cycles[n] = b->prof_cycles;
            sleep[n] = b->prof_sleep;
            execs[n] = b->execs;
        }
        n++;
    }
    return n;
}

/* ---- firmware markers ---- */

void iss_record_marker(iss_cluster_t *cl, iss_core_t *c, uint32_t id)
{
    if (cl->nmarkers == cl->markers_cap) {
        cl->markers_cap = cl->markers_cap ? 2 * cl->markers_cap : 64;
        cl->markers = realloc(cl->markers, cl->markers_cap * sizeof *cl->markers);
    }
    iss_marker_t *m = &cl->markers[cl->nmarkers++];
    memset(m, 0, sizeof *m);
    m->id = id;
    m->core = c->id;
    m->cycle = iss_core_now(c);
    for (uint32_t i = 0; i < cl->cfg.num_cores; i++) {
        iss_core_t *o = &cl->cores[i];
        /* a sleeping core's counter stopped when it fell asleep */
        uint64_t upto = o->state == CORE_SLEEPING ? o->sleep_start : (o == c ? m->cycle : o->cycles);
        m->core_active += upto - o->sleep_total;
    }
    iss_ima_get_stats(cl, &m->ima);
    iss_dwa_get_stats(cl, &m->dwa);
    iss_dma_get_stats(cl, &m->dma);
    if (cl->trace)
        iss_trace_marker(cl, c, id);
}

uint32_t iss_markers(iss_cluster_t *cl, iss_marker_t *out, uint32_t cap)
{
    uint32_t n = cl->nmarkers < cap ? cl->nmarkers : cap;
    memcpy(out, cl->markers, n * sizeof *out);
    return cl->nmarkers;
}
