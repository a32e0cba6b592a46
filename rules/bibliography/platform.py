"""Bibliography entries for the platform area: key → {kind, reference, url}. See __init__.py."""

REFERENCES = {
}
