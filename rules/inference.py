"""inference rules (being written; see docs/architecture.md)."""


class InferenceRules:
    """experta rule mixin for the inference family."""


def normalize(section, errors, use_case):
    """Validate and fill defaults for the use case's 'inference' section; errors use dotted paths."""
    return dict(section or {})
