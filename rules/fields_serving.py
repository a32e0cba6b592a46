"""Field checks shared by the use-case validators (top level in usecase.py; inference, rag, video, tabular, ingest)."""
import math
from functools import lru_cache

_MISSING = object()


# Shortest target time a duration may give (1 ms): a size divided by a shorter one gives bandwidths
# that overflow to infinity (1e-300 s) and crash the sizing instead of being refused here.
MIN_DURATION_S = 1e-3


def number(section, name, errors, prefix, default=_MISSING, minimum=0, maximum=None,
           integer=False, exclusive_minimum=True, floor=None):
    """Read section[name] as a finite number within bounds; on a problem add a field error.

    `floor`: a positive value is also at least this (e.g. MIN_DURATION_S for a target time).
    Returns the value (or the default when absent); None when invalid or absent without a default."""
    path = f"{prefix}.{name}"
    value = section.get(name, _MISSING)
    if value is _MISSING or value is None:
        if default is _MISSING:
            return None
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        errors.add(path, "must be a number")
        return None
    # An int is always finite and whole, even one too large for a float (math.isfinite(10**400)
    # raises OverflowError); the bounds below then reject it with a clear message.
    if isinstance(value, float) and not math.isfinite(value):
        errors.add(path, "must be a finite number")
        return None
    if integer and isinstance(value, float) and not value.is_integer():
        errors.add(path, "must be a whole number")
        return None
    if exclusive_minimum and value <= minimum:
        errors.add(path, f"must be greater than {minimum:g}")
        return None
    if not exclusive_minimum and value < minimum:
        errors.add(path, f"must be at least {minimum:g}")
        return None
    if floor is not None and value < floor:
        errors.add(path, f"must be at least {floor:g}")
        return None
    if maximum is not None and value > maximum:
        errors.add(path, f"must be at most {maximum:g}")
        return None
    return int(value) if integer else value


def canonical_choice(value, allowed):
    """The allowed option `value` spells, ignoring case, spaces and '-' vs '_' ("AdamW", "BF16",
    "llm-training"), or None."""
    if not isinstance(value, str):
        return value if value in allowed else None
    key = value.strip().lower().replace("-", "_").replace(" ", "_")
    spellings = _spellings(tuple(allowed))
    if spellings is None:
        return next((option for option in allowed if option.lower().replace("-", "_") == key), None)
    return spellings.get(key)


@lru_cache(maxsize=256)
def _spellings(options):
    """Each option's canonical spelling → the first option with it; None unless every option is a text.
    Read ~11 times a validation, each a walk over the options; the option lists are the code's own."""
    if not all(type(option) is str for option in options):
        return None
    spellings = {}
    for option in options:
        spellings.setdefault(option.lower().replace("-", "_"), option)
    return spellings


def choice(section, name, errors, prefix, options, default=_MISSING):
    """Read section[name] as one of `options`; a field error names the allowed values."""
    value = section.get(name, _MISSING)
    if value is _MISSING or value is None:
        return None if default is _MISSING else default
    option = canonical_choice(value, options)
    if option is None:
        errors.add(f"{prefix}.{name}", f"must be one of {', '.join(options)} (got {value!r})")
    return option


def flag(section, name, errors, prefix, default=False):
    """Read section[name] as a boolean."""
    value = section.get(name, default)
    if not isinstance(value, bool):
        errors.add(f"{prefix}.{name}", "must be true or false")
        return default
    return value


def as_section(section, errors, prefix):
    """The section as a dict; a non-object section is a field error."""
    if section is None:
        return {}
    if not isinstance(section, dict):
        errors.add(prefix, "must be an object")
        return {}
    return section


def unknown_keys(section, known, errors, prefix):
    """Flag keys the section does not define, so typos do not pass silently."""
    for key in sorted(set(section) - set(known)):
        errors.add(f"{prefix}.{key}", "is not a known field")


# Token counts as model cards write them. A context window "128k" is 131,072 tokens (Llama 3.1's
# max_position_embeddings, meta-llama/Llama-3.1-8B config.json) and "10M" is 10 × 2^20 (Llama 4
# Scout's 10,485,760): binary. A corpus "15T tokens" is 15 × 10^12 (Llama 3, arXiv 2407.21783 §3.1): decimal.
CONTEXT_SUFFIXES = {"k": 2**10, "m": 2**20}
DATASET_SUFFIXES = {"k": 10**3, "m": 10**6, "b": 10**9, "g": 10**9, "t": 10**12}


def parse_token_count(value, suffixes):
    """'128k' → 131,072 with CONTEXT_SUFFIXES, '15T' → 15 × 10^12 with DATASET_SUFFIXES; a number as is.

    Returns the number, or None when the text is not a count with a known suffix."""
    if not isinstance(value, str):
        return value
    text = value.strip().lower().replace(",", "").replace("_", "")
    for word in (" tokens", "tokens", " token"):
        text = text.removesuffix(word)
    text = text.strip()
    scale = suffixes.get(text[-1:], 1) if text else 1
    digits = text[:-1] if scale != 1 else text
    try:
        count = float(digits)
    except ValueError:
        return None
    if not math.isfinite(count):
        return None
    total = count * scale
    return int(total) if float(total).is_integer() else total


def tokens(section, name, errors, prefix, suffixes=None, **limits):
    """A token count: a number, or text like '128k' (context, binary) / '15T' (dataset, decimal)."""
    value = section.get(name)
    if isinstance(value, str):
        parsed = parse_token_count(value, suffixes or CONTEXT_SUFFIXES)
        if parsed is None:
            known = ", ".join(sorted(suffixes or CONTEXT_SUFFIXES))
            errors.add(f"{prefix}.{name}", f"must be a number of tokens, or one with a suffix ({known}); "
                                           f"got {value!r}")
            return None
        section = {**section, name: parsed}
    return number(section, name, errors, prefix, **limits)
