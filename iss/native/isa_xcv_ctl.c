/* CORE-V memory, branch, hardware-loop and event-load extensions (XCVmem, XCVbi, XCVhwlp,
 * XCVelw) of CV32E40P v2: encodings from its user manual, checked against clang-22's
 * assembler (tests/test_isa.py). They touch memory, the pc or the loop state, so each has a
 * run function executed by the code hook (custom.c) before its no-op stand-in. */
#include <stdio.h>

#include "iss_native.h"
#include "custom.h"

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

/* ---- XCVmem: post-increment and register-offset loads and stores ---- */

/* access size and signedness from funct3 (immediate forms) or funct7 (register forms) */
static unsigned ld_size(unsigned k) { return 1u << (k & 3); }

/* cv.l{b,bu,h,hu,w} rd, (rs1), imm: rd = mem[rs1]; rs1 += imm */
static void run_ld_pi(iss_core_t *c, const isa_form_t *f, uint32_t w, uint32_t pc)
{
    (void)f; (void)pc;
    unsigned f3 = (w >> 12) & 7, rs1 = isa_rs1(w);
    uint32_t base = iss_xreg(c, rs1), v;
    if (!iss_custom_load(c, base, ld_size(f3), !(f3 & 4), &v))
        return;
    iss_set_xreg(c, rs1, base + (uint32_t)imm_i(w));
    iss_set_xreg(c, isa_rd(w), v);
}

/* opcode 0x2B, funct3 3: funct7 bit 3 unsigned, bits 1:0 size, bit 2 reg-reg (no update),
 * bit 4 store */
static void run_ld_reg(iss_core_t *c, const isa_form_t *f, uint32_t w, uint32_t pc)
{
    (void)f; (void)pc;
    unsigned f7 = w >> 25, rs1 = isa_rs1(w);
    uint32_t base = iss_xreg(c, rs1), off = iss_xreg(c, isa_rs2(w)), v;
    bool rr = f7 & 4;
    if (!iss_custom_load(c, rr ? base + off : base, ld_size(f7), !(f7 & 8), &v))
        return;
    if (!rr)
        iss_set_xreg(c, rs1, base + off);
    iss_set_xreg(c, isa_rd(w), v);
}

/* cv.s{b,h,w} rs2, (rs1), imm: mem[rs1] = rs2; rs1 += imm */
static void run_st_pi(iss_core_t *c, const isa_form_t *f, uint32_t w, uint32_t pc)
{
    (void)f; (void)pc;
    unsigned rs1 = isa_rs1(w);
    uint32_t base = iss_xreg(c, rs1);
    if (!iss_custom_store(c, base, ld_size((w >> 12) & 3), iss_xreg(c, isa_rs2(w))))
        return;
    iss_set_xreg(c, rs1, base + (uint32_t)imm_s(w));
}

/* cv.s{b,h,w} rs2, (rs1), rs3 / rs2, rs3(rs1): the offset register sits in bits 11:7 */
static void run_st_reg(iss_core_t *c, const isa_form_t *f, uint32_t w, uint32_t pc)
{
    (void)f; (void)pc;
    unsigned f7 = w >> 25, rs1 = isa_rs1(w);
    uint32_t base = iss_xreg(c, rs1), off = iss_xreg(c, isa_rd(w));
    bool rr = f7 & 4;
    if (!iss_custom_store(c, rr ? base + off : base, ld_size(f7), iss_xreg(c, isa_rs2(w))))
        return;
    if (!rr)
        iss_set_xreg(c, rs1, base + off);
}

static int p_ld_pi(char *b, size_t n, uint32_t w, uint32_t pc)
{
    (void)pc;
    int k = snprintf(b, n, "%s, (%s), ", R(isa_rd(w)), R(isa_rs1(w)));
    return k + hex(b + k, n - (size_t)k, imm_i(w));
}
static int p_ld_pr(char *b, size_t n, uint32_t w, uint32_t pc) { (void)pc; return snprintf(b, n, "%s, (%s), %s", R(isa_rd(w)), R(isa_rs1(w)), R(isa_rs2(w))); }
static int p_ld_rr(char *b, size_t n, uint32_t w, uint32_t pc) { (void)pc; return snprintf(b, n, "%s, %s(%s)", R(isa_rd(w)), R(isa_rs2(w)), R(isa_rs1(w))); }
static int p_st_pi(char *b, size_t n, uint32_t w, uint32_t pc)
{
    (void)pc;
    int k = snprintf(b, n, "%s, (%s), ", R(isa_rs2(w)), R(isa_rs1(w)));
    return k + hex(b + k, n - (size_t)k, imm_s(w));
}
static int p_st_pr(char *b, size_t n, uint32_t w, uint32_t pc) { (void)pc; return snprintf(b, n, "%s, (%s), %s", R(isa_rs2(w)), R(isa_rs1(w)), R(isa_rd(w))); }
static int p_st_rr(char *b, size_t n, uint32_t w, uint32_t pc) { (void)pc; return snprintf(b, n, "%s, %s(%s)", R(isa_rs2(w)), R(isa_rd(w)), R(isa_rs1(w))); }

static const isa_format_t F_LD_PI = {ISA_F_RS1, ISA_F_RD | ISA_F_RS1, NULL, p_ld_pi};
static const isa_format_t F_LD_PR = {ISA_F_RS1 | ISA_F_RS2, ISA_F_RD | ISA_F_RS1, NULL, p_ld_pr};
static const isa_format_t F_LD_RR = {ISA_F_RS1 | ISA_F_RS2, ISA_F_RD, NULL, p_ld_rr};
static const isa_format_t F_ST_PI = {ISA_F_RS1 | ISA_F_RS2, ISA_F_RS1, NULL, p_st_pi};
static const isa_format_t F_ST_PR = {ISA_F_RS1 | ISA_F_RS2 | ISA_F_RS3, ISA_F_RS1, NULL, p_st_pr};
static const isa_format_t F_ST_RR = {ISA_F_RS1 | ISA_F_RS2 | ISA_F_RS3, 0, NULL, p_st_rr};

#define M_F3 0x0000707Fu
#define M_F7 0xFE00707Fu
#define F3(f3, op) (((uint32_t)(f3) << 12) | (op))
#define F7(f7) (((uint32_t)(f7) << 25) | (3u << 12) | 0x2Bu)
#define MEM(name, mask, match, cls, fmt, fn) {name, mask, match, 4, EXT_XCVMEM, cls, EXEC_HOOK, fmt, NULL, fn, NULL}
static const isa_form_t xcvmem[] = {
    MEM("cv.lb", M_F3, F3(0, 0x0B), IC_LOAD, &F_LD_PI, run_ld_pi),
    MEM("cv.lh", M_F3, F3(1, 0x0B), IC_LOAD, &F_LD_PI, run_ld_pi),
    MEM("cv.lw", M_F3, F3(2, 0x0B), IC_LOAD, &F_LD_PI, run_ld_pi),
    MEM("cv.lbu", M_F3, F3(4, 0x0B), IC_LOAD, &F_LD_PI, run_ld_pi),
    MEM("cv.lhu", M_F3, F3(5, 0x0B), IC_LOAD, &F_LD_PI, run_ld_pi),
    MEM("cv.lb", M_F7, F7(0x00), IC_LOAD, &F_LD_PR, run_ld_reg),
    MEM("cv.lh", M_F7, F7(0x01), IC_LOAD, &F_LD_PR, run_ld_reg),
    MEM("cv.lw", M_F7, F7(0x02), IC_LOAD, &F_LD_PR, run_ld_reg),
    MEM("cv.lbu", M_F7, F7(0x08), IC_LOAD, &F_LD_PR, run_ld_reg),
    MEM("cv.lhu", M_F7, F7(0x09), IC_LOAD, &F_LD_PR, run_ld_reg),
    MEM("cv.lb", M_F7, F7(0x04), IC_LOAD, &F_LD_RR, run_ld_reg),
    MEM("cv.lh", M_F7, F7(0x05), IC_LOAD, &F_LD_RR, run_ld_reg),
    MEM("cv.lw", M_F7, F7(0x06), IC_LOAD, &F_LD_RR, run_ld_reg),
    MEM("cv.lbu", M_F7, F7(0x0C), IC_LOAD, &F_LD_RR, run_ld_reg),
    MEM("cv.lhu", M_F7, F7(0x0D), IC_LOAD, &F_LD_RR, run_ld_reg),
    MEM("cv.sb", M_F3, F3(0, 0x2B), IC_STORE, &F_ST_PI, run_st_pi),
    MEM("cv.sh", M_F3, F3(1, 0x2B), IC_STORE, &F_ST_PI, run_st_pi),
    MEM("cv.sw", M_F3, F3(2, 0x2B), IC_STORE, &F_ST_PI, run_st_pi),
    MEM("cv.sb", M_F7, F7(0x10), IC_STORE, &F_ST_PR, run_st_reg),
    MEM("cv.sh", M_F7, F7(0x11), IC_STORE, &F_ST_PR, run_st_reg),
    MEM("cv.sw", M_F7, F7(0x12), IC_STORE, &F_ST_PR, run_st_reg),
    MEM("cv.sb", M_F7, F7(0x14), IC_STORE, &F_ST_RR, run_st_reg),
    MEM("cv.sh", M_F7, F7(0x15), IC_STORE, &F_ST_RR, run_st_reg),
    MEM("cv.sw", M_F7, F7(0x16), IC_STORE, &F_ST_RR, run_st_reg),
};
const isa_table_t isa_table_xcvmem = {xcvmem, sizeof xcvmem / sizeof xcvmem[0]};

/* ---- XCVbi: cv.beqimm / cv.bneimm rs1, simm5, target ---- */

static void run_bi(iss_core_t *c, const isa_form_t *f, uint32_t w, uint32_t pc)
{
    (void)f;
    bool eq = iss_xreg(c, isa_rs1(w)) == (uint32_t)isa_sext(isa_rs2(w), 5);
    bool bne = (w >> 12) & 1;
    if (eq != bne)
        iss_custom_jump(c, pc, pc + (uint32_t)imm_b(w));
}
/* The stand-in is a branch that is never taken (bne x0, x0, same offset), so the
 * translation block ends there as it does for any branch. */
static uint32_t bi_native(uint32_t w) { return (w & 0xFE000F80u) | (1u << 12) | 0x63u; }
static int p_bi(char *b, size_t n, uint32_t w, uint32_t pc)
{
    int k = snprintf(b, n, "%s, ", R(isa_rs1(w)));
    k += hex(b + k, n - (size_t)k, isa_sext(isa_rs2(w), 5));
    return k + snprintf(b + k, n - (size_t)k, ", 0x%x", pc + (uint32_t)imm_b(w));
}
static const isa_format_t F_BI = {ISA_F_RS1, 0, NULL, p_bi};
static const isa_form_t xcvbi[] = {
    {"cv.beqimm", M_F3, F3(6, 0x0B), 4, EXT_XCVBI, IC_BRANCH, EXEC_HOOK, &F_BI, NULL, run_bi, bi_native},
    {"cv.bneimm", M_F3, F3(7, 0x0B), 4, EXT_XCVBI, IC_BRANCH, EXEC_HOOK, &F_BI, NULL, run_bi, bi_native},
};
const isa_table_t isa_table_xcvbi = {xcvbi, sizeof xcvbi / sizeof xcvbi[0]};

/* ---- XCVelw: cv.elw rd, imm(rs1) is a load that may sleep the core until an event: the
 * event unit's wait registers already sleep a plain lw, so it runs as lw ---- */

static uint32_t elw_native(uint32_t w) { return (w & 0xFFFF8F80u) | (2u << 12) | 0x03u; }
static int p_elw(char *b, size_t n, uint32_t w, uint32_t pc)
{
    (void)pc;
    int k = snprintf(b, n, "%s, ", R(isa_rd(w)));
    k += hex(b + k, n - (size_t)k, imm_i(w));
    return k + snprintf(b + k, n - (size_t)k, "(%s)", R(isa_rs1(w)));
}
static const isa_format_t F_ELW = {ISA_F_RS1, ISA_F_RD, NULL, p_elw};
static const isa_form_t xcvelw[] = {
    {"cv.elw", M_F3, F3(3, 0x0B), 4, EXT_XCVELW, IC_LOAD, EXEC_REWRITE, &F_ELW, NULL, NULL, elw_native},
};
const isa_table_t isa_table_xcvelw = {xcvelw, sizeof xcvelw / sizeof xcvelw[0]};

/* ---- XCVhwlp: opcode 0x2B, funct3 4, funct4 in bits 11:8, loop number L in bit 7 ---- */

static void run_hwlp(iss_core_t *c, const isa_form_t *f, uint32_t w, uint32_t pc)
{
    (void)f;
    unsigned l = (w >> 7) & 1, op = (w >> 8) & 15;
    uint32_t uimm = w >> 20, rs1v = iss_xreg(c, isa_rs1(w));
    char why[100];
    if (pc & 3) {
        snprintf(why, sizeof why, "hardware-loop set-up at a halfword address: it must be word-aligned");
        iss_custom_illegal(c, pc, w, why);
        return;
    }
    if ((op == 1 || op == 3) && (rs1v & 3)) {
        snprintf(why, sizeof why, "hardware loop %u %s address 0x%08x is not word-aligned", l,
                 op == 1 ? "start" : "end", rs1v);
        iss_custom_illegal(c, pc, w, why);
        return;
    }
    switch (op) {
    case 0: iss_hwloop_set(c, pc, l, HWLP_START, pc + (uimm << 2)); break;       /* cv.starti */
    case 1: iss_hwloop_set(c, pc, l, HWLP_START, rs1v); break;                   /* cv.start */
    case 2: iss_hwloop_set(c, pc, l, HWLP_END, pc + (uimm << 2)); break;         /* cv.endi */
    case 3: iss_hwloop_set(c, pc, l, HWLP_END, rs1v); break;                     /* cv.end */
    case 4: iss_hwloop_set(c, pc, l, HWLP_COUNT, uimm); break;                   /* cv.counti */
    case 5: iss_hwloop_set(c, pc, l, HWLP_COUNT, rs1v); break;                   /* cv.count */
    case 6:                                                                      /* cv.setupi */
        c->lp_count[l] = 0;
        iss_hwloop_set(c, pc, l, HWLP_START, pc + 4);
        iss_hwloop_set(c, pc, l, HWLP_END, pc + (isa_rs1(w) << 2));
        iss_hwloop_set(c, pc, l, HWLP_COUNT, uimm);
        break;
    default:                                                                     /* cv.setup */
        c->lp_count[l] = 0;
        iss_hwloop_set(c, pc, l, HWLP_START, pc + 4);
        iss_hwloop_set(c, pc, l, HWLP_END, pc + (uimm << 2));
        iss_hwloop_set(c, pc, l, HWLP_COUNT, rs1v);
        break;
    }
    if (c->rehook && c->stop == STOP_NONE) {
        /* the loop end lies outside the code hook: stop after this instruction, the hook
         * grows before the core goes on */
        uint32_t next = pc + 4;
        uc_reg_write(c->uc, UC_RISCV_REG_PC, &next);
        iss_core_stop(c, STOP_REHOOK);
    }
}

static int p_lp_imm(char *b, size_t n, uint32_t w, uint32_t pc)
{
    unsigned op = (w >> 8) & 15;
    uint32_t uimm = w >> 20;
    if (op == 4)
        return snprintf(b, n, "%u, %u", (w >> 7) & 1, uimm);
    return snprintf(b, n, "%u, 0x%x", (w >> 7) & 1, pc + (uimm << 2));
}
static int p_lp_reg(char *b, size_t n, uint32_t w, uint32_t pc) { (void)pc; return snprintf(b, n, "%u, %s", (w >> 7) & 1, R(isa_rs1(w))); }
static int p_lp_setupi(char *b, size_t n, uint32_t w, uint32_t pc) { return snprintf(b, n, "%u, %u, 0x%x", (w >> 7) & 1, w >> 20, pc + (isa_rs1(w) << 2)); }
static int p_lp_setup(char *b, size_t n, uint32_t w, uint32_t pc) { return snprintf(b, n, "%u, %s, 0x%x", (w >> 7) & 1, R(isa_rs1(w)), pc + ((w >> 20) << 2)); }
static const isa_format_t F_LP_IMM = {0, 0, NULL, p_lp_imm};
static const isa_format_t F_LP_REG = {ISA_F_RS1, 0, NULL, p_lp_reg};
static const isa_format_t F_LP_SETUPI = {0, 0, NULL, p_lp_setupi};
static const isa_format_t F_LP_SETUP = {ISA_F_RS1, 0, NULL, p_lp_setup};

#define LP(op) (((uint32_t)(op) << 8) | (4u << 12) | 0x2Bu)
#define M_LP_IMM 0x000FFF7Fu    /* rs1 field zero */
#define M_LP_REG 0xFFF07F7Fu    /* immediate zero */
#define M_LP 0x00007F7Fu
#define HW(name, mask, op, fmt) {name, mask, LP(op), 4, EXT_XCVHWLP, IC_HWLOOP, EXEC_HOOK, fmt, NULL, run_hwlp, NULL}
static const isa_form_t xcvhwlp[] = {
    HW("cv.starti", M_LP_IMM, 0, &F_LP_IMM),
    HW("cv.start", M_LP_REG, 1, &F_LP_REG),
    HW("cv.endi", M_LP_IMM, 2, &F_LP_IMM),
    HW("cv.end", M_LP_REG, 3, &F_LP_REG),
    HW("cv.counti", M_LP_IMM, 4, &F_LP_IMM),
    HW("cv.count", M_LP_REG, 5, &F_LP_REG),
    HW("cv.setupi", M_LP, 6, &F_LP_SETUPI),
    HW("cv.setup", M_LP, 7, &F_LP_SETUP),
};
const isa_table_t isa_table_xcvhwlp = {xcvhwlp, sizeof xcvhwlp / sizeof xcvhwlp[0]};
