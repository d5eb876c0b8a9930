"""The cores' standard 3x3 convolution (runtime/iss_kernels_conv.c, iss_conv3x3): im2col bands
and the build's pointwise kernel, byte for byte against dnn_ref.conv3x3_ima, both core builds;
the pointwise kernel's argument assert."""
import numpy as np
import pytest

from iss import Cluster, dnn_ref

from .fwdata import gen_i8, gen_w4
from .test_kernels import cycles, run

#        H  W  CIN COUT STRIDE PAD CORES BAND ISA
CONV = [
    (7, 9, 3, 13, 2, 1, 8, 2, "corev"),       # the first layer's shape class: 3 inputs, stride 2
    (7, 9, 3, 13, 2, 1, 8, 2, "rv32imc"),
    (5, 5, 4, 8, 1, 1, 3, 1, "corev"),        # one row a band
    (6, 7, 5, 9, 1, 0, 2, 3, "corev"),        # no padding, a last band of 1 row
    (6, 7, 5, 9, 1, 0, 2, 3, "rv32imc"),
    (1, 1, 3, 5, 1, 1, 1, 1, "corev"),        # one pixel: the window is padding but its centre
    (3, 2, 1, 3, 2, 1, 8, 4, "corev"),        # one input channel, the whole output in one band
]


@pytest.mark.parametrize("h, w, cin, cout, stride, pad, cores, band, isa", CONV)
def test_conv3x3_matches_the_ima_reference(fw, h, w, cin, cout, stride, pad, cores, band, isa):
    cl, r = run(fw, "kern_conv", isa=isa, H=h, W=w, CIN=cin, COUT=cout, STRIDE=stride, PAD=pad, CORES=cores,
                BAND=band, ADC_LOW=900, ADC_HIGH=800)
    x = gen_i8(h * w * cin, 11).reshape(h, w, cin)
    wt = gen_w4(9 * cin * cout, 12).reshape(9 * cin, cout)
    want = dnn_ref.conv3x3_ima(x, wt, 900, 800, stride, pad)
    got = cl.read_array("out", np.int8, want.size).reshape(want.shape)
    assert np.array_equal(got, want), np.argwhere(got != want)[:5]


def test_conv3x3_first_layer_rate(fw):
    """MobileNetV2's first layer class (3 -> 32, stride 2) on 8 cores: CORE-V above RV32IMC."""
    rates = {}
    for isa in ("rv32imc", "corev"):
        cl, r = run(fw, "kern_conv", isa=isa, H=32, W=32, CIN=3, COUT=32, STRIDE=2, PAD=1, BAND=4)
        rates[isa] = 16 * 16 * 27 * 32 / cycles(r, "kernel")
    print(f"conv3x3 32x32x3 -> 32 s2: {rates}")
    assert rates["corev"] > 1.2 * rates["rv32imc"]


def test_conv3x3_scratch_too_small_fails_its_assert(fw):
    r = Cluster().load(fw("kern_conv", isa="corev", SCRATCH_BYTES=16)).run()
    assert r.exit_code == 134, r.output
    assert "iss_conv3x3: scratch smaller than one output row" in r.output


@pytest.mark.parametrize("isa", ["rv32imc", "corev"])
def test_pointwise_bad_adc_range_fails_its_assert(fw, isa):
    """ima_ref.adc refuses adc_low <= 0 (a division by zero for a zero span): so does the kernel."""
    r = Cluster().load(fw("kern_pw", isa=isa, ADC_LOW=0, ADC_HIGH=100)).run()
    assert r.exit_code == 134, r.output
    assert "iss_pointwise: the ADC range needs adc_low > 0 and adc_high > 0" in r.output
