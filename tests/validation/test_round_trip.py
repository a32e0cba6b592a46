"""A validation run through the API, a real Redis and real Celery workers, end to end."""
import os
import signal
from pathlib import Path

from recommender.validation import safety

from recommender.validation.models import ValidationRun

from .conftest import wait_for

FINISHED = {"succeeded", "failed", "cancelled"}
MEASUREMENTS = ["checkpoint_write_bytes_per_s", "checkpoint_restore_bytes_per_s",
                "sample_read_bytes_per_s", "accelerators_supported"]


def poll(api_client, run_id, until=FINISHED, timeout_s=120):
    return wait_for(lambda: api_client.get(f"/api/v1/validations/{run_id}/").json(),
                    lambda r: r["status"] in until, timeout_s=timeout_s, every_s=0.1)


def test_it_runs_through_the_worker_to_succeeded_with_progress(api_client, use_case, make_target, celery_worker):
    target = make_target("default")
    leftover = Path(target.path) / f"{safety.WORKDIR_PREFIX}r999-h999-deadbeef"  # from a killed run
    leftover.mkdir()
    safety.write_marker(leftover, "r999-h999")
    (leftover / "rank0000.ckpt").write_bytes(b"x" * 4096)
    users = Path(target.path) / f"{safety.WORKDIR_PREFIX}my-own-results"  # a user's, same prefix
    users.mkdir()
    (users / "keep.txt").write_text("mine")
    run_id = api_client.post(f"/api/v1/use-cases/{use_case.pk}/validations/", {"budget_s": 4},
                             format="json").json()["id"]
    seen = poll(api_client, run_id)
    final = seen[-1]
    assert final["status"] == "succeeded", final["error"] or final["log"]
    assert any(r["status"] == "running" and 0 < r["progress"] < 1 for r in seen)
    assert all(final["results"]["measurements"][m] >= 0 for m in MEASUREMENTS)
    assert final["results"]["measurements"]["checkpoint_write_bytes_per_s"] > 0
    host = final["hosts"][0]
    assert host["results"]["probes"]["checkpoint_write"]["fsync"] is True
    assert host["results"]["method"] == "o_direct"
    assert [c["requirement"] for c in final["results"]["checks"]][:2] == [
        "checkpoint.write_bytes_per_s", "checkpoint.restore_bytes_per_s"]
    assert final["started_at"] and final["finished_at"] and "run succeeded" in final["log"]
    assert os.listdir(target.path) == [users.name]  # its own files and the killed run's are gone
    assert (users / "keep.txt").read_text() == "mine"


def test_it_cancels_a_running_run_and_cleans_up(api_client, use_case, make_target, celery_worker):
    target = make_target("default")
    run_id = api_client.post(f"/api/v1/use-cases/{use_case.pk}/validations/", {"budget_s": 60},
                             format="json").json()["id"]
    wait_for(lambda: api_client.get(f"/api/v1/validations/{run_id}/").json(),
             lambda r: r["status"] == "running" and r["progress"] > 0)
    assert api_client.post(f"/api/v1/validations/{run_id}/cancel/").status_code == 200
    wait_for(lambda: ValidationRun.objects.get(pk=run_id).hosts.get().status,
             lambda s: s == "cancelled", timeout_s=30)
    assert ValidationRun.objects.get(pk=run_id).status == "cancelled"
    assert os.listdir(target.path) == []


def test_it_fails_the_run_with_a_reason_when_the_worker_is_killed(api_client, use_case, make_target,
                                                                   worker_process, settings):
    settings.VALIDATION_HEARTBEAT_STALE_S = 4
    make_target("default")
    worker = worker_process(queues=["advisor"], name="doomed")
    run_id = api_client.post(f"/api/v1/use-cases/{use_case.pk}/validations/", {"budget_s": 60},
                             format="json").json()["id"]
    poll(api_client, run_id, until={"running"})
    wait_for(lambda: api_client.get(f"/api/v1/validations/{run_id}/").json(), lambda r: r["progress"] > 0)
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()
    final = poll(api_client, run_id, timeout_s=30)[-1]
    assert final["status"] == "failed"
    assert "no heartbeat since" in final["error"] and "killed or lost" in final["error"]
    assert final["hosts"][0]["status"] == "failed"


def test_it_drives_two_hosts_together_and_reports_aggregate_and_per_host(api_client, use_case, make_target,
                                                                        worker_process):
    make_target("a", queue="host-a")
    make_target("b", queue="host-b")
    worker_process(queues=["host-a"], name="host-a")
    worker_process(queues=["host-b"], name="host-b")
    run_id = api_client.post(f"/api/v1/use-cases/{use_case.pk}/validations/",
                             {"targets": ["a", "b"], "budget_s": 4}, format="json").json()["id"]
    final = poll(api_client, run_id)[-1]
    assert final["status"] == "succeeded", final["error"] or final["log"]
    hosts = {h["target"]: h for h in final["hosts"]}
    assert hosts["a"]["worker"].startswith("host-a@") and hosts["b"]["worker"].startswith("host-b@")
    starts = [h["results"]["measuring_started_at"] for h in hosts.values()]
    assert abs(starts[0] - starts[1]) < 1.0  # the start barrier released both together
    per_host = final["results"]["per_host"]
    total = final["results"]["measurements"]["checkpoint_write_bytes_per_s"]
    assert total == per_host["a"]["checkpoint_write_bytes_per_s"] + per_host["b"]["checkpoint_write_bytes_per_s"]
    assert final["results"]["measured_clients"] == 2


def test_an_inference_use_case_measures_and_checks_only_its_own_needs(api_client, user, make_target, celery_worker):
    from recommender.models import Proposal, UseCase

    from .test_plans import INFERENCE

    uc = UseCase.objects.create(owner=user, name="serving", workload="llm_inference", document=INFERENCE["use_case"])
    Proposal.objects.create(use_case=uc, document={**INFERENCE, "proposals": [], "findings": []})
    make_target("default")
    run_id = api_client.post(f"/api/v1/use-cases/{uc.pk}/validations/", {"budget_s": 4}, format="json").json()["id"]
    final = poll(api_client, run_id)[-1]
    assert final["status"] == "succeeded", final["error"] or final["log"]
    probes = final["hosts"][0]["results"]["probes"]
    assert set(probes) == {"model_load", "kv_block_reads"}
    checks = final["results"]["checks"]
    assert {c["requirement"].split(".")[0] for c in checks} == {"model_load", "kv_cache"}
    rate = next(c for c in checks if c["requirement"] == "model_load.read_bytes_per_s")
    assert rate["flag"] == "1 client measured × 8 planned: extrapolated" and rate["basis"] == "extrapolated"
    assert rate["clients_for_measured"] == 8
