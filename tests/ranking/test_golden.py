"""Golden use cases (fixtures/usecases/, one per workload family) run end to end to their top proposal."""
import pytest

from recommender import services
from recommender.reports import export

from .helpers import ROOT, usecases

CASES = [{"file": name, "use_case": document, "expected": expected, "why": expected["why"]}
         for name, document, expected in usecases()]
FAMILIES = {"llm_training", "cv_training", "llm_inference", "rag", "video_analytics", "tabular_ml", "data_ingest"}
pytestmark = pytest.mark.django_db


def test_it_has_an_expectation_for_every_use_case_file():
    files = {p.stem for p in (ROOT / "fixtures" / "usecases").glob("*.json")} - {"expected"}
    assert files == {c["file"] for c in CASES}


def test_it_has_one_golden_case_per_workload_family_and_a_combined_one():
    workloads = [c["use_case"]["workload"] for c in CASES]
    assert FAMILIES <= {w for w in workloads if isinstance(w, str)}
    assert any(isinstance(w, list) and {"llm_training", "llm_inference", "rag"} <= set(w) for w in workloads)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["file"])
def test_it_ranks_the_expected_option_first_with_the_expected_unit_counts(case):
    document = services.use_case_evaluate(case["use_case"])
    top = document["proposals"][0]
    assert case["expected"]["top"] in top["coinciding_architectures"], case["why"]
    assert top["status"] == case["expected"]["top_status"], case["why"]
    assert {line["item"]: line["quantity"] for line in top["bom"]} == case["expected"]["top_units"], case["why"]
    assert top["rank"] == 1 and top["cost_usd"] > 0 and document["catalog_version"]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["file"])
def test_it_offers_distinct_options_with_power_rack_space_and_more_than_one_shared_unit(case):
    document = services.use_case_evaluate(case["use_case"])
    options = document["proposals"]
    assert len(options) >= case["expected"]["min_distinct_options"]
    for option in options:
        assert option["rack_units"] >= 0 and option["power_w"] >= 0 and "unknown_power_items" in option
        if document["use_case"]["nodes"] > 1:
            for domains in option["failure_domains"]:
                assert domains["min_units"] >= 2 or domains["block"].startswith("tape-")


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["file"])
def test_it_explains_every_proposal_with_findings(case):
    document = services.use_case_evaluate(case["use_case"])
    rules_fired = {f["rule"] for f in document["findings"]}
    assert "ranking_cost_criterion" in rules_fired and "ranking_headroom_criterion" in rules_fired
    for proposal in document["proposals"]:
        if proposal["status"] == "unmet":
            assert any(f["rule"] == "architecture_cannot_meet_requirement"
                       and f["inputs"]["architecture"] == proposal["architecture"] for f in document["findings"])


def test_it_says_why_no_architecture_meets_a_need_beyond_all_of_them():
    case = next(c for c in CASES if c["expected"]["top_status"] == "unmet")
    document = services.use_case_evaluate(case["use_case"])
    summary = [f for f in document["findings"] if f["rule"] == "ranking_no_architecture_meets_requirements"]
    assert summary and "host_memory.capacity_bytes" in summary[0]["text"]


def test_it_exports_the_bom_of_every_proposal_as_csv_and_json():
    document = services.use_case_evaluate(CASES[0]["use_case"])
    rows = export.bom_json(document)
    assert len(rows) == sum(len(p["bom"]) for p in document["proposals"])
    assert export.bom_csv(document).splitlines()[0] == ",".join(export.BOM_COLUMNS)
