"""docker-compose.yml (no Docker engine here): read it and check that what it starts exists and
is configured the way the settings read it."""
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = ["migrate", "web", "worker", "worker-storage-host"]


def commands(service):
    """The manage.py commands a service's command line runs."""
    line = " ".join(SERVICES[service].get("command", []))
    parts = [chunk.split() for chunk in line.split("manage.py")[1:]]
    return [words[0] for words in parts]


def test_it_runs_only_manage_commands_that_exist():
    known = get_commands()
    for name in commands("migrate"):
        assert name in known, name


@pytest.mark.parametrize("service", APP_SERVICES)
def test_it_gives_every_app_service_the_settings_it_needs(service):
    env = SERVICES[service]["environment"]
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY"} <= set(env)
    assert env["DATABASE_URL"].startswith("postgres://") and "@db:5432/" in env["DATABASE_URL"]
    assert env["REDIS_URL"] == "redis://redis:6379/0"


def test_it_starts_the_web_app_under_gunicorn_with_this_projects_wsgi_module():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert '"gunicorn", "recommender.wsgi"' in dockerfile
    assert (ROOT / "recommender" / "wsgi.py").exists()


@pytest.mark.parametrize("service", ["worker", "worker-storage-host"])
def test_it_starts_celery_workers_of_this_app_on_a_queue(service):
    command = SERVICES[service]["command"]
    assert command[:3] == ["celery", "-A", "recommender"] and "-Q" in command


def test_it_waits_for_healthy_database_and_redis_and_for_migrations():
    assert SERVICES["web"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    for dependency in ("db", "redis"):
        assert SERVICES["migrate"]["depends_on"][dependency]["condition"] == "service_healthy"
        assert "healthcheck" in SERVICES[dependency]
