"""Validator of the use case's 'procurement' section: TCO horizon, power price, support, rack space, fabric."""
from .errors import Errors

SECTION = "procurement"
DEFAULTS = {
    # project default within the 3–5 year range the buyer chooses from (issue 9)
    "tco_horizon_years": 5,
    # EIA Electric Power Annual 2023: Virginia commercial sector, 8.95 cents/kWh
    "power_usd_per_kwh": 0.0895,
    # no public default: unknown until the buyer enters it (TCO names it as an unknown part)
    "support_fraction_per_year": None,
    "rack_usd_per_u_per_year": None,
    # storage fabric downlink:uplink ratio; 1 = non-blocking (issue 9 default 1:1 for storage)
    "storage_oversubscription": 1.0,
}
SOURCES = {"power_usd_per_kwh": "eia-electric-power-annual-2023: Virginia commercial 8.95 cents/kWh"}
# field → (lowest, highest, inclusive lowest)
LIMITS = {"tco_horizon_years": (3, 5, True), "power_usd_per_kwh": (0, 10, False),
          "support_fraction_per_year": (0, 1, True), "rack_usd_per_u_per_year": (0, 1e6, True),
          "storage_oversubscription": (1, 16, True)}


def normalize(section, errors):
    """The section with defaults filled in; bad fields are added to `errors` (None: defaults only)."""
    errors = errors if errors is not None else Errors()
    if section is None:
        return dict(DEFAULTS)
    if not isinstance(section, dict):
        errors.add(SECTION, "must be an object")
        return dict(DEFAULTS)
    for key in sorted(set(section) - set(DEFAULTS)):
        errors.add(f"{SECTION}.{key}", f"unknown field; expected one of {', '.join(sorted(DEFAULTS))}")
    result = dict(DEFAULTS)
    for key, (low, high, inclusive) in LIMITS.items():
        if key in section and section[key] is not None:
            result[key] = _number(section[key], key, low, high, inclusive, errors)
    return result


def _number(value, key, low, high, inclusive, errors):
    path = f"{SECTION}.{key}"
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        errors.add(path, "must be a number")
        return DEFAULTS[key]
    if value > high or value < low or (value == low and not inclusive):
        bound = "at least" if inclusive else "above"
        errors.add(path, f"must be {bound} {low:g} and at most {high:g}")
        return DEFAULTS[key]
    return value
