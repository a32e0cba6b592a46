"""Field-level errors for the inference, rag, video, tabular and ingest sections (never a traceback)."""
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import rules
from rules import fields_serving

BASE = {
    "llm_inference": {"workload": "llm_inference", "model": {"preset": "llama3.1-8b"},
                      "inference": {"context_tokens": 8192, "concurrent_sequences": 8}},
    "rag": {"workload": "rag", "rag": {"vectors": 1_000_000, "dimensions": 768}},
    "video_analytics": {"workload": "video_analytics", "video": {"streams": 10}},
    "tabular_ml": {"workload": "tabular_ml", "tabular": {"dataset_bytes": 10**10, "scan_target_s": 60}},
    "data_ingest": {"workload": "data_ingest", "ingest": {"bytes_per_day": 10**12}},
}
SECTION = {"llm_inference": "inference", "rag": "rag", "video_analytics": "video",
           "tabular_ml": "tabular", "data_ingest": "ingest"}

# (workload, field, bad value, path, message fragment)
BAD = [
    ("llm_inference", "context_tokens", 0, "inference.context_tokens", "greater than 0"),
    ("llm_inference", "context_tokens", -5, "inference.context_tokens", "greater than 0"),
    ("llm_inference", "context_tokens", 10**12, "inference.context_tokens", "at most"),
    ("llm_inference", "context_tokens", 1.5, "inference.context_tokens", "whole number"),
    ("llm_inference", "context_tokens", "lots", "inference.context_tokens", "must be a number"),
    ("llm_inference", "concurrent_sequences", 0, "inference.concurrent_sequences", "greater than 0"),
    ("llm_inference", "kv_dtype", "fp7", "inference.kv_dtype", "one of"),
    ("llm_inference", "weight_dtype", "fp64", "inference.weight_dtype", "one of"),
    ("llm_inference", "tensor_parallel", 0, "inference.tensor_parallel", "greater than 0"),
    ("llm_inference", "retained_sessions", -1, "inference.retained_sessions", "at least 0"),
    ("llm_inference", "prefill_mfu", 1.5, "inference.prefill_mfu", "at most 1"),
    ("llm_inference", "prefix_dedup_factor", 0.5, "inference.prefix_dedup_factor", "at least 1"),
    ("llm_inference", "share_kv_across_nodes", "yes", "inference.share_kv_across_nodes", "true or false"),
    ("llm_inference", "cold_start_target_s", float("inf"), "inference.cold_start_target_s", "finite"),
    ("llm_inference", "context_token", 5, "inference.context_token", "not a known field"),
    ("rag", "dimensions", 0, "rag.dimensions", "greater than 0"),
    ("rag", "dimensions", 10**6, "rag.dimensions", "at most"),
    ("rag", "vectors", -1, "rag.vectors", "greater than 0"),
    ("rag", "vectors", 10**20, "rag.vectors", "at most"),
    ("rag", "encoding", "float8", "rag.encoding", "one of"),
    ("rag", "index", "annoy", "rag.index", "one of"),
    ("rag", "qps", -3, "rag.qps", "at least 0"),
    ("rag", "hnsw_m", 0, "rag.hnsw_m", "greater than 0"),
    ("video_analytics", "streams", 0, "video.streams", "greater than 0"),
    ("video_analytics", "bitrate_bits_per_s", -4e6, "video.bitrate_bits_per_s", "greater than 0"),
    ("video_analytics", "bitrate_bits_per_s", 1e15, "video.bitrate_bits_per_s", "at most"),
    ("video_analytics", "retention_days", -1, "video.retention_days", "at least 0"),
    ("video_analytics", "source", "tape", "video.source", "one of"),
    ("tabular_ml", "dataset_bytes", 0, "tabular.dataset_bytes", "greater than 0"),
    ("tabular_ml", "dataset_bytes", 1e21, "tabular.dataset_bytes", "at most"),
    ("tabular_ml", "format", "xlsx", "tabular.format", "one of"),
    ("tabular_ml", "scan_target_s", -60, "tabular.scan_target_s", "greater than 0"),
    ("data_ingest", "bytes_per_day", -1, "ingest.bytes_per_day", "greater than 0"),
    ("data_ingest", "bytes_per_day", 1e20, "ingest.bytes_per_day", "at most"),
    ("data_ingest", "mode", "trickle", "ingest.mode", "one of"),
    ("data_ingest", "source", "tape", "ingest.source", "one of"),
    ("data_ingest", "batch_window_s", 0, "ingest.batch_window_s", "greater than 0"),
]


def document(workload, field=None, value=None):
    doc = {k: (dict(v) if isinstance(v, dict) else v) for k, v in BASE[workload].items()}
    if field is not None:
        doc[SECTION[workload]][field] = value
    return doc


@pytest.mark.parametrize("workload, field, value, path, message", BAD)
def test_it_rejects_bad_values_with_a_field_error(workload, field, value, path, message):
    with pytest.raises(rules.UseCaseError) as caught:
        rules.evaluate(document(workload, field, value))
    assert path in caught.value.errors
    assert any(message in m for m in caught.value.errors[path])


# (workload, field to remove, path that must be reported)
REQUIRED = [
    ("llm_inference", "context_tokens", "inference.context_tokens"),
    ("llm_inference", "concurrent_sequences", "inference.concurrent_sequences"),
    ("rag", "dimensions", "rag.dimensions"),
    ("rag", "vectors", "rag.vectors"),
    ("video_analytics", "streams", "video.streams"),
    ("tabular_ml", "scan_target_s", "tabular.scan_target_s"),
    ("tabular_ml", "dataset_bytes", "tabular.dataset_bytes"),
    ("data_ingest", "bytes_per_day", "ingest.bytes_per_day"),
]


@pytest.mark.parametrize("workload, field, path", REQUIRED)
def test_it_reports_missing_required_fields(workload, field, path):
    doc = document(workload)
    del doc[SECTION[workload]][field]
    with pytest.raises(rules.UseCaseError) as caught:
        rules.evaluate(doc)
    assert any("required" in m for m in caught.value.errors[path])


def test_it_reports_every_bad_field_at_once():
    doc = document("llm_inference")
    doc["inference"].update(context_tokens=0, kv_dtype="fp7")
    with pytest.raises(rules.UseCaseError) as caught:
        rules.evaluate(doc)
    assert {"inference.context_tokens", "inference.kv_dtype"} <= set(caught.value.errors)


def test_it_rejects_a_section_that_is_not_an_object():
    doc = document("rag")
    doc["rag"] = [1, 2]
    with pytest.raises(rules.UseCaseError) as caught:
        rules.evaluate(doc)
    assert "rag" in caught.value.errors


def test_it_rejects_inference_on_a_model_known_only_by_its_parameter_count():
    doc = document("llm_inference")
    doc["model"] = {"parameters": 7_000_000_000}
    with pytest.raises(rules.UseCaseError) as caught:
        rules.evaluate(doc)
    assert any("attention dimensions" in m for m in caught.value.errors["model"])


def test_it_rejects_both_ingest_rate_forms_together():
    doc = document("data_ingest")
    doc["ingest"]["bytes_per_s"] = 10**6
    with pytest.raises(rules.UseCaseError) as caught:
        rules.evaluate(doc)
    assert "ingest.bytes_per_s" in caught.value.errors


@pytest.mark.parametrize("workload", sorted(BASE))
def test_it_accepts_the_minimal_section_and_fills_defaults(workload):
    out = rules.evaluate(document(workload))
    assert out["use_case"][SECTION[workload]]


def test_it_derives_vectors_from_the_corpus_when_not_given():
    doc = document("rag")
    del doc["rag"]["vectors"]
    doc["rag"]["corpus_bytes"] = 4 * 10**9
    assert rules.evaluate(doc)["use_case"]["rag"]["vectors"] == 1_000_000     # 4,000-byte chunks


def test_it_takes_tabular_size_and_ingest_mode_from_the_data_block():
    doc = {"workload": ["tabular_ml", "data_ingest"],
           "data": {"format": "parquet", "total_bytes": 5 * 10**11, "mode": "streaming",
                    "ingest_bytes_per_s": 10**8},
           "tabular": {"scan_target_s": 300}}
    uc = rules.evaluate(doc)["use_case"]
    assert (uc["tabular"]["format"], uc["tabular"]["dataset_bytes"]) == ("parquet", 5 * 10**11)
    assert (uc["ingest"]["mode"], uc["ingest"]["bytes_per_day"]) == ("streaming", 10**8 * 86_400)


def test_it_keeps_fp8_ds_mla_to_mla_models():
    with pytest.raises(rules.UseCaseError) as caught:
        rules.evaluate(document("llm_inference", "kv_dtype", "fp8_ds_mla"))
    assert "inference.kv_dtype" in caught.value.errors
    doc = document("llm_inference", "kv_dtype", "fp8_ds_mla")
    doc["model"] = {"preset": "deepseek-v3"}
    assert rules.evaluate(doc)["requirements"]["kv_cache"]["bytes_per_token"] == 40_016


# Every numeric field of every serving section, with the workload that makes it count.
NUMERIC_FIELDS = [(w, f) for w, fs_ in {
    "llm_inference": ["context_tokens", "concurrent_sequences", "replicas", "tensor_parallel",
                      "cold_start_target_s", "concurrent_cold_starts", "model_versions",
                      "retained_sessions", "cache_hit_tokens_per_s", "host_kv_bytes_per_node",
                      "local_nvme_kv_bytes_per_node", "cxl_kv_bytes_per_node", "prefill_mfu"],
    "rag": ["vectors", "dimensions", "hnsw_m", "pq_bytes", "ivf_nlist", "qps", "ios_per_query",
            "top_k", "chunk_bytes", "corpus_bytes", "replicas"],
    "video_analytics": ["streams", "bitrate_bits_per_s", "fps", "retention_days", "objects_per_frame",
                        "result_bytes", "sockets"],
    "tabular_ml": ["dataset_bytes", "scan_target_s", "cores", "train_s", "scans_per_day"],
    "data_ingest": ["bytes_per_day", "batch_window_s", "peak_to_average", "landing_days"],
}.items() for f in fs_]


TOKEN_COUNT_FIELDS = {"context_tokens"}


@given(field=st.sampled_from(NUMERIC_FIELDS),
       value=st.one_of(st.floats(max_value=-1e-9, allow_nan=False, allow_infinity=False),
                       st.floats(min_value=1e21, allow_infinity=False), st.just(float("nan")),
                       st.booleans(), st.text(max_size=3)))
@settings(max_examples=150, deadline=None)
def test_it_answers_any_negative_absurd_or_non_numeric_value_with_a_field_error(field, value):
    workload, name = field
    # a token count also takes text such as "128k" (or "1"): only text that is no token count is bad input
    assume(not (name in TOKEN_COUNT_FIELDS and isinstance(value, str)
                and fields_serving.parse_token_count(value, fields_serving.CONTEXT_SUFFIXES) is not None))
    with pytest.raises(rules.UseCaseError) as caught:
        rules.evaluate(document(workload, name, value))
    assert f"{SECTION[workload]}.{name}" in caught.value.errors
