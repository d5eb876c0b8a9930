/*
 * Runtime of the cluster firmware: start-up after crt0, fork/join, stdout for
 * picolibc, performance counter reset, end of run.
 */
#include <stdio.h>
#include "iss.h"

int main(int argc, char **argv);
void __libc_init_array(void);
void iss_start(unsigned core) __attribute__((noreturn));

/* Mask of cores 0..nb-1. */
static uint32_t iss_core_mask(unsigned nb)
{
    return nb >= 32 ? 0xffffffffu : (1u << nb) - 1;
}

/* Make the whole team (cores 0..nb-1) arrive at and be woken by HW barrier 0. */
static void iss_barrier_team(unsigned nb)
{
    uint32_t barrier = ISS_EU_BARRIER_BASE;
    iss_reg_write(barrier + ISS_EU_BARRIER_TRIGGER_MASK, iss_core_mask(nb));
    iss_reg_write(barrier + ISS_EU_BARRIER_TARGET_MASK, iss_core_mask(nb));
}

/*
 * Called by crt0 on every core once sp, gp and tp are set, .data and .bss
 * initialised (core 0) and the core's TLS block initialised.
 */
void iss_start(unsigned core)
{
    if (core == 0) {
        unsigned nb = iss_num_cores();
        iss_barrier_team(nb);
        /* Release the other cores: .data and .bss are ready. */
        if (nb > 1)
            iss_evt_trigger(ISS_EVT_SW_EVENT0, iss_core_mask(nb) & ~1u);
    } else {
        /* Events sent before the wait stay buffered: no race with core 0. */
        iss_evt_mask_set(1u << ISS_EVT_SW_EVENT0);
        (void)iss_reg_read(ISS_EU_CORE_BASE + ISS_EU_CORE_EVENT_WAIT_CLEAR);
    }
    /* The barrier and FIFO wait registers wake a core only on masked events. */
    iss_reg_write(ISS_EU_CORE_BASE + ISS_EU_CORE_MASK,
                  (1u << ISS_EVT_BARRIER) | (1u << ISS_EVT_DISPATCH) | (1u << ISS_EVT_MUTEX));
    if (core != 0)
        iss_worker_loop();
    __libc_init_array();
    iss_exit(main(0, 0));
}

void iss_worker_loop(void)
{
    uint32_t fifo = ISS_EU_DISPATCH_BASE + ISS_EU_DISPATCH_FIFO_ACCESS;
    for (;;) {
        void (*fn)(void *) = (void (*)(void *))iss_reg_read(fifo);
        void *arg = (void *)iss_reg_read(fifo);
        fn(arg);
        iss_barrier();
    }
}

void iss_fork(unsigned nb_cores, void (*fn)(void *), void *arg)
{
    unsigned nb = iss_num_cores();
    if (nb_cores != 0 && nb_cores < nb)
        nb = nb_cores;
    /* Barrier 0 is reconfigured only here, when every core of the previous team has left it. */
    iss_barrier_team(nb);
    if (nb > 1) {
        uint32_t fifo = ISS_EU_DISPATCH_BASE + ISS_EU_DISPATCH_FIFO_ACCESS;
        iss_reg_write(ISS_EU_DISPATCH_BASE + ISS_EU_DISPATCH_TEAM_CONFIG, iss_core_mask(nb) & ~1u);
        iss_reg_write(fifo, (uint32_t)fn);
        iss_reg_write(fifo, (uint32_t)arg);
    }
    fn(arg);
    iss_barrier();
}

/* Counter numbers are CSR numbers, hence one instruction per counter. */
#define ISS_PERF_RESET(n) __asm__ volatile("csrw %0, zero" : : "i"(ISS_PERF_COUNTER_CSR(n)))

void iss_perf_reset(void)
{
    ISS_PERF_RESET(0); ISS_PERF_RESET(1); ISS_PERF_RESET(2); ISS_PERF_RESET(3);
    ISS_PERF_RESET(4); ISS_PERF_RESET(5); ISS_PERF_RESET(6); ISS_PERF_RESET(7);
    ISS_PERF_RESET(8); ISS_PERF_RESET(9); ISS_PERF_RESET(10); ISS_PERF_RESET(11);
    ISS_PERF_RESET(12); ISS_PERF_RESET(13); ISS_PERF_RESET(14); ISS_PERF_RESET(15);
    ISS_PERF_RESET(16);
}

void iss_exit(int code)
{
    iss_reg_write(ISS_SOC_CTRL_BASE + ISS_SOC_CTRL_CORESTATUS,
                  ((uint32_t)code & 0x7fffffffu) | ISS_SOC_CTRL_EOC_BIT);
    for (;;)
        __asm__ volatile("wfi");
}

/* picolibc's stdout: each core writes to its own stdout register, which the simulator line-buffers. */
static int iss_putc(char c, FILE *file)
{
    (void)file;
    uint32_t addr = ISS_STDOUT_BASE + ISS_STDOUT_PUTC + iss_core_id() * ISS_STDOUT_STRIDE
                    + iss_cluster_id() * ISS_STDOUT_CLUSTER_STRIDE;
    *(volatile uint8_t *)addr = (uint8_t)c;
    return (uint8_t)c;
}

static FILE iss_stdio = FDEV_SETUP_STREAM(iss_putc, NULL, NULL, _FDEV_SETUP_WRITE);
FILE *const stdin = &iss_stdio;     /* no input: reads return EOF */
FILE *const stdout = &iss_stdio;
FILE *const stderr = &iss_stdio;

/* picolibc's exit(), abort() and assert() end here. A signal (abort: SIGABRT) ends the run
 * with 128 + its number, as a shell reports it. */
void _exit(int code)
{
    iss_exit(code);
}

int getpid(void)
{
    return 1;
}

int kill(int pid, int sig)
{
    (void)pid;
    iss_exit(128 + sig);
}
