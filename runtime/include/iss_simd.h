/*
 * CORE-V (CV32E40P, COREV_PULP=1) ALU, MAC and packed-SIMD operations for int8/int16 kernels,
 * and hardware loops. Only for programs built for core.isa = "corev" (firmware/NAME/ISA
 * containing "corev"), which clang-22 compiles with
 *   -march=rv32imc_zicsr_zifencei_xcvmem_xcvalu_xcvmac_xcvsimd_xcvbi_xcvelw
 * The operations are inline assembly in the LLVM spelling of the mnemonics (cv.sdotsp.b, ...);
 * the hardware loops (XCVhwlp), which clang-22 does not know, are encoded with .word
 * from the CV32E40P v2 user manual. docs/runtime.md ("CORE-V firmware") describes the API.
 *
 * There are no plain-C fallbacks: built for rv32imc (GCC), including this header stops the
 * build with an #error, so a CORE-V kernel is never silently compiled into slower code.
 *
 * Lanes: lane 0 is the least significant byte (.b) or halfword (.h) of the 32-bit register,
 * i.e. the element at the lowest address when the vector is loaded from memory.
 */
#ifndef ISS_SIMD_H
#define ISS_SIMD_H

#if !defined(__riscv_xcvsimd) || !defined(__riscv_xcvalu) || !defined(__riscv_xcvmac)
#error "iss_simd.h needs the CORE-V extensions: build the program for core.isa=corev (a file firmware/NAME/ISA containing corev, or iss build --isa corev), which compiles it with clang-22"
#endif

#ifndef __ASSEMBLER__

#include <stdint.h>

/* ---- packed types: four int8 / uint8 or two int16 / uint16 lanes in one register ---- */

typedef int8_t v4s __attribute__((vector_size(4), may_alias));
typedef uint8_t v4u __attribute__((vector_size(4), may_alias));
typedef int16_t v2s __attribute__((vector_size(4), may_alias));
typedef uint16_t v2u __attribute__((vector_size(4), may_alias));

/* Reinterpret 32 bits as another packed type (no instruction). */
#define ISS_V4S(x) ((v4s)(x))
#define ISS_V4U(x) ((v4u)(x))
#define ISS_V2S(x) ((v2s)(x))
#define ISS_V2U(x) ((v2u)(x))

/* Load 4 (2) lanes from p, which may be misaligned (a misaligned lw costs one cycle more). */
static inline v4s iss_v4s_load(const void *p) { return *(const v4s *)p; }
static inline v4u iss_v4u_load(const void *p) { return *(const v4u *)p; }
static inline v2s iss_v2s_load(const void *p) { return *(const v2s *)p; }

/* One instruction "op rd, rs1, rs2"; operands and result pass through uint32_t (clang puts no
 * vector type in a GPR operand of an asm statement, but casts between same-size vectors and
 * integers freely). */
#define ISS__OP2(op, type, a, b) ({                                                      \
    uint32_t iss__r;                                                                     \
    __asm__(op " %0, %1, %2" : "=r"(iss__r) : "r"((uint32_t)(a)), "r"((uint32_t)(b)));  \
    (type)iss__r; })
/* One accumulating instruction "op rd, rs1, rs2", rd read and written. */
#define ISS__OP3(op, type, acc, a, b) ({                                                 \
    uint32_t iss__r = (uint32_t)(acc);                                                   \
    __asm__(op " %0, %1, %2" : "+r"(iss__r) : "r"((uint32_t)(a)), "r"((uint32_t)(b)));  \
    (type)iss__r; })
/* "op rd, rs1, imm" with a compile-time constant immediate. */
#define ISS__OPI(op, type, a, imm) ({                                                    \
    uint32_t iss__r;                                                                     \
    __asm__(op " %0, %1, %2" : "=r"(iss__r) : "r"((uint32_t)(a)), "i"(imm));            \
    (type)iss__r; })

/* ---- dot products: the sum over the lanes of a[i] * b[i] (s: signed, u: unsigned,
 *      us: unsigned a times signed b); sdot adds it to acc. ---- */

static inline int32_t iss_dotsp_b(v4s a, v4s b) { return ISS__OP2("cv.dotsp.b", int32_t, a, b); }
static inline uint32_t iss_dotup_b(v4u a, v4u b) { return ISS__OP2("cv.dotup.b", uint32_t, a, b); }
static inline int32_t iss_dotusp_b(v4u a, v4s b) { return ISS__OP2("cv.dotusp.b", int32_t, a, b); }
static inline int32_t iss_sdotsp_b(int32_t acc, v4s a, v4s b) { return ISS__OP3("cv.sdotsp.b", int32_t, acc, a, b); }
static inline uint32_t iss_sdotup_b(uint32_t acc, v4u a, v4u b) { return ISS__OP3("cv.sdotup.b", uint32_t, acc, a, b); }
static inline int32_t iss_sdotusp_b(int32_t acc, v4u a, v4s b) { return ISS__OP3("cv.sdotusp.b", int32_t, acc, a, b); }

static inline int32_t iss_dotsp_h(v2s a, v2s b) { return ISS__OP2("cv.dotsp.h", int32_t, a, b); }
static inline uint32_t iss_dotup_h(v2u a, v2u b) { return ISS__OP2("cv.dotup.h", uint32_t, a, b); }
static inline int32_t iss_dotusp_h(v2u a, v2s b) { return ISS__OP2("cv.dotusp.h", int32_t, a, b); }
static inline int32_t iss_sdotsp_h(int32_t acc, v2s a, v2s b) { return ISS__OP3("cv.sdotsp.h", int32_t, acc, a, b); }
static inline uint32_t iss_sdotup_h(uint32_t acc, v2u a, v2u b) { return ISS__OP3("cv.sdotup.h", uint32_t, acc, a, b); }
static inline int32_t iss_sdotusp_h(int32_t acc, v2u a, v2s b) { return ISS__OP3("cv.sdotusp.h", int32_t, acc, a, b); }

/* ---- multiply-accumulate (XCVmac) ---- */

/* acc + a * b (low 32 bits), one cycle. */
static inline int32_t iss_mac(int32_t acc, int32_t a, int32_t b) { return ISS__OP3("cv.mac", int32_t, acc, a, b); }
/* acc - a * b (low 32 bits). */
static inline int32_t iss_msu(int32_t acc, int32_t a, int32_t b) { return ISS__OP3("cv.msu", int32_t, acc, a, b); }

/* ---- scalar ALU (XCValu) ---- */

static inline int32_t iss_max(int32_t a, int32_t b) { return ISS__OP2("cv.max", int32_t, a, b); }
static inline uint32_t iss_maxu(uint32_t a, uint32_t b) { return ISS__OP2("cv.maxu", uint32_t, a, b); }
static inline int32_t iss_min(int32_t a, int32_t b) { return ISS__OP2("cv.min", int32_t, a, b); }
static inline uint32_t iss_minu(uint32_t a, uint32_t b) { return ISS__OP2("cv.minu", uint32_t, a, b); }
static inline int32_t iss_abs(int32_t a)
{
    int32_t r;
    __asm__("cv.abs %0, %1" : "=r"(r) : "r"(a));
    return r;
}

/* Saturate x to the signed range of `bits` bits, [-2^(bits-1), 2^(bits-1) - 1]; bits a
 * constant 1..31 (cv.clip; ISS_CLIP(x, 8) clamps to [-128, 127]). */
#define ISS_CLIP(x, bits) ISS__OPI("cv.clip", int32_t, (int32_t)(x), (bits))
/* Saturate x to the unsigned range of `bits` bits, [0, 2^bits - 1]; bits a constant 0..30
 * (cv.clipu with immediate bits + 1; ISS_CLIPU(x, 8) clamps to [0, 255]). */
#define ISS_CLIPU(x, bits) ISS__OPI("cv.clipu", int32_t, (int32_t)(x), (bits) + 1)
/* The same with a bound in a register: x clamped to [-bound - 1, bound] (cv.clipr) ... */
static inline int32_t iss_clip(int32_t x, int32_t bound) { return ISS__OP2("cv.clipr", int32_t, x, bound); }
/* ... and to [0, bound] (cv.clipur); bound >= 0. */
static inline int32_t iss_clipu(int32_t x, int32_t bound) { return ISS__OP2("cv.clipur", int32_t, x, bound); }

/* ---- packed SIMD (XCVsimd), lane by lane ---- */

static inline v4s iss_add_b(v4s a, v4s b) { return ISS__OP2("cv.add.b", v4s, a, b); }
static inline v2s iss_add_h(v2s a, v2s b) { return ISS__OP2("cv.add.h", v2s, a, b); }
static inline v4s iss_sub_b(v4s a, v4s b) { return ISS__OP2("cv.sub.b", v4s, a, b); }
static inline v2s iss_sub_h(v2s a, v2s b) { return ISS__OP2("cv.sub.h", v2s, a, b); }
/* (a + b) >> 1, arithmetic, per lane. */
static inline v4s iss_avg_b(v4s a, v4s b) { return ISS__OP2("cv.avg.b", v4s, a, b); }
static inline v2s iss_avg_h(v2s a, v2s b) { return ISS__OP2("cv.avg.h", v2s, a, b); }
/* Arithmetic shift right of every lane by the same constant (0..7 for .b, 0..15 for .h). */
#define ISS_SRA_B(a, n) ISS__OPI("cv.sra.sci.b", v4s, (v4s)(a), (n))
#define ISS_SRA_H(a, n) ISS__OPI("cv.sra.sci.h", v2s, (v2s)(a), (n))

static inline v4s iss_max_b(v4s a, v4s b) { return ISS__OP2("cv.max.b", v4s, a, b); }
static inline v2s iss_max_h(v2s a, v2s b) { return ISS__OP2("cv.max.h", v2s, a, b); }
static inline v4u iss_maxu_b(v4u a, v4u b) { return ISS__OP2("cv.maxu.b", v4u, a, b); }
static inline v2u iss_maxu_h(v2u a, v2u b) { return ISS__OP2("cv.maxu.h", v2u, a, b); }
static inline v4s iss_min_b(v4s a, v4s b) { return ISS__OP2("cv.min.b", v4s, a, b); }
static inline v2s iss_min_h(v2s a, v2s b) { return ISS__OP2("cv.min.h", v2s, a, b); }
static inline v4u iss_minu_b(v4u a, v4u b) { return ISS__OP2("cv.minu.b", v4u, a, b); }
static inline v2u iss_minu_h(v2u a, v2u b) { return ISS__OP2("cv.minu.h", v2u, a, b); }

/* Every lane clamped to [lo, hi] (signed; scalars replicated by the .sc forms: cv.max.sc then
 * cv.min.sc, two instructions: the CV32E40P has no SIMD clip). */
static inline v4s iss_clip_b(v4s x, int32_t lo, int32_t hi)
{
    return ISS__OP2("cv.min.sc.b", v4s, ISS__OP2("cv.max.sc.b", v4s, x, lo), hi);
}
static inline v2s iss_clip_h(v2s x, int32_t lo, int32_t hi)
{
    return ISS__OP2("cv.min.sc.h", v2s, ISS__OP2("cv.max.sc.h", v2s, x, lo), hi);
}
/* Every lane clamped to [lo, hi], unsigned (cv.maxu.sc, cv.minu.sc). */
static inline v4u iss_clipu_b(v4u x, uint32_t lo, uint32_t hi)
{
    return ISS__OP2("cv.minu.sc.b", v4u, ISS__OP2("cv.maxu.sc.b", v4u, x, lo), hi);
}
static inline v2u iss_clipu_h(v2u x, uint32_t lo, uint32_t hi)
{
    return ISS__OP2("cv.minu.sc.h", v2u, ISS__OP2("cv.maxu.sc.h", v2u, x, lo), hi);
}

/* ---- packing ---- */

/* Two halfwords: lane 1 = lo16(hi), lane 0 = lo16(lo) (cv.pack). */
static inline v2s iss_pack_h(int32_t hi, int32_t lo) { return ISS__OP2("cv.pack", v2s, hi, lo); }
/* Lanes 1, 0 of acc replaced by lo8(b1), lo8(b0); lanes 3, 2 kept (cv.packlo.b). */
static inline v4s iss_packlo_b(v4s acc, int32_t b1, int32_t b0) { return ISS__OP3("cv.packlo.b", v4s, acc, b1, b0); }
/* Lanes 3, 2 of acc replaced by lo8(b3), lo8(b2); lanes 1, 0 kept (cv.packhi.b). */
static inline v4s iss_packhi_b(v4s acc, int32_t b3, int32_t b2) { return ISS__OP3("cv.packhi.b", v4s, acc, b3, b2); }
/* Four bytes: lane i = lo8(bi). */
static inline v4s iss_pack4_b(int32_t b0, int32_t b1, int32_t b2, int32_t b3)
{
    return iss_packhi_b(iss_packlo_b((v4s){0, 0, 0, 0}, b1, b0), b3, b2);
}

/* ---- post-increment loads (XCVmem): value at *p, then *p += inc (bytes) ---- */

static inline uint32_t iss_lw_pi(const void **p, int32_t inc)
{
    uint32_t v;
    __asm__ volatile("cv.lw %0, (%1), %2" : "=r"(v), "+r"(*p) : "r"(inc) : "memory");
    return v;
}
static inline int32_t iss_lb_pi(const void **p, int32_t inc)
{
    int32_t v;
    __asm__ volatile("cv.lb %0, (%1), %2" : "=r"(v), "+r"(*p) : "r"(inc) : "memory");
    return v;
}

#endif /* !__ASSEMBLER__ */

/*
 * ---- hardware loops (XCVhwlp) ----
 *
 * Two loops: L = 0 is the inner loop, L = 1 the outer one (loop 0 has priority). Each has a
 * start address, an end address and a count. In the CV32E40P v2 manual the END ADDRESS IS THAT
 * OF THE INSTRUCTION AFTER THE LAST ONE OF THE BODY (v1/RI5CY's lp.* pointed at the last one):
 * the body runs from `start` up to, not including, `end`, and `end` is simply the label after
 * the body. When the last body instruction (end - 4) executes with count > 1, the count is
 * decremented and the core continues at start; with count 1 it is decremented to 0 and the core
 * falls through to end. A count of 0 does not make a loop: the body runs once, straight through.
 *
 * Encodings (manual, "Hardware Loops operations encoding"): opcode 0101011 (custom-1),
 * funct3 = 100, funct4 in bits 11:8, L in bit 7, uimmL in bits 31:20, rs1 or uimmS in 19:15.
 *   cv.starti L, uimmL   lpstart[L] = pc + (uimmL << 2)          funct4 0000
 *   cv.start  L, rs1     lpstart[L] = rs1                        funct4 0001
 *   cv.endi   L, uimmL   lpend[L]   = pc + (uimmL << 2)          funct4 0010
 *   cv.end    L, rs1     lpend[L]   = rs1                        funct4 0011
 *   cv.counti L, uimmL   lpcount[L] = uimmL                      funct4 0100
 *   cv.count  L, rs1     lpcount[L] = rs1                        funct4 0101
 *   cv.setupi L, uimmL, uimmS   start = pc + 4, end = pc + (uimmS << 2), count = uimmL   0110
 *   cv.setup  L, rs1, uimmL     start = pc + 4, end = pc + (uimmL << 2), count = rs1     0111
 * So cv.setupi reaches a body of at most 30 instructions (uimmS <= 31) and a count of at most
 * 4095; cv.setup a body of up to 4094 instructions; starti/endi 16 KiB forward.
 *
 * Rules (the manual's; the hardware does not check them, and neither do these macros):
 *   - the body has at least 3 instructions (the RTL measured in
 *     shared/reference/cv32e40p ran 2 correctly and 1 wrongly: keep to 3);
 *   - no branch, jump, call, RVC (compressed) instruction, fence, wfi or mret in the body, and
 *     no jump into it: enter at start;
 *   - the setup instructions, start and end are word aligned (ISS_HWLP_BEGIN aligns and turns
 *     RVC off; every instruction after it is then 4 bytes);
 *   - set start and end before the count (the loop is live once count > 0), and do not change
 *     a loop's registers while its count is not 0;
 *   - nested: loop 1's end at least 8 bytes after loop 0's end (one instruction of loop 1's
 *     body after loop 0's last);
 *   - the counts are > 0.
 * The loop CSRs (read only, csrr): lpstart0 0xCC0, lpend0 0xCC1, lpcount0 0xCC2, lpstart1
 * 0xCC4, lpend1 0xCC5, lpcount1 0xCC6 (ISS_CSR_LPSTART0, ...).
 *
 * The macros expand to assembler text: in C, string literals for __asm__ (each ends with a
 * newline); in a .S file (included with __ASSEMBLER__ defined), the statements themselves,
 * separated by ';'. Labels are assembler expressions (1f, 2f, .Lend); rs1 is a register name
 * ("%[n]" in inline assembly, a0 in a .S file); L, counts and immediates are constants.
 *
 *   __asm__ volatile(
 *       ISS_HWLP_BEGIN
 *       ISS_CV_SETUP(0, %[n], 1f)
 *       "cv.lw %[a], (%[pa]), 4\n"
 *       "cv.lw %[b], (%[pb]), 4\n"
 *       "cv.sdotsp.b %[acc], %[a], %[b]\n"
 *       "1:\n"
 *       ISS_HWLP_END
 *       : [acc] "+r"(acc), [pa] "+r"(pa), [pb] "+r"(pb), [a] "=&r"(a), [b] "=&r"(b)
 *       : [n] "r"(n) : "memory");
 *
 * The label differences are resolved by the assembler, so the loop must be between
 * ISS_HWLP_BEGIN and ISS_HWLP_END (.option norelax: the linker may not shorten anything in it;
 * the alignment before it is a relaxable .balign, which the linker keeps).
 */

#define ISS_CSR_LPSTART0 0xCC0
#define ISS_CSR_LPEND0 0xCC1
#define ISS_CSR_LPCOUNT0 0xCC2
#define ISS_CSR_LPSTART1 0xCC4
#define ISS_CSR_LPEND1 0xCC5
#define ISS_CSR_LPCOUNT1 0xCC6

/* opcode 0101011, funct3 100, funct4 in bits 11:8, L in bit 7 */
#define ISS__HWLP_OPC(funct4, L) (0x402B | ((funct4) << 8) | ((L) << 7))

/* Register number of a register name: in a .S file by the preprocessor, in C by assembler
 * symbols .Liss__regno_<name> (inline assembly substitutes the name, e.g. "%[n]" -> a0). */
#ifdef __ASSEMBLER__
#define ISS__HWLP_REGNO(rs1) ISS__HWLP_REGNO_##rs1
#define ISS__HWLP_REGNO_zero 0
#define ISS__HWLP_REGNO_ra 1
#define ISS__HWLP_REGNO_sp 2
#define ISS__HWLP_REGNO_gp 3
#define ISS__HWLP_REGNO_tp 4
#define ISS__HWLP_REGNO_t0 5
#define ISS__HWLP_REGNO_t1 6
#define ISS__HWLP_REGNO_t2 7
#define ISS__HWLP_REGNO_s0 8
#define ISS__HWLP_REGNO_s1 9
#define ISS__HWLP_REGNO_a0 10
#define ISS__HWLP_REGNO_a1 11
#define ISS__HWLP_REGNO_a2 12
#define ISS__HWLP_REGNO_a3 13
#define ISS__HWLP_REGNO_a4 14
#define ISS__HWLP_REGNO_a5 15
#define ISS__HWLP_REGNO_a6 16
#define ISS__HWLP_REGNO_a7 17
#define ISS__HWLP_REGNO_s2 18
#define ISS__HWLP_REGNO_s3 19
#define ISS__HWLP_REGNO_s4 20
#define ISS__HWLP_REGNO_s5 21
#define ISS__HWLP_REGNO_s6 22
#define ISS__HWLP_REGNO_s7 23
#define ISS__HWLP_REGNO_s8 24
#define ISS__HWLP_REGNO_s9 25
#define ISS__HWLP_REGNO_s10 26
#define ISS__HWLP_REGNO_s11 27
#define ISS__HWLP_REGNO_t3 28
#define ISS__HWLP_REGNO_t4 29
#define ISS__HWLP_REGNO_t5 30
#define ISS__HWLP_REGNO_t6 31
#define ISS__HWLP_REGNO_fp 8
#define ISS__HWLP_REGNO_x0 0
#define ISS__HWLP_REGNO_x1 1
#define ISS__HWLP_REGNO_x2 2
#define ISS__HWLP_REGNO_x3 3
#define ISS__HWLP_REGNO_x4 4
#define ISS__HWLP_REGNO_x5 5
#define ISS__HWLP_REGNO_x6 6
#define ISS__HWLP_REGNO_x7 7
#define ISS__HWLP_REGNO_x8 8
#define ISS__HWLP_REGNO_x9 9
#define ISS__HWLP_REGNO_x10 10
#define ISS__HWLP_REGNO_x11 11
#define ISS__HWLP_REGNO_x12 12
#define ISS__HWLP_REGNO_x13 13
#define ISS__HWLP_REGNO_x14 14
#define ISS__HWLP_REGNO_x15 15
#define ISS__HWLP_REGNO_x16 16
#define ISS__HWLP_REGNO_x17 17
#define ISS__HWLP_REGNO_x18 18
#define ISS__HWLP_REGNO_x19 19
#define ISS__HWLP_REGNO_x20 20
#define ISS__HWLP_REGNO_x21 21
#define ISS__HWLP_REGNO_x22 22
#define ISS__HWLP_REGNO_x23 23
#define ISS__HWLP_REGNO_x24 24
#define ISS__HWLP_REGNO_x25 25
#define ISS__HWLP_REGNO_x26 26
#define ISS__HWLP_REGNO_x27 27
#define ISS__HWLP_REGNO_x28 28
#define ISS__HWLP_REGNO_x29 29
#define ISS__HWLP_REGNO_x30 30
#define ISS__HWLP_REGNO_x31 31
#else
__asm__(
    ".set .Liss__regno_zero, 0\n"
    ".set .Liss__regno_ra, 1\n"
    ".set .Liss__regno_sp, 2\n"
    ".set .Liss__regno_gp, 3\n"
    ".set .Liss__regno_tp, 4\n"
    ".set .Liss__regno_t0, 5\n"
    ".set .Liss__regno_t1, 6\n"
    ".set .Liss__regno_t2, 7\n"
    ".set .Liss__regno_s0, 8\n"
    ".set .Liss__regno_s1, 9\n"
    ".set .Liss__regno_a0, 10\n"
    ".set .Liss__regno_a1, 11\n"
    ".set .Liss__regno_a2, 12\n"
    ".set .Liss__regno_a3, 13\n"
    ".set .Liss__regno_a4, 14\n"
    ".set .Liss__regno_a5, 15\n"
    ".set .Liss__regno_a6, 16\n"
    ".set .Liss__regno_a7, 17\n"
    ".set .Liss__regno_s2, 18\n"
    ".set .Liss__regno_s3, 19\n"
    ".set .Liss__regno_s4, 20\n"
    ".set .Liss__regno_s5, 21\n"
    ".set .Liss__regno_s6, 22\n"
    ".set .Liss__regno_s7, 23\n"
    ".set .Liss__regno_s8, 24\n"
    ".set .Liss__regno_s9, 25\n"
    ".set .Liss__regno_s10, 26\n"
    ".set .Liss__regno_s11, 27\n"
    ".set .Liss__regno_t3, 28\n"
    ".set .Liss__regno_t4, 29\n"
    ".set .Liss__regno_t5, 30\n"
    ".set .Liss__regno_t6, 31\n"
    ".set .Liss__regno_fp, 8\n"
    ".set .Liss__regno_x0, 0\n"
    ".set .Liss__regno_x1, 1\n"
    ".set .Liss__regno_x2, 2\n"
    ".set .Liss__regno_x3, 3\n"
    ".set .Liss__regno_x4, 4\n"
    ".set .Liss__regno_x5, 5\n"
    ".set .Liss__regno_x6, 6\n"
    ".set .Liss__regno_x7, 7\n"
    ".set .Liss__regno_x8, 8\n"
    ".set .Liss__regno_x9, 9\n"
    ".set .Liss__regno_x10, 10\n"
    ".set .Liss__regno_x11, 11\n"
    ".set .Liss__regno_x12, 12\n"
    ".set .Liss__regno_x13, 13\n"
    ".set .Liss__regno_x14, 14\n"
    ".set .Liss__regno_x15, 15\n"
    ".set .Liss__regno_x16, 16\n"
    ".set .Liss__regno_x17, 17\n"
    ".set .Liss__regno_x18, 18\n"
    ".set .Liss__regno_x19, 19\n"
    ".set .Liss__regno_x20, 20\n"
    ".set .Liss__regno_x21, 21\n"
    ".set .Liss__regno_x22, 22\n"
    ".set .Liss__regno_x23, 23\n"
    ".set .Liss__regno_x24, 24\n"
    ".set .Liss__regno_x25, 25\n"
    ".set .Liss__regno_x26, 26\n"
    ".set .Liss__regno_x27, 27\n"
    ".set .Liss__regno_x28, 28\n"
    ".set .Liss__regno_x29, 29\n"
    ".set .Liss__regno_x30, 30\n"
    ".set .Liss__regno_x31, 31\n"
);
#endif

#ifdef __ASSEMBLER__
#define ISS__HWLP_TEXT(...) __VA_ARGS__ ;
#else
#define ISS__HWLP_STR_(...) #__VA_ARGS__
#define ISS__HWLP_STR(...) ISS__HWLP_STR_(__VA_ARGS__)
#define ISS__HWLP_TEXT(...) ISS__HWLP_STR(__VA_ARGS__) "\n"
#endif

/* Word-align (relaxable, so the linker keeps it aligned), then no RVC and no relaxation. */
#define ISS_HWLP_BEGIN \
    ISS__HWLP_TEXT(.balign 4) ISS__HWLP_TEXT(.option push) ISS__HWLP_TEXT(.option norvc) \
    ISS__HWLP_TEXT(.option norelax)
/* Back to the options before ISS_HWLP_BEGIN. */
#define ISS_HWLP_END ISS__HWLP_TEXT(.option pop)

#define ISS_CV_STARTI(L, start) \
    ISS__HWLP_TEXT(.word ISS__HWLP_OPC(0, L) | ((((start) - .) >> 2) << 20))
#define ISS_CV_ENDI(L, end) \
    ISS__HWLP_TEXT(.word ISS__HWLP_OPC(2, L) | ((((end) - .) >> 2) << 20))
#define ISS_CV_COUNTI(L, count) \
    ISS__HWLP_TEXT(.word ISS__HWLP_OPC(4, L) | ((count) << 20))
#define ISS_CV_SETUPI(L, count, end) \
    ISS__HWLP_TEXT(.word ISS__HWLP_OPC(6, L) | ((count) << 20) | ((((end) - .) >> 2) << 15))
/* The register forms are .words too, whose rs1 field is the register's number, looked up by
 * name (ISS__HWLP_REGNO above). */
#ifdef __ASSEMBLER__
#define ISS__HWLP_REGFORM(funct4, L, rs1, rest) \
    .word ISS__HWLP_OPC(funct4, L) | (ISS__HWLP_REGNO(rs1) << 15) rest ;
#else
#define ISS__HWLP_REGFORM(funct4, L, rs1, rest) \
    ".word " ISS__HWLP_STR(ISS__HWLP_OPC(funct4, L)) " | (.Liss__regno_" #rs1 " << 15) " \
    ISS__HWLP_STR(rest) "\n"
#endif
#define ISS_CV_START(L, rs1) ISS__HWLP_REGFORM(1, L, rs1, )
#define ISS_CV_END(L, rs1) ISS__HWLP_REGFORM(3, L, rs1, )
#define ISS_CV_COUNT(L, rs1) ISS__HWLP_REGFORM(5, L, rs1, )
#define ISS_CV_SETUP(L, rs1, end) ISS__HWLP_REGFORM(7, L, rs1, | ((((end) - .) >> 2) << 20))

#endif /* ISS_SIMD_H */
