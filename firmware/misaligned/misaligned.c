/* 32- and 16-bit loads and stores at odd TCDM addresses, each one lw/sw/lh/lhu/sh instruction. */
#include <stdint.h>
#include <stdio.h>

static volatile uint8_t buf[16] __attribute__((aligned(4)));

/* Inline asm: for C accesses the compiler, knowing the address is odd, would split them into bytes. */
static uint32_t load_word(unsigned offset)
{
    uint32_t value;
    __asm__ volatile("lw %0, 0(%1)" : "=r"(value) : "r"(&buf[offset]) : "memory");
    return value;
}

static void store_word(unsigned offset, uint32_t value)
{
    __asm__ volatile("sw %0, 0(%1)" : : "r"(value), "r"(&buf[offset]) : "memory");
}

static uint32_t load_half_unsigned(unsigned offset)
{
    uint32_t value;
    __asm__ volatile("lhu %0, 0(%1)" : "=r"(value) : "r"(&buf[offset]) : "memory");
    return value;
}

static int32_t load_half_signed(unsigned offset)
{
    int32_t value;
    __asm__ volatile("lh %0, 0(%1)" : "=r"(value) : "r"(&buf[offset]) : "memory");
    return value;
}

static void store_half(unsigned offset, uint32_t value)
{
    __asm__ volatile("sh %0, 0(%1)" : : "r"(value), "r"(&buf[offset]) : "memory");
}

int main(void)
{
    int ok = 1;

    store_word(1, 0x11223344u);
    ok &= buf[1] == 0x44 && buf[2] == 0x33 && buf[3] == 0x22 && buf[4] == 0x11;
    ok &= load_word(1) == 0x11223344u;
    ok &= load_word(3) == 0x00001122u;  /* across the word boundary at 4 */

    store_half(7, 0xbeefu);             /* across the word boundary at 8 */
    ok &= buf[7] == 0xef && buf[8] == 0xbe;
    ok &= load_half_unsigned(7) == 0xbeefu;
    ok &= load_half_signed(7) == (int16_t)0xbeef;

    if (!ok) {
        printf("misaligned FAILED\n");
        return 1;
    }
    printf("misaligned ok\n");
    return 0;
}
