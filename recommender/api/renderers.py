"""JSON responses, encoded by orjson (a proposal document in ~0.03 ms instead of ~0.5 ms) into the
same document DRF's renderer gives: compact, UTF-8, U+2028/U+2029 escaped, datetimes and decimals as
DRF writes them, and a non-finite float refused (strict JSON) as DRF refuses it. Anything orjson
cannot encode exactly as DRF would (indentation, non-string keys, integers past 64 bits, nesting
past 254 levels, a lone UTF-16 surrogate) goes to DRF's encoder.

Text the database hands back cannot fail either: a lone surrogate stored before the parser refused
them (a JSON column keeps "\\ud83d") is rendered as U+FFFD, not a 500."""
import marshal
import math
import re
from decimal import Decimal

import orjson
from rest_framework import renderers
from rest_framework.utils.encoders import JSONEncoder as DRFEncoder

SURROGATE = re.compile("[\ud800-\udfff]")
# datetime, date and time go through DRF's encoder (its formats: "Z", milliseconds); dict, list,
# str and int subclasses (the frozen catalog, enums) are encoded natively, as json.dumps does
ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
_drf_default = DRFEncoder().default


class NotStrictJSON(ValueError):
    """A value strict JSON has no text for (NaN, ±Infinity)."""


def scrubbed(value):
    if isinstance(value, str):
        return SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {scrubbed(k): scrubbed(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [scrubbed(v) for v in value]
    return value


def _default(value):
    """What DRF's encoder makes of a type JSON lacks; a non-finite result is refused as DRF does."""
    out = _drf_default(value)
    if (isinstance(out, float) and not math.isfinite(out)) or (isinstance(value, Decimal) and not value.is_finite()):
        raise NotStrictJSON(f"out of range float value: {value!r}")
    return out


_SCALARS = frozenset((str, int, bool, type(None)))  # what holds no float: skipped with one lookup
_CONTAINERS = (dict, list, tuple, set, frozenset)  # DRF's encoder writes sets as lists
_BINARY_FLOAT = frozenset((ord("g"), ord("g") | 0x80))  # marshal's 8-byte float, alone or with its ref flag
_MAX_SUSPECTS = 64  # past this many candidate bytes, walk instead (a text full of U+007F is no float)


def all_finite(value):
    """False when any float inside `value` is NaN or infinite (orjson would write them as null).

    marshal (C, ~0.4x the walk's time on a proposal document) writes every float as the byte "g"
    (0x80 added when marshal may refer back to it) and its 8 IEEE bytes, little-endian: a NaN or an
    infinity, and only they, have all 11 exponent bits set, so their last byte is 0x7F or 0xFF and the
    one before it at least 0xF0. A byte 0x7F or 0xFF is rare elsewhere (UTF-8 text never holds 0xFF;
    negative integers and lengths may): each one found is checked, and a float-looking one, a value
    marshal does not write (subclasses such as the frozen catalog, decimals, dates; nesting past
    marshal's depth) or too many candidates send `value` to the walk below, which decides."""
    try:
        data = marshal.dumps(value, 4)
    except ValueError:
        return _all_finite_walk(value)
    suspects = 0
    for mark in (0x7F, 0xFF):
        at = data.find(mark, 8)
        while at != -1:
            suspects += 1
            if suspects > _MAX_SUSPECTS or (data[at - 1] >= 0xF0 and data[at - 8] in _BINARY_FLOAT):
                return _all_finite_walk(value)
            at = data.find(mark, at + 1)
    return True


def _all_finite_walk(value):
    """all_finite by walking `value`: `x - x` is 0.0 for a finite float and NaN otherwise. Strings,
    integers, booleans and None (three values in five of a proposal document) cost one set lookup;
    ~0.07 µs a value."""
    stack = [value]
    pop, push, scalars = stack.pop, stack.append, _SCALARS
    while stack:
        item = pop()
        for child in (item.values() if isinstance(item, dict) else item):
            kind = type(child)
            if kind in scalars:
                continue
            if kind is float:
                if child - child:
                    return False
            elif kind is dict or kind is list or isinstance(child, _CONTAINERS):
                push(child)
            elif isinstance(child, float) and child - child:
                return False
    return True


def fast_json(data):
    """`data` as DRF's compact strict JSON bytes, or None when only DRF's encoder gives that text."""
    if not all_finite([data]):
        return None
    try:
        out = orjson.dumps(data, default=_default, option=ORJSON_OPTIONS)
    except (NotStrictJSON, TypeError):  # orjson.JSONEncodeError is a TypeError
        return None
    # DRF keeps JSON a strict JavaScript subset. Their last UTF-8 bytes (0xA8, 0xA9) are rare
    # (a continuation byte of a few letters and symbols: ¨ ©) and found at memchr speed (~2 µs in an
    # 80 kB document); the 3-byte search runs only then (~110 µs on its own)
    if (b"\xa8" in out or b"\xa9" in out) and (b"\xe2\x80\xa8" in out or b"\xe2\x80\xa9" in out):
        out = out.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")
    return out


class JSONRenderer(renderers.JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is not None and self.compact and self.strict and self.ensure_ascii is False \
                and self.get_indent(accepted_media_type, renderer_context or {}) is None:
            out = fast_json(data)
            if out is not None:
                return out
        try:
            return super().render(data, accepted_media_type, renderer_context)
        except UnicodeEncodeError:
            return super().render(scrubbed(data), accepted_media_type, renderer_context)
