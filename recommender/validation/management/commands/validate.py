"""`manage.py validate --use-case FILE --target DIR`: replay the use case's I/O on a directory of
this host and print measurements and pass/fail checks (exit 2 on bad input)."""
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
        parser.add_argument("--target", required=True, metavar="DIR", help="absolute directory to measure")
        parser.add_argument("--budget-s", type=float, default=60.0, help="time budget in seconds (default 60)")
        parser.add_argument("--format", choices=["json", "text"], default="text")
        parser.add_argument("--size-cap-bytes", type=int, default=settings.VALIDATION_DEFAULT_SIZE_CAP_BYTES)
        parser.add_argument("--free-floor-bytes", type=int, default=settings.VALIDATION_DEFAULT_FREE_FLOOR_BYTES)
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
        try:
            if options["block"] and options["block"] not in services.catalog_block_ids():
                fail(f"--block: {options['block']!r} is not a catalog building block; one of "
                     f"{', '.join(sorted(services.catalog_block_ids()))}")
            guard = safety.Guard(options["target"], options["size_cap_bytes"], options["free_floor_bytes"],
                                 force=options["force"])
            use_fio = bool(fio.fio_path()) and not options["no_fio"]
            steps = workloads.plan(document, budget, guard.room_bytes(), fio=use_fio)
        except safety.SafetyError as exc:
            fail(f"--target: {exc}" if exc.field == "path" else f"--{exc.field.replace('_', '-')}: {exc.message}")
        except workloads.PlanError as exc:
            fail(f"--target: {exc} ({guard.describe()})")
        out = runner.execute(steps, guard, self.progress(options["format"]), use_fio=use_fio, label="cli")
        report = build_report(document, out, steps, guard, options)
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


def build_report(document, out, steps, guard, options):
    clients = options["clients"] or calibration.planned_clients(document)
    measurements = out["measurements"]
    ceilings = {}
    if options["block"]:
        blocks = catalog_selectors.catalog_current().get("blocks", [])
        ceilings = calibration.ceilings_for(options["block"], clients, blocks, document.get("proposals") or [])
    report = {"target": {"path": str(guard.root), "size_cap_bytes": guard.size_cap_bytes,
                         "free_floor_bytes": guard.free_floor_bytes},
              "budget_s": options["budget_s"], "method": out["method_text"], "planned_clients": clients,
              "measurements": measurements, "measured_clients": 1,
              "checks": calibration.checks(document, measurements, clients, 1, ceilings),
              "fio": services.fio_summary(out["fio"]), "plan": steps, "probes": out["probes"],
              "log": out["log"]}
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
    lines = [f"target {report['target']['path']}: {report['method']}", "measurements (per client):"]
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
