"""Read-side queries: every query is scoped to its owner, so users see only their own data."""
from .models import Proposal, UseCase


def use_cases_for(user):
    return UseCase.objects.filter(owner=user)


def proposal_for(user, proposal_id):
    return Proposal.objects.select_related("use_case").get(pk=proposal_id, use_case__owner=user)
