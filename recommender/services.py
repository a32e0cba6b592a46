"""Orchestration: use case → rules → ranking → stored proposal. Views, tasks and commands call these."""
from datetime import datetime, timezone

from django.db import transaction

import rules
from recommender import ranking
from recommender.catalog import selectors as catalog_selectors

from .models import Proposal, UseCase

UseCaseError = rules.UseCaseError
PRIORITIES = ("balanced", "performance", "cost")


def use_case_evaluate(document, measured=None, owner=None):
    """The whole advice for one use-case document, as a JSON-ready proposal document.

    `owner`'s vendor quotes replace the catalog estimates (no one else's). Raises UseCaseError
    (field → messages) on bad input; nothing is stored here.
    """
    result = rules.evaluate(document)
    priority = result["use_case"].get("priority", "balanced")
    catalog = catalog_selectors.catalog_current()
    ranked = ranking.rank(result["tiers"], catalog, priority=priority, measured=measured,
                          cluster=result["use_case"], quotes=catalog_selectors.quotes_for(owner))
    return {
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
        use_case=use_case, priority=document["priority"], document=document, calibrated_by=calibrated_by
    )
