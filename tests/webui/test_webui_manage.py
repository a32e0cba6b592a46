"""Edit, duplicate and delete a use case from the pages; step limits, pills and the return to Review."""
import json
from pathlib import Path

import pytest

import rules
from django.urls import reverse

from recommender import services
from recommender.models import UseCase
from recommender.validation.models import ValidationRun
from webui import advanced, forms

from test_webui_wizard import LLAMA3_8B_DOCUMENT, LLAMA3_8B_STEPS, Wizard, current_step

FIXTURES = sorted((Path(__file__).resolve().parents[2] / "fixtures" / "usecases").glob("*.json"))


@pytest.fixture
def own(user):
    return services.use_case_create(user, dict(LLAMA3_8B_DOCUMENT))[0]


def edit_wizard(client, use_case):
    url = client.get(reverse("use-case-edit", args=[use_case.pk]))["Location"]
    wizard = Wizard.__new__(Wizard)
    wizard.client, wizard.url = client, url
    wizard.prefix = "usecase_wizard_" + url.rstrip("/").rsplit("/", 1)[1]
    return wizard


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_it_rebuilds_the_same_document_from_the_wizard_steps_of_every_fixture(path):
    document = json.loads(path.read_text())
    steps = forms.initial_steps(document)
    bound = {}
    for step, values in steps.items():
        data = {f"{step}-{k}": v for k, v in values.items()}
        form = dict(forms.STEPS)[step](data=_querydict(data), prefix=step)
        assert form.is_valid(), (step, form.errors)
        bound[step] = form
    rebuilt = forms.build_document(bound)
    # the same needs: what the wizard fills in for untouched fields is what the validator defaults to
    assert _close(rules.evaluate(rebuilt)["requirements"], rules.evaluate(document)["requirements"])
    assert {k: v for k, v in rebuilt.items() if k in ("name", "workload", "gpus")} == \
        {k: v for k, v in document.items() if k in ("name", "workload", "gpus")}


def _querydict(data):
    from django.http import QueryDict

    q = QueryDict(mutable=True)
    for k, v in data.items():
        q.setlist(k, v if isinstance(v, list) else [v])
    return q


def _close(a, b):
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= 1e-9 * max(abs(b), 1)
    return a == b


def test_it_opens_an_edit_on_review_and_updates_the_same_use_case(logged_in, own):
    wizard = edit_wizard(logged_in, own)
    page = logged_in.get(wizard.url)
    assert current_step(page) == "review" and "Recompute the proposal" in page.content.decode()
    wizard.post("review", {}, wizard_goto_step="cluster")
    page = wizard.post("cluster", {"gpus": "16", "gpu_model": "h100"})
    assert current_step(page) == "review"  # every step still valid: straight back to Review
    wizard.post("review", {}, wizard_goto_step="parallelism")
    page = wizard.post("parallelism", {"tensor": "1", "pipeline": "1", "data": "16", "context": "1",
                                       "zero_stage": "3"})
    assert json.loads(page.context["document_json"])["parallelism"]["data"] == 16
    done = wizard.post("review", {})
    assert done.redirect_chain[-1][0] == reverse("use-case", args=[own.pk])
    own.refresh_from_db()
    assert own.document["gpus"] == 16 and own.proposals.count() == 2
    assert UseCase.objects.count() == 1


def test_it_refuses_to_edit_someone_elses_use_case(logged_in, other_user):
    theirs = services.use_case_create(other_user, dict(LLAMA3_8B_DOCUMENT))[0]
    assert logged_in.get(reverse("use-case-edit", args=[theirs.pk])).status_code == 404


def test_it_duplicates_a_use_case_with_a_fresh_proposal(logged_in, own):
    response = logged_in.post(reverse("use-case-duplicate", args=[own.pk]), follow=True)
    copy = UseCase.objects.exclude(pk=own.pk).get()
    assert copy.name == f"{own.name} (copy)" and copy.proposals.count() == 1
    assert response.redirect_chain[-1][0] == reverse("use-case", args=[copy.pk])
    assert logged_in.get(reverse("use-case-duplicate", args=[own.pk])).status_code == 405


def test_it_deletes_a_use_case_after_confirmation_and_cancels_its_running_validations(logged_in, user, own, tmp_path):
    run = ValidationRun.objects.create(owner=user, use_case=own, status=ValidationRun.RUNNING, budget_s=30)
    seen = []
    confirm = logged_in.get(reverse("use-case-delete", args=[own.pk])).content.decode()
    assert f"validation {run.pk}" in confirm and "will be cancelled" in confirm
    from recommender.validation import services as validation_services

    real_cancel = validation_services.run_cancel
    validation_services.run_cancel = lambda r: seen.append(r.pk) or real_cancel(r)
    try:
        response = logged_in.post(reverse("use-case-delete", args=[own.pk]), follow=True)
    finally:
        validation_services.run_cancel = real_cancel
    assert seen == [run.pk]
    assert not UseCase.objects.filter(pk=own.pk).exists()
    assert f"cancelled validation {run.pk}" in response.content.decode()


def test_it_stops_an_impossible_gpu_count_at_the_cluster_step(logged_in):
    wizard = Wizard(logged_in)
    wizard.post("basics", {"workload": "rag", "priority": "balanced"})
    wizard.post("rag", {"vectors": "1B", "dimensions": "768", "encoding": "float32", "index": "diskann",
                        "qps": "2000"})
    page = wizard.post("cluster", {"gpus": "99999999999"})
    assert current_step(page) == "cluster"
    assert "less than or equal to 1000000" in page.content.decode()


def test_it_goes_to_any_step_from_its_pill(logged_in):
    wizard = Wizard(logged_in)
    wizard.walk(LLAMA3_8B_STEPS)
    page = wizard.post("review", {}, wizard_goto_step="model")
    assert current_step(page) == "model"
    assert 'name="wizard_goto_step" value="checkpoint"' in page.content.decode()


def test_it_returns_to_review_after_a_fix(logged_in):
    wizard = Wizard(logged_in)
    wizard.walk(LLAMA3_8B_STEPS)
    wizard.post("review", {}, wizard_goto_step="training")
    page = wizard.post("training", {"precision": "bf16", "optimizer": "adamw", "framework": ""})
    assert current_step(page) == "review"
    assert json.loads(page.context["document_json"])["precision"] == "bf16"


def test_it_offers_tensor_parallel_and_collapsed_advanced_inputs_for_inference(logged_in):
    wizard = Wizard(logged_in)
    wizard.post("basics", {"workload": "llm_inference", "priority": "balanced"})
    wizard.post("model", {"preset": "llama3.1-70b"})
    page = wizard.post("inference", {"context_tokens": "128k", "concurrent_sequences": "8", "kv_dtype": "bf16",
                                     "weight_dtype": "bf16", "tensor_parallel": "8", "replicas": "1",
                                     "adv_prefill_mfu": "45"})
    assert current_step(page) == "cluster"
    review = wizard.post("cluster", {"gpus": "8", "gpu_model": "h100"})
    document = json.loads(review.context["document_json"])
    assert document["inference"]["tensor_parallel"] == 8 and document["inference"]["prefill_mfu"] == 0.45


@pytest.mark.parametrize("step", [s for s in advanced.ADVANCED])
def test_it_maps_every_advanced_path_to_its_step_field(step):
    form = dict(forms.STEPS)[step]()
    for entry in advanced.ADVANCED[step]:
        assert form.field_for_path(entry.path) == advanced.field_name(entry)


def test_it_duplicates_a_use_case_whose_name_is_already_at_the_limit(logged_in, user):
    long_name = dict(LLAMA3_8B_DOCUMENT, name="x" * 200)
    original = services.use_case_create(user, long_name)[0]
    copy, _ = services.use_case_duplicate(original)
    assert len(copy.name) == 200 and copy.name.endswith(" (copy)")


def test_it_deletes_a_use_case_whose_run_finished_while_cancelling(user, own, monkeypatch):
    from recommender.validation import services as validation_services

    ValidationRun.objects.create(owner=user, use_case=own, status=ValidationRun.RUNNING, budget_s=30)

    def finished(run):
        raise validation_services.InputError({"status": ["the run already finished (succeeded)"]})

    monkeypatch.setattr(validation_services, "run_cancel", finished)
    assert services.use_case_delete(own) == []
    assert not UseCase.objects.filter(pk=own.pk).exists()


def test_it_takes_the_cluster_scale_and_procurement_inputs_in_the_cluster_step(logged_in):
    wizard = Wizard(logged_in)
    wizard.post("basics", {"workload": "llm_inference", "priority": "balanced"})
    wizard.post("model", {"preset": "llama3.1-70b"})
    wizard.post("inference", {"context_tokens": "8k", "concurrent_sequences": "8", "kv_dtype": "bf16",
                              "weight_dtype": "bf16", "tensor_parallel": "8", "replicas": "1"})
    review = wizard.post("cluster", {"gpus": "8", "gpu_model": "h100", "adv_gpu_hour_usd": "3.5",
                                     "adv_sizing_basis": "jobs_only", "adv_tco_horizon_years": "4"})
    document = json.loads(review.context["document_json"])
    assert document["economics"]["gpu_hour_usd"] == 3.5
    assert document["cluster"]["sizing_basis"] == "jobs_only"
    assert document["procurement"]["tco_horizon_years"] == 4
