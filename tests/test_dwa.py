"""Depthwise accelerator (docs/dwa.md) through its HAL (runtime/include/iss_dwa.h): bit-exact
against iss.dnn_ref.depthwise3x3, the timing formula of iss/native/dwa.c, sleeping waits, a
whole 56x56x192 layer with DMA tiling, and every refused command."""
import re

import numpy as np
import pytest

from iss import Cluster, Config, dnn_ref

from .conftest import run_cli
from .fwdata import gen_i8, gen_i32


def out_size(n, stride, pad):
    return (n + 2 * pad - 3) // stride + 1


def reference(h, w, c, stride, pad, shift, relu, bias):
    x = gen_i8(h * w * c, 1).reshape(h, w, c)
    wt = gen_i8(9 * c, 2).reshape(3, 3, c)
    b = gen_i32(c, 3, 0 if bias == 2 else 16) if bias else None
    return dnn_ref.depthwise3x3(x, wt, b, stride=stride, pad=pad, shift=shift, relu=bool(relu))


def formula(h, w, c, stride, pad, bias, setup=10):
    """The header comment of iss/native/dwa.c."""
    oh, ow = out_size(h, stride, pad), out_size(w, stride, pad)
    blocks = -(-c // 16)
    column = 9 + 1 + (oh - 1) * (3 * stride + 1)
    return setup + blocks * (9 + (4 if bias else 0) + ow * column)


def run_conv(fw, cfg=None, **p):
    cl = Cluster(cfg).load(fw("dwa_conv", **p))
    return cl, cl.run()


#          H   W   C  STRIDE PAD SHIFT RELU BIAS
SHAPES = [
    (7, 9, 24, 1, 1, 7, 0, 1),
    (7, 9, 5, 1, 0, 6, 1, 0),
    (7, 9, 24, 2, 1, 8, 1, 1),
    (9, 7, 5, 2, 0, 0, 0, 1),       # shift 0: saturates
    (8, 8, 16, 1, 1, 31, 0, 2),     # shift 31 with bias over the whole int32 range
    (3, 3, 33, 1, 0, 9, 0, 2),      # a single output pixel, three channel blocks
    (1, 1, 3, 1, 1, 4, 1, 1),       # 1x1 input, padded
    (10, 13, 40, 2, 1, 10, 0, 1),
    (12, 11, 32, 1, 1, 12, 0, 0),
]


@pytest.mark.parametrize("h, w, c, stride, pad, shift, relu, bias", SHAPES)
def test_depthwise_is_bit_exact(fw, h, w, c, stride, pad, shift, relu, bias):
    cl, r = run_conv(fw, H=h, W=w, C=c, STRIDE=stride, PAD=pad, SHIFT=shift, RELU=relu, BIAS=bias)
    assert r.exit_code == 0, r.output
    oh, ow = out_size(h, stride, pad), out_size(w, stride, pad)
    want = reference(h, w, c, stride, pad, shift, relu, bias)
    for sym in ("out", "out2"):     # core 0's job, then the last core's
        got = cl.read_array(sym, np.int8, oh * ow * c).reshape(oh, ow, c)
        assert np.array_equal(got, want), (sym, np.argwhere(got != want)[:5])
    lines = r.output.splitlines()
    assert f"core 0: dwa {h}x{w}x{c} stride {stride} pad {pad} -> {oh}x{ow}, 1 job" in lines[0]
    assert lines[1].startswith(f"core 7: dwa {h}x{w}x{c}")
    assert lines[2] == "status 0 running -1"
    assert r.activity["dwa_jobs"] == 2
    assert r.activity["dwa_macs"] == 2 * oh * ow * 9 * c


def test_saturation_and_relu_really_happen(fw):
    """The shapes above reach both int8 limits and the ReLU floor."""
    out = reference(9, 7, 5, 2, 0, 0, 0, 1)
    assert out.min() == -128 and out.max() == 127
    assert (reference(7, 9, 5, 1, 0, 6, 1, 0) == 0).mean() > 0.2


@pytest.mark.parametrize("h, w, c, stride, pad, bias", [
    (7, 9, 24, 1, 1, 1), (7, 9, 5, 1, 0, 0), (7, 9, 24, 2, 1, 1), (10, 13, 40, 2, 1, 0),
    (12, 11, 32, 1, 1, 0), (3, 3, 33, 1, 0, 1),
])
def test_busy_cycles_follow_the_formula(fw, h, w, c, stride, pad, bias):
    _, r = run_conv(fw, H=h, W=w, C=c, STRIDE=stride, PAD=pad, BIAS=bias)
    want = formula(h, w, c, stride, pad, bias)
    assert r.activity["dwa_busy_cycles"] == 2 * want
    # the waiting core measures the job plus the HAL's register accesses and its wake-up
    job = int(re.search(r"core 0: .* (\d+) cycles", r.output).group(1))
    assert 0 < job - want < 120, (job, want)


def test_busy_cycles_follow_the_setup_config_and_ignore_bank_modelling(fw):
    p = dict(H=10, W=13, C=40, STRIDE=2, PAD=1, BIAS=1)
    want = formula(10, 13, 40, 2, 1, 1, setup=10)
    _, r = run_conv(fw, Config().replace(dwa={"setup_cycles": 100}), **p)
    assert r.activity["dwa_busy_cycles"] == 2 * (want + 90)
    # with bank-conflict modelling every beat goes through the banks; the cores sleep, so no delay
    cl, r = run_conv(fw, Config().replace(timing={"bank_conflicts": True}), **p)
    assert r.activity["dwa_busy_cycles"] == 2 * want
    assert np.array_equal(cl.read_array("out", np.int8, 5 * 7 * 40).reshape(5, 7, 40),
                          reference(10, 13, 40, 2, 1, 7, 0, 1))


def test_waiting_core_sleeps(fw):
    _, r = run_conv(fw, H=12, W=11, C=32, SECOND=0)
    busy = r.activity["dwa_busy_cycles"]
    # core 0 sleeps through its job, but for the few cycles from TRIGGER to its event wait
    assert busy - 30 < r.cores[0].sleep_cycles <= busy + 10


def test_layer_56x56x192_through_dma_tiles(fw):
    h = w = 56
    c, ct = 192, 32
    cl = Cluster().load(fw("dwa_layer", H=h, W=w, C=c, CT=ct))
    rng = np.random.default_rng(7)
    x = rng.integers(-128, 128, (h, w, c), dtype=np.int8)
    wt = rng.integers(-128, 128, (3, 3, c), dtype=np.int8)
    b = rng.integers(-3000, 3000, c, dtype=np.int32)
    for sym, arr in (("l2_in", x), ("l2_w", wt), ("l2_bias", b)):
        cl.write(cl.symbol(sym), arr.tobytes())
    r = cl.run()
    assert r.exit_code == 0, r.output
    want = dnn_ref.depthwise3x3(x, wt, b, stride=1, pad=1, shift=8, relu=True)
    assert np.array_equal(cl.read_array("l2_out", np.int8, h * w * c).reshape(h, w, c), want)
    a = r.activity
    macs = h * w * 9 * c
    assert a["dwa_macs"] == macs and a["dwa_jobs"] == c // ct
    assert a["dwa_busy_cycles"] == (c // ct) * formula(h, w, ct, 1, 1, 1)
    total = int(re.search(r": (\d+) cycles", r.output).group(1))
    print(f"\n56x56x192 stride 1: {macs} MACs, DWA busy {a['dwa_busy_cycles']} cycles = "
          f"{macs / a['dwa_busy_cycles']:.1f} MAC/cycle; with the DMA tiling {total} cycles = "
          f"{macs / total:.1f} MAC/cycle (paper: 29.7 average)")
    assert 34.5 < macs / a["dwa_busy_cycles"] < 36      # 144 MACs every 4 cycles, less the edges
    assert macs / total > 28


BAD = [
    ("kernel", "kernel size 5: only 3x3 is supported"),
    ("stride", "stride 3: only 1 and 2 are supported"),
    ("channels", "input 8 x 8 x 0 channels with padding 1 has no 3x3 output"),
    ("address", "input 0x1c"),
    ("shift", "shift 40: must be 0-31"),
    ("no_acquire", "register 0x00 written by core 0, which has not acquired the accelerator"),
    ("busy", "register 0x20 written while the job runs"),
]


@pytest.mark.parametrize("name, message", BAD, ids=[b[0] for b in BAD])
def test_bad_dwa_input_is_one_clear_error(fw, name, message):
    r = run_cli("run", fw(f"dwa_bad_{name}"))
    assert r.returncode == 109, (r.returncode, r.stderr)
    assert "Traceback" not in r.stderr
    assert "iss: peripheral error: depthwise accelerator refuses: " in r.stderr
    assert message in r.stderr, r.stderr
    if name == "address":
        assert re.search(r"input 0x1c[0-9a-f]{6}\.\.0x1c[0-9a-f]{6} is outside the TCDM", r.stderr)
    assert "at core 0, pc 0x" in r.stderr and "<do_bad_dwa+" in r.stderr, r.stderr


def test_holder_reacquires_and_soft_clear_wakes_the_waiter(fw):
    """Issue 13: the DWA answered ACQUIRE from its own holder "busy" where the IMA grants it,
    and an abort by SOFT_CLEAR woke no core sleeping on the end-of-job event (a deadlock)."""
    r = Cluster().load(fw("dwa_abort")).run()
    assert r.exit_code == 0, r.output
    assert "second acquire 0, waiter woken 1" in r.output
