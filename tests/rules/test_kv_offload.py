"""KV offload as memory extension: reuse → reads, the per-block latency budget, TTFT per tier."""
import pytest

import rules
from rules import kv_offload as ko


# (block tokens, prefill tokens/s, block bytes per GPU, tier bytes/s per GPU, budget s)
BUDGETS = [
    (256, 25_600, 10 * 2**20, None, 0.01),                      # no transfer term: recompute time only
    (256, 25_600, 10 * 2**20, 64e9, 0.01 - 10 * 2**20 / 64e9),  # PCIe 5.0 x16 host path
    (256, 25_600, 10 * 2**20, 1e9, 0.01 - 10 * 2**20 / 1e9),    # too slow a tier: negative budget
]


@pytest.mark.parametrize("block, prefill, block_bytes, rate, budget", BUDGETS)
def test_it_sets_the_latency_a_block_read_must_beat(block, prefill, block_bytes, rate, budget):
    assert ko.latency_budget_s(block, prefill, block_bytes, rate) == pytest.approx(budget)


def test_it_counts_reads_per_tp_rank_for_every_hit_block():
    assert ko.hit_tokens_per_s(5, 32_768, 0.8) == pytest.approx(131_072)
    assert ko.block_reads_per_s(131_072, 256, 8) == 4096


def test_it_times_first_tokens_without_and_with_offload():
    assert ko.ttft_s(32_768, 0, 32_768) == 1.0
    # 80 % hits in 256-token blocks of 1 MB at 1 GB/s + 1 ms: 0.2 s recompute + 103 × 2 ms
    assert ko.ttft_s(32_768, 26_214, 32_768, 256, 1e6, 1e-3, 1e9) == pytest.approx(6554 / 32_768 + 103 * 2e-3)


def test_it_never_lets_object_storage_meet_a_sub_100_ms_budget():
    verdicts = ko.tier_verdicts(256, 25_600, 10 * 2**20, 32_768, 26_214)
    assert verdicts["object"]["meets"] is False
    assert verdicts["host_memory"]["meets"] is True
    assert verdicts["shared_fast"]["meets"] is None  # a named gap, left to the ranking


def reuse_case(**extra):
    return {"workload": "llm_inference", "model": {"preset": "llama3.1-70b"}, "gpus": 8,
            "inference": {"tensor_parallel": 8, "context_tokens": "32k", "concurrent_sequences": 64,
                          "prefix_reuse_ratio": 0.8, "requests_per_s": 5, "retained_sessions": 1000, **extra}}


def test_it_puts_the_latency_budget_on_the_kv_tier_end_to_end():
    r = rules.evaluate(reuse_case())
    kv = r["requirements"]["kv_cache"]
    assert kv["offload_hit_tokens_per_s"] == pytest.approx(5 * 32_768 * 0.8)
    assert kv["read_bytes_per_s"] == pytest.approx(kv["offload_hit_tokens_per_s"] * 40 * 1024 * 8)
    tier = next(t for t in r["tiers"] if t["tier"] == kv["offload_tier"])
    assert kv["offload_tier"] in ("host_memory", "gpu_local_nvme")
    assert tier["latency_s"] == pytest.approx(kv["offload_tiers"][kv["offload_tier"]]["latency_budget_s"])
    assert kv["offload_tiers"][kv["offload_tier"]]["ttft_s"] < kv["ttft_without_offload_s"]


def test_it_needs_a_request_rate_with_a_reuse_ratio():
    from rules.errors import UseCaseError
    from rules.usecase import normalize
    doc = reuse_case()
    del doc["inference"]["requests_per_s"]
    with pytest.raises(UseCaseError) as caught:
        normalize(doc)
    assert "inference.requests_per_s" in caught.value.errors
