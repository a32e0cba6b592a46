"""rules.evaluate end to end: the BRIEF's reference numbers, findings, tiers and combined use cases."""
import pytest

import rules
from rules import explain
from rules.units import GB, GiB, MB, TiB

MLPERF_8B = {"layers": 32, "hidden_size": 4096, "ffn_hidden_size": 14336, "attention_heads": 32,
             "kv_heads": 8, "vocab_size": 128256}
MLPERF_70B = dict(MLPERF_8B, layers=80, hidden_size=8192, ffn_hidden_size=28672, attention_heads=128)


def training(**changes):
    doc = {"workload": "llm_training", "model": {"preset": "llama3.1-8b"}, "gpus": 8, "gpu_model": "h100"}
    doc.update(changes)
    return rules.evaluate(doc)


# (use case, dotted path, expected, relative tolerance, source)
REFERENCE_CASES = [
    (dict(model=MLPERF_8B, precision="fp16", parallelism={"data": 8, "zero_stage": 3}),
     "checkpoint.total_bytes", 104.7 * GiB, 0.001, "BRIEF: MLPerf 8B 104.7 GiB"),
    (dict(model=MLPERF_8B, precision="fp16", parallelism={"data": 8, "zero_stage": 3}),
     "checkpoint.files", 16, 0, "BRIEF: MLPerf 8B 16 files"),
    (dict(model=MLPERF_70B, precision="fp16", gpus=64, parallelism={"tensor": 8, "data": 8, "zero_stage": 3}),
     "checkpoint.total_bytes", 911.2 * GiB, 0.001, "BRIEF: MLPerf 70B 911.2 GiB"),
    (dict(model=MLPERF_70B, precision="fp16", gpus=64, parallelism={"tensor": 8, "data": 8, "zero_stage": 3}),
     "checkpoint.files", 128, 0, "BRIEF: MLPerf 70B 128 files"),
    (dict(model=MLPERF_70B, precision="fp16", gpus=64, parallelism={"tensor": 8, "data": 8, "zero_stage": 3}),
     "checkpoint.per_rank_bytes", 14.24 * GiB, 0.001, "mlperf-storage.md §1.3: 14.24 GiB per rank"),
    (dict(model={"parameters": 7_000_000_000}, optimizer="adamw"), "checkpoint.total_bytes", 98e9, 0,
     "14 B/param default"),
    (dict(model={"preset": "bloom-176b"}, gpus=384, gpu_model="a100", framework="deepspeed",
          parallelism={"tensor": 4, "pipeline": 12}), "checkpoint.total_bytes", 2.3 * TiB, 0.03,
     "BLOOM README: 2.3 TiB"),
    (dict(model={"preset": "bloom-176b"}, gpus=384, gpu_model="a100", framework="deepspeed",
          parallelism={"tensor": 4, "pipeline": 12}), "checkpoint.weights_bytes", 329 * GiB, 0.015,
     "BLOOM README: 329 GiB bf16 weights"),
    (dict(model={"preset": "llama3.1-8b"}, framework="fsdp"), "checkpoint.bytes_per_param", 12, 0, "§1.3 FSDP"),
    (dict(model={"preset": "deepseek-v3"}, gpus=64, precision="fp8", optimizer="adamw",
          checkpoint={"moment_dtype": "bf16", "weights_copy": False}), "checkpoint.total_bytes", 5.4e12, 0.015,
     "checkpoints-failures.md §5: DeepSeek-V3 ≈ 5.4 TB at 8 B/param"),
    (dict(model={"preset": "gpt3-175b"}, gpus=64), "checkpoint.total_bytes", 2.45e12, 0.015,
     "checkpoints-failures.md §5: GPT-3 ≈ 2.45 TB at 14 B/param"),
    (dict(model={"preset": "llama3.1-405b"}, gpus=64), "checkpoint.total_bytes", 5.67e12, 0.015,
     "checkpoints-failures.md §5: Llama 3.1 405B ≈ 5.67 TB at 14 B/param"),
    (dict(model={"preset": "llama3.1-8b"}, checkpoint={"weights_only": True}), "checkpoint.total_bytes",
     2 * 8_030_261_248, 0, "weights-only bf16"),
]


def at(document, path):
    for part in path.split("."):
        document = document[part]
    return document


@pytest.mark.parametrize("changes,path,expected,rel,source", REFERENCE_CASES)
def test_it_reproduces_reference_values(changes, path, expected, rel, source):
    assert at(training(**changes)["requirements"], path) == pytest.approx(expected, rel=rel), source


@pytest.mark.parametrize("preset,accelerator,per_accelerator", [
    ("unet3d", "h100", 3.177 * GB), ("resnet50", "h100", 204.8 * MB), ("cosmoflow", "h100", 808 * MB),
    ("unet3d", "a100", 1.614 * GB)])
def test_it_reproduces_mlperf_training_reads(preset, accelerator, per_accelerator):
    r = rules.evaluate({"workload": "cv_training", "model": {"preset": preset}, "gpus": 8,
                        "gpu_model": accelerator})
    data = r["requirements"]["training_data"]
    assert data["per_accelerator_read_bytes_per_s"] == pytest.approx(per_accelerator, rel=0.005)
    assert data["read_bytes_per_s"] == pytest.approx(8 * per_accelerator, rel=0.005)
    assert data["read_bytes_per_s_at_min_au"] == pytest.approx(8 * per_accelerator * data["min_au"], rel=0.005)


def test_it_estimates_a_step_time_for_an_accelerator_mlperf_did_not_publish():
    r = rules.evaluate({"workload": "cv_training", "model": {"preset": "resnet50"}, "gpus": 8, "gpu_model": "b200"})
    finding = next(f for f in r["findings"] if f["rule"] == "cv_read_rate_from_batch_and_step_time")
    assert finding["inputs"]["step_time_estimated"] is True
    assert r["requirements"]["training_data"]["step_time_s"] == pytest.approx(0.224 * 989.4 / 2250, rel=1e-6)


def test_it_keeps_a_small_dataset_on_local_nvme_and_a_large_one_shared():
    small = rules.evaluate({"workload": "cv_training", "model": {"preset": "resnet50"}, "gpus": 16})
    large = rules.evaluate({"workload": "cv_training", "model": {"preset": "resnet50"}, "gpus": 16,
                            "data": {"total_bytes": 100e12}})
    assert small["requirements"]["training_data"]["fits_local_nvme"] is True
    assert [t["tier"] for t in small["tiers"]] == ["gpu_local_nvme", "object"]
    assert small["tiers"][0]["nodes"] == 2 and small["tiers"][0]["per_node"] is True
    assert small["tiers"][0]["read_bytes_per_s"] == pytest.approx(8 * 204.8 * MB, rel=0.005)
    assert large["requirements"]["training_data"]["fits_local_nvme"] is False
    assert [t["tier"] for t in large["tiers"]] == ["shared_fast"]


def test_it_accepts_a_custom_cv_workload_from_data_figures():
    r = rules.evaluate({"workload": "cv_training", "gpus": 4,
                        "data": {"sample_bytes": 1e6, "batch_size": 32, "step_time_s": 0.1, "total_bytes": 1e12}})
    assert r["requirements"]["training_data"]["read_bytes_per_s"] == pytest.approx(4 * 320e6)


def test_it_writes_faster_when_the_stall_budget_shrinks():
    loose = training(checkpoint={"sizing": "stall_budget", "stall_budget_fraction": 0.1})["requirements"]["checkpoint"]
    tight = training(checkpoint={"sizing": "stall_budget", "stall_budget_fraction": 0.01})["requirements"]["checkpoint"]
    assert tight["write_bytes_per_s"] == pytest.approx(10 * loose["write_bytes_per_s"])


def test_it_shortens_the_interval_for_a_large_cluster():
    small = training(checkpoint={"sizing": "stall_budget"})["requirements"]["checkpoint"]
    big = training(gpus=16_384, parallelism={"tensor": 8, "pipeline": 16},
                   checkpoint={"sizing": "stall_budget"})["requirements"]["checkpoint"]
    assert small["interval_s"] == 3600
    assert big["interval_s"] < 3600
    assert big["stall_s"] == pytest.approx(0.05 * big["interval_s"])


def test_it_sizes_async_writes_to_finish_before_the_next_checkpoint():
    ck = training(gpus=16_384, model={"preset": "llama3.1-405b"}, parallelism={"tensor": 8, "pipeline": 16},
                  checkpoint={"mode": "async", "sizing": "stall_budget"})["requirements"]["checkpoint"]
    assert ck["write_bytes_per_s"] == pytest.approx(ck["total_bytes"] / ck["interval_s"])
    assert ck["stall_s"] == pytest.approx(ck["per_rank_bytes"] / 64e9)


def test_it_honours_a_given_interval():
    ck = training(checkpoint={"interval_s": 1800})["requirements"]["checkpoint"]
    assert ck["interval_s"] == 1800 and ck["write_bytes_per_s"] == pytest.approx(ck["total_bytes"] / 90)


def test_it_reads_weights_per_replica_on_restore_for_deepspeed_zero1():
    ck = training(gpus=16, framework="deepspeed", parallelism={"zero_stage": 1})["requirements"]["checkpoint"]
    assert ck["restore_read_bytes"] == ck["total_bytes"] + 15 * ck["weights_bytes"]


def test_it_saves_only_lora_adapters():
    full = training()["requirements"]["checkpoint"]["total_bytes"]
    lora = training(checkpoint={"lora_rank": 16})["requirements"]["checkpoint"]
    assert lora["bytes_per_param"] == 12 and lora["total_bytes"] < full / 50


@pytest.mark.parametrize("document", [
    {"workload": "llm_training", "model": {"preset": "llama3.1-8b"}, "checkpoint": {"mode": "async"}},
    {"workload": "llm_training", "model": {"preset": "mixtral-8x7b"}, "data": {"total_bytes": 1e12}},
    {"workload": "cv_training", "model": {"preset": "unet3d"}, "gpus": 16},
    {"workload": "cv_training", "model": {"preset": "cosmoflow"}, "data": {"total_bytes": 1e15}},
    {"workload": "llm_training", "model": {"preset": "deepseek-v3"}, "framework": "fsdp", "gpus": 64,
     "checkpoint": {"weights_only": True}},
    {"workload": "llm_training", "model": {"preset": "llama3.1-70b"}, "framework": "hf_trainer",
     "checkpoint": {"lora_rank": 16, "interval_s": 900}},
    {"workload": "llm_training", "model": {"parameters": 13_000_000_000}, "framework": "megatron_legacy",
     "optimizer": "adam_8bit", "gpus": 16, "parallelism": {"tensor": 2}}])
def test_it_records_a_sourced_explained_finding_for_every_firing(document):
    r = rules.evaluate(document)
    for f in r["findings"]:
        assert set(f) >= {"rule", "text", "inputs", "result", "formula", "sources"}
        assert f["sources"] and f["text"] and f["rule"] in explain.TEMPLATES, f["rule"]
        assert "?" not in f["text"], f["text"]


def test_it_places_checkpoints_and_training_data_on_the_shared_tier_and_adds_them_up():
    r = training(cluster={"sizing_basis": "jobs_only"})
    shared = next(t for t in r["tiers"] if t["tier"] == "shared_fast")
    ck, data = r["requirements"]["checkpoint"], r["requirements"]["training_data"]
    assert set(shared["needs"]) == {"checkpoint", "training_data"}
    assert shared["write_bytes_per_s"] == pytest.approx(ck["write_bytes_per_s"])
    assert shared["read_bytes_per_s"] == pytest.approx(ck["restore_bytes_per_s"] + data["read_bytes_per_s"])
    assert shared["capacity_bytes"] == ck["retention_bytes"]
    assert any(f["rule"] == "shared_tier_needs_add_up" for f in r["findings"])


def test_it_adds_up_needs_of_a_combined_use_case():
    doc = {"workload": ["llm_training", "cv_training"], "model": {"preset": "llama3.1-8b"}, "gpus": 8,
           "data": {"sample_bytes": 1e6, "batch_size": 32, "step_time_s": 0.1, "total_bytes": 1e15}}
    r = rules.evaluate(doc)
    shared = next(t for t in r["tiers"] if t["tier"] == "shared_fast")
    assert shared["read_bytes_per_s"] >= 8 * 320e6 + r["requirements"]["checkpoint"]["restore_bytes_per_s"]


def test_it_returns_the_contract_fields():
    r = training()
    assert set(r) == {"use_case", "requirements", "tiers", "findings"}
    ck = r["requirements"]["checkpoint"]
    for key in ("total_bytes", "files", "interval_s", "write_bytes_per_s", "restore_bytes_per_s", "per_rank_bytes",
                "largest_file_bytes", "bytes_per_param", "retention_bytes", "mode"):
        assert key in ck
    for key in ("read_bytes_per_s", "iops", "sample_bytes"):
        assert key in r["requirements"]["training_data"]
    for tier in r["tiers"]:
        assert set(tier) >= {"tier", "capacity_bytes", "read_bytes_per_s", "write_bytes_per_s", "iops",
                             "latency_s", "nodes", "needs", "reason", "sources"}


def test_it_raises_field_errors_through_evaluate():
    with pytest.raises(rules.UseCaseError) as exc:
        rules.evaluate({"workload": "llm_training", "model": {"preset": "nope"}})
    assert "model.preset" in exc.value.errors


def test_it_stages_a_token_dataset_that_fits_on_local_nvme():
    r = training(gpus=64, parallelism={"tensor": 8}, data={"total_bytes": 10e12})
    data = r["requirements"]["training_data"]
    assert data["fits_local_nvme"] is True
    local = next(t for t in r["tiers"] if t["tier"] == "gpu_local_nvme")
    assert local["read_bytes_per_s"] == pytest.approx(data["read_bytes_per_s"] / 8)
    assert data["step_time_s"] == pytest.approx(8192 * 8 / data["tokens_per_s"])


def test_it_reads_llm_tokens_at_the_compute_rate():
    data = training()["requirements"]["training_data"]
    expected = 8 * 989.4e12 * 0.40 / (6 * 8_030_261_248)
    assert data["tokens_per_s"] == pytest.approx(expected) and data["read_bytes_per_s"] == pytest.approx(4 * expected)


def test_it_keeps_the_interval_and_moves_the_write_off_the_critical_path_when_async():
    big = dict(gpus=16_384, model={"preset": "llama3.1-405b"}, parallelism={"tensor": 8, "pipeline": 16})
    sync = training(**big, checkpoint={"sizing": "stall_budget"})["requirements"]["checkpoint"]
    async_ = training(**big, checkpoint={"mode": "async", "sizing": "stall_budget"})["requirements"]["checkpoint"]
    assert async_["interval_s"] == pytest.approx(sync["interval_s"])
    # sync: the slowest writer (first stage: embedding) sets the stall, so ≥ total ÷ stall (issue 10)
    assert async_["write_bytes_per_s"] == pytest.approx(0.05 * sync["total_bytes"] / sync["stall_s"])
    assert sync["write_bytes_per_s"] > sync["total_bytes"] / sync["stall_s"]
    assert async_["stall_s"] < sync["stall_s"] / 100
