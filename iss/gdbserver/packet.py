"""GDB remote serial protocol framing: ``$payload#cs``, acks, escaping, run-length encoding.

The decoder is fed raw bytes from the socket and yields events; it never raises on bad
input (a bad checksum or a malformed frame is an event the server answers with a NAK)."""
from __future__ import annotations

from dataclasses import dataclass

MAX_PACKET = 0x4000        # the PacketSize the server announces (payload bytes)
INTERRUPT = 0x03           # Ctrl-C, sent outside any packet


def checksum(data: bytes) -> int:
    return sum(data) & 0xFF


def escape(data: bytes) -> bytes:
    """Binary data in a packet: '#', '$', '}' and '*' are sent as '}' then the byte ^ 0x20."""
    out = bytearray()
    for b in data:
        if b in (0x23, 0x24, 0x7D, 0x2A):
            out += bytes((0x7D, b ^ 0x20))
        else:
            out.append(b)
    return bytes(out)


def unescape(data: bytes) -> bytes:
    out = bytearray()
    it = iter(data)
    for b in it:
        if b == 0x7D:
            nxt = next(it, None)
            if nxt is None:
                raise ValueError("escape character at the end of the data")
            out.append(nxt ^ 0x20)
        else:
            out.append(b)
    return bytes(out)


def rle_decode(data: bytes) -> bytes:
    """Run-length encoding: 'X*n' repeats X (ord(n) - 29) more times."""
    if b"*" not in data:
        return data
    out = bytearray()
    i = 0
    while i < len(data):
        b = data[i]
        if b == 0x2A:
            if not out or i + 1 >= len(data):
                raise ValueError("run-length marker without a byte to repeat or a count")
            count = data[i + 1] - 29
            if count < 0:
                raise ValueError("bad run-length count")
            out += bytes((out[-1],)) * count
            i += 2
        else:
            out.append(b)
            i += 1
    return bytes(out)


def frame(payload: bytes) -> bytes:
    """A packet ready to send (the payload must already be escaped if it is binary)."""
    return b"$" + payload + b"#" + b"%02x" % checksum(payload)


@dataclass(frozen=True)
class Event:
    kind: str                  # "packet", "interrupt", "ack", "nak", "bad"
    payload: bytes = b""       # a packet's payload (run-length decoded, not unescaped)
    reason: str = ""           # why a frame was bad


class Decoder:
    """Splits the byte stream into events. Bytes outside a frame other than '+', '-' and
    Ctrl-C are ignored, as GDB's own stub does."""

    def __init__(self, max_packet: int = MAX_PACKET):
        self.max_packet = max_packet
        self._buf = bytearray()
        self._cs = bytearray()
        self._state = 0            # 0 outside a frame, 1 in the payload, 2 in the checksum
        self._overflow = False     # the payload is too long: read it to its end, then refuse it

    def feed(self, data: bytes) -> list[Event]:
        events: list[Event] = []
        for b in data:
            if self._state == 0:
                if b == 0x24:                      # '$'
                    self._state = 1
                    self._overflow = False
                    self._buf.clear()
                elif b == 0x2B:
                    events.append(Event("ack"))
                elif b == 0x2D:
                    events.append(Event("nak"))
                elif b == INTERRUPT:
                    events.append(Event("interrupt"))
            elif self._state == 1:
                if b == 0x23:                      # '#': two checksum characters follow
                    self._state = 2
                    self._cs.clear()
                elif b == 0x24:                    # a new '$' inside a frame: restart there
                    events.append(Event("bad", reason="'$' inside a packet"))
                    self._buf.clear()
                elif len(self._buf) >= self.max_packet:
                    self._overflow = True
                else:
                    self._buf.append(b)
            else:
                self._cs.append(b)
                if len(self._cs) == 2:
                    if self._overflow:
                        events.append(Event("bad", reason=f"packet longer than {self.max_packet} bytes"))
                    else:
                        events.append(self._finish(bytes(self._buf), bytes(self._cs)))
                    self._state = 0
        return events

    @staticmethod
    def _finish(payload: bytes, cs: bytes) -> Event:
        try:
            want = int(cs, 16)
        except ValueError:
            return Event("bad", reason=f"checksum {cs!r} is not hexadecimal")
        if want != checksum(payload):
            return Event("bad", reason=f"bad checksum 0x{want:02x} (computed 0x{checksum(payload):02x})")
        try:
            return Event("packet", rle_decode(payload))
        except ValueError as e:
            return Event("bad", reason=str(e))
