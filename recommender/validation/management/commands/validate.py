"""`manage.py validate --use-case FILE --target DIR|s3://BUCKET[/PREFIX]|NAME`: replay the use case's
I/O on a directory of this host, an S3 bucket, or a registered target, and print measurements and
pass/fail checks (exit 2 on bad input).

S3 credentials come from the environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, boto3's chain)
or from a registered target's secret; they are never printed."""
import json
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from recommender import services as core_services
from recommender.catalog import selectors as catalog_selectors
from recommender.validation import calibration, fio, runner, safety, services, workloads


class Command(BaseCommand):
    requires_system_checks = []  # no models, URLs or admin to check: start-up stays under a second
    help = ("Run the validation micro-benchmarks derived from a use case on a directory of this host. "
            "FILE is a use-case document, or a proposal document printed by `manage.py advise`.")

    def add_arguments(self, parser):
        parser.add_argument("--use-case", required=True, metavar="FILE", help="JSON file, or - for stdin")
        parser.add_argument("--target", required=True, metavar="DIR|s3://BUCKET[/PREFIX]|NAME",
                            help="absolute directory, S3 bucket (with --endpoint-url), or a registered target")
        parser.add_argument("--endpoint-url", default="", help="S3 endpoint for an s3:// target")
        parser.add_argument("--budget-s", type=float, default=60.0, help="time budget in seconds (default 60)")
        parser.add_argument("--format", choices=["json", "text"], default="text")
        parser.add_argument("--size-cap-bytes", type=int,
                            help="most bytes the run keeps on the target (default: the target's, else "
                                 f"{settings.VALIDATION_DEFAULT_SIZE_CAP_BYTES})")
        parser.add_argument("--free-floor-bytes", type=int,
                            help="stop writing below this free space (default: the target's, else "
                                 f"{settings.VALIDATION_DEFAULT_FREE_FLOOR_BYTES})")
        parser.add_argument("--clients", type=int, help="planned client hosts (default: from the proposal)")
        parser.add_argument("--block", default="", help="catalog block the directory stands for (re-ranks)")
        parser.add_argument("--no-fio", action="store_true", help="skip the fio reference runs")
        parser.add_argument("--force", action="store_true", help="allow a mount's root as the target")

    def handle(self, *args, **options):
        document = proposal_document(read_json(options["use_case"]))
        budget = options["budget_s"]
        if not 1 <= budget <= services.MAX_BUDGET_S:
            fail(f"--budget-s: must be between 1 and {services.MAX_BUDGET_S:g} seconds")
        if options["clients"] is not None and options["clients"] < 1:
            fail("--clients: must be at least 1")
        target = resolve_target(options)
        if options["block"] and options["block"] not in services.catalog_block_ids():
            fail(f"--block: {options['block']!r} is not a catalog building block; one of "
                 f"{', '.join(sorted(services.catalog_block_ids()))}")
        if target["kind"] == "s3":
            return self.handle_s3(document, target, options)
        try:
            guard = safety.Guard(target["path"], options["size_cap_bytes"], options["free_floor_bytes"],
                                 force=options["force"])
            use_fio = bool(fio.fio_path()) and not options["no_fio"]
            steps = workloads.plan(document, budget, guard.room_bytes(), fio=use_fio)
        except safety.SafetyError as exc:
            fail(f"--target: {exc}" if exc.field == "path" else f"--{exc.field.replace('_', '-')}: {exc.message}")
        except workloads.PlanError as exc:
            fail(f"--target: {exc} ({guard.describe()})")
        out = runner.execute(steps, guard, self.progress(options["format"]), use_fio=use_fio, label="cli",
                             budget_s=budget)
        where = {"kind": "directory", "path": str(guard.root), "size_cap_bytes": guard.size_cap_bytes,
                 "free_floor_bytes": guard.free_floor_bytes}
        self.emit(build_report(document, out, steps, where, options), options)

    def handle_s3(self, document, target, options):
        """The S3 form of the same plan and checks as the API's worker (services._measure_s3)."""
        from recommender.validation import s3probes

        cap = options["size_cap_bytes"]
        s3 = s3probes.client(target["endpoint_url"], target.get("access_key_id", ""),
                             target.get("secret_access_key", ""))
        problems = s3probes.bucket_errors(s3, target["bucket"], target["endpoint_url"])
        if problems:
            fail_fields(problems)
        try:
            steps = workloads.plan(document, options["budget_s"], cap, kind="s3")
        except workloads.PlanError as exc:
            fail(f"--target: {exc}")
        try:
            out = s3probes.execute(steps, s3, target["bucket"], cap, self.progress(options["format"]),
                                   label="cli", base_prefix=target.get("prefix", ""))
        except Exception as exc:  # the endpoint failed mid-run: say so, no traceback
            raise CommandError(f"s3: the run stopped: {type(exc).__name__}: {exc}", returncode=1) from None
        out["measurements"] = calibration.flatten(out["probes"])
        where = {"kind": "s3", "endpoint_url": target["endpoint_url"], "bucket": target["bucket"],
                 "prefix": target.get("prefix", ""), "size_cap_bytes": cap,
                 "credentials": target["credentials"]}
        self.emit(build_report(document, out, steps, where, options), options)

    def emit(self, report, options):
        self.stdout.write(json.dumps(report, indent=2) if options["format"] == "json" else text(report))

    def progress(self, fmt):
        last = [-1]

        def report(fraction, stage):
            pct = int(fraction * 100)
            if fmt == "text" and pct // 10 != last[0] // 10:
                self.stderr.write(f"{pct:3d} %  {stage}")
            last[0] = pct

        return report


def fail(message):
    raise CommandError(message, returncode=2)


FIELD_OPTIONS = {"bucket": "--target", "credentials": "credentials"}


def fail_fields(errors):
    """Field errors as the options that carry them (a bucket comes in --target)."""
    fail("; ".join(f"{FIELD_OPTIONS.get(field) or '--' + field.replace('_', '-')}: {m}"
                   for field, messages in errors.items() for m in messages))


S3_SCHEME = "s3://"
MAX_PREFIX_CHARS = 512


def resolve_target(options):
    """--target as {kind, ...}: a directory, an s3:// bucket (credentials from the environment), or
    a registered target by name (its path, or its bucket and secret). Fills the size cap and free
    floor from the registered target or the settings when not given."""
    raw = options["target"]
    if raw.startswith(S3_SCHEME):
        target = s3_target(raw, options["endpoint_url"])
    elif options["endpoint_url"]:
        fail("--endpoint-url: only for an s3://BUCKET target")
    elif "/" not in raw and raw not in (".", "..") and registered(raw) is not None:
        target = registered_target(registered(raw))
    else:
        target = {"kind": "directory", "path": raw}
    for field, default in (("size_cap_bytes", settings.VALIDATION_DEFAULT_SIZE_CAP_BYTES),
                           ("free_floor_bytes", settings.VALIDATION_DEFAULT_FREE_FLOOR_BYTES)):
        if options[field] is None:
            options[field] = target.get(field, default)
    if target["kind"] == "s3":
        problems = services._size_errors(options["size_cap_bytes"], options["free_floor_bytes"])
        if problems:
            fail_fields(problems)
    return target


def s3_target(raw, endpoint_url):
    bucket, _, prefix = raw[len(S3_SCHEME):].partition("/")
    errors = services.s3_errors(endpoint_url, bucket)
    if ".." in prefix.split("/") or len(prefix) > MAX_PREFIX_CHARS or not prefix.isprintable():
        errors["target"] = [f"prefix must be printable, at most {MAX_PREFIX_CHARS} characters, without '..'"]
    if "bucket" in errors:
        errors["target"] = [f"{raw!r}: {errors.pop('bucket')[0]}"] + errors.get("target", [])
    if errors:
        fail_fields(errors)
    return {"kind": "s3", "endpoint_url": endpoint_url, "bucket": bucket, "prefix": prefix.strip("/"),
            "credentials": "environment"}


def registered(name):
    from django.db import DatabaseError

    from recommender.validation.models import Target

    try:
        return Target.objects.filter(name=name).first()
    except DatabaseError:  # no database here: --target is then a directory or a bucket only
        return None


def registered_target(t):
    base = {"size_cap_bytes": t.size_cap_bytes, "free_floor_bytes": t.free_floor_bytes, "name": t.name}
    if t.kind == t.S3:
        return {**base, "kind": "s3", "endpoint_url": t.endpoint_url, "bucket": t.bucket, "prefix": "",
                "access_key_id": t.access_key_id, "secret_access_key": t.secret_access_key,
                "credentials": f"target {t.name}'s secret" if t.access_key_id else "environment"}
    return {**base, "kind": "directory", "path": t.path}


def read_json(name):
    try:
        raw = sys.stdin.read() if name == "-" else open(name, encoding="utf-8").read()
    except OSError as exc:
        fail(f"--use-case: {name}: {exc.strerror}")
    except UnicodeDecodeError:
        fail(f"--use-case: {name}: not UTF-8 text")
    try:
        document = json.loads(raw)
    except json.JSONDecodeError as exc:
        fail(f"--use-case: {name}: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})")
    except RecursionError:
        fail(f"--use-case: {name}: not valid JSON (nested too deeply)")
    if not isinstance(document, dict):
        fail(f"--use-case: {name}: expected a JSON object")
    return document


def proposal_document(document):
    """A proposal as printed by `advise` is used as is; a use case is evaluated first."""
    if isinstance(document.get("requirements"), dict):
        problems = proposal_shape_errors(document)
        if problems:
            fail("--use-case: not a proposal as `manage.py advise` prints it: " + "; ".join(problems))
        return document
    try:
        return core_services.use_case_evaluate(document)
    except core_services.UseCaseError as exc:
        lines = [f"  {path}: {m}" for path, messages in exc.errors.items() for m in messages]
        fail("invalid use case:\n" + "\n".join(lines))


def proposal_shape_errors(document):
    """What the probe plan and the checks read from a proposal, in the shape they read it."""
    problems = []
    if not isinstance(document.get("use_case", {}), dict):
        problems.append("use_case: must be an object")
    problems += [f"requirements.{need}: must be an object"
                 for need, fields in document["requirements"].items() if not isinstance(fields, dict)]
    tiers = document.get("tiers", [])
    if not isinstance(tiers, list) or not all(isinstance(t, dict) for t in tiers):
        problems.append("tiers: must be a list of objects")
    return problems


def build_report(document, out, steps, where, options):
    clients = options["clients"] or calibration.planned_clients(document)
    measurements = out["measurements"]
    ceilings = {}
    if options["block"]:
        blocks = catalog_selectors.catalog_current().get("blocks", [])
        ceilings = calibration.ceilings_for(options["block"], clients, blocks, document.get("proposals") or [])
    report = {"target": where, "budget_s": options["budget_s"], "method": out["method_text"], "planned_clients": clients,
              "measurements": measurements, "measured_clients": 1,
              "checks": calibration.checks(document, measurements, clients, 1, ceilings),
              "fio": services.fio_summary(out["fio"]), "plan": steps, "probes": out["probes"],
              "log": out["log"], "elapsed_s": out.get("elapsed_s"), "prep_s": out.get("prep_s")}
    if options["block"]:
        report["calibration"] = rerank(document, options["block"], measurements, clients)
    return report


def rerank(document, block, measurements, clients):
    measured = calibration.measured_for_ranking(block, measurements, clients)
    try:
        proposal = core_services.use_case_evaluate(document["use_case"], measured=measured)
    except Exception as exc:  # measurements stand on their own; say why there is no ranking
        return {"measured": measured, "error": f"re-ranking failed: {type(exc).__name__}: {exc}"}
    return {"measured": measured, "basis": calibration.measured_basis(clients),
            "proposals": [{k: p.get(k) for k in ("rank", "architecture", "score", "meets_requirements",
                                                  "figures")} for p in proposal.get("proposals", [])]}


def human(name, value):
    """Decimal units for people (base units stay in the JSON)."""
    if name.endswith("bytes_per_s"):
        return f"{value / 1e9:,.3f} GB/s"
    if name.endswith("iops"):
        return f"{value:,.0f} ops/s"
    if name.endswith("_s"):
        return f"{value * 1e3:,.3f} ms"
    return f"{value:,.4g}"


def text(report):
    where = report["target"]
    name = where.get("path") or f"s3://{where['bucket']}/{where.get('prefix', '')} at {where['endpoint_url']}"
    lines = [f"target {name}: {report['method']}", "measurements (per client):"]
    lines += [f"  {name:34s} {human(name, value)}" for name, value in report["measurements"].items()]
    lines.append(f"checks ({report['planned_clients']} planned clients, per-client figure × clients):")
    for c in report["checks"]:
        verdict = "PASS" if c["pass"] else "FAIL"
        lines.append(f"  {verdict} {c['requirement']:34s} measured {human(c['requirement'], c['measured'])} "
                     f"{c['direction']} {human(c['requirement'], c['required'])} (margin {c['margin']:+.0%}; "
                     f"{c['flag']})")
    for probe, ref in report["fio"].items():
        if ref.get("ratio"):
            lines.append(f"  fio {probe}: ours/fio = {ref['ratio']:.2f} "
                         f"(paired {ref.get('ratio_min') or 0:.2f}–{ref.get('ratio_max') or 0:.2f}, {ref.get('repeats')} repeats)")
    return "\n".join(lines)
