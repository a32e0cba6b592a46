"""`manage.py validate` on an S3 bucket, against the real S3-compatible server the suite starts
(conftest.s3_server): the same plan and checks as the worker's S3 path, credentials from the
environment or a registered target's secret, never printed; bad input is a field error, exit 2."""
import json
import os

import pytest
from django.core.management import CommandError, call_command

from recommender.validation import s3probes
from recommender.validation.models import Target

from tests.conftest import free_port

from .conftest import PROPOSAL

MiB = 1 << 20
SMALL = ["--budget-s", "4", "--size-cap-bytes", str(64 * MiB), "--free-floor-bytes", "0", "--format", "json"]
NO_AWS_FILES = {"AWS_SHARED_CREDENTIALS_FILE": "/nonexistent", "AWS_CONFIG_FILE": "/nonexistent"}


def env(**extra):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    return {**clean, **NO_AWS_FILES, **extra}


@pytest.fixture
def proposal_file(tmp_path):
    path = tmp_path / "proposal.json"
    path.write_text(json.dumps(PROPOSAL))
    return path


def run(*args, environ):
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    return subprocess.run([sys.executable, "manage.py", *args], cwd=root, capture_output=True, text=True,
                          timeout=180, env=environ)


def test_it_measures_a_bucket_prefix_with_credentials_from_the_environment(s3_server, proposal_file):
    done = run("validate", "--use-case", str(proposal_file), "--target", "s3://advisor-test/team-a/",
               "--endpoint-url", s3_server, *SMALL,
               environ=env(AWS_ACCESS_KEY_ID="testing-key", AWS_SECRET_ACCESS_KEY="testing-secret"))
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["target"] == {"kind": "s3", "endpoint_url": s3_server, "bucket": "advisor-test",
                                "prefix": "team-a", "size_cap_bytes": 64 * MiB, "credentials": "environment"}
    assert [s["probe"] for s in report["plan"]] == ["checkpoint_write", "training_reads"]
    assert all(s["target_kind"] == "s3" for s in report["plan"])
    for name in ("checkpoint_write_bytes_per_s", "checkpoint_restore_bytes_per_s", "sample_read_bytes_per_s"):
        assert report["measurements"][name] > 0
    assert 0 < report["probes"]["checkpoint_restore"]["ttfb_s"]["p50_s"] <= report["probes"]["checkpoint_restore"]["ttfb_s"]["p99_s"]
    checks = {c["requirement"]: c for c in report["checks"]}
    assert set(checks) <= {"checkpoint.write_bytes_per_s", "checkpoint.restore_bytes_per_s",
                           "training_data.read_bytes_per_s", "training_data.accelerators"}
    assert checks["checkpoint.write_bytes_per_s"]["required"] == 4e9
    assert "testing-secret" not in done.stdout + done.stderr and "testing-key" not in done.stdout
    s3 = s3probes.client(s3_server, "testing-key", "testing-secret")
    assert s3.list_objects_v2(Bucket="advisor-test", Prefix="team-a/").get("KeyCount") == 0  # all cleaned up


def test_a_registered_s3_target_lends_its_secret_without_printing_it(db, s3_server, proposal_file, capsys):
    Target.objects.create(name="lab-s3", kind="s3", endpoint_url=s3_server, bucket="advisor-test",
                          access_key_id="lab-key", secret_access_key="lab-secret-123",
                          size_cap_bytes=64 * MiB, free_floor_bytes=0)
    call_command("validate", "--use-case", str(proposal_file), "--target", "lab-s3", "--budget-s", "3",
                 "--format", "json")
    out = capsys.readouterr()
    report = json.loads(out.out)
    assert report["target"]["credentials"] == "target lab-s3's secret"
    assert report["target"]["size_cap_bytes"] == 64 * MiB  # the target's own cap
    assert report["measurements"]["checkpoint_write_bytes_per_s"] > 0
    assert "lab-secret-123" not in out.out + out.err


@pytest.mark.parametrize("target, endpoint, message", [
    ("s3://advisor-test", "", "--endpoint-url: must be an http:// or https:// URL"),
    ("s3://Bad_Bucket/x", "SERVER", "--target: 's3://Bad_Bucket/x': must be an S3 bucket name"),
    ("s3://advisor-test/../up", "SERVER", "--target: prefix must be printable"),
    ("s3://no-such-bucket", "SERVER", "--target: no bucket 'no-such-bucket'"),
    ("s3://advisor-test", "DEAD", "--endpoint-url: cannot connect to"),
    ("/tmp", "SERVER", "--endpoint-url: only for an s3://BUCKET target"),
])
def test_it_refuses_bad_s3_input_with_a_field_error(db, s3_server, proposal_file, target, endpoint, message,
                                                    monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing-secret")
    endpoint = {"SERVER": s3_server, "DEAD": f"http://127.0.0.1:{free_port()}"}.get(endpoint, endpoint)
    with pytest.raises(CommandError) as err:
        call_command("validate", "--use-case", str(proposal_file), "--target", target, "--endpoint-url", endpoint,
                     *SMALL)
    assert err.value.returncode == 2
    assert message in str(err.value)


def test_it_says_where_credentials_come_from_when_there_are_none(s3_server, proposal_file):
    done = run("validate", "--use-case", str(proposal_file), "--target", "s3://advisor-test",
               "--endpoint-url", s3_server, *SMALL, environ=env())
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "credentials: none found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY" in done.stderr
