"""Cluster timer: periodic and one-shot events, counter read-back, refused configurations."""
import pytest

from iss import Config, run_elf

from .conftest import run_cli


@pytest.mark.parametrize("period", [1000, 257])
def test_periodic_events_are_exactly_one_period_apart(fw, period):
    r = run_elf(fw("timer", PERIOD=period), Config().replace(cluster={"cores": 1}))
    lines = r.output.splitlines()
    assert lines[:3] == [f"period {period}"] * 3


def test_one_shot_and_counter(fw):
    cfg = Config().replace(cluster={"cores": 1})
    out = run_elf(fw("timer"), cfg).output.splitlines()
    # the one-shot fires 300 cycles after its CFG write; the core then wakes (2 cycles)
    assert out[3].startswith("one-shot after ")
    assert 300 < int(out[3].split()[-1]) < 320
    # a one-shot timer stops at its compare value
    assert out[4] == "stopped count 299 299"
    # two back-to-back counter loads are one load (1 cycle + peripheral latency) apart
    assert out[5] == f"count delta {1 + cfg.timing.periph_latency}"


def test_reference_clock_is_refused(fw):
    r = run_cli("run", fw("timer_bad"))
    assert r.returncode == 109
    assert "32 kHz reference clock" in r.stderr and "<main+" in r.stderr
