"""/api/v1/use-cases/: stored per user, each user sees only their own."""
import pytest
from rest_framework.test import APIClient

from recommender.models import Proposal, UseCase

from .cases import GiB, MLPERF_LLAMA3_8B

pytestmark = pytest.mark.django_db


def test_it_stores_the_use_case_with_its_proposal(api_client, user):
    r = api_client.post("/api/v1/use-cases/", MLPERF_LLAMA3_8B, format="json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["name"] == "MLPerf Storage Llama3-8B"
    assert body["workload"] == "llm_training"
    checkpoint = body["proposal"]["document"]["requirements"]["checkpoint"]
    assert checkpoint["total_bytes"] == pytest.approx(104.7 * GiB, rel=0.015)
    assert UseCase.objects.get().owner == user


def test_it_stores_nothing_when_the_use_case_is_bad(api_client):
    r = api_client.post("/api/v1/use-cases/", {**MLPERF_LLAMA3_8B, "gpus": 0}, format="json")
    assert r.status_code == 400
    assert "gpus" in r.json()
    assert UseCase.objects.count() == 0 and Proposal.objects.count() == 0


def test_it_lists_only_the_callers_use_cases(api_client, other_user):
    api_client.post("/api/v1/use-cases/", MLPERF_LLAMA3_8B, format="json")
    other = APIClient()
    other.force_authenticate(other_user)
    assert other.get("/api/v1/use-cases/").json()["count"] == 0
    assert api_client.get("/api/v1/use-cases/").json()["count"] == 1


def test_it_hides_other_users_use_cases(api_client, other_user):
    pk = api_client.post("/api/v1/use-cases/", MLPERF_LLAMA3_8B, format="json").json()["id"]
    other = APIClient()
    other.force_authenticate(other_user)
    assert other.get(f"/api/v1/use-cases/{pk}/").status_code == 404
    assert other.get(f"/api/v1/use-cases/{pk}/report.pdf").status_code == 404
    assert other.delete(f"/api/v1/use-cases/{pk}/").status_code == 404


def test_it_serves_the_latest_proposal_document(api_client):
    pk = api_client.post("/api/v1/use-cases/", MLPERF_LLAMA3_8B, format="json").json()["id"]
    doc = api_client.get(f"/api/v1/use-cases/{pk}/proposal/").json()
    assert doc["requirements"]["checkpoint"]["files"] == 16


def test_it_recomputes_on_update(api_client):
    pk = api_client.post("/api/v1/use-cases/", MLPERF_LLAMA3_8B, format="json").json()["id"]
    bigger = {**MLPERF_LLAMA3_8B, "gpus": 16, "parallelism": {"data": 16, "zero_stage": 3}}
    r = api_client.put(f"/api/v1/use-cases/{pk}/", bigger, format="json")
    assert r.status_code == 200, r.content
    assert api_client.get(f"/api/v1/use-cases/{pk}/proposals/").json()["count"] == 2
    assert r.json()["document"]["gpus"] == 16


def test_it_exports_the_bom_as_csv(api_client):
    pk = api_client.post("/api/v1/use-cases/", MLPERF_LLAMA3_8B, format="json").json()["id"]
    r = api_client.get(f"/api/v1/use-cases/{pk}/bom.csv")
    assert r.status_code == 200
    header = r.content.decode().splitlines()[0]
    assert "quantity" in header and "subtotal_usd" in header


def test_it_exports_a_pdf(api_client):
    pk = api_client.post("/api/v1/use-cases/", MLPERF_LLAMA3_8B, format="json").json()["id"]
    r = api_client.get(f"/api/v1/use-cases/{pk}/report.pdf")
    assert r.status_code == 200
    assert r.content.startswith(b"%PDF")
