"""Software int8 kernels for the RV32IMC cores (runtime/include/iss_kernels.h, docs/kernels.md):
each one byte for byte against its NumPy reference in iss.dnn_ref, on odd shapes and channel
counts, on 1 and 8 cores; cycles printed per kernel (pytest -s)."""
import math
import re
from types import SimpleNamespace

import numpy as np
import pytest

from iss import Cluster, dnn_ref, ima_ref, mobilenet

from .fwdata import gen_i8, gen_i32, gen_w4


def run(fw, name, isa=None, **defines):
    cl = Cluster().load(fw(name, isa=isa, **defines))
    r = cl.run()
    assert r.exit_code == 0, r.output
    print(f"\n{r.output.strip()}")
    return cl, r


def cycles(r, label=""):
    return int(re.search(label + r"[^\d]*(\d+) cycles", r.output).group(1))


def out_size(n, stride, pad):
    return (n + 2 * pad - 3) // stride + 1


# ---- pointwise with the IMA's ADC ----

#        H  W  CIN COUT ADC_LOW ADC_HIGH CORES
PW = [
    (5, 7, 20, 13, 3000, 2500, 8),          # odd sizes, COUT not a multiple of 8
    (5, 7, 20, 13, 3000, 2500, 1),
    (3, 1, 77, 9, 4000, 1000, 2),           # three 16-bit lane chunks (36 + 36 + 5 inputs)
    (4, 5, 36, 16, 100, 50, 8),             # most sums clip
    (2, 3, 5, 3, 1, 1, 3),                  # the smallest ADC range
    (3, 3, 100, 5, 3000000, 2000000, 8),    # ADC span > 2^22: the 64-bit division
    (2, 2, 40, 8, 1 << 21, 1 << 21, 8),     # span 2^22: the largest of the multiply
    (1, 1, 1, 1, 7, 9, 8),                  # one pixel: seven cores have nothing to do
]


@pytest.mark.parametrize("h, w, cin, cout, low, high, cores", PW)
def test_pointwise_matches_the_ima_reference(fw, h, w, cin, cout, low, high, cores):
    cl, r = run(fw, "kern_pw", H=h, W=w, CIN=cin, COUT=cout, ADC_LOW=low, ADC_HIGH=high, CORES=cores)
    x = gen_i8(h * w * cin, 11).reshape(h, w, cin)
    wt = gen_w4(cin * cout, 12).reshape(cin, cout)
    want = dnn_ref.pointwise_ima(x, wt, low, high)
    got = cl.read_array("out", np.int8, h * w * cout).reshape(h, w, cout)
    assert np.array_equal(got, want), np.argwhere(got != want)[:5]
    # the scalar iss_adc, on sums inside, at the edges of and far outside the range
    probe = cl.read_array("adc_probe_in", np.int32, 13)
    assert np.array_equal(cl.read_array("adc_probe_out", np.int8, 13), ima_ref.adc(probe, low, high))


# CORE-V builds (cv.sdotsp.b; 4 x 4 tiles in assembly, 2 x 4 and 1 x 4 in C): odd shapes, input counts with and without a
# tail of 1-3, 1, 2, 3 and 8 cores
PW_COREV = [
    (5, 7, 20, 13, 3000, 2500, 8),
    (5, 7, 21, 13, 3000, 2500, 1),
    (3, 1, 77, 9, 4000, 1000, 2),           # a tail of 1 input
    (3, 3, 6, 5, 300, 200, 3),              # a tail of 2
    (4, 5, 36, 16, 100, 50, 8),
    (2, 3, 5, 3, 1, 1, 3),                  # one quad and a tail of 1
    (3, 3, 100, 5, 3000000, 2000000, 8),    # the 64-bit ADC division
    (1, 1, 3, 1, 7, 9, 8),                  # a tail only; seven cores have nothing to do
    # the 4 x 4 assembly tile (cin % 4 == 0, the ADC's 32-bit multiply exact for the span)
    (2, 4, 36, 12, 3000, 2500, 1),          # two 4-pixel tiles, span 5500 (m = 10 in the bound)
    (3, 3, 32, 9, 1000, 1000, 2),           # tiles of 4 and a pixel left; cout % 4 == 1: C for the last group
    (1, 7, 4, 3, 300, 200, 3),              # one quad; cout 3: no whole group, all in C
    (4, 5, 8, 16, 7000, 3000, 8),           # span 10000 misses the bound: mulhu in C
    (4, 8, 32, 20, 7000, 3000, 2),          # the same span in the 4 x 4 tile with the mulhu ADC
    (4, 4, 16, 8, 11122, 11122, 1),         # span 22244 (MobileNetV2's conv_last): mulhu tile, sums clip
    (4, 4, 36, 12, 1048575, 1048576, 1),    # span 2^21 - 1: the largest the mulhu tile takes
    (4, 4, 36, 12, 1048576, 1048577, 1),    # span 2^21 + 1: mulhu in C
    (1, 12, 16, 40, 2000, 2000, 8),         # 12 pixels < 2 x 8: outputs sliced, 3 tiles a core
    # odd shapes: cin 1, 3, 5, 33, cout 1, 3, 9, npix 1, 2, 7
    (1, 2, 1, 3, 50, 60, 2),
    (1, 7, 33, 9, 2000, 1500, 3),
    (7, 1, 5, 1, 200, 100, 8),
    (1, 1, 33, 9, 1500, 1500, 1),
    (1, 7, 3, 9, 100, 100, 1),
    # large spans: 2^22 (e = 0: the 32-bit multiply is exact, the 4 x 4 tile) and > 2^22 (adc_slow)
    (2, 4, 36, 16, 1 << 21, 1 << 21, 2),
    (2, 4, 36, 16, 3000000, 2000000, 2),
]


@pytest.mark.parametrize("h, w, cin, cout, low, high, cores", PW_COREV)
def test_corev_pointwise_matches_the_ima_reference(fw, h, w, cin, cout, low, high, cores):
    cl, r = run(fw, "kern_pw", isa="corev", H=h, W=w, CIN=cin, COUT=cout, ADC_LOW=low, ADC_HIGH=high,
                CORES=cores)
    x = gen_i8(h * w * cin, 11).reshape(h, w, cin)
    wt = gen_w4(cin * cout, 12).reshape(cin, cout)
    got = cl.read_array("out", np.int8, h * w * cout).reshape(h, w, cout)
    assert np.array_equal(got, dnn_ref.pointwise_ima(x, wt, low, high)), np.argwhere(got != dnn_ref.pointwise_ima(x, wt, low, high))[:5]


# one pixel (a classifier; a row tile smaller than the team): the outputs are sliced over the cores
@pytest.mark.parametrize("cores", [1, 2, 3, 8])
@pytest.mark.parametrize("cin, cout", [(64, 40), (33, 13)])
def test_corev_pointwise_one_pixel(fw, cin, cout, cores):
    cl, r = run(fw, "kern_pw", isa="corev", H=1, W=1, CIN=cin, COUT=cout, ADC_LOW=600, ADC_HIGH=900,
                CORES=cores)
    x = gen_i8(cin, 11).reshape(1, 1, cin)
    wt = gen_w4(cin * cout, 12).reshape(cin, cout)
    got = cl.read_array("out", np.int8, cout).reshape(1, 1, cout)
    want = dnn_ref.pointwise_ima(x, wt, 600, 900)
    assert np.array_equal(got, want), np.argwhere(got != want)[:5]


def test_corev_pointwise_one_pixel_uses_every_core(fw):
    """1 x 1 x 256 -> 64: each of 8 cores takes 2 of the 16 groups, so the call is about 8 times
    faster than on one core."""
    cyc = {}
    for cores in (1, 8):
        cl, r = run(fw, "kern_pw", isa="corev", H=1, W=1, CIN=256, COUT=64, CORES=cores)
        cyc[cores] = cycles(r, "kernel")
    assert cyc[8] * 4 < cyc[1], cyc


@pytest.mark.parametrize("isa", ["rv32imc", "corev"])
@pytest.mark.parametrize("cin, cout", [(13, 16), (36, 8)])
def test_pw_pack_words_matches_pw_pack(fw, isa, cin, cout):
    """iss_pw_pack_words from the IMA's plot words (built by the firmware from the same weights)
    gives the packed weights of iss_pw_pack, word for word."""
    cl, r = run(fw, "kern_pw", isa=isa, H=1, W=3, CIN=cin, COUT=cout, PACK_WORDS=1, CORES=3)
    # the generator's copy of ISS_PW_PACKED_WORDS sizes the arrays
    n = mobilenet._packed_bytes(SimpleNamespace(rows=cin, cols=cout), isa) // 4
    assert cl.read_array("packed_n", np.uint32, 1)[0] == n
    a = cl.read_array("packed", np.int32, n)
    b = cl.read_array("packed_words", np.int32, n)
    assert np.array_equal(a, b), np.argwhere(a != b)[:5]
    assert np.count_nonzero(a) > n // 2


def test_corev_pointwise_28x28x32_to_192_on_8_cores(fw):
    h = w = 28
    cin, cout = 32, 192
    cl, r = run(fw, "kern_pw", isa="corev", H=h, W=w, CIN=cin, COUT=cout, ADC_LOW=3000, ADC_HIGH=2500)
    x = gen_i8(h * w * cin, 11).reshape(h, w, cin)
    wt = gen_w4(cin * cout, 12).reshape(cin, cout)
    got = cl.read_array("out", np.int8, h * w * cout).reshape(h, w, cout)
    assert np.array_equal(got, dnn_ref.pointwise_ima(x, wt, 3000, 2500))
    rate = h * w * cin * cout / cycles(r, "kernel")
    print(f"CORE-V pointwise 28x28x32->192, 8 cores: {rate:.2f} MAC/cycle")
    assert rate > 13.5   # a floor against regressions (14.2 measured); issue 12 aims at 14


def adc_magic(span):
    """The multiply that replaces the division by 2 span in iss_kernels_pointwise.c (adc_init)."""
    d = 2 * span
    l = (d - 1).bit_length()
    return -(-(1 << (31 + l)) // d), l - 1


@pytest.mark.parametrize("span", [1, 2, 3, 5, 127, 128, 129, 1000, 4095, 4096, 4097, 5500, 65535, 65536,
                                  123457, (1 << 21) + 1, (1 << 22) - 1, 1 << 22])
def test_adc_multiply_is_the_exact_division(span):
    """floor(n / (2 span)) = mulhu(n, magic) >> sh for every n = t * 510 + span, 0 <= t <= span."""
    magic, sh = adc_magic(span)
    assert magic < 1 << 32
    t = np.arange(span + 1, dtype=np.uint64)
    n = t * np.uint64(510) + np.uint64(span)
    assert int(n.max()) < 1 << 31
    q = ((n * np.uint64(magic)) >> np.uint64(32)) >> np.uint64(sh)
    assert np.array_equal(q, n // np.uint64(2 * span))


def adc32_magic(span):
    """The CORE-V kernel's 32-bit ADC multiply (adc32_init): (A, exact by the bound)."""
    big = 255 << 24
    a = -(-big // span)
    e = a * span - big
    h = math.gcd(255, span)
    m = h if (span // h) % 2 else 2 * h
    return a, 2 * span * e < m << 24


@pytest.mark.parametrize("span", [1, 2, 3, 4, 5, 17, 255, 256, 510, 1000, 2047, 2896, 2897, 4096, 5500,
                                  6000, 9999, 10000, 65535, 65536, 123457, (1 << 21) + 1, 1 << 22])
def test_adc32_multiply_is_exact_where_the_bound_says(span):
    """Where adc32_init takes the 32-bit multiply, the top byte of t A + 2^23 + 2^31 is
    ima_ref.adc's byte for every t = s + L in [0, span]; the bound holds for all spans <= 2896."""
    a, fast = adc32_magic(span)
    assert fast or span > 2896
    if not fast:
        return
    t = np.arange(span + 1, dtype=np.uint64)
    v = (t * np.uint64(a) + np.uint64((1 << 23) + (1 << 31))) % np.uint64(1 << 32)
    assert int((t * np.uint64(a) + np.uint64(1 << 23)).max()) < 1 << 32
    got = (v >> np.uint64(24)).astype(np.uint8).view(np.int8)
    low = span // 3
    want = ima_ref.adc(t.astype(np.int64) - low, low, span - low).astype(np.int8) if low > 0 else None
    if want is not None:
        assert np.array_equal(got, want)
    q = (t * np.uint64(510) + np.uint64(span)) // np.uint64(2 * span)
    assert np.array_equal(got, (q.astype(np.int64) - 128).astype(np.int8))


def test_adc32_bound_covers_all_small_spans():
    assert all(adc32_magic(span)[1] for span in range(1, 2897))


@pytest.mark.parametrize("cin", [36, 37, 72])
def test_pointwise_lanes_at_their_largest_sums(fw, cin):
    """Inputs -128 and weights +-7: every lane sum is 36 * 896 = 32256 per chunk, the bound."""
    cl, r = run(fw, "kern_pw", H=2, W=2, CIN=cin, COUT=8, ADC_LOW=40000, ADC_HIGH=40000, EXTREME=1)
    x = np.full((2, 2, cin), -128, dtype=np.int8)
    wt = np.where(np.arange(cin * 8) % 2, 7, -7).astype(np.int8).reshape(cin, 8)
    want = dnn_ref.pointwise_ima(x, wt, 40000, 40000)
    assert np.array_equal(cl.read_array("out", np.int8, 4 * 8).reshape(2, 2, 8), want)
    assert len(set(want.ravel().tolist())) == 2      # the two extreme codes, not saturated


def test_pointwise_28x28x32_to_192_on_8_cores(fw):
    h = w = 28
    cin, cout = 32, 192
    cl, r = run(fw, "kern_pw", H=h, W=w, CIN=cin, COUT=cout, ADC_LOW=3000, ADC_HIGH=2500)
    x = gen_i8(h * w * cin, 11).reshape(h, w, cin)
    wt = gen_w4(cin * cout, 12).reshape(cin, cout)
    got = cl.read_array("out", np.int8, h * w * cout).reshape(h, w, cout)
    assert np.array_equal(got, dnn_ref.pointwise_ima(x, wt, 3000, 2500))
    macs = h * w * cin * cout
    rate = macs / cycles(r, "kernel")
    print(f"pointwise 28x28x32->192, 8 cores: {rate:.2f} MAC/cycle")
    assert rate > 3.5


# ---- depthwise 3x3 with the DWA's semantics ----

#         H   W   C  STRIDE PAD SHIFT RELU BIAS CORES
DW = [
    (7, 9, 24, 1, 1, 7, 0, 1, 8),
    (7, 9, 24, 1, 1, 7, 0, 1, 1),
    (7, 9, 5, 1, 0, 6, 1, 0, 8),
    (7, 9, 24, 2, 1, 8, 1, 1, 8),
    (9, 7, 5, 2, 0, 0, 0, 1, 3),        # shift 0: saturates
    (6, 8, 3, 2, 0, 5, 0, 1, 8),        # even width at stride 2
    (8, 8, 16, 1, 1, 31, 0, 2, 8),      # bias over the whole int32 range: the 64-bit path
    (1, 1, 5, 2, 1, 4, 1, 1, 8),        # 1x1 input, padded
    (12, 11, 33, 1, 1, 12, 0, 0, 5),
]


@pytest.mark.parametrize("h, w, c, stride, pad, shift, relu, bias, cores", DW)
def test_depthwise_matches_the_reference_and_the_accelerator(fw, h, w, c, stride, pad, shift, relu, bias, cores):
    cl, r = run(fw, "kern_dw", H=h, W=w, C=c, STRIDE=stride, PAD=pad, SHIFT=shift, RELU=relu, BIAS=bias,
                CORES=cores)
    x = gen_i8(h * w * c, 1).reshape(h, w, c)
    wt = gen_i8(9 * c, 2).reshape(3, 3, c)
    b = gen_i32(c, 3, 0 if bias == 2 else 16) if bias else None
    want = dnn_ref.depthwise3x3(x, wt, b, stride=stride, pad=pad, shift=shift, relu=bool(relu))
    oh, ow = out_size(h, stride, pad), out_size(w, stride, pad)
    got = cl.read_array("out", np.int8, oh * ow * c).reshape(oh, ow, c)
    assert np.array_equal(got, want), np.argwhere(got != want)[:5]
    assert "same bytes as the cores" in r.output


def test_depthwise_28x28x192_on_8_cores(fw):
    h = w = 28
    c = 192
    cl, r = run(fw, "kern_dw", H=h, W=w, C=c, SHIFT=9, DWA=0)
    x = gen_i8(h * w * c, 1).reshape(h, w, c)
    wt = gen_i8(9 * c, 2).reshape(3, 3, c)
    want = dnn_ref.depthwise3x3(x, wt, gen_i32(c, 3, 16), stride=1, pad=1, shift=9)
    assert np.array_equal(cl.read_array("out", np.int8, h * w * c).reshape(h, w, c), want)
    rate = h * w * 9 * c / cycles(r, "cores")
    print(f"depthwise 28x28x192, 8 cores: {rate:.2f} MAC/cycle")
    assert rate > 2.0


# ---- residual add ----

#        N  SHIFT CORES OA OB OO
ADD = [
    (1001, 0, 8, 0, 0, 0),      # saturating words
    (1001, 1, 1, 0, 0, 0),      # rounded average words
    (1001, 8, 8, 0, 0, 0),      # 16-bit lanes at their largest shift
    (1001, 31, 8, 0, 0, 0),     # bytes
    (37, 3, 8, 1, 1, 1),        # same misalignment: word path after a head
    (37, 3, 8, 1, 2, 0),        # different alignments: bytes only
    (3, 1, 8, 3, 3, 3),
]


@pytest.mark.parametrize("n, shift, cores, oa, ob, oo", ADD)
def test_residual_add_matches_the_reference(fw, n, shift, cores, oa, ob, oo):
    cl, r = run(fw, "kern_add", N=n, SHIFT=shift, CORES=cores, OA=oa, OB=ob, OO=oo)
    want = dnn_ref.residual_add(gen_i8(n, 21), gen_i8(n, 22), shift)
    got = np.frombuffer(cl.read(cl.symbol("buf_o") + oo, n), dtype=np.int8)
    assert np.array_equal(got, want), np.argwhere(got != want)[:5]
    # nothing written outside
    base = cl.read_array("buf_o", np.int8, n + 4)
    assert not base[:oo].any() and not base[oo + n:].any()


def test_residual_add_reference_semantics():
    a = np.array([127, -128, 100, -3, 5], dtype=np.int8)
    b = np.array([127, -128, 100, 2, 5], dtype=np.int8)
    assert dnn_ref.residual_add(a, b, 0).tolist() == [127, -128, 127, -1, 10]
    assert dnn_ref.residual_add(a, b, 1).tolist() == [127, -128, 100, 0, 5]   # (-1 + 1) >> 1 = 0


# ---- marshaling ----

@pytest.mark.parametrize("h, w, c, cores", [(5, 7, 13, 8), (5, 7, 13, 1), (1, 1, 3, 8), (3, 3, 4, 3)])
def test_hwc_chw_round_trip(fw, h, w, c, cores):
    cl, r = run(fw, "kern_marshal", H=h, W=w, C=c, CORES=cores)
    x = gen_i8(h * w * c, 31).reshape(h, w, c)
    chw = cl.read_array("chw", np.int8, x.size).reshape(c, h, w)
    assert np.array_equal(chw, dnn_ref.hwc_to_chw(x))
    assert np.array_equal(cl.read_array("back", np.int8, x.size).reshape(h, w, c), dnn_ref.chw_to_hwc(chw))
    assert np.array_equal(dnn_ref.chw_to_hwc(chw), x)


def test_big_layers_cycles(fw):
    """The 28x28 residual add and marshaling of a 32-channel tensor: cycles for docs/kernels.md."""
    n = 28 * 28 * 32
    _, r = run(fw, "kern_add", N=n, SHIFT=1)
    assert cycles(r) < n / 8 * 4                    # the word path: ~3 cycles an element on a core
    _, r = run(fw, "kern_marshal", H=28, W=28, C=32)
    assert cycles(r, "hwc_to_chw") < n / 8 * 4
