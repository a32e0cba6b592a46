"""recommender/presentation.py: the words pages and PDF print for fields, headroom and workloads."""
import json
from pathlib import Path

import pytest

import rules
from recommender import presentation

USE_CASES = Path(__file__).resolve().parents[1] / "fixtures" / "usecases"


@pytest.mark.parametrize("name, label", [
    ("write_bytes_per_s", "Write bandwidth (B/s)"),
    ("total_bytes", "Total size (bytes)"),
    ("interval_s", "Checkpoint interval (time)"),
    ("per_gpu_break_even_bytes_per_s", "Per GPU break even bandwidth (B/s)"),
    ("files", "Files per checkpoint"),
    ("iops", "I/O operations"),
    ("waste_fraction", "Run time lost (%)"),
])
def test_it_labels_fields_with_words_and_units(name, label):
    assert presentation.field_label(name) == label


@pytest.mark.parametrize("key, label", [
    ("shared_fast.write_bytes_per_s", "Shared fast tier: write bandwidth (B/s)"),
    ("gpu_local_nvme.capacity_bytes", "GPU-local NVMe (DAS): capacity (bytes)"),
    ("network.read_bytes_per_s", "Network: read bandwidth (B/s)"),
])
def test_it_reads_headroom_keys_as_words(key, label):
    assert presentation.headroom_label(key) == label


@pytest.mark.parametrize("fixture, expected", [
    ("llm_inference", ["LLM inference · Llama 3.1 70B · context 131,072 · 64 sequences"]),
    ("video_analytics", ["Video analytics · 2,000 streams · live · 30 days kept"]),
    ("tabular_ml", ["Tabular ML · parquet · 20 TB of data"]),
    ("train_serve_rag", ["LLM training · Llama 3.1 70B · bf16 · adamw · TP8 × PP2 × DP32",
                         "LLM inference · Llama 3.1 70B", "RAG · 1 G vectors · 768 dimensions · diskann"]),
])
def test_it_gives_each_workload_its_own_summary_line(fixture, expected):
    use_case = rules.evaluate(json.loads((USE_CASES / f"{fixture}.json").read_text()))["use_case"]
    lines = presentation.workload_lines(use_case)
    assert len(lines) == len(expected)
    for line, start in zip(lines, expected):
        assert line.startswith(start), line
    assert not any("adam" in line for line in lines if not line.startswith("LLM training"))


DEPLOYMENTS = Path(__file__).resolve().parents[1] / "fixtures" / "deployments"


def _keys(value):
    if isinstance(value, dict):
        return {k for k, v in value.items()} | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def _use_case(path):
    document = json.loads(path.read_text())
    return document.get("use_case", document)


@pytest.mark.parametrize("path", sorted(USE_CASES.glob("*.json")) + sorted(DEPLOYMENTS.glob("*.json")),
                         ids=lambda p: p.stem)
def test_it_has_a_human_label_for_every_requirement_and_tier_key(path):
    result = rules.evaluate(_use_case(path))
    keys = _keys(result["requirements"]) - set(result["requirements"]) | _keys(result["tiers"])
    assert not sorted(keys - set(presentation.LABELS)), "add these to presentation.LABELS"


@pytest.mark.parametrize("value, rows", [
    ([377384448, 348655104], [("", "377.4 MB, 348.7 MB")]),
    ([{"write_bytes_per_s": 8.46e10, "cost_usd_per_day": 277286.3}],
     [("1", "write bandwidth (B/s) 84.6 GB/s · expected total cost (USD per day) $277,286/day")]),
])
def test_it_shows_lists_compactly(value, rows):
    assert presentation.other_values(value, "per_stage_bytes") == rows
