"""NumPy reference of the IMA in ideal mode: the exact integer semantics the C model
implements (docs/ima.md). Tests, the network generator and the software kernels that must
produce the same bytes all use these functions.
"""
from __future__ import annotations

import numpy as np

WEIGHT_MIN, WEIGHT_MAX = -7, 7


def adc(sums: np.ndarray, adc_low: int, adc_high: int) -> np.ndarray:
    """ADC of the column sums: clip to [-adc_low, adc_high], then map that range linearly
    onto the 256 int8 codes, rounding half up:

        out = floor(((clip(s) + L) * 510 + (H + L)) / (2 * (H + L))) - 128
    """
    if adc_low <= 0 or adc_high <= 0:
        raise ValueError("adc_low and adc_high must be > 0")
    s = np.clip(np.asarray(sums, dtype=np.int64), -adc_low, adc_high)
    span = adc_high + adc_low
    return ((s + adc_low) * 510 + span) // (2 * span) - 128


def mvm(weights: np.ndarray, inputs: np.ndarray, adc_low: int, adc_high: int) -> np.ndarray:
    """One job: weights[rows, cols] (the job window), inputs[rows] int8 -> outputs[cols] int8."""
    w = np.asarray(weights, dtype=np.int64)
    x = np.asarray(inputs, dtype=np.int64)
    return adc(x @ w, adc_low, adc_high).astype(np.int8)


def pack_row(weights: np.ndarray) -> list[int]:
    """SUBMIT_PLOT words of one row: 8 weights a word, lowest nibble first."""
    w = np.asarray(weights, dtype=np.int64)
    if w.size % 8:
        raise ValueError("a weight row is written 8 columns at a time")
    if w.min(initial=0) < WEIGHT_MIN or w.max(initial=0) > WEIGHT_MAX:
        raise ValueError("weights must be in [-7, 7]")
    nib = (w & 0xF).reshape(-1, 8)
    return [int(sum(int(v) << (4 * k) for k, v in enumerate(row))) for row in nib]


def unpack_word(word: int) -> list[int]:
    """The 8 weights of a SUBMIT_PLOT / PR_VAL word."""
    out = []
    for k in range(8):
        v = (word >> (4 * k)) & 0xF
        out.append(v - 16 if v & 8 else v)
    return out


def job_addresses(num_jobs: int, base: int, alpha_len: int, alpha_stride: int,
                  beta_len: int, beta_stride: int) -> list[int]:
    """Start address of every job of a batch (GVSoC's job_update): after each job the address
    steps by alpha_stride, alpha_len times, then once by beta_stride (the beta count wraps at
    beta_len). With beta_len == 0 the address never changes."""
    addrs, addr, a, b = [], base, 0, 0
    for _ in range(num_jobs):
        addrs.append(addr)
        if b < beta_len:
            if a < alpha_len:
                addr += alpha_stride
                a += 1
            else:
                addr += beta_stride
                a = 0
                b += 1
                if b == beta_len:
                    b = 0
    return addrs


def fetch_offsets(line_length: int, feat_length: int, src_stride: int,
                  roll: int = 1, feat_stride: int = 0) -> np.ndarray:
    """Byte offsets, from a job's source address, of the inputs the streamer reads in order:
    `roll` groups (feat_stride apart) of `feat_length` lines (src_stride apart) of
    `line_length` contiguous bytes."""
    roll = max(roll, 1)
    return np.array([r * feat_stride + f * src_stride + k
                     for r in range(roll) for f in range(feat_length) for k in range(line_length)],
                    dtype=np.int64)
