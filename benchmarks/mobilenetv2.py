"""MobileNetV2 end to end on the simulated cluster: the heterogeneous mapping (IMA + depthwise
accelerator + 8 cores) and the all-software baseline, with the per-layer report.

    .venv/bin/python benchmarks/mobilenetv2.py [--resolution 224] [--width 1.0] [--seed 0]
        [--weights FILE.npz] [--image FILE.npy] [--isa corev|rv32imc] [--no-baseline] [--out build/report]
        [--set section.key=value ...]

Builds both firmware variants (firmware/mobilenetv2, iss/mobilenet.py), runs them, checks the
classifier's output against the numpy golden model byte for byte, and prints and saves
(CSV and PNG under --out) the per-layer table: where each layer ran, MACs, cycles, time at the
cluster clock, MAC/cycle, energy (iss.energy.EnergyModel on the activity between the layer's
markers) and the DMA time hidden behind computation or exposed; then the totals beside the
paper's figures. Prints the simulation wall time and speed of every run. --isa chooses the cores'
build for both runs: corev (default; clang-22 with the CORE-V kernels, as the paper's XpulpV2
cores run PULP-NN) or rv32imc (GCC, the plain kernels).
"""
from __future__ import annotations

import argparse
import csv
import os
import platform
import sys
import time
import tomllib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from iss import config as config_mod, mobilenet  # noqa: E402
from iss.errors import IssError  # noqa: E402

COMPONENTS = ("cores", "ima", "dwa", "dma")
# The paper's per-layer figure as text (reconstructed, see docs/mobilenetv2.md): one row per
# layer from the first conv to the last 1x1, in our layer order (no pooling, no classifier).
# Its rows sum to 11.8 ms and 0.49 mJ while the paper's totals are 10.06 ms and 0.48 mJ.
PAPER_LAYERS = ROOT / "benchmarks" / "data" / "mobilenetv2_paper_layers.csv"
PAPER_KIND = {"PW": "pw", "DW": "dw", "ADD": "add"}


def paper_layers(net) -> dict:
    """Our layer name -> (paper latency us, paper energy uJ), for the 224x224 width 1.0 network."""
    if net.input_shape != (224, 224, 3) or net.layer("conv0").out_shape[2] != 32 or not PAPER_LAYERS.exists():
        return {}
    with open(PAPER_LAYERS) as f:
        rows = list(csv.DictReader(f))
    ours = [l for l in net.layers if l.kind not in ("pool", "fc")]
    # "2D_0" is the first conv, "2D_1" the last 1x1 (a 2-D layer in the paper's figure)
    kinds = ["2D" if r["layer"].startswith("2D") else PAPER_KIND[r["layer"].split("-")[1]] for r in rows]
    if len(rows) != len(ours) or any(l.kind not in ((k,) if k != "2D" else ("conv3x3", "pw"))
                                     for k, l in zip(kinds, ours)):
        return {}
    return {l.name: (float(r["latency_ms"]) * 1e3, float(r["energy_mJ"]) * 1e3) for l, r in zip(ours, rows)}


def make_config(opts: mobilenet.Options, sets: list[str]) -> config_mod.Config:
    data = mobilenet.default_config(opts).as_dict()
    for item in sets:
        key, sep, raw = item.partition("=")
        section, dot, name = key.strip().partition(".")
        if not sep or not dot or section not in data:
            raise IssError(f"--set expects section.key=value, got {item!r}")
        try:
            value = tomllib.loads(f"v = {raw.strip()}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw.strip()
        data[section][name] = value
    return config_mod.from_dict(data)


def run_one(opts: mobilenet.Options, cfg, label: str, trace: Path | None = None):
    t0 = time.perf_counter()
    b = mobilenet.build(opts, cfg)
    t_build = time.perf_counter() - t0
    inf, cl = mobilenet.run(b, progress=True, trace=trace)
    r = inf.result
    golden = b.golden[b.layers[-1].name].ravel()
    out = mobilenet.read_outputs(cl, b, [b.layers[-1].name])[b.layers[-1].name].ravel()
    exact = np.array_equal(out, golden)
    print(f"{label}: built in {t_build:.1f} s; simulated {r.instructions / 1e6:.1f} M instructions, "
          f"{r.cycles / 1e6:.2f} M cycles in {r.wall_seconds:.2f} s wall ({r.mips:.1f} MIPS)")
    print(f"{label}: {r.output.strip().splitlines()[-2]} | {r.output.strip().splitlines()[-1]} | "
          f"classifier output {'== golden (byte for byte)' if exact else '!= GOLDEN'}")
    if not exact:
        raise SystemExit(f"{label}: the classifier's output differs from network.forward")
    return b, inf


def us(cycles: float, hz: float) -> float:
    return cycles / hz * 1e6


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--resolution", type=int, default=224)
    ap.add_argument("--width", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--weights", help=".npz weights (docs/mobilenetv2.md); default: seeded")
    ap.add_argument("--image", help=".npy int8 HxWx3 input; default: seeded")
    ap.add_argument("--isa", choices=("corev", "rv32imc"), default="corev",
                    help="the cores' build for both runs (default: corev, the CORE-V kernels)")
    ap.add_argument("--no-baseline", action="store_true", help="skip the all-software baseline")
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "report")
    ap.add_argument("--set", action="append", default=[], help="config override section.key=value")
    ap.add_argument("--trace", type=Path, help="write a Perfetto trace of the heterogeneous inference there")
    args = ap.parse_args()

    wall0 = time.perf_counter()
    base = dict(resolution=args.resolution, width=args.width, seed=args.seed, weights=args.weights, image=args.image, isa=args.isa)
    opts = mobilenet.Options(mapping="HETERO", **base)
    try:
        cfg = make_config(opts, args.set)
        print(f"host: {platform.processor() or platform.machine()}, {os.cpu_count()} cpus, "
              f"Python {platform.python_version()}; cores: {args.isa} build")
        het_b, het = run_one(opts, cfg, "heterogeneous", args.trace)
        sw = sw_b = None
        if not args.no_baseline:
            sw_b, sw = run_one(mobilenet.Options(mapping="SOFTWARE", **base), cfg, "software")
    except IssError as e:
        print(f"error: {e}", file=sys.stderr)
        return e.exit_code
    hz = cfg.cluster.clock_hz
    net, mapping = het_b.net, het_b.mapping
    util = mapping.utilisation()
    macs = sum(l.macs for l in net.layers)
    print(f"\n{net.name}: {len(net.layers)} layers, {macs / 1e6:.1f} M MACs, "
          f"{sum(l.weights.size for l in net.layers if l.weights is not None and l.kind != 'fc'):,} conv weights; "
          f"Tile&Pack: {len(mapping.tiles)} tiles on {mapping.arrays} arrays of {mapping.size}x{mapping.size} "
          f"(utilisation mean {100 * np.mean(util):.1f}%, min {100 * min(util):.1f}%); "
          f"L2: {sum(het_b.l2_bytes.values()) / 2**20:.2f} MiB of data "
          f"({', '.join(f'{k} {v / 1024:.0f} KiB' for k, v in het_b.l2_bytes.items())})")

    # ---- per-layer table ----
    rows = []
    sw_by = {l.name: l for l in sw.layers} if sw else {}
    paper = paper_layers(net)
    for l, p in zip(het.layers, het_b.plans):
        e = l.energy
        row = {"layer": l.name, "kind": l.kind, "engine": l.engine, "macs": l.macs, "cycles": l.cycles,
               "time_us": us(l.cycles, hz), "mac_per_cycle": l.macs / l.cycles if l.cycles else 0.0,
               "energy_uj": sum(e.values()) * 1e6, **{f"energy_{k}_uj": e[k] * 1e6 for k in COMPONENTS},
               "dma_busy_us": us(l.dma_busy, hz), "dma_hidden_us": us(l.dma_hidden, hz),
               "dma_exposed_us": us(l.dma_exposed, hz), "tiles": p.nchunks * max(1, (p.slice and
                                                                                     net.layers[p.index].in_shape[2] // p.slice) or 1)}
        if l.name in paper:
            row.update({"paper_time_us": paper[l.name][0], "paper_energy_uj": paper[l.name][1]})
        if sw:
            s = sw_by[l.name]
            row.update({"sw_cycles": s.cycles, "sw_time_us": us(s.cycles, hz),
                        "sw_energy_uj": sum(s.energy.values()) * 1e6})
        rows.append(row)
    hdr = (f"{'layer':<12} {'ran on':<6} {'MMAC':>7} {'cycles':>9} {'us':>8} {'MAC/cyc':>8} {'uJ':>7} "
           f"{'DMA hid':>8} {'DMA exp':>8}" + (f" {'paper us':>9}" if paper else "") +
           (f" {'sw us':>9} {'x':>6}" if sw else ""))
    print("\n" + hdr + "\n" + "-" * len(hdr))
    for r in rows:
        line = (f"{r['layer']:<12} {r['engine']:<6} {r['macs'] / 1e6:>7.2f} {r['cycles']:>9} {r['time_us']:>8.1f} "
                f"{r['mac_per_cycle']:>8.1f} {r['energy_uj']:>7.2f} {r['dma_hidden_us']:>8.1f} {r['dma_exposed_us']:>8.1f}")
        if paper:
            line += f" {r['paper_time_us']:>9.0f}" if "paper_time_us" in r else f" {'':>9}"
        if sw:
            line += f" {r['sw_time_us']:>9.1f} {r['sw_cycles'] / r['cycles']:>6.1f}"
        print(line)

    # ---- totals ----
    lat = het.latency_s
    exposed = us(het.dma_exposed_cycles, hz) / 1e6
    e_tot = het.total_energy
    by_engine = {}
    for r in rows:
        by_engine.setdefault(r["engine"], [0, 0.0])
        by_engine[r["engine"]][0] += r["cycles"]
        by_engine[r["engine"]][1] += r["energy_uj"]
    print("-" * len(hdr))
    print("time by engine: " + ", ".join(f"{k} {us(c, hz) / 1e3:.2f} ms ({100 * c / het.latency_cycles:.0f}%), "
                                         f"{e:.1f} uJ" for k, (c, e) in by_engine.items()))
    print("energy by component: " + ", ".join(f"{k} {het.energy[k] * 1e6:.1f} uJ" for k in COMPONENTS))
    summary = [
        ("latency (ms)", lat * 1e3, mobilenet.PAPER["latency_ms"]),
        ("latency without exposed DMA (ms)", (lat - exposed) * 1e3, mobilenet.PAPER["latency_ms"]),
        ("exposed DMA (ms)", exposed * 1e3, None),
        ("energy (uJ)", e_tot * 1e6, mobilenet.PAPER["energy_uj"]),
        ("inferences/s", 1 / lat, mobilenet.PAPER["inf_per_s"]),
        ("IMA arrays", mapping.arrays, mobilenet.PAPER["arrays"]),
        ("IMA weight programming, set-up (ms)", het.setup_cycles / hz * 1e3, None),
    ]
    if paper:
        conv = sum(r["cycles"] for r in rows if r["layer"] in paper)
        conv_exp = sum(r["dma_exposed_us"] for r in rows if r["layer"] in paper)
        summary += [
            ("first conv to last 1x1 (ms)", us(conv, hz) / 1e3, sum(v[0] for v in paper.values()) / 1e3),
            ("  same, without exposed DMA (ms)", us(conv, hz) / 1e3 - conv_exp / 1e3,
             sum(v[0] for v in paper.values()) / 1e3),
            ("  energy (uJ)", sum(r["energy_uj"] for r in rows if r["layer"] in paper),
             sum(v[1] for v in paper.values())),
        ]
    if sw:
        summary += [
            ("software baseline latency (ms)", sw.latency_s * 1e3, 1e3 / mobilenet.PAPER["vega_inf_per_s"]),
            ("software baseline inferences/s", 1 / sw.latency_s, mobilenet.PAPER["vega_inf_per_s"]),
            ("software baseline energy (mJ)", sw.total_energy * 1e3, mobilenet.PAPER["vega_energy_mj"]),
            ("speed-up over software", sw.latency_s / lat, mobilenet.PAPER["speedup"]),
            ("energy ratio over software", sw.total_energy / e_tot, mobilenet.PAPER["energy_ratio"]),
        ]
    print(f"\n{'':<40} {'simulated':>12} {'paper':>10}")
    for name, ours, paper in summary:
        p = "" if paper is None else f"{paper:>10.3g}"
        print(f"{name:<40} {ours:>12.4g} {p}")
    print("(paper: heterogeneous cluster 10.1 ms, 482 uJ, 99 inf/s with 34 arrays, all activations in L1; "
          "software baseline column: Vega, 10 inf/s, 1.19 mJ; 'first conv to last 1x1': the sum of the rows "
          "of the paper's per-layer figure, which has no pooling and no classifier)")

    # ---- files ----
    args.out.mkdir(parents=True, exist_ok=True)
    tag = f"mobilenetv2-{args.resolution}-{args.width:g}" + ("" if args.isa == "corev" else f"-{args.isa}")
    with open(args.out / f"{tag}-layers.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        for r in rows:
            w.writerow({k: (f"{v:.4f}" if isinstance(v, float) else v) for k, v in r.items()})
    with open(args.out / f"{tag}-summary.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["metric", "simulated", "paper"])
        for name, ours, paper in summary:
            w.writerow([name, f"{ours:.6g}", "" if paper is None else paper])
    png = args.out / f"{tag}.png"
    plot(rows, sw is not None, png, f"{net.name}: {lat * 1e3:.2f} ms, {e_tot * 1e6:.0f} uJ at {hz / 1e6:g} MHz")
    total_wall = time.perf_counter() - wall0
    print(f"\nwrote {args.out / f'{tag}-layers.csv'}, {args.out / f'{tag}-summary.csv'}, {png}")
    print(f"simulation wall time: heterogeneous {het.result.wall_seconds:.2f} s ({het.result.mips:.1f} MIPS)"
          + (f", software {sw.result.wall_seconds:.2f} s ({sw.result.mips:.1f} MIPS)" if sw else "")
          + f"; whole script {total_wall:.1f} s")
    return 0


def plot(rows: list[dict], with_sw: bool, path: Path, title: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [r["layer"] for r in rows]
    x = np.arange(len(rows))
    colors = {"IMA": "tab:blue", "DWA": "tab:orange", "cores": "tab:green"}
    fig, axes = plt.subplots(3 if with_sw else 2, 1, figsize=(16, 11 if with_sw else 8), sharex=True)
    ax = axes[0]
    compute = [r["time_us"] - r["dma_exposed_us"] for r in rows]
    ax.bar(x, compute, color=[colors[r["engine"]] for r in rows])
    ax.bar(x, [r["dma_exposed_us"] for r in rows], bottom=compute, color="tab:red", label="exposed DMA")
    for k, c in colors.items():
        ax.bar([0], [0], color=c, label=k)
    ax.set_ylabel("time (us)")
    ax.set_title(title)
    ax.legend(loc="upper right")
    ax = axes[1]
    bottom = np.zeros(len(rows))
    for k, c in zip(COMPONENTS, ("tab:green", "tab:blue", "tab:orange", "tab:gray")):
        v = np.array([r[f"energy_{k}_uj"] for r in rows])
        ax.bar(x, v, bottom=bottom, color=c, label=k)
        bottom += v
    ax.set_ylabel("energy (uJ)")
    ax.legend(loc="upper right")
    if with_sw:
        ax = axes[2]
        ax.bar(x - 0.2, [r["time_us"] for r in rows], 0.4, label="heterogeneous")
        ax.bar(x + 0.2, [r["sw_time_us"] for r in rows], 0.4, label="software (8 cores)", color="tab:purple")
        ax.set_yscale("log")
        ax.set_ylabel("time (us, log)")
        ax.legend(loc="upper right")
    axes[-1].set_xticks(x)
    axes[-1].set_xticklabels(names, rotation=90, fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    sys.exit(main())
