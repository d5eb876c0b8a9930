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
    """fw(name, **defines) -> path of the built ELF (variants get their own file)."""
    def build(name: str, **defines) -> Path:
        suffix = "".join(f"-{k}{v}" for k, v in sorted(defines.items()))
        return firmware.build_program(firmware.FIRMWARE_DIR / name, BUILD / f"{name}{suffix}.elf",
                                      defines=defines or None)
    return build


def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Runs the iss command as a user would, capturing its output."""
    return subprocess.run([sys.executable, "-m", "iss", *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT)
