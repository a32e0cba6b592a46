"""Renders the bibliography for readers: docs/sources.md (Markdown) and the cited-entries list a
proposal carries, so UI, API and PDF show full references instead of bare keys."""
import functools

from . import AREAS, REFERENCES, cite, split

AREA_TITLES = {"training": "Training: checkpoints, failures, training data",
               "serving": "Serving: inference, KV cache, RAG, video, tabular, ingest",
               "catalog": "Catalog: products, prices, fabric, protection",
               "validation": "Validation: probes, fio, S3",
               "platform": "Platform: software stack, deployment"}
HEADER = ("# Sources\n\n"
          "Every figure, rule and price the advisor uses cites one of these public references by its key "
          "(`key` or `key: locator`, the locator naming a section, table, equation or line).\n"
          "Generated from `rules/bibliography/` by `manage.py bibliography`; edit the area modules, not this "
          "file (a test fails when it is out of date).\n")


def _entry_line(key, entry):
    url = entry.get("url")
    link = f" <{url}>" if url and url not in entry["reference"] else ""
    return f"- **`{key}`** ({entry['kind']}): {entry['reference']}{link}"


def markdown():
    """docs/sources.md: one section per area module, entries sorted by key."""
    parts = [HEADER]
    for area in AREAS:
        name = area.__name__.rsplit(".", 1)[-1]
        parts.append(f"\n## {AREA_TITLES.get(name, name)}\n")
        lines = [_entry_line(k, area.REFERENCES[k]) for k in sorted(area.REFERENCES)]
        parts.append("\n".join(lines) + "\n" if lines else "_No entries yet._\n")
    parts.append(f"\n{len(REFERENCES)} references.\n")
    return "".join(parts)


def cited(sources):
    """The bibliography entries these source strings cite, once each, in first-cited order:
    [{key, kind, reference, url, locators: [...]}]; an unknown key keeps reference None."""
    entries = {}
    for source in sources:
        key, locator = _split(str(source))
        entry = entries.get(key)
        if entry is None:
            entry = entries[key] = dict(_entry(key), locators=[])
        if locator and locator not in entry["locators"]:
            entry["locators"].append(locator)
    return list(entries.values())


# The bibliography is fixed for the life of a process (its modules are code), so what a source string
# splits into and what a key cites are kept once per process: a proposal cites ~60-70 sources, ~0.5 M
# instructions a sizing request rebuilt from scratch (docs/performance/README.md, "Sizing API").
@functools.lru_cache(maxsize=4096)
def _split(source):
    return split(source)


@functools.lru_cache(maxsize=1024)
def _entry(key):
    """cite(key) without its locator (a cited entry lists every locator): copied by each caller."""
    entry = cite(key)
    del entry["locator"]
    return entry


def document_sources(document):
    """Every source string a proposal document cites (findings, tiers, proposals' BOM lines), in order."""
    found = []
    for finding in document.get("findings") or []:
        found += finding.get("sources") or []
    for tier in document.get("tiers") or []:
        found += tier.get("sources") or []
    for proposal in document.get("proposals") or []:
        found += proposal.get("sources") or []
        for line in proposal.get("bom") or []:
            found += line.get("sources") or []
            found += [line["source"]] if line.get("source") else []
    return list(dict.fromkeys(str(s) for s in found))
