"""The GDB server (iss/gdbserver, docs/debugging.md): the stock gdb-multiarch in batch mode
against firmware built with -g, the protocol with a raw socket (bad input included), and the
debugger's view of the accelerators' writes. Every wait has a timeout: a hang fails a test,
it never blocks the suite."""
from __future__ import annotations

import queue
import re
import shutil
import socket
import subprocess
import sys
import threading
import time

import pytest

from iss import Cluster
from iss.gdbserver.packet import Decoder, checksum, escape, frame, rle_decode, unescape
from iss.gdbserver.target import Target

from .conftest import ROOT

GDB = shutil.which("gdb-multiarch")
TIMEOUT = 30


# ---- a simulator waiting for a debugger ----

class Server:
    """`iss run ELF --gdb 0` in a subprocess; the port comes from its first stderr line."""

    def __init__(self, elf, *args):
        self.proc = subprocess.Popen([sys.executable, "-m", "iss", "run", str(elf), "--gdb", "0", *map(str, args)],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        self.lines: queue.Queue[str] = queue.Queue()
        self.stderr_lines: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()
        deadline = time.monotonic() + TIMEOUT
        while True:
            line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            m = re.match(r"iss: waiting for gdb on 127\.0\.0\.1:(\d+)", line)
            if m:
                self.port = int(m.group(1))
                return

    def _pump(self):
        for line in self.proc.stderr:
            self.stderr_lines.append(line)
            self.lines.put(line)

    def finish(self, timeout=TIMEOUT):
        """Waits for the simulator to end: (exit code, stdout, stderr)."""
        out = self.proc.stdout.read() if self.proc.wait(timeout=timeout) is not None else ""
        time.sleep(0.05)   # the stderr pump catches up
        return self.proc.returncode, out, "".join(self.stderr_lines)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=TIMEOUT)


@pytest.fixture
def server():
    started = []

    def start(elf, *args):
        s = Server(elf, *args)
        started.append(s)
        return s
    yield start
    for s in started:
        s.kill()


def gdb(port, elf, *commands, timeout=TIMEOUT):
    """Runs gdb-multiarch in batch mode against the server; returns its output."""
    assert GDB, "gdb-multiarch is not installed: run toolchain/setup.sh"
    args = [GDB, "-batch", "-nx", "-ex", "set confirm off", "-ex", f"target remote 127.0.0.1:{port}"]
    for c in commands:
        args += ["-ex", c]
    r = subprocess.run(args + [str(elf)], capture_output=True, text=True, timeout=timeout)
    return r.stdout + r.stderr


# ---- a raw protocol client ----

class Client:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.decoder = Decoder()
        self.events = []
        self.acks = True

    def raw(self, data: bytes):
        self.sock.sendall(data)

    def send(self, payload: bytes):
        self.raw(frame(payload))

    def event(self):
        while not self.events:
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionError("the server closed the connection")
            self.events.extend(self.decoder.feed(data))
        return self.events.pop(0)

    def packet(self) -> bytes:
        """The next packet (acks skipped, acknowledged in ack mode)."""
        while True:
            ev = self.event()
            if ev.kind == "packet":
                if self.acks:
                    self.raw(b"+")
                return ev.payload
            assert ev.kind == "ack", ev

    def ask(self, payload: bytes) -> bytes:
        self.send(payload)
        return self.packet()

    def reply_after_console(self, payload: bytes) -> tuple[str, bytes]:
        """Sends a packet, returns (console output, reply) for packets answered after O packets."""
        self.send(payload)
        text = ""
        while True:
            p = self.packet()
            if p.startswith(b"O") and p != b"OK":
                text += bytes.fromhex(p[1:].decode()).decode()
            else:
                return text, p

    def close(self):
        self.sock.close()


def find_csrr_mhartid(elf, start: int) -> int:
    """Address of the first `csrr rd, mhartid` at or after start (a 32-bit instruction)."""
    code = elf_bytes(elf, start, 64)
    for off in range(0, 60, 2):
        w = int.from_bytes(code[off:off + 4], "little")
        if w & 0x7F == 0x73 and (w >> 12) & 7 == 2 and w >> 20 == 0xF14:
            return start + off
    raise AssertionError("no csrr mhartid")


def elf_bytes(elf, addr: int, n: int) -> bytes:
    """Bytes of the ELF's loadable segments at addr (before the simulator rewrites any)."""
    from elftools.elf.elffile import ELFFile
    with open(elf, "rb") as f:
        for seg in ELFFile(f).iter_segments():
            if seg["p_type"] == "PT_LOAD" and seg["p_paddr"] <= addr < seg["p_paddr"] + seg["p_filesz"]:
                off = addr - seg["p_paddr"]
                return seg.data()[off:off + n]
    raise KeyError(hex(addr))


def reg(hex32: bytes) -> int:
    return int.from_bytes(bytes.fromhex(hex32.decode()), "little")


# ---- packet codec ----

def test_codec_framing_escaping_and_run_length():
    assert frame(b"OK") == b"$OK#9a"
    assert checksum(b"") == 0
    data = bytes([0x23, 0x24, 0x7D, 0x2A, 0x00, 0x41])
    assert unescape(escape(data)) == data
    assert b"#" not in escape(data) and b"$" not in escape(data)
    assert rle_decode(b"0* ") == b"0000"          # ' ' = 32: three more
    d = Decoder()
    evs = d.feed(b"+-\x03junk$m0,4#fd$qC#b4")
    assert [e.kind for e in evs] == ["ack", "nak", "interrupt", "packet", "packet"]
    assert evs[3].payload == b"m0,4" and evs[4].payload == b"qC"
    assert [e.kind for e in d.feed(b"$m0,4#00")] == ["bad"]                 # bad checksum
    assert [e.kind for e in d.feed(b"$m0,4#zz")] == ["bad"]                 # not hexadecimal
    assert [e.kind for e in d.feed(b"$a$qC#b4")] == ["bad", "packet"]       # '$' inside a packet
    assert [e.kind for e in d.feed(b"$" + b"x" * 20000 + b"#00")] == ["bad"]   # too long


# ---- the real gdb-multiarch ----

def test_gdb_session_break_threads_watch_step_finish_exit(fw, server):
    elf = fw("gdb_demo")
    s = server(elf)
    out = gdb(s.port, elf,
              "break worker thread 4", "continue", "info threads", "print core", "next", "print value",
              "watch flag", "continue", "finish",
              "delete", "watch dma_dst[15]", "continue",
              "monitor cores", "monitor periph", "monitor cycles",
              "delete", "continue")
    assert 'Thread 4 "core 3" hit Breakpoint 1, worker (core=core@entry=3)' in out, out
    for n in range(8):
        assert f'Thread {n + 1} "core {n}"' in out, out
    assert "$1 = 3" in out and "$2 = 31" in out, out
    # the watchpoint on a TCDM variable that core 6 writes, seen from core 3's stop
    assert 'Thread 7 "core 6" hit Hardware watchpoint 2: flag' in out, out
    assert "Old value = 0\nNew value = 600" in out, out
    assert "in entry (arg=" in out and "Value returned is $3 = 61" in out, out
    # the DMA's write into the TCDM is a watchpoint hit too
    assert "iss: the DMA (working for core 0) wrote 0x10000030-0x1000006f" in out, out
    assert "Hardware watchpoint 3: dma_dst[15]\n\nOld value = 0\nNew value = 4111" in out, out
    assert re.search(r"core 1: sleeping on the dispatch FIFO at 0x[0-9a-f]+ <iss_worker_loop", out), out
    assert "dma: 0 transfers queued" in out and "ima: idle" in out, out
    assert re.search(r"core 7: \d+ cycles \(\d+ asleep\), \d+ instructions", out), out
    assert "exited with code 07" in out, out
    code, stdout, stderr = s.finish()
    assert code == 7, stderr
    assert "gdb_demo: 8 cores, sum 288, flag 600, dma_dst[15] 0x100f: ok" in stdout
    assert "Traceback" not in stderr


def test_gdb_registers_csrs_code_and_stepi(fw, server):
    elf = fw("gdb_demo")
    s = server(elf)
    out = gdb(s.port, elf,
              "break entry thread 6", "continue", "print $mhartid", "x/8i entry", "print/x $pc",
              "stepi", "print/x $pc", "print $mcycle > 0", "print $minstret > 0", "info registers pcmr",
              "print $a0 = 1234", "print $a0", "kill")
    assert 'Thread 6 "core 5" hit Breakpoint 1' in out, out
    assert "$1 = 5" in out, out                               # mhartid of core 5
    # the code as the ELF has it, not as the simulator rewrote it (mhartid -> custom CSR)
    assert re.search(r"<entry\+\d+>:\s+csrr\s+\w+,mhartid", out), out
    pcs = [int(v, 16) for v in re.findall(r"\$\d+ = (0x[0-9a-f]+)", out)]
    assert len(pcs) == 2 and pcs[1] - pcs[0] in (2, 4), out   # stepi: one instruction
    assert "$4 = 1" in out and "$5 = 1" in out, out
    assert re.search(r"pcmr\s+0x0", out), out
    assert "$7 = 1234" in out, out
    code, _, stderr = s.finish()
    assert code == 113 and "iss: gdb: killed by the debugger" in stderr, stderr
    assert "Traceback" not in stderr


def test_gdb_monitor_disas_lists_the_programs_instructions(fw, server):
    elf = fw("gdb_demo")
    s = server(elf)
    out = gdb(s.port, elf, "break entry thread 6", "continue", "monitor disas", "monitor disas entry", "kill")
    # from the pc: the ELF's words (mhartid, not the custom CSR it is rewritten to)
    assert re.search(r"0x[0-9a-f]{8} <entry\+0x\d>\s+f1402473\s+csrrs \w+, 0xf14, zero", out), out
    assert "monitor disas expects [ADDR [N]]" in out, out        # a symbol is not a number
    s.finish()


def test_gdb_detach_lets_the_program_run_to_its_end(fw, server):
    elf = fw("gdb_demo")
    s = server(elf)
    out = gdb(s.port, elf, "hbreak main", "continue", "detach")      # a hardware breakpoint (Z1)
    assert "Hardware assisted breakpoint 1 at" in out and "Breakpoint 1, main ()" in out, out
    code, stdout, stderr = s.finish()
    assert code == 7, stderr
    assert "gdb_demo: 8 cores, sum 288" in stdout
    assert "iss: gdb detached; the program runs to its end" in stderr
    assert "iss: exit 7 |" in stderr                          # the usual summary


# ---- the protocol with a raw socket ----

def test_protocol_queries_registers_memory_and_exit(fw, server):
    elf = fw("gdb_demo")
    s = server(elf)
    c = Client(s.port)
    feats = c.ask(b"qSupported:multiprocess+;swbreak+;hwbreak+")
    assert b"qXfer:features:read+" in feats and b"PacketSize=" in feats
    assert c.ask(b"vMustReplyEmpty") == b""                       # unknown: the empty reply
    assert c.ask(b"?") == b"T05thread:1;"
    assert c.ask(b"qfThreadInfo") == b"m1,2,3,4,5,6,7,8" and c.ask(b"qsThreadInfo") == b"l"
    xml = c.ask(b"qXfer:features:read:target.xml:0,3fff")
    assert xml.startswith(b"l") and b"riscv:rv32" in xml and b'name="mhartid"' in xml and b'name="pccr0"' in xml
    threads = c.ask(b"qXfer:threads:read::0,3fff")
    assert b'name="core 3"' in threads
    assert bytes.fromhex(c.ask(b"qThreadExtraInfo,4").decode()) == b"core 3, running"
    assert c.ask(b"T4") == b"OK" and c.ask(b"T9").startswith(b"E")
    assert c.ask(b"Hg4") == b"OK"
    regs = c.ask(b"g")
    assert len(regs) == 33 * 8
    entry = Cluster().load(elf).program.entry
    assert reg(regs[32 * 8:]) == entry and reg(c.ask(b"p20")) == entry
    assert reg(c.ask(b"p%x" % (65 + 0xF14))) == 3                  # mhartid of thread 4
    assert c.ask(b"p%x" % (65 + 0x123)).startswith(b"E")           # a CSR that does not exist
    assert c.ask(b"P5=78563412") == b"OK" and c.ask(b"p5") == b"78563412"
    # memory: TCDM, L2 (code as the ELF has it), unmapped -> E, writes
    flag = Cluster().load(elf).symbol("flag")
    assert c.ask(b"M%x,4:2a000000" % flag) == b"OK" and c.ask(b"m%x,4" % flag) == b"2a000000"
    assert c.ask(b"X%x,2:" % flag + escape(b"\x23\x7d")) == b"OK" and c.ask(b"m%x,2" % flag) == b"237d"
    assert c.ask(b"m30000000,4").startswith(b"E")                   # unmapped
    assert c.ask(b"m10204000,4").startswith(b"E")                   # peripherals are not read
    assert c.ask(b"M30000000,1:00").startswith(b"E")
    c.ask(b"M%x,4:00000000" % flag)
    # breakpoints do not modify the code the cores share
    worker = Cluster().load(elf).symbol("worker")
    before = c.ask(b"m%x,8" % worker)
    assert c.ask(b"Z0,%x,4" % worker) == b"OK" and c.ask(b"m%x,8" % worker) == before
    assert c.ask(b"Z9,0,4") == b""                                 # unsupported kind: empty
    stop = c.ask(b"vCont;c")
    m = re.fullmatch(rb"T05swbreak:;thread:([1-8]);", stop)
    assert m, stop
    core = int(m.group(1)) - 1
    c.ask(b"Hg%x" % (core + 1))
    assert reg(c.ask(b"p20")) == worker and reg(c.ask(b"pa")) == core   # a0 = core
    assert c.ask(b"z0,%x,4" % worker) == b"OK" and c.ask(b"z0,%x,4" % worker).startswith(b"E")
    # the simulator rewrote csrr mhartid in entry (which has run): m shows the ELF's word
    csrr = find_csrr_mhartid(elf, Cluster().load(elf).symbol("entry"))
    assert c.ask(b"m%x,4" % csrr) == elf_bytes(elf, csrr, 4).hex().encode()
    assert c.ask(b"vCont;c") == b"W07"
    c.close()
    code, stdout, _ = s.finish()
    assert code == 7 and "gdb_demo: 8 cores" in stdout


def test_protocol_bad_input_keeps_the_server_up(fw, server):
    s = server(fw("gdb_demo"))
    c = Client(s.port)
    c.raw(b"$qC#00")                                   # bad checksum: NAK
    assert c.event().kind == "nak"
    c.raw(b"$m0,4#zz")                                 # checksum not hexadecimal: NAK
    assert c.event().kind == "nak"
    assert c.ask(b"m12345") == b"E01"                  # malformed
    assert c.ask(b"mzz,4") == b"E01"
    assert c.ask(b"Z0,nothex,4") == b"E01"
    assert c.ask(b"P5=12") == b"E01"
    assert c.ask(b"vCont;x") == b"E01"
    # issue 13's fuzzing: signed, wider-than-32-bit and non-hex numbers and data used to end the
    # session with an internal error; each is a malformed packet now
    for bad in (b"m10000000,-5", b"p-1", b"P-1=00000000", b"p100000000", b"p10000000000000000",
                b"P100000000=00000000", b"Z0,1ffffffffff,2", b"Z0,1c000000,-1", b"Z2,10000000,-1",
                b"Z2,10000000,ffffffffff", b"z2,10000000,-1", b"Gzzzzzzzz", b"G" + b"\xff" * 8, b"m0x10,4",
                b"m1_0,4"):
        assert c.ask(bad) == b"E01", bad
    assert c.ask(b"p1").isalnum()                      # the session is still up
    assert c.ask(b"qXfer:features:read:nosuch.xml:0,10") == b"E00"
    assert c.ask(b"qFooBar") == b""                    # unknown
    assert c.ask(b"") == b""
    assert c.ask(b"Hq1").startswith(b"E")
    # no-ack mode: no more '+'
    assert c.ask(b"QStartNoAckMode") == b"OK"
    c.acks = False
    c.send(b"qC")
    assert c.event() == c.decoder.feed(b"$QC1#c5")[0]
    text, reply = c.reply_after_console(b"qRcmd," + b"bogus".hex().encode())
    assert "unknown monitor command 'bogus'" in text and reply == b"OK"
    c.send(b"k")
    c.close()
    code, _, stderr = s.finish()
    assert code == 113 and "killed by the debugger" in stderr and "Traceback" not in stderr


def test_second_connection_is_refused_while_the_first_is_active(fw, server):
    s = server(fw("gdb_demo"))
    first = Client(s.port)
    assert first.ask(b"?") == b"T05thread:1;"
    second = socket.create_connection(("127.0.0.1", s.port), timeout=TIMEOUT)
    msg = b""
    while chunk := second.recv(1024):
        msg += chunk
    second.close()
    assert b"already has a debugger connected" in msg
    assert first.ask(b"qC") == b"QC1"                 # the first one is still served
    assert first.ask(b"vCont;c") == b"W07"
    first.close()
    code, _, stderr = s.finish()
    assert code == 7
    assert "refused a second connection" in stderr


def test_disconnect_mid_run_ends_cleanly(fw, server):
    s = server(fw("spin"))
    c = Client(s.port)
    c.send(b"vCont;c")
    time.sleep(0.3)                                     # running
    c.close()
    code, _, stderr = s.finish()
    assert code == 113, stderr
    assert "iss: gdb: the debugger disconnected; the run ended at cycle" in stderr
    assert "Traceback" not in stderr


def test_interrupt_stops_every_core_and_single_step_holds_the_others(fw, server):
    s = server(fw("spin"))
    c = Client(s.port)
    c.send(b"vCont;c")
    time.sleep(0.2)
    c.raw(b"\x03")                                      # Ctrl-C
    stop = c.packet()
    assert re.fullmatch(rb"T02thread:1;", stop), stop
    pc = reg(c.ask(b"p20"))
    # step thread 1 alone: the others are held
    others = [c.ask(b"Hg%x" % t) and reg(c.ask(b"p20")) for t in range(2, 9)]
    cycles_before = c.reply_after_console(b"qRcmd," + b"cycles".hex().encode())[0]
    c.ask(b"Hg1")
    assert c.ask(b"vCont;s:1") == b"T05thread:1;"
    assert reg(c.ask(b"p20")) != pc
    assert [c.ask(b"Hg%x" % t) and reg(c.ask(b"p20")) for t in range(2, 9)] == others
    cycles_after = c.reply_after_console(b"qRcmd," + b"cycles".hex().encode())[0]
    assert cycles_before.splitlines()[1:8] == cycles_after.splitlines()[1:8]   # cores 1-7 did not move
    # step thread 1 with the others running
    assert c.ask(b"vCont;s:1;c") == b"T05thread:1;"
    c.send(b"vKill;1")
    assert c.packet() == b"OK"
    code, _, stderr = s.finish()
    assert code == 113 and "killed by the debugger" in stderr


def test_fault_under_the_debugger_is_a_signal_then_the_error(fw, server):
    s = server(fw("illegal"))
    c = Client(s.port)
    text, stop = c.reply_after_console(b"vCont;c")
    assert stop == b"T04thread:1;"                      # SIGILL, the run cannot go on
    assert "iss: illegal instruction: illegal instruction 0xffffffff" in text
    assert c.ask(b"vCont;c") == b"X04"
    c.close()
    code, _, stderr = s.finish()
    assert code == 105 and "illegal instruction" in stderr and "Traceback" not in stderr


def test_monitor_reset_restarts_the_program(fw, server):
    elf = fw("gdb_demo")
    s = server(elf)
    c = Client(s.port)
    main = Cluster().load(elf).symbol("main")
    c.ask(b"Z0,%x,2" % main)
    assert c.ask(b"vCont;c") == b"T05thread:1;"
    text, reply = c.reply_after_console(b"qRcmd," + b"reset".hex().encode())
    assert "cluster reset" in text and reply == b"OK"
    assert reg(c.ask(b"p20")) == Cluster().load(elf).program.entry
    assert c.ask(b"vCont;c") == b"T05thread:1;"        # main again: the breakpoint was kept
    c.ask(b"z0,%x,2" % main)
    assert c.ask(b"vCont;c") == b"W07"
    c.close()
    code, stdout, _ = s.finish()
    assert code == 7 and stdout.count("gdb_demo: 8 cores") == 1


def test_port_in_use_is_one_clear_error(fw):
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    port = busy.getsockname()[1]
    try:
        r = subprocess.run([sys.executable, "-m", "iss", "run", str(fw("gdb_demo")), "--gdb", str(port)],
                           capture_output=True, text=True, timeout=TIMEOUT, cwd=ROOT)
    finally:
        busy.close()
    assert r.returncode == 113 and f"iss: gdb: cannot listen on 127.0.0.1:{port}" in r.stderr
    assert "Traceback" not in r.stderr


# ---- the accelerators' writes, through the target interface ----

def run_to_stop(target: Target):
    target.resume(set(range(target.ncores)), set())
    return target.run(lambda: False, lambda text: None)


def run_to_model_write(target: Target, what: str):
    """Continues past the cores' own hits (the start-up code zeroes .bss, the program writes
    guard bytes) to the first stop a model's write causes."""
    for _ in range(1000):
        stop = run_to_stop(target)
        if stop.kind != "signal" or what in stop.message:
            return stop
    raise AssertionError(f"no write by {what}")


def run_to(target: Target, symbol: str):
    addr = target.cluster.symbol(symbol)
    target.insert_point(0, addr, 2)
    stop = run_to_stop(target)
    target.remove_point(0, addr, 2)
    assert stop.breakpoint == "swbreak", stop


def test_watchpoint_sees_the_ima_output(fw):
    cl = Cluster().load(fw("ima_mvm"))
    t = Target(cl)
    out = cl.symbol("out_buf")
    t.insert_point(2, out + 8, 4)                      # past the guard bytes
    stop = run_to_model_write(t, "the IMA")
    assert stop.watch == ("watch", out + 8) and "the IMA" in stop.message, stop
    assert "ima:" in t.monitor_periph()
    t.remove_point(2, out + 8, 4)
    assert run_to_stop(t).kind == "exited"


def test_watchpoint_sees_the_depthwise_accelerator_output(fw):
    cl = Cluster().load(fw("dwa_conv"))
    t = Target(cl)
    out = cl.symbol("out")
    t.insert_point(4, out, 4)                          # access watchpoint
    stop = run_to_model_write(t, "the depthwise accelerator")
    assert stop.watch == ("awatch", out) and "the depthwise accelerator" in stop.message, stop
    t.remove_point(4, out, 4)
    assert run_to_stop(t).kind == "exited"


def test_watchpoint_stops_before_a_core_store_and_read(fw):
    cl = Cluster().load(fw("gdb_demo"))
    t = Target(cl)
    flag = cl.symbol("flag")
    run_to(t, "main")                                   # past the start-up code zeroing .bss
    t.insert_point(2, flag, 4)
    stop = run_to_stop(t)
    assert stop.watch == ("watch", flag) and stop.core == 6
    assert t.read_memory(flag, 4) == bytes(4)           # the store has not happened yet
    t.remove_point(2, flag, 4)
    t.insert_point(3, flag, 4)                          # read watchpoint: core 0 reads flag in main
    stop = run_to_stop(t)
    assert stop.watch == ("rwatch", flag) and stop.core == 0
    assert int.from_bytes(t.read_memory(flag, 4), "little") == 600
    t.remove_point(3, flag, 4)
    assert run_to_stop(t).kind == "exited" and run_to_stop(t).code == 7
