/*
 * riscv-tests style self-checking test, without the C runtime: core 0 runs the
 * tests with the test number in gp and reports through tohost, (TESTNUM << 1) | 1
 * on the first failure or 1 when all pass; the other cores sleep. The results
 * are stored in the signature region for signature dumps.
 * Define FAIL_TEST to n to make test n compare against a wrong value.
 */
#ifndef FAIL_TEST
#define FAIL_TEST 0
#endif

/* gp holds TESTNUM, so no access may be relaxed to a gp-relative one. */
    .option norelax

/* GAS comparisons give -1 for true: flip bit 0 of the expected value of test FAIL_TEST. */
#define EXPECTED(n, value) ((value) ^ (((n) == FAIL_TEST) & 1))

/* Check test n's result in a0, then store it in signature word n. */
#define CHECK(n, value)                 \
    li      gp, n;                      \
    sw      a0, (4 * (n))(s1);          \
    li      t6, EXPECTED(n, value);     \
    bne     a0, t6, fail

    .section .text.init, "ax", @progbits
    .globl _start
_start:
    csrr    t0, mhartid
    andi    t0, t0, 0x1f
    bnez    t0, park

    /* link.ld keeps .data's load image in L2: copy it to its TCDM address. */
    la      t0, __data_lma
    la      t1, __data_start
    la      t2, __data_end
1:  bgeu    t1, t2, 2f
    lw      t3, 0(t0)
    sw      t3, 0(t1)
    addi    t0, t0, 4
    addi    t1, t1, 4
    j       1b
2:
    la      s1, begin_signature

    /* 1: add */
    li      a1, 0x12345678
    li      a2, 0x11111111
    add     a0, a1, a2
    CHECK(1, 0x23456789)

    /* 2: sub with a negative result */
    li      a1, 100
    li      a2, 142
    sub     a0, a1, a2
    CHECK(2, 0xffffffd6)

    /* 3: mul */
    li      a1, 12345
    li      a2, 6789
    mul     a0, a1, a2
    CHECK(3, 83810205)

    /* 4: div rounds towards zero */
    li      a1, -1000
    li      a2, 7
    div     a0, a1, a2
    CHECK(4, 0xffffff72)

    /* 5: arithmetic right shift keeps the sign */
    li      a0, 0x80000000
    srai    a0, a0, 4
    CHECK(5, 0xf8000000)

    /* 6: logical shifts */
    li      a0, 0x0000ff00
    slli    a0, a0, 8
    srli    a0, a0, 12
    CHECK(6, 0x00000ff0)

    /* 7: compressed instructions */
    c.li    a0, 5
    c.addi  a0, 3
    c.slli  a0, 2
    c.mv    a1, a0
    c.add   a0, a1
    c.li    a2, 9
    c.sub   a0, a2
    CHECK(7, 55)

    li      t0, 1
    j       report

fail:
    slli    t0, gp, 1
    ori     t0, t0, 1

report:
    /* High word first: tohost is complete when its low word is written. */
    la      t1, tohost
    sw      zero, 4(t1)
    sw      t0, 0(t1)
halt:
    j       halt

park:
    wfi
    j       park

    .section .tohost, "aw", @progbits
    .align 6
    .globl tohost
tohost:
    .dword 0
    .globl fromhost
fromhost:
    .dword 0

    .data
    .align 4
    .globl begin_signature
begin_signature:
    .word 0xdeadbeef            /* word 0: marker; words 1-7: results of tests 1-7 */
    .fill 7, 4, 0
    .globl end_signature
end_signature:
