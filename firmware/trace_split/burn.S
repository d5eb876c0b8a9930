/* Two functions with a known cost (docs/timing.md): the loop's iterations take 4 cycles
 * (addi, bnez, taken-branch penalty 2), the last one 2, the `li` 1 and the `ret` 2:
 *   one_n:   4 * K + 1 cycles              three_n: 4 * 3K + 3 = 3 * (4 * K + 1) cycles
 * from their first instruction to the first instruction after the call. */
#ifndef BURN_K
#define BURN_K 500
#endif
    .option norvc
    .text
    .globl one_n
    .type one_n, @function
one_n:
    li   t0, BURN_K
1:  addi t0, t0, -1
    bnez t0, 1b
    ret
    .size one_n, .-one_n

    .globl three_n
    .type three_n, @function
three_n:
    li   t0, 3 * BURN_K
    nop
    nop
1:  addi t0, t0, -1
    bnez t0, 1b
    ret
    .size three_n, .-three_n
