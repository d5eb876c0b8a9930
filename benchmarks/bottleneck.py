"""The paper's Bottleneck comparison: every mapping built, run and checked byte for byte, then
one table of cycles, time, speed-up and energy efficiency against the all-software mapping,
with the paper's figures beside ours.

    .venv/bin/python benchmarks/bottleneck.py [--h 28 --cin 32 --expansion 6 --cout 32 --stride 1]
"""
from __future__ import annotations

import argparse

import numpy as np

from iss import Cluster, Config, bottleneck
from iss.cluster import region_activity
from iss.energy import EnergyModel

ROWS = [("CORES", "CORES", 16), ("HYBRID", "HYBRID", 16), ("IMA+DW", "IMA_DW", 16),
        ("IMA-DW cjob16", "IMA_IMA", 16), ("IMA-DW cjob8", "IMA_IMA", 8)]
PAPER = {"CORES": (1.0, 1.0), "HYBRID": (4.6, 3.4), "IMA+DW": (11.5, 9.5),
         "IMA-DW cjob16": (2.27, None), "IMA-DW cjob8": (1.23, None)}


def run(spec: bottleneck.Spec, mapping: str, group: int, clock_hz: float):
    elf, net, golden = bottleneck.build(spec, mapping, group)
    cfg = Config().replace(ima={"arrays": 3}, cluster={"clock_hz": clock_hz})
    cl = Cluster(cfg).load(elf)
    r = cl.run()
    final = golden["add"] if spec.residual else golden["project"]
    got = cl.read_array("bn_out", np.int8, final.size).reshape(final.shape)
    if not np.array_equal(got, final):
        raise SystemExit(f"{mapping}: output differs from the numpy reference")
    m = cl.markers()
    stages = [m[i + 1].cycle - m[i].cycle for i in range(4)]
    energy = EnergyModel().breakdown(region_activity(m[0], m[4], cfg.cluster.cores))
    macs = {"expand": net.layer("expand").macs, "dw": net.layer("dw").macs, "project": net.layer("project").macs}
    return m[4].cycle - m[0].cycle, stages, sum(energy.values()), macs, r


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--h", type=int, default=28)
    ap.add_argument("--cin", type=int, default=32)
    ap.add_argument("--expansion", type=int, default=6)
    ap.add_argument("--cout", type=int, default=32)
    ap.add_argument("--stride", type=int, default=1)
    ap.add_argument("--clock-mhz", type=float, default=500)
    args = ap.parse_args()
    spec = bottleneck.Spec(args.h, args.h, args.cin, args.expansion, args.cout, args.stride)
    clock = args.clock_mhz * 1e6
    print(f"Bottleneck {spec.h}x{spec.w}x{spec.cin}, expansion {spec.expansion} ({spec.hidden} channels), "
          f"output {spec.cout}, stride {spec.stride}, residual {spec.residual}; clock {args.clock_mhz:g} MHz")
    print("every mapping's output equals the numpy reference byte for byte")
    hdr = (f"{'mapping':<14} {'cycles':>9} {'time us':>8} {'speed-up':>8} {'paper':>6} {'energy uJ':>9} "
           f"{'eff. ratio':>10} {'paper':>6}  MAC/cycle: {'expand':>6} {'dw':>6} {'project':>7}")
    print(hdr)
    base = None
    for label, mapping, group in ROWS:
        cycles, stages, joules, macs, _ = run(spec, mapping, group, clock)
        if base is None:
            base = (cycles, joules)
        speed, eff = base[0] / cycles, base[1] / joules
        ps, pe = PAPER[label]
        mpc = [macs["expand"] / stages[0], macs["dw"] / stages[1], macs["project"] / stages[2]]
        print(f"{label:<14} {cycles:>9} {cycles / clock * 1e6:>8.1f} {speed:>7.2f}x {ps:>5}x {joules * 1e6:>9.2f} "
              f"{eff:>9.2f}x {(str(pe) + 'x') if pe else '-':>6}  {'':11}{mpc[0]:>6.2f} {mpc[1]:>6.2f} {mpc[2]:>7.2f}")


if __name__ == "__main__":
    main()
