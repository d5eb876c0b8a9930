"""The CORE-V instructions executed by the simulated cores (core.isa = "corev").

- every line of the RTL's reference vectors (tests/data/xcv_vectors.txt, measured on the
  CV32E40P RTL, copied from the shared reference), executed by a core and checked bit for bit;
- XCVmem, XCVbi, XCVelw and XCVhwlp forms, checked against what the CV32E40P v2 manual
  defines;
- in rv32imc mode a custom instruction is illegal, with a message naming its extension.
"""
from __future__ import annotations

import struct
from pathlib import Path

import pytest

from iss import Cluster, Config
from iss.errors import IllegalInstructionError

from .conftest import BUILD, assemble_corev

VECTORS = Path(__file__).resolve().parent / "data" / "xcv_vectors.txt"

HEAD = """
    .option norelax
    .option norvc
    .section .text.init, "ax"
    .globl _start
_start:
    csrr  t0, mhartid
    bnez  t0, park
    la    s0, results
"""
TAIL = """
    li    t0, 0x1A1040A0
    li    t1, 0x80000000
    sw    t1, 0(t0)
park:
    wfi
    j     park
    .bss
    .balign 4
    .globl results
results: .space {space}
"""


def run_program(body: str, name: str, space: int = 256, isa: str = "corev", cores: int = 1):
    elf = assemble_corev(HEAD + body + TAIL.format(space=space), BUILD / f"corev-{name}.elf")
    cfg = Config().replace(cluster={"cores": cores}, core={"isa": isa})
    cl = Cluster(cfg).load(elf)
    res = cl.run()
    return cl, res


def words(cl, n):
    return list(struct.unpack(f"<{n}I", cl.read(cl.symbol("results"), 4 * n)))


def vectors():
    rows = []
    for line in VECTORS.read_text().splitlines():
        if line and not line.startswith("#"):
            insn, imm, enc, rs1, rs2, rd, res = line.split()
            rows.append((insn, imm, int(enc, 16), int(rs1, 16), 0 if rs2 == "-" else int(rs2, 16),
                         int(rd, 16), int(res, 16)))
    return rows


def test_every_reference_vector_runs_bit_exact_on_a_core():
    rows = vectors()
    assert len(rows) == 21504
    # the RTL ran each form with rs1 = a0, rs2 = a1, rd = a2
    assert all((e >> 7) & 31 == 12 and (e >> 15) & 31 == 10 for _, _, e, *_ in rows)
    body = []
    for i, (_, _, enc, rs1, rs2, rd, _) in enumerate(rows):
        body.append(f"li a0, {rs1:#x}\nli a1, {rs2:#x}\nli a2, {rd:#x}\n.word {enc:#010x}\n"
                    f"sw a2, {4 * (i % 256)}(s0)\n" + ("addi s0, s0, 1024\n" if i % 256 == 255 else ""))
    cl, res = run_program("".join(body), "vectors", space=4 * len(rows))
    assert res.exit_code == 0
    got = words(cl, len(rows))
    bad = [(r[0], r[1], f"{r[2]:08x}", f"{r[3]:08x}", f"{r[4]:08x}", f"{r[5]:08x}", f"want {r[6]:08x}", f"got {g:08x}")
           for r, g in zip(rows, got) if g != r[6]]
    assert not bad, f"{len(bad)} of {len(rows)} differ, first: {bad[:5]}"


def test_post_increment_and_register_offset_loads_and_stores():
    body = """
    la    a0, data
    cv.lw   t1, (a0), 4         /* t1 = 0x11223344, a0 = data + 4 */
    cv.lbu  t2, (a0), 1         /* t2 = 0xa0, a0 = data + 5 */
    cv.lb   t3, (a0), -1        /* t3 = sext(0xf1), a0 = data + 4 */
    li    a1, 8
    cv.lhu  t4, (a0), a1        /* t4 = 0xf1a0, a0 = data + 12 */
    li    a2, -8
    cv.lw   t5, a2(a0)          /* register offset: the word at data + 4, a0 unchanged */
    la    a3, out
    cv.sw   t1, (a3), 4         /* out + 0, a3 = out + 4 */
    cv.sh   t4, (a3), 2         /* out + 4, a3 = out + 6 */
    cv.sb   t3, (a3), a1        /* out + 6, a3 = out + 14 */
    li    a4, 0x55
    li    a5, -1
    cv.sb   a4, a5(a3)          /* out + 13 */
    sw    t1, 0(s0)
    sw    t2, 4(s0)
    sw    t3, 8(s0)
    sw    t4, 12(s0)
    sw    t5, 16(s0)
    la    t0, data
    sub   t6, a0, t0
    sw    t6, 20(s0)
    la    t0, out
    sub   t6, a3, t0
    sw    t6, 24(s0)
    lw    t1, 0(t0)
    sw    t1, 28(s0)
    lw    t1, 4(t0)
    sw    t1, 32(s0)
    lw    t1, 12(t0)
    sw    t1, 36(s0)
    .pushsection .l2_data, "aw"
    .balign 4
data: .word 0x11223344, 0xe3e2f1a0, 0xdeadbeef
out:  .word 0, 0, 0, 0
    .popsection
"""
    cl, res = run_program(body, "mem")
    assert words(cl, 10) == [0x11223344, 0xA0, 0xFFFFFFF1, 0xF1A0, 0xE3E2F1A0, 12, 14,
                             0x11223344, 0x00F1F1A0, 0x00005500]


def test_branch_immediate_taken_and_not_taken():
    body = """
    li    t1, -5
    li    t2, 0
    cv.beqimm t1, -5, 1f
    addi  t2, t2, 1             /* skipped */
1:  cv.bneimm t1, -5, 2f
    addi  t2, t2, 10            /* runs */
2:  cv.beqimm t1, 3, 3f
    addi  t2, t2, 100           /* runs */
3:  sw    t2, 0(s0)
"""
    cl, _ = run_program(body, "bi")
    assert words(cl, 1) == [110]


def hw(op, l, imm=0, rs1=0):
    return f".word {(imm << 20) | (rs1 << 15) | (4 << 12) | (op << 8) | (l << 7) | 0x2B:#010x}"


def test_hardware_loops_nested_with_every_setup_form_and_the_csrs():
    # loop 1 (outer, 5 times, long form) around loop 0 (inner, cv.setupi 4 times, 3 insns)
    body = f"""
    li    t1, 0
    li    t2, 0
    li    a0, 5
    .balign 4
    {hw(0, 1, 3)}                /* cv.starti 1, +12: the outer body starts after count */
    {hw(2, 1, 8)}                /* cv.endi 1, +32 */
    {hw(5, 1, rs1=10)}           /* cv.count 1, a0 */
    {hw(6, 0, 4, 4)}             /* outer body: cv.setupi 0, count 4, end +16 */
    addi  t1, t1, 1
    addi  t1, t1, 1
    addi  t1, t1, 1
    addi  t2, t2, 1              /* loop 0 ends before this one */
    addi  t2, t2, 1              /* loop 1's last instruction */
    sw    t1, 0(s0)
    sw    t2, 4(s0)
    csrr  t3, 0xCC2              /* lpcount0 */
    sw    t3, 8(s0)
    csrr  t3, 0xCC6              /* lpcount1 */
    sw    t3, 12(s0)
    li    a1, 7
    .balign 4
    {hw(7, 0, 3, 11)}            /* cv.setup 0, a1, end +12: a 2-instruction body 7 times */
    addi  t4, t4, 3
    addi  t5, t5, 1
    sw    t4, 16(s0)
    sw    t5, 20(s0)
    csrr  t3, 0xCC0
    sw    t3, 24(s0)
    csrr  t3, 0xCC1
    sw    t3, 28(s0)
"""
    cl, res = run_program(body, "hwloop")
    w = words(cl, 8)
    assert w[0] == 5 * 4 * 3
    assert w[1] == 5 * 2
    assert w[2] == 0 and w[3] == 0
    assert w[4] == 7 * 3 and w[5] == 7
    assert w[7] - w[6] == 8                   # lpend0 - lpstart0 of the last loop


def test_hardware_loop_with_a_one_instruction_body_is_refused():
    body = f"""
    li    a0, 3
    .balign 4
    {hw(7, 0, 2, 10)}            /* cv.setup 0, a0, end +8: one instruction */
    addi  t1, t1, 1
"""
    with pytest.raises(IllegalInstructionError, match=r"hardware loop 0 body has 1 instruction.*core 0, pc 0x"):
        run_program(body, "hwloop1")


def test_hardware_loop_ending_before_its_start_is_refused():
    body = f"""
    .balign 4
    {hw(0, 0, 4)}                /* cv.starti 0, +16 */
    {hw(2, 0, 1)}                /* cv.endi 0, +4: before the start */
    {hw(4, 0, 3)}                /* cv.counti 0, 3 arms it */
    nop
    nop
    nop
"""
    with pytest.raises(IllegalInstructionError, match=r"hardware loop 0 ends \(0x[0-9a-f]+\) at or before its start"):
        run_program(body, "hwloop-rev")


def test_custom_instruction_in_rv32imc_mode_names_its_extension_and_the_key():
    body = """
    cv.max t1, t2, t3
"""
    with pytest.raises(IllegalInstructionError,
                       match=r"cv\.max is a xcvalu instruction, not enabled with core\.isa = \"rv32imc\" "
                             r"\(set core\.isa = \"corev\"\) at core 0, pc 0x"):
        run_program(body, "rv32imc-cv", isa="rv32imc")


def test_reserved_corev_encoding_is_illegal():
    body = """
    .word 0xfe00302b
"""
    with pytest.raises(IllegalInstructionError, match=r"reserved encoding of the CORE-V custom opcode 0x2b"):
        run_program(body, "reserved")


def test_unknown_core_isa_is_a_config_error():
    from iss.errors import ConfigError
    with pytest.raises(ConfigError, match=r"core\.isa must be one of 'rv32imc', 'corev', got 'rv64'"):
        Config().replace(core={"isa": "rv64"})


def test_debugger_breaks_on_and_steps_through_custom_instructions_and_loop_ends():
    from iss.gdbserver.target import Target

    body = f"""
    li    t1, 0
    li    t2, 2
    li    a0, 3
    .balign 4
    {hw(7, 0, 4, 10)}            /* cv.setup 0, a0, end +16: 3 instructions, 3 times */
    addi  t1, t1, 1
    .globl lp_max
lp_max:
    cv.max t3, t1, t2
    addi  t4, t4, 1
    sw    t4, 0(s0)
"""
    elf = assemble_corev(HEAD + body + TAIL.format(space=64), BUILD / "corev-gdb.elf")
    cl = Cluster(Config().replace(cluster={"cores": 1})).load(elf)
    at = cl.symbol("lp_max")
    original = cl.read(at, 4)
    t = Target(cl)
    t.insert_point(0, at, 4)
    t.resume({0}, set())
    stop = t.run(lambda: False, lambda text: None)
    assert stop.breakpoint == "swbreak" and t.read_register(0, 32) == at
    assert t.read_memory(at, 4) == original != cl.read(at, 4)     # GDB sees the program's word
    listing = t.disassemble(at - 8, 4)                             # monitor disas
    assert "cv.setup 0, a0, 0x" in listing and f"0x{at:08x} <lp_max+0x0>" in listing
    assert "cv.max t3, t1, t2" in listing and "ori zero" not in listing
    t.remove_point(0, at, 4)
    pcs = []
    for _ in range(6):
        t.resume(set(), {0})
        t.run(lambda: False, lambda text: None)
        pcs.append(t.read_register(0, 32))
    # from cv.max to the body's last instruction, then back to the body's start (the loop end
    # at + 8 is never reached before the last iteration)
    assert pcs == [at + 4, at - 4, at, at + 4, at - 4, at]
    assert t.read_register(0, 28) == 2          # t3 = max(t1 = 2, t2 = 2) after two iterations


@pytest.mark.parametrize("cores", [1, 8])
def test_hardware_loops_run_in_c_give_the_per_instruction_results_and_cycles(fw, cores):
    """hwloop_run.c executes inner loops in C; every register, memory word and cycle must be
    what the per-instruction path gives."""
    elf = fw("corev_matmul", M=24, K=32, N=20)
    runs = []
    for fast in (1, 0):
        cl = Cluster(Config().replace(cluster={"cores": cores})).load(elf)
        cl._lib.iss_set_hwloop_fast(cl._handle, fast)
        r = cl.run()
        runs.append((r.output, [(s.cycles - s.sleep_cycles, s.instructions, s.loads, s.stores) for s in r.cores]))
    assert runs[0] == runs[1]


def test_writing_a_hardware_loop_csr_is_refused_with_the_reason():
    body = """
    li    t1, 1
    csrw  0xCC1, t1
"""
    with pytest.raises(IllegalInstructionError, match=r"CSR 0xcc1 is a read-only hardware-loop CSR of CV32E40P"):
        run_program(body, "csrw-hwloop")


@pytest.mark.parametrize("fast", [1, 0], ids=["loops in C", "per instruction"])
def test_profile_accounts_for_every_cycle_of_a_corev_kernel(fw, fast):
    cl = Cluster().load(fw("corev_matmul", M=16, K=32, N=16))
    cl._lib.iss_set_hwloop_fast(cl._handle, fast)
    r = cl.run()
    for core in r.cores:
        prof = cl.profile(core.core)
        assert sum(e.cycles for e in prof) == core.cycles
    assert cl.profile(1)[0].function == "matmul"


def test_cv32e40p_hardware_performance_counters_count_events():
    # mhpmevent3 = INSTR (bit 1), mhpmevent4 = LD (bit 5); mcountinhibit starts and stops them
    body = """
    li    t0, -1
    csrw  0x320, t0              /* inhibit while setting up */
    li    t0, 2
    csrw  0x323, t0
    li    t0, 0x20
    csrw  0x324, t0
    csrw  0xB03, zero
    csrw  0xB04, zero
    csrw  0x320, zero            /* start: counted from the next instruction on */
    lw    t1, 0(s0)
    lw    t1, 0(s0)
    cv.lw t1, (s0), 0
    addi  t2, t2, 1
    addi  t2, t2, 1
    addi  t2, t2, 1
    li    t0, -1
    csrw  0x320, t0              /* stop: counted */
    addi  t2, t2, 1
    csrr  t3, 0xB03
    csrr  t4, 0xB04
    csrr  t5, 0x323
    sw    t3, 0(s0)
    sw    t4, 4(s0)
    sw    t5, 8(s0)
"""
    cl, _ = run_program(body, "hpm")
    assert words(cl, 3) == [8, 3, 2]


def test_gcc_csr_program_built_for_corev_uses_the_hardware_counters(tmp_path):
    from iss import firmware
    elf = firmware.build_program(firmware.FIRMWARE_DIR / "csr", tmp_path / "csr-corev.elf", isa="corev")
    r = Cluster().load(elf).run()
    assert r.exit_code == 0, r.output
    assert sorted(l for l in r.output.splitlines() if "hartid" in l) == [f"core {i} hartid {i}" for i in range(8)]


def test_instruction_trace_shows_the_original_corev_instructions(tmp_path):
    from .conftest import run_cli

    body = f"""
    la    a0, results
    li    t2, 7
    li    a1, 2
    .balign 4
    {hw(7, 0, 4, 11)}            /* cv.setup 0, a1, end +16 */
    cv.lw t1, (a0), 4
    cv.max t3, t1, t2
    cv.sdotsp.b t4, t3, t2
"""
    elf = assemble_corev(HEAD + body + TAIL.format(space=64), BUILD / "corev-itrace.elf")
    r = run_cli("run", elf, "--cores", "1", "--itrace", tmp_path / "t.txt")
    assert r.returncode == 0, r.stderr
    lines = [l for l in (tmp_path / "t.txt").read_text().splitlines() if not l.startswith("#")]
    text = "\n".join(lines)
    # the words as the ELF has them and their CORE-V disassembly, once per iteration
    loads = [l.split() for l in lines if "cv.lw t1, (a0), 0x4" in l]
    assert len(loads) == 2 and all(l[4] == "0045230b" for l in loads)     # the ELF's word
    assert text.count("cv.max t3, t1, t2") == 2 and text.count("cv.sdotsp.b t4, t3, t2") == 2
    assert "cv.setup 0, a1, 0x" in text
    assert "ori zero, zero" not in text and "csrrw zero, 0xfef" not in text


def test_the_rv32imc_refusal_in_docs_is_what_the_tool_prints():
    from .conftest import ROOT, run_cli

    src = """
    .option norelax
    .section .text.init, "ax"
    .globl _start
_start:
    csrr  t0, mhartid
    bnez  t0, 1f
    cv.max t1, t2, t3
1:  wfi
    j 1b
"""
    elf = assemble_corev(src, BUILD / "cvmax.elf")
    r = run_cli("run", "--set", 'core.isa="rv32imc"', elf)
    doc = (ROOT / "docs" / "isa.md").read_text()
    shown = next(l for l in doc.splitlines() if l.startswith("iss: illegal instruction"))
    assert r.returncode == 105 and r.stderr.strip().endswith(shown), r.stderr
