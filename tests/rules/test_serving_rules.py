"""The serving-side experta rules through rules.evaluate(): needs, tier placements and findings."""
import pytest

import rules
from rules import explain

SERVING_RULES = [
    "kv_bytes_per_token_from_attention", "weights_set_model_load", "load_vs_recompute_break_even",
    "kv_capacity_against_hbm_headroom", "kv_offload_tier_and_bandwidth", "kv_stays_in_hbm",
    "rag_index_bytes_by_encoding_and_type", "rag_iops_from_qps", "rag_corpus_and_embedding_capacity",
    "video_stream_reads_and_retention", "results_persistence_small_writes", "video_numa_guidance",
    "detector_recogniser_cascade", "tabular_scan_rate_and_parse_cost", "tabular_dataframe_memory",
    "tabular_prefers_cpu_and_storage_over_gpu", "ingest_rate_by_mode",
]


def inference(model="llama3.1-70b", gpus=8, tensor=8, **section):
    section.setdefault("context_tokens", 8192)
    section.setdefault("concurrent_sequences", 8)
    return rules.evaluate({"workload": "llm_inference", "model": {"preset": model}, "gpus": gpus,
                           "parallelism": {"tensor": tensor}, "inference": section})


def finding(out, rule):
    return next(f for f in out["findings"] if f["rule"] == rule)


def tier(out, name):
    return next((t for t in out["tiers"] if t["tier"] == name), None)


@pytest.mark.parametrize("model, expected", [("llama3.1-8b", 131_072), ("llama3.1-70b", 327_680),
                                             ("llama3.1-405b", 516_096), ("deepseek-v3", 70_272)])
def test_it_puts_kv_bytes_per_token_in_the_contract_field(model, expected):
    out = inference(model=model, gpus=16, tensor=16 if model != "llama3.1-8b" else 1)
    assert out["requirements"]["kv_cache"]["bytes_per_token"] == expected


def test_it_keeps_small_live_kv_in_hbm_without_an_offload_tier():
    out = inference(context_tokens=8192, concurrent_sequences=8)
    assert finding(out, "kv_stays_in_hbm")
    assert out["requirements"]["kv_cache"]["fits_in_hbm"] is True
    assert all("kv_cache" not in t["needs"] for t in out["tiers"])


# (retained sessions of 2,048 tokens × 320 KiB, share across nodes, expected tier) — one DGX H100:
# 1 TB host KV budget, 30.72 TB local NVMe.
OFFLOAD = [(1000, False, "host_memory"),           # 0.67 TB
           (20_000, False, "gpu_local_nvme"),      # 13.4 TB
           (200_000, False, "shared_fast"),        # 134 TB
           (100, True, "shared_fast")]             # reused across nodes


@pytest.mark.parametrize("sessions, shared, expected", OFFLOAD)
def test_it_sends_retained_sessions_to_the_smallest_tier_that_holds_them(sessions, shared, expected):
    out = inference(context_tokens=2048, retained_sessions=sessions, share_kv_across_nodes=shared)
    kv = out["requirements"]["kv_cache"]
    assert kv["offload_tier"] == expected
    assert kv["offload_capacity_bytes"] == sessions * 2048 * 327_680
    assert "kv_cache" in tier(out, expected)["needs"]


def test_it_spills_live_kv_that_outgrows_the_hbm_pool():
    out = inference(context_tokens=131_072, concurrent_sequences=64)
    kv = out["requirements"]["kv_cache"]
    live = 64 * 131_072 * 327_680
    assert kv["capacity_bytes"] == live
    assert kv["spill_bytes"] == live - kv["hbm_pool_bytes"] > 0
    assert kv["offload_tier"] == "gpu_local_nvme"             # 1.8 TB > 1 TB host budget


def test_it_uses_cxl_memory_as_an_extension_of_host_memory():
    out = inference(context_tokens=2048, retained_sessions=2000, cxl_kv_bytes_per_node=2 * 10**12)
    assert out["requirements"]["kv_cache"]["offload_tier"] == "host_memory"
    assert "CXL" in tier(out, "host_memory")["reason"]


def test_it_sets_restore_bandwidth_from_cache_hit_tokens():
    out = inference(retained_sessions=100, cache_hit_tokens_per_s=50_000)
    assert out["requirements"]["kv_cache"]["read_bytes_per_s"] == 50_000 * 327_680


def test_it_defaults_restore_bandwidth_to_the_recompute_break_even():
    out = inference(retained_sessions=100, prefill_mfu=0.5)  # the 1.15 GB/s worked example is at 50 % MFU
    kv = out["requirements"]["kv_cache"]
    assert kv["read_bytes_per_s"] == pytest.approx(kv["per_gpu_break_even_bytes_per_s"] * 8)
    assert kv["per_gpu_break_even_bytes_per_s"] / 1e9 == pytest.approx(1.15, rel=0.02)


def test_it_places_per_node_figures_on_node_local_tiers():
    out = inference(gpus=16, tensor=8, context_tokens=2048, retained_sessions=20_000)
    total = out["requirements"]["kv_cache"]["offload_capacity_bytes"]
    assert tier(out, "gpu_local_nvme")["need_capacity_bytes"] == total // 2    # two DGX servers


def test_it_sizes_cold_start_reads_from_the_target():
    out = inference(cold_start_target_s=20)
    load = out["requirements"]["model_load"]
    assert load["read_bytes_per_s"] == pytest.approx(load["total_bytes"] / 20)
    assert load["total_bytes"] == pytest.approx(141e9, rel=0.015)


def test_it_adds_concurrent_cold_starts_of_replicas():
    one = inference(gpus=32, tensor=8, cold_start_target_s=30, concurrent_cold_starts=1)
    four = inference(gpus=32, tensor=8, cold_start_target_s=30)
    assert four["requirements"]["model_load"]["read_bytes_per_s"] == pytest.approx(
        4 * one["requirements"]["model_load"]["read_bytes_per_s"])


def rag(**section):
    section.setdefault("vectors", 100_000_000)
    section.setdefault("dimensions", 1024)
    return rules.evaluate({"workload": "rag", "rag": section})


def test_it_puts_diskann_on_local_nvme_with_iops_from_qps():
    out = rag(index="diskann", qps=1000, ios_per_query=40)
    nvme = tier(out, "gpu_local_nvme")
    assert nvme["iops"] == 40_000
    assert nvme["need_capacity_bytes"] == pytest.approx(0.8192e12, rel=1e-6)
    assert finding(out, "rag_iops_from_qps")["inputs"]["ios_per_query_is_estimate"] is False


def test_it_flags_the_diskann_io_count_as_an_estimate_when_unmeasured():
    out = rag(index="diskann", qps=10)
    assert finding(out, "rag_iops_from_qps")["inputs"]["ios_per_query_is_estimate"] is True


@pytest.mark.parametrize("encoding, memory", [("float32", 422.4e9), ("int8", 115.2e9),
                                              ("binary", 25.6e9)])
def test_it_keeps_hnsw_in_host_memory_sized_by_encoding(encoding, memory):
    out = rag(index="hnsw", encoding=encoding)
    assert tier(out, "host_memory")["need_capacity_bytes"] == memory
    assert tier(out, "gpu_local_nvme") is None


def test_it_keeps_corpus_and_embeddings_on_object_storage():
    out = rag(corpus_bytes=10**12, qps=100)
    obj = tier(out, "object")
    assert obj["capacity_bytes"] == 10**12 + 409_600_000_000
    assert obj["iops"] == 400                                   # 100 QPS × top-4 chunks


def video(**section):
    section.setdefault("streams", 1000)
    return rules.evaluate({"workload": "video_analytics", "video": section})


def test_it_sizes_video_retention_and_small_result_writes():
    out = video(retention_days=30, fps=30, objects_per_frame=2)
    assert out["requirements"]["video"]["capacity_bytes"] == 1000 * 43_200_000_000 * 30
    results = tier(out, "shared_fast")
    assert results["needs"] == ["results_persistence"]
    # per tracked object (MOT16: 229 frames per track): a row + a descriptor per track, not per frame
    assert results["iops"] == pytest.approx(2 * 1000 * 30 * 2 / 229)
    per_detection = tier(video(retention_days=30, fps=30, objects_per_frame=2, persist="per_detection"),
                         "shared_fast")
    assert per_detection["iops"] == 60_000


def test_it_gives_numa_guidance_only_on_multi_socket_servers():
    assert any(f["rule"] == "video_numa_guidance" for f in video(sockets=2)["findings"])
    assert not any(f["rule"] == "video_numa_guidance" for f in video(sockets=1)["findings"])


def tabular(**section):
    section.setdefault("dataset_bytes", 10**12)
    section.setdefault("scan_target_s", 600)
    return rules.evaluate({"workload": "tabular_ml", "tabular": section})


def test_it_charges_csv_more_parse_cpu_than_parquet():
    csv = tabular(format="csv")["requirements"]["tabular"]
    parquet = tabular(format="parquet", dataset_bytes=418_700_000_000)["requirements"]["tabular"]
    assert csv["parse_cpu_s"] > parquet["parse_cpu_s"]
    assert csv["read_bytes_per_s"] > parquet["read_bytes_per_s"]


@pytest.mark.parametrize("train_s, compute", [(None, "cpu"), (10, "cpu"), (10**6, "gpu_may_help")])
def test_it_advises_cpu_when_loading_dominates(train_s, compute):
    section = {"cores": 64} if train_s is None else {"cores": 64, "train_s": train_s}
    assert finding(tabular(**section), "tabular_prefers_cpu_and_storage_over_gpu")["result"][
        "compute"] == compute


@pytest.mark.parametrize("mode, expected_tier", [("batch", "object"), ("streaming", "shared_fast")])
def test_it_lands_batch_ingest_on_object_and_streaming_on_fast_flash(mode, expected_tier):
    out = rules.evaluate({"workload": "data_ingest",
                          "ingest": {"mode": mode, "bytes_per_day": 8.64e13, "batch_window_s": 21_600}})
    assert tier(out, expected_tier)["needs"] == ["ingest"]
    rate = out["requirements"]["ingest"]["write_bytes_per_s"]
    assert rate == pytest.approx(4e9 if mode == "batch" else 1e9)


def test_it_adds_up_train_serve_and_rag_needs_on_the_shared_tier():
    out = rules.evaluate({"workload": ["llm_training", "llm_inference", "rag"],
                          "model": {"preset": "llama3.1-70b"}, "gpus": 64, "parallelism": {"tensor": 8},
                          "inference": {"context_tokens": 8192, "concurrent_sequences": 32},
                          "rag": {"vectors": 10**8, "dimensions": 1024}})
    shared = tier(out, "shared_fast")
    assert {"model_load", "rag_index", "checkpoint"} <= set(shared["needs"])
    assert shared["capacity_bytes"] >= (out["requirements"]["model_load"]["capacity_bytes"]
                                        + out["requirements"]["checkpoint"]["total_bytes"])


@pytest.mark.parametrize("rule", SERVING_RULES)
def test_it_has_a_one_sentence_template_for_every_serving_rule(rule):
    assert rule in explain.TEMPLATES


def test_it_records_inputs_result_formula_and_sources_on_every_finding():
    docs = [inference(context_tokens=131_072, concurrent_sequences=64, retained_sessions=10),
            inference(), rag(index="diskann", qps=10), video(), tabular(train_s=5),
            rules.evaluate({"workload": "data_ingest", "ingest": {"bytes_per_day": 10**12}})]
    seen = set()
    for out in docs:
        for f in out["findings"]:
            if f["rule"] in SERVING_RULES:
                seen.add(f["rule"])
                assert f["inputs"] and f["result"] and f["formula"] and f["sources"]
                assert "?" not in f["text"] and "None" not in f["text"], f["text"]
    assert seen == set(SERVING_RULES)


def test_it_shares_the_default_server_read_rate_between_replicas_packed_on_one_server():
    out = inference(model="llama3.1-8b", gpus=8, tensor=1)          # 8 replicas on one DGX
    load = out["requirements"]["model_load"]
    assert load["read_bytes_per_s"] == 4e9                          # RA 'Good' single-node read
    assert load["load_time_s"] == pytest.approx(8 * load["total_bytes"] / 4e9)


# Published models given by their config dims (not presets): (dims, KV bytes/token, weight bytes).
EXPLICIT = [
    ({"layers": 64, "hidden_size": 5120, "attention_heads": 64, "kv_heads": 8, "head_dim": 128,
      "ffn_hidden_size": 25600, "vocab_size": 151936}, 262_144, 65.5e9),             # Qwen3-32B
    ({"layers": 80, "hidden_size": 8192, "attention_heads": 64, "kv_heads": 8,
      "ffn_hidden_size": 28672, "vocab_size": 128256}, 327_680, 141e9),              # Llama-3.1-70B
    ({"layers": 126, "hidden_size": 16384, "attention_heads": 128, "kv_heads": 8,
      "ffn_hidden_size": 53248, "vocab_size": 128256}, 516_096, 812e9),             # Llama-3.1-405B
]


@pytest.mark.parametrize("dims, kv, weights", EXPLICIT)
def test_it_sizes_models_given_by_dimensions_end_to_end(dims, kv, weights):
    out = rules.evaluate({"workload": "llm_inference", "model": dims, "gpus": 8,
                          "parallelism": {"tensor": 8},
                          "inference": {"context_tokens": 4096, "concurrent_sequences": 4}})
    assert out["requirements"]["kv_cache"]["bytes_per_token"] == kv
    assert out["requirements"]["model_load"]["total_bytes"] == pytest.approx(weights, rel=0.015)
