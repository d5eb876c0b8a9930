"""MAC/cycle of the software int8 kernels on 8 cores, CORE-V build beside RV32IMC build; for
the residual add output elements/cycle and for the average pool input bytes/cycle.

    .venv/bin/python benchmarks/kernels.py [--quick]

Each kernel runs in its test firmware (firmware/kern_pw, kern_dw, kern_conv, kern_add, kern_pool) on layer shapes of
the Bottleneck and MobileNetV2, built twice: with GCC for rv32imc and with clang-22 for corev
(runtime/iss_kernels_*.c pick their CORE-V version where they have one; otherwise it is the same
C code compiled by clang with the CORE-V extensions). Cycles are the simulated cycles of the
kernel call on core 0 (all cores end it at a barrier), with the default cycle model. The
reference figures are PULP-NN's published int8 convolution on 8 RI5CY cores (about 15
MAC/cycle) and the targets of issue 12 (pointwise >= 14, depthwise >= 4). Byte-exactness is
the tests' business (tests/test_kernels.py); this script prints figures only.
"""
from __future__ import annotations

import argparse
import os
import platform
import re
from pathlib import Path

from iss import Cluster, firmware

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build" / "bench" / "kernels"

# (label, program, defines, MACs)
POINTWISE = [
    ("pointwise 28x28x32 -> 192 (Bottleneck expand)", dict(H=28, W=28, CIN=32, COUT=192)),
    ("pointwise 28x28x192 -> 32 (Bottleneck project)", dict(H=28, W=28, CIN=192, COUT=32)),
    ("pointwise 14x14x64 -> 384 (MobileNetV2 b7 expand)", dict(H=14, W=14, CIN=64, COUT=384)),
    ("pointwise 14x14x96 -> 576 (MobileNetV2 b11 expand)", dict(H=14, W=14, CIN=96, COUT=576)),
]
DEPTHWISE = [
    ("depthwise 28x28x192 3x3 s1 (Bottleneck)", dict(H=28, W=28, C=192, STRIDE=1, PAD=1, DWA=0)),
    ("depthwise 14x14x384 3x3 s1 (MobileNetV2 b7)", dict(H=14, W=14, C=384, STRIDE=1, PAD=1, DWA=0)),
    ("depthwise 28x28x144 3x3 s2 (MobileNetV2 b3)", dict(H=28, W=28, C=144, STRIDE=2, PAD=1, DWA=0)),
]
CONV = [
    ("conv3x3 56x56x3 -> 32 s2 (MobileNetV2 conv0 class)", dict(H=56, W=56, CIN=3, COUT=32, STRIDE=2, PAD=1, BAND=4)),
    ("conv3x3 28x28x16 -> 32 s1 (im2col, 144 inputs)", dict(H=28, W=28, CIN=16, COUT=32, STRIDE=1, PAD=1, BAND=4)),
]
# the add's three word loops: shift 1, shift 0 (saturating), shift 2-8
ADD = [
    ("add 28x28x32 shift 1 (Bottleneck)", dict(N=28 * 28 * 32, SHIFT=1)),
    ("add 28x28x32 shift 0", dict(N=28 * 28 * 32, SHIFT=0)),
    ("add 28x28x32 shift 4", dict(N=28 * 28 * 32, SHIFT=4)),
    ("add 14x14x96 shift 1 (MobileNetV2 b11-b12)", dict(N=14 * 14 * 96, SHIFT=1)),
]
POOL = [
    ("avgpool 7x7x1280 (MobileNetV2)", dict(H=7, W=7, C=1280)),
]


def run(program: str, isa: str, defines: dict) -> tuple[int, int]:
    """(kernel cycles, work) printed by the firmware: MACs, elements (add) or input bytes (pool)."""
    suffix = "-".join(f"{k}{v}" for k, v in sorted(defines.items()))
    elf = firmware.build_program(firmware.FIRMWARE_DIR / program, BUILD / f"{program}-{suffix}-{isa}.elf",
                                 defines=defines, isa=isa)
    r = Cluster().load(elf).run()
    if r.exit_code != 0:
        raise SystemExit(f"{program} {defines} ({isa}) failed: {r.output}")
    m = (re.search(r"kernel (\d+) cycles, (\d+) (?:MACs|input bytes)", r.output)
         or re.search(r": (\d+) cycles, (\d+) MACs", r.output))
    if m:
        return int(m.group(1)), int(m.group(2))
    m = re.search(r"residual add (\d+) .*: (\d+) cycles", r.output)
    return int(m.group(2)), int(m.group(1))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="only the first shape of each kernel")
    args = ap.parse_args()
    print(f"host: {platform.processor() or platform.machine()}, {os.cpu_count()} cpus, Python {platform.python_version()}")
    print("8 cores, default cycle model; MAC/cycle = MACs / simulated cycles of the kernel call")
    print(f"{'kernel and shape':<52} {'rv32imc':>9} {'corev':>9}  reference")
    for program, shapes, ref in (("kern_pw", POINTWISE, "PULP-NN ~15, target >= 14"),
                                 ("kern_dw", DEPTHWISE, "target >= 4"),
                                 ("kern_conv", CONV, "PULP-NN ~15 (im2col + pointwise)"),
                                 ("kern_add", ADD, "output elements/cycle"),
                                 ("kern_pool", POOL, "input bytes/cycle")):
        if program == "kern_add":
            print(f"{'element-wise and pooling (unit in the last column)':<52} {'rv32imc':>9} {'corev':>9}")
        for label, defines in (shapes[:1] if args.quick else shapes):
            rates = []
            for isa in ("rv32imc", "corev"):
                cycles, work = run(program, isa, defines)
                rates.append(work / cycles)
            print(f"{label:<52} {rates[0]:9.2f} {rates[1]:9.2f}  {ref}")


if __name__ == "__main__":
    main()
