"""Hardening (issue 13): `check --deploy` is clean with the README's production environment, a CSP
on every page, per-user throttles answer 429 with Retry-After, failed logins are limited, and a run
the broker cannot take is a 503 with the reason."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.api.cases import MLPERF_LLAMA3_8B

ROOT = Path(__file__).resolve().parent.parent
# The production environment the README shows (behind a TLS-terminating proxy).
PRODUCTION_ENV = {"DEBUG": "false", "HTTPS": "true", "ALLOWED_HOSTS": "advisor.example.org",
                  "CSRF_TRUSTED_ORIGINS": "https://advisor.example.org",
                  "SECRET_KEY": "k3Jv9x-Qp2Lz7Rw8Ym4Tn6Bc1Hs5Dg0Fa-Ue3Wi9Oo2Pq7Rr4St8Uv1Wx6Yz0"}


def manage_check(extra_env, tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("HTTPS", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE") and not k.startswith("SECURE_")}
    env.update(extra_env, ADVISOR_DATA_DIR=str(tmp_path / "var"))
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_it_passes_check_deploy_with_the_production_environment(tmp_path):
    done = manage_check(PRODUCTION_ENV, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_it_warns_without_the_https_settings(tmp_path):
    done = manage_check({**PRODUCTION_ENV, "HTTPS": "false"}, tmp_path)
    assert done.returncode != 0
    assert all(code in done.stderr for code in ("W004", "W008", "W012", "W016"))


def test_it_keeps_the_readme_production_section_in_step_with_the_test():
    readme = (ROOT / "README.md").read_text()
    assert "HTTPS=true" in readme and "check --deploy" in readme


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/login/", "/api/v1/sizing", "/api/docs/"])
def test_it_sets_a_content_security_policy(client, url):
    policy = client.get(url)["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "script-src 'self';" in policy and "object-src 'none'" in policy


# No cache.clear(): on Redis it would flush the Celery broker's database too. Counters are keyed
# by user id (fresh per test on PostgreSQL, rolled back with the test on the SQLite DB cache).
LOGIN_KEYS = ["login-failures:addr:127.0.0.1", "login-failures:user:carol"]


@pytest.fixture
def low_rates(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        "sizing": "2/min", "sweep": "1/min", "pdf": "1/min", "validation_start": "1/min"}}


def test_it_throttles_sizing_per_user_with_retry_after(api_client, other_user, low_rates):
    answers = [api_client.post("/api/v1/sizing", MLPERF_LLAMA3_8B, format="json") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert 0 < int(answers[-1]["Retry-After"]) <= 60 and "throttled" in answers[-1].json()["detail"]
    other = APIClient()
    other.force_authenticate(other_user)
    assert other.post("/api/v1/sizing", MLPERF_LLAMA3_8B, format="json").status_code == 200


def test_it_counts_use_case_stores_as_sizing(api_client, low_rates):
    codes = [api_client.post("/api/v1/use-cases/", MLPERF_LLAMA3_8B, format="json").status_code
             for _ in range(3)]
    assert codes == [201, 201, 429]


def test_it_throttles_the_sweep_and_the_pdf(api_client, low_rates):
    sweep = [api_client.post("/api/v1/sizing/sweep", MLPERF_LLAMA3_8B, format="json").status_code
             for _ in range(2)]
    assert sweep == [200, 429]
    assert api_client.get("/api/v1/use-cases/1/report.pdf").status_code in (404, 200)
    assert api_client.get("/api/v1/use-cases/1/report.pdf").status_code == 429


@pytest.mark.django_db
def test_it_limits_failed_logins_per_address_and_lets_good_ones_through(client, django_user_model, settings):
    cache.delete_many(LOGIN_KEYS)
    settings.LOGIN_FAILURE_LIMIT = 3
    django_user_model.objects.create_user("carol", password="carol-password-1")
    assert client.post("/login/", {"username": "carol", "password": "carol-password-1"}).status_code == 302
    client.logout()
    codes = [client.post("/login/", {"username": "carol", "password": "wrong"}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    blocked = client.post("/login/", {"username": "carol", "password": "carol-password-1"})
    assert blocked.status_code == 429 and int(blocked["Retry-After"]) == settings.LOGIN_FAILURE_WINDOW_S
    cache.delete_many(LOGIN_KEYS)


def test_it_answers_503_with_the_reason_when_the_broker_is_down(transactional_db, django_user_model):
    from celery import Celery

    from recommender import services
    from recommender.celery import app
    from recommender.validation.models import Target

    user = django_user_model.objects.create_user("dave", password="dave-password-1")
    use_case, _ = services.use_case_create(user, MLPERF_LLAMA3_8B)
    target_dir = ROOT / "var" / "test-broker-down-target"
    target_dir.mkdir(parents=True, exist_ok=True)
    Target.objects.create(name="default", host_queue="advisor", path=str(target_dir),
                          size_cap_bytes=1 << 26, free_floor_bytes=0)
    client = APIClient()
    client.force_authenticate(user)
    unreachable = Celery("unreachable", broker="redis://127.0.0.1:1/0",  # nothing listens on port 1
                         broker_transport_options={"max_retries": 0}, task_publish_retry=False)
    unreachable.set_current()
    try:
        response = client.post(f"/api/v1/use-cases/{use_case.pk}/validations/", {"budget_s": 5}, format="json")
    finally:
        app.set_current()
        target_dir.rmdir()
    assert response.status_code == 503, response.content
    assert "could not queue the run" in response.json()["detail"] and response["Retry-After"]


def test_it_renders_a_proposals_pdf_once_and_serves_it_from_the_cache(api_client, user):
    import time

    from recommender.api import pdfs
    from recommender.models import Proposal

    pk = api_client.post("/api/v1/use-cases/", MLPERF_LLAMA3_8B, format="json").json()["id"]
    cache.delete(pdfs.cache_key(Proposal.objects.get(use_case_id=pk)))
    started = time.monotonic()
    first = api_client.get(f"/api/v1/use-cases/{pk}/report.pdf")
    render_s = time.monotonic() - started
    assert first.status_code == 200 and first.content.startswith(b"%PDF")
    assert cache.get(pdfs.cache_key(Proposal.objects.get(use_case_id=pk))) == first.content
    started = time.monotonic()
    again = api_client.get(f"/api/v1/use-cases/{pk}/report.pdf")
    assert again.content == first.content and time.monotonic() - started < render_s


def test_it_lets_one_user_render_one_pdf_at_a_time(api_client, user):
    pk = api_client.post("/api/v1/use-cases/", MLPERF_LLAMA3_8B, format="json").json()["id"]
    cache.set(f"pdf-render:{user.pk}", 1, timeout=60)  # a render of this user in progress
    response = api_client.get(f"/api/v1/use-cases/{pk}/report.pdf")
    cache.delete(f"pdf-render:{user.pk}")
    assert response.status_code == 429 and response["Retry-After"] and "being rendered" in response.json()["detail"]
