"""Simulation speed: aggregate MIPS of 8-core firmware runs.

    .venv/bin/python benchmarks/mips.py [--size 128] [--repeat 3] [--set section.key=value ...]

Prints one line per run and the best figure. Speed depends on the host: quote the machine.
"""
from __future__ import annotations

import argparse
import os
import platform
from pathlib import Path

from iss import Cluster, firmware, load_config

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=128, help="matrix size M = K = N")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--set", action="append", default=[], help="config override")
    args = ap.parse_args()
    elf = firmware.build_program(firmware.FIRMWARE_DIR / "matmul", ROOT / "build" / "bench" / f"matmul-{args.size}.elf",
                                 defines={"M": args.size, "K": args.size, "N": args.size})
    cfg = load_config(None, args.set)
    print(f"host: {platform.processor() or platform.machine()}, {os.cpu_count()} cpus, Python {platform.python_version()}")
    print(f"int8 matmul {args.size}x{args.size}x{args.size} on {cfg.cluster.cores} cores, overrides {args.set or 'none'}")
    best = 0.0
    for i in range(args.repeat):
        r = Cluster(cfg).load(elf).run()
        best = max(best, r.mips)
        print(f"  run {i}: {r.instructions} instructions, {r.cycles} cycles, {r.wall_seconds:.3f} s, {r.mips:.1f} MIPS")
    print(f"best: {best:.1f} MIPS")


if __name__ == "__main__":
    main()
