"""Pure formulas against published values (research/checkpoints-failures.md, research/mlperf-storage.md)."""
import pytest

from rules import formulas as f
from rules import presets
from rules.usecase import normalize
from rules.units import GB, GiB, HOUR, MB, MINUTE, TiB


def dims(preset):
    """The normalized dimensions of a model preset (as the engine sees them)."""
    return normalize({"workload": "llm_training", "model": {"preset": preset}})["model"]


MLPERF_8B = {"layers": 32, "hidden_size": 4096, "ffn_hidden_size": 14336, "attention_heads": 32,
             "kv_heads": 8, "vocab_size": 128256}
MLPERF_70B = dict(MLPERF_8B, layers=80, hidden_size=8192, ffn_hidden_size=28672, attention_heads=128)


# (preset, published parameter count, source) — DLIO's own count for the MLPerf configs,
# the model cards / papers for the others; the general model must land within 1.5 %.
PUBLISHED_PARAMETERS = [
    ("mlperf-llama3-8b", 8_030_261_248, "research/mlperf-storage.md §1.3 (DLIO formula)"),
    ("mlperf-llama3-70b", 69_882_617_856, "research/mlperf-storage.md §1.3 (DLIO formula)"),
    ("llama3.1-8b", 8.03e9, "inference-rag-dgx.md §1.4"),
    ("llama3.1-70b", 70.55e9, "inference-rag-dgx.md §1.4"),
    ("llama3.1-405b", 405.85e9, "inference-rag-dgx.md §1.4"),
    ("mixtral-8x7b", 46.70e9, "Mixtral paper, 46.7B total"),
    ("deepseek-v3", 671e9, "DeepSeek-V3 README, 671B total"),
    ("qwen2.5-72b", 72.7e9, "Qwen2.5-72B model card"),
    ("gpt3-175b", 175e9, "Brown et al. 2020"),
    ("bloom-176b", 176_247_271_424, "HF bigscience/bloom"),
    ("qwen3-32b", 32.8e9, "Qwen3-32B model card"),
    ("qwen3-235b-a22b", 235e9, "Qwen3-235B-A22B model card"),
]


@pytest.mark.parametrize("preset,published,source", PUBLISHED_PARAMETERS)
def test_it_counts_parameters_within_one_and_a_half_percent(preset, published, source):
    assert f.parameter_count(dims(preset)) == pytest.approx(published, rel=0.015), source


@pytest.mark.parametrize("preset,published", [("mixtral-8x7b", 12.9e9), ("deepseek-v3", 37e9),
                                              ("qwen3-235b-a22b", 22e9)])
def test_it_counts_active_parameters_of_moe_models(preset, published):
    assert f.parameter_count(dims(preset), active=True) == pytest.approx(published, rel=0.02)


# Published configs that are not presets: the general model, from dimensions alone, matches them exactly.
UNSEEN = [
    ({"layers": 32, "hidden_size": 4096, "ffn_hidden_size": 14336, "attention_heads": 32, "kv_heads": 8,
      "vocab_size": 32000}, 7_241_732_096, "HF mistralai/Mistral-7B-v0.1"),
    ({"layers": 80, "hidden_size": 8192, "ffn_hidden_size": 28672, "attention_heads": 64, "kv_heads": 8,
      "vocab_size": 32000}, 68_976_648_192, "HF meta-llama/Llama-2-70b-hf"),
    ({"layers": 48, "hidden_size": 1600, "ffn_hidden_size": 6400, "attention_heads": 25, "vocab_size": 50257,
      "gated_mlp": False, "bias": True, "norm": "layernorm", "tied_embeddings": True,
      "position_embeddings": 1024}, 1_557_611_200, "HF gpt2-xl"),
]


@pytest.mark.parametrize("model,published,source", UNSEEN)
def test_it_counts_unseen_published_models_from_their_dimensions(model, published, source):
    m = normalize({"workload": "llm_training", "model": model, "gpus": 1})["model"]
    assert m["parameters"] == published, source


def test_it_saves_only_the_fp32_master_in_the_deepseek_v3_recipe():
    assert f.bytes_per_param("adamw", "fp8", "megatron", None, "bf16", weights_copy=False) == 8


def test_it_reproduces_dlio_exactly_for_the_mlperf_configs():
    assert f.parameter_count(dict(MLPERF_8B)) == 8_030_261_248
    assert f.parameter_count(dict(MLPERF_70B)) == 69_882_617_856


# (optimizer, precision, framework, master_weights, moment_dtype, bytes/param) — §1.3 table
BYTES_PER_PARAM = [
    ("adam", "bf16", "megatron", None, None, 14),  # BLOOM / Megatron / DeepSpeed mixed precision
    ("adamw", "fp16", "deepspeed", None, None, 14),
    ("adam", "bf16", "fsdp", None, None, 12),  # FSDP keeps fp32 params
    ("adam", "bf16", "hf_trainer", None, None, 12),
    ("adam", "fp32", "megatron", None, None, 12),
    ("adam", "bf16", "fsdp", False, None, 6),  # pure bf16, no master copy
    ("sgd_momentum", "fp32", "fsdp", None, None, 8),
    ("sgd_momentum", "bf16", "megatron", None, None, 10),
    ("sgd", "fp32", "fsdp", None, None, 4),
    ("sgd", "bf16", "megatron", None, None, 6),
    ("adafactor", "fp32", "hf_trainer", None, None, 4),
    ("adam_8bit", "fp32", "hf_trainer", None, None, 6 + 8 / 2048),
    ("adam_8bit", "bf16", "hf_trainer", False, None, 4 + 8 / 2048),
    ("adam", "fp8", "megatron", None, None, 14),  # Transformer Engine: as bf16
    ("adam", "fp8", "megatron", None, "bf16", 10),  # DeepSeek-V3 recipe + bf16 weight copy
    ("adam", "bf16", "megatron", None, "bf16", 10),  # Megatron precision-aware optimizer
    ("none", "bf16", "megatron", False, None, 2),
]


@pytest.mark.parametrize("optimizer,precision,framework,master,moments,expected", BYTES_PER_PARAM)
def test_it_counts_checkpoint_bytes_per_parameter(optimizer, precision, framework, master, moments, expected):
    assert f.bytes_per_param(optimizer, precision, framework, master, moments) == pytest.approx(expected)


# Checkpoint layouts: tests/rules/test_checkpoint_layout.py.


def test_it_sizes_bloom_like_the_bigscience_readme():
    p = f.parameter_count(dims("bloom-176b"))
    assert 14 * p / TiB == pytest.approx(2.3, rel=0.03)  # "2.3T" by du; 2294.77 GiB computed
    assert 2 * p / GiB == pytest.approx(329, rel=0.015)  # "329G" bf16 weights


# Daly's worked examples: δ = 5 min, R = 10 min (FGCS 2006; research §4.2)
@pytest.mark.parametrize("mtti_s,expected_s", [(24 * HOUR, 117 * MINUTE), (6 * HOUR, 57 * MINUTE),
                                               (15 * MINUTE, 9.1 * MINUTE)])
def test_it_reproduces_dalys_worked_examples(mtti_s, expected_s):
    assert f.daly_interval_s(5 * MINUTE, mtti_s) == pytest.approx(expected_s, rel=0.01)


def test_it_uses_the_mtti_when_the_checkpoint_costs_more_than_twice_it():
    assert f.daly_interval_s(3 * HOUR, HOUR) == HOUR


def test_it_computes_young():
    assert f.young_interval_s(60, 3 * HOUR) == pytest.approx((2 * 60 * 3 * HOUR) ** 0.5)


@pytest.mark.parametrize("gpus,hours", [(16_384, 1.8), (131_072, 0.23)])
def test_it_reproduces_metas_projected_job_mttf(gpus, hours):
    """Kokolis et al. HPCA'25: 1/(N_nodes · 6.5 per 1000 node-days)."""
    assert f.mean_time_to_interrupt_s(gpus // 8, f.RSC1_FAILURES_PER_1000_NODE_DAYS) / HOUR == \
        pytest.approx(hours, rel=0.03)


def test_it_derives_the_llama3_failure_rate():
    assert f.LLAMA3_FAILURES_PER_1000_NODE_DAYS == pytest.approx(3.8, abs=0.05)


def test_it_keeps_the_stall_within_budget_at_the_optimum():
    tau = f.interval_for_stall_budget_s(0.05, 3 * HOUR)
    assert f.daly_interval_s(0.05 * tau, 3 * HOUR) == pytest.approx(tau, rel=1e-6)


# MLPerf Storage per-accelerator reads at 100 % AU (research/mlperf-storage.md §2.3)
@pytest.mark.parametrize("workload,accelerator,expected", [
    ("unet3d", "h100", 3177 * MB), ("unet3d", "a100", 1614 * MB), ("unet3d", "b200", 6335 * MB),
    ("resnet50", "h100", 204.8 * MB), ("resnet50", "a100", 105.4 * MB),
    ("cosmoflow", "h100", 808 * MB), ("cosmoflow", "a100", 513 * MB),
    ("retinanet", "b200", 163 * MB), ("flux", "b200", 77 * MB)])
def test_it_reproduces_mlperf_per_accelerator_read_rates(workload, accelerator, expected):
    wl = presets.workload(workload)
    acc = wl["accelerators"][accelerator]
    rate = f.sample_read_bytes_per_s(acc["batch_size"], wl["sample_bytes"], acc["step_time_s"])
    assert rate == pytest.approx(expected, rel=0.005)


def test_it_scales_the_read_rate_by_utilisation():
    assert f.sample_read_bytes_per_s(400, 114660.07, 0.224, 0.9) == pytest.approx(184.3 * MB, rel=0.005)


@pytest.mark.parametrize("vocab,expected", [(32000, 2), (128256, 4)])
def test_it_picks_megatrons_token_dtype(vocab, expected):
    assert f.token_bytes(vocab) == expected


def test_it_reads_weights_once_per_replica_for_replicated_layouts():
    assert f.restore_read_bytes(14 * GB, 2 * GB, 4, True) == 20 * GB
    assert f.restore_read_bytes(14 * GB, 2 * GB, 4, False) == 14 * GB


def test_it_counts_lora_adapters_on_every_linear():
    m = dims("llama3.1-8b")
    # q,o: (4096+4096) each; k,v: (4096+1024) each; gate/up/down: (4096+14336) each → × r × layers
    per_layer = 2 * 8192 + 2 * 5120 + 3 * 18432
    assert f.lora_parameters(m, 16) == 16 * per_layer * 32


@pytest.mark.parametrize("interval_s,ettr", [(60 * MINUTE, 0.68), (5 * MINUTE, 0.93)])
def test_it_reproduces_metas_ettr_for_a_16k_gpu_job(interval_s, ettr):
    """Kokolis et al.: 2,048 nodes at 6.5/1000 node-days, u0 = 5 min, non-blocking writes → 0.7 and 0.93."""
    mtti = f.mean_time_to_interrupt_s(2048, f.RSC1_FAILURES_PER_1000_NODE_DAYS)
    assert 1 - f.waste_fraction(interval_s, 0, 5 * MINUTE, mtti) == pytest.approx(ettr, abs=0.01)
