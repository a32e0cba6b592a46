"""POST /api/v1/sizing: computed, returned, never stored."""
import pytest
from rest_framework.test import APIClient

from recommender.models import UseCase

from .cases import GiB, MLPERF_LLAMA3_8B

pytestmark = pytest.mark.django_db


def test_it_returns_the_mlperf_llama3_8b_checkpoint_size(api_client):
    r = api_client.post("/api/v1/sizing", MLPERF_LLAMA3_8B, format="json")
    assert r.status_code == 200, r.content
    checkpoint = r.json()["requirements"]["checkpoint"]
    assert checkpoint["total_bytes"] == pytest.approx(104.7 * GiB, rel=0.015)
    assert checkpoint["files"] == 16


def test_it_returns_the_whole_contract(api_client):
    doc = api_client.post("/api/v1/sizing", MLPERF_LLAMA3_8B, format="json").json()
    for key in ("requirements", "tiers", "proposals", "findings"):
        assert key in doc
    assert doc["proposals"][0]["rank"] == 1
    assert {"rank", "architecture", "score", "cost_usd", "meets_requirements", "bom"} <= set(doc["proposals"][0])
    assert all(f["sources"] for f in doc["findings"])


def test_it_stores_nothing(api_client):
    api_client.post("/api/v1/sizing", MLPERF_LLAMA3_8B, format="json")
    assert UseCase.objects.count() == 0


def test_it_names_the_bad_field(api_client):
    r = api_client.post("/api/v1/sizing", {**MLPERF_LLAMA3_8B, "gpus": -4}, format="json")
    assert r.status_code == 400
    assert "gpus" in r.json()


def test_it_rejects_a_layout_that_does_not_multiply_to_the_gpu_count(api_client):
    bad = {**MLPERF_LLAMA3_8B, "parallelism": {"tensor": 2, "pipeline": 1, "data": 8}}
    r = api_client.post("/api/v1/sizing", bad, format="json")
    assert r.status_code == 400
    assert any(key.startswith("parallelism") for key in r.json())


@pytest.mark.parametrize("body", ["[1, 2]", "not json", '"text"'])
def test_it_rejects_a_body_that_is_not_a_json_object(api_client, body):
    r = api_client.generic("POST", "/api/v1/sizing", body, content_type="application/json")
    assert r.status_code == 400


def test_it_refuses_anonymous_callers(db):
    r = APIClient().post("/api/v1/sizing", MLPERF_LLAMA3_8B, format="json")
    assert r.status_code == 401


def test_it_accepts_a_token(user):
    from rest_framework.authtoken.models import Token

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    assert client.post("/api/v1/sizing", MLPERF_LLAMA3_8B, format="json").status_code == 200
