"""Validation services: targets, run create/execute/cancel/finish, heartbeat reaping. Tasks, API
views and commands call these; the measuring itself is in the pure runner/probes modules."""
import os
import threading
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Avg, TextField, Value
from django.db.models.functions import Concat
from django.utils import timezone

from recommender import services as core_services
from recommender.catalog import selectors as catalog_selectors

from . import calibration, fio, runner, safety, workloads
from .models import RunHost, Target, ValidationRun

MAX_BUDGET_S = 3600.0
HEARTBEAT_EVERY_S = 2.0
PROGRESS_SAVE_EVERY_S = 0.5
BARRIER_TIMEOUT_S = 120.0
ACTIVE = (ValidationRun.QUEUED, ValidationRun.RUNNING)


class InputError(ValueError):
    """Bad input for a run or a target: `errors` is {"field": ["message", ...]}."""

    def __init__(self, errors):
        super().__init__("; ".join(f"{k}: {', '.join(v)}" for k, v in errors.items()))
        self.errors = errors


class RunStopped(Exception):
    """The run was cancelled, timed out or lost its barrier; message says which."""


def stale_after_s():
    """Seconds without a heartbeat after which a running host counts as dead."""
    return float(getattr(settings, "VALIDATION_HEARTBEAT_STALE_S", 60.0))


def queue_timeout_s():
    """Seconds a host may wait for a worker on its queue before the run fails."""
    return float(getattr(settings, "VALIDATION_QUEUE_TIMEOUT_S", 3600.0))


def run_time_limit_s(budget_s):
    """Hard stop for one host: the budget ×3 (dataset preparation, fio layout) plus a minute."""
    return budget_s * 3 + 60


# ---------------------------------------------------------------- targets

# Column sizes of Target (models.py) and the largest value a BigIntegerField holds: checked here so
# the CLI and the API say so instead of failing in the database.
TARGET_TEXT_LIMITS = {"name": 80, "path": 1000, "host_queue": 120, "block": 80}
MAX_TARGET_BYTES = 2**63 - 1


def target_errors(name, path, size_cap_bytes, free_floor_bytes, host_queue, block="", kind="directory",
                  endpoint_url="", bucket="", force=False, must_exist=False):
    """Field errors of a target: the one validator the admin form, the API and the CLI share."""
    errors = {}
    bare = str(name or "").replace("-", "").replace("_", "")
    if not bare or not (bare.isascii() and bare.isalnum()):  # the slug the model and the API accept
        errors["name"] = ["use letters, digits, '-' or '_'"]
    if kind not in (Target.DIRECTORY, Target.S3):
        errors["kind"] = [f"must be {Target.DIRECTORY!r} or {Target.S3!r}"]
    elif kind == Target.S3:
        errors.update(s3_errors(endpoint_url, bucket))
    else:
        problems = safety.path_errors(path, force=force, must_exist=must_exist)
        if problems:
            errors["path"] = problems
    errors.update(_size_errors(size_cap_bytes, free_floor_bytes))
    if not host_queue or any(c.isspace() for c in str(host_queue)):
        errors["host_queue"] = ["must be a queue name without spaces"]
    values = {"name": name, "path": path, "host_queue": host_queue, "block": block}
    for field, limit in TARGET_TEXT_LIMITS.items():
        if field not in errors and len(str(values[field] or "")) > limit:
            errors[field] = [f"must be at most {limit} characters"]
    if block and "block" not in errors and block not in catalog_block_ids():
        errors["block"] = [f"{block!r} is not a catalog building block; one of "
                           f"{', '.join(sorted(catalog_block_ids()))}"]
    return errors


def _size_errors(size_cap_bytes, free_floor_bytes):
    errors = {}
    if isinstance(size_cap_bytes, bool) or not isinstance(size_cap_bytes, int) or size_cap_bytes < 8 * workloads.MiB:
        errors["size_cap_bytes"] = [f"must be an integer of at least {8 * workloads.MiB} bytes"]
    elif size_cap_bytes > MAX_TARGET_BYTES:
        errors["size_cap_bytes"] = [f"must be at most {MAX_TARGET_BYTES} bytes"]
    if isinstance(free_floor_bytes, bool) or not isinstance(free_floor_bytes, int) or free_floor_bytes < 0:
        errors["free_floor_bytes"] = ["must be a non-negative integer"]
    elif free_floor_bytes > MAX_TARGET_BYTES:
        errors["free_floor_bytes"] = [f"must be at most {MAX_TARGET_BYTES} bytes"]
    return errors


def s3_errors(endpoint_url, bucket):
    errors = {}
    url = str(endpoint_url or "")
    if not (url.startswith("http://") or url.startswith("https://")) or any(c.isspace() for c in url):
        errors["endpoint_url"] = ["must be an http:// or https:// URL"]
    name = str(bucket or "")
    ok = 3 <= len(name) <= 63 and all(c.islower() or c.isdigit() or c in "-." for c in name)
    if not ok or not name[:1].isalnum():
        errors["bucket"] = ["must be an S3 bucket name: 3–63 lower-case letters, digits, '-' or '.'"]
    return errors


def may_use(user, target):
    """Staff, the target's allowed users, or everyone when it is public."""
    if user.is_staff or target.public:
        return True
    return target.allowed_users.filter(pk=user.pk).exists()


def targets_for(user):
    """Targets this user may run on (the page and the API list these)."""
    from django.db.models import Q

    if user.is_staff:
        return Target.objects.all()
    return Target.objects.filter(Q(public=True) | Q(allowed_users=user)).distinct()


def catalog_block_ids():
    """Ids of the building blocks a target may stand for (calibration replaces their figures)."""
    from recommender.catalog import selectors as catalog_selectors

    return {block["id"] for block in catalog_selectors.catalog_current()["blocks"]}


def target_save(name, path, host_queue="advisor", block="", size_cap_bytes=None, free_floor_bytes=None,
                create_dir=False, force=False, public=None, users=(), kind="directory", endpoint_url="",
                bucket=""):
    """Register (or update) a target; with create_dir, make the directory on this host."""
    cap = settings.VALIDATION_DEFAULT_SIZE_CAP_BYTES if size_cap_bytes is None else size_cap_bytes
    floor = settings.VALIDATION_DEFAULT_FREE_FLOOR_BYTES if free_floor_bytes is None else free_floor_bytes
    path = str(path or "")
    errors = target_errors(name, path, cap, floor, host_queue, block, kind, endpoint_url, bucket, force,
                           must_exist=not create_dir)
    if errors:
        raise InputError(errors)
    if create_dir and kind == Target.DIRECTORY:
        try:
            Path(path).mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # a file in the way, no permission, read-only file system ...
            raise InputError({"path": [f"cannot create {path!r}: {exc.strerror}"]}) from None
        problems = safety.path_errors(path, force=force)
        if problems:
            raise InputError({"path": problems})
    defaults = {"path": os.path.normpath(path) if path else "", "host_queue": host_queue,
                "block": block or "", "size_cap_bytes": cap, "free_floor_bytes": floor, "force_path": force,
                "kind": kind, "endpoint_url": endpoint_url, "bucket": bucket}
    if public is not None:
        defaults["public"] = public
    with transaction.atomic():
        target, _ = Target.objects.update_or_create(name=name, defaults=defaults)
        if users:
            target.allowed_users.add(*users)
    return target


# ---------------------------------------------------------------- create / cancel

def run_create(owner, use_case, target_names=None, budget_s=60.0):
    """A queued run of the use case's probes on the named targets (all at once, one per host)."""
    budget_s = budget_checked(budget_s)
    targets = targets_checked(target_names, owner)
    basis = proposal_basis(use_case)
    with transaction.atomic():
        run = ValidationRun.objects.create(owner=owner, use_case=use_case, budget_s=budget_s,
                                           results={"basis": basis})
        run.targets.set(targets)
        for target in targets:
            RunHost.objects.create(run=run, target=target)
        run_log(run, f"queued on {', '.join(t.name for t in targets)} (budget {budget_s:g} s)")
        transaction.on_commit(lambda: run_enqueue(run.pk))
    return run


def budget_checked(budget_s):
    if budget_s is None:
        return 60.0
    if isinstance(budget_s, bool) or not isinstance(budget_s, (int, float)):
        raise InputError({"budget_s": ["must be a number of seconds"]})
    if not 1 <= budget_s <= MAX_BUDGET_S:
        raise InputError({"budget_s": [f"must be between 1 and {MAX_BUDGET_S:g} seconds"]})
    return float(budget_s)


def targets_checked(names, user=None):
    usable = targets_for(user) if user is not None else Target.objects.all()
    if names is None or names == []:
        default = usable.filter(name="default").first() or usable.first()
        if default is None:
            raise InputError({"targets": ["no target is registered; an operator adds one with "
                                          "`manage.py target add NAME PATH`"]})
        return [default]
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise InputError({"targets": ["must be a list of target names"]})
    found = {t.name: t for t in usable.filter(name__in=names)}
    missing = [n for n in names if n not in found]
    if missing:
        raise InputError({"targets": [f"unknown target {n!r}" for n in missing]})
    return [found[n] for n in dict.fromkeys(names)]


def proposal_basis(use_case):
    """What the plan is derived from: the use case's latest proposal, or a fresh evaluation."""
    proposal = use_case.latest_proposal()
    document = proposal.document if proposal else core_services.use_case_evaluate(use_case.document)
    return {"proposal_id": proposal.pk if proposal else None,
            "use_case": document.get("use_case") or use_case.document,
            "requirements": document.get("requirements") or {}, "tiers": document.get("tiers") or [],
            "proposals": [{"architecture": p.get("architecture"),
                           "bom": [{"item": i.get("item"), "quantity": i.get("quantity")} for i in p.get("bom") or []]}
                          for p in document.get("proposals") or []]}


def run_enqueue(run_id):
    """Hand the run to the workers; if the broker is unreachable the run fails with that reason."""
    from . import tasks  # tasks import services; enqueue after commit

    try:
        tasks.enqueue(run_id)
    except Exception as exc:  # e.g. Redis down: never leave a run queued with nothing behind it
        reason = f"could not queue the run: {type(exc).__name__}: {exc}"
        RunHost.objects.filter(run_id=run_id, status=ValidationRun.QUEUED).update(
            status=ValidationRun.FAILED, finished_at=timezone.now(), error=reason)
        run_finish_if_done(run_id)


def run_cancel(run):
    """Cancel a queued or running run; running hosts stop at their next progress check."""
    if run.is_finished:
        raise InputError({"status": [f"the run already finished ({run.status})"]})
    now = timezone.now()
    ValidationRun.objects.filter(pk=run.pk, status__in=ACTIVE).update(
        status=ValidationRun.CANCELLED, finished_at=now, error="cancelled by the user")
    queued = list(run.hosts.filter(status=ValidationRun.QUEUED).values_list("task_id", flat=True))
    run.hosts.filter(status=ValidationRun.QUEUED).update(status=ValidationRun.CANCELLED, finished_at=now)
    _revoke([t for t in queued if t])
    run_log(run, "cancelled by the user")
    run.refresh_from_db()
    return run


def runs_cancel_for_use_case(use_case):
    """Before a use case is deleted: cancel its queued and running runs (running hosts stop at their
    next progress check, when they find the run gone or cancelled)."""
    for run in ValidationRun.objects.filter(use_case=use_case, status__in=ACTIVE):
        try:
            run_cancel(run)
        except InputError:  # it finished meanwhile: nothing left to stop
            pass


def _revoke(task_ids):
    from recommender.celery import app

    for task_id in task_ids:
        app.control.revoke(task_id)


def run_log(run, line):
    """Append a timestamped line to the run's log (one UPDATE, no read-modify-write race)."""
    ValidationRun.objects.filter(pk=run.pk).update(log=_log_appended(line))


def _log_appended(line):
    stamp = timezone.now().strftime("%H:%M:%S")
    return Concat("log", Value(f"{stamp} {line}\n"), output_field=TextField())


# ---------------------------------------------------------------- execute (on the host's worker)

def run_host_execute(host_id, worker="", task_id=""):
    """Run the probes of one host of a run; called by the Celery task on that host's queue."""
    if not _claim(host_id, worker, task_id):
        return "skipped"
    host = RunHost.objects.select_related("run", "target").get(pk=host_id)
    stop = threading.Event()
    beat = threading.Thread(target=_heartbeat, args=(host.pk, host.run_id, stop), daemon=True)
    beat.start()
    try:
        out = _measure(host)
        _host_done(host, ValidationRun.SUCCEEDED, results=out, log="\n".join(out["log"]))
    except RunStopped as exc:
        _host_done(host, ValidationRun.CANCELLED if "cancel" in str(exc) else ValidationRun.FAILED,
                   error=str(exc))
    except (safety.SafetyError, workloads.PlanError) as exc:
        _host_done(host, ValidationRun.FAILED, error=f"refused: {exc}")
    except Exception as exc:  # the reason goes on the record; the run never stays "running"
        _host_done(host, ValidationRun.FAILED, error=f"{type(exc).__name__}: {exc}")
    finally:
        stop.set()
        beat.join(timeout=10)
    run_finish_if_done(host.run_id)
    return RunHost.objects.get(pk=host_id).status


def _claim(host_id, worker, task_id):
    now = timezone.now()
    claimed = RunHost.objects.filter(pk=host_id, status=ValidationRun.QUEUED,
                                     run__status__in=ACTIVE).update(
        status=ValidationRun.RUNNING, started_at=now, heartbeat_at=now, worker=worker, task_id=task_id)
    if claimed:
        run_id = RunHost.objects.filter(pk=host_id).values_list("run_id", flat=True).get()
        ValidationRun.objects.filter(pk=run_id, status=ValidationRun.QUEUED).update(
            status=ValidationRun.RUNNING, started_at=now, heartbeat_at=now, worker=worker)
    return bool(claimed)


def _measure(host):
    run, target = host.run, host.target
    if target is None:
        raise RunStopped(f"target {host.target_name!r} was deleted before the run started")
    if target.kind == Target.S3:
        return _measure_s3(host, run, target)
    guard = safety.Guard(target.path, target.size_cap_bytes, target.free_floor_bytes, force=target.force_path)
    safety.remove_leftovers(guard.root, keep=_active_workdirs(target))
    parties = run.hosts.count()
    _barrier(run.pk, parties, host)
    measuring_started_at = time.time()
    use_fio = bool(fio.fio_path())
    try:
        steps = workloads.plan(run.results.get("basis", {}), run.budget_s, guard.room_bytes(), fio=use_fio)
    except workloads.PlanError as exc:
        raise workloads.PlanError(f"{exc} ({guard.describe()})") from None
    _host_update(host.pk, stage=f"plan: {', '.join(s['probe'] for s in steps)}")
    deadline = time.monotonic() + run_time_limit_s(run.budget_s)
    out = runner.execute(steps, guard, _progress(host, deadline), use_fio=use_fio,
                         label=f"r{run.pk}-h{host.pk}", budget_s=run.budget_s)
    return {**out, "plan": steps, "host": os.uname().nodename, "target": target.name,
            "measuring_started_at": measuring_started_at,
            "free_bytes_after": guard.free_bytes()}


def _measure_s3(host, run, target):
    """The S3 form of the plan on a bucket (credentials: the target's secret, else the worker's env)."""
    from . import s3probes

    parties = run.hosts.count()
    _barrier(run.pk, parties, host)
    measuring_started_at = time.time()
    steps = workloads.plan(run.results.get("basis", {}), run.budget_s, target.size_cap_bytes, kind="s3")
    _host_update(host.pk, stage=f"plan: {', '.join(s['probe'] for s in steps)}")
    s3 = s3probes.client(target.endpoint_url, target.access_key_id, target.secret_access_key)
    deadline = time.monotonic() + run_time_limit_s(run.budget_s)
    out = s3probes.execute(steps, s3, target.bucket, target.size_cap_bytes, _progress(host, deadline),
                           label=f"r{run.pk}-h{host.pk}")
    out["measurements"] = calibration.flatten(out["probes"])
    return {**out, "plan": steps, "host": os.uname().nodename, "target": target.name,
            "measuring_started_at": measuring_started_at}


def _active_workdirs(target):
    """Name prefixes of work directories of hosts still running on this target (kept while cleaning)."""
    running = RunHost.objects.filter(target=target, status=ValidationRun.RUNNING)
    return {f"{safety.WORKDIR_PREFIX}r{h.run_id}-h{h.pk}-" for h in running}


def _barrier(run_id, parties, host):
    """Start barrier in Redis: every host of the run arrives before any starts measuring."""
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    key = f"advisor:validation:{run_id}:barrier"
    client.incr(key)
    client.expire(key, int(BARRIER_TIMEOUT_S * 10))
    deadline = time.monotonic() + BARRIER_TIMEOUT_S
    while int(client.get(key) or 0) < parties:
        _check_cancel(host.run_id)
        if time.monotonic() > deadline:
            raise RunStopped(f"start barrier: only {int(client.get(key) or 0)} of {parties} hosts "
                             f"arrived within {BARRIER_TIMEOUT_S:g} s")
        time.sleep(0.05)
    _host_update(host.pk, stage="all hosts ready")


def _progress(host, deadline):
    last = [0.0]

    def report(fraction, stage):
        if time.monotonic() > deadline:
            raise RunStopped(f"time limit of {run_time_limit_s(host.run.budget_s):g} s exceeded")
        if time.monotonic() - last[0] < PROGRESS_SAVE_EVERY_S:
            return
        last[0] = time.monotonic()
        _check_cancel(host.run_id)
        _host_update(host.pk, progress=round(fraction, 4), stage=stage)
        _run_progress(host.run_id, stage=f"{host.target_name}: {stage}")

    return report


def _check_cancel(run_id):
    status = ValidationRun.objects.filter(pk=run_id).values_list("status", flat=True).first()
    if status is None:
        raise RunStopped("cancelled: the run (or its use case) was deleted")
    if status == ValidationRun.CANCELLED:
        raise RunStopped("cancelled by the user")


def _host_update(host_id, **fields):
    RunHost.objects.filter(pk=host_id).update(heartbeat_at=timezone.now(), **fields)


def _run_progress(run_id, stage=""):
    progress = RunHost.objects.filter(run_id=run_id).aggregate(p=Avg("progress"))["p"] or 0.0
    ValidationRun.objects.filter(pk=run_id, status=ValidationRun.RUNNING).update(
        progress=round(progress, 4), stage=stage[:80], heartbeat_at=timezone.now())


def _heartbeat(host_id, run_id, stop):
    """Beat every HEARTBEAT_EVERY_S while the probes run, so a killed worker shows as dead."""
    try:
        while not stop.wait(HEARTBEAT_EVERY_S):
            now = timezone.now()
            RunHost.objects.filter(pk=host_id, status=ValidationRun.RUNNING).update(heartbeat_at=now)
            ValidationRun.objects.filter(pk=run_id, status=ValidationRun.RUNNING).update(heartbeat_at=now)
    finally:
        connection.close()


def _hide_path(host, text):
    """Run errors are shown to the run's owner, who may not see the target's server path."""
    path = host.target.path if host.target else ""
    return text.replace(path, f"<target {host.target_name}>") if path and text else text


def _host_done(host, status, results=None, error="", log=""):
    error = _hide_path(host, error)
    fields = {"status": status, "finished_at": timezone.now(), "error": error[:4000],
              "heartbeat_at": timezone.now()}
    if status == ValidationRun.SUCCEEDED:
        fields["progress"] = 1.0
    if results is not None:
        fields["results"] = results
    if log:
        fields["log"] = log
    RunHost.objects.filter(pk=host.pk, status=ValidationRun.RUNNING).update(**fields)
    run_log(host.run, f"{host.target_name}: {status}" + (f" — {error}" if error else ""))


# ---------------------------------------------------------------- finish, calibrate, reap

def run_finish_if_done(run_id):
    """When no host is left queued or running, settle the run (once) and calibrate on success."""
    if RunHost.objects.filter(run_id=run_id, status__in=ACTIVE).exists():
        return
    if not ValidationRun.objects.filter(pk=run_id, finished_at__isnull=True).update(finished_at=timezone.now()):
        return  # another host (or a cancel) already settled it
    run = ValidationRun.objects.get(pk=run_id)
    hosts = list(run.hosts.select_related("target"))
    failed = [h for h in hosts if h.status == ValidationRun.FAILED]
    if failed:
        reasons = "; ".join(f"{h.target_name}: {h.error}" for h in failed)
        _settle(run, ValidationRun.FAILED, error=reasons)
    elif any(h.status == ValidationRun.CANCELLED for h in hosts):
        _settle(run, ValidationRun.CANCELLED, error=run.error or "cancelled")
    else:
        # the re-ranking is written with the success, never after it: a poller that sees "succeeded"
        # also sees the calibrated proposal
        run.results = {**run.results, **run_results(run, hosts)}
        _settle(run, ValidationRun.SUCCEEDED, results={**run.results, "calibration": calibration_note(run)})


def _settle(run, status, error="", results=None):
    fields = {"status": status, "error": error[:4000]}
    if results is not None:
        fields["results"] = results
    if status == ValidationRun.SUCCEEDED:
        fields["progress"] = 1.0
    # the status and its log line are one UPDATE: a poller that sees the status also sees the line
    line = f"run {status}" + (f": {error}" if error else "")
    settled = ValidationRun.objects.filter(pk=run.pk).exclude(status=ValidationRun.CANCELLED).update(
        log=_log_appended(line), **fields)
    if not settled:
        run_log(run, line)


def run_results(run, hosts):
    """Aggregate and per-host figures, per-client figures and checks against the requirements,
    each check saying whether its aggregate was measured or extrapolated (and capped)."""
    per_host = {h.target_name: h.results.get("measurements", {}) for h in hosts}
    together = calibration.aggregate(per_host)
    client = calibration.per_client(together, len(hosts))
    basis = run.results.get("basis", {})
    clients = calibration.planned_clients(basis)
    ceilings = run_ceilings(basis, hosts, clients)
    return {"measurements": together, "per_client": client, "per_host": per_host,
            "measured_clients": len(hosts), "planned_clients": clients,
            "checks": calibration.checks(basis, client, clients, len(hosts), ceilings),
            "fio": {h.target_name: fio_summary(h.results.get("fio", {})) for h in hosts},
            "method": {h.target_name: h.results.get("method_text", "") for h in hosts}}


def run_ceilings(basis, hosts, clients):
    """What the blocks the run's targets stand for can deliver in the proposal (caps extrapolation)."""
    blocks = sorted({h.target_block for h in hosts if h.target_block})
    if len(blocks) != 1:
        return {}
    catalog_blocks = catalog_selectors.catalog_current().get("blocks", [])
    return calibration.ceilings_for(blocks[0], clients, catalog_blocks, basis.get("proposals") or [])


def fio_summary(references):
    return {probe: {"ratio": r.get("ratio"), "agrees": r.get("agrees"), "error": r.get("error"),
                    "ratio_min": r.get("ratio_min"), "ratio_max": r.get("ratio_max"), "repeats": r.get("repeats"),
                    "fio_bytes_per_s": (r.get("fio") or {}).get("bytes_per_s"),
                    "ours_bytes_per_s": r.get("ours_bytes_per_s")} for probe, r in references.items()}


def measured_by_block(run):
    """{block: figures} from the run's hosts, per client × planned clients, grouped by block.

    A block the catalog marks `per_node` (DAS, host memory) sits in every client, so one client's
    figure is already the per-unit figure: it is not multiplied by the client count.
    """
    hosts = list(run.hosts.select_related("target"))
    clients = run.results.get("planned_clients", 1)
    per_node = {b["id"] for b in catalog_selectors.catalog_current().get("blocks", []) if b.get("per_node")}
    measured = {}
    for block in sorted({h.target_block for h in hosts if h.target_block}):
        group = {h.target_name: h.results.get("measurements", {}) for h in hosts if h.target_block == block}
        client = calibration.per_client(calibration.aggregate(group), len(group))
        measured.update(calibration.measured_for_ranking(block, client, 1 if block in per_node else clients))
    return measured


def calibration_note(run):
    """Re-rank the proposal with the measured figures replacing the mapped blocks' datasheets; the
    note says which proposal holds the re-ranking, or why there is none."""
    measured = measured_by_block(run)
    note = {"measured": measured, "basis": calibration.measured_basis(run.results.get("planned_clients", 1))}
    if not measured:
        note["skipped"] = "no target of this run names a catalog building block"
    else:
        try:
            proposal = core_services.proposal_build(run.use_case, measured=measured, calibrated_by=run)
            note["proposal_id"] = proposal.pk
            note["ranking"] = [{k: p.get(k) for k in ("rank", "architecture", "score", "meets_requirements",
                                                       "first_unmet", "figures")}
                               for p in proposal.document.get("proposals", [])]
        except Exception as exc:  # keep the measurements even if re-ranking is not possible
            note["error"] = f"re-ranking failed: {type(exc).__name__}: {exc}"
    run_log(run, "calibration: " + (f"proposal {note['proposal_id']} re-ranked" if "proposal_id" in note
                                    else note.get("skipped") or note.get("error", "")))
    return note


def runs_reap_stale(now=None):
    """Hosts that stopped beating (killed worker) or never started fail with a reason; returns count."""
    now = now or timezone.now()
    dead = RunHost.objects.filter(status=ValidationRun.RUNNING,
                                  heartbeat_at__lt=now - timedelta(seconds=stale_after_s()))
    waiting = RunHost.objects.filter(status=ValidationRun.QUEUED, run__status=ValidationRun.QUEUED,
                                     run__created_at__lt=now - timedelta(seconds=queue_timeout_s()))
    reaped = 0
    for host in dead.select_related("target"):
        reaped += _reap(host, now, f"no heartbeat since {host.heartbeat_at:%Y-%m-%d %H:%M:%S} UTC "
                                   f"(over {stale_after_s():g} s): the worker on queue "
                                   f"{_queue(host)!r} was killed or lost")
    for host in waiting.select_related("target"):
        reaped += _reap(host, now, f"no worker consumed queue {_queue(host)!r} within "
                                   f"{queue_timeout_s():g} s")
    return reaped


def _queue(host):
    return host.target.host_queue if host.target else "?"


def _reap(host, now, reason):
    changed = RunHost.objects.filter(pk=host.pk, status=host.status).update(
        status=ValidationRun.FAILED, finished_at=now, error=reason)
    if changed:
        run_log(host.run, f"{host.target_name}: failed — {reason}")
        run_finish_if_done(host.run_id)
    return changed
