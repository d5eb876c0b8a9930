/*
 * CORE-V hardware loops (XCVhwlp), encoded by iss_simd.h, on every core: each form of set-up
 * (cv.setupi, cv.setup, cv.starti + cv.endi + cv.count / cv.counti, cv.start + cv.end), a count
 * of 1, a count from a register, two nested levels, and the loop CSRs read back (lpstart,
 * lpend, lpcount of both loops) during and after a loop.
 *
 * Core 0 prints one line per case, "NAME got VALUE expected VALUE"; every core then prints
 * "core C hwloop errors E", and main returns the number of cores with errors.
 */
#include <stdint.h>
#include <stdio.h>
#include "iss.h"
#include "iss_simd.h"

int hwloop_asm_triple(int n);       /* hwloop_asm.S */

/* Counts that the compiler cannot see as constants. */
static volatile uint32_t count7 = 7, count5 = 5, count6 = 6, count4 = 4, count1 = 1;

#define CSR_READ(csr) ({ uint32_t v__; __asm__ volatile("csrr %0, %1" : "=r"(v__) : "i"(csr)); v__; })

static int errors[ISS_MAX_CORES];

static void check(unsigned core, const char *name, uint32_t got, uint32_t expected)
{
    if (got != expected)
        errors[core]++;
    if (core == 0)
        printf("%s got %lu expected %lu\n", name, (unsigned long)got, (unsigned long)expected);
}

/* cv.setupi: count 10, 3-instruction body, end as an immediate offset. */
static uint32_t loop_setupi(void)
{
    uint32_t i = 0;
    __asm__ volatile(
        ISS_HWLP_BEGIN
        ISS_CV_SETUPI(0, 10, 1f)
        "addi %[i], %[i], 1\n"
        "addi %[i], %[i], 1\n"
        "addi %[i], %[i], 1\n"
        "1:\n"
        ISS_HWLP_END
        : [i] "+r"(i));
    return i;
}

/* cv.setup: count from a register, loop 1 this time (a single loop may use either). */
static uint32_t loop_setup(uint32_t n)
{
    uint32_t i = 0;
    __asm__ volatile(
        ISS_HWLP_BEGIN
        ISS_CV_SETUP(1, %[n], 1f)
        "addi %[i], %[i], 1\n"
        "addi %[i], %[i], 2\n"
        "addi %[i], %[i], 3\n"
        "1:\n"
        ISS_HWLP_END
        : [i] "+r"(i) : [n] "r"(n));
    return i;
}

/* Count 1: the body runs once and the core falls through. */
static uint32_t loop_count1(void)
{
    uint32_t i = 0;
    __asm__ volatile(
        ISS_HWLP_BEGIN
        ISS_CV_SETUPI(0, 1, 1f)
        "addi %[i], %[i], 1\n"
        "addi %[i], %[i], 1\n"
        "addi %[i], %[i], 1\n"
        "1:\n"
        ISS_HWLP_END
        : [i] "+r"(i));
    return i;
}

/* Long form: cv.starti + cv.endi + cv.count (register), with other instructions between the
 * set-up and the body; the body reads lpcount0 in each iteration (n, n-1, ..., 1). Returns the
 * sum of the counts seen; *iters the number of iterations; *start, *end, *count the CSRs
 * after the loop and *start_label, *end_label the addresses they must hold. */
static uint32_t loop_long(uint32_t n, uint32_t *iters, uint32_t *start, uint32_t *end,
                          uint32_t *count, uint32_t *start_label, uint32_t *end_label)
{
    uint32_t sum = 0, it = 0, seen;
    __asm__ volatile(
        ISS_HWLP_BEGIN
        ISS_CV_STARTI(0, 2f)
        ISS_CV_ENDI(0, 3f)
        ISS_CV_COUNT(0, %[n])
        "lla %[sl], 2f\n"               /* the addresses the CSRs must hold */
        "lla %[el], 3f\n"
        "2:\n"
        "csrr %[seen], 0xCC2\n"         /* lpcount0 */
        "add %[sum], %[sum], %[seen]\n"
        "addi %[it], %[it], 1\n"
        "3:\n"
        ISS_HWLP_END
        : [sum] "+r"(sum), [it] "+r"(it), [seen] "=&r"(seen), [sl] "=&r"(*start_label),
          [el] "=&r"(*end_label)
        : [n] "r"(n));
    *iters = it;
    *start = CSR_READ(ISS_CSR_LPSTART0);
    *end = CSR_READ(ISS_CSR_LPEND0);
    *count = CSR_READ(ISS_CSR_LPCOUNT0);
    return sum;
}

/* cv.counti with starti/endi: count 12 as an immediate. */
static uint32_t loop_counti(void)
{
    uint32_t i = 0;
    __asm__ volatile(
        ISS_HWLP_BEGIN
        ISS_CV_STARTI(0, 2f)
        ISS_CV_ENDI(0, 3f)
        ISS_CV_COUNTI(0, 12)
        "2:\n"
        "addi %[i], %[i], 1\n"
        "nop\n"
        "nop\n"
        "3:\n"
        ISS_HWLP_END
        : [i] "+r"(i));
    return i;
}

/* Register forms of loop 1: cv.start, cv.end (addresses in registers), cv.count; then the
 * loop 1 CSRs. */
static uint32_t loop_regs(uint32_t n, uint32_t *start, uint32_t *end, uint32_t *count,
                          uint32_t *start_label, uint32_t *end_label)
{
    uint32_t i = 0, s, e;
    __asm__ volatile(
        ISS_HWLP_BEGIN
        "lla %[s], 2f\n"
        "lla %[e], 3f\n"
        ISS_CV_START(1, %[s])
        ISS_CV_END(1, %[e])
        ISS_CV_COUNT(1, %[n])
        "2:\n"
        "addi %[i], %[i], 1\n"
        "addi %[i], %[i], 1\n"
        "addi %[i], %[i], 1\n"
        "3:\n"
        ISS_HWLP_END
        : [i] "+r"(i), [s] "=&r"(s), [e] "=&r"(e) : [n] "r"(n));
    *start_label = s;
    *end_label = e;
    *start = CSR_READ(ISS_CSR_LPSTART1);
    *end = CSR_READ(ISS_CSR_LPEND1);
    *count = CSR_READ(ISS_CSR_LPCOUNT1);
    return i;
}

/* Two levels, long form outside (loop 1: starti, endi, counti 10), cv.setupi inside (loop 0,
 * count 10, re-armed in every outer iteration); loop 1's body ends two instructions after
 * loop 0's end (the manual asks for at least one). i = 3 * 10 * 10, j = 4 * 10. */
static void loop_nested(uint32_t *pi, uint32_t *pj)
{
    uint32_t i = 0, j = 0;
    __asm__ volatile(
        ISS_HWLP_BEGIN
        ISS_CV_STARTI(1, 2f)
        ISS_CV_ENDI(1, 3f)
        ISS_CV_COUNTI(1, 10)
        "2:\n"
        ISS_CV_SETUPI(0, 10, 4f)
        "addi %[i], %[i], 1\n"
        "addi %[i], %[i], 1\n"
        "addi %[i], %[i], 1\n"
        "4:\n"
        "addi %[j], %[j], 2\n"
        "addi %[j], %[j], 2\n"
        "3:\n"
        ISS_HWLP_END
        : [i] "+r"(i), [j] "+r"(j));
    *pi = i;
    *pj = j;
}

/* Two levels with register counts: cv.setup for both (outer n1, inner n0). */
static void loop_nested_setup(uint32_t n1, uint32_t n0, uint32_t *pi, uint32_t *pj)
{
    uint32_t i = 0, j = 0;
    __asm__ volatile(
        ISS_HWLP_BEGIN
        ISS_CV_SETUP(1, %[n1], 3f)
        ISS_CV_SETUP(0, %[n0], 4f)
        "addi %[i], %[i], 1\n"
        "addi %[i], %[i], 1\n"
        "addi %[i], %[i], 1\n"
        "4:\n"
        "addi %[j], %[j], 1\n"
        "addi %[j], %[j], 2\n"
        "3:\n"
        ISS_HWLP_END
        : [i] "+r"(i), [j] "+r"(j) : [n1] "r"(n1), [n0] "r"(n0));
    *pi = i;
    *pj = j;
}

static void run(void *arg)
{
    (void)arg;
    unsigned core = iss_core_id();
    uint32_t a, b, iters, start, end, count, start_label, end_label;

    check(core, "setupi", loop_setupi(), 30);
    check(core, "setup", loop_setup(count7), 6 * 7);
    check(core, "count1", loop_count1(), 3);
    check(core, "counti", loop_counti(), 12);
    check(core, "asm", (uint32_t)hwloop_asm_triple((int)count4), 12);

    a = loop_long(count5, &iters, &start, &end, &count, &start_label, &end_label);
    check(core, "long iterations", iters, 5);
    check(core, "long lpcount0 sum", a, 5 + 4 + 3 + 2 + 1);
    check(core, "lpstart0 is start", start == start_label, 1);
    check(core, "lpend0 is end", end == end_label, 1);
    check(core, "lpend0 - lpstart0", end - start, 12);
    check(core, "lpcount0 after", count, 0);

    a = loop_regs(count6, &start, &end, &count, &start_label, &end_label);
    check(core, "regs", a, 18);
    check(core, "lpstart1 is start", start == start_label, 1);
    check(core, "lpend1 is end", end == end_label, 1);
    check(core, "lpend1 - lpstart1", end - start, 12);
    check(core, "lpcount1 after", count, 0);

    loop_nested(&a, &b);
    check(core, "nested i", a, 300);
    check(core, "nested j", b, 40);
    loop_nested_setup(count4, count6, &a, &b);
    check(core, "nested setup i", a, 3 * 6 * 4);
    check(core, "nested setup j", b, 3 * 4);
    loop_nested_setup(count1, count1, &a, &b);
    check(core, "nested setup 1x1 i", a, 3);
    check(core, "nested setup 1x1 j", b, 3);
    check(core, "lpcount0 end", CSR_READ(ISS_CSR_LPCOUNT0), 0);
    check(core, "lpcount1 end", CSR_READ(ISS_CSR_LPCOUNT1), 0);

    iss_barrier();
    printf("core %u hwloop errors %d\n", core, errors[core]);
}

int main(void)
{
    iss_fork(iss_num_cores(), run, NULL);
    int failed = 0;
    for (unsigned c = 0; c < iss_num_cores(); c++)
        failed += errors[c] != 0;
    return failed;
}
