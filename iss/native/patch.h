/* Instructions the simulator rewrites before Unicorn translates them.
 * Unicorn answers mhartid with 0 on every instance and the counters with host time, and
 * ignores fence.i; rewritten to unimplemented custom CSRs they trap to iss_hook_intr,
 * which answers per core. PATCH_CSR_BASE is in the custom read-only machine range. */
#ifndef ISS_PATCH_H
#define ISS_PATCH_H

#define PATCH_CSR_BASE 0xFC0
enum {
    PATCH_MHARTID = 0, PATCH_MCYCLE, PATCH_MCYCLEH, PATCH_MINSTRET, PATCH_MINSTRETH,
    PATCH_CYCLE, PATCH_CYCLEH, PATCH_TIME, PATCH_TIMEH, PATCH_INSTRET, PATCH_INSTRETH,
    PATCH_FENCE_I = 15,
};
/* The hardware performance counters (CV32E40P map): mhpmcounterN, mhpmcounterNh, mhpmeventN
 * (N = 3..31) at base + N; mcountinhibit at PATCH_HPM_EVENT + 0. Custom ranges, unused on CV32E40P. */
#define PATCH_HPM_COUNTER 0xBC0u
#define PATCH_HPM_COUNTERH 0xBE0u
#define PATCH_HPM_EVENT 0x7E0u
uint32_t iss_csr_alias(uint32_t csr);
uint32_t iss_csr_unalias(uint32_t n);
/* Division and fence.i are rewritten through the side table (custom.h). */
uint32_t iss_patch_word(uint32_t w);
uint32_t iss_unpatch_word(uint32_t w);

#endif
