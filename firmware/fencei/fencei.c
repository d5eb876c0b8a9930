/* Self-modifying code: instructions written to the TCDM run after fence.i, and again once patched. */
#include <stdio.h>
#include <stdint.h>

#define ADDI_A0_ZERO(imm) (((uint32_t)(imm) << 20) | 0x00000513u) /* addi a0, zero, imm */
#define RET 0x00008067u                                            /* jalr zero, 0(ra) */

static uint32_t code[2] __attribute__((aligned(4)));

static int run(int imm)
{
    code[0] = ADDI_A0_ZERO(imm);
    code[1] = RET;
    __asm__ volatile("fence.i" ::: "memory");
    int (*fn)(void) = (int (*)(void))(uintptr_t)code;
    return fn();
}

int main(void)
{
    int first = run(7);
    printf("got %d\n", first);
    int second = run(9);
    printf("got %d\n", second);
    return first == 7 && second == 9 ? 0 : 1;
}
