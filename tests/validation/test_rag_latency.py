"""The RAG index-read latency requirement (rules/rag.py) and the validation check that decides on it."""
import pytest

pytestmark = pytest.mark.django_db

from recommender import services as core_services
from recommender.validation import calibration
from rules import rag

USE_CASE = {"workload": "rag", "gpus": 16, "gpu_model": "h100",
            "rag": {"vectors": 100_000_000, "dimensions": 768, "index": "diskann", "qps": 2000}}


def evaluated(**rag_fields):
    return core_services.use_case_evaluate({**USE_CASE, "rag": {**USE_CASE["rag"], **rag_fields}})


def test_a_diskann_query_budget_is_split_over_its_round_trips_to_the_ssd():
    # 3 ms query target (DiskANN, NeurIPS 2019) over ceil(40 I/Os ÷ beamwidth 2) = 20 round trips
    assert rag.index_read_latency_s(0.003, 40, 2) == pytest.approx(150e-6)
    assert rag.index_read_latency_s(0.003, 1, 2) == 0.003
    proposal = evaluated(ios_per_query=40)
    assert proposal["requirements"]["rag_index"]["latency_s"] == pytest.approx(150e-6)
    finding = next(f for f in proposal["findings"] if f["rule"] == "rag_index_read_latency_from_query_latency")
    assert finding["result"]["round_trips"] == 20
    assert any(s.startswith("diskann-2019") for s in finding["sources"])


def test_without_a_sourced_io_count_the_latency_requirement_is_a_named_gap():
    proposal = evaluated()
    assert "latency_s" not in proposal["requirements"]["rag_index"]
    finding = next(f for f in proposal["findings"] if f["rule"] == "rag_index_read_latency_from_query_latency")
    assert finding["result"]["index_read_latency_s"] == "unknown" and "ios_per_query" in finding["result"]["gap"]


def test_in_memory_indexes_have_no_index_read_latency_requirement():
    proposal = evaluated(index="hnsw")
    assert "latency_s" not in proposal["requirements"]["rag_index"]
    assert all(f["rule"] != "rag_index_read_latency_from_query_latency" for f in proposal["findings"])


@pytest.mark.parametrize("p99_s, passes", [(100e-6, True), (400e-6, False)])
def test_the_validation_checks_the_p99_at_the_required_rate_against_it(p99_s, passes):
    proposal = evaluated(ios_per_query=40)
    figures = {"rag_read_iops": 1e6, "rag_read_bytes_per_s": 4e9, "rag_paced_p99_s": p99_s}
    checks = {c["requirement"]: c for c in calibration.checks(proposal, figures, 1)}
    check = checks["rag_index.latency_s"]
    assert check["required"] == pytest.approx(150e-6) and check["measured"] == p99_s
    assert check["pass"] is passes
