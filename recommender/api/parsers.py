"""Request parsers: DRF's JSON parser, made strict about what a JSON text can carry that the
database and the response renderer cannot: a body nested deeper than Python's recursion limit
(`[[[[...]]]]`) is a 400 parse error, and a lone UTF-16 surrogate (`"\\ud83d"`, valid JSON escape
but not Unicode) is a 400 naming the field, before anything is stored."""
from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError

SURROGATE_MESSAGE = "invalid Unicode: lone UTF-16 surrogate (\\ud800-\\udfff)"


def has_surrogate(text):
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def surrogate_paths(value, path=""):
    """Dotted paths (list items as .0, .1…) of every string or key holding a lone surrogate."""
    if isinstance(value, str):
        return [path or "non_field_errors"] if has_surrogate(value) else []
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            if has_surrogate(str(key)):
                found.append(child)
                continue
            found.extend(surrogate_paths(item, child))
        return found
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in surrogate_paths(item, f"{path}.{i}" if path else str(i))]
    return []


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
        try:
            return reject_surrogates(data)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply") from None
