/* Lookup, registers and disassembly over the instruction tables (isa.h, docs/isa.md). */
#include <stdio.h>
#include <string.h>

#include "iss_native.h"

const char *const isa_reg_names[32] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
    "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

static const char *const ext_names[EXT_COUNT] = {
    "i", "m", "c", "zicsr", "zifencei", "xcvmem", "xcvalu", "xcvmac", "xcvsimd", "xcvbi",
    "xcvbitmanip", "xcvhwlp", "xcvelw",
};

const char *isa_ext_name(unsigned ext) { return ext < EXT_COUNT ? ext_names[ext] : "?"; }

/* Every table; the order does not matter (forms never overlap: tests/test_isa.py). */
static const isa_table_t *const tables[] = {
    &isa_table_rv32i, &isa_table_rv32m, &isa_table_rvc, &isa_table_zicsr,
    &isa_table_xcvmem, &isa_table_xcvbi, &isa_table_xcvhwlp, &isa_table_xcvelw, &isa_table_xcv_alu,
};
#define NTABLES (sizeof tables / sizeof tables[0])

/* Forms are bucketed by what every form of a bucket fixes: the major opcode and funct3 for
 * 32-bit words, quadrant and funct3 for 16-bit ones. */
#define NBUCKETS 1024
static const isa_form_t **bucket_forms;
static uint16_t bucket_start[NBUCKETS + 1];

static unsigned bucket_of(uint32_t w)
{
    if ((w & 3) != 3)
        return 0x380 | ((w & 3) << 3) | ((w >> 13) & 7);       /* 16-bit: quadrant, funct3 */
    return ((w & 0x7F) >> 2) | (((w >> 12) & 7) << 5);         /* 32-bit: opcode[6:2], funct3 */
}

static void build_buckets(void)
{
    static const isa_form_t *storage[2048];
    static uint16_t count[NBUCKETS];
    size_t total = 0;
    /* a form whose mask leaves funct3 free goes in each of its 8 buckets */
    for (int pass = 0; pass < 2; pass++) {
        memset(count, 0, sizeof count);
        for (size_t t = 0; t < NTABLES; t++)
            for (size_t i = 0; i < tables[t]->count; i++) {
                const isa_form_t *f = &tables[t]->forms[i];
                uint32_t f3mask = f->len == 2 ? (f->mask >> 13) & 7 : (f->mask >> 12) & 7;
                for (uint32_t f3 = 0; f3 < 8; f3++) {
                    uint32_t f3bits = f->len == 2 ? (f->match >> 13) & 7 : (f->match >> 12) & 7;
                    if ((f3 & f3mask) != (f3bits & f3mask))
                        continue;
                    uint32_t w = f->len == 2 ? (f->match & ~(7u << 13)) | (f3 << 13)
                                             : (f->match & ~(7u << 12)) | (f3 << 12);
                    unsigned b = bucket_of(w);
                    if (pass == 1)
                        storage[bucket_start[b] + count[b]] = f;
                    count[b]++;
                }
            }
        if (pass == 0) {
            total = 0;
            for (unsigned b = 0; b < NBUCKETS; b++) {
                bucket_start[b] = (uint16_t)total;
                total += count[b];
            }
            bucket_start[NBUCKETS] = (uint16_t)total;
            if (total > sizeof storage / sizeof storage[0])
                total = 0;   /* cannot happen with the tables we have (tests/test_isa.py) */
        }
    }
    bucket_forms = storage;
}

static const isa_form_t *lookup_uncached(uint32_t w)
{
    if (!bucket_forms)
        build_buckets();
    if ((w & 3) != 3)
        w &= 0xFFFF;
    unsigned b = bucket_of(w);
    for (unsigned i = bucket_start[b]; i < bucket_start[b + 1]; i++) {
        const isa_form_t *f = bucket_forms[i];
        if ((w & f->mask) == f->match)
            return f;
    }
    return NULL;
}

/* Decoding runs on every block entry of a new block and in the exact-time path: a small
 * direct-mapped cache of word -> form keeps it cheap. */
#define CACHE_SIZE 8192
static struct { uint32_t w; const isa_form_t *f; bool valid; } cache[CACHE_SIZE];

const isa_form_t *isa_lookup_any(uint32_t w)
{
    if ((w & 3) != 3)
        w &= 0xFFFF;
    unsigned h = (w * 2654435761u) >> 19;
    if (cache[h].valid && cache[h].w == w)
        return cache[h].f;
    const isa_form_t *f = lookup_uncached(w);
    cache[h].w = w;
    cache[h].f = f;
    cache[h].valid = true;
    return f;
}

const isa_form_t *isa_lookup(uint32_t w, uint32_t exts)
{
    const isa_form_t *f = isa_lookup_any(w);
    return f && (exts >> f->ext & 1) ? f : NULL;
}

static inline uint32_t bit(uint32_t r) { return r ? 1u << r : 0; }

void isa_regs(const isa_form_t *f, uint32_t w, isa_regs_t *r)
{
    memset(r, 0, sizeof *r);
    if (!f)
        return;
    const isa_format_t *fmt = f->fmt;
    if (fmt->regs) {
        fmt->regs(w, r);
        return;
    }
    uint32_t rd = isa_rd(w), rs1 = isa_rs1(w), rs2 = isa_rs2(w);
    if (fmt->reads & ISA_F_RS1) r->reads |= bit(rs1);
    if (fmt->reads & ISA_F_RS2) r->reads |= bit(rs2);
    if (fmt->reads & (ISA_F_RD | ISA_F_RS3)) r->reads |= bit(rd);
    if (fmt->writes & ISA_F_RD) r->rd = (uint8_t)rd;
    if (fmt->writes & ISA_F_RS1) {
        if (r->rd)
            r->rd2 = (uint8_t)rs1;
        else
            r->rd = (uint8_t)rs1;
    }
}

int isa_disasm(uint32_t w, uint32_t pc, uint32_t exts, char *buf, size_t n)
{
    if ((w & 3) != 3)
        w &= 0xFFFF;
    const isa_form_t *f = isa_lookup(w, exts);
    if (!f)
        return snprintf(buf, n, (w & 3) == 3 ? ".insn 0x%08x" : ".insn 0x%04x", w);
    int k = snprintf(buf, n, "%s", f->name);
    if (k < 0 || (size_t)k >= n || !f->fmt->print)
        return k;
    char ops[96];
    int m = f->fmt->print(ops, sizeof ops, w, pc);
    if (m > 0)
        k += snprintf(buf + k, n - (size_t)k, "\t%s", ops);
    return k;
}

int isa_print_regs3(char *buf, size_t n, uint32_t w, uint32_t pc)
{
    (void)pc;
    return snprintf(buf, n, "%s, %s, %s", isa_reg_names[isa_rd(w)], isa_reg_names[isa_rs1(w)],
                    isa_reg_names[isa_rs2(w)]);
}

/* ---- for Python (api.h): tests, the trace and the GDB server ---- */

int iss_isa_disasm(uint32_t w, uint32_t pc, uint32_t exts, char *buf, int n)
{
    return isa_disasm(w, pc, exts, buf, (size_t)n);
}

int iss_isa_alu_eval(uint32_t w, uint32_t rs1, uint32_t rs2, uint32_t rd, uint32_t *out)
{
    const isa_form_t *f = isa_lookup_any(w);
    if (!f || !f->alu)
        return -1;
    *out = f->alu(w, rs1, rs2, rd);
    return 0;
}

int iss_isa_info(uint32_t w, iss_isa_info_t *out)
{
    const isa_form_t *f = isa_lookup_any(w);
    memset(out, 0, sizeof *out);
    if (!f)
        return -1;
    isa_regs_t r;
    isa_regs(f, w, &r);
    snprintf(out->name, sizeof out->name, "%s", f->name);
    snprintf(out->ext, sizeof out->ext, "%s", isa_ext_name(f->ext));
    out->len = f->len;
    out->cls = f->cls;
    out->exec = f->exec;
    out->rd = r.rd;
    out->rd2 = r.rd2;
    out->reads = r.reads;
    return 0;
}

/* All forms, for the overlap test and the generated docs. */
int iss_isa_form(uint32_t i, iss_isa_info_t *out, uint32_t *mask, uint32_t *match)
{
    for (size_t t = 0; t < NTABLES; t++) {
        if (i < tables[t]->count) {
            const isa_form_t *f = &tables[t]->forms[i];
            memset(out, 0, sizeof *out);
            snprintf(out->name, sizeof out->name, "%s", f->name);
            snprintf(out->ext, sizeof out->ext, "%s", isa_ext_name(f->ext));
            out->len = f->len;
            out->cls = f->cls;
            out->exec = f->exec;
            *mask = f->mask;
            *match = f->match;
            return 0;
        }
        i -= (uint32_t)tables[t]->count;
    }
    return -1;
}
