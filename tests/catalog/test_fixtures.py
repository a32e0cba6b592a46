"""The shipped catalog: every block valid and sourced, every architecture complete and consistent."""
import json
from pathlib import Path

import pytest

from recommender.catalog import validation

FOLDER = Path(__file__).resolve().parents[2] / "fixtures" / "catalog"
BLOCKS = json.loads((FOLDER / "blocks.json").read_text())["blocks"]
ARCHITECTURES = json.loads((FOLDER / "architectures.json").read_text())["architectures"]
BY_ID = {b["id"]: b for b in BLOCKS}


def test_it_passes_the_same_checks_as_a_csv_import():
    checked = validation.catalog_check({"blocks": BLOCKS, "architectures": ARCHITECTURES})
    assert len(checked["blocks"]) == len(BLOCKS)


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: b["id"])
def test_it_names_sources_and_a_price_basis_for_every_block(block):
    assert block["sources"] and all(len(s) > 10 for s in block["sources"])
    assert block["price_basis"]
    assert block["derating_basis"] and block["usable_basis"]
    if block["price_usd"] is None:
        assert block["price_basis"].startswith("gap")


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: b["id"])
def test_it_marks_planning_assumptions_and_derived_figures(block):
    if block["usable_fraction"] < 1 and "erasure coding" not in block["usable_basis"]:
        assert "planning assumption" in block["usable_basis"]
    if "lower bound" in block["price_basis"]:
        assert block["price_is_estimate"] is True


def test_it_limits_das_to_the_slots_of_a_dgx():
    # NVIDIA DGX B200 User Guide / BasePOD RA: 8 U.2 data drives per node
    assert {b["max_units_per_node"] for b in BLOCKS if b["kind"].startswith("das_")} == {8}


@pytest.mark.parametrize("architecture", ARCHITECTURES, ids=lambda a: a["id"])
def test_it_maps_every_tier_of_every_architecture_to_a_block(architecture):
    assert set(architecture["tiers"]) == set(validation.TIERS)
    assert validation.architecture_errors(architecture, BY_ID) == []


def test_it_covers_the_architectures_the_issue_names():
    kinds = {a["id"]: {BY_ID[b]["kind"] for b in a["tiers"].values()} for a in ARCHITECTURES}
    assert {"das_nvme_tlc", "pfs_flash", "object_flash"} <= kinds["nvme-pfs-object"]
    assert {"nas_flash", "object_flash"} <= kinds["nas-object"]
    assert kinds["pfs-only"] == {"pfs_flash", "host_dram"}
    assert {"object_flash", "das_nvme_tlc"} <= kinds["object-cache"]
    assert {"cxl_memory", "das_nvme_tlc"} <= kinds["tiered-cxl-nvme-pfs"]


# block change, expected message
ARCHITECTURE_ERRORS = [
    ({"shared_fast": "das-nvme-tlc-6400gb"}, "tiers.shared_fast: per-node block 'das-nvme-tlc-6400gb' can only hold"),
    ({"object": "net-port-400g"}, "tiers.object: a network port cannot hold a tier"),
    ({"archive": "missing"}, "tiers.archive: must name a block in the catalog"),
    ({"scratch": "pfs-flash-5u"}, "tiers.scratch: unknown tier"),
]


@pytest.mark.parametrize("change, message", ARCHITECTURE_ERRORS)
def test_it_rejects_an_architecture_that_does_not_fit_its_tiers(change, message):
    architecture = dict(ARCHITECTURES[0], tiers={**ARCHITECTURES[0]["tiers"], **change})
    assert any(e.startswith(message) for e in validation.architecture_errors(architecture, BY_ID))
