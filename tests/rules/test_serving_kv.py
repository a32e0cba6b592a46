"""KV cache and weights: published per-token and size figures reproduced by the general model."""
import math

import pytest

from rules import formulas_serving as fs
from rules import presets
from rules.inference import parameters

GiB, GB = 2**30, 10**9


def dims(layers, hidden, heads, kv_heads, head_dim, ffn, vocab):
    return {"layers": layers, "hidden_size": hidden, "attention_heads": heads, "kv_heads": kv_heads,
            "head_dim": head_dim, "ffn_hidden_size": ffn, "vocab_size": vocab}


# Models not in fixtures/presets are given by their published configs (research §1.4 sources).
QWEN3_32B = dims(64, 5120, 64, 8, 128, 25600, 151936)
QWEN3_235B = dict(dims(94, 4096, 64, 4, 128, 1536, 151936), head_dim=128)
QWEN3_8B_CLASS = dims(36, 4096, 32, 8, 128, 12288, 151936)   # Mooncake vLLM doc: 4.50 GB for 32K


def model(name):
    return presets.model(name) if isinstance(name, str) else name


# (model, kv dtype, KV bytes per token) — research/inference-rag-dgx.md §1.4 table, BRIEF numbers.
KV_PER_TOKEN = [
    ("llama3.1-8b", "bf16", 131_072),
    ("llama3.1-70b", "bf16", 327_680),
    ("llama3.1-405b", "bf16", 516_096),
    ("mixtral-8x7b", "bf16", 131_072),
    ("qwen2.5-72b", "bf16", 327_680),
    ("deepseek-v3", "bf16", 70_272),
    ("deepseek-v3", "fp8_ds_mla", 40_016),
    ("deepseek-v3", "fp8", 35_136),
    ("llama3.1-70b", "fp8", 163_840),
    ("llama3.1-8b", "fp32", 262_144),
    (QWEN3_32B, "bf16", 262_144),
    (QWEN3_235B, "bf16", 192_512),
    (QWEN3_8B_CLASS, "bf16", 147_456),
    # DeepSeek-V3 dims without the latent (plain MHA, K 128+64, V 128): research §1.4, ≈71× MLA
    ({"layers": 61, "attention_heads": 128, "kv_heads": 128, "hidden_size": 7168,
      "qk_nope_head_dim": 128, "qk_rope_head_dim": 64, "v_head_dim": 128}, "bf16", 4_997_120),
    ("gpt3-175b", "bf16", 4_718_592),      # MHA: 2 × 96 × 96 × 128 × 2
    ("bloom-176b", "bf16", 4_014_080),     # MHA: 2 × 70 × 112 × 128 × 2
]


@pytest.mark.parametrize("name, dtype, expected", KV_PER_TOKEN)
def test_it_reproduces_published_kv_bytes_per_token_exactly(name, dtype, expected):
    assert fs.kv_bytes_per_token(model(name), dtype) == expected


# (model, context tokens, sequences, expected bytes, tolerance) — research §1.4 and cross-checks.
KV_CAPACITY = [
    ("llama3.1-70b", 128 * 1024, 1, 40 * GiB, 0),           # BRIEF: 40 GiB for 128 Ki tokens
    ("llama3.1-8b", 128 * 1024, 1, 16 * GiB, 0),
    ("llama3.1-405b", 128 * 1024, 1, 63 * GiB, 0),
    ("deepseek-v3", 128 * 1024, 1, 8.6 * GiB, 0.01),         # "8.6 GiB"
    (QWEN3_8B_CLASS, 32 * 1024, 1, 4.5 * GiB, 0),            # Mooncake: 4.50 GB of KV for 32K
    ("llama3.1-70b", 32 * 1024, 1000, 10.7e12, 0.005),       # research §2.6: 10.7 TB
    ("llama3.1-70b", 16, 1, 5 * 2**20, 0),                   # one vLLM block, all layers: 5 MiB
    ("llama3.1-70b", 256, 1, 80 * 2**20, 0),                 # one LMCache chunk: 80 MiB
]


@pytest.mark.parametrize("name, context, sequences, expected, tolerance", KV_CAPACITY)
def test_it_sizes_kv_capacity_for_context_and_concurrency(name, context, sequences, expected, tolerance):
    per_token = fs.kv_bytes_per_token(model(name), "bf16")
    assert fs.kv_cache_bytes(per_token, context, sequences) == pytest.approx(expected, rel=tolerance)


def test_it_rounds_each_sequence_up_to_whole_vllm_blocks():
    assert fs.kv_cache_bytes(1000, 17, 2) == 2 * 32 * 1000


# (model, TP, per-GPU KV bytes/token) — vLLM get_num_kv_heads(); research §1.2, §1.4.
PER_GPU = [
    ("llama3.1-70b", 8, 40 * 1024),        # "Llama-70B TP=8 → 40 KiB/token/GPU"
    ("llama3.1-70b", 16, 40 * 1024),       # KV heads replicate beyond TP = kv_heads
    ("llama3.1-70b", 2, 160 * 1024),
    ("llama3.1-8b", 1, 128 * 1024),
    ("deepseek-v3", 8, 70_272),            # MLA latent replicated on every rank
    ("deepseek-v3", 1, 70_272),
    (QWEN3_235B, 8, 192_512 // 4),         # 4 KV heads: TP 8 keeps 1 head per GPU
]


@pytest.mark.parametrize("name, tp, expected", PER_GPU)
def test_it_splits_kv_per_gpu_under_tensor_parallelism(name, tp, expected):
    assert fs.kv_bytes_per_token_per_gpu(model(name), "bf16", tp) == expected


# (model, weight dtype, published weight bytes) — research §1.4 "BF16 weights" column; 1.5 % bar.
WEIGHTS = [
    ("llama3.1-8b", "bf16", 16.1 * GB),
    ("llama3.1-70b", "bf16", 141 * GB),
    ("llama3.1-405b", "bf16", 812 * GB),
    ("llama3.1-405b", "fp8", 406 * GB),
    ("mixtral-8x7b", "bf16", 93.4 * GB),
    ("qwen2.5-72b", "bf16", 145 * GB),
    (QWEN3_32B, "bf16", 65.5 * GB),
    ("deepseek-v3", "fp8", 671 * GB),       # 671B params in native FP8 ("≈0.7 TB")
]


@pytest.mark.parametrize("name, dtype, expected", WEIGHTS)
def test_it_sizes_weights_within_one_and_a_half_percent(name, dtype, expected):
    assert fs.weight_bytes(parameters(model(name)), dtype) == pytest.approx(expected, rel=0.015)


def test_it_counts_dense_llama_parameters_like_the_published_config():
    assert fs.dense_parameters(presets.model("llama3.1-8b")) == 8_030_261_248


# (weight bytes, bandwidth, seconds) — research §3 worked examples.
LOAD_TIMES = [
    (141e9, 2e9, 70), (141e9, 9e9, 16), (141e9, 27e9, 5),
    (350e9, 5.6e9, 62.5),                   # OPT-175B FP16 over 5.6 GB/s NVMe (ZeRO-Inference check)
]


@pytest.mark.parametrize("size, rate, seconds", LOAD_TIMES)
def test_it_times_cold_start_weight_loads(size, rate, seconds):
    assert fs.load_time_s(size, rate) == pytest.approx(seconds, rel=0.05)


# (model, break-even GB/s per GPU) — research §2.6: H100 989 TFLOPS dense BF16 at 50 % MFU.
BREAK_EVEN = [("llama3.1-8b", 4.0), ("llama3.1-70b", 1.15), ("llama3.1-405b", 0.31)]


@pytest.mark.parametrize("name, gb_per_s", BREAK_EVEN)
def test_it_finds_the_load_versus_recompute_break_even(name, gb_per_s):
    m = model(name)
    per_gpu = fs.kv_bytes_per_token_per_gpu(m, "bf16", 1)
    rate = fs.recompute_break_even_bytes_per_s(989e12, 0.5, 1, parameters(m), per_gpu)
    assert rate / 1e9 == pytest.approx(gb_per_s, rel=0.02)


def test_it_keeps_the_break_even_per_gpu_under_tensor_parallelism_for_gqa():
    m = presets.model("llama3.1-70b")
    one = fs.recompute_break_even_bytes_per_s(989e12, 0.5, 1, parameters(m),
                                              fs.kv_bytes_per_token_per_gpu(m, "bf16", 1))
    eight = fs.recompute_break_even_bytes_per_s(989e12, 0.5, 8, parameters(m),
                                                fs.kv_bytes_per_token_per_gpu(m, "bf16", 8))
    assert math.isclose(one, eight)


def test_it_leaves_the_hbm_pool_after_weights():
    # 8 × 80 GB × 0.92 − 141.1 GB (Llama-3.1-70B bf16 on one DGX H100)
    pool = fs.hbm_kv_pool_bytes(80e9, 8, 141_107_412_992)
    assert pool == int(8 * 80e9 * 0.92 - 141_107_412_992)
    assert fs.hbm_kv_pool_bytes(80e9, 1, 141e9) == 0


# (per-node bytes, host, cxl, local nvme, shared?, tier) — Dynamo KVBM G2 → G3 → G4 order.
TIERS = [
    (100e9, 1e12, 0, 30e12, False, "host_memory"),
    (1.2e12, 1e12, 0.5e12, 30e12, False, "host_memory"),     # CXL extends host memory
    (1.2e12, 1e12, 0, 30e12, False, "gpu_local_nvme"),
    (40e12, 1e12, 0, 30e12, False, "shared_fast"),
    (100e9, 1e12, 0, 30e12, True, "shared_fast"),            # KV reused across nodes
]


@pytest.mark.parametrize("per_node, host, cxl, nvme, shared, tier", TIERS)
def test_it_picks_the_smallest_offload_tier_that_holds_the_kv(per_node, host, cxl, nvme, shared, tier):
    assert fs.offload_tier(per_node, host, cxl, nvme, shared) == tier


def test_it_computes_restore_bandwidth_from_hit_tokens():
    assert fs.restore_bytes_per_s(10_000, 327_680) == 3_276_800_000
