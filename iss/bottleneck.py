"""The MobileNetV2 Bottleneck benchmark of the paper: generator of the firmware's data, the
numpy reference, and the build of every mapping (docs/bottleneck.md).

Mappings (selected at build time with -DMAPPING=n):
    CORES    everything on the 8 cores
    HYBRID   pointwise layers on the IMA, depthwise on the cores
    IMA_DW   pointwise on the IMA, depthwise on the depthwise accelerator, residual on the cores
    IMA_IMA  depthwise on the IMA too, block-diagonal weights of `group` channels per job
             (the paper's cjob16 / cjob8)
The integer semantics are the same on every engine, so every mapping produces the same bytes:
pointwise layers use 4-bit weights and the IMA's ADC; the depthwise layer uses 4-bit weights,
no bias, a rounding shift and ReLU (dnn_ref.depthwise3x3); on the IMA, an ADC range of
[-128 * 2^shift, 127 * 2^shift] gives exactly clip(round_half_up(sum / 2^shift)), and the
cores apply the ReLU; the residual add is dnn_ref.residual_add.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import firmware, network
from .errors import ConfigError

MAPPINGS = {"CORES": 0, "HYBRID": 1, "IMA_DW": 2, "IMA_IMA": 3}
SOURCE_DIR = firmware.FIRMWARE_DIR / "bottleneck"
ROOT = Path(__file__).resolve().parent.parent

# TCDM the firmware keeps for stacks, runtime data and code-side buffers (link.ld: 8 x 4 KiB
# stacks and the runtime's data); the tensors must fit in the rest.
TCDM_RESERVED = 48 * 1024


@dataclass(frozen=True)
class Spec:
    h: int = 28
    w: int = 28
    cin: int = 32
    expansion: int = 6
    cout: int = 32
    stride: int = 1

    @property
    def hidden(self) -> int:
        return self.cin * self.expansion

    @property
    def out_hw(self) -> tuple[int, int]:
        return (self.h + 2 - 3) // self.stride + 1, (self.w + 2 - 3) // self.stride + 1

    @property
    def residual(self) -> bool:
        return self.stride == 1 and self.cin == self.cout

    def tcdm_bytes(self) -> int:
        """The firmware's tensors and weights in the TCDM (the largest mapping's layout)."""
        ho, wo = self.out_hw
        hid = self.hidden
        return (self.h * self.w * self.cin                          # input
                + (self.h + 2) * (self.w + 2) * hid                 # expanded (zero-padded for the IMA)
                + ho * wo * hid                                     # depthwise output
                + 2 * ho * wo * self.cout                           # projection, output
                + 9 * hid                                           # depthwise weights
                + 4 * (self.cin * ((hid + 7) // 8 * 8) + hid * ((self.cout + 7) // 8 * 8)) // 2)  # packed pw

    def check(self, tcdm_size: int = 512 * 1024, array_size: int = 256) -> None:
        for name, v in (("h", self.h), ("w", self.w), ("cin", self.cin), ("expansion", self.expansion),
                        ("cout", self.cout)):
            if v < 1:
                raise ConfigError(f"bottleneck {name} must be >= 1, got {v}")
        if self.stride not in (1, 2):
            raise ConfigError(f"bottleneck stride must be 1 or 2, got {self.stride}")
        for what, rows, cols in (("expansion", self.cin, self.hidden), ("projection", self.hidden, self.cout)):
            if rows > array_size or cols > array_size:
                raise ConfigError(f"bottleneck {self}: the {what} layer's weights are {rows}x{cols}, more than "
                                  f"one {array_size}x{array_size} IMA array")
        need = self.tcdm_bytes() + TCDM_RESERVED
        if need > tcdm_size:
            raise ConfigError(f"bottleneck {self}: needs {need} bytes of TCDM ({self.tcdm_bytes()} of tensors "
                              f"and weights + {TCDM_RESERVED} reserved), the TCDM has {tcdm_size}")


def make_network(spec: Spec, seed: int = 0) -> network.Network:
    net = network.bottleneck(spec.h, spec.w, spec.cin, spec.expansion, spec.cout, spec.stride)
    rng = np.random.default_rng(seed)
    for l in net.layers:
        if l.kind == "pw":
            l.weights = rng.integers(-7, 8, size=(l.in_shape[2], l.out_shape[2])).astype(np.int8)
        elif l.kind == "dw":
            l.weights = rng.integers(-7, 8, size=(3, 3, l.in_shape[2])).astype(np.int8)
            l.bias = None
            l.relu = True
    net.layers[0].relu = False   # no digital stage after the IMA: no ReLU there (docs)
    x = network.calibration_input(net.input_shape, seed)
    network.forward(net, x, calibrate=True)
    return net


def reference(net: network.Network, x: np.ndarray) -> dict[str, np.ndarray]:
    return network.forward(net, x)


def _c_array(name: str, ctype: str, data: np.ndarray, section: str | None = None) -> str:
    attr = f' __attribute__((section("{section}"), aligned(4)))' if section else " __attribute__((aligned(4)))"
    vals = ", ".join(str(int(v)) for v in np.asarray(data).ravel())
    return f"const {ctype} {name}[{np.asarray(data).size}]{attr} = {{{vals}}};\n"


def generate(spec: Spec, out_dir: Path, seed: int = 0) -> tuple[network.Network, dict[str, np.ndarray]]:
    """Writes bn_params.h and bn_data.c into out_dir; returns the network and its golden
    outputs (every layer, by name)."""
    spec.check()
    net = make_network(spec, seed)
    x = network.calibration_input(net.input_shape, seed)
    golden = reference(net, x)
    exp, dw, prj = net.layer("expand"), net.layer("dw"), net.layer("project")
    add = net.layer("add") if spec.residual else None
    ho, wo = spec.out_hw
    h = [
        "/* Generated by iss/bottleneck.py: do not edit. */",
        "#ifndef BN_PARAMS_H", "#define BN_PARAMS_H", "#include <stdint.h>",
        f"#define BN_H {spec.h}", f"#define BN_W {spec.w}", f"#define BN_CIN {spec.cin}",
        f"#define BN_HID {spec.hidden}", f"#define BN_COUT {spec.cout}", f"#define BN_STRIDE {spec.stride}",
        f"#define BN_HO {ho}", f"#define BN_WO {wo}", f"#define BN_RESIDUAL {int(spec.residual)}",
        f"#define BN_EXP_ADC_LOW {exp.adc_low}", f"#define BN_EXP_ADC_HIGH {exp.adc_high}",
        f"#define BN_PRJ_ADC_LOW {prj.adc_low}", f"#define BN_PRJ_ADC_HIGH {prj.adc_high}",
        f"#define BN_DW_SHIFT {dw.shift}", f"#define BN_ADD_SHIFT {add.shift if add else 0}",
        "/* input [H][W][CIN]; pointwise weights [rows = inputs][cols = outputs] in [-7, 7];",
        "   depthwise weights [3][3][HID] in [-7, 7] */",
        f"extern const int8_t bn_input[{spec.h * spec.w * spec.cin}];",
        f"extern const int8_t bn_w_expand[{spec.cin * spec.hidden}];",
        f"extern const int8_t bn_w_dw[{9 * spec.hidden}];",
        f"extern const int8_t bn_w_project[{spec.hidden * spec.cout}];",
        "#endif", "",
    ]
    (out_dir / "bn_params.h").write_text("\n".join(h))
    (out_dir / "bn_data.c").write_text(
        "/* Generated by iss/bottleneck.py: do not edit. */\n#include \"bn_params.h\"\n" +
        _c_array("bn_input", "int8_t", x, ".l2_data") +
        _c_array("bn_w_expand", "int8_t", exp.weights, ".l2_data") +
        _c_array("bn_w_dw", "int8_t", dw.weights, ".l2_data") +
        _c_array("bn_w_project", "int8_t", prj.weights, ".l2_data"))
    return net, golden


def build(spec: Spec, mapping: str, group: int = 16, seed: int = 0,
          out_root: Path | None = None, isa: str = "corev") -> tuple[Path, network.Network, dict[str, np.ndarray]]:
    """Generates the data and builds firmware/bottleneck for one mapping; returns the ELF,
    the network and the golden outputs. isa: the cores' build, "corev" (clang-22, the CORE-V
    kernels) or "rv32imc" (GCC, the plain kernels)."""
    if isa not in firmware.ISAS:
        raise ConfigError(f"unknown core ISA {isa!r} (known: {', '.join(firmware.ISAS)})")
    if mapping not in MAPPINGS:
        raise ConfigError(f"unknown bottleneck mapping {mapping!r} (known: {', '.join(MAPPINGS)})")
    if group not in (8, 16):
        raise ConfigError(f"IMA depthwise group must be 8 or 16 channels, got {group}")
    if spec.hidden % group and mapping == "IMA_IMA":
        raise ConfigError(f"bottleneck hidden channels {spec.hidden} are not a multiple of the group {group}")
    out_root = out_root or ROOT / "build" / "bottleneck"
    tag = f"{spec.h}x{spec.w}x{spec.cin}-t{spec.expansion}-{spec.cout}-s{spec.stride}-seed{seed}"
    src = out_root / f"src-{tag}"
    src.mkdir(parents=True, exist_ok=True)
    for f in SOURCE_DIR.iterdir():
        if f.suffix in (".c", ".h", ".S"):
            shutil.copy2(f, src / f.name)
    net, golden = generate(spec, src, seed)
    suffix = mapping.lower() + (f"{group}" if mapping == "IMA_IMA" else "")
    elf = firmware.build_program(src, out_root / f"bottleneck-{tag}-{suffix}-{isa}.elf",
                                 defines={"MAPPING": MAPPINGS[mapping], "DW_GROUP": group}, isa=isa)
    return elf, net, golden
