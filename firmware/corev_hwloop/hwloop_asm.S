/* The hardware-loop macros of iss_simd.h in an assembly file:
 * int hwloop_asm_triple(int n) returns 3 * n (n >= 1), by a cv.setup loop of n iterations
 * whose 3-instruction body adds 1 three times. */
#include "iss_simd.h"

    .section .text.hwloop_asm_triple, "ax", @progbits
    .globl hwloop_asm_triple
    .type hwloop_asm_triple, @function
hwloop_asm_triple:
    li      a1, 0
    ISS_HWLP_BEGIN
    ISS_CV_SETUP(0, a0, 1f)
    addi    a1, a1, 1
    addi    a1, a1, 1
    addi    a1, a1, 1
1:
    ISS_HWLP_END
    mv      a0, a1
    ret
    .size hwloop_asm_triple, . - hwloop_asm_triple
