"""The element-wise and pooling kernels (runtime/iss_kernels_eltwise.c): the CORE-V residual add
byte for byte against dnn_ref.residual_add (every shift class, alignments, aliasing, 1-8 cores),
the average pool in both builds against dnn_ref.avgpool, the arithmetic identities both rely
on, and the asserts on bad arguments."""
import numpy as np
import pytest

from iss import Cluster, dnn_ref

from .fwdata import gen_i8
from .test_kernels import cycles, run


# ---- the identities of the CORE-V add's byte lanes, for every pair of int8 values ----

def test_corev_add_byte_lane_identities():
    a = np.repeat(np.arange(-128, 128), 256)
    b = np.tile(np.arange(-128, 128), 256)

    def lane(v):            # what a byte lane keeps of v (cv.add.b, cv.sub.b wrap)
        return (v + 128) % 256 - 128

    x = lane(a ^ b)
    got = {0: lane(np.minimum(np.maximum(a, lane(-128 - np.minimum(b, 0))), np.maximum(b, 0) ^ 0x7F) + b),
           1: lane((a | b) - (x >> 1))}
    t = lane((a & b) + (x >> 1))
    for s in range(2, 9):
        y = t >> (s - 2)
        got[s] = lane(y - (y >> 1))
    for s in range(32):
        want = dnn_ref.residual_add(a.astype(np.int8), b.astype(np.int8), s)
        if s >= 9:
            assert not want.any()               # the kernel only stores zeros
        else:
            assert np.array_equal(got[s], want), s


# ---- CORE-V residual add ----

#        N  SHIFT CORES OA OB OO
ADD = [
    (1001, 0, 8, 0, 0, 0),      # saturating
    (1001, 1, 1, 0, 0, 0),      # rounded average
    (1001, 2, 2, 1, 1, 1),      # shift - 2 = 0; a head of 3 bytes
    (1001, 7, 3, 2, 2, 2),
    (1001, 8, 8, 3, 3, 3),      # the largest shift with non-zero outputs
    (1001, 9, 8, 0, 0, 0),      # zeros only
    (1001, 15, 3, 1, 2, 3),     # a and b misaligned against out
    (1001, 16, 2, 3, 0, 1),
    (1001, 31, 1, 0, 3, 2),
    (203, 0, 3, 2, 1, 0),
    (203, 1, 8, 1, 3, 2),
    (203, 5, 8, 3, 1, 0),
    (37, 3, 8, 1, 1, 1),        # fewer words than cores
    (3, 1, 8, 3, 3, 3),         # a head only
    (1, 0, 2, 2, 0, 1),
]


def _add_inputs(n, shift):
    return dnn_ref.residual_add(gen_i8(n, 21), gen_i8(n, 22), shift)


@pytest.mark.parametrize("n, shift, cores, oa, ob, oo", ADD)
def test_corev_residual_add_matches_the_reference(fw, n, shift, cores, oa, ob, oo):
    cl, r = run(fw, "kern_add", isa="corev", N=n, SHIFT=shift, CORES=cores, OA=oa, OB=ob, OO=oo)
    want = _add_inputs(n, shift)
    got = np.frombuffer(cl.read(cl.symbol("buf_o") + oo, n), dtype=np.int8)
    assert np.array_equal(got, want), np.argwhere(got != want)[:5]
    base = cl.read_array("buf_o", np.int8, n + 4)
    assert not base[:oo].any() and not base[oo + n:].any()      # nothing written outside


@pytest.mark.parametrize("isa, n, shift, cores, oa, ob", [
    ("corev", 1001, 1, 8, 0, 0), ("corev", 1001, 7, 3, 1, 1), ("corev", 203, 0, 2, 2, 3),
    ("corev", 203, 12, 8, 3, 1), ("rv32imc", 1001, 3, 8, 1, 1)])
def test_residual_add_in_place(fw, isa, n, shift, cores, oa, ob):
    """out = a: each word is read before it is written."""
    cl, r = run(fw, "kern_add", isa=isa, N=n, SHIFT=shift, CORES=cores, OA=oa, OB=ob, ALIAS=1)
    got = np.frombuffer(cl.read(cl.symbol("buf_a") + oa, n), dtype=np.int8)
    assert np.array_equal(got, _add_inputs(n, shift))


def test_corev_residual_add_is_faster(fw):
    """28x28x32 (the Bottleneck's add) on 8 cores: 7 instructions a word at shift 1."""
    n = 28 * 28 * 32
    _, rv = run(fw, "kern_add", N=n, SHIFT=1)
    cl, cv = run(fw, "kern_add", isa="corev", N=n, SHIFT=1)
    assert np.array_equal(np.frombuffer(cl.read(cl.symbol("buf_o"), n), dtype=np.int8), _add_inputs(n, 1))
    assert cycles(cv) < 0.6 * cycles(rv)
    assert n / cycles(cv) > 4.0         # 4.4 elements/cycle measured


# ---- average pool ----

def test_avgpool_reference():
    x = np.array([[[-128, 1, 3]], [[-127, 2, -4]]], dtype=np.int8)      # hw = 2
    # (2 s + 2) / 4 floored: s = -255 -> -127, s = 3 -> 2 (1.5 rounds up), s = -1 -> 0 (-0.5 up)
    assert dnn_ref.avgpool(x).tolist() == [-127, 2, 0]
    assert dnn_ref.avgpool(np.full((7, 7, 4), -128, np.int8)).tolist() == [-128] * 4


@pytest.mark.parametrize("hw", [1, 2, 3, 49, 89, 90])
def test_avgpool_mean_small_multiply_is_the_division(hw):
    """hw <= 90: floor(n / 2hw) = (n ceil(2^23 / 2hw)) >> 23 in 32 bits for n in [hw, 511 hw]."""
    d = 2 * hw
    m = -(-(1 << 23) // d)
    n = np.arange(hw, 511 * hw + 1, dtype=np.uint64)
    assert int(n.max()) * m < 1 << 32
    assert np.array_equal((n * np.uint64(m)) >> np.uint64(23), n // np.uint64(d))


@pytest.mark.parametrize("hw", [91, 300, 4096, 4097, 65535])
def test_avgpool_mean_mulhu_is_the_division(hw):
    d = 2 * hw
    l = (d - 1).bit_length()
    m = -(-(1 << (31 + l)) // d)
    assert m < 1 << 32
    n = np.arange(hw, 511 * hw + 1, dtype=np.uint64)
    assert np.array_equal(((n * np.uint64(m)) >> np.uint64(32)) >> np.uint64(l - 1), n // np.uint64(d))


#        H   W   C   CORES CHUNK OFS EXTREME
POOL = [
    (1, 1, 1, 1, 1, 0, 0),          # one pixel, one channel: a single channel's odd pixel
    (7, 7, 3, 2, 49, 1, 0),         # channels only, no quad; misaligned
    (7, 7, 33, 3, 10, 2, 0),        # 8 quads (misaligned words) + 1 channel, 5 chunks
    (15, 20, 33, 8, 300, 0, 0),     # hw 300: the mulhu mean
    (9, 10, 36, 8, 90, 0, 0),       # hw 90: the largest of the 32-bit multiply
    (7, 13, 8, 3, 64, 0, 0),        # hw 91: the smallest of mulhu
    (15, 20, 36, 2, 300, 0, 1),     # all -128 over 300 pixels: the RV32IMC 255-pixel flush
    (15, 20, 36, 8, 128, 0, 2),     # all 127, chunks of 128
    (7, 7, 1280, 8, 49, 0, 0),      # MobileNetV2's pool
    (1, 1, 1280, 3, 1, 0, 0),
]


def _pool_check(cl, h, w, c, extreme):
    x = (gen_i8(h * w * c, 41) if not extreme else
         np.full(h * w * c, -128 if extreme == 1 else 127, dtype=np.int8)).reshape(h, w, c)
    got = cl.read_array("out_buf", np.int8, c + 8)
    want = dnn_ref.avgpool(x)
    assert np.array_equal(got[4:4 + c], want), np.argwhere(got[4:4 + c] != want)[:5]
    assert not got[:4].any() and not got[4 + c:].any()               # out's guards
    sums = cl.read_array("sum_buf", np.int32, c + 2)
    assert sums[0] == 0 and sums[-1] == 0                             # sum's guards
    assert np.array_equal(sums[1:-1], x.astype(np.int64).reshape(h * w, c).sum(axis=0))


@pytest.mark.parametrize("h, w, c, cores, chunk, ofs, extreme", POOL)
def test_corev_avgpool_matches_the_reference(fw, h, w, c, cores, chunk, ofs, extreme):
    cl, r = run(fw, "kern_pool", isa="corev", H=h, W=w, C=c, CORES=cores, CHUNK=chunk, OFS=ofs,
                EXTREME=extreme)
    _pool_check(cl, h, w, c, extreme)


@pytest.mark.parametrize("h, w, c, cores, chunk, ofs, extreme", [POOL[i] for i in (0, 2, 3, 6, 7, 8)])
def test_rv32imc_avgpool_matches_the_reference(fw, h, w, c, cores, chunk, ofs, extreme):
    cl, r = run(fw, "kern_pool", H=h, W=w, C=c, CORES=cores, CHUNK=chunk, OFS=ofs, EXTREME=extreme)
    _pool_check(cl, h, w, c, extreme)


def test_corev_avgpool_is_faster(fw):
    """7x7x1280 on 8 cores (MobileNetV2's pool)."""
    _, rv = run(fw, "kern_pool", H=7, W=7, C=1280)
    _, cv = run(fw, "kern_pool", isa="corev", H=7, W=7, C=1280)
    assert cycles(cv, "kernel") < 0.5 * cycles(rv, "kernel")
    assert 7 * 7 * 1280 / cycles(cv, "kernel") > 4.0    # input bytes/cycle (4.9 measured)


# ---- bad arguments ----

@pytest.mark.parametrize("isa", ["corev", "rv32imc"])
def test_residual_add_shift_32_fails_its_assert(fw, isa):
    r = Cluster().load(fw("kern_add", isa=isa, N=64, SHIFT=32)).run()
    assert r.exit_code == 134, r.output                 # abort(): 128 + SIGABRT
    assert "iss_residual_add: shift must be 0-31" in r.output
    assert "add 64 shift" not in r.output              # main never printed: stopped in the kernel


def test_avgpool_mean_with_no_channels_fails_its_assert(fw):
    cl = Cluster().load(fw("kern_pool", isa="corev", H=2, W=2, C=4, BAD=1))
    r = cl.run()
    assert r.exit_code == 134, r.output
    assert "iss_avgpool_mean: c must be > 0" in r.output
    assert not cl.read_array("out_buf", np.int8, 12).any()
