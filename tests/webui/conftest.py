"""Fixtures for the web UI: a stored use case + proposal built from the hand-written sample document."""
import copy
import json
from pathlib import Path

import pytest

from recommender.models import Proposal, UseCase

SAMPLE = Path(__file__).with_name("sample_proposal.json")


@pytest.fixture
def sample_document():
    return json.loads(SAMPLE.read_text())


def store_proposal(owner, document, name=None):
    """A use case with one stored proposal, as services.use_case_create would leave them."""
    document = copy.deepcopy(document)
    if name:
        document["use_case"]["name"] = name
    use_case = UseCase.objects.create(owner=owner, name=document["use_case"]["name"],
                                      workload=document["use_case"]["workload"], document=document["use_case"])
    proposal = Proposal.objects.create(use_case=use_case, priority=document["priority"], document=document)
    return use_case, proposal


@pytest.fixture
def store(db):
    return store_proposal


@pytest.fixture
def stored(user, sample_document):
    return store_proposal(user, sample_document)


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client
