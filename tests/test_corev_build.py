"""CORE-V firmware (firmware/NAME/ISA = corev): built by clang-22 + ld.lld-22, the ELF's arch
attributes, the CORE-V instructions in the kernels, the hardware-loop encodings of iss_simd.h,
GCC programs unchanged; and the CORE-V programs run on cores configured with core.isa = corev."""
import json
import re
import shutil
import subprocess

import numpy as np
import pytest
from elftools.elf.elffile import ELFFile

from iss import Cluster, Config, firmware, run_elf

from .conftest import run_cli
from .test_firmware import matmul_reference

COREV_PROGRAMS = ["corev_hello", "corev_matmul", "corev_hwloop"]
XCV = ["xcvalu", "xcvbi", "xcvelw", "xcvmac", "xcvmem", "xcvsimd"]   # no xcvbitmanip: iss/firmware.py
MATTR = "--mattr=" + ",".join(f"+{x}" for x in XCV)

needs_clang = pytest.mark.skipif(
    any(shutil.which(t) is None for t in (firmware.CLANG, firmware.LLD, firmware.LLVM_AR)),
    reason="clang-22, ld.lld-22 or llvm-ar-22 not installed (Debian packages clang-22, lld-22, "
           "llvm-22; toolchain/setup.sh installs them)")
needs_objdump = pytest.mark.skipif(shutil.which("llvm-objdump-22") is None,
                                   reason="llvm-objdump-22 not installed (Debian package llvm-22)")


def corev(**sections):
    return Config().replace(core={"isa": "corev"}, **sections)


def arch_attribute(elf_path) -> str:
    """Tag_RISCV_arch (tag 5) of the ELF's .riscv.attributes, as text."""
    with open(elf_path, "rb") as f:
        section = ELFFile(f).get_section_by_name(".riscv.attributes")
        data = section.data() if section is not None else b""
    m = re.search(rb"\x05(rv32[a-z0-9_]+)\x00", data)
    return m.group(1).decode() if m else ""


# ---- build ----

@needs_clang
@pytest.mark.parametrize("name", COREV_PROGRAMS)
def test_corev_program_builds_with_clang(fw, name):
    assert firmware.program_isa(firmware.FIRMWARE_DIR / name) == "corev"
    elf = fw(name)
    with open(elf, "rb") as f:
        e = ELFFile(f)
        assert e.elfclass == 32 and e["e_machine"] == "EM_RISCV" and e["e_type"] == "ET_EXEC"
        comment = e.get_section_by_name(".comment").data()
    assert b"clang version 22" in comment
    flags = json.loads(elf.with_name(elf.name + ".flags").read_text())["config"]
    assert flags["isa"] == "corev"
    assert flags["cflags"][0] == "--target=riscv32-unknown-elf"
    assert f"-march={firmware.COREV_MARCH}" in flags["cflags"]
    # the runtime was compiled by clang too, into the corev object directory
    objs = elf.with_name(elf.name + ".corev.obj")
    assert (objs / "rt_iss_rt.c.o").exists() and (objs / "libiss.a").exists()
    with open(objs / "rt_iss_rt.c.o", "rb") as f:
        assert b"clang version 22" in ELFFile(f).get_section_by_name(".comment").data()


@needs_clang
@pytest.mark.parametrize("name", COREV_PROGRAMS)
def test_elf_attributes_name_the_corev_extensions(fw, name):
    arch = arch_attribute(fw(name))
    assert arch.startswith("rv32i2p1_m2p0_c2p0"), arch
    for ext in XCV:
        assert re.search(rf"_{ext}\d+p\d+", arch), (ext, arch)


@needs_clang
def test_matmul_sizes_build(fw):
    for m, k, n in [(64, 64, 64), (24, 40, 16), (13, 7, 5), (3, 3, 3)]:
        assert fw("corev_matmul", M=m, K=k, N=n).exists()


@needs_clang
@needs_objdump
def test_objdump_shows_corev_instructions_in_the_matmul_kernel(fw):
    # the whole disassembly, cut at the function: --disassemble-symbols stops at the first $d
    # mapping symbol, the hardware loop's .word
    out = subprocess.run(["llvm-objdump-22", "-d", MATTR, fw("corev_matmul")],
                         capture_output=True, text=True, check=True).stdout
    out = out[out.index("<matmul>:"):]
    out = out[:out.index("\n\n")]
    mnemonics = [line.split("\t")[1] for line in out.splitlines() if line.count("\t") >= 2]
    assert "cv.sdotsp.b" in mnemonics
    # post-increment loads: cv.lw rd, (rs1), 4
    assert re.search(r"cv\.lw\t\w+, \(\w+\), 0x4", out)
    # the dot product's hardware loop: its cv.setup word, then the 3-instruction body
    words = hwloop_words(fw("corev_matmul"))
    setups = [w for w in words if w["op"] == "setup"]
    assert setups
    body = re.search(r"\.word\t0x([0-9a-f]{8})\n(.*\n){3}", out)
    assert body is not None and int(body.group(1), 16) == setups[0]["word"]


HWLP_OPS = ["starti", "start", "endi", "end", "counti", "count", "setupi", "setup"]


def hwloop_words(elf_path):
    """The hardware-loop instructions of an ELF: iss_simd.h emits them with .word, so they are
    the data ($d mapping symbol) in .text. Decoded after the CV32E40P v2 manual."""
    with open(elf_path, "rb") as f:
        e = ELFFile(f)
        text = e.get_section_by_name(".text")
        base, data = text["sh_addr"], text.data()
        marks = sorted((s["st_value"], s.name) for s in e.get_section_by_name(".symtab").iter_symbols()
                       if s.name in ("$d", "$x") and base <= s["st_value"] < base + len(data))
    words = []
    for i, (addr, kind) in enumerate(marks):
        if kind != "$d":
            continue
        stop = marks[i + 1][0] if i + 1 < len(marks) else base + len(data)
        for pc in range(addr, stop, 4):
            w = int.from_bytes(data[pc - base:pc - base + 4], "little")
            assert w & 0x7F == 0x2B and (w >> 12) & 7 == 4, f"{pc:#x}: {w:#010x} is not a hwloop insn"
            op = HWLP_OPS[(w >> 8) & 0xF]
            uimm_l, rs1 = w >> 20, (w >> 15) & 0x1F
            d = {"pc": pc, "word": w, "op": op, "L": (w >> 7) & 1, "rs1": rs1, "uimmL": uimm_l}
            if op in ("starti", "endi"):
                d["target"] = pc + (uimm_l << 2)
            elif op == "setupi":
                d["target"], d["count"] = pc + (rs1 << 2), uimm_l
            elif op == "setup":
                d["target"] = pc + (uimm_l << 2)
            elif op == "counti":
                d["count"] = uimm_l
            words.append(d)
    return words


@needs_clang
def test_hardware_loop_encodings(fw):
    words = hwloop_words(fw("corev_hwloop"))
    ops = {(w["op"], w["L"]) for w in words}
    for op in HWLP_OPS:
        assert any(o == op for o, _ in ops), op
    assert {L for _, L in ops} == {0, 1}
    for w in words:
        assert w["pc"] % 4 == 0, w                          # set-up instructions word aligned
        if "target" in w:
            assert w["target"] % 4 == 0 and w["target"] > w["pc"], w
        if w["op"] in ("setupi", "setup"):
            assert w["target"] - (w["pc"] + 4) >= 12, w     # body of 3 instructions at least
        if w["op"] in ("start", "end", "count"):
            assert w["uimmL"] == 0, w
    # the counts written by immediates in corev_hwloop.c
    assert sorted(w["count"] for w in words if "count" in w) == [1, 10, 10, 10, 12]
    # hwloop_asm.S (the assembler form of the macros): cv.setup 0, a0 with a 3-instruction body
    with open(fw("corev_hwloop"), "rb") as f:
        sym = ELFFile(f).get_section_by_name(".symtab").get_symbol_by_name("hwloop_asm_triple")[0]
    start, size = sym["st_value"], sym["st_size"]
    asm = [w for w in words if start <= w["pc"] < start + size]
    assert [(w["op"], w["L"], w["rs1"], w["target"] - w["pc"]) for w in asm] == [("setup", 0, 10, 16)]


@needs_clang
def test_body_of_a_hardware_loop_has_no_compressed_instruction(fw):
    elf = fw("corev_hwloop")
    with open(elf, "rb") as f:
        text = ELFFile(f).get_section_by_name(".text")
        base, data = text["sh_addr"], text.data()
    for w in hwloop_words(elf):
        if w["op"] in ("setupi", "setup"):
            for pc in range(w["pc"] + 4, w["target"], 4):
                assert data[pc - base] & 3 == 3, f"RVC instruction at {pc:#x} in a loop body"


# ---- ISA selection, overrides, errors; GCC programs unchanged ----

def test_gcc_programs_unchanged(fw):
    names = [n for n in firmware.program_names() if n not in COREV_PROGRAMS]
    assert names and all(firmware.program_isa(firmware.FIRMWARE_DIR / n) == "rv32imc" for n in names)
    elf = fw("hello")
    config = json.loads(elf.with_name(elf.name + ".flags").read_text())["config"]
    assert config["cflags"] == firmware.CFLAGS and config["ldflags"] == firmware.LDFLAGS
    assert "isa" not in config
    assert elf.with_name(elf.name + ".obj").is_dir()
    with open(elf, "rb") as f:
        assert b"GCC" in ELFFile(f).get_section_by_name(".comment").data()
    assert "xcv" not in arch_attribute(elf)


@needs_clang
def test_isa_argument_overrides_the_isa_file(tmp_path):
    elf = firmware.build_program(firmware.FIRMWARE_DIR / "hello", tmp_path / "hello.elf", isa="corev")
    assert "xcvsimd" in arch_attribute(elf)
    # a CORE-V kernel built for rv32imc stops at iss_simd.h's #error
    with pytest.raises(firmware.BuildError, match="core.isa=corev"):
        firmware.build_program(firmware.FIRMWARE_DIR / "corev_matmul", tmp_path / "m.elf", isa="rv32imc")
    with pytest.raises(firmware.BuildError, match="unknown ISA 'rv64'"):
        firmware.build_program(firmware.FIRMWARE_DIR / "hello", tmp_path / "h.elf", isa="rv64")


@needs_clang
def test_cli_build_isa_option(tmp_path):
    r = run_cli("build", "--isa", "corev", "--out", tmp_path, "hello")
    assert r.returncode == 0, r.stderr
    assert "xcvmac" in arch_attribute(tmp_path / "hello.elf")
    r = run_cli("build", "--isa", "rv32imc", "--out", tmp_path, "corev_matmul")
    assert r.returncode == 110 and "core.isa=corev" in r.stderr
    assert run_cli("build", "--isa", "x86", "hello").returncode == 2


def test_unknown_isa_file(tmp_path):
    prog = tmp_path / "prog"
    prog.mkdir()
    (prog / "prog.c").write_text("int main(void) { return 0; }\n")
    (prog / "ISA").write_text("rv64gc\n")
    with pytest.raises(firmware.BuildError, match=r"unknown ISA 'rv64gc'"):
        firmware.build_program(prog, tmp_path / "prog.elf")


def test_missing_clang_names_the_package(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    firmware._corev_toolchain.cache_clear()
    try:
        with pytest.raises(firmware.BuildError, match="clang-22 not found on PATH: install the Debian package clang-22"):
            firmware.build_program(firmware.FIRMWARE_DIR / "corev_hello", tmp_path / "h.elf")
        (tmp_path / "clang-22").symlink_to("/bin/true")
        with pytest.raises(firmware.BuildError, match="ld.lld-22 not found on PATH: install the Debian package lld-22"):
            firmware.build_program(firmware.FIRMWARE_DIR / "corev_hello", tmp_path / "h.elf")
        with pytest.raises(firmware.BuildError, match="riscv64-unknown-elf-gcc not found on PATH: install "
                                                      "the Debian package gcc-riscv64-unknown-elf"):
            firmware.build_program(firmware.FIRMWARE_DIR / "hello", tmp_path / "g.elf")
    finally:
        firmware._corev_toolchain.cache_clear()


# ---- runs (cores configured with core.isa = "corev") ----

@needs_clang
@pytest.mark.parametrize("cores", [1, 3, 8])
def test_corev_hello_from_every_core(fw, cores):
    r = run_elf(fw("corev_hello"), corev(cluster={"cores": cores}))
    assert r.exit_code == 0
    assert sorted(r.output.splitlines()) == [f"corev hello from core {i} of {cores}" for i in range(cores)]


@needs_clang
@pytest.mark.parametrize("m, k, n, cores", [(64, 64, 64, 8), (24, 40, 16, 3), (13, 7, 5, 8), (3, 3, 3, 2)])
def test_corev_matmul_matches_numpy_and_the_plain_matmul(fw, m, k, n, cores):
    cl = Cluster(corev(cluster={"cores": cores})).load(fw("corev_matmul", M=m, K=k, N=n))
    r = cl.run()
    assert r.exit_code == 0
    a, b, c = matmul_reference(m, k, n)
    assert np.array_equal(cl.read_array("A", np.int8, m * k).reshape(m, k), a)
    assert np.array_equal(cl.read_array("B", np.int8, k * n).reshape(k, n), b)
    assert np.array_equal(cl.read_array("C", np.int32, m * n).reshape(m, n), c)
    assert f"checksum {int(c.sum())}" in r.output.splitlines()
    for core in range(cores):
        first, last = core * m // cores, (core + 1) * m // cores
        if last > first:
            assert f"core {core} rows {first}-{last - 1} sum {int(c[first:last].sum())}" in r.output
    # the same lines as the RV32IMC matmul, but for the cycle count
    plain = run_elf(fw("matmul", M=m, K=k, N=n), Config().replace(cluster={"cores": cores}))
    strip = lambda out: sorted(l for l in out.splitlines() if not l.startswith("cycles "))
    assert strip(r.output) == strip(plain.output)


@needs_clang
@pytest.mark.parametrize("cores", [1, 8])
def test_corev_hardware_loops(fw, cores):
    r = run_elf(fw("corev_hwloop"), corev(cluster={"cores": cores}))
    lines = r.output.splitlines()
    checks = [l for l in lines if " got " in l]
    assert len(checks) == 24
    for line in checks:
        got, expected = re.fullmatch(r".* got (\d+) expected (\d+)", line).groups()
        assert got == expected, line
    assert sorted(l for l in lines if "hwloop errors" in l) == \
        [f"core {c} hwloop errors 0" for c in range(cores)]
    assert r.exit_code == 0
