"""Tile&Pack (the paper's mapping of a network onto a multi-array IMA): split each IMA layer's
weight matrix into tiles of at most size x size (rows = inputs, columns = outputs), then
bin-pack the tiles onto arrays with rectpack (BinBestFit bins, MaxRects best-short-side-fit,
no rotation: a tile's rows must stay rows)."""
from __future__ import annotations

from dataclasses import dataclass

import rectpack

from .errors import ConfigError
from .network import Network


@dataclass(frozen=True)
class Tile:
    layer: str
    row0: int          # first weight row (input) of the layer in this tile
    col0: int          # first weight column (output)
    rows: int
    cols: int
    array: int = -1    # placement
    x: int = -1        # array column of the tile's first column
    y: int = -1        # array row of the tile's first row


@dataclass
class Mapping:
    size: int
    arrays: int
    tiles: list[Tile]

    def utilisation(self) -> list[float]:
        used = [0] * self.arrays
        for t in self.tiles:
            used[t.array] += t.rows * t.cols
        return [u / (self.size * self.size) for u in used]

    def layer_tiles(self, name: str) -> list[Tile]:
        return [t for t in self.tiles if t.layer == name]


def split(net: Network, size: int, on_ima=lambda l: l.on_ima) -> list[Tile]:
    tiles = []
    for l in net.layers:
        if not on_ima(l) or l.weights is None:
            continue
        rows, cols = l.weights.shape
        for r in range(0, rows, size):
            for c in range(0, cols, size):
                tiles.append(Tile(l.name, r, c, min(size, rows - r), min(size, cols - c)))
    return tiles


def pack(net: Network, size: int = 256, max_arrays: int | None = None,
         on_ima=lambda l: l.on_ima) -> Mapping:
    """Places every tile; raises ConfigError if more than max_arrays arrays are needed."""
    tiles = split(net, size, on_ima)
    packer = rectpack.newPacker(mode=rectpack.PackingMode.Offline, bin_algo=rectpack.PackingBin.BBF,
                                pack_algo=rectpack.MaxRectsBssf, rotation=False)
    for i, t in enumerate(tiles):
        packer.add_rect(t.cols, t.rows, rid=i)   # width = columns, height = rows
    packer.add_bin(size, size, count=float("inf"))
    packer.pack()
    placed = list(tiles)
    for b, x, y, w, h, rid in packer.rect_list():
        placed[rid] = Tile(tiles[rid].layer, tiles[rid].row0, tiles[rid].col0, h, w, b, x, y)
    if any(t.array < 0 for t in placed):
        raise ConfigError("Tile&Pack could not place every tile")
    arrays = 1 + max(t.array for t in placed)
    if max_arrays is not None and arrays > max_arrays:
        raise ConfigError(f"{net.name} needs {arrays} IMA arrays of {size}x{size}, the configuration has "
                          f"{max_arrays} (set ima.arrays)")
    return Mapping(size, arrays, placed)
