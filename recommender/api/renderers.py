"""JSON responses that cannot fail on text the database hands back: a lone UTF-16 surrogate stored
before the parser refused them (a JSON column keeps "\\ud83d") is rendered as U+FFFD, not a 500."""
import re

from rest_framework import renderers

SURROGATE = re.compile("[\ud800-\udfff]")


def scrubbed(value):
    if isinstance(value, str):
        return SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {scrubbed(k): scrubbed(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [scrubbed(v) for v in value]
    return value


class JSONRenderer(renderers.JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        try:
            return super().render(data, accepted_media_type, renderer_context)
        except UnicodeEncodeError:
            return super().render(scrubbed(data), accepted_media_type, renderer_context)
