"""The ISA description (iss/native/isa*.c, docs/isa.md): generated docs are fresh, forms do not
overlap, and the disassembly of the CORE-V control forms is what llvm-objdump-22 prints."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from iss import isa_docs
from iss.config import isa_ext_mask
from iss.native import load as load_native

from .conftest import BUILD, COREV_MARCH


def test_generated_isa_page_is_fresh():
    assert isa_docs.PAGE.read_text() == isa_docs.render(), "run: python -m iss.isa_docs --write"


def test_32_bit_forms_never_overlap():
    fs = [f for f in isa_docs.forms() if f["len"] == 4]
    assert len(fs) > 350
    for i, a in enumerate(fs):
        for b in fs[i + 1:]:
            common = a["mask"] & b["mask"]
            assert (a["match"] & common) != (b["match"] & common), (a["name"], b["name"])


def test_every_form_decodes_to_itself():
    ffi, lib = load_native()
    info = ffi.new("iss_isa_info_t *")
    mask_of = {(f["name"], f["match"]): f["mask"] for f in isa_docs.forms()}
    for f in isa_docs.forms():
        assert lib.iss_isa_info(f["match"], info) == 0
        got = ffi.string(info.name).decode()
        if got != f["name"]:   # only a more specific form may shadow it (c.nop inside c.addi)
            w = f["match"]
            other = [m for (n, mt), m in mask_of.items() if n == got and (w & m) == mt]
            assert other and all(m & f["mask"] == f["mask"] and m != f["mask"] for m in other), (f["name"], got)


CONTROL = """
cv.lb a0, (a1), 4
cv.lbu a0, (a1), -4
cv.lh a0, (a1), 4
cv.lhu a0, (a1), 2047
cv.lw a0, (a1), -2048
cv.lb a0, (a1), a2
cv.lhu a0, (a1), a2
cv.lw a0, (a1), a2
cv.lb a0, a2(a1)
cv.lw a0, a2(a1)
cv.sb a0, (a1), 4
cv.sh a0, (a1), -2
cv.sw a0, (a1), 2047
cv.sb a0, (a1), a2
cv.sw a0, (a1), a2
cv.sh a0, a2(a1)
cv.sw a0, a2(a1)
cv.beqimm a0, 5, .+64
cv.bneimm a0, -5, .-8
cv.elw a0, 8(a1)
add a0, a1, a2
lw a0, -4(sp)
sw a0, 12(a1)
beq a0, a1, .+16
"""


@pytest.mark.skipif(not shutil.which("llvm-objdump-22"), reason="llvm-22 not installed (toolchain/setup.sh)")
def test_disassembly_matches_llvm_objdump():
    ffi, lib = load_native()
    src = BUILD / "isa-control.s"
    src.parent.mkdir(parents=True, exist_ok=True)
    src.write_text(".option norvc\n" + CONTROL)
    obj = src.with_suffix(".o")
    subprocess.run(["clang-22", "--target=riscv32-unknown-elf", f"-march={COREV_MARCH}", "-c", str(src), "-o", str(obj)],
                   check=True, capture_output=True)
    dump = subprocess.run(["llvm-objdump-22", "-M", "no-aliases", "--mattr=+xcvmem,+xcvbi,+xcvelw", "-d", str(obj)],
                          check=True, capture_output=True, text=True).stdout
    buf = ffi.new("char[]", 128)
    n = 0
    import re
    for line in dump.splitlines():
        m = re.match(r"\s*([0-9a-f]+):\s+([0-9a-f]{8})\s+(\S+)\s*(.*)$", line)
        if not m:
            continue
        addr, word = int(m[1], 16), int(m[2], 16)
        want = f"{m[3]} {m[4].split('<')[0].strip()}".strip()
        k = lib.iss_isa_disasm(word, addr, isa_ext_mask("corev"), buf, 128)
        got = ffi.string(buf, k).decode().replace("\t", " ")
        assert got == want, (hex(word), got, want)
        n += 1
    assert n == CONTROL.strip().count("\n") + 1
