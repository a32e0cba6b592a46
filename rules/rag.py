"""rag rules (being written; see docs/architecture.md)."""


class RagRules:
    """experta rule mixin for the rag family."""


def normalize(section, errors, use_case):
    """Validate and fill defaults for the use case's 'rag' section; errors use dotted paths."""
    return dict(section or {})
