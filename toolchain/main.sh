#!/usr/bin/env bash
# The main job: set up, build every firmware program, run the 8-core int8 matrix multiply.
# (MobileNetV2 end to end replaces the matrix multiply once it exists: issue 6.)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash toolchain/setup.sh
.venv/bin/iss build --out build/firmware >/dev/null
.venv/bin/iss run build/firmware/matmul.elf "$@"
