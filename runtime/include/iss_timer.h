/*
 * Cluster timer (PULP timer_unit): two 32-bit counters clocked by the cluster clock.
 * A compare match sends event line ISS_EVT_TIMER0 (LO) / ISS_EVT_TIMER1 (HI) to every
 * core. Registers: iss_archi.h (ISS_TIMER_*), docs/memory-map.md.
 */
#ifndef ISS_TIMER_H
#define ISS_TIMER_H

#include "iss.h"

/* Counter value of the LO timer. */
static inline uint32_t iss_timer_count(void)
{
    return iss_reg_read(ISS_TIMER_BASE + ISS_TIMER_CNT_LO);
}

/* Start the LO timer from 0: an event every `period` cycles (periodic) or once (one_shot). */
static inline void iss_timer_start(uint32_t period, int one_shot)
{
    iss_reg_write(ISS_TIMER_BASE + ISS_TIMER_CFG_LO, 0);
    iss_reg_write(ISS_TIMER_BASE + ISS_TIMER_CMP_LO, period - 1);
    iss_reg_write(ISS_TIMER_BASE + ISS_TIMER_CFG_LO,
                  ISS_TIMER_CFG_ENABLE | ISS_TIMER_CFG_RESET | ISS_TIMER_CFG_EVENT_EN |
                  ISS_TIMER_CFG_CMP_CLR | (one_shot ? ISS_TIMER_CFG_ONE_SHOT : 0));
}

/* Stop the LO timer (its count is kept). */
static inline void iss_timer_stop(void)
{
    iss_reg_write(ISS_TIMER_BASE + ISS_TIMER_CFG_LO, 0);
}

/* Sleep until the next LO timer event. */
static inline void iss_timer_wait(void)
{
    iss_evt_wait(1u << ISS_EVT_TIMER0);
}

#endif
