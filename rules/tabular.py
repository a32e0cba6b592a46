"""tabular rules (being written; see docs/architecture.md)."""


class TabularRules:
    """experta rule mixin for the tabular family."""


def normalize(section, errors, use_case):
    """Validate and fill defaults for the use case's 'tabular' section; errors use dotted paths."""
    return dict(section or {})
