"""The Bottleneck in every mapping: byte for byte against the numpy reference."""
import numpy as np
import pytest

from iss import Cluster, Config, bottleneck, dnn_ref, ima_ref
from iss.errors import ConfigError

MAPPINGS = [("CORES", 16), ("HYBRID", 16), ("IMA_DW", 16), ("IMA_IMA", 16), ("IMA_IMA", 8)]


def run_mapping(spec, mapping, group, isa="corev"):
    elf, net, golden = bottleneck.build(spec, mapping, group, isa=isa)
    cl = Cluster(Config().replace(ima={"arrays": 3})).load(elf)
    r = cl.run()
    assert r.exit_code == 0, r.output
    return cl, r, net, golden


def check_outputs(cl, spec, golden):
    for name, sym in (("dw", "bn_dw"), ("project", "bn_prj")):
        got = cl.read_array(sym, np.int8, golden[name].size).reshape(golden[name].shape)
        assert np.array_equal(got, golden[name]), name
    final = golden["add"] if spec.residual else golden["project"]
    got = cl.read_array("bn_out", np.int8, final.size).reshape(final.shape)
    assert np.array_equal(got, final)


@pytest.mark.parametrize("mapping, group", MAPPINGS, ids=[f"{m}{g}" for m, g in MAPPINGS])
def test_paper_shape_every_mapping_is_bit_exact(mapping, group):
    spec = bottleneck.Spec()
    cl, r, _, golden = run_mapping(spec, mapping, group)
    check_outputs(cl, spec, golden)
    assert r.output.startswith(f"mapping {bottleneck.MAPPINGS[mapping]} ")


@pytest.mark.parametrize("spec", [bottleneck.Spec(9, 7, 8, 3, 8, 1), bottleneck.Spec(10, 10, 16, 4, 24, 2)],
                         ids=["odd-residual", "stride2"])
@pytest.mark.parametrize("mapping, group", MAPPINGS, ids=[f"{m}{g}" for m, g in MAPPINGS])
def test_other_shapes_every_mapping_is_bit_exact(spec, mapping, group):
    if mapping == "IMA_IMA" and spec.hidden % group:
        pytest.skip("hidden channels not a multiple of the group")
    cl, _, _, golden = run_mapping(spec, mapping, group)
    check_outputs(cl, spec, golden)


@pytest.mark.parametrize("mapping", ["CORES", "HYBRID"])
def test_rv32imc_cores_give_the_same_bytes(mapping):
    """The plain RV32IMC kernels (GCC build) beside the CORE-V ones of the tests above."""
    spec = bottleneck.Spec(9, 7, 8, 3, 8, 1)
    cl, r, _, golden = run_mapping(spec, mapping, 16, isa="rv32imc")
    check_outputs(cl, spec, golden)


def test_ima_adc_range_reproduces_the_rounding_shift():
    rng = np.random.default_rng(0)
    for s in range(0, 12):
        c = rng.integers(-(1 << (s + 9)), 1 << (s + 9), size=20000)
        assert np.array_equal(ima_ref.adc(c, 128 << s, 127 << s),
                              np.clip(dnn_ref.rounding_shift(c, s), -128, 127))


def test_shapes_beyond_the_hardware_are_refused_at_build_time():
    with pytest.raises(ConfigError, match="expansion layer's weights are 32x288, more than one 256x256 IMA array"):
        bottleneck.build(bottleneck.Spec(28, 28, 32, 9, 32), "IMA_DW")
    with pytest.raises(ConfigError, match="needs .* bytes of TCDM"):
        bottleneck.build(bottleneck.Spec(56, 56, 32, 6, 32), "IMA_DW")
    with pytest.raises(ConfigError, match="unknown bottleneck mapping 'GPU'"):
        bottleneck.build(bottleneck.Spec(), "GPU")
    with pytest.raises(ConfigError, match="unknown core ISA 'rv64gc'"):
        bottleneck.build(bottleneck.Spec(), "CORES", isa="rv64gc")
