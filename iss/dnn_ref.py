"""NumPy references of the int8 DNN operators the firmware runs (on the cores, the IMA or the
depthwise accelerator), with the exact integer semantics every mapping must reproduce byte
for byte (docs/dwa.md, docs/ima.md, docs/kernels.md)."""
from __future__ import annotations

import numpy as np

from . import ima_ref


def rounding_shift(v: np.ndarray, shift: int) -> np.ndarray:
    """Arithmetic right shift rounding half up: (v + 2^(shift-1)) >> shift."""
    v = np.asarray(v, dtype=np.int64)
    return (v + (1 << (shift - 1))) >> shift if shift else v


def depthwise3x3(x: np.ndarray, w: np.ndarray, bias: np.ndarray | None = None, stride: int = 1,
                 pad: int = 1, shift: int = 0, relu: bool = False) -> np.ndarray:
    """The depthwise accelerator: x int8 [H, W, C], w int8 [3, 3, C], bias int32 [C] or None
    -> int8 [OH, OW, C] = clip(relu(rounding_shift(sum + bias, shift)))."""
    x = np.asarray(x, dtype=np.int64)
    h, wd, c = x.shape
    xp = np.zeros((h + 2 * pad, wd + 2 * pad, c), dtype=np.int64)
    xp[pad:pad + h, pad:pad + wd] = x
    oh, ow = (h + 2 * pad - 3) // stride + 1, (wd + 2 * pad - 3) // stride + 1
    acc = np.zeros((oh, ow, c), dtype=np.int64)
    for ky in range(3):
        for kx in range(3):
            acc += xp[ky:ky + stride * (oh - 1) + 1:stride, kx:kx + stride * (ow - 1) + 1:stride] * \
                np.asarray(w, dtype=np.int64)[ky, kx]
    if bias is not None:
        acc += np.asarray(bias, dtype=np.int64)
    acc = rounding_shift(acc, shift)
    if relu:
        acc = np.maximum(acc, 0)
    return np.clip(acc, -128, 127).astype(np.int8)


def pointwise_ima(x: np.ndarray, w: np.ndarray, adc_low: int, adc_high: int) -> np.ndarray:
    """A 1x1 convolution as the IMA computes it: x int8 [H, W, Cin], w in [-7, 7] [Cin, Cout]
    (crossbar rows = inputs) -> int8 [H, W, Cout] through the ADC (ima_ref.adc)."""
    x = np.asarray(x, dtype=np.int64)
    sums = x.reshape(-1, x.shape[-1]) @ np.asarray(w, dtype=np.int64)
    return ima_ref.adc(sums, adc_low, adc_high).astype(np.int8).reshape(*x.shape[:-1], -1)


def conv3x3_ima(x: np.ndarray, w: np.ndarray, adc_low: int, adc_high: int, stride: int = 1,
                pad: int = 1) -> np.ndarray:
    """A 3x3 convolution as one IMA array computes it (the cores' iss_conv3x3): x int8 [H, W, C],
    w in [-7, 7] [9 C, Cout] with rows in (ky, kx, c) order, zero padding -> int8 [OH, OW, Cout]
    through the ADC (ima_ref.adc) of the whole window's sum."""
    x = np.asarray(x, dtype=np.int64)
    h, wd, c = x.shape
    xp = np.zeros((h + 2 * pad, wd + 2 * pad, c), dtype=np.int64)
    xp[pad:pad + h, pad:pad + wd] = x
    oh, ow = (h + 2 * pad - 3) // stride + 1, (wd + 2 * pad - 3) // stride + 1
    cols = np.concatenate([xp[ky:ky + stride * (oh - 1) + 1:stride, kx:kx + stride * (ow - 1) + 1:stride]
                           for ky in range(3) for kx in range(3)], axis=-1)
    return pointwise_ima(cols, w, adc_low, adc_high)


def residual_add(a: np.ndarray, b: np.ndarray, shift: int = 0) -> np.ndarray:
    """Residual add with requantization (the cores' iss_residual_add): a, b int8 of the same
    shape -> int8 clip(rounding_shift(a + b, shift)), shift 0-31."""
    s = np.asarray(a, dtype=np.int64) + np.asarray(b, dtype=np.int64)
    return np.clip(rounding_shift(s, shift), -128, 127).astype(np.int8)


def avgpool(x: np.ndarray) -> np.ndarray:
    """Global average pooling (the cores' iss_avgpool_sum + iss_avgpool_mean): x int8 [H, W, C]
    -> int8 [C] = floor((2 s + hw) / (2 hw)), s the channel's sum over the hw = H W pixels (the
    mean rounded half up; always in [-128, 127])."""
    x = np.asarray(x)
    hw = x.shape[0] * x.shape[1]
    s = x.astype(np.int64).reshape(hw, -1).sum(axis=0)
    return np.floor_divide(2 * s + hw, 2 * hw).astype(np.int8)


def hwc_to_chw(x: np.ndarray) -> np.ndarray:
    """x [H, W, C] -> [C, H, W] (the cores' iss_hwc_to_chw: a transpose, no arithmetic)."""
    return np.ascontiguousarray(np.asarray(x).transpose(2, 0, 1))


def chw_to_hwc(x: np.ndarray) -> np.ndarray:
    """x [C, H, W] -> [H, W, C] (the cores' iss_chw_to_hwc)."""
    return np.ascontiguousarray(np.asarray(x).transpose(1, 2, 0))
