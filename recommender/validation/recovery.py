"""Start-up recovery of validation runs (H13): when a worker comes up, the hosts that a previous
process of the same worker name left "running" are re-queued (it died mid-run), and every host
still queued on its queues is sent again (the broker may have lost the message), and a run whose
hosts all ended but which was never settled (the worker died in between) is settled. A second
delivery is harmless: services._claim lets only one task claim a queued host."""
import datetime
import logging

from celery.signals import worker_ready
from django.utils import timezone

from . import services
from .models import RunHost, ValidationRun

log = logging.getLogger(__name__)
MAX_REQUEUES = 3
REQUEUE_MARK = "re-queued after its worker died"
SETTLING_STALE = datetime.timedelta(seconds=60)  # a settling writes a few rows: seconds, not a minute


def requeue_orphans(worker_name):
    """Hosts running on `worker_name` when it died: back to queued, or failed after MAX_REQUEUES."""
    count = 0
    for host in RunHost.objects.filter(status=ValidationRun.RUNNING, worker=worker_name,
                                       run__status__in=services.ACTIVE).select_related("run", "target"):
        tries = host.run.log.count(f"{host.target.name}: {REQUEUE_MARK}")
        if tries >= MAX_REQUEUES:
            _fail(host, f"its worker {worker_name} died {tries + 1} times during the run")
            continue
        if RunHost.objects.filter(pk=host.pk, status=ValidationRun.RUNNING, worker=worker_name).update(
                status=ValidationRun.QUEUED, progress=0.0, heartbeat_at=None):
            services.run_log(host.run, f"{host.target.name}: {REQUEUE_MARK} ({worker_name})")
            count += 1
    return count


def _fail(host, reason):
    if RunHost.objects.filter(pk=host.pk, status=host.status).update(
            status=ValidationRun.FAILED, finished_at=timezone.now(), error=reason):
        services.run_log(host.run, f"{host.target.name}: failed — {reason}")
        services.run_finish_if_done(host.run_id)


def resend_queued(queues):
    """Send a task again for every queued host of an active run on one of `queues`."""
    from . import tasks

    hosts = list(RunHost.objects.filter(status=ValidationRun.QUEUED, run__status__in=services.ACTIVE,
                                        target__host_queue__in=list(queues)).select_related("run", "target"))
    for host in hosts:
        limit = services.run_time_limit_s(host.run.budget_s)
        tasks.run_host.si(host.pk).set(queue=host.target.host_queue, time_limit=limit + 30,
                                       soft_time_limit=limit).apply_async()
    return len(hosts)


def settle_ended(queues):
    """Runs on `queues` whose every host ended while the run stayed active: the worker died between
    a host's last write and the run's settling (its results are kept; only the settling is redone)."""
    settled = 0
    runs = ValidationRun.objects.filter(status__in=services.ACTIVE, hosts__target__host_queue__in=list(queues))
    for run_id in set(runs.values_list("pk", flat=True)):
        if RunHost.objects.filter(run_id=run_id, status__in=services.ACTIVE).exists():
            continue
        # a settling cut short may have set finished_at: once it is stale (no live settling can still be
        # under way), clear it so run_finish_if_done settles the run once
        ValidationRun.objects.filter(pk=run_id, status__in=services.ACTIVE,
                                     finished_at__lt=timezone.now() - SETTLING_STALE).update(finished_at=None)
        services.run_finish_if_done(run_id)
        settled += 1
    return settled


def recover(worker_name, queues):
    orphans = requeue_orphans(worker_name)
    sent = resend_queued(queues)
    settled = settle_ended(queues)
    if orphans or sent or settled:
        log.warning("recovery on %s: %d host(s) re-queued after a crash, %d task(s) sent again, "
                    "%d run(s) settled", worker_name, orphans, sent, settled)
    return orphans, sent


@worker_ready.connect(dispatch_uid="advisor-validation-recovery")
def _on_worker_ready(sender=None, **kwargs):
    consumer = sender
    queues = [q.name for q in consumer.app.amqp.queues.consume_from.values()] if hasattr(
        consumer.app.amqp.queues, "consume_from") else []
    try:
        recover(consumer.hostname, queues)
    except Exception:  # recovery must never keep a worker from starting
        log.exception("validation recovery failed")
