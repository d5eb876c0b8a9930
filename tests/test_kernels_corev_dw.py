"""CORE-V depthwise 3x3 kernel (runtime/iss_kernels_depthwise.c, the __riscv_xcvalu version):
byte for byte against iss.dnn_ref.depthwise3x3 on odd and tiny shapes, any channel count, both
strides and paddings, the shift and bias extremes, 1-8 cores; the rate on a Bottleneck layer;
the argument asserts of both builds."""
import numpy as np
import pytest

from iss import Cluster, dnn_ref

from .fwdata import gen_i8, gen_i32
from .test_kernels import cycles, out_size, run

#         H   W   C  STRIDE PAD SHIFT RELU BIAS CORES
DW_COREV = [
    (7, 9, 24, 1, 1, 7, 0, 1, 8),       # interior pairs in runs, top and bottom edge pairs
    (7, 9, 24, 1, 1, 7, 0, 1, 1),
    (7, 9, 5, 1, 0, 6, 1, 0, 8),        # no padding, ReLU, no bias
    (7, 9, 24, 2, 1, 8, 1, 1, 8),
    (9, 7, 5, 2, 0, 0, 0, 1, 3),        # shift 0: saturates
    (6, 8, 3, 2, 0, 5, 0, 1, 8),        # even width at stride 2
    (8, 8, 16, 1, 1, 31, 0, 2, 8),      # bias over the whole int32 range: the 64-bit path
    (5, 4, 3, 2, 1, 31, 1, 2, 3),       # the same at stride 2, with ReLU
    (3, 3, 5, 2, 0, 7, 0, 2, 2),
    (1, 1, 5, 2, 1, 4, 1, 1, 8),        # 1x1 input, padded: one output, seven idle cores
    (1, 1, 1, 1, 1, 3, 0, 1, 1),        # one channel, one pixel
    (2, 3, 3, 1, 1, 7, 1, 1, 2),
    (3, 3, 1, 1, 0, 0, 0, 1, 1),        # the smallest unpadded input: one output
    (2, 2, 7, 2, 1, 2, 0, 1, 2),
    (4, 1, 5, 1, 1, 5, 0, 1, 3),        # one column: no step, only the padded tail
    (1, 5, 5, 2, 1, 5, 0, 1, 3),        # one row: a single output row, both edges
    (3, 5, 33, 2, 0, 7, 0, 1, 8),
    (9, 9, 7, 1, 0, 7, 0, 1, 8),        # odd steps per row (7 outputs)
    (10, 10, 9, 2, 1, 7, 1, 1, 8),
    (12, 11, 33, 1, 1, 12, 0, 0, 5),
    (5, 3, 33, 1, 0, 31, 1, 1, 2),      # shift 31
    (11, 5, 1, 2, 1, 7, 0, 2, 3),
    (6, 7, 3, 1, 1, 0, 1, 1, 8),
    (13, 3, 5, 2, 1, 1, 0, 1, 1),       # 3-wide at stride 2: a tail after one step
    (5, 5, 24, 1, 0, 7, 1, 1, 8),       # 3x3 output, one and a half pairs
]


@pytest.mark.parametrize("h, w, c, stride, pad, shift, relu, bias, cores", DW_COREV)
def test_corev_depthwise_matches_the_reference(fw, h, w, c, stride, pad, shift, relu, bias, cores):
    cl, r = run(fw, "kern_dw", isa="corev", H=h, W=w, C=c, STRIDE=stride, PAD=pad, SHIFT=shift, RELU=relu,
                BIAS=bias, CORES=cores, DWA=0)
    x = gen_i8(h * w * c, 1).reshape(h, w, c)
    wt = gen_i8(9 * c, 2).reshape(3, 3, c)
    b = gen_i32(c, 3, 0 if bias == 2 else 16) if bias else None
    want = dnn_ref.depthwise3x3(x, wt, b, stride=stride, pad=pad, shift=shift, relu=bool(relu))
    oh, ow = out_size(h, stride, pad), out_size(w, stride, pad)
    got = cl.read_array("out", np.int8, oh * ow * c).reshape(oh, ow, c)
    assert np.array_equal(got, want), np.argwhere(got != want)[:5]


def test_corev_depthwise_28x28x192_on_8_cores(fw):
    h = w = 28
    c = 192
    cl, r = run(fw, "kern_dw", isa="corev", H=h, W=w, C=c, SHIFT=9, DWA=0)
    x = gen_i8(h * w * c, 1).reshape(h, w, c)
    wt = gen_i8(9 * c, 2).reshape(3, 3, c)
    want = dnn_ref.depthwise3x3(x, wt, gen_i32(c, 3, 16), stride=1, pad=1, shift=9)
    assert np.array_equal(cl.read_array("out", np.int8, h * w * c).reshape(h, w, c), want)
    rate = h * w * 9 * c / cycles(r, "cores")
    print(f"CORE-V depthwise 28x28x192, 8 cores: {rate:.2f} MAC/cycle")
    assert rate > 7.0   # a floor against regressions (7.35 measured)


@pytest.mark.parametrize("isa, defines, message", [
    ("corev", dict(STRIDE=3), "stride must be 1 or 2"),
    ("corev", dict(PAD=2), "pad must be 0 or 1"),
    ("corev", dict(SHIFT=32), "shift must be 0-31"),
    ("rv32imc", dict(STRIDE=3), "stride must be 1 or 2"),
])
def test_depthwise_bad_arguments_fail_an_assert(fw, isa, defines, message):
    r = Cluster().load(fw("kern_dw", isa=isa, H=7, W=9, C=5, DWA=0, **defines)).run()
    assert r.exit_code == 128 + 6, r.output     # picolibc's assert: abort(), SIGABRT
    assert "iss_depthwise3x3: " + message in r.output
