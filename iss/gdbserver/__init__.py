"""GDB remote serial protocol server: debug a firmware on the simulated cluster with the
stock gdb-multiarch, every core a thread (docs/debugging.md).

    packet.py    framing, checksums, escaping, run-length decoding
    protocol.py  the packets, one handler per family
    target.py    the narrow interface to the simulator (registers, memory, points, run)
    server.py    the socket, the session, the end of the run
"""
from .server import GdbServer, serve

__all__ = ["GdbServer", "serve"]
