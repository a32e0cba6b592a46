"""The use-case validator: defaults filled in, and field-level errors for bad input."""
import pytest

import rules
from rules import UseCaseError
from rules.usecase import normalize

LLAMA_8B = {"preset": "llama3.1-8b"}


def base(**changes):
    doc = {"workload": "llm_training", "model": LLAMA_8B, "gpus": 8, "gpu_model": "h100"}
    doc.update(changes)
    return doc


def errors_of(doc):
    with pytest.raises(UseCaseError) as exc:
        normalize(doc)
    return exc.value.errors


# (document changes, field path, part of the message)
BAD_INPUTS = [
    ({"gpus": 0}, "gpus", "at least 1"),
    ({"gpus": -8}, "gpus", "at least 1"),
    ({"gpus": 10**9}, "gpus", "at most"),
    ({"gpus": 8.5}, "gpus", "whole number"),
    ({"gpus": "eight"}, "gpus", "number"),
    ({"workload": "quantum"}, "workload", "must be one of"),
    ({"workload": ["llm_training", "nope"]}, "workload.1", "must be one of"),
    ({"model": {"preset": "gpt-17"}}, "model.preset", "unknown preset"),
    ({"gpu_model": "tpu9"}, "gpu_model", "unknown GPU preset"),
    ({"precision": "fp4"}, "precision", "must be one of"),
    ({"optimizer": "lion"}, "optimizer", "must be one of"),
    ({"framework": "jax"}, "framework", "must be one of"),
    ({"colour": "blue"}, "colour", "unknown field"),
    ({"model": {"layers": 0, "hidden_size": 4096, "ffn_hidden_size": 1, "attention_heads": 32,
                "vocab_size": 100}}, "model.layers", "at least 1"),
    ({"model": {"layers": 32, "hidden_size": -4096, "ffn_hidden_size": 1, "attention_heads": 32,
                "vocab_size": 100}}, "model.hidden_size", "at least 1"),
    ({"model": {"layers": 10**7, "hidden_size": 4096, "ffn_hidden_size": 1, "attention_heads": 32,
                "vocab_size": 100}}, "model.layers", "at most"),
    ({"model": {"layers": 32, "hidden_size": 4096, "attention_heads": 32, "vocab_size": 100}},
     "model.ffn_hidden_size", "required"),
    ({"model": {"layers": 32, "hidden_size": 4096, "ffn_hidden_size": 1, "attention_heads": 32,
                "kv_heads": 5, "vocab_size": 100}}, "model.kv_heads", "must divide"),
    ({"model": {"parameters": 0}}, "model.parameters", "at least"),
    ({"model": {"parameters": 10**18}}, "model.parameters", "at most"),
    ({"model": {"parameters": -7e9}}, "model.parameters", "at least"),
    ({"model": {}}, "model", "give a preset"),
    ({"parallelism": {"tensor": 3}}, "parallelism", "does not divide gpus"),
    ({"parallelism": {"tensor": 2, "data": 2}}, "parallelism", "must be equal"),
    ({"gpus": 24, "parallelism": {"tensor": 3, "data": 8}}, "parallelism.tensor",
     "must divide attention_heads"),
    ({"gpus": 16, "parallelism": {"tensor": 16}}, "parallelism.tensor", "must divide kv_heads"),
    ({"parallelism": {"pipeline": 2, "zero_stage": 3}, "framework": "deepspeed"}, "parallelism.zero_stage",
     "pipeline"),
    ({"parallelism": {"pipeline": 2, "zero_stage": 3}}, "parallelism.zero_stage", "pipeline"),
    ({"parallelism": {"zero_stage": 4}}, "parallelism.zero_stage", "at most 3"),
    ({"parallelism": {"expert": 2}}, "parallelism.expert", "mixture-of-experts"),
    ({"parallelism": {"warp": 2}}, "parallelism.warp", "unknown field"),
    ({"checkpoint": {"stall_budget_fraction": 0}}, "checkpoint.stall_budget_fraction", "greater than"),
    ({"checkpoint": {"stall_budget_fraction": 0.9}}, "checkpoint.stall_budget_fraction", "at most"),
    ({"checkpoint": {"mode": "lazy"}}, "checkpoint.mode", "must be one of"),
    ({"checkpoint": {"retained": 0}}, "checkpoint.retained", "at least 1"),
    ({"checkpoint": {"recovery_s": 60, "restart_s": 120}}, "checkpoint.restart_s", "shorter"),
    ({"checkpoint": {"speed": 1}}, "checkpoint.speed", "unknown field"),
    ({"checkpoint": {"lora_rank": 8}, "model": {"parameters": 7e9}}, "checkpoint.lora_rank", "dimensions"),
    ({"data": {"total_bytes": -1}}, "data.total_bytes", "at least 1"),
    ({"data": {"mode": "trickle"}}, "data.mode", "must be one of"),
    ({"data": {"utilisation_target": 1.5}}, "data.utilisation_target", "at most 1"),
    ({"priority": "cheapest"}, "priority", "must be one of"),
]


@pytest.mark.parametrize("changes,path,message", BAD_INPUTS)
def test_it_rejects_bad_input_with_a_field_error(changes, path, message):
    errors = errors_of(base(**changes))
    assert path in errors, errors
    assert any(message in m for m in errors[path]), errors[path]


def test_it_rejects_moe_expert_parallelism_that_does_not_divide_experts():
    errors = errors_of(base(model={"preset": "mixtral-8x7b"}, parallelism={"expert": 3}, gpus=24))
    assert "must divide the number of experts" in " ".join(errors["parallelism.expert"])


def test_it_reports_every_problem_at_once():
    errors = errors_of(base(gpus=0, precision="fp4", colour="x"))
    assert {"gpus", "precision", "colour"} <= set(errors)


def test_it_rejects_a_document_that_is_not_an_object():
    assert errors_of(["llm_training"]) == {"": ["the use case must be a JSON object"]}


def test_it_requires_a_model_for_llm_training():
    assert "model" in errors_of({"workload": "llm_training", "gpus": 8})


def test_it_requires_a_preset_or_sample_figures_for_cv_training():
    errors = errors_of({"workload": "cv_training", "gpus": 8})
    assert "data.sample_bytes" in errors["model"][0]


def test_it_rejects_an_llm_preset_used_as_a_cv_workload_and_vice_versa():
    errors = errors_of(base(model={"preset": "resnet50"}))
    assert "cv_training" in errors["model.preset"][0]


def test_it_fills_defaults():
    uc = normalize({"workload": "llm_training", "model": LLAMA_8B})
    assert uc["gpus"] == 8 and uc["gpu_model"] == "h100" and uc["nodes"] == 1
    assert uc["parallelism"] == {"tensor": 1, "pipeline": 1, "context": 1, "expert": 1, "zero_stage": 0, "data": 8}
    assert (uc["precision"], uc["optimizer"], uc["framework"], uc["priority"]) == ("bf16", "adam", "megatron",
                                                                                  "balanced")
    assert uc["checkpoint"]["mode"] == "sync" and uc["checkpoint"]["retained"] == 2


def test_it_derives_data_parallelism_from_gpus():
    uc = normalize(base(gpus=64, parallelism={"tensor": 8, "pipeline": 2}))
    assert uc["parallelism"]["data"] == 4 and uc["nodes"] == 8


def test_it_defaults_to_the_deepspeed_layout_when_a_zero_stage_is_set():
    assert normalize(base(parallelism={"zero_stage": 3}))["framework"] == "deepspeed"


def test_it_accepts_zero3_with_pipeline_under_fsdp():
    uc = normalize(base(framework="fsdp", parallelism={"pipeline": 2, "zero_stage": 3}))
    assert uc["parallelism"]["pipeline"] == 2


def test_it_takes_the_mlperf_parallelism_of_an_mlperf_preset():
    uc = normalize({"workload": "llm_training", "model": {"preset": "mlperf-llama3-70b"}})
    assert uc["gpus"] == 64 and uc["parallelism"]["tensor"] == 8 and uc["framework"] == "deepspeed"


def test_it_normalizes_a_combined_use_case():
    uc = normalize(base(workload=["llm_training", "llm_training", "cv_training"], model=LLAMA_8B,
                        data={"sample_bytes": 1e6, "batch_size": 8, "step_time_s": 0.5}))
    assert uc["workloads"] == ["llm_training", "cv_training"] and uc["workload"] == "llm_training"


def test_it_normalizes_explicit_dims_with_head_dim_and_mla():
    uc = normalize(base(model={"layers": 61, "hidden_size": 7168, "ffn_hidden_size": 18432,
                               "attention_heads": 128, "kv_heads": 128, "vocab_size": 129280,
                               "kv_lora_rank": 512, "qk_rope_head_dim": 64}))
    m = uc["model"]
    assert m["kv_lora_rank"] == 512 and m["qk_rope_head_dim"] == 64 and m["head_dim"] == 56
    assert m["parameters"] == m["active_parameters"] > 0


def test_it_lets_preset_fields_be_overridden():
    uc = normalize(base(model={"preset": "llama3.1-8b", "layers": 16}))
    assert uc["model"]["layers"] == 16 and uc["model"]["parameters"] < 8e9


def test_it_keeps_a_given_parameter_count():
    m = normalize(base(model={"parameters": 7_000_000_000}))["model"]
    assert m["parameters"] == 7_000_000_000 and m["parameters_source"] == "given" and m["kind"] == "parameters"


IDEMPOTENT_CASES = [
    {"workload": "llm_training", "model": {"preset": "mlperf-llama3-1t"}},
    {"workload": "llm_training", "model": {"preset": "deepseek-v3"}, "gpus": 64, "checkpoint": {"mode": "async"}},
    {"workload": "llm_training", "model": {"parameters": 7_000_000_000}},
    {"workload": "cv_training", "model": {"preset": "resnet50"}, "gpus": 16, "data": {"total_bytes": 1e12}},
]


@pytest.mark.parametrize("document", IDEMPOTENT_CASES)
def test_it_accepts_its_own_output_unchanged(document):
    once = normalize(document)
    assert normalize(once) == once


@pytest.mark.parametrize("field,spelling,canonical", [
    ("workload", "LLM-Training", "llm_training"),
    ("precision", "BF16", "bf16"),
    ("optimizer", "AdamW", "adamw"),
    ("optimizer", "SGD-Momentum", "sgd_momentum"),
    ("framework", "DeepSpeed", "deepspeed"),
])
def test_it_accepts_any_case_and_dash_for_a_choice(field, spelling, canonical):
    doc = {"workload": "llm_training", "model": {"preset": "llama3.1-8b"}, "gpus": 8, field: spelling}
    assert rules.evaluate(doc)["use_case"][field] == canonical


def test_it_still_names_a_choice_it_cannot_read():
    with pytest.raises(rules.UseCaseError) as error:
        rules.evaluate({"workload": "llm_training", "model": {"preset": "llama3.1-8b"}, "gpus": 8,
                        "precision": "bf17"})
    assert error.value.errors["precision"] == ["must be one of fp32, bf16, fp16, fp8 (got 'bf17')"]


@pytest.mark.parametrize("value,allowed,expected", [
    ("AdamW", ("adam", "adamw"), "adamw"),
    (" BF16 ", ("fp32", "bf16"), "bf16"),
    ("llm-training", ("llm_training", "rag"), "llm_training"),
    ("Megatron Legacy", ("megatron", "megatron_legacy"), "megatron_legacy"),
    ("a-b", ("A_B", "a-b"), "A_B"),  # the first option with that spelling, as a walk over them finds
    ("nope", ("adam",), None),
    (3, ("adam",), None),
    (3, (1, 3), 3),
    ("x", ("x", 3), "x"),  # options that are not all texts: the walk itself
])
def test_it_reads_a_choice_in_any_case_and_separator(value, allowed, expected):
    from rules.fields_serving import canonical_choice

    assert canonical_choice(value, allowed) == expected
