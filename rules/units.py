"""Units: base-unit constants and human formatting (decimal unless the source is binary)."""

KB, MB, GB, TB, PB = 10**3, 10**6, 10**9, 10**12, 10**15
KiB, MiB, GiB, TiB, PiB = 2**10, 2**20, 2**30, 2**40, 2**50
MINUTE, HOUR, DAY = 60.0, 3600.0, 86400.0

_DECIMAL = [(PB, "PB"), (TB, "TB"), (GB, "GB"), (MB, "MB"), (KB, "kB")]
_BINARY = [(PiB, "PiB"), (TiB, "TiB"), (GiB, "GiB"), (MiB, "MiB"), (KiB, "KiB")]


def _scaled(value, steps, unit):
    for size, name in steps:
        if abs(value) >= size:
            return f"{value / size:,.1f} {name}"
    return f"{value:,.0f} {unit}"


def format_bytes(value, binary=False):
    """104.7 GiB-style when binary, else 112.4 GB-style."""
    return _scaled(value, _BINARY if binary else _DECIMAL, "B")


def format_rate(value):
    return _scaled(value, _DECIMAL, "B") + "/s"


def format_duration(seconds):
    if seconds >= 2 * DAY:
        return f"{seconds / DAY:,.1f} days"
    if seconds >= 2 * HOUR:
        return f"{seconds / HOUR:,.1f} h"
    if seconds >= 2 * MINUTE:
        return f"{seconds / MINUTE:,.1f} min"
    if seconds >= 1:
        return f"{seconds:,.1f} s"
    return f"{seconds * 1000:,.1f} ms"


def format_number(value):
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.3g}"
