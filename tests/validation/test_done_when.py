"""Issue 11 "done when": an inference, a RAG and a video use case (fixtures/usecases), validated from
the CLI and through the API with a real Celery worker and a real Redis on a fresh install's default
target, each measure only their own patterns, check only their own requirements, flag what is
extrapolated (API, UI and PDF), and re-rank the proposal. The UI path is test_done_when_ui.py."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from recommender import services as core_services
from recommender.validation import calibration
from tests.reports.test_report_pdf import pdf_text

from .conftest import wait_for
from .test_round_trip import poll

ROOT = Path(__file__).resolve().parents[2]
MiB = 1 << 20
CASES = {
    "llm_inference": {"model_load", "kv_block_reads"},
    "rag": {"rag_index_reads"},
    "video_analytics": {"video_streams", "small_synced_writes"},
}
FAMILY_PROBES = {"model_load": "model_load", "kv_cache": "kv_block_reads", "rag_index": "rag_index_reads",
                 "video": "video_streams", "results_persistence": "small_synced_writes"}


def fixture(name):
    return json.loads((ROOT / "fixtures" / "usecases" / f"{name}.json").read_text())


def assert_own(report_plan, checks, requirements, probes):
    assert {s["probe"] for s in report_plan} == probes  # its own patterns, nothing else
    families = {c["requirement"].split(".")[0] for c in checks}
    assert families <= set(requirements)  # only its own requirements
    assert {FAMILY_PROBES[f] for f in families} <= probes
    for c in checks:
        assert c["basis"] in ("measured", "extrapolated") and c["flag"]
        if c["basis"] == "extrapolated":
            assert "extrapolated" in c["flag"] and c["planned_clients"] > c["measured_clients"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_from_the_cli_on_the_local_nvme_block(name, tmp_path, db):
    from recommender.management.commands.demo import local_nvme_block

    block = local_nvme_block()
    (tmp_path / "uc.json").write_text(json.dumps(fixture(name)))
    target = tmp_path / "target"
    target.mkdir()
    done = subprocess.run([sys.executable, "manage.py", "validate", "--use-case", str(tmp_path / "uc.json"),
                           "--target", str(target), "--budget-s", "5", "--size-cap-bytes", str(256 * MiB),
                           "--free-floor-bytes", "0", "--block", block, "--format", "json"],
                          cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    proposal = core_services.use_case_evaluate(fixture(name))
    assert_own(report["plan"], report["checks"], proposal["requirements"], CASES[name])
    assert report["calibration"]["proposals"] and block in report["calibration"]["measured"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_through_the_api_and_a_worker_on_a_fresh_installs_default_target(
        name, api_client, user, settings, tmp_path, celery_worker):
    from recommender.management.commands.demo import default_target

    settings.VALIDATION_DEFAULT_TARGET_DIR = tmp_path / "targets" / "default"
    settings.VALIDATION_DEFAULT_SIZE_CAP_BYTES = 256 * MiB
    settings.VALIDATION_DEFAULT_FREE_FLOOR_BYTES = 0
    target = default_target(user)
    use_case, first = core_services.use_case_create(user, fixture(name))
    run_id = api_client.post(f"/api/v1/use-cases/{use_case.pk}/validations/", {"budget_s": 5},
                             format="json").json()["id"]
    final = poll(api_client, run_id, timeout_s=180)[-1]
    assert final["status"] == "succeeded", final["error"] or final["log"]
    host = final["hosts"][0]
    results = final["results"]
    assert_own(host["results"]["plan"], results["checks"], first.document["requirements"], CASES[name])
    assert results["checks"], "no requirement of the use case was checked"
    clients = calibration.planned_clients(results["basis"])
    assert results["planned_clients"] == clients and results["measured_clients"] == 1
    # the re-ranking is written just after the run settles
    note = wait_for(lambda: api_client.get(f"/api/v1/validations/{run_id}/").json()["results"],
                    lambda r: "calibration" in r, timeout_s=60)[-1]["calibration"]
    assert target.block in note["measured"] and note["proposal_id"] != first.pk  # re-ranked
    assert use_case.latest_proposal().pk == note["proposal_id"]
    # the PDF of the re-ranked proposal flags each extrapolated figure
    pdf = api_client.get(f"/api/v1/use-cases/{use_case.pk}/report.pdf")
    assert pdf.status_code == 200
    assert_pdf_flags(pdf_text(pdf.content, tmp_path), results["checks"])


def assert_pdf_flags(text, checks):
    """The PDF's validation table has one row per check, an extrapolated one says so."""
    assert "Validation" in text
    extrapolated = [c for c in checks if c["basis"] == "extrapolated"]
    assert text.count("extrapolated:") == len(extrapolated)
    assert ("some figures extrapolated from fewer clients than planned" in " ".join(text.split())) == bool(extrapolated)
