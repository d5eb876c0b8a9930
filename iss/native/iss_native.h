/* The simulator's native core: shared state of the cluster, its cores and peripherals.
 * Python creates the cluster through the functions at the end (see cdef in build.py);
 * everything on a per-instruction, per-block or per-access path lives in C. */
#ifndef ISS_NATIVE_H
#define ISS_NATIVE_H

#include <stdbool.h>
#include <stdint.h>
#include <unicorn/unicorn.h>

#include "iss_archi.h"
#include "isa.h"
#include "custom.h"

#define ISS_MAX_CORES 8
#define ISS_NUM_MUTEX 8
#define ISS_NUM_BARRIERS 8
#define ISS_FIFO_DEPTH 8
#define ISS_NUM_PERF 17

#include "api.h"

/* A callback at a future simulated time (DMA and accelerator completions). */
typedef void (*iss_timed_fn)(struct iss_cluster *cl, void *arg, uint64_t when);
typedef struct iss_timed {
    uint64_t when;
    uint64_t seq;             /* insertion order: ties run first-scheduled first */
    iss_timed_fn fn;
    void *arg;
} iss_timed_t;

/* ---- why a core's emu_start returned ---- */
enum iss_stop {
    STOP_NONE = 0, STOP_SLICE, STOP_REPLAY, STOP_BLOCKED, STOP_RETRANSLATE,
    STOP_FENCE_I, STOP_EXIT, STOP_FAULT,
    STOP_DEBUG,               /* a breakpoint, watchpoint or single step (debug.c) */
    STOP_REHOOK,              /* the core's code hook must grow (custom.c) */
};

enum iss_core_state { CORE_RUNNING = 0, CORE_SLEEPING, CORE_HALTED };

/* What a sleeping core waits for (reported on deadlock). */
enum iss_wait {
    WAIT_NONE = 0, WAIT_EVENT, WAIT_WFI, WAIT_BARRIER, WAIT_MUTEX, WAIT_DISPATCH,
};

/* Run results (iss_run return values). */
enum iss_result {
    RUN_CONTINUE = 0, RUN_EXIT, RUN_FAULT, RUN_DEADLOCK, RUN_MAX_CYCLES,
    RUN_DEBUG_STOP,           /* a debugger stop: iss_debug_get_stop says why */
};

/* Fault kinds reported to Python. */
enum iss_fault {
    FAULT_NONE = 0, FAULT_ILLEGAL, FAULT_READ_UNMAPPED, FAULT_WRITE_UNMAPPED,
    FAULT_FETCH_UNMAPPED, FAULT_PERIPH, FAULT_ECALL, FAULT_EBREAK, FAULT_HTIF, FAULT_INTERNAL,
};

/* Event counts of a core, or the static counts of a block (the sources of the RI5CY
 * performance counters and of the run summary). */
typedef struct iss_counts {
    uint64_t cycles;          /* static cycles (a core's total is iss_core_t.cycles) */
    uint64_t instret;
    uint64_t loads, stores, jumps, branches, taken, rvc;
    uint64_t ld_stall, jmp_stall, tcdm_cont;
} iss_counts_t;

/* A halfword or word access of a block that may cross a word boundary (docs/timing.md): its
 * address is the block-entry value of register reg (0: the constant 0) plus a constant. */
#define ISS_MIS_CHECKS 8
typedef struct iss_mis_check {
    uint16_t pos;             /* byte offset of the access in its block */
    uint8_t reg;
    uint8_t cross;            /* bit k: the access crosses a word when reg's low two bits are k */
} iss_mis_check_t;

/* Static summary of a translation block, decoded once and cached per core. */
typedef struct iss_block {
    uint32_t addr;
    uint32_t size;
    uint32_t fallthrough;     /* address after a final conditional branch, 0 if none */
    uint8_t last_rd;          /* register written by the last instruction (0: none, or a jump) */
    uint8_t last_is_load;
    uint8_t first_is_jalr;
    uint8_t last_flow;        /* ISS_FLOW_*: the last instruction calls, returns or jumps */
    uint32_t first_reads;     /* registers read by the first instruction (bit mask) */
    uint8_t first_rd;         /* register written by the first instruction (WAW after a load) */
    uint8_t first_at_halfword;/* the first instruction is 32-bit at a halfword address */
    uint8_t last_is_jump;     /* ends in jal/jalr: the next block is a jump target */
    uint8_t tail_load2_rd;    /* the second-to-last instruction loads this register (jalr hazard) */
    uint8_t nmis;             /* misalignment checks at block entry */
    uint8_t mis_invariant;    /* a pass keeps the checked registers' low bits: mis_last holds on re-entry */
    uint8_t mis_last;         /* checks that crossed a word at the last entry (bit mask) */
    iss_mis_check_t mis[ISS_MIS_CHECKS];
    iss_counts_t cnt;         /* static counts of one execution */
    uint64_t execs;           /* profile: executions */
    uint64_t prof_cycles;     /* profile: every cycle spent in the block, stalls and sleep included */
    uint64_t prof_sleep;      /* profile: cycles asleep on an instruction of the block */
} iss_block_t;

typedef struct iss_block_cache {
    iss_block_t *slots;
    uint32_t mask;            /* capacity - 1 (power of two) */
    uint32_t used;
} iss_block_cache_t;

typedef struct iss_core {
    struct iss_cluster *cl;
    uc_engine *uc;
    uint32_t id;
    uint32_t pc;
    enum iss_core_state state;
    enum iss_stop stop;

    /* time */
    uint64_t cycles;          /* local cycle counter (includes the current block) */
    uint64_t block_base;      /* cycles at the start of the current block */
    uint64_t access_time;     /* cycle of the peripheral access being handled (iss_core_now) */
    uint64_t slice_end;
    iss_counts_t cnt;
    uint64_t sleep_total;     /* cycles spent asleep */
    uint64_t sleep_start;
    uint64_t mcycle_offset;   /* firmware writes to mcycle/minstret shift these */
    uint64_t minstret_offset;

    /* the translation block being executed */
    uint32_t blk_addr, blk_size;
    iss_block_t *blk;             /* its cache entry (valid until the cache grows) */
    uint32_t blk_accesses;        /* TCDM accesses so far in it (bank-conflict timing) */
    uint64_t blk_stalls;          /* dynamic stalls so far in it */
    uint32_t prev_fallthrough;
    uint8_t prev_last_rd, prev_last_is_load;
    uint8_t prev_jump;            /* the previous block ended in jal/jalr */
    uint8_t prev_load2_rd;        /* its second-to-last instruction loaded this register */
    uint8_t blk_mis;              /* the current block's checks that crossed a word (bit mask) */
    bool mis_reuse;               /* registers changed only by the current block since its checks */

    /* blocking / exact-time accesses */
    bool replay;              /* the next access is the first instruction of a block */
    bool resume;              /* the access is re-executed after its wait was satisfied */
    enum iss_wait wait;
    uint32_t wait_arg;        /* barrier, mutex id or event mask */
    uint32_t wait_addr;

    /* event unit core area */
    uint32_t evt_mask, evt_buffer;
    uint32_t fifo[ISS_FIFO_DEPTH];
    uint32_t fifo_head, fifo_count;

    /* RI5CY performance counters */
    uint32_t pcer, pcmr;
    uint64_t perf_base[ISS_NUM_PERF];   /* counter = perf_acc + source - base while counting */
    uint32_t perf_acc[ISS_NUM_PERF];
    /* CV32E40P hardware performance counters (perf.c) */
    uint32_t hpm_event[32], hpm_inhibit;
    uint64_t hpm_acc[32], hpm_base[32];

    /* output line buffer */
    char line[256];
    uint32_t line_len;

    iss_block_cache_t blocks;
    bool dbg_held;            /* a debugger keeps this core from running */
    bool trace_on;            /* tracing: the block hook takes iss_trace_block (trace.c) */

    /* emulated instructions (custom.c) */
    uint32_t *gpr;            /* Unicorn's x0-x31 of this engine, NULL: use the API */
    uc_hook code_hook;
    bool code_hook_on, rehook;
    uint32_t hook_lo_core, hook_hi_core;   /* range the code hook covers */
    uint32_t hook_pc;         /* pc of the form being emulated */
    /* XCVhwlp: two loop levels (0 inner), as CSRs 0xCC0-0xCC6 show them */
    uint32_t lp_start[2], lp_end[2], lp_count[2];
    void *hwl;                /* the inner loop compiled for hwloop_run.c */
    uint32_t skip_lo, skip_hi;   /* a body hwloop_run.c ran: its no-ops pass without the hook */
    uint8_t prev_flow;        /* tracing: last_flow of the previous block */
} iss_core_t;

typedef struct iss_fault_info {
    enum iss_fault kind;
    uint32_t core;
    uint32_t pc;
    uint32_t addr;
    uint32_t insn;
    char msg[160];
} iss_fault_info_t;

typedef struct iss_cluster {
    iss_config_t cfg;
    iss_core_t cores[ISS_MAX_CORES];
    uint8_t *tcdm;
    uint8_t *l2;
    uint32_t entry;

    /* event unit shared state */
    uint32_t team_mask;
    int32_t mutex_owner[ISS_NUM_MUTEX];       /* -1 free */
    uint32_t mutex_waiters[ISS_NUM_MUTEX];    /* cores waiting, granted round-robin */
    uint32_t bar_trigger_mask[ISS_NUM_BARRIERS];
    uint32_t bar_target_mask[ISS_NUM_BARRIERS];
    uint32_t bar_status[ISS_NUM_BARRIERS];

    /* end of run */
    enum iss_result result;
    int32_t exit_status;
    uint32_t exit_core;
    iss_fault_info_t fault;

    /* HTIF */
    uint32_t tohost, fromhost;  /* 0: no such symbol */

    /* output drained by Python */
    char *out;
    uint32_t out_len, out_cap;

    /* timed callbacks, a binary heap ordered by (when, seq) */
    iss_timed_t *timed;
    uint32_t timed_len, timed_cap;
    uint64_t timed_seq;

    /* TCDM bank occupancy: per bank, a ring of bank_window cycles; a slot holds
     * (cycle + 1) when that cycle of the bank is taken */
    uint64_t *bank_slots;
    uint32_t bank_window;

    bool exact_pc;            /* memory hooks sync the pc: accesses are timed without replay */
    struct iss_dma *dma;      /* cluster DMA state (dma.c) */
    struct iss_timer *timer;  /* cluster timer state (timer.c) */
    struct iss_ima *ima;      /* IMA state (ima.c) */
    struct iss_dwa *dwa;      /* depthwise accelerator state (dwa.c) */
    iss_marker_t *markers;    /* firmware markers, in the order they were written */
    uint32_t nmarkers, markers_cap;

    /* debugger (debug.c); NULL when none is attached */
    struct iss_debug *dbg;
    bool dbg_stop;            /* a debugger stop: iss_run returns RUN_DEBUG_STOP */
    uint32_t dbg_watches;     /* watchpoints set */

    struct iss_trace *trace;  /* tracing (trace.c); NULL when off */

    uint32_t exts;            /* enabled extensions (1 << EXT_*), from cfg.isa */
    bool hwloop_slow;         /* hwloop_run.c off (tests) */
    bool pulp_csrs;           /* the RI5CY CSR map (PCER/PCMR at 0xCC0/0xCC1) for RV32IMC ELFs */
    iss_side_t side;          /* original words of rewritten instructions (custom.c) */

    /* statistics */
    uint64_t slices;
} iss_cluster_t;

/* ---- internal interfaces between the C files ---- */
void *iss_host_ptr(iss_cluster_t *cl, uint32_t addr, uint32_t len);
/* len bytes of the TCDM at addr (TCDM addresses or the alias at 0), NULL if not all in it:
 * the accelerators' streams may only touch the TCDM. */
uint8_t *iss_tcdm_ptr(iss_cluster_t *cl, uint32_t addr, uint64_t len);
iss_block_t *iss_block_lookup(iss_core_t *c, uint32_t addr, uint32_t size);
void iss_block_cache_clear(iss_core_t *c);
void iss_range_counts(iss_core_t *c, uint32_t start, uint32_t end, iss_counts_t *out);
uint64_t iss_pair_cycles(iss_core_t *c, uint32_t first, uint32_t second);
/* Hardware loops run in C (hwloop_run.c): true when it ran iterations and set the pc. */
bool iss_hwloop_run(iss_core_t *c, uint32_t pc);
void iss_hwloop_run_forget(iss_core_t *c);
void iss_counts_add(iss_counts_t *a, const iss_counts_t *b);
void iss_counts_sub(iss_counts_t *a, const iss_counts_t *b);
void iss_unwind_tail(iss_core_t *c, uint32_t pc);
void iss_core_stall(iss_core_t *c, uint64_t cycles);
void iss_fault(iss_core_t *c, enum iss_fault kind, uint32_t addr, const char *fmt, ...);
void iss_core_stop(iss_core_t *c, enum iss_stop why);
/* A peripheral refuses a command: its ERROR register gets code and the run stops with
 * "who: message" naming the core and pc. */
void iss_refuse(iss_core_t *c, uint32_t *error_reg, uint32_t code, uint32_t addr, const char *who,
                const char *fmt, ...) __attribute__((format(printf, 6, 7)));
bool iss_exact_time(iss_core_t *c);
void iss_illegal_fault(iss_core_t *c, uint32_t pc, uint32_t w);
void iss_core_sleep(iss_core_t *c, enum iss_wait wait, uint32_t arg);
void iss_core_wake(iss_core_t *c, uint64_t when);
void iss_deliver_events(iss_cluster_t *cl, uint32_t core_mask, uint32_t events, uint64_t when);
bool iss_core_waiting_satisfied(iss_core_t *c);
uint64_t iss_core_now(iss_core_t *c);
void iss_output_char(iss_core_t *c, uint32_t core, char ch);
void iss_output_flush_all(iss_cluster_t *cl);
void iss_end_run(iss_cluster_t *cl, iss_core_t *c, int32_t status);
void iss_record_marker(iss_cluster_t *cl, iss_core_t *c, uint32_t id);
uint32_t iss_perf_read(iss_core_t *c, unsigned n);
void iss_perf_write(iss_core_t *c, unsigned n, uint32_t val);
void iss_perf_config(iss_core_t *c, uint32_t pcer, uint32_t pcmr);
bool iss_hpm_read(iss_core_t *c, uint32_t alias, uint32_t *val);
bool iss_hpm_write(iss_core_t *c, uint32_t alias, uint32_t val);

/* Runs fn(cl, arg, when) once the slowest runnable core reaches `when`. */
void iss_schedule(iss_cluster_t *cl, uint64_t when, iss_timed_fn fn, void *arg);
/* One 32-bit access to the TCDM word at addr, wanted at cycle t: returns the cycle the
 * bank grants it (>= t). Cores, DMA and accelerators share these banks. */
uint64_t iss_tcdm_grant(iss_cluster_t *cl, uint32_t addr, uint64_t t);

/* Debugger (debug.c). Stop reasons of iss_debug_stop_t.reason. */
enum iss_debug_reason {
    DBG_NONE = 0, DBG_BREAK, DBG_HWBREAK, DBG_WATCH_WRITE, DBG_WATCH_READ, DBG_WATCH_ACCESS,
    DBG_STEP, DBG_BLOCKED, DBG_PASSED,
    DBG_THROUGH = 100,        /* internal (debug.c) */
};
/* Who wrote memory, for iss_debug_watch_write: a core id, or a model | the core it works for. */
#define ISS_WHO_DMA 0x100
#define ISS_WHO_IMA 0x200
#define ISS_WHO_DWA 0x300
typedef struct iss_debug iss_debug_t;
void iss_debug_after_slice(iss_core_t *c, enum iss_stop why);
bool iss_debug_no_runnable(iss_cluster_t *cl);
void iss_debug_free(iss_cluster_t *cl);
void iss_debug_watch_hit(iss_cluster_t *cl, uint32_t addr, uint32_t len, int32_t who);
bool iss_debug_core_access(iss_core_t *c, uint32_t addr, uint32_t len, bool rd, bool wr);
/* A model (DMA, accelerator) wrote len bytes at addr directly: a watchpoint there stops the
 * run after the write. One branch when no watchpoint is set. */
static inline void iss_debug_watch_write(iss_cluster_t *cl, uint32_t addr, uint32_t len, int32_t who)
{
    if (__builtin_expect(cl->dbg_watches != 0, 0))
        iss_debug_watch_hit(cl, addr, len, who);
}
/* A core's access that no memory hook sees (the test-and-set alias): true when it hits a
 * watchpoint, the core is then stopped and the access must not happen. */
static inline bool iss_debug_watch_core(iss_core_t *c, uint32_t addr, uint32_t len, bool rd, bool wr)
{
    return __builtin_expect(c->cl->dbg_watches != 0, 0) && iss_debug_core_access(c, addr, len, rd, wr);
}
/* Tracing (trace.c). Control flow of a block's last instruction (iss_block_t.last_flow). */
enum { ISS_FLOW_NONE = 0, ISS_FLOW_CALL, ISS_FLOW_RET, ISS_FLOW_JUMP };
typedef struct iss_trace iss_trace_t;
/* The block hook's accounting of a block entry (hooks.c), for the tracing slow path. */
void iss_block_enter(iss_core_t *c, iss_block_t *b, uint32_t addr);
void iss_trace_block(iss_core_t *c, iss_block_t *b, uint32_t addr);
void iss_trace_before_slice(iss_core_t *c);
void iss_trace_after_slice(iss_core_t *c, int stop);
void iss_trace_sleep(iss_core_t *c, uint64_t start, uint64_t end);
void iss_trace_marker(iss_cluster_t *cl, iss_core_t *c, uint32_t id);
void iss_trace_user(iss_core_t *c, bool begin, uint32_t ptr, uint32_t addr);
void iss_trace_free(iss_cluster_t *cl);
/* An event of a model (DMA, accelerators); nothing when the timeline is off. */
void iss_trace_emit(iss_cluster_t *cl, uint32_t kind, uint32_t who, uint64_t t0, uint64_t t1,
                    uint32_t a, uint32_t b, uint64_t c, uint64_t d);
/* A phase of one IMA job (ISS_TR_IMA_IN/CMP/OUT); only the first jobs of a batch are kept. */
void iss_trace_ima_job(iss_cluster_t *cl, uint32_t kind, uint32_t who, uint32_t job, uint32_t array,
                       uint64_t t0, uint64_t t1);

/* CSR access by number (the rewritten numbers of patch.h for mhartid and the counters). */
bool iss_csr_read(iss_core_t *c, uint32_t csr, uint32_t *val);
void iss_csr_write(iss_core_t *c, uint32_t csr, uint32_t val);

/* MMIO handlers */
uint64_t iss_demux_read(uc_engine *uc, uint64_t off, unsigned size, void *core);
void iss_demux_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t val, void *core);
uint64_t iss_periph_read(uc_engine *uc, uint64_t off, unsigned size, void *core);
void iss_periph_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t val, void *core);
uint64_t iss_soc_read(uc_engine *uc, uint64_t off, unsigned size, void *core);
void iss_soc_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t val, void *core);
uint64_t iss_tas_read(uc_engine *uc, uint64_t off, unsigned size, void *core);
void iss_tas_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t val, void *core);

/* Cluster DMA (dma.c). `off` is relative to a DMA register view: the calling core's view
 * (demux, ISS_DMA_BASE), or the global view (ISS_DMA_GLOBAL_OFFSET in the cluster
 * peripherals) when ISS_DMA_GLOBAL is or'ed into it. Each view spans ISS_DMA_VIEW_SIZE. */
#define ISS_DMA_VIEW_SIZE 0x400u
#define ISS_DMA_GLOBAL 0x80000000u
void iss_dwa_init(iss_cluster_t *cl);
void iss_dwa_free(iss_cluster_t *cl);
uint64_t iss_dwa_read(iss_core_t *c, uint32_t off);
void iss_dwa_write(iss_core_t *c, uint32_t off, uint32_t val);
void iss_ima_init(iss_cluster_t *cl);
void iss_ima_free(iss_cluster_t *cl);
bool iss_ima_ready(iss_cluster_t *cl);
uint64_t iss_ima_read(iss_core_t *c, uint32_t off);
void iss_ima_write(iss_core_t *c, uint32_t off, uint32_t val);
void iss_timer_init(iss_cluster_t *cl);
void iss_timer_free(iss_cluster_t *cl);
uint64_t iss_timer_read(iss_core_t *c, uint32_t off);
void iss_timer_write(iss_core_t *c, uint32_t off, uint32_t val);
void iss_dma_init(iss_cluster_t *cl);
void iss_dma_free(iss_cluster_t *cl);
uint64_t iss_dma_read(iss_core_t *c, uint32_t off, unsigned size);
void iss_dma_write(iss_core_t *c, uint32_t off, unsigned size, uint32_t val);

/* hooks */
void iss_hook_block(uc_engine *uc, uint64_t addr, uint32_t size, void *core);
void iss_hook_intr(uc_engine *uc, uint32_t intno, void *core);
void iss_hook_l2_access(uc_engine *uc, uc_mem_type type, uint64_t addr, int size,
                        int64_t value, void *core);
void iss_hook_tcdm_access(uc_engine *uc, uc_mem_type type, uint64_t addr, int size,
                          int64_t value, void *core);
bool iss_hook_unmapped(uc_engine *uc, uc_mem_type type, uint64_t addr, int size,
                       int64_t value, void *core);

#endif
