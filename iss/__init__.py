"""Simulator of the heterogeneous in-memory-computing cluster (Garofalo et al., JETCAS 2022).

    from iss import Cluster, Config
    result = Cluster(Config()).load("build/firmware/matmul.elf").run()
"""
from .cluster import Cluster, CoreStats, RunResult, run_elf
from .config import Config, load as load_config
from .errors import IssError

__all__ = ["Cluster", "Config", "CoreStats", "IssError", "RunResult", "load_config", "run_elf"]
