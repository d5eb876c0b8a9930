"""What tracing costs: simulation speed with tracing off and on, and the trace's size.

    .venv/bin/python benchmarks/trace_cost.py [--size 128] [--repeat 3] [--resolution 224]
        [--width 1.0] [--software] [--no-mobilenet] [--min-cycles 0] [--out build/trace]

Runs the int8 matmul (8 cores) and MobileNetV2 (iss/mobilenet.py, the heterogeneous mapping;
--software adds the all-software baseline) without tracing, then with --trace's timeline
(and the layers as named regions from the firmware's markers). Prints for each: the run's MIPS
(simulation and draining the trace between chunks), the MIPS counting the writing of the JSON
too, the number of spans and the file size. The traces and the report's plots are left in --out.
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from iss import Cluster, firmware, load_config  # noqa: E402
from iss import report  # noqa: E402
from iss.trace import TraceOptions, Tracer  # noqa: E402


def measure(label: str, make, config, elf, repeat: int, opts: TraceOptions, out: Path) -> None:
    best_off = 0.0
    for _ in range(repeat):
        r = Cluster(config).load(elf).run()
        best_off = max(best_off, r.mips)
    best = None
    for _ in range(repeat):
        cl = Cluster(config).load(elf)
        tracer = Tracer(cl, opts)
        t0 = time.perf_counter()
        r = cl.run()
        data = tracer.finish(r)
        path = out / f"{label}.json"
        size = data.write_json(path)
        total = time.perf_counter() - t0
        run = (r.mips, r.instructions / total / 1e6, len(data.spans), size, r.wall_seconds, total)
        if best is None or run[0] > best[0]:
            best = run
    mips, mips_total, spans, size, wall, total = best
    print(f"{label}: {r.instructions} instructions, {r.cycles} cycles")
    print(f"  tracing off: {best_off:7.1f} MIPS")
    print(f"  --trace:     {mips:7.1f} MIPS run ({wall:.3f} s), {mips_total:7.1f} MIPS with the JSON written "
          f"({total:.3f} s); {spans} spans, {size / 1e6:.2f} MB ({path})")
    data = make(path)
    report.plot(data, *report.outputs(path, out))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=128, help="matmul size M = K = N")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--resolution", type=int, default=224)
    ap.add_argument("--width", type=float, default=1.0)
    ap.add_argument("--software", action="store_true", help="also the all-software MobileNetV2 baseline")
    ap.add_argument("--no-mobilenet", action="store_true")
    ap.add_argument("--min-cycles", type=int, default=0, help="--trace-min-cycles")
    ap.add_argument("--out", default=str(ROOT / "build" / "trace"))
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from iss.trace import TraceData

    print(f"host: {platform.processor() or platform.machine()}, {os.cpu_count()} cpus, "
          f"Python {platform.python_version()}")
    elf = firmware.build_program(firmware.FIRMWARE_DIR / "matmul", ROOT / "build" / "bench" / f"matmul-{args.size}.elf",
                                 defines={"M": args.size, "K": args.size, "N": args.size})
    measure(f"matmul-{args.size}", TraceData.load, load_config(None, []), elf, args.repeat,
            TraceOptions(min_cycles=args.min_cycles), out)
    if args.no_mobilenet:
        return
    from iss import mobilenet

    for mapping in ["HETERO"] + (["SOFTWARE"] if args.software else []):
        opts = mobilenet.Options(resolution=args.resolution, width=args.width, mapping=mapping)
        b = mobilenet.build(opts)
        # layer k lies between markers 2k and 2k + 1 (firmware/mobilenetv2)
        regions = [(2 * k, 2 * k + 1, f"{l.name} ({l.kind})") for k, l in enumerate(b.layers)]
        regions.append((mobilenet.MARK_SETUP, mobilenet.MARK_START, "IMA weight programming"))
        label = f"mobilenetv2-{args.resolution}-{args.width:g}-{mapping.lower()}"
        measure(label, TraceData.load, b.config, b.elf, 1 if mapping == "SOFTWARE" else args.repeat,
                TraceOptions(min_cycles=args.min_cycles, marker_spans=regions), out)


if __name__ == "__main__":
    main()
