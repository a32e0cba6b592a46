"""Start-up: commands import neither Celery nor the URL configuration; workers still find the tasks."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# run manage.py as `make`/a shell would, then list what the process had imported when it ended
PROBE = """
import atexit, json, runpy, sys
atexit.register(lambda: print(json.dumps(sorted(k for k, v in sys.modules.items() if v is not None)), file=sys.stderr))
sys.argv = ["manage.py", *sys.argv[1:]]
runpy.run_path("manage.py", run_name="__main__")
"""
NOT_LOADED = ["celery", "kombu", "recommender.celery", "recommender.urls", "drf_spectacular.views", "pandas"]


def modules_after(*args, database_url):
    env = dict(os.environ, DATABASE_URL=database_url)
    done = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return set(json.loads(done.stderr.strip().splitlines()[-1])), done.stdout


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'db.sqlite3'}"


def test_it_advises_without_celery_urls_or_pandas(sqlite_url):
    modules, out = modules_after("advise", "fixtures/usecases/cv_training.json", database_url=sqlite_url)
    assert json.loads(out)["proposals"]
    assert [m for m in NOT_LOADED if m in modules] == []


def test_it_leaves_psycopg_out_on_sqlite(sqlite_url):
    modules, _ = modules_after("advise", "fixtures/usecases/cv_training.json", database_url=sqlite_url)
    assert "psycopg" not in modules and "django.contrib.postgres.fields" not in modules


def test_it_answers_validate_help_without_celery(sqlite_url):
    modules, out = modules_after("validate", "--help", database_url=sqlite_url)
    assert "--target" in out and "celery" not in modules


@pytest.mark.parametrize("command", ["advise", "validate"])
def test_it_skips_the_system_checks_in(command):
    from django.core.management import load_command_class

    app = "recommender" if command == "advise" else "recommender.validation"
    assert load_command_class(app, command).requires_system_checks == []


def test_it_registers_the_tasks_in_a_real_worker(worker_process):
    from recommender.celery import app

    worker_process(name="startup")
    replies = app.control.inspect(timeout=10).registered() or {}
    tasks = {task for names in replies.values() for task in names}
    assert {"benchmarks.run_host", "benchmarks.reap_stale_runs"} <= tasks


def test_it_sends_tasks_through_the_project_app():
    from celery import current_app

    from recommender.validation import tasks

    assert tasks.run_host.app is current_app._get_current_object()
    assert current_app.main == "recommender" and current_app.conf.task_default_queue == "advisor"
