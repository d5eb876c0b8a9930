"""Cost of the cycle model: aggregate MIPS of 8-core firmware with the model off, on, and on
with per-access TCDM bank-conflict modelling.

    .venv/bin/python benchmarks/cycle_model.py [--size 192] [--repeat 3]

Workloads: an int8 matrix multiply (compute bound) and, when the DMA exists, a DMA-heavy
kernel. Prints one table; speed depends on the host, so quote the machine.
"""
from __future__ import annotations

import argparse
import os
import platform
from pathlib import Path

from iss import Cluster, Config, firmware

ROOT = Path(__file__).resolve().parent.parent
MODES = {
    "model off": {"timing": {"model": False}},
    "model on": {},
    "model on + bank conflicts": {"timing": {"bank_conflicts": True}},
}


def workloads(size: int) -> dict[str, Path]:
    out = {"int8 matmul": firmware.build_program(
        firmware.FIRMWARE_DIR / "matmul", ROOT / "build" / "bench" / f"matmul-{size}.elf",
        defines={"M": size, "K": size, "N": size})}
    dma = firmware.FIRMWARE_DIR / "dma_bench"
    if dma.is_dir():
        out["DMA-heavy kernel"] = firmware.build_program(dma, ROOT / "build" / "bench" / "dma_bench.elf")
    return out


def best_run(elf: Path, cfg: Config, repeat: int):
    best = None
    for _ in range(repeat):
        r = Cluster(cfg).load(elf).run()
        if best is None or r.mips > best.mips:
            best = r
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=192)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(f"host: {platform.machine()}, {os.cpu_count()} cpus, Python {platform.python_version()}")
    print(f"{'workload':<18} {'mode':<27} {'instructions':>13} {'cycles':>12} {'wall s':>8} {'MIPS':>8} {'overhead':>9}")
    for name, elf in workloads(args.size).items():
        base = None
        for mode, sections in MODES.items():
            r = best_run(elf, Config().replace(**sections), args.repeat)
            base = base or r.wall_seconds
            print(f"{name:<18} {mode:<27} {r.instructions:>13} {r.cycles:>12} {r.wall_seconds:>8.3f} "
                  f"{r.mips:>8.1f} {r.wall_seconds / base:>8.2f}x")


if __name__ == "__main__":
    main()
