"""Celery tasks: thin shells over services. Each host's share runs on its target's `host_queue`."""
from celery import group, shared_task

import recommender.celery  # noqa: F401  the project app, so shared tasks bind to it and not to a default app

from . import services
from .models import RunHost


@shared_task(bind=True, name="benchmarks.run_host", acks_late=True)
def run_host(self, host_id):
    """Measure one target of a validation run (on the worker of the host that mounts it)."""
    return services.run_host_execute(host_id, worker=self.request.hostname or "", task_id=self.request.id or "")


@shared_task(name="benchmarks.reap_stale_runs")
def reap_stale_runs():
    """Periodic safety net (celery beat); reads of runs also reap."""
    return services.runs_reap_stale()


def enqueue(run_id):
    """Start every host of a run together: a group, one task per target on its host's queue;
    the start barrier inside the task makes them begin measuring at the same moment."""
    hosts = list(RunHost.objects.filter(run_id=run_id, target__isnull=False).select_related("run", "target"))
    if not hosts:
        return None
    limit = services.run_time_limit_s(hosts[0].run.budget_s)
    signatures = [run_host.si(h.pk).set(queue=h.target.host_queue, time_limit=limit + 30,
                                        soft_time_limit=limit) for h in hosts]
    result = group(signatures).apply_async()
    for host, task in zip(hosts, result.results):
        RunHost.objects.filter(pk=host.pk, task_id="").update(task_id=task.id)
    return result
