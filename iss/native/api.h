/* The native API Python uses (read by cffi's cdef as well as by the C compiler, so it
 * holds plain declarations only). */
typedef struct iss_config {
    uint32_t num_cores;
    uint32_t cluster_id;
    uint32_t tcdm_size;
    uint32_t l2_size;
    uint64_t quantum;        /* max cycles a core may run ahead of the slowest runnable core */
    uint64_t max_cycles;     /* 0 = unlimited */
    uint32_t sleep_cycles;   /* cycles for a core to enter clock-gated sleep */
    uint32_t wakeup_cycles;  /* cycles from the event to the first instruction after wake-up */
    uint32_t prefix_output;  /* prefix each output line with "[core N] " */
    /* core timing (docs/timing.md) */
    uint32_t timing_model;       /* 0: one cycle per instruction, no stalls */
    uint32_t bank_conflicts;     /* per-access TCDM bank-conflict modelling */
    uint32_t tcdm_banks;
    uint32_t taken_branch_cycles, jump_cycles, load_use_cycles, jalr_hazard_cycles;
    uint32_t mulh_cycles, csr_counter_cycles, fence_i_cycles;
    uint32_t l2_latency, periph_latency;
    uint32_t halfword_target_cycles, fence_cycles, misaligned_cycles;
    /* cluster DMA (MCHAN v7) */
    uint32_t dma_l2_latency;     /* cycles from a request to the first L2 data */
    uint32_t dma_bytes_per_cycle;/* AXI side bandwidth (8 = 64 bit) */
    uint32_t dma_tcdm_ports;     /* 32-bit TCDM ports of the DMA */
    uint32_t dma_max_burst;      /* bytes per burst */
    /* IMA (docs/ima.md); times already converted to cycles at the cluster clock */
    uint32_t ima_arrays, ima_size;
    uint32_t ima_mvm_cycles, ima_program_word_cycles, ima_read_cycles;
    uint32_t ima_port_words;     /* 32-bit words the streamer moves per cycle */
    uint32_t ima_pipelined, ima_fifo_cycles, ima_idle_cycles;
    uint32_t ima_noise;          /* 0 ideal, 1 PCM model */
    uint64_t ima_seed;
    double ima_drift_seconds;
    uint32_t dwa_setup_cycles;   /* depthwise accelerator: configuration to first beat */
    uint32_t isa_exts;           /* extensions the cores execute (1 << EXT_* of isa.h) */
} iss_config_t;

/* Activity of the IMA, for the energy model and reports. */
typedef struct iss_ima_stats {
    uint64_t jobs, mvm_cells;    /* MVMs, and the sum of rows x columns they used */
    uint64_t bytes_in, bytes_out, words_programmed, words_read;
    uint64_t busy_cycles, compute_cycles;
} iss_ima_stats_t;

typedef struct iss_core_info {
    uint32_t pc, state, wait, wait_arg, evt_mask, evt_buffer;
    uint64_t cycles, sleep_cycles, instret, loads, stores, jumps, branches, taken, rvc;
    uint64_t ld_stall, jmp_stall, tcdm_cont;
} iss_core_info_t;

typedef struct iss_status {
    int32_t result;          /* enum iss_result */
    int32_t exit_status;
    uint32_t exit_core;
    int32_t fault_kind;      /* enum iss_fault */
    uint32_t fault_core, fault_pc, fault_addr, fault_insn;
    char fault_msg[160];
    uint64_t slices;
    uint32_t bar_status[8], bar_trigger_mask[8];
    int32_t mutex_owner[8];
} iss_status_t;

typedef struct iss_cluster iss_cluster_t;

iss_cluster_t *iss_create(const iss_config_t *cfg, char *err, int errlen);
void iss_destroy(iss_cluster_t *cl);
int iss_mem_write(iss_cluster_t *cl, uint32_t addr, const uint8_t *data, uint32_t len);
int iss_mem_read(iss_cluster_t *cl, uint32_t addr, uint8_t *data, uint32_t len);
void iss_set_entry(iss_cluster_t *cl, uint32_t entry);
void iss_set_htif(iss_cluster_t *cl, uint32_t tohost, uint32_t fromhost);
/* 1: the RI5CY CSR map (PULP PCER/PCMR at 0xCC0/0xCC1), 0: CV32E40P's (hardware loops there) */
void iss_set_csr_map(iss_cluster_t *cl, int pulp);
/* 0: hardware loops always take the per-instruction path (for tests comparing the two) */
void iss_set_hwloop_fast(iss_cluster_t *cl, int on);
int iss_run(iss_cluster_t *cl, uint64_t max_slices);
uint32_t iss_take_output(iss_cluster_t *cl, char *buf, uint32_t cap);
void iss_core_info(iss_cluster_t *cl, uint32_t core, iss_core_info_t *out);
void iss_get_status(iss_cluster_t *cl, iss_status_t *out);
void iss_ima_get_stats(iss_cluster_t *cl, iss_ima_stats_t *out);

/* Activity of the depthwise accelerator. */
typedef struct iss_dwa_stats {
    uint64_t jobs, macs, bytes_in, bytes_out, busy_cycles;
} iss_dwa_stats_t;
void iss_dwa_get_stats(iss_cluster_t *cl, iss_dwa_stats_t *out);

/* Activity of the cluster DMA. */
typedef struct iss_dma_stats {
    uint64_t transfers, bytes, busy_cycles;
} iss_dma_stats_t;
void iss_dma_get_stats(iss_cluster_t *cl, iss_dma_stats_t *out);

/* A firmware marker (CLUSTER_CTRL MARKER): the time and every activity counter then. */
typedef struct iss_marker {
    uint32_t id, core;
    uint64_t cycle;              /* the writing core's time */
    uint64_t core_active;        /* sum over cores of their active cycles so far */
    iss_ima_stats_t ima;
    iss_dwa_stats_t dwa;
    iss_dma_stats_t dma;
} iss_marker_t;
uint32_t iss_markers(iss_cluster_t *cl, iss_marker_t *out, uint32_t cap);
/* Profile of one core: the blocks it executed (start address, cycles including stalls and
 * sleep, sleep cycles, executions). Returns the number of blocks (at most cap written). */
uint32_t iss_profile(iss_cluster_t *cl, uint32_t core, uint32_t *addr, uint64_t *cycles,
                     uint64_t *sleep, uint64_t *execs, uint32_t cap);

/* ---- debugger (debug.c), used by the GDB server ----
 * Registers: 0-31 x0-x31, 32 pc, 65 + n the CSR n. Point types are those of GDB's Z packets:
 * 0 software breakpoint, 1 hardware breakpoint, 2 write, 3 read, 4 access watchpoint.
 * Stop reasons: 0 none, 1 breakpoint, 2 hardware breakpoint, 3 write, 4 read, 5 access
 * watchpoint, 6 single step done, 7 blocked (the cores that may run all sleep while others
 * are held), 8 passed (a core released for another core's step went through the breakpoint
 * at addr and stopped after it; see debug.c). */
typedef struct iss_debug_stop {
    int32_t reason;
    uint32_t core;             /* the core that stopped */
    uint32_t addr;             /* the breakpoint's or watchpoint's address */
    int32_t who;               /* watchpoints: the core, or 0x100 DMA / 0x200 IMA / 0x300 DWA | core */
    uint32_t access_addr, access_len;   /* a model's write that hit a watchpoint */
} iss_debug_stop_t;
int iss_debug_enable(iss_cluster_t *cl);
void iss_debug_disable(iss_cluster_t *cl);
int iss_debug_insert(iss_cluster_t *cl, int type, uint32_t addr, uint32_t len);
int iss_debug_remove(iss_cluster_t *cl, int type, uint32_t addr, uint32_t len);
/* Cores in step_mask run one instruction, cores in cont_mask run, the others are held. */
void iss_debug_resume(iss_cluster_t *cl, uint32_t cont_mask, uint32_t step_mask);
void iss_debug_get_stop(iss_cluster_t *cl, iss_debug_stop_t *out);
int iss_debug_reg_read(iss_cluster_t *cl, uint32_t core, uint32_t regno, uint32_t *val);
int iss_debug_reg_write(iss_cluster_t *cl, uint32_t core, uint32_t regno, uint32_t val);
void iss_debug_code_written(iss_cluster_t *cl, uint32_t addr, uint32_t len);
/* The word decode.c would rewrite w to (w itself if none): lets the debugger show the code
 * as the ELF has it. */
uint32_t iss_patch_word(uint32_t w);
/* One-line-per-item descriptions of the models' state, for `monitor periph`; return the
 * length written (at most cap - 1, NUL-terminated). */
uint32_t iss_dma_describe(iss_cluster_t *cl, char *buf, uint32_t cap);
uint32_t iss_ima_describe(iss_cluster_t *cl, char *buf, uint32_t cap);
uint32_t iss_dwa_describe(iss_cluster_t *cl, char *buf, uint32_t cap);

/* ---- tracing (trace.c, docs/tracing.md) ---- */
/* Kinds of iss_trace_event_t (the meaning of who, a, b, c, d per kind is in trace.c's users). */
enum iss_trace_kind {
    ISS_TR_FUNC = 1,      /* who core, a function entry, b depth, c calls (merged), d merged */
    ISS_TR_SLEEP = 2,     /* who core, a wait kind, b wait argument, c depth */
    ISS_TR_USER = 3,      /* who core, a name id, b depth, d 1: still open at the end */
    ISS_TR_DMA = 4,       /* who core, a bytes, b 1 to TCDM | 2 2-D, c enqueue cycle, d id */
    ISS_TR_IMA_BATCH = 5, /* who core, a array, b jobs, c rows << 32 | columns, d pipelined */
    ISS_TR_IMA_PROG = 6,  /* who core, a array, b rows, c columns */
    ISS_TR_IMA_IN = 7,    /* who core, a job, b array */
    ISS_TR_IMA_CMP = 8,
    ISS_TR_IMA_OUT = 9,
    ISS_TR_DWA = 10,      /* who core, a h << 16 | w, b channels, c stride | pad << 8, d MACs */
    ISS_TR_SAMPLE = 11,   /* t0 time, a running cores, c TCDM contention, d instructions (sums) */
};
typedef struct iss_trace_config {
    uint32_t events;          /* record timeline events (else only the profile and itrace) */
    uint32_t ima_jobs;        /* jobs of each IMA batch with their own spans */
    uint64_t min_cycles;      /* shorter function spans are merged or left out of the timeline */
    uint64_t sample_cycles;   /* counter sample period, 0: none */
    uint32_t it_mode;         /* instruction trace: 0 off, 1 all, 2 cycles, 3 function, 4 markers */
    uint32_t it_func;         /* function window: its entry */
    uint64_t it_a, it_b;      /* cycle window [a, b), or the markers opening and closing it */
    uint64_t it_limit;        /* records kept at most (0: no limit) */
} iss_trace_config_t;
typedef struct iss_trace_event {
    uint64_t t0, t1;
    uint32_t kind, who;
    uint32_t a, b;
    uint64_t c, d;
} iss_trace_event_t;
typedef struct iss_itrace_rec {
    uint64_t cycle;
    uint32_t pc, insn;           /* insn as in the ELF (the simulator's rewriting undone) */
    uint32_t rd_value, mem_addr, mem_value;
    uint8_t core, rd, mem, mem_size;   /* mem: 0 none, 1 load, 2 store */
} iss_itrace_rec_t;
/* funcs: the sorted function entries of the program. Before the run. */
int iss_trace_enable(iss_cluster_t *cl, const iss_trace_config_t *cfg, const uint32_t *funcs, uint32_t nfuncs);
uint32_t iss_trace_take(iss_cluster_t *cl, iss_trace_event_t *out, uint32_t cap);
uint32_t iss_trace_pending(iss_cluster_t *cl);
uint64_t iss_itrace_take(iss_cluster_t *cl, iss_itrace_rec_t *out, uint64_t cap);
uint64_t iss_itrace_pending(iss_cluster_t *cl);
uint64_t iss_itrace_dropped(iss_cluster_t *cl);
/* After the run: closes every open frame and firmware span at its core's last cycle. */
void iss_trace_finish(iss_cluster_t *cl);
uint32_t iss_trace_name(iss_cluster_t *cl, uint32_t id, char *buf, uint32_t cap);
/* Per-function profile of one core: every call counted (returns the number of functions). */
uint32_t iss_trace_stats(iss_cluster_t *cl, uint32_t core, uint32_t *func, uint64_t *calls, uint64_t *incl,
                         uint64_t *excl, uint64_t *sleep, uint32_t cap);

/* The instruction-set description (isa.c): for the trace, the GDB server and the tests. */
typedef struct iss_isa_info {
    char name[24];
    char ext[16];
    uint32_t len, cls, exec, rd, rd2, reads;
} iss_isa_info_t;
int iss_isa_disasm(uint32_t w, uint32_t pc, uint32_t exts, char *buf, int n);
int iss_isa_alu_eval(uint32_t w, uint32_t rs1, uint32_t rs2, uint32_t rd, uint32_t *out);
int iss_isa_info(uint32_t w, iss_isa_info_t *out);
int iss_isa_form(uint32_t i, iss_isa_info_t *out, uint32_t *mask, uint32_t *match);
/* The original instruction word at addr (never a rewrite); -1 if addr is not in memory. */
int iss_code_word(iss_cluster_t *cl, uint32_t addr, uint32_t *word);
/* Memory with every rewritten instruction shown as the program wrote it. */
int iss_mem_read_code(iss_cluster_t *cl, uint32_t addr, uint8_t *data, uint32_t len);
