/* RV32I, M, C, Zicsr and Zifencei (with the privileged mret/wfi): the base the cores share.
 * Immediates and targets print as llvm-objdump-22 prints them (hex). */
#include <stdio.h>

#include "isa.h"

#define R(x) isa_reg_names[(x) & 31]

static int hex(char *buf, size_t n, int32_t v)
{
    return v < 0 ? snprintf(buf, n, "-0x%x", (unsigned)-(int64_t)v) : snprintf(buf, n, "0x%x", (unsigned)v);
}

static int32_t imm_i(uint32_t w) { return (int32_t)w >> 20; }
static int32_t imm_s(uint32_t w) { return ((int32_t)w >> 25) << 5 | (int32_t)((w >> 7) & 31); }
static int32_t imm_b(uint32_t w)
{
    uint32_t v = ((w >> 31) << 12) | (((w >> 7) & 1) << 11) | (((w >> 25) & 63) << 5) | (((w >> 8) & 15) << 1);
    return isa_sext(v, 13);
}
static int32_t imm_j(uint32_t w)
{
    uint32_t v = ((w >> 31) << 20) | (((w >> 12) & 255) << 12) | (((w >> 20) & 1) << 11) | (((w >> 21) & 1023) << 1);
    return isa_sext(v, 21);
}

/* ---- 32-bit formats ---- */
static int p_rri(char *b, size_t n, uint32_t w, uint32_t pc)
{
    (void)pc;
    int k = snprintf(b, n, "%s, %s, ", R(isa_rd(w)), R(isa_rs1(w)));
    return k + hex(b + k, n - (size_t)k, imm_i(w));
}
static int p_shift(char *b, size_t n, uint32_t w, uint32_t pc)
{
    (void)pc;
    return snprintf(b, n, "%s, %s, 0x%x", R(isa_rd(w)), R(isa_rs1(w)), isa_rs2(w));
}
static int p_load(char *b, size_t n, uint32_t w, uint32_t pc)
{
    (void)pc;
    int k = snprintf(b, n, "%s, ", R(isa_rd(w)));
    k += hex(b + k, n - (size_t)k, imm_i(w));
    return k + snprintf(b + k, n - (size_t)k, "(%s)", R(isa_rs1(w)));
}
static int p_store(char *b, size_t n, uint32_t w, uint32_t pc)
{
    (void)pc;
    int k = snprintf(b, n, "%s, ", R(isa_rs2(w)));
    k += hex(b + k, n - (size_t)k, imm_s(w));
    return k + snprintf(b + k, n - (size_t)k, "(%s)", R(isa_rs1(w)));
}
static int p_branch(char *b, size_t n, uint32_t w, uint32_t pc)
{
    return snprintf(b, n, "%s, %s, 0x%x", R(isa_rs1(w)), R(isa_rs2(w)), pc + (uint32_t)imm_b(w));
}
static int p_u(char *b, size_t n, uint32_t w, uint32_t pc)
{
    (void)pc;
    return snprintf(b, n, "%s, 0x%x", R(isa_rd(w)), w >> 12);
}
static int p_jal(char *b, size_t n, uint32_t w, uint32_t pc)
{
    return snprintf(b, n, "%s, 0x%x", R(isa_rd(w)), pc + (uint32_t)imm_j(w));
}
static int p_csr(char *b, size_t n, uint32_t w, uint32_t pc)
{
    (void)pc;
    return snprintf(b, n, "%s, 0x%x, %s", R(isa_rd(w)), w >> 20, R(isa_rs1(w)));
}
static int p_csri(char *b, size_t n, uint32_t w, uint32_t pc)
{
    (void)pc;
    return snprintf(b, n, "%s, 0x%x, 0x%x", R(isa_rd(w)), w >> 20, isa_rs1(w));
}
static int p_fence(char *b, size_t n, uint32_t w, uint32_t pc)
{
    (void)pc;
    static const char *const set[16] = {"0", "w", "r", "rw", "o", "ow", "or", "orw",
                                        "i", "iw", "ir", "irw", "io", "iow", "ior", "iorw"};
    return snprintf(b, n, "%s, %s", set[(w >> 24) & 15], set[(w >> 20) & 15]);
}

static const isa_format_t F_R = {ISA_F_RS1 | ISA_F_RS2, ISA_F_RD, NULL, isa_print_regs3};
static const isa_format_t F_I = {ISA_F_RS1, ISA_F_RD, NULL, p_rri};
static const isa_format_t F_SH = {ISA_F_RS1, ISA_F_RD, NULL, p_shift};
static const isa_format_t F_LD = {ISA_F_RS1, ISA_F_RD, NULL, p_load};
static const isa_format_t F_ST = {ISA_F_RS1 | ISA_F_RS2, 0, NULL, p_store};
static const isa_format_t F_BR = {ISA_F_RS1 | ISA_F_RS2, 0, NULL, p_branch};
static const isa_format_t F_U = {0, ISA_F_RD, NULL, p_u};
static const isa_format_t F_JAL = {0, ISA_F_RD, NULL, p_jal};
static const isa_format_t F_JALR = {ISA_F_RS1, ISA_F_RD, NULL, p_load};
static const isa_format_t F_CSR = {ISA_F_RS1, ISA_F_RD, NULL, p_csr};
static const isa_format_t F_CSRI = {0, ISA_F_RD, NULL, p_csri};
static const isa_format_t F_FENCE = {0, 0, NULL, p_fence};
static const isa_format_t F_NONE = {0, 0, NULL, NULL};

#define OP(f7, f3, op) (((uint32_t)(f7) << 25) | ((uint32_t)(f3) << 12) | (op))
#define M_R 0xFE00707Fu      /* funct7, funct3, opcode */
#define M_I 0x0000707Fu      /* funct3, opcode */
#define M_OP 0x0000007Fu     /* opcode */

static const isa_form_t rv32i[] = {
    {"lui", M_OP, 0x37, 4, EXT_I, IC_ALU, EXEC_NATIVE, &F_U},
    {"auipc", M_OP, 0x17, 4, EXT_I, IC_ALU, EXEC_NATIVE, &F_U},
    {"jal", M_OP, 0x6F, 4, EXT_I, IC_JAL, EXEC_NATIVE, &F_JAL},
    {"jalr", M_I, 0x0067, 4, EXT_I, IC_JALR, EXEC_NATIVE, &F_JALR},
    {"beq", M_I, 0x0063, 4, EXT_I, IC_BRANCH, EXEC_NATIVE, &F_BR},
    {"bne", M_I, 0x1063, 4, EXT_I, IC_BRANCH, EXEC_NATIVE, &F_BR},
    {"blt", M_I, 0x4063, 4, EXT_I, IC_BRANCH, EXEC_NATIVE, &F_BR},
    {"bge", M_I, 0x5063, 4, EXT_I, IC_BRANCH, EXEC_NATIVE, &F_BR},
    {"bltu", M_I, 0x6063, 4, EXT_I, IC_BRANCH, EXEC_NATIVE, &F_BR},
    {"bgeu", M_I, 0x7063, 4, EXT_I, IC_BRANCH, EXEC_NATIVE, &F_BR},
    {"lb", M_I, 0x0003, 4, EXT_I, IC_LOAD, EXEC_NATIVE, &F_LD},
    {"lh", M_I, 0x1003, 4, EXT_I, IC_LOAD, EXEC_NATIVE, &F_LD},
    {"lw", M_I, 0x2003, 4, EXT_I, IC_LOAD, EXEC_NATIVE, &F_LD},
    {"lbu", M_I, 0x4003, 4, EXT_I, IC_LOAD, EXEC_NATIVE, &F_LD},
    {"lhu", M_I, 0x5003, 4, EXT_I, IC_LOAD, EXEC_NATIVE, &F_LD},
    {"sb", M_I, 0x0023, 4, EXT_I, IC_STORE, EXEC_NATIVE, &F_ST},
    {"sh", M_I, 0x1023, 4, EXT_I, IC_STORE, EXEC_NATIVE, &F_ST},
    {"sw", M_I, 0x2023, 4, EXT_I, IC_STORE, EXEC_NATIVE, &F_ST},
    {"addi", M_I, 0x0013, 4, EXT_I, IC_ALU, EXEC_NATIVE, &F_I},
    {"slti", M_I, 0x2013, 4, EXT_I, IC_ALU, EXEC_NATIVE, &F_I},
    {"sltiu", M_I, 0x3013, 4, EXT_I, IC_ALU, EXEC_NATIVE, &F_I},
    {"xori", M_I, 0x4013, 4, EXT_I, IC_ALU, EXEC_NATIVE, &F_I},
    {"ori", M_I, 0x6013, 4, EXT_I, IC_ALU, EXEC_NATIVE, &F_I},
    {"andi", M_I, 0x7013, 4, EXT_I, IC_ALU, EXEC_NATIVE, &F_I},
    {"slli", M_R, OP(0x00, 1, 0x13), 4, EXT_I, IC_ALU, EXEC_NATIVE, &F_SH},
    {"srli", M_R, OP(0x00, 5, 0x13), 4, EXT_I, IC_ALU, EXEC_NATIVE, &F_SH},
    {"srai", M_R, OP(0x20, 5, 0x13), 4, EXT_I, IC_ALU, EXEC_NATIVE, &F_SH},
    {"add", M_R, OP(0x00, 0, 0x33), 4, EXT_I, IC_ALU, EXEC_NATIVE, &F_R},
    {"sub", M_R, OP(0x20, 0, 0x33), 4, EXT_I, IC_ALU, EXEC_NATIVE, &F_R},
    {"sll", M_R, OP(0x00, 1, 0x33), 4, EXT_I, IC_ALU, EXEC_NATIVE, &F_R},
    {"slt", M_R, OP(0x00, 2, 0x33), 4, EXT_I, IC_ALU, EXEC_NATIVE, &F_R},
    {"sltu", M_R, OP(0x00, 3, 0x33), 4, EXT_I, IC_ALU, EXEC_NATIVE, &F_R},
    {"xor", M_R, OP(0x00, 4, 0x33), 4, EXT_I, IC_ALU, EXEC_NATIVE, &F_R},
    {"srl", M_R, OP(0x00, 5, 0x33), 4, EXT_I, IC_ALU, EXEC_NATIVE, &F_R},
    {"sra", M_R, OP(0x20, 5, 0x33), 4, EXT_I, IC_ALU, EXEC_NATIVE, &F_R},
    {"or", M_R, OP(0x00, 6, 0x33), 4, EXT_I, IC_ALU, EXEC_NATIVE, &F_R},
    {"and", M_R, OP(0x00, 7, 0x33), 4, EXT_I, IC_ALU, EXEC_NATIVE, &F_R},
    {"fence", M_I, 0x000F, 4, EXT_I, IC_FENCE, EXEC_NATIVE, &F_FENCE},
    {"ecall", 0xFFFFFFFFu, 0x00000073, 4, EXT_I, IC_SYSTEM, EXEC_NATIVE, &F_NONE},
    {"ebreak", 0xFFFFFFFFu, 0x00100073, 4, EXT_I, IC_SYSTEM, EXEC_NATIVE, &F_NONE},
    {"mret", 0xFFFFFFFFu, 0x30200073, 4, EXT_I, IC_SYSTEM, EXEC_NATIVE, &F_NONE},
    {"wfi", 0xFFFFFFFFu, 0x10500073, 4, EXT_I, IC_SYSTEM, EXEC_NATIVE, &F_NONE},
};
const isa_table_t isa_table_rv32i = {rv32i, sizeof rv32i / sizeof rv32i[0]};

/* div/rem take 3..35 cycles by operand: they trap and are timed in the trap hook. */
static const isa_form_t rv32m[] = {
    {"mul", M_R, OP(0x01, 0, 0x33), 4, EXT_M, IC_MUL, EXEC_NATIVE, &F_R},
    {"mulh", M_R, OP(0x01, 1, 0x33), 4, EXT_M, IC_MULH, EXEC_NATIVE, &F_R},
    {"mulhsu", M_R, OP(0x01, 2, 0x33), 4, EXT_M, IC_MULH, EXEC_NATIVE, &F_R},
    {"mulhu", M_R, OP(0x01, 3, 0x33), 4, EXT_M, IC_MULH, EXEC_NATIVE, &F_R},
    {"div", M_R, OP(0x01, 4, 0x33), 4, EXT_M, IC_DIV, EXEC_TRAP, &F_R},
    {"divu", M_R, OP(0x01, 5, 0x33), 4, EXT_M, IC_DIV, EXEC_TRAP, &F_R},
    {"rem", M_R, OP(0x01, 6, 0x33), 4, EXT_M, IC_DIV, EXEC_TRAP, &F_R},
    {"remu", M_R, OP(0x01, 7, 0x33), 4, EXT_M, IC_DIV, EXEC_TRAP, &F_R},
};
const isa_table_t isa_table_rv32m = {rv32m, sizeof rv32m / sizeof rv32m[0]};

/* Per-core CSRs (mhartid, counters) are rewritten by CSR number (custom.c), not by form. */
static const isa_form_t zicsr[] = {
    {"csrrw", M_I, 0x1073, 4, EXT_ZICSR, IC_CSR, EXEC_NATIVE, &F_CSR},
    {"csrrs", M_I, 0x2073, 4, EXT_ZICSR, IC_CSR, EXEC_NATIVE, &F_CSR},
    {"csrrc", M_I, 0x3073, 4, EXT_ZICSR, IC_CSR, EXEC_NATIVE, &F_CSR},
    {"csrrwi", M_I, 0x5073, 4, EXT_ZICSR, IC_CSR, EXEC_NATIVE, &F_CSRI},
    {"csrrsi", M_I, 0x6073, 4, EXT_ZICSR, IC_CSR, EXEC_NATIVE, &F_CSRI},
    {"csrrci", M_I, 0x7073, 4, EXT_ZICSR, IC_CSR, EXEC_NATIVE, &F_CSRI},
    /* Unicorn ignores fence.i: it traps, and the trap flushes the core's translations */
    {"fence.i", M_I, 0x100F, 4, EXT_ZIFENCEI, IC_FENCE, EXEC_TRAP, &F_NONE},
};
const isa_table_t isa_table_zicsr = {zicsr, sizeof zicsr / sizeof zicsr[0]};

/* ---- RVC: register fields of the compressed formats ---- */
static inline uint32_t bit(uint32_t r) { return r ? 1u << r : 0; }
static inline uint32_t c_r1(uint32_t w) { return (w >> 7) & 31; }
static inline uint32_t c_r2(uint32_t w) { return (w >> 2) & 31; }
static inline uint32_t c_p1(uint32_t w) { return 8 + ((w >> 7) & 7); }
static inline uint32_t c_p2(uint32_t w) { return 8 + ((w >> 2) & 7); }
static int32_t c_imm6(uint32_t w) { return isa_sext((((w >> 12) & 1) << 5) | ((w >> 2) & 31), 6); }
static int32_t c_jimm(uint32_t w)
{
    uint32_t v = (((w >> 12) & 1) << 11) | (((w >> 11) & 1) << 4) | (((w >> 9) & 3) << 8) |
                 (((w >> 8) & 1) << 10) | (((w >> 7) & 1) << 6) | (((w >> 6) & 1) << 7) |
                 (((w >> 3) & 7) << 1) | (((w >> 2) & 1) << 5);
    return isa_sext(v, 12);
}
static int32_t c_bimm(uint32_t w)
{
    uint32_t v = (((w >> 12) & 1) << 8) | (((w >> 10) & 3) << 3) | (((w >> 5) & 3) << 6) |
                 (((w >> 3) & 3) << 1) | (((w >> 2) & 1) << 5);
    return isa_sext(v, 9);
}
static uint32_t c_lw_off(uint32_t w) { return (((w >> 10) & 7) << 3) | (((w >> 6) & 1) << 2) | (((w >> 5) & 1) << 6); }
static uint32_t c_lwsp_off(uint32_t w) { return (((w >> 12) & 1) << 5) | (((w >> 4) & 7) << 2) | (((w >> 2) & 3) << 6); }
static uint32_t c_swsp_off(uint32_t w) { return (((w >> 9) & 15) << 2) | (((w >> 7) & 3) << 6); }
static uint32_t c_4spn(uint32_t w)
{
    return (((w >> 11) & 3) << 4) | (((w >> 7) & 15) << 6) | (((w >> 6) & 1) << 2) | (((w >> 5) & 1) << 3);
}
static int32_t c_16sp(uint32_t w)
{
    uint32_t v = (((w >> 12) & 1) << 9) | (((w >> 6) & 1) << 4) | (((w >> 5) & 1) << 6) |
                 (((w >> 3) & 3) << 7) | (((w >> 2) & 1) << 5);
    return isa_sext(v, 10);
}

#define REGS(name, body) static void name(uint32_t w, isa_regs_t *r) { body; }
REGS(r_4spn, r->rd = (uint8_t)c_p2(w); r->reads = bit(2))
REGS(r_clw, r->rd = (uint8_t)c_p2(w); r->reads = bit(c_p1(w)))
REGS(r_csw, r->reads = bit(c_p1(w)) | bit(c_p2(w)))
REGS(r_ci, r->rd = (uint8_t)c_r1(w); r->reads = bit(c_r1(w)))      /* c.addi, c.slli, c.addi16sp */
REGS(r_li, r->rd = (uint8_t)c_r1(w))                                  /* c.li, c.lui */
REGS(r_link, r->rd = 1)                                               /* c.jal */
REGS(r_cb1, r->rd = (uint8_t)c_p1(w); r->reads = bit(c_p1(w)))      /* c.srli, c.srai, c.andi */
REGS(r_ca, r->rd = (uint8_t)c_p1(w); r->reads = bit(c_p1(w)) | bit(c_p2(w)))
REGS(r_none, (void)w; (void)r)
REGS(r_bz, r->reads = bit(c_p1(w)))
REGS(r_lwsp, r->rd = (uint8_t)c_r1(w); r->reads = bit(2))
REGS(r_swsp, r->reads = bit(2) | bit(c_r2(w)))
REGS(r_jr, r->reads = bit(c_r1(w)))
REGS(r_jalr, r->rd = 1; r->reads = bit(c_r1(w)))
REGS(r_mv, r->rd = (uint8_t)c_r1(w); r->reads = bit(c_r2(w)))
REGS(r_add, r->rd = (uint8_t)c_r1(w); r->reads = bit(c_r1(w)) | bit(c_r2(w)))

static int p_4spn(char *b, size_t n, uint32_t w, uint32_t pc) { (void)pc; return snprintf(b, n, "%s, sp, 0x%x", R(c_p2(w)), c_4spn(w)); }
static int p_clw(char *b, size_t n, uint32_t w, uint32_t pc) { (void)pc; return snprintf(b, n, "%s, 0x%x(%s)", R(c_p2(w)), c_lw_off(w), R(c_p1(w))); }
static int p_ci(char *b, size_t n, uint32_t w, uint32_t pc)
{
    (void)pc;
    int k = snprintf(b, n, "%s, ", R(c_r1(w)));
    return k + hex(b + k, n - (size_t)k, c_imm6(w));
}
static int p_cshift(char *b, size_t n, uint32_t w, uint32_t pc) { (void)pc; return snprintf(b, n, "%s, 0x%x", R(c_r1(w)), (unsigned)c_imm6(w) & 31); }
static int p_lui(char *b, size_t n, uint32_t w, uint32_t pc) { (void)pc; return snprintf(b, n, "%s, 0x%x", R(c_r1(w)), (unsigned)c_imm6(w) & 0xFFFFF); }
static int p_16sp(char *b, size_t n, uint32_t w, uint32_t pc) { (void)pc; int k = snprintf(b, n, "sp, "); return k + hex(b + k, n - (size_t)k, c_16sp(w)); }
static int p_cj(char *b, size_t n, uint32_t w, uint32_t pc) { return snprintf(b, n, "0x%x", pc + (uint32_t)c_jimm(w)); }
static int p_cb1(char *b, size_t n, uint32_t w, uint32_t pc)
{
    (void)pc;
    int k = snprintf(b, n, "%s, ", R(c_p1(w)));
    if (((w >> 10) & 3) == 2)
        return k + hex(b + k, n - (size_t)k, c_imm6(w));
    return k + snprintf(b + k, n - (size_t)k, "0x%x", (unsigned)c_imm6(w) & 31);
}
static int p_ca(char *b, size_t n, uint32_t w, uint32_t pc) { (void)pc; return snprintf(b, n, "%s, %s", R(c_p1(w)), R(c_p2(w))); }
static int p_bz(char *b, size_t n, uint32_t w, uint32_t pc) { return snprintf(b, n, "%s, 0x%x", R(c_p1(w)), pc + (uint32_t)c_bimm(w)); }
static int p_lwsp(char *b, size_t n, uint32_t w, uint32_t pc) { (void)pc; return snprintf(b, n, "%s, 0x%x(sp)", R(c_r1(w)), c_lwsp_off(w)); }
static int p_swsp(char *b, size_t n, uint32_t w, uint32_t pc) { (void)pc; return snprintf(b, n, "%s, 0x%x(sp)", R(c_r2(w)), c_swsp_off(w)); }
static int p_jr(char *b, size_t n, uint32_t w, uint32_t pc) { (void)pc; return snprintf(b, n, "%s", R(c_r1(w))); }
static int p_mv(char *b, size_t n, uint32_t w, uint32_t pc) { (void)pc; return snprintf(b, n, "%s, %s", R(c_r1(w)), R(c_r2(w))); }

static const isa_format_t CF_4SPN = {0, 0, r_4spn, p_4spn};
static const isa_format_t CF_LW = {0, 0, r_clw, p_clw};
static const isa_format_t CF_SW = {0, 0, r_csw, p_clw};
static const isa_format_t CF_ADDI = {0, 0, r_ci, p_ci};
static const isa_format_t CF_SLLI = {0, 0, r_ci, p_cshift};
static const isa_format_t CF_16SP = {0, 0, r_ci, p_16sp};
static const isa_format_t CF_LI = {0, 0, r_li, p_ci};
static const isa_format_t CF_LUI = {0, 0, r_li, p_lui};
static const isa_format_t CF_JAL = {0, 0, r_link, p_cj};
static const isa_format_t CF_J = {0, 0, r_none, p_cj};
static const isa_format_t CF_CB1 = {0, 0, r_cb1, p_cb1};
static const isa_format_t CF_CA = {0, 0, r_ca, p_ca};
static const isa_format_t CF_BZ = {0, 0, r_bz, p_bz};
static const isa_format_t CF_LWSP = {0, 0, r_lwsp, p_lwsp};
static const isa_format_t CF_SWSP = {0, 0, r_swsp, p_swsp};
static const isa_format_t CF_JR = {0, 0, r_jr, p_jr};
static const isa_format_t CF_JALR = {0, 0, r_jalr, p_jr};
static const isa_format_t CF_MV = {0, 0, r_mv, p_mv};
static const isa_format_t CF_ADD = {0, 0, r_add, p_mv};
static const isa_format_t CF_NONE = {0, 0, r_none, NULL};

/* Within a 16-bit bucket the more specific form comes first (c.nop before c.addi, c.addi16sp
 * before c.lui, c.ebreak before c.jalr before c.add). Reserved encodings (nzimm = 0 forms
 * of c.addi4spn, c.lui, c.addi16sp) are not listed: they decode as illegal. */
#define Q(f3, q) (((uint32_t)(f3) << 13) | (q))
static const isa_form_t rvc[] = {
    {"c.addi4spn", 0xE003, Q(0, 0), 2, EXT_C, IC_ALU, EXEC_NATIVE, &CF_4SPN},
    {"c.lw", 0xE003, Q(2, 0), 2, EXT_C, IC_LOAD, EXEC_NATIVE, &CF_LW},
    {"c.sw", 0xE003, Q(6, 0), 2, EXT_C, IC_STORE, EXEC_NATIVE, &CF_SW},
    {"c.nop", 0xFFFF, Q(0, 1), 2, EXT_C, IC_ALU, EXEC_NATIVE, &CF_NONE},
    {"c.addi", 0xE003, Q(0, 1), 2, EXT_C, IC_ALU, EXEC_NATIVE, &CF_ADDI},
    {"c.jal", 0xE003, Q(1, 1), 2, EXT_C, IC_JAL, EXEC_NATIVE, &CF_JAL},
    {"c.li", 0xE003, Q(2, 1), 2, EXT_C, IC_ALU, EXEC_NATIVE, &CF_LI},
    {"c.addi16sp", 0xEF83, Q(3, 1) | (2u << 7), 2, EXT_C, IC_ALU, EXEC_NATIVE, &CF_16SP},
    {"c.lui", 0xE003, Q(3, 1), 2, EXT_C, IC_ALU, EXEC_NATIVE, &CF_LUI},
    {"c.srli", 0xEC03, Q(4, 1), 2, EXT_C, IC_ALU, EXEC_NATIVE, &CF_CB1},
    {"c.srai", 0xEC03, Q(4, 1) | (1u << 10), 2, EXT_C, IC_ALU, EXEC_NATIVE, &CF_CB1},
    {"c.andi", 0xEC03, Q(4, 1) | (2u << 10), 2, EXT_C, IC_ALU, EXEC_NATIVE, &CF_CB1},
    {"c.sub", 0xFC63, Q(4, 1) | (3u << 10) | (0u << 5), 2, EXT_C, IC_ALU, EXEC_NATIVE, &CF_CA},
    {"c.xor", 0xFC63, Q(4, 1) | (3u << 10) | (1u << 5), 2, EXT_C, IC_ALU, EXEC_NATIVE, &CF_CA},
    {"c.or", 0xFC63, Q(4, 1) | (3u << 10) | (2u << 5), 2, EXT_C, IC_ALU, EXEC_NATIVE, &CF_CA},
    {"c.and", 0xFC63, Q(4, 1) | (3u << 10) | (3u << 5), 2, EXT_C, IC_ALU, EXEC_NATIVE, &CF_CA},
    {"c.j", 0xE003, Q(5, 1), 2, EXT_C, IC_JAL, EXEC_NATIVE, &CF_J},
    {"c.beqz", 0xE003, Q(6, 1), 2, EXT_C, IC_BRANCH, EXEC_NATIVE, &CF_BZ},
    {"c.bnez", 0xE003, Q(7, 1), 2, EXT_C, IC_BRANCH, EXEC_NATIVE, &CF_BZ},
    {"c.slli", 0xF003, Q(0, 2), 2, EXT_C, IC_ALU, EXEC_NATIVE, &CF_SLLI},
    {"c.lwsp", 0xE003, Q(2, 2), 2, EXT_C, IC_LOAD, EXEC_NATIVE, &CF_LWSP},
    {"c.ebreak", 0xFFFF, 0x9002, 2, EXT_C, IC_SYSTEM, EXEC_NATIVE, &CF_NONE},
    {"c.jr", 0xF07F, Q(4, 2), 2, EXT_C, IC_JALR, EXEC_NATIVE, &CF_JR},
    {"c.mv", 0xF003, Q(4, 2), 2, EXT_C, IC_ALU, EXEC_NATIVE, &CF_MV},
    {"c.jalr", 0xF07F, Q(4, 2) | (1u << 12), 2, EXT_C, IC_JALR, EXEC_NATIVE, &CF_JALR},
    {"c.add", 0xF003, Q(4, 2) | (1u << 12), 2, EXT_C, IC_ALU, EXEC_NATIVE, &CF_ADD},
    {"c.swsp", 0xE003, Q(6, 2), 2, EXT_C, IC_STORE, EXEC_NATIVE, &CF_SWSP},
};
const isa_table_t isa_table_rvc = {rvc, sizeof rvc / sizeof rvc[0]};
