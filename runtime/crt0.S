/*
 * Start-up code: every core of the cluster starts here. It sets gp, its stack
 * and its TLS block; core 0 also initialises .data and .bss. The rest (event
 * unit set-up, main, worker loop) is iss_start() in iss_rt.c.
 */
    .section .text.init, "ax", @progbits
    .globl _start
    .type _start, @function
_start:
    /* No relaxation here: gp is not set yet, so nothing may be made gp-relative. */
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop

    csrr    s0, mhartid
    andi    s0, s0, 0x1f                /* s0 = core id, kept for iss_start */

    /* link.ld has stacks and TLS blocks for __iss_max_cores cores only. */
    lui     t0, %hi(__iss_max_cores)
    addi    t0, t0, %lo(__iss_max_cores)
    bgeu    s0, t0, .Lpark

    /* sp = __stack_top - core * __iss_stack_size */
    lui     t0, %hi(__iss_stack_size)
    addi    t0, t0, %lo(__iss_stack_size)
    mul     t0, t0, s0
    la      sp, __stack_top
    sub     sp, sp, t0

    /* tp = __tls_area + core * __tls_stride (RISC-V TLS: variables at tp + offset) */
    lui     t0, %hi(__tls_stride)
    addi    t0, t0, %lo(__tls_stride)
    mul     t0, t0, s0
    la      tp, __tls_area
    add     tp, tp, t0

    /* Zero this core's block (the .tbss part), then copy the .tdata template to its start. */
    mv      a1, tp
    lui     t0, %hi(__tls_stride)
    addi    t0, t0, %lo(__tls_stride)
    add     a2, tp, t0
    call    .Lzero
    la      a0, __tdata_lma
    lui     t0, %hi(__tdata_size)
    addi    t0, t0, %lo(__tdata_size)
    add     a1, a0, t0
    mv      a2, tp
    /* Byte copy: the template size need not be a multiple of 4 (it is often 0). */
1:  bgeu    a0, a1, 2f
    lbu     t0, 0(a0)
    sb      t0, 0(a2)
    addi    a0, a0, 1
    addi    a2, a2, 1
    j       1b
2:

    bnez    s0, .Lstart

    /* Core 0: .data from its load image in L2, then .bss (the other cores wait in iss_start). */
    la      a0, __data_lma
    la      a1, __data_start
    la      a2, __data_end
1:  bgeu    a1, a2, 2f
    lw      t0, 0(a0)
    sw      t0, 0(a1)
    addi    a0, a0, 4
    addi    a1, a1, 4
    j       1b
2:  la      a1, __bss_start
    la      a2, __bss_end
    call    .Lzero

.Lstart:
    mv      a0, s0
    tail    iss_start

.Lpark:
    wfi
    j       .Lpark

/* Zero words from a1 up to a2 (exclusive). */
.Lzero:
    bgeu    a1, a2, 2f
1:  sw      zero, 0(a1)
    addi    a1, a1, 4
    bltu    a1, a2, 1b
2:  ret

    .size _start, . - _start
