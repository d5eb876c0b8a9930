"""The network description, its quantization and Tile&Pack."""
import numpy as np
import pytest

from iss import network, tilepack
from iss.errors import ConfigError


@pytest.fixture(scope="module")
def mnv2():
    return network.build(network.mobilenetv2())


def test_mobilenetv2_shape_matches_the_paper(mnv2):
    conv_params = sum(l.weights.size for l in mnv2.layers if l.weights is not None and l.kind != "fc")
    assert conv_params == 2_190_784                      # the paper's conv parameter count
    assert round(sum(l.macs for l in mnv2.layers) / 1e6) == 314   # 301 + the first block's 1x1
    assert mnv2.layer("fc").out_shape == (1, 1, 1000)
    assert sum(1 for l in mnv2.layers if l.kind == "dw") == 17


def test_tile_and_pack_needs_34_arrays(mnv2):
    m = tilepack.pack(mnv2, 256, on_ima=lambda l: l.on_ima and l.kind != "fc")
    assert m.arrays == 34
    assert all(0 < u <= 1 for u in m.utilisation())
    # tiles never overlap inside an array and cover every weight exactly once
    for a in range(m.arrays):
        grid = np.zeros((256, 256), dtype=int)
        for t in m.tiles:
            if t.array == a:
                grid[t.y:t.y + t.rows, t.x:t.x + t.cols] += 1
        assert grid.max() <= 1
    for l in mnv2.layers:
        if l.on_ima and l.kind != "fc":
            assert sum(t.rows * t.cols for t in m.layer_tiles(l.name)) == l.weights.size


def test_too_few_arrays_is_refused(mnv2):
    with pytest.raises(ConfigError, match="needs 34 IMA arrays of 256x256, the configuration has 20"):
        tilepack.pack(mnv2, 256, max_arrays=20, on_ima=lambda l: l.on_ima and l.kind != "fc")


def test_activations_use_the_int8_range(mnv2):
    acts = network.forward(mnv2, network.calibration_input(mnv2.input_shape))
    for l in mnv2.layers:
        a = acts[l.name].astype(int)
        assert (np.abs(a) >= 127).mean() < 0.1, l.name       # not saturating
        if l.kind in ("pw", "conv3x3", "dw"):
            assert a.std() > 5, l.name                        # not collapsing to zero


def test_weights_file_errors(tmp_path):
    net = network.bottleneck(8, cin=8, expansion=2, cout=8)
    network.init_weights(net)
    good = {f"{l.name}.weights": l.weights for l in net.layers if l.weights is not None}
    np.savez(tmp_path / "ok.npz", **good, **{"dw.bias": net.layer("dw").bias})
    network.load_weights(net, tmp_path / "ok.npz")
    bad = dict(good)
    del bad["project.weights"]
    np.savez(tmp_path / "missing.npz", **bad)
    with pytest.raises(ConfigError, match="missing tensor 'project.weights'"):
        network.load_weights(net, tmp_path / "missing.npz")
    bad = dict(good, **{"expand.weights": np.zeros((3, 3), dtype=np.int8)})
    np.savez(tmp_path / "shape.npz", **bad)
    with pytest.raises(ConfigError, match=r"expand.weights has shape \(3, 3\), expected \(8, 16\)"):
        network.load_weights(net, tmp_path / "shape.npz")
    bad = dict(good, **{"expand.weights": np.full((8, 16), 9, dtype=np.int8)})
    np.savez(tmp_path / "range.npz", **bad)
    with pytest.raises(ConfigError, match=r"outside \[-7, 7\]"):
        network.load_weights(net, tmp_path / "range.npz")
