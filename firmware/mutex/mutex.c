/* Every core increments one counter under HW mutex 0 and another under a TCDM test-and-set lock. */
#include <stdio.h>
#include "iss.h"

#define ITERATIONS 1000

static int mutex_counter;
static int tas_counter;
static volatile int tas_lock;

static void increment(void *arg)
{
    (void)arg;
    for (int i = 0; i < ITERATIONS; i++) {
        iss_mutex_lock(0);
        mutex_counter++;
        iss_mutex_unlock(0);

        iss_tas_lock(&tas_lock);
        tas_counter++;
        iss_tas_unlock(&tas_lock);
    }
}

int main(void)
{
    int expected = ITERATIONS * (int)iss_num_cores();
    iss_fork(iss_num_cores(), increment, NULL);
    printf("mutex %d tas %d\n", mutex_counter, tas_counter);
    return mutex_counter == expected && tas_counter == expected ? 0 : 1;
}
