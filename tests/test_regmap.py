"""The register map is written once; generated headers and docs must be up to date."""
from iss import regmap


def test_generated_files_are_fresh():
    assert regmap.stale_files() == [], "run: python -m iss.regmap --write"


def test_header_and_docs_agree_on_every_register():
    header = (regmap.ROOT / "runtime" / "include" / "iss_archi.h").read_text()
    docs = (regmap.ROOT / "docs" / "memory-map.md").read_text()
    for block in regmap.BLOCKS:
        assert f"#define ISS_{block.name}_BASE 0x{block.base:08X}u" in header
        assert f"`0x{block.base:08X}`" in docs
        for reg in block.regs:
            assert f"#define ISS_{block.name}_{reg.name} 0x{reg.offset:02X}u" in header
            assert f"| {reg.name} | `0x{reg.offset:02X}` |" in docs
