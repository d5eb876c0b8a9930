#!/usr/bin/env bash
# The main job: set up (toolchain, .venv), then MobileNetV2 1.0 at 224x224 end to end on the
# simulated cluster: generate and build the firmware for the heterogeneous mapping (IMA +
# depthwise accelerator + 8 cores) and for the all-software baseline, run both, check the output
# against the numpy golden model and print the per-layer report (CSV and PNG in build/report).
# Extra arguments go to benchmarks/mobilenetv2.py, e.g. --resolution 96 --width 0.35.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash toolchain/setup.sh
exec .venv/bin/python benchmarks/mobilenetv2.py "$@"
