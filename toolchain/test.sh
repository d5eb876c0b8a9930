#!/usr/bin/env bash
# Sets up (toolchain, .venv) and runs the whole test suite.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash toolchain/setup.sh
exec .venv/bin/python -m pytest -q "$@"
