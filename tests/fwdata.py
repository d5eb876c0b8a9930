"""NumPy replica of firmware/dwa_conv/gen.h, the deterministic data of the DWA and kernel test
programs."""
from __future__ import annotations

import numpy as np


def gen_hash(n: int, seed: int, first: int = 0) -> np.ndarray:
    i = np.arange(first, first + n, dtype=np.uint64)
    h = ((i ^ np.uint64(seed << 20)) * np.uint64(2654435761)) & np.uint64(0xFFFFFFFF)
    return (h ^ (h >> np.uint64(16))).astype(np.uint32)


def gen_i8(n: int, seed: int) -> np.ndarray:
    """int8 over the whole range."""
    return gen_hash(n, seed).astype(np.uint8).view(np.int8)


def gen_w4(n: int, seed: int) -> np.ndarray:
    """int8 in [-7, 7]."""
    return ((gen_hash(n, seed) >> np.uint32(8)) % np.uint32(15)).astype(np.int8) - np.int8(7)


def gen_i32(n: int, seed: int, shift: int) -> np.ndarray:
    """int32, arithmetic shift right by shift."""
    return gen_hash(n, seed).view(np.int32) >> np.int32(shift)
