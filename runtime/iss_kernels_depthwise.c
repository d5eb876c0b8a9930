/*
 * Depthwise 3x3 convolution with the depthwise accelerator's semantics on the cores
 * (docs/kernels.md). Two versions, chosen at compile time, same bytes out for every shape.
 *
 * CORE-V (__riscv_xcvalu, clang-22): work items are (channel, pair of output rows). A pair is
 * swept along its rows with column words: one input column of the channel over the pair's 4
 * input rows (5 at stride 2), a byte per row from cv.lb with post-increment, packed by
 * cv.packlo.b + cv.packhi.b; one cv.sdotsp.b of a column word with a weight word (a kernel
 * column zero-extended to 4 lanes, shifted to the output row's lanes) is 3 MACs of one output.
 * Each column word serves both output rows and, at stride 1, three outputs of each: 18
 * instructions per 2 outputs at stride 1, 29 at stride 2, with no load-use stall. Bias,
 * rounding and shift are one cv.addrnr, the clip one cv.clip (cv.clipu with ReLU). The steps
 * are hardware loops nested in a hardware loop over the interior pairs of a channel; edge pairs
 * (padding rows, rows below the input, a single last row) zero the weight lanes of their
 * missing rows. Only bytes of `in` are read, so any c, h and w work. 7.3 / 6.2 / 4.2 MAC/cycle
 * on 8 cores on 28x28x192 s1, 14x14x384 s1, 28x28x144 s2 (benchmarks/kernels.py).
 *
 * RV32IMC: the work is split over (channel, output row) pairs, channel-major, so
 * every team size gets an even share whatever the shape. A row of one channel is swept with
 * the 9 weights and the running sums in registers: each input column is loaded once (3 lb;
 * an output pixel needs 1 new column at stride 1, 2 at stride 2) and each output costs 9 mul
 * + 9 add. Padding rows get zero weights (their pointer is any valid row); padding columns are
 * zero columns. The interior rows of a channel on a core run in one call of the row sweep.
 * There is no SIMD in RV32IMC and int8 x int8 products summed over 9 taps need 19 bits, so no
 * two-lanes trick as in the pointwise kernel: one mul per MAC.
 *
 * Both: a channel whose bias + rounding is within 2^18 of the int32 limits is computed in
 * 64 bits (dw_pixel64); bad arguments fail an assert (dw_check).
 */
#include "iss_kernels.h"
#include <assert.h>

/* Arguments the kernel (and the DWA) has no meaning for: a failed assert ends the run with
 * SIGABRT (exit code 134) and prints the condition with its message. */
static void dw_check(uint32_t h, uint32_t width, uint32_t stride, uint32_t pad, uint32_t shift)
{
    assert((stride == 1 || stride == 2) && "iss_depthwise3x3: stride must be 1 or 2");
    assert(pad <= 1 && "iss_depthwise3x3: pad must be 0 or 1");
    assert(shift <= 31 && "iss_depthwise3x3: shift must be 0-31");
    assert(h + 2 * pad >= 3 && width + 2 * pad >= 3 && "iss_depthwise3x3: input smaller than the 3x3 window");
    (void)h, (void)width, (void)stride, (void)pad, (void)shift;     /* NDEBUG builds */
}

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

#if defined(__riscv_xcvalu)
/* ---- CORE-V: column words of 4 (5) rows, cv.sdotsp.b along the kernel column ---- */
#include "iss_simd.h"

/* The pointers and weights of a sweep (offsets used in the assembly). */
struct dwc_set {
    const int8_t *p[5];     /*  0-16: input column 0 of the 4 (stride 1) or 5 (stride 2) rows */
    int8_t *o0, *o1;        /* 20 24: output column 0 of the two rows (o1 == o0: one row) */
    uint32_t k[9];          /* 28-60: weight words, see iss_depthwise3x3 */
};

/* One call: an edge pair (first), a run of `passes` interior pairs, an edge pair (last). */
struct dwc {
    struct dwc_set set[3];  /* 0 64 128: the first edge pair, the run, the last edge pair */
    int32_t bias;           /* 192 */
    uint32_t shift;         /* 196 */
    uint32_t cs;            /* 200: bytes between horizontally adjacent pixels (channels) */
    uint32_t pad;           /* 204 */
    uint32_t n;             /* 208: steps whose rightmost column is inside the input */
    uint32_t tail;          /* 212: 1: a last output whose right column is padding */
    uint32_t passes;        /* 216: interior pairs (0: none) */
    uint32_t in_adv, out_adv;   /* 220 224: from the end of a pair's input / output rows to the next pair's */
    uint32_t n2;            /* 228: stride 1: n / 2 (hardware loop iterations of 2 steps) */
    uint32_t first, last;   /* 232 236: 1: set[0] / set[2] is a pair to sweep */
};

void dwc_s1(struct dwc *r);
void dwc_s1_relu(struct dwc *r);
void dwc_s2(struct dwc *r);
void dwc_s2_relu(struct dwc *r);

/*
 * The pair sweeps. A column word is one input column of one channel over the pair's input
 * rows, a byte per row (4 cv.lb with post-increment + cv.packlo.b + cv.packhi.b); a
 * cv.sdotsp.b of it with a weight word gives a kernel column's 3 MACs for one output row.
 * Stride 1: rows r..r+3, output row y gets lanes 0-2 (ka = w0 w1 w2 0), row y+1 lanes 1-3
 * (kb = 0 w0 w1 w2); each column word ends one output of each row (k2), adds to the next (k1)
 * and starts the one after (k0, cv.dotsp.b: no init), two accumulators per row alternating:
 * 18 instructions for 2 outputs, no load-use stall. Stride 2: rows r..r+4; row y gets lanes
 * 0-2, row y+1 lanes 2-3 (kc = 0 0 w0 w1) and the fifth row by cv.mac (w2): 29 instructions
 * for 2 outputs. Requantization is cv.addrnr (acc + bias + 2^(shift-1)) >> shift, then
 * cv.clip (cv.clipu with ReLU: [0, 127]) and a cv.sb with post-increment; row y+1's byte is
 * stored first so that a single row (o1 == o0) ends with row y's. The step loops are hardware
 * loops; the whole function is 32-bit code (their bodies may not hold RVC instructions).
 * Stride 1 registers: a0-a3 rows, a4 pixel step, a5 a6 outputs, a7 bias, t6 shift, s0-s2 ka,
 * s3-s5 kb, s6 s7 / s8 s9 the two accumulator pairs, t0-t3 bytes, s10 the struct.
 * Stride 2: a0-a4 rows, a5 pixel step, a6 a7 outputs, s9 bias, s10 shift, s0-s2 ka, s3-s5
 * kc, s6-s8 w2, t6 ra accumulators, t0-t4 bytes, s11 the struct.
 */
__asm__(
    "    .pushsection .text.dwc,\"ax\",@progbits\n"
    "    .option push\n"
    "    .option norvc\n"
    "    .option norelax\n"
    "    .macro DWC_COL4\n"                     /* t0 = column word of rows a0-a3 */
    "    cv.lb t0, (a0), a4\n    cv.lb t1, (a1), a4\n    cv.lb t2, (a2), a4\n    cv.lb t3, (a3), a4\n"
    "    cv.packlo.b t0, t1, t0\n"
    "    cv.packhi.b t0, t3, t2\n"
    "    .endm\n"
    "    .macro DWC_COL5\n"                     /* t0 = column word of rows a0-a3, t4 = row a4 */
    "    cv.lb t0, (a0), a5\n    cv.lb t1, (a1), a5\n    cv.lb t2, (a2), a5\n    cv.lb t3, (a3), a5\n"
    "    cv.lb t4, (a4), a5\n"
    "    cv.packlo.b t0, t1, t0\n"
    "    cv.packhi.b t0, t3, t2\n"
    "    .endm\n"
    "    .macro DWC_OUT a, b, clip, oa, ob, bias, shift, step\n"   /* requantize, store b then a */
    "    cv.addrnr \\a, \\bias, \\shift\n"
    "    cv.addrnr \\b, \\bias, \\shift\n"
    "    \\clip \\a, \\a, 8\n"
    "    \\clip \\b, \\b, 8\n"
    "    cv.sb \\b, (\\ob), \\step\n"
    "    cv.sb \\a, (\\oa), \\step\n"
    "    .endm\n"
    "    .macro DWC_S1STEP aa, ab, ba, bb, clip\n"     /* a pair ends, b pair gets k1, a pair restarts */
    "    DWC_COL4\n"
    "    cv.sdotsp.b \\aa, t0, s2\n"
    "    cv.sdotsp.b \\ab, t0, s5\n"
    "    DWC_OUT \\aa, \\ab, \\clip, a5, a6, a7, t6, a4\n"
    "    cv.sdotsp.b \\ba, t0, s1\n"
    "    cv.sdotsp.b \\bb, t0, s4\n"
    "    cv.dotsp.b \\aa, t0, s0\n"
    "    cv.dotsp.b \\ab, t0, s3\n"
    "    .endm\n"
    "    .macro DWC_S2STEP clip\n"              /* a middle column, then a right/left one */
    "    DWC_COL5\n"
    "    cv.sdotsp.b t6, t0, s1\n"
    "    cv.sdotsp.b ra, t0, s4\n"
    "    cv.mac ra, t4, s7\n"
    "    DWC_COL5\n"
    "    cv.sdotsp.b t6, t0, s2\n"
    "    cv.sdotsp.b ra, t0, s5\n"
    "    cv.mac ra, t4, s8\n"
    "    DWC_OUT t6, ra, \\clip, a6, a7, s9, s10, a5\n"
    "    cv.dotsp.b t6, t0, s0\n"
    "    cv.dotsp.b ra, t0, s3\n"
    "    cv.mac ra, t4, s6\n"
    "    .endm\n"
    "    .macro DWC_SAVE\n"
    "    addi sp, sp, -64\n"
    "    sw s0, 0(sp)\n    sw s1, 4(sp)\n    sw s2, 8(sp)\n    sw s3, 12(sp)\n"
    "    sw s4, 16(sp)\n   sw s5, 20(sp)\n   sw s6, 24(sp)\n   sw s7, 28(sp)\n"
    "    sw s8, 32(sp)\n   sw s9, 36(sp)\n   sw s10, 40(sp)\n  sw s11, 44(sp)\n"
    "    sw ra, 48(sp)\n"
    "    .endm\n"
    "    .macro DWC_RESTORE\n"
    "    lw s0, 0(sp)\n    lw s1, 4(sp)\n    lw s2, 8(sp)\n    lw s3, 12(sp)\n"
    "    lw s4, 16(sp)\n   lw s5, 20(sp)\n   lw s6, 24(sp)\n   lw s7, 28(sp)\n"
    "    lw s8, 32(sp)\n   lw s9, 36(sp)\n   lw s10, 40(sp)\n  lw s11, 44(sp)\n"
    "    lw ra, 48(sp)\n"
    "    addi sp, sp, 64\n"
    "    ret\n"
    "    .endm\n"
    "    .macro DWC_NEXT s, again, done, ins, outs\n" /* next pair, if any: step the pointers */
    "    lw t4, 216(\\s)\n"
    "    addi t4, t4, -1\n"
    "    beqz t4, \\done\n"
    "    sw t4, 216(\\s)\n"
    "    lw t5, 220(\\s)\n"
    "    .irp r, \\ins\n"
    "    add \\r, \\r, t5\n"
    "    .endr\n"
    "    lw t5, 224(\\s)\n"
    "    .irp r, \\outs\n"
    "    add \\r, \\r, t5\n"
    "    .endr\n"
    "    j \\again\n"
    "    .endm\n"
    "    .macro DWC_S1PRO pad\n"                /* the columns before the steps */
    "    .if \\pad\n"
    "    DWC_COL4\n"                            /* pad 1: column 0 is output 0's middle one */
    "    cv.dotsp.b s6, t0, s1\n    cv.dotsp.b s7, t0, s4\n"
    "    cv.dotsp.b s8, t0, s0\n    cv.dotsp.b s9, t0, s3\n"
    "    .else\n"
    "    DWC_COL4\n"                            /* pad 0: column 0 starts output 0 ... */
    "    cv.dotsp.b s6, t0, s0\n    cv.dotsp.b s7, t0, s3\n"
    "    DWC_COL4\n"                            /* ... column 1 adds to it and starts output 1 */
    "    cv.sdotsp.b s6, t0, s1\n   cv.sdotsp.b s7, t0, s4\n"
    "    cv.dotsp.b s8, t0, s0\n    cv.dotsp.b s9, t0, s3\n"
    "    .endif\n"
    "    .endm\n"
    "    .macro DWC_S1ODD clip\n"               /* an odd step; the pending outputs back in s6 s7 */
    "    DWC_S1STEP s6, s7, s8, s9, \\clip\n"
    "    mv s6, s8\n    mv s7, s9\n"
    "    .endm\n"
    /* Nested hardware loops: loop 1 over the pairs, loop 0 over the step pairs (n / 2 >= 1);
     * the prologue, the odd step and the tail (pad 1) are fixed for the whole run. */
    "    .macro DWC_S1N clip, pad, odd\n"
    "    lw t5, 216(s10)\n"
    ISS_CV_SETUP(1, t5, 49f)
    "    lw t5, 228(s10)\n"
    "    DWC_S1PRO \\pad\n"
    ISS_CV_SETUP(0, t5, 48f)
    "    DWC_S1STEP s6, s7, s8, s9, \\clip\n"
    "    DWC_S1STEP s8, s9, s6, s7, \\clip\n"
    "48:\n"
    "    .if \\odd\n"
    "    DWC_S1ODD \\clip\n"
    "    .endif\n"
    "    .if \\pad\n"
    "    DWC_OUT s6, s7, \\clip, a5, a6, a7, t6, a4\n"   /* the right column is padding */
    "    .endif\n"
    "    lw t5, 220(s10)\n"
    "    add a0, a0, t5\n   add a1, a1, t5\n   add a2, a2, t5\n   add a3, a3, t5\n"
    "    lw t5, 224(s10)\n"
    "    add a5, a5, t5\n   add a6, a6, t5\n"
    "49:\n"
    "    j 8f\n"
    "    .endm\n"
    "    .macro DWC_S1PASS clip\n"              /* one pair, branches allowed */
    "    lw t5, 204(s10)\n"
    "    bnez t5, 11f\n"
    "    DWC_S1PRO 0\n"
    "    j 12f\n"
    "11: DWC_S1PRO 1\n"
    "12: lw t4, 208(s10)\n"
    "    srli t5, t4, 1\n"
    "    beqz t5, 13f\n"
    ISS_CV_SETUP(0, t5, 14f)
    "    DWC_S1STEP s6, s7, s8, s9, \\clip\n"
    "    DWC_S1STEP s8, s9, s6, s7, \\clip\n"
    "14:\n"
    "13: andi t4, t4, 1\n"
    "    beqz t4, 15f\n"
    "    DWC_S1ODD \\clip\n"
    "15: lw t4, 212(s10)\n"
    "    beqz t4, 16f\n"
    "    DWC_OUT s6, s7, \\clip, a5, a6, a7, t6, a4\n"   /* the right column is padding */
    "16:\n"
    "    .endm\n"
    "    .macro DWC_SET1 off\n"                 /* rows, outputs, weights of set[off / 64] */
    "    lw a0, \\off+0(s10)\n   lw a1, \\off+4(s10)\n   lw a2, \\off+8(s10)\n   lw a3, \\off+12(s10)\n"
    "    lw a5, \\off+20(s10)\n  lw a6, \\off+24(s10)\n"
    "    lw s0, \\off+28(s10)\n  lw s1, \\off+32(s10)\n  lw s2, \\off+36(s10)\n"
    "    lw s3, \\off+40(s10)\n  lw s4, \\off+44(s10)\n  lw s5, \\off+48(s10)\n"
    "    .endm\n"

    "    .macro DWC_S1 name, clip\n"
    "    .type \\name, @function\n"
    "    .balign 4\n"
    "\\name:\n"
    "    DWC_SAVE\n"
    "    mv s10, a0\n"
    "    lw a4, 200(s10)\n  lw a7, 192(s10)\n  lw t6, 196(s10)\n"
    "    lw t4, 232(s10)\n"
    "    beqz t4, 1f\n"
    "    DWC_SET1 0\n"                          /* the first edge pair */
    "    DWC_S1PASS \\clip\n"
    "1:  DWC_SET1 64\n"                         /* the run */
    "    lw t4, 228(s10)\n"
    "    lw t5, 216(s10)\n"
    "    beqz t5, 8f\n"
    "    beqz t4, 10f\n"                        /* fewer than 2 steps: a pair at a time */
    "    lw t4, 208(s10)\n"
    "    lw t5, 204(s10)\n"
    "    andi t4, t4, 1\n"
    "    bnez t5, 3f\n"
    "    bnez t4, 2f\n"
    "    DWC_S1N \\clip, 0, 0\n"
    "2:  DWC_S1N \\clip, 0, 1\n"
    "3:  bnez t4, 4f\n"
    "    DWC_S1N \\clip, 1, 0\n"
    "4:  DWC_S1N \\clip, 1, 1\n"
    "10: DWC_S1PASS \\clip\n"
    "    DWC_NEXT s10, 10b, 8f, \"a0, a1, a2, a3\", \"a5, a6\"\n"
    "8:  lw t4, 236(s10)\n"
    "    beqz t4, 9f\n"
    "    DWC_SET1 128\n"                        /* the last edge pair */
    "    DWC_S1PASS \\clip\n"
    "9:  DWC_RESTORE\n"
    "    .size \\name, .-\\name\n"
    "    .endm\n"

    "    .macro DWC_S2PRO pad\n"
    "    .if \\pad\n"
    "    li t6, 0\n    li ra, 0\n"              /* pad 1: output 0's left column is padding */
    "    .else\n"
    "    DWC_COL5\n"                            /* pad 0: column 0 starts output 0 */
    "    cv.dotsp.b t6, t0, s0\n    cv.dotsp.b ra, t0, s3\n    cv.mac ra, t4, s6\n"
    "    .endif\n"
    "    .endm\n"
    /* Nested hardware loops (n >= 1, no tail): loop 1 over the pairs, loop 0 over the steps. */
    "    .macro DWC_S2N clip, pad\n"
    "    lw t5, 216(s11)\n"
    ISS_CV_SETUP(1, t5, 59f)
    "    lw t5, 208(s11)\n"
    "    DWC_S2PRO \\pad\n"
    ISS_CV_SETUP(0, t5, 58f)
    "    DWC_S2STEP \\clip\n"
    "58:\n"
    "    lw t5, 220(s11)\n"
    "    add a0, a0, t5\n   add a1, a1, t5\n   add a2, a2, t5\n   add a3, a3, t5\n   add a4, a4, t5\n"
    "    lw t5, 224(s11)\n"
    "    add a6, a6, t5\n   add a7, a7, t5\n"
    "59:\n"
    "    j 8f\n"
    "    .endm\n"
    "    .macro DWC_S2PASS clip\n"              /* one pair, branches allowed */
    "    lw t5, 204(s11)\n"
    "    bnez t5, 21f\n"
    "    DWC_S2PRO 0\n"
    "    j 22f\n"
    "21: DWC_S2PRO 1\n"
    "22: lw t5, 208(s11)\n"
    "    beqz t5, 23f\n"
    ISS_CV_SETUP(0, t5, 24f)
    "    DWC_S2STEP \\clip\n"
    "24:\n"
    "23: lw t5, 212(s11)\n"
    "    beqz t5, 25f\n"
    "    DWC_COL5\n"                            /* the middle column; the right one is padding */
    "    cv.sdotsp.b t6, t0, s1\n   cv.sdotsp.b ra, t0, s4\n   cv.mac ra, t4, s7\n"
    "    DWC_OUT t6, ra, \\clip, a6, a7, s9, s10, a5\n"
    "25:\n"
    "    .endm\n"
    "    .macro DWC_SET2 off\n"
    "    lw a0, \\off+0(s11)\n   lw a1, \\off+4(s11)\n   lw a2, \\off+8(s11)\n   lw a3, \\off+12(s11)\n"
    "    lw a4, \\off+16(s11)\n  lw a6, \\off+20(s11)\n  lw a7, \\off+24(s11)\n"
    "    lw s0, \\off+28(s11)\n  lw s1, \\off+32(s11)\n  lw s2, \\off+36(s11)\n"
    "    lw s3, \\off+40(s11)\n  lw s4, \\off+44(s11)\n  lw s5, \\off+48(s11)\n"
    "    lw s6, \\off+52(s11)\n  lw s7, \\off+56(s11)\n  lw s8, \\off+60(s11)\n"
    "    .endm\n"

    "    .macro DWC_S2 name, clip\n"
    "    .type \\name, @function\n"
    "    .balign 4\n"
    "\\name:\n"
    "    DWC_SAVE\n"
    "    mv s11, a0\n"
    "    lw a5, 200(s11)\n  lw s9, 192(s11)\n  lw s10, 196(s11)\n"
    "    lw t4, 232(s11)\n"
    "    beqz t4, 1f\n"
    "    DWC_SET2 0\n"                          /* the first edge pair */
    "    DWC_S2PASS \\clip\n"
    "1:  DWC_SET2 64\n"                         /* the run */
    "    lw t5, 216(s11)\n"
    "    lw t4, 208(s11)\n"
    "    beqz t5, 8f\n"
    "    beqz t4, 20f\n"                        /* no steps or a tail: a pair at a time */
    "    lw t5, 212(s11)\n"
    "    bnez t5, 20f\n"
    "    lw t5, 204(s11)\n"
    "    bnez t5, 2f\n"
    "    DWC_S2N \\clip, 0\n"
    "2:  DWC_S2N \\clip, 1\n"
    "20: DWC_S2PASS \\clip\n"
    "    DWC_NEXT s11, 20b, 8f, \"a0, a1, a2, a3, a4\", \"a6, a7\"\n"
    "8:  lw t4, 236(s11)\n"
    "    beqz t4, 9f\n"
    "    DWC_SET2 128\n"                        /* the last edge pair */
    "    DWC_S2PASS \\clip\n"
    "9:  DWC_RESTORE\n"
    "    .size \\name, .-\\name\n"
    "    .endm\n"

    "    DWC_S1 dwc_s1, cv.clip\n"
    "    DWC_S1 dwc_s1_relu, cv.clipu\n"
    "    DWC_S2 dwc_s2, cv.clip\n"
    "    DWC_S2 dwc_s2_relu, cv.clipu\n"
    "    .globl dwc_s1\n    .globl dwc_s1_relu\n    .globl dwc_s2\n    .globl dwc_s2_relu\n"
    "    .purgem DWC_COL4\n    .purgem DWC_COL5\n    .purgem DWC_OUT\n    .purgem DWC_S1STEP\n"
    "    .purgem DWC_S2STEP\n    .purgem DWC_SAVE\n    .purgem DWC_RESTORE\n    .purgem DWC_NEXT\n"
    "    .purgem DWC_S1\n    .purgem DWC_S2\n    .purgem DWC_S1PRO\n    .purgem DWC_S1ODD\n"
    "    .purgem DWC_S1N\n    .purgem DWC_S2PRO\n    .purgem DWC_S2N\n    .purgem DWC_S1PASS\n"
    "    .purgem DWC_S2PASS\n    .purgem DWC_SET1\n    .purgem DWC_SET2\n"
    "    .option pop\n"
    "    .popsection\n");

/* The 4 bytes b0 (lane 0) .. b3 as a word. */
static inline uint32_t dwc_quad(int32_t b0, int32_t b1, int32_t b2, int32_t b3)
{
    return (uint8_t)b0 | (uint32_t)(uint8_t)b1 << 8 | (uint32_t)(uint8_t)b2 << 16 | (uint32_t)(uint8_t)b3 << 24;
}

/* The weight words of the channel whose 9 weights are wc[0], wc[c], ... (see below). Out of
 * line, as the edge pairs: the layer loop keeps its registers. */
static __attribute__((noinline)) void dwc_weights(struct dwc_set *r, const int8_t *wc, uint32_t c, uint32_t stride)
{
    int32_t t[9];
    for (int i = 0; i < 9; i++, wc += c)
        t[i] = *wc;
    for (int kx = 0; kx < 3; kx++) {
        r->k[kx] = dwc_quad(t[kx], t[3 + kx], t[6 + kx], 0);
        if (stride == 1) {
            r->k[3 + kx] = r->k[kx] << 8;
            r->k[6 + kx] = 0;
        } else {
            r->k[3 + kx] = dwc_quad(0, 0, t[kx], t[3 + kx]);
            r->k[6 + kx] = (uint32_t)t[6 + kx];
        }
    }
}

/* The layout of an edge pair (output rows y, y + 1), the same for every channel: rows outside
 * the input take a valid row's place (off: row offsets from the channel's input) and have their
 * weight lanes zeroed (m: masks of the weight words); a single last row (y + 1 == oh) stores
 * twice to row y (o1: offset of the second output row). */
struct dwc_edge {
    uint32_t off[5], m[9], o0, o1;
};

static __attribute__((noinline)) void dwc_edge_init(struct dwc_edge *e, uint32_t y, uint32_t h, uint32_t rowb,
                                                    uint32_t stride, uint32_t pad, uint32_t oh, uint32_t orow)
{
    uint32_t nrows = stride == 1 ? 4 : 5, valid = 0, m = 0, any = 0;
    int32_t iy0 = (int32_t)(y * stride) - (int32_t)pad;
    for (int i = 4; i >= 0; i--) {
        int32_t iy = iy0 + i;
        if ((uint32_t)i < nrows && iy >= 0 && iy < (int32_t)h) {
            valid |= 1u << i;
            any = (uint32_t)iy * rowb;
        }
    }
    for (uint32_t i = 0; i < 5; i++)
        e->off[i] = valid & (1u << i) ? (uint32_t)(iy0 + (int32_t)i) * rowb : any;
    for (uint32_t i = 0; i < 4; i++)
        if (valid & (1u << i))
            m |= 0xffu << (8 * i);
    for (int i = 0; i < 9; i++)
        e->m[i] = i < 6 ? m : valid & 16 ? ~0u : 0;
    e->o0 = y * orow;
    e->o1 = y + 1 < oh ? e->o0 + orow : e->o0;
}

/* Set d for edge pair e of the channel whose input is cin, output cout, weights k. */
static inline void dwc_edge_set(struct dwc_set *d, const struct dwc_edge *e, const uint32_t *k, const int8_t *cin,
                                int8_t *cout)
{
    for (int i = 0; i < 5; i++)
        d->p[i] = cin + e->off[i];
    for (int i = 0; i < 9; i++)
        d->k[i] = k[i] & e->m[i];
    d->o0 = cout + e->o0;
    d->o1 = cout + e->o1;
}

/*
 * Work items are (channel, pair of output rows), channel-major, sliced over the team. The
 * weight words of a channel: stride 1 k[kx] = ka (w[0][kx] w[1][kx] w[2][kx] 0), k[3 + kx] =
 * kb = ka << 8; stride 2 k[kx] = ka, k[3 + kx] = kc (0 0 w[0][kx] w[1][kx]), k[6 + kx] =
 * w[2][kx]. Pairs [jlo, jhi) have all their input rows inside the input and two output rows:
 * a run of them is one call. The others are edge pairs (dwc_edge).
 */
void iss_depthwise3x3(const int8_t *in, int8_t *out, const int8_t *w, const int32_t *bias, uint32_t h,
                      uint32_t width, uint32_t c, uint32_t stride, uint32_t pad, uint32_t shift, int relu)
{
    dw_check(h, width, stride, pad, shift);
    if (!c) {
        iss_barrier();
        return;
    }
    uint32_t oh = (h + 2 * pad - 3) / stride + 1, ow = (width + 2 * pad - 3) / stride + 1;
    /* outputs whose rightmost window column x * stride + 2 - pad is inside the input */
    uint32_t nfull = width + pad >= 3 ? (width + pad - 3) / stride + 1 : 0;
    if (nfull > ow)
        nfull = ow;
    const uint32_t nrows = stride == 1 ? 4 : 5, npairs = (oh + 1) / 2, rowb = width * c, orow = ow * c;
    struct dwc r;
    r.cs = c;
    r.shift = shift;
    r.pad = pad;
    r.n = nfull;
    r.tail = ow > nfull;
    r.n2 = nfull / 2;
    /* input columns a sweep consumes (post-increments), see the prologues */
    uint32_t cols = stride == 1 ? 2 - pad + nfull : 1 - pad + 2 * nfull + r.tail;
    r.in_adv = 2 * stride * rowb - cols * c;
    r.out_adv = orow;                           /* a row of outputs on from the end of the other */
    void (*sweep)(struct dwc *) = stride == 1 ? (relu ? dwc_s1_relu : dwc_s1) : (relu ? dwc_s2_relu : dwc_s2);
    /* interior pairs: j >= 1 (or 0 without padding) and 2 j stride - pad + nrows <= h, 2 j + 2 <= oh */
    uint32_t jlo = pad, jhi = 0;
    if (h + pad >= nrows && oh >= 2) {
        jhi = (h + pad - nrows) / (2 * stride) + 1;
        if (jhi > oh / 2)
            jhi = oh / 2;
    }
    /* the edge pairs of the first and last pairs (any other edge pair: computed when met) */
    struct dwc_edge top, bottom, other;
    dwc_edge_init(&top, 0, h, rowb, stride, pad, oh, orow);
    dwc_edge_init(&bottom, 2 * (npairs - 1), h, rowb, stride, pad, oh, orow);
    /* |sum of 9 products| <= 147456 < 2^18: cv.addrnr's 32-bit acc + bias + rounding is exact
     * unless bias + rounding is within 2^18 of the limits: biases outside [blo, bhi] take the
     * 64-bit path */
    const int64_t round = shift ? (int64_t)1 << (shift - 1) : 0;
    int64_t blo64 = (int64_t)INT32_MIN + (1 << 18) - round, bhi64 = (int64_t)INT32_MAX - (1 << 18) - round;
    const int32_t blo = blo64 < INT32_MIN ? INT32_MIN : (int32_t)blo64, bhi = (int32_t)bhi64;
    uint32_t first, last;
    iss_slice(npairs * c, iss_core_id(), iss_team_size(), &first, &last);
    uint32_t ch = first / npairs, j = first % npairs;
    for (uint32_t item = first; item < last; ch++, j = 0) {
        /* this channel's pairs on this core: [j, jend) */
        uint32_t jend = last - item < npairs - j ? j + (last - item) : npairs;
        item += jend - j;
        int32_t b = bias ? bias[ch] : 0;
        if (b < blo || b > bhi) {
            for (uint32_t y = 2 * j; y < 2 * jend && y < oh; y++)
                for (uint32_t x = 0; x < ow; x++)
                    out[(y * ow + x) * c + ch] = dw_pixel64(in, w, b, h, width, c, stride, pad, shift,
                                                            relu ? 0 : -128, y, x, ch);
            continue;
        }
        r.bias = b;
        dwc_weights(&r.set[1], w + ch, c, stride);
        const int8_t *cin = in + ch;
        int8_t *cout = out + ch;
        while (j < jend) {
            /* one call: an edge pair, the interior pairs after it, an edge pair after them */
            r.first = j < jlo || j >= jhi;
            if (r.first) {
                const struct dwc_edge *e = &top;
                if (j == npairs - 1) {
                    e = &bottom;
                } else if (j) {
                    dwc_edge_init(&other, 2 * j, h, rowb, stride, pad, oh, orow);
                    e = &other;
                }
                dwc_edge_set(&r.set[0], e, r.set[1].k, cin, cout);
                j++;
            }
            r.passes = 0;
            if (j >= jlo && j < jhi && j < jend) {
                const int8_t *p = cin + (2 * j * stride - pad) * rowb;
                for (uint32_t i = 0; i < 5; i++, p += rowb)
                    r.set[1].p[i] = p;          /* p[4] unused at stride 1 */
                r.set[1].o0 = cout + 2 * j * orow;
                r.set[1].o1 = r.set[1].o0 + orow;
                r.passes = (jend < jhi ? jend : jhi) - j;
                j += r.passes;
            }
            r.last = j < jend && j >= jhi;
            if (r.last) {
                const struct dwc_edge *e = &bottom;
                if (j != npairs - 1) {
                    dwc_edge_init(&other, 2 * j, h, rowb, stride, pad, oh, orow);
                    e = &other;
                }
                dwc_edge_set(&r.set[2], e, r.set[1].k, cin, cout);
                j++;
            }
            sweep(&r);
        }
    }
    iss_barrier();
}

#else

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

void iss_depthwise3x3(const int8_t *in, int8_t *out, const int8_t *w, const int32_t *bias, uint32_t h,
                      uint32_t width, uint32_t c, uint32_t stride, uint32_t pad, uint32_t shift, int relu)
{
    struct dw_row r;
    dw_check(h, width, stride, pad, shift);
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
#endif
