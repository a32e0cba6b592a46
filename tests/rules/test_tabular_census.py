"""The seed's Census pipeline (large CSV → Modin → ML) on the measured PUMS-like rates."""
import pytest

import rules


def census(**section):
    base = {"format": "csv", "dataset_bytes": 14_000_000_000, "scan_target_s": 600, "cores": 64}
    return rules.evaluate({"workload": "tabular_ml", "tabular": {**base, **section}})


def advice(out):
    return next(f for f in out["findings"] if f["rule"] == "tabular_prefers_cpu_and_storage_over_gpu")["result"]


def test_it_puts_storage_cores_and_memory_bandwidth_before_gpus_for_the_census_pipeline():
    """17.5 s of ridge regression made the old linear, numeric-only model say 4.8 % non-AI."""
    result = advice(census(train_s=17.5))
    assert result["compute"] == "cpu" and result["non_ai_fraction"] > 0.5
    assert result["first"].startswith("storage throughput, CPU cores, memory bandwidth")


def test_it_says_what_moves_the_conclusion():
    result = advice(census(train_s=17.5))
    assert result["load_s_as_parquet"] < result["load_s_with_arrow_strings"] * 1.5
    assert result["load_s_as_parquet"] < result["gpu_may_help_above_train_s"]
    assert result["non_ai_fraction_as_parquet"] < result["non_ai_fraction"]


def test_it_lets_gpus_help_only_when_training_dominates():
    assert advice(census(train_s=10**5))["compute"] == "gpu_may_help"


@pytest.mark.parametrize("share, dtype, smaller", [(0.05, "object", True), (0.33, "arrow", True)])
def test_it_sizes_the_frame_by_its_string_columns(share, dtype, smaller):
    default = census()["requirements"]["tabular"]["dataframe_bytes"]
    other = census(string_byte_share=share, string_dtype=dtype)["requirements"]["tabular"]["dataframe_bytes"]
    assert (other < default) is smaller
