"""Bibliography entries for the serving area: key → {kind, reference, url}. See __init__.py."""

REFERENCES = {
}
