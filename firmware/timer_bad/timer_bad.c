/* Selects the timer's 32 kHz reference clock, which is not modelled: refused. */
#include "iss_timer.h"

int main(void)
{
    iss_reg_write(ISS_TIMER_BASE + ISS_TIMER_CFG_LO, ISS_TIMER_CFG_ENABLE | ISS_TIMER_CFG_REF_CLK);
    return 0;
}
