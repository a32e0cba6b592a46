"""The bibliography itself: well-formed public entries, docs/sources.md up to date, citations expand."""
import re
from pathlib import Path

import pytest

from rules import bibliography
from rules.bibliography import internal, render

SOURCES_MD = Path(__file__).resolve().parents[2] / "docs" / "sources.md"


@pytest.mark.parametrize("key", sorted(bibliography.REFERENCES))
def test_it_gives_every_entry_a_kind_a_public_reference_and_an_https_url(key):
    entry = bibliography.REFERENCES[key]
    assert bibliography.KEY_PATTERN.match(key), key
    assert entry["kind"] in bibliography.KINDS
    assert len(entry["reference"]) > 20 and not internal.is_internal(entry["reference"])
    if entry["kind"] != "measurement":  # our own shipped benchmark: the reference names the file
        assert str(entry.get("url", "")).startswith("https://"), key
    if entry["kind"] == "paper":  # a paper is findable: arXiv id or DOI
        assert re.search(r"arXiv|doi|DOI|ISBN|https://", entry["reference"] + entry["url"]), key


def test_it_keeps_docs_sources_md_generated_from_the_area_modules():
    assert SOURCES_MD.read_text(encoding="utf-8") == render.markdown(), "run: manage.py bibliography"


def test_it_lists_every_key_in_docs_sources_md():
    text = render.markdown()
    for key in bibliography.REFERENCES:
        assert f"**`{key}`**" in text


@pytest.mark.parametrize("source, key, locator", [
    ("daly2006", "daly2006", ""), ("daly2006: §4 eq. 20", "daly2006", "§4 eq. 20"),
])
def test_it_expands_a_source_to_its_full_reference(source, key, locator):
    cited = bibliography.cite(source)
    assert (cited["key"], cited["locator"]) == (key, locator)
    assert "Future Generation Computer Systems" in cited["reference"]


def test_it_groups_the_locators_of_one_work_into_one_cited_entry():
    cited = render.cited(["daly2006: §4", "young1974", "daly2006: eq. 20", "daly2006: §4", "nope: x"])
    assert [c["key"] for c in cited] == ["daly2006", "young1974", "nope"]
    assert cited[0]["locators"] == ["§4", "eq. 20"]
    assert cited[2]["reference"] is None


@pytest.mark.parametrize("source, internal_note", [
    ("research/mlperf-storage.md §3", True), ("SEED-NOTES §8: KV offload", True),
    ("../shared/BRIEF.md", True), ("research/catalog-sources.md section 7", True),
    ("recommender/ranking.py", True), ("rules/training.py: line 40", True),
    ("daly2006: §4", False), ("mlcommons-storage: docs/README.md", False),
    ("NVIDIA DGX SuperPOD RA-11333-001 Table 6", False),
])
def test_it_tells_internal_notes_from_public_sources(source, internal_note):
    assert internal.is_internal(source) is internal_note
