"""The Python API: ``Cluster(config).load(elf).run()``.

Python only orchestrates: it loads the ELF into the shared memories, then lets the native
scheduler run in chunks of slices, draining the program's output between chunks."""
from __future__ import annotations

import codecs
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, TextIO

import numpy as np

from . import config as config_mod
from .config import isa_ext_mask
from .energy import EnergyModel
from .errors import (ConfigError, DeadlockError, IllegalInstructionError, IssError, MaxCyclesError,
                     MemoryFaultError, PeripheralError)
from .loader import Program, load_elf
from .native import load as load_native
from .regmap import REGIONS

RUN_CONTINUE, RUN_EXIT, RUN_FAULT, RUN_DEADLOCK, RUN_MAX_CYCLES = range(5)
(FAULT_NONE, FAULT_ILLEGAL, FAULT_READ_UNMAPPED, FAULT_WRITE_UNMAPPED, FAULT_FETCH_UNMAPPED,
 FAULT_PERIPH, FAULT_ECALL, FAULT_EBREAK, FAULT_HTIF, FAULT_INTERNAL) = range(10)
WAIT_NAMES = {0: "nothing", 1: "an event", 2: "an event (wfi)", 3: "a hardware barrier",
              4: "a mutex", 5: "the dispatch FIFO"}
STATE_NAMES = {0: "running", 1: "sleeping", 2: "halted"}
SLICES_PER_CHUNK = 20000


@dataclass(frozen=True)
class CoreStats:
    core: int
    pc: int
    state: str
    cycles: int
    sleep_cycles: int
    instructions: int
    loads: int
    stores: int
    jumps: int
    branches: int
    taken_branches: int
    compressed: int
    load_stalls: int
    jump_stalls: int
    tcdm_contention: int

    @property
    def active_cycles(self) -> int:
        return self.cycles - self.sleep_cycles

    @property
    def ipc(self) -> float:
        return self.instructions / self.active_cycles if self.active_cycles else 0.0


@dataclass(frozen=True)
class Marker:
    """A firmware marker: id, the writing core, its time, and the activity counters then."""
    id: int
    core: int
    cycle: int
    activity: dict


def region_activity(start: Marker, end: Marker, cores: int) -> dict[str, int]:
    """Activity between two markers (the energy model's input for a region of a run): the
    counters' differences, the cores' sleep being the rest of cores x duration."""
    a = {k: end.activity[k] - start.activity[k] for k in end.activity}
    span = end.cycle - start.cycle
    a["core_sleep_cycles"] = max(0, cores * span - a["core_active_cycles"])
    return a


@dataclass(frozen=True)
class ProfileEntry:
    function: str
    cycles: int          # stalls and sleep included
    sleep_cycles: int
    calls: int           # executions of the function's first block


def format_joules(j: float) -> str:
    for unit, scale in (("mJ", 1e-3), ("uJ", 1e-6), ("nJ", 1e-9)):
        if j >= scale:
            return f"{j / scale:.3f} {unit}"
    return f"{j / 1e-12:.3f} pJ"


@dataclass(frozen=True)
class RunResult:
    exit_code: int          # the program's status (CORESTATUS or tohost)
    exit_core: int
    output: str
    cores: list[CoreStats]
    wall_seconds: float
    clock_hz: float
    activity: dict = field(default_factory=dict)
    energy: dict = field(default_factory=dict)   # joules per component (iss/energy.py)

    @property
    def instructions(self) -> int:
        return sum(c.instructions for c in self.cores)

    @property
    def cycles(self) -> int:
        """Simulated time of the run: the largest local time of any core."""
        return max(c.cycles for c in self.cores)

    @property
    def mips(self) -> float:
        return self.instructions / self.wall_seconds / 1e6 if self.wall_seconds > 0 else 0.0

    def core_table(self) -> str:
        """Per-core instructions, cycles, IPC, stall breakdown and sleep."""
        rows = [f"{'core':>4} {'instr':>11} {'cycles':>11} {'IPC':>5} {'ld-stall':>9} {'jmp-stall':>9} "
                f"{'taken-br':>9} {'tcdm-cont':>9} {'sleep':>11}"]
        for c in self.cores:
            rows.append(f"{c.core:>4} {c.instructions:>11} {c.cycles:>11} {c.ipc:>5.2f} {c.load_stalls:>9} "
                        f"{c.jump_stalls:>9} {c.taken_branches:>9} {c.tcdm_contention:>9} {c.sleep_cycles:>11}")
        return "\n".join(rows)

    @property
    def total_energy(self) -> float:
        return sum(self.energy.values())

    def accelerator_lines(self) -> list[str]:
        a, lines = self.activity, []

        def share(busy: int) -> str:
            return f"{100.0 * busy / self.cycles if self.cycles else 0:.1f}%"
        if a.get("dma_transfers"):
            lines.append(f"dma: {a['dma_transfers']} transfers, {a['dma_bytes']} bytes, busy "
                         f"{a['dma_busy_cycles']} cycles ({share(a['dma_busy_cycles'])})")
        if a.get("ima_jobs") or a.get("ima_words_programmed"):
            lines.append(f"ima: {a['ima_jobs']} jobs, {a['ima_words_programmed']} weight words programmed, "
                         f"busy {a['ima_busy_cycles']} cycles ({share(a['ima_busy_cycles'])}), "
                         f"compute {a['ima_compute_cycles']} cycles")
        if a.get("dwa_jobs"):
            lines.append(f"dwa: {a['dwa_jobs']} jobs, {a['dwa_macs']} MACs, busy {a['dwa_busy_cycles']} cycles "
                         f"({share(a['dwa_busy_cycles'])})")
        lines.append("energy: " + ", ".join(f"{k} {format_joules(v)}" for k, v in self.energy.items()) +
                     f", total {format_joules(self.total_energy)}")
        return lines

    def summary(self) -> str:
        us = self.cycles / self.clock_hz * 1e6
        return (f"exit {self.exit_code} | {self.instructions} instructions | {self.cycles} cycles "
                f"({us:.2f} us at {self.clock_hz / 1e6:g} MHz) | wall {self.wall_seconds:.3f} s | "
                f"{self.mips:.1f} MIPS")


class Cluster:
    """One simulated cluster. Use once: load a program, run it, inspect memory."""

    def __init__(self, config: config_mod.Config | None = None):
        self.config = (config or config_mod.Config()).validate()
        self._ffi, self._lib = load_native()
        c = self.config
        cfg = self._ffi.new("iss_config_t *")
        cfg.num_cores = c.cluster.cores
        cfg.cluster_id = c.cluster.cluster_id
        cfg.tcdm_size = c.memory.tcdm_size
        cfg.l2_size = c.memory.l2_size
        cfg.quantum = c.timing.quantum
        cfg.max_cycles = c.run.max_cycles
        cfg.sleep_cycles = c.timing.sleep_cycles
        cfg.wakeup_cycles = c.timing.wakeup_cycles
        cfg.prefix_output = int(c.run.prefix_output)
        t = c.timing
        cfg.timing_model = int(t.model)
        cfg.bank_conflicts = int(t.bank_conflicts and t.model)
        cfg.tcdm_banks = c.memory.tcdm_banks
        for name in ("taken_branch_cycles", "jump_cycles", "load_use_cycles", "jalr_hazard_cycles",
                     "mulh_cycles", "csr_counter_cycles", "fence_i_cycles", "l2_latency", "periph_latency",
                     "halfword_target_cycles", "fence_cycles", "misaligned_cycles"):
            setattr(cfg, name, getattr(t, name) if t.model else 0)
        cfg.dma_l2_latency = c.dma.l2_latency
        cfg.dma_bytes_per_cycle = c.dma.bytes_per_cycle
        cfg.dma_tcdm_ports = c.dma.tcdm_ports
        cfg.dma_max_burst = c.dma.max_burst
        ima, ghz = c.ima, c.cluster.clock_hz / 1e9
        cfg.ima_arrays, cfg.ima_size = ima.arrays, ima.size
        cfg.ima_mvm_cycles = math.ceil(ima.mvm_ns * ghz)
        cfg.ima_program_word_cycles = math.ceil(ima.program_row_ns * ghz / (ima.size // 8))
        cfg.ima_read_cycles = math.ceil(ima.read_ns * ghz)
        cfg.ima_port_words = ima.port_bits // 32
        cfg.ima_pipelined = int(ima.pipelined)
        cfg.ima_fifo_cycles, cfg.ima_idle_cycles = ima.fifo_cycles, ima.idle_cycles
        cfg.ima_noise = int(ima.noise == "pcm")
        cfg.ima_seed = ima.seed
        cfg.ima_drift_seconds = ima.drift_seconds
        cfg.dwa_setup_cycles = c.dwa.setup_cycles
        cfg.isa_exts = isa_ext_mask(c.core.isa)
        err = self._ffi.new("char[256]")
        handle = self._lib.iss_create(cfg, err, 256)
        if handle == self._ffi.NULL:
            raise ConfigError(f"cannot create the cluster: {self._ffi.string(err).decode()}")
        self._handle = self._ffi.gc(handle, self._lib.iss_destroy)
        self.program: Program | None = None
        self._chunk_hooks: list[Callable[[], None]] = []   # run(): after every chunk (iss.trace)

    # ---- memory ----
    def memory_regions(self) -> list[tuple[int, int, str]]:
        sizes = {"TCDM": self.config.memory.tcdm_size, "TCDM_ALIAS": self.config.memory.tcdm_size,
                 "L2": self.config.memory.l2_size}
        return [(r.base, sizes[r.name], r.name) for r in REGIONS if r.name in sizes]

    def is_memory(self, addr: int, size: int) -> bool:
        """[addr, addr + size) lies in one of the TCDM, its alias or L2."""
        return any(base <= addr and addr + size <= base + n for base, n, _ in self.memory_regions())

    def write(self, addr: int, data: bytes) -> None:
        if self._lib.iss_mem_write(self._handle, addr, data, len(data)) != 0:
            raise MemoryFaultError(f"host write of {len(data)} bytes at 0x{addr:08x} is outside TCDM and L2")

    def read(self, addr: int, size: int) -> bytes:
        buf = self._ffi.new("uint8_t[]", size)
        if self._lib.iss_mem_read(self._handle, addr, buf, size) != 0:
            raise MemoryFaultError(f"host read of {size} bytes at 0x{addr:08x} is outside TCDM and L2")
        return bytes(self._ffi.buffer(buf, size))

    def symbol(self, name: str) -> int:
        if self.program is None or name not in self.program.symbols.by_name:
            raise KeyError(f"no symbol {name!r} in the loaded program")
        return self.program.symbols.by_name[name]

    def read_array(self, name: str, dtype, count: int) -> np.ndarray:
        """An array from a symbol of the loaded program, e.g. read_array("C", np.int32, 64*64)."""
        dt = np.dtype(dtype)
        return np.frombuffer(self.read(self.symbol(name), dt.itemsize * count), dtype=dt).copy()

    # ---- program ----
    def load(self, elf: str | Path) -> "Cluster":
        prog = load_elf(elf, [r for r in self.memory_regions() if r[2] != "TCDM_ALIAS"])
        for seg in prog.segments:
            self.write(seg.paddr, seg.data + bytes(seg.memsz - len(seg.data)))
        self._lib.iss_set_entry(self._handle, prog.entry)
        # an RV32IMC ELF (GCC) sees the RI5CY CSR map: PULP's PCER/PCMR at 0xCC0/0xCC1, where a
        # CORE-V build sees CV32E40P's hardware-loop CSRs (docs/isa.md)
        self._lib.iss_set_csr_map(self._handle, 0 if prog.uses_corev or prog.arch is None else 1)
        syms = prog.symbols.by_name
        if "tohost" in syms:
            self._lib.iss_set_htif(self._handle, syms["tohost"], syms.get("fromhost", 0))
        self.program = prog
        return self

    def signature(self) -> list[int]:
        """Words between begin_signature and end_signature (riscv-arch-test convention)."""
        begin, end = self.symbol("begin_signature"), self.symbol("end_signature")
        return list(np.frombuffer(self.read(begin, end - begin), dtype="<u4"))

    def core_stats(self) -> list[CoreStats]:
        info = self._ffi.new("iss_core_info_t *")
        out = []
        for i in range(self.config.cluster.cores):
            self._lib.iss_core_info(self._handle, i, info)
            out.append(CoreStats(i, info.pc, STATE_NAMES.get(info.state, "?"), info.cycles,
                                 info.sleep_cycles, info.instret, info.loads, info.stores,
                                 info.jumps, info.branches, info.taken, info.rvc, info.ld_stall,
                                 info.jmp_stall, info.tcdm_cont))
        return out

    def activity(self) -> dict[str, int]:
        """Activity counts of the peripherals, the inputs of the energy model."""
        st = self._ffi.new("iss_ima_stats_t *")
        self._lib.iss_ima_get_stats(self._handle, st)
        return {"ima_jobs": st.jobs, "ima_mvm_cells": st.mvm_cells, "ima_bytes_in": st.bytes_in,
                "ima_bytes_out": st.bytes_out, "ima_words_programmed": st.words_programmed,
                "ima_words_read": st.words_read, "ima_busy_cycles": st.busy_cycles,
                "ima_compute_cycles": st.compute_cycles, **self._dwa_activity(),
                **self._dma_activity(), **self._core_activity()}

    def _dma_activity(self) -> dict[str, int]:
        st = self._ffi.new("iss_dma_stats_t *")
        self._lib.iss_dma_get_stats(self._handle, st)
        return {"dma_transfers": st.transfers, "dma_bytes": st.bytes, "dma_busy_cycles": st.busy_cycles}

    def _core_activity(self) -> dict[str, int]:
        cores = self.core_stats()
        return {"core_active_cycles": sum(c.active_cycles for c in cores),
                "core_sleep_cycles": sum(c.sleep_cycles for c in cores)}

    def _dwa_activity(self) -> dict[str, int]:
        st = self._ffi.new("iss_dwa_stats_t *")
        self._lib.iss_dwa_get_stats(self._handle, st)
        return {"dwa_jobs": st.jobs, "dwa_macs": st.macs, "dwa_bytes_in": st.bytes_in,
                "dwa_bytes_out": st.bytes_out, "dwa_busy_cycles": st.busy_cycles}

    def markers(self) -> list[Marker]:
        """Markers written by the firmware (iss_marker(id)), in order."""
        n = self._lib.iss_markers(self._handle, self._ffi.NULL, 0)
        buf = self._ffi.new("iss_marker_t[]", max(n, 1))
        self._lib.iss_markers(self._handle, buf, n)
        out = []
        for m in buf[0:n]:
            act = {"core_active_cycles": m.core_active,
                   "ima_jobs": m.ima.jobs, "ima_mvm_cells": m.ima.mvm_cells, "ima_bytes_in": m.ima.bytes_in,
                   "ima_bytes_out": m.ima.bytes_out, "ima_busy_cycles": m.ima.busy_cycles,
                   "dwa_jobs": m.dwa.jobs, "dwa_macs": m.dwa.macs, "dwa_busy_cycles": m.dwa.busy_cycles,
                   "dma_transfers": m.dma.transfers, "dma_bytes": m.dma.bytes, "dma_busy_cycles": m.dma.busy_cycles}
            out.append(Marker(m.id, m.core, m.cycle, act))
        return out

    def profile(self, core: int) -> list[ProfileEntry]:
        """Flat per-function profile of one core, from the ELF symbols, by cycles."""
        if not isinstance(core, int) or not 0 <= core < self.config.cluster.cores:
            raise ValueError(f"core {core!r} does not exist (the cluster has {self.config.cluster.cores} cores: "
                             f"0-{self.config.cluster.cores - 1})")
        n = self._lib.iss_profile(self._handle, core, self._ffi.NULL, self._ffi.NULL, self._ffi.NULL,
                                  self._ffi.NULL, 0)
        addr = self._ffi.new("uint32_t[]", n)
        cyc, slp, exe = (self._ffi.new("uint64_t[]", n) for _ in range(3))
        self._lib.iss_profile(self._handle, core, addr, cyc, slp, exe, n)
        funcs: dict[str, list[int]] = {}
        for i in range(n):
            found = self.program.symbols.lookup(addr[i])
            name, offset = found if found else (f"0x{addr[i]:08x}", 0)
            acc = funcs.setdefault(name, [0, 0, 0])
            acc[0] += cyc[i]
            acc[1] += slp[i]
            if offset == 0:
                acc[2] += exe[i]
        return sorted((ProfileEntry(f, c, s, k) for f, (c, s, k) in funcs.items()),
                      key=lambda e: (-e.cycles, e.function))

    def run(self, stdout: TextIO | None = None, on_chunk: Callable[[], None] | None = None) -> RunResult:
        """Runs to the end; the program's output is echoed to stdout (if given) as it comes.
        Raises an IssError subclass on a fault, deadlock or the cycle limit."""
        if self.program is None:
            raise IssError("no program loaded")
        out_parts: list[str] = []
        buf = self._ffi.new("char[]", 1 << 16)
        # incremental: a UTF-8 character split across two chunks stays one character
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        raw_out = getattr(stdout, "buffer", None)   # a real stream gets the firmware's bytes as they are
        start = time.perf_counter()
        while True:
            res = self._lib.iss_run(self._handle, SLICES_PER_CHUNK)
            while n := self._lib.iss_take_output(self._handle, buf, 1 << 16):
                raw = self._ffi.buffer(buf, n)[:]
                text = decoder.decode(raw)
                out_parts.append(text)
                if raw_out is not None:
                    stdout.flush()
                    raw_out.write(raw)
                    raw_out.flush()
                elif stdout is not None:
                    stdout.write(text)
                    stdout.flush()
            for hook in self._chunk_hooks:
                hook()
            if on_chunk is not None:
                on_chunk()
            if res != RUN_CONTINUE:
                break
        out_parts.append(decoder.decode(b"", final=True))
        wall = time.perf_counter() - start
        status = self._ffi.new("iss_status_t *")
        self._lib.iss_get_status(self._handle, status)
        self.last_output = "".join(out_parts)
        self.wall_seconds = wall
        if res == RUN_EXIT:
            activity = self.activity()
            return RunResult(status.exit_status & 0xFF,
                             status.exit_core, self.last_output, self.core_stats(), wall,
                             self.config.cluster.clock_hz, activity, EnergyModel().breakdown(activity))
        raise self._error(res, status)

    def serve_gdb(self, port: int = 0, stdout: TextIO | None = None, host: str = "127.0.0.1") -> RunResult:
        """Like run(), under a debugger: waits on host:port (0: a free port, printed on stderr)
        for gdb before the first instruction, then serves it (docs/debugging.md). Returns the
        RunResult once the program ends; raises DebuggerError on kill or disconnect."""
        if self.program is None:
            raise IssError("no program loaded")
        from .gdbserver import serve
        return serve(self, port, host=host, stdout=stdout)

    # ---- errors ----
    def _where(self, core: int, pc: int) -> str:
        return f"core {core}, pc {self.program.symbols.describe(pc)}"

    def _error(self, res: int, st) -> IssError:
        if res == RUN_DEADLOCK:
            return DeadlockError(self._deadlock_report(st))
        if res == RUN_MAX_CYCLES:
            cores = self.core_stats()
            where = "; ".join(f"core {c.core} at {self.program.symbols.describe(c.pc)}"
                              for c in cores if c.state == "running")
            if not where:   # time moved on a timer's or an accelerator's events alone
                where = "every core asleep: " + "; ".join(
                    f"core {c.core} {c.state} at {self.program.symbols.describe(c.pc)}" for c in cores)
            return MaxCyclesError(f"run.max_cycles = {self.config.run.max_cycles} (--max-cycles) ({where})")
        msg = self._ffi.string(st.fault_msg).decode()
        where = self._where(st.fault_core, st.fault_pc)
        kind = st.fault_kind
        if kind == FAULT_ILLEGAL:
            return IllegalInstructionError(f"{msg} at {where}")
        if kind in (FAULT_READ_UNMAPPED, FAULT_WRITE_UNMAPPED, FAULT_FETCH_UNMAPPED):
            return MemoryFaultError(f"{msg} at {where}")
        if kind in (FAULT_PERIPH, FAULT_HTIF):
            return PeripheralError(f"{msg} at {where}")
        if kind in (FAULT_ECALL, FAULT_EBREAK):
            return IllegalInstructionError(f"{msg} at {where}")
        return IssError(f"internal emulation error: {msg} at {where}")

    def _deadlock_report(self, st) -> str:
        info = self._ffi.new("iss_core_info_t *")
        lines = ["every core is asleep and no event is pending:"]
        for i in range(self.config.cluster.cores):
            self._lib.iss_core_info(self._handle, i, info)
            what = WAIT_NAMES.get(info.wait, "?")
            detail = ""
            if info.wait in (1, 2):
                detail = f" (mask 0x{info.evt_mask:x}, buffer 0x{info.evt_buffer:x})"
            elif info.wait == 3:
                b = info.wait_arg
                arrived = [j for j in range(8) if st.bar_status[b] >> j & 1]
                detail = (f" {b} (arrived: {arrived or 'none'}, needs mask 0x{st.bar_trigger_mask[b]:x};"
                          f" event mask 0x{info.evt_mask:x})")
            elif info.wait == 4:
                detail = f" {info.wait_arg} (held by core {st.mutex_owner[info.wait_arg]})"
            lines.append(f"  core {i} at {self.program.symbols.describe(info.pc)}, cycle {info.cycles}: "
                         f"{STATE_NAMES.get(info.state)} waiting for {what}{detail}")
        return "\n".join(lines)


def run_elf(elf: str | Path, config: config_mod.Config | None = None, stdout: TextIO | None = None) -> RunResult:
    """Convenience: load and run one ELF."""
    return Cluster(config).load(elf).run(stdout=stdout)
