/*
 * Fork on 1..all cores: exactly the cores of the team must run the function,
 * once each. Then a software event from core 0 wakes core 1.
 */
#include <stdio.h>
#include "iss.h"

#define EMPTY (-1)
#define TEST_EVENT 3

static int slot[ISS_MAX_CORES];
static int calls;
static uint32_t event_seen;
static int mask_restored;

static void mark(void *arg)
{
    (void)arg;
    slot[iss_core_id()] = (int)iss_core_id();
    iss_mutex_lock(1);
    calls++;
    iss_mutex_unlock(1);
}

/* Core 0 sends the event to the waiter (core 1, or itself on a single core); events are buffered, so the order does not matter. */
static void event_test(void *arg)
{
    unsigned waiter = *(const unsigned *)arg;
    unsigned core = iss_core_id();
    if (core == 0)
        iss_evt_trigger(TEST_EVENT, 1u << waiter);
    if (core == waiter) {
        uint32_t mask = iss_reg_read(ISS_EU_CORE_BASE + ISS_EU_CORE_MASK);
        event_seen = iss_evt_wait(1u << TEST_EVENT);
        mask_restored = iss_reg_read(ISS_EU_CORE_BASE + ISS_EU_CORE_MASK) == mask;
    }
}

int main(void)
{
    unsigned nb = iss_num_cores();
    int failures = 0;

    for (unsigned n = 1; n <= nb; n++) {
        for (unsigned c = 0; c < ISS_MAX_CORES; c++)
            slot[c] = EMPTY;
        calls = 0;
        iss_fork(n, mark, NULL);
        int ok = calls == (int)n;
        for (unsigned c = 0; c < ISS_MAX_CORES; c++)
            ok &= slot[c] == (c < n ? (int)c : EMPTY);
        if (ok) {
            printf("fork %u ok\n", n);
        } else {
            printf("fork %u FAILED: calls %d\n", n, calls);
            failures++;
        }
    }

    unsigned waiter = nb > 1 ? 1 : 0;
    iss_fork(waiter + 1, event_test, &waiter);
    if (event_seen == 1u << TEST_EVENT && mask_restored) {
        printf("event ok\n");
    } else {
        printf("event FAILED: got 0x%lx, mask restored %d\n", (unsigned long)event_seen, mask_restored);
        failures++;
    }
    return failures;
}
