"""Bibliography entries for the catalog area: key → {kind, reference, url}. See __init__.py."""

REFERENCES = {
}
