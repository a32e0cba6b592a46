"""A plan per workload family: each use case measures its own patterns and is checked only against
its own requirements; extrapolated aggregates are flagged and capped."""
import json
from pathlib import Path

import pytest

from recommender.validation import calibration, workloads

GiB = 1 << 30
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "usecases"

INFERENCE = {"use_case": {"workload": "llm_inference", "gpus": 64, "checkpoint": {"interval_s": 1}},
             "requirements": {"model_load": {"total_bytes": 141_107_412_992, "read_bytes_per_s": 32e9,
                                             "load_time_s": 70.5, "bytes_per_node": 141_107_412_992},
                              "kv_cache": {"bytes_per_token": 327_680, "read_bytes_per_s": 7.3e10,
                                           "latency_s": 0.002}},
             "tiers": [{"tier": "shared_fast", "nodes": 8}]}
RAG = {"use_case": {"workload": "rag", "gpus": 16},
       "requirements": {"rag_index": {"iops": 250_000, "qps": 5000, "index": "diskann",
                                      "read_bytes_per_s": 1.024e9}},
       "tiers": [{"tier": "gpu_local_nvme", "nodes": 2}]}
VIDEO = {"use_case": {"workload": "video_analytics"},
         "requirements": {"video": {"read_bytes_per_s": 1e9, "write_bytes_per_s": 1e9},
                          "results_persistence": {"iops": 60_000, "io_bytes": 8192}},
         "tiers": [{"tier": "shared_fast", "nodes": 4}]}

PROBES = {
    "inference": (INFERENCE, ["model_load", "kv_block_reads"]),
    "rag": (RAG, ["rag_index_reads"]),
    "video": (VIDEO, ["video_streams", "small_synced_writes"]),
}


@pytest.mark.parametrize("family", sorted(PROBES))
def test_it_plans_only_the_probes_of_the_use_cases_requirements(family):
    proposal, probes = PROBES[family]
    plan = workloads.plan(proposal, 60, 4 * GiB, fio=True)
    assert [s["probe"] for s in plan] == probes
    assert sum(s["deadline_s"] + s["fio_runtime_s"] for s in plan) == pytest.approx(60)
    assert all(s["repeats"] >= 3 for s in plan)


def test_a_combined_use_case_runs_each_familys_probes_within_the_budget():
    combined = {"use_case": {"gpus": 64}, "requirements": {**INFERENCE["requirements"], **RAG["requirements"],
                                                           "checkpoint": {"files": 8, "total_bytes": 8 * GiB}}}
    plan = workloads.plan(combined, 30, 4 * GiB)
    assert [s["probe"] for s in plan] == ["checkpoint_write", "model_load", "kv_block_reads", "rag_index_reads"]
    assert sum(s["deadline_s"] for s in plan) == pytest.approx(30)


def test_it_reads_model_shards_in_parallel_at_the_load_block_size():
    step = workloads.plan(INFERENCE, 60, 4 * GiB)[0]
    assert step["readers"] == 16  # 29 shards of 5 GB, read by 16 streamer threads (Run:ai default)
    assert step["block_bytes"] == 2 << 20 and step["file_bytes"] % step["block_bytes"] == 0


@pytest.mark.parametrize("index, pattern, page", [
    ("diskann", "random", 4096), ("ivf_pq", "random_lists", 65536), ("hnsw", "sequential", 1 << 20)])
def test_it_reads_the_index_in_the_pattern_of_its_type(index, pattern, page):
    rag = {"requirements": {"rag_index": {**RAG["requirements"]["rag_index"], "index": index}},
           "tiers": RAG["tiers"]}
    step = workloads.plan(rag, 60, 4 * GiB)[0]
    assert (step["pattern"], step["page_bytes"]) == (pattern, page)
    if pattern != "sequential":
        assert step["rate_iops"] == 125_000  # 250k IOPS over 2 planned clients
        assert step["queue_depth"] == 32


FIGURES = {"model_load_bytes_per_s": 2e9, "kv_read_bytes_per_s": 1e9, "kv_read_p99_s": 0.001,
           "kv_read_p50_s": 0.0005, "checkpoint_write_bytes_per_s": 1e9, "sample_read_bytes_per_s": 1e9,
           "accelerators_supported": 4, "rag_read_iops": 50_000, "rag_paced_p99_s": 0.001,
           "video_read_bytes_per_s": 1e9, "video_write_bytes_per_s": 1e9, "small_write_iops": 5000}


@pytest.mark.parametrize("family", sorted(PROBES))
def test_no_check_references_an_absent_requirement(family):
    proposal, _ = PROBES[family]
    rows = calibration.checks(proposal, FIGURES, calibration.planned_clients(proposal))
    have = set(proposal["requirements"])
    assert rows and all(r["requirement"].split(".")[0] in have for r in rows)
    assert not any(r["requirement"].startswith(("training_data", "checkpoint")) for r in rows)


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.json")))
def test_the_sample_use_cases_get_checks_only_for_their_own_requirements(db, name):
    from recommender import services as core_services

    proposal = core_services.use_case_evaluate(json.loads((FIXTURES / name).read_text()))
    figures = {k: 1.0 for k in calibration.COMBINE}
    rows = calibration.checks(proposal, figures, calibration.planned_clients(proposal))
    assert {r["requirement"].split(".")[0] for r in rows} <= set(proposal["requirements"])
    probes = {s["family"] for s in workloads.plan(proposal, 60, 4 * GiB)}
    assert probes == set(workloads.families(proposal))


def test_it_flags_and_caps_an_extrapolated_aggregate():
    ceiling = {"checkpoint_write_bytes_per_s": {"value": 100e9, "basis": "pfs: 100 GB/s × 1 unit"}}
    row = calibration.checks({"requirements": {"checkpoint": {"write_bytes_per_s": 500e9}}},
                             {"checkpoint_write_bytes_per_s": 1.88e9}, 2048, 1, ceiling)[0]
    assert row["basis"] == "extrapolated" and row["flag"] == "1 client measured × 2,048 planned: extrapolated"
    assert row["measured"] == 100e9 and row["capped_by"] == "pfs: 100 GB/s × 1 unit"  # not 3.85 TB/s
    assert row["pass"] is False and row["per_client"] == 1.88e9
    assert row["clients_for_measured"] == 2048 and row["clients_needed"] == 266


def test_it_calls_a_figure_measured_when_every_planned_client_ran():
    row = calibration.checks({"requirements": {"checkpoint": {"write_bytes_per_s": 3e9}}},
                             {"checkpoint_write_bytes_per_s": 2e9}, 2, 2)[0]
    assert (row["basis"], row["measured"], row["capped_by"]) == ("measured", 4e9, None)
    assert "clients_needed" not in row


def test_latency_is_a_per_client_figure_never_extrapolated():
    row = calibration.checks(INFERENCE, FIGURES, 8)
    kv = next(r for r in row if r["requirement"] == "kv_cache.latency_s")
    assert kv["measured"] == 0.001 and kv["basis"] == "measured" and kv["pass"] is True
    assert kv["flag"] == "1 client measured: per-client figure"


def test_it_takes_the_ceiling_from_the_blocks_quantity_in_the_proposal():
    blocks = [{"id": "pfs-x", "read_bytes_per_s": 40e9, "write_bytes_per_s": 20e9, "per_node": False}]
    proposals = [{"bom": [{"item": "pfs-x", "quantity": 3}]}]
    got = calibration.ceilings_for("pfs-x", 100, blocks, proposals)
    assert got["checkpoint_write_bytes_per_s"]["value"] == 60e9
    assert got["model_load_bytes_per_s"]["value"] == 120e9
    assert calibration.ceilings_for("pfs-x", 100, blocks, []) == {}  # no quantity known: no cap


def test_every_plan_source_is_a_bibliography_key():
    from rules import bibliography

    combined = {"requirements": {f: {} for f in workloads.FAMILIES}, "use_case": {"gpus": 8}}
    for kind in ("fs", "s3"):
        plan = workloads.plan(combined, 60, 4 * GiB, kind=kind)
        sources = [src for s in plan for src in s["sources"]]
        assert sources and bibliography.unknown(sources) == []
