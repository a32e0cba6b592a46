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


@pytest.mark.parametrize("kind,spelling,preset_id", [
    ("models", "meta-llama/Llama-3.1-70B-Instruct", "llama3.1-70b"),
    ("models", "LLAMA_3.1_8B", "llama3.1-8b"),
    ("models", "bigscience/bloom", "bloom-176b"),
    ("models", "GPT-3", "gpt3-175b"),
    ("gpus", "H100 SXM5", "h100"),
    ("gpus", "NVIDIA-B200", "b200"),
    ("workloads", "3D-UNet", "unet3d"),
    ("workloads", "ResNet-50", "resnet50"),
])
def test_it_finds_a_preset_by_any_common_spelling(kind, spelling, preset_id):
    assert presets.resolve(kind, spelling) == preset_id
    assert presets.get(kind, spelling) == presets.get(kind, preset_id)


def test_it_knows_no_preset_for_an_unknown_name():
    assert presets.resolve("models", "llama-9-1000b") is None
    with pytest.raises(rules.UseCaseError) as error:
        rules.evaluate({"workload": "llm_training", "model": {"preset": "llama-9-1000b"}, "gpus": 8})
    assert "model.preset" in error.value.errors


@pytest.mark.parametrize("kind", ["models", "gpus", "workloads"])
def test_it_gives_every_alias_to_one_preset_only(kind):
    owners = {}
    for name in presets.names(kind):
        for alias in (name, *presets.get(kind, name).get("aliases", ())):
            owners.setdefault(presets._key(alias), set()).add(name)
    assert {key: ids for key, ids in owners.items() if len(ids) > 1} == {}
