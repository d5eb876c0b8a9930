"""CORE-V register-result forms (iss/native/isa_xcv_alu.c) against the CV32E40P RTL.

tests/data/xcv_vectors.txt is measured data: 21,504 results of the CORE-V ALU, MAC, SIMD and
bit-manipulation instructions as the CV32E40P RTL (openhwgroup/cv32e40p 6033d2b, Verilator)
computed them, copied from the project's shared reference (see tests/data/README.md). Every
line is checked: its encoding decodes to exactly its mnemonic's form, the form's alu function
gives the RTL's result, and the form prints the operands as llvm-objdump-22 does. When
clang-22 and llvm-objdump-22 are installed, the disassembly is also compared with theirs.

The table is compiled with the host cc together with a tiny driver (tests/xcv_driver.c) into
a shared library loaded through ctypes; all checking is done here.
"""
from __future__ import annotations

import ctypes
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NATIVE = ROOT / "iss" / "native"
VECTORS = Path(__file__).resolve().parent / "data" / "xcv_vectors.txt"
DRIVER = Path(__file__).resolve().parent / "xcv_driver.c"

F_RD, F_RS1, F_RS2 = 0x01, 0x02, 0x04
EXT_XCVALU, EXT_XCVMAC, EXT_XCVSIMD, EXT_XCVBITMANIP = 6, 7, 8, 10   # enum isa_ext
IC_ALU, EXEC_HOOK = 0, 2

# with Is3 = 0 these forms are separate mnemonics (LLVM disassembles them so)
ALIAS_IS3_0 = {"cv.mulun": "cv.mulu", "cv.mulhhun": "cv.mulhhu", "cv.mulsn": "cv.muls",
               "cv.mulhhsn": "cv.mulhhs"}

BITMANIP = {"cv.extract", "cv.extractu", "cv.insert", "cv.bclr", "cv.bset", "cv.bitrev", "cv.extractr",
            "cv.extractur", "cv.insertr", "cv.bclrr", "cv.bsetr", "cv.ror", "cv.ff1", "cv.fl1", "cv.clb",
            "cv.cnt"}
ALU = {"cv.abs", "cv.sle", "cv.sleu", "cv.min", "cv.minu", "cv.max", "cv.maxu", "cv.exths", "cv.exthz",
       "cv.extbs", "cv.extbz", "cv.clip", "cv.clipu", "cv.clipr", "cv.clipur"}
ALU_NORM = re.compile(r"^cv\.(add|sub)u?r?nr?$")      # cv.addn ... cv.suburnr
MAC = re.compile(r"^cv\.(mul|mac|msu)")

MAX_REPORT = 20


def expected_ext(name: str) -> int:
    if name in BITMANIP:
        return EXT_XCVBITMANIP
    if name in ALU or ALU_NORM.match(name):
        return EXT_XCVALU
    if MAC.match(name):
        return EXT_XCVMAC
    return EXT_XCVSIMD


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    cc = shutil.which("cc")
    if cc is None:
        pytest.skip("no host C compiler")
    so = tmp_path_factory.mktemp("xcv") / "libxcv.so"
    subprocess.run([cc, "-std=c11", "-O1", "-Wall", "-shared", "-fPIC",
                    f"-I{NATIVE}", str(NATIVE / "isa_xcv_alu.c"), str(DRIVER), "-o", str(so)],
                   check=True, capture_output=True, text=True)
    L = ctypes.CDLL(str(so))
    u32 = ctypes.c_uint32
    for fn, res, args in (("drv_count", ctypes.c_int, []), ("drv_name", ctypes.c_char_p, [ctypes.c_int]),
                          ("drv_mask", u32, [ctypes.c_int]), ("drv_match", u32, [ctypes.c_int]),
                          ("drv_info", u32, [ctypes.c_int]), ("drv_fmt", u32, [ctypes.c_int]),
                          ("drv_alu", u32, [ctypes.c_int, u32, u32, u32, u32]),
                          ("drv_print", ctypes.c_int, [ctypes.c_int, u32, ctypes.c_char_p, ctypes.c_size_t])):
        getattr(L, fn).restype = res
        getattr(L, fn).argtypes = args
    return L


@pytest.fixture(scope="module")
def forms(lib):
    out = []
    for i in range(lib.drv_count()):
        info, fmt = lib.drv_info(i), lib.drv_fmt(i)
        out.append(dict(i=i, name=lib.drv_name(i).decode(), mask=lib.drv_mask(i), match=lib.drv_match(i),
                        len=info & 0xff, ext=(info >> 8) & 0xff, cls=(info >> 16) & 0xff, exec=info >> 24,
                        reads=fmt & 0xff, writes=(fmt >> 8) & 0xff, regs_hook=bool(fmt & 0x10000),
                        alu=bool(fmt & 0x20000)))
    return out


@pytest.fixture(scope="module")
def vectors():
    rows = []
    for n, line in enumerate(VECTORS.read_text().splitlines(), 1):
        if not line or line.startswith("#"):
            continue
        insn, imm, enc, rs1, rs2, rd, res = line.split()
        rows.append(dict(line=n, insn=insn, imm=imm, enc=int(enc, 16), rs1=int(rs1, 16),
                         rs2=None if rs2 == "-" else int(rs2, 16), rd=int(rd, 16), res=int(res, 16)))
    assert len(rows) == 21504
    return rows


def lookup(forms, w):
    return [f for f in forms if w & f["mask"] == f["match"]]


def disasm(lib, f, w):
    buf = ctypes.create_string_buffer(128)
    n = lib.drv_print(f["i"], w, buf, len(buf))
    assert 0 < n < len(buf)
    return f"{f['name']} {buf.value.decode()}"


def hex_imm(v: int) -> str:
    return f"-0x{-v:x}" if v < 0 else f"0x{v:x}"


REG = ["zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
       "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"]


def expected_text(v) -> str:
    """What llvm-objdump-22 prints for a vector line: the LLVM mnemonic, rd, rs1, rs2 when the
    line has a register rs2, then the immediates in hex."""
    w, name = v["enc"], v["insn"]
    ops = [REG[(w >> 7) & 31], REG[(w >> 15) & 31]]
    if v["rs2"] is not None:
        ops.append(REG[(w >> 20) & 31])
    if name in ALIAS_IS3_0 and v["imm"] == "0":
        name = ALIAS_IS3_0[name]
    elif v["imm"] != "-":
        ops += [hex_imm(int(x)) for x in v["imm"].split(",")]
    return f"{name} {', '.join(ops)}"


def expected_form_name(v) -> str:
    return ALIAS_IS3_0[v["insn"]] if v["insn"] in ALIAS_IS3_0 and v["imm"] == "0" else v["insn"]


def report(bad, what):
    lines = "\n".join(bad[:MAX_REPORT])
    return f"{len(bad)} {what}; first ones:\n{lines}"


def test_table_entries_are_well_formed(forms, vectors):
    bad = []
    for f in forms:
        problems = []
        if f["len"] != 4 or f["cls"] != IC_ALU or f["exec"] != EXEC_HOOK or not f["alu"] or f["regs_hook"]:
            problems.append("len/cls/exec/alu/regs")
        if f["match"] & ~f["mask"] or f["mask"] & 0x7f != 0x7f or f["match"] & 3 != 3:
            problems.append("mask/match")
        if f["writes"] != F_RD or not f["reads"] & F_RS1:
            problems.append("reads/writes")
        if f["ext"] != expected_ext(f["name"]):
            problems.append(f"ext {f['ext']} != {expected_ext(f['name'])}")
        if problems:
            bad.append(f"{f['name']} mask={f['mask']:08x} match={f['match']:08x}: {', '.join(problems)}")
    assert not bad, report(bad, "bad forms")
    # one form (or one split form) per mnemonic of the vectors, and no other
    assert {f["name"] for f in forms} == {v["insn"] for v in vectors}


def test_no_two_forms_overlap(forms):
    bad = [f"{a['name']} ({a['mask']:08x}/{a['match']:08x}) and {b['name']} ({b['mask']:08x}/{b['match']:08x})"
           for k, a in enumerate(forms) for b in forms[k + 1:]
           if not (a["match"] ^ b["match"]) & a["mask"] & b["mask"]]
    assert not bad, report(bad, "overlapping pairs")


def test_every_encoding_decodes_to_its_mnemonic(forms, vectors):
    bad = []
    for insn, imm, enc in sorted({(v["insn"], v["imm"], v["enc"]) for v in vectors}):
        hits = lookup(forms, enc)
        want = expected_form_name(dict(insn=insn, imm=imm))
        if [f["name"] for f in hits] != [want]:
            bad.append(f"{insn} {imm} {enc:08x}: matches {[f['name'] for f in hits]}, want {want}")
    assert not bad, report(bad, "encodings decoded wrongly")


def test_every_result_matches_the_rtl(lib, forms, vectors):
    by_enc = {}
    bad = []
    for v in vectors:
        f = by_enc.get(v["enc"]) or by_enc.setdefault(v["enc"], lookup(forms, v["enc"])[0])
        rs2 = v["rs2"] or 0
        got = lib.drv_alu(f["i"], v["enc"], v["rs1"], rs2, v["rd"])
        if got != v["res"]:
            bad.append(f"line {v['line']}: {v['insn']} {v['imm']} enc={v['enc']:08x} rs1={v['rs1']:08x} "
                       f"rs2={rs2:08x} rd={v['rd']:08x}: got {got:08x}, RTL {v['res']:08x}")
    assert not bad, report(bad, "wrong results")


def test_register_reads_are_declared(lib, forms, vectors):
    """A form that does not declare rd (rs2) as read gives the same result whatever rd (rs2)
    holds; a form that declares rd read depends on it for some vector."""
    by_enc = {v["enc"]: lookup(forms, v["enc"])[0] for v in vectors}
    depends = {f["i"]: False for f in forms}
    bad = []
    for v in vectors:
        f, rs2 = by_enc[v["enc"]], v["rs2"] or 0
        other_rd = lib.drv_alu(f["i"], v["enc"], v["rs1"], rs2, v["rd"] ^ 0xffffffff)
        if other_rd != v["res"]:
            depends[f["i"]] = True
            if not f["reads"] & F_RD:
                bad.append(f"line {v['line']}: {f['name']} depends on rd but does not declare it read")
        if not f["reads"] & F_RS2 and lib.drv_alu(f["i"], v["enc"], v["rs1"], rs2 ^ 0x5a5a5a5a, v["rd"]) != v["res"]:
            bad.append(f"line {v['line']}: {f['name']} depends on rs2 but does not declare it read")
        if f["reads"] & F_RS2 and v["rs2"] is None:
            bad.append(f"line {v['line']}: {f['name']} declares rs2 read but has no register rs2")
    bad += [f"{f['name']} declares rd read but never depends on it" for f in forms
            if f["reads"] & F_RD and not depends[f["i"]] and f["i"] in {g["i"] for g in by_enc.values()}]
    assert not bad, report(bad, "register-read problems")


def test_every_line_disassembles_like_llvm(lib, forms, vectors):
    bad = []
    seen = {}
    for v in vectors:
        key = (v["insn"], v["imm"], v["enc"], v["rs2"] is None)
        if key in seen:
            continue
        want = seen[key] = expected_text(v)
        got = disasm(lib, lookup(forms, v["enc"])[0], v["enc"])
        if got != want:
            bad.append(f"line {v['line']}: {v['enc']:08x}: got '{got}', want '{want}'")
    assert not bad, report(bad, "disassembly differences")


LLVM_MC, OBJDUMP = "clang-22", "llvm-objdump-22"


@pytest.mark.skipif(not (shutil.which(LLVM_MC) and shutil.which(OBJDUMP)), reason="needs clang-22 and llvm-objdump-22")
def test_disassembly_matches_llvm_objdump(lib, forms, vectors, tmp_path):
    """The vectors' encodings and random words of every form (random register and immediate
    fields) disassemble exactly as llvm-objdump-22 prints them, and decode to one form."""
    rng = random.Random(1)
    words = sorted({v["enc"] for v in vectors})
    words += [f["match"] | (rng.getrandbits(32) & ~f["mask"]) for f in forms for _ in range(4)]
    src, obj = tmp_path / "w.s", tmp_path / "w.o"
    src.write_text("".join(f".insn 4, 0x{w:08x}\n" for w in words))
    subprocess.run([LLVM_MC, "--target=riscv32-unknown-elf", "-march=rv32imc_xcvalu_xcvmac_xcvsimd_xcvbitmanip",
                    "-c", str(src), "-o", str(obj)], check=True, capture_output=True)
    out = subprocess.run([OBJDUMP, "--mattr=+xcvmem,+xcvalu,+xcvmac,+xcvsimd,+xcvbi,+xcvbitmanip,+xcvelw", "-d",
                          str(obj)], check=True, capture_output=True, text=True).stdout
    theirs = [" ".join(p.strip() for p in line.split("\t")[1:]).strip()
              for line in out.splitlines() if re.match(r"^\s+[0-9a-f]+:\s", line)]
    assert len(theirs) == len(words)
    bad = []
    for w, t in zip(words, theirs):
        hits = lookup(forms, w)
        mine = disasm(lib, hits[0], w) if len(hits) == 1 else f"<{len(hits)} forms>"
        if mine != t:
            bad.append(f"{w:08x}: mine '{mine}', llvm-objdump '{t}'")
    assert not bad, report(bad, "differences from llvm-objdump")
