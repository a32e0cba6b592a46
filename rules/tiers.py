"""Tier plan: adds up every need placed on the same tier (capacity, bandwidth, IOPS; strictest latency)."""
TIERS = ("gpu_local_nvme", "host_memory", "shared_fast", "object", "archive")
PER_NODE_TIERS = ("gpu_local_nvme", "host_memory")  # figures are per GPU server on these tiers
SUM_FIELDS = ("capacity_bytes", "read_bytes_per_s", "write_bytes_per_s", "iops")
SHARED_SOURCE = "../shared/BRIEF.md: a use case may combine several families; needs on a shared tier add up"


class TierRules:
    """experta rule mixin for cross-family tier decisions (the adding-up itself is pure, below)."""


def tiers_from_placements(placements, use_case):
    """The tiers[] list of docs/architecture.md, in the fixed tier order."""
    by_tier = {}
    for p in placements:
        tier = by_tier.setdefault(p["tier"], _empty(p["tier"], use_case))
        _add(tier, p)
    return [_finish(by_tier[t]) for t in TIERS if t in by_tier]


def _empty(tier, use_case):
    return {"tier": tier, "capacity_bytes": 0, "read_bytes_per_s": 0.0, "write_bytes_per_s": 0.0,
            "iops": 0.0, "latency_s": None, "nodes": use_case.get("nodes") or 1,
            "per_node": tier in PER_NODE_TIERS, "needs": [], "reasons": [], "sources": []}


def _add(tier, p):
    for field in SUM_FIELDS:
        tier[field] += p[field]
    if p["latency_s"] is not None:
        tier["latency_s"] = p["latency_s"] if tier["latency_s"] is None else min(tier["latency_s"], p["latency_s"])
    if p["need"] not in tier["needs"]:
        tier["needs"].append(p["need"])
    if p["reason"] not in tier["reasons"]:
        tier["reasons"].append(p["reason"])
    tier["sources"] += [s for s in p["sources"] if s not in tier["sources"]]


def _finish(tier):
    reasons = tier.pop("reasons")
    tier["capacity_bytes"] = int(tier["capacity_bytes"])
    tier["reason"] = "; ".join(reasons) + ("" if len(tier["needs"]) < 2 else
                                           f" — {len(tier['needs'])} needs share this tier and add up")
    return tier


def shared_tier_findings(tiers):
    """One finding per tier that carries several needs: their figures were added (rule id below)."""
    out = []
    for t in tiers:
        if len(t["needs"]) > 1:
            out.append({"rule": "shared_tier_needs_add_up",
                        "inputs": {"tier": t["tier"], "needs": ", ".join(t["needs"])},
                        "result": {k: t[k] for k in SUM_FIELDS},
                        "formula": "capacity, read and write bandwidth and IOPS of needs on one tier are summed; "
                                   "latency is the strictest", "sources": [SHARED_SOURCE]})
    return out
