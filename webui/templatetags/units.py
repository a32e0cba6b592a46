"""Template filters that show base units (bytes, bytes/s, s, ops/s) in human decimal units."""
from django import template

from recommender import formatting as units
from recommender import presentation

register = template.Library()

register.filter("bytes", units.format_bytes)
register.filter("rate", units.format_rate)
register.filter("duration", units.format_duration)
register.filter("usd", units.format_usd)


@register.filter
def gib(value):
    """Binary bytes, for figures whose source is binary (MLPerf's GiB checkpoint sizes)."""
    return units.format_bytes(value, binary=True)


@register.filter
def iops(value):
    return units.format_count(value, " IOPS")


@register.filter
def grouped(value):
    """100000 -> '100,000'."""
    return "—" if value is None else f"{int(value):,}"


@register.filter
def count(value):
    return units.format_count(value)


@register.filter
def field(value, name):
    """{{ value|field:"write_bytes_per_s" }} formats by the unit in the field name."""
    return units.format_field(name, value)


register.filter("ratio", units.format_ratio)


@register.filter
def label(name):
    """'write_bytes_per_s' -> 'write'; 'training_data' -> 'training data' (column captions)."""
    for ending, replacement in (("_bytes_per_s", ""), ("_per_s", "_per_s"), ("_bytes", ""), ("_s", "")):
        if name.endswith(ending) and name != ending.strip("_"):
            name = name[: -len(ending)] + replacement
            break
    return name.replace("_per_s", "/s").replace("_", " ")


@register.filter
def unit_of(name):
    """The human unit shown for a base-unit field name."""
    for ending, unit in (("_bytes_per_s", "GB/s"), ("bytes_per_token", "bytes"), ("_bytes", "bytes"),
                         ("_s", "time"), ("iops", "IOPS")):
        if name.endswith(ending):
            return unit
    return ""


@register.filter
def get(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def field_label(name):
    """'write_bytes_per_s' -> 'Write bandwidth (B/s)' (recommender.presentation)."""
    return presentation.field_label(str(name))


@register.filter
def headroom_label(key):
    """'shared_fast.write_bytes_per_s' -> 'Shared fast tier: write bandwidth (B/s)'."""
    return presentation.headroom_label(key) if key else ""


@register.filter
def workload_title(key):
    """'llm_inference' -> 'LLM inference'."""
    return presentation.WORKLOAD_TITLES.get(key, key)
