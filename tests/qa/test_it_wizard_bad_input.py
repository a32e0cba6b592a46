"""The wizard under bad input: the step comes back with the error on its field, never a 500.
Each case here was a 500 (OverflowError, KeyError) before its fix."""
import pytest

from recommender.models import UseCase
from tests.webui.test_webui_wizard import LLAMA3_8B_STEPS, Wizard, current_step


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


def walk_to(wizard, step):
    """Submit the Llama3-8B steps before `step`."""
    for name, fields in LLAMA3_8B_STEPS:
        if name == step:
            return
        wizard.post(name, fields)


@pytest.mark.parametrize("step, field, value", [
    ("model", "parameters", "1e400"),
    ("model", "parameters", "1e300T"),
    ("checkpoint", "recovery_s", "1e400 min"),
    ("checkpoint", "recovery_s", "1e306 d"),
    ("data", "total_bytes", "1e300 PB"),
    ("data", "tokens_per_s", "1e400"),
])
def test_it_says_a_quantity_is_too_large(logged_in, step, field, value):
    wizard = Wizard(logged_in)
    walk_to(wizard, step)
    fields = {**dict(LLAMA3_8B_STEPS)[step], field: value}
    if step == "model":
        fields = {field: value}
    response = wizard.post(step, fields)
    assert response.status_code == 200
    assert current_step(response) == step
    assert response.context["form"].errors[field] == [f"'{value}' is too large"]


@pytest.mark.parametrize("posted_step", ["nosuchstep", "rag", "review'--"])
def test_it_shows_the_current_step_again_for_a_step_the_wizard_does_not_have(logged_in, posted_step):
    wizard = Wizard(logged_in)
    wizard.post("basics", dict(LLAMA3_8B_STEPS)["basics"])  # llm_training: no rag step
    response = wizard.post(posted_step, {"vectors": "1B"})
    assert response.status_code == 200
    assert current_step(response) == "model"
    assert (f"this wizard has no step {posted_step!r} here; fill in this step and continue"
            in response.context["form"].non_field_errors())
    response = wizard.post("model", dict(LLAMA3_8B_STEPS)["model"])  # and it carries on from there
    assert current_step(response) == "training"


def test_it_stops_a_huge_gpu_count_at_the_cluster_step(logged_in):
    wizard = Wizard(logged_in)
    response = None
    for name, fields in LLAMA3_8B_STEPS:
        response = wizard.post(name, {**fields, "gpus": "1" + "0" * 30} if name == "cluster" else fields)
        if name == "cluster":
            break
    assert response.status_code == 200
    assert current_step(response) == "cluster"  # each step enforces its own limits (issue 12)
    assert "1000000" in response.context["form"].errors["gpus"][0].replace(",", "")  # the validator's MAX_GPUS
    assert not UseCase.objects.exists()


def test_it_answers_404_to_a_comparison_of_ids_no_row_can_have(logged_in):
    response = logged_in.get("/compare/", {"ids": ["9" * 30, "1"]})
    assert response.status_code == 404


def test_it_sends_a_one_femtosecond_interval_back_to_the_checkpoint_step(logged_in):
    wizard = Wizard(logged_in)
    steps = [(name, {**fields, "interval_s": "1e-300"} if name == "checkpoint" else fields)
             for name, fields in LLAMA3_8B_STEPS]
    wizard.walk(steps)
    response = wizard.post("review", {})
    assert response.status_code == 200
    assert current_step(response) == "checkpoint"
    assert response.context["form"].errors["interval_s"] == ["must be at least 0.001"]
    assert not UseCase.objects.exists()
