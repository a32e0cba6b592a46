"""The reports tests render the same hand-written stored proposal as the web UI tests."""
import json
from pathlib import Path

import pytest

from recommender.models import Proposal, UseCase

SAMPLE = Path(__file__).resolve().parent.parent / "webui" / "sample_proposal.json"


@pytest.fixture
def sample_document():
    return json.loads(SAMPLE.read_text())


@pytest.fixture
def stored_proposal(user, sample_document):
    use_case = UseCase.objects.create(owner=user, name=sample_document["use_case"]["name"],
                                      workload="llm_training", document=sample_document["use_case"])
    return Proposal.objects.create(use_case=use_case, priority="balanced", document=sample_document)
