"""Properties of the serving formulas that must hold for any valid input (hypothesis)."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules import formulas_serving as fs

layers = st.integers(1, 200)
heads = st.sampled_from([1, 2, 4, 8, 16, 32, 64, 128])
head_dims = st.sampled_from([64, 80, 96, 128, 256])
kv_dtypes = st.sampled_from(["fp32", "bf16", "fp16", "fp8", "int8"])
tps = st.sampled_from([1, 2, 4, 8, 16, 32])
blocks = st.integers(1, 8192)
sequences = st.integers(1, 4096)


@st.composite
def gqa_models(draw):
    kv = draw(heads)
    query = kv * draw(st.sampled_from([1, 2, 4, 8]))
    return {"layers": draw(layers), "attention_heads": query, "kv_heads": kv,
            "head_dim": draw(head_dims), "hidden_size": query * 128}


@st.composite
def mla_models(draw):
    return {"layers": draw(layers), "kv_lora_rank": draw(st.sampled_from([256, 512, 1024])),
            "qk_rope_head_dim": draw(st.sampled_from([32, 64])), "attention_heads": 128,
            "hidden_size": 7168}


@given(gqa_models(), kv_dtypes, blocks, st.integers(2, 50), sequences)
def test_it_grows_kv_linearly_in_context(model, dtype, n_blocks, factor, seqs):
    per_token = fs.kv_bytes_per_token(model, dtype)
    context = n_blocks * fs.VLLM_BLOCK_TOKENS
    assert fs.kv_cache_bytes(per_token, context * factor, seqs) == \
        factor * fs.kv_cache_bytes(per_token, context, seqs)


@given(gqa_models(), kv_dtypes, blocks, sequences, st.integers(2, 64))
def test_it_grows_kv_linearly_in_concurrency(model, dtype, n_blocks, seqs, factor):
    per_token = fs.kv_bytes_per_token(model, dtype)
    context = n_blocks * fs.VLLM_BLOCK_TOKENS
    assert fs.kv_cache_bytes(per_token, context, seqs * factor) == \
        factor * fs.kv_cache_bytes(per_token, context, seqs)


@given(gqa_models(), kv_dtypes, st.integers(1, 2_000_000))
def test_it_never_sizes_paged_kv_below_the_exact_token_count(model, dtype, context):
    per_token = fs.kv_bytes_per_token(model, dtype)
    paged = fs.kv_cache_bytes(per_token, context, 1)
    assert context * per_token <= paged < (context + fs.VLLM_BLOCK_TOKENS) * per_token


@given(gqa_models(), kv_dtypes, tps)
def test_it_never_lets_tp_ranks_hold_less_than_the_whole_cache(model, dtype, tp):
    total = fs.kv_bytes_per_token(model, dtype)
    per_gpu = fs.kv_bytes_per_token_per_gpu(model, dtype, tp)
    assert per_gpu * tp >= total
    assert per_gpu <= total


@given(mla_models(), kv_dtypes, tps)
def test_it_replicates_the_mla_latent_on_every_rank(model, dtype, tp):
    assert fs.kv_bytes_per_token_per_gpu(model, dtype, tp) == fs.kv_bytes_per_token(model, dtype)


@given(gqa_models())
def test_it_halves_kv_from_bf16_to_fp8(model):
    assert fs.kv_bytes_per_token(model, "bf16") == 2 * fs.kv_bytes_per_token(model, "fp8")


@given(st.integers(1, 10**9), st.integers(1, 4096), st.sampled_from(fs.RAG_ENCODINGS), st.integers(4, 64))
def test_it_never_makes_an_index_smaller_than_its_vectors(n, d, encoding, m):
    raw = fs.raw_vector_bytes(n, d, encoding)
    assert fs.hnsw_index_bytes(n, d, encoding, m) > raw
    assert fs.diskann_ssd_bytes(n, d, encoding, 56) > raw


@given(st.integers(1, 10**6), st.integers(1, 4096))
def test_it_orders_encodings_by_size(n, d):
    sizes = [fs.raw_vector_bytes(n, d, e) for e in ("float32", "float16", "int8", "binary")]
    assert sizes == sorted(sizes, reverse=True)


@given(st.floats(1e3, 1e17), st.floats(60, 86_400), st.floats(1, 100))
def test_it_never_lets_a_batch_window_or_peak_lower_the_ingest_rate(per_day, window, peak):
    average = per_day / 86_400
    assert fs.ingest_write_bytes_per_s(per_day, "batch", window, 1) >= average * (1 - 1e-12)
    assert fs.ingest_write_bytes_per_s(per_day, "streaming", 86_400, peak) >= average * (1 - 1e-12)


@given(st.floats(1, 1e6), st.floats(1e5, 1e15), st.floats(1, 1e6))
def test_it_scales_the_offload_restore_rate_with_hit_tokens(hits, per_token, factor):
    one = fs.restore_bytes_per_s(hits, per_token)
    assert fs.restore_bytes_per_s(hits * factor, per_token) == \
        pytest.approx(one * factor, rel=1e-9)
