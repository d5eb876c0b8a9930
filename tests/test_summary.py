"""Run summary, per-core statistics and the flat profile."""
from iss import Cluster, Config

from .conftest import assemble, run_cli


def test_profile_accounts_for_every_cycle_of_every_core(fw):
    cl = Cluster().load(fw("barrier_stress", ROUNDS=300))
    r = cl.run()
    for core in r.cores:
        prof = cl.profile(core.core)
        assert sum(e.cycles for e in prof) == core.cycles
        assert sum(e.sleep_cycles for e in prof) == core.sleep_cycles


def test_profile_finds_the_hot_function(fw):
    cl = Cluster().load(fw("matmul"))
    r = cl.run()
    for core in range(1, 8):
        top = cl.profile(core)[0]
        assert top.function == "matmul" and top.calls == 1
        assert top.cycles > 0.8 * r.cores[core].cycles


def test_firmware_mcycle_agrees_with_the_summary(tmp_path):
    elf = assemble("""
    .option norelax
    .globl _start
_start:
    csrr s3, mcycle
    la   t0, result
    sw   s3, 0(t0)
    li   t0, 0x1A1040A0
    li   t1, 0x80000000
    sw   t1, 0(t0)
1:  j 1b
    .bss
    .globl result
result: .word 0
""", tmp_path / "end.elf")
    cl = Cluster(Config().replace(cluster={"cores": 1})).load(elf)
    r = cl.run()
    mcycle = int.from_bytes(cl.read(cl.symbol("result"), 4), "little")
    # after the csrr: la (2), sw, li (lui+addi), li (lui): 6 cycles; the run ends when the
    # CORESTATUS store completes: 1 cycle + the peripheral latency
    assert r.cycles == mcycle + 6 + 1 + cl.config.timing.periph_latency


def test_cli_summary_has_per_core_table_and_profile(fw):
    r = run_cli("run", fw("matmul"), "--profile")
    assert r.returncode == 0
    err = r.stderr.splitlines()
    assert err[0].split() == ["core", "instr", "cycles", "IPC", "ld-stall", "jmp-stall", "taken-br",
                              "tcdm-cont", "sleep"]
    assert [l.split()[0] for l in err[1:9]] == [str(i) for i in range(8)]
    assert sum(1 for l in err if l.startswith("profile of core")) == 8
    assert err[-1].startswith("iss: exit 0 |") and " us at 500 MHz" in err[-1]


def test_same_cycles_with_bank_conflicts_every_run(fw):
    cfg = Config().replace(timing={"bank_conflicts": True})
    runs = [Cluster(cfg).load(fw("matmul")).run() for _ in range(2)]
    assert runs[0].cores == runs[1].cores
    assert runs[0].output == runs[1].output
    # int8 matmul with the B column walk does collide on banks
    assert sum(c.tcdm_contention for c in runs[0].cores) > 0
