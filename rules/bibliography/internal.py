"""Spots citations of the team's own notes and code (research/…, SEED-NOTES, BRIEF.md,
catalog-sources.md, recommender/ranking.py…): reading material, never a source readers can open."""
import re

from . import split

NOTES = re.compile(r"(?<![\w-])research/|SEED-NOTES|BRIEF\.md|STYLE\.md|catalog-sources|fixtures/catalog/SOURCES",
                   re.IGNORECASE)
# Our own code paths as the cited work; a locator inside a cited public repository may name its files.
OWN_CODE = re.compile(r"^(?:\.\./shared/|\./)?(?:rules|recommender|webui|fixtures|benchmarks|scripts|tests|docs)/")


def is_internal(source):
    """True when `source` cites a project-internal note or one of our own code paths."""
    key, _ = split(source)
    return bool(NOTES.search(str(source)) or OWN_CODE.match(key.strip()))
