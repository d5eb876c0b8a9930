"""``iss report FILE.json``: where the cycles went, from a trace of ``iss run --trace``.

Prints per-core utilisation (busy, stalled, sleeping, ended), the per-function profile
(calls, inclusive and exclusive cycles, summed over the cores), the firmware spans, the
accelerators' and the DMA's utilisation; writes two PNG plots (matplotlib, Agg): the timeline
(``<stem>.timeline.png``) and the utilisation (``<stem>.utilisation.png``).

Definitions (per core, in cycles of the run):
    busy      one cycle per retired instruction
    stalled   the core's other active cycles: multi-cycle instructions, branch and hazard
              penalties, L2 and peripheral latency, TCDM conflicts, IMA programming waits
    sleeping  clock-gated in an event-unit wait or wfi
    ended     after the core's last cycle (it halted, or sleeps until the run ends)
"""
from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path

from .errors import OutputFileError
from .trace import TID_CORE, TID_DMA, TID_DWA, TID_IMA, TID_REGIONS, TID_USER, TraceData


def utilisation(data: TraceData) -> list[dict]:
    run = int(data.meta["cycles"])
    rows = []
    for c in data.meta["core_stats"]:
        active = c["cycles"] - c["sleep"]
        rows.append({"core": c["core"], "busy": c["instructions"], "stalled": active - c["instructions"],
                     "sleeping": c["sleep"], "ended": run - c["cycles"], "cycles": c["cycles"]})
    return rows


def function_profile(data: TraceData, core: int | None = None) -> list[dict]:
    """Calls, inclusive, exclusive and sleep cycles per function, summed over the cores."""
    acc: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for c, name, calls, incl, excl, sleep in data.meta["profile"]:
        if core is not None and c != core:
            continue
        a = acc[name]
        a[0] += calls
        a[1] += incl
        a[2] += excl
        a[3] += sleep
    rows = [{"function": n, "calls": a[0], "inclusive": a[1], "exclusive": a[2], "sleep": a[3]}
            for n, a in acc.items()]
    return sorted(rows, key=lambda r: (-r["exclusive"], r["function"]))


def _busy(spans) -> int:
    """Cycles covered by the union of the spans."""
    total, end = 0, -1
    for s in sorted(spans, key=lambda s: s.t0):
        if s.t1 <= end:
            continue
        total += s.t1 - max(s.t0, end)
        end = s.t1
    return total


def engines(data: TraceData) -> list[dict]:
    """DMA, IMA and depthwise accelerator: busy cycles and what they did."""
    run = max(1, int(data.meta["cycles"]))
    a = data.meta.get("activity", {})
    dma = [s for s in data.spans if TID_DMA <= s.tid < TID_DMA + 8]
    ima = [s for s in data.spans if s.tid == TID_IMA]
    prog = [s for s in ima if s.name.startswith("program")]
    batches = [s for s in ima if not s.name.startswith("program")]
    dwa = [s for s in data.spans if s.tid == TID_DWA]
    rows = []
    busy = _busy(dma)
    nbytes = sum(int((s.args or {}).get("bytes", 0)) for s in dma)
    rows.append({"engine": "DMA", "busy": busy, "share": busy / run,
                 "what": f"{len(dma)} transfers, {nbytes} bytes"
                         + (f", {nbytes / busy:.2f} B/cycle while busy" if busy else "")})
    pb, bb = _busy(prog), _busy(batches)
    rows.append({"engine": "IMA", "busy": pb + bb, "share": (pb + bb) / run,
                 "what": f"{len(batches)} job batches ({a.get('ima_jobs', 0)} jobs, busy {bb} cycles, "
                         f"MVM {a.get('ima_compute_cycles', 0)} cycles); {len(prog)} weight windows "
                         f"programmed in {pb} cycles"})
    db = _busy(dwa)
    rows.append({"engine": "DWA", "busy": db, "share": db / run,
                 "what": f"{len(dwa)} jobs, {a.get('dwa_macs', 0)} MACs"})
    return rows


def text(data: TraceData, top: int = 25) -> str:
    m = data.meta
    run, hz = int(m["cycles"]), data.clock_hz
    out = [f"trace of {m['elf']}: {run} cycles ({run / hz * 1e6:.2f} us at {hz / 1e6:g} MHz), "
           f"{m['cores']} cores" + (f", ended with {m['error']}" if m.get("error") else
                                    f", exit {m.get('exit_code')}")]
    out.append("")
    out.append("per-core utilisation (% of the run):")
    out.append(f"  {'core':>4} {'busy':>8} {'stalled':>8} {'sleeping':>9} {'ended':>8}   cycles")
    for r in utilisation(data):
        pct = [100.0 * r[k] / run if run else 0.0 for k in ("busy", "stalled", "sleeping", "ended")]
        out.append(f"  {r['core']:>4} {pct[0]:>7.1f}% {pct[1]:>7.1f}% {pct[2]:>8.1f}% {pct[3]:>7.1f}%   {r['cycles']}")
    total = sum(c["cycles"] for c in m["core_stats"])
    prof = function_profile(data)
    out.append("")
    out.append(f"functions (all cores, by exclusive cycles; {len(prof)} functions, top {min(top, len(prof))}):")
    out.append(f"  {'calls':>9} {'inclusive':>12} {'exclusive':>12} {'excl%':>6} {'sleep':>11}  function")
    for r in prof[:top]:
        share = 100.0 * r["exclusive"] / total if total else 0.0
        out.append(f"  {r['calls']:>9} {r['inclusive']:>12} {r['exclusive']:>12} {share:>6.2f} {r['sleep']:>11}  "
                   f"{r['function']}")
    spans = defaultdict(lambda: [0, 0])
    for s in data.spans:
        if TID_USER <= s.tid < TID_USER + 8 or s.tid == TID_REGIONS:
            spans[s.name][0] += 1
            spans[s.name][1] += s.t1 - s.t0
    if spans:
        out.append("")
        out.append("firmware spans and regions:")
        out.append(f"  {'count':>7} {'cycles':>12}  name")
        for name, (n, cyc) in sorted(spans.items(), key=lambda kv: -kv[1][1])[:top]:
            out.append(f"  {n:>7} {cyc:>12}  {name}")
    out.append("")
    out.append("DMA and accelerators:")
    for r in engines(data):
        out.append(f"  {r['engine']:<4} busy {r['busy']:>11} cycles ({100 * r['share']:5.1f}%): {r['what']}")
    if m.get("dropped_spans"):
        out.append(f"(the timeline keeps the longest {m['options']['max_spans']} function spans: "
                   f"{m['dropped_spans']} shorter ones are only in the profile)")
    return "\n".join(out)


# ---- plots ----

def _merge(intervals, gap: float):
    """Sorted, merged (start, width) intervals; gaps below `gap` are closed (one pixel)."""
    out = []
    for a, b in sorted(intervals):
        if out and a <= out[-1][1] + gap:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b - a) for a, b in out]


def plot(data: TraceData, timeline_png: str | os.PathLike, util_png: str | os.PathLike) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    m = data.meta
    run, hz = max(1, int(m["cycles"])), data.clock_hz
    scale = 1e6 / hz                     # cycles -> us
    px = run / 2000                      # about a pixel of the plot, in cycles
    cores = int(m["cores"])
    rows = []                            # (label, [(intervals, color, legend)])
    for i in range(cores):
        spans = [s for s in data.spans if s.tid == TID_CORE + i]
        cs = next(c for c in m["core_stats"] if c["core"] == i)
        sleep = [(s.t0, s.t1) for s in spans if s.cat in ("sleep", "asleep")]
        rows.append((f"core {i}", [([(0, cs["cycles"])], "#4c9a2a", "running"),
                                   (sleep, "#c8c8c8", "sleeping")]))
        user = sorted((s.t0, s.t1) for s in data.spans if s.tid == TID_USER + i)
        if user:   # neighbours in two shades, so that one span is told from the next
            rows.append((f"core {i} spans", [(user[0::2], "#7b4fa0", "firmware span"),
                                             (user[1::2], "#b39ad0", "firmware span ")]))
    regions = sorted((s.t0, s.t1) for s in data.spans if s.tid == TID_REGIONS)
    if regions:
        rows.append(("regions", [(regions[0::2], "#7b4fa0", "firmware span"),
                                 (regions[1::2], "#b39ad0", "firmware span ")]))
    dma = [(s.t0, s.t1) for s in data.spans if TID_DMA <= s.tid < TID_DMA + 8]
    rows.append(("DMA", [(dma, "#d9822b", "DMA transfer")]))
    ima = [s for s in data.spans if s.tid == TID_IMA]
    rows.append(("IMA", [([(s.t0, s.t1) for s in ima if s.name.startswith("program")], "#e0b000", "IMA programming"),
                         ([(s.t0, s.t1) for s in ima if not s.name.startswith("program")], "#1f5fa8", "IMA job batch")]))
    rows.append(("DWA", [([(s.t0, s.t1) for s in data.spans if s.tid == TID_DWA], "#b03a48", "DWA job")]))

    fig, (ax, ax2) = plt.subplots(2, 1, figsize=(14, 1.2 + 0.35 * len(rows) + 2.0), sharex=True,
                                  gridspec_kw={"height_ratios": [max(3, len(rows)), 3]})
    seen = set()
    for y, (label, layers) in enumerate(reversed(rows)):
        for intervals, color, legend in layers:
            bars = [(a * scale, w * scale) for a, w in _merge(intervals, px)]
            if bars:
                ax.broken_barh(bars, (y - 0.4, 0.8), facecolors=color,
                               label=None if legend.strip() in seen or legend != legend.strip() else legend)
                seen.add(legend.strip())
    ax.set_yticks(range(len(rows)), [r[0] for r in reversed(rows)])
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.set_title(f"{Path(m['elf']).name}: {run} cycles at {hz / 1e6:g} MHz")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=7, fontsize=8, frameon=False)
    active = data.counters.get("active cores", [])
    if active:
        xs = [t * scale for t, _ in active] + [run * scale]
        ys = [v for _, v in active] + [active[-1][1]]
        ax2.step(xs, ys, where="post", color="#4c9a2a", label="active cores")
    ipc = data.counters.get("cluster IPC", [])
    if ipc:
        ax2.step([t * scale for t, _ in ipc], [v for _, v in ipc], where="post", color="#1f5fa8",
                 label="cluster IPC", alpha=0.7)
    ax2.set_ylim(0, cores + 0.5)
    ax2.set_xlim(0, run * scale)
    ax2.set_xlabel("simulated time (us)")
    ax2.legend(loc="upper right", fontsize=8)
    ax2.grid(alpha=0.3)
    fig.tight_layout()
    _save(fig, timeline_png)
    plt.close(fig)

    util = utilisation(data)
    eng = engines(data)
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(12, 0.5 * max(cores, 3) + 1.8),
                                 gridspec_kw={"width_ratios": [3, 2]})
    labels = [f"core {r['core']}" for r in util]
    left = [0.0] * len(util)
    for key, color in (("busy", "#4c9a2a"), ("stalled", "#e0b000"), ("sleeping", "#c8c8c8"), ("ended", "#eeeeee")):
        vals = [100.0 * r[key] / run for r in util]
        a1.barh(labels, vals, left=left, color=color, label=key, edgecolor="white")
        left = [l + v for l, v in zip(left, vals)]
    a1.invert_yaxis()
    a1.set_xlim(0, 100)
    a1.set_xlabel("% of the run")
    a1.set_title("cores")
    a1.legend(loc="lower right", fontsize=8)
    a2.barh([r["engine"] for r in eng], [100.0 * r["share"] for r in eng], color=["#d9822b", "#1f5fa8", "#b03a48"])
    a2.invert_yaxis()
    a2.set_xlim(0, 100)
    a2.set_xlabel("% of the run busy")
    a2.set_title("DMA and accelerators")
    fig.tight_layout()
    _save(fig, util_png)
    plt.close(fig)


def _save(fig, path) -> None:
    try:
        fig.savefig(path, dpi=110)
    except OSError as e:
        raise OutputFileError(f"cannot write plot {path}: {e.strerror}") from None


def outputs(trace: str | os.PathLike, out_dir: str | os.PathLike | None) -> tuple[Path, Path]:
    p = Path(trace)
    stem = p.name[:-5] if p.name.endswith(".json") else p.name
    d = Path(out_dir) if out_dir else p.parent
    return d / f"{stem}.timeline.png", d / f"{stem}.utilisation.png"
