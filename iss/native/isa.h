/* The one description of every instruction the cores execute (docs/isa.md).
 *
 * Each extension is a table of forms (isa_<ext>.c): the bits that identify it, its
 * mnemonic, its operand format (which registers it reads and writes, how it prints), its
 * timing class and how the simulator executes it. Decode, the cycle model, rewriting, the
 * instruction trace, the disassembler and the GDB server all look instructions up here.
 * Adding an extension is one more table and its C file, listed in isa_tables[] (isa.c). */
#ifndef ISS_ISA_H
#define ISS_ISA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Extensions. A core variant (config core.isa) enables a set of them. */
enum isa_ext {
    EXT_I = 0, EXT_M, EXT_C, EXT_ZICSR, EXT_ZIFENCEI,
    EXT_XCVMEM, EXT_XCVALU, EXT_XCVMAC, EXT_XCVSIMD, EXT_XCVBI, EXT_XCVBITMANIP,
    EXT_XCVHWLP, EXT_XCVELW,
    EXT_COUNT
};
#define ISA_EXTS_RV32IMC ((1u << EXT_I) | (1u << EXT_M) | (1u << EXT_C) | (1u << EXT_ZICSR) | (1u << EXT_ZIFENCEI))
#define ISA_EXTS_COREV (ISA_EXTS_RV32IMC | (1u << EXT_XCVMEM) | (1u << EXT_XCVALU) | (1u << EXT_XCVMAC) | \
                        (1u << EXT_XCVSIMD) | (1u << EXT_XCVBI) | (1u << EXT_XCVBITMANIP) |          \
                        (1u << EXT_XCVHWLP) | (1u << EXT_XCVELW))

/* Timing class (docs/timing.md): what the cycle model and the counters see. */
enum isa_class {
    IC_ALU = 0,     /* 1 cycle, result usable next cycle (also MAC/SIMD/bit manipulation) */
    IC_MUL,         /* mul: 1 cycle */
    IC_MULH,        /* mulh/mulhu/mulhsu */
    IC_DIV,         /* operand-timed, in the trap hook */
    IC_LOAD,        /* load-use and WAW rules */
    IC_STORE,
    IC_BRANCH,      /* conditional: taken costs more (block hook) */
    IC_JAL,
    IC_JALR,
    IC_CSR,         /* csr access: some CSRs cost more (isa_csr_slow) */
    IC_FENCE,       /* fence, fence.i */
    IC_SYSTEM,      /* ecall, ebreak, wfi, mret */
    IC_HWLOOP,      /* hardware-loop set-up */
};

/* How the simulator executes a form. */
enum isa_exec {
    EXEC_NATIVE = 0,    /* Unicorn executes it as it is */
    EXEC_TRAP,          /* rewritten to an illegal word, emulated in the trap hook (rare forms) */
    EXEC_HOOK,          /* rewritten to a no-op hint, emulated in the code hook just before it */
    EXEC_REWRITE,       /* rewritten to an equivalent native instruction (isa_form_t.native) */
};

/* Register fields a format reads or writes (bit masks of isa_format_t.reads/.writes). */
#define ISA_F_RD  0x01u     /* bits 11:7 (or the compressed format's rd) */
#define ISA_F_RS1 0x02u     /* bits 19:15 */
#define ISA_F_RS2 0x04u     /* bits 24:20 */
#define ISA_F_RS3 0x08u     /* bits 11:7 read as a source (CORE-V register-offset stores) */

/* Registers of one decoded instruction. */
typedef struct isa_regs {
    uint8_t rd;             /* first written register, 0 if none */
    uint8_t rd2;            /* second written register (post-increment pointer), 0 if none */
    uint32_t reads;         /* bit mask of the registers read (x0 excluded) */
} isa_regs_t;

/* Operand format: which fields are registers, and how the operands print. */
typedef struct isa_format {
    uint8_t reads, writes;  /* ISA_F_* of the standard 32-bit fields */
    /* fills r itself when the fields are not the standard 32-bit ones (compressed) */
    void (*regs)(uint32_t w, isa_regs_t *r);
    /* prints the operands ("a0, a1, 5"); pc for pc-relative targets; returns the length */
    int (*print)(char *buf, size_t n, uint32_t w, uint32_t pc);
} isa_format_t;

/* Result of a CORE-V register form: rd = fn(w, rs1, rs2, rd before). */
typedef uint32_t (*isa_alu_fn)(uint32_t w, uint32_t rs1, uint32_t rs2, uint32_t rd);
/* Any other emulated form (memory, branches, hardware loops): runs on the core (custom.c). */
struct iss_core;
struct isa_form;
typedef void (*isa_run_fn)(struct iss_core *c, const struct isa_form *f, uint32_t w, uint32_t pc);

typedef struct isa_form {
    const char *name;           /* mnemonic, LLVM spelling */
    uint32_t mask, match;       /* the form is (w & mask) == match */
    uint8_t len;                /* 2 or 4 bytes */
    uint8_t ext;                /* enum isa_ext */
    uint8_t cls;                /* enum isa_class */
    uint8_t exec;               /* enum isa_exec */
    const isa_format_t *fmt;
    isa_alu_fn alu;             /* CORE-V register forms; NULL otherwise */
    isa_run_fn run;             /* other emulated forms; NULL otherwise */
    uint32_t (*native)(uint32_t w);  /* the word Unicorn executes instead (EXEC_REWRITE, or
                                        after the hook of an EXEC_HOOK form); NULL: no-op */
} isa_form_t;

typedef struct isa_table {
    const isa_form_t *forms;
    size_t count;
} isa_table_t;

/* The register names the disassembler prints (x0 = "zero", x1 = "ra", ...). */
extern const char *const isa_reg_names[32];

/* Fields of a 32-bit word. */
static inline uint32_t isa_rd(uint32_t w) { return (w >> 7) & 31; }
static inline uint32_t isa_rs1(uint32_t w) { return (w >> 15) & 31; }
static inline uint32_t isa_rs2(uint32_t w) { return (w >> 20) & 31; }
static inline uint32_t isa_len(uint32_t w) { return (w & 3) == 3 ? 4 : 2; }
static inline int32_t isa_sext(uint32_t v, unsigned bits)
{
    return (int32_t)(v << (32 - bits)) >> (32 - bits);
}

/* The form of w among the extensions of exts (a mask of 1 << EXT_*), NULL if none. */
const isa_form_t *isa_lookup(uint32_t w, uint32_t exts);
/* The form of w in any extension, to name the extension of an instruction not enabled. */
const isa_form_t *isa_lookup_any(uint32_t w);
void isa_regs(const isa_form_t *f, uint32_t w, isa_regs_t *r);
/* "mnemonic operands" of w at pc; an unknown word prints as ".insn 0x...". */
int isa_disasm(uint32_t w, uint32_t pc, uint32_t exts, char *buf, size_t n);
const char *isa_ext_name(unsigned ext);   /* "xcvsimd", ... (the -march spelling) */

/* Helpers for the format printers. */
int isa_print_regs3(char *buf, size_t n, uint32_t w, uint32_t pc);   /* rd, rs1, rs2 */

/* The tables, one per file. */
extern const isa_table_t isa_table_rv32i, isa_table_rv32m, isa_table_rvc, isa_table_zicsr;
extern const isa_table_t isa_table_xcvmem, isa_table_xcvbi, isa_table_xcvhwlp, isa_table_xcvelw;
/* isa_xcv_alu.c: XCValu, XCVmac, XCVsimd, XCVbitmanip */
extern const isa_table_t isa_table_xcv_alu;

#endif
