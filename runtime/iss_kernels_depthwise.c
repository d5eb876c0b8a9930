/*
 * Depthwise 3x3 convolution with the depthwise accelerator's semantics on the cores
 * (docs/kernels.md). The work is split over (channel, output row) pairs, channel-major, so
 * every team size gets an even share whatever the shape. A row of one channel is swept with
 * the 9 weights and the running sums in registers: each input column is loaded once (3 lb;
 * an output pixel needs 1 new column at stride 1, 2 at stride 2) and each output costs 9 mul
 * + 9 add. Padding rows get zero weights (their pointer is any valid row); padding columns are
 * zero columns. The interior rows of a channel on a core run in one call of the row sweep.
 *
 * There is no SIMD in RV32IMC and int8 x int8 products summed over 9 taps need 19 bits, so no
 * two-lanes trick as in the pointwise kernel: one mul per MAC.
 */
#include "iss_kernels.h"

/* One output row of one channel for the assembly row functions (offsets used there). */
struct dw_row {
    const int8_t *p0, *p1, *p2;     /*  0  4  8: input column 0 of the three input rows */
    int8_t *o;                      /* 12: output column 0 */
    const int32_t *k;               /* 16: the 9 weights, kernel row-major (zero for padding rows) */
    int32_t init;                   /* 20: bias + rounding term */
    uint32_t cs;                    /* 24: bytes between horizontally adjacent pixels (channels) */
    uint32_t shift;                 /* 28 */
    int32_t lo;                     /* 32: -128, or 0 with ReLU */
    uint32_t range;                 /* 36: 127 - lo */
    uint32_t pad;                   /* 40 */
    uint32_t n;                     /* 44: iterations of the unrolled loop */
    uint32_t rem;                   /* 48: steady steps after it */
    uint32_t tail;                  /* 52: 1: a last output whose right column is padding */
    uint32_t rows;                  /* 56: rows to sweep (>= 1), the next ones in_step/out_step further */
    uint32_t in_step, out_step;     /* 60 64 */
};

void dw_row_s1(const struct dw_row *r);
void dw_row_s2(const struct dw_row *r);

/*
 * The row sweeps, output-stationary: the 9 weights (s0-s8) and the running sums (s9-s11) in
 * registers; each input column (t0-t2) is loaded once and multiplied by the three kernel
 * columns: its right products end one output, its middle ones add to the next, its left ones
 * start the one after (stride 1; at stride 2 an odd column is a middle, an even one a right
 * and a left). In assembly because GCC spills weights at every pixel. The clip to [lo, 127] is
 * a not-taken branch in the common case, its code out of line (subsection 1).
 * Registers: a0-a2 input pointers, a3 output, a4 pixel step, a5 init, a6 shift, a7 lo,
 * t4 range, t5 loop count, t3/t6 scratch; the struct pointer at 48(sp). Rows after the
 * first are `in_step` and `out_step` bytes further: the struct's pointers are stepped.
 */
__asm__(
    "    .pushsection .text.dw_row,\"ax\",@progbits\n"
    "    .macro DWLOAD\n"
    "    lb   t0, 0(a0)\n    lb   t1, 0(a1)\n    lb   t2, 0(a2)\n"
    "    add  a0, a0, a4\n  add  a1, a1, a4\n  add  a2, a2, a4\n"
    "    .endm\n"
    "    .macro DWACC r, k0, k1, k2\n"         /* r += column . kernel column */
    "    mul  t3, t0, \\k0\n    add \\r, \\r, t3\n"
    "    mul  t3, t1, \\k1\n    add \\r, \\r, t3\n"
    "    mul  t3, t2, \\k2\n    add \\r, \\r, t3\n"
    "    .endm\n"
    "    .macro DWSTART r\n"                    /* r = init + column . left kernel column */
    "    mul  \\r, t0, s0\n    add \\r, \\r, a5\n"
    "    mul  t3, t1, s3\n    add \\r, \\r, t3\n"
    "    mul  t3, t2, s6\n    add \\r, \\r, t3\n"
    "    .endm\n"
    "    .macro DWSTORE r\n"                    /* requantize r, store it, next output */
    "    sra  \\r, \\r, a6\n"
    "    sub  t6, \\r, a7\n"
    "    bltu t4, t6, .Ldwclip\\@\n"
    ".Ldwback\\@:\n"
    "    sb   \\r, 0(a3)\n"
    "    add  a3, a3, a4\n"
    "    .subsection 1\n"
    ".Ldwclip\\@:\n"
    "    blt  \\r, a7, .Ldwlo\\@\n"
    "    li   \\r, 127\n"
    "    j    .Ldwback\\@\n"
    ".Ldwlo\\@:\n"
    "    mv   \\r, a7\n"
    "    j    .Ldwback\\@\n"
    "    .subsection 0\n"
    "    .endm\n"
    "    .macro DWSTEP f, m, n\n"               /* stride 1: one column ends f, adds to m, starts n */
    "    DWLOAD\n"
    "    DWACC \\f, s2, s5, s8\n"
    "    DWACC \\m, s1, s4, s7\n"
    "    DWSTART \\n\n"
    "    DWSTORE \\f\n"
    "    .endm\n"
    "    .macro DWPAIR\n"                       /* stride 2: a middle column, then a right/left one */
    "    DWLOAD\n"
    "    DWACC s9, s1, s4, s7\n"
    "    DWLOAD\n"
    "    DWACC s9, s2, s5, s8\n"
    "    DWSTORE s9\n"
    "    DWSTART s9\n"
    "    .endm\n"
    "    .macro DWENTER\n"                      /* save, load the weights; the struct pointer at 48(sp) */
    "    addi sp, sp, -64\n"
    "    sw   s0, 0(sp)\n    sw s1, 4(sp)\n    sw s2, 8(sp)\n    sw s3, 12(sp)\n"
    "    sw   s4, 16(sp)\n   sw s5, 20(sp)\n   sw s6, 24(sp)\n   sw s7, 28(sp)\n"
    "    sw   s8, 32(sp)\n   sw s9, 36(sp)\n   sw s10, 40(sp)\n  sw s11, 44(sp)\n"
    "    sw   a0, 48(sp)\n"
    "    lw   t6, 16(a0)\n"
    "    lw   s0, 0(t6)\n    lw s1, 4(t6)\n    lw s2, 8(t6)\n    lw s3, 12(t6)\n"
    "    lw   s4, 16(t6)\n   lw s5, 20(t6)\n   lw s6, 24(t6)\n   lw s7, 28(t6)\n"
    "    lw   s8, 32(t6)\n"
    "    lw   a5, 20(a0)\n   lw a4, 24(a0)\n   lw a6, 28(a0)\n   lw a7, 32(a0)\n"
    "    lw   t4, 36(a0)\n"
    "    .endm\n"
    "    .macro DWROW\n"                        /* a row: pointers, count; s9 = output 0 with its left column */
    "    lw   t6, 48(sp)\n"
    "    lw   t5, 44(t6)\n   lw a3, 12(t6)\n   lw a0, 0(t6)\n    lw a1, 4(t6)\n"
    "    lw   a2, 8(t6)\n    lw t6, 40(t6)\n"
    "    mv   s9, a5\n"                         /* padding: the left column is zero */
    "    bnez t6, 1f\n"
    "    DWLOAD\n"
    "    DWSTART s9\n"
    "1:\n"
    "    .endm\n"
    "    .macro DWNEXT again\n"                 /* next row, if any: step the struct's pointers */
    "    lw   t6, 48(sp)\n"
    "    lw   t5, 56(t6)\n   lw t3, 60(t6)\n   lw a0, 0(t6)\n    lw a1, 4(t6)\n"
    "    lw   a2, 8(t6)\n    lw a3, 12(t6)\n"
    "    addi t5, t5, -1\n"
    "    add  a0, a0, t3\n   add a1, a1, t3\n   add a2, a2, t3\n"
    "    lw   t3, 64(t6)\n"
    "    sw   t5, 56(t6)\n   sw a0, 0(t6)\n    sw a1, 4(t6)\n    sw a2, 8(t6)\n"
    "    add  a3, a3, t3\n"
    "    sw   a3, 12(t6)\n"
    "    bnez t5, \\again\n"
    "    .endm\n"
    "    .macro DWLEAVE\n"
    "    lw   s0, 0(sp)\n    lw s1, 4(sp)\n    lw s2, 8(sp)\n    lw s3, 12(sp)\n"
    "    lw   s4, 16(sp)\n   lw s5, 20(sp)\n   lw s6, 24(sp)\n   lw s7, 28(sp)\n"
    "    lw   s8, 32(sp)\n   lw s9, 36(sp)\n   lw s10, 40(sp)\n  lw s11, 44(sp)\n"
    "    addi sp, sp, 64\n"
    "    ret\n"
    "    .endm\n"

    /* stride 1: n iterations of 3 steps, rem (0-2) steps, then the tail */
    "    .type dw_row_s1, @function\n"
    "    .align 2\n"
    "dw_row_s1:\n"
    "    DWENTER\n"
    "0:  DWROW\n"
    "    DWLOAD\n"                              /* s9 = output 0 (left, middle), s10 = output 1 (left) */
    "    DWACC s9, s1, s4, s7\n"
    "    DWSTART s10\n"
    "    beqz t5, 3f\n"
    "2:  DWSTEP s9, s10, s11\n"
    "    DWSTEP s10, s11, s9\n"
    "    DWSTEP s11, s9, s10\n"
    "    addi t5, t5, -1\n"
    "    bnez t5, 2b\n"
    "3:  lw   t6, 48(sp)\n"
    "    lw   t6, 48(t6)\n"                     /* rem */
    "    beqz t6, 5f\n"
    "    DWSTEP s9, s10, s11\n"
    "    lw   t6, 48(sp)\n"
    "    lw   t6, 48(t6)\n"
    "    addi t6, t6, -2\n"
    "    bnez t6, 4f\n"
    "    DWSTEP s10, s11, s9\n"
    "    mv   s9, s11\n"                        /* the pending output */
    "    j    5f\n"
    "4:  mv   s9, s10\n"
    "5:  lw   t6, 48(sp)\n"
    "    lw   t6, 52(t6)\n"                     /* tail */
    "    beqz t6, 6f\n"
    "    DWSTORE s9\n"                          /* its right column is padding */
    "6:  DWNEXT 0b\n"
    "    DWLEAVE\n"
    "    .size dw_row_s1, .-dw_row_s1\n"

    /* stride 2: n iterations of 2 outputs, rem (0-1) outputs, then the tail */
    "    .type dw_row_s2, @function\n"
    "    .align 2\n"
    "dw_row_s2:\n"
    "    DWENTER\n"
    "0:  DWROW\n"
    "    beqz t5, 3f\n"
    "2:  DWPAIR\n"
    "    DWPAIR\n"
    "    addi t5, t5, -1\n"
    "    bnez t5, 2b\n"
    "3:  lw   t6, 48(sp)\n"
    "    lw   t6, 48(t6)\n"                     /* rem */
    "    beqz t6, 4f\n"
    "    DWPAIR\n"
    "4:  lw   t6, 48(sp)\n"
    "    lw   t6, 52(t6)\n"                     /* tail */
    "    beqz t6, 5f\n"
    "    DWLOAD\n"                              /* the middle column; the right one is padding */
    "    DWACC s9, s1, s4, s7\n"
    "    DWSTORE s9\n"
    "5:  DWNEXT 0b\n"
    "    DWLEAVE\n"
    "    .size dw_row_s2, .-dw_row_s2\n"
    "    .purgem DWLOAD\n    .purgem DWACC\n    .purgem DWSTART\n    .purgem DWSTORE\n"
    "    .purgem DWSTEP\n    .purgem DWPAIR\n    .purgem DWENTER\n    .purgem DWROW\n"
    "    .purgem DWNEXT\n    .purgem DWLEAVE\n"
    "    .popsection\n");

/* Exact int64 output (y, x) of channel ch, for biases too large for the 32-bit rows. */
static int8_t dw_pixel64(const int8_t *in, const int8_t *w, int64_t bias, uint32_t h, uint32_t width,
                         uint32_t c, uint32_t stride, uint32_t pad, uint32_t shift, int32_t lo,
                         uint32_t y, uint32_t x, uint32_t ch)
{
    int64_t acc = bias;
    for (int ky = 0; ky < 3; ky++) {
        int32_t iy = (int32_t)(y * stride) + ky - (int32_t)pad;
        if (iy < 0 || iy >= (int32_t)h)
            continue;
        for (int kx = 0; kx < 3; kx++) {
            int32_t ix = (int32_t)(x * stride) + kx - (int32_t)pad;
            if (ix < 0 || ix >= (int32_t)width)
                continue;
            acc += (int32_t)in[((uint32_t)iy * width + (uint32_t)ix) * c + ch] * (int32_t)w[(ky * 3 + kx) * c + ch];
        }
    }
    if (shift)
        acc = (acc + ((int64_t)1 << (shift - 1))) >> shift;
    if (acc < lo)
        acc = lo;
    if (acc > 127)
        acc = 127;
    return (int8_t)acc;
}

void iss_depthwise3x3(const int8_t *in, int8_t *out, const int8_t *w, const int32_t *bias, uint32_t h,
                      uint32_t width, uint32_t c, uint32_t stride, uint32_t pad, uint32_t shift, int relu)
{
    struct dw_row r;
    if (h + 2 * pad < 3 || width + 2 * pad < 3 || !c) {    /* no output (the DWA refuses these) */
        iss_barrier();
        return;
    }
    uint32_t oh = (h + 2 * pad - 3) / stride + 1, ow = (width + 2 * pad - 3) / stride + 1;
    /* outputs whose rightmost window column x * stride + 2 - pad is inside the input */
    uint32_t nfull = width + pad >= 3 ? (width + pad - 3) / stride + 1 : 0;
    if (nfull > ow)
        nfull = ow;
    r.cs = c;
    r.shift = shift;
    r.lo = relu ? 0 : -128;
    r.range = (uint32_t)(127 - r.lo);
    r.pad = pad;
    r.n = nfull / (stride == 1 ? 3 : 2);
    r.rem = nfull % (stride == 1 ? 3 : 2);
    r.tail = ow > nfull;
    r.in_step = stride * width * c;
    r.out_step = ow * c;
    void (*row)(const struct dw_row *) = stride == 1 ? dw_row_s1 : dw_row_s2;
    /* rows whose three input rows are inside the input: [pad, y_in_end) */
    uint32_t y_in_end = h + pad >= 3 ? (h + pad - 3) / stride + 1 : 0;
    if (y_in_end > oh)
        y_in_end = oh;
    uint32_t first, last;
    int32_t kc[9], kr[9];
    int wide = 0;                               /* this channel's bias needs 64 bits */
    const int64_t round = shift ? (int64_t)1 << (shift - 1) : 0;
    iss_slice(oh * c, iss_core_id(), iss_team_size(), &first, &last);
    uint32_t ch = first / oh, y = first % oh;
    for (uint32_t item = first; item < last; item++, y++) {
        if (item == first || y == oh) {
            if (item != first) {
                y = 0;
                ch++;
            }
            for (int t = 0; t < 9; t++)
                kc[t] = w[t * c + ch];
            /* |sum of 9 products| <= 147456 < 2^18: 32 bits hold init + sum unless init is near the limits */
            int64_t init64 = (bias ? bias[ch] : 0) + round;
            wide = init64 > INT32_MAX - (1 << 18) || init64 < INT32_MIN + (1 << 18);
            r.init = (int32_t)init64;
        }
        int8_t *o = out + y * ow * c + ch;
        if (wide) {
            for (uint32_t x = 0; x < ow; x++, o += c)
                *o = dw_pixel64(in, w, bias[ch], h, width, c, stride, pad, shift, r.lo, y, x, ch);
            continue;
        }
        /* input rows y*stride - pad + 0..2; a padding row takes a valid row's place with zero weights */
        int32_t iy0 = (int32_t)(y * stride) - (int32_t)pad;
        const int8_t *rows[3] = {0, 0, 0};
        int valid = 0;
        for (int t = 0; t < 3; t++) {
            int32_t iy = iy0 + t;
            if (iy >= 0 && iy < (int32_t)h) {
                rows[t] = in + (uint32_t)iy * width * c + ch;
                valid |= 1 << t;
            }
        }
        r.k = kc;
        r.rows = 1;
        if (valid != 7) {
            const int8_t *any = valid & 2 ? rows[1] : valid & 1 ? rows[0] : rows[2];
            for (int t = 0; t < 3; t++) {
                if (!(valid & (1 << t)))
                    rows[t] = any;
                for (int kx = 0; kx < 3; kx++)
                    kr[t * 3 + kx] = valid & (1 << t) ? kc[t * 3 + kx] : 0;
            }
            r.k = kr;
        } else {
            /* the following interior rows of this channel on this core run in the same call */
            uint32_t stop = (ch + 1) * oh < last ? oh : last - ch * oh;
            if (stop > y_in_end)
                stop = y_in_end;
            if (stop > y + 1) {
                r.rows = stop - y;
                item += r.rows - 1;
                y += r.rows - 1;
            }
        }
        r.p0 = rows[0];
        r.p1 = rows[1];
        r.p2 = rows[2];
        r.o = o;
        row(&r);
    }
    iss_barrier();
}
