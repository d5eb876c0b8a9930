#!/usr/bin/env bash
# Installs what building and running the firmware needs, on a fresh Debian machine:
# the RISC-V GCC, picolibc, clang-22 and lld-22 (CORE-V firmware, firmware/*/ISA = corev), llvm-22
# (llvm-objdump-22, llvm-ar-22) and gdb-multiarch (tests/test_gdb.py) from Debian, and a Python
# virtual environment (.venv) with the simulator installed in editable mode. Safe to run
# again: it skips what is there.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

APT_PACKAGES=(gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf clang-22 lld-22 llvm-22 gdb-multiarch)
missing=()
for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
# the native core is compiled by cffi: a host C compiler and the Python headers
command -v cc >/dev/null 2>&1 || missing+=(build-essential)
python3 - <<'PY' 2>/dev/null || missing+=(python3-dev)
import os, sys, sysconfig
sys.exit(0 if os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")) else 1)
PY
if ((${#missing[@]})); then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "setup: installing ${missing[*]}" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
    echo "setup: creating .venv" >&2
    python3 -m venv .venv
fi
stamp=.venv/.iss-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    echo "setup: installing the simulator and its Python dependencies into .venv" >&2
    .venv/bin/python -m pip install -q --upgrade pip >/dev/null
    .venv/bin/python -m pip install -q -e ".[test]"
    touch "$stamp"
fi
# Compile the native core now rather than inside the first test.
.venv/bin/python -c 'import iss.native as n; n.load()'
