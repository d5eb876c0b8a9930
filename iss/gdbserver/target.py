"""The simulator as the GDB server sees it: threads (one per core), registers, memory,
breakpoints and watchpoints, resume and stop. The only module of the server that talks to
the native core (iss/native/debug.c and the cluster's memory functions)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from elftools.elf.elffile import ELFFile

from ..cluster import (FAULT_EBREAK, FAULT_ECALL, FAULT_FETCH_UNMAPPED, FAULT_HTIF, FAULT_ILLEGAL,
                       FAULT_PERIPH, FAULT_READ_UNMAPPED, FAULT_WRITE_UNMAPPED, RUN_CONTINUE,
                       RUN_EXIT, RUN_FAULT, RUN_MAX_CYCLES, STATE_NAMES, WAIT_NAMES,
                       Cluster)

RUN_DEBUG_STOP = 5
DEBUG_SLICES_PER_CHUNK = 2000      # Ctrl-C is seen between chunks
NUM_GPRS = 33                      # x0-x31, pc: the registers of the g packet
REG_PC = 32
CSR_REG_BASE = 65                  # GDB's number of CSR n is 65 + n

# GDB's signal numbers (gdb/signals.def)
SIGINT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGSEGV, SIGXCPU = 2, 4, 5, 6, 10, 11, 24

(DBG_NONE, DBG_BREAK, DBG_HWBREAK, DBG_WATCH_WRITE, DBG_WATCH_READ, DBG_WATCH_ACCESS, DBG_STEP,
 DBG_BLOCKED, DBG_PASSED) = range(9)
WHO_NAMES = {0x100: "the DMA", 0x200: "the IMA", 0x300: "the depthwise accelerator"}

# CSRs of the target description: the standard ones GDB knows, then the RI5CY counters
CSRS = {"mcycle": 0xB00, "minstret": 0xB02, "mcycleh": 0xB80, "minstreth": 0xB82, "mhartid": 0xF14}
PULP_CSRS = {"pcer": 0xCC0, "pcmr": 0xCC1, **{f"pccr{n}": 0x780 + n for n in range(17)}}

XREG_NAMES = ["zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "fp", "s1", "a0", "a1", "a2", "a3",
              "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11",
              "t3", "t4", "t5", "t6"]


def target_xml() -> str:
    """RISC-V 32 with the CSRs users read (org.gnu.gdb.riscv.csr) and the RI5CY performance
    counters as a feature of their own. regnum is the p/P packet number."""
    lines = ['<?xml version="1.0"?>', '<!DOCTYPE target SYSTEM "gdb-target.dtd">', "<target>",
             "  <architecture>riscv:rv32</architecture>", '  <feature name="org.gnu.gdb.riscv.cpu">']
    for i, name in enumerate(XREG_NAMES):
        typ = ' type="code_ptr"' if name == "ra" else ' type="data_ptr"' if name in ("sp", "gp", "tp", "fp") else ""
        lines.append(f'    <reg name="{name}" bitsize="32" regnum="{i}"{typ}/>')
    lines.append('    <reg name="pc" bitsize="32" regnum="32" type="code_ptr"/>')
    lines += ["  </feature>", '  <feature name="org.gnu.gdb.riscv.csr">']
    for name, csr in CSRS.items():
        lines.append(f'    <reg name="{name}" bitsize="32" regnum="{CSR_REG_BASE + csr}" group="csr"/>')
    lines += ["  </feature>", '  <feature name="org.pulp.riscv.perf">']
    for name, csr in PULP_CSRS.items():
        lines.append(f'    <reg name="{name}" bitsize="32" regnum="{CSR_REG_BASE + csr}" group="csr"/>')
    lines += ["  </feature>", "</target>", ""]
    return "\n".join(lines)


class TargetError(Exception):
    """A request the target refuses (unmapped memory, no such register or thread)."""


@dataclass(frozen=True)
class Stop:
    """Why the cluster stopped. kind: "signal" (stopped, can resume), "exited" (the program
    ended with `code`), "terminated" (the run ended with an error: `signal`)."""
    kind: str
    core: int = 0
    signal: int = SIGTRAP
    code: int = 0
    breakpoint: str = ""            # "swbreak" or "hwbreak"
    watch: tuple[str, int] | None = None   # ("watch" | "rwatch" | "awatch", address)
    message: str = ""               # for GDB's console and the server's log
    final: bool = False             # the run is over (a fault, deadlock, cycle limit)


@dataclass
class _Point:
    type: int
    addr: int
    length: int


class Target:
    def __init__(self, cluster: Cluster):
        if cluster.program is None:
            raise TargetError("no program loaded")
        self.cluster = cluster
        self.ncores = cluster.config.cluster.cores
        self._code = self._code_segments()
        self._points: list[_Point] = []
        self.finished: Stop | None = None     # set once the run is over
        self._enable()

    # ---- native access (the handle changes on reset) ----
    @property
    def _lib(self):
        return self.cluster._lib

    @property
    def _ffi(self):
        return self.cluster._ffi

    @property
    def _h(self):
        return self.cluster._handle

    def _enable(self) -> None:
        if self._lib.iss_debug_enable(self._h) != 0:
            raise TargetError("cannot enable the debugger support")

    def detach(self) -> None:
        """Removes every breakpoint and watchpoint and lets the cores run free."""
        self._lib.iss_debug_disable(self._h)
        self._points.clear()

    def _code_segments(self) -> list[tuple[int, bytearray]]:
        """The executable segments as the ELF has them, to show the code without the
        simulator's instruction rewriting."""
        out = []
        with open(self.cluster.program.path, "rb") as f:
            for seg in ELFFile(f).iter_segments():
                if seg["p_type"] == "PT_LOAD" and seg["p_flags"] & 1 and seg["p_filesz"]:
                    out.append((seg["p_paddr"], bytearray(seg.data())))
        return out

    # ---- threads ----
    def alive(self, core: int) -> bool:
        return 0 <= core < self.ncores

    def core_info(self, core: int):
        info = self._ffi.new("iss_core_info_t *")
        self._lib.iss_core_info(self._h, core, info)
        return info

    def state_text(self, core: int) -> str:
        """Short state of a core: running, sleeping on what, halted."""
        info = self.core_info(core)
        state = STATE_NAMES.get(info.state, "?")
        if state != "sleeping":
            return state
        what = WAIT_NAMES.get(info.wait, "?")
        if info.wait == 3:
            what += f" {info.wait_arg}"
        elif info.wait == 4:
            what += f" {info.wait_arg}"
        elif info.wait in (1, 2):
            what += f" (mask 0x{info.evt_mask:x})"
        return f"sleeping on {what}"

    def describe_pc(self, pc: int) -> str:
        return self.cluster.program.symbols.describe(pc)

    # ---- registers ----
    def read_register(self, core: int, regno: int) -> int:
        val = self._ffi.new("uint32_t *")
        if not self.alive(core) or self._lib.iss_debug_reg_read(self._h, core, regno, val) != 0:
            raise TargetError(f"no register {regno}")
        return int(val[0])

    def write_register(self, core: int, regno: int, value: int) -> None:
        if not self.alive(core) or self._lib.iss_debug_reg_write(self._h, core, regno, value & 0xFFFFFFFF) != 0:
            raise TargetError(f"register {regno} cannot be written")

    def read_registers(self, core: int) -> list[int]:
        return [self.read_register(core, r) for r in range(NUM_GPRS)]

    # ---- memory ----
    def _mapped_length(self, addr: int, length: int) -> int:
        """Bytes from addr that lie in one memory (TCDM, its alias, L2), up to length."""
        for base, size, _ in self.cluster.memory_regions():
            if base <= addr < base + size:
                return min(length, base + size - addr)
        return 0

    def read_memory(self, addr: int, length: int) -> bytes:
        """Up to length bytes (fewer at the end of a memory); TargetError if addr is unmapped.
        Peripherals are not read: their registers have side effects."""
        n = self._mapped_length(addr, length)
        if n == 0 and length:
            raise TargetError(f"address 0x{addr:08x} is not in the TCDM or L2")
        buf = self._ffi.new("uint8_t[]", max(n, 1))
        # the simulator rewrites some instructions in memory (docs/architecture.md): GDB sees
        # the program's own words
        self._lib.iss_mem_read_code(self._h, addr, buf, n)
        return bytes(self._ffi.buffer(buf, n))

    def write_memory(self, addr: int, data: bytes) -> None:
        if self._mapped_length(addr, len(data)) != len(data):
            raise TargetError(f"0x{addr:08x}-0x{addr + len(data) - 1:08x} is not in the TCDM or L2")
        if not data:
            return
        self._lib.iss_mem_write(self._h, addr, data, len(data))
        code = False
        for base, orig in self._code:
            lo, hi = max(addr, base), min(addr + len(data), base + len(orig))
            if lo < hi:
                orig[lo - base:hi - base] = data[lo - addr:hi - addr]
                code = True
        if code:   # the cores translate and decode it again
            self._lib.iss_debug_code_written(self._h, addr, len(data))

    # ---- breakpoints and watchpoints (GDB's Z types 0-4) ----
    def insert_point(self, type_: int, addr: int, length: int) -> None:
        if self._lib.iss_debug_insert(self._h, type_, addr, length) != 0:
            if type_ >= 2:
                raise TargetError(f"cannot watch 0x{addr:08x}-0x{addr + length - 1:08x}: watchpoints "
                                  "cover the TCDM and L2, at most 64 points")
            raise TargetError("too many breakpoints")
        self._points.append(_Point(type_, addr, length))

    def remove_point(self, type_: int, addr: int, length: int) -> None:
        if self._lib.iss_debug_remove(self._h, type_, addr, length) != 0:
            raise TargetError("no such breakpoint or watchpoint")
        for p in self._points:
            if p.type == type_ and p.addr == addr and (type_ < 2 or p.length == length):
                self._points.remove(p)
                break

    # ---- execution ----
    def resume(self, cont: set[int], step: set[int]) -> None:
        """Cores in step run one instruction, cores in cont run, the others are held."""
        cmask = sum(1 << c for c in cont if self.alive(c))
        smask = sum(1 << c for c in step if self.alive(c))
        self._lib.iss_debug_resume(self._h, cmask, smask)

    def run(self, poll: Callable[[], bool], output: Callable[[str], None]) -> Stop:
        """Runs until a stop; poll() is called between chunks and returns True to interrupt
        (Ctrl-C); output() receives the program's output as it comes."""
        if self.finished is not None:
            return self.finished
        buf = self._ffi.new("char[]", 1 << 16)
        while True:
            res = self._lib.iss_run(self._h, DEBUG_SLICES_PER_CHUNK)
            while n := self._lib.iss_take_output(self._h, buf, 1 << 16):
                output(self._ffi.buffer(buf, n)[:].decode("utf-8", "replace"))
            if res == RUN_CONTINUE:
                if poll():
                    return Stop("signal", core=self.next_core(), signal=SIGINT)
                continue
            if res == RUN_DEBUG_STOP:
                return self._debug_stop()
            self.finished = self._end_stop(res)
            return self.finished

    def next_core(self) -> int:
        """The core the scheduler runs next (the running one with the smallest time)."""
        best, best_t = 0, None
        for c in range(self.ncores):
            info = self.core_info(c)
            if info.state == 0 and (best_t is None or info.cycles < best_t):
                best, best_t = c, info.cycles
        return best

    def _debug_stop(self) -> Stop:
        st = self._ffi.new("iss_debug_stop_t *")
        self._lib.iss_debug_get_stop(self._h, st)
        core, reason = int(st.core), int(st.reason)
        if reason in (DBG_BREAK, DBG_HWBREAK):
            return Stop("signal", core=core, breakpoint="swbreak" if reason == DBG_BREAK else "hwbreak")
        if reason in (DBG_WATCH_WRITE, DBG_WATCH_READ, DBG_WATCH_ACCESS):
            kind = {DBG_WATCH_WRITE: "watch", DBG_WATCH_READ: "rwatch", DBG_WATCH_ACCESS: "awatch"}[reason]
            msg = ""
            if st.who >= 0x100:
                who = WHO_NAMES.get(st.who & ~0xFF, "a peripheral")
                msg = (f"iss: {who} (working for core {st.who & 0xFF}) wrote 0x{st.access_addr:08x}-"
                       f"0x{st.access_addr + st.access_len - 1:08x}, watched at 0x{st.addr:08x}")
            return Stop("signal", core=core, watch=(kind, int(st.addr)), message=msg)
        if reason == DBG_BLOCKED:
            info = self.core_info(core)
            return Stop("signal", core=core, signal=SIGINT,
                        message=f"iss: core {core} cannot go on: it is {self.state_text(core)} at "
                                f"{self.describe_pc(info.pc)} and the cores it may wait for are held "
                                "(continue them all, or set scheduler-locking off)")
        if reason == DBG_PASSED:
            return Stop("signal", core=core,
                        message=f"iss: core {core} went through the breakpoint at {self.describe_pc(st.addr)} "
                                "while GDB stepped another core over it: that core waited there for this "
                                "one (a barrier, say); it stopped just after it")
        return Stop("signal", core=core)   # a single step done

    def _end_stop(self, res: int) -> Stop:
        status = self._ffi.new("iss_status_t *")
        self._lib.iss_get_status(self._h, status)
        if res == RUN_EXIT:
            return Stop("exited", core=int(status.exit_core), code=status.exit_status & 0xFF, final=True)
        err = self.cluster._error(res, status)
        message = f"iss: {err.kind}: {err.message}"
        if res == RUN_FAULT:
            kind = status.fault_kind
            sig = (SIGILL if kind in (FAULT_ILLEGAL, FAULT_ECALL) else SIGTRAP if kind == FAULT_EBREAK
                   else SIGSEGV if kind in (FAULT_READ_UNMAPPED, FAULT_WRITE_UNMAPPED, FAULT_FETCH_UNMAPPED)
                   else SIGBUS if kind in (FAULT_PERIPH, FAULT_HTIF) else SIGABRT)
            return Stop("signal", core=int(status.fault_core), signal=sig, message=message, final=True)
        if res == RUN_MAX_CYCLES:
            return Stop("signal", core=self.next_core(), signal=SIGXCPU, message=message, final=True)
        return Stop("signal", core=0, signal=SIGABRT, message=message, final=True)   # deadlock

    # ---- monitor commands ----
    def monitor_cycles(self) -> str:
        lines, top = [], 0
        for c in range(self.ncores):
            info = self.core_info(c)
            top = max(top, info.cycles)
            lines.append(f"core {c}: {info.cycles} cycles ({info.sleep_cycles} asleep), "
                         f"{info.instret} instructions")
        hz = self.cluster.config.cluster.clock_hz
        lines.append(f"simulated time: {top} cycles ({top / hz * 1e6:.2f} us at {hz / 1e6:g} MHz)")
        return "\n".join(lines) + "\n"

    def monitor_cores(self) -> str:
        lines = []
        for c in range(self.ncores):
            info = self.core_info(c)
            lines.append(f"core {c}: {self.state_text(c)} at {self.describe_pc(info.pc)}, cycle {info.cycles}")
        return "\n".join(lines) + "\n"

    def disassemble(self, addr: int, count: int) -> str:
        """count instructions from addr as the program has them (never a rewrite), from the ISA
        table; stops at the end of memory."""
        from ..trace import disassembler
        dis = disassembler()
        word = self._ffi.new("uint32_t *")
        lines = []
        for _ in range(count):
            if self._lib.iss_code_word(self._h, addr, word) != 0:
                lines.append(f"0x{addr:08x}: not in the TCDM or L2")
                break
            w = word[0]
            size = 4 if w & 3 == 3 else 2
            text = f"{w:08x}" if size == 4 else f"    {w:04x}"
            lines.append(f"{self.describe_pc(addr):<32} {text}  {dis(w, addr)}")
            addr += size
        return "\n".join(lines) + "\n"

    def monitor_periph(self) -> str:
        buf = self._ffi.new("char[]", 8192)
        out = []
        for fn in (self._lib.iss_dma_describe, self._lib.iss_ima_describe, self._lib.iss_dwa_describe):
            n = fn(self._h, buf, 8192)
            out.append(self._ffi.string(buf, n).decode())
        return "".join(out)

    def reset(self) -> str:
        """The cluster as after loading the program: memories reloaded, every core at the
        entry, breakpoints and watchpoints kept."""
        cl = self.cluster
        path = cl.program.path
        cl.__init__(cl.config)
        cl.load(path)
        self._code = self._code_segments()
        self.finished = None
        self._enable()
        for p in self._points:
            self._lib.iss_debug_insert(self._h, p.type, p.addr, p.length)
        return (f"cluster reset: {path} reloaded, {self.ncores} cores at 0x{cl.program.entry:08x}\n"
                "(GDB keeps its register cache: run `maintenance flush register-cache`)\n")
