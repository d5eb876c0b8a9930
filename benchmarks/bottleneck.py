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


ISAS = ("rv32imc", "corev")


def run(spec: bottleneck.Spec, mapping: str, group: int, clock_hz: float, isa: str):
    elf, net, golden = bottleneck.build(spec, mapping, group, isa=isa)
    cfg = Config().replace(ima={"arrays": 3}, cluster={"clock_hz": clock_hz})
    cl = Cluster(cfg).load(elf)
    r = cl.run()
    final = golden["add"] if spec.residual else golden["project"]
    got = cl.read_array("bn_out", np.int8, final.size).reshape(final.shape)
    if r.exit_code != 0 or not np.array_equal(got, final):
        raise SystemExit(f"{mapping} ({isa}): output differs from the numpy reference ({r.output.strip()})")
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
    print("every mapping's output equals the numpy reference byte for byte, on both core variants;")
    print("ratios are against CORES on the same core variant (rv32imc: GCC, plain kernels; corev: clang-22,")
    print("the CORE-V kernels); MAC/cycle of the corev build")
    hdr = (f"{'mapping':<14} {'cycles':>17} {'time us':>15} {'speed-up':>15} {'paper':>6} {'energy uJ':>15} "
           f"{'eff. ratio':>15} {'paper':>6}  MAC/cycle: {'expand':>6} {'dw':>6} {'project':>7}")
    sub = (f"{'':<14} {'rv32imc':>8} {'corev':>8} {'rv32imc':>7} {'corev':>7} {'rv32imc':>7} {'corev':>7} {'':>6} "
           f"{'rv32imc':>7} {'corev':>7} {'rv32imc':>7} {'corev':>7}")
    print(hdr)
    print(sub)
    base = {}
    for label, mapping, group in ROWS:
        res = {isa: run(spec, mapping, group, clock, isa) for isa in ISAS}
        for isa in ISAS:
            base.setdefault(isa, (res[isa][0], res[isa][2]))
        cyc = [res[i][0] for i in ISAS]
        us = [c / clock * 1e6 for c in cyc]
        speed = [base[i][0] / res[i][0] for i in ISAS]
        uj = [res[i][2] * 1e6 for i in ISAS]
        eff = [base[i][1] / res[i][2] for i in ISAS]
        ps, pe = PAPER[label]
        _, stages, _, macs, _ = res["corev"]
        mpc = [macs["expand"] / stages[0], macs["dw"] / stages[1], macs["project"] / stages[2]]
        print(f"{label:<14} {cyc[0]:>8} {cyc[1]:>8} {us[0]:>7.1f} {us[1]:>7.1f} {speed[0]:>6.2f}x {speed[1]:>6.2f}x "
              f"{ps:>5}x {uj[0]:>7.2f} {uj[1]:>7.2f} {eff[0]:>6.2f}x {eff[1]:>6.2f}x "
              f"{(str(pe) + 'x') if pe else '-':>6}  {'':11}{mpc[0]:>6.2f} {mpc[1]:>6.2f} {mpc[2]:>7.2f}")


if __name__ == "__main__":
    main()
