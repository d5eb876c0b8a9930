"""The ``iss`` command.

    iss run FIRMWARE.elf [--cores N] [--config FILE] [--set K=V] [--max-cycles N]
                         [--signature FILE] [--prefix] [--quiet] [--dump-config] [--gdb PORT]
                         [--trace FILE.json] [--itrace FILE [--itrace-cycles A:B | --itrace-function NAME |
                         --itrace-markers M1:M2]] [--vcd FILE]
    iss report TRACE.json [--out DIR] [--vcd FILE] [--top N] [--no-plots]
    iss build [--out DIR] [-D NAME=VALUE] [--isa rv32imc|corev] [NAME ...]
    iss regmap [--write]

Every error is one message on stderr, ``iss: <kind>: <what and where>``, and a distinct
exit code (see iss/errors.py and docs/cli.md); never a Python traceback.
"""
from __future__ import annotations

import argparse
import errno
import os
import sys
from pathlib import Path

from . import config as config_mod
from .errors import ConfigError, IssError, OutputFileError, ToolchainError

EXIT_INTERNAL = 119


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="iss", description="Simulator of the heterogeneous IMC cluster "
                                 "(8 RV32IMC cores, shared TCDM, event unit).")
    sub = ap.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run a firmware ELF on the cluster")
    run.add_argument("elf", help="firmware ELF (RV32, linked for the cluster memory map)")
    run.add_argument("--cores", type=int, help="cores to start (1-8, default 8)")
    run.add_argument("--config", help="TOML config file (see docs/config.md)")
    run.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE",
                     help="override one config value, e.g. --set timing.quantum=500")
    run.add_argument("--max-cycles", type=int, help="stop with an error after N cycles on a core")
    run.add_argument("--signature", metavar="FILE",
                     help="write the words between begin_signature and end_signature (Spike format)")
    run.add_argument("--prefix", action="store_true", help='prefix output lines with "[core N] "')
    run.add_argument("--quiet", action="store_true", help="do not print the run summary")
    run.add_argument("--profile", action="store_true",
                     help="add a flat per-function cycle profile of every core to the summary")
    run.add_argument("--dump-config", action="store_true", help="print the effective config and exit")
    run.add_argument("--gdb", type=_port, metavar="PORT",
                     help="wait for gdb on 127.0.0.1:PORT before the first instruction (0: any free port)")
    tr = run.add_argument_group("tracing (docs/tracing.md)")
    tr.add_argument("--trace", metavar="FILE.json",
                    help="write a timeline (Chrome trace-event JSON: ui.perfetto.dev, chrome://tracing)")
    tr.add_argument("--trace-min-cycles", type=int, default=0, metavar="N",
                    help="function spans shorter than N cycles are merged or left out of the timeline "
                         "(the profile keeps every call; default 0)")
    tr.add_argument("--trace-max-spans", type=int, default=500_000, metavar="N",
                    help="keep at most the N longest function spans (default 500000)")
    tr.add_argument("--trace-ima-jobs", type=int, default=4, metavar="N",
                    help="IMA jobs of each batch drawn with their stream-in/compute/stream-out (default 4)")
    tr.add_argument("--trace-sample", type=int, default=1000, metavar="CYCLES",
                    help="period of the counter samples (default 1000)")
    tr.add_argument("--itrace", metavar="FILE", help="write an instruction trace (restrict it with a window)")
    tr.add_argument("--itrace-cycles", metavar="A:B", help="window: cycles A to B-1 of each core")
    tr.add_argument("--itrace-function", metavar="NAME", help="window: while a core is inside NAME()")
    tr.add_argument("--itrace-markers", metavar="M1:M2",
                    help="window: from firmware marker M1 to the next marker M2 (iss_marker)")
    tr.add_argument("--itrace-limit", type=int, default=1_000_000, metavar="N",
                    help="instructions kept at most (default 1000000)")
    tr.add_argument("--vcd", metavar="FILE", help="write core states, functions and accelerator states as VCD")

    report = sub.add_parser("report", help="utilisation, profile and plots from a trace of iss run --trace")
    report.add_argument("trace", help="trace file written by iss run --trace")
    report.add_argument("--out", metavar="DIR", help="directory of the PNG plots (default: beside the trace)")
    report.add_argument("--vcd", metavar="FILE", help="also write the trace as VCD")
    report.add_argument("--top", type=int, default=25, help="functions listed (default 25)")
    report.add_argument("--no-plots", action="store_true", help="do not write the PNG plots")

    build = sub.add_parser("build", help="build the firmware programs under firmware/")
    build.add_argument("--out", default="build/firmware", help="output directory")
    build.add_argument("-D", "--define", action="append", default=[], metavar="NAME=VALUE",
                       help="preprocessor define for the named programs, e.g. -D M=128")
    build.add_argument("--isa", choices=("rv32imc", "corev"), default=None,
                       help="build for this ISA (rv32imc: GCC, corev: clang-22) whatever the "
                            "programs' ISA files say")
    build.add_argument("names", nargs="*", help="programs to build (default: all)")

    regmap = sub.add_parser("regmap", help="regenerate or check the files generated from iss/regmap.py")
    regmap.add_argument("--write", action="store_true")
    return ap


def _config(args) -> config_mod.Config:
    overrides = list(args.set)
    if args.cores is not None:
        overrides.append(f"cluster.cores={args.cores}")
    if args.max_cycles is not None:
        overrides.append(f"run.max_cycles={args.max_cycles}")
    if args.prefix:
        overrides.append("run.prefix_output=true")
    return config_mod.load(args.config, overrides)


def _port(text: str) -> int:
    """A TCP port for --gdb: 0 (any free one) to 65535; argparse reports anything else (exit 2)."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port must be 0-65535, got {port}")
    return port


def _check_signature(cluster, path: str) -> None:
    for name in ("begin_signature", "end_signature"):
        if name not in cluster.program.symbols.by_name:
            raise OutputFileError(f"--signature: no symbol {name!r} in {cluster.program.path}")
    begin, end = cluster.symbol("begin_signature"), cluster.symbol("end_signature")
    if end < begin or begin % 4 or end % 4:
        raise OutputFileError(f"--signature: begin_signature 0x{begin:08x} and end_signature 0x{end:08x} in "
                              f"{cluster.program.path} must be word-aligned with begin <= end")
    if not cluster.is_memory(begin, end - begin):
        raise OutputFileError(f"--signature: 0x{begin:08x}-0x{end:08x} in {cluster.program.path} is not all in "
                              f"the TCDM or L2")
    p = Path(path)
    parent = p.parent if str(p.parent) else Path(".")
    if p.is_dir() or not parent.is_dir() or not os.access(parent, os.W_OK) or \
            (p.exists() and not os.access(p, os.W_OK)):
        raise OutputFileError(f"cannot write signature file {path}: not a writable file path")


def _write_signature(cluster, path: str) -> None:
    words = cluster.signature()
    try:
        Path(path).write_text("".join(f"{w:08x}\n" for w in words))
    except OSError as e:
        raise OutputFileError(f"cannot write signature file {path}: {e.strerror}") from None


def cmd_run(args) -> int:
    from .cluster import Cluster

    cfg = _config(args)
    if args.dump_config:
        print(cfg.to_toml(), end="")
        return 0
    cluster = Cluster(cfg).load(args.elf)
    if args.signature:   # refuse before the run, not after it
        _check_signature(cluster, args.signature)
    tracer = _tracer(cluster, args)   # also refuses before the run
    error = None
    try:
        if args.gdb is not None:
            result = cluster.serve_gdb(args.gdb, stdout=sys.stdout)
        else:
            result = cluster.run(stdout=sys.stdout)
    except IssError as e:
        if tracer is None:
            raise
        error, result = e, None       # the trace of a failed run is written too
    write_error = None
    if tracer is not None:
        try:
            _write_traces(tracer, args, result, error)
        except IssError as e:
            write_error = e
    if error is not None:
        if write_error is not None:
            print(f"iss: {write_error.kind}: {write_error.message}", file=sys.stderr)
        raise error
    if args.signature:
        _write_signature(cluster, args.signature)
    if not args.quiet:
        print(result.core_table(), file=sys.stderr)
        for line in result.accelerator_lines():
            print(line, file=sys.stderr)
        if args.profile:
            print(_profile_text(cluster, result), file=sys.stderr)
        print(f"iss: {result.summary()}", file=sys.stderr)
    if write_error is not None:       # the run's result is printed above
        raise write_error
    return result.exit_code


def _tracer(cluster, args):
    """The trace recorder the options ask for (None: no tracing); refuses bad options and
    unwritable outputs before the run."""
    from .trace import ItraceWindow, TraceOptions, Tracer, check_writable

    window = [("--itrace-cycles", args.itrace_cycles), ("--itrace-function", args.itrace_function),
              ("--itrace-markers", args.itrace_markers)]
    for opt, val in window:
        if val is not None and not args.itrace:
            raise ConfigError(f"{opt} restricts the instruction trace: give --itrace FILE too")
    if not (args.trace or args.itrace or args.vcd):
        return None
    # the native tracer keeps these in 32-bit (spans, jobs, lines) or 64-bit (cycles) fields
    limits = {"trace_min_cycles": 1 << 62, "trace_max_spans": (1 << 31) - 1, "trace_ima_jobs": (1 << 31) - 1,
              "trace_sample": 1 << 62, "itrace_limit": 1 << 62}
    for opt, hi in limits.items():
        if not 0 <= getattr(args, opt) <= hi:
            raise ConfigError(f"--{opt.replace('_', '-')} must be between 0 and {hi}, got {getattr(args, opt)}")
    for path, what in ((args.trace, "trace file"), (args.itrace, "instruction trace"), (args.vcd, "VCD file")):
        if path:
            check_writable(path, what)
    opts = TraceOptions(timeline=bool(args.trace or args.vcd), min_cycles=args.trace_min_cycles,
                        max_spans=args.trace_max_spans, ima_jobs=args.trace_ima_jobs,
                        sample_cycles=args.trace_sample, itrace_limit=args.itrace_limit,
                        itrace=ItraceWindow.from_args(args.itrace_cycles, args.itrace_function,
                                                      args.itrace_markers) if args.itrace else None)
    return Tracer(cluster, opts)


def _write_traces(tracer, args, result, error) -> None:
    from .trace import write_itrace

    data = tracer.finish(result, error)
    notes = []
    if args.trace:
        size = data.write_json(args.trace)
        dropped = f", {data.meta['dropped_spans']} short spans left out" if data.meta.get("dropped_spans") else ""
        notes.append(f"iss: trace: {args.trace} ({len(data.spans)} spans{dropped}, {size / 1e6:.1f} MB)")
    if args.vcd:
        from .vcd import write_vcd

        n = write_vcd(data, args.vcd)
        notes.append(f"iss: vcd: {args.vcd} ({n} value changes)")
    if args.itrace:
        n = write_itrace(data, args.itrace, tracer.cl.program.symbols)
        more = f", {data.itrace_dropped} over --itrace-limit not written" if data.itrace_dropped else ""
        notes.append(f"iss: itrace: {args.itrace} ({n} instructions{more})")
    if not args.quiet:
        for line in notes:
            print(line, file=sys.stderr)


def cmd_report(args) -> int:
    from . import report
    from .trace import TraceData, check_writable

    out_pngs = None if args.no_plots else report.outputs(args.trace, args.out)
    if out_pngs:
        for p in out_pngs:
            check_writable(p, "plot")
    if args.vcd:
        check_writable(args.vcd, "VCD file")
    data = TraceData.load(args.trace)
    print(report.text(data, top=args.top))
    if out_pngs:
        report.plot(data, *out_pngs)
        print(f"plots: {out_pngs[0]} {out_pngs[1]}")
    if args.vcd:
        from .vcd import write_vcd

        n = write_vcd(data, args.vcd)
        print(f"vcd: {args.vcd} ({n} value changes)")
    return 0


def _profile_text(cluster, result) -> str:
    lines = []
    for core in result.cores:
        lines.append(f"profile of core {core.core} ({core.cycles} cycles):")
        lines.append(f"  {'cycles':>11} {'%':>6} {'sleep':>11} {'calls':>8}  function")
        for e in cluster.profile(core.core):
            share = 100.0 * e.cycles / core.cycles if core.cycles else 0.0
            lines.append(f"  {e.cycles:>11} {share:>6.2f} {e.sleep_cycles:>11} {e.calls:>8}  {e.function}")
    return "\n".join(lines)


def cmd_build(args) -> int:
    from . import firmware

    defines = {}
    for item in args.define:
        name, sep, value = item.partition("=")
        if not name.isidentifier():
            raise ToolchainError(f"-D expects NAME=VALUE, got {item!r}")
        defines[name] = value if sep else "1"
    if defines and not args.names:
        raise ToolchainError("-D applies to named programs: iss build -D M=128 matmul")
    try:
        if args.names:
            for name in args.names:
                src = firmware.FIRMWARE_DIR / name
                # a program is a directory right under firmware/: a path would build elsewhere
                if not name or "/" in name or "\\" in name or name in (".", "..") or not src.is_dir():
                    raise ToolchainError(f"no firmware program {name!r} under {firmware.FIRMWARE_DIR}")
                print(firmware.build_program(src, Path(args.out) / f"{name}.elf", defines=defines or None,
                                             isa=args.isa))
        else:
            for elf in firmware.build_all(Path(args.out), isa=args.isa):
                print(elf)
    except firmware.BuildError as e:
        raise ToolchainError(str(e)) from None
    except OSError as e:
        raise ToolchainError(f"cannot write to {args.out}: {e.strerror}") from None
    return 0


def cmd_regmap(args) -> int:
    from . import regmap

    return regmap.main(["--write"] if args.write else ["--check"])


# 128 + SIGPIPE: what a shell reports for a writer whose reader closed the pipe
EXIT_BROKEN_PIPE = 141


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's final flush does not fail again."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return {"run": cmd_run, "build": cmd_build, "regmap": cmd_regmap,
                "report": cmd_report}[args.command](args)
    except IssError as e:
        try:
            sys.stdout.flush()
        except OSError:
            pass
        print(f"iss: {e.kind}: {e.message}", file=sys.stderr)
        return e.exit_code
    except BrokenPipeError:
        # the reader went away (`iss run ... | head`): end quietly, as a killed writer would
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except OSError as e:
        if e.errno in (errno.ENOSPC, errno.EIO, errno.EFBIG, errno.EDQUOT):   # stdout's disk or device
            _silence_stdout()
            print(f"iss: output file error: cannot write the output: {e.strerror}", file=sys.stderr)
            return OutputFileError.exit_code
        print(f"iss: internal error: {type(e).__name__}: {e} (please report this)", file=sys.stderr)
        return EXIT_INTERNAL
    except KeyboardInterrupt:
        print("iss: interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # a bug in the simulator: still one line, and a distinct code
        print(f"iss: internal error: {type(e).__name__}: {e} (please report this)", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
