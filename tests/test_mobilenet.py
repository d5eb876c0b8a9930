"""MobileNetV2 end to end (docs/mobilenetv2.md): the firmware against the golden model, byte for
byte, for every layer, on both mappings; the full 224x224 network's output; the checks made
before anything runs."""
from __future__ import annotations

import numpy as np
import pytest

from iss import Config, mobilenet, network
from iss.errors import ConfigError

from .conftest import BUILD

OUT = BUILD / "mobilenetv2"
SMALL = dict(resolution=96, width=0.35, keep_all=True)


# 96x96 width 0.35 (6 arrays) and 64x64 width 1.0 (the full network's 34 arrays, its row and
# column tiles, and in software its layers whose packed weights do not stay in the TCDM)
VARIANTS = [(96, 0.35), (64, 1.0)]


@pytest.fixture(scope="module", params=[(r, w, m) for r, w in VARIANTS for m in mobilenet.MAPPINGS],
                ids=lambda p: f"{p[0]}-{p[1]}-{p[2].lower()}")
def small_run(request):
    res, width, mapping = request.param
    b = mobilenet.build(mobilenet.Options(resolution=res, width=width, keep_all=True, mapping=mapping), out_root=OUT)
    inf, cl = mobilenet.run(b)
    return b, inf, mobilenet.read_outputs(cl, b)


def test_every_layer_is_bit_exact(small_run):
    b, inf, outs = small_run
    assert len(outs) == len(b.layers) == 65
    wrong = {name: int((outs[name] != g).sum()) for name, g in b.golden.items() if name in outs
             and not np.array_equal(outs[name], g)}
    assert wrong == {}, f"layers differing from network.forward (bytes): {wrong}"


def test_prints_top5_and_checksum_of_the_golden_output(small_run):
    b, inf, _ = small_run
    logits = b.golden["fc"].ravel()
    assert inf.printed_top5 == mobilenet.top5(logits)
    assert inf.printed_checksum == mobilenet.checksum(logits)
    assert f"checksum {mobilenet.checksum(logits):08x}" in inf.result.output


def test_markers_and_layer_figures(small_run):
    b, inf, _ = small_run
    assert [l.name for l in inf.layers] == [l.name for l in b.layers]
    assert all(l.cycles > 0 for l in inf.layers)
    # the layers fill the inference: only the markers' own cycles between them
    assert 0 <= inf.latency_cycles - sum(l.cycles for l in inf.layers) < 20 * len(inf.layers)
    assert all(0 <= l.dma_exposed <= l.cycles for l in inf.layers)
    assert inf.total_energy > 0 and inf.energy["dma"] > 0
    engines = {l.engine for l in inf.layers}
    if b.options.width == 1.0:
        assert b.mapping.arrays == 34
        assert max(t.row0 for t in b.mapping.tiles) >= 256          # layers with row tiles
    if b.options.mapping == "SOFTWARE" and b.options.width == 1.0:
        assert [p.name for p in b.plans if p.kind == "pw" and not p.resident] == ["b16_project", "conv_last"]
    if b.options.mapping == "HETERO":
        assert engines == {"IMA", "DWA", "cores"}
        assert all(l.activity["ima_jobs"] > 0 for l in inf.layers if l.engine == "IMA")
        assert all(l.activity["dwa_jobs"] > 0 for l in inf.layers if l.engine == "DWA")
        assert inf.setup_cycles > 0                      # the arrays are programmed before
    else:
        assert engines == {"cores"}
        assert inf.energy["ima"] == 0 and inf.energy["dwa"] == 0


def test_double_buffering_hides_transfers(small_run):
    b, inf, _ = small_run
    multi = [l for l, p in zip(inf.layers, b.plans) if p.nchunks > 1]
    assert multi, "the small variant should have layers in several chunks"
    # most of the DMA time of the multi-chunk layers runs while something computes
    busy = sum(l.dma_busy for l in multi)
    assert sum(l.dma_hidden for l in multi) > 0.5 * busy


def test_same_bytes_on_both_mappings():
    outs = {}
    for m in mobilenet.MAPPINGS:
        b = mobilenet.build(mobilenet.Options(mapping=m, **SMALL), out_root=OUT)
        inf, cl = mobilenet.run(b)
        outs[m] = mobilenet.read_outputs(cl, b, ["fc", "conv_last", "b16_project"])
    for name in outs["HETERO"]:
        assert np.array_equal(outs["HETERO"][name], outs["SOFTWARE"][name]), name


def test_tcdm_plans_fit_and_l2_tensors_do_not_overlap_while_live():
    net = network.build(network.mobilenetv2(224, 1.0))
    mapping = mobilenet.tilepack.pack(net, 256, on_ima=mobilenet.on_ima)
    budget = 512 * 1024 - mobilenet.TCDM_RESERVED
    for sw in (False, True):
        for p in mobilenet.plan_tcdm(net, mapping, sw, budget):
            assert p.tcdm_bytes <= budget, p.name
            assert p.chunk >= 1 and p.nchunks >= 1
            ends = sorted((off, off + n) for _, off, n in p.bufs if n)
            assert all(a[1] <= b[0] for a, b in zip(ends, ends[1:])), p.name
    off, top = mobilenet.plan_l2(net, keep_all=False)
    assert top < 2 * 1024 * 1024        # reuse: far less than the 7.3 MB of all activations
    last = {}
    for i, l in enumerate(net.layers):
        for s in (l.src, l.src2):
            if s:
                last[s] = i
    size = {l.name: int(np.prod(l.out_shape)) for l in net.layers}
    for i, l in enumerate(net.layers):
        live = [m.name for m in net.layers[:i] if last.get(m.name, -1) >= i]
        for other in live:
            a, b = off[l.name], off[other]
            assert a + size[l.name] <= b or b + size[other] <= a, (l.name, other)


def test_dw_stripes_cover_every_output_row():
    for h, s in ((112, 2), (112, 1), (7, 1), (15, 2), (14, 2)):
        ho = (h - 1) // s + 1
        for rows in (1, 2, 3, 5, ho):
            oy = 0
            while oy < ho:
                n = min(rows, ho - oy)
                gs, ge, lead = mobilenet.dw_stripe(oy, n, h, s)
                assert gs % s == 0 and 0 <= gs <= max(0, s * oy - 1) and ge <= h - 1
                assert gs + s * lead == s * oy                      # the first kept row's centre
                assert ge >= min(h - 1, s * (oy + n - 1) + 1)       # the last row's window
                assert (ge - gs) // s + 1 >= lead + n               # the accelerator computes them
                oy += n


def test_full_network_output_is_the_golden_one():
    """224x224, width 1.0, 34 arrays, L2 buffers reused: the classifier's output."""
    b = mobilenet.build(mobilenet.Options(), out_root=OUT)
    assert b.mapping.arrays == 34 and b.config.ima.arrays == 34
    inf, cl = mobilenet.run(b)
    logits = b.golden["fc"].ravel()
    out = mobilenet.read_outputs(cl, b, ["fc"])["fc"].ravel()
    assert np.array_equal(out, logits)
    assert inf.printed_top5 == mobilenet.top5(logits)
    assert inf.printed_checksum == mobilenet.checksum(logits)
    assert 5e6 < inf.latency_cycles < 5e7


# ---- refused before anything runs ----

def _weights(net, tmp_path, drop=None, reshape=None):
    data = {}
    for l in net.layers:
        if l.weights is not None:
            data[f"{l.name}.weights"] = l.weights
        if l.kind == "dw":
            data[f"{l.name}.bias"] = l.bias
    if drop:
        del data[drop]
    if reshape:
        data[reshape] = data[reshape][:-1]
    path = tmp_path / "w.npz"
    np.savez(path, **data)
    return str(path)


def test_weights_file_round_trip(tmp_path):
    ref = network.build(network.mobilenetv2(96, 0.35))
    opts = mobilenet.Options(weights=_weights(ref, tmp_path), **SMALL)
    b = mobilenet.generate(opts, tmp_path / "src")
    assert all(np.array_equal(b.net.layer(l.name).weights, l.weights) for l in ref.layers if l.weights is not None)


@pytest.mark.parametrize("fault, match", [("drop", "missing tensor 'b3_project.weights'"),
                                          ("reshape", "b3_dw.weights has shape")])
def test_bad_weights_file_is_refused(tmp_path, fault, match):
    ref = network.build(network.mobilenetv2(96, 0.35))
    path = _weights(ref, tmp_path, **{fault: "b3_project.weights" if fault == "drop" else "b3_dw.weights"})
    with pytest.raises(ConfigError, match=match):
        mobilenet.generate(mobilenet.Options(weights=path, **SMALL), tmp_path / "src")
    assert not (tmp_path / "src").exists()


def test_missing_weights_file_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="cannot read weights file"):
        mobilenet.generate(mobilenet.Options(weights=str(tmp_path / "none.npz"), **SMALL), tmp_path / "src")


def test_too_few_arrays_is_refused(tmp_path):
    cfg = Config().replace(ima={"arrays": 20})
    with pytest.raises(ConfigError, match="needs 34 IMA arrays of 256x256, the configuration has 20"):
        mobilenet.generate(mobilenet.Options(), tmp_path / "src", cfg)
    # the software baseline does not use the IMA
    mobilenet.generate(mobilenet.Options(mapping="SOFTWARE", **SMALL), tmp_path / "sw", cfg)


def test_too_small_tcdm_is_refused(tmp_path):
    cfg = mobilenet.default_config(mobilenet.Options(**SMALL)).replace(memory={"tcdm_size": 68 * 1024})
    with pytest.raises(ConfigError, match=r"TCDM too small for \w+: .* the work area has 4096"):
        mobilenet.generate(mobilenet.Options(**SMALL), tmp_path / "src", cfg)
    assert not (tmp_path / "src").exists()


def test_other_bad_options_are_refused(tmp_path):
    with pytest.raises(ConfigError, match="unknown MobileNetV2 mapping"):
        mobilenet.generate(mobilenet.Options(mapping="GPU"), tmp_path / "src")
    with pytest.raises(ConfigError, match="image .* has shape"):
        np.save(tmp_path / "img.npy", np.zeros((10, 10, 3), np.int8))
        mobilenet.generate(mobilenet.Options(image=str(tmp_path / "img.npy"), **SMALL), tmp_path / "src")


@pytest.mark.parametrize("mapping", list(mobilenet.MAPPINGS))
def test_rv32imc_build_is_bit_exact(mapping):
    """The GCC build (plain kernels, offset-binary classifier) beside the CORE-V default."""
    b = mobilenet.build(mobilenet.Options(mapping=mapping, isa="rv32imc", **SMALL), out_root=OUT)
    inf, cl = mobilenet.run(b)
    outs = mobilenet.read_outputs(cl, b)
    assert {n for n, g in b.golden.items() if n in outs and not np.array_equal(outs[n], g)} == set()
    assert inf.printed_checksum == mobilenet.checksum(b.golden["fc"].ravel())


def test_bad_isa_and_classifier_shape_are_refused(tmp_path):
    with pytest.raises(ConfigError, match="unknown core ISA 'rv64gc' for MobileNetV2"):
        mobilenet.generate(mobilenet.Options(isa="rv64gc", **SMALL), tmp_path / "src")
    from types import SimpleNamespace
    fc = SimpleNamespace(name="fc", kind="fc", in_shape=(1, 1, 1284), out_shape=(1, 1, 1000))
    with pytest.raises(ConfigError, match="fc: 1284 inputs; the CORE-V classifier kernel takes a multiple of 8"):
        mobilenet._plan_fc(fc, 400_000, 8, 8, 256, "corev")
    assert mobilenet._plan_fc(fc, 400_000, 8, 8, 256, "rv32imc").nchunks >= 1


def test_corev_classifier_words_hold_the_weights():
    """fc_words' CORE-V layout decoded as the firmware does: (w << 4) & 0xF0F0F0F0 and w & 0xF0F0F0F0."""
    rng = np.random.default_rng(3)
    w = rng.integers(-7, 8, size=(24, 13))
    words = mobilenet.fc_words(w, "corev").reshape(2, 3, 8)            # [group][octet][output]
    for g in range(2):
        for j in range(3):
            for k in range(8):
                v = int(words[g, j, k])
                lo = np.array([(v << 4) >> (8 * b) & 0xF0 for b in range(4)], np.uint8).view(np.int8) // 16
                hi = np.array([v >> (8 * b) & 0xF0 for b in range(4)], np.uint8).view(np.int8) // 16
                o = 8 * g + k
                want = w[8 * j:8 * j + 8, o] if o < 13 else np.zeros(8)
                assert list(lo) + list(hi) == list(want), (g, j, k)
