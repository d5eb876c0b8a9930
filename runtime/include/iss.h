/*
 * Hardware abstraction of the simulated PULP cluster: core identity, fork/join,
 * barriers, mutexes, events, counters and end of run.
 *
 * Every address comes from iss_archi.h (generated from iss/regmap.py). The
 * synchronisation calls are also compiler memory barriers, so shared data
 * written before them is in memory and data read after them is read again.
 */
#ifndef ISS_H
#define ISS_H

#include <stdint.h>
#include "iss_archi.h"

/* Number of cores the runtime has stacks and TLS blocks for (see link.ld). */
#define ISS_MAX_CORES 8

/* RI5CY performance counter events: bit n of iss_perf_conf(), counter n of iss_perf_read(). */
enum iss_perf_event {
    ISS_PERF_CYCLES = 0,
    ISS_PERF_INSTR = 1,
    ISS_PERF_LD_STALL = 2,
    ISS_PERF_JMP_STALL = 3,
    ISS_PERF_IMISS = 4,
    ISS_PERF_LD = 5,
    ISS_PERF_ST = 6,
    ISS_PERF_JUMP = 7,
    ISS_PERF_BRANCH = 8,
    ISS_PERF_TAKEN_BRANCH = 9,
    ISS_PERF_RVC = 10,
    ISS_PERF_TCDM_CONT = 16,
};

/* Number of PCCR counters (0..ISS_PERF_NB_COUNTERS-1) iss_perf_read/iss_perf_reset handle. */
#define ISS_PERF_NB_COUNTERS 17

/* ---- register access ---- */

/* Load a 32-bit register (may block the core on *_WAIT registers); also a compiler barrier. */
static inline uint32_t iss_reg_read(uint32_t addr)
{
    uint32_t value;
    __asm__ volatile("lw %0, 0(%1)" : "=r"(value) : "r"(addr) : "memory");
    return value;
}

/* Store a 32-bit register; also a compiler barrier. */
static inline void iss_reg_write(uint32_t addr, uint32_t value)
{
    __asm__ volatile("sw %0, 0(%1)" : : "r"(value), "r"(addr) : "memory");
}

/* ---- identity ---- */

/* Index of the calling core in its cluster (mhartid & 0x1f). */
static inline unsigned iss_core_id(void)
{
    unsigned hartid;
    __asm__("csrr %0, mhartid" : "=r"(hartid));
    return hartid & 0x1f;
}

/* Index of the calling core's cluster ((mhartid >> 5) & 0x3f). */
static inline unsigned iss_cluster_id(void)
{
    unsigned hartid;
    __asm__("csrr %0, mhartid" : "=r"(hartid));
    return (hartid >> 5) & 0x3f;
}

/* Number of cores started in this run (cluster control NB_CORES register). */
static inline unsigned iss_num_cores(void)
{
    return iss_reg_read(ISS_CLUSTER_CTRL_BASE + ISS_CLUSTER_CTRL_NB_CORES);
}

/* Non-zero on core 0, the core that runs main(). */
static inline int iss_is_master(void)
{
    return iss_core_id() == 0;
}

/* Record a marker: the simulator notes the time and its activity counters under `id`
 * (regions of a run for reports and energy; a simulator extension, a no-op cost elsewhere). */
static inline void iss_marker(uint32_t id)
{
    iss_reg_write(ISS_CLUSTER_CTRL_BASE + ISS_CLUSTER_CTRL_MARKER, id);
}

/* Open a span named `name` (a string that stays in memory, up to 63 characters) on the calling
 * core's span track of the trace timeline (iss run --trace, docs/tracing.md); spans nest.
 * A simulator extension: without --trace it costs one store. */
static inline void iss_trace_begin(const char *name)
{
    iss_reg_write(ISS_CLUSTER_CTRL_BASE + ISS_CLUSTER_CTRL_TRACE_BEGIN, (uint32_t)(uintptr_t)name);
}

/* Close the calling core's last open span. */
static inline void iss_trace_end(void)
{
    iss_reg_write(ISS_CLUSTER_CTRL_BASE + ISS_CLUSTER_CTRL_TRACE_END, 0);
}

/* ---- barrier, fork/join ---- */

/* Inside a function run by iss_fork: wait until every core of the fork has arrived (one load
 * from HW barrier 0). Outside a fork only core 0 runs, so it must not be called there. */
static inline void iss_barrier(void)
{
    (void)iss_reg_read(ISS_EU_BARRIER_BASE + ISS_EU_BARRIER_TRIGGER_WAIT_CLEAR);
}

/* Run fn(arg) on cores 0..nb_cores-1 (0 or more than iss_num_cores(): all cores) and return when all have finished; call from core 0. */
void iss_fork(unsigned nb_cores, void (*fn)(void *), void *arg);

/* Loop of the cores other than 0: pop fn and arg from the dispatch FIFO, run fn(arg), join with iss_barrier(). */
void iss_worker_loop(void) __attribute__((noreturn));

/* ---- mutexes and locks ---- */

/* Lock hardware mutex id (0..ISS_EU_MUTEX_COUNT-1); blocks while another core holds it. */
static inline void iss_mutex_lock(unsigned id)
{
    (void)iss_reg_read(ISS_EU_MUTEX_BASE + ISS_EU_MUTEX_MUTEX + 4 * id);
}

/* Unlock hardware mutex id. */
static inline void iss_mutex_unlock(unsigned id)
{
    iss_reg_write(ISS_EU_MUTEX_BASE + ISS_EU_MUTEX_MUTEX + 4 * id, 0);
}

/* Spin until the TCDM word *lock was free (0) and take it (-1), through the test-and-set alias. */
static inline void iss_tas_lock(volatile int *lock)
{
    uint32_t alias = ISS_TCDM_TAS_BASE + ((uint32_t)(uintptr_t)lock - ISS_TCDM_BASE);
    while (iss_reg_read(alias) != 0)
        ;
}

/* Release a lock taken with iss_tas_lock. */
static inline void iss_tas_unlock(volatile int *lock)
{
    iss_reg_write((uint32_t)(uintptr_t)lock, 0);
}

/* ---- events ---- */

/* Add the events of mask to the calling core's event mask (the events that wake it). */
static inline void iss_evt_mask_set(uint32_t mask)
{
    iss_reg_write(ISS_EU_CORE_BASE + ISS_EU_CORE_MASK_OR, mask);
}

/* Remove the events of mask from the calling core's event mask. */
static inline void iss_evt_mask_clear(uint32_t mask)
{
    iss_reg_write(ISS_EU_CORE_BASE + ISS_EU_CORE_MASK_AND, mask);
}

/* Sleep until one of the events of mask is pending, clear and return those pending; the event mask is restored after. */
static inline uint32_t iss_evt_wait(uint32_t mask)
{
    uint32_t saved = iss_reg_read(ISS_EU_CORE_BASE + ISS_EU_CORE_MASK);
    iss_reg_write(ISS_EU_CORE_BASE + ISS_EU_CORE_MASK, mask);
    uint32_t events = iss_reg_read(ISS_EU_CORE_BASE + ISS_EU_CORE_EVENT_WAIT_CLEAR);
    iss_reg_write(ISS_EU_CORE_BASE + ISS_EU_CORE_MASK, saved);
    return events;
}

/* Send software event evt (0..ISS_EU_SW_EVENT_COUNT-1) to the cores of core_mask. */
static inline void iss_evt_trigger(unsigned evt, uint32_t core_mask)
{
    iss_reg_write(ISS_EU_SW_EVENT_BASE + ISS_EU_SW_EVENT_TRIGG + 4 * evt, core_mask);
}

/* ---- counters ---- */

/* Cycle counter of the calling core (mcycle). */
static inline uint32_t iss_cycles(void)
{
    uint32_t value;
    __asm__ volatile("csrr %0, mcycle" : "=r"(value));
    return value;
}

/* Retired instruction counter of the calling core (minstret). */
static inline uint32_t iss_instret(void)
{
    uint32_t value;
    __asm__ volatile("csrr %0, minstret" : "=r"(value));
    return value;
}

#if defined(__riscv_xcvalu)
/* CORE-V builds run on CV32E40P's CSR map (0xCC0/0xCC1 are hardware-loop CSRs there): the same
 * API on its hardware performance counters. Event n is counted by mhpmcounter(3 + n), selected
 * by mhpmevent(3 + n) = 1 << n (CV32E40P numbers events 0-10 as RI5CY does; it has no
 * TCDM_CONT, which counts 0); mcountinhibit starts and stops them. */
#define ISS_CSR_MCOUNTINHIBIT 0x320
#define ISS_CSR_MHPMEVENT3 0x323
#define ISS_CSR_MHPMCOUNTER3 0xB03
#define ISS_PERF_EVENT_CSR(n) (ISS_CSR_MHPMEVENT3 + (n))
#define ISS_PERF_COUNTER_CSR(n) (ISS_CSR_MHPMCOUNTER3 + (n))
#define ISS_PERF_SELECT(n)                                                                    \
    __asm__ volatile("csrw %0, %1" : : "i"(ISS_PERF_EVENT_CSR(n)),                              \
                     "r"((events >> (n) & 1) && (n) <= 10 ? 1u << (n) : 0u))

/* Select the counted events: bit n enables the counter of event n. */
static inline void iss_perf_conf(uint32_t events)
{
    ISS_PERF_SELECT(0); ISS_PERF_SELECT(1); ISS_PERF_SELECT(2); ISS_PERF_SELECT(3);
    ISS_PERF_SELECT(4); ISS_PERF_SELECT(5); ISS_PERF_SELECT(6); ISS_PERF_SELECT(7);
    ISS_PERF_SELECT(8); ISS_PERF_SELECT(9); ISS_PERF_SELECT(10); ISS_PERF_SELECT(11);
    ISS_PERF_SELECT(12); ISS_PERF_SELECT(13); ISS_PERF_SELECT(14); ISS_PERF_SELECT(15);
    ISS_PERF_SELECT(16);
}

/* Start the selected counters. */
static inline void iss_perf_start(void)
{
    __asm__ volatile("csrw %0, zero" : : "i"(ISS_CSR_MCOUNTINHIBIT));
}

/* Stop all counters. */
static inline void iss_perf_stop(void)
{
    __asm__ volatile("csrw %0, %1" : : "i"(ISS_CSR_MCOUNTINHIBIT), "r"(0xFFFFFFF8u));
}
#else
#define ISS_PERF_COUNTER_CSR(n) (ISS_CSR_PCCR0 + (n))

/* Select the counted events (PCER): bit n enables counter n. */
static inline void iss_perf_conf(uint32_t events)
{
    __asm__ volatile("csrw %0, %1" : : "i"(ISS_CSR_PCER), "r"(events));
}

/* Start the enabled counters (PCMR = 1). */
static inline void iss_perf_start(void)
{
    __asm__ volatile("csrw %0, %1" : : "i"(ISS_CSR_PCMR), "r"(1));
}

/* Stop all counters (PCMR = 0). */
static inline void iss_perf_stop(void)
{
    __asm__ volatile("csrw %0, zero" : : "i"(ISS_CSR_PCMR));
}
#endif

/* Zero the counters 0..ISS_PERF_NB_COUNTERS-1. */
void iss_perf_reset(void);

#define ISS_PERF_READ_CASE(n) \
    case n: __asm__ volatile("csrr %0, %1" : "=r"(value) : "i"(ISS_PERF_COUNTER_CSR(n))); break;

/* Value of counter event (0..ISS_PERF_NB_COUNTERS-1; 0 for others); one csrr when event is a constant. */
static inline uint32_t iss_perf_read(unsigned event)
{
    uint32_t value = 0;
    /* The CSR number is part of the instruction, hence one case per counter. */
    switch (event) {
    ISS_PERF_READ_CASE(0) ISS_PERF_READ_CASE(1) ISS_PERF_READ_CASE(2) ISS_PERF_READ_CASE(3)
    ISS_PERF_READ_CASE(4) ISS_PERF_READ_CASE(5) ISS_PERF_READ_CASE(6) ISS_PERF_READ_CASE(7)
    ISS_PERF_READ_CASE(8) ISS_PERF_READ_CASE(9) ISS_PERF_READ_CASE(10) ISS_PERF_READ_CASE(11)
    ISS_PERF_READ_CASE(12) ISS_PERF_READ_CASE(13) ISS_PERF_READ_CASE(14) ISS_PERF_READ_CASE(15)
    ISS_PERF_READ_CASE(16)
    }
    return value;
}

#undef ISS_PERF_READ_CASE

/* ---- end of run ---- */

/* End the run with exit code code (the simulator keeps code & 0xFF); any core may call it. */
void iss_exit(int code) __attribute__((noreturn));

#endif /* ISS_H */
