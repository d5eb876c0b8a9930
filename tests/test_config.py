import pytest

from iss import config
from iss.errors import ConfigError

from .conftest import run_cli


def test_defaults_follow_the_paper():
    c = config.Config()
    assert c.cluster.cores == 8
    assert c.cluster.clock_hz == 500e6
    assert c.memory.tcdm_size == 512 * 1024 and c.memory.tcdm_banks == 32
    assert c.memory.l2_size == 4 * 1024 * 1024


def test_toml_and_overrides(tmp_path):
    p = tmp_path / "c.toml"
    p.write_text("[cluster]\ncores = 4\n[timing]\nquantum = 50\n")
    c = config.load(p, ["timing.quantum=70", "run.prefix_output=true"])
    assert (c.cluster.cores, c.timing.quantum, c.run.prefix_output) == (4, 70, True)


@pytest.mark.parametrize("override, message", [
    ("cluster.cores=9", "cluster.cores must be between 1 and 8, got 9"),
    ("cluster.cores=0", "cluster.cores must be between 1 and 8, got 0"),
    ("timing.quantum=0", "timing.quantum must be between 1"),
    ("timing.quantum=-5", "timing.quantum must be between 1"),
    ("cluster.clock_hz=0", "cluster.clock_hz must be > 0"),
    ("cluster.clock_hz=-1e6", "cluster.clock_hz must be > 0"),
    ("memory.tcdm_size=1000", "memory.tcdm_size must be between 4096"),
    ("memory.l2_size=5000", "memory.l2_size must be a multiple of 4096"),
    ("memory.tcdm_banks=3", "memory.tcdm_banks must be a power of two"),
    ('cluster.cores="eight"', "cluster.cores must be of type int"),
    ("cluster.colour=1", "unknown config key cluster.colour"),
    ("gpu.cores=1", "unknown config section [gpu]"),
    ("nodot=1", "--set expects section.key=value"),
])
def test_bad_values_are_refused(override, message):
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        config.load(None, [override])


def test_bad_toml_file(tmp_path):
    p = tmp_path / "bad.toml"
    p.write_text("[cluster\ncores = 2\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        config.load(p)


def test_cli_bad_config_exit_code(fw):
    r = run_cli("run", fw("exit42"), "--set", "timing.quantum=0")
    assert r.returncode == 100
    assert r.stderr.startswith("iss: config error: timing.quantum must be between 1")
    assert "Traceback" not in r.stderr


def test_cli_dump_config_round_trips(tmp_path):
    r = run_cli("run", "unused.elf", "--cores", "3", "--dump-config")
    assert r.returncode == 0
    p = tmp_path / "dumped.toml"
    p.write_text(r.stdout)
    assert config.load(p) == config.Config().replace(cluster={"cores": 3})


# Issue 13's fuzzing found these reaching "internal error" (exit 119); each is now a config
# error (exit 100) naming the key, or a usage error (exit 2) for --gdb.
@pytest.mark.parametrize("override, message", [
    ("cluster.clock_hz=inf", "cluster.clock_hz must be a finite number, got inf"),
    ("cluster.clock_hz=nan", "cluster.clock_hz must be a finite number, got nan"),
    ("cluster.clock_hz=1e20", "ima.mvm_ns = 130 at cluster.clock_hz = 1e+20 is 1.3e+13 cycles"),
    ("ima.program_row_ns=1e300", "ima.program_row_ns = 1e+300 at cluster.clock_hz = 5e+08"),
])
def test_float_overflow_is_a_config_error(override, message):
    with pytest.raises(ConfigError, match=message.replace("+", r"\+")):
        config.load(overrides=[override])


def test_section_that_is_not_a_table_with_overrides(tmp_path, fw):
    p = tmp_path / "aot.toml"
    p.write_text("[[timing]]\nquantum = 5\n")
    r = run_cli("run", fw("hello"), "--config", p, "--set", "timing.quantum=5")
    assert r.returncode == 100 and "config section [timing] must be a table" in r.stderr, r.stderr
    p.write_text("cluster = 5\n")
    r = run_cli("run", fw("hello"), "--config", p, "--cores", "2")
    assert r.returncode == 100 and "config section [cluster] must be a table" in r.stderr, r.stderr


def test_config_file_that_is_not_utf8(tmp_path, fw):
    p = tmp_path / "latin1.toml"
    p.write_bytes("# caf\xe9\n".encode("latin-1"))
    r = run_cli("run", fw("hello"), "--config", p)
    assert r.returncode == 100 and "is not UTF-8 text (TOML): byte 0xe9 at offset 5" in r.stderr, r.stderr


def test_set_value_with_a_newline_is_refused():
    with pytest.raises(ConfigError, match="--set value must be one line"):
        config.load(overrides=["run.max_cycles=5\n[cluster]\ncores = 1"])


@pytest.mark.parametrize("port", ["-1", "70000", "http"])
def test_gdb_port_out_of_range_is_a_usage_error(fw, port):
    r = run_cli("run", fw("hello"), "--gdb", port)
    assert r.returncode == 2 and "argument --gdb:" in r.stderr and "Traceback" not in r.stderr, r.stderr


def test_tcdm_banks_beyond_the_model_are_refused():
    """Issue 13: memory.tcdm_banks = 4294967296 passed the power-of-two check and overflowed."""
    with pytest.raises(ConfigError, match="memory.tcdm_banks must be between 1 and 1024, got 4294967296"):
        config.load(overrides=["memory.tcdm_banks=4294967296"])
