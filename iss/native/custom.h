/* Execution of the instructions Unicorn does not know (custom.c, docs/architecture.md).
 *
 * The first time a block is decoded, every instruction whose form is not EXEC_NATIVE is
 * rewritten in memory and its original word kept in the cluster's side table:
 *   EXEC_TRAP  -> ISS_TRAP_WORD (a CSR access to 0xFEF, illegal on CV32E40P): the trap hook
 *                 emulates the original (division, fence.i);
 *   EXEC_HOOK  -> a no-op hint (ori x0, x0, 0x7ef) or the form's native memory access: ONE
 *                 code hook per core, bounded to the range holding such words, emulates the
 *                 original just before it.
 * Per-core CSRs (mhartid, counters) are rewritten by CSR number to 0xFC0+n (patch.h).
 * Tools read the original words through iss_orig_word(). */
#ifndef ISS_CUSTOM_H
#define ISS_CUSTOM_H

#include "isa.h"

#define ISS_TRAP_CSR 0xFEFu
#define ISS_TRAP_WORD ((ISS_TRAP_CSR << 20) | (1u << 12) | 0x73u)    /* csrrw x0, 0xfef, x0 */
#define ISS_HINT_WORD ((0x7EFu << 20) | (6u << 12) | 0x13u)          /* ori x0, x0, 0x7ef */

struct iss_core;
struct iss_cluster;

typedef struct iss_side_entry {
    uint32_t orig;              /* the original word */
    uint32_t rewritten;         /* what was put in memory (the entry is stale if it differs) */
    const isa_form_t *form;     /* its form (EXEC_TRAP or EXEC_HOOK) */
} iss_side_entry_t;

/* The side table: one entry per halfword of [lo, hi). */
typedef struct iss_side {
    uint32_t lo, hi;
    iss_side_entry_t *e;
    uint32_t hook_lo, hook_hi;  /* range holding EXEC_HOOK words and loop ends */
} iss_side_t;

/* The word to put in memory for w at addr (w itself when it runs natively); records the
 * original. Per-core CSRs included. */
uint32_t iss_rewrite(struct iss_cluster *cl, uint32_t addr, uint32_t w, const isa_form_t *f);
/* The original word at addr given the word in memory. */
uint32_t iss_orig_word(struct iss_cluster *cl, uint32_t addr, uint32_t mem_word);
const iss_side_entry_t *iss_side_get(struct iss_cluster *cl, uint32_t addr);
void iss_side_free(struct iss_cluster *cl);
/* Widens the cluster's hook range to cover [lo, hi). */
void iss_hook_range_add(struct iss_cluster *cl, uint32_t lo, uint32_t hi);
/* True when the core's code hook does not cover the cluster's hook range. */
bool iss_core_needs_rehook(struct iss_core *c);
/* (Re)installs the core's code hook over the cluster's range; flushes its translations. */
bool iss_core_rehook(struct iss_core *c);
void iss_custom_hook_last(struct iss_core *c);
void iss_hwloop_at_stop(struct iss_core *c);
void iss_hazard_after(struct iss_core *c, uint32_t addr);
/* Trap hook: emulates an EXEC_TRAP word at ipc; false if ipc holds none. */
bool iss_custom_trap(struct iss_core *c, uint32_t ipc);
/* Register access for the emulated forms: a direct pointer when validated, else the API. */
uint32_t iss_xreg(struct iss_core *c, unsigned r);
void iss_set_xreg(struct iss_core *c, unsigned r, uint32_t v);
void iss_custom_init_core(struct iss_core *c);
/* Hardware-loop CSRs (0xCC0-0xCC6): read; false if csr is none of them. */
bool iss_hwloop_csr_read(struct iss_core *c, uint32_t csr, uint32_t *val);
/* Emulated memory access of a CORE-V form (address computed by the form). */
bool iss_custom_load(struct iss_core *c, uint32_t addr, unsigned size, bool sign, uint32_t *val);
bool iss_custom_store(struct iss_core *c, uint32_t addr, unsigned size, uint32_t val);
/* A CORE-V form refuses its operands: the run stops with an illegal-instruction fault. */
void iss_custom_illegal(struct iss_core *c, uint32_t pc, uint32_t w, const char *why);
/* Hardware loop set-up from the XCVhwlp forms (isa_xcvhwlp.c). */
void iss_hwloop_set(struct iss_core *c, uint32_t pc, unsigned l, int what, uint32_t val);
enum { HWLP_START, HWLP_END, HWLP_COUNT };
/* Redirects the core to target from inside the code hook (taken cv.beqimm/bneimm). */
void iss_custom_jump(struct iss_core *c, uint32_t pc, uint32_t target);

#endif
