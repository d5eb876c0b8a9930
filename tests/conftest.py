"""Shared fixtures: firmware is built once per session (incrementally) into build/test-firmware."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from iss import firmware

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build" / "test-firmware"


@pytest.fixture(scope="session")
def fw():
    """fw(name, isa=None, **defines) -> path of the built ELF (variants get their own file)."""
    def build(name: str, isa: str | None = None, **defines) -> Path:
        """isa: build for that core variant instead of the program's own (firmware/NAME/ISA)."""
        suffix = "".join(f"-{k}{v}" for k, v in sorted(defines.items())) + (f"-{isa}" if isa else "")
        return firmware.build_program(firmware.FIRMWARE_DIR / name, BUILD / f"{name}{suffix}.elf",
                                      defines=defines or None, isa=isa)
    return build


def assemble(source: str, elf: Path, *link: str) -> Path:
    """Assembles a bare-metal test program (its own _start) into elf, linked with the runtime's
    linker script unless other link arguments are given."""
    src = Path(elf).with_suffix(".S")
    src.parent.mkdir(parents=True, exist_ok=True)
    src.write_text(source)
    link = link or ("-T", str(ROOT / "runtime" / "link.ld"))
    subprocess.run(["riscv64-unknown-elf-gcc", "-march=rv32imc_zicsr_zifencei", "-mabi=ilp32", "-nostdlib",
                    *link, str(src), "-o", str(elf)], check=True, capture_output=True)
    return Path(elf)


COREV_MARCH = "rv32imc_zicsr_zifencei_xcvmem_xcvalu_xcvmac_xcvsimd_xcvbi_xcvbitmanip_xcvelw"


def assemble_corev(source: str, elf: Path) -> Path:
    """Assembles a bare-metal program that uses CORE-V mnemonics with clang-22 and ld.lld-22."""
    import shutil
    if not shutil.which("clang-22") or not shutil.which("ld.lld-22"):
        pytest.skip("clang-22/lld-22 not installed (toolchain/setup.sh installs them)")
    src = Path(elf).with_suffix(".S")
    src.parent.mkdir(parents=True, exist_ok=True)
    src.write_text(source)
    obj = src.with_suffix(".o")
    subprocess.run(["clang-22", "--target=riscv32-unknown-elf", f"-march={COREV_MARCH}", "-mabi=ilp32",
                    "-mno-relax", "-c", str(src), "-o", str(obj)], check=True, capture_output=True)
    subprocess.run(["ld.lld-22", "-T", str(ROOT / "runtime" / "link.ld"), str(obj), "-o", str(elf)],
                   check=True, capture_output=True)
    return Path(elf)


def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Runs the iss command as a user would, capturing its output."""
    return subprocess.run([sys.executable, "-m", "iss", *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT)
