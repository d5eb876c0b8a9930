"""MobileNetV2 end to end on the cluster: code generation from a built Network and its Tile&Pack
mapping, the build of firmware/mobilenetv2, the run and the reading of every layer's output
(docs/mobilenetv2.md).

    from iss import mobilenet
    b = mobilenet.build(mobilenet.Options(resolution=96, width=0.35, keep_all=True))
    inf, cluster = mobilenet.run(b)             # per-layer cycles, energy, DMA; top-5, checksum
    outputs = mobilenet.read_outputs(cluster, b)    # every layer's int8 tensor, by name
    assert all((outputs[k] == b.golden[k]).all() for k in outputs)

Two mappings of the same firmware, chosen at build time (-DMN_SOFTWARE):
    HETERO    conv3x3, pointwise and the last 1x1 on the IMA (one TRIGGER per tile and chunk),
              depthwise on the depthwise accelerator, residual adds, pooling and the classifier
              on the 8 cores
    SOFTWARE  everything on the 8 cores (the programmable baseline), same bytes out

The generator writes, into one build directory:
    mn_params.h    sizes and counts
    mn_data.c      the layer table (shapes, quantization, L2 addresses, tiling and TCDM buffer
                   offsets), the tile table (placement, L2 address of the SUBMIT_PLOT words),
                   the activation arena in .l2_bss
    mn_blobs.S     the weight blobs and the input image in .l2_data (.incbin of the .bin files)
Everything is checked before anything runs: a weights file with missing or mis-shaped tensors
(network.load_weights), more arrays than configured (tilepack.pack), a layer whose smallest
tile does not fit the TCDM, activations and weights that do not fit L2.
"""
from __future__ import annotations

import hashlib
import math
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import firmware, network, tilepack
from .cluster import Cluster, RunResult, region_activity
from .config import Config
from .energy import EnergyModel
from .errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIR = firmware.FIRMWARE_DIR / "mobilenetv2"
MAPPINGS = {"HETERO": 0, "SOFTWARE": 1}
KINDS = {"conv3x3": 0, "pw": 1, "dw": 2, "add": 3, "pool": 4, "fc": 5}
NBUF = 10
ALIGN = 16

# TCDM the firmware keeps outside its work area: 8 stacks of 4 KiB, the layer and tile tables
# (.data), the runtime's data and TLS blocks; the linker checks it ("TCDM overflow").
TCDM_RESERVED = 64 * 1024
# The runtime's linker script (runtime/link.ld) places L2 at 0x1C000000, 4 MiB, and the stacks at
# the top of a 512 KiB TCDM.
LINK_TCDM = 512 * 1024
LINK_L2 = 4 * 1024 * 1024
# L2 kept for code, read-only data and the small tables when checking that the data fits.
L2_CODE_RESERVE = 256 * 1024

# Tiling cost model (choosing chunk sizes, not a result): the fixed cost of one chunk (DMA
# commands and waits, a fork or an IMA configuration) and of one IMA batch, in cycles. More
# chunks cost more of these; fewer, bigger chunks leave more of the first load and the last
# store exposed. The chunk count minimises the sum (about sqrt(bytes / (bandwidth x cost))).
CHUNK_CYCLES = 200
BATCH_CYCLES = 100
# Markers: layer k starts with 2k and ends with 2k + 1.
MARK_SETUP, MARK_START, MARK_END = 0x10000, 0x10001, 0x10002

PAPER = {"latency_ms": 10.1, "energy_uj": 482.0, "inf_per_s": 99.0, "arrays": 34,
         "vega_inf_per_s": 10.0, "vega_energy_mj": 1.19, "speedup": 10.0, "energy_ratio": 2.5}


def _up(n: int, a: int = ALIGN) -> int:
    return (n + a - 1) // a * a


@dataclass(frozen=True)
class Options:
    resolution: int = 224
    width: float = 1.0
    seed: int = 0
    weights: str | None = None       # .npz (network.load_weights); None: seeded weights
    image: str | None = None         # .npy int8 [H][W][3]; None: a seeded image
    mapping: str = "HETERO"
    keep_all: bool = False           # no L2 buffer reuse: every layer's output stays readable
    size: int = 256                  # IMA array rows = columns
    isa: str = "corev"               # the cores' build: "corev" (clang-22, XCV kernels) or "rv32imc" (GCC)


@dataclass
class LayerPlan:
    index: int
    name: str
    kind: str
    engine: str                      # "IMA", "DWA" or "cores"
    chunk: int = 0                   # pixels (pw, pool), bytes (add), output rows (conv3x3, dw), groups (fc)
    nchunks: int = 0
    slice: int = 0                   # dw: channels per slice
    resident: int = 0                # software pw/conv: every packed tile stays in the TCDM
    bufs: list = field(default_factory=list)   # (name, offset, bytes) in the work area
    tcdm_bytes: int = 0


@dataclass
class Build:
    options: Options
    elf: Path
    src: Path
    net: network.Network
    mapping: tilepack.Mapping
    image: np.ndarray
    golden: dict
    plans: list
    act_offsets: dict                # tensor name -> offset in mn_act
    act_bytes: int
    work_bytes: int
    config: Config                   # the run configuration (arrays, L2 size)
    l2_bytes: dict                   # data in L2 by kind

    @property
    def layers(self) -> list:
        return self.net.layers


# ---- network, checks ----

def make_network(opts: Options) -> network.Network:
    if opts.mapping not in MAPPINGS:
        raise ConfigError(f"unknown MobileNetV2 mapping {opts.mapping!r} (known: {', '.join(MAPPINGS)})")
    if opts.isa not in firmware.ISAS:
        raise ConfigError(f"unknown core ISA {opts.isa!r} for MobileNetV2 (known: {', '.join(firmware.ISAS)})")
    if opts.resolution < 32:
        raise ConfigError(f"MobileNetV2 resolution must be >= 32, got {opts.resolution}")
    if not 0 < opts.width <= 4:
        raise ConfigError(f"MobileNetV2 width must be in (0, 4], got {opts.width}")
    net = network.mobilenetv2(opts.resolution, opts.width)
    return network.build(net, opts.seed, weights=opts.weights, size=opts.size)


def on_ima(layer: network.Layer) -> bool:
    """The layers Tile&Pack maps on the IMA: every convolution; the classifier runs on the cores."""
    return layer.on_ima and layer.kind != "fc"


def input_image(opts: Options, shape: tuple) -> np.ndarray:
    if opts.image is None:
        return np.random.default_rng(opts.seed + 2).integers(-128, 128, size=shape).astype(np.int8)
    try:
        img = np.load(opts.image)
    except (OSError, ValueError) as e:
        raise ConfigError(f"cannot read image {opts.image}: {e}") from None
    if img.shape != tuple(shape):
        raise ConfigError(f"image {opts.image} has shape {img.shape}, expected {tuple(shape)}")
    if img.min() < -128 or img.max() > 127:
        raise ConfigError(f"image {opts.image} has values outside the int8 range")
    return img.astype(np.int8)


# ---- TCDM tiling ----

class _Bufs:
    def __init__(self):
        self.items, self.top = [], 0

    def add(self, name: str, nbytes: int) -> None:
        self.items.append((name, self.top, nbytes))
        self.top += _up(max(nbytes, 0))


def _chunks(total: int, nbytes: int, overhead: int, bpc: int, n_min: int) -> int:
    """Number of chunks: the cost model's optimum, at least n_min (the TCDM's limit)."""
    n = round(math.sqrt(nbytes / (bpc * overhead))) if nbytes else 1
    return max(1, min(total, max(n, n_min)))


def _split(total: int, n: int) -> tuple[int, int]:
    per = -(-total // n)
    return per, -(-total // per)


def _too_small(layer: str, what: str, need: int, budget: int) -> ConfigError:
    return ConfigError(f"TCDM too small for {layer}: its smallest tile ({what}, double-buffered) needs {need} bytes, "
                       f"the work area has {budget} (memory.tcdm_size minus {TCDM_RESERVED} bytes for the stacks, "
                       f"the tables and the runtime)")


def _packed_bytes(t: tilepack.Tile, isa: str = "rv32imc") -> int:
    """The software pointwise kernel's packed weights of a tile (iss_pw_packed_words): RV32IMC
    groups of 8 outputs, 4 words per input; CORE-V int8 quads of inputs, outputs padded to 4."""
    if isa == "corev":
        return -(-t.cols // 4) * 4 * -(-t.rows // 4) * 4
    return -(-t.cols // 8) * t.rows * 16


def _word_bytes(t: tilepack.Tile) -> int:
    return t.rows * t.cols // 2


def _plan_pw(l, tiles, sw: bool, budget: int, bpc: int, ntiles_batch: int, isa: str) -> LayerPlan:
    h, w, cin = l.in_shape
    cout = l.out_shape[2]
    npix = h * w
    rts = max(t.row0 for t in tiles) // 256 + 1 if tiles else 1
    need_gather = any(t.rows != cin for t in tiles)
    need_scatter = any(t.cols != cout for t in tiles) or rts > 1

    def bufs(p: int, resident: bool) -> _Bufs:
        b = _Bufs()
        for n in ("X0", "X1"):
            b.add(n, p * cin)
        for n in ("Y0", "Y1"):
            b.add(n, p * cout)
        if not sw:
            b.add("PART", (rts - 1) * p * cout)
        else:
            b.add("PART", 0)
            b.add("XS", p * max(t.rows for t in tiles) if need_gather else 0)
            b.add("OS", p * max(t.cols for t in tiles) if need_scatter else 0)
            if resident:
                b.add("PK", sum(_packed_bytes(t, isa) for t in tiles))
                b.add("WN0", sum(_word_bytes(t) for t in tiles))
                b.add("WN1", 0)
            else:
                b.add("PK", max(_packed_bytes(t, isa) for t in tiles))
                b.add("WN0", max(_word_bytes(t) for t in tiles))
                b.add("WN1", max(_word_bytes(t) for t in tiles))
        return b

    plan = LayerPlan(0, l.name, l.kind, "cores" if sw else "IMA")
    for resident in ((True, False) if sw else (True,)):
        lo = 1 if resident else npix          # streamed tiles: all pixels in one chunk
        if bufs(lo, resident).top > budget:
            continue
        hi = npix
        while lo < hi:                        # the largest chunk that fits
            mid = (lo + hi + 1) // 2
            if bufs(mid, resident).top <= budget:
                lo = mid
            else:
                hi = mid - 1
        n_min = -(-npix // lo)
        n = _chunks(npix, npix * (cin + cout), CHUNK_CYCLES + BATCH_CYCLES * ntiles_batch, bpc, n_min)
        per, n = _split(npix, n if resident else 1)
        b = bufs(per, resident)
        plan.chunk, plan.nchunks, plan.resident, plan.bufs, plan.tcdm_bytes = per, n, int(resident), b.items, b.top
        return plan
    smallest = bufs(1, True).top if not sw else min(bufs(1, True).top, bufs(npix, False).top)
    raise _too_small(l.name, "one pixel", smallest, budget)


def _plan_conv(l, tiles, sw: bool, budget: int, bpc: int, isa: str) -> LayerPlan:
    h, w, cin = l.in_shape
    ho, wo, cout = l.out_shape
    s = l.stride
    if any(t.rows != 9 * cin for t in tiles):
        raise ConfigError(f"{l.name}: a 3x3 convolution with 9 x {cin} = {9 * cin} weight rows needs more than one "
                          f"IMA array row tile; only single row tiles are supported")

    def bufs(r: int) -> _Bufs:
        b = _Bufs()
        for n in ("S0", "S1"):
            b.add(n, (s * (r - 1) + 3) * (w + 2) * cin)
        for n in ("O0", "O1"):
            b.add(n, r * wo * cout)
        window = -(-9 * cin // 4) * 4 if isa == "corev" else 9 * cin   # ISS_CONV3X3_WINDOW
        b.add("IC", r * wo * window if sw else 0)
        b.add("XS", 0)
        b.add("OS", r * wo * max(t.cols for t in tiles) if sw and len(tiles) > 1 else 0)
        b.add("PK", sum(_packed_bytes(t, isa) for t in tiles) if sw else 0)
        b.add("WN0", sum(_word_bytes(t) for t in tiles) if sw else 0)
        return b

    if bufs(1).top > budget:
        raise _too_small(l.name, "one output row", bufs(1).top, budget)
    lo, hi = 1, ho
    while lo < hi:
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if bufs(mid).top <= budget else (lo, mid - 1)
    n = _chunks(ho, h * w * cin + ho * wo * cout, CHUNK_CYCLES + BATCH_CYCLES * len(tiles), bpc, -(-ho // lo))
    per, n = _split(ho, n)
    b = bufs(per)
    return LayerPlan(0, l.name, l.kind, "cores" if sw else "IMA", per, n, 0, int(sw), b.items, b.top)


def dw_stripe(oy0: int, rows: int, h: int, stride: int) -> tuple[int, int, int]:
    """Input rows [gs, ge] of the stripe of output rows oy0..oy0+rows-1, and how many output rows
    the accelerator computes before oy0 (it pads the stripe on every side: the first stripe's
    top padding is the image's; an inner stripe starts one output row early, on a row the
    stride aligns, and that row is dropped)."""
    gs = 0 if oy0 == 0 else stride * oy0 - stride
    ge = min(h - 1, stride * (oy0 + rows - 1) + 1)
    return gs, ge, oy0 - gs // stride


def _dwa_cycles(hs: int, w: int, c: int, s: int) -> int:
    """The depthwise accelerator's time for one job (docs/dwa.md): per 16-channel block 9 weight
    and 4 bias beats, then per output column 9 + 1 + (OH - 1)(3 stride + 1) beats."""
    oh, ow = (hs - 1) // s + 1, (w - 1) // s + 1
    return 10 + -(-c // 16) * (13 + ow * (10 + (oh - 1) * (3 * s + 1)))


def _plan_dw(l, sw: bool, budget: int, bpc: int) -> LayerPlan:
    h, w, c = l.in_shape
    ho, wo, _ = l.out_shape
    s = l.stride

    def stripes(r: int):
        out, oy = [], 0
        while oy < ho:
            n = min(r, ho - oy)
            out.append((oy, n) + dw_stripe(oy, n, h, s))
            oy += n
        return out

    def bufs(r: int, cs: int) -> _Bufs:
        st = stripes(r)
        hs = max(ge - gs + 1 for _, _, gs, ge, _ in st)
        ohs = max((ge - gs) // s + 1 for _, _, gs, ge, _ in st)
        b = _Bufs()
        for n in ("I0", "I1"):
            b.add(n, hs * w * cs)
        for n in ("O0", "O1"):
            b.add(n, ohs * wo * cs)
        for n in ("W0", "W1"):
            b.add(n, 9 * cs)
        for n in ("B0", "B1"):
            b.add(n, 4 * cs)
        return b

    best = None
    for cs in [d for d in range(8, c + 1, 8) if c % d == 0] or [c]:
        if bufs(1, cs).top > budget:
            continue
        lo, hi = 1, ho
        while lo < hi:
            mid = (lo + hi + 1) // 2
            lo, hi = (mid, hi) if bufs(mid, cs).top <= budget else (lo, mid - 1)
        for r in sorted({lo, *[-(-ho // k) for k in range(1, ho + 1) if -(-ho // k) <= lo]}):
            # estimated time: per tile the slower of the accelerator and its transfers, plus the
            # first load and the last store, plus a fixed cost per tile
            st = stripes(r)
            tiles = []
            for _, n, gs, ge, lead in st:
                hs = ge - gs + 1
                dma = (hs * w * cs + n * wo * cs + 13 * cs) / bpc + 3 * 20
                tiles.append((_dwa_cycles(hs, w, cs, s), dma))
            per_slice = sum(max(a, d) for a, d in tiles) + len(st) * CHUNK_CYCLES
            est = per_slice * (c // cs) + tiles[0][1]
            if best is None or est < best[0]:
                best = (est, cs, r)
    if best is None:
        b = bufs(1, min(c, 8))
        raise _too_small(l.name, "one output row of 8 channels", b.top, budget)
    _, cs, r = best
    b = bufs(r, cs)
    return LayerPlan(0, l.name, l.kind, "cores" if sw else "DWA", r, len(stripes(r)), cs, 0, b.items, b.top)


def _plan_add(l, budget: int, bpc: int) -> LayerPlan:
    n_el = int(np.prod(l.out_shape))
    per_max = (budget // 6) // ALIGN * ALIGN
    if per_max < ALIGN:
        raise _too_small(l.name, f"{ALIGN} bytes", 6 * ALIGN, budget)
    n = _chunks(n_el, 3 * n_el, CHUNK_CYCLES, bpc, -(-n_el // per_max))
    per = _up(-(-n_el // n))
    n = -(-n_el // per)
    b = _Bufs()
    for name in ("A0", "A1", "O0", "O1", "B0", "B1"):
        b.add(name, per)
    return LayerPlan(0, l.name, l.kind, "cores", per, n, 0, 0, b.items, b.top)


def _plan_pool(l, budget: int, bpc: int) -> LayerPlan:
    h, w, c = l.in_shape
    fixed = _up(4 * c) + _up(c)
    per = min(h * w, (budget - fixed) // 2 // c) if budget > fixed else 0
    if per < 1:
        raise _too_small(l.name, "one pixel", fixed + 2 * c, budget)
    per, n = _split(h * w, _chunks(h * w, h * w * c, CHUNK_CYCLES, bpc, -(-h * w // per)))
    b = _Bufs()
    for name, nb in (("X0", per * c), ("X1", per * c), ("SUM", 4 * c), ("OUT", c)):
        b.add(name, nb)
    return LayerPlan(0, l.name, l.kind, "cores", per, n, 0, 0, b.items, b.top)


def _plan_fc(l, budget: int, bpc: int, cores: int, size: int, isa: str) -> LayerPlan:
    cin, cout = l.in_shape[2], l.out_shape[2]
    if -(-cin // size) > 64:
        raise ConfigError(f"{l.name}: {cin} inputs; the firmware's classifier takes at most 64 row tiles")
    if isa == "corev" and cin % 8:
        raise ConfigError(f"{l.name}: {cin} inputs; the CORE-V classifier kernel takes a multiple of 8 "
                          f"(8 weights a word along the inputs)")
    groups = -(-cout // 8)
    fixed = _up(cin) + _up(groups * 8)
    gmax = (budget - fixed) // 2 // (4 * cin) if budget > fixed else 0
    if gmax < 1:
        raise _too_small(l.name, "one group of 8 outputs", fixed + 8 * cin, budget)
    n = _chunks(groups, groups * cin * 4, CHUNK_CYCLES, bpc, -(-groups // gmax))
    g = -(-groups // n)
    g = min(gmax, -(-g // cores) * cores) if gmax >= cores else g   # whole groups for every core
    n = -(-groups // g)
    b = _Bufs()
    for name, nb in (("X", cin), ("OUT", groups * 8), ("W0", g * cin * 4), ("W1", g * cin * 4)):
        b.add(name, nb)
    return LayerPlan(0, l.name, l.kind, "cores", g, n, 0, 0, b.items, b.top)


def plan_tcdm(net: network.Network, mapping: tilepack.Mapping, sw: bool, budget: int,
              bpc: int = 8, cores: int = 8, isa: str = "rv32imc") -> list[LayerPlan]:
    plans = []
    for i, l in enumerate(net.layers):
        tiles = mapping.layer_tiles(l.name)
        if l.kind == "pw":
            p = _plan_pw(l, tiles, sw, budget, bpc, len(tiles), isa)
        elif l.kind == "conv3x3":
            p = _plan_conv(l, tiles, sw, budget, bpc, isa)
        elif l.kind == "dw":
            p = _plan_dw(l, sw, budget, bpc)
        elif l.kind == "add":
            p = _plan_add(l, budget, bpc)
        elif l.kind == "pool":
            p = _plan_pool(l, budget, bpc)
        elif l.kind == "fc":
            p = _plan_fc(l, budget, bpc, cores, mapping.size, isa)
        else:
            raise ConfigError(f"{l.name}: layer kind {l.kind!r} is not supported by the MobileNetV2 firmware")
        p.index = i
        plans.append(p)
    return plans


# ---- L2 activations ----

def plan_l2(net: network.Network, keep_all: bool) -> tuple[dict[str, int], int]:
    """Offsets of every layer's output in the activation arena. With reuse, a tensor's bytes are
    free again after its last reader (best fit among the free gaps); keep_all gives every tensor
    its own bytes."""
    last = {}
    for i, l in enumerate(net.layers):
        for src in (l.src, l.src2):
            if src:
                last[src] = i
    last[net.layers[-1].name] = len(net.layers)
    offsets, live, top = {}, {}, 0          # live: name -> (offset, bytes)
    for i, l in enumerate(net.layers):
        size = _up(int(np.prod(l.out_shape)))
        if keep_all:
            offsets[l.name], top = top, top + size
            continue
        spans = sorted(live.values())
        gaps, prev = [], 0
        for off, nb in spans:
            if off - prev >= size:
                gaps.append((off - prev, prev))
            prev = max(prev, off + nb)
        off = min(gaps)[1] if gaps else prev
        offsets[l.name] = off
        live[l.name] = (off, size)
        top = max(top, off + size)
        for name in [n for n in live if last.get(n, -1) <= i and n != l.name]:
            del live[name]
        if last.get(l.name, -1) <= i:           # never read (not in MobileNetV2)
            del live[l.name]
    return offsets, top


# ---- weight blobs ----

def tile_words(weights: np.ndarray, t: tilepack.Tile) -> np.ndarray:
    """SUBMIT_PLOT words of a tile in window order: row by row, 8 columns a word, the lowest
    column in the lowest nibble."""
    w = weights[t.row0:t.row0 + t.rows, t.col0:t.col0 + t.cols].astype(np.int64)
    nib = (w & 0xF).astype(np.uint32).reshape(t.rows, t.cols // 8, 8)
    return sum(nib[..., k] << np.uint32(4 * k) for k in range(8)).astype(np.uint32).ravel()


def fc_words(weights: np.ndarray, isa: str = "rv32imc") -> np.ndarray:
    """The classifier's weights for the cores, group-major (outputs 8g..8g+7), cin words a group.
    rv32imc: then input i: one word of 8 offset-binary nibbles, weight + 8 of output 8g+k in
    nibble k (the SUBMIT_PLOT word of row i, columns 8g.., with every nibble's top bit flipped).
    corev: then inputs 8j..8j+7, then output 8g+k: one word of those 8 inputs' weights as 4-bit
    two's complement, input 8j+b in the low nibble of byte b and input 8j+4+b in its high one
    (so a shift and a mask give two int8 quads x 16 for cv.sdotsp.b); cin a multiple of 8.
    Missing outputs weigh 0."""
    cin, cout = weights.shape
    g = -(-cout // 8)
    w = np.zeros((cin, g * 8), dtype=np.int64)
    w[:, :cout] = weights
    if isa == "corev":
        nib = (w & 0xF).astype(np.uint32).reshape(cin // 8, 2, 4, g, 8)   # [j][half][b][group][k]
        words = sum((nib[:, 0, b] << np.uint32(8 * b)) | (nib[:, 1, b] << np.uint32(8 * b + 4)) for b in range(4))
        return words.transpose(1, 0, 2).copy().ravel()                  # [group][j][k]
    nib = ((w + 8) & 0xF).astype(np.uint32).reshape(cin, g, 8)
    words = sum(nib[..., k] << np.uint32(4 * k) for k in range(8)).astype(np.uint32)
    return words.T.copy().ravel()


# ---- sources ----

def _write(path: Path, data: bytes | str) -> None:
    """Writes only when the content changes, so that unchanged builds stay up to date."""
    b = data.encode() if isinstance(data, str) else data
    if not path.exists() or path.read_bytes() != b:
        path.write_bytes(b)


def _addr(sym: str, off: int) -> str:
    """The bus address `off` bytes into symbol sym, as a constant initializer."""
    return f"(uint32_t)((const char *){sym} + {off})"


def generate(opts: Options, out_dir: Path, config: Config | None = None) -> Build:
    """Checks everything, writes the sources of one mapping into out_dir; the ELF is not built.
    config: the run configuration (default: default_config)."""
    config = config or default_config(opts)
    net = make_network(opts)
    sw = opts.mapping == "SOFTWARE"
    size = opts.size
    if not sw and config.ima.size != size:
        raise ConfigError(f"the network is tiled for {size}x{size} arrays, the configuration has ima.size = "
                          f"{config.ima.size}")
    mapping = tilepack.pack(net, size, max_arrays=None if sw else config.ima.arrays, on_ima=on_ima)
    for t in mapping.tiles:
        if t.cols % 8 or (not sw and t.x % 8):
            raise ConfigError(f"{t.layer}: tile at column {t.x} with {t.cols} columns: the IMA programs weights "
                              f"8 columns at a time")
    tcdm = config.memory.tcdm_size
    budget = ((min(tcdm, LINK_TCDM) - TCDM_RESERVED) // ALIGN) * ALIGN
    plans = plan_tcdm(net, mapping, sw, max(budget, 0), config.dma.bytes_per_cycle, config.cluster.cores, opts.isa)
    if tcdm < LINK_TCDM:
        raise ConfigError(f"memory.tcdm_size = {tcdm}: the runtime's linker script (runtime/link.ld) places the "
                          f"stacks at the top of a {LINK_TCDM // 1024} KiB TCDM")
    image = input_image(opts, net.input_shape)
    golden = network.forward(net, image, size=size)
    act_off, act_bytes = plan_l2(net, opts.keep_all)

    words = [tile_words(net.layer(t.layer).weights, t) for t in mapping.tiles]
    word_off, n = [], 0
    for w in words:
        word_off.append(n)
        n += w.size
    plot = np.concatenate(words) if words else np.zeros(0, np.uint32)
    fcl = next(l for l in net.layers if l.kind == "fc")
    fcw = fc_words(fcl.weights, opts.isa)
    dws = [l for l in net.layers if l.kind == "dw"]
    dw_off, bias_off, wdw, bdw = {}, {}, [], []
    for l in dws:
        dw_off[l.name] = sum(a.size for a in wdw)
        bias_off[l.name] = sum(a.size for a in bdw)
        wdw.append(l.weights.astype(np.int8).ravel())
        bdw.append((l.bias if l.bias is not None else np.zeros(l.in_shape[2])).astype(np.int32).ravel())
    wdw_a = np.concatenate(wdw) if wdw else np.zeros(0, np.int8)
    bdw_a = np.concatenate(bdw) if bdw else np.zeros(0, np.int32)

    l2 = {"IMA tile words": plot.nbytes, "classifier words": fcw.nbytes, "depthwise weights and biases":
          wdw_a.nbytes + bdw_a.nbytes, "input image": image.nbytes, "activations": act_bytes}
    need = sum(_up(v) for v in l2.values()) + L2_CODE_RESERVE
    l2_size = config.memory.l2_size
    if need > l2_size or need > LINK_L2:
        raise ConfigError(f"{net.name} needs about {need} bytes of L2 ({', '.join(f'{k} {v}' for k, v in l2.items())}, "
                          f"{L2_CODE_RESERVE} for code), L2 has {min(l2_size, LINK_L2)}"
                          + (" (keep_all gives every layer its own buffer)" if opts.keep_all else "")
                          + "; a larger L2 needs memory.l2_size and runtime/link.ld's L2 length")

    out_dir.mkdir(parents=True, exist_ok=True)
    blobs = {"mn_plot": plot.astype("<u4").tobytes(), "mn_fcw": fcw.astype("<u4").tobytes(),
             "mn_wdw": wdw_a.astype(np.int8).tobytes(), "mn_bdw": bdw_a.astype("<i4").tobytes(),
             "mn_input": image.astype(np.int8).tobytes()}
    asm = ["/* Generated by iss/mobilenet.py: do not edit. The blobs' hashes make a changed blob",
           "   change this file, so the firmware is rebuilt. */",
           '    .section .l2_data, "aw", @progbits']
    for name, data in blobs.items():
        _write(out_dir / f"{name}.bin", data)
        asm += ["    .balign 16", f"    .global {name}", f"{name}:  /* {len(data)} bytes, sha256 "
                f"{hashlib.sha256(data).hexdigest()[:16]} */",
                f'    .incbin "{(out_dir / f"{name}.bin").resolve()}"' if data else "    .space 4"]
    _write(out_dir / "mn_blobs.S", "\n".join(asm) + "\n")

    # tiles: the layer's tiles are consecutive in mapping.tiles (tilepack.split's order); a tile's
    # packed weights (software, resident) and its words sit at these offsets from the layer's first
    tile_index = {id(t): i for i, t in enumerate(mapping.tiles)}
    first_of = {}
    tile_pk = {}
    for l in net.layers:
        pk = 0
        for t in mapping.layer_tiles(l.name):
            first_of[id(t)] = tile_index[id(mapping.layer_tiles(l.name)[0])]
            tile_pk[id(t)] = pk
            pk += _up(_packed_bytes(t, opts.isa))
    tile_rows, layer_rows = [], []
    for i, t in enumerate(mapping.tiles):
        tile_rows.append(
            f"    {{.row0 = {t.row0}, .col0 = {t.col0}, .rows = {t.rows}, .cols = {t.cols}, .rt = {t.row0 // size}, "
            f".array = {t.array}, .x = {t.x}, .y = {t.y}, .words = {_addr('mn_plot', 4 * word_off[i])}, "
            f".pk = {tile_pk[id(t)]}, .wn = {4 * (word_off[i] - word_off[first_of[id(t)]])}}},  /* {t.layer} */")
    index = {l.name: i for i, l in enumerate(net.layers)}
    for l, p in zip(net.layers, plans):
        tiles = mapping.layer_tiles(l.name)
        t0 = tile_index[id(tiles[0])] if tiles else 0
        def tensor(name: str) -> str:
            return _addr("mn_input", 0) if name == "input" else _addr("mn_act", act_off[name])
        src, src2 = tensor(l.src), tensor(l.src2) if l.src2 else "0"
        wts = bias = words = "0"
        if l.kind == "dw":
            wts, bias = _addr("mn_wdw", dw_off[l.name]), _addr("mn_bdw", 4 * bias_off[l.name])
        elif l.kind == "fc":
            words = _addr("mn_fcw", 0)
        elif tiles:
            words = _addr("mn_plot", 4 * word_off[t0])
        assert len(p.bufs) <= NBUF, p
        bufs = ", ".join(str(off) for _, off, _ in p.bufs) or "0"
        h, w, cin = l.in_shape
        ho, wo, cout = l.out_shape
        layer_rows.append(
            f"    {{ /* {index[l.name]}: {l.name} */\n"
            f"        .kind = {KINDS[l.kind]}, .h = {h}, .w = {w}, .cin = {cin}, .ho = {ho}, .wo = {wo}, .cout = {cout}, "
            f".stride = {l.stride},\n"
            f"        .in = {src}, .in2 = {src2}, "
            f".out = {_addr('mn_act', act_off[l.name])},\n"
            f"        .adc_low = {l.adc_low}, .adc_high = {l.adc_high}, .shift = {l.shift}, .relu = {int(l.relu)},\n"
            f"        .tile0 = {t0}, .ntiles = {len(tiles)}, .row_tiles = {max([t.row0 // size for t in tiles], default=0) + 1},\n"
            f"        .wts = {wts}, .bias = {bias}, .words = {words},\n"
            f"        .chunk = {p.chunk}, .nchunks = {p.nchunks}, .slice = {p.slice}, .resident = {p.resident},\n"
            f"        .buf = {{{bufs}}},\n    }},")
    work = max(p.tcdm_bytes for p in plans)
    fc_index = index[fcl.name]
    hdr = [
        "/* Generated by iss/mobilenet.py: do not edit. */",
        "#ifndef MN_PARAMS_H", "#define MN_PARAMS_H", "#include <stdint.h>", '#include "mn.h"',
        f"/* {net.name}, mapping {opts.mapping}, {mapping.arrays} IMA arrays of {size}x{size} */",
        f"#define MN_NLAYERS {len(net.layers)}", f"#define MN_NTILES {len(mapping.tiles)}",
        f"#define MN_ARRAYS {mapping.arrays}", f"#define MN_SIZE {size}",
        f"#define MN_WORK_BYTES {_up(work)}", f"#define MN_ACT_BYTES {max(act_bytes, 16)}",
        f"#define MN_OUT_LAYER {fc_index}", f"#define MN_CLASSES {fcl.out_shape[2]}",
        f"#define MN_MARK_SETUP 0x{MARK_SETUP:x}", f"#define MN_MARK_START 0x{MARK_START:x}",
        f"#define MN_MARK_END 0x{MARK_END:x}",
        "extern mn_layer_t mn_layers[MN_NLAYERS];", "extern mn_tile_t mn_tiles[MN_NTILES > 0 ? MN_NTILES : 1];",
        "extern int8_t mn_act[MN_ACT_BYTES];",
        "extern const uint32_t mn_plot[], mn_fcw[];", "extern const int8_t mn_wdw[], mn_input[];",
        "extern const int32_t mn_bdw[];",
        "#endif", ""]
    _write(out_dir / "mn_params.h", "\n".join(hdr))
    data = ["/* Generated by iss/mobilenet.py: do not edit. */", '#include "mn_params.h"', "",
            "/* activations, in L2: offsets from iss/mobilenet.py plan_l2 */",
            "int8_t mn_act[MN_ACT_BYTES] __attribute__((section(\".l2_bss\"), aligned(16)));", "",
            "/* the tables are read often: in the TCDM (.data) */",
            "mn_tile_t mn_tiles[MN_NTILES > 0 ? MN_NTILES : 1] = {", *tile_rows, "};", "",
            "mn_layer_t mn_layers[MN_NLAYERS] = {", *layer_rows, "};", ""]
    _write(out_dir / "mn_data.c", "\n".join(data))
    return Build(opts, Path(), out_dir, net, mapping, image, golden, plans, act_off, act_bytes, _up(work),
                 config, l2)


def build(opts: Options, config: Config | None = None, out_root: Path | None = None) -> Build:
    """Generates the sources of one mapping and builds firmware/mobilenetv2; returns the Build.
    config is the run configuration; by default the paper's cluster with as many IMA arrays as
    the network needs."""
    net_tag = f"mnv2-{opts.resolution}-{opts.width:g}-seed{opts.seed}" + ("-keep" if opts.keep_all else "")
    if opts.weights:
        net_tag += "-w" + hashlib.sha256(Path(opts.weights).read_bytes()).hexdigest()[:8] \
            if Path(opts.weights).is_file() else "-wmissing"
    if opts.image:
        net_tag += "-img" + hashlib.sha256(str(Path(opts.image).resolve()).encode()).hexdigest()[:8]
    if config is None:
        config = default_config(opts)
    out_root = out_root or ROOT / "build" / "mobilenetv2"
    src = out_root / f"src-{net_tag}-{opts.mapping.lower()}-{opts.isa}"
    src.mkdir(parents=True, exist_ok=True)
    for f in SOURCE_DIR.iterdir():
        if f.suffix in (".c", ".h", ".S"):
            _write(src / f.name, f.read_bytes())
    b = generate(opts, src, config)
    b.elf = firmware.build_program(src, out_root / f"{net_tag}-{opts.mapping.lower()}-{opts.isa}.elf",
                                   defines={"MN_SOFTWARE": MAPPINGS[opts.mapping]}, isa=opts.isa)
    return b


def default_config(opts: Options) -> Config:
    """The paper's cluster with as many arrays as Tile&Pack needs for this network."""
    net = network.mobilenetv2(opts.resolution, opts.width)
    network.init_weights(net, opts.seed)       # the packing depends on the shapes only
    arrays = tilepack.pack(net, opts.size, on_ima=on_ima).arrays
    return Config().replace(ima={"arrays": max(1, arrays), "size": opts.size})


# ---- run ----

@dataclass
class LayerResult:
    name: str
    kind: str
    engine: str
    macs: int
    cycles: int
    dma_exposed: int
    dma_busy: int
    activity: dict
    energy: dict

    @property
    def dma_hidden(self) -> int:
        return max(0, self.dma_busy - self.dma_exposed)


@dataclass
class Inference:
    result: RunResult
    layers: list
    latency_cycles: int
    setup_cycles: int
    energy: dict                     # joules per component, the inference only
    top5: list
    checksum: int
    printed_top5: list
    printed_checksum: int
    clock_hz: float

    @property
    def latency_s(self) -> float:
        return self.latency_cycles / self.clock_hz

    @property
    def dma_exposed_cycles(self) -> int:
        return sum(l.dma_exposed for l in self.layers)

    @property
    def total_energy(self) -> float:
        return sum(self.energy.values())


def checksum(logits: np.ndarray) -> int:
    """The firmware's checksum of the classifier output: h = h * 31 + byte, 32 bits."""
    h = 0
    for b in logits.astype(np.int8).view(np.uint8).ravel():
        h = (h * 31 + int(b)) & 0xFFFFFFFF
    return h


def top5(logits: np.ndarray) -> list[int]:
    """The five largest outputs, the lowest index first among equals (as the firmware)."""
    v = logits.astype(np.int64).ravel()
    return [int(i) for i in sorted(range(v.size), key=lambda i: (-v[i], i))[:5]]


def read_outputs(cluster: Cluster, b: Build, names: list[str] | None = None) -> dict[str, np.ndarray]:
    """Layer outputs from L2 after the run. Without keep_all only the tensors still live at the
    end (the classifier's) are meaningful."""
    base = cluster.symbol("mn_act")
    out = {}
    for l in b.layers:
        if names is not None and l.name not in names:
            continue
        n = int(np.prod(l.out_shape))
        out[l.name] = np.frombuffer(cluster.read(base + b.act_offsets[l.name], n), dtype=np.int8).reshape(l.out_shape)
    return out


def layer_regions(b: Build) -> list[tuple[int, int, str]]:
    """Named trace regions: layer k lies between the firmware's markers 2k and 2k + 1."""
    regions = [(2 * k, 2 * k + 1, f"{l.name} ({l.kind})") for k, l in enumerate(b.layers)]
    regions.append((MARK_SETUP, MARK_START, "IMA weight programming"))
    return regions


def run(b: Build, config: Config | None = None, progress: bool = False, stdout=None,
        trace: str | Path | None = None) -> tuple[Inference, Cluster]:
    """Runs the built firmware; returns the inference's figures and the cluster (for read_outputs).
    With trace, writes a Chrome/Perfetto trace there with every layer as a named span."""
    from .trace import TraceOptions, Tracer, check_writable

    config = config or b.config
    cl = Cluster(config).load(b.elf)
    tracer = None
    if trace is not None:
        check_writable(trace, "--trace")
        tracer = Tracer(cl, TraceOptions(marker_spans=layer_regions(b)))
    n = len(b.layers)
    tty = sys.stderr.isatty()
    state = {"shown": -1, "t0": time.perf_counter()}

    def on_chunk():
        # progress on stderr from the markers: the layers done so far (on a terminal, one line
        # rewritten; otherwise a line every tenth of the layers)
        ms = cl.markers()
        started = any(m.id == MARK_START for m in ms)
        done = sum(1 for m in ms if m.id < 2 * n and m.id % 2 == 1)
        step = 1 if tty else max(1, n // 10)
        if (done // step != state["shown"] // step) or state["shown"] < 0:
            state["shown"] = done
            phase = f"layer {done}/{n}" if started else "programming the IMA arrays"
            text = f"  [{b.options.mapping.lower()}] {phase:<28} {time.perf_counter() - state['t0']:6.1f} s"
            print("\r" + text if tty else text, end="" if tty else "\n", file=sys.stderr, flush=True)

    res = cl.run(stdout=stdout, on_chunk=on_chunk if progress else None)
    if tracer is not None:
        size = tracer.finish(res).write_json(trace)
        print(f"trace: {trace} ({size / 1e6:.1f} MB): open it in https://ui.perfetto.dev", file=sys.stderr)
    if progress and tty:
        print(file=sys.stderr)
    if res.exit_code != 0:
        raise RuntimeError(f"MobileNetV2 firmware exited with {res.exit_code}:\n{res.output}")
    ms = {m.id: m for m in cl.markers()}
    cores = config.cluster.cores
    model = EnergyModel()
    stats = cl.read_array("mn_stats", np.uint32, 2 * n).reshape(n, 2)
    layers = []
    for i, (l, p) in enumerate(zip(b.layers, b.plans)):
        a = region_activity(ms[2 * i], ms[2 * i + 1], cores)
        layers.append(LayerResult(l.name, l.kind, p.engine, l.macs, ms[2 * i + 1].cycle - ms[2 * i].cycle,
                                  int(stats[i, 1]), a["dma_busy_cycles"], a, model.breakdown(a)))
    total = region_activity(ms[MARK_START], ms[MARK_END], cores)
    logits = read_outputs(cl, b, [b.layers[-1].name])[b.layers[-1].name].ravel()
    printed_top5, printed_sum = [], -1
    for line in res.output.splitlines():
        if line.startswith("top5"):
            printed_top5 = [int(x.split(":")[0]) for x in line.split()[1:]]
        if line.startswith("checksum"):
            printed_sum = int(line.split()[1], 16)
    inf = Inference(res, layers, ms[MARK_END].cycle - ms[MARK_START].cycle,
                    ms[MARK_START].cycle - ms[MARK_SETUP].cycle, model.breakdown(total), top5(logits),
                    checksum(logits), printed_top5, printed_sum, config.cluster.clock_hz)
    return inf, cl
