"""The GDB server: one TCP connection on 127.0.0.1, all-stop mode, every core a thread.

    result = serve(cluster, port)       # or Cluster(...).load(elf).serve_gdb(port)

The cluster waits, before its first instruction, for a debugger to connect. A second
connection while one is active is refused with a message. The program's output goes to
`stdout` as in a normal run. The session ends when the program exits (reported to GDB as
W<code>), when the run ends with an error (reported as a signal, then X), on detach (the
program then runs to its end without the debugger), on kill, or when GDB disconnects."""
from __future__ import annotations

import dataclasses
import select
import socket
import sys
import time
from typing import TextIO

from ..errors import DebuggerError
from .packet import Decoder, Event, frame
from .protocol import Detach, Kill, Protocol, Resume
from .target import Stop, Target

REFUSAL = b"iss: the GDB server already has a debugger connected; one at a time\n"


class _Disconnected(Exception):
    pass


class GdbServer:
    def __init__(self, cluster, port: int = 0, host: str = "127.0.0.1", stdout: TextIO | None = None,
                 log: TextIO | None = None):
        self.cluster = cluster
        self.host = host
        self.stdout = stdout
        self.log = log if log is not None else sys.stderr
        self.output: list[str] = []
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self.listener.bind((host, port))
            self.listener.listen(2)
        except OSError as e:
            self.listener.close()
            raise DebuggerError(f"cannot listen on {host}:{port}: {e.strerror}") from None
        self.port = self.listener.getsockname()[1]
        self.conn: socket.socket | None = None
        self.decoder = Decoder()
        self.pending: list[Event] = []
        self.last_sent = b""
        self.sim_seconds = 0.0     # host time spent simulating (not waiting for the debugger)

    # ---- logging and output ----
    def _say(self, text: str) -> None:
        print(text, file=self.log, flush=True)

    def _program_output(self, text: str) -> None:
        self.output.append(text)
        if self.stdout is not None:
            self.stdout.write(text)
            self.stdout.flush()

    # ---- connection ----
    def _refuse_others(self) -> None:
        """Answers every pending connection attempt with a message and closes it."""
        while select.select([self.listener], [], [], 0)[0]:
            try:
                other, addr = self.listener.accept()
            except OSError:
                return
            try:
                other.sendall(REFUSAL)
            except OSError:
                pass
            other.close()
            self._say(f"iss: gdb: refused a second connection from {addr[0]}:{addr[1]} (one debugger at a time)")

    def _send(self, payload: bytes) -> None:
        data = frame(payload)
        self.last_sent = data
        try:
            self.conn.sendall(data)
        except OSError:
            raise _Disconnected() from None

    def _send_raw(self, data: bytes) -> None:
        try:
            self.conn.sendall(data)
        except OSError:
            raise _Disconnected() from None

    def _receive(self, timeout: float | None) -> bool:
        """Reads what the client sent into self.pending; False on timeout."""
        waiting = [self.conn, self.listener]
        r = select.select(waiting, [], [], timeout)[0]
        if self.listener in r:
            self._refuse_others()
        if self.conn not in r:
            return False
        try:
            data = self.conn.recv(65536)
        except OSError:
            data = b""
        if not data:
            raise _Disconnected()
        self.pending.extend(self.decoder.feed(data))
        return True

    # ---- the session ----
    def serve(self):
        """Waits for GDB and serves it; returns the RunResult of the program, or raises the
        error that ended the run (an IssError)."""
        self._say(f"iss: waiting for gdb on {self.host}:{self.port}")
        try:
            while True:   # Ctrl-C on the simulator interrupts the wait
                if select.select([self.listener], [], [], 0.5)[0]:
                    self.conn, addr = self.listener.accept()
                    break
            self.conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._say(f"iss: gdb connected from {addr[0]}:{addr[1]}")
            self.target = Target(self.cluster)
            self.proto = Protocol(self.target)
            try:
                outcome = self._loop()
            except _Disconnected:
                outcome = "disconnected"
            return self._finish(outcome)
        finally:
            if self.conn is not None:
                self.conn.close()
            self.listener.close()

    def _loop(self) -> str:
        while True:
            if not self.pending:
                self._receive(None)
            while self.pending:
                ev = self.pending.pop(0)
                if ev.kind == "bad":
                    self._say(f"iss: gdb: bad packet ({ev.reason})")
                    if not self.proto.no_ack:
                        self._send_raw(b"-")
                    continue
                if ev.kind == "nak":
                    if self.last_sent:
                        self._send_raw(self.last_sent)
                    continue
                if ev.kind != "packet":
                    continue          # acks; Ctrl-C while already stopped
                if not self.proto.no_ack:
                    self._send_raw(b"+")
                outcome = self._packet(ev.payload)
                if outcome:
                    return outcome

    def _packet(self, payload: bytes) -> str | None:
        result = self.proto.handle(payload)
        if isinstance(result, Resume):
            stop = self._run(result)
            if stop.message:
                self._say(stop.message)
                self._send(b"O" + (stop.message + "\n").encode().hex().encode())
            self.proto.stopped(stop)
            self._send(self.proto.stop_reply(stop))
            return None
        if isinstance(result, Detach):
            self._send(b"OK")
            return "detached"
        if isinstance(result, Kill):
            if result.reply:
                self._send(b"OK")
            return "killed"
        for reply in result:
            self._send(reply)
        return None

    def _run(self, resume: Resume) -> Stop:
        t = self.target
        if t.finished is not None:
            # the run is over: the program exited, or ended with an error already reported
            f = t.finished
            return f if f.kind == "exited" else dataclasses.replace(f, kind="terminated", message="")
        t.resume(set(resume.cont), set(resume.step))
        start = time.perf_counter()
        try:
            return t.run(self._poll, self._program_output)
        finally:
            self.sim_seconds += time.perf_counter() - start

    def _poll(self) -> bool:
        """Between chunks of a run: True when GDB sent Ctrl-C. Other packets wait."""
        interrupted = False
        while self._receive(0):
            for ev in list(self.pending):
                if ev.kind == "interrupt":
                    self.pending.remove(ev)
                    interrupted = True
        return interrupted

    # ---- the end ----
    def _finish(self, outcome: str):
        cl = self.cluster
        t = self.target
        if outcome == "detached":
            self._say("iss: gdb detached; the program runs to its end")
            t.detach()
        elif t.finished is None:
            cycles = max(t.core_info(c).cycles for c in range(t.ncores))
            why = "killed by the debugger" if outcome == "killed" else "the debugger disconnected"
            raise DebuggerError(f"{why}; the run ended at cycle {cycles}")
        # the rest of the run (detach), or the end already reached: the normal result or error
        before = "".join(self.output)
        result = cl.run(stdout=self.stdout)
        output = before + result.output
        cl.last_output = output
        return dataclasses.replace(result, output=output, wall_seconds=self.sim_seconds + result.wall_seconds)


def serve(cluster, port: int = 0, host: str = "127.0.0.1", stdout: TextIO | None = None,
          log: TextIO | None = None):
    """Serves one GDB session on host:port (0: a free port) for a loaded cluster; returns its
    RunResult once the program ends (see the module docstring)."""
    return GdbServer(cluster, port, host, stdout, log).serve()
