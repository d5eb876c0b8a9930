/* CORE-V (CV32E40P v2) register-result instructions: XCValu, XCVmac, XCVsimd, XCVbitmanip.
 *
 * One form per mnemonic (LLVM spelling), each with an alu function rd' = fn(w, rs1, rs2, rd).
 * The semantics follow the CV32E40P RTL where it differs from the user manual; they are
 * checked bit for bit against vectors measured on the RTL (tests/test_xcv_vectors.py).
 * Immediates are decoded from the word inside the functions. Operands print as
 * llvm-objdump-22 prints them (immediates in hex, "0x1f", "-0x20"). */
#include <stdio.h>

#include "isa.h"

/* ---- fields ------------------------------------------------------------------------- */

static inline uint32_t f_is3(uint32_t w) { return (w >> 25) & 31; }   /* bits 29:25 */
static inline uint32_t f_is2(uint32_t w) { return (w >> 20) & 31; }   /* bits 24:20 */
/* SIMD 6-bit immediate: bit 25 is Imm6[0], bits 24:20 are Imm6[5:1] */
static inline uint32_t f_imm6(uint32_t w) { return ((w >> 25) & 1) | (((w >> 20) & 31) << 1); }
static inline uint32_t f_funct3(uint32_t w) { return (w >> 12) & 7; }

static inline uint32_t sext(uint32_t v, unsigned bits) { return (uint32_t)isa_sext(v, bits); }
static inline uint32_t sra32(uint32_t v, unsigned s) { return (uint32_t)((int32_t)v >> s); }

/* ---- operand printers ----------------------------------------------------------------- */

/* Appends ", imm" to the k characters already in buf, as llvm-objdump prints immediates by
 * default: hex, negative ones as -0x..; returns the new length (snprintf-style). */
static int append_imm(char *buf, size_t n, int k, int32_t v)
{
    if (k < 0 || (size_t)k >= n) return k;
    return k + (v < 0 ? snprintf(buf + k, n - (size_t)k, ", -0x%x", (unsigned)-(int64_t)v)
                      : snprintf(buf + k, n - (size_t)k, ", 0x%x", (unsigned)v));
}

static int p_rr(char *buf, size_t n, uint32_t w, uint32_t pc)
{
    (void)pc;
    return snprintf(buf, n, "%s, %s", isa_reg_names[isa_rd(w)], isa_reg_names[isa_rs1(w)]);
}

/* "rd, rs1, imm" */
static int p_clip(char *buf, size_t n, uint32_t w, uint32_t pc) { return append_imm(buf, n, p_rr(buf, n, w, pc), (int32_t)f_is2(w)); }
static int p_simm6(char *buf, size_t n, uint32_t w, uint32_t pc) { return append_imm(buf, n, p_rr(buf, n, w, pc), isa_sext(f_imm6(w), 6)); }
static int p_uimm6(char *buf, size_t n, uint32_t w, uint32_t pc) { return append_imm(buf, n, p_rr(buf, n, w, pc), (int32_t)f_imm6(w)); }

/* "rd, rs1, Is3, Is2" (bit-manipulation immediates) */
static int p_rii(char *buf, size_t n, uint32_t w, uint32_t pc)
{
    return append_imm(buf, n, append_imm(buf, n, p_rr(buf, n, w, pc), (int32_t)f_is3(w)), (int32_t)f_is2(w));
}

/* "rd, rs1, rs2, Is3" (normalising add/sub/mul/mac) */
static int p_rrri(char *buf, size_t n, uint32_t w, uint32_t pc)
{
    return append_imm(buf, n, isa_print_regs3(buf, n, w, pc), (int32_t)f_is3(w));
}

#define R1 ISA_F_RS1
#define R2 ISA_F_RS2
#define RD ISA_F_RD
static const isa_format_t fmt_rrr      = { R1 | R2,      RD, NULL, isa_print_regs3 };
static const isa_format_t fmt_rrr_acc  = { RD | R1 | R2, RD, NULL, isa_print_regs3 };
static const isa_format_t fmt_rr       = { R1,           RD, NULL, p_rr };
static const isa_format_t fmt_clip     = { R1,           RD, NULL, p_clip };
static const isa_format_t fmt_rii      = { R1,           RD, NULL, p_rii };
static const isa_format_t fmt_rii_acc  = { RD | R1,      RD, NULL, p_rii };
static const isa_format_t fmt_rrri     = { R1 | R2,      RD, NULL, p_rrri };
static const isa_format_t fmt_rrri_acc = { RD | R1 | R2, RD, NULL, p_rrri };
static const isa_format_t fmt_si6      = { R1,           RD, NULL, p_simm6 };
static const isa_format_t fmt_si6_acc  = { RD | R1,      RD, NULL, p_simm6 };
static const isa_format_t fmt_ui6      = { R1,           RD, NULL, p_uimm6 };
static const isa_format_t fmt_ui6_acc  = { RD | R1,      RD, NULL, p_uimm6 };

/* ---- XCVbitmanip ---------------------------------------------------------------------- */

/* The RTL's bit mask: Is3+1 ones from bit Is2 up, bits above 31 dropped. */
static inline uint32_t bmask(uint32_t len_m1, uint32_t pos)
{
    return ~(0xfffffffeu << len_m1) << pos;
}

/* rs1[min(len_m1+pos,31):pos], sign- or zero-extended from its top bit */
static uint32_t bext(uint32_t rs1, uint32_t len_m1, uint32_t pos, bool sign)
{
    uint32_t v = rs1 >> pos;
    unsigned bits = len_m1 + 1 < 32 - pos ? len_m1 + 1 : 32 - pos;
    return sign ? sext(v, bits) : (bits == 32 ? v : v & ((1u << bits) - 1));
}

static uint32_t bins(uint32_t rs1, uint32_t rd, uint32_t len_m1, uint32_t pos)
{
    uint32_t m = bmask(len_m1, pos);
    return (rd & ~m) | ((rs1 << pos) & m);
}

static uint32_t x_extract(uint32_t w, uint32_t a, uint32_t b, uint32_t d) { (void)b; (void)d; return bext(a, f_is3(w), f_is2(w), true); }
static uint32_t x_extractu(uint32_t w, uint32_t a, uint32_t b, uint32_t d) { (void)b; (void)d; return bext(a, f_is3(w), f_is2(w), false); }
static uint32_t x_insert(uint32_t w, uint32_t a, uint32_t b, uint32_t d) { (void)b; return bins(a, d, f_is3(w), f_is2(w)); }
static uint32_t x_bclr(uint32_t w, uint32_t a, uint32_t b, uint32_t d) { (void)b; (void)d; return a & ~bmask(f_is3(w), f_is2(w)); }
static uint32_t x_bset(uint32_t w, uint32_t a, uint32_t b, uint32_t d) { (void)b; (void)d; return a | bmask(f_is3(w), f_is2(w)); }
/* register forms: rs2[9:5] is the length - 1, rs2[4:0] the position */
static uint32_t x_extractr(uint32_t w, uint32_t a, uint32_t b, uint32_t d) { (void)w; (void)d; return bext(a, (b >> 5) & 31, b & 31, true); }
static uint32_t x_extractur(uint32_t w, uint32_t a, uint32_t b, uint32_t d) { (void)w; (void)d; return bext(a, (b >> 5) & 31, b & 31, false); }
static uint32_t x_insertr(uint32_t w, uint32_t a, uint32_t b, uint32_t d) { (void)w; return bins(a, d, (b >> 5) & 31, b & 31); }
static uint32_t x_bclrr(uint32_t w, uint32_t a, uint32_t b, uint32_t d) { (void)w; (void)d; return a & ~bmask((b >> 5) & 31, b & 31); }
static uint32_t x_bsetr(uint32_t w, uint32_t a, uint32_t b, uint32_t d) { (void)w; (void)d; return a | bmask((b >> 5) & 31, b & 31); }

static uint32_t x_ror(uint32_t w, uint32_t a, uint32_t b, uint32_t d)
{
    unsigned s = b & 31;
    (void)w; (void)d;
    return s ? (a >> s) | (a << (32 - s)) : a;
}

static uint32_t x_ff1(uint32_t w, uint32_t a, uint32_t b, uint32_t d) { (void)w; (void)b; (void)d; return a ? (uint32_t)__builtin_ctz(a) : 32; }
static uint32_t x_fl1(uint32_t w, uint32_t a, uint32_t b, uint32_t d) { (void)w; (void)b; (void)d; return a ? 31u - (uint32_t)__builtin_clz(a) : 32; }
static uint32_t x_cnt(uint32_t w, uint32_t a, uint32_t b, uint32_t d) { (void)w; (void)b; (void)d; return (uint32_t)__builtin_popcount(a); }

/* leading bits equal to the sign, not counting the sign itself; 0 for 0 */
static uint32_t x_clb(uint32_t w, uint32_t a, uint32_t b, uint32_t d)
{
    uint32_t x = (a & 0x80000000u) ? ~a : a;
    (void)w; (void)b; (void)d;
    if (a == 0) return 0;
    return x ? (uint32_t)__builtin_clz(x) - 1 : 31;
}

/* Shift left by Is2, then reverse the 32 bits in groups of 1, 2 or 3 bits (Is3[1:0] =
 * 0/1/2; 3 behaves as 0). Radix 8 takes ten 3-bit groups from the top, bits 31:30 = 0. */
static uint32_t x_bitrev(uint32_t w, uint32_t a, uint32_t b, uint32_t d)
{
    uint32_t v = a << f_is2(w), r = 0;
    unsigned g = (f_is3(w) & 3) == 1 ? 2 : (f_is3(w) & 3) == 2 ? 3 : 1;
    unsigned groups = 32 / g;
    (void)b; (void)d;
    for (unsigned j = 0; j < groups; j++) {
        uint32_t grp = (v >> (32 - g * (j + 1))) & ((1u << g) - 1);
        r |= grp << (g * j);
    }
    return r;
}

/* ---- XCValu --------------------------------------------------------------------------- */

static uint32_t x_abs(uint32_t w, uint32_t a, uint32_t b, uint32_t d) { (void)w; (void)b; (void)d; return (int32_t)a < 0 ? 0u - a : a; }
static uint32_t x_sle(uint32_t w, uint32_t a, uint32_t b, uint32_t d) { (void)w; (void)d; return (int32_t)a <= (int32_t)b; }
static uint32_t x_sleu(uint32_t w, uint32_t a, uint32_t b, uint32_t d) { (void)w; (void)d; return a <= b; }
static uint32_t x_min(uint32_t w, uint32_t a, uint32_t b, uint32_t d) { (void)w; (void)d; return (int32_t)a < (int32_t)b ? a : b; }
static uint32_t x_minu(uint32_t w, uint32_t a, uint32_t b, uint32_t d) { (void)w; (void)d; return a < b ? a : b; }
static uint32_t x_max(uint32_t w, uint32_t a, uint32_t b, uint32_t d) { (void)w; (void)d; return (int32_t)a < (int32_t)b ? b : a; }
static uint32_t x_maxu(uint32_t w, uint32_t a, uint32_t b, uint32_t d) { (void)w; (void)d; return a < b ? b : a; }
static uint32_t x_exths(uint32_t w, uint32_t a, uint32_t b, uint32_t d) { (void)w; (void)b; (void)d; return sext(a, 16); }
static uint32_t x_exthz(uint32_t w, uint32_t a, uint32_t b, uint32_t d) { (void)w; (void)b; (void)d; return a & 0xffff; }
static uint32_t x_extbs(uint32_t w, uint32_t a, uint32_t b, uint32_t d) { (void)w; (void)b; (void)d; return sext(a, 8); }
static uint32_t x_extbz(uint32_t w, uint32_t a, uint32_t b, uint32_t d) { (void)w; (void)b; (void)d; return a & 0xff; }

/* Signed clip to [~hi, hi] = [-(hi+1), hi], hi taken as a signed 32-bit value. */
static uint32_t clip_s(uint32_t a, uint32_t hi)
{
    int64_t lo = -(int64_t)(int32_t)hi - 1;
    if ((int64_t)(int32_t)a <= lo) return ~hi;
    return (int32_t)a < (int32_t)hi ? a : hi;
}

/* Unsigned clip to [0, hi]: negative (or zero) values give 0. */
static uint32_t clip_u(uint32_t a, uint32_t hi)
{
    if ((int32_t)a <= 0) return 0;
    return (int32_t)a < (int32_t)hi ? a : hi;
}

/* immediate forms: hi = 2^(Is2-1) - 1, which is 0 for both Is2 = 0 and Is2 = 1 */
static uint32_t clip_hi(uint32_t w) { return ((1u << f_is2(w)) - 1) >> 1; }
static uint32_t x_clip(uint32_t w, uint32_t a, uint32_t b, uint32_t d) { (void)b; (void)d; return clip_s(a, clip_hi(w)); }
static uint32_t x_clipu(uint32_t w, uint32_t a, uint32_t b, uint32_t d) { (void)b; (void)d; return clip_u(a, clip_hi(w)); }
/* register forms: the bound is rs2 with bit 31 cleared */
static uint32_t x_clipr(uint32_t w, uint32_t a, uint32_t b, uint32_t d) { (void)w; (void)d; return clip_s(a, b & 0x7fffffffu); }
static uint32_t x_clipur(uint32_t w, uint32_t a, uint32_t b, uint32_t d) { (void)w; (void)d; return clip_u(a, b & 0x7fffffffu); }

/* Normalising add/sub: a +/- b (+ 2^(s-1) when rounding), kept to 32 bits, then shifted
 * right by s, arithmetically for the signed forms. */
static uint32_t norm(uint32_t sum, unsigned s, bool round, bool arith)
{
    if (round && s) sum += 1u << (s - 1);
    return arith ? sra32(sum, s) : sum >> s;
}

/* immediate forms: rd = (rs1 op rs2) >> Is3; bit 31 = rounding, bit 30 = unsigned */
static uint32_t x_addn(uint32_t w, uint32_t a, uint32_t b, uint32_t d) { (void)d; return norm(a + b, f_is3(w), w >> 31, !((w >> 30) & 1)); }
static uint32_t x_subn(uint32_t w, uint32_t a, uint32_t b, uint32_t d) { (void)d; return norm(a - b, f_is3(w), w >> 31, !((w >> 30) & 1)); }
/* register forms: rd = (rd op rs1) >> rs2[4:0]; funct7 bit 0 = unsigned, bit 1 = rounding */
static uint32_t x_addnr(uint32_t w, uint32_t a, uint32_t b, uint32_t d) { return norm(d + a, b & 31, (w >> 26) & 1, !((w >> 25) & 1)); }
static uint32_t x_subnr(uint32_t w, uint32_t a, uint32_t b, uint32_t d) { return norm(d - a, b & 31, (w >> 26) & 1, !((w >> 25) & 1)); }

/* ---- XCVmac --------------------------------------------------------------------------- */

static uint32_t x_mac(uint32_t w, uint32_t a, uint32_t b, uint32_t d) { (void)w; return d + a * b; }
static uint32_t x_msu(uint32_t w, uint32_t a, uint32_t b, uint32_t d) { (void)w; return d - a * b; }

/* 16x16 multiply (+ rd for the mac forms) (+ 2^(Is3-1) when rounding), kept to 32 bits,
 * shifted right by Is3. funct3 bit 0 = unsigned, bit 1 = accumulate; bit 30 = high
 * halves, bit 31 = rounding. */
static uint32_t x_mul16(uint32_t w, uint32_t a, uint32_t b, uint32_t d)
{
    bool is_unsigned = f_funct3(w) & 1, acc = f_funct3(w) & 2, hh = (w >> 30) & 1;
    uint32_t ha = hh ? a >> 16 : a & 0xffff, hb = hh ? b >> 16 : b & 0xffff;
    uint32_t p = is_unsigned ? ha * hb : (uint32_t)((int32_t)sext(ha, 16) * (int32_t)sext(hb, 16));
    return norm(p + (acc ? d : 0), f_is3(w), w >> 31, !is_unsigned);
}

/* ---- XCVsimd: lane-wise operations ---------------------------------------------------- */

enum simd_op {
    S_ADD, S_SUB, S_AVG, S_AVGU, S_MIN, S_MINU, S_MAX, S_MAXU, S_SRL, S_SRA, S_SLL,
    S_OR, S_XOR, S_AND, S_ABS,
    S_EQ, S_NE, S_GT, S_GE, S_LT, S_LE, S_GTU, S_GEU, S_LTU, S_LEU,
};

/* the .sci immediate is zero-extended for the unsigned operations and the shifts */
static bool simd_imm_unsigned(enum simd_op op)
{
    return op == S_AVGU || op == S_MINU || op == S_MAXU || op == S_SRL || op == S_SRA || op == S_SLL ||
           op == S_GTU || op == S_GEU || op == S_LTU || op == S_LEU;
}

/* One lane: a, b are the lane's bits (width bits), result likewise. */
static uint32_t simd_lane(enum simd_op op, uint32_t a, uint32_t b, unsigned width)
{
    uint32_t m = (1u << width) - 1;
    int32_t sa = isa_sext(a, width), sb = isa_sext(b, width);
    switch (op) {
    case S_ADD: return a + b;
    case S_SUB: return a - b;
    /* the sum is cut to the lane width before the shift: the carry is lost */
    case S_AVG: return (uint32_t)(isa_sext((a + b) & m, width) >> 1);
    case S_AVGU: return ((a + b) & m) >> 1;
    case S_MIN: return sa < sb ? a : b;
    case S_MINU: return a < b ? a : b;
    case S_MAX: return sa < sb ? b : a;
    case S_MAXU: return a < b ? b : a;
    /* shift amounts use only log2(width) bits */
    case S_SRL: return a >> (b & (width - 1));
    case S_SRA: return (uint32_t)(sa >> (b & (width - 1)));
    case S_SLL: return a << (b & (width - 1));
    case S_OR: return a | b;
    case S_XOR: return a ^ b;
    case S_AND: return a & b;
    case S_ABS: return sa < 0 ? 0u - a : a;
    case S_EQ: return a == b ? m : 0;
    case S_NE: return a != b ? m : 0;
    case S_GT: return sa > sb ? m : 0;
    case S_GE: return sa >= sb ? m : 0;
    case S_LT: return sa < sb ? m : 0;
    case S_LE: return sa <= sb ? m : 0;
    case S_GTU: return a > b ? m : 0;
    case S_GEU: return a >= b ? m : 0;
    case S_LTU: return a < b ? m : 0;
    case S_LEU: return a <= b ? m : 0;
    }
    return 0;
}

/* Second operand of a SIMD form as a full vector, from funct3: bit 0 = bytes (.b), bits
 * 2:1 = 00 vector, 10 scalar rs2[lane 0] (.sc), 11 immediate (.sci), replicated. */
static uint32_t simd_op2(uint32_t w, uint32_t rs2, bool imm_unsigned)
{
    unsigned width = (f_funct3(w) & 1) ? 8 : 16;
    uint32_t lane;
    switch (f_funct3(w) >> 1) {
    case 2: lane = rs2; break;
    case 3: lane = imm_unsigned ? f_imm6(w) : sext(f_imm6(w), 6); break;
    default: return rs2;
    }
    lane &= (1u << width) - 1;
    return width == 8 ? lane * 0x01010101u : lane * 0x00010001u;
}

static uint32_t simd(enum simd_op op, uint32_t w, uint32_t rs1, uint32_t rs2)
{
    unsigned width = (f_funct3(w) & 1) ? 8 : 16;
    uint32_t b = simd_op2(w, rs2, simd_imm_unsigned(op)), m = (1u << width) - 1, r = 0;
    for (unsigned sh = 0; sh < 32; sh += width)
        r |= (simd_lane(op, (rs1 >> sh) & m, (b >> sh) & m, width) & m) << sh;
    return r;
}

#define SIMD_FN(fn, op) \
    static uint32_t fn(uint32_t w, uint32_t a, uint32_t b, uint32_t d) { (void)d; return simd(op, w, a, b); }
SIMD_FN(x_add_v, S_ADD) SIMD_FN(x_sub_v, S_SUB) SIMD_FN(x_avg_v, S_AVG) SIMD_FN(x_avgu_v, S_AVGU)
SIMD_FN(x_min_v, S_MIN) SIMD_FN(x_minu_v, S_MINU) SIMD_FN(x_max_v, S_MAX) SIMD_FN(x_maxu_v, S_MAXU)
SIMD_FN(x_srl_v, S_SRL) SIMD_FN(x_sra_v, S_SRA) SIMD_FN(x_sll_v, S_SLL) SIMD_FN(x_or_v, S_OR)
SIMD_FN(x_xor_v, S_XOR) SIMD_FN(x_and_v, S_AND) SIMD_FN(x_abs_v, S_ABS)
SIMD_FN(x_cmpeq, S_EQ) SIMD_FN(x_cmpne, S_NE) SIMD_FN(x_cmpgt, S_GT) SIMD_FN(x_cmpge, S_GE)
SIMD_FN(x_cmplt, S_LT) SIMD_FN(x_cmple, S_LE) SIMD_FN(x_cmpgtu, S_GTU) SIMD_FN(x_cmpgeu, S_GEU)
SIMD_FN(x_cmpltu, S_LTU) SIMD_FN(x_cmpleu, S_LEU)

/* Dot products: sum over lanes of rs1[i] * op2[i] (+ rd for sdot), kept to 32 bits.
 * funct5 0x10..0x12 = dotup, dotusp, dotsp; 0x13..0x15 = sdotup, sdotusp, sdotsp
 * (up: unsigned x unsigned, usp: unsigned rs1 x signed op2, sp: signed x signed). */
/* 4 x 8-bit lanes with the signedness fixed at compile time: the kernels' hot case */
static inline uint32_t dot4(uint32_t a, uint32_t b, bool sa, bool sb)
{
    uint32_t sum = 0;
    for (unsigned sh = 0; sh < 32; sh += 8) {
        int32_t x = sa ? (int8_t)(a >> sh) : (int32_t)(uint8_t)(a >> sh);
        int32_t y = sb ? (int8_t)(b >> sh) : (int32_t)(uint8_t)(b >> sh);
        sum += (uint32_t)(x * y);
    }
    return sum;
}

static uint32_t x_dot(uint32_t w, uint32_t rs1, uint32_t rs2, uint32_t rd)
{
    unsigned f5 = w >> 27, kind = f5 < 0x13 ? f5 - 0x10 : f5 - 0x13;
    bool acc = f5 >= 0x13, sa = kind == 2, sb = kind != 0;
    unsigned width = (f_funct3(w) & 1) ? 8 : 16;
    uint32_t b = simd_op2(w, rs2, !sb), m = (1u << width) - 1, sum = acc ? rd : 0;
    if (width == 8)
        return sum + (kind == 2 ? dot4(rs1, b, true, true) : kind == 1 ? dot4(rs1, b, false, true)
                                                                      : dot4(rs1, b, false, false));
    for (unsigned sh = 0; sh < 32; sh += width) {
        uint32_t x = (rs1 >> sh) & m, y = (b >> sh) & m;
        int64_t xv = sa ? isa_sext(x, width) : (int64_t)x, yv = sb ? isa_sext(y, width) : (int64_t)y;
        sum += (uint32_t)(xv * yv);
    }
    return sum;
}

/* ---- XCVsimd: extract, insert, shuffle, pack ------------------------------------------ */

static inline uint32_t half(uint32_t v, unsigned i) { return (v >> (16 * i)) & 0xffff; }
static inline uint32_t byte(uint32_t v, unsigned i) { return (v >> (8 * i)) & 0xff; }

/* funct3: 000/001 extract .h/.b, 010/011 extractu, 100/101 insert; the lane index is
 * Imm6[0] (.h) or Imm6[1:0] (.b) */
static uint32_t x_extins(uint32_t w, uint32_t rs1, uint32_t rs2, uint32_t rd)
{
    bool is_b = f_funct3(w) & 1;
    unsigned width = is_b ? 8 : 16, i = f_imm6(w) & (is_b ? 3 : 1), sh = width * i;
    uint32_t m = (1u << width) - 1;
    (void)rs2;
    switch (f_funct3(w) >> 1) {
    case 0: return sext((rs1 >> sh) & m, width);
    case 1: return (rs1 >> sh) & m;
    default: return (rd & ~(m << sh)) | ((rs1 & m) << sh);
    }
}

static uint32_t x_shuffle_h(uint32_t w, uint32_t a, uint32_t b, uint32_t d)
{
    (void)w; (void)d;
    return half(a, (b >> 16) & 1) << 16 | half(a, b & 1);
}

static uint32_t x_shuffle_b(uint32_t w, uint32_t a, uint32_t b, uint32_t d)
{
    uint32_t r = 0;
    (void)w; (void)d;
    for (unsigned i = 0; i < 4; i++) r |= byte(a, byte(b, i) & 3) << (8 * i);
    return r;
}

static uint32_t x_shuffle_sci_h(uint32_t w, uint32_t a, uint32_t b, uint32_t d)
{
    (void)b; (void)d;
    return half(a, (f_imm6(w) >> 1) & 1) << 16 | half(a, f_imm6(w) & 1);
}

/* cv.shufflei<k>.sci.b: byte 3 = rs1 byte k (k = funct5[1:0]), bytes 2..0 picked by Imm6 */
static uint32_t x_shufflei_b(uint32_t w, uint32_t a, uint32_t b, uint32_t d)
{
    uint32_t imm = f_imm6(w), r = byte(a, (w >> 27) & 3) << 24;
    (void)b; (void)d;
    for (unsigned i = 0; i < 3; i++) r |= byte(a, (imm >> (2 * i)) & 3) << (8 * i);
    return r;
}

/* each lane from rs1 or rd (rs2 bit above the index), index from rs2 */
static uint32_t x_shuffle2_h(uint32_t w, uint32_t a, uint32_t b, uint32_t d)
{
    uint32_t r = 0;
    (void)w;
    for (unsigned i = 0; i < 2; i++) {
        uint32_t sel = half(b, i);
        r |= half((sel & 2) ? a : d, sel & 1) << (16 * i);
    }
    return r;
}

static uint32_t x_shuffle2_b(uint32_t w, uint32_t a, uint32_t b, uint32_t d)
{
    uint32_t r = 0;
    (void)w;
    for (unsigned i = 0; i < 4; i++) {
        uint32_t sel = byte(b, i);
        r |= byte((sel & 4) ? a : d, sel & 3) << (8 * i);
    }
    return r;
}

static uint32_t x_pack(uint32_t w, uint32_t a, uint32_t b, uint32_t d) { (void)w; (void)d; return a << 16 | (b & 0xffff); }
static uint32_t x_pack_h(uint32_t w, uint32_t a, uint32_t b, uint32_t d) { (void)w; (void)d; return (a & 0xffff0000u) | b >> 16; }
static uint32_t x_packhi_b(uint32_t w, uint32_t a, uint32_t b, uint32_t d) { (void)w; return (a & 0xff) << 24 | (b & 0xff) << 16 | (d & 0xffff); }
static uint32_t x_packlo_b(uint32_t w, uint32_t a, uint32_t b, uint32_t d) { (void)w; return (d & 0xffff0000u) | (a & 0xff) << 8 | (b & 0xff); }

/* ---- XCVsimd: complex numbers (half 0 = real, half 1 = imaginary) --------------------- */

/* division shift of the .div2/.div4/.div8 forms: funct3 = 000/010/100/110 -> 0..3 */
static inline unsigned cplx_div(uint32_t w) { return f_funct3(w) >> 1; }

/* cv.cplxmul.r: rd[15:0] = (a0*b0 - a1*b1) >> (15 + div), rd[31:16] kept;
 * cv.cplxmul.i (bit 25): rd[31:16] = (a0*b1 + a1*b0) >> (15 + div), rd[15:0] kept.
 * The sum is kept to 32 bits and shifted arithmetically. */
static uint32_t x_cplxmul(uint32_t w, uint32_t a, uint32_t b, uint32_t d)
{
    int32_t a0 = isa_sext(a, 16), a1 = isa_sext(a >> 16, 16), b0 = isa_sext(b, 16), b1 = isa_sext(b >> 16, 16);
    bool imag = (w >> 25) & 1;
    uint32_t sum = imag ? (uint32_t)(a0 * b1) + (uint32_t)(a1 * b0) : (uint32_t)(a0 * b0) - (uint32_t)(a1 * b1);
    uint32_t r = sra32(sum, 15 + cplx_div(w)) & 0xffff;
    return imag ? r << 16 | (d & 0xffff) : (d & 0xffff0000u) | r;
}

static uint32_t x_cplxconj(uint32_t w, uint32_t a, uint32_t b, uint32_t d)
{
    (void)w; (void)b; (void)d;
    return ((0u - (a >> 16)) & 0xffff) << 16 | (a & 0xffff);
}

/* lane-wise 16-bit result cut to 16 bits, then shifted arithmetically by div */
static inline uint32_t cplx_lane(uint32_t v, unsigned div) { return (uint32_t)(isa_sext(v & 0xffff, 16) >> div) & 0xffff; }

/* cv.subrotmj: (a - b) * -j: rd[31:16] = b0 - a0, rd[15:0] = a1 - b1 */
static uint32_t x_subrotmj(uint32_t w, uint32_t a, uint32_t b, uint32_t d)
{
    unsigned s = cplx_div(w);
    (void)d;
    return cplx_lane(half(b, 0) - half(a, 0), s) << 16 | cplx_lane(half(a, 1) - half(b, 1), s);
}

static uint32_t x_add_div(uint32_t w, uint32_t a, uint32_t b, uint32_t d)
{
    unsigned s = cplx_div(w);
    (void)d;
    return cplx_lane(half(a, 1) + half(b, 1), s) << 16 | cplx_lane(half(a, 0) + half(b, 0), s);
}

static uint32_t x_sub_div(uint32_t w, uint32_t a, uint32_t b, uint32_t d)
{
    unsigned s = cplx_div(w);
    (void)d;
    return cplx_lane(half(a, 1) - half(b, 1), s) << 16 | cplx_lane(half(a, 0) - half(b, 0), s);
}

/* ---- the table ------------------------------------------------------------------------ */

/* masks: opcode, funct3 and the funct bits above the register/immediate fields */
#define M_R    0xfe00707fu     /* funct7 rs2 rs1 funct3 rd opcode */
#define M_R1   0xfff0707fu     /* rs2 field fixed to 0 (unary) */
#define M_F2   0xc000707fu     /* f2 Is3 rs2/Is2 rs1 funct3 rd opcode */
#define M_SCI  0xfc00707fu     /* funct5 F Imm6 rs1 funct3 rd opcode */

#define OP_BITMANIP 0x5bu      /* custom-2, also the mul/mac and normalising forms */
#define OP_ALU      0x2bu      /* custom-1 funct3 011 */
#define OP_SIMD     0x7bu      /* custom-3 */

#define FORM(name, mask, match, ext, fmt, fn) \
    { name, mask, match, 4, ext, IC_ALU, EXEC_HOOK, &fmt, fn }
#define F2(f2, f3) ((uint32_t)(f2) << 30 | (uint32_t)(f3) << 12 | OP_BITMANIP)
#define F7(f7) ((uint32_t)(f7) << 25 | 3u << 12 | OP_ALU)
#define FS(f5, F, b25, f3) ((uint32_t)(f5) << 27 | (uint32_t)(F) << 26 | (uint32_t)(b25) << 25 | (uint32_t)(f3) << 12 | OP_SIMD)

/* the six SIMD variants .h .sc.h .sci.h .b .sc.b .sci.b of one operation */
#define SIMD6(op, f5, F, fn, fs, fs_i)                                              \
    FORM("cv." op ".h",      M_R,   FS(f5, F, 0, 0), EXT_XCVSIMD, fs,   fn),       \
    FORM("cv." op ".sc.h",   M_R,   FS(f5, F, 0, 4), EXT_XCVSIMD, fs,   fn),       \
    FORM("cv." op ".sci.h",  M_SCI, FS(f5, F, 0, 6), EXT_XCVSIMD, fs_i, fn),       \
    FORM("cv." op ".b",      M_R,   FS(f5, F, 0, 1), EXT_XCVSIMD, fs,   fn),       \
    FORM("cv." op ".sc.b",   M_R,   FS(f5, F, 0, 5), EXT_XCVSIMD, fs,   fn),       \
    FORM("cv." op ".sci.b",  M_SCI, FS(f5, F, 0, 7), EXT_XCVSIMD, fs_i, fn)

/* cv.mulun & co. with Is3 = 0 are the distinct mnemonics cv.mulu & co. (as LLVM decodes
 * them), so the Is3 != 0 forms are split by their highest set Is3 bit to keep every word
 * matching exactly one form. */
#define IS3_FROM(bit) (((1u << 30) - (1u << (bit))))
#define MULN(name, match)                                                                            \
    FORM(name, M_F2 | IS3_FROM(29), (match) | 1u << 29, EXT_XCVMAC, fmt_rrri, x_mul16),                \
    FORM(name, M_F2 | IS3_FROM(28), (match) | 1u << 28, EXT_XCVMAC, fmt_rrri, x_mul16),                \
    FORM(name, M_F2 | IS3_FROM(27), (match) | 1u << 27, EXT_XCVMAC, fmt_rrri, x_mul16),                \
    FORM(name, M_F2 | IS3_FROM(26), (match) | 1u << 26, EXT_XCVMAC, fmt_rrri, x_mul16),                \
    FORM(name, M_F2 | IS3_FROM(25), (match) | 1u << 25, EXT_XCVMAC, fmt_rrri, x_mul16)

static const isa_form_t forms[] = {
    /* XCVbitmanip */
    FORM("cv.extract",   M_F2, F2(0, 0), EXT_XCVBITMANIP, fmt_rii,     x_extract),
    FORM("cv.extractu",  M_F2, F2(1, 0), EXT_XCVBITMANIP, fmt_rii,     x_extractu),
    FORM("cv.insert",    M_F2, F2(2, 0), EXT_XCVBITMANIP, fmt_rii_acc, x_insert),
    FORM("cv.bclr",      M_F2, F2(0, 1), EXT_XCVBITMANIP, fmt_rii,     x_bclr),
    FORM("cv.bset",      M_F2, F2(1, 1), EXT_XCVBITMANIP, fmt_rii,     x_bset),
    FORM("cv.bitrev",    M_F2, F2(3, 1), EXT_XCVBITMANIP, fmt_rii,     x_bitrev),
    FORM("cv.extractr",  M_R,  F7(0x18), EXT_XCVBITMANIP, fmt_rrr,     x_extractr),
    FORM("cv.extractur", M_R,  F7(0x19), EXT_XCVBITMANIP, fmt_rrr,     x_extractur),
    FORM("cv.insertr",   M_R,  F7(0x1a), EXT_XCVBITMANIP, fmt_rrr_acc, x_insertr),
    FORM("cv.bclrr",     M_R,  F7(0x1c), EXT_XCVBITMANIP, fmt_rrr,     x_bclrr),
    FORM("cv.bsetr",     M_R,  F7(0x1d), EXT_XCVBITMANIP, fmt_rrr,     x_bsetr),
    FORM("cv.ror",       M_R,  F7(0x20), EXT_XCVBITMANIP, fmt_rrr,     x_ror),
    FORM("cv.ff1",       M_R1, F7(0x21), EXT_XCVBITMANIP, fmt_rr,      x_ff1),
    FORM("cv.fl1",       M_R1, F7(0x22), EXT_XCVBITMANIP, fmt_rr,      x_fl1),
    FORM("cv.clb",       M_R1, F7(0x23), EXT_XCVBITMANIP, fmt_rr,      x_clb),
    FORM("cv.cnt",       M_R1, F7(0x24), EXT_XCVBITMANIP, fmt_rr,      x_cnt),

    /* XCValu */
    FORM("cv.abs",       M_R1, F7(0x28), EXT_XCVALU, fmt_rr,       x_abs),
    FORM("cv.sle",       M_R,  F7(0x29), EXT_XCVALU, fmt_rrr,      x_sle),
    FORM("cv.sleu",      M_R,  F7(0x2a), EXT_XCVALU, fmt_rrr,      x_sleu),
    FORM("cv.min",       M_R,  F7(0x2b), EXT_XCVALU, fmt_rrr,      x_min),
    FORM("cv.minu",      M_R,  F7(0x2c), EXT_XCVALU, fmt_rrr,      x_minu),
    FORM("cv.max",       M_R,  F7(0x2d), EXT_XCVALU, fmt_rrr,      x_max),
    FORM("cv.maxu",      M_R,  F7(0x2e), EXT_XCVALU, fmt_rrr,      x_maxu),
    FORM("cv.exths",     M_R1, F7(0x30), EXT_XCVALU, fmt_rr,       x_exths),
    FORM("cv.exthz",     M_R1, F7(0x31), EXT_XCVALU, fmt_rr,       x_exthz),
    FORM("cv.extbs",     M_R1, F7(0x32), EXT_XCVALU, fmt_rr,       x_extbs),
    FORM("cv.extbz",     M_R1, F7(0x33), EXT_XCVALU, fmt_rr,       x_extbz),
    FORM("cv.clip",      M_R,  F7(0x38), EXT_XCVALU, fmt_clip,     x_clip),
    FORM("cv.clipu",     M_R,  F7(0x39), EXT_XCVALU, fmt_clip,     x_clipu),
    FORM("cv.clipr",     M_R,  F7(0x3a), EXT_XCVALU, fmt_rrr,      x_clipr),
    FORM("cv.clipur",    M_R,  F7(0x3b), EXT_XCVALU, fmt_rrr,      x_clipur),
    FORM("cv.addn",      M_F2, F2(0, 2), EXT_XCVALU, fmt_rrri,     x_addn),
    FORM("cv.addun",     M_F2, F2(1, 2), EXT_XCVALU, fmt_rrri,     x_addn),
    FORM("cv.addrn",     M_F2, F2(2, 2), EXT_XCVALU, fmt_rrri,     x_addn),
    FORM("cv.addurn",    M_F2, F2(3, 2), EXT_XCVALU, fmt_rrri,     x_addn),
    FORM("cv.subn",      M_F2, F2(0, 3), EXT_XCVALU, fmt_rrri,     x_subn),
    FORM("cv.subun",     M_F2, F2(1, 3), EXT_XCVALU, fmt_rrri,     x_subn),
    FORM("cv.subrn",     M_F2, F2(2, 3), EXT_XCVALU, fmt_rrri,     x_subn),
    FORM("cv.suburn",    M_F2, F2(3, 3), EXT_XCVALU, fmt_rrri,     x_subn),
    FORM("cv.addnr",     M_R,  F7(0x40), EXT_XCVALU, fmt_rrr_acc,  x_addnr),
    FORM("cv.addunr",    M_R,  F7(0x41), EXT_XCVALU, fmt_rrr_acc,  x_addnr),
    FORM("cv.addrnr",    M_R,  F7(0x42), EXT_XCVALU, fmt_rrr_acc,  x_addnr),
    FORM("cv.addurnr",   M_R,  F7(0x43), EXT_XCVALU, fmt_rrr_acc,  x_addnr),
    FORM("cv.subnr",     M_R,  F7(0x44), EXT_XCVALU, fmt_rrr_acc,  x_subnr),
    FORM("cv.subunr",    M_R,  F7(0x45), EXT_XCVALU, fmt_rrr_acc,  x_subnr),
    FORM("cv.subrnr",    M_R,  F7(0x46), EXT_XCVALU, fmt_rrr_acc,  x_subnr),
    FORM("cv.suburnr",   M_R,  F7(0x47), EXT_XCVALU, fmt_rrr_acc,  x_subnr),

    /* XCVmac */
    FORM("cv.mac",       M_R,  F7(0x48), EXT_XCVMAC, fmt_rrr_acc,  x_mac),
    FORM("cv.msu",       M_R,  F7(0x49), EXT_XCVMAC, fmt_rrr_acc,  x_msu),
    FORM("cv.muls",      M_R,  F2(0, 4), EXT_XCVMAC, fmt_rrr,      x_mul16),
    FORM("cv.mulhhs",    M_R,  F2(1, 4), EXT_XCVMAC, fmt_rrr,      x_mul16),
    FORM("cv.mulu",      M_R,  F2(0, 5), EXT_XCVMAC, fmt_rrr,      x_mul16),
    FORM("cv.mulhhu",    M_R,  F2(1, 5), EXT_XCVMAC, fmt_rrr,      x_mul16),
    MULN("cv.mulsn",     F2(0, 4)),
    MULN("cv.mulhhsn",   F2(1, 4)),
    MULN("cv.mulun",     F2(0, 5)),
    MULN("cv.mulhhun",   F2(1, 5)),
    FORM("cv.mulsrn",    M_F2, F2(2, 4), EXT_XCVMAC, fmt_rrri,     x_mul16),
    FORM("cv.mulhhsrn",  M_F2, F2(3, 4), EXT_XCVMAC, fmt_rrri,     x_mul16),
    FORM("cv.mulurn",    M_F2, F2(2, 5), EXT_XCVMAC, fmt_rrri,     x_mul16),
    FORM("cv.mulhhurn",  M_F2, F2(3, 5), EXT_XCVMAC, fmt_rrri,     x_mul16),
    FORM("cv.macsn",     M_F2, F2(0, 6), EXT_XCVMAC, fmt_rrri_acc, x_mul16),
    FORM("cv.machhsn",   M_F2, F2(1, 6), EXT_XCVMAC, fmt_rrri_acc, x_mul16),
    FORM("cv.macsrn",    M_F2, F2(2, 6), EXT_XCVMAC, fmt_rrri_acc, x_mul16),
    FORM("cv.machhsrn",  M_F2, F2(3, 6), EXT_XCVMAC, fmt_rrri_acc, x_mul16),
    FORM("cv.macun",     M_F2, F2(0, 7), EXT_XCVMAC, fmt_rrri_acc, x_mul16),
    FORM("cv.machhun",   M_F2, F2(1, 7), EXT_XCVMAC, fmt_rrri_acc, x_mul16),
    FORM("cv.macurn",    M_F2, F2(2, 7), EXT_XCVMAC, fmt_rrri_acc, x_mul16),
    FORM("cv.machhurn",  M_F2, F2(3, 7), EXT_XCVMAC, fmt_rrri_acc, x_mul16),

    /* XCVsimd: ALU */
    SIMD6("add",  0x00, 0, x_add_v,  fmt_rrr, fmt_si6),
    SIMD6("sub",  0x01, 0, x_sub_v,  fmt_rrr, fmt_si6),
    SIMD6("avg",  0x02, 0, x_avg_v,  fmt_rrr, fmt_si6),
    SIMD6("avgu", 0x03, 0, x_avgu_v, fmt_rrr, fmt_ui6),
    SIMD6("min",  0x04, 0, x_min_v,  fmt_rrr, fmt_si6),
    SIMD6("minu", 0x05, 0, x_minu_v, fmt_rrr, fmt_ui6),
    SIMD6("max",  0x06, 0, x_max_v,  fmt_rrr, fmt_si6),
    SIMD6("maxu", 0x07, 0, x_maxu_v, fmt_rrr, fmt_ui6),
    SIMD6("srl",  0x08, 0, x_srl_v,  fmt_rrr, fmt_ui6),
    SIMD6("sra",  0x09, 0, x_sra_v,  fmt_rrr, fmt_ui6),
    SIMD6("sll",  0x0a, 0, x_sll_v,  fmt_rrr, fmt_ui6),
    SIMD6("or",   0x0b, 0, x_or_v,   fmt_rrr, fmt_si6),
    SIMD6("xor",  0x0c, 0, x_xor_v,  fmt_rrr, fmt_si6),
    SIMD6("and",  0x0d, 0, x_and_v,  fmt_rrr, fmt_si6),
    FORM("cv.abs.h", M_R1, FS(0x0e, 0, 0, 0), EXT_XCVSIMD, fmt_rr, x_abs_v),
    FORM("cv.abs.b", M_R1, FS(0x0e, 0, 0, 1), EXT_XCVSIMD, fmt_rr, x_abs_v),

    /* XCVsimd: comparisons */
    SIMD6("cmpeq",  0x00, 1, x_cmpeq,  fmt_rrr, fmt_si6),
    SIMD6("cmpne",  0x01, 1, x_cmpne,  fmt_rrr, fmt_si6),
    SIMD6("cmpgt",  0x02, 1, x_cmpgt,  fmt_rrr, fmt_si6),
    SIMD6("cmpge",  0x03, 1, x_cmpge,  fmt_rrr, fmt_si6),
    SIMD6("cmplt",  0x04, 1, x_cmplt,  fmt_rrr, fmt_si6),
    SIMD6("cmple",  0x05, 1, x_cmple,  fmt_rrr, fmt_si6),
    SIMD6("cmpgtu", 0x06, 1, x_cmpgtu, fmt_rrr, fmt_ui6),
    SIMD6("cmpgeu", 0x07, 1, x_cmpgeu, fmt_rrr, fmt_ui6),
    SIMD6("cmpltu", 0x08, 1, x_cmpltu, fmt_rrr, fmt_ui6),
    SIMD6("cmpleu", 0x09, 1, x_cmpleu, fmt_rrr, fmt_ui6),

    /* XCVsimd: dot products */
    SIMD6("dotup",   0x10, 0, x_dot, fmt_rrr,     fmt_ui6),
    SIMD6("dotusp",  0x11, 0, x_dot, fmt_rrr,     fmt_si6),
    SIMD6("dotsp",   0x12, 0, x_dot, fmt_rrr,     fmt_si6),
    SIMD6("sdotup",  0x13, 0, x_dot, fmt_rrr_acc, fmt_ui6_acc),
    SIMD6("sdotusp", 0x14, 0, x_dot, fmt_rrr_acc, fmt_si6_acc),
    SIMD6("sdotsp",  0x15, 0, x_dot, fmt_rrr_acc, fmt_si6_acc),

    /* XCVsimd: extract, insert, shuffle, pack */
    FORM("cv.extract.h",       M_SCI, FS(0x17, 0, 0, 0), EXT_XCVSIMD, fmt_ui6,     x_extins),
    FORM("cv.extract.b",       M_SCI, FS(0x17, 0, 0, 1), EXT_XCVSIMD, fmt_ui6,     x_extins),
    FORM("cv.extractu.h",      M_SCI, FS(0x17, 0, 0, 2), EXT_XCVSIMD, fmt_ui6,     x_extins),
    FORM("cv.extractu.b",      M_SCI, FS(0x17, 0, 0, 3), EXT_XCVSIMD, fmt_ui6,     x_extins),
    FORM("cv.insert.h",        M_SCI, FS(0x17, 0, 0, 4), EXT_XCVSIMD, fmt_ui6_acc, x_extins),
    FORM("cv.insert.b",        M_SCI, FS(0x17, 0, 0, 5), EXT_XCVSIMD, fmt_ui6_acc, x_extins),
    FORM("cv.shuffle.h",       M_R,   FS(0x18, 0, 0, 0), EXT_XCVSIMD, fmt_rrr,     x_shuffle_h),
    FORM("cv.shuffle.sci.h",   M_SCI, FS(0x18, 0, 0, 6), EXT_XCVSIMD, fmt_ui6,     x_shuffle_sci_h),
    FORM("cv.shuffle.b",       M_R,   FS(0x18, 0, 0, 1), EXT_XCVSIMD, fmt_rrr,     x_shuffle_b),
    FORM("cv.shufflei0.sci.b", M_SCI, FS(0x18, 0, 0, 7), EXT_XCVSIMD, fmt_ui6,     x_shufflei_b),
    FORM("cv.shufflei1.sci.b", M_SCI, FS(0x19, 0, 0, 7), EXT_XCVSIMD, fmt_ui6,     x_shufflei_b),
    FORM("cv.shufflei2.sci.b", M_SCI, FS(0x1a, 0, 0, 7), EXT_XCVSIMD, fmt_ui6,     x_shufflei_b),
    FORM("cv.shufflei3.sci.b", M_SCI, FS(0x1b, 0, 0, 7), EXT_XCVSIMD, fmt_ui6,     x_shufflei_b),
    FORM("cv.shuffle2.h",      M_R,   FS(0x1c, 0, 0, 0), EXT_XCVSIMD, fmt_rrr_acc, x_shuffle2_h),
    FORM("cv.shuffle2.b",      M_R,   FS(0x1c, 0, 0, 1), EXT_XCVSIMD, fmt_rrr_acc, x_shuffle2_b),
    FORM("cv.pack",            M_R,   FS(0x1e, 0, 0, 0), EXT_XCVSIMD, fmt_rrr,     x_pack),
    FORM("cv.pack.h",          M_R,   FS(0x1e, 0, 1, 0), EXT_XCVSIMD, fmt_rrr,     x_pack_h),
    FORM("cv.packhi.b",        M_R,   FS(0x1f, 0, 1, 1), EXT_XCVSIMD, fmt_rrr_acc, x_packhi_b),
    FORM("cv.packlo.b",        M_R,   FS(0x1f, 0, 0, 1), EXT_XCVSIMD, fmt_rrr_acc, x_packlo_b),

    /* XCVsimd: complex numbers */
    FORM("cv.cplxmul.r",       M_R,  FS(0x0a, 1, 0, 0), EXT_XCVSIMD, fmt_rrr_acc, x_cplxmul),
    FORM("cv.cplxmul.r.div2",  M_R,  FS(0x0a, 1, 0, 2), EXT_XCVSIMD, fmt_rrr_acc, x_cplxmul),
    FORM("cv.cplxmul.r.div4",  M_R,  FS(0x0a, 1, 0, 4), EXT_XCVSIMD, fmt_rrr_acc, x_cplxmul),
    FORM("cv.cplxmul.r.div8",  M_R,  FS(0x0a, 1, 0, 6), EXT_XCVSIMD, fmt_rrr_acc, x_cplxmul),
    FORM("cv.cplxmul.i",       M_R,  FS(0x0a, 1, 1, 0), EXT_XCVSIMD, fmt_rrr_acc, x_cplxmul),
    FORM("cv.cplxmul.i.div2",  M_R,  FS(0x0a, 1, 1, 2), EXT_XCVSIMD, fmt_rrr_acc, x_cplxmul),
    FORM("cv.cplxmul.i.div4",  M_R,  FS(0x0a, 1, 1, 4), EXT_XCVSIMD, fmt_rrr_acc, x_cplxmul),
    FORM("cv.cplxmul.i.div8",  M_R,  FS(0x0a, 1, 1, 6), EXT_XCVSIMD, fmt_rrr_acc, x_cplxmul),
    FORM("cv.cplxconj",        M_R1, FS(0x0b, 1, 0, 0), EXT_XCVSIMD, fmt_rr,      x_cplxconj),
    FORM("cv.subrotmj",        M_R,  FS(0x0c, 1, 0, 0), EXT_XCVSIMD, fmt_rrr,     x_subrotmj),
    FORM("cv.subrotmj.div2",   M_R,  FS(0x0c, 1, 0, 2), EXT_XCVSIMD, fmt_rrr,     x_subrotmj),
    FORM("cv.subrotmj.div4",   M_R,  FS(0x0c, 1, 0, 4), EXT_XCVSIMD, fmt_rrr,     x_subrotmj),
    FORM("cv.subrotmj.div8",   M_R,  FS(0x0c, 1, 0, 6), EXT_XCVSIMD, fmt_rrr,     x_subrotmj),
    FORM("cv.add.div2",        M_R,  FS(0x0d, 1, 0, 2), EXT_XCVSIMD, fmt_rrr,     x_add_div),
    FORM("cv.add.div4",        M_R,  FS(0x0d, 1, 0, 4), EXT_XCVSIMD, fmt_rrr,     x_add_div),
    FORM("cv.add.div8",        M_R,  FS(0x0d, 1, 0, 6), EXT_XCVSIMD, fmt_rrr,     x_add_div),
    FORM("cv.sub.div2",        M_R,  FS(0x0e, 1, 0, 2), EXT_XCVSIMD, fmt_rrr,     x_sub_div),
    FORM("cv.sub.div4",        M_R,  FS(0x0e, 1, 0, 4), EXT_XCVSIMD, fmt_rrr,     x_sub_div),
    FORM("cv.sub.div8",        M_R,  FS(0x0e, 1, 0, 6), EXT_XCVSIMD, fmt_rrr,     x_sub_div),
};

const isa_table_t isa_table_xcv_alu = { forms, sizeof forms / sizeof forms[0] };
