"""Every source a proposal or the catalog cites is a bibliography key, never an internal note.

Fails while another area still carries free-text sources: run it to see which strings remain."""
import json
from pathlib import Path

import pytest

import rules
from recommender import ranking
from recommender.catalog import selectors
from rules import bibliography
from rules.bibliography import internal, render

ROOT = Path(__file__).resolve().parents[2]
USE_CASES = sorted((ROOT / "fixtures" / "usecases").glob("*.json"))


def catalog_sources(node):
    """Every `sources` list item and `source` string anywhere in a catalog fixture."""
    if isinstance(node, dict):
        found = [node["source"]] if isinstance(node.get("source"), str) else []
        found += [s for s in node.get("sources") or [] if isinstance(s, str)]
        return found + [s for k, v in node.items() if k not in ("source", "sources") for s in catalog_sources(v)]
    if isinstance(node, list):
        return [s for item in node for s in catalog_sources(item)]
    return []


def proposal(path):
    result = rules.evaluate(json.loads(path.read_text()))
    ranked = ranking.rank(result["tiers"], selectors.catalog_fixtures())
    return {"findings": result["findings"] + ranked["findings"], "tiers": result["tiers"],
            "proposals": ranked["proposals"]}


def assert_public(sources):
    unknown = bibliography.unknown(sources)
    internal_notes = [s for s in sources if internal.is_internal(s)]
    assert not internal_notes, f"{len(internal_notes)} internal citations, e.g. {internal_notes[:3]}"
    assert not unknown, f"{len(unknown)} sources not in the bibliography, e.g. {unknown[:3]}"


@pytest.mark.parametrize("path", USE_CASES, ids=lambda p: p.stem)
def test_it_cites_only_bibliography_keys_in_the_proposal_of_every_fixture(path):
    sources = render.document_sources(proposal(path))
    assert sources, "a proposal always cites something"
    assert_public(sources)


@pytest.mark.parametrize("name", ["blocks.json", "architectures.json"])
def test_it_cites_only_bibliography_keys_in_the_catalog(name):
    assert_public(catalog_sources(json.loads((ROOT / "fixtures" / "catalog" / name).read_text())))
