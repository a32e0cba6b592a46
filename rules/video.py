"""video rules (being written; see docs/architecture.md)."""


class VideoRules:
    """experta rule mixin for the video family."""


def normalize(section, errors, use_case):
    """Validate and fill defaults for the use case's 'video' section; errors use dotted paths."""
    return dict(section or {})
