"""Checkpoint economics: the `economics` section, sourced price defaults, and the pure cost-per-day models
that choose checkpoint interval, write and restore bandwidth together (idle GPUs + lost work + storage)."""
import math

from .formulas import daly_interval_s
from .units import DAY

HOUR = 3600.0
GB = 1e9

# GPU price per accelerator-hour, one published list price per GPU model (the date is in the bibliography entry).
# A100, H100, H200: AWS EC2 Capacity Blocks for ML, "effective accelerator hourly rate", US East, the table in
# force until 2025-01-01 (p4d, p5, p5e): a reserved, not spot, price. B200: Spheron's published on-demand rate
# (2026-03-19; AWS sells p6-b200 only as Capacity Blocks with no public table we could read). MI300X: Azure's
# on-demand ND MI300X v5 rate of $6 per GPU-hour as reported on 2026-05-18 (a secondary report of the
# Azure list price). L40S and MI355X: no sourced price (named gap: the stall budget applies).
GPU_HOUR_USD = {"a100": 1.844, "h100": 4.916, "h200": 5.408, "b200": 6.03, "mi300x": 6.0}
AWS_CAPACITY_BLOCKS = "aws-ec2-capacity-blocks-pricing: effective accelerator hourly rate, US East (2024 table)"
GPU_HOUR_SOURCES = {"a100": AWS_CAPACITY_BLOCKS, "h100": AWS_CAPACITY_BLOCKS, "h200": AWS_CAPACITY_BLOCKS,
                    "b200": "spheron-b200-guide-2026: B200 on-demand $6.03/hr",
                    "mi300x": "cliffcenter-amd-inference-economics-2026: MI300X at Azure $6/hr"}
GPU_HOUR_SOURCE = AWS_CAPACITY_BLOCKS
# Storage bandwidth and capacity before ranking: Amazon FSx for Lustre Persistent-2 SSD at 125 MB/s/TiB,
# $0.145 per GB-month (US East). One GB/s at 125 MB/s/TiB needs 8 TiB, so 1 GB/s costs 8 × 1,099.5 GB ×
# $0.145 a month, capacity included. The default is that rental over the amortisation period (a cloud
# equivalent); a user's own purchase price is spread over amortisation_years instead.
FSX_USD_PER_GB_MONTH = 0.145
FSX_MB_PER_S_PER_TIB = 125
STORAGE_PRICE_SOURCE = "aws-fsx-lustre-pricing: Persistent-2 SSD 125 MB/s/TiB, $0.145 per GB-month, US East"
# Servers are depreciated over 5.5 years at Meta from 2025 (10-K for fiscal 2024).
AMORTISATION_YEARS = 5.5
AMORTISATION_SOURCE = "meta-10k-2024: useful life of servers and network assets 5.5 years"

ECONOMICS_FIELDS = ("gpu_hour_usd", "amortisation_years", "bandwidth_usd_per_gb_per_s", "capacity_usd_per_tb")
# normalize() adds where each figure came from; a normalized section validates again unchanged.
SOURCE_OF = {"gpu_hour_usd": "gpu_hour_usd_source", "amortisation_years": "amortisation_years_source",
             "bandwidth_usd_per_gb_per_s": "storage_price_source", "capacity_usd_per_tb": "storage_price_source"}
# (lowest, highest): the lows catch unit slips (a GB/s for under $1, a GPU-hour under a tenth of a cent).
LIMITS = {"gpu_hour_usd": (0.001, 1000), "amortisation_years": (0.1, 30), "bandwidth_usd_per_gb_per_s": (1, 1e9),
          "capacity_usd_per_tb": (0.01, 1e7)}


def fsx_usd_per_gb_per_s_month():
    """Monthly price of 1 GB/s bought as FSx Persistent-2 capacity at 125 MB/s/TiB."""
    tib_needed = 1000 / FSX_MB_PER_S_PER_TIB
    return tib_needed * 2**40 / GB * FSX_USD_PER_GB_MONTH


def normalize(value, errors, uc, number):
    """The `economics` section: user prices over sourced defaults; unknown GPU price stays None."""
    value = value or {}
    for key in sorted(set(value) - set(ECONOMICS_FIELDS) - set(SOURCE_OF.values())):
        errors.add(f"economics.{key}", f"unknown field; expected one of {', '.join(ECONOMICS_FIELDS)}")
    out = {}
    for key in ECONOMICS_FIELDS:
        if value.get(SOURCE_OF[key]) not in (None, "given"):
            continue  # a default filled by an earlier normalize(): derive it again
        if value.get(key) is not None:
            low, high = LIMITS[key]
            out[key] = number(value[key], f"economics.{key}", errors, low, high)
    return defaults(out, uc.get("gpu_model"))


def defaults(given, gpu_model):
    """Fill the sourced defaults; each figure says where it came from (`*_source`)."""
    years = given.get("amortisation_years") or AMORTISATION_YEARS
    cloud = fsx_usd_per_gb_per_s_month() * 12 * years
    out = {"amortisation_years": years,
           "amortisation_years_source": "given" if given.get("amortisation_years") else AMORTISATION_SOURCE,
           "gpu_hour_usd": given.get("gpu_hour_usd", GPU_HOUR_USD.get(gpu_model)),
           "gpu_hour_usd_source": "given" if "gpu_hour_usd" in given else (
               GPU_HOUR_SOURCES.get(gpu_model)),
           "bandwidth_usd_per_gb_per_s": given.get("bandwidth_usd_per_gb_per_s", cloud),
           "capacity_usd_per_tb": given.get("capacity_usd_per_tb", FSX_USD_PER_GB_MONTH * 1000 * 12 * years)}
    out["storage_price_source"] = "given" if "bandwidth_usd_per_gb_per_s" in given else STORAGE_PRICE_SOURCE
    return out


def storage_per_day(econ):
    """(storage $/day per byte/s of bandwidth, $/day per byte of capacity): price ÷ amortisation days."""
    days = econ["amortisation_years"] * 365.25
    return econ["bandwidth_usd_per_gb_per_s"] / GB / days, econ["capacity_usd_per_tb"] / 1e12 / days


# --- synchronous checkpoints: the stall is S / B ----------------------------------------------------

def interval_s(delta_s, mtti_s, cap_s=None):
    """Daly's optimum for a blocking time δ, capped by a user's maximum interval."""
    tau = daly_interval_s(delta_s, mtti_s)
    return min(tau, cap_s) if cap_s else tau


def sync_cost_per_day(b, total, mtti, restart_s, fleet_usd_day, usd_day_per_bps, cap_s=None):
    """Expected $/day at write bandwidth b: idle GPUs δ/τ + lost work (τ/2 + R)/M, plus b × price."""
    delta = total / b
    tau = interval_s(delta, mtti, cap_s)
    gpu = fleet_usd_day * (delta / tau + (tau / 2 + restart_s) / mtti)
    return {"write_bytes_per_s": b, "interval_s": tau, "stall_s": delta, "gpu_usd_per_day": gpu,
            "storage_usd_per_day": b * usd_day_per_bps, "cost_usd_per_day": gpu + b * usd_day_per_bps}


def sync_optimal_write_bytes_per_s(total, mtti, fleet_usd_day, usd_day_per_bps, cap_s=None):
    """Root of d(cost)/dB = 0: price × B² × τ(S/B) = fleet $/day × S (envelope theorem: ∂w/∂δ = 1/τ).

    The left side grows with B, the right with the fleet, so more GPUs never lower the answer; solved by
    bisection on log B (48 halvings of a bracket about 40 wide in log B: relative error ~1e-13; no grid).
    """
    def excess(log_b):
        b = math.exp(log_b)
        return usd_day_per_bps * b * b * interval_s(total / b, mtti, cap_s) - fleet_usd_day * total
    lo, hi = math.log(total / (100 * mtti)), math.log(total * 1e3)
    for _ in range(48):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if excess(mid) < 0 else (lo, mid)
    return math.exp(hi)


# --- two-level (staged) checkpoints: block for the snapshot, drain within the interval ----------------

def staged_cost_per_day(b, total, blocking_s, mtti, restart_s, fleet_usd_day, usd_day_per_bps, cap_s=None):
    """$/day with a drain at b: stall δ_b/τ; a failure loses τ/2 plus the undrained window S/b; τ ≥ S/b."""
    drain = total / b
    tau = max(interval_s(blocking_s, mtti, cap_s), drain)
    gpu = fleet_usd_day * (blocking_s / tau + (tau / 2 + drain + restart_s) / mtti)
    return {"write_bytes_per_s": b, "interval_s": tau, "stall_s": blocking_s, "drain_s": drain,
            "gpu_usd_per_day": gpu, "storage_usd_per_day": b * usd_day_per_bps,
            "cost_usd_per_day": gpu + b * usd_day_per_bps}


def staged_optimal_write_bytes_per_s(total, blocking_s, mtti, fleet_usd_day, usd_day_per_bps, cap_s=None):
    """Closed forms: free τ (B = √(G·S / (M·c))) or the drain filling the interval (τ = S/B,
    B = √(1.5·G·S / (M·(c + G·δ_b/S)))); the cheaper one that respects τ ≥ S/B."""
    g, c = fleet_usd_day, usd_day_per_bps
    free = math.sqrt(g * total / (mtti * c))
    bound = math.sqrt(1.5 * g * total / (mtti * (c + g * blocking_s / total)))
    floor = total / cap_s if cap_s else 0.0
    def cost(b):
        return staged_cost_per_day(b, total, blocking_s, mtti, 0.0, g, c, cap_s)["cost_usd_per_day"]
    return min((max(b, floor) for b in (free, bound)), key=cost)


# --- restore -----------------------------------------------------------------------------------------

def restore_optimal_bytes_per_s(read_bytes, mtti, fleet_usd_day, usd_day_per_bps):
    """Each failure idles the fleet for read/B: cost G·(read/B)/M + c·B is lowest at B = √(G·read / (M·c))."""
    return math.sqrt(fleet_usd_day * read_bytes / (mtti * usd_day_per_bps))


def restore_for_objective_bytes_per_s(read_bytes, objective_s, restart_s):
    """A recovery-time objective: the read must fit the objective minus the restart overhead."""
    return read_bytes / max(objective_s - restart_s, 1.0)


# --- the curve the result page draws -------------------------------------------------------------------

def cost_curve(cost_at, best, points=15, span=10.0):
    """Cost per day at write bandwidths from best/span to best×span (log-spaced), the optimum included."""
    out = []
    for i in range(points):
        b = best * span ** (2 * i / (points - 1) - 1)
        out.append(_rounded(cost_at(b)))
    return out


def _rounded(point):
    return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in point.items()}


def fleet_usd_per_day(gpus, gpu_hour_usd):
    """What the whole GPU fleet costs per day (idle or not)."""
    return gpus * gpu_hour_usd * DAY / HOUR
