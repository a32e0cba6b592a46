"""Request parsers: DRF's JSON parser, made strict about what a JSON text can carry that the
database and the response renderer cannot: a body nested deeper than Python's recursion limit
(`[[[[...]]]]`) is a 400 parse error, and a lone UTF-16 surrogate (`"\\ud83d"`, valid JSON escape
but not Unicode) is a 400 naming the field, before anything is stored."""
import sys

from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError

# A body ~900 levels deep must reach the validator (which names the field) wherever the view sits
# in the middleware stack; far deeper bodies still end in the parse error below.
MIN_RECURSION_LIMIT = 2000
if sys.getrecursionlimit() < MIN_RECURSION_LIMIT:
    sys.setrecursionlimit(MIN_RECURSION_LIMIT)
SURROGATE_MESSAGE = "invalid Unicode: lone UTF-16 surrogate (\\ud800-\\udfff)"


def has_surrogate(text):
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def surrogate_paths(value):
    """Dotted paths (list items as .0, .1…) of every string or key holding a lone surrogate;
    iterative, so a document nested as deep as the parser allows is walked too."""
    found, stack = [], [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if has_surrogate(item):
                found.append(path or "non_field_errors")
        elif isinstance(item, dict):
            for key, child in item.items():
                child_path = f"{path}.{key}" if path else str(key)
                if has_surrogate(str(key)):
                    found.append(child_path)
                else:
                    stack.append((child_path, child))
        elif isinstance(item, list):
            stack.extend((f"{path}.{i}" if path else str(i), child) for i, child in enumerate(item))
    return sorted(found)


def reject_surrogates(data):
    paths = surrogate_paths(data)
    if paths:
        raise ValidationError({p.encode("utf-8", "backslashreplace").decode(): [SURROGATE_MESSAGE]
                               for p in paths})
    return data


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply") from None
        return reject_surrogates(data)
