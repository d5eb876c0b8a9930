"""The energy model: per-event energies (documented inputs, docs/energy.md) times the activity
counts the simulated hardware reports. Every energy figure of the simulator comes from here.
"""
from __future__ import annotations

from dataclasses import dataclass

# The paper's IMA efficiency: 6.39 TOPS/W for 8-bit inputs, 4-bit weights, a full array.
IMA_TOPS_PER_W = 6.39e12
IMA_PAPER_SIZE = 256


@dataclass(frozen=True)
class EnergyModel:
    # one MVM on a full 256x256 array (2 * 256 * 256 operations at 6.39 TOPS/W: 20.5 nJ);
    # a job that uses rows x cols of the array costs that fraction of it
    ima_full_mvm_j: float = 2 * IMA_PAPER_SIZE * IMA_PAPER_SIZE / IMA_TOPS_PER_W

    def ima_joules(self, mvm_cells: int) -> float:
        return self.ima_full_mvm_j * mvm_cells / (IMA_PAPER_SIZE * IMA_PAPER_SIZE)

    def breakdown(self, activity: dict[str, int]) -> dict[str, float]:
        """Joules per component from the activity counts of a run (Cluster.activity())."""
        return {"ima": self.ima_joules(activity.get("ima_mvm_cells", 0))}
