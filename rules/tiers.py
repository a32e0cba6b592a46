"""Tier plan: adds up every need placed on the same tier (capacity, bandwidth, IOPS; strictest latency)."""
TIERS = ("gpu_local_nvme", "host_memory", "shared_fast", "object", "archive")
PER_NODE_TIERS = ("gpu_local_nvme", "host_memory")  # figures are per GPU server on these tiers
SUM_FIELDS = ("capacity_bytes", "read_bytes_per_s", "write_bytes_per_s", "iops", "metadata_ops_per_s")
SHARED_SOURCE = "nvidia-dgx-superpod-h100-ra: Storage Architecture (one shared file system serves every job)"
RATE_FIELDS = ("read_bytes_per_s", "write_bytes_per_s")
SERVER_CAPACITY = {"gpu_local_nvme": "node_local_nvme_bytes", "host_memory": "host_memory_bytes"}


class TierRules:
    """experta rule mixin for cross-family tier decisions (the adding-up itself is pure, below)."""


def tiers_from_placements(placements, use_case, envelope=None):
    """The tiers[] list of docs/architecture.md, in the fixed tier order; the shared tier gets the larger of
    the jobs' sum and the cluster envelope, and per-server tiers count what the GPU servers already have."""
    by_tier = {}
    for p in placements:
        tier = by_tier.setdefault(p["tier"], _empty(p["tier"], use_case))
        _add(tier, p)
    tiers = [_finish(by_tier[t]) for t in TIERS if t in by_tier]
    for t in tiers:
        if t["tier"] == "shared_fast":
            apply_envelope(t, envelope)
        if t["tier"] in SERVER_CAPACITY:
            subtract_server_hardware(t, (use_case.get("gpu") or {}).get(SERVER_CAPACITY[t["tier"]]))
    return tiers


def apply_envelope(tier, envelope):
    """Recommended read/write = max(job need, envelope); both kept side by side with the basis."""
    if not envelope or not envelope.get("applies"):
        return
    for field in RATE_FIELDS:
        job, env = tier[field], envelope[field]
        tier.update({f"job_{field}": job, f"envelope_{field}": env, field: max(job, env)})
    tier["sizing_basis"] = "envelope"
    tier["envelope_basis"] = envelope["basis"]
    tier["envelope_decides"] = [f for f in RATE_FIELDS if envelope[f] > tier[f"job_{f}"]]


def subtract_server_hardware(tier, provided_bytes):
    """The servers' own NVMe / DRAM are used first: capacity_bytes becomes what is left to buy per server."""
    if not provided_bytes:
        return
    need = tier["capacity_bytes"]
    tier.update(need_capacity_bytes=need, server_provided_capacity_bytes=int(provided_bytes),
                capacity_bytes=int(max(0, need - provided_bytes)))


def _empty(tier, use_case):
    return {"tier": tier, "capacity_bytes": 0, "read_bytes_per_s": 0.0, "write_bytes_per_s": 0.0,
            "iops": 0.0, "metadata_ops_per_s": 0.0, "latency_s": None, "nodes": use_case.get("nodes") or 1,
            "per_node": tier in PER_NODE_TIERS, "needs": [], "reasons": [], "sources": []}


def _add(tier, p):
    for field in SUM_FIELDS:
        tier[field] += p.get(field, 0.0)
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
                        "result": {k: t.get(f"job_{k}", t[k]) for k in SUM_FIELDS},
                        "formula": "capacity, read and write bandwidth and IOPS of needs on one tier are summed; "
                                   "latency is the strictest", "sources": [SHARED_SOURCE]})
        out += envelope_findings(t) + server_hardware_findings(t)
    return out


def envelope_findings(t):
    """Job need and envelope side by side, and which one sets the recommended figure."""
    if t.get("sizing_basis") != "envelope":
        return []
    result = {k: t[k] for k in ("job_read_bytes_per_s", "envelope_read_bytes_per_s", "read_bytes_per_s",
                                "job_write_bytes_per_s", "envelope_write_bytes_per_s", "write_bytes_per_s")}
    decides = ", ".join(f.replace("_bytes_per_s", "") for f in t["envelope_decides"]) or "neither"
    return [{"rule": "shared_tier_is_larger_of_jobs_and_envelope",
             "inputs": {"tier": t["tier"], "envelope_basis": t["envelope_basis"]},
             "result": dict(result, envelope_sets=decides),
             "formula": "recommended = max(sum of the jobs' needs, published envelope), for read and write",
             "sources": ["nvidia-dgx-superpod-h100-ra: Table 6"]}]


def server_hardware_findings(t):
    """Says how much of a per-server need the GPU server's own NVMe or DRAM already covers."""
    if "server_provided_capacity_bytes" not in t:
        return []
    return [{"rule": "server_hardware_used_first",
             "inputs": {"tier": t["tier"], "need_capacity_bytes": t["need_capacity_bytes"],
                        "server_provided_capacity_bytes": t["server_provided_capacity_bytes"]},
             "result": {"capacity_to_buy_bytes": t["capacity_bytes"]},
             "formula": "left to buy per server = max(0, need − what the server preset already has)",
             "sources": ["nvidia-dgx-h100-user-guide: internal storage"]}]
