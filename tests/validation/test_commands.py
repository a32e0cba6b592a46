"""`manage.py validate` (operator CLI) and `manage.py target` (register targets)."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from recommender.validation.models import Target

from .conftest import PROPOSAL

ROOT = Path(__file__).resolve().parents[2]
MiB = 1 << 20
SMALL = ["--budget-s", "3", "--size-cap-bytes", str(48 * MiB), "--free-floor-bytes", "0"]


def manage(*args, stdin=None):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True,
                          input=stdin, timeout=180)


@pytest.fixture
def proposal_file(tmp_path):
    path = tmp_path / "proposal.json"
    path.write_text(json.dumps(PROPOSAL))
    return path


def test_it_prints_measurements_and_checks_as_json(tmp_path, proposal_file):
    target = tmp_path / "target"
    target.mkdir()
    done = manage("validate", "--use-case", str(proposal_file), "--target", str(target), "--format", "json", *SMALL)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    for name in ("checkpoint_write_bytes_per_s", "checkpoint_restore_bytes_per_s", "sample_read_bytes_per_s"):
        assert report["measurements"][name] > 0
    assert isinstance(report["measurements"]["accelerators_supported"], int)
    checks = {c["requirement"]: c for c in report["checks"]}
    assert checks["checkpoint.write_bytes_per_s"]["required"] == 4e9
    assert checks["checkpoint.write_bytes_per_s"]["clients"] == 2  # tiers[].nodes
    assert report["method"].startswith("O_DIRECT")
    if shutil.which("fio"):  # each repeat runs its fio twin, or says the budget left it no time (a loaded machine)
        twin = report["fio"].get("checkpoint_write")
        skipped = report["probes"]["checkpoint_write"].get("twins_skipped", "")
        assert (twin and twin["fio_bytes_per_s"] > 0) or "no time left in the budget for fio" in skipped, report["fio"]
    assert os.listdir(target) == []


def test_it_evaluates_a_use_case_document_with_the_rules(tmp_path):
    use_case = {"workload": "cv_training", "model": {"preset": "resnet50"}, "gpus": 8, "gpu_model": "h100"}
    path = tmp_path / "use_case.json"
    path.write_text(json.dumps(use_case))
    done = manage("validate", "--use-case", str(path), "--target", str(tmp_path), "--format", "json",
                  "--no-fio", *SMALL)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    train = next(s for s in report["plan"] if s["probe"] == "training_reads")
    assert (train["batch_size"], train["compute_s"]) == (400, 0.224)  # MLPerf ResNet-50 on H100
    assert "training_data.read_bytes_per_s" in [c["requirement"] for c in report["checks"]]


@pytest.mark.parametrize("args, message", [
    (["--use-case", "/nonexistent.json", "--target", "/tmp"], "No such file"),
    (["--use-case", "BAD_JSON", "--target", "/tmp"], "not valid JSON"),
    (["--use-case", "LIST_JSON", "--target", "/tmp"], "expected a JSON object"),
    (["--use-case", "PROPOSAL", "--target", "relative/dir"], "not an absolute path"),
    (["--use-case", "PROPOSAL", "--target", "/tmp/../etc"], "contains '..'"),
    (["--use-case", "PROPOSAL", "--target", "/nonexistent-dir"], "not an existing directory"),
    (["--use-case", "PROPOSAL", "--target", "DIR", "--budget-s", "0"], "--budget-s"),
    (["--use-case", "PROPOSAL", "--target", "DIR", "--size-cap-bytes", "1000"], "at least 8388608"),
    (["--use-case", "PROPOSAL", "--target", "DIR", "--free-floor-bytes", str(10**18)], "floor"),
    (["--use-case", "PROPOSAL", "--target", "/etc"], "system directory"),
    (["--use-case", "PROPOSAL", "--target", "DIR", "--block", "no-such-block"], "not a catalog building block"),
    (["--use-case", "INVALID_USE_CASE", "--target", "/tmp"], "invalid use case"),
])
def test_it_refuses_bad_input_with_exit_2_and_a_clear_message(db, tmp_path, proposal_file, args, message):
    files = {"BAD_JSON": "{oops", "LIST_JSON": "[1, 2]", "INVALID_USE_CASE": json.dumps({"workload": "knitting"})}
    for placeholder, text in files.items():
        (tmp_path / placeholder).write_text(text)
    args = [str(tmp_path / a) if a in files else (str(proposal_file) if a == "PROPOSAL" else a) for a in args]
    args = [str(tmp_path) if a == "DIR" else a for a in args]
    with pytest.raises(CommandError) as err:
        call_command("validate", *args, "--format", "json")
    assert err.value.returncode == 2
    assert message in str(err.value)


def test_it_exits_2_from_the_shell_without_a_traceback(tmp_path, proposal_file):
    done = manage("validate", "--use-case", str(proposal_file), "--target", "relative/dir")
    assert done.returncode == 2
    assert "--target: path: 'relative/dir' is not an absolute path" in done.stderr
    assert "Traceback" not in done.stderr


def test_it_registers_a_target_idempotently(db, tmp_path, capsys):
    path = tmp_path / "targets" / "default"
    call_command("target", "add", "default", str(path), "--create", "--size-cap-bytes", str(64 * MiB))
    call_command("target", "add", "default", str(path), "--queue", "host-a")
    target = Target.objects.get()
    assert (target.path, target.host_queue, path.is_dir()) == (str(path), "host-a", True)
    call_command("target", "list", "--format", "json")
    assert json.loads(capsys.readouterr().out.split("\n", 2)[-1])[0]["name"] == "default"


def test_it_registers_the_default_directory_when_no_path_is_given(db, tmp_path, settings):
    settings.VALIDATION_DEFAULT_TARGET_DIR = tmp_path / "targets" / "default"
    call_command("target", "add", "default", "--create")
    assert Target.objects.get(name="default").path == str(tmp_path / "targets" / "default")
    assert (tmp_path / "targets" / "default").is_dir()


def test_it_rejects_a_bad_target_with_exit_2(db, tmp_path):
    done = manage("target", "add", "nas", str(tmp_path), "--size-cap-bytes", "10")
    assert done.returncode == 2 and "size_cap_bytes" in done.stderr
