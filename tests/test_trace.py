"""Tracing (docs/tracing.md): the Chrome trace-event JSON and its accounting, the exact profile,
firmware spans, the instruction trace windows, the report and its plots, VCD, and bad input."""
from __future__ import annotations

import json
from collections import defaultdict

import pytest

from iss import Cluster, Config, bottleneck
from iss.trace import TraceData, TraceOptions, Tracer, code_symbols

from .conftest import assemble, run_cli

K = 500                        # firmware/trace_split/burn.S: BURN_K
ONE_N, THREE_N = 4 * K + 1, 3 * (4 * K + 1)
CALLS = 5
PNG = b"\x89PNG\r\n\x1a\n"


def cycles_of(doc, e) -> tuple[int, int]:
    hz = doc["otherData"]["iss"]["clock_hz"]
    return round(e["ts"] * hz / 1e6), round((e["ts"] + e["dur"]) * hz / 1e6)


def by_track(doc) -> dict[int, list]:
    tracks = defaultdict(list)
    for e in doc["traceEvents"]:
        if e["ph"] == "X":
            tracks[e["tid"]].append(e)
    for es in tracks.values():
        es.sort(key=lambda e: (e["ts"], -e["dur"]))
    return tracks


def exclusive(doc, events) -> dict[str, int]:
    """Exclusive cycles by span name, from the nesting of the spans of one track."""
    out, stack = defaultdict(int), []            # stack: [end, name, cycles left]
    for e in events:
        s, t = cycles_of(doc, e)
        while stack and stack[-1][0] <= s:
            end, name, left = stack.pop()
            out[name] += left
        if stack:
            stack[-1][2] -= t - s
        stack.append([t, e["name"], t - s])
    for end, name, left in stack:
        out[name] += left
    return out


@pytest.fixture(scope="module")
def split(fw, tmp_path_factory):
    """trace_split traced from the command line, as a user would."""
    d = tmp_path_factory.mktemp("trace")
    elf = fw("trace_split")
    r = run_cli("run", elf, "--trace", d / "t.json", "--vcd", d / "t.vcd")
    assert r.returncode == 0, r.stderr
    ref = Cluster().load(elf).run()              # the same run without tracing
    return d, elf, json.loads((d / "t.json").read_text()), ref, r


def test_json_structure(split):
    d, elf, doc, ref, r = split
    assert doc["displayTimeUnit"] == "ns" and isinstance(doc["traceEvents"], list)
    meta = doc["otherData"]["iss"]
    assert meta["format"] == "iss-trace" and meta["cores"] == 8 and meta["clock_hz"] == 500e6
    events = doc["traceEvents"]
    assert {e["ph"] for e in events} == {"M", "X", "i", "C"}
    names = {(e["tid"], e["args"]["name"]) for e in events if e["ph"] == "M" and e["name"] == "thread_name"}
    assert {(1 + i, f"core {i}") for i in range(8)} <= names
    assert {(20 + i, f"core {i} spans") for i in range(8)} <= names
    for e in events:
        assert isinstance(e["pid"], int) and isinstance(e["name"], str)
        if e["ph"] in "XiC":
            assert isinstance(e["ts"], (int, float)) and e["ts"] >= 0
        if e["ph"] == "X":
            assert e["dur"] > 0 and e["cat"] in ("function", "sleep", "span", "asleep")
    # spans of a track nest: Perfetto and chrome://tracing need it
    for tid, es in by_track(doc).items():
        stack = []
        for e in es:
            s, t = cycles_of(doc, e)
            while stack and stack[-1] <= s:
                stack.pop()
            assert not stack or t <= stack[-1], (tid, e)
            stack.append(t)
    # firmware markers and spans (iss_marker, iss_trace_begin/end)
    assert sorted(e["args"]["id"] for e in events if e["ph"] == "i") == [1, 2, 3, 4]
    burn = [e for e in events if e["ph"] == "X" and e["cat"] == "span"]
    assert len(burn) == 8 and {e["name"] for e in burn} == {"burn"}
    for e in burn:
        s, t = cycles_of(doc, e)
        assert t - s > CALLS * (ONE_N + THREE_N)
    # tracing does not change the run
    assert meta["cycles"] == ref.cycles
    assert [c["cycles"] for c in meta["core_stats"]] == [c.cycles for c in ref.cores]
    assert "iss: trace: " in r.stderr and r.stderr.splitlines()[-1].startswith("iss: exit 0 |")


def test_spans_account_for_every_cycle_of_every_core(split):
    d, elf, doc, ref, _ = split
    tracks = by_track(doc)
    for core in ref.cores:
        events = [e for e in tracks[1 + core.core] if e["cat"] in ("function", "sleep")]
        roots, end = 0, -1
        for e in events:
            s, t = cycles_of(doc, e)
            if e["cat"] == "function" and s >= end:
                roots, end = roots + t - s, t
        assert roots == core.cycles                       # the root frames cover the core's time
        sleep = sum(t - s for s, t in (cycles_of(doc, e) for e in events if e["cat"] == "sleep"))
        assert sleep == core.sleep_cycles
        excl = exclusive(doc, events)                     # every cycle in exactly one span
        assert sum(excl.values()) == core.cycles
        assert excl["one_n"] == CALLS * ONE_N and excl["three_n"] == CALLS * THREE_N


def test_profile_of_a_known_cycle_split(fw):
    cl = Cluster().load(fw("trace_split"))
    tracer = Tracer(cl, TraceOptions(min_cycles=10**9))   # no short spans on the timeline: same profile
    data = tracer.finish(cl.run())
    prof = defaultdict(dict)
    for core, name, calls, incl, excl, sleep in data.meta["profile"]:
        prof[core][name] = (calls, incl, excl, sleep)
    for core in range(8):
        assert prof[core]["one_n"] == (CALLS, CALLS * ONE_N, CALLS * ONE_N, 0)
        assert prof[core]["three_n"] == (CALLS, CALLS * THREE_N, CALLS * THREE_N, 0)
        work = prof[core]["work"]
        assert work[0] == 1 and work[1] - work[2] == CALLS * (ONE_N + THREE_N)
        assert sum(p[2] for p in prof[core].values()) == data.meta["core_stats"][core]["cycles"]
    assert prof[0]["tail_target"][0] == 4
    assert not [s for s in data.spans if s.cat == "function" and s.name in ("one_n", "three_n")]


def test_report_and_its_plots(split, tmp_path):
    d, *_ = split
    r = run_cli("report", d / "t.json", "--out", tmp_path, "--vcd", tmp_path / "r.vcd")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    head = lines.index("per-core utilisation (% of the run):")
    assert lines[head + 1].split() == ["core", "busy", "stalled", "sleeping", "ended", "cycles"]
    prof = {l.split()[-1]: l.split() for l in lines if l.strip().endswith(("one_n", "three_n"))}
    assert prof["one_n"][:3] == ["40", str(40 * ONE_N), str(40 * ONE_N)]
    assert prof["three_n"][:3] == ["40", str(40 * THREE_N), str(40 * THREE_N)]
    assert any(l.split()[0::2] == ["8", "burn"] for l in lines if len(l.split()) == 3)
    for name in ("t.timeline.png", "t.utilisation.png"):
        assert (tmp_path / name).read_bytes()[:8] == PNG
    for vcd in (tmp_path / "r.vcd", d / "t.vcd"):
        text = vcd.read_text()
        assert "$timescale 1ps $end" in text and "$enddefinitions $end" in text
        assert " core7_state $end" in text and " ima_state $end" in text


def test_accelerator_tracks(tmp_path):
    elf, _, _ = bottleneck.build(bottleneck.Spec(), "IMA_DW", 16)
    cl = Cluster(Config().replace(ima={"arrays": 3})).load(elf)
    tracer = Tracer(cl, TraceOptions(ima_jobs=2))
    r = cl.run()
    data = tracer.finish(r)
    a = r.activity
    cat = defaultdict(list)
    for s in data.spans:
        cat[(s.cat, s.tid)].append(s)
    dma = [s for (c, _), ss in cat.items() if c == "dma" for s in ss]
    assert len(dma) == a["dma_transfers"] and sum(s.args["bytes"] for s in dma) == a["dma_bytes"]
    assert len(cat[("dwa", 60)]) == a["dwa_jobs"] > 0
    batches = [s for s in cat[("ima", 50)] if not s.name.startswith("program")]
    assert sum(s.args["jobs"] for s in batches) == a["ima_jobs"] > 0
    assert sum(s.t1 - s.t0 for s in batches) == a["ima_busy_cycles"]
    assert [s for s in cat[("ima", 50)] if s.name.startswith("program")]
    for tid in (51, 52, 53):                              # stream-in, compute, stream-out
        assert 0 < len(cat[("ima", tid)]) <= 2 * len(batches)
    assert data.write_json(tmp_path / "b.json") > 0


TINY = """
    .option norvc
    .globl _start
_start:
    li   a0, 5
    li   a1, 7
    add  a2, a0, a1
    la   t0, word
    sw   a2, 0(t0)
    lw   a3, 0(t0)
    mul  a4, a3, a3
    li   t0, 0x1A1040A0
    li   t1, 0x80000000
    sw   t1, 0(t0)
1:  j 1b
    .data
word: .word 0
"""


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return assemble(TINY, tmp_path_factory.mktemp("tiny") / "tiny.elf")


def itrace(path) -> list[list[str]]:
    return [l.split() for l in path.read_text().splitlines() if not l.startswith("#")]


def test_itrace_of_a_tiny_program(tiny, tmp_path):
    r = run_cli("run", tiny, "--cores", "1", "--itrace", tmp_path / "all.txt")
    assert r.returncode == 0, r.stderr
    text = (tmp_path / "all.txt").read_text()
    lines = itrace(tmp_path / "all.txt")
    # one cycle an instruction, and the load-use stall of the mul on the loaded a3
    assert [int(l[0]) for l in lines] == [0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12]
    assert all(l[1] == "c0" and l[3].startswith("<_start+0x") for l in lines)
    assert "add a2, a0, a1" in text and "a2=0x0000000c" in text
    store = next(l for l in text.splitlines() if "sw a2, 0x0(t0)" in l)
    assert "store 4 @0x" in store and "= 0x0000000c" in store
    load = next(l for l in text.splitlines() if "lw a3, 0x0(t0)" in l)
    assert "a3=0x0000000c" in load and "load 4 @0x" in load
    assert "a4=0x00000090" in text                       # mul a4, a3, a3: 144
    # a cycle window: only those cycles
    r = run_cli("run", tiny, "--cores", "1", "--itrace", tmp_path / "w.txt", "--itrace-cycles", "2:5")
    assert r.returncode == 0, r.stderr
    w = itrace(tmp_path / "w.txt")
    assert [l[0] for l in w] == ["2", "3", "4"] and "add" in w[0][5]


def test_itrace_function_and_marker_windows(fw, tmp_path):
    elf = fw("trace_split")
    one_n = next(a for a, n in code_symbols(elf) if n == "one_n")
    r = run_cli("run", elf, "--itrace", tmp_path / "f.txt", "--itrace-function", "one_n")
    assert r.returncode == 0, r.stderr
    lines = itrace(tmp_path / "f.txt")
    # every execution of one_n on every core: the li, K loop iterations of 2 instructions, ret
    assert len(lines) == 8 * CALLS * (1 + 2 * K + 1)
    assert all(l[3].startswith("<one_n+0x") and one_n <= int(l[2], 16) < one_n + 16 for l in lines)
    assert {l[1] for l in lines} == {f"c{i}" for i in range(8)}
    r = run_cli("run", elf, "--itrace", tmp_path / "m.txt", "--itrace-markers", "3:4", "--itrace-limit", "100000")
    assert r.returncode == 0, r.stderr
    lines = itrace(tmp_path / "m.txt")
    assert lines and any(l[3].startswith("<tail_target+") for l in lines)
    assert not any(l[3].startswith(("<one_n", "<three_n")) for l in lines)


def test_bad_input_is_refused_with_one_line(fw, tmp_path, split):
    elf = fw("trace_split")
    for opt in ("--trace", "--itrace", "--vcd"):
        r = run_cli("run", elf, opt, "/nonexistent/dir/out")
        assert r.returncode == 111 and r.stdout == "", (opt, r.stderr)   # before the run
        assert r.stderr.strip().count("\n") == 0 and "not a writable file path" in r.stderr
    r = run_cli("run", elf, "--itrace", tmp_path / "x.txt", "--itrace-function", "one")
    assert r.returncode == 100 and r.stdout == ""
    assert "no function 'one'" in r.stderr and "one_n" in r.stderr
    r = run_cli("run", elf, "--itrace-cycles", "10:20")
    assert r.returncode == 100 and "give --itrace FILE too" in r.stderr
    r = run_cli("run", elf, "--itrace", tmp_path / "x.txt", "--itrace-cycles", "20:10")
    assert r.returncode == 100 and "A:B" in r.stderr
    (tmp_path / "other.json").write_text(json.dumps({"traceEvents": [], "otherData": {"tool": "x"}}))
    (tmp_path / "garbage.json").write_text("not json at all")
    for f, what in (("other.json", "no iss trace data"), ("garbage.json", "not JSON"), ("missing.json", "no such file")):
        r = run_cli("report", tmp_path / f)
        assert r.returncode == 114 and what in r.stderr, r.stderr
        assert r.stderr.startswith("iss: trace file error: ") and r.stderr.strip().count("\n") == 0
    # a run that fails still leaves its trace; the error is the run's
    r = run_cli("run", fw("deadlock"), "--trace", tmp_path / "dl.json")
    assert r.returncode == 108 and "deadlock" in r.stderr
    meta = json.loads((tmp_path / "dl.json").read_text())["otherData"]["iss"]
    assert meta["error"].startswith("deadlock") and meta["exit_code"] is None
    assert TraceData.load(tmp_path / "dl.json").spans
