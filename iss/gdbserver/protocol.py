"""The packets of the GDB remote serial protocol the server answers, one handler per family.

`Protocol.handle(payload)` returns what to send back: a list of payloads (in order; an
empty list sends nothing), or an action the server carries out (Resume, Detach, Kill).
Unknown packets get the empty reply, as the protocol requires; malformed ones an E error.
Threads are the cores: thread id = core + 1."""
from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import escape as xml_escape

from .packet import MAX_PACKET, escape, unescape
from .target import NUM_GPRS, SIGTRAP, Stop, Target, TargetError, target_xml

E_MALFORMED = b"E01"
E_MEMORY = b"E14"          # EFAULT
E_INVALID = b"E16"         # EINVAL (as gdbserver numbers it in hex: 0x16 = 22)

MONITOR_HELP = """monitor commands:
  monitor cycles   simulated cycles and instructions of every core
  monitor cores    state of every core: running, sleeping on what, halted
  monitor periph   the DMA queue, the IMA and the depthwise accelerator
  monitor disas [ADDR [N]]
                   N instructions (default 8) from ADDR (default: the current thread's pc),
                   disassembled from the simulator's ISA table (CORE-V forms included)
  monitor reset    reload the program and restart every core at the entry
  monitor help     this list
"""


@dataclass(frozen=True)
class Resume:
    cont: frozenset[int]
    step: frozenset[int]


@dataclass(frozen=True)
class Detach:
    pass


@dataclass(frozen=True)
class Kill:
    reply: bool                 # vKill wants an OK, k does not


class Malformed(Exception):
    pass


def _hex(data: bytes) -> bytes:
    return data.hex().encode()


def _int(text: bytes) -> int:
    """A number of the protocol: plain hex digits (no sign, prefix or '_', which int() would
    take) of at most 32 bits, the width of every address, length and register here."""
    if not text or len(text) > 64 or text.strip(b"0123456789abcdefABCDEF"):
        raise Malformed(f"not a hexadecimal number: {text[:20]!r}")
    value = int(text, 16)
    if value > 0xFFFFFFFF:
        raise Malformed(f"number wider than 32 bits: {text[:20]!r}")
    return value


def _reg_hex(value: int) -> bytes:
    return value.to_bytes(4, "little").hex().encode()


@dataclass
class Protocol:
    target: Target
    no_ack: bool = False
    client_features: set[str] = field(default_factory=set)
    g_core: int = 0                       # thread of register and memory requests (Hg)
    c_core: int | None = None             # thread of legacy c/s (Hc); None: all
    last_stop: Stop = field(default_factory=lambda: Stop("signal", core=0, signal=SIGTRAP))

    # ---- stop replies ----
    def stop_reply(self, stop: Stop | None = None) -> bytes:
        stop = stop or self.last_stop
        if stop.kind == "exited":
            return b"W%02x" % (stop.code & 0xFF)
        if stop.kind == "terminated":
            return b"X%02x" % stop.signal
        parts = [b"T%02x" % stop.signal]
        if stop.watch is not None:
            parts.append(b"%s:%x;" % (stop.watch[0].encode(), stop.watch[1]))
        elif stop.breakpoint and f"{stop.breakpoint}+" in self.client_features:
            parts.append(stop.breakpoint.encode() + b":;")
        parts.append(b"thread:%x;" % (stop.core + 1))
        return b"".join(parts)

    def stopped(self, stop: Stop) -> None:
        """Records a stop: it is what `?` answers and its thread becomes the current one."""
        self.last_stop = stop
        if stop.kind == "signal":
            self.g_core = stop.core

    # ---- dispatch ----
    def handle(self, payload: bytes):
        try:
            return self._dispatch(payload)
        except Malformed:
            return [E_MALFORMED]
        except TargetError:
            return [E_INVALID]

    def _dispatch(self, p: bytes):
        if not p:
            return [b""]
        c = p[:1]
        if c == b"?":
            return [self.stop_reply()]
        if c == b"g":
            return [self._read_all_registers()]
        if c == b"G":
            return [self._write_all_registers(p[1:])]
        if c == b"p":
            return [self._read_register(p[1:])]
        if c == b"P":
            return [self._write_register(p[1:])]
        if c == b"m":
            return [self._read_memory(p[1:])]
        if c == b"M":
            return [self._write_memory_hex(p[1:])]
        if c == b"X":
            return [self._write_memory_binary(p[1:])]
        if c in (b"Z", b"z"):
            return [self._point(c == b"Z", p[1:])]
        if c == b"H":
            return [self._set_thread(p[1:])]
        if c == b"T":
            return [b"OK" if self.target.alive(self._thread(p[1:])) else b"E01"]
        if c in (b"c", b"C"):
            return self._legacy_resume(step=False, args=p[1:], signal=c == b"C")
        if c in (b"s", b"S"):
            return self._legacy_resume(step=True, args=p[1:], signal=c == b"S")
        if c == b"D":
            return Detach()
        if c == b"k":
            return Kill(reply=False)
        if p.startswith(b"vCont?"):
            return [b"vCont;c;C;s;S"]
        if p.startswith(b"vCont;"):
            return self._vcont(p[6:])
        if p.startswith(b"vKill"):
            return Kill(reply=True)
        if c == b"q":
            return self._query(p)
        if p == b"QStartNoAckMode":
            self.no_ack = True
            return [b"OK"]
        return [b""]        # unknown: the empty reply

    # ---- registers ----
    def _read_all_registers(self) -> bytes:
        return b"".join(_reg_hex(v) for v in self.target.read_registers(self.g_core))

    def _write_all_registers(self, data: bytes) -> bytes:
        if len(data) % 8:
            raise Malformed("register data is not a whole number of 32-bit registers")
        try:
            values = [int.from_bytes(bytes.fromhex(data[8 * i:8 * i + 8].decode()), "little")
                      for i in range(min(len(data) // 8, NUM_GPRS))]
        except ValueError:      # non-hex digits, or bytes that are not text
            raise Malformed("register data is not hexadecimal") from None
        for i, value in enumerate(values):   # all or nothing
            self.target.write_register(self.g_core, i, value)
        return b"OK"

    def _read_register(self, arg: bytes) -> bytes:
        try:
            return _reg_hex(self.target.read_register(self.g_core, _int(arg)))
        except TargetError:
            return b"E45"    # no such register: GDB marks it unavailable

    def _write_register(self, arg: bytes) -> bytes:
        reg, sep, val = arg.partition(b"=")
        if not sep or len(val) != 8:
            raise Malformed("P expects n=xxxxxxxx")
        try:
            value = int.from_bytes(bytes.fromhex(val.decode()), "little")
        except ValueError:
            raise Malformed("bad register value") from None
        self.target.write_register(self.g_core, _int(reg), value)
        return b"OK"

    # ---- memory ----
    @staticmethod
    def _addr_len(arg: bytes) -> tuple[int, int]:
        a, sep, n = arg.partition(b",")
        if not sep:
            raise Malformed("expected addr,length")
        return _int(a), _int(n)

    def _read_memory(self, arg: bytes) -> bytes:
        addr, n = self._addr_len(arg)
        n = min(n, (MAX_PACKET - 4) // 2)
        try:
            return _hex(self.target.read_memory(addr, n))
        except TargetError:
            return E_MEMORY

    def _write_memory_hex(self, arg: bytes) -> bytes:
        return self._write_memory(arg, b"M", self._hex_data)

    def _write_memory_binary(self, arg: bytes) -> bytes:
        return self._write_memory(arg, b"X", self._binary_data)

    @staticmethod
    def _hex_data(data: bytes) -> bytes:
        try:
            return bytes.fromhex(data.decode())
        except ValueError:
            raise Malformed("bad hexadecimal data") from None

    @staticmethod
    def _binary_data(data: bytes) -> bytes:
        try:
            return unescape(data)
        except ValueError:
            raise Malformed("bad escape") from None

    def _write_memory(self, arg: bytes, packet: bytes, decode) -> bytes:
        """M and X: addr,length:data, the data hex-encoded or binary-escaped."""
        head, sep, data = arg.partition(b":")
        if not sep:
            raise Malformed(f"{packet.decode()} expects addr,length:data")
        addr, n = self._addr_len(head)
        raw = decode(data)
        if len(raw) != n:
            raise Malformed("data length differs from the length given")
        try:
            self.target.write_memory(addr, raw)
        except TargetError:
            return E_MEMORY
        return b"OK"

    # ---- breakpoints and watchpoints ----
    def _point(self, insert: bool, arg: bytes) -> bytes:
        fields = arg.split(b";")[0].split(b",")
        if len(fields) != 3:
            raise Malformed("expected type,addr,kind")
        type_, addr, length = _int(fields[0]), _int(fields[1]), _int(fields[2])
        if type_ > 4:
            return b""
        try:
            if insert:
                self.target.insert_point(type_, addr, length)
            else:
                self.target.remove_point(type_, addr, length)
        except TargetError:
            return b"E22" if insert else b"E02"
        return b"OK"

    # ---- threads ----
    def _thread(self, text: bytes) -> int:
        """A thread id (p<pid>.<tid> or <tid>) as a core; -1 for all, -2 for any."""
        if text.startswith(b"p"):
            _, _, text = text[1:].partition(b".")
            if not text:
                return -1
        if text == b"-1":
            return -1
        tid = _int(text)
        return -2 if tid == 0 else tid - 1

    def _set_thread(self, arg: bytes) -> bytes:
        if not arg:
            raise Malformed("H expects g or c and a thread")
        which, core = arg[:1], self._thread(arg[1:])
        if core >= 0 and not self.target.alive(core):
            return b"E01"
        if which == b"g":
            if core >= 0:
                self.g_core = core
        elif which == b"c":
            self.c_core = core if core >= 0 else None
        else:
            raise Malformed("H expects g or c")
        return b"OK"

    def thread_ids(self) -> list[int]:
        return [c + 1 for c in range(self.target.ncores)]

    def threads_xml(self) -> bytes:
        rows = ['<?xml version="1.0"?>', "<threads>"]
        for c in range(self.target.ncores):
            rows.append(f'  <thread id="{c + 1:x}" core="{c}" name="core {c}">'
                        f"{xml_escape(self.target.state_text(c))}</thread>")
        rows.append("</threads>")
        return "\n".join(rows).encode()

    # ---- resume ----
    def _legacy_resume(self, step: bool, args: bytes, signal: bool):
        if signal:           # C sig[;addr]: the signal is ignored (there are no signals here)
            _, _, args = args.partition(b";")
        core = self.c_core if self.c_core is not None else self.g_core
        if args:
            self.target.write_register(core, 32, _int(args))
        all_cores = frozenset(range(self.target.ncores))
        if step:
            return Resume(frozenset(), frozenset({core}))
        return Resume(all_cores, frozenset())

    def _vcont(self, arg: bytes):
        cont, step, decided = set(), set(), set()
        for action in arg.split(b";"):
            if not action:
                raise Malformed("empty vCont action")
            act, sep, tid = action.partition(b":")
            kind = act[:1]
            if kind not in (b"c", b"C", b"s", b"S"):
                return [E_MALFORMED]
            if kind in (b"C", b"S"):
                _int(act[1:])   # the signal: checked, ignored
            cores = range(self.target.ncores)
            if sep:
                core = self._thread(tid)
                if core >= 0:
                    cores = [core] if self.target.alive(core) else []
            for c in cores:
                if c in decided:
                    continue        # the leftmost action that applies to a thread wins
                decided.add(c)
                (step if kind in (b"s", b"S") else cont).add(c)
        return Resume(frozenset(cont), frozenset(step))

    # ---- queries ----
    def _query(self, p: bytes):
        if p.startswith(b"qSupported"):
            _, _, feats = p.partition(b":")
            self.client_features = {f.decode("ascii", "replace") for f in feats.split(b";") if f}
            return [b"PacketSize=%x;QStartNoAckMode+;qXfer:features:read+;qXfer:threads:read+;"
                    b"swbreak+;hwbreak+" % MAX_PACKET]
        if p.startswith(b"qXfer:features:read:"):
            return [self._xfer(p[len(b"qXfer:features:read:"):], {b"target.xml": target_xml().encode()})]
        if p.startswith(b"qXfer:threads:read:"):
            return [self._xfer(p[len(b"qXfer:threads:read:"):], {b"": self.threads_xml()})]
        if p == b"qfThreadInfo":
            return [b"m" + b",".join(b"%x" % t for t in self.thread_ids())]
        if p == b"qsThreadInfo":
            return [b"l"]
        if p.startswith(b"qThreadExtraInfo,"):
            core = self._thread(p[len(b"qThreadExtraInfo,"):])
            if not self.target.alive(core):
                return [b"E01"]
            return [_hex(f"core {core}, {self.target.state_text(core)}".encode())]
        if p == b"qC":
            return [b"QC%x" % (self.last_stop.core + 1)]
        if p == b"qAttached" or p.startswith(b"qAttached:"):
            return [b"0"]      # the server started the program: quitting GDB kills it
        if p == b"qSymbol::":
            return [b"OK"]
        if p.startswith(b"qRcmd,"):
            return self._monitor(p[len(b"qRcmd,"):])
        return [b""]

    def _xfer(self, arg: bytes, docs: dict[bytes, bytes]) -> bytes:
        annex, sep, rng = arg.partition(b":")
        if not sep:
            raise Malformed("qXfer expects annex:offset,length")
        if annex not in docs:
            return b"E00"
        off, n = self._addr_len(rng)
        doc = docs[annex]
        chunk = doc[off:off + min(n, MAX_PACKET // 2)]
        return (b"l" if off + len(chunk) >= len(doc) else b"m") + escape(chunk)

    # ---- monitor ----
    def _monitor(self, arg: bytes):
        try:
            cmd = bytes.fromhex(arg.decode()).decode("utf-8", "replace").strip()
        except ValueError:
            raise Malformed("qRcmd expects hexadecimal text") from None
        t = self.target
        handlers = {"cycles": t.monitor_cycles, "cores": t.monitor_cores, "periph": t.monitor_periph,
                    "help": lambda: MONITOR_HELP, "": lambda: MONITOR_HELP}
        if cmd == "reset":
            text = t.reset()
            self.last_stop = Stop("signal", core=0, signal=SIGTRAP)
            self.g_core = 0
        elif cmd.split()[:1] == ["disas"]:
            text = self._disas(cmd.split()[1:])
        elif cmd in handlers:
            text = handlers[cmd]()
        else:
            text = f"unknown monitor command {cmd!r}\n" + MONITOR_HELP
        return [b"O" + _hex(chunk.encode()) for chunk in _chunks(text, 1000)] + [b"OK"]


    def _disas(self, args: list[str]) -> str:
        try:
            addr = int(args[0], 0) if args else self.target.read_register(self.g_core, 32)
            count = int(args[1], 0) if len(args) > 1 else 8
        except ValueError:
            return "monitor disas expects [ADDR [N]] (numbers, e.g. 0x1c000100 16)\n"
        if not 0 <= addr < 1 << 32 or not 1 <= count <= 4096:
            return "monitor disas: ADDR must be a 32-bit address and N 1-4096\n"
        return self.target.disassemble(addr, count)


def _chunks(text: str, n: int) -> list[str]:
    return [text[i:i + n] for i in range(0, len(text), n)] or [""]
