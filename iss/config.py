"""Cluster configuration: validated, frozen dataclasses loaded from TOML and overridable
from the command line (``--set section.key=value``). ``iss run --dump-config`` prints it."""
from __future__ import annotations

import dataclasses
import math
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .regmap import REGIONS

_TCDM_MAX = next(r for r in REGIONS if r.name == "TCDM_TAS").base - next(r for r in REGIONS if r.name == "TCDM").base
_L2_MAX = 0x04000000


@dataclass(frozen=True)
class ClusterConfig:
    cores: int = 8                  # cores started (1-8)
    cluster_id: int = 0             # reported in mhartid bits 10:5 (stdout area fits 0-31)
    clock_hz: float = 500e6         # cluster clock, for times in the summary

    def validate(self) -> None:
        _check_range("cluster.cores", self.cores, 1, 8)
        _check_range("cluster.cluster_id", self.cluster_id, 0, 31)
        if not self.clock_hz > 0:
            raise ConfigError(f"cluster.clock_hz must be > 0, got {self.clock_hz}")


# Extensions of each core variant: the bits of isa.h's enum isa_ext.
_EXT_BITS = {"i": 0, "m": 1, "c": 2, "zicsr": 3, "zifencei": 4, "xcvmem": 5, "xcvalu": 6,
             "xcvmac": 7, "xcvsimd": 8, "xcvbi": 9, "xcvbitmanip": 10, "xcvhwlp": 11, "xcvelw": 12}
ISA_VARIANTS = {
    "rv32imc": ("i", "m", "c", "zicsr", "zifencei"),
    "corev": ("i", "m", "c", "zicsr", "zifencei", "xcvmem", "xcvalu", "xcvmac", "xcvsimd", "xcvbi",
              "xcvbitmanip", "xcvhwlp", "xcvelw"),
}


def isa_ext_mask(isa: str) -> int:
    """The extension bit mask the native core takes for a core variant."""
    mask = 0
    for ext in ISA_VARIANTS[isa]:
        mask |= 1 << _EXT_BITS[ext]
    return mask


@dataclass(frozen=True)
class CoreConfig:
    """The cores' instruction set (docs/isa.md)."""
    isa: str = "corev"              # "corev": CV32E40P with the CORE-V extensions; "rv32imc"

    def validate(self) -> None:
        if self.isa not in ISA_VARIANTS:
            raise ConfigError(f"core.isa must be one of {', '.join(repr(k) for k in ISA_VARIANTS)}, got {self.isa!r}")


@dataclass(frozen=True)
class MemoryConfig:
    tcdm_size: int = 512 * 1024     # bytes, at 0x10000000 (and the alias at 0)
    tcdm_banks: int = 32            # word-interleaved banks
    l2_size: int = 4 * 1024 * 1024  # bytes, at 0x1C000000

    def validate(self) -> None:
        for name, value, hi in (("memory.tcdm_size", self.tcdm_size, _TCDM_MAX),
                                ("memory.l2_size", self.l2_size, _L2_MAX)):
            _check_range(name, value, 4096, hi)
            if value % 4096:
                raise ConfigError(f"{name} must be a multiple of 4096 bytes, got {value}")
        _check_range("memory.tcdm_banks", self.tcdm_banks, 1, 1024)
        if self.tcdm_banks & (self.tcdm_banks - 1):
            raise ConfigError(f"memory.tcdm_banks must be a power of two >= 1, got {self.tcdm_banks}")


@dataclass(frozen=True)
class TimingConfig:
    """Core timing rules; docs/timing.md gives each rule's source."""
    model: bool = True              # false: one cycle per instruction, no stalls
    bank_conflicts: bool = False    # per-access TCDM bank-conflict modelling (slower)
    quantum: int = 1000             # cycles a core may run ahead of the slowest runnable core
    sleep_cycles: int = 6           # to enter clock-gated sleep (GVSoC event unit)
    wakeup_cycles: int = 2          # from the event to the first instruction (GVSoC)
    taken_branch_cycles: int = 2    # extra cycles of a taken branch (CV32E40P RTL: 3 in all)
    jump_cycles: int = 1            # extra cycles of jal/jalr (CV32E40P RTL: 2 in all)
    halfword_target_cycles: int = 1 # extra cycles of a jump or taken branch to a 32-bit instruction at a halfword address
    load_use_cycles: int = 1        # stall when the next instruction uses or rewrites a loaded register
    jalr_hazard_cycles: int = 1     # stall when jalr uses the previous instruction's result
    mulh_cycles: int = 4            # extra cycles of mulh/mulhsu/mulhu (CV32E40P RTL: 5 in all)
    csr_counter_cycles: int = 3     # extra cycles of counter/status CSR accesses (CV32E40P RTL: 4)
    fence_i_cycles: int = 3         # extra cycles of fence.i (CV32E40P RTL: 4 in all)
    fence_cycles: int = 3           # extra cycles of fence (CV32E40P RTL: 4 in all, like fence.i)
    misaligned_cycles: int = 1      # extra cycles of a load/store crossing a word boundary (RTL: 2 in all)
    l2_latency: int = 10            # extra cycles of a core's data access to L2 (assumption)
    periph_latency: int = 1         # extra cycles of a core's access to a peripheral register

    def validate(self) -> None:
        _check_range("timing.quantum", self.quantum, 1, 1 << 20)
        for name in ("sleep_cycles", "wakeup_cycles", "taken_branch_cycles", "jump_cycles",
                     "halfword_target_cycles", "load_use_cycles", "jalr_hazard_cycles", "mulh_cycles",
                     "csr_counter_cycles", "fence_i_cycles", "fence_cycles", "misaligned_cycles",
                     "l2_latency", "periph_latency"):
            _check_range(f"timing.{name}", getattr(self, name), 0, 1 << 16)


@dataclass(frozen=True)
class DmaConfig:
    """Cluster DMA (MCHAN v7 programming model)."""
    l2_latency: int = 20            # cycles from a request to the first data from L2 (assumption)
    bytes_per_cycle: int = 8        # AXI side: 64 bit per cycle
    tcdm_ports: int = 4             # 32-bit TCDM ports (GVSoC: 4)
    max_burst: int = 256            # bytes per burst (GVSoC)

    def validate(self) -> None:
        _check_range("dma.l2_latency", self.l2_latency, 1, 1 << 16)
        _check_range("dma.bytes_per_cycle", self.bytes_per_cycle, 1, 1024)
        _check_range("dma.tcdm_ports", self.tcdm_ports, 1, 32)
        _check_range("dma.max_burst", self.max_burst, 4, 1 << 16)


@dataclass(frozen=True)
class ImaConfig:
    """The IMA subsystem (docs/ima.md): hardware parameters are documented inputs."""
    arrays: int = 1                 # crossbar arrays (MobileNetV2 needs 34 or more)
    size: int = 256                 # rows = columns of each array
    mvm_ns: float = 130.0           # one analog MVM (paper)
    program_row_ns: float = 3250.0  # program-and-verify of one row: 25 MVMs (paper: 20-30x)
    read_ns: float = 130.0          # read-back of one word of 8 weights (assumption)
    port_bits: int = 128            # streamer data port: 4 x 32-bit TCDM ports (paper)
    pipelined: bool = True          # default of the MODE register
    fifo_cycles: int = 2            # streamer FIFO between a stream and the array (GVSoC)
    idle_cycles: int = 2            # between two jobs in sequential mode (GVSoC)
    noise: str = "ideal"            # "ideal" (bit-exact) or "pcm" (docs/ima.md)
    seed: int = 1                   # seed of the PCM noise
    drift_seconds: float = 0.0      # time since programming, for conductance drift

    def validate(self) -> None:
        _check_range("ima.arrays", self.arrays, 1, 256)
        _check_range("ima.size", self.size, 8, 1024)
        if self.size % 8:
            raise ConfigError(f"ima.size must be a multiple of 8, got {self.size}")
        for name in ("mvm_ns", "program_row_ns", "read_ns"):
            if not getattr(self, name) > 0:
                raise ConfigError(f"ima.{name} must be > 0, got {getattr(self, name)}")
        if self.port_bits not in (32, 64, 128, 256, 512):
            raise ConfigError(f"ima.port_bits must be 32, 64, 128, 256 or 512, got {self.port_bits}")
        _check_range("ima.fifo_cycles", self.fifo_cycles, 0, 1 << 16)
        _check_range("ima.idle_cycles", self.idle_cycles, 0, 1 << 16)
        if self.noise not in ("ideal", "pcm"):
            raise ConfigError(f"ima.noise must be \"ideal\" or \"pcm\", got {self.noise!r}")
        _check_range("ima.seed", self.seed, 0, (1 << 63) - 1)
        if not self.drift_seconds >= 0:
            raise ConfigError(f"ima.drift_seconds must be >= 0, got {self.drift_seconds}")


@dataclass(frozen=True)
class DwaConfig:
    """The depthwise accelerator (docs/dwa.md)."""
    setup_cycles: int = 10          # from TRIGGER to the first beat (assumption)

    def validate(self) -> None:
        _check_range("dwa.setup_cycles", self.setup_cycles, 0, 1 << 16)


@dataclass(frozen=True)
class RunConfig:
    max_cycles: int = 0             # stop with an error after this many cycles on a core (0: no limit)
    prefix_output: bool = False     # prefix each output line with "[core N] "

    def validate(self) -> None:
        _check_range("run.max_cycles", self.max_cycles, 0, 1 << 62)


@dataclass(frozen=True)
class Config:
    cluster: ClusterConfig = field(default_factory=ClusterConfig)
    core: CoreConfig = field(default_factory=CoreConfig)
    memory: MemoryConfig = field(default_factory=MemoryConfig)
    timing: TimingConfig = field(default_factory=TimingConfig)
    dma: DmaConfig = field(default_factory=DmaConfig)
    ima: ImaConfig = field(default_factory=ImaConfig)
    dwa: DwaConfig = field(default_factory=DwaConfig)
    run: RunConfig = field(default_factory=RunConfig)

    def validate(self) -> "Config":
        for f in fields(self):
            getattr(self, f.name).validate()
        # the IMA's times become cycle counts of 32-bit registers of the model
        for name in ("mvm_ns", "program_row_ns", "read_ns"):
            ns = getattr(self.ima, name)
            cycles = ns * 1e-9 * self.cluster.clock_hz
            if cycles >= 1 << 31:
                raise ConfigError(f"ima.{name} = {ns:g} at cluster.clock_hz = {self.cluster.clock_hz:g} is "
                                  f"{cycles:.3g} cycles, more than the 2^31 the model counts")
        return self

    def replace(self, **sections: dict[str, Any]) -> "Config":
        """A copy with some keys changed: cfg.replace(cluster={"cores": 4})."""
        return from_dict({**self.as_dict(), **{k: {**self.as_dict()[k], **v} for k, v in sections.items()}})

    def as_dict(self) -> dict[str, dict[str, Any]]:
        return dataclasses.asdict(self)

    def to_toml(self) -> str:
        lines = []
        for section, values in self.as_dict().items():
            lines.append(f"[{section}]")
            for key, value in values.items():
                lines.append(f"{key} = {_toml_value(value)}")
            lines.append("")
        return "\n".join(lines)


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return repr(v)


def _check_range(name: str, value: Any, lo: int, hi: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{name} must be an integer, got {value!r}")
    if not lo <= value <= hi:
        raise ConfigError(f"{name} must be between {lo} and {hi}, got {value}")


_SECTION_CLASSES = {"cluster": ClusterConfig, "core": CoreConfig, "memory": MemoryConfig, "timing": TimingConfig,
                    "dma": DmaConfig, "ima": ImaConfig,
                    "dwa": DwaConfig, "run": RunConfig}


def from_dict(data: dict[str, Any]) -> Config:
    sections = {}
    for name, values in data.items():
        cls = _SECTION_CLASSES.get(name)
        if cls is None:
            raise ConfigError(f"unknown config section [{name}] (known: {', '.join(_SECTION_CLASSES)})")
        if not isinstance(values, dict):
            raise ConfigError(f"config section [{name}] must be a table")
        known = {f.name: f for f in fields(cls)}
        for key, value in values.items():
            if key not in known:
                raise ConfigError(f"unknown config key {name}.{key} (known: {', '.join(known)})")
            default = known[key].default
            if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
                if abs(value) > 1e300:
                    raise ConfigError(f"{name}.{key} = {value} is too large")
                values[key] = float(value)
                value = values[key]
            if isinstance(default, float) and isinstance(value, float) and not math.isfinite(value):
                raise ConfigError(f"{name}.{key} must be a finite number, got {value!r}")
            elif type(default) is not type(values[key]):
                raise ConfigError(f"{name}.{key} must be of type {type(default).__name__}, got {value!r}")
        sections[name] = cls(**values)
    return Config(**sections).validate()


def load(path: str | Path | None = None, overrides: list[str] | None = None) -> Config:
    """Defaults, then the TOML file, then ``section.key=value`` overrides."""
    data: dict[str, dict[str, Any]] = {}
    if path is not None:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as e:
            raise ConfigError(f"cannot read config file {path}: {e.strerror}") from None
        except UnicodeDecodeError as e:
            raise ConfigError(f"config file {path} is not UTF-8 text (TOML): byte 0x{e.object[e.start]:02x} "
                              f"at offset {e.start}") from None
        except tomllib.TOMLDecodeError as e:
            raise ConfigError(f"config file {path} is not valid TOML: {e}") from None
    for item in overrides or []:
        key, sep, raw = item.partition("=")
        section, dot, name = key.strip().partition(".")
        if not sep or not dot or not name:
            raise ConfigError(f"--set expects section.key=value, got {item!r}")
        if "\n" in item or "\r" in item:
            raise ConfigError(f"--set value must be one line, got {item!r}")
        try:
            value = tomllib.loads(f"v = {raw.strip()}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw.strip()
        if not isinstance(data.setdefault(section, {}), dict):
            raise ConfigError(f"config section [{section}] must be a table, got {data[section]!r} "
                              f"(before --set {item})")
        data[section][name] = value
    return from_dict(data)
