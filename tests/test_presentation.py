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
