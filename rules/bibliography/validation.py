"""Bibliography entries for the validation area: key → {kind, reference, url}. See __init__.py."""

REFERENCES = {
}
