"""Builds (once, cached by a hash of the sources) and loads the native core through cffi.

The C files beside this module hold everything on a per-instruction, per-block or
per-access path; they link against the libunicorn shipped in the unicorn wheel.
"""
from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = ["isa.c", "isa_rv32.c", "isa_xcv_ctl.c", "isa_xcv_alu.c", "custom.c", "hwloop_run.c", "cluster.c", "output.c", "perf.c", "hooks.c", "decode.c", "event_unit.c", "soc.c", "dma.c", "timer.c", "ima.c",
           "ima_noise.c", "dwa.c", "debug.c",
           "trace.c"]
HEADERS = ["api.h", "iss_native.h", "iss_archi.h", "patch.h", "isa.h", "custom.h"]
BUILD_DIR = HERE / "_build"


def _unicorn_paths() -> tuple[Path, Path]:
    import unicorn

    root = Path(unicorn.__file__).resolve().parent
    return root / "include", root / "lib"


def _cdef() -> str:
    text = (HERE / "api.h").read_text()
    return "\n".join(l for l in text.splitlines() if not l.lstrip().startswith("#"))


def _module_name() -> str:
    h = hashlib.sha256()
    for name in SOURCES + HEADERS:
        h.update(name.encode())
        h.update((HERE / name).read_bytes())
    inc, lib = _unicorn_paths()
    h.update(str(lib).encode())
    return "_iss_native_" + h.hexdigest()[:16]


def _build(name: str) -> None:
    from cffi import FFI

    inc, lib = _unicorn_paths()
    ffi = FFI()
    ffi.cdef(_cdef())
    ffi.set_source(
        name,
        '#include "iss_native.h"',
        sources=[str(HERE / s) for s in SOURCES],
        include_dirs=[str(HERE), str(inc)],
        extra_compile_args=["-O3", "-std=gnu11", "-Wall", "-Wno-unused-parameter"],
        libraries=["m"],
        extra_link_args=[str(lib / "libunicorn.so.2"), f"-Wl,-rpath,{lib}"],
    )
    with tempfile.TemporaryDirectory() as tmp:
        so = Path(ffi.compile(tmpdir=tmp, verbose=False))
        shutil.copy(so, BUILD_DIR / so.name)


def load():
    """Returns (ffi, lib) of the native core, compiling it first if the sources changed."""
    name = _module_name()
    try:
        BUILD_DIR.mkdir(exist_ok=True)
        lock = open(BUILD_DIR / ".lock", "w")
    except OSError as e:
        # a read-only install (another user's checkout): the built core is enough
        if not any(BUILD_DIR.glob(f"{name}.*.so")):
            from ..errors import ToolchainError
            raise ToolchainError(f"cannot build the native core in {BUILD_DIR}: {e.strerror}; run the simulator "
                                 f"once as the user who installed it (or make that directory writable)") from None
        lock = None
    if lock is not None:
        with lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not any(BUILD_DIR.glob(f"{name}.*.so")):
                for old in BUILD_DIR.glob("_iss_native_*"):
                    old.unlink()
                _build(name)
    mod_name = name
    if mod_name in sys.modules:
        mod = sys.modules[mod_name]
    else:
        so = next(BUILD_DIR.glob(f"{name}.*.so"))
        spec = importlib.util.spec_from_file_location(mod_name, so)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        sys.modules[mod_name] = mod
    return mod.ffi, mod.lib
