"""kill -9 of the Celery worker during a run: the restarted worker (same name, as `make run` and
compose restart it) re-queues the host it was running, and the accepted run still succeeds."""
import os
import signal

from recommender.validation.models import ValidationRun
from tests.validation.conftest import wait_for

FINISHED = {"succeeded", "failed", "cancelled"}


def run_json(api_client, run_id):
    return api_client.get(f"/api/v1/validations/{run_id}/").json()


def test_it_finishes_every_accepted_run_after_the_worker_is_killed(api_client, use_case, make_target,
                                                                   worker_process):
    make_target("default")
    worker = worker_process(queues=["advisor"], name="phoenix")
    accepted = [api_client.post(f"/api/v1/use-cases/{use_case.pk}/validations/", {"budget_s": 3},
                                format="json") for _ in range(2)]
    assert [r.status_code for r in accepted] == [202, 202]
    first, second = (r.json()["id"] for r in accepted)
    wait_for(lambda: run_json(api_client, first), lambda r: r["status"] == "running" and r["progress"] > 0,
             timeout_s=60)
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()
    worker_process(queues=["advisor"], name="phoenix")
    for run_id in (first, second):
        final = wait_for(lambda: run_json(api_client, run_id), lambda r: r["status"] in FINISHED,
                         timeout_s=120)[-1]
        assert final["status"] == "succeeded", final["error"] or final["log"]
    assert "re-queued after its worker died" in ValidationRun.objects.get(pk=first).log


def test_a_run_whose_hosts_all_ended_is_settled_when_a_worker_comes_up(api_client, use_case, make_target,
                                                                        worker_process):
    """The worker died after its host's last write and before the run was settled: the run stays
    'running' with every host done. The next worker on the queue settles it from the kept results."""
    import datetime

    from django.utils import timezone

    from recommender.validation import recovery

    make_target("default")
    worker = worker_process(queues=["advisor"], name="settler")
    run_id = api_client.post(f"/api/v1/use-cases/{use_case.pk}/validations/", {"budget_s": 2},
                             format="json").json()["id"]
    done = wait_for(lambda: run_json(api_client, run_id), lambda r: r["status"] in FINISHED, timeout_s=120)[-1]
    assert done["status"] == "succeeded", done["error"] or done["log"]
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()
    # the state such a kill leaves: hosts succeeded, the run neither settled nor re-ranked
    ValidationRun.objects.filter(pk=run_id).update(status=ValidationRun.RUNNING, progress=0.75,
                                                   finished_at=timezone.now() - datetime.timedelta(minutes=5))
    assert recovery.settle_ended(["advisor"]) == 1
    settled = run_json(api_client, run_id)
    assert settled["status"] == "succeeded" and settled["progress"] == 1.0
    assert settled["results"]["checks"] and "calibration" in settled["results"]
    assert recovery.settle_ended(["advisor"]) == 0  # settled once
