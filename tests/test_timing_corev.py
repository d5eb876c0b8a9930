"""Cycles of the CORE-V extensions, each asserted against the CV32E40P RTL.

Source: ../shared/reference/cv32e40p/README.md, "CORE-V extensions (COREV_PULP=1)" table,
measured on the RTL (Verilator) with the method used here: the body runs in
`loop: BODY; addi a4, a4, -1; bnez a4, loop` for 1000 and 2000 iterations, mcycle is read
around the loop and cycles per iteration = (c2000 - c1000) / 1000, the loop overhead (4)
included. Data is in the TCDM (no wait states, like the RTL testbench).
"""
from __future__ import annotations

import struct

import pytest

from iss import Cluster, Config

from .conftest import BUILD, assemble_corev

HARNESS = """
    .option norelax
    .option norvc
    .section .text.init, "ax"
    .globl _start
_start:
    csrr  t0, mhartid
    bnez  t0, park
    la    s0, results
    li    s3, 1000
    call  measure
    sw    a0, 0(s0)
    li    s3, 2000
    call  measure
    sw    a0, 4(s0)
    li    t0, 0x1A1040A0
    li    t1, 0x80000000
    sw    t1, 0(t0)
park:
    wfi
    j     park
    .balign 4
measure:
    la    a0, buf
    la    a1, buf
    li    t1, 0
    li    t2, 3
    li    a5, 5
    mv    a4, s3
    csrr  s1, mcycle
{loop}
    csrr  s2, mcycle
    sub   a0, s2, s1
    ret
    .bss
    .balign 4
    .globl results
results: .space 16
buf: .space 64
"""

SW_LOOP = """
    .balign 4
1:
{body}
    addi  a4, a4, -1
    bnez  a4, 1b
"""


def hwloop(body: str) -> str:
    n = body.count("\n") + 1
    setup = (((n + 1) << 2 >> 2) << 20) | (14 << 15) | (4 << 12) | (7 << 8) | 0x2B  # cv.setup 0, a4, end
    return f"    .balign 4\n    .word {setup:#010x}\n{body}\n"


def per_iteration(name: str, loop: str, fast: bool = True) -> float:
    """fast=False: hardware loops take the per-instruction path instead of hwloop_run.c."""
    elf = assemble_corev(HARNESS.replace("{loop}", loop), BUILD / f"timing-corev-{name}.elf")
    cl = Cluster(Config().replace(cluster={"cores": 1}, core={"isa": "corev"})).load(elf)
    cl._lib.iss_set_hwloop_fast(cl._handle, int(fast))
    cl.run()
    c1000, c2000 = struct.unpack("<2I", cl.read(cl.symbol("results"), 8))
    return (c2000 - c1000) / 1000


# name, body, RTL cycles per iteration with the 4-cycle loop overhead
SOFTWARE_LOOP_RULES = [
    ("empty loop", "", 4),
    ("cv.lw post-increment, result unused", "cv.lw t1, (a0), 0", 5),
    ("cv.lw then a use of the loaded value: +1", "cv.lw t1, (a0), 0\naddi t3, t1, 1", 7),
    ("cv.lw then a use of the updated pointer: +0", "cv.lw t1, (a0), 0\naddi t3, a0, 1", 6),
    ("two cv.lw on one pointer back to back", "cv.lw t1, (a0), 0\ncv.lw t3, (a0), 0", 6),
    ("cv.lw register post-increment", "cv.lw t1, (a0), zero", 5),
    ("cv.lw register-register", "cv.lw t1, zero(a0)", 5),
    ("cv.sw post-increment", "cv.sw t1, (a0), 0", 5),
    ("cv.mac accumulator chain at 1 per cycle", "cv.mac t1, t2, a5\ncv.mac t1, t2, a5\ncv.mac t1, t2, a5", 7),
    ("cv.sdotsp.b chain", "cv.sdotsp.b t1, t2, a5\ncv.sdotsp.b t1, t2, a5", 6),
    ("cv.clip, cv.max, cv.add.h, cv.cnt, cv.extract: 1 each",
     "cv.clip t3, t2, 5\ncv.max t3, t2, a5\ncv.add.h t3, t2, a5\ncv.cnt t3, t2\ncv.extract t3, t2, 3, 4", 9),
    ("cv.bneimm not taken", "cv.bneimm t2, 3, 2f\n2:", 5),
    ("cv.beqimm taken", "cv.beqimm t2, 3, 2f\nnop\n2:", 7),
]


@pytest.mark.parametrize("name,body,rtl", SOFTWARE_LOOP_RULES, ids=[r[0] for r in SOFTWARE_LOOP_RULES])
def test_corev_instruction_cycles_match_the_rtl(name, body, rtl):
    key = "".join(ch if ch.isalnum() else "-" for ch in name)[:40]
    assert per_iteration(key, SW_LOOP.format(body=body)) == rtl


BOTH_PATHS = pytest.mark.parametrize("fast", [True, False], ids=["in C", "per instruction"])


@BOTH_PATHS
def test_hardware_loop_iterations_cost_nothing(fast):
    # a 3-instruction body costs 3 per iteration (RTL)
    assert per_iteration("hwloop3", hwloop("addi t1, t1, 1\naddi t3, t3, 1\naddi t4, t4, 1"), fast) == 3


@BOTH_PATHS
def test_hardware_loop_two_instruction_body(fast):
    assert per_iteration("hwloop2", hwloop("addi t1, t1, 1\naddi t3, t3, 1"), fast) == 2


@BOTH_PATHS
def test_dot_product_body_in_a_hardware_loop_shows_the_load_use_stall(fast):
    # cv.lw; cv.lw; cv.sdotsp.b using the second load: 4 per iteration (RTL)
    body = "cv.lw t3, (a0), 0\ncv.lw t4, (a1), 0\ncv.sdotsp.b t1, t3, t4"
    assert per_iteration("hwloop-dot", hwloop(body), fast) == 4


@BOTH_PATHS
def test_load_use_across_the_hardware_loop_back_edge(fast):
    # the body's last instruction loads what its first uses: the stall shows at the back edge
    body = "addi t3, t1, 1\naddi t4, t4, 1\ncv.lw t1, (a0), 0"
    assert per_iteration("hwloop-backedge", hwloop(body), fast) == 4


def total(name: str, loop: str) -> int:
    elf = assemble_corev(HARNESS.replace("{loop}", loop), BUILD / f"timing-corev-{name}.elf")
    cl = Cluster(Config().replace(cluster={"cores": 1})).load(elf)
    cl.run()
    return struct.unpack("<I", cl.read(cl.symbol("results"), 4))[0]


def test_two_instruction_body_costs_one_cycle_more_once():
    # RTL: fixed cost 1 with a 3-instruction body, 2 with a 2-instruction body
    three = total("fixed3", hwloop("addi t1, t1, 1\naddi t3, t3, 1\naddi t4, t4, 1")) - 3 * 1000
    two = total("fixed2", hwloop("addi t1, t1, 1\naddi t3, t3, 1")) - 2 * 1000
    assert two - three == 1
