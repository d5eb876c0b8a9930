"""Build the test firmware with the riscv64-unknown-elf toolchain and picolibc.

Each directory ``firmware/<name>/`` is one program: every ``.c`` and ``.S`` file in
it is compiled and linked with the runtime (``runtime/crt0.S``, ``runtime/*.c``)
and ``runtime/link.ld`` into ``<name>.elf``.

A program is built for one of two instruction sets (``ISAS``): ``rv32imc`` (the
default) with Debian's riscv64-unknown-elf-gcc, or ``corev`` (RV32IMC plus the
CORE-V extensions of the CV32E40P, for ``core.isa = "corev"``) with Debian's
clang-22 and ld.lld-22. A file ``firmware/<name>/ISA`` containing ``corev`` or
``rv32imc`` selects it; the ``isa`` argument of ``build_program`` overrides it.
Both link the same picolibc build (rv32im/ilp32) and GCC's libgcc for it.

The runtime objects are linked as an archive, so a program that defines its own
``_start`` (the HTIF tests) gets neither crt0 nor the C runtime: the linker only
takes crt0 from the archive to resolve ``_start``.

``python -m iss.firmware [--out build/firmware] [NAME ...]`` builds from the shell.
"""
from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIRMWARE_DIR = ROOT / "firmware"
RUNTIME_DIR = ROOT / "runtime"
LINKER_SCRIPT = RUNTIME_DIR / "link.ld"

TOOLCHAIN_PREFIX = "riscv64-unknown-elf-"

# Instruction sets a program can be built for; the first is the default.
ISAS = ("rv32imc", "corev")
DEFAULT_ISA = ISAS[0]
# The file of a program directory that names its ISA (one word: one of ISAS).
ISA_FILE = "ISA"

CFLAGS = [
    "-march=rv32imc_zicsr_zifencei", "-mabi=ilp32", "--specs=picolibc.specs",
    "-O2", "-g", "-ffunction-sections", "-fdata-sections", "-Wall", "-Wextra",
    "-I", str(RUNTIME_DIR / "include"),
]
# No rv32imc multilib exists: linking with -march=rv32imc selects picolibc's rv32im/ilp32 build.
# -u _start: crt0 comes from the runtime archive unless the program defines _start itself.
LDFLAGS = [
    "-march=rv32imc", "-mabi=ilp32", "--specs=picolibc.specs", "-nostartfiles",
    "-T", str(LINKER_SCRIPT), "-Wl,--gc-sections", "-u", "_start",
]
SOURCE_SUFFIXES = (".c", ".S")

# CORE-V (CV32E40P with COREV_PULP=1): clang-22 assembles and, at -O2, emits these extensions.
# The hardware loops (XCVhwlp) are not among them: iss_simd.h encodes them with .word.
# Without xcvbitmanip: clang-22 lowers __builtin_clz to a bare cv.fl1, but on the CV32E40P RTL
# cv.fl1 returns the index of the highest set bit (cv.fl1 0x80000000 = 31 in xcv_vectors.txt),
# not the count of leading zeros, so such code computes wrong results on the core (and here).
# Its instructions stay usable in assembly (.option arch, +xcvbitmanip). docs/runtime.md.
COREV_MARCH = "rv32imc_zicsr_zifencei_xcvmem_xcvalu_xcvmac_xcvsimd_xcvbi_xcvelw"
CLANG = "clang-22"
LLD = "ld.lld-22"
LLVM_AR = "llvm-ar-22"
# Debian's picolibc-riscv64-unknown-elf: headers, and one library per multilib below lib/.
PICOLIBC_ROOT = Path("/usr/lib/picolibc/riscv64-unknown-elf")
# Debian package that provides each tool, for the error message when one is missing.
PACKAGES = {
    TOOLCHAIN_PREFIX + "gcc": "gcc-riscv64-unknown-elf",
    TOOLCHAIN_PREFIX + "ar": "binutils-riscv64-unknown-elf",
    CLANG: "clang-22",
    LLD: "lld-22",
    LLVM_AR: "llvm-22",
}


class BuildError(Exception):
    """The toolchain is missing or a compile/link step failed."""


def _tool(name: str, prefix: str = TOOLCHAIN_PREFIX) -> str:
    path = shutil.which(prefix + name)
    if path is None:
        package = PACKAGES.get(prefix + name)
        hint = f"install the Debian package {package} (toolchain/setup.sh does)" if package \
            else "run toolchain/setup.sh"
        raise BuildError(f"{prefix}{name} not found on PATH: {hint}")
    return path


def _query(cmd: list[str]) -> str:
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0 or not proc.stdout.strip():
        raise BuildError(f"command failed (exit {proc.returncode}): {' '.join(cmd)}\n{proc.stderr.strip()}")
    return proc.stdout.strip()


@functools.cache
def _corev_toolchain() -> dict:
    """Tools, flags and libraries of the clang-22 build (see the module docstring).

    clang has no picolibc specs: the picolibc headers and the library of the
    rv32im/ilp32 multilib (the one GCC links for -march=rv32imc) are named
    explicitly, with GCC's libgcc of that multilib for the compiler builtins.
    """
    clang = _tool(CLANG, prefix="")
    lld = _tool(LLD, prefix="")
    ar = _tool(LLVM_AR, prefix="")
    gcc = _tool("gcc")
    multilib = ["-march=rv32imc", "-mabi=ilp32"]
    multidir = _query([gcc, *multilib, "-print-multi-directory"])
    libgcc = Path(_query([gcc, *multilib, "-print-libgcc-file-name"]))
    include = PICOLIBC_ROOT / "include"
    libdir = PICOLIBC_ROOT / "lib" / multidir
    if not (include / "stdio.h").is_file() or not (libdir / "libc.a").is_file():
        raise BuildError(f"picolibc for {multidir} not found in {PICOLIBC_ROOT}: install the Debian "
                         f"package picolibc-riscv64-unknown-elf (toolchain/setup.sh does)")
    if not libgcc.is_file():
        raise BuildError(f"libgcc for {multidir} not found ({libgcc}): install the Debian package "
                         f"gcc-riscv64-unknown-elf (toolchain/setup.sh does)")
    target = ["--target=riscv32-unknown-elf", f"-march={COREV_MARCH}", "-mabi=ilp32"]
    return {
        "cc": clang,
        "ar": ar,
        # -nostdlibinc: picolibc's headers instead of a sysroot's (clang's own stay);
        # -ftls-model=local-exec as picolibc.specs sets it for GCC.
        "cflags": target + [
            "-O2", "-g", "-ffunction-sections", "-fdata-sections", "-Wall", "-Wextra",
            "-nostdlibinc", "-isystem", str(include), "-ftls-model=local-exec",
            "-I", str(RUNTIME_DIR / "include"),
        ],
        "ldflags": target + [
            "-fuse-ld=lld", f"--ld-path={lld}", "-nostdlib",
            "-T", str(LINKER_SCRIPT), "-Wl,--gc-sections", "-u", "_start",
        ],
        # after the program's objects and libiss.a (lld searches archives in any order)
        "libs": ["-L", str(libdir), "-lc", str(libgcc)],
    }


def _toolchain(isa: str) -> dict:
    if isa == "corev":
        return _corev_toolchain()
    return {"cc": _tool("gcc"), "ar": _tool("ar"), "cflags": CFLAGS, "ldflags": LDFLAGS, "libs": []}


def program_isa(src_dir: Path) -> str:
    """The ISA a program is built for: the word in its ISA file, or DEFAULT_ISA without one."""
    isa_file = Path(src_dir) / ISA_FILE
    if not isa_file.is_file():
        return DEFAULT_ISA
    isa = isa_file.read_text().strip()
    if isa not in ISAS:
        raise BuildError(f"{isa_file}: unknown ISA {isa!r} (expected one of {', '.join(ISAS)})")
    return isa


def _run(cmd: list[str]) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise BuildError(f"command failed (exit {proc.returncode}): {' '.join(cmd)}\n"
                         f"{proc.stderr.strip()}")


def _sources(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.is_file() and p.suffix in SOURCE_SUFFIXES)


def _runtime_sources() -> list[Path]:
    return [RUNTIME_DIR / "crt0.S"] + sorted(RUNTIME_DIR.glob("*.c"))


def _read_depfile(path: Path) -> list[str]:
    """Prerequisites listed in a make-style dependency file written by gcc -MMD."""
    text = path.read_text().replace("\\\n", " ")
    deps = []
    for line in text.splitlines():
        _, sep, prereqs = line.partition(": ")
        if sep:
            deps.extend(prereqs.split())
    return deps


def _up_to_date(out_elf: Path, flags_file: Path, config: dict) -> bool:
    if not out_elf.exists() or not flags_file.exists():
        return False
    try:
        stored = json.loads(flags_file.read_text())
    except ValueError:
        return False
    if stored.get("config") != config:
        return False
    elf_mtime = out_elf.stat().st_mtime
    for dep in stored.get("deps", []):
        try:
            if os.stat(dep).st_mtime > elf_mtime:
                return False
        except OSError:
            return False
    return True


def build_program(src_dir: Path, out_elf: Path, defines: dict[str, str | int] | None = None,
                  extra_cflags: list[str] | None = None, isa: str | None = None) -> Path:
    """Compile src_dir's .c/.S files with the runtime and link them into out_elf.

    defines become -DNAME=VALUE; extra_cflags go to the compiler and to the link
    (e.g. "-Wl,--defsym=__iss_stack_size=0x2000" for bigger stacks).
    isa ("rv32imc" with GCC, "corev" with clang-22) overrides the program's ISA
    file; the runtime is compiled by the same compiler as the program.

    Nothing is rebuilt when out_elf is newer than every source, header and the
    linker script it was built from, and was built with the same defines and
    flags (both recorded in out_elf + ".flags").
    """
    src_dir = Path(src_dir).resolve()
    out_elf = Path(out_elf).resolve()
    if isa is not None and isa not in ISAS:
        raise BuildError(f"unknown ISA {isa!r} (expected one of {', '.join(ISAS)})")
    if not src_dir.is_dir():
        raise BuildError(f"{src_dir}: no such program directory")
    isa = isa or program_isa(src_dir)
    tools = _toolchain(isa)
    cc, ar = tools["cc"], tools["ar"]
    program_sources = _sources(src_dir)
    if not program_sources:
        raise BuildError(f"no .c or .S source in {src_dir}")

    extra = list(extra_cflags or [])
    cflags = tools["cflags"] + [f"-D{name}={value}" for name, value in sorted((defines or {}).items())] + extra
    ldflags = tools["ldflags"] + extra
    config = {
        "cflags": cflags,
        "ldflags": ldflags,
        "sources": [str(p) for p in program_sources + _runtime_sources()],
    }
    if isa != DEFAULT_ISA:
        config["isa"] = isa
        config["libs"] = tools["libs"]
    flags_file = out_elf.with_name(out_elf.name + ".flags")
    if _up_to_date(out_elf, flags_file, config):
        return out_elf

    # one object directory per ISA: GCC and clang objects never meet in one libiss.a
    obj_dir = out_elf.with_name(out_elf.name + (".obj" if isa == DEFAULT_ISA else f".{isa}.obj"))
    obj_dir.mkdir(parents=True, exist_ok=True)

    def compile_all(sources: list[Path], prefix: str) -> list[Path]:
        objects = []
        for src in sources:
            obj = obj_dir / f"{prefix}{src.name}.o"
            _run([cc, *cflags, "-MMD", "-MF", str(obj.with_suffix(".d")),
                  "-c", str(src), "-o", str(obj)])
            objects.append(obj)
        return objects

    program_objects = compile_all(program_sources, "")
    runtime_objects = compile_all(_runtime_sources(), "rt_")
    archive = obj_dir / "libiss.a"
    archive.unlink(missing_ok=True)
    _run([ar, "rcs", str(archive), *map(str, runtime_objects)])
    _run([cc, *ldflags, *map(str, program_objects), str(archive), *tools["libs"], "-o", str(out_elf)])

    deps = {str(LINKER_SCRIPT), str(Path(__file__).resolve())}
    for obj in program_objects + runtime_objects:
        deps.update(str(Path(d).resolve()) for d in _read_depfile(obj.with_suffix(".d")))
    flags_file.write_text(json.dumps({"config": config, "deps": sorted(deps)}, indent=1) + "\n")
    return out_elf


def program_names() -> list[str]:
    """Names of the programs under firmware/ (one directory each)."""
    # a directory with a GENERATED file is built by its generator (it names which), not alone
    return sorted(p.name for p in FIRMWARE_DIR.iterdir() if p.is_dir() and not (p / "GENERATED").exists())


def build_all(out_dir: Path, jobs: int = 2, names: list[str] | None = None,
              isa: str | None = None) -> list[Path]:
    """Build firmware/<name>/ to out_dir/<name>.elf for every program (or those of names);
    isa, if given, overrides every program's ISA file."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    selected = program_names() if names is None else list(names)
    # a program is a directory directly under firmware/: no path, so nothing builds elsewhere
    unknown = [n for n in selected if not n or "/" in n or "\\" in n or n in (".", "..")
               or not (FIRMWARE_DIR / n).is_dir()]
    if unknown:
        raise BuildError(f"no such program in {FIRMWARE_DIR}: {', '.join(unknown)}")
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(build_program, FIRMWARE_DIR / n, out_dir / f"{n}.elf", isa=isa)
                   for n in selected]
        return [f.result() for f in futures]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m iss.firmware", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "firmware",
                        help="output directory (default: build/firmware)")
    parser.add_argument("-j", "--jobs", type=int, default=2, help="parallel builds (default: 2)")
    parser.add_argument("--isa", choices=ISAS, default=None,
                        help="build for this ISA whatever the programs' ISA files say")
    parser.add_argument("names", nargs="*", metavar="NAME", help="programs to build (default: all)")
    args = parser.parse_args(argv)
    try:
        elves = build_all(args.out, args.jobs, args.names or None, isa=args.isa)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for elf in elves:
        print(f"{elf.stem}: {elf}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
