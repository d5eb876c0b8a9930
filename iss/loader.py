"""ELF loader: checks the file is a 32-bit RISC-V executable, collects its loadable
segments (placed at their physical address, bss zero-filled) and its symbol table."""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from pathlib import Path

from elftools.common.exceptions import ELFError
from elftools.elf.elffile import ELFFile

from .errors import ElfFormatError, ElfLayoutError, ElfTargetError, FirmwareFileError

EM_RISCV = 243
LABEL_REACH = 0x1000   # how far past a size-0 label (assembly code) an address still belongs to it


@dataclass(frozen=True)
class Segment:
    paddr: int
    data: bytes
    memsz: int


@dataclass
class Symbols:
    """Function and object symbols, for messages (symbol+offset) and profiles."""
    by_name: dict[str, int] = field(default_factory=dict)
    _starts: list[int] = field(default_factory=list)
    _entries: list[tuple[int, int, str]] = field(default_factory=list)

    def add(self, name: str, addr: int, size: int) -> None:
        self.by_name.setdefault(name, addr)
        self._entries.append((addr, size, name))

    def finish(self) -> None:
        self._entries.sort()
        self._starts = [e[0] for e in self._entries]

    def lookup(self, addr: int) -> tuple[str, int] | None:
        """The symbol containing addr (or the closest one before it) and the offset."""
        i = bisect.bisect_right(self._starts, addr) - 1
        while i >= 0:
            start, size, name = self._entries[i]
            # a sized symbol must contain addr; a label (size 0) names what follows it closely
            if addr < start + size or (size == 0 and addr - start < LABEL_REACH):
                return name, addr - start
            i -= 1
        return None

    def describe(self, addr: int) -> str:
        found = self.lookup(addr)
        return f"0x{addr:08x}" if found is None else f"0x{addr:08x} <{found[0]}+0x{found[1]:x}>"


@dataclass
class Program:
    path: Path
    entry: int
    segments: list[Segment]
    symbols: Symbols
    arch: str | None = None     # the -march the ELF was built for (.riscv.attributes), if recorded

    @property
    def uses_corev(self) -> bool:
        """Built with the CORE-V extensions (clang's xcv*): it expects CV32E40P's CSR map."""
        return self.arch is not None and "xcv" in self.arch


def load_elf(path: str | Path, regions: list[tuple[int, int, str]]) -> Program:
    """Reads an ELF; regions are (base, size, name) of memory the segments may occupy."""
    path = Path(path)
    try:
        exists, is_file = path.exists(), path.is_file()
    except OSError as e:     # a name too long for the file system, a loop of links
        raise FirmwareFileError(f"{str(path)[:80]}{'...' if len(str(path)) > 80 else ''}: {e.strerror}") from None
    if not exists:
        raise FirmwareFileError(f"{path}: no such file")
    if not is_file:
        raise FirmwareFileError(f"{path}: not a regular file")
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise FirmwareFileError(f"{path}: cannot read: {e.strerror}") from None
    if raw[:4] != b"\x7fELF":
        raise ElfFormatError(f"{path}: not an ELF file (no ELF magic number)")
    if len(raw) < 52:
        raise ElfFormatError(f"{path}: malformed ELF: {len(raw)} bytes, shorter than an ELF32 header (52)")
    if raw[4] == 2:
        raise ElfTargetError(f"{path}: a 64-bit ELF; the cluster's cores are RV32 (build with -march=rv32imc -mabi=ilp32)")
    if raw[4] != 1:
        raise ElfFormatError(f"{path}: malformed ELF: invalid class {raw[4]} in byte 4 (1: 32-bit, 2: 64-bit)")
    try:
        import io
        elf = ELFFile(io.BytesIO(raw))
        machine = elf["e_machine"]
        if machine not in ("EM_RISCV", EM_RISCV):
            raise ElfTargetError(f"{path}: an ELF for {machine}, not RISC-V")
        if elf["e_type"] != "ET_EXEC":
            raise ElfTargetError(f"{path}: ELF type {elf['e_type']}, expected an executable (ET_EXEC)")
        segments = []
        for seg in elf.iter_segments():
            if seg["p_type"] != "PT_LOAD" or seg["p_memsz"] == 0:
                continue
            paddr, memsz, filesz = seg["p_paddr"], seg["p_memsz"], seg["p_filesz"]
            if filesz > memsz:
                raise ElfFormatError(f"{path}: segment at 0x{paddr:08x} has file size > memory size")
            if seg["p_offset"] + filesz > len(raw):
                raise ElfFormatError(f"{path}: malformed ELF: the segment at 0x{paddr:08x} has {filesz} bytes at file "
                                     f"offset {seg['p_offset']}, past the end of the file ({len(raw)} bytes)")
            if not any(base <= paddr and paddr + memsz <= base + size for base, size, _ in regions):
                names = ", ".join(f"{n} 0x{b:08x}-0x{b + s - 1:08x}" for b, s, n in regions)
                raise ElfLayoutError(
                    f"{path}: segment 0x{paddr:08x}-0x{paddr + memsz - 1:08x} lies outside the memory map "
                    f"(loadable memory: {names})")
            segments.append(Segment(paddr, seg.data(), memsz))
        symbols = Symbols()
        symtab = elf.get_section_by_name(".symtab")
        if symtab is not None and not hasattr(symtab, "iter_symbols"):
            raise ElfFormatError(f"{path}: malformed ELF: .symtab is not a symbol table (section type "
                                 f"{symtab['sh_type']})")
        if symtab is not None:
            for sym in symtab.iter_symbols():
                if sym.name and not sym.name.startswith(("$", ".L")) and sym["st_info"]["type"] in ("STT_FUNC", "STT_OBJECT", "STT_NOTYPE") \
                        and sym["st_shndx"] not in ("SHN_UNDEF", "SHN_ABS"):
                    symbols.add(sym.name, sym["st_value"], sym["st_size"])
        symbols.finish()
        return Program(path, elf["e_entry"], segments, symbols, _arch_string(elf))
    except ELFError as e:
        raise ElfFormatError(f"{path}: malformed ELF: {e}") from None
    except (ValueError, KeyError, IndexError, OSError) as e:
        # pyelftools raises these on truncated or inconsistent headers
        raise ElfFormatError(f"{path}: malformed ELF: {e}") from None


def _arch_string(elf: ELFFile) -> str | None:
    """Tag_RISCV_arch of the .riscv.attributes section ("rv32i2p1_m2p0_..._xcvalu1p0")."""
    sec = elf.get_section_by_name(".riscv.attributes")
    if sec is None:
        return None
    data = sec.data()
    at = data.find(b"rv32")
    if at < 0:
        return None
    end = data.find(b"\0", at)
    return data[at:end if end >= 0 else len(data)].decode("ascii", "replace")
