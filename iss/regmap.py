"""The one description of the memory map and of every register block.

Everything else is generated from these tables (``iss regmap --write``):
the C header the simulator's peripherals include, the header firmware includes
(``runtime/include/iss_archi.h``) and ``docs/memory-map.md``.  A test fails when a
generated file is stale, so the simulator, the firmware and the docs cannot disagree.
Addresses follow the PULP conventions (pulp-runtime / pulp-sdk headers, GVSoC).
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Region:
    name: str          # C identifier stem, e.g. TCDM
    base: int
    size: int          # default size (TCDM and L2 sizes are configurable)
    doc: str


@dataclass(frozen=True)
class Reg:
    name: str
    offset: int
    access: str        # "rw", "ro", "wo", "rb" (read blocks the core)
    doc: str


@dataclass(frozen=True)
class Block:
    name: str          # C identifier stem of the block
    base: int          # absolute base of the first instance
    doc: str
    regs: tuple[Reg, ...]
    stride: int = 0    # distance between instances (0: single instance)
    count: int = 1
    extra: tuple[tuple[str, int, str], ...] = field(default=())  # other constants


REGIONS: tuple[Region, ...] = (
    Region("TCDM_ALIAS", 0x00000000, 0x00080000, "alias of the TCDM (same memory)"),
    Region("TCDM", 0x10000000, 0x00080000,
           "L1 scratchpad: 512 KiB, 32 word-interleaved banks, shared by cores, DMA and accelerators"),
    Region("TCDM_TAS", 0x10100000, 0x00080000,
           "test-and-set alias of the TCDM: a load returns the word and sets it to 0xFFFFFFFF"),
    Region("CLUSTER_PERIPH", 0x10200000, 0x00004000,
           "cluster peripherals, global view (see the blocks below)"),
    Region("DEMUX", 0x10204000, 0x00001000,
           "per-core private view: each core reaches its own event unit and DMA here"),
    Region("SOC_PERIPH", 0x1A100000, 0x00010000, "SoC peripherals: APB SoC control and stdout"),
    Region("L2", 0x1C000000, 0x00400000, "L2 memory: code, data, bulk buffers (4 MiB)"),
)

# Offsets inside the cluster peripherals (global view); only the blocks named in
# BLOCKS are implemented, an access elsewhere in the region is reported as an error.
CLUSTER_PERIPH_MAP = (
    ("CLUSTER_CTRL", 0x0000, "cluster control (not modelled)"),
    ("TIMER", 0x0400, "cluster timer"),
    ("EU_GLOBAL", 0x0800, "event unit, global view"),
    ("HWPE", 0x1000, "HWPE slot: the depthwise accelerator (DWA)"),
    ("ICACHE_CTRL", 0x1400, "I-cache control (not modelled)"),
    ("DMA_GLOBAL", 0x1800, "cluster DMA, global view"),
    ("IMA", 0x2000, "IMA (analog in-memory computing accelerator)"),
)

EU_DEMUX = 0x10204000

BLOCKS: tuple[Block, ...] = (
    Block("CLUSTER_CTRL", 0x10200000,
          "Cluster control. Only the simulator's information registers are modelled "
          "(an extension of this simulator: PULP's cluster control has no core count).",
          (Reg("NB_CORES", 0xF0, "ro", "number of cores started in this run (--cores)"),
           Reg("MARKER", 0xF4, "wo",
               "write an id: the simulator records the time and the activity counters there "
               "(regions of a run for reports and energy; extension of this simulator)"),
           Reg("TRACE_BEGIN", 0xF8, "wo",
               "write the address of a NUL-terminated name (TCDM or L2, up to 63 characters): "
               "the calling core opens a span of that name on the trace timeline (docs/tracing.md; "
               "extension of this simulator)"),
           Reg("TRACE_END", 0xFC, "wo",
               "write any value: the calling core closes its last open span (extension of this simulator)"))),
    Block("EU_CORE", EU_DEMUX + 0x000,
          "Event unit v3, core area of the calling core (demux view). A load from a *_WAIT "
          "register blocks the core until (BUFFER & MASK) != 0 and returns the masked buffer.",
          (
              Reg("MASK", 0x00, "rw", "event mask: events that wake the core"),
              Reg("MASK_AND", 0x04, "wo", "clear the written bits of MASK"),
              Reg("MASK_OR", 0x08, "wo", "set the written bits of MASK"),
              Reg("STATUS", 0x18, "ro", "1: the core's clock is enabled (always 1 when read by the core)"),
              Reg("BUFFER", 0x1C, "ro", "pending events"),
              Reg("BUFFER_MASKED", 0x20, "ro", "BUFFER & MASK"),
              Reg("BUFFER_CLEAR", 0x28, "wo", "clear the written bits of BUFFER"),
              Reg("EVENT_WAIT", 0x38, "rb", "sleep until BUFFER & MASK != 0; returns it"),
              Reg("EVENT_WAIT_CLEAR", 0x3C, "rb",
                  "as EVENT_WAIT, then clears the returned bits of BUFFER"),
          )),
    Block("EU_DISPATCH", EU_DEMUX + 0x080,
          "Dispatch FIFO used by fork/join: a write pushes a word to every core of the team, "
          "a read pops the calling core's next word and blocks while its FIFO is empty.",
          (
              Reg("FIFO_ACCESS", 0x00, "rb", "write: push to the team; read: pop (blocks)"),
              Reg("TEAM_CONFIG", 0x04, "rw", "bit mask of the cores that receive pushed words"),
          ),
          extra=(("FIFO_DEPTH", 8, "words buffered per core; a push beyond is an error"),)),
    Block("EU_MUTEX", EU_DEMUX + 0x0C0,
          "Hardware mutexes: a read locks the mutex (blocks while another core holds it) and "
          "returns 0; a write unlocks it.",
          (Reg("MUTEX", 0x00, "rb", "mutex n at 4*n: read locks, write unlocks"),),
          extra=(("COUNT", 8, "number of mutexes"),)),
    Block("EU_SW_EVENT", EU_DEMUX + 0x100,
          "Software events 0-7 (event lines 0-7).",
          (
              Reg("TRIGG", 0x00, "wo", "event n at 4*n: write a core mask to send event n to those cores"),
              Reg("TRIGG_WAIT", 0x40, "rb",
                  "event n at 0x40+4*n: read sends event n to every other core, then waits"),
              Reg("TRIGG_WAIT_CLEAR", 0x80, "rb", "as TRIGG_WAIT, then clears the returned bits"),
          ),
          extra=(("COUNT", 8, "number of software events"),)),
    Block("EU_BARRIER", EU_DEMUX + 0x200,
          "Hardware barriers (barrier b at 0x20*b). When every core of TRIGGER_MASK has "
          "arrived, event line 16 is sent to the cores of TARGET_MASK and STATUS resets.",
          (
              Reg("TRIGGER_MASK", 0x00, "rw", "cores that must arrive"),
              Reg("STATUS", 0x04, "ro", "cores arrived so far"),
              Reg("STATUS_SUMMARY", 0x08, "ro", "bit b set when barrier b has arrivals pending"),
              Reg("TARGET_MASK", 0x0C, "rw", "cores notified on completion"),
              Reg("TRIGGER", 0x10, "wo", "write a core mask: those cores arrive"),
              Reg("TRIGGER_SELF", 0x14, "wo", "any write: the calling core arrives"),
              Reg("TRIGGER_WAIT", 0x18, "rb", "read: the calling core arrives, then waits"),
              Reg("TRIGGER_WAIT_CLEAR", 0x1C, "rb", "as TRIGGER_WAIT, then clears the returned bits"),
          ),
          stride=0x20, count=8),
    Block("DMA", EU_DEMUX + 0x400,
          "Cluster DMA, MCHAN v7 programming model (docs/dma.md), per-core view: each core "
          "pushes commands through its own queue here. The same registers are at 0x10201800 "
          "(cluster peripherals +0x1800, DMA_GLOBAL), the global view, with a queue of its "
          "own. A command is the words CMD, TCDM address, L2 address, then for 2D_EXT the "
          "row length and the stride, each written to CMD; transfer ids are shared by all "
          "views. The end of a transfer with ELE sends event line 8 (DMA0) to the issuing "
          "core, or to every core with BLE.",
          (
              Reg("CMD", 0x00, "rw",
                  "read: allocate the lowest free transfer id (0-15) for the next commands of "
                  "this view; write: push the next word of a command"),
              Reg("STATUS", 0x04, "rw",
                  "read: bits 15:0 ids with transfers in flight, bits 31:16 allocated ids; "
                  "write a mask: free those ids (one bit: the id must be allocated)"),
          ),
          extra=(
              ("CMD_LEN_MASK", 0x1FFFF, "command word LEN[16:0]: bytes to move (1-131071)"),
              ("CMD_TYPE", 1 << 17, "command word TYPE[17]: 1 L2 to TCDM, 0 TCDM to L2"),
              ("CMD_INC", 1 << 18, "command word INC[18]: incrementing addresses (required)"),
              ("CMD_2D_EXT", 1 << 19,
               "command word 2D_EXT[19]: 2-D on the L2 side, two more words follow"),
              ("CMD_ELE", 1 << 20, "command word ELE[20]: event DMA0 at the end"),
              ("CMD_ILE", 1 << 21, "command word ILE[21]: interrupt at the end (not modelled: an error)"),
              ("CMD_BLE", 1 << 22, "command word BLE[22]: the end event goes to every core"),
              ("CMD_2D_TCDM", 1 << 23, "command word 2D_TCDM[23]: 2-D on the TCDM side (not modelled: an error)"),
              ("NB_IDS", 16, "transfer ids (counters)"),
          )),
    Block("TIMER", 0x10200400,
          "Cluster timer (PULP timer_unit): two 32-bit counters, LO and HI, clocked by the "
          "cluster clock. A compare match sends event line 10 (LO) or 11 (HI) to every core "
          "when IRQ_EN or EVENT_EN is set. The 32 kHz reference clock and the 64-bit cascade "
          "mode are not modelled (a config using them is refused).",
          (
              Reg("CFG_LO", 0x00, "rw", "config of the LO counter (bits below)"),
              Reg("CFG_HI", 0x04, "rw", "config of the HI counter"),
              Reg("CNT_LO", 0x08, "rw", "LO counter value"),
              Reg("CNT_HI", 0x0C, "rw", "HI counter value"),
              Reg("CMP_LO", 0x10, "rw", "LO compare value"),
              Reg("CMP_HI", 0x14, "rw", "HI compare value"),
              Reg("START_LO", 0x18, "wo", "any write enables the LO counter"),
              Reg("START_HI", 0x1C, "wo", "any write enables the HI counter"),
              Reg("RESET_LO", 0x20, "wo", "any write clears the LO counter"),
              Reg("RESET_HI", 0x24, "wo", "any write clears the HI counter"),
          ),
          extra=(("CFG_ENABLE", 1 << 0, "count"),
                 ("CFG_RESET", 1 << 1, "clear the counter (self-clearing)"),
                 ("CFG_IRQ_EN", 1 << 2, "compare match raises the timer event"),
                 ("CFG_EVENT_EN", 1 << 3, "compare match raises the timer event"),
                 ("CFG_CMP_CLR", 1 << 4, "the counter restarts from 0 after the compare value"),
                 ("CFG_ONE_SHOT", 1 << 5, "disable the counter at the compare match"),
                 ("CFG_PRESC_EN", 1 << 6, "count every PRESC+1 cycles"),
                 ("CFG_REF_CLK", 1 << 7, "32 kHz reference clock (not modelled)"),
                 ("CFG_PRESC_SHIFT", 8, "prescaler value, bits 15:8"),
                 ("CFG_CASC", 1 << 31, "64-bit cascade (not modelled)"))),
    Block("IMA", 0x10202000,
          "Analog in-memory computing accelerator (pulp-sdk ima_v1 register block; semantics in "
          "docs/ima.md). Rows (y) of a crossbar are inputs, columns (x) outputs; weights are 4-bit "
          "signed in [-7, 7]. ACQUIRE locks the IMA for the reading core until its job batch or "
          "weight window ends (or SOFT_CLEAR); the end of a job batch sends event line 12 to every "
          "core. Registers from ARRAY_SEL on are this simulator's extensions.",
          (
              Reg("TRIGGER", 0x00, "wo", "start NUM_JOBS jobs with the job registers (needs ACQUIRE)"),
              Reg("ACQUIRE", 0x04, "ro", "0: granted to the reading core; -1: busy"),
              Reg("FINISHED_JOBS", 0x08, "ro", "jobs finished since the last read (read clears)"),
              Reg("STATUS", 0x0C, "ro", "1 while acquired or running, 0 idle"),
              Reg("RUNNING_TASK", 0x10, "ro", "core that holds the IMA, -1 if none"),
              Reg("SOFT_CLEAR", 0x14, "wo", "abort and release (weights are kept)"),
              Reg("CHECK_STATE", 0x18, "ro", "0 idle, 1 acquired, 2 programming, 3 running"),
              Reg("P_START_X", 0x20, "rw", "weight window: first column (a multiple of 8)"),
              Reg("P_START_Y", 0x24, "rw", "weight window: first row"),
              Reg("P_WIDTH", 0x28, "rw", "weight window: columns (a multiple of 8)"),
              Reg("P_HIGHT", 0x2C, "rw", "weight window: rows"),
              Reg("SUBMIT_PLOT", 0x30, "wo",
                  "8 weights, 4 bits each, lowest nibble first, to the next 8 columns of the window"),
              Reg("J_START_X", 0x34, "rw", "job window: first column (output)"),
              Reg("J_START_Y", 0x38, "rw", "job window: first row (input)"),
              Reg("J_WIDTH", 0x3C, "rw", "job window: columns = outputs per job"),
              Reg("J_HIGHT", 0x40, "rw", "job window: rows = inputs per job"),
              Reg("J_SRC_ADDR", 0x44, "rw", "TCDM address of the first input line of job 0"),
              Reg("J_DST_ADDR", 0x48, "rw", "TCDM address of the outputs of job 0"),
              Reg("J_SRC_STRID", 0x4C, "rw", "bytes between input lines"),
              Reg("J_DST_STRID", 0x50, "rw", "not used (one output line per job)"),
              Reg("ADC_LOW", 0x54, "rw", "ADC range: column sums below -ADC_LOW clip (> 0)"),
              Reg("ADC_HIGH", 0x58, "rw", "ADC range: column sums above ADC_HIGH clip (> 0)"),
              Reg("FETCH_LENGTH", 0x5C, "rw", "input bytes per job (= J_HIGHT)"),
              Reg("STORE_LENGTH", 0x60, "rw", "output bytes per job (= J_WIDTH)"),
              Reg("JOB_LINE_LENGTH", 0x64, "rw", "bytes per input line"),
              Reg("JOB_FEAT_STRIDE", 0x68, "rw", "bytes between groups of lines (JOB_FEAT_ROLL > 1)"),
              Reg("JOB_FEAT_LENGTH", 0x6C, "rw", "input lines per group"),
              Reg("NUM_JOBS", 0x70, "rw", "jobs per TRIGGER"),
              Reg("ALPHA_IN_LENGTH", 0x74, "rw", "input address steps by ALPHA_IN_STRIDE this many times..."),
              Reg("ALPHA_IN_STRIDE", 0x78, "rw", "...then once by BETA_IN_STRIDE (GVSoC's job_update)"),
              Reg("BETA_IN_LENGTH", 0x7C, "rw", "beta steps before the beta count wraps (0: input fixed)"),
              Reg("BETA_IN_STRIDE", 0x80, "rw", "input address step after ALPHA_IN_LENGTH alpha steps"),
              Reg("ALPHA_OUT_LENGTH", 0x84, "rw", "as ALPHA_IN_LENGTH, for the output address"),
              Reg("ALPHA_OUT_STRIDE", 0x88, "rw", "as ALPHA_IN_STRIDE, for the output address"),
              Reg("BETA_OUT_LENGTH", 0x8C, "rw", "as BETA_IN_LENGTH, for the output address"),
              Reg("BETA_OUT_STRIDE", 0x90, "rw", "as BETA_IN_STRIDE, for the output address"),
              Reg("JOB_LL_MEMT", 0x94, "rw", "ignored (as in GVSoC)"),
              Reg("JOB_FEAT_ROLL", 0x98, "rw", "groups of input lines per job (0 or 1: one group)"),
              Reg("DW_MODE", 0x9C, "rw", "must be 0: depthwise runs as block-diagonal weights"),
              Reg("PR_ADDR_X", 0xA0, "rw", "weight read-back: first of 8 columns"),
              Reg("PR_ADDR_Y", 0xA4, "rw", "weight read-back: row"),
              Reg("PR_VAL", 0xA8, "ro", "8 weights at (PR_ADDR_Y, PR_ADDR_X..+7), packed as SUBMIT_PLOT"),
              Reg("ARRAY_SEL", 0xAC, "rw", "crossbar array used by weight windows, read-back and jobs"),
              Reg("MODE", 0xB0, "rw", "0 sequential, 1 pipelined (default from ima.pipelined)"),
              Reg("ERROR", 0xB4, "ro", "last refused command, 0 none (the run also stops with a message)"),
              Reg("NB_ARRAYS", 0xB8, "ro", "crossbar arrays in this configuration"),
              Reg("ARRAY_SIZE", 0xBC, "ro", "rows (= columns) of each array"),
          ),
          extra=(("ACQUIRE_GRANTED", 0, "ACQUIRE value when granted"),
                 ("ACQUIRE_BUSY", 0xFFFFFFFF, "ACQUIRE value when busy (-1)"),
                 ("ERR_NO_ACQUIRE", 1, "command from a core that does not hold the IMA"),
                 ("ERR_WINDOW", 2, "window outside the array"),
                 ("ERR_ADDRESS", 3, "stream address outside the TCDM"),
                 ("ERR_WEIGHT", 4, "weight -8 (outside [-7, 7])"),
                 ("ERR_ADC", 5, "ADC_LOW or ADC_HIGH zero"),
                 ("ERR_ARRAY", 6, "array that does not exist"),
                 ("ERR_LENGTH", 7, "FETCH/STORE/line lengths inconsistent with the window"),
                 ("ERR_BUSY", 8, "register written while jobs run"),
                 ("ERR_MODE", 9, "DW_MODE other than 0"))),
    Block("DWA", 0x10201000,
          "Depthwise accelerator (a HWPE in the cluster's HWPE slot; docs/dwa.md): 3x3 depthwise "
          "convolution of an int8 HWC tensor, stride 1 or 2, zero padding 0 or 1, weights per "
          "channel, 32-bit accumulation, optional int32 bias, rounding right shift, optional ReLU, "
          "clip to int8; blocks of 16 channels. Control as the IMA: ACQUIRE, configure, TRIGGER; "
          "the end of the job sends event line 13 to every core.",
          (
              Reg("TRIGGER", 0x00, "wo", "start the job (needs ACQUIRE)"),
              Reg("ACQUIRE", 0x04, "ro", "0: granted to the reading core; -1: busy"),
              Reg("FINISHED_JOBS", 0x08, "ro", "jobs finished since the last read (read clears)"),
              Reg("STATUS", 0x0C, "ro", "1 while acquired or running, 0 idle"),
              Reg("RUNNING_TASK", 0x10, "ro", "core that holds the accelerator, -1 if none"),
              Reg("SOFT_CLEAR", 0x14, "wo", "abort and release"),
              Reg("IN_ADDR", 0x20, "rw", "input tensor, int8 HWC, IN_H x IN_W x CHANNELS, dense"),
              Reg("OUT_ADDR", 0x24, "rw", "output tensor, int8 HWC, OUT_H x OUT_W x CHANNELS, dense"),
              Reg("W_ADDR", 0x28, "rw", "weights, int8 [3][3][CHANNELS] (kernel row, column, channel)"),
              Reg("BIAS_ADDR", 0x2C, "rw", "int32 bias per channel; 0: no bias"),
              Reg("IN_H", 0x30, "rw", "input rows"),
              Reg("IN_W", 0x34, "rw", "input columns"),
              Reg("CHANNELS", 0x38, "rw", "channels (processed in blocks of 16)"),
              Reg("STRIDE", 0x3C, "rw", "1 or 2"),
              Reg("PAD", 0x40, "rw", "zero padding on every side: 0 or 1"),
              Reg("KERNEL", 0x44, "rw", "kernel size: must be 3"),
              Reg("SHIFT", 0x48, "rw", "right shift of (acc + bias), rounding half up: 0-31"),
              Reg("RELU", 0x4C, "rw", "1: clip at 0 before the int8 clip"),
              Reg("OUT_H", 0x50, "ro", "output rows: (IN_H + 2 PAD - 3) / STRIDE + 1"),
              Reg("OUT_W", 0x54, "ro", "output columns"),
              Reg("ERROR", 0x58, "ro", "last refused command, 0 none (the run also stops)"),
          ),
          extra=(("ACQUIRE_GRANTED", 0, "ACQUIRE value when granted"),
                 ("ACQUIRE_BUSY", 0xFFFFFFFF, "ACQUIRE value when busy (-1)"),
                 ("BLOCK", 16, "channels per block"),
                 ("ERR_NO_ACQUIRE", 1, "command from a core that does not hold the accelerator"),
                 ("ERR_SHAPE", 2, "kernel, stride, padding or sizes not supported"),
                 ("ERR_ADDRESS", 3, "a tensor outside the TCDM"),
                 ("ERR_SHIFT", 4, "shift out of range"),
                 ("ERR_BUSY", 5, "register written while the job runs"))),
    Block("SOC_CTRL", 0x1A104000,
          "APB SoC control: end of computation.",
          (Reg("CORESTATUS", 0xA0, "wo",
               "write (status | 1 << 31) to end the run; the exit code is status & 0xFF"),),
          extra=(("EOC_BIT", 1 << 31, "end-of-computation flag in CORESTATUS"),)),
    Block("STDOUT", 0x1A10F000,
          "Per-core stdout: a byte written to PUTC of (cluster, core) is appended to that "
          "core's output line; lines are printed on newline.",
          (Reg("PUTC", 0x00, "wo", "character output"),),
          stride=0x8, count=8,
          extra=(("CLUSTER_STRIDE", 0x80, "distance between clusters' stdout areas"),)),
)

EVENT_LINES = (
    (0, "SW_EVENT0", "software events 0-7 (lines 0-7)"),
    (8, "DMA0", "cluster DMA transfer end"),
    (9, "DMA1", "cluster DMA (second line)"),
    (10, "TIMER0", "cluster timer 0"),
    (11, "TIMER1", "cluster timer 1"),
    (12, "ACC0", "accelerator 0 end of job (IMA)"),
    (13, "ACC1", "accelerator 1 end of job (depthwise)"),
    (14, "ACC2", "accelerator 2"),
    (15, "ACC3", "accelerator 3"),
    (16, "BARRIER", "hardware barrier completed"),
    (17, "MUTEX", "mutex released"),
    (18, "DISPATCH", "dispatch FIFO written"),
)

# Custom CSR numbers the simulator rewrites counter reads to (see docs/architecture.md).
PERF_CSRS = (
    (0xCC0, "PCER", "performance counter event enable"),
    (0xCC1, "PCMR", "performance counter mode (bit 0: active)"),
    (0x780, "PCCR0", "performance counter n at 0x780+n"),
)


def _region(name: str) -> Region:
    return next(r for r in REGIONS if r.name == name)


def c_header(guard: str) -> str:
    out = [
        "/* Generated by `iss regmap --write` from iss/regmap.py: do not edit. */",
        f"#ifndef {guard}", f"#define {guard}", "",
        "/* Memory map */",
    ]
    for r in REGIONS:
        out.append(f"#define ISS_{r.name}_BASE 0x{r.base:08X}u /* {r.doc} */")
        out.append(f"#define ISS_{r.name}_SIZE 0x{r.size:08X}u")
    out.append("#define ISS_TCDM_BANKS 32")
    out.append("")
    out.append("/* Cluster peripherals: offsets from ISS_CLUSTER_PERIPH_BASE */")
    for name, off, doc in CLUSTER_PERIPH_MAP:
        out.append(f"#define ISS_{name}_OFFSET 0x{off:04X}u /* {doc} */")
    out.append("")
    out.append("/* Event lines */")
    for line, name, doc in EVENT_LINES:
        out.append(f"#define ISS_EVT_{name} {line} /* {doc} */")
    out.append("")
    for b in BLOCKS:
        out.append(f"/* {b.name}: {b.doc} */")
        out.append(f"#define ISS_{b.name}_BASE 0x{b.base:08X}u")
        if b.count > 1:
            out.append(f"#define ISS_{b.name}_STRIDE 0x{b.stride:X}u")
            out.append(f"#define ISS_{b.name}_INSTANCES {b.count}")
        for reg in b.regs:
            out.append(f"#define ISS_{b.name}_{reg.name} 0x{reg.offset:02X}u /* {reg.access}: {reg.doc} */")
        for name, value, doc in b.extra:
            out.append(f"#define ISS_{b.name}_{name} 0x{value:X}u /* {doc} */")
        out.append("")
    out.append("/* RI5CY performance counter CSRs */")
    for num, name, doc in PERF_CSRS:
        out.append(f"#define ISS_CSR_{name} 0x{num:03X} /* {doc} */")
    out += ["", f"#endif /* {guard} */", ""]
    return "\n".join(out)


def docs_page() -> str:
    out = [
        "<!-- Generated by `iss regmap --write` from iss/regmap.py: do not edit. -->",
        "# Memory map and registers", "",
        "The simulator, the firmware header `runtime/include/iss_archi.h` and this page are all",
        "generated from `iss/regmap.py`. TCDM and L2 sizes are configurable (`[memory]` in the",
        "config); the values below are the defaults.", "",
        "## Regions", "", "| region | base | size | what |", "|---|---|---|---|",
    ]
    for r in REGIONS:
        out.append(f"| {r.name} | `0x{r.base:08X}` | `0x{r.size:X}` | {r.doc} |")
    out += ["", "Any access outside these regions stops the run with a memory fault naming the",
            "core, the pc and its symbol, and the address.", "",
            "## Cluster peripherals (offsets from 0x10200000)", "",
            "| block | offset | what |", "|---|---|---|"]
    for name, off, doc in CLUSTER_PERIPH_MAP:
        out.append(f"| {name} | `+0x{off:04X}` | {doc} |")
    out += ["", "## Event lines", "", "| line | name | what |", "|---|---|---|"]
    for line, name, doc in EVENT_LINES:
        out.append(f"| {line} | {name} | {doc} |")
    out.append("")
    for b in BLOCKS:
        out += [f"## {b.name} at `0x{b.base:08X}`", "", b.doc, ""]
        if b.count > 1:
            out += [f"{b.count} instances, {b.stride:#x} bytes apart.", ""]
        out += ["| register | offset | access | what |", "|---|---|---|---|"]
        for reg in b.regs:
            out.append(f"| {reg.name} | `0x{reg.offset:02X}` | {reg.access} | {reg.doc} |")
        for name, value, doc in b.extra:
            out.append(f"| ({name}) | `{value:#x}` | constant | {doc} |")
        out.append("")
    out += ["Access `rb`: a read that may block the core (it sleeps, clock-gated, until the",
            "condition holds; the load then completes).", "",
            "## Performance counter CSRs (RI5CY)", "", "| CSR | name | what |", "|---|---|---|"]
    for num, name, doc in PERF_CSRS:
        out.append(f"| `0x{num:03X}` | {name} | {doc} |")
    out.append("")
    return "\n".join(out)


GENERATED = {
    ROOT / "runtime" / "include" / "iss_archi.h": lambda: c_header("ISS_ARCHI_H"),
    ROOT / "iss" / "native" / "iss_archi.h": lambda: c_header("ISS_ARCHI_H"),
    ROOT / "docs" / "memory-map.md": docs_page,
}


def stale_files() -> list[Path]:
    return [p for p, gen in GENERATED.items() if not p.exists() or p.read_text() != gen()]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m iss.regmap", description=__doc__)
    ap.add_argument("--write", action="store_true", help="write the generated files")
    ap.add_argument("--check", action="store_true", help="exit 1 if a generated file is stale")
    args = ap.parse_args(argv)
    if args.write:
        for p, gen in GENERATED.items():
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(gen())
        return 0
    stale = stale_files()
    for p in stale:
        print(f"stale: {p.relative_to(ROOT)} (run iss regmap --write)", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
