"""fixtures/catalog/SOURCES.md is generated from the fixtures and stays current; component prices add up."""
import importlib.util
import json
from pathlib import Path

import pytest

from rules import bibliography

FOLDER = Path(__file__).resolve().parents[2] / "fixtures" / "catalog"
SPEC = importlib.util.spec_from_file_location("generate_sources", FOLDER / "generate_sources.py")
generator = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(generator)
BLOCKS = json.loads((FOLDER / "blocks.json").read_text())["blocks"]


def test_it_matches_what_the_generator_writes_from_the_fixtures():
    assert (FOLDER / "SOURCES.md").read_text() == generator.render(), \
        "stale: run python fixtures/catalog/generate_sources.py"


def test_it_lists_every_block_with_its_price_basis():
    text = generator.render()
    for block in BLOCKS:
        assert f"## `{block['id']}`" in text and f"| `{block['id']}` |" in text


@pytest.mark.parametrize("block", [b for b in BLOCKS if b.get("price_components")], ids=lambda b: b["id"])
def test_it_adds_the_dated_sourced_components_up_to_the_price(block):
    parts = block["price_components"]
    assert sum(p["usd"] for p in parts) == pytest.approx(block["price_usd"], abs=1)
    for part in parts:
        assert part["usd"] > 0 and part["date"] and part["basis"] in ("street_estimate", "derived", "list", "quote")
        assert bibliography.unknown([part["source"]]) == [], part["source"]
    assert block["price_basis"] == "street_estimate" and block["price_is_estimate"] is True


def test_it_prices_no_flash_system_class_as_media_only():
    systems = {"pfs_flash", "pfs_sds", "nas_flash", "disagg_flash", "object_flash"}
    assert [b["id"] for b in BLOCKS if b["kind"] in systems and b["price_basis"] == "media_lower_bound"] == []
