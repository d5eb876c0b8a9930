"""Every timing rule of docs/timing.md, each checked by a tiny assembly program whose exact
cycle count is asserted.

The harness runs SNIPPET on core 0 between two reads of mcycle. The second read is a
4-cycle CSR access (CV32E40P), so measured = cycles(SNIPPET) + 4. Other cores park in wfi.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from iss import Cluster, Config

from .conftest import BUILD, assemble

HARNESS = """
    .option norelax
    .section .text.init, "ax"
    .globl _start
_start:
    csrr  a0, mhartid
    bnez  a0, park
    la    sp, stack_top
    la    s1, l2_word
    li    s2, 0x102000F0          /* NB_CORES register: a peripheral */
    .balign 4                     /* before the first read: not measured */
    csrr  s0, mcycle
{snippet}
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
    .section .l2_data, "aw"
    .balign 4
l2_word: .word 5
    .bss
    .balign 4
    .globl result
result: .word 0
    .space 256
stack_top:
"""

CSR_READ = 4   # the closing csrr mcycle
NORVC = ".option norvc\n{}\n.option rvc"   # the snippet starts word-aligned (after csrr)

# name, snippet, expected cycles of the snippet with the default timing config
RULES = [
    ("alu: one cycle each", "addi t1, t1, 1\n" * 10, 10),
    ("compressed alu: one cycle each", "c.addi t1, 1\n" * 6, 6),
    ("mul: one cycle", "mul t1, t2, t3\nmul t4, t5, t6", 2),
    ("mulh/mulhsu/mulhu: five cycles", "mulh t1, t2, t3\nmulhsu t1, t2, t3\nmulhu t1, t2, t3", 15),
    ("branch not taken: one cycle", "bne zero, zero, 1f\naddi t1, t1, 1\n1:", 2),
    ("branch taken: three cycles", "beq zero, zero, 1f\naddi t1, t1, 1\n1:", 3),
    # a0 holds core 0's hart id: 0
    ("compressed branch taken: three cycles", "c.beqz a0, 2f\nnop\n2: c.bnez a0, 3f\n3:", 3 + 1),
    ("jal: two cycles", "jal zero, 1f\n1:", 2),
    ("jalr: two cycles, +1 when its register was written just before",
     "la t0, 1f\njr t0\n1:", 2 + 2 + 1),
    ("jalr without hazard", "la t0, 1f\nnop\njr t0\n1:", 2 + 1 + 2),
    ("load: one cycle", "lw t1, 0(sp)\naddi t2, t2, 1", 2),
    ("load-use: one stall cycle", "lw t1, 0(sp)\naddi t1, t1, 1", 3),
    ("load-use on the store data", "lw t1, 0(sp)\nsw t1, 4(sp)", 3),
    ("store: one cycle", "sw t1, 0(sp)\nsw t1, 4(sp)", 2),
    ("div by 1: 3 + clz(1) = 34 cycles", "li t3, 1\ndiv t1, t2, t3", 1 + 34),
    ("divu by 0x80000000: 3 cycles", "lui t3, 0x80000\ndivu t1, t2, t3", 1 + 3),
    ("rem by 0: 35 cycles", "li t3, 0\nrem t1, t2, t3", 1 + 35),
    ("remu by 256: 3 + 23 = 26", "li t3, 256\nremu t1, t2, t3", 1 + 26),
    ("csr mhartid: one cycle", "csrr t1, mhartid", 1),
    ("csr mcycle: four cycles", "csrr t1, mcycle", 4),
    ("csr PULP PCER: one cycle", "csrr t1, 0xCC0", 1),
    ("L2 data load: 1 + l2_latency (10)", "lw t1, 0(s1)", 11),
    ("peripheral load: 1 + periph_latency (1)", "lw t1, 0(s2)", 2),
    ("fence.i: four cycles", "fence.i", 4),
    ("fence: four cycles", "fence", 4),
]


@pytest.fixture(scope="module")
def timing_elf():
    """timing_elf(name, snippet) -> ELF path (assembled once per snippet)."""
    BUILD.mkdir(parents=True, exist_ok=True)

    def build(key: str, snippet: str) -> Path:
        return assemble(HARNESS.replace("{snippet}", snippet), BUILD / f"timing-{key}.elf")
    return build


def measure(elf: Path, config: Config | None = None) -> int:
    cl = Cluster(config or Config().replace(cluster={"cores": 2})).load(elf)
    assert cl.run().exit_code == 0
    return int.from_bytes(cl.read(cl.symbol("result"), 4), "little")


@pytest.mark.parametrize("name, snippet, cycles", RULES, ids=[r[0].split(":")[0] for r in RULES])
def test_rule(timing_elf, name, snippet, cycles):
    key = "".join(ch if ch.isalnum() else "_" for ch in name.split(":")[0])
    if not name.startswith("compressed"):
        # 32-bit code: every jump target is word-aligned (a 32-bit target at a halfword address
        # costs one more cycle, CV32E40P RTL)
        snippet = NORVC.format(snippet)
    assert measure(timing_elf(key, snippet)) == cycles + CSR_READ


def test_rules_follow_the_config(timing_elf):
    cfg = Config().replace(cluster={"cores": 1}, timing={
        "taken_branch_cycles": 5, "l2_latency": 30, "misaligned_cycles": 3, "fence_cycles": 7,
        "halfword_target_cycles": 2})
    assert measure(timing_elf("cfg_taken", NORVC.format("beq zero, zero, 1f\nnop\n1:")), cfg) == 1 + 5 + CSR_READ
    assert measure(timing_elf("cfg_l2", "lw t1, 0(s1)"), cfg) == 1 + 30 + CSR_READ
    assert measure(timing_elf("cfg_mis", "lw t1, 1(sp)"), cfg) == 1 + 3 + CSR_READ
    assert measure(timing_elf("cfg_fence", "fence"), cfg) == 1 + 7 + CSR_READ
    # jal (2) to a 32-bit add at a halfword address (+2), the add (1)
    assert measure(timing_elf("cfg_half", NORVC.format("jal zero, 1f\n.option rvc\nc.nop\n.option norvc\n"
                                                       "1: add t1, t2, t3")), cfg) == 2 + 2 + 1 + CSR_READ


def test_model_off_counts_one_cycle_per_instruction(timing_elf):
    cfg = Config().replace(cluster={"cores": 1}, timing={"model": False})
    assert measure(timing_elf("off", "lw t1, 0(s1)\naddi t1, t1, 1\nbeq zero, zero, 1f\nnop\n1:\nli t3, 1\ndiv t1, t1, t3"),
                   cfg) == 5 + 1


def test_no_jalr_hazard_right_after_a_jal(timing_elf):
    # jal ends a translation block; the jr at its target reads the ra it just wrote, but the
    # jump leaves an empty slot: no hazard (CV32E40P RTL, ../shared/reference/cv32e40p/README.md)
    elf = timing_elf("cross", NORVC.format("jal ra, 2f\nj 3f\n2: jr ra\n3:"))
    assert measure(elf) == 2 + 2 + 2 + CSR_READ


# Unicorn ends a translation block at a page boundary: the last instruction of one page and the
# first of the next are in two blocks, so these exercise the hazards across a block boundary.
PAGE_END = "j 1f\n.balign 4096\n.skip 4096 - {n}\n1:\n"


@pytest.mark.parametrize("name, snippet, cycles", [
    ("jalr", "la t1, 2f\n" + PAGE_END.format(n=4) + "mv t2, t1\njr t2\n2:", 2 + 2 + 1 + 2 + 1),
    ("load-use", PAGE_END.format(n=4) + "lw t1, 0(sp)\naddi t2, t1, 1", 2 + 1 + 1 + 1),
    ("load WAW", PAGE_END.format(n=4) + "lw t1, 0(sp)\nli t1, 5", 2 + 1 + 1 + 1),
    ("jalr on a load", "la t1, 2f\nsw t1, 0(sp)\n" + PAGE_END.format(n=4) + "lw t2, 0(sp)\njr t2\n2:",
     2 + 1 + 2 + 1 + 2 + 2),
    ("jalr on a load two back", "la t1, 2f\nsw t1, 0(sp)\n" + PAGE_END.format(n=8) +
     "lw t2, 0(sp)\nnop\njr t2\n2:", 2 + 1 + 2 + 1 + 1 + 2 + 1),
], ids=["jalr", "load-use", "load WAW", "jalr on a load", "jalr on a load two back"])
def test_hazards_across_a_block_boundary(timing_elf, name, snippet, cycles):
    # la = auipc + addi (2), sw (1), j to the last word(s) of the page (2), then the instructions
    # around the boundary; CV32E40P RTL rules (../shared/reference/cv32e40p/README.md)
    assert measure(timing_elf("page_" + name.replace(" ", "_").replace("-", "_"), NORVC.format(snippet))) == \
        cycles + CSR_READ


def test_branch_to_the_next_instruction_counts_as_not_taken(timing_elf):
    # documented limitation: taken is detected by the next block's address
    assert measure(timing_elf("next", "beq zero, zero, 1f\n1:")) == 1 + CSR_READ


BARRIER = """
    .option norelax
    .section .text.init, "ax"
    .globl _start
_start:
    csrr  a0, mhartid
    andi  a0, a0, 0x1f
    li    t0, 0x10204000              /* event unit, demux view */
    li    t1, 1 << 16
    sw    t1, 0(t0)                   /* MASK = barrier event */
    la    a1, times
    slli  a2, a0, 3
    add   a1, a1, a2                  /* times[core] = {before, after} */
    bnez  a0, late
    li    t1, 3
    sw    t1, 0x200(t0)               /* barrier 0 TRIGGER_MASK = cores 0, 1 */
    sw    t1, 0x20C(t0)               /* TARGET_MASK */
    j     arrive
late:
    li    t2, {delay}
1:  addi  t2, t2, -1
    bnez  t2, 1b
arrive:
    csrr  s4, mcycle
    lw    t3, 0x21C(t0)               /* TRIGGER_WAIT_CLEAR: whole barrier in one load */
    csrr  s5, mcycle
    sw    s4, 0(a1)
    sw    s5, 4(a1)
    bnez  a0, park
    li    t0, 0x1A1040A0
    li    t1, 0x80000000
    sw    t1, 0(t0)
park:
    wfi
    j     park
    .bss
    .balign 4
    .globl times
times: .space 16
"""


def test_barrier_releases_waiters_at_last_arrival_plus_wakeup():
    elf = assemble(BARRIER.replace("{delay}", "300"), BUILD / "timing-barrier.elf")
    cfg = Config().replace(cluster={"cores": 2})
    cl = Cluster(cfg).load(elf)
    r = cl.run()
    t = [int.from_bytes(cl.read(cl.symbol("times") + 4 * i, 4), "little") for i in range(4)]
    before0, after0, before1, after1 = t
    last_arrival = before1            # core 1 arrives last, right after its mcycle read
    load = 1 + cfg.timing.periph_latency
    # the last core does not sleep: its load completes, then the 4-cycle csrr
    assert after1 == last_arrival + load + CSR_READ
    # the waiter wakes wakeup_cycles after the last arrival, then its load re-executes
    assert after0 == last_arrival + cfg.timing.wakeup_cycles + load + CSR_READ
    # core 0 slept from its own arrival to its wake-up
    assert r.cores[0].sleep_cycles == last_arrival + cfg.timing.wakeup_cycles - before0
    assert r.cores[1].sleep_cycles == 0


PERF = """
    li    t0, 0x1FFFF
    csrw  0xCC0, t0                   /* PCER: every event */
    csrw  0x780, zero
    csrw  0x781, zero
    csrw  0x782, zero
    csrw  0x785, zero
    csrw  0x786, zero
    csrw  0x787, zero
    csrw  0x788, zero
    csrw  0x789, zero
    csrw  0x78A, zero
    li    t0, 1
    csrw  0xCC1, t0                   /* PCMR: start */
    li    t2, 10
1:  lw    t1, 0(sp)
    addi  t1, t1, 1                   /* load-use stall */
    sw    t1, 0(sp)
    addi  t2, t2, -1
    bnez  t2, 1b
    csrw  0xCC1, zero                 /* stop */
    la    t3, counters
    csrr  t0, 0x780
    sw    t0, 0(t3)
    csrr  t0, 0x781
    sw    t0, 4(t3)
    csrr  t0, 0x782
    sw    t0, 8(t3)
    csrr  t0, 0x785
    sw    t0, 12(t3)
    csrr  t0, 0x786
    sw    t0, 16(t3)
    csrr  t0, 0x787
    sw    t0, 20(t3)
    csrr  t0, 0x788
    sw    t0, 24(t3)
    csrr  t0, 0x789
    sw    t0, 28(t3)
    csrr  t0, 0x78A
    sw    t0, 32(t3)
"""


def test_ri5cy_performance_counters(timing_elf):
    elf = timing_elf("perf", PERF.replace("/* PCER: every event */", "") +
                     "\n    .bss\n    .globl counters\ncounters: .space 40\n    .text\n")
    cl = Cluster(Config().replace(cluster={"cores": 1})).load(elf)
    cl.run()
    names = ["cycles", "instr", "ld_stall", "loads", "stores", "jumps", "branches", "taken", "rvc"]
    got = dict(zip(names, (int.from_bytes(cl.read(cl.symbol("counters") + 4 * i, 4), "little")
                           for i in range(len(names)))))
    # counted from the csrw that starts (exclusive) to the csrw that stops (inclusive):
    # li t2 (1), 10 x (lw, addi, sw, addi, bnez), csrw stop
    assert got["instr"] == 1 + 10 * 5 + 1
    assert (got["loads"], got["stores"], got["branches"], got["taken"]) == (10, 10, 10, 9)
    assert got["ld_stall"] == 10
    assert got["jumps"] == 0
    # cycles: 52 instructions + 10 load-use + 9 taken x 2 + csrw PCMR (1 cycle)
    assert got["cycles"] == 52 + 10 + 18
    assert got["rvc"] >= 1   # the assembler compresses some of them


BANK = """
    .option norelax
    .option norvc                     /* 32-bit code: all jump targets word-aligned */
    .section .text.init, "ax"
    .globl _start
_start:
    csrr  a0, mhartid
    andi  a0, a0, 0x1f
    li    t0, 0x10204000              /* event unit, demux view */
    li    t1, 1 << 16
    sw    t1, 0(t0)                   /* MASK = barrier event */
    la    a1, shared                  /* both cores load this word: one bank */
    la    a2, times
    slli  a3, a0, 3
    add   a2, a2, a3                  /* times[core] = {loop start, loop end} */
    li    t2, 8                       /* iterations */
    bnez  a0, late
    li    t1, 3
    sw    t1, 0x200(t0)               /* barrier 0 TRIGGER_MASK = cores 0, 1 */
    sw    t1, 0x20C(t0)               /* TARGET_MASK */
    j     arrive
late:
    li    t3, 200                     /* core 1 arrives last */
1:  addi  t3, t3, -1
    bnez  t3, 1b
arrive:
    lw    t3, 0x21C(t0)               /* barrier: core 1 goes on at T+2, core 0 wakes at T+4 */
    beqz  a0, start                   /* core 0 (from T+4): taken, 3 cycles */
    nop                               /* core 1 (from T+2): not taken 1 + 4 nops = 5 cycles, */
    nop                               /* so both reach start at T+7 */
    nop
    nop
start:
    csrr  s4, mcycle
    j     loop
loop:
    lw    t1, 0(a1)                   /* first instruction of its block: wants the block's start cycle */
    addi  t2, t2, -1
    bnez  t2, loop
    csrr  s5, mcycle
    sw    s4, 0(a2)
    sw    s5, 4(a2)
    bnez  a0, park
    li    t0, 0x1A1040A0
    li    t1, 0x80000000
    sw    t1, 0(t0)
park:
    wfi
    j     park
    .bss
    .balign 4
    .globl times, shared
times: .space 16
shared: .word 0
"""


def test_bank_conflict_stalls_the_second_access_to_a_bank_by_one_cycle():
    """Two cores load the same TCDM word in the same cycle: the bank serves one, the other
    waits one cycle (counted as TCDM contention); with bank conflicts off, nobody waits."""
    elf = assemble(BANK, BUILD / "timing-bank.elf")
    loops, conts = {}, {}
    for banks in (False, True):
        cl = Cluster(Config().replace(cluster={"cores": 2}, timing={"bank_conflicts": banks})).load(elf)
        r = cl.run()
        t = [int.from_bytes(cl.read(cl.symbol("times") + 4 * i, 4), "little") for i in range(4)]
        loops[banks] = (t[1] - t[0], t[3] - t[2])
        conts[banks] = [c.tcdm_contention for c in r.cores]
        if banks:
            starts = (t[0], t[2])
    # j (2) + 8 x (lw 1, addi 1, bnez 3; the last not taken: 1) + the closing csrr (4)
    expected = 2 + 8 * 5 - 2 + 4
    assert loops[False] == (expected, expected) and conts[False] == [0, 0]
    assert starts[0] == starts[1]                       # the loops start in the same cycle
    assert sorted(loops[True]) == [expected, expected + 1]
    assert sorted(conts[True]) == [0, 1]


@pytest.mark.parametrize("name, defines", [("kern_pw", dict(H=8, W=8, CIN=32, COUT=16)),
                                           ("kern_dw", dict(H=9, W=9, C=24, DWA=0)), ("kern_add", {})])
def test_eight_core_kernel_cycles_do_not_depend_on_the_quantum(fw, name, defines):
    """Issue 13: an exact-time access (a barrier, a status read) took effect although other
    cores were still behind it in time; these kernels' cycles moved with the quantum (kern_pw
    9889 at quantum <= 100, 9783 at 1000; kern_dw 12723 / 12449 at 10000; kern_add 727 / 719)."""
    import re
    elf = fw(name, **defines)
    figures = {q: re.findall(r"(\d+) cycles", Cluster(Config().replace(timing={"quantum": q})).load(elf).run().output)
               for q in (1, 10, 100, 1000, 10000)}
    assert len({tuple(v) for v in figures.values()}) == 1, figures
