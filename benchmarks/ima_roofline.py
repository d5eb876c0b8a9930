"""IMA roofline: throughput of back-to-back full-array jobs against the data-port width.

    .venv/bin/python benchmarks/ima_roofline.py [--jobs 256] [--set section.key=value ...]

Runs firmware/ima_bench (JOBS full size x size jobs in one TRIGGER, iss_cycles() around the
start and the wait) at 500 MHz and 250 MHz, for port_bits 32 ... 512, sequential and pipelined.
Prints the cycles per job (whole measured batch / jobs: the configuration writes, the first
stream-in and the last stream-out are included) and the achieved
GOPS = jobs * 2 * size * size / (cycles / clock_hz) / 1e9. The paper's figure (958 GOPS at
250 MHz, 128-bit, pipelined; peak 2 * 256 * 256 / 130 ns = 1008 GOPS) is printed beside that
cell for comparison only: nothing here is tuned to it. Simulated cycles do not depend on the host.
"""
from __future__ import annotations

import argparse
import re
from pathlib import Path

from iss import Cluster, firmware, load_config

ROOT = Path(__file__).resolve().parent.parent
CLOCKS = (500e6, 250e6)
PORTS = (32, 64, 128, 256, 512)
PAPER = {(250e6, 128, True): "paper: 958 GOPS (peak 1008)"}


def measure(elf: Path, cfg) -> tuple[int, int]:
    r = Cluster(cfg).load(elf).run()
    m = re.search(r"jobs (\d+) cycles (\d+)", r.output)
    size = re.search(r"size (\d+)", r.output)
    if r.exit_code != 0 or not m or not size:
        raise SystemExit(f"ima_bench failed (exit {r.exit_code}):\n{r.output}")
    return int(m.group(2)), int(size.group(1))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jobs", type=int, default=256, help="jobs in the batch (default 256)")
    ap.add_argument("--set", action="append", default=[], help="config override (applied first)")
    args = ap.parse_args()
    elf = firmware.build_program(firmware.FIRMWARE_DIR / "ima_bench",
                                 ROOT / "build" / "bench" / f"ima_bench-{args.jobs}.elf",
                                 defines={"JOBS": args.jobs, "PROGRAM": 0})
    base = load_config(None, args.set)
    print(f"IMA roofline: {args.jobs} full-array jobs per TRIGGER, overrides {args.set or 'none'}")
    print(f"{'clock':>8} {'mode':>10} {'port':>5} {'MVM cyc':>7} {'cycles':>8} {'cyc/job':>8} {'GOPS':>7}")
    for clock in CLOCKS:
        for pipelined in (False, True):
            for port in PORTS:
                cfg = base.replace(cluster={"clock_hz": clock}, ima={"port_bits": port, "pipelined": pipelined})
                cycles, size = measure(elf, cfg)
                mvm = -(-cfg.ima.mvm_ns * clock // 1e9)
                gops = args.jobs * 2 * size * size / (cycles / clock) / 1e9
                note = PAPER.get((clock, port, pipelined), "")
                mode = "pipelined" if pipelined else "sequential"
                print(f"{clock / 1e6:>5.0f}MHz {mode:>10} {port:>5} {mvm:>7.0f} {cycles:>8} "
                      f"{cycles / args.jobs:>8.2f} {gops:>7.1f}  {note}".rstrip())


if __name__ == "__main__":
    main()
