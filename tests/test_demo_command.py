"""`manage.py demo`: the demo user, catalog, default target and sample use cases — idempotent."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from recommender.validation.models import Target
from recommender.models import UseCase

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = len(list((ROOT / "fixtures" / "usecases").glob("*.json")))


@pytest.mark.django_db
def test_it_creates_the_demo_data_once(settings, tmp_path):
    settings.VALIDATION_DEFAULT_TARGET_DIR = tmp_path / "target"
    call_command("demo")
    call_command("demo")
    assert UseCase.objects.filter(owner__username="demo").count() == SAMPLES
    assert Target.objects.get(name="default").path == str(tmp_path / "target")


def test_it_asks_for_migrations_on_an_empty_database(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["ADVISOR_DATA_DIR"] = str(tmp_path)
    r = subprocess.run([sys.executable, "manage.py", "demo"], cwd=ROOT, env=env, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 2
    assert "run `manage.py migrate` first" in r.stderr and "Traceback" not in r.stderr
