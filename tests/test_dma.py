"""Cluster DMA (MCHAN v7 programming model, docs/dma.md): data, 2-D, several transfers in
flight, pulp-sdk register sequences, events, the timing formula and every bad input."""
import re

import numpy as np
import pytest

from iss import Cluster, Config
from iss.config import DmaConfig

from .conftest import run_cli

GUARD = 16


def cfg(**sections):
    return Config().replace(**sections) if sections else Config()


def pattern(start: int, n: int) -> np.ndarray:
    """The L2 source of firmware/dma (its pattern() function)."""
    i = np.arange(start, start + n, dtype=np.uint64)
    return ((i * 131 + (i >> 8) * 7 + 5) & 0xFF).astype(np.uint8)


def mem(cl: Cluster, addr: int, n: int) -> np.ndarray:
    return np.frombuffer(cl.read(addr, n), dtype=np.uint8)


@pytest.fixture(scope="module")
def dma_runs(fw):
    """firmware/dma run once per configuration: (cluster, result)."""
    cache = {}

    def run(cores=8, **sections):
        key = (cores, repr(sorted(sections.items())))
        if key not in cache:
            cl = Cluster(cfg(cluster={"cores": cores}, **sections)).load(fw("dma"))
            cache[key] = (cl, cl.run())
        return cache[key]
    return run


@pytest.mark.parametrize("cores, sections", [
    (8, {}), (1, {}), (3, {}),
    (8, {"timing": {"bank_conflicts": True}}),
    (8, {"timing": {"quantum": 1}}),
    (8, {"dma": {"max_burst": 4, "bytes_per_cycle": 3, "tcdm_ports": 1}}),
])
def test_round_trips_of_every_length_and_alignment(dma_runs, cores, sections):
    cl, r = dma_runs(cores, **sections)
    assert r.exit_code == 0, r.output
    assert "round trips done" in r.output
    src_base = cl.symbol("l2_src")
    cases = cl.read_array("dma_cases", np.uint32, 14 * 4).reshape(14, 4)
    lengths = [int(c[0]) for c in cases]
    assert lengths == [1, 3, 4, 4, 100, 256, 257, 1000, 4096, 4097, 5000, 8191, 70000, 140000]
    for length, src, loc, dst in (map(int, c) for c in cases):
        want = pattern(src - src_base, length)
        where = f"case len {length} src {src:#x} tcdm {loc:#x} dst {dst:#x}"
        assert np.array_equal(mem(cl, src, length), want), where
        assert np.array_equal(mem(cl, loc, length), want), where
        assert np.array_equal(mem(cl, dst, length), want), where
        # nothing written around the copies
        assert (mem(cl, loc - GUARD, GUARD) == 0xA5).all() and (mem(cl, loc + length, GUARD) == 0xA5).all(), where
        assert (mem(cl, dst - GUARD, GUARD) == 0x5A).all() and (mem(cl, dst + length, GUARD) == 0x5A).all(), where


def test_2d_transfers_gather_and_scatter_tiles(dma_runs):
    cl, r = dma_runs()
    img = ((np.arange(40 * 64) * 7 + 1) & 0xFF).astype(np.uint8).reshape(40, 64)
    assert np.array_equal(cl.read_array("img", np.uint8, 40 * 64).reshape(40, 64), img)
    tile = img[3:12, 5:22]                          # 9 rows of 17 bytes, stride 64
    assert np.array_equal(cl.read_array("tile", np.uint8, 9 * 17).reshape(9, 17), tile)
    part = cl.read_array("tile_part", np.uint8, 104)
    assert np.array_equal(part[:100], tile.flatten()[:100])   # 5 rows and 15 bytes
    assert (part[100:] == 0xEE).all()
    img2 = np.zeros((40, 50), dtype=np.uint8)       # scattered back with stride 50
    img2[2:11, 7:24] = tile
    assert np.array_equal(cl.read_array("img2", np.uint8, 40 * 50).reshape(40, 50), img2)
    assert "2d ids 0 1 0" in r.output.splitlines()


def test_four_transfers_in_flight_waited_out_of_order(dma_runs):
    cl, r = dma_runs()
    # all four in flight right after they were pushed (bits 3:0), allocated (bits 19:16)
    assert "in flight ids 0 1 2 3 status 0x000f000f then 0x00000000" in r.output.splitlines()
    for i, length in enumerate([3000, 500, 2000, 64]):
        got = mem(cl, cl.symbol("fly_tcdm") + 3000 * i, length)
        assert np.array_equal(got, pattern(1000 * i + i, length)), i


def test_pulp_sdk_register_sequences_and_global_view(dma_runs):
    cl, r = dma_runs()
    # one id for three commands, plp_dma_barrier's free of every id (-1), the global view
    assert "pulp counter 0 then 0 1 after free 0x00000000 global 0" in r.output.splitlines()
    assert np.array_equal(cl.read_array("pulp_tcdm", np.uint8, 600), pattern(7, 600))
    assert np.array_equal(cl.read_array("global_tcdm", np.uint8, 300), pattern(11, 300))
    assert "dma status at end 0x00000000" in r.output.splitlines()


@pytest.mark.parametrize("cores", [8, 3])
def test_end_event_goes_to_the_issuer_or_to_every_core_with_ble(dma_runs, cores):
    _, r = dma_runs(cores)
    lines = sorted(l for l in r.output.splitlines() if "broadcast" in l)
    assert lines == [f"core {c}: event of core 0's transfer 0, woken by its broadcast"
                     for c in range(1, cores)]


# ---- timing ----

def dma_formula(c: DmaConfig, length: int, tcdm_addr: int, row_len: int | None = None):
    """docs/dma.md: (AXI beats, TCDM cycles, duration) of one transfer on an idle DMA."""
    row_len = row_len or length
    beats = tcdm = pos = 0
    while pos < length:
        b = min(length - pos, row_len - pos % row_len, c.max_burst)
        words = (tcdm_addr + pos + b - 1) // 4 - (tcdm_addr + pos) // 4 + 1
        beats += -(-b // c.bytes_per_cycle)
        tcdm += -(-words // c.tcdm_ports)
        pos += b
    return beats, tcdm, c.l2_latency + max(beats, tcdm)


def measured(fw, length=4096, direction=1, **sections):
    cl = Cluster(cfg(cluster={"cores": 1}, **sections)).load(fw("dma_time", LEN=length, DIR=direction))
    r = cl.run()
    m = re.search(r"dma \d+ bytes dir \d: (\d+) cycles", r.output)
    assert r.exit_code == 0 and m, r.output
    return int(m.group(1)), cl.symbol("tcdm_buf"), cl.config.dma


CONFIGS = [
    {},
    {"dma": {"l2_latency": 100}},
    {"dma": {"bytes_per_cycle": 4}},
    {"dma": {"max_burst": 64, "bytes_per_cycle": 3}},
    {"dma": {"tcdm_ports": 1, "bytes_per_cycle": 64}},      # the TCDM side sets the pace
]


@pytest.mark.parametrize("length, direction", [(4096, 1), (4096, 0), (4097, 1), (1000, 0)])
def test_transfer_time_follows_the_formula(fw, length, direction):
    base, loc, c = measured(fw, length, direction)
    beats, tcdm, duration = dma_formula(c, length, loc)
    overhead = base - duration
    print(f"\n{length} B dir {direction} defaults: l2_latency {c.l2_latency} + max(AXI beats {beats}, "
          f"TCDM cycles {tcdm}) = {duration}; measured {base}, instruction overhead {overhead}")
    # alloc, push, status, event wait, wake-up, free: a few dozen cycles of instructions
    assert 0 < overhead <= 60
    for sections in CONFIGS[1:]:
        got, loc, c = measured(fw, length, direction, **sections)
        beats, tcdm, duration = dma_formula(c, length, loc)
        print(f"  {sections}: {c.l2_latency} + max({beats}, {tcdm}) = {duration}; measured {got}")
        assert got - duration == overhead, sections   # the calls cost the same


def test_transfer_time_with_bank_conflict_modelling(fw):
    base, loc, c = measured(fw)
    overhead = base - dma_formula(c, 4096, loc)[2]
    for dma in ({}, {"tcdm_ports": 1, "bytes_per_cycle": 64}):
        got, loc, c = measured(fw, timing={"bank_conflicts": True}, dma=dma)
        # the DMA's words go through the banks' grants; no core competes, so no delay
        assert abs(got - dma_formula(c, 4096, loc)[2] - overhead) <= 3, dma


def test_cores_loading_from_every_bank_slow_a_tcdm_bound_transfer(fw):
    elf = fw("dma_time", LEN=4096, DIR=1, CONTEND=1)
    tcdm_bound = {"tcdm_ports": 1, "bytes_per_cycle": 64}

    def run(**sections):
        r = Cluster(cfg(**sections)).load(elf).run()
        return int(re.search(r": (\d+) cycles", r.output).group(1))

    alone, _, _ = measured(fw, dma=tcdm_bound)
    assert run(dma=tcdm_bound) == alone              # no bank modelling: no effect
    slowed = run(dma=tcdm_bound, timing={"bank_conflicts": True})
    print(f"\nTCDM-bound 4096 B: alone {alone} cycles, with 7 cores loading from every bank {slowed}")
    assert slowed > alone + 50
    # with the defaults the AXI side sets the pace: the conflicts are hidden behind it (the
    # polling core's own status loads may meet a contending core in a bank: 1 cycle), and
    # the figure is the same at every quantum (issue 13: 573 at quantum 1000, 574 at 100)
    hidden = {run(timing={"bank_conflicts": True, "quantum": q}) for q in (1, 100, 1000, 100000)}
    assert len(hidden) == 1 and abs(hidden.pop() - measured(fw)[0]) <= 1


def test_transfer_time_does_not_depend_on_the_quantum(fw):
    assert len({measured(fw, timing={"quantum": q})[0] for q in (1, 7, 1000, 100000)}) == 1


@pytest.mark.parametrize("option, extra", [("dma.bytes_per_cycle=4", 512), ("dma.l2_latency=100", 80)])
def test_set_option_changes_the_transfer_time(fw, option, extra):
    elf = fw("dma_time", LEN=4096, DIR=1)
    times = []
    for args in ([], ["--set", option]):
        r = run_cli("run", "--quiet", "--cores", "1", *args, elf)
        assert r.returncode == 0, r.stderr
        times.append(int(re.search(r": (\d+) cycles", r.stdout).group(1)))
    # 4096 B: 16 bursts of 256 B; 8 B a cycle is 512 cycles, 4 B a cycle 1024; latency 20 -> 100
    assert times[1] - times[0] == extra, times


# ---- bad input: one clear error, exit code 109, naming the core and the function ----

BAD = [
    ("l2_addr", 0, "DMA L2 address 0x30000000 is outside L2 (0x1c000000-0x1c3fffff)"),
    ("tcdm_addr", 0, "is outside the TCDM (0x10000000-0x1007ffff or its alias at 0)"),
    ("len0", 0, "DMA command with length 0"),
    ("tcdm_overrun", 0, "DMA transfer of 64 bytes at TCDM address 0x1007fff0 runs past the end of the TCDM"),
    ("l2_overrun", 0, "DMA transfer of 64 bytes at L2 address 0x1c3ffff0 runs past the end of L2"),
    ("2d_overrun", 0, "DMA 2-D transfer of 64 bytes (rows of 16 every 2048) at L2 address 0x1c3ff008 "
                      "runs past the end of L2"),
    ("ids", 0, "all 16 transfer ids are allocated"),
    ("free", 1, "freeing transfer id 5, which is not allocated"),
    ("2d_row0", 0, "DMA 2-D transfer with row length 0"),
    ("2d_stride", 0, "DMA 2-D transfer with stride 8 < row length 16"),
    ("ile", 0, "sets ILE (interrupt at end): interrupts are not modelled"),
    ("2d_tcdm", 0, "sets 2D_TCDM: 2-D transfers on the TCDM side are not modelled"),
    ("no_inc", 0, "clears INC: fixed-address transfers are not modelled"),
    ("no_id", 0, "DMA command pushed with no transfer id: read CMD first"),
    ("register", 0, "load at 0x10204408 in the DMA: no register there"),
]


@pytest.mark.parametrize("name, core, message", BAD, ids=[b[0] for b in BAD])
def test_bad_dma_input_is_one_clear_error(fw, name, core, message):
    r = run_cli("run", fw(f"dma_bad_{name}"))
    assert r.returncode == 109, (r.returncode, r.stderr)
    assert "Traceback" not in r.stderr
    assert "iss: peripheral error: " in r.stderr
    assert message in r.stderr, r.stderr
    assert f"at core {core}, pc 0x" in r.stderr and "<do_bad_dma+" in r.stderr, r.stderr


def test_dma_heavy_benchmark_kernel(fw):
    from iss import Cluster
    cl = Cluster().load(fw("dma_bench", TOTAL=1 << 16))
    r = cl.run()
    assert r.exit_code == 0
    assert r.output.splitlines()[0] == f"checksum {((1 << 14) * 0x01010101) % (1 << 32)}"
    assert cl.read(cl.symbol("dst"), 1 << 16) == b"\x01" * (1 << 16)

