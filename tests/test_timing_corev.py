"""Cycles of the CORE-V extensions, each asserted against the CV32E40P RTL.

Source: ../shared/reference/cv32e40p/README.md, "CORE-V extensions (COREV_PULP=1)" table,
measured on the RTL (Verilator) with the method of tests/test_timing_rtl.py, whose harness this
file shares: the body runs in `loop: BODY; addi t0, t0, -1; bnez t0, loop` (or in a hardware loop
of t0 iterations) for 1000 and 2000 iterations, mcycle is read around the loop and cycles per
iteration = (c2000 - c1000) / 1000, the loop overhead (4) included. Data is in the TCDM (no wait
states, like the RTL testbench).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import BUILD, assemble_corev
from .test_timing_rtl import HARNESS, SOFTWARE_LOOP, _key, loop_cycles
from .test_timing_rtl import per_iteration as rtl_per_iteration

# The RV32IMC rules' harness and method (tests/test_timing_rtl.py): t0 iterations, s1 = data.
SETUP = "mv a0, s1\nmv a1, s1\nli t1, 0\nli t2, 3\nli a5, 5"


def hwloop(body: str) -> str:
    """The body in a hardware loop of t0 iterations instead of the software loop."""
    n = body.count("\n") + 1
    setup = ((n + 1) << 20) | (5 << 15) | (4 << 12) | (7 << 8) | 0x2B   # cv.setup 0, t0, end
    return f"    .balign 4\n    .word {setup:#010x}\n{body}"


def corev_elf(name: str, loop: str) -> Path:
    src = HARNESS.replace("{setup}", SETUP).replace("{loop}", loop)
    return assemble_corev(src, BUILD / f"timing-corev-{_key(name)}.elf")


def per_iteration(name: str, loop: str, fast: bool = True) -> float:
    """fast=False: hardware loops take the per-instruction path instead of hwloop_run.c."""
    return rtl_per_iteration(corev_elf(name, loop), hwloop_fast=fast)


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
    assert per_iteration(name, SOFTWARE_LOOP.replace("{body}", body)) == rtl


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


def test_two_instruction_body_costs_one_cycle_more_once():
    # RTL: fixed cost 1 with a 3-instruction body, 2 with a 2-instruction body
    three = loop_cycles(corev_elf("fixed3", hwloop("addi t1, t1, 1\naddi t3, t3, 1\naddi t4, t4, 1")), 1000) - 3 * 1000
    two = loop_cycles(corev_elf("fixed2", hwloop("addi t1, t1, 1\naddi t3, t3, 1")), 1000) - 2 * 1000
    assert two - three == 1
