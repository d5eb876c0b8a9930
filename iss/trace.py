"""Tracing (docs/tracing.md): the Chrome trace-event timeline of ``iss run --trace``, the
instruction trace of ``iss run --itrace``, and the data ``iss report`` and ``--vcd`` work from.

Everything is recorded in C (iss/native/trace.c) and drained between chunks of the run::

    cl = Cluster(cfg).load(elf)
    tracer = Tracer(cl, TraceOptions(min_cycles=100))
    try:
        result = cl.run()
    finally:
        data = tracer.finish()          # also after a fault or a deadlock
    data.write_json("run.json")         # opens in ui.perfetto.dev and chrome://tracing

Times are cycles everywhere in Python; the JSON has microseconds of simulated time at the
configured clock (``ts``/``dur``), exact to the picosecond.
"""
from __future__ import annotations

import difflib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import ConfigError, OutputFileError

FORMAT = "iss-trace"
VERSION = 1

EVENT_DTYPE = np.dtype([("t0", "<u8"), ("t1", "<u8"), ("kind", "<u4"), ("who", "<u4"), ("a", "<u4"),
                        ("b", "<u4"), ("c", "<u8"), ("d", "<u8")])
ITRACE_DTYPE = np.dtype([("cycle", "<u8"), ("pc", "<u4"), ("insn", "<u4"), ("rd_value", "<u4"),
                         ("mem_addr", "<u4"), ("mem_value", "<u4"), ("core", "u1"), ("rd", "u1"),
                         ("mem", "u1"), ("mem_size", "u1")])
(K_FUNC, K_SLEEP, K_USER, K_DMA, K_IMA_BATCH, K_IMA_PROG, K_IMA_IN, K_IMA_CMP, K_IMA_OUT, K_DWA,
 K_SAMPLE) = range(1, 12)
IT_MODES = {"all": 1, "cycles": 2, "function": 3, "markers": 4}
WAITS = {1: "event", 2: "wfi", 3: "barrier", 4: "mutex", 5: "dispatch FIFO"}

# Track ids (Chrome trace "tid") inside the cluster's process; also their display order.
TID_CORE, TID_USER, TID_REGIONS, TID_DMA, TID_IMA, TID_DWA = 1, 20, 30, 40, 50, 60
IMA_PHASES = {K_IMA_IN: (TID_IMA + 1, "in"), K_IMA_CMP: (TID_IMA + 2, "MVM"), K_IMA_OUT: (TID_IMA + 3, "out")}
CHUNK = 1 << 16
COUNTER_BINS = 2000           # counter samples written at most (over the whole run)


def track_name(tid: int) -> str:
    if TID_CORE <= tid < TID_CORE + 8:
        return f"core {tid - TID_CORE}"
    if TID_USER <= tid < TID_USER + 8:
        return f"core {tid - TID_USER} spans"
    if tid == TID_REGIONS:
        return "regions (markers)"
    if TID_DMA <= tid < TID_DMA + 8:
        return f"DMA from core {tid - TID_DMA}"
    return {TID_IMA: "IMA", TID_IMA + 1: "IMA stream-in", TID_IMA + 2: "IMA compute",
            TID_IMA + 3: "IMA stream-out", TID_DWA: "DWA (depthwise)"}.get(tid, f"track {tid}")


# ---- options ----

@dataclass(frozen=True)
class ItraceWindow:
    """Where the instruction trace records: every instruction ("all"), cycles [a, b) of each
    core's time ("cycles"), while a core is inside `function` ("function"), or between the
    first firmware marker a and the next marker b ("markers")."""
    kind: str = "all"
    a: int = 0
    b: int = 0
    function: str = ""

    @staticmethod
    def from_args(cycles: str | None = None, function: str | None = None,
                  markers: str | None = None) -> "ItraceWindow":
        given = [x for x in (cycles, function, markers) if x is not None]
        if len(given) > 1:
            raise ConfigError("give one instruction trace window: --itrace-cycles, --itrace-function "
                              "or --itrace-markers")
        if function is not None:
            if not function:
                raise ConfigError("--itrace-function needs a function name")
            return ItraceWindow("function", function=function)
        for text, what, kind in ((cycles, "--itrace-cycles", "cycles"), (markers, "--itrace-markers", "markers")):
            if text is None:
                continue
            lo, sep, hi = text.partition(":")
            try:
                a, b = int(lo, 0), int(hi, 0)
            except ValueError:
                raise ConfigError(f"{what} expects A:B (two integers), got {text!r}") from None
            if not sep or a < 0 or b < 0 or (kind == "cycles" and b <= a):
                raise ConfigError(f"{what} expects A:B with 0 <= A < B, got {text!r}")
            if b >= 1 << 62:    # 64-bit fields of the native tracer
                raise ConfigError(f"{what}: {b} is too large (at most 2^62)")
            return ItraceWindow(kind, a, b)
        return ItraceWindow("all")

    def describe(self) -> str:
        return {"all": "every instruction", "cycles": f"cycles {self.a}-{self.b - 1} of each core",
                "function": f"inside {self.function}()",
                "markers": f"from marker {self.a} to marker {self.b}"}[self.kind]


@dataclass
class TraceOptions:
    timeline: bool = True         # record the timeline (else only the profile and the itrace)
    min_cycles: int = 0           # function spans shorter than this are merged or left out
    sample_cycles: int = 1000     # period of the counter samples taken in C
    ima_jobs: int = 4             # jobs of each IMA batch drawn with their own spans
    itrace: ItraceWindow | None = None
    itrace_limit: int = 1_000_000
    max_spans: int = 500_000      # function spans kept at most (the longest), to bound the file
    # named regions between firmware markers: (begin id, end id, name), e.g. one per layer
    marker_spans: list[tuple[int, int, str]] = field(default_factory=list)


def check_writable(path: str | os.PathLike, what: str) -> Path:
    """Refuses an output path that cannot be written (before the run starts)."""
    p = Path(path)
    parent = p.parent if str(p.parent) else Path(".")
    if p.is_dir() or not parent.is_dir() or not os.access(parent, os.W_OK) or \
            (p.exists() and not os.access(p, os.W_OK)):
        raise OutputFileError(f"cannot write {what} {path}: not a writable file path")
    return p


def code_symbols(elf_path: str | os.PathLike) -> list[tuple[int, str]]:
    """(address, name) of the functions of an ELF: STT_FUNC symbols and the labels of executable
    sections (assembly entry points), sorted by address."""
    from elftools.elf.elffile import ELFFile

    out: dict[int, str] = {}
    with open(elf_path, "rb") as f:
        elf = ELFFile(f)
        symtab = elf.get_section_by_name(".symtab")
        if symtab is None:
            return []
        exec_sections = {i for i, s in enumerate(elf.iter_sections()) if s["sh_flags"] & 0x4}
        for sym in symtab.iter_symbols():
            typ, shndx = sym["st_info"]["type"], sym["st_shndx"]
            if not sym.name or sym.name.startswith(("$", ".L")) or not isinstance(shndx, int):
                continue
            if typ == "STT_FUNC" or (typ == "STT_NOTYPE" and shndx in exec_sections):
                addr = sym["st_value"] & ~1
                # prefer a function symbol over a label at the same address
                if addr not in out or (typ == "STT_FUNC" and not out[addr][1]):
                    out[addr] = (sym.name, typ == "STT_FUNC")
    return sorted((a, n) for a, (n, _) in out.items())


def _changes(times: np.ndarray, values: np.ndarray) -> list[tuple[int, float]]:
    """A counter's samples, rounded, where its value changes (and the last one)."""
    out: list[tuple[int, float]] = []
    for t, v in zip(times.tolist(), np.round(values, 3).tolist()):
        if not out or out[-1][1] != v:
            out.append((int(t), v))
    if len(times) and out[-1][0] != int(times[-1]):
        out.append((int(times[-1]), out[-1][1]))
    return out


def _args(d: dict) -> str:
    """JSON of a small dict of numbers, booleans and strings (faster than json.dumps)."""
    parts = []
    for k, v in d.items():
        if v is True or v is False:
            parts.append(f'"{k}":{"true" if v else "false"}')
        elif isinstance(v, int):
            parts.append(f'"{k}":{v}')
        else:
            parts.append(f'"{k}":{json.dumps(v)}')
    return "{" + ",".join(parts) + "}"


# ---- the recorder ----

class Tracer:
    """Records a trace of one Cluster's run (create it after load(), before run())."""

    def __init__(self, cluster, options: TraceOptions | None = None):
        if cluster.program is None:
            raise ConfigError("load a program before enabling tracing")
        self.cl = cluster
        self.opt = options or TraceOptions()
        self.ffi, self.lib = cluster._ffi, cluster._lib
        self.funcs = code_symbols(cluster.program.path)
        self.func_names = {a: n for a, n in self.funcs}
        cfg = self.ffi.new("iss_trace_config_t *")
        cfg.events = int(self.opt.timeline)
        cfg.ima_jobs = max(0, self.opt.ima_jobs)
        cfg.min_cycles = max(0, self.opt.min_cycles)
        cfg.sample_cycles = max(0, self.opt.sample_cycles)
        w = self.opt.itrace
        if w is not None:
            cfg.it_mode = IT_MODES[w.kind]
            cfg.it_a, cfg.it_b = w.a, w.b
            cfg.it_limit = max(0, self.opt.itrace_limit)
            if w.kind == "function":
                cfg.it_func = self.function_address(w.function)
        addrs = self.ffi.new("uint32_t[]", [a for a, _ in self.funcs] or [0])
        if self.lib.iss_trace_enable(cluster._handle, cfg, addrs, len(self.funcs)) != 0:
            raise ConfigError("tracing is already enabled on this cluster")
        self._addrs = addrs
        self._events: list[np.ndarray] = []
        self._itrace: list[np.ndarray] = []
        self._ebuf = self.ffi.new("iss_trace_event_t[]", CHUNK)
        self._ibuf = self.ffi.new("iss_itrace_rec_t[]", CHUNK)
        cluster._chunk_hooks.append(self.drain)
        self.data: TraceData | None = None

    def function_address(self, name: str) -> int:
        for a, n in self.funcs:
            if n == name:
                return a
        close = difflib.get_close_matches(name, [n for _, n in self.funcs], n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise ConfigError(f"--itrace-function: no function {name!r} in {self.cl.program.path}{hint}")

    def drain(self) -> None:
        h = self.cl._handle
        while n := self.lib.iss_trace_take(h, self._ebuf, CHUNK):
            self._events.append(np.frombuffer(self.ffi.buffer(self._ebuf, n * EVENT_DTYPE.itemsize),
                                              EVENT_DTYPE).copy())
        while n := self.lib.iss_itrace_take(h, self._ibuf, CHUNK):
            self._itrace.append(np.frombuffer(self.ffi.buffer(self._ibuf, n * ITRACE_DTYPE.itemsize),
                                              ITRACE_DTYPE).copy())

    def name_of(self, addr: int) -> str:
        if addr in self.func_names:
            return self.func_names[addr]
        found = self.cl.program.symbols.lookup(addr)
        if found is None:
            return f"0x{addr:08x}"
        return found[0] if found[1] == 0 else f"{found[0]}+0x{found[1]:x}"

    def finish(self, result=None, error: Exception | None = None) -> "TraceData":
        """Closes the open frames at each core's last cycle and collects everything (call it
        once, after run() returned or raised)."""
        if self.data is not None:
            return self.data
        h = self.cl._handle
        self.lib.iss_trace_finish(h)
        self.drain()
        cores = self.cl.core_stats()
        ev = np.concatenate(self._events) if self._events else np.zeros(0, EVENT_DTYPE)
        it = np.concatenate(self._itrace) if self._itrace else np.zeros(0, ITRACE_DTYPE)
        # names of the firmware spans
        names, buf = [], self.ffi.new("char[]", 80)
        user = ev[ev["kind"] == K_USER]
        for i in range(int(user["a"].max()) + 1 if len(user) else 0):
            n = self.lib.iss_trace_name(h, i, buf, 80)
            names.append(self.ffi.string(buf, n).decode("utf-8", "replace"))
        profile = []
        for c in cores:
            n = self.lib.iss_trace_stats(h, c.core, *([self.ffi.NULL] * 5), 0)
            f = self.ffi.new("uint32_t[]", max(n, 1))
            arrs = [self.ffi.new("uint64_t[]", max(n, 1)) for _ in range(4)]
            self.lib.iss_trace_stats(h, c.core, f, *arrs, n)
            for i in range(n):
                profile.append([c.core, self.name_of(f[i]), int(arrs[0][i]), int(arrs[1][i]), int(arrs[2][i]),
                                int(arrs[3][i])])
        cfg = self.cl.config
        activity = self.cl.activity()
        meta = {
            "format": FORMAT, "version": VERSION,
            "elf": str(self.cl.program.path), "clock_hz": cfg.cluster.clock_hz,
            "cluster_id": cfg.cluster.cluster_id, "cores": cfg.cluster.cores,
            "cycles": max(c.cycles for c in cores),
            "exit_code": None if result is None else result.exit_code,
            "error": None if error is None else f"{getattr(error, 'kind', 'error')}: {error}",
            "bank_conflicts": bool(cfg.timing.bank_conflicts and cfg.timing.model),
            "core_stats": [{"core": c.core, "state": c.state, "cycles": c.cycles, "sleep": c.sleep_cycles,
                            "instructions": c.instructions, "load_stalls": c.load_stalls,
                            "jump_stalls": c.jump_stalls, "taken_branches": c.taken_branches,
                            "tcdm_contention": c.tcdm_contention} for c in cores],
            "activity": {k: int(v) for k, v in activity.items()},
            "profile": profile,
            "functions": {n: a for a, n in self.funcs},
            "options": {"min_cycles": self.opt.min_cycles, "sample_cycles": self.opt.sample_cycles,
                        "ima_jobs": self.opt.ima_jobs, "max_spans": self.opt.max_spans},
            "markers": [[m.id, m.core, m.cycle] for m in self.cl.markers()],
        }
        funcs = ev["kind"] == K_FUNC
        meta["dropped_spans"] = 0
        if self.opt.max_spans >= 0 and funcs.sum() > self.opt.max_spans:
            # keep the longest function spans: dropping any span keeps the others nested
            idx = np.flatnonzero(funcs)
            dur = (ev["t1"][idx] - ev["t0"][idx]).astype(np.int64)
            drop = idx[np.argsort(-dur, kind="stable")[self.opt.max_spans:]]
            keep = np.ones(len(ev), bool)
            keep[drop] = False
            meta["dropped_spans"] = int(len(drop))
            ev = ev[keep]
        self.data = TraceData.from_events(meta, ev, names, self, self.opt.marker_spans)
        self.data.itrace = it
        self.data.itrace_dropped = int(self.lib.iss_itrace_dropped(h))
        self.data.itrace_window = self.opt.itrace
        return self.data


# ---- the trace, in cycles ----

@dataclass
class Span:
    tid: int
    cat: str
    name: str
    t0: int
    t1: int
    args: dict | None = None


@dataclass
class TraceData:
    """A trace in cycles: what the JSON holds, what the report and the VCD are made from."""
    meta: dict
    spans: list[Span]
    counters: dict[str, list[tuple[int, float]]]   # name -> (cycle, value)
    itrace: np.ndarray | None = None
    itrace_dropped: int = 0
    itrace_window: ItraceWindow | None = None

    @property
    def clock_hz(self) -> float:
        return float(self.meta["clock_hz"])

    @property
    def pid(self) -> int:
        return int(self.meta.get("cluster_id", 0))

    # -- from the recorder --
    @classmethod
    def from_events(cls, meta: dict, ev: np.ndarray, names: list[str], tracer: Tracer,
                    marker_spans: list) -> "TraceData":
        spans: list[Span] = []
        fname_cache: dict[int, str] = {}

        def fname(a: int) -> str:
            n = fname_cache.get(a)
            if n is None:
                n = fname_cache[a] = tracer.name_of(a)
            return n

        rows = ev.tolist()
        for t0, t1, kind, who, a, b, c, d in rows:
            if kind == K_FUNC:
                spans.append(Span(TID_CORE + who, "function", fname(a), t0, t1, {"calls": c} if d else None))
            elif kind == K_SLEEP:
                w = WAITS.get(a, "?")
                label = f"wait: {w} {b}" if a in (3, 4) else f"wait: {w}"
                spans.append(Span(TID_CORE + who, "sleep", label, t0, t1))
            elif kind == K_USER:
                spans.append(Span(TID_USER + who, "span", names[a] if a < len(names) else f"span {a}", t0, t1,
                                  {"open at end": True} if d else None))
            elif kind == K_DMA:
                to_tcdm = bool(b & 1)
                spans.append(Span(TID_DMA + who, "dma", f"{a} B {'L2>TCDM' if to_tcdm else 'TCDM>L2'}", t0, t1,
                                  {"bytes": a, "to": "TCDM" if to_tcdm else "L2", "2d": bool(b & 2), "id": d,
                                   "queued cycles": t0 - c}))
            elif kind == K_IMA_BATCH:
                rows_, cols = c >> 32, c & 0xFFFFFFFF
                spans.append(Span(TID_IMA, "ima", f"array {a}: {b} jobs {rows_}x{cols}", t0, t1,
                                  {"array": a, "jobs": b, "rows": rows_, "columns": cols, "pipelined": bool(d),
                                   "core": who}))
            elif kind == K_IMA_PROG:
                spans.append(Span(TID_IMA, "ima", f"program array {a} ({b}x{c})", t0, t1,
                                  {"array": a, "rows": b, "columns": c, "core": who}))
            elif kind in IMA_PHASES:
                tid, what = IMA_PHASES[kind]
                spans.append(Span(tid, "ima", f"job {a} {what}", t0, t1, {"array": b}))
            elif kind == K_DWA:
                spans.append(Span(TID_DWA, "dwa", f"dw {a >> 16}x{a & 0xFFFF}x{b} s{c & 0xFF}", t0, t1,
                                  {"height": a >> 16, "width": a & 0xFFFF, "channels": b, "stride": c & 0xFF,
                                   "pad": (c >> 8) & 0xFF, "macs": d, "core": who}))
        end = int(meta["cycles"])
        for cs in meta["core_stats"]:
            if cs["state"] == "sleeping" and cs["cycles"] < end:
                spans.append(Span(TID_CORE + cs["core"], "asleep", "asleep at the end of the run", cs["cycles"], end))
        marks = meta["markers"]
        for b_id, e_id, name in marker_spans:
            starts = [m[2] for m in marks if m[0] == b_id]
            ends = [m[2] for m in marks if m[0] == e_id]
            if starts and ends and ends[0] >= starts[0]:
                spans.append(Span(TID_REGIONS, "region", name, starts[0], ends[0]))
        samples = ev[ev["kind"] == K_SAMPLE]
        counters = cls._counters(meta, spans, samples)
        return cls(meta, spans, counters)

    @staticmethod
    def _counters(meta: dict, spans: list[Span], samples: np.ndarray) -> dict:
        """Active cores (exact, from the sleep spans), TCDM contention and cluster IPC (from the
        samples taken in C), averaged over at most COUNTER_BINS bins of the run."""
        end = int(meta["cycles"])
        if end <= 0:
            return {}
        step = max(1, -(-end // COUNTER_BINS), int(meta["options"].get("sample_cycles") or 0))
        edges = np.arange(0, end + step, step, dtype=np.float64)
        edges[-1] = max(edges[-1], end)
        # active cores: +1 at 0, -1 at each sleep start and at the core's end, +1 at each wake
        pts, deltas = [], []
        for cs in meta["core_stats"]:
            pts += [0, cs["cycles"]]
            deltas += [1, -1]
        for s in spans:
            if s.cat == "sleep":
                pts += [s.t0, s.t1]
                deltas += [-1, 1]
        order = np.argsort(np.asarray(pts, dtype=np.float64), kind="stable")
        t = np.asarray(pts, dtype=np.float64)[order]
        level = np.cumsum(np.asarray(deltas, dtype=np.float64)[order])
        # integral of the level over time, at each point; then at the bin edges
        area = np.concatenate([[0.0], np.cumsum(level[:-1] * np.diff(t))])
        at_edges = np.interp(edges, t, area)
        active = np.diff(at_edges) / np.diff(edges)
        out = {"active cores": _changes(edges[:-1], active)}
        if len(samples):
            st = samples["t0"].astype(np.float64)
            for name, col, scale in (("TCDM conflict stalls per cycle", "c", 1.0), ("cluster IPC", "d", 1.0)):
                v = samples[col].astype(np.float64)
                vt = np.concatenate([[0.0], st, [float(end)]])
                vv = np.concatenate([[0.0], v, [v[-1]]])
                at = np.interp(edges, vt, vv)
                rate = np.diff(at) / np.diff(edges) * scale
                out[name] = _changes(edges[:-1], rate)
        return out

    # -- Chrome trace-event JSON --
    def write_json(self, path: str | os.PathLike) -> int:
        """Writes the trace; returns its size in bytes."""
        hz = self.clock_hz
        pid = self.pid
        name_json: dict[str, str] = {}

        per = 10**12 // int(hz) if hz == int(hz) and 10**12 % int(hz) == 0 else 0

        def us(cycles: int) -> int:      # picoseconds, rounded
            return cycles * per if per else round(cycles * 1e12 / hz)

        def fmt(ps: int) -> str:
            if ps % 10**6 == 0:
                return str(ps // 10**6)
            s = str(ps).rjust(7, "0")
            return (s[:-6] + "." + s[-6:]).rstrip("0")

        lines = []
        cores = int(self.meta["cores"])
        mhz = hz / 1e6
        lines.append(json.dumps({"ph": "M", "pid": pid, "name": "process_name",
                                 "args": {"name": f"cluster {pid} ({cores} cores, {mhz:g} MHz)"}}))
        tids = sorted({s.tid for s in self.spans} | {TID_CORE + i for i in range(cores)})
        for tid in tids:
            lines.append(json.dumps({"ph": "M", "pid": pid, "tid": tid, "name": "thread_name",
                                     "args": {"name": track_name(tid)}}))
            lines.append(json.dumps({"ph": "M", "pid": pid, "tid": tid, "name": "thread_sort_index",
                                     "args": {"sort_index": tid}}))
        # parents before children at equal start: longer first
        for s in sorted(self.spans, key=lambda s: (s.tid, s.t0, -s.t1)):
            if s.t1 <= s.t0:
                continue
            n = name_json.get(s.name)
            if n is None:
                n = name_json[s.name] = json.dumps(s.name)
            a, b = us(s.t0), us(s.t1)
            args = "" if not s.args else ',"args":' + _args(s.args)
            lines.append(f'{{"ph":"X","pid":{pid},"tid":{s.tid},"ts":{fmt(a)},"dur":{fmt(b - a)},'
                         f'"name":{n},"cat":"{s.cat}"{args}}}')
        for mid, core, cyc in self.meta["markers"]:
            lines.append(f'{{"ph":"i","s":"p","pid":{pid},"tid":{TID_CORE + core},"ts":{fmt(us(cyc))},'
                         f'"name":"marker {mid}","cat":"marker","args":{{"id":{mid},"core":{core}}}}}')
        for cname, series in self.counters.items():
            head, _, key = cname.partition(" ")
            for cyc, v in series:
                lines.append(f'{{"ph":"C","pid":{pid},"ts":{fmt(us(cyc))},"name":{json.dumps(head)},'
                             f'"args":{{{json.dumps(key)}:{v}}}}}')
        other = json.dumps({"iss": self.meta}, separators=(",", ":"))
        text = '{"displayTimeUnit":"ns","otherData":' + other + ',"traceEvents":[\n' + ",\n".join(lines) + "\n]}\n"
        try:
            Path(path).write_text(text)
        except OSError as e:
            raise OutputFileError(f"cannot write trace file {path}: {e.strerror}") from None
        return len(text)

    # -- back from JSON --
    @classmethod
    def load(cls, path: str | os.PathLike) -> "TraceData":
        from .errors import TraceFileError

        p = Path(path)
        if not p.is_file():
            raise TraceFileError(f"{path}: no such file" if not p.exists() else f"{path}: not a regular file")
        try:
            doc = json.loads(p.read_bytes())
        except (OSError, UnicodeDecodeError, ValueError) as e:
            raise TraceFileError(f"{path}: not a trace written by iss run --trace (not JSON: {e})") from None
        meta = doc.get("otherData", {}).get("iss") if isinstance(doc, dict) and isinstance(doc.get("otherData"), dict) else None
        if not isinstance(meta, dict) or meta.get("format") != FORMAT or not isinstance(doc.get("traceEvents"), list):
            raise TraceFileError(f"{path}: not a trace written by iss run --trace (no iss trace data in it)")
        if meta.get("version") != VERSION:
            raise TraceFileError(f"{path}: trace format version {meta.get('version')}, this iss reads {VERSION}")
        hz = float(meta["clock_hz"])
        spans, counters = [], {}
        for e in doc["traceEvents"]:
            ph = e.get("ph")
            if ph == "X":
                t0 = round(float(e["ts"]) * hz / 1e6)
                t1 = round((float(e["ts"]) + float(e["dur"])) * hz / 1e6)
                spans.append(Span(int(e["tid"]), e.get("cat", ""), e["name"], t0, t1, e.get("args")))
            elif ph == "C":
                for k, v in e.get("args", {}).items():
                    counters.setdefault(f"{e['name']} {k}", []).append((round(float(e["ts"]) * hz / 1e6), float(v)))
        return cls(meta, spans, counters)


# ---- the instruction trace ----

ABI = ["zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
       "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"]


def disassembler():
    """dis(word, pc) -> "mnemonic operands", from the simulator's ISA table (iss/native/isa*.c),
    which knows the CORE-V forms no general disassembler does."""
    from .config import isa_ext_mask
    from .native import load as load_native

    ffi, lib = load_native()
    exts = isa_ext_mask("corev")
    buf = ffi.new("char[]", 128)
    cache: dict[tuple[int, int], str] = {}

    def dis(word: int, pc: int) -> str:
        key = (word, pc)
        text = cache.get(key)
        if text is None:
            n = lib.iss_isa_disasm(word, pc, exts, buf, 128)
            text = cache[key] = ffi.string(buf, n).decode().replace("\t", " ")
        return text
    return dis


def write_itrace(data: TraceData, path: str | os.PathLike, symbols) -> int:
    """Formats the instruction trace (sorted by cycle, then core); returns the line count."""
    recs = data.itrace if data.itrace is not None else np.zeros(0, ITRACE_DTYPE)
    recs = recs[np.lexsort((recs["core"], recs["cycle"]))]
    dis = disassembler()
    sym_cache: dict[int, str] = {}
    w = data.itrace_window or ItraceWindow()
    out = [f"# iss instruction trace of {data.meta['elf']}: {w.describe()}, {len(recs)} instructions"
           + (f" ({data.itrace_dropped} more not kept: --itrace-limit)" if data.itrace_dropped else ""),
           "# cycle core pc <symbol+offset> instruction disassembly ; register written = value ; memory access"]
    for cyc, pc, insn, rdv, maddr, mval, core, rd, mem, msize in recs.tolist():
        s = sym_cache.get(pc)
        if s is None:
            found = symbols.lookup(pc)
            s = sym_cache[pc] = f"<{found[0]}+0x{found[1]:x}>" if found else ""
        word = f"{insn:08x}" if insn & 3 == 3 else f"    {insn:04x}"
        line = f"{cyc:>10} c{core} {pc:08x} {s:<28} {word}  {dis(insn, pc):<28}"
        extra = []
        if rd:
            extra.append(f"{ABI[rd]}=0x{rdv:08x}")
        if mem == 1:
            extra.append(f"load {msize} @0x{maddr:08x}")
        elif mem == 2:
            extra.append(f"store {msize} @0x{maddr:08x} = 0x{mval & ((1 << (8 * msize)) - 1):0{2 * msize}x}")
        if extra:
            line += " ; " + " ; ".join(extra)
        out.append(line.rstrip())
    try:
        Path(path).write_text("\n".join(out) + "\n")
    except OSError as e:
        raise OutputFileError(f"cannot write instruction trace {path}: {e.strerror}") from None
    return len(recs)
