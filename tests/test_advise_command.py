"""`manage.py advise FILE|-` prints the proposal; bad input says what is wrong and exits 2."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from recommender.api.sizing import LLAMA3_8B_EXAMPLE

ROOT = Path(__file__).resolve().parent.parent
GiB = 2**30
LLAMA3_8B = LLAMA3_8B_EXAMPLE  # MLPerf Storage Llama3-8B: 104.7 GiB in 16 files


def advise(stdin_text, *args):
    return subprocess.run([sys.executable, "manage.py", "advise", *args], input=stdin_text,
                          capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_it_prints_the_proposal_for_stdin():
    r = advise(json.dumps(LLAMA3_8B), "-")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["requirements"]["checkpoint"]["total_bytes"] == pytest.approx(104.7 * GiB, rel=0.015)
    assert doc["proposals"] and doc["findings"]


def test_it_reads_a_file(tmp_path):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(LLAMA3_8B))
    r = advise("", str(path))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["requirements"]["checkpoint"]["files"] == 16


def test_it_names_the_bad_field_and_exits_2():
    r = advise(json.dumps({**LLAMA3_8B, "gpus": -4}), "-")
    assert r.returncode == 2
    assert "gpus:" in r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize("text, message", [("{oops", "not valid JSON"), ("[]", "expected a JSON object")])
def test_it_rejects_documents_that_are_not_json_objects(text, message):
    r = advise(text, "-")
    assert r.returncode == 2
    assert message in r.stderr and "Traceback" not in r.stderr


def test_it_says_when_the_file_is_missing(tmp_path):
    r = advise("", str(tmp_path / "nope.json"))
    assert r.returncode == 2
    assert "No such file" in r.stderr
