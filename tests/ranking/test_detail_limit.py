"""rank() returns the options a buyer reads in full and the rest as summaries (ranking.DETAIL_LIMIT)."""
import json
import sys
from pathlib import Path

import pytest

from recommender import ranking
from recommender.catalog import selectors
from recommender.catalog.frozen import freeze

from .test_rank import H100, TRAINING_TIERS

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from bench_ranking import distinct  # noqa: E402  (the benchmark's 100× growth: every product copied)

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = selectors.catalog_fixtures()
GROWN = distinct(SHIPPED, 100)


@pytest.fixture(scope="module")
def grown():
    return ranking.rank(TRAINING_TIERS, GROWN, cluster=H100)


def test_options_past_the_limit_and_off_the_pareto_front_are_summaries_with_the_declared_keys(grown):
    summaries = [p for p in grown["proposals"] if p.get("detail") == "summary"]
    assert summaries, "a 100× catalog has more options than the limit"
    for summary in summaries:
        assert list(summary) == list(ranking.SUMMARY_KEYS) + ["detail"]
        assert summary["rank"] > ranking.DETAIL_LIMIT
        assert summary["architecture"] not in grown["pareto"]


def test_the_first_options_up_to_the_limit_and_every_pareto_member_are_in_full(grown):
    front = set(grown["pareto"])
    for proposal in grown["proposals"]:
        if proposal["rank"] <= ranking.DETAIL_LIMIT or proposal["architecture"] in front:
            assert "detail" not in proposal
            assert {"bom", "tco", "degraded", "failure_domains", "unmet", "gaps", "description"} <= set(proposal)


def test_a_summary_holds_what_the_full_record_would_say_and_the_order_is_the_same(grown):
    everything = ranking.rank(TRAINING_TIERS, GROWN, cluster=H100, detail_limit=len(grown["proposals"]))
    assert [p["architecture"] for p in everything["proposals"]] == [p["architecture"] for p in grown["proposals"]]
    assert everything["pareto"] == grown["pareto"] and everything["findings"] == grown["findings"]
    for full, got in zip(everything["proposals"], grown["proposals"]):
        if got.get("detail") == "summary":
            assert got == {**{k: full[k] for k in ranking.SUMMARY_KEYS}, "detail": "summary"}
        else:
            assert got == full


def test_a_frozen_snapshot_summarises_the_same_options():
    plain = ranking.rank(TRAINING_TIERS, GROWN, cluster=H100)
    assert ranking.rank(TRAINING_TIERS, freeze(GROWN), cluster=H100) == plain


def test_the_shipped_catalog_gives_no_summaries_for_any_fixture_use_case_and_priority():
    import rules

    documents = [json.loads(p.read_text()) for p in sorted((ROOT / "fixtures" / "usecases").glob("*.json"))]
    deployments = sorted((ROOT / "fixtures" / "deployments").glob("*.json"))
    documents += [json.loads(p.read_text())["use_case"] for p in deployments]
    most = 0
    for document in documents:
        try:
            result = rules.evaluate(document)
        except rules.UseCaseError:
            continue
        for priority in ranking.PRIORITIES:
            ranked = ranking.rank(result["tiers"], SHIPPED, priority=priority, cluster=result["use_case"])
            proposals = ranked["proposals"]
            assert not any("detail" in p for p in proposals)
            most = max(most, len(proposals))
    assert most < ranking.DETAIL_LIMIT


def test_the_limit_covers_every_option_a_finding_is_written_about():
    assert ranking.DETAIL_LIMIT >= ranking.EXPLAINED_OPTIONS


def test_a_sweep_point_reads_only_what_a_summary_holds():
    document = json.loads((ROOT / "fixtures" / "usecases" / "llm_training.json").read_text())
    counts = [64, 1024]
    swept = ranking.sweep(document, distinct(SHIPPED, 3), gpu_counts=counts)
    assert [p["gpus"] for p in swept["points"]] == counts
    assert set(swept["breaks"]) == {a["id"] for a in distinct(SHIPPED, 3)["architectures"]}
