"""IMA (analog in-memory computing accelerator, docs/ima.md): the firmware HAL
(runtime/include/iss_ima.h) against the NumPy reference iss/ima_ref.py, bit for bit in ideal
mode; weight programming and read-back; several arrays and cores; every refused command;
the timing formula of a job in sequential and pipelined mode; FINISHED_JOBS and the end event."""
from __future__ import annotations

import math
import re

import numpy as np
import pytest

from iss import Cluster, Config
from iss import ima_ref

from .conftest import run_cli

GUARD = 0x5A


class Lcg:
    """The generator of the ima_* firmware (rnd(): 32-bit LCG, bits 31:16)."""

    def __init__(self, seed: int):
        self.s = seed & 0xFFFFFFFF

    def next(self) -> int:
        self.s = (self.s * 1664525 + 1013904223) & 0xFFFFFFFF
        return self.s >> 16

    def weights(self, *shape: int) -> np.ndarray:
        return np.array([self.next() % 15 - 7 for _ in range(math.prod(shape))], dtype=np.int64).reshape(shape)

    def inputs(self, *shape: int) -> np.ndarray:
        return np.array([((self.next() & 0xFF) ^ 0x80) - 0x80 for _ in range(math.prod(shape))],
                        dtype=np.int64).reshape(shape)


def cfg(**sections) -> Config:
    sections.setdefault("cluster", {})
    sections["cluster"] = {"cores": 1, **sections["cluster"]}
    return Config().replace(**sections)


def run(fw, name, sections=None, **defines):
    cl = Cluster(cfg(**(sections or {}))).load(fw(name, **defines))
    r = cl.run()
    assert r.exit_code == 0, r.output
    return cl, r


def i8(cl: Cluster, name: str, count: int, offset: int = 0) -> np.ndarray:
    return np.frombuffer(cl.read(cl.symbol(name) + offset, count), dtype=np.int8).astype(np.int64)


# ---- the reference itself ----

def test_reference_adc_pack_and_address_loops():
    assert list(ima_ref.adc(np.array([-10**6, -100, 0, 100, 10**6]), 100, 100)) == [-128, -128, 0, 127, 127]
    assert list(ima_ref.adc(np.array([-1, 0, 1]), 1, 1)) == [-128, 0, 127]
    w = np.array([-7, -1, 0, 1, 2, 3, 7, -2])
    assert ima_ref.unpack_word(ima_ref.pack_row(w)[0]) == list(w)
    assert ima_ref.pack_row(np.arange(8) - 3)[0] == 0x4321_0FED
    with pytest.raises(ValueError):
        ima_ref.pack_row(np.array([-8] + [0] * 7))
    assert ima_ref.job_addresses(7, 100, 2, 10, 1, 1000) == [100, 110, 120, 1120, 1130, 1140, 2140]
    assert ima_ref.job_addresses(3, 100, 2, 10, 0, 1000) == [100, 100, 100]
    assert list(ima_ref.fetch_offsets(2, 2, 10, 2, 100)) == [0, 1, 10, 11, 100, 101, 110, 111]


# ---- one job ----

MVM_CASES = {
    "default": {},
    "no clipping": {"ADC_LOW": 100000, "ADC_HIGH": 100000},
    "asymmetric": {"ADC_LOW": 50, "ADC_HIGH": 300},
    "range 1": {"ADC_LOW": 1, "ADC_HIGH": 1},
    "full array": {"ROWS": 256, "COLS": 256, "ROW0": 0, "COL0": 0, "ADC_LOW": 5000, "ADC_HIGH": 4000},
    "sub-window, unaligned": {"ROWS": 128, "COLS": 64, "ROW0": 0, "COL0": 0, "JROW0": 10, "JROWS": 100,
                              "JCOL0": 3, "JCOLS": 50, "IN_OFF": 1, "OUT_OFF": 3},
    "small, unaligned": {"ROWS": 17, "COLS": 8, "ROW0": 239, "COL0": 248, "IN_OFF": 3, "OUT_OFF": 1,
                         "ADC_LOW": 300, "ADC_HIGH": 200},
    "one input": {"ROWS": 1, "COLS": 8, "ROW0": 255, "COL0": 0, "ADC_LOW": 900, "ADC_HIGH": 900},
}


@pytest.mark.parametrize("defines", MVM_CASES.values(), ids=MVM_CASES.keys())
def test_mvm_matches_the_reference(fw, defines):
    d = {"ROWS": 96, "COLS": 64, "ROW0": 16, "COL0": 32, "ADC_LOW": 2000, "ADC_HIGH": 2000, "SEED": 1,
         "IN_OFF": 0, "OUT_OFF": 0, **defines}
    d.setdefault("JROW0", d["ROW0"]), d.setdefault("JCOL0", d["COL0"])
    d.setdefault("JROWS", d["ROWS"]), d.setdefault("JCOLS", d["COLS"])
    cl, r = run(fw, "ima_mvm", **defines)
    g = Lcg(d["SEED"])
    w = g.weights(d["ROWS"], d["COLS"])
    x = g.inputs(d["JROWS"])
    assert np.array_equal(i8(cl, "weights", w.size).reshape(w.shape), w)   # the generator is replicated
    assert np.array_equal(i8(cl, "in_buf", x.size, d["IN_OFF"]), x)
    ay, ax = d["JROW0"] - d["ROW0"], d["JCOL0"] - d["COL0"]
    want = ima_ref.mvm(w[ay:ay + d["JROWS"], ax:ax + d["JCOLS"]], x, d["ADC_LOW"], d["ADC_HIGH"])
    out = np.frombuffer(cl.read(cl.symbol("out_buf"), d["JCOLS"] + 16), dtype=np.uint8)
    got = out[d["OUT_OFF"]:d["OUT_OFF"] + d["JCOLS"]].view(np.int8)
    assert np.array_equal(got, want), (got, want)
    # nothing written around the outputs
    assert (out[:d["OUT_OFF"]] == GUARD).all() and (out[d["OUT_OFF"] + d["JCOLS"]:] == GUARD).all()
    assert r.output.splitlines()[0] == f"mvm {d['JROWS']}x{d['JCOLS']} finished 1 state 0"


def test_mvm_on_a_smaller_array(fw):
    cl, r = run(fw, "ima_mvm", {"ima": {"size": 64}}, ROWS=64, COLS=64, ROW0=0, COL0=0, ADC_LOW=700, ADC_HIGH=900)
    g = Lcg(1)
    w, x = g.weights(64, 64), g.inputs(64)
    assert np.array_equal(i8(cl, "out_buf", 64), ima_ref.mvm(w, x, 700, 900))


# ---- whole layers: pointwise (alpha stepping) and 3x3 (im2col with alpha/beta) ----

def pointwise_reference(d):
    g = Lcg(d["SEED"])
    w = g.weights(d["CIN"], d["COUT"])
    x = g.inputs(d["H"], d["W"], d["CIN"])
    return w, x, np.stack([ima_ref.mvm(w, px, d["ADC_LOW"], d["ADC_HIGH"])
                           for px in x.reshape(-1, d["CIN"])]).reshape(d["H"], d["W"], d["COUT"])


PW_CASES = {
    "default": {},
    "wide range": {"ADC_LOW": 20000, "ADC_HIGH": 20000},
    "asymmetric": {"ADC_LOW": 200, "ADC_HIGH": 3000},
    "offset window": {"ROW0": 100, "COL0": 40, "ADC_LOW": 800, "ADC_HIGH": 1000},
    "odd shapes": {"H": 5, "W": 7, "CIN": 19, "COUT": 24, "ADC_LOW": 900, "ADC_HIGH": 700},
}


@pytest.mark.parametrize("defines", PW_CASES.values(), ids=PW_CASES.keys())
def test_pointwise_layer_matches_the_reference(fw, defines):
    d = {"H": 8, "W": 8, "CIN": 32, "COUT": 64, "ROW0": 0, "COL0": 0, "ADC_LOW": 1500, "ADC_HIGH": 1500,
         "SEED": 7, **defines}
    cl, r = run(fw, "ima_pointwise", **defines)
    w, x, want = pointwise_reference(d)
    n = want.size
    assert np.array_equal(i8(cl, "in_buf", x.size).reshape(x.shape), x)
    out = np.frombuffer(cl.read(cl.symbol("out_hwc"), n + 16), dtype=np.uint8)
    assert np.array_equal(out[:n].view(np.int8).reshape(want.shape), want)
    assert (out[n:] == GUARD).all()
    # FINISHED_JOBS counts the batch's jobs, and its read clears it; the IMA is then idle
    assert r.output.splitlines()[1] == f"finished jobs {d['H'] * d['W']} then 0 status 0"


@pytest.mark.parametrize("ima", [{"pipelined": False}, {"pipelined": True, "port_bits": 32},
                                 {"pipelined": False, "port_bits": 512, "fifo_cycles": 0, "idle_cycles": 0}],
                         ids=["sequential", "pipelined-32bit", "sequential-512bit-no-fifo"])
def test_pointwise_layer_is_exact_in_every_mode(fw, ima):
    d = {"H": 8, "W": 8, "CIN": 32, "COUT": 64, "ADC_LOW": 1500, "ADC_HIGH": 1500, "SEED": 7}
    cl, _ = run(fw, "ima_pointwise", {"ima": ima})
    _, _, want = pointwise_reference(d)
    assert np.array_equal(i8(cl, "out_hwc", want.size).reshape(want.shape), want)


def test_back_to_back_full_array_jobs_are_exact(fw):
    """firmware/ima_bench with its weights: 8 full 256x256 jobs, pipelined and sequential."""
    g = Lcg(1)
    w = g.weights(256, 256)
    x = g.inputs(8, 256)
    want = np.stack([ima_ref.mvm(w, v, 4000, 4000) for v in x])
    for ima in ({}, {"pipelined": False}):
        cl = Cluster(cfg(ima=ima)).load(fw("ima_bench", JOBS=8))
        assert cl.run().exit_code == 0
        assert np.array_equal(i8(cl, "out_buf", want.size).reshape(want.shape), want), ima


def test_pcm_noise_is_reproducible_and_close_to_ideal(fw):
    elf = fw("ima_mvm")
    outs = {}
    for noise, seed in (("ideal", 1), ("pcm", 1), ("pcm", 1), ("pcm", 2)):
        cl = Cluster(cfg(ima={"noise": noise, "seed": seed})).load(elf)
        assert cl.run().exit_code == 0
        outs.setdefault((noise, seed), []).append(i8(cl, "out_buf", 64))
    ideal, (a, b), other = outs[("ideal", 1)][0], outs[("pcm", 1)], outs[("pcm", 2)][0]
    assert np.array_equal(a, b)                       # same seed: same results
    assert not np.array_equal(a, other)               # another seed: other noise
    assert not np.array_equal(a, ideal)
    assert np.corrcoef(a, ideal)[0, 1] > 0.9          # noisy, not wrong


def test_pointwise_is_exact_with_bank_conflicts_and_pays_for_them(fw):
    d = {"H": 8, "W": 8, "CIN": 32, "COUT": 64, "ADC_LOW": 1500, "ADC_HIGH": 1500, "SEED": 7}
    _, _, want = pointwise_reference(d)
    times = []
    for bank in (False, True):
        cl, r = run(fw, "ima_pointwise", {"timing": {"bank_conflicts": bank}})
        assert np.array_equal(i8(cl, "out_hwc", want.size).reshape(want.shape), want)
        times.append(int(re.search(r": (\d+) cycles", r.output).group(1)))
    # one core, asleep while the batch runs: no competitor for the banks
    assert times[1] >= times[0]


def conv_reference(d):
    g = Lcg(d["SEED"])
    cin, cout, s = d["CIN"], d["COUT"], d["STRIDE"]
    w = g.weights(9 * cin, cout)
    x = g.inputs(d["HP"], d["WP"], cin)
    x[0, :], x[-1, :], x[:, 0], x[:, -1] = 0, 0, 0, 0         # the zero border (padding)
    ho, wo = (d["HP"] - 3) // s + 1, (d["WP"] - 3) // s + 1
    want = np.zeros((ho, wo, cout), dtype=np.int8)
    for oy in range(ho):
        for ox in range(wo):
            patch = x[oy * s:oy * s + 3, ox * s:ox * s + 3, :].reshape(-1)   # (ky, kx, ci)
            want[oy, ox] = ima_ref.mvm(w, patch, d["ADC_LOW"], d["ADC_HIGH"])
    return w, x, want


CONV_CASES = {
    "stride 1": {"STRIDE": 1},
    "stride 2": {"STRIDE": 2},
    "stride 2, 9x11, 16 channels": {"STRIDE": 2, "HP": 9, "WP": 11, "CIN": 16, "COUT": 24, "ROW0": 0, "COL0": 0},
    "stride 1, one output column": {"STRIDE": 1, "HP": 7, "WP": 3, "ADC_LOW": 300, "ADC_HIGH": 500},
}


@pytest.mark.parametrize("defines", CONV_CASES.values(), ids=CONV_CASES.keys())
def test_conv3x3_matches_the_reference(fw, defines):
    d = {"HP": 10, "WP": 10, "CIN": 8, "COUT": 16, "STRIDE": 1, "ROW0": 4, "COL0": 8,
         "ADC_LOW": 1000, "ADC_HIGH": 1000, "SEED": 11, **defines}
    cl, r = run(fw, "ima_conv3x3", **defines)
    w, x, want = conv_reference(d)
    assert np.array_equal(i8(cl, "in_buf", x.size).reshape(x.shape), x)
    n = want.size
    out = np.frombuffer(cl.read(cl.symbol("out_buf"), n + 16), dtype=np.uint8)
    assert np.array_equal(out[:n].view(np.int8).reshape(want.shape), want)
    assert (out[n:] == GUARD).all()
    ho, wo = want.shape[:2]
    assert r.output.splitlines()[0] == f"conv3x3 stride {d['STRIDE']}: {ho}x{wo}x{d['COUT']} finished {ho * wo}"


def test_conv3x3_job_addresses_are_the_im2col_of_the_reference():
    """The HAL's alpha/beta registers (iss_ima_conv3x3) give, through iss_ima_ref's address
    loops and fetch offsets, exactly the 3x3 patches of the padded tensor."""
    for hp, wp, cin, s in ((10, 10, 8, 1), (10, 10, 8, 2), (9, 11, 16, 2), (7, 3, 8, 1)):
        ho, wo = (hp - 3) // s + 1, (wp - 3) // s + 1
        x = np.arange(hp * wp * cin).reshape(hp, wp, cin)
        flat = x.reshape(-1)
        addrs = ima_ref.job_addresses(ho * wo, 0, wo - 1, s * cin, 1, s * wp * cin - (wo - 1) * s * cin)
        offs = ima_ref.fetch_offsets(3 * cin, 3, wp * cin)
        for n, a in enumerate(addrs):
            oy, ox = divmod(n, wo)
            assert np.array_equal(flat[a + offs], x[oy * s:oy * s + 3, ox * s:ox * s + 3].reshape(-1))


# ---- several arrays, several cores ----

def multi_reference(d):
    g = Lcg(d["SEED"])
    w = g.weights(d["NARR"], d["ROWS"], d["COLS"])
    x = g.inputs(d["NARR"], d["ROWS"])
    return np.stack([ima_ref.mvm(w[a], x[a], d["ADC_LOW"], d["ADC_HIGH"]) for a in range(d["NARR"])])


@pytest.mark.parametrize("cores", [1, 3])
def test_each_array_keeps_its_own_weights(fw, cores):
    d = {"NARR": 3, "ROWS": 64, "COLS": 32, "ADC_LOW": 1200, "ADC_HIGH": 1500, "SEED": 3}
    cl = Cluster(Config().replace(ima={"arrays": 3})).load(fw("ima_multi", CORES=cores))
    r = cl.run()
    assert r.exit_code == 0, r.output
    want = multi_reference(d)
    assert len({w.tobytes() for w in want}) == 3              # different results per array
    assert np.array_equal(i8(cl, "out", want.size).reshape(want.shape), want)
    assert np.array_equal(i8(cl, "again", want.size).reshape(want.shape), want)
    assert r.output.splitlines()[-1] == "arrays 3 size 256 done"
    if cores > 1:   # cores 1 and 2 waited for the IMA and slept on its end events
        assert all(r.cores[c].sleep_cycles > 0 for c in range(3))


def test_a_missing_array_is_refused(fw):
    r = run_cli("run", fw("ima_multi"))                       # ima.arrays = 1
    assert r.returncode == 109
    assert "IMA refuses: array 1 does not exist (1 arrays)" in r.stderr, r.stderr


# ---- weight programming and read-back ----

READBACK_CASES = {
    "default": ({}, {}),
    "array 2 of 3": ({"ARRAY": 2}, {"ima": {"arrays": 3}}),
    "whole rows": ({"ROWS": 8, "COLS": 256, "ROW0": 248, "COL0": 0, "DY": 2, "DX": 128, "COLS2": 128}, {}),
    "unaligned buffers": ({"COLS": 24, "COLS2": 8, "BUF_OFF": 1}, {}),
    "unaligned buffers 3": ({"BUF_OFF": 3}, {}),
}


@pytest.mark.parametrize("defines, sections", READBACK_CASES.values(), ids=READBACK_CASES.keys())
def test_read_back_returns_the_programmed_weights(fw, defines, sections):
    d = {"ROWS": 40, "COLS": 48, "ROWS2": 5, "COLS2": 16, "DY": 7, "DX": 8, "SEED": 5, "BUF_OFF": 0, **defines}
    cl, r = run(fw, "ima_readback", sections, **defines)
    assert "mismatches 0" in r.output.splitlines()
    g = Lcg(d["SEED"])
    want = g.weights(d["ROWS"], d["COLS"])
    want[d["DY"]:d["DY"] + d["ROWS2"], d["DX"]:d["DX"] + d["COLS2"]] = g.weights(d["ROWS2"], d["COLS2"])
    assert np.array_equal(i8(cl, "back_buf", want.size, d["BUF_OFF"]).reshape(want.shape), want)
    assert r.output.splitlines()[-1] == "state 0"             # released after read-back


def readback_times(fw, **ima):
    _, r = run(fw, "ima_readback", {"ima": ima} if ima else None)
    lines = r.output.splitlines()
    prog = re.match(r"program (\d+) words (\d+) cycles", lines[0])
    read = re.match(r"read (\d+) words (\d+) cycles", lines[1])
    return int(prog.group(1)), int(prog.group(2)), int(read.group(2))


def test_programming_stalls_the_core_one_word_at_a_time(fw):
    c = Config().ima
    words, prog, read = readback_times(fw)
    word_cycles = math.ceil(c.program_row_ns * 0.5 / (c.size // 8))       # 51 at 500 MHz
    # the first word starts at once; each later SUBMIT_PLOT waits for the previous word
    overhead = prog - (words - 1) * word_cycles
    print(f"\n{words} words: {prog} cycles = {words - 1} x {word_cycles} + {overhead}")
    assert 0 < overhead < 150
    _, slow, _ = readback_times(fw, program_row_ns=2 * c.program_row_ns)
    assert slow - prog == (words - 1) * (math.ceil(2 * c.program_row_ns * 0.5 / (c.size // 8)) - word_cycles)


def test_read_back_stalls_the_core_read_ns_per_word(fw):
    words, _, read = readback_times(fw)
    _, _, slow = readback_times(fw, read_ns=1000.0)
    assert slow - read == words * (500 - 65)


# ---- timing ----

def bench(fw, jobs: int, mode: int = -1, **sections) -> tuple[int, Cluster, object]:
    cl = Cluster(cfg(**sections)).load(fw("ima_bench", JOBS=jobs, PROGRAM=0, MODE=mode))
    r = cl.run()
    m = re.match(r"jobs (\d+) cycles (\d+)", r.output.splitlines()[0])
    assert r.exit_code == 0 and m, r.output
    return int(m.group(2)), cl, r


def job_cycles(config: Config) -> dict[str, int]:
    """docs/ima.md for one full-array job with word-aligned buffers: stream words at port speed."""
    ima, ghz = config.ima, config.cluster.clock_hz / 1e9
    words = ima.size // 4
    port = ima.port_bits // 32
    return {"in": -(-words // port), "out": -(-words // port), "mvm": math.ceil(ima.mvm_ns * ghz),
            "fifo": ima.fifo_cycles, "idle": ima.idle_cycles}


TIMING_CONFIGS = [
    {},
    {"ima": {"port_bits": 32}},
    {"ima": {"port_bits": 64}},
    {"ima": {"port_bits": 512}},
    {"ima": {"mvm_ns": 300.0}},
    {"ima": {"fifo_cycles": 9, "idle_cycles": 5}},
    {"ima": {"size": 64}},
    {"ima": {"size": 136, "port_bits": 256}},
    {"cluster": {"clock_hz": 250e6}},
]


def seq_single(config: Config) -> int:
    t = job_cycles(config)
    return t["in"] + t["fifo"] + t["mvm"] + t["out"] + t["fifo"]


def test_single_job_in_sequential_mode_follows_the_formula(fw):
    base, _, _ = bench(fw, 1, ima={"pipelined": False})
    c0 = cfg(ima={"pipelined": False})
    overhead = base - seq_single(c0)
    t = job_cycles(c0)
    print(f"\none job, defaults: in {t['in']} + fifo {t['fifo']} + MVM {t['mvm']} + out {t['out']} + "
          f"fifo {t['fifo']} = {seq_single(c0)}; measured {base}, instruction overhead {overhead}")
    # ~27 register writes at the peripheral latency, the event wait and the wake-up
    assert 0 < overhead <= 200
    for sections in TIMING_CONFIGS[1:]:
        sections = {**sections, "ima": {**sections.get("ima", {}), "pipelined": False}}
        got, _, _ = bench(fw, 1, **sections)
        assert got - seq_single(cfg(**sections)) == overhead, sections


@pytest.mark.parametrize("sections", TIMING_CONFIGS, ids=lambda s: repr(s) if s else "defaults")
def test_sequential_batch_period_is_the_sum_of_the_phases(fw, sections):
    sections = {**sections, "ima": {**sections.get("ima", {}), "pipelined": False}}
    t = job_cycles(cfg(**sections))
    a, cla, _ = bench(fw, 8, **sections)
    b, clb, _ = bench(fw, 24, **sections)
    busy = clb.activity()["ima_busy_cycles"] - cla.activity()["ima_busy_cycles"]
    assert busy / 16 == t["in"] + t["fifo"] + t["mvm"] + t["out"] + t["idle"], sections
    # the core's view adds its own overhead, which differs between the two programs by their
    # code layout (a jump to a 32-bit instruction at a halfword address costs one more cycle,
    # CV32E40P RTL): here by at most one cycle
    assert abs((b - a) - busy) <= 1, sections


PIPE_CONFIGS = [{"cluster": {"clock_hz": clock}, "ima": {"port_bits": p}}
                for clock in (500e6, 250e6) for p in (32, 64, 128, 256, 512)]


@pytest.mark.parametrize("sections", PIPE_CONFIGS,
                         ids=[f"{s['cluster']['clock_hz'] / 1e6:.0f}MHz-{s['ima']['port_bits']}bit" for s in PIPE_CONFIGS])
def test_pipelined_batch_period_is_the_array_or_the_port(fw, sections):
    """Pipelined: stream-in of job i+1 and stream-out of job i-1 overlap the MVM of job i on a
    shared port: the period is the MVM when in + out fit in it (compute bound), else in + out."""
    t = job_cycles(cfg(**sections))
    a, _, _ = bench(fw, 16, **sections)
    b, _, _ = bench(fw, 48, **sections)
    period = max(t["mvm"], t["in"] + t["out"])
    assert (b - a) / 32 == period, (sections, t)


def test_long_pipelined_batch_at_128_bit_is_compute_bound(fw):
    c = cfg()
    t = job_cycles(c)
    one, _, _ = bench(fw, 1, ima={"pipelined": False})
    overhead = one - seq_single(c)
    got, _, r = bench(fw, 256)
    # fill (first stream-in + FIFO) + one MVM per job + drain (last stream-out + FIFO)
    assert got - overhead == t["in"] + t["fifo"] + 256 * t["mvm"] + t["out"] + t["fifo"]
    assert r.output.splitlines()[1] == "size 256 mode 1 finished 256"


def test_mode_register_overrides_the_configured_default(fw):
    seq, _, r0 = bench(fw, 16, ima={"pipelined": False})
    pipe, _, r1 = bench(fw, 16)
    assert seq > pipe
    assert "mode 0" in r0.output and "mode 1" in r1.output
    assert bench(fw, 16, mode=0)[0] == seq          # MODE = 0 written under the pipelined default
    assert bench(fw, 16, mode=1, ima={"pipelined": False})[0] == pipe


def test_timing_does_not_depend_on_the_quantum(fw):
    assert len({bench(fw, 16, timing={"quantum": q})[0] for q in (1, 7, 1000, 100000)}) == 1


def test_the_end_event_wakes_the_sleeping_core(fw):
    got, _, r = bench(fw, 64)
    core = r.cores[0]
    # iss_ima_wait sleeps on ISS_EVT_ACC0 for nearly the whole batch (never spins)
    assert 64 * 65 - 100 < core.sleep_cycles < got
    # the other cores (parked in the worker loop, ACC0 not in their mask) are not woken:
    # with 8 cores the result is the same
    got8, _, r8 = bench(fw, 64, cluster={"cores": 8})
    assert got8 == got


# ---- refused commands: exit code 109, one message naming the core and the function ----

BAD = [
    ("no_acquire", {}, "TRIGGER from core 0, which has not acquired the IMA"),
    ("no_acquire", {"AFTER": 1}, "TRIGGER from core 0, which has not acquired the IMA"),
    ("register", {}, "register 0x3c written by core 0, which has not acquired the IMA"),
    ("window", {}, "job window rows 0..15, columns 248..263 leaves the 256x256 array"),
    ("window", {"AXIS": 1}, "job window rows 248..263, columns 0..15 leaves the 256x256 array"),
    ("plot_window", {}, "weight window rows 254+4, columns 0+8: must lie in the 256x256 array"),
    ("readback", {}, "read-back of array 0, row 0, columns 4294967288..4294967295: outside the 1 array(s)"),
    ("address", {}, "job 0 reads 0x1c"),
    ("address", {"WHICH": 1}, "job 0 writes 0x1c"),
    ("address", {"WHICH": 2}, "job 2 reads 0x10080000..0x1008001f, outside the TCDM"),
    ("address", {"WHICH": 3}, "job 2 writes 0x10080000..0x1008001f, outside the TCDM"),
    ("weight", {}, "weight -8 at row 1, column 2 (weights are in [-7, 7])"),
    ("adc", {}, "ADC range ADC_LOW 0, ADC_HIGH 100: both must be > 0"),
    ("adc", {"HIGH": 1}, "ADC range ADC_LOW 100, ADC_HIGH 0: both must be > 0"),
    ("array", {}, "array 1 does not exist (1 arrays)"),
    ("length", {}, "FETCH_LENGTH 24, lines 1 x 2 x 16 bytes, STORE_LENGTH 16 do not match the 32x16 window"),
    ("length", {"WHICH": 1}, "FETCH_LENGTH 32, lines 1 x 2 x 16 bytes, STORE_LENGTH 8 do not match the 32x16 window"),
    ("length", {"WHICH": 2}, "FETCH_LENGTH 32, lines 1 x 2 x 12 bytes, STORE_LENGTH 16 do not match the 32x16 window"),
    ("dw_mode", {}, "DW_MODE 1: depthwise runs as block-diagonal weights, DW_MODE must be 0"),
    ("busy", {}, "register 0x44 written while a job batch runs"),
]


@pytest.mark.parametrize("name, defines, message", BAD,
                         ids=[n + "".join(f"-{k}{v}" for k, v in d.items()) for n, d, _ in BAD])
def test_bad_ima_command_is_one_clear_error(fw, name, defines, message):
    r = run_cli("run", fw(f"ima_bad_{name}", **defines))
    assert r.returncode == 109, (r.returncode, r.stderr)
    assert "Traceback" not in r.stderr
    assert "iss: peripheral error: IMA refuses: " in r.stderr, r.stderr
    assert message in r.stderr, r.stderr
    assert "at core 0, pc 0x" in r.stderr and "<do_bad_ima+" in r.stderr, r.stderr


def test_a_refused_batch_runs_no_job(fw):
    """Job 2 of the batch would write outside the TCDM: the whole batch is refused at TRIGGER,
    before job 0 or 1 writes anything."""
    from iss.errors import PeripheralError
    cl = Cluster(cfg()).load(fw("ima_bad_address", WHICH=3))
    with pytest.raises(PeripheralError, match="job 2 writes"):
        cl.run()
    a = cl.activity()
    assert a["ima_jobs"] == 0 and a["ima_bytes_in"] == 0 and a["ima_bytes_out"] == 0


def test_pcm_error_statistics_follow_the_model(fw):
    """Programming noise alone gives a small error; conductance drift shrinks the column sums
    (about (t / 20 s)^-0.05 for the model's drift exponents) and adds 1/f read noise."""
    elf = fw("ima_mvm")
    res = {}
    for noise, drift in (("ideal", 0.0), ("pcm", 0.0), ("pcm", 1e6)):
        cl = Cluster(cfg(ima={"noise": noise, "drift_seconds": drift, "seed": 3})).load(elf)
        assert cl.run().exit_code == 0
        res[(noise, drift)] = i8(cl, "out_buf", 64).astype(float)
    ideal, fresh, drifted = res[("ideal", 0.0)], res[("pcm", 0.0)], res[("pcm", 1e6)]
    rms_fresh = np.sqrt(np.mean((fresh - ideal) ** 2))
    rms_drift = np.sqrt(np.mean((drifted - ideal) ** 2))
    assert 0 < rms_fresh < 0.1 * np.abs(ideal).max() + 2
    assert rms_drift > rms_fresh
    # drift pulls every conductance down: outputs shrink toward zero on average
    assert np.mean(np.abs(drifted)) < np.mean(np.abs(fresh))
