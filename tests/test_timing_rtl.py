"""The cycle model against the CV32E40P RTL: one exact-cycle test per row of the RV32IMC rules table.

Source of every expected number: the table "RV32IMC: rules the RTL follows" in
../shared/reference/cv32e40p/README.md (cycles measured on the CV32E40P RTL, openhwgroup/cv32e40p
6033d2b, Verilator, testbench memory without wait states). Where docs/timing.md disagrees, the
RTL wins.

The reference's method is reproduced exactly: the body runs in
``loop: BODY; addi t0,t0,-1; bnez t0,loop`` (loop head word-aligned, 32-bit code unless the case
is about RVC) for 1000 and 2000 iterations, mcycle is read around the loop, and the cycles per
iteration are (c2000 - c1000) / 1000, loop overhead included: the empty loop costs 4 (addi 1 +
taken branch 3). One ELF per case; the iteration count is written into memory before each run.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from iss import Cluster, Config

from .conftest import BUILD, assemble

LOOP = 4   # addi t0,t0,-1 (1) + taken bnez (3), per iteration (reference README)

HARNESS = """
    .option norelax
    .option norvc
    .section .text.init, "ax"
    .globl _start
_start:
    csrr  a0, mhartid
    bnez  a0, park
    la    sp, stack_top
    la    s1, data                /* word-aligned scratch data */
    li    s5, 1000000             /* dividend of the division cases */
{setup}
    la    t0, iters
    lw    t0, 0(t0)
    csrr  s0, mcycle
{loop}
    csrr  s3, mcycle
    sub   s3, s3, s0
    la    t0, result
    sw    s3, 0(t0)
    li    t0, 0x1A1040A0
    li    t1, 0x80000000
    sw    t1, 0(t0)
park:
    wfi
    j     park
    .bss
    .balign 4
    .globl result, iters
result: .word 0
iters:  .word 0
data:   .space 64
    .space 256
stack_top:
"""

# The reference's loop around the body: t0 iterations (tests/test_timing_corev.py puts a hardware
# loop in its place).
SOFTWARE_LOOP = """    .balign 4
loop:
{body}
    addi  t0, t0, -1
    bnez  t0, loop"""

RVC_ON, RVC_OFF = ".option rvc", ".option norvc"


def rvc(*lines: str) -> str:
    """Lines assembled as compressed instructions, inside otherwise 32-bit code."""
    return "\n".join((RVC_ON, *lines, RVC_OFF))


# id, body, setup, RTL cycles per iteration of the body (the loop overhead is added below).
# Every number comes from the reference table; the row is named in the comment above each group.
CASES = [
    # row "ALU, not-taken branch, store, load without use": 1
    ("alu", "add t1, t2, t3", "", 1),
    ("branch not taken", "bne zero, zero, loop", "", 1),
    ("store", "sw t1, 0(s1)", "", 1),
    ("load without use", "lw t1, 0(s1)", "", 1),
    # row "taken branch": 3
    ("branch taken", "beq zero, zero, 1f\naddi t1, t1, 1\n1:", "", 3),
    # row "taken branch or jal to a 32-bit instruction at a halfword address": 4 / 3 (+1);
    # the add is 1 and the c.nop after it (realigning the loop) 1
    ("branch taken to a 32-bit insn at a halfword address",
     "beq zero, zero, 1f\n" + rvc("c.nop") + "\n1: add t1, t2, t3\n" + rvc("c.nop"), "", 4 + 1 + 1),
    ("jal to a 32-bit insn at a halfword address",
     "jal zero, 1f\n" + rvc("c.nop") + "\n1: add t1, t2, t3\n" + rvc("c.nop"), "", 3 + 1 + 1),
    ("branch taken to a 32-bit insn at a word address (aligned case)",
     "beq zero, zero, 1f\n" + rvc("c.nop", "c.nop") + "\n1: add t1, t2, t3", "", 3 + 1),
    # row "jal, c.j, c.jal": 2
    ("jal", "jal zero, 1f\n1:", "", 2),
    ("c.j", rvc("c.j 1f", "c.nop") + "\n1:", "", 2),
    ("c.jal", rvc("c.jal 1f", "c.nop") + "\n1:", "", 2),
    # row "jalr whose rs1 was written long before": 2 (after a nop, so not right after the bnez)
    ("jalr on an old register", "nop\njalr zero, 0(s2)\ntgt_old:", "la s2, tgt_old", 1 + 2),
    # row "jalr right after an ALU instruction that writes its rs1": 3
    ("jalr right after an alu write of its rs1", "mv t1, s2\njalr zero, 0(t1)\ntgt_alu:",
     "la s2, tgt_alu", 1 + 3),
    # row "jalr right after a jal/jalr/taken branch, even if that wrote its rs1": 2
    ("jal ra then ret", "jal ra, 2f\nj 3f\n2: ret\n3:", "", 2 + 2 + 2),
    ("jalr ra then ret", "jalr ra, 0(s2)\nj 3f\nf_jalr: ret\n3:", "la s2, f_jalr", 2 + 2 + 2),
    ("jalr right after a taken branch", "beq zero, zero, 1f\nnop\n1: jalr zero, 0(s2)\ntgt_br:",
     "la s2, tgt_br", 3 + 2),
    # row "jalr on a register loaded by the previous instruction / by the one before": +2 / +1
    ("jalr on a register loaded just before", "lw t1, 0(s1)\njalr zero, 0(t1)\ntgt_ld1:",
     "la t2, tgt_ld1\nsw t2, 0(s1)", 1 + 2 + 2),
    ("jalr on a register loaded two instructions before", "lw t1, 0(s1)\nnop\njalr zero, 0(t1)\ntgt_ld2:",
     "la t2, tgt_ld2\nsw t2, 0(s1)", 1 + 1 + 2 + 1),
    # row "load followed by an instruction that uses the loaded value": +1, distance 2: no stall
    ("load-use", "lw t1, 0(s1)\naddi t2, t1, 1", "", 1 + 1 + 1),
    ("load-use at distance 2", "lw t1, 0(s1)\nnop\naddi t2, t1, 1", "", 1 + 1 + 1),
    # row "load followed by an instruction that writes the same destination register (WAW)": +1
    ("load then li of the same register", "lw t1, 0(s1)\nli t1, 5", "", 1 + 1 + 1),
    ("load then addi rd=rs1 of the loaded register", "lw t1, 0(s1)\naddi t1, t1, 1", "", 1 + 1 + 1),
    # row "load then load / store": 1 each, +1 if the store's data is the loaded value
    ("load then independent load", "lw t1, 0(s1)\nlw t2, 4(s1)", "", 1 + 1),
    ("load then independent store", "lw t1, 0(s1)\nsw t2, 4(s1)", "", 1 + 1),
    ("load then store of the loaded value", "lw t1, 0(s1)\nsw t1, 4(s1)", "", 1 + 1 + 1),
    # row "misaligned lw / sw, or lh/lhu/sh crossing a word boundary": 2; lh odd inside a word: 1
    ("lw at byte offset 1", "lw t1, 1(s1)", "", 2),
    ("lw at byte offset 2", "lw t1, 2(s1)", "", 2),
    ("lw through a misaligned pointer", "lw t1, 0(s4)", "addi s4, s1, 3", 2),
    ("sw at byte offset 1", "sw t1, 1(s1)", "", 2),
    ("sw at byte offset 2", "sw t1, 2(s1)", "", 2),
    ("lh crossing a word", "lh t1, 3(s1)", "", 2),
    ("lhu crossing a word", "lhu t1, 3(s1)", "", 2),
    ("sh crossing a word", "sh t1, 3(s1)", "", 2),
    ("lh at an odd address inside a word", "lh t1, 1(s1)", "", 1),
    # row "mul": 1, result usable next cycle
    ("mul", "mul t1, t2, t3", "", 1),
    ("mul then use", "mul t1, t2, t3\nadd t4, t1, t1", "", 1 + 1),
    # row "mulh, mulhu, mulhsu": 5
    ("mulh", "mulh t1, t2, t3", "", 5),
    ("mulhu", "mulhu t1, t2, t3", "", 5),
    ("mulhsu", "mulhsu t1, t2, t3", "", 5),
    # row "div, divu, rem, remu, non-negative divisor d": 3 + clz(d), d = 0 gives 35
    ("div 1000000 by 1", "div t1, s5, s6", "li s6, 1", 34),
    ("div by 3", "div t1, s5, s6", "li s6, 3", 33),
    ("div by 0x40000000", "div t1, s5, s6", "li s6, 0x40000000", 4),
    ("div by 0", "div t1, s5, s6", "li s6, 0", 35),
    ("divu by 0xffffffff", "divu t1, s5, s6", "li s6, -1", 3),
    ("rem by 3", "rem t1, s5, s6", "li s6, 3", 33),
    ("remu by 3", "remu t1, s5, s6", "li s6, 3", 33),
    # row "div, rem with a negative divisor d": 2 + number of leading ones of d
    ("div by -1", "div t1, s5, s6", "li s6, -1", 34),
    ("div by -2", "div t1, s5, s6", "li s6, -2", 33),
    ("div by -3", "div t1, s5, s6", "li s6, -3", 32),
    ("div by 0xc0000000", "div t1, s5, s6", "li s6, 0xc0000000", 4),
    ("div by 0xbfffffff", "div t1, s5, s6", "li s6, 0xbfffffff", 3),
    ("div by 0x80000000", "div t1, s5, s6", "li s6, 0x80000000", 3),
    ("rem by -2", "rem t1, s5, s6", "li s6, -2", 33),
    # row "csrr mcycle / minstret": 4; csrr mhartid, mscratch: 1
    ("csrr mcycle", "csrr t1, mcycle", "", 4),
    ("csrr minstret", "csrr t1, minstret", "", 4),
    ("csrr mhartid", "csrr t1, mhartid", "", 1),
    ("csrr mscratch", "csrr t1, mscratch", "", 1),
    # row "fence.i, fence": 4 each
    ("fence.i", "fence.i", "", 4),
    ("fence", "fence", "", 4),
    # row "c.jal then c.jr ra (call/return pair in RVC)": 2 + 2; the c.j back over it 2
    ("c.jal then c.jr ra", rvc("c.jal 2f", "c.j 3f", "2: c.jr ra", "c.nop") + "\n3:", "", 2 + 2 + 2),
]


def _key(name: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in name)


@pytest.fixture(scope="module")
def rtl_elf():
    BUILD.mkdir(parents=True, exist_ok=True)

    def build(name: str, body: str, setup: str) -> Path:
        src = HARNESS.replace("{setup}", setup).replace("{loop}", SOFTWARE_LOOP).replace("{body}", body)
        return assemble(src, BUILD / f"rtl-{_key(name)}.elf")
    return build


def loop_cycles(elf: Path, iterations: int, config: Config | None = None, hwloop_fast: bool = True) -> int:
    """mcycle difference around the loop run `iterations` times. hwloop_fast=False: hardware
    loops take the per-instruction path instead of hwloop_run.c."""
    cl = Cluster(config or Config().replace(cluster={"cores": 1})).load(elf)
    cl._lib.iss_set_hwloop_fast(cl._handle, int(hwloop_fast))
    cl.write(cl.symbol("iters"), iterations.to_bytes(4, "little"))
    assert cl.run().exit_code == 0
    return int.from_bytes(cl.read(cl.symbol("result"), 4), "little")


def per_iteration(elf: Path, config: Config | None = None, hwloop_fast: bool = True) -> float:
    """The reference's figure: (c2000 - c1000) / 1000."""
    return (loop_cycles(elf, 2000, config, hwloop_fast) - loop_cycles(elf, 1000, config, hwloop_fast)) / 1000


@pytest.mark.parametrize("name, body, setup, cycles", CASES, ids=[c[0] for c in CASES])
def test_rtl_rule(rtl_elf, name, body, setup, cycles):
    assert per_iteration(rtl_elf(name, body, setup)) == cycles + LOOP


def test_empty_loop_costs_four(rtl_elf):
    assert per_iteration(rtl_elf("empty", "", "")) == LOOP


# The misaligned-access rule (row "misaligned lw / sw ...": +1 per access crossing a word) where the
# model has to follow the address: a pointer that walks, or is computed inside the block.
FOLLOWED = [
    # s4 = data + 1 moves by 4: every access crosses (the looping block reuses its result)
    ("pointer moving by 4 from a misaligned start", "lw t1, 0(s4)\naddi s4, s4, 4", "addi s4, s1, 1", 2 + 1),
    # moves by 1: iterations 1001..2000 read at offsets 1000..1999, 750 of them cross a word
    ("pointer moving by 1", "lw t1, 0(s4)\naddi s4, s4, 1", "mv s4, s1", 1 + 0.75 + 1),
    # base computed in the block: s4 + (t3 << 2), s4 = data + 2
    ("address computed in the block", "slli t2, t3, 2\nadd t2, s4, t2\nlw t1, 0(t2)",
     "addi s4, s1, 2\nli t3, 1", 1 + 1 + 2),
    # address from lui/addi: decided when the block is decoded
    ("constant address", "lui t2, %hi(data + 3)\naddi t2, t2, %lo(data + 3)\nsh t1, 0(t2)", "", 1 + 1 + 2),
    # halfword at byte 2 does not cross
    ("lhu at byte 2", "lhu t1, 2(s1)", "", 1),
]


@pytest.mark.parametrize("name, body, setup, cycles", FOLLOWED, ids=[c[0] for c in FOLLOWED])
def test_misaligned_address_followed(rtl_elf, name, body, setup, cycles):
    assert per_iteration(rtl_elf(name, body, setup)) == cycles + LOOP
