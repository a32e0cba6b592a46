"""Presets: every entry carries its source and works through the engine."""
import pytest

import rules
from rules import presets

ALL = [(kind, name) for kind in ("models", "gpus", "workloads") for name in presets.names(kind)]


@pytest.mark.parametrize("kind,name", ALL)
def test_it_sources_every_preset(kind, name):
    assert len(presets.get(kind, name)["source"]) > 20


@pytest.mark.parametrize("name", presets.names("models"))
def test_it_evaluates_every_model_preset_for_training(name):
    r = rules.evaluate({"workload": "llm_training", "model": {"preset": name}, "gpus": 1024,
                        "parallelism": {"tensor": 4}})
    assert r["requirements"]["checkpoint"]["total_bytes"] > 0


@pytest.mark.parametrize("name,accelerator", [(w, a) for w in presets.names("workloads")
                                              for a in presets.workload(w)["accelerators"]])
def test_it_evaluates_every_published_workload_accelerator(name, accelerator):
    gpu = next(g for g in presets.names("gpus") if presets.gpu(g)["mlperf_name"] == accelerator)
    r = rules.evaluate({"workload": "cv_training", "model": {"preset": name}, "gpus": 8, "gpu_model": gpu})
    wl = presets.workload(name)["accelerators"][accelerator]
    data = r["requirements"]["training_data"]
    assert (data["batch_size"], data["step_time_s"]) == (wl["batch_size"], wl["step_time_s"])


def test_it_finds_presets_case_insensitively_and_returns_copies():
    a = presets.model("Llama3.1-8B")
    a["layers"] = 1
    assert presets.model("llama3.1-8b")["layers"] == 32


def test_it_returns_none_for_unknown_presets():
    assert presets.model("nope") is None and presets.gpu("nope") is None
