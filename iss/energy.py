"""The energy model: per-event energies (documented inputs) times the activity counts the
simulated hardware reports. Every energy figure of the simulator comes from here; the
reasoning behind each number is in docs/energy.md.
"""
from __future__ import annotations

from dataclasses import dataclass, fields

IMA_PAPER_SIZE = 256


@dataclass(frozen=True)
class EnergyModel:
    # IMA: one MVM on a full 256x256 array at the paper's 6.39 TOPS/W (2 ops per cell):
    # 20.5 nJ; a job that uses rows x cols of an array costs that fraction of it.
    ima_full_mvm_j: float = 2 * IMA_PAPER_SIZE * IMA_PAPER_SIZE / 6.39e12
    # Depthwise accelerator: the paper's 626 GMAC/s/W: 1.60 pJ per MAC, its streams included.
    dwa_mac_j: float = 1 / 626e9
    # A core's active cycle, its share of the TCDM and interconnect included: the paper's
    # residual-add layers run in software on 8 cores at about 33 mW (e.g. 0.006 mJ in 0.18 ms),
    # so 33 mW / 500 MHz / 8 cores = 8.25 pJ.
    core_active_cycle_j: float = 33e-3 / 500e6 / 8
    # A clock-gated (sleeping) core: leakage only; assumption: a tenth of an active cycle.
    core_sleep_cycle_j: float = 33e-3 / 500e6 / 8 / 10
    # One 32-bit TCDM access by a streamer that is not in the figures above (the IMA's, whose
    # 6.39 TOPS/W is the array alone); assumption for a 22 nm SRAM bank access.
    tcdm_word_j: float = 1.0e-12
    # DMA: per byte moved between L2 and the TCDM (AXI + L2 + TCDM); assumption.
    dma_byte_j: float = 2.0e-12

    def breakdown(self, a: dict[str, int]) -> dict[str, float]:
        """Joules per component from the activity counts of a run (Cluster.activity())."""
        ima_words = (a.get("ima_bytes_in", 0) + a.get("ima_bytes_out", 0)) / 4
        return {
            "cores": a.get("core_active_cycles", 0) * self.core_active_cycle_j
            + a.get("core_sleep_cycles", 0) * self.core_sleep_cycle_j,
            "ima": self.ima_full_mvm_j * a.get("ima_mvm_cells", 0) / (IMA_PAPER_SIZE * IMA_PAPER_SIZE)
            + ima_words * self.tcdm_word_j,
            "dwa": a.get("dwa_macs", 0) * self.dwa_mac_j,
            "dma": a.get("dma_bytes", 0) * self.dma_byte_j,
        }

    def as_table(self) -> list[tuple[str, float]]:
        return [(f.name, getattr(self, f.name)) for f in fields(self)]
