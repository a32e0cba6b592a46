"""Orchestration: use case → rules → ranking → stored proposal. Views, tasks and commands call these."""
import logging
from datetime import datetime, timezone

from django.db import transaction

import rules
from recommender import ranking
from rules.bibliography import render as bibliography_render
from recommender.catalog import selectors as catalog_selectors
from recommender.catalog import snapshot as catalog_snapshot

from .models import Proposal, UseCase

UseCaseError = rules.UseCaseError
PRIORITIES = ("balanced", "performance", "cost")
SWEEP_POINTS = 24  # enough to see where each architecture breaks, cheap enough to draw per proposal
log = logging.getLogger(__name__)


def use_case_evaluate(document, measured=None, owner=None):
    """The whole advice for one use-case document, as a JSON-ready proposal document.

    Ranks against this process's catalog snapshot (no catalog query unless the catalog changed);
    `owner`'s vendor quotes replace the catalog estimates (no one else's). Raises UseCaseError
    (field → messages) on bad input; nothing is stored here.
    """
    result = rules.evaluate(document)
    priority = result["use_case"].get("priority", "balanced")
    snapshot = catalog_snapshot.current()
    catalog = snapshot.catalog
    ranked = ranking.rank(result["tiers"], catalog, priority=priority, measured=measured,
                          cluster=result["use_case"], quotes=snapshot.quotes(owner))
    document = {
        "use_case": result["use_case"],
        "requirements": result["requirements"],
        "tiers": result["tiers"],
        "proposals": ranked["proposals"],
        "pareto": ranked.get("pareto", []),
        "findings": result["findings"] + ranked["findings"],
        "priority": priority,
        "catalog_version": catalog.get("version", ""),
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    # the full reference of every source cited, so API readers need not look keys up
    document["bibliography"] = bibliography_render.cited(bibliography_render.document_sources(document))
    return document


def gpu_sweep(use_case_document, catalog=None, owner=None):
    """The GPU-count sweep shown with a proposal (counts in multiples of the model-parallel size), priced
    with `owner`'s quotes as the proposal is, or None when the engine cannot sweep this use case."""
    if not use_case_document.get("gpus"):
        return None
    counts = ranking.default_gpu_counts(use_case_document, points=SWEEP_POINTS)
    snapshot = catalog_snapshot.current()
    try:
        return ranking.sweep(use_case_document, catalog or snapshot.catalog, gpu_counts=counts,
                             quotes=snapshot.quotes(owner))
    except Exception as exc:  # the sweep is an extra view; the proposal stands without it
        log.warning("GPU sweep not drawn: %s: %s", type(exc).__name__, exc)
        return None


def sweep_summary(sweep):
    """What the page's break table needs from a sweep (the points stay in the chart)."""
    points = (sweep or {}).get("points") or []
    if not points:
        return None
    return {"breaks": sweep.get("breaks") or {}, "min_gpus": points[0]["gpus"], "max_gpus": points[-1]["gpus"],
            "counts": [p["gpus"] for p in points]}


def proposal_charts(use_case_document, proposal_document, owner=None):
    """The charts stored with a proposal (drawn by proposal_charts_ensure): pages and PDF only read them."""
    from recommender.reports import charts  # matplotlib: paid on first view, not at start-up

    sweep = gpu_sweep(use_case_document, owner=owner)
    return {**charts.draw_stored(proposal_document, sweep), "sweep": sweep_summary(sweep)}


def proposal_charts_ensure(proposal):
    """The proposal's charts, drawn and stored the first time a page or the PDF shows it; never again.

    Building a proposal does not draw them: matplotlib costs ~1–3 s of CPU per proposal, which an API
    client that only reads the JSON would pay on every create (docs/performance/reports.md)."""
    if not proposal.charts.get("svg"):
        proposal.charts = proposal_charts(proposal.use_case.document, proposal.document, owner=proposal.use_case.owner)
        Proposal.objects.filter(pk=proposal.pk).update(charts=proposal.charts)
    return proposal.charts


def use_case_create(owner, document):
    """Validate and evaluate first, then store the use case with its first proposal (all or nothing)."""
    proposal_document = use_case_evaluate(document, owner=owner)
    normalized = proposal_document["use_case"]
    with transaction.atomic():
        use_case = UseCase.objects.create(
            owner=owner,
            name=normalized.get("name") or normalized["workload"],
            workload=normalized["workload"],
            # the input as given: the normalized form (proposal.document["use_case"]) carries derived
            # fields the validator rejects, and proposal_build / the GPU sweep re-evaluate this one
            document=document,
        )
        proposal = Proposal.objects.create(
            use_case=use_case, priority=proposal_document["priority"], document=proposal_document
        )
    return use_case, proposal


def use_case_update(use_case, document):
    proposal_document = use_case_evaluate(document, owner=use_case.owner)
    normalized = proposal_document["use_case"]
    with transaction.atomic():
        use_case.name = normalized.get("name") or normalized["workload"]
        use_case.workload = normalized["workload"]
        use_case.document = document
        use_case.save()
        proposal = Proposal.objects.create(
            use_case=use_case, priority=proposal_document["priority"], document=proposal_document
        )
    return use_case, proposal


def proposal_build(use_case, measured=None, calibrated_by=None):
    """A fresh proposal for a stored use case (e.g. re-ranked with measured figures)."""
    document = use_case_evaluate(use_case.document, measured=measured, owner=use_case.owner)
    return Proposal.objects.create(
        use_case=use_case, priority=document["priority"], document=document, calibrated_by=calibrated_by,
    )


def use_case_duplicate(use_case, name=None):
    """A copy of a use case (same input document, a fresh proposal) for a what-if variant."""
    suffix = " (copy)"
    document = dict(use_case.document, name=name or use_case.name[: 200 - len(suffix)] + suffix)
    return use_case_create(use_case.owner, document)


def use_case_delete(use_case):
    """Cancel the use case's queued or running validations, then delete it with its proposals.

    Running hosts stop at their next progress check. A run that finishes while being cancelled is
    left as it ended. Returns the ids of the runs this call cancelled."""
    from recommender.validation import services as validation_services
    from recommender.validation.models import ValidationRun

    cancelled = []
    for run in ValidationRun.objects.filter(use_case=use_case, status__in=validation_services.ACTIVE):
        try:
            cancelled.append(validation_services.run_cancel(run).pk)
        except validation_services.InputError:  # it finished meanwhile
            pass
    use_case.delete()
    return cancelled
