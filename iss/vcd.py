"""VCD of a trace (``iss run --vcd`` / ``iss report --vcd``) for GTKWave and other waveform viewers.

Signals, in module ``cluster<N>``:

    core<i>_state  2 bits   0 running, 1 sleeping (an event-unit wait or wfi), 2 ended (halted)
    core<i>_func   32 bits  entry address of the innermost function on the timeline (0: none)
    dma_busy       1 bit    a transfer is moving;  dma_bytes 32 bits: its size
    ima_state      2 bits   0 idle, 1 programming weights, 2 running a job batch
    ima_array      8 bits   the array being programmed or used
    dwa_busy       1 bit    the depthwise accelerator runs a job

Time is simulated time at the configured clock, in picoseconds. The function is that of the
timeline, so with --trace-min-cycles the short calls are not seen (the instruction trace
has every pc).
"""
from __future__ import annotations

import os
from pathlib import Path

from .errors import OutputFileError
from .trace import TID_CORE, TID_DMA, TID_DWA, TID_IMA, TraceData


def _func_addr(meta: dict, name: str) -> int:
    funcs = meta.get("functions", {})
    if name in funcs:
        return int(funcs[name])
    base, plus, off = name.partition("+")
    if plus and base in funcs:
        try:
            return int(funcs[base]) + int(off, 16)
        except ValueError:
            return 0
    if name.startswith("0x"):
        try:
            return int(name, 16)
        except ValueError:
            return 0
    return 0


def _nested(spans, value_of) -> list[tuple[int, int]]:
    """Value of the innermost of nested spans over time: [(cycle, value)], 0 outside any."""
    changes: list[tuple[int, int]] = [(0, 0)]
    stack: list[tuple[int, int]] = []        # (end, value)
    for s in sorted(spans, key=lambda s: (s.t0, -s.t1)):
        while stack and stack[-1][0] <= s.t0:
            end = stack.pop()[0]
            changes.append((end, stack[-1][1] if stack else 0))
        stack.append((s.t1, value_of(s)))
        changes.append((s.t0, value_of(s)))
    while stack:
        end = stack.pop()[0]
        changes.append((end, stack[-1][1] if stack else 0))
    return changes


def write_vcd(data: TraceData, path: str | os.PathLike) -> int:
    """Writes the VCD; returns the number of value changes."""
    meta, hz = data.meta, data.clock_hz
    cores = int(meta["cores"])
    signals: list[tuple[str, int]] = []      # (name, width)
    changes: list[tuple[int, int, int]] = []  # (cycle, signal index, value)

    def signal(name: str, width: int) -> int:
        signals.append((name, width))
        return len(signals) - 1

    for i in range(cores):
        st, fn = signal(f"core{i}_state", 2), signal(f"core{i}_func", 32)
        spans = [s for s in data.spans if s.tid == TID_CORE + i]
        cs = next((c for c in meta["core_stats"] if c["core"] == i), {"cycles": 0, "state": "halted"})
        end = cs["cycles"]
        changes.append((0, st, 0))
        for s in spans:
            if s.cat == "sleep":
                changes += [(s.t0, st, 1), (s.t1, st, 0)]
        changes.append((end, st, 1 if cs["state"] == "sleeping" else 2))   # asleep at the end
        for t, v in _nested([s for s in spans if s.cat == "function"], lambda s: _func_addr(meta, s.name)):
            changes.append((t, fn, v))
    busy, nbytes = signal("dma_busy", 1), signal("dma_bytes", 32)
    changes += [(0, busy, 0), (0, nbytes, 0)]
    for s in sorted((s for s in data.spans if TID_DMA <= s.tid < TID_DMA + 8), key=lambda s: s.t0):
        b = int((s.args or {}).get("bytes", 0))
        changes += [(s.t0, busy, 1), (s.t0, nbytes, b), (s.t1, busy, 0), (s.t1, nbytes, 0)]
    ist, iarr = signal("ima_state", 2), signal("ima_array", 8)
    changes += [(0, ist, 0), (0, iarr, 0)]
    for s in (s for s in data.spans if s.tid == TID_IMA):
        state = 1 if s.name.startswith("program") else 2
        changes += [(s.t0, ist, state), (s.t0, iarr, int((s.args or {}).get("array", 0)) & 0xFF),
                    (s.t1, ist, 0)]
    dwa = signal("dwa_busy", 1)
    changes.append((0, dwa, 0))
    for s in (s for s in data.spans if s.tid == TID_DWA):
        changes += [(s.t0, dwa, 1), (s.t1, dwa, 0)]

    ids = []
    for k in range(len(signals)):
        code, n = "", k
        while True:
            code += chr(33 + n % 94)
            n //= 94
            if not n:
                break
        ids.append(code)
    out = ["$date simulated $end", "$version iss (docs/tracing.md) $end", "$timescale 1ps $end",
           f"$scope module cluster{meta.get('cluster_id', 0)} $end"]
    out += [f"$var {'wire' if w == 1 else 'reg'} {w} {ids[k]} {name} $end" for k, (name, w) in enumerate(signals)]
    out += ["$upscope $end", "$enddefinitions $end"]

    def value(k: int, v: int) -> str:
        return f"{v & 1}{ids[k]}" if signals[k][1] == 1 else f"b{v:b} {ids[k]}"

    # later changes of one signal at one time win: keep the last, in insertion order
    final: dict[tuple[int, int], tuple[int, int]] = {}
    for seq, (t, k, v) in enumerate(changes):
        final[(t, k)] = (seq, v)
    by_time: dict[int, list[tuple[int, int, int]]] = {}
    for (t, k), (seq, v) in final.items():
        by_time.setdefault(t, []).append((seq, k, v))
    current = [None] * len(signals)
    count = 0
    for t in sorted(by_time):
        lines = []
        for _, k, v in sorted(by_time[t]):
            if current[k] != v:
                current[k] = v
                lines.append(value(k, v))
        if lines:
            ps = round(t * 1e12 / hz)
            out.append(f"#{ps}")
            if t == 0:
                out += ["$dumpvars", *lines, "$end"]
            else:
                out += lines
            count += len(lines)
    try:
        Path(path).write_text("\n".join(out) + "\n")
    except OSError as e:
        raise OutputFileError(f"cannot write VCD file {path}: {e.strerror}") from None
    return count

