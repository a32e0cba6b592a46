"""The one explain module: turns a structured finding into the sentence users read."""
from . import units

# Rule id → sentence template. Fields: {inputs[name]}, {result[name]}, and the formatted
# helpers {b:...} (bytes), {bps:...} (bytes/s), {s:...} (seconds) applied in `sentence`.
# Each family adds its entries in its own block; keep templates one sentence long.
TEMPLATES = {
    # --- training and CV (rules/training.py, rules/cv.py) ---
    # --- inference, RAG, video, tabular, ingest (rules/inference.py ... rules/ingest.py) ---
    # --- tiers (rules/tiers.py) ---
}


class _Formatted(dict):
    """Lets templates say {result_h[total_bytes]} to get '104.7 GiB (112.4 GB)'-style text."""

    def __missing__(self, key):
        return "?"


def humanize(name, value):
    """Format a value by the unit its field name carries (units in field names, STYLE.md)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if name.endswith("_bytes_per_s"):
        return units.format_rate(value)
    if name.endswith("_bytes") or name == "bytes_per_token" or name.endswith("bytes_per_param"):
        return units.format_bytes(value)
    if name.endswith("_s"):
        return units.format_duration(value)
    return units.format_number(value)


def _human_dict(values):
    return _Formatted({k: humanize(k, v) for k, v in (values or {}).items()})


def sentence(finding):
    """One sentence for a finding: its template when there is one, else a generic one."""
    inputs_h = _human_dict(finding.get("inputs"))
    result_h = _human_dict(finding.get("result"))
    template = TEMPLATES.get(finding["rule"])
    if template:
        return template.format(inputs=inputs_h, result=result_h)
    results = ", ".join(f"{k.replace('_', ' ')} = {v}" for k, v in result_h.items())
    formula = finding.get("formula", "")
    return f"{results} ({formula})." if formula else f"{results}."
