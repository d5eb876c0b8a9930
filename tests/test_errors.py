"""Bad input: each case is one clear message on stderr and a distinct exit code, never a
Python traceback."""
import shutil
import struct

import pytest


from .conftest import BUILD, assemble, run_cli


def check(r, code, *fragments):
    assert r.returncode == code, (r.returncode, r.stderr)
    assert "Traceback" not in r.stderr
    for f in fragments:
        assert f in r.stderr, (f, r.stderr)


def test_missing_file(tmp_path):
    check(run_cli("run", tmp_path / "nope.elf"), 101, "nope.elf: no such file")


def test_file_name_too_long(tmp_path):
    """Issue 13: a 300-character name reached an internal error (ENAMETOOLONG from exists())."""
    check(run_cli("run", tmp_path / ("a" * 300 + ".elf")), 101, "File name too long")


def test_directory(tmp_path):
    check(run_cli("run", tmp_path), 101, "not a regular file")


def test_not_an_elf(tmp_path):
    p = tmp_path / "text.elf"
    p.write_text("hello\n")
    check(run_cli("run", p), 102, "not an ELF file")


def test_truncated_elf(fw, tmp_path):
    p = tmp_path / "trunc.elf"
    p.write_bytes(fw("exit42").read_bytes()[:200])
    check(run_cli("run", p), 102, "malformed ELF")


def test_64_bit_elf(tmp_path):
    p = tmp_path / "x86.elf"
    shutil.copy("/bin/true", p)
    check(run_cli("run", p), 103, "64-bit ELF")


def test_non_riscv_elf(fw, tmp_path):
    data = bytearray(fw("exit42").read_bytes())
    struct.pack_into("<H", data, 18, 40)          # e_machine = EM_ARM
    p = tmp_path / "arm.elf"
    p.write_bytes(bytes(data))
    check(run_cli("run", p), 103, "not RISC-V")


def test_segment_outside_memory_map(tmp_path):
    elf = assemble(".globl _start\n_start: j _start\n", tmp_path / "far.elf", "-Wl,-N", "-Ttext=0x80000000")
    check(run_cli("run", elf), 104, "segment 0x80000000", "outside the memory map")


def test_illegal_instruction(fw):
    check(run_cli("run", fw("illegal")), 105, "illegal instruction 0xffffffff", "core 0",
          "<do_illegal+0x0>")


def test_load_from_unmapped_address(fw):
    check(run_cli("run", fw("unmapped")), 106, "unmapped address 0x30000000", "core 0", "<do_bad_load+")


def test_max_cycles(fw):
    check(run_cli("run", fw("spin"), "--max-cycles", "20000"), 107, "cycle limit reached: run.max_cycles = 20000",
          "core 0 at")


def test_max_cycles_while_every_core_sleeps_and_a_timer_runs(fw):
    """Issue 13 (reproducer timer_hang.elf): the limit used to be checked only when a core ran,
    so a timer firing into masks that ignore it kept the run going forever."""
    r = run_cli("run", fw("timer_all_asleep"), "--max-cycles", "200000", timeout=60)
    check(r, 107, "cycle limit reached: run.max_cycles = 200000 (--max-cycles) (every core asleep: "
          "core 0 sleeping at", "<main+")


def test_deadlock_names_what_every_core_waits_for(fw):
    r = run_cli("run", fw("deadlock"))
    check(r, 108, "deadlock: every core is asleep")
    for core in range(8):
        assert f"core {core} at" in r.stderr
    assert r.stderr.count("waiting for an event (mask 0x20") == 8


def test_bad_cores_option(fw):
    check(run_cli("run", fw("hello"), "--cores", "12"), 100, "cluster.cores must be between 1 and 8, got 12")


def test_unwritable_signature_refused_before_running(fw, tmp_path):
    check(run_cli("run", fw("htif_pass"), "--signature", tmp_path / "no" / "dir" / "sig"), 111,
          "cannot write signature file")


def test_signature_without_symbols(fw, tmp_path):
    check(run_cli("run", fw("exit42"), "--signature", tmp_path / "s"), 111, "begin_signature")


def test_unknown_firmware_name_in_build():
    check(run_cli("build", "--out", BUILD, "no_such_program"), 110, "no firmware program 'no_such_program'")


@pytest.mark.parametrize("name", ["../runtime", "..", "hello/../exit42", "/work"])
def test_build_names_are_programs_not_paths(name, tmp_path):
    """Issue 13: `iss build ../runtime` compiled the runtime as a program outside firmware/."""
    check(run_cli("build", "--out", tmp_path, name), 110, f"no firmware program {name!r}")
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("insn, shown", [("ebreak", "ebreak"), ("c.ebreak", "ebreak"),
                                         (".word 0x0000007f", "illegal instruction 0x0000007f")])
def test_traps_name_the_instruction(tmp_path, insn, shown):
    elf = assemble(f".globl _start\n_start:\n nop\n{insn}\n", tmp_path / "t.elf")
    check(run_cli("run", elf, "--cores", "1"), 105, shown, "core 0", "<_start+0x")


def test_build_into_a_file_path(tmp_path):
    f = tmp_path / "file"
    f.write_text("")
    check(run_cli("build", "--out", f, "exit42"), 110, "cannot write to")


@pytest.mark.parametrize("core", [8, 9, 99, -1])
def test_profile_of_a_core_that_does_not_exist(fw, core):
    """Reproducer c3b-profile-core8-segv (shared/robustness): core 8 used to kill the interpreter."""
    from iss import Cluster
    cl = Cluster().load(fw("hello"))
    cl.run()
    with pytest.raises(ValueError, match=f"core {core} does not exist \\(the cluster has 8 cores: 0-7\\)"):
        cl.profile(core)
    assert cl.profile(0)        # the real cores still answer


# ---- ELF mutations of issue 13's campaign (shared/robustness/repro/c1-*) that reached an
# internal error or loaded silently wrong ----

def _elf_with(data: bytes, tmp_path, name="m.elf"):
    p = tmp_path / name
    p.write_bytes(data)
    return p


def test_elf_magic_only(tmp_path):
    check(run_cli("run", _elf_with(b"\x7fELF", tmp_path)), 102, "4 bytes, shorter than an ELF32 header (52)")


def test_elf_class_zero_is_not_called_64_bit(fw, tmp_path):
    data = bytearray(fw("exit42").read_bytes())
    data[4] = 0
    check(run_cli("run", _elf_with(bytes(data), tmp_path)), 102, "invalid class 0 in byte 4")


def test_segment_data_past_the_end_of_the_file(fw, tmp_path):
    """A truncated file used to load its segment zero-padded and run."""
    from elftools.elf.elffile import ELFFile
    src = fw("exit42")
    with open(src, "rb") as f:
        seg = next(s for s in ELFFile(f).iter_segments() if s["p_type"] == "PT_LOAD" and s["p_filesz"])
        cut = seg["p_offset"] + seg["p_filesz"] - 4
    check(run_cli("run", _elf_with(src.read_bytes()[:cut], tmp_path)), 102, "past the end of the file")


def test_symtab_that_is_not_a_symbol_table(fw, tmp_path):
    from elftools.elf.elffile import ELFFile
    src = fw("exit42")
    data = bytearray(src.read_bytes())
    with open(src, "rb") as f:
        elf = ELFFile(f)
        index = next(i for i, s in enumerate(elf.iter_sections()) if s.name == ".symtab")
        off = elf["e_shoff"] + index * elf["e_shentsize"] + 4        # sh_type
    struct.pack_into("<I", data, off, 0x1002)
    check(run_cli("run", _elf_with(bytes(data), tmp_path)), 102, ".symtab is not a symbol table")


@pytest.mark.parametrize("layout, message", [
    ("end_signature:\n.word 0\nbegin_signature:\n.word 0\n", "must be word-aligned with begin <= end"),
    ("begin_signature:\n.word 0\n.byte 0\nend_signature:\n", "must be word-aligned with begin <= end"),
])
def test_bad_signature_symbols_refused_before_running(tmp_path, layout, message):
    src = (".globl _start\n_start: j _start\n.data\n.balign 4\n.globl begin_signature\n.globl end_signature\n"
           + layout)
    elf = assemble(src, tmp_path / "sig.elf")
    check(run_cli("run", elf, "--signature", tmp_path / "s.txt"), 111, message)


@pytest.mark.parametrize("offset, name, event", [(0x160, "TRIGG_WAIT", 8), (0x1BC, "TRIGG_WAIT_CLEAR", 15)])
def test_trigg_wait_of_an_event_that_does_not_exist(tmp_path, offset, name, event):
    """Issue 13: software events 8-15 returned 0 silently where memory-map.md has only 0-7."""
    src = (".globl _start\n_start:\n  li t0, 0x10204000\n"
           f"  lw t1, {offset}(t0)\n1: j 1b\n")
    elf = assemble(src, tmp_path / "trigg.elf")
    check(run_cli("run", elf), 109, f"{name} of software event {event}, but there are 8 (0-7)", "core 0")


def test_output_bytes_reach_stdout_as_they_are(tmp_path):
    """Issue 13: bytes >= 0x80 printed as U+FFFD. The CLI now passes the firmware's bytes
    through (latin-1 0xE9 stays 0xE9; UTF-8 stays UTF-8) and RunResult.output decodes UTF-8."""
    import subprocess
    import sys
    from iss import Cluster
    data = b"caf\xe9 \xc3\xa9t\xc3\xa9\n"
    stores = "".join(f"  li t1, {b}\n  sb t1, 0(t0)\n" for b in data)
    src = (".globl _start\n_start:\n  csrr t2, mhartid\n  bnez t2, 2f\n  li t0, 0x1A10F000\n" + stores +
           "  li t0, 0x1A1040A0\n  li t1, 0x80000000\n  sw t1, 0(t0)\n2: j 2b\n")
    elf = assemble(src, tmp_path / "bytes.elf")
    r = subprocess.run([sys.executable, "-m", "iss", "run", "--quiet", str(elf)], capture_output=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout == data
    assert Cluster().load(elf).run().output == "caf\ufffd \u00e9t\u00e9\n"


def _chatty_elf(tmp_path):
    """Core 0 prints 400,000 bytes, then exits 0."""
    src = (".globl _start\n_start:\n  csrr t2, mhartid\n  bnez t2, 2f\n  li t0, 0x1A10F000\n  li t1, 120\n"
           "  li t3, 400000\n1:\n  sb t1, 0(t0)\n  addi t3, t3, -1\n  bnez t3, 1b\n"
           "  li t0, 0x1A1040A0\n  li t1, 0x80000000\n  sw t1, 0(t0)\n2: j 2b\n")
    return assemble(src, tmp_path / "chatty.elf")


def test_stdout_closed_by_its_reader(tmp_path):
    """Issue 13: `iss run ... | head -1` ended in an internal error. Now the writer ends quietly
    with 141 (128 + SIGPIPE), as a shell reports a writer killed by its closed pipe."""
    import subprocess
    import sys
    p = subprocess.Popen([sys.executable, "-m", "iss", "run", "--quiet", str(_chatty_elf(tmp_path))],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.read(10)
    p.stdout.close()
    err = p.stderr.read().decode()
    assert p.wait(60) == 141, err
    assert "internal error" not in err and "Traceback" not in err, err


def test_stdout_on_a_full_disk(tmp_path):
    import os
    import subprocess
    import sys
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    with open("/dev/full", "w") as full:
        r = subprocess.run([sys.executable, "-m", "iss", "run", "--quiet", str(_chatty_elf(tmp_path))],
                           stdout=full, stderr=subprocess.PIPE, text=True, timeout=60)
    check(r, 111, "output file error: cannot write the output: No space left on device")


@pytest.mark.parametrize("args, message", [
    (["--itrace", "IT", "--itrace-cycles", "0:99999999999999999999"], "--itrace-cycles: 99999999999999999999 is too large"),
    (["--itrace", "IT", "--itrace-markers", "1:99999999999999999999"], "--itrace-markers: 99999999999999999999 is too large"),
    (["--trace", "T", "--trace-min-cycles", "99999999999999999999"], "--trace-min-cycles must be between 0 and"),
    (["--trace", "T", "--trace-max-spans", "99999999999999999999"], "--trace-max-spans must be between 0 and 2147483647"),
    (["--trace", "T", "--trace-sample", "99999999999999999999"], "--trace-sample must be between 0 and"),
])
def test_huge_trace_options_are_config_errors(fw, tmp_path, args, message):
    """Issue 13: these reached an internal error (OverflowError in the native tracer's fields)."""
    args = [str(tmp_path / a) if a in ("IT", "T") else a for a in args]
    check(run_cli("run", fw("hello"), *args), 100, message)


def test_native_core_that_cannot_be_built_is_a_build_error(tmp_path, monkeypatch):
    """Issue 13: a user who cannot write the native build directory got an internal error
    (PermissionError on its lock). Here the directory cannot be created at all."""
    import sys
    from iss import native
    from iss.errors import ToolchainError
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setattr(native, "BUILD_DIR", blocker / "_build")
    monkeypatch.setattr(sys, "modules", dict(sys.modules))
    with pytest.raises(ToolchainError, match="cannot build the native core in .*_build: Not a directory"):
        native.load()
