"""Human units for pages and reports: parse "1.5 TB" / "25 GB/s" / "30 min" into base units and back.

Decimal prefixes by default (storage datasheets quote TB and GB/s in powers of ten, as
python-humanize's naturalsize does); binary prefixes (GiB) only where a source is binary.
"""
import math
import re

DECIMAL = [("PB", 10**15), ("TB", 10**12), ("GB", 10**9), ("MB", 10**6), ("kB", 10**3)]
BINARY = [("PiB", 2**50), ("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)]
BYTE_UNITS = {name.lower(): size for name, size in DECIMAL + BINARY} | {"b": 1, "kb": 10**3}
DURATION_UNITS = {"ms": 1e-3, "s": 1, "sec": 1, "min": 60, "h": 3600, "hour": 3600, "hours": 3600,
                  "d": 86400, "day": 86400, "days": 86400}
NUMBER = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*([A-Za-z/]*)\s*$", re.IGNORECASE)


class UnitError(ValueError):
    """A value the user typed that is not a number with a known unit."""


class TooLarge(UnitError):
    """A number beyond what a float holds ('1e400', '1e300 PB')."""


def split_quantity(text):
    """'1.5 TB' -> (1.5, 'tb'); raises UnitError on anything else."""
    match = NUMBER.match(str(text).replace(",", "").replace("_", ""))
    if not match:
        raise UnitError(f"'{text}' is not a number with a unit")
    return finite(float(match.group(1)), text), match.group(2).lower()


def finite(value, text):
    """`value` (a number parsed from `text`) unless it overflowed to infinity ('1e400', '1e300 PB')."""
    if not math.isfinite(value):
        raise TooLarge(f"'{text}' is too large")
    return value


def parse_bytes(text, default_unit="GB"):
    """'1.5 TB' -> 1500000000000; a bare number is in default_unit.

    >>> parse_bytes("800 GiB")
    858993459200
    """
    value, unit = split_quantity(text)
    factor = BYTE_UNITS.get(unit or default_unit.lower())
    if factor is None:
        raise UnitError(f"unknown unit '{unit}'; use one of B, kB, MB, GB, TB, PB, KiB, MiB, GiB, TiB, PiB")
    return round(finite(value * factor, text))


def parse_rate(text, default_unit="GB/s"):
    """'25 GB/s' -> 25e9 bytes per second; a bare number is in default_unit."""
    value, unit = split_quantity(text)
    unit = unit or default_unit.lower()
    factor = BYTE_UNITS.get(unit[:-2]) if unit.endswith("/s") else None
    if factor is None:
        raise UnitError(f"unknown unit '{unit}'; write a rate like 2.5 GB/s (MB/s, GB/s, TB/s, GiB/s)")
    return finite(value * factor, text)


def parse_duration(text, default_unit="s"):
    """'30 min' -> 1800.0 seconds; a bare number is in default_unit."""
    value, unit = split_quantity(text)
    factor = DURATION_UNITS.get(unit or default_unit)
    if factor is None:
        raise UnitError(f"unknown unit '{unit}'; use one of ms, s, min, h, d")
    return finite(value * factor, text)


def _scaled(value, table, suffix=""):
    for name, size in table:
        if abs(value) >= size:
            return f"{_digits(value / size)} {name}{suffix}"
    return f"{_digits(value)} B{suffix}"


def _digits(value):
    """Three or four significant figures: 3.18, 80.8, 112.4, 1234.5."""
    value = round(value, 9)
    if value == int(value) and abs(value) < 1000:
        return f"{int(value)}"
    return f"{value:.2f}" if abs(value) < 10 else f"{value:.1f}"


def format_bytes(value, binary=False):
    """112400000000 -> '112.4 GB'; binary=True -> '104.7 GiB'."""
    if value is None:
        return "—"
    return _scaled(float(value), BINARY if binary else DECIMAL)


def format_rate(value, binary=False):
    """3.18e9 -> '3.18 GB/s'."""
    if value is None:
        return "—"
    return _scaled(float(value), BINARY if binary else DECIMAL, "/s")


def format_duration(seconds):
    """720 -> '12 min'; 0.0004 -> '400 µs'; 200000 -> '2.3 d'."""
    if seconds is None:
        return "—"
    s = float(seconds)
    for limit, size, name in ((1e-3, 1e-6, "µs"), (1, 1e-3, "ms"), (120, 1, "s"),
                              (7200, 60, "min"), (172800, 3600, "h")):
        if abs(s) < limit:
            return f"{_digits(s / size)} {name}"
    return f"{_digits(s / 86400)} d"


def format_count(value, suffix=""):
    """91700 -> '91.7 k'; plain counts and ops/s."""
    if value is None:
        return "—"
    v = float(value)
    for size, name in ((1e15, " P"), (1e12, " T"), (1e9, " G"), (1e6, " M"), (1e3, " k")):
        if abs(v) >= size:
            return f"{_digits(v / size)}{name}{suffix}"
    return f"{_digits(v)}{' ' + suffix.strip() if suffix.strip() and suffix.strip()[0] != '/' else suffix}"


def format_usd(value):
    """1234567.8 -> '$1,234,568'."""
    if value is None:
        return "—"
    return f"${float(value):,.0f}" if abs(float(value)) >= 100 else f"${float(value):,.2f}"


def format_field(name, value):
    """Format a value by its base-unit field name (total_bytes, write_bytes_per_s, interval_s...)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if not isinstance(value, (int, float)):
        return "—" if value is None else str(value)
    if name.endswith("_bytes_per_day") or name.endswith("_usd_per_day"):
        return next(f for e, f in FIELD_FORMATS if name.endswith(e))(value)
    if name.startswith("bytes_per_") and not name.endswith("_per_s"):  # bytes_per_node, ..._per_gpu
        return format_bytes(value, binary="token" in name)
    for ending, formatter in FIELD_FORMATS:
        if name.endswith(ending):
            return formatter(value)
    if abs(value) >= 10**6:
        return format_count(value)
    return f"{int(value):,}" if float(value).is_integer() else _digits(float(value))


def format_ratio(value):
    """Headroom: 1.8 -> '1.80×', 48.1 -> '48×', 1495995.3 -> '1.50 M×'."""
    if value is None:
        return "—"
    v = float(value)
    if abs(v) < 10:
        return f"{v:.2f}×"
    return f"{v:.0f}×" if abs(v) < 10000 else f"{format_count(v)}×"


def format_fraction(value):
    """0.05 -> '5 %'."""
    return f"{_digits(float(value) * 100)} %"


FIELD_FORMATS = [
    ("_bytes_per_s", format_rate), ("bytes_per_token", lambda v: format_bytes(v, binary=True)),
    ("_bytes", format_bytes), ("iops", lambda v: format_count(v, " IOPS")),
    ("_per_s", lambda v: format_count(v, "/s")), ("_s", format_duration),
    ("_usd", format_usd), ("_usd_per_day", lambda v: f"{format_usd(v)}/day"),
    ("_bytes_per_day", lambda v: f"{format_bytes(v)}/day"), ("_fraction", format_fraction),
]
