"""Build the test firmware with the riscv64-unknown-elf toolchain and picolibc.

Each directory ``firmware/<name>/`` is one program: every ``.c`` and ``.S`` file in
it is compiled and linked with the runtime (``runtime/crt0.S``, ``runtime/*.c``)
and ``runtime/link.ld`` into ``<name>.elf``.

The runtime objects are linked as an archive, so a program that defines its own
``_start`` (the HTIF tests) gets neither crt0 nor the C runtime: the linker only
takes crt0 from the archive to resolve ``_start``.

``python -m iss.firmware [--out build/firmware] [NAME ...]`` builds from the shell.
"""
from __future__ import annotations

import argparse
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


class BuildError(Exception):
    """The toolchain is missing or a compile/link step failed."""


def _tool(name: str) -> str:
    path = shutil.which(TOOLCHAIN_PREFIX + name)
    if path is None:
        raise BuildError(f"{TOOLCHAIN_PREFIX}{name} not found on PATH: run toolchain/setup.sh")
    return path


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
                  extra_cflags: list[str] | None = None) -> Path:
    """Compile src_dir's .c/.S files with the runtime and link them into out_elf.

    defines become -DNAME=VALUE; extra_cflags go to the compiler and to the link
    (e.g. "-Wl,--defsym=__iss_stack_size=0x2000" for bigger stacks).

    Nothing is rebuilt when out_elf is newer than every source, header and the
    linker script it was built from, and was built with the same defines and
    flags (both recorded in out_elf + ".flags").
    """
    src_dir = Path(src_dir).resolve()
    out_elf = Path(out_elf).resolve()
    gcc = _tool("gcc")
    ar = _tool("ar")
    if not src_dir.is_dir():
        raise BuildError(f"{src_dir}: no such program directory")
    program_sources = _sources(src_dir)
    if not program_sources:
        raise BuildError(f"no .c or .S source in {src_dir}")

    extra = list(extra_cflags or [])
    cflags = CFLAGS + [f"-D{name}={value}" for name, value in sorted((defines or {}).items())] + extra
    ldflags = LDFLAGS + extra
    config = {
        "cflags": cflags,
        "ldflags": ldflags,
        "sources": [str(p) for p in program_sources + _runtime_sources()],
    }
    flags_file = out_elf.with_name(out_elf.name + ".flags")
    if _up_to_date(out_elf, flags_file, config):
        return out_elf

    obj_dir = out_elf.with_name(out_elf.name + ".obj")
    obj_dir.mkdir(parents=True, exist_ok=True)

    def compile_all(sources: list[Path], prefix: str) -> list[Path]:
        objects = []
        for src in sources:
            obj = obj_dir / f"{prefix}{src.name}.o"
            _run([gcc, *cflags, "-MMD", "-MF", str(obj.with_suffix(".d")),
                  "-c", str(src), "-o", str(obj)])
            objects.append(obj)
        return objects

    program_objects = compile_all(program_sources, "")
    runtime_objects = compile_all(_runtime_sources(), "rt_")
    archive = obj_dir / "libiss.a"
    archive.unlink(missing_ok=True)
    _run([ar, "rcs", str(archive), *map(str, runtime_objects)])
    _run([gcc, *ldflags, *map(str, program_objects), str(archive), "-o", str(out_elf)])

    deps = {str(LINKER_SCRIPT), str(Path(__file__).resolve())}
    for obj in program_objects + runtime_objects:
        deps.update(str(Path(d).resolve()) for d in _read_depfile(obj.with_suffix(".d")))
    flags_file.write_text(json.dumps({"config": config, "deps": sorted(deps)}, indent=1) + "\n")
    return out_elf


def program_names() -> list[str]:
    """Names of the programs under firmware/ (one directory each)."""
    # a directory with a GENERATED file is built by its generator (it names which), not alone
    return sorted(p.name for p in FIRMWARE_DIR.iterdir() if p.is_dir() and not (p / "GENERATED").exists())


def build_all(out_dir: Path, jobs: int = 2, names: list[str] | None = None) -> list[Path]:
    """Build firmware/<name>/ to out_dir/<name>.elf for every program (or those of names)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    selected = program_names() if names is None else list(names)
    unknown = [n for n in selected if not (FIRMWARE_DIR / n).is_dir()]
    if unknown:
        raise BuildError(f"no such program in {FIRMWARE_DIR}: {', '.join(unknown)}")
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(build_program, FIRMWARE_DIR / n, out_dir / f"{n}.elf")
                   for n in selected]
        return [f.result() for f in futures]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m iss.firmware", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "firmware",
                        help="output directory (default: build/firmware)")
    parser.add_argument("-j", "--jobs", type=int, default=2, help="parallel builds (default: 2)")
    parser.add_argument("names", nargs="*", metavar="NAME", help="programs to build (default: all)")
    args = parser.parse_args(argv)
    try:
        elves = build_all(args.out, args.jobs, args.names or None)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for elf in elves:
        print(f"{elf.stem}: {elf}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
