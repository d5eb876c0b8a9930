"""Errors the simulator reports to users, each with its own process exit code.

A firmware's own exit code is its CORESTATUS/tohost status (0-255); the simulator's
errors use 100 and above so that scripts can tell them apart (docs/cli.md lists them).
"""
from __future__ import annotations


class IssError(Exception):
    """An error with a one-line message for the user and a distinct exit code."""

    exit_code = 112
    kind = "simulation error"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ConfigError(IssError):
    exit_code = 100
    kind = "config error"


class FirmwareFileError(IssError):
    """Not a file, not readable."""
    exit_code = 101
    kind = "file error"


class ElfFormatError(IssError):
    """Not an ELF, or a malformed one."""
    exit_code = 102
    kind = "not a valid ELF"


class ElfTargetError(IssError):
    """An ELF for another machine or class (64-bit, not RISC-V)."""
    exit_code = 103
    kind = "wrong ELF target"


class ElfLayoutError(IssError):
    """A segment outside the memory map."""
    exit_code = 104
    kind = "ELF does not fit the memory map"


class IllegalInstructionError(IssError):
    exit_code = 105
    kind = "illegal instruction"


class MemoryFaultError(IssError):
    exit_code = 106
    kind = "memory fault"


class MaxCyclesError(IssError):
    exit_code = 107
    kind = "cycle limit reached"


class DeadlockError(IssError):
    exit_code = 108
    kind = "deadlock"


class PeripheralError(IssError):
    """A peripheral refused an access (bad register, bad command)."""
    exit_code = 109
    kind = "peripheral error"


class ToolchainError(IssError):
    exit_code = 110
    kind = "build error"


class OutputFileError(IssError):
    exit_code = 111
    kind = "output file error"


class DebuggerError(IssError):
    """A GDB session ended the run (kill, disconnect) or could not start (port in use)."""
    exit_code = 113
    kind = "gdb"


class TraceFileError(IssError):
    """`iss report`: the file is missing, not JSON, or not a trace written by `iss run --trace`."""
    exit_code = 114
    kind = "trace file error"


ALL_ERRORS = [ConfigError, FirmwareFileError, ElfFormatError, ElfTargetError, ElfLayoutError,
              IllegalInstructionError, MemoryFaultError, MaxCyclesError, DeadlockError,
              PeripheralError, ToolchainError, OutputFileError, DebuggerError, TraceFileError]
