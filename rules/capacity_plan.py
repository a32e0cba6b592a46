"""Capacity over a planning horizon: the `capacity_plan` section, checkpoint retention (last N plus every
k-th kept M days) and dataset growth of raw + tokenised + derived data."""
import math

from .units import DAY

FIELDS = ("horizon_years", "dataset_growth_fraction_per_year", "keep_last", "keep_every", "keep_days",
          "raw_bytes", "tokenised_bytes", "derived_bytes")
LIMITS = {"horizon_years": (0.01, 50, False), "dataset_growth_fraction_per_year": (0, 100, False),
          "keep_last": (1, 10_000, True), "keep_every": (0, 10**6, True), "keep_days": (0, 36_500, False),
          "raw_bytes": (0, 1e21, False), "tokenised_bytes": (0, 1e21, False), "derived_bytes": (0, 1e21, False)}
SOURCES = ["bloom-tr11: backup-schedule.md (latest checkpoints on fast storage, selected ones backed up)",
           "deepspeed-nebula: 2 versions retained"]


def normalize(value, errors, uc, number):
    """User figures over defaults: horizon = the amortisation period, no growth, keep = checkpoint.retained."""
    value = value or {}
    for key in sorted(set(value) - set(FIELDS) - {"given"}):
        errors.add(f"capacity_plan.{key}", f"unknown field; expected one of {', '.join(FIELDS)}")
    out = {"horizon_years": (uc.get("economics") or {}).get("amortisation_years"),
           "dataset_growth_fraction_per_year": 0.0, "keep_last": (uc.get("checkpoint") or {}).get("retained", 2),
           "keep_every": 0, "keep_days": 0.0, "raw_bytes": 0.0, "derived_bytes": 0.0,
           "tokenised_bytes": (uc.get("data") or {}).get("total_bytes") or 0.0,
           "given": value["given"] if isinstance(value.get("given"), bool) else bool(set(value) & set(FIELDS))}
    for key in FIELDS:
        if value.get(key) is not None:
            low, high, integer = LIMITS[key]
            out[key] = number(value[key], f"capacity_plan.{key}", errors, low, high, integer)
    return out


def long_term_checkpoints(interval_s, keep_every, keep_days):
    """Every k-th checkpoint kept for M days: ⌈M days ÷ (k × interval)⌉ copies (0 when k or M is 0)."""
    if not keep_every or not keep_days:
        return 0
    return math.ceil(keep_days * DAY / (keep_every * interval_s))


def grown_bytes(size_bytes, growth_per_year, years):
    """Size after compound growth over the horizon."""
    return size_bytes * (1 + growth_per_year) ** years


def plan(policy, checkpoint_bytes, interval_s):
    """Capacity per class at the end of the horizon (bytes)."""
    growth = lambda b: grown_bytes(b, policy["dataset_growth_fraction_per_year"], policy["horizon_years"])
    long_term = long_term_checkpoints(interval_s, policy["keep_every"], policy["keep_days"])
    return {"recent_checkpoints": policy["keep_last"],
            "recent_checkpoint_bytes": checkpoint_bytes * policy["keep_last"],
            "long_term_checkpoints": long_term, "long_term_checkpoint_bytes": checkpoint_bytes * long_term,
            "raw_bytes": growth(policy["raw_bytes"]), "tokenised_bytes": growth(policy["tokenised_bytes"]),
            "derived_bytes": growth(policy["derived_bytes"])}
