/* Tracing (docs/tracing.md): the timeline events of `iss run --trace`, the exact per-function
 * profile, firmware spans, and the instruction trace of `iss run --itrace`.
 *
 * Nothing here runs unless Python enabled tracing (cl->trace != NULL): the block hook then
 * takes its slow path (iss_trace_block) on every core, one predicted branch per block
 * otherwise. Everything is recorded in C into one event buffer that Python drains between
 * chunks of slices (iss_trace_take), as fixed-size records it reads with numpy.
 *
 * Calls and returns are seen at block entry from the previous block's last instruction
 * (decode.c, iss_block_t.last_flow): a call (jal/jalr writing ra or t0) pushes a frame whose
 * return address is the end of the calling block; a return (jalr x0 through ra or t0) pops
 * the frames up to the one it returns to (none if it matches no frame); a jump without link
 * to the entry of a function (a tail call, GCC's sibling calls at -O2) replaces the top
 * frame. Times are block boundaries: a frame starts where the callee's first block starts
 * and ends where the block returned to starts, so the frames of a core cover every one of its
 * cycles exactly once (the root frame runs from cycle 0 to the core's last cycle).
 *
 * The profile (calls, inclusive, exclusive and sleep cycles per function) counts every call.
 * The timeline drops spans shorter than min_cycles, merging runs of short calls of one
 * function at one depth into one span with a call count.
 *
 * The instruction trace installs a per-instruction code hook and a memory hook on a core
 * only while the core is in its window (a cycle range, a function, between two markers):
 * installing them needs the core stopped (its translations are flushed), so the block hook
 * stops the core before the first block of the window and iss_trace_before_slice installs
 * them. Each record is finished by the next instruction's hook (the value its destination
 * register got). Python formats the records with capstone after the run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iss_native.h"
#include "patch.h"

#define TR_MAX_DEPTH 256
#define TR_USER_DEPTH 32
#define TR_NAME_MAX 64
#define TR_IT_SLACK 1000          /* cycles before a cycle window's start the hook goes in */

enum { IT_OFF = 0, IT_ALL, IT_CYCLES, IT_FUNCTION, IT_MARKERS };

typedef struct tr_frame {
    uint32_t func, ret;
    uint64_t start, child;        /* entry time, cycles spent in callees */
} tr_frame_t;

typedef struct tr_merge {         /* consecutive short calls of one function at one depth */
    uint32_t func, count;
    uint64_t start, end;
} tr_merge_t;

typedef struct tr_stat {
    uint32_t func, active;        /* active: frames of it on the stack (recursion) */
    uint32_t used;
    uint64_t calls, incl, excl, sleep;
} tr_stat_t;

typedef struct tr_core {
    tr_frame_t stack[TR_MAX_DEPTH];
    tr_merge_t merge[TR_MAX_DEPTH + 1];
    uint32_t depth, overflow;
    uint32_t prev_end;            /* end address of the previous block */
    bool started;
    tr_stat_t *stats;
    uint32_t stats_mask, stats_used;
    uint32_t user_name[TR_USER_DEPTH];
    uint64_t user_start[TR_USER_DEPTH];
    uint32_t user_depth;
    /* instruction trace */
    uc_hook it_code, it_mem;
    bool it_installed, it_request, it_inside, it_has_pend;
    uint32_t it_depth;            /* function window: stack index of the window's frame */
    iss_itrace_rec_t it_pend;     /* the instruction executing, finished by the next one */
} tr_core_t;

struct iss_trace {
    iss_trace_config_t cfg;
    iss_trace_event_t *ev;
    uint32_t nev, cap;
    uint32_t *funcs;              /* sorted function entries (tail calls, the root frame) */
    uint32_t nfuncs;
    char (*names)[TR_NAME_MAX];
    uint32_t nnames, names_cap;
    uint64_t next_sample;
    tr_core_t core[ISS_MAX_CORES];
    /* instruction trace */
    uint32_t it_marker_state;     /* markers window: 0 before, 1 open, 2 closed */
    iss_itrace_rec_t *it;
    uint64_t nit, it_cap, it_total, it_dropped;
};

/* ---- events ---- */

static void emit(iss_trace_t *tr, uint32_t kind, uint32_t who, uint64_t t0, uint64_t t1,
                 uint32_t a, uint32_t b, uint64_t c, uint64_t d)
{
    if (tr->nev == tr->cap) {
        tr->cap = tr->cap ? 2 * tr->cap : 4096;
        tr->ev = realloc(tr->ev, (size_t)tr->cap * sizeof *tr->ev);
    }
    tr->ev[tr->nev++] = (iss_trace_event_t){t0, t1, kind, who, a, b, c, d};
}

void iss_trace_emit(iss_cluster_t *cl, uint32_t kind, uint32_t who, uint64_t t0, uint64_t t1,
                    uint32_t a, uint32_t b, uint64_t c, uint64_t d)
{
    iss_trace_t *tr = cl->trace;
    if (tr && tr->cfg.events)
        emit(tr, kind, who, t0, t1, a, b, c, d);
}

void iss_trace_ima_job(iss_cluster_t *cl, uint32_t kind, uint32_t who, uint32_t job, uint32_t array,
                       uint64_t t0, uint64_t t1)
{
    iss_trace_t *tr = cl->trace;
    if (tr && tr->cfg.events && job < tr->cfg.ima_jobs && t1 > t0)
        emit(tr, kind, who, t0, t1, job, array, 0, 0);
}

/* ---- profile ---- */

static tr_stat_t *stat_of(tr_core_t *tc, uint32_t func)
{
    if (!tc->stats || tc->stats_used * 2 > tc->stats_mask) {
        uint32_t old = tc->stats ? tc->stats_mask + 1 : 0, cap = old ? 2 * old : 256;
        tr_stat_t *o = tc->stats;
        tc->stats = calloc(cap, sizeof *tc->stats);
        tc->stats_mask = cap - 1;
        tc->stats_used = 0;
        for (uint32_t i = 0; i < old; i++)
            if (o[i].used) {
                for (uint32_t j = (o[i].func * 2654435761u) & tc->stats_mask;; j = (j + 1) & tc->stats_mask)
                    if (!tc->stats[j].used) {
                        tc->stats[j] = o[i];
                        tc->stats_used++;
                        break;
                    }
            }
        free(o);
    }
    for (uint32_t j = (func * 2654435761u) & tc->stats_mask;; j = (j + 1) & tc->stats_mask) {
        tr_stat_t *s = &tc->stats[j];
        if (s->used && s->func == func)
            return s;
        if (!s->used) {
            memset(s, 0, sizeof *s);
            s->func = func;
            s->used = 1;
            tc->stats_used++;
            return s;
        }
    }
}

/* The function containing pc: the last entry at or before it (0 if none). */
static uint32_t func_of(iss_trace_t *tr, uint32_t pc)
{
    uint32_t lo = 0, hi = tr->nfuncs;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (tr->funcs[mid] <= pc)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? tr->funcs[lo - 1] : 0;
}

static bool is_func_entry(iss_trace_t *tr, uint32_t pc)
{
    return tr->nfuncs && func_of(tr, pc) == pc;
}

/* ---- spans ---- */

static void flush_merge(iss_trace_t *tr, tr_core_t *tc, uint32_t core, uint32_t level)
{
    tr_merge_t *m = &tc->merge[level];
    if (!m->count)
        return;
    /* a run of short calls long enough to be seen, with its call count */
    if (tr->cfg.events && m->end - m->start >= tr->cfg.min_cycles)
        emit(tr, ISS_TR_FUNC, core, m->start, m->end, m->func, level, m->count, 1);
    m->count = 0;
}

/* A finished call at stack index `level`: on the timeline, or merged, or dropped. */
static void span_done(iss_trace_t *tr, tr_core_t *tc, uint32_t core, uint32_t level, uint32_t func,
                      uint64_t start, uint64_t end, bool force)
{
    flush_merge(tr, tc, core, level + 1);
    if (!tr->cfg.events)
        return;
    tr_merge_t *m = &tc->merge[level];
    if (force || end - start >= tr->cfg.min_cycles) {
        flush_merge(tr, tc, core, level);
        emit(tr, ISS_TR_FUNC, core, start, end, func, level, 1, 0);
        return;
    }
    if (m->count && m->func == func && start - m->end <= tr->cfg.min_cycles) {
        m->end = end;
        m->count++;
        return;
    }
    flush_merge(tr, tc, core, level);
    *m = (tr_merge_t){func, 1, start, end};
}

static void push(iss_trace_t *tr, tr_core_t *tc, uint32_t func, uint32_t ret, uint64_t t)
{
    if (tc->depth == TR_MAX_DEPTH) {
        tc->overflow++;
        return;
    }
    tc->stack[tc->depth++] = (tr_frame_t){func, ret, t, 0};
    tr_stat_t *s = stat_of(tc, func);
    s->calls++;
    s->active++;
}

static void pop(iss_trace_t *tr, tr_core_t *tc, uint32_t core, uint64_t t, bool force)
{
    tr_frame_t *f = &tc->stack[--tc->depth];
    uint64_t dur = t - f->start;
    tr_stat_t *s = stat_of(tc, f->func);
    s->excl += dur - f->child;
    if (--s->active == 0)
        s->incl += dur;              /* recursion: the outermost frame counts */
    if (tc->depth)
        tc->stack[tc->depth - 1].child += dur;
    if (tr->cfg.it_mode == IT_FUNCTION && tc->it_inside && tc->depth == tc->it_depth)
        tc->it_inside = false;
    span_done(tr, tc, core, tc->depth, f->func, f->start, t, force || tc->depth == 0);
}

/* Block entry with tracing: calls, returns and tail calls seen from the previous block. */
static void flow(iss_core_t *c, iss_trace_t *tr, tr_core_t *tc, uint32_t addr, uint64_t t)
{
    if (!tc->started) {
        tc->started = true;
        uint32_t f = func_of(tr, addr);
        push(tr, tc, f ? f : addr, 0xFFFFFFFFu, t);
    }
    switch (c->prev_flow) {
    case ISS_FLOW_CALL: {
        bool pushed = tc->depth < TR_MAX_DEPTH;
        push(tr, tc, addr, tc->prev_end, t);
        if (tr->cfg.it_mode == IT_FUNCTION && !tc->it_inside && addr == tr->cfg.it_func && pushed) {
            tc->it_inside = true;
            tc->it_depth = tc->depth - 1;
        }
        break;
    }
    case ISS_FLOW_RET:
        if (tc->overflow) {
            tc->overflow--;
            break;
        }
        for (uint32_t k = tc->depth; k-- > 1;)   /* the root frame is never returned from */
            if (tc->stack[k].ret == addr) {
                while (tc->depth > k)
                    pop(tr, tc, c->id, t, false);
                break;
            }
        break;
    case ISS_FLOW_JUMP:
        if (tc->depth > 1 && !tc->overflow && addr != tc->stack[tc->depth - 1].func &&
            is_func_entry(tr, addr)) {
            uint32_t ret = tc->stack[tc->depth - 1].ret;
            pop(tr, tc, c->id, t, false);
            push(tr, tc, addr, ret, t);
            if (tr->cfg.it_mode == IT_FUNCTION && !tc->it_inside && addr == tr->cfg.it_func) {
                tc->it_inside = true;
                tc->it_depth = tc->depth - 1;
            }
        }
        break;
    default:
        break;
    }
}

/* ---- instruction trace ---- */

/* Destination register of an instruction (0: none), from the ISA table. */
static uint32_t dest_reg(iss_cluster_t *cl, uint32_t w)
{
    isa_regs_t r;
    isa_regs(isa_lookup(w, cl->exts), w, &r);
    return r.rd;
}

static void it_append(iss_trace_t *tr, const iss_itrace_rec_t *r)
{
    if (tr->nit == tr->it_cap) {
        tr->it_cap = tr->it_cap ? 2 * tr->it_cap : 4096;
        tr->it = realloc(tr->it, tr->it_cap * sizeof *tr->it);
    }
    tr->it[tr->nit++] = *r;
}

/* Completes the pending record (its instruction has retired): the value of its destination. */
static void it_finish(iss_core_t *c, iss_trace_t *tr, tr_core_t *tc)
{
    if (!tc->it_has_pend)
        return;
    iss_itrace_rec_t *r = &tc->it_pend;
    if (r->rd)
        uc_reg_read(c->uc, UC_RISCV_REG_X0 + r->rd, &r->rd_value);
    it_append(tr, r);
    tc->it_has_pend = false;
}

static bool it_recording(iss_trace_t *tr, tr_core_t *tc)
{
    switch (tr->cfg.it_mode) {
    case IT_ALL: case IT_CYCLES: return true;   /* cycles: filtered per instruction */
    case IT_FUNCTION: return tc->it_inside;
    case IT_MARKERS: return tr->it_marker_state == 1;
    default: return false;
    }
}

static void it_code_hook(uc_engine *uc, uint64_t addr, uint32_t size, void *core)
{
    iss_core_t *c = core;
    iss_trace_t *tr = c->cl->trace;
    tr_core_t *tc = &tr->core[c->id];
    (void)uc;
    it_finish(c, tr, tc);
    if (!it_recording(tr, tc) || c->stop != STOP_NONE)
        return;
    uint32_t pc = (uint32_t)addr;
    uint64_t cycle = c->block_base + c->blk_stalls;
    if (pc > c->blk_addr && pc < c->blk_addr + c->blk_size) {
        iss_counts_t k;
        iss_range_counts(c, c->blk_addr, pc, &k);
        cycle += k.cycles;
    }
    if (tr->cfg.it_mode == IT_CYCLES && (cycle < tr->cfg.it_a || cycle >= tr->cfg.it_b))
        return;
    tr->it_total++;
    if (tr->it_total > tr->cfg.it_limit) {
        tr->it_dropped++;
        return;
    }
    uint32_t w = 0;
    iss_code_word(c->cl, pc, &w);
    tc->it_pend = (iss_itrace_rec_t){.cycle = cycle, .pc = pc, .insn = w, .core = (uint8_t)c->id,
                                     .rd = (uint8_t)dest_reg(c->cl, w)};
    tc->it_has_pend = true;
}

static void it_mem_hook(uc_engine *uc, uc_mem_type type, uint64_t addr, int size, int64_t value, void *core)
{
    iss_core_t *c = core;
    tr_core_t *tc = &c->cl->trace->core[c->id];
    (void)uc;
    if (!tc->it_has_pend || tc->it_pend.mem)
        return;
    tc->it_pend.mem = type == UC_MEM_WRITE ? 2 : 1;
    tc->it_pend.mem_size = (uint8_t)size;
    tc->it_pend.mem_addr = (uint32_t)addr;
    tc->it_pend.mem_value = type == UC_MEM_WRITE ? (uint32_t)value : 0;
}

/* Whether the per-instruction hook must be in place before the block at addr runs. */
static bool it_wants(iss_core_t *c, iss_trace_t *tr, tr_core_t *tc, iss_block_t *b, uint32_t addr)
{
    if (tr->it_total >= tr->cfg.it_limit)
        return false;
    switch (tr->cfg.it_mode) {
    case IT_ALL:
        return true;
    case IT_CYCLES:
        return c->cycles + b->cnt.cycles + TR_IT_SLACK >= tr->cfg.it_a && c->cycles < tr->cfg.it_b;
    case IT_FUNCTION:
        return tc->it_inside || (addr == tr->cfg.it_func &&
                                 (c->prev_flow == ISS_FLOW_CALL || c->prev_flow == ISS_FLOW_JUMP));
    case IT_MARKERS:
        return tr->it_marker_state == 1;
    default:
        return false;
    }
}

static void it_install(iss_core_t *c, tr_core_t *tc)
{
    uc_hook_add(c->uc, &tc->it_code, UC_HOOK_CODE, (void *)it_code_hook, c, 1, 0);
    uc_hook_add(c->uc, &tc->it_mem, UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE, (void *)it_mem_hook, c, 1, 0);
    uc_ctl_flush_tb(c->uc);              /* every translation must call them */
    tc->it_installed = true;
}

static void it_remove(iss_core_t *c, tr_core_t *tc)
{
    uc_hook_del(c->uc, tc->it_code);
    uc_hook_del(c->uc, tc->it_mem);
    uc_ctl_flush_tb(c->uc);              /* translations made with the hooks call them */
    tc->it_installed = false;
}

/* ---- hooks from the rest of the simulator ---- */

void iss_trace_block(iss_core_t *c, iss_block_t *b, uint32_t addr)
{
    iss_trace_t *tr = c->cl->trace;
    tr_core_t *tc = &tr->core[c->id];
    if (tr->cfg.it_mode && !tc->it_installed && it_wants(c, tr, tc, b, addr)) {
        tc->it_request = true;           /* iss_trace_before_slice installs the hooks */
        iss_core_stop(c, STOP_SLICE);
        return;
    }
    flow(c, tr, tc, addr, c->cycles);
    iss_block_enter(c, b, addr);
    c->prev_flow = b->last_flow;
    tc->prev_end = addr + b->size;
}

void iss_trace_before_slice(iss_core_t *c)
{
    iss_cluster_t *cl = c->cl;
    iss_trace_t *tr = cl->trace;
    tr_core_t *tc = &tr->core[c->id];
    if (tr->cfg.sample_cycles && c->cycles >= tr->next_sample) {
        uint32_t running = 0;
        uint64_t cont = 0, instret = 0;
        for (uint32_t i = 0; i < cl->cfg.num_cores; i++) {
            running += cl->cores[i].state == CORE_RUNNING;
            cont += cl->cores[i].cnt.tcdm_cont;
            instret += cl->cores[i].cnt.instret;
        }
        if (tr->cfg.events)
            emit(tr, ISS_TR_SAMPLE, 0, c->cycles, c->cycles, running, 0, cont, instret);
        tr->next_sample = (c->cycles / tr->cfg.sample_cycles + 1) * tr->cfg.sample_cycles;
    }
    if (!tr->cfg.it_mode)
        return;
    bool full = tr->it_total >= tr->cfg.it_limit;
    if (tc->it_installed) {
        bool keep = !full;
        switch (tr->cfg.it_mode) {
        case IT_CYCLES: keep = keep && c->cycles < tr->cfg.it_b; break;
        case IT_FUNCTION: keep = keep && tc->it_inside; break;
        case IT_MARKERS: keep = keep && tr->it_marker_state == 1; break;
        default: break;
        }
        if (!keep)
            it_remove(c, tc);
    } else if (tc->it_request && !full) {
        it_install(c, tc);
    }
    tc->it_request = false;
}

void iss_trace_after_slice(iss_core_t *c, int stop)
{
    iss_trace_t *tr = c->cl->trace;
    tr_core_t *tc = &tr->core[c->id];
    if (!tc->it_has_pend)
        return;
    /* an access that did not retire (it runs again), or a stop before the instruction */
    if ((stop == STOP_REPLAY || stop == STOP_BLOCKED || stop == STOP_FAULT || stop == STOP_DEBUG) &&
        c->pc == tc->it_pend.pc) {
        tc->it_has_pend = false;
        tr->it_total--;
        return;
    }
    it_finish(c, tr, tc);
}

void iss_trace_sleep(iss_core_t *c, uint64_t start, uint64_t end)
{
    iss_trace_t *tr = c->cl->trace;
    tr_core_t *tc = &tr->core[c->id];
    if (tc->depth)
        stat_of(tc, tc->stack[tc->depth - 1].func)->sleep += end - start;
    if (!tr->cfg.events || end == start)
        return;
    flush_merge(tr, tc, c->id, tc->depth);
    emit(tr, ISS_TR_SLEEP, c->id, start, end, c->wait, c->wait_arg, tc->depth, 0);
}

void iss_trace_marker(iss_cluster_t *cl, iss_core_t *c, uint32_t id)
{
    iss_trace_t *tr = cl->trace;
    (void)c;
    if (tr->cfg.it_mode != IT_MARKERS)
        return;
    if (tr->it_marker_state == 0 && id == tr->cfg.it_a)
        tr->it_marker_state = 1;
    else if (tr->it_marker_state == 1 && id == tr->cfg.it_b)
        tr->it_marker_state = 2;
}

static uint32_t intern(iss_trace_t *tr, const char *s)
{
    for (uint32_t i = 0; i < tr->nnames; i++)
        if (!strcmp(tr->names[i], s))
            return i;
    if (tr->nnames == tr->names_cap) {
        tr->names_cap = tr->names_cap ? 2 * tr->names_cap : 64;
        tr->names = realloc(tr->names, tr->names_cap * sizeof *tr->names);
    }
    snprintf(tr->names[tr->nnames], TR_NAME_MAX, "%s", s);
    return tr->nnames++;
}

/* CLUSTER_CTRL TRACE_BEGIN (a pointer to the span's name) and TRACE_END, at their exact time. */
void iss_trace_user(iss_core_t *c, bool begin, uint32_t ptr, uint32_t addr)
{
    iss_cluster_t *cl = c->cl;
    iss_trace_t *tr = cl->trace;
    char name[TR_NAME_MAX];
    if (begin) {
        uint32_t n = 0;
        for (; n < TR_NAME_MAX - 1; n++) {
            const char *p = iss_host_ptr(cl, ptr + n, 1);
            if (!p) {
                iss_fault(c, FAULT_PERIPH, addr, "TRACE_BEGIN: the span name at 0x%08x is not a "
                          "NUL-terminated string in the TCDM or L2", ptr);
                return;
            }
            if (!(name[n] = *p))
                break;
        }
        name[n] = 0;
    }
    if (!tr)
        return;
    tr_core_t *tc = &tr->core[c->id];
    uint64_t now = iss_core_now(c);
    if (begin) {
        if (tc->user_depth < TR_USER_DEPTH) {
            tc->user_name[tc->user_depth] = intern(tr, name);
            tc->user_start[tc->user_depth] = now;
        }
        tc->user_depth++;
    } else if (tc->user_depth) {
        uint32_t k = --tc->user_depth;
        if (k < TR_USER_DEPTH && tr->cfg.events)
            emit(tr, ISS_TR_USER, c->id, tc->user_start[k], now, tc->user_name[k], k, 0, 0);
    }
}

/* ---- Python's side ---- */

int iss_trace_enable(iss_cluster_t *cl, const iss_trace_config_t *cfg, const uint32_t *funcs, uint32_t nfuncs)
{
    if (cl->trace)
        return -1;
    iss_trace_t *tr = calloc(1, sizeof *tr);
    tr->cfg = *cfg;
    if (!tr->cfg.it_limit)
        tr->cfg.it_limit = UINT64_MAX;
    tr->funcs = malloc((nfuncs ? nfuncs : 1) * sizeof *tr->funcs);
    memcpy(tr->funcs, funcs, nfuncs * sizeof *funcs);
    tr->nfuncs = nfuncs;
    cl->trace = tr;
    for (uint32_t i = 0; i < cl->cfg.num_cores; i++)
        cl->cores[i].trace_on = true;
    return 0;
}

uint32_t iss_trace_take(iss_cluster_t *cl, iss_trace_event_t *out, uint32_t cap)
{
    iss_trace_t *tr = cl->trace;
    if (!tr)
        return 0;
    uint32_t n = tr->nev < cap ? tr->nev : cap;
    memcpy(out, tr->ev, (size_t)n * sizeof *out);
    memmove(tr->ev, tr->ev + n, (size_t)(tr->nev - n) * sizeof *out);
    tr->nev -= n;
    return n;
}

uint32_t iss_trace_pending(iss_cluster_t *cl) { return cl->trace ? cl->trace->nev : 0; }

uint64_t iss_itrace_take(iss_cluster_t *cl, iss_itrace_rec_t *out, uint64_t cap)
{
    iss_trace_t *tr = cl->trace;
    if (!tr)
        return 0;
    uint64_t n = tr->nit < cap ? tr->nit : cap;
    memcpy(out, tr->it, n * sizeof *out);
    memmove(tr->it, tr->it + n, (tr->nit - n) * sizeof *out);
    tr->nit -= n;
    return n;
}

uint64_t iss_itrace_pending(iss_cluster_t *cl) { return cl->trace ? cl->trace->nit : 0; }
uint64_t iss_itrace_dropped(iss_cluster_t *cl) { return cl->trace ? cl->trace->it_dropped : 0; }

/* The end of the run: every open frame and firmware span closes at its core's last cycle. */
void iss_trace_finish(iss_cluster_t *cl)
{
    iss_trace_t *tr = cl->trace;
    if (!tr)
        return;
    for (uint32_t i = 0; i < cl->cfg.num_cores; i++) {
        iss_core_t *c = &cl->cores[i];
        tr_core_t *tc = &tr->core[i];
        uint64_t end = c->cycles;   /* a core asleep at the end: when it fell asleep */
        if (tc->it_has_pend)
            it_finish(c, tr, tc);
        if (tc->it_installed)
            it_remove(c, tc);
        tc->overflow = 0;
        while (tc->depth)
            pop(tr, tc, i, end, true);
        flush_merge(tr, tc, i, 0);
        while (tc->user_depth) {
            uint32_t k = --tc->user_depth;
            if (k < TR_USER_DEPTH && tr->cfg.events)
                emit(tr, ISS_TR_USER, i, tc->user_start[k], end, tc->user_name[k], k, 0, 1);
        }
    }
}

uint32_t iss_trace_name(iss_cluster_t *cl, uint32_t id, char *buf, uint32_t cap)
{
    iss_trace_t *tr = cl->trace;
    if (!tr || id >= tr->nnames || !cap)
        return 0;
    snprintf(buf, cap, "%s", tr->names[id]);
    return (uint32_t)strlen(buf);
}

uint32_t iss_trace_stats(iss_cluster_t *cl, uint32_t core, uint32_t *func, uint64_t *calls, uint64_t *incl,
                         uint64_t *excl, uint64_t *sleep, uint32_t cap)
{
    iss_trace_t *tr = cl->trace;
    if (!tr || core >= cl->cfg.num_cores)
        return 0;
    tr_core_t *tc = &tr->core[core];
    uint32_t n = 0;
    for (uint32_t j = 0; tc->stats && j <= tc->stats_mask; j++) {
        tr_stat_t *s = &tc->stats[j];
        if (!s->used)
            continue;
        if (n < cap) {
            func[n] = s->func;
            calls[n] = s->calls;
            incl[n] = s->incl;
            excl[n] = s->excl;
            sleep[n] = s->sleep;
        }
        n++;
    }
    return n;
}

void iss_trace_free(iss_cluster_t *cl)
{
    iss_trace_t *tr = cl->trace;
    if (!tr)
        return;
    for (uint32_t i = 0; i < ISS_MAX_CORES; i++)
        free(tr->core[i].stats);
    free(tr->ev);
    free(tr->funcs);
    free(tr->names);
    free(tr->it);
    free(tr);
    cl->trace = NULL;
}
