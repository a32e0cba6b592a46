"""Validation API: start runs (202), owners only, staff-only target writes, field-level 400s."""
import pytest
from rest_framework.test import APIClient

from recommender.validation.models import Target, ValidationRun


@pytest.fixture
def staff_client(django_user_model):
    admin = django_user_model.objects.create_user("root", password="root-password-1", is_staff=True)
    client = APIClient()
    client.force_authenticate(admin)
    return client


@pytest.fixture
def other_client(other_user):
    client = APIClient()
    client.force_authenticate(other_user)
    return client


def start(api_client, use_case, body=None):
    return api_client.post(f"/api/v1/use-cases/{use_case.pk}/validations/", body or {}, format="json")


def test_it_accepts_a_run_with_202_and_a_run_id(api_client, use_case, make_target):
    make_target("default")
    response = start(api_client, use_case, {"budget_s": 5})
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued" and body["targets"] == ["default"] and body["budget_s"] == 5.0
    got = api_client.get(f"/api/v1/validations/{body['id']}/").json()
    assert got["id"] == body["id"] and got["hosts"][0]["target"] == "default"
    assert [r["id"] for r in api_client.get(f"/api/v1/use-cases/{use_case.pk}/validations/").json()] == [body["id"]]


@pytest.mark.parametrize("body, field, message", [
    ({"budget_s": 0}, "budget_s", "greater than or equal to 1"),
    ({"budget_s": "soon"}, "budget_s", "valid number"),
    ({"targets": "default"}, "targets", "list"),
    ({"targets": ["missing"]}, "targets", "unknown target 'missing'"),
])
def test_it_answers_bad_input_with_field_errors(api_client, use_case, make_target, body, field, message):
    make_target("default")
    response = start(api_client, use_case, body)
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    assert not ValidationRun.objects.exists()


def test_it_rejects_a_body_that_is_not_an_object(api_client, use_case, make_target):
    make_target("default")
    response = api_client.post(f"/api/v1/use-cases/{use_case.pk}/validations/", [1], format="json")
    assert response.status_code == 400 and "expected a JSON object" in response.json()["non_field_errors"][0]


def test_it_hides_other_users_runs_and_use_cases(api_client, other_client, use_case, make_target):
    make_target("default")
    run_id = start(api_client, use_case).json()["id"]
    assert other_client.get(f"/api/v1/validations/{run_id}/").status_code == 404
    assert other_client.post(f"/api/v1/validations/{run_id}/cancel/").status_code == 404
    assert other_client.get("/api/v1/validations/").json()["results"] == []
    assert start(other_client, use_case).status_code == 404


def test_it_cancels_a_run_once(api_client, use_case, make_target):
    make_target("default")
    run_id = start(api_client, use_case).json()["id"]
    response = api_client.post(f"/api/v1/validations/{run_id}/cancel/")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    again = api_client.post(f"/api/v1/validations/{run_id}/cancel/")
    assert again.status_code == 409 and "already finished" in again.json()["status"][0]


def test_it_lists_targets_to_users_but_lets_only_staff_change_them(api_client, staff_client, make_target, tmp_path):
    make_target("default")
    assert [t["name"] for t in api_client.get("/api/v1/targets/").json()["results"]] == ["default"]
    body = {"name": "nas", "path": str(tmp_path), "size_cap_bytes": 10**9, "free_floor_bytes": 0}
    assert api_client.post("/api/v1/targets/", body, format="json").status_code == 403
    created = staff_client.post("/api/v1/targets/", body, format="json")
    assert created.status_code == 201 and created.json()["host_queue"] == "advisor"
    assert Target.objects.filter(name="nas").exists()


@pytest.mark.parametrize("change, field, message", [
    ({"path": "relative/dir"}, "path", "not an absolute path"),
    ({"path": "/srv/../etc"}, "path", "contains '..'"),
    ({"size_cap_bytes": 100}, "size_cap_bytes", "at least 8388608"),
    ({"free_floor_bytes": -1}, "free_floor_bytes", "non-negative"),
    ({"host_queue": "two words"}, "host_queue", "without spaces"),
])
def test_it_validates_targets_per_field(staff_client, tmp_path, change, field, message):
    body = {"name": "nas", "path": str(tmp_path), "size_cap_bytes": 10**9, "free_floor_bytes": 0, **change}
    response = staff_client.post("/api/v1/targets/", body, format="json")
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])


def test_list_items_are_summaries_and_the_item_has_the_detail(api_client, use_case, make_target):
    make_target("default")
    run_id = start(api_client, use_case, {"budget_s": 5}).json()["id"]
    checks = [{"requirement": "checkpoint.write_bytes_per_s", "pass": True, "basis": "extrapolated"},
              {"requirement": "checkpoint.restore_bytes_per_s", "pass": False, "basis": "measured"}]
    ValidationRun.objects.filter(pk=run_id).update(
        log="a long log\n", results={"checks": checks, "measured_clients": 1, "planned_clients": 2})
    for url in ("/api/v1/validations/", f"/api/v1/use-cases/{use_case.pk}/validations/"):
        body = api_client.get(url).json()
        item = (body["results"] if isinstance(body, dict) else body)[0]
        assert "log" not in item and "results" not in item
        assert item["summary"] == {"checks": 2, "passed": 1, "failed": 1, "extrapolated": 1,
                                   "measured_clients": 1, "planned_clients": 2, "calibrated_proposal": None}
    detail = api_client.get(f"/api/v1/validations/{run_id}/").json()
    assert detail["results"]["checks"] == checks and detail["log"] == "a long log\n"
