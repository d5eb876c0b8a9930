"""Real firmware on the whole cluster, checked against Python/numpy references."""
import numpy as np
import pytest

from iss import Cluster, Config, run_elf

from .conftest import run_cli


def cfg(**sections):
    return Config().replace(**sections) if sections else Config()


@pytest.mark.parametrize("cores", [1, 3, 8])
def test_hello_from_every_core(fw, cores):
    r = run_elf(fw("hello"), cfg(cluster={"cores": cores}))
    assert r.exit_code == 0
    assert sorted(r.output.splitlines()) == [f"hello from core {i} of {cores}" for i in range(cores)]


def matmul_reference(m, k, n):
    a = ((np.arange(m * k, dtype=np.int64) * 37 + 11) % 251 - 125).astype(np.int8).reshape(m, k)
    b = ((np.arange(k * n, dtype=np.int64) * 53 + 7) % 241 - 120).astype(np.int8).reshape(k, n)
    return a, b, a.astype(np.int32) @ b.astype(np.int32)


@pytest.mark.parametrize("m, k, n, cores", [(64, 64, 64, 8), (24, 40, 16, 3), (13, 7, 5, 8)])
def test_parallel_int8_matmul_matches_numpy(fw, m, k, n, cores):
    elf = fw("matmul", M=m, K=k, N=n)
    cl = Cluster(cfg(cluster={"cores": cores})).load(elf)
    r = cl.run()
    assert r.exit_code == 0
    a, b, c = matmul_reference(m, k, n)
    assert np.array_equal(cl.read_array("A", np.int8, m * k).reshape(m, k), a)
    assert np.array_equal(cl.read_array("B", np.int8, k * n).reshape(k, n), b)
    assert np.array_equal(cl.read_array("C", np.int32, m * n).reshape(m, n), c)
    assert f"checksum {int(c.sum())}" in r.output.splitlines()
    # every core that got rows reports its own share
    for core in range(cores):
        first, last = core * m // cores, (core + 1) * m // cores
        if last > first:
            assert f"core {core} rows {first}-{last - 1} sum {int(c[first:last].sum())}" in r.output


def test_matmul_cli_prints_result_from_all_cores(fw):
    r = run_cli("run", fw("matmul"))
    assert r.returncode == 0, r.stderr
    assert len([l for l in r.stdout.splitlines() if l.startswith("core ")]) == 8
    assert "checksum" in r.stdout
    summary = r.stderr.strip().splitlines()[-1]
    assert summary.startswith("iss: exit 0 |") and "MIPS" in summary and "cycles" in summary


def test_same_elf_same_cycles_every_run(fw):
    runs = [run_elf(fw("matmul")) for _ in range(3)]
    assert len({tuple((c.cycles, c.instructions, c.sleep_cycles) for c in r.cores) for r in runs}) == 1
    assert len({r.output for r in runs}) == 1


@pytest.mark.parametrize("quantum", [1, 7, 100, 100000])
def test_results_do_not_depend_on_the_quantum(fw, quantum):
    r = run_elf(fw("matmul", M=16, K=16, N=16), cfg(timing={"quantum": quantum}))
    _, _, c = matmul_reference(16, 16, 16)
    assert f"checksum {int(c.sum())}" in r.output


def test_mutex_and_test_and_set(fw):
    r = run_elf(fw("mutex"))
    assert r.exit_code == 0
    assert "mutex 8000 tas 8000" in r.output


def test_fork_join_on_every_team_size_and_events(fw):
    r = run_elf(fw("fork"))
    assert r.exit_code == 0
    assert r.output.splitlines() == [f"fork {n} ok" for n in range(1, 9)] + ["event ok"]


def test_barrier_stress(fw):
    r = run_elf(fw("barrier_stress", ROUNDS=2000))
    assert r.exit_code == 0
    assert "barriers 4000 errors 0" in r.output
    # workers spend most of their time asleep at the barrier, and it is counted as such
    assert all(c.sleep_cycles > 0 for c in r.cores)


def test_per_core_hartid_and_counters(fw):
    r = run_elf(fw("csr"))
    assert r.exit_code == 0, r.output
    assert sorted(l for l in r.output.splitlines() if "hartid" in l) == \
        [f"core {i} hartid {i}" for i in range(8)]


def test_cluster_id_in_mhartid(fw):
    r = run_elf(fw("csr"), cfg(cluster={"cores": 2, "cluster_id": 3}))
    # hartid = cluster << 5 | core; the runtime masks the core id out of it
    assert sorted(l for l in r.output.splitlines() if "hartid" in l) == \
        ["core 0 hartid 96", "core 1 hartid 97"]


def test_code_written_at_run_time_runs_after_fence_i(fw):
    r = run_elf(fw("fencei"))
    assert r.exit_code == 0
    assert r.output.splitlines() == ["got 7", "got 9"]


def test_misaligned_accesses_work_as_on_ri5cy(fw):
    r = run_elf(fw("misaligned"))
    assert r.exit_code == 0 and "misaligned ok" in r.output


def test_exit_code_is_the_programs(fw):
    assert run_elf(fw("exit42")).exit_code == 42
    assert run_cli("run", "--quiet", fw("exit42")).returncode == 42


def test_prefixed_output(fw):
    r = run_cli("run", "--prefix", "--cores", "2", fw("hello"))
    assert sorted(r.stdout.splitlines()) == ["[core 0] hello from core 0 of 2", "[core 1] hello from core 1 of 2"]


def test_quiet_hides_summary(fw):
    r = run_cli("run", "--quiet", fw("hello"))
    assert r.returncode == 0 and r.stderr == ""


def test_htif_tohost_pass_and_fail(fw):
    assert run_cli("run", fw("htif_pass")).returncode == 0
    r = run_cli("run", fw("htif_fail"))
    assert r.returncode == 3          # riscv-tests: tohost = (TESTNUM << 1) | 1


def test_signature_dump_in_spike_format(fw, tmp_path):
    sig = tmp_path / "sig.txt"
    r = run_cli("run", fw("htif_pass"), "--signature", sig)
    assert r.returncode == 0
    words = sig.read_text().splitlines()
    expected = [0xdeadbeef, 0x23456789, 0xffffffd6]
    assert words[:3] == [f"{w:08x}" for w in expected]
    assert len(words) == 8 and all(len(w) == 8 for w in words)


def test_libc_exit_and_failed_assert(fw):
    assert run_elf(fw("libc_exit", MODE=0)).exit_code == 3
    r = run_elf(fw("libc_exit", MODE=1))
    assert r.exit_code == 128 + 6
    assert "iss_num_cores() == 99" in r.output
