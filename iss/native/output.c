/* Program output: per-core line buffers of the stdout registers, drained by Python. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iss_native.h"

static void out_append(iss_cluster_t *cl, const char *s, uint32_t n)
{
    if (cl->out_len + n > cl->out_cap) {
        uint32_t cap = cl->out_cap ? cl->out_cap : 4096;
        while (cap < cl->out_len + n)
            cap *= 2;
        cl->out = realloc(cl->out, cap);
        cl->out_cap = cap;
    }
    memcpy(cl->out + cl->out_len, s, n);
    cl->out_len += n;
}

static void flush_line(iss_cluster_t *cl, uint32_t core)
{
    iss_core_t *o = &cl->cores[core];
    if (cl->cfg.prefix_output) {
        char pre[16];
        int n = snprintf(pre, sizeof pre, "[core %u] ", core);
        out_append(cl, pre, (uint32_t)n);
    }
    out_append(cl, o->line, o->line_len);
    if (!o->line_len || o->line[o->line_len - 1] != '\n')
        out_append(cl, "\n", 1);
    o->line_len = 0;
}

void iss_output_char(iss_core_t *c, uint32_t core, char ch)
{
    iss_core_t *o = &c->cl->cores[core];
    o->line[o->line_len++] = ch;
    if (ch == '\n' || o->line_len == sizeof o->line)
        flush_line(c->cl, core);
}

void iss_output_flush_all(iss_cluster_t *cl)
{
    for (uint32_t i = 0; i < cl->cfg.num_cores; i++)
        if (cl->cores[i].line_len)
            flush_line(cl, i);
}

uint32_t iss_take_output(iss_cluster_t *cl, char *buf, uint32_t cap)
{
    uint32_t n = cl->out_len < cap ? cl->out_len : cap;
    memcpy(buf, cl->out, n);
    memmove(cl->out, cl->out + n, cl->out_len - n);
    cl->out_len -= n;
    return n;
}
