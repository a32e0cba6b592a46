"""The wizard through Django's test client: steps per family, units converted, field errors on the
step that owns the field, nothing stored half-way, back keeps input, parallel wizards stay apart."""
import json

import pytest
from django.urls import reverse

from recommender.models import UseCase
from webui import forms

LLAMA3_8B_STEPS = [
    ("basics", {"name": "Llama3-8B MLPerf", "workload": "llm_training", "priority": "balanced"}),
    ("model", {"layers": "32", "hidden_size": "4096", "ffn_hidden_size": "14336", "attention_heads": "32",
               "kv_heads": "8", "vocab_size": "128256"}),
    ("training", {"precision": "fp16", "optimizer": "adam", "framework": ""}),
    ("cluster", {"gpus": "8", "gpu_model": "h100"}),
    ("parallelism", {"tensor": "1", "pipeline": "1", "data": "8", "context": "1", "zero_stage": "3"}),
    ("checkpoint", {"mode": "sync", "stall_budget_percent": "5", "recovery_s": "10 min"}),
    ("data", {"total_bytes": "", "tokens_per_s": "", "format": ""}),
]
LLAMA3_8B_DOCUMENT = {
    "name": "Llama3-8B MLPerf", "workload": "llm_training", "priority": "balanced",
    "model": {"layers": 32, "hidden_size": 4096, "ffn_hidden_size": 14336, "attention_heads": 32,
              "kv_heads": 8, "vocab_size": 128256},
    "precision": "fp16", "optimizer": "adam", "gpus": 8, "gpu_model": "h100",
    "parallelism": {"tensor": 1, "pipeline": 1, "data": 8, "context": 1, "zero_stage": 3},
    "checkpoint": {"mode": "sync", "stall_budget_fraction": 0.05, "recovery_s": 600.0},
}


class Wizard:
    """Drives one wizard instance (its own id, so its own session storage)."""

    def __init__(self, client):
        self.client = client
        self.url = client.get(reverse("wizard-start"))["Location"]
        self.prefix = "usecase_wizard_" + self.url.rstrip("/").rsplit("/", 1)[1]

    def post(self, step, fields, **extra):
        data = {f"{self.prefix}-current_step": step, **{f"{step}-{k}": v for k, v in fields.items()}, **extra}
        return self.client.post(self.url, data, follow=True)

    def walk(self, steps):
        response = None
        for step, fields in steps:
            response = self.post(step, fields)
        return response


def current_step(response):
    return response.context["wizard"]["steps"].current


def test_it_builds_the_same_document_the_api_takes(logged_in):
    response = Wizard(logged_in).walk(LLAMA3_8B_STEPS)
    assert current_step(response) == "review"
    assert json.loads(response.context["document_json"]) == LLAMA3_8B_DOCUMENT


@pytest.mark.parametrize("workload, steps", [
    ("llm_training", ["basics", "model", "training", "cluster", "parallelism", "checkpoint", "data", "review"]),
    ("cv_training", ["basics", "cv", "cluster", "review"]),
    ("llm_inference", ["basics", "model", "inference", "cluster", "review"]),
    ("rag", ["basics", "rag", "cluster", "review"]),
    ("video_analytics", ["basics", "video", "cluster", "review"]),
    ("tabular_ml", ["basics", "tabular", "cluster", "review"]),
    ("data_ingest", ["basics", "ingest", "cluster", "review"]),
])
def test_it_asks_only_the_steps_the_workload_needs(logged_in, workload, steps):
    response = Wizard(logged_in).post("basics", {"workload": workload, "priority": "balanced"})
    assert [name for name, _ in response.context["step_titles"]] == steps
    assert current_step(response) == steps[1]


def test_it_adds_the_steps_of_every_family_in_a_combined_use_case(logged_in):
    response = Wizard(logged_in).post("basics", {"workload": "llm_training", "also": ["llm_inference", "rag"],
                                                 "priority": "balanced"})
    names = [name for name, _ in response.context["step_titles"]]
    assert names == ["basics", "model", "training", "inference", "rag", "cluster", "parallelism", "checkpoint",
                     "data", "review"]


@pytest.mark.parametrize("step, fields, field, message", [
    ("cluster", {"gpus": "-4", "gpu_model": "h100"}, "gpus", "greater than or equal to 1"),
    ("cluster", {"gpus": "eight", "gpu_model": "h100"}, "gpus", "Enter a whole number"),
    ("checkpoint", {"mode": "sync", "stall_budget_percent": "5", "recovery_s": "12 parsecs"}, "recovery_s",
     "unknown unit 'parsecs'"),
    ("checkpoint", {"mode": "sync", "stall_budget_percent": "90"}, "stall_budget_percent",
     "less than or equal to 50"),
    ("model", {"layers": "32"}, "hidden_size", "needed when you give the dimensions"),
])
def test_it_shows_field_errors_on_the_bad_step_and_stores_nothing(logged_in, step, fields, field, message):
    wizard = Wizard(logged_in)
    names = [name for name, _ in LLAMA3_8B_STEPS]
    wizard.walk(LLAMA3_8B_STEPS[:names.index(step)])
    response = wizard.post(step, fields)
    assert current_step(response) == step
    assert any(message in e for e in response.context["form"].errors[field])
    assert f'data-field="{field}"' in response.content.decode()
    assert UseCase.objects.count() == 0


def test_it_keeps_what_was_typed_when_going_back(logged_in):
    wizard = Wizard(logged_in)
    wizard.walk(LLAMA3_8B_STEPS[:3])
    response = wizard.post("cluster", {"gpus": "512"}, wizard_goto_step="training")
    assert current_step(response) == "training"
    response = wizard.post("training", dict(LLAMA3_8B_STEPS[2][1]))
    assert current_step(response) == "cluster"
    assert response.context["form"]["gpus"].value() == "512"


def test_it_keeps_two_wizards_in_one_session_apart(logged_in):
    first, second = Wizard(logged_in), Wizard(logged_in)
    first.post("basics", {"workload": "rag", "priority": "balanced"})
    response = second.post("basics", {"workload": "video_analytics", "priority": "cost"})
    assert current_step(response) == "video"
    response = first.client.get(first.url)
    assert current_step(response) == "rag"


@pytest.mark.parametrize("path, step, field", [
    ("gpus", "cluster", "gpus"),
    ("parallelism.tensor", "parallelism", "tensor"),
    ("parallelism", "parallelism", None),
    ("model.preset", "model", "preset"),
    ("checkpoint.stall_budget_fraction", "checkpoint", "stall_budget_percent"),
    ("checkpoint.restart_s", "checkpoint", "adv_restart_s"),
    ("checkpoint.sizing", "checkpoint", "adv_sizing"),
    ("economics.gpu_hour_usd", "cluster", "adv_gpu_hour_usd"),
    ("cluster.sizing_basis", "cluster", "adv_sizing_basis"),
    ("procurement.tco_horizon_years", "cluster", "adv_tco_horizon_years"),
    ("inference.context_tokens", "inference", "context_tokens"),
    ("workload.1", "basics", "also"),
])
def test_it_maps_rule_errors_back_to_the_step_field(path, step, field):
    steps = {name: cls() for name, cls in forms.STEPS}
    owner = next(name for name, form in steps.items() if form.owns(path))
    assert owner == step
    assert steps[owner].field_for_path(path) == field
