"""Commands under bad input: exit status 2 and a one-line reason, never a traceback, nothing stored.
Each case here ended in a traceback (exit 1) before its fix."""
import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from recommender.validation.models import Target
from recommender.catalog.models import Block

ROOT = Path(__file__).resolve().parent.parent.parent
MiB = 2**20


def manage(*args, env=None):
    return subprocess.run([sys.executable, "manage.py", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=180, env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL)


def assert_exit_2(done, message):
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr


@pytest.fixture
def latin1_file(tmp_path):
    path = tmp_path / "case.json"
    path.write_bytes(b'{"name": "caf\xe9"}')  # Latin-1, not UTF-8
    return path


def test_it_says_an_advise_file_is_not_utf8(latin1_file):
    assert_exit_2(manage("advise", str(latin1_file)), f"{latin1_file}: not UTF-8 text")


def test_it_says_a_validate_file_is_not_utf8(latin1_file, tmp_path):
    assert_exit_2(manage("validate", "--use-case", str(latin1_file), "--target", str(tmp_path)),
                  f"--use-case: {latin1_file}: not UTF-8 text")


@pytest.mark.parametrize("proposal, message", [
    ({"requirements": {"checkpoint": "100 GB"}}, "requirements.checkpoint: must be an object"),
    ({"requirements": {}, "use_case": 5}, "use_case: must be an object"),
    ({"requirements": {}, "tiers": "shared_fast"}, "tiers: must be a list of objects"),
])
def test_it_refuses_a_proposal_of_the_wrong_shape(tmp_path, proposal, message):
    path = tmp_path / "proposal.json"
    path.write_text(json.dumps(proposal))
    (tmp_path / "target").mkdir()
    with pytest.raises(CommandError) as err:
        call_command("validate", "--use-case", str(path), "--target", str(tmp_path / "target"), "--no-fio")
    assert err.value.returncode == 2
    assert message in str(err.value)
    assert not any((tmp_path / "target").iterdir())  # nothing ran


def test_it_plans_around_numbers_no_float_holds():
    from recommender.validation import workloads

    for total in ("1e400", "1" + "0" * 400):  # json.loads: Infinity, and an int float() cannot take
        proposal = json.loads('{"requirements": {"checkpoint": {"total_bytes": %s, "files": 2}}, '
                              '"use_case": {"gpus": 8}}' % total)
        steps = workloads.plan(proposal, 10, 64 * MiB)
        checkpoint = next(s for s in steps if s["probe"] == "checkpoint_write")
        assert "no checkpoint layout in the requirements: shards sized by the cap only" in checkpoint["notes"]


@pytest.mark.parametrize("args, message", [
    (["--size-cap-bytes", str(10**28)], "size_cap_bytes: must be at most 9223372036854775807 bytes"),
    (["--free-floor-bytes", str(10**28)], "free_floor_bytes: must be at most 9223372036854775807 bytes"),
    (["--block", "b" * 81], "block: must be at most 80 characters"),
])
def test_it_refuses_a_target_value_the_database_cannot_hold(db, tmp_path, args, message):
    with pytest.raises(CommandError) as err:
        call_command("target", "add", "nas", str(tmp_path), *args)
    assert err.value.returncode == 2
    assert message in str(err.value)
    assert not Target.objects.exists()


@pytest.mark.parametrize("name", ["n" * 81, "ümlaut"])
def test_it_refuses_a_target_name_the_api_would_refuse(db, tmp_path, name):
    with pytest.raises(CommandError) as err:
        call_command("target", "add", name, str(tmp_path))
    assert err.value.returncode == 2 and str(err.value).startswith("name: ")
    assert not Target.objects.exists()


def test_it_says_why_a_target_directory_cannot_be_created(db, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(CommandError) as err:
        call_command("target", "add", "nas", str(blocker / "sub"), "--create")
    assert err.value.returncode == 2
    assert str(err.value) == f"path: cannot create '{blocker / 'sub'}': Not a directory"
    assert not Target.objects.exists()


def test_it_exits_2_from_the_shell_for_a_huge_size_cap(tmp_path):
    # a private SQLite database, whatever DATABASE_URL the suite runs on
    private = {"ADVISOR_DATA_DIR": str(tmp_path / "data"),
               "DATABASE_URL": f"sqlite:///{tmp_path / 'data' / 'db.sqlite3'}"}
    migrate = manage("migrate", "--noinput", env=private)
    assert migrate.returncode == 0, migrate.stderr
    done = manage("target", "add", "nas", str(tmp_path), "--size-cap-bytes", str(10**28), env=private)
    assert_exit_2(done, "size_cap_bytes: must be at most")


@pytest.mark.parametrize("where", ["missing-folder/blocks.csv", "."])
def test_it_says_why_the_catalog_cannot_be_exported(db, tmp_path, where):
    with pytest.raises(CommandError) as err:
        call_command("catalog", "export", str(tmp_path / where))
    assert err.value.returncode == 2
    assert str(err.value).startswith(f"file: {tmp_path / where}: ")


def test_it_says_a_catalog_import_path_is_a_folder(db, tmp_path):
    with pytest.raises(CommandError) as err:
        call_command("catalog", "import", str(tmp_path))
    assert err.value.returncode == 2 and str(err.value) == f"file: {tmp_path} is not a file"


def test_it_refuses_a_catalog_file_with_a_capacity_the_database_cannot_hold(db, tmp_path):
    from recommender.catalog import services

    services.catalog_load()
    lines = services.blocks_export_csv().splitlines()
    header = lines[0].split(",")
    index = next(i for i, line in enumerate(lines) if line.startswith("pfs-flash-5u,"))
    row = next(csv.reader(io.StringIO(lines[index])))
    row[header.index("capacity_bytes")] = "1" + "0" * 25
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(row)
    lines[index] = out.getvalue()
    path = tmp_path / "blocks.csv"
    path.write_text("\n".join(lines) + "\n")
    before = Block.objects.get(id="pfs-flash-5u").capacity_bytes
    with pytest.raises(CommandError) as err:
        call_command("catalog", "import", str(path))
    assert err.value.returncode == 2
    assert f"row {index + 1}, capacity_bytes: must be a whole number, zero or more, at most" in str(err.value)
    assert Block.objects.get(id="pfs-flash-5u").capacity_bytes == before


def test_it_says_the_default_target_folder_cannot_be_created(db, tmp_path, settings):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    settings.VALIDATION_DEFAULT_TARGET_DIR = blocker / "default"
    with pytest.raises(CommandError) as err:
        call_command("demo")
    assert err.value.returncode == 2
    assert str(err.value) == f"VALIDATION_TARGET_DIR: cannot create '{blocker / 'default'}': Not a directory"
    assert not Target.objects.exists()


def test_it_says_an_advise_document_is_nested_too_deeply():
    done = subprocess.run([sys.executable, "manage.py", "advise", "-"], input="[" * 100_000 + "]" * 100_000,
                          capture_output=True, text=True, cwd=ROOT, timeout=180)
    assert_exit_2(done, "-: not valid JSON (nested too deeply)")


def test_it_says_a_validate_document_is_nested_too_deeply(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(CommandError) as err:
        call_command("validate", "--use-case", str(path), "--target", str(tmp_path))
    assert err.value.returncode == 2
    assert str(err.value) == f"--use-case: {path}: not valid JSON (nested too deeply)"


@pytest.mark.parametrize("indent", ["-1", "100000000"])
def test_it_bounds_the_advise_indent(indent):
    assert_exit_2(manage("advise", "-", "--indent", indent), "--indent: must be between 0 and 16")


@pytest.mark.django_db
def test_it_rejects_a_target_block_that_is_not_in_the_catalog(tmp_path):
    from recommender.validation import services
    from recommender.validation.services import InputError

    with pytest.raises(InputError) as error:
        services.target_save("t1", str(tmp_path), block="pfs-flash-5x")
    assert error.value.errors["block"][0].startswith("'pfs-flash-5x' is not a catalog building block")
