"""Validation services without a worker: field errors, cancel, heartbeat reaping, settling runs."""
from datetime import timedelta

import pytest
from django.utils import timezone

from recommender.validation import services
from recommender.validation.models import RunHost, ValidationRun


def test_it_creates_a_queued_run_with_one_host_per_target(user, use_case, make_target):
    a, b = make_target("a"), make_target("b")
    run = services.run_create(user, use_case, ["a", "b"], 5)
    assert run.status == "queued" and run.budget_s == 5.0
    assert sorted(h.target.name for h in run.hosts.all()) == ["a", "b"]
    assert run.results["basis"]["requirements"]["checkpoint"]["files"] == 16


def test_it_uses_the_default_target_when_none_is_named(user, use_case, make_target):
    make_target("other")
    make_target("default")
    run = services.run_create(user, use_case, None, 5)
    assert [t.name for t in run.targets.all()] == ["default"]


@pytest.mark.parametrize("targets, budget, field, message", [
    (["nope"], 5, "targets", "unknown target 'nope'"),
    ("default", 5, "targets", "must be a list of target names"),
    (["default"], 0, "budget_s", "between 1 and 3600"),
    (["default"], "fast", "budget_s", "must be a number"),
])
def test_it_rejects_bad_run_input_per_field(user, use_case, make_target, targets, budget, field, message):
    make_target("default")
    with pytest.raises(services.InputError) as err:
        services.run_create(user, use_case, targets, budget)
    assert message in " ".join(err.value.errors[field])
    assert not ValidationRun.objects.exists()


def test_it_explains_that_no_target_is_registered(user, use_case):
    with pytest.raises(services.InputError) as err:
        services.run_create(user, use_case, None, 5)
    assert "manage.py target add" in err.value.errors["targets"][0]


def test_it_cancels_a_queued_run_and_its_hosts(user, use_case, make_target):
    make_target("default")
    run = services.run_cancel(services.run_create(user, use_case, None, 5))
    assert run.status == "cancelled" and run.finished_at is not None
    assert set(run.hosts.values_list("status", flat=True)) == {"cancelled"}
    with pytest.raises(services.InputError, match="already finished"):
        services.run_cancel(run)


def test_it_fails_a_run_whose_worker_stopped_beating(user, use_case, make_target, settings):
    settings.VALIDATION_HEARTBEAT_STALE_S = 30
    make_target("default")
    run = services.run_create(user, use_case, None, 5)
    long_ago = timezone.now() - timedelta(seconds=31)
    ValidationRun.objects.filter(pk=run.pk).update(status="running", started_at=long_ago)
    RunHost.objects.filter(run=run).update(status="running", heartbeat_at=long_ago)
    assert services.runs_reap_stale() == 1
    run.refresh_from_db()
    assert run.status == "failed"
    assert "no heartbeat since" in run.error and "killed or lost" in run.error
    assert services.runs_reap_stale() == 0


def test_it_leaves_a_run_that_still_beats(user, use_case, make_target, settings):
    settings.VALIDATION_HEARTBEAT_STALE_S = 30
    make_target("default")
    run = services.run_create(user, use_case, None, 5)
    RunHost.objects.filter(run=run).update(status="running", heartbeat_at=timezone.now())
    assert services.runs_reap_stale() == 0


def test_it_fails_a_run_no_worker_picked_up(user, use_case, make_target, settings):
    settings.VALIDATION_QUEUE_TIMEOUT_S = 60
    make_target("default", queue="host-nobody")
    run = services.run_create(user, use_case, None, 5)
    ValidationRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(seconds=61))
    assert services.runs_reap_stale() == 1
    run.refresh_from_db()
    assert run.status == "failed" and "no worker consumed queue 'host-nobody'" in run.error


def test_it_adds_up_hosts_and_checks_requirements_when_all_succeed(user, use_case, make_target):
    make_target("a")
    make_target("b")
    run = services.run_create(user, use_case, ["a", "b"], 5)
    for host, rate in zip(run.hosts.all(), (1e9, 3e9)):
        RunHost.objects.filter(pk=host.pk).update(status="succeeded", results={"measurements": {
            "checkpoint_write_bytes_per_s": rate, "accelerators_supported": 4}})
    services.run_finish_if_done(run.pk)
    run.refresh_from_db()
    assert run.status == "succeeded" and run.progress == 1.0
    assert run.results["measurements"]["checkpoint_write_bytes_per_s"] == 4e9
    assert run.results["per_client"]["checkpoint_write_bytes_per_s"] == 2e9
    assert run.results["per_host"]["a"]["checkpoint_write_bytes_per_s"] == 1e9
    checks = {c["requirement"]: c for c in run.results["checks"]}
    assert checks["checkpoint.write_bytes_per_s"]["measured"] == 4e9  # 2 GB/s per client × 2 planned
    assert checks["checkpoint.write_bytes_per_s"]["pass"] is True
    assert checks["training_data.accelerators"]["measured"] == 8 and not checks["training_data.accelerators"]["pass"]
    assert "no target of this run names a catalog building block" in run.results["calibration"]["skipped"]


def test_it_fails_the_run_with_each_failed_hosts_reason(user, use_case, make_target):
    make_target("a")
    make_target("b")
    run = services.run_create(user, use_case, ["a", "b"], 5)
    a, b = run.hosts.all()
    RunHost.objects.filter(pk=a.pk).update(status="succeeded")
    RunHost.objects.filter(pk=b.pk).update(status="failed", error="refused: size_cap_bytes: over")
    services.run_finish_if_done(run.pk)
    run.refresh_from_db()
    assert run.status == "failed" and run.error == "b: refused: size_cap_bytes: over"



def test_it_fails_the_run_when_the_broker_cannot_be_reached(user, use_case, make_target):
    from celery import Celery

    from recommender.celery import app

    make_target("default")
    run = services.run_create(user, use_case, None, 5)
    unreachable = Celery("unreachable", broker="redis://127.0.0.1:1/0",  # nothing listens on port 1
                         broker_transport_options={"max_retries": 0}, task_publish_retry=False)
    unreachable.set_current()
    try:
        services.run_enqueue(run.pk)
    finally:
        app.set_current()
    run.refresh_from_db()
    assert run.status == "failed" and "could not queue the run" in run.error
