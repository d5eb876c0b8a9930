/* Test driver for tests/test_xcv_vectors.py: exposes isa_table_xcv_alu to ctypes.
 * Stands in for the main project's isa.c (register names, isa_print_regs3) until the real
 * native library provides them; the checking logic lives in the Python test. */
#include <stdio.h>

#include "isa.h"

const char *const isa_reg_names[32] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
    "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

int isa_print_regs3(char *buf, size_t n, uint32_t w, uint32_t pc)
{
    (void)pc;
    return snprintf(buf, n, "%s, %s, %s", isa_reg_names[isa_rd(w)], isa_reg_names[isa_rs1(w)],
                    isa_reg_names[isa_rs2(w)]);
}

static const isa_form_t *form(int i) { return &isa_table_xcv_alu.forms[i]; }

int drv_count(void) { return (int)isa_table_xcv_alu.count; }
const char *drv_name(int i) { return form(i)->name; }
uint32_t drv_mask(int i) { return form(i)->mask; }
uint32_t drv_match(int i) { return form(i)->match; }
/* len | ext << 8 | cls << 16 | exec << 24 */
uint32_t drv_info(int i) { return form(i)->len | form(i)->ext << 8 | form(i)->cls << 16 | (uint32_t)form(i)->exec << 24; }
/* reads | writes << 8 | has regs hook << 16 | has alu << 17 */
uint32_t drv_fmt(int i)
{
    const isa_format_t *f = form(i)->fmt;
    return f->reads | f->writes << 8 | (f->regs != NULL) << 16 | (form(i)->alu != NULL) << 17;
}
uint32_t drv_alu(int i, uint32_t w, uint32_t rs1, uint32_t rs2, uint32_t rd) { return form(i)->alu(w, rs1, rs2, rd); }
int drv_print(int i, uint32_t w, char *buf, size_t n) { return form(i)->fmt->print(buf, n, w, 0); }
