"""The project's bibliography: stable keys → public references (paper with arXiv id or DOI, URL,
repository path at a tag, or datasheet). Every source a finding, catalog figure or price cites is
`"key"` or `"key: locator"` (a section, table or line inside that reference).

Entries live in one module per area so that areas grow without touching each other:
training.py (checkpoints, failures, training data), serving.py (inference, KV, RAG, video, tabular,
ingest), catalog.py (products, prices, fabric, protection), validation.py (probes, fio, S3),
platform.py (software stack, deployment)."""
import re

from . import catalog, platform, serving, training, validation

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
# "measurement": a figure this project measured with a benchmark it ships (the reference names it).
KINDS = ("paper", "url", "repository", "datasheet", "standard", "book", "measurement")
AREAS = (training, serving, catalog, validation, platform)


def _merge(areas):
    merged = {}
    for area in areas:
        for key, entry in area.REFERENCES.items():
            # The same key in two areas is the same work: the first area's wording and link win.
            merged.setdefault(key, entry)
    return merged


REFERENCES = _merge(AREAS)


def split(source):
    """'daly2006: §4 eq. 20' → ('daly2006', '§4 eq. 20'); 'daly2006' → ('daly2006', '')."""
    key, _, locator = str(source).partition(":")
    return key.strip(), locator.strip()


def is_known(source):
    return split(source)[0] in REFERENCES


def unknown(sources):
    """The sources whose key is not in the bibliography (an empty list when all are known)."""
    return [s for s in sources if not is_known(s)]


def cite(source):
    """The full reference a source string points at, for the UI, API and PDF."""
    key, locator = split(source)
    entry = REFERENCES.get(key)
    if entry is None:
        return {"key": key, "locator": locator, "reference": None, "url": None, "kind": None}
    return {"key": key, "locator": locator, "reference": entry["reference"], "url": entry.get("url"),
            "kind": entry["kind"]}
