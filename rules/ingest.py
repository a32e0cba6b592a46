"""ingest rules (being written; see docs/architecture.md)."""


class IngestRules:
    """experta rule mixin for the ingest family."""


def normalize(section, errors, use_case):
    """Validate and fill defaults for the use case's 'ingest' section; errors use dotted paths."""
    return dict(section or {})
