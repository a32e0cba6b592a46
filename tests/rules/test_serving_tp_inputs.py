"""KV under tensor parallelism per GPU (vLLM), and inputs a real framework refuses or reads differently."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rules
from rules import formulas_serving as fs
from rules import presets
from rules.errors import UseCaseError
from rules.usecase import normalize

# Falcon-7B: 71 query heads, 1 KV head (tiiuae/falcon-7b config.json: n_head 71, multi_query).
FALCON_7B = {"layers": 32, "hidden_size": 4544, "ffn_hidden_size": 18176, "attention_heads": 71, "kv_heads": 1,
             "vocab_size": 65024}


def inference(model, **section):
    return {"workload": "llm_inference", "model": model, "gpu_model": section.pop("gpu_model", "h100"),
            "gpus": section.pop("gpus", 8), "inference": {"context_tokens": 8192, "concurrent_sequences": 8,
                                                          **section}}


def errors_of(document):
    with pytest.raises(UseCaseError) as caught:
        normalize(document)
    return caught.value.errors


def test_it_does_not_fit_deepseek_v3_at_128k_by_32_on_16_h200():
    """The issue's case: 294.7 GB of latent per GPU against 87.8 GB free (fp8 weights ÷ 16)."""
    doc = inference({"preset": "deepseek-v3"}, gpu_model="h200", gpus=16, tensor_parallel=16,
                    context_tokens="128k", concurrent_sequences=32, weight_dtype="fp8", kv_dtype="bf16")
    kv = rules.evaluate(doc)["requirements"]["kv_cache"]
    assert kv["per_gpu_kv_bytes"] / 1e9 == pytest.approx(294.7, abs=0.05)
    assert kv["per_gpu_hbm_pool_bytes"] / 1e9 == pytest.approx(87.8, abs=0.05)
    assert kv["fits_in_hbm"] is False


def test_it_counts_replicated_kv_heads_on_every_gpu_beyond_tp_equal_kv_heads():
    doc = inference({"preset": "llama3.1-70b"}, gpus=16, tensor_parallel=16, concurrent_sequences=1)
    kv = rules.evaluate(doc)["requirements"]["kv_cache"]
    assert kv["bytes_per_token_per_gpu"] == 40 * 1024  # 1 of 8 KV heads per GPU, twice over at TP 16
    assert kv["per_gpu_kv_bytes"] == 8192 * 40 * 1024
    assert kv["capacity_bytes"] == 16 * 8192 * 40 * 1024  # 2 × the model's 320 KiB/token × 8192


MODELS = ["llama3.1-8b", "llama3.1-70b", "llama3.1-405b", "deepseek-v3", "mixtral-8x7b", "qwen2.5-72b"]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(MODELS), st.sampled_from([1, 2, 4, 8, 16, 32, 64]), st.sampled_from(["bf16", "fp8"]))
def test_it_never_puts_less_than_total_over_tp_on_a_gpu(name, tp, dtype):
    m = presets.model(name)
    assert fs.kv_bytes_per_token_per_gpu(m, dtype, tp) * tp >= fs.kv_bytes_per_token(m, dtype)


# --- inputs a framework refuses (item 4) ---------------------------------------------------------

def test_it_refuses_a_tensor_parallel_size_that_does_not_divide_the_attention_heads():
    errs = errors_of(inference(FALCON_7B, tensor_parallel=8))
    assert "71 heads at tensor parallel size 8" in " ".join(errs["inference.tensor_parallel"])


def test_it_refuses_a_tensor_parallel_size_that_splits_a_kv_head():
    model = dict(FALCON_7B, attention_heads=48, kv_heads=12, hidden_size=4608)
    assert "KV heads (12)" in " ".join(errors_of(inference(model, tensor_parallel=8))["inference.tensor_parallel"])


def test_it_refuses_zero3_with_megatron():
    doc = {"workload": "llm_training", "framework": "megatron", "model": {"preset": "llama3.1-8b"}, "gpus": 8,
           "parallelism": {"zero_stage": 3}}
    assert "no ZeRO-3" in " ".join(errors_of(doc)["parallelism.zero_stage"])


def test_it_refuses_the_engine_layout_with_pipeline_stages():
    doc = {"workload": "llm_training", "framework": "deepspeed", "model": {"preset": "mlperf-llama3-405b"},
           "checkpoint": {"deepspeed_layout": "engine"}}
    assert "PipelineModule" in " ".join(errors_of(doc)["checkpoint.deepspeed_layout"])


def test_it_refuses_an_unknown_deepspeed_layout():
    doc = {"workload": "llm_training", "model": {"preset": "llama3.1-8b"}, "checkpoint": {"deepspeed_layout": "x"}}
    assert "checkpoint.deepspeed_layout" in errors_of(doc)


@pytest.mark.parametrize("text, tokens", [("128k", 131_072), ("128K", 131_072), ("32k", 32_768),
                                          ("10M", 10_485_760), ("8192", 8192), (4096, 4096)])
def test_it_reads_context_lengths_as_model_cards_write_them(text, tokens):
    assert normalize(inference({"preset": "llama3.1-8b"}, context_tokens=text))["inference"][
        "context_tokens"] == tokens


@pytest.mark.parametrize("text", ["128 kilo", "k", "1.5.2k", "0.3k", "-4k", "11M"])
def test_it_refuses_context_lengths_it_cannot_read(text):
    assert "inference.context_tokens" in errors_of(inference({"preset": "llama3.1-8b"}, context_tokens=text))


@pytest.mark.parametrize("tokens, vocab_preset, expected_bytes", [
    ("15T", "llama3.1-405b", 15e12 * 4),        # Llama 3: 15T tokens, 128,256 vocabulary → int32
    ("15T tokens", "llama3.1-405b", 15e12 * 4),
    (2e12, "mixtral-8x7b", 2e12 * 2),           # 32,000 vocabulary → uint16 (Megatron indexed dataset)
])
def test_it_sizes_a_dataset_given_in_tokens(tokens, vocab_preset, expected_bytes):
    doc = {"workload": "llm_training", "model": {"preset": vocab_preset}, "data": {"total_tokens": tokens}}
    assert normalize(doc)["data"]["total_bytes"] == expected_bytes


def test_it_accepts_its_own_output_with_a_token_dataset():
    once = normalize({"workload": "llm_training", "model": {"preset": "llama3.1-8b"}, "data": {"total_tokens": "1T"}})
    assert normalize(once) == once


@pytest.mark.parametrize("data, message", [
    ({"total_tokens": "15 trillion"}, "suffix"),
    ({"total_tokens": "15T", "total_bytes": 1e12}, "not both"),
])
def test_it_refuses_unreadable_or_conflicting_dataset_tokens(data, message):
    doc = {"workload": "llm_training", "model": {"preset": "llama3.1-8b"}, "data": data}
    assert message in " ".join(errors_of(doc)["data.total_tokens"])


def test_it_needs_a_vocabulary_for_a_dataset_in_tokens():
    doc = {"workload": "llm_training", "model": {"parameters": 7_000_000_000}, "data": {"total_tokens": "1T"}}
    assert "vocab_size" in " ".join(errors_of(doc)["data.total_tokens"])
