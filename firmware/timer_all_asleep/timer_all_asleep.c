/* Every core asleep for good while the cluster timer keeps firing (its event is in no core's
 * mask): only --max-cycles ends the run, which must then stop at the limit (exit 107), not
 * keep simulating timer events. */
#include "iss.h"

int main(void)
{
    iss_reg_write(ISS_TIMER_BASE + ISS_TIMER_CMP_LO, 500);
    iss_reg_write(ISS_TIMER_BASE + ISS_TIMER_CFG_LO,
                  ISS_TIMER_CFG_ENABLE | ISS_TIMER_CFG_EVENT_EN | ISS_TIMER_CFG_CMP_CLR);
    iss_reg_write(ISS_TIMER_BASE + ISS_TIMER_START_LO, 1);
    iss_evt_wait(1u << 3);   /* software event 3: nobody triggers it */
    return 0;
}
