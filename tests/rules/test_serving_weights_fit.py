"""A serving replica must hold the weights in HBM; the rules say the smallest TP that does."""
import pytest

import rules
from rules import formulas_serving as fs

GB = 10**9


@pytest.mark.parametrize("weight_bytes,hbm_bytes,expected", [
    (16.1 * GB, 80 * GB, 1),      # Llama 3.1 8B bf16 on one H100
    (141.1 * GB, 80 * GB, 2),     # Llama 3.1 70B bf16: 2 × 80 GB × 0.92 = 147.2 GB
    (141.1 * GB, 141 * GB, 2),    # ... on H200: 129.7 GB usable per GPU, still 2
    (812 * GB, 80 * GB, None),    # Llama 3.1 405B bf16 needs more than one 8-GPU H100 server
    (406 * GB, 80 * GB, 8),       # ... in fp8: 8 × 73.6 GB = 588.8 GB
])
def test_it_finds_the_smallest_power_of_two_tp_that_holds_the_weights(weight_bytes, hbm_bytes, expected):
    assert fs.min_tensor_parallel_for_weights(weight_bytes, hbm_bytes, gpus_per_node=8) == expected


def serve(tensor_parallel, **inference):
    return rules.evaluate({
        "workload": "llm_inference", "model": {"preset": "llama3.1-70b"}, "gpus": 8, "gpu_model": "h100",
        "inference": {"context_tokens": 8192, "concurrent_sequences": 8,
                      "tensor_parallel": tensor_parallel, **inference}})


def test_it_warns_when_a_replica_cannot_hold_the_weights():
    result = serve(1)
    finding = next(f for f in result["findings"] if f["rule"] == "weights_exceed_replica_hbm")
    assert "at least 2" in finding["text"] and finding["sources"]
    assert result["requirements"]["model_load"]["min_tensor_parallel"] == 2


def test_it_stays_quiet_when_the_replica_holds_the_weights():
    result = serve(8)
    assert all(f["rule"] != "weights_exceed_replica_hbm" for f in result["findings"])
    assert "fits_replica_hbm" not in result["requirements"]["model_load"]


def test_it_counts_only_the_hbm_share_the_server_may_use():
    result = serve(2, gpu_memory_utilization=0.5)  # 2 × 80 GB × 0.5 = 80 GB < 141 GB of weights
    assert result["requirements"]["model_load"]["min_tensor_parallel"] == 4
