/* Debugger support (the GDB server in iss/gdbserver): breakpoints, watchpoints, single
 * step, held cores and the stop that ends iss_run with RUN_DEBUG_STOP.
 *
 * Nothing here runs unless a debugger is attached (cl->dbg != NULL), and nothing touches
 * the shared code: the cores share their code memory, so a breakpoint is a per-core
 * Unicorn code hook bound to the breakpoint's address (the core's translations of that
 * address are dropped so that they are made again with the hook). A watchpoint is a
 * per-core memory hook on the watched range (and on the TCDM alias of a TCDM range); the
 * DMA and the accelerators report their own writes through iss_debug_watch_write.
 *
 * Stops happen before the instruction: a breakpoint's hook stops the core before the
 * instruction executes; a watched load or store stops the core with its pc on the access,
 * which did not retire (a store's bytes are put back), as GDB expects of RISC-V
 * (non-steppable watchpoints: GDB steps over the access itself).
 *
 * Single step: a code hook on every address of the stepping core (its translations are
 * flushed once). Its first call is the instruction being stepped; its second call stops the
 * core before the next one. A slice that ends for another reason with the pc still on the
 * stepped instruction (an exact-time replay, a blocking access, the end of a slice) has not
 * retired it: the step starts again. Resuming a core from the breakpoint or watchpoint it
 * stopped at first steps it silently over that instruction with its hits ignored.
 *
 * Held cores do not run (pick_core skips them). GDB steps a thread over a breakpoint with the
 * other threads held; when that instruction waits for the other cores (a barrier, a mutex,
 * an event), it would never finish. The held cores are then released until it does, but
 * they must not show GDB any event meanwhile: a released core that reaches a breakpoint or
 * watchpoint (even one GDB took out for the step, which stays as a dormant hook for a
 * while) is held there again, its stop kept and reported at the next resume if GDB still
 * has that point. The exception is the stepped-over instruction itself: a released core
 * steps through it (it is what the stepping core waits for) and keeps a stop at it if it
 * waits in it too; one that goes through it (the last to reach a barrier) stops after it
 * (DBG_PASSED). When the step still cannot finish, or with no stepping core, the run stops
 * (DBG_BLOCKED). A breakpoint does not fire for a core completing an access it waited in
 * (it was at the breakpoint's address before the breakpoint, or has reported it). */
#include <stdlib.h>
#include <string.h>

#include "iss_native.h"
#include "patch.h"

#define DBG_MAX_POINTS 64
#define DBG_MAX_WATCH_LEN 0x10000u
#define DBG_RANGES 2              /* a TCDM watch covers the TCDM and its alias at 0 */
#define DBG_DORMANT_RESUMES 2     /* a removed point's hooks go after this many resumes */

enum { Z_SW = 0, Z_HW, Z_WRITE, Z_READ, Z_ACCESS };

typedef struct dbg_point {
    bool used;                    /* the slot holds hooks */
    bool live;                    /* the debugger has it inserted (else dormant) */
    int type;                     /* Z packet type 0-4 */
    uint32_t addr, len;           /* as the debugger gave them */
    uint32_t lo, hi;              /* canonical byte range [lo, hi): the TCDM alias folded in */
    uint64_t removed_at;          /* resume count when it went dormant */
    uc_hook hooks[ISS_MAX_CORES][DBG_RANGES];
    int nhooks;
} dbg_point_t;

typedef struct dbg_core {
    /* single step */
    bool stepping, started, silent, ignore_watch;
    bool hook_on;                 /* the all-address code hook is installed */
    uc_hook step_hook;
    uint32_t step_from;
    /* a hit seen by a hook in the running slice */
    int hit;
    uint32_t hit_addr;
    /* a watched store that has already written its bytes: put them back */
    bool undo;
    uint32_t undo_addr, undo_len;
    uint8_t undo_bytes[8];
    /* held by the debugger but released for another core's step: its stop waits */
    bool released, has_pending;
    iss_debug_stop_t pending;
    uint32_t through;             /* released: steps through the stepped-over instruction at
                                     this address + 1 (0: none) */
} dbg_core_t;

struct iss_debug {
    dbg_point_t pts[DBG_MAX_POINTS];
    dbg_core_t core[ISS_MAX_CORES];
    iss_debug_stop_t stop;        /* the last stop */
    uint32_t stop_pc;             /* the stopped core's pc then */
    uint64_t resumes;
};

static uint32_t canon(iss_cluster_t *cl, uint32_t a)
{
    return a < cl->cfg.tcdm_size ? a + ISS_TCDM_BASE : a;   /* the TCDM alias at 0 */
}

static int reason_of(int type)
{
    switch (type) {
    case Z_SW: return DBG_BREAK;
    case Z_HW: return DBG_HWBREAK;
    case Z_WRITE: return DBG_WATCH_WRITE;
    case Z_READ: return DBG_WATCH_READ;
    default: return DBG_WATCH_ACCESS;
    }
}

/* A point a core sees: a live one, or a dormant one while the core is released. */
static bool active(const dbg_point_t *p, bool released)
{
    return p->used && (p->live || released);
}

static dbg_point_t *find_break(iss_debug_t *d, uint32_t addr, bool released)
{
    for (int i = 0; i < DBG_MAX_POINTS; i++) {
        dbg_point_t *p = &d->pts[i];
        if (active(p, released) && p->type <= Z_HW && p->addr == addr)
            return p;
    }
    return NULL;
}

/* A watchpoint of a kind that an access (reads and/or writes) triggers, overlapping it. */
static dbg_point_t *find_watch(iss_debug_t *d, uint32_t a, uint32_t len, bool rd, bool wr, bool released)
{
    for (int i = 0; i < DBG_MAX_POINTS; i++) {
        dbg_point_t *p = &d->pts[i];
        if (!active(p, released) || p->type < Z_WRITE || (uint64_t)a >= p->hi || (uint64_t)a + len <= p->lo)
            continue;
        if (p->type == Z_ACCESS || (p->type == Z_WRITE && wr) || (p->type == Z_READ && rd))
            return p;
    }
    return NULL;
}

static iss_debug_stop_t stop_of(iss_core_t *c, int reason, uint32_t addr, int32_t who)
{
    return (iss_debug_stop_t){.reason = reason, .core = c->id, .addr = addr, .who = who};
}

/* A stop: iss_run returns RUN_DEBUG_STOP, or, for a released core, it is kept. */
static void record_stop(iss_cluster_t *cl, iss_core_t *c, iss_debug_stop_t s)
{
    iss_debug_t *d = cl->dbg;
    dbg_core_t *dc = &d->core[c->id];
    if (dc->released) {
        if (!dc->has_pending) {
            dc->pending = s;
            dc->has_pending = true;
        }
        c->dbg_held = true;
        return;
    }
    if (cl->dbg_stop)
        return;
    d->stop = s;
    d->stop_pc = c->pc;
    cl->dbg_stop = true;
}

/* ---- hooks ---- */

static void hit(iss_core_t *c, dbg_point_t *p)
{
    dbg_core_t *dc = &c->cl->dbg->core[c->id];
    dc->hit = reason_of(p->type);
    dc->hit_addr = p->addr;
    iss_core_stop(c, STOP_DEBUG);
}

/* The address a core is being stepped over (+ 1), 0 if none. */
static uint32_t stepped_over(iss_debug_t *d, uint32_t addr)
{
    for (int i = 0; i < ISS_MAX_CORES; i++)
        if (d->core[i].stepping && !d->core[i].released && d->core[i].step_from == addr)
            return addr + 1;
    return 0;
}

static void break_hook(uc_engine *uc, uint64_t addr, uint32_t size, void *core)
{
    iss_core_t *c = core;
    iss_debug_t *d = c->cl->dbg;
    dbg_core_t *dc = &d->core[c->id];
    (void)uc; (void)size;
    if (c->stop != STOP_NONE || (dc->stepping && ((uint32_t)addr == dc->step_from || dc->through)))
        return;
    dbg_point_t *p = find_break(d, (uint32_t)addr, dc->released);
    if (!p)
        return;
    if (c->resume && (uint32_t)addr == c->pc)
        return;   /* it completes an access it waited in: it was at the breakpoint before */
    hit(c, p);
    /* a released core at the instruction another core is stepped over (the stepping core
     * waits for it there, at a barrier say) steps through it (after_slice) */
    if (dc->released && (dc->through = stepped_over(d, (uint32_t)addr)) != 0)
        dc->hit = DBG_THROUGH;
}

static void step_hook(uc_engine *uc, uint64_t addr, uint32_t size, void *core)
{
    iss_core_t *c = core;
    dbg_core_t *dc = &c->cl->dbg->core[c->id];
    (void)uc; (void)addr; (void)size;
    if (!dc->stepping || c->stop != STOP_NONE)
        return;
    if (!dc->started) {            /* the instruction being stepped */
        dc->started = true;
        return;
    }
    iss_core_stop(c, STOP_DEBUG);  /* before the next one */
}

static void watch_hook(uc_engine *uc, uc_mem_type type, uint64_t addr, int size, int64_t value,
                       void *core)
{
    iss_core_t *c = core;
    iss_cluster_t *cl = c->cl;
    dbg_core_t *dc = &cl->dbg->core[c->id];
    (void)uc; (void)value;
    if (c->stop != STOP_NONE || (dc->stepping && dc->ignore_watch))
        return;
    bool wr = type == UC_MEM_WRITE;
    dbg_point_t *p = find_watch(cl->dbg, canon(cl, (uint32_t)addr), (uint32_t)size, !wr, wr, dc->released);
    if (!p)
        return;
    if (wr && size > 0 && size <= (int)sizeof dc->undo_bytes) {
        /* the store writes its bytes once this hook returns: keep the old ones */
        const uint8_t *h = iss_host_ptr(cl, (uint32_t)addr, (uint32_t)size);
        if (h) {
            memcpy(dc->undo_bytes, h, (size_t)size);
            dc->undo = true;
            dc->undo_addr = (uint32_t)addr;
            dc->undo_len = (uint32_t)size;
        }
    }
    hit(c, p);
}

bool iss_debug_core_access(iss_core_t *c, uint32_t addr, uint32_t len, bool rd, bool wr)
{
    iss_cluster_t *cl = c->cl;
    dbg_core_t *dc = &cl->dbg->core[c->id];
    if (c->stop != STOP_NONE || (dc->stepping && dc->ignore_watch))
        return false;
    dbg_point_t *p = find_watch(cl->dbg, canon(cl, addr), len, rd, wr, dc->released);
    if (!p)
        return false;
    hit(c, p);
    return true;
}

void iss_debug_watch_hit(iss_cluster_t *cl, uint32_t addr, uint32_t len, int32_t who)
{
    iss_debug_t *d = cl->dbg;
    if (!d)
        return;
    uint32_t core = (uint32_t)who & 0xFF;
    if (core >= cl->cfg.num_cores)
        core = 0;
    dbg_point_t *p = find_watch(d, canon(cl, addr), len, false, true, d->core[core].released);
    if (!p)
        return;
    record_stop(cl, &cl->cores[core], (iss_debug_stop_t){.reason = reason_of(p->type), .core = core,
                .addr = p->addr, .who = who, .access_addr = addr, .access_len = len});
}

/* ---- single step ---- */

static void step_hook_off(iss_core_t *c)
{
    dbg_core_t *dc = &c->cl->dbg->core[c->id];
    dc->stepping = dc->started = dc->silent = dc->ignore_watch = false;
    if (dc->hook_on) {
        uc_hook_del(c->uc, dc->step_hook);
        uc_ctl_flush_tb(c->uc);    /* translations made with the hook call it: drop them */
        dc->hook_on = false;
    }
}

static void step_start(iss_core_t *c, bool silent, bool ignore_watch)
{
    dbg_core_t *dc = &c->cl->dbg->core[c->id];
    if (!dc->hook_on) {
        uc_hook_add(c->uc, &dc->step_hook, UC_HOOK_CODE, (void *)step_hook, c, 1, 0);
        iss_custom_hook_last(c);   /* a stop before an emulated instruction comes first */
        uc_ctl_flush_tb(c->uc);    /* every translation must call it */
        dc->hook_on = true;
    }
    dc->stepping = true;
    dc->started = false;
    dc->silent = silent;
    dc->ignore_watch = ignore_watch;
    dc->step_from = c->pc;
}

/* Called by after_slice for every slice while a debugger is attached. */
void iss_debug_after_slice(iss_core_t *c, enum iss_stop why)
{
    iss_cluster_t *cl = c->cl;
    dbg_core_t *dc = &cl->dbg->core[c->id];
    if (dc->undo) {
        void *h = iss_host_ptr(cl, dc->undo_addr, dc->undo_len);
        if (h)
            memcpy(h, dc->undo_bytes, dc->undo_len);
        dc->undo = false;
    }
    if (dc->hit == DBG_THROUGH) {
        dc->hit = 0;
        step_start(c, false, true);
        return;
    }
    if (dc->hit) {
        int reason = dc->hit;
        dc->hit = 0;
        dc->stepping = false;
        if (cl->result == RUN_CONTINUE)
            record_stop(cl, c, stop_of(c, reason, dc->hit_addr, (int32_t)c->id));
        return;
    }
    if (!dc->stepping)
        return;
    bool retired = why == STOP_DEBUG || c->pc != dc->step_from || c->state == CORE_HALTED;
    if (dc->through) {             /* a released core stepping through (see the top) */
        uint32_t at = dc->through - 1;
        if (retired || c->state == CORE_SLEEPING) {
            dbg_point_t *p = find_break(cl->dbg, at, true);
            dc->through = 0;
            dc->stepping = false;
            if (cl->result == RUN_CONTINUE)
                record_stop(cl, c, stop_of(c, retired ? DBG_PASSED : p ? reason_of(p->type) : DBG_BREAK,
                                           at, (int32_t)c->id));
            return;
        }
    }
    if (!retired) {
        dc->started = false;       /* the instruction did not retire: step it again */
        return;
    }
    if (dc->silent) {              /* stepped over its breakpoint or watchpoint: run on */
        step_hook_off(c);
        return;
    }
    dc->stepping = false;
    if (cl->result == RUN_CONTINUE)
        record_stop(cl, c, stop_of(c, DBG_STEP, 0, (int32_t)c->id));
}

/* No core may run while some are held: the debugger's doing, not a deadlock (see the top).
 * Returns true when handled: iss_run goes on with the released cores, or stops. */
bool iss_debug_no_runnable(iss_cluster_t *cl)
{
    iss_debug_t *d = cl->dbg;
    int32_t held = -1, stepping = -1, free_core = -1;
    for (uint32_t i = 0; i < cl->cfg.num_cores; i++) {
        iss_core_t *c = &cl->cores[i];
        if (c->state == CORE_HALTED)
            continue;
        if (c->dbg_held) {
            if (held < 0)
                held = (int32_t)i;
        } else if (d->core[i].stepping && !d->core[i].released) {
            if (stepping < 0)
                stepping = (int32_t)i;
        } else if (free_core < 0) {
            free_core = (int32_t)i;
        }
    }
    if (held < 0)
        return false;
    if (stepping >= 0) {
        bool any = false;
        for (uint32_t i = 0; i < cl->cfg.num_cores; i++) {
            iss_core_t *c = &cl->cores[i];
            if (c->dbg_held && c->state != CORE_HALTED && !d->core[i].has_pending) {
                c->dbg_held = false;
                d->core[i].released = true;
                any = true;
            }
        }
        if (any)
            return true;
    }
    iss_core_t *c = &cl->cores[stepping >= 0 ? stepping : free_core >= 0 ? free_core : held];
    bool was = d->core[c->id].released;
    d->core[c->id].released = false;   /* this stop is reported now */
    record_stop(cl, c, stop_of(c, DBG_BLOCKED, 0, (int32_t)c->id));
    d->core[c->id].released = was;
    return true;
}

/* ---- points ---- */

static bool add_hook(iss_core_t *c, dbg_point_t *p, int type, void *cb, uint64_t lo, uint64_t hi)
{
    if (uc_hook_add(c->uc, &p->hooks[c->id][p->nhooks], type, cb, c, lo, hi) != UC_ERR_OK)
        return false;
    p->nhooks++;
    if (type == UC_HOOK_CODE)
        iss_custom_hook_last(c);   /* a stop before an emulated instruction comes first */
    return true;
}

static void purge(iss_cluster_t *cl, dbg_point_t *p)
{
    for (uint32_t i = 0; i < cl->cfg.num_cores; i++) {
        iss_core_t *c = &cl->cores[i];
        for (int h = 0; h < p->nhooks; h++)
            uc_hook_del(c->uc, p->hooks[i][h]);
        if (p->type <= Z_HW)
            uc_ctl_remove_cache(c->uc, p->addr, (uint64_t)p->addr + 1);
    }
    if (p->type >= Z_WRITE)
        cl->dbg_watches--;
    p->used = p->live = false;
}

static bool same(const dbg_point_t *p, int type, uint32_t addr, uint32_t len)
{
    return p->used && p->type == type && p->addr == addr && (type <= Z_HW || p->len == len);
}

int iss_debug_insert(iss_cluster_t *cl, int type, uint32_t addr, uint32_t len)
{
    iss_debug_t *d = cl->dbg;
    if (!d || type < Z_SW || type > Z_ACCESS)
        return -1;
    if (type >= Z_WRITE && (len == 0 || len > DBG_MAX_WATCH_LEN || !iss_host_ptr(cl, addr, len)))
        return -1;
    dbg_point_t *p = NULL;
    for (int i = 0; i < DBG_MAX_POINTS && !p; i++)   /* a dormant copy: alive again */
        if (same(&d->pts[i], type, addr, len) && !d->pts[i].live)
            p = &d->pts[i];
    if (p) {
        p->live = true;
        return 0;
    }
    for (int pass = 0; pass < 2 && !p; pass++)
        for (int i = 0; i < DBG_MAX_POINTS && !p; i++) {
            if (pass == 1 && d->pts[i].used && !d->pts[i].live)
                purge(cl, &d->pts[i]);   /* full: dormant points make room */
            if (!d->pts[i].used)
                p = &d->pts[i];
        }
    if (!p)
        return -1;
    *p = (dbg_point_t){.used = true, .live = true, .type = type, .addr = addr, .len = len};
    if (type <= Z_HW) {
        for (uint32_t i = 0; i < cl->cfg.num_cores; i++) {
            iss_core_t *c = &cl->cores[i];
            p->nhooks = 0;
            add_hook(c, p, UC_HOOK_CODE, (void *)break_hook, addr, addr);
            uc_ctl_remove_cache(c->uc, addr, (uint64_t)addr + 1);   /* translated again, with the hook */
        }
        return 0;
    }
    p->lo = canon(cl, addr);
    p->hi = p->lo + len;
    int mem = type == Z_WRITE ? UC_HOOK_MEM_WRITE : type == Z_READ ? UC_HOOK_MEM_READ
                                                                   : UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE;
    /* an access starting up to 3 bytes before the range overlaps it: the callback checks */
    uint64_t ranges[DBG_RANGES][2];
    int n = 0;
    if (p->lo >= ISS_TCDM_BASE && p->lo - ISS_TCDM_BASE < cl->cfg.tcdm_size) {
        uint32_t off = p->lo - ISS_TCDM_BASE, start = off >= 3 ? off - 3 : 0;
        ranges[n][0] = ISS_TCDM_BASE + start;
        ranges[n++][1] = ISS_TCDM_BASE + off + len - 1;
        ranges[n][0] = ISS_TCDM_ALIAS_BASE + start;
        ranges[n++][1] = ISS_TCDM_ALIAS_BASE + off + len - 1;
    } else {
        ranges[n][0] = p->lo >= ISS_L2_BASE + 3 ? p->lo - 3 : p->lo;
        ranges[n++][1] = p->hi - 1;
    }
    for (uint32_t i = 0; i < cl->cfg.num_cores; i++) {
        p->nhooks = 0;
        for (int r = 0; r < n; r++)
            add_hook(&cl->cores[i], p, mem, (void *)watch_hook, ranges[r][0], ranges[r][1]);
    }
    cl->dbg_watches++;
    return 0;
}

/* The point goes dormant: its hooks stay a little (see the top), then go. */
int iss_debug_remove(iss_cluster_t *cl, int type, uint32_t addr, uint32_t len)
{
    iss_debug_t *d = cl->dbg;
    if (!d)
        return -1;
    for (int i = 0; i < DBG_MAX_POINTS; i++) {
        dbg_point_t *p = &d->pts[i];
        if (same(p, type, addr, len) && p->live) {
            p->live = false;
            p->removed_at = d->resumes;
            return 0;
        }
    }
    return -1;
}

/* ---- the API the GDB server uses ---- */

int iss_debug_enable(iss_cluster_t *cl)
{
    if (!cl->dbg)
        cl->dbg = calloc(1, sizeof *cl->dbg);
    return cl->dbg ? 0 : -1;
}

void iss_debug_disable(iss_cluster_t *cl)
{
    iss_debug_t *d = cl->dbg;
    if (!d)
        return;
    for (int i = 0; i < DBG_MAX_POINTS; i++)
        if (d->pts[i].used)
            purge(cl, &d->pts[i]);
    for (uint32_t i = 0; i < cl->cfg.num_cores; i++) {
        step_hook_off(&cl->cores[i]);
        cl->cores[i].dbg_held = false;
    }
    cl->dbg_stop = false;
    cl->dbg_watches = 0;
    free(d);
    cl->dbg = NULL;
}

void iss_debug_free(iss_cluster_t *cl)
{
    free(cl->dbg);   /* the hooks go with the engines */
    cl->dbg = NULL;
}

static bool pending_valid(iss_cluster_t *cl, iss_core_t *c, const iss_debug_stop_t *s)
{
    if (s->reason == DBG_PASSED)
        return true;
    if (s->reason < DBG_BREAK || s->reason > DBG_WATCH_ACCESS)
        return false;
    for (int i = 0; i < DBG_MAX_POINTS; i++) {
        const dbg_point_t *p = &cl->dbg->pts[i];
        if (p->used && p->live && reason_of(p->type) == s->reason && p->addr == s->addr &&
            (p->type > Z_HW || p->addr == c->pc))
            return true;
    }
    return false;
}

void iss_debug_resume(iss_cluster_t *cl, uint32_t cont_mask, uint32_t step_mask)
{
    iss_debug_t *d = cl->dbg;
    if (!d)
        return;
    d->resumes++;
    for (int i = 0; i < DBG_MAX_POINTS; i++) {
        dbg_point_t *p = &d->pts[i];
        if (p->used && !p->live && d->resumes - p->removed_at >= DBG_DORMANT_RESUMES)
            purge(cl, p);
    }
    const iss_debug_stop_t *s = &d->stop;
    bool at_point = s->reason >= DBG_BREAK && s->reason <= DBG_WATCH_ACCESS && s->who == (int32_t)s->core;
    bool at_watch = at_point && s->reason >= DBG_WATCH_WRITE;
    for (uint32_t i = 0; i < cl->cfg.num_cores; i++) {
        iss_core_t *c = &cl->cores[i];
        dbg_core_t *dc = &d->core[i];
        /* resuming from the instruction this core stopped at: do not stop there again */
        bool skip = at_point && s->core == i && c->pc == d->stop_pc;
        dc->hit = 0;
        dc->undo = false;
        dc->released = false;
        dc->through = 0;
        if (step_mask >> i & 1)
            step_start(c, false, skip && at_watch);
        else if ((cont_mask >> i & 1) && skip)
            step_start(c, true, true);
        else
            step_hook_off(c);
        c->dbg_held = !((step_mask | cont_mask) >> i & 1);
    }
    memset(&d->stop, 0, sizeof d->stop);
    cl->dbg_stop = false;
    /* a stop kept while another core stepped is reported now, if GDB still has its point */
    for (uint32_t i = 0; i < cl->cfg.num_cores && !cl->dbg_stop; i++) {
        dbg_core_t *dc = &d->core[i];
        if (!dc->has_pending || !((step_mask | cont_mask) >> i & 1))
            continue;
        dc->has_pending = false;
        if (pending_valid(cl, &cl->cores[i], &dc->pending)) {
            d->stop = dc->pending;
            d->stop_pc = cl->cores[i].pc;
            cl->dbg_stop = true;
        }
    }
}

void iss_debug_get_stop(iss_cluster_t *cl, iss_debug_stop_t *out)
{
    if (cl->dbg)
        *out = cl->dbg->stop;
    else
        memset(out, 0, sizeof *out);
}

/* The CSR number decode.c rewrites csr to (mhartid and the counters), else csr. */
static uint32_t csr_number(uint32_t csr)
{
    return iss_patch_word((csr << 20) | (2u << 12) | 0x73u) >> 20;
}

/* Registers: 0-31 x0-x31, 32 pc, 65 + n the CSR n (GDB's numbering). */
int iss_debug_reg_read(iss_cluster_t *cl, uint32_t core, uint32_t regno, uint32_t *val)
{
    if (core >= cl->cfg.num_cores)
        return -1;
    iss_core_t *c = &cl->cores[core];
    *val = 0;
    if (regno == 0)
        return 0;
    if (regno < 32)
        return uc_reg_read(c->uc, UC_RISCV_REG_X0 + (int)regno, val) == UC_ERR_OK ? 0 : -1;
    if (regno == 32) {
        *val = c->pc;
        return 0;
    }
    if (regno >= 65 && regno < 65 + 4096)
        return iss_csr_read(c, csr_number(regno - 65), val) ? 0 : -1;
    return -1;
}

int iss_debug_reg_write(iss_cluster_t *cl, uint32_t core, uint32_t regno, uint32_t val)
{
    if (core >= cl->cfg.num_cores)
        return -1;
    iss_core_t *c = &cl->cores[core];
    if (regno == 0)
        return 0;   /* x0 stays 0 */
    if (regno < 32)
    {
        c->mis_reuse = false;      /* a looping block checks its alignment again */
        return uc_reg_write(c->uc, UC_RISCV_REG_X0 + (int)regno, &val) == UC_ERR_OK ? 0 : -1;
    }
    if (regno == 32) {
        c->pc = val;
        c->prev_fallthrough = 0;   /* no taken-branch or hazard cost across the jump */
        c->prev_last_rd = 0;
        c->prev_jump = 0;
        c->prev_load2_rd = 0;
        c->mis_reuse = false;
        return 0;
    }
    if (regno >= 65 && regno < 65 + 4096) {
        uint32_t csr = regno - 65, old;
        if (csr == 0xF14 || !iss_csr_read(c, csr_number(csr), &old))
            return -1;   /* mhartid is read-only */
        iss_csr_write(c, csr_number(csr), val);
        return 0;
    }
    return -1;
}

/* The debugger wrote code: every core translates and decodes it again. */
void iss_debug_code_written(iss_cluster_t *cl, uint32_t addr, uint32_t len)
{
    for (uint32_t i = 0; i < cl->cfg.num_cores; i++) {
        iss_core_t *c = &cl->cores[i];
        uc_ctl_remove_cache(c->uc, addr, (uint64_t)addr + len);
        iss_block_cache_clear(c);
        c->blk = NULL;
    }
}
