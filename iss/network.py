"""Quantized networks: layer descriptions, weights (seeded or from a user's .npz), calibration
of the quantization parameters and the bit-exact NumPy golden forward pass.

Integer semantics, the same on every mapping (docs/mobilenetv2.md):
- pointwise and full convolutions use 4-bit weights in [-7, 7] and the IMA's ADC
  (ima_ref.adc). The IMA has no digital stage after its ADC, so these layers have no ReLU:
  the ADC's clipping bounds their outputs (MobileNetV2's ReLU6 remains after the depthwise
  layers, which the depthwise accelerator applies). A layer with more than `size` input rows is split into row tiles; each tile
  goes through its own ADC and the int8 results of the tiles are added with saturation
  (what a multi-array IMA plus a digital adder computes).
- depthwise 3x3 uses int8 weights, int32 bias, a rounding shift, ReLU (dnn_ref.depthwise3x3).
- residual add: clip(rounding_shift(a + b, shift)) (dnn_ref.residual_add).
- average pool: rounding mean over the pixels, int8 (dnn_ref.avgpool).
- the classifier is a pointwise layer on the pooled vector.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import dnn_ref, ima_ref
from .errors import ConfigError


@dataclass
class Layer:
    name: str
    kind: str                  # "conv3x3" (full conv on the IMA), "pw", "dw", "add", "pool", "fc"
    in_shape: tuple[int, int, int]
    out_shape: tuple[int, int, int]
    stride: int = 1
    relu: bool = False
    src: str = ""              # input tensor (name of the producing layer, "input" for the image)
    src2: str = ""             # second input of "add"
    weights: np.ndarray | None = None   # pw/fc: [Cin, Cout] in [-7, 7]; conv3x3: [3*3*Cin, Cout]; dw: [3, 3, C] int8
    bias: np.ndarray | None = None      # dw: int32 [C]
    adc_low: int = 0           # pw/fc/conv3x3 (per row tile)
    adc_high: int = 0
    shift: int = 0             # dw, add

    @property
    def macs(self) -> int:
        h, w, c = self.out_shape
        if self.kind in ("pw", "fc", "conv3x3"):
            return h * w * c * self.weights.shape[0]
        if self.kind == "dw":
            return h * w * c * 9
        return 0

    @property
    def on_ima(self) -> bool:
        return self.kind in ("pw", "fc", "conv3x3")


@dataclass
class Network:
    name: str
    input_shape: tuple[int, int, int]
    layers: list[Layer] = field(default_factory=list)

    def layer(self, name: str) -> Layer:
        return next(l for l in self.layers if l.name == name)


def _make_divisible(v: float, divisor: int = 8) -> int:
    new = max(divisor, int(v + divisor / 2) // divisor * divisor)
    return new + divisor if new < 0.9 * v else new


# MobileNetV2 (Sandler et al.): expansion t, output channels c, repeats n, first stride s
MOBILENETV2_BLOCKS = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
                      (6, 160, 3, 2), (6, 320, 1, 1)]


def mobilenetv2(resolution: int = 224, width: float = 1.0, classes: int = 1000) -> Network:
    """The layer graph of MobileNetV2 as in the paper (no weights yet): first 3x3 conv stride 2,
    the 17 inverted-residual bottlenecks, the final 1x1 conv to 1280, average pool, classifier."""
    net = Network(f"mobilenetv2-{width:g}-{resolution}", (resolution, resolution, 3))
    c_first = _make_divisible(32 * width)
    c_last = _make_divisible(1280 * max(1.0, width))
    h = (resolution + 1) // 2
    net.layers.append(Layer("conv0", "conv3x3", (resolution, resolution, 3), (h, h, c_first), stride=2,
                            src="input"))
    prev, cin, b = "conv0", c_first, 0
    for t, c, n, s in MOBILENETV2_BLOCKS:
        cout = _make_divisible(c * width)
        for i in range(n):
            stride = s if i == 0 else 1
            tag = f"b{b}"
            x = prev
            hidden = cin * t
            # the paper's model keeps the 1x1 expansion in the first block too (t = 1: 32 -> 32,
            # its layer "000-PW"), unlike torchvision's; we follow the paper
            net.layers.append(Layer(f"{tag}_expand", "pw", (h, h, cin), (h, h, hidden), src=x))
            x = f"{tag}_expand"
            ho = (h + 2 - 3) // stride + 1
            net.layers.append(Layer(f"{tag}_dw", "dw", (h, h, hidden), (ho, ho, hidden), stride=stride,
                                    relu=True, src=x))
            net.layers.append(Layer(f"{tag}_project", "pw", (ho, ho, hidden), (ho, ho, cout),
                                    src=f"{tag}_dw"))
            out = f"{tag}_project"
            if stride == 1 and cin == cout:
                net.layers.append(Layer(f"{tag}_add", "add", (ho, ho, cout), (ho, ho, cout),
                                        src=out, src2=prev))
                out = f"{tag}_add"
            prev, cin, h, b = out, cout, ho, b + 1
    net.layers.append(Layer("conv_last", "pw", (h, h, cin), (h, h, c_last), src=prev))
    net.layers.append(Layer("pool", "pool", (h, h, c_last), (1, 1, c_last), src="conv_last"))
    net.layers.append(Layer("fc", "fc", (1, 1, c_last), (1, 1, classes), src="pool"))
    return net


def bottleneck(h: int = 28, w: int | None = None, cin: int = 32, expansion: int = 6, cout: int = 32,
               stride: int = 1) -> Network:
    """One MobileNetV2 inverted-residual block (expand 1x1, depthwise 3x3, project 1x1, and the
    residual add when the shapes allow)."""
    w = w or h
    hidden = cin * expansion
    ho, wo = (h + 2 - 3) // stride + 1, (w + 2 - 3) // stride + 1
    net = Network(f"bottleneck-{h}x{w}x{cin}-t{expansion}-{cout}-s{stride}", (h, w, cin))
    net.layers += [
        Layer("expand", "pw", (h, w, cin), (h, w, hidden), src="input"),
        Layer("dw", "dw", (h, w, hidden), (ho, wo, hidden), stride=stride, relu=True, src="expand"),
        Layer("project", "pw", (ho, wo, hidden), (ho, wo, cout), src="dw"),
    ]
    if stride == 1 and cin == cout:
        net.layers.append(Layer("add", "add", (ho, wo, cout), (ho, wo, cout), src="project", src2="input"))
    return net


# ---- weights ----

def _weight_shape(l: Layer) -> tuple[int, ...] | None:
    cin, cout = l.in_shape[2], l.out_shape[2]
    return {"pw": (cin, cout), "fc": (cin, cout), "conv3x3": (9 * cin, cout), "dw": (3, 3, cin)}.get(l.kind)


def init_weights(net: Network, seed: int = 0) -> None:
    """Deterministic weights: 4-bit in [-7, 7] for IMA layers, int8 for depthwise."""
    rng = np.random.default_rng(seed)
    for l in net.layers:
        shape = _weight_shape(l)
        if shape is None:
            continue
        if l.kind == "dw":
            l.weights = rng.integers(-64, 65, size=shape, dtype=np.int64).astype(np.int8)
            l.bias = rng.integers(-512, 513, size=l.in_shape[2]).astype(np.int32)
        else:
            l.weights = rng.integers(-7, 8, size=shape).astype(np.int8)


def load_weights(net: Network, path: str | Path) -> None:
    """Weights from a .npz: for each layer L, array "L.weights" (and "L.bias" for depthwise),
    shapes as documented in docs/mobilenetv2.md. Checked before anything runs."""
    try:
        data = np.load(path)
    except (OSError, ValueError) as e:
        raise ConfigError(f"cannot read weights file {path}: {e}") from None
    for l in net.layers:
        shape = _weight_shape(l)
        if shape is None:
            continue
        key = f"{l.name}.weights"
        if key not in data:
            raise ConfigError(f"weights file {path}: missing tensor {key!r} (shape {shape})")
        w = data[key]
        if w.shape != shape:
            raise ConfigError(f"weights file {path}: {key} has shape {w.shape}, expected {shape}")
        lo, hi = (-128, 127) if l.kind == "dw" else (-7, 7)
        if w.min() < lo or w.max() > hi:
            raise ConfigError(f"weights file {path}: {key} has values outside [{lo}, {hi}]")
        l.weights = w.astype(np.int8)
        if l.kind == "dw":
            bkey = f"{l.name}.bias"
            b = data[bkey] if bkey in data else np.zeros(shape[2], dtype=np.int32)
            if b.shape != (shape[2],):
                raise ConfigError(f"weights file {path}: {bkey} has shape {b.shape}, expected {(shape[2],)}")
            l.bias = b.astype(np.int32)


# ---- forward pass and calibration ----

def im2col3x3(x: np.ndarray, stride: int) -> np.ndarray:
    """[H, W, C] -> [OH, OW, 9*C] windows (zero padding 1), row-major over (ky, kx, c): the
    order the IMA's streamer reads a padded HWC tensor in."""
    h, w, c = x.shape
    xp = np.zeros((h + 2, w + 2, c), dtype=x.dtype)
    xp[1:-1, 1:-1] = x
    oh, ow = (h - 1) // stride + 1, (w - 1) // stride + 1
    cols = [xp[ky:ky + stride * (oh - 1) + 1:stride, kx:kx + stride * (ow - 1) + 1:stride]
            for ky in range(3) for kx in range(3)]
    return np.concatenate(cols, axis=-1)


def ima_sums(x2d: np.ndarray, w: np.ndarray, size: int) -> list[np.ndarray]:
    """Column sums of each row tile (at most `size` rows) of a layer on the IMA."""
    return [x2d[:, r:r + size].astype(np.int64) @ w[r:r + size].astype(np.int64)
            for r in range(0, w.shape[0], size)]


def ima_layer(x2d: np.ndarray, l: Layer, size: int) -> np.ndarray:
    """One IMA layer: per row tile the ADC, then a saturating add of the tiles' int8 results."""
    acc = np.zeros((x2d.shape[0], l.weights.shape[1]), dtype=np.int64)
    for s in ima_sums(x2d, l.weights, size):
        acc = np.clip(acc + ima_ref.adc(s, l.adc_low, l.adc_high), -128, 127)
    out = acc if not l.relu else np.maximum(acc, 0)
    return out.astype(np.int8)


def _ima_input(x: np.ndarray, l: Layer) -> np.ndarray:
    if l.kind == "conv3x3":
        return im2col3x3(x, l.stride).reshape(-1, 9 * x.shape[2])
    return x.reshape(-1, x.shape[2])


def _calibrate_ima(x2d: np.ndarray, l: Layer, size: int) -> None:
    # the ADC range covers the 99.9th percentile of |layer sums| (all row tiles together), so
    # the added tile outputs spread over the int8 codes instead of saturating or collapsing
    total = sum(ima_sums(x2d, l.weights, size))
    r = int(max(1, np.percentile(np.abs(total), 99.9)))
    l.adc_low = l.adc_high = r


def _calibrate_shift(acc: np.ndarray, target: int = 127) -> int:
    peak = float(np.percentile(np.abs(acc), 99.9))
    shift = 0
    while peak / (1 << shift) > target and shift < 31:
        shift += 1
    return shift


def _dw_acc(x: np.ndarray, l: Layer) -> np.ndarray:
    """The depthwise accumulators (+ bias) before shift and clip, for calibration."""
    h, w, c = x.shape
    xp = np.zeros((h + 2, w + 2, c), dtype=np.int64)
    xp[1:-1, 1:-1] = x
    oh, ow = l.out_shape[:2]
    acc = np.zeros((oh, ow, c), dtype=np.int64) + (0 if l.bias is None else l.bias)
    for ky in range(3):
        for kx in range(3):
            acc += xp[ky:ky + l.stride * (oh - 1) + 1:l.stride, kx:kx + l.stride * (ow - 1) + 1:l.stride] * \
                l.weights[ky, kx].astype(np.int64)
    return acc


def forward(net: Network, x: np.ndarray, size: int = 256, calibrate: bool = False) -> dict[str, np.ndarray]:
    """Runs the network on an int8 input; returns every layer's int8 output by name. With
    calibrate=True the quantization parameters (ADC ranges, shifts) are chosen on the way."""
    acts: dict[str, np.ndarray] = {"input": x.astype(np.int8)}
    for l in net.layers:
        a = acts[l.src]
        if l.on_ima:
            x2d = _ima_input(a, l)
            if calibrate:
                _calibrate_ima(x2d, l, size)
            out = ima_layer(x2d, l, size).reshape(l.out_shape)
        elif l.kind == "dw":
            if calibrate:
                l.shift = _calibrate_shift(_dw_acc(a, l))
            out = dnn_ref.depthwise3x3(a, l.weights, l.bias, l.stride, 1, l.shift, l.relu)
        elif l.kind == "add":
            b = acts[l.src2]
            if calibrate:
                l.shift = _calibrate_shift(a.astype(np.int64) + b)
            out = dnn_ref.residual_add(a, b, l.shift)
        elif l.kind == "pool":
            out = dnn_ref.avgpool(a).reshape(l.out_shape)
        else:
            raise ValueError(f"unknown layer kind {l.kind}")
        acts[l.name] = out
    return acts


def calibration_input(shape: tuple[int, int, int], seed: int = 0) -> np.ndarray:
    """A deterministic int8 'image' used to choose the quantization parameters."""
    rng = np.random.default_rng(seed + 1)
    return rng.integers(-128, 128, size=shape).astype(np.int8)


def build(net: Network, seed: int = 0, weights: str | Path | None = None, size: int = 256) -> Network:
    """Weights (seeded or from a file) and calibrated quantization parameters."""
    if weights is None:
        init_weights(net, seed)
    else:
        load_weights(net, weights)
    forward(net, calibration_input(net.input_shape, seed), size=size, calibrate=True)
    return net
