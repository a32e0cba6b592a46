"""Properties that must hold for any valid input (hypothesis)."""
from hypothesis import given, settings
from hypothesis import strategies as st

import rules
from rules import formulas as f

SETTINGS = settings(max_examples=60, deadline=None)

heads = st.sampled_from([8, 16, 32, 64, 128])
model_dims = st.fixed_dictionaries({
    "layers": st.integers(1, 128), "hidden_per_head": st.sampled_from([64, 128]), "attention_heads": heads,
    "kv_divisor": st.sampled_from([1, 2, 4, 8]), "ffn_mult": st.floats(1.0, 4.0),
    "vocab_size": st.integers(1000, 256_000)})


def to_model(d):
    h = d["hidden_per_head"] * d["attention_heads"]
    return {"layers": d["layers"], "hidden_size": h, "ffn_hidden_size": int(h * d["ffn_mult"]),
            "attention_heads": d["attention_heads"], "kv_heads": max(1, d["attention_heads"] // d["kv_divisor"]),
            "vocab_size": d["vocab_size"]}


def checkpoint(model, gpus, mode="sync", tensor=1, framework=None, zero=0):
    doc = {"workload": "llm_training", "model": model, "gpus": gpus, "gpu_model": "h100",
           "parallelism": {"tensor": tensor, "zero_stage": zero}, "checkpoint": {"mode": mode}}
    if framework:
        doc["framework"] = framework
    return rules.evaluate(doc)["requirements"]["checkpoint"]


@SETTINGS
@given(model_dims, st.integers(1, 2048), st.integers(1, 32), st.sampled_from(["sync", "async"]),
       st.sampled_from(["megatron", "deepspeed", "fsdp", "megatron_legacy"]))
def test_it_never_lowers_write_bandwidth_when_gpus_are_added(d, dp, more, mode, framework):
    model = to_model(d)
    tensor = 8 if model["kv_heads"] % 8 == 0 else 1
    small = checkpoint(model, 8 * dp, mode, tensor=tensor, framework=framework)
    large = checkpoint(model, 8 * dp * more, mode, tensor=tensor, framework=framework)
    assert large["write_bytes_per_s"] >= small["write_bytes_per_s"] * (1 - 1e-9)


@SETTINGS
@given(model_dims, st.integers(1, 16), st.sampled_from(["layers", "hidden_per_head", "ffn_mult", "vocab_size"]))
def test_it_never_shrinks_a_checkpoint_when_the_model_grows(d, factor, field):
    bigger = dict(d, **{field: d[field] * (factor if field != "ffn_mult" else 1 + factor / 4)})
    if field == "layers":
        bigger["layers"] = min(bigger["layers"], 10_000)
    a, b = to_model(d), to_model(bigger)
    assert f.parameter_count(b) >= f.parameter_count(a)
    assert checkpoint(b, 8)["total_bytes"] >= checkpoint(a, 8)["total_bytes"]


@SETTINGS
@given(st.floats(1, 3600), st.floats(600, 1e8))
def test_it_checkpoints_no_more_often_with_a_costlier_save(delta, mtti):
    assert f.daly_interval_s(delta * 1.5, mtti) >= f.daly_interval_s(delta, mtti) or delta * 1.5 >= 2 * mtti


@SETTINGS
@given(st.floats(1e-3, 0.5), st.floats(60, 1e9))
def test_it_finds_a_stall_budget_interval_below_the_mtti(fraction, mtti):
    tau = f.interval_for_stall_budget_s(fraction, mtti)
    assert 0 < tau <= mtti * (1 + 1e-9)


@SETTINGS
@given(model_dims, st.integers(1, 64), st.sampled_from([1, 2, 3]))
def test_it_splits_the_same_bytes_over_any_layout(d, dp, zero):
    model = to_model(d)
    total = checkpoint(model, 8 * dp, framework="deepspeed", zero=zero)
    # per-rank bytes are rounded to whole bytes: allow one byte per writer
    assert total["per_rank_bytes"] * total["writers"] >= total["total_bytes"] - total["writers"]
    assert total["largest_file_bytes"] <= total["total_bytes"]


json_values = st.recursive(st.none() | st.booleans() | st.integers(-10**6, 10**12) |
                           st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=12),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                                       max_size=3), max_leaves=8)
FIELDS = ["workload", "model", "precision", "optimizer", "framework", "parallelism", "gpus", "gpu_model", "data",
          "checkpoint", "priority", "name"]


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=6),
       st.sampled_from(["llm_training", "cv_training", ["llm_training", "cv_training"]]))
def test_it_answers_any_document_with_a_result_or_field_errors(doc, workload):
    doc.setdefault("workload", workload)
    try:
        result = rules.evaluate(doc)
    except rules.UseCaseError as exc:
        assert exc.errors and all(isinstance(m, list) and m for m in exc.errors.values())
    else:
        assert set(result) == {"use_case", "requirements", "tiers", "findings"}


@settings(max_examples=200, deadline=None)
@given(st.fixed_dictionaries({k: json_values for k in ("tensor", "pipeline", "data", "zero_stage")}))
def test_it_answers_any_parallelism_with_a_result_or_field_errors(par):
    try:
        rules.evaluate({"workload": "llm_training", "model": {"preset": "llama3.1-8b"}, "parallelism": par})
    except rules.UseCaseError as exc:
        assert all(p.startswith("parallelism") or p == "gpus" for p in exc.errors), exc.errors
