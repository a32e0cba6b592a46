"""The shipped catalog: every block valid and sourced, every architecture complete and consistent."""
import json
from pathlib import Path

import pytest

from recommender.catalog import validation
from rules import bibliography

FOLDER = Path(__file__).resolve().parents[2] / "fixtures" / "catalog"
BLOCKS = json.loads((FOLDER / "blocks.json").read_text())["blocks"]
ARCHITECTURES = json.loads((FOLDER / "architectures.json").read_text())["architectures"]
BY_ID = {b["id"]: b for b in BLOCKS}


def test_it_passes_the_same_checks_as_a_csv_import():
    checked = validation.catalog_check({"blocks": BLOCKS, "architectures": ARCHITECTURES})
    assert len(checked["blocks"]) == len(BLOCKS)


FIGURES = ("capacity_bytes", "read_bytes_per_s", "write_bytes_per_s", "iops", "metadata_ops_per_s", "latency_s",
           "rack_units", "power_w", "switch_ports")


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: b["id"])
def test_it_gives_every_figure_a_basis_and_a_bibliography_key_or_leaves_it_a_gap(block):
    for figure in FIGURES:
        if block.get(figure) in (None, 0) and figure != "rack_units":
            continue  # a gap (null) is reported as unknown by the ranking
        if block.get(figure) is None:
            continue
        entry = block["figure_sources"].get(figure)
        assert entry, f"{block['id']}.{figure} has a value but no source"
        assert entry["basis"] in validation.FIGURE_BASES
        assert bibliography.unknown([entry["source"]]) == [], entry["source"]
    assert bibliography.unknown(block["sources"]) == []


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: b["id"])
def test_it_prices_with_a_basis_year_and_source_or_says_price_unknown(block):
    assert block["price_basis"] in validation.PRICE_BASES
    if block["price_basis"] == "unknown":
        assert block["price_usd"] is None
        return
    assert block["price_usd"] > 0 and block["price_year"] and block["price_date"]
    assert bibliography.unknown([block["price_source"].split(";")[0]]) == [], block["price_source"]
    assert block["price_is_estimate"] is (block["price_basis"] not in ("list", "quote"))


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: b["id"])
def test_it_marks_planning_assumptions_and_derived_figures(block):
    if block["usable_fraction"] < 1 and "erasure coding" not in block["usable_basis"]:
        assert "planning assumption" in block["usable_basis"]


@pytest.mark.parametrize("block", [b for b in BLOCKS if not b["per_node"] and b["kind"] not in validation.NON_STORAGE_KINDS],
                         ids=lambda b: b["id"])
def test_it_gives_every_shared_unit_a_minimum_count_with_its_basis(block):
    assert block["min_units"] and block["min_units_basis"]
    if block["kind"] != "tape_archive":
        assert block["min_units"] >= 2


def test_it_limits_das_to_the_slots_of_a_dgx():
    # NVIDIA DGX B200 User Guide / BasePOD RA: 8 U.2 data drives per node
    assert {b["max_units_per_node"] for b in BLOCKS if b["kind"].startswith("das_")} == {8}


@pytest.mark.parametrize("architecture", ARCHITECTURES, ids=lambda a: a["id"])
def test_it_maps_every_tier_of_every_architecture_to_a_block(architecture):
    assert set(architecture["tiers"]) == set(validation.TIERS)
    assert validation.architecture_errors(architecture, BY_ID) == []


def test_it_covers_the_product_classes_the_issue_names():
    kinds = {b["kind"] for b in BLOCKS}
    assert set(validation.KINDS) <= kinds
    families = {}
    for block in BLOCKS:
        families.setdefault((block["kind"], block["family"]), []).append(block)
    assert len(families[("das_nvme_tlc", "das-tlc-gen5")]) >= 3 and len(families[("das_nvme_qlc", "das-qlc-gen4")]) >= 2
    pfs = [b for b in BLOCKS if b["kind"] == "pfs_flash"]
    assert {b["rack_units"] for b in pfs} >= {2, 5}  # a ~2U high-bandwidth appliance and capacity variants


def test_it_names_a_reference_product_for_every_class():
    assert all(b["reference_product"] and b["label"] for b in BLOCKS)


def test_it_has_a_measured_mlperf_figure_for_the_2u_appliance():
    appliance = BY_ID["pfs-appliance-2u"]
    assert appliance["figure_sources"]["read_bytes_per_s"]["basis"] == "measured"
    assert appliance["accelerators_supported"] == 36 and appliance["rack_units"] == 2


def test_it_sources_the_fabric_table_and_names_real_gpu_presets():
    fabric = json.loads((FOLDER / "fabric.json").read_text())
    presets = json.loads((FOLDER.parent / "presets" / "gpus.json").read_text())
    assert set(fabric["servers"]) <= set(presets) and fabric["switch_block"] in BY_ID
    for server in fabric["servers"].values():
        assert server["storage_bytes_per_s"] <= server["storage_ports"] * server["port_bytes_per_s"]
        assert bibliography.unknown(server["sources"]) == []
    assert bibliography.unknown(fabric["switch_breakout"]["sources"]) == []


@pytest.mark.parametrize("architecture", ARCHITECTURES, ids=lambda a: a["id"])
def test_it_cites_bibliography_keys_for_every_architecture(architecture):
    assert architecture["sources"] and bibliography.unknown(architecture["sources"]) == []


# block change, expected message
ARCHITECTURE_ERRORS = [
    ({"shared_fast": "das-nvme-tlc-6400gb"}, "tiers.shared_fast: per-node block 'das-nvme-tlc-6400gb' can only hold"),
    ({"object": "net-port-400g"}, "tiers.object: a network port cannot hold a tier"),
    ({"object": "switch-51t-2u"}, "tiers.object: a switch cannot hold a tier"),
    ({"archive": "missing"}, "tiers.archive: must name a block in the catalog"),
    ({"scratch": "pfs-flash-5u"}, "tiers.scratch: unknown tier"),
]


@pytest.mark.parametrize("change, message", ARCHITECTURE_ERRORS)
def test_it_rejects_an_architecture_that_does_not_fit_its_tiers(change, message):
    architecture = dict(ARCHITECTURES[0], tiers={**ARCHITECTURES[0]["tiers"], **change})
    assert any(e.startswith(message) for e in validation.architecture_errors(architecture, BY_ID))
