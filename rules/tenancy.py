"""Tenancy: workloads on their own GPU partitions of one cluster. Validates `partitions`, and combines the
partitions' tiers: shared-tier averages add up, one partition's burst at a time on top (peak ≠ average)."""
from .errors import UseCaseError
from .tiers import TIERS

PARTITION_KEYS = {"name", "workload", "gpus", "model", "precision", "optimizer", "framework", "parallelism", "data",
                  "checkpoint", "inference", "rag", "video", "tabular", "ingest"}
DERIVED_KEYS = {"workloads", "use_case"}
MAX_PARTITIONS = 64
RATES = ("read_bytes_per_s", "write_bytes_per_s")
SOURCES = ["kokolis2025-rsc: §2 (many jobs of different sizes share one research cluster)",
           "nvidia-dgx-superpod-h100-ra: Storage Architecture (multiple concurrent jobs)"]


def normalize(document, uc, errors, normalize_one):
    """Each partition = the cluster's document with its own workload, GPUs and overrides, validated whole."""
    items = document.get("partitions")
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_PARTITIONS:
        errors.add("partitions", f"must be a list of 1 to {MAX_PARTITIONS} objects")
        return []
    out = [_partition(document, item, i, errors, normalize_one) for i, item in enumerate(items)]
    out = [p for p in out if p]
    total = sum(p["gpus"] for p in out)
    if uc.get("gpus") and total > uc["gpus"]:
        errors.add("partitions", f"the partitions hold {total:,} GPUs, more than the cluster's {uc['gpus']:,}")
    names = [p["name"] for p in out]
    if len(set(names)) != len(names):
        errors.add("partitions", "partition names must be different")
    return out


def _partition(document, item, i, errors, normalize_one):
    path = f"partitions.{i}"
    if not isinstance(item, dict):
        errors.add(path, "must be an object")
        return None
    for key in sorted(set(item) - PARTITION_KEYS - DERIVED_KEYS):
        errors.add(f"{path}.{key}", f"unknown field; expected one of {', '.join(sorted(PARTITION_KEYS))}")
    child = {k: v for k, v in document.items() if k not in ("partitions", "parallelism", "workloads", "nodes")}
    child.update({k: v for k, v in item.items() if k in PARTITION_KEYS and k != "name"})
    child["cluster"] = dict(document.get("cluster") or {}, sizing_basis="jobs_only")  # envelope: whole cluster
    try:
        use_case = normalize_one(child)
    except UseCaseError as exc:
        for key, messages in exc.errors.items():
            for message in messages:
                errors.add(f"{path}.{key}" if key else path, message)
        return None
    name = item.get("name", f"partition {i + 1}")
    if not isinstance(name, str) or not 0 < len(name) <= 200:
        errors.add(f"{path}.name", "must be a text of 1 to 200 characters")
        return None
    return {"name": name, "gpus": use_case["gpus"],
            "workloads": use_case["workloads"], "use_case": use_case}


def combine(parts, nodes):
    """parts: [(partition, result)] → combined tiers and one finding per shared tier."""
    by_tier = {}
    for part, result in parts:
        for tier in result["tiers"]:
            by_tier.setdefault(tier["tier"], []).append((part, tier, _averages(tier, result["requirements"])))
    tiers = [_combine_tier(name, by_tier[name], nodes) for name in TIERS if name in by_tier]
    return tiers, [_finding(t) for t in tiers if t["tier"] == "shared_fast" and len(t["partitions"]) > 1]


def _averages(tier, req):
    """Sustained figures of one partition's tier: checkpoint bursts and restores are peaks, not averages."""
    if tier["tier"] != "shared_fast":
        return {f: tier[f] for f in RATES}
    ck = req.get("checkpoint") or {}
    burst = ck.get("write_bytes_per_s", 0.0) if "checkpoint" in tier["needs"] else 0.0
    sustained = ck["total_bytes"] / ck["interval_s"] if burst and ck.get("interval_s") else 0.0
    restore = ck.get("restore_bytes_per_s", 0.0) if "checkpoint" in tier["needs"] else 0.0
    return {"write_bytes_per_s": max(0.0, tier["write_bytes_per_s"] - burst + sustained),
            "read_bytes_per_s": max(0.0, tier["read_bytes_per_s"] - restore)}


def _combine_tier(name, rows, nodes):
    first = dict(rows[0][1], nodes=nodes, needs=sorted({n for _, t, _ in rows for n in t["needs"]}))
    if first.get("per_node"):  # a server sits in one partition: size each server for the most demanding one
        for field in ("capacity_bytes", "iops", "metadata_ops_per_s") + RATES:
            first[field] = max(t.get(field, 0) for _, t, _ in rows)
        return first
    for field in ("capacity_bytes", "iops", "metadata_ops_per_s"):
        first[field] = sum(t.get(field, 0) for _, t, _ in rows)
    for field in RATES:
        averages = [avg[field] for _, _, avg in rows]
        peaks = [t[field] + sum(averages) - avg[field] for _, t, avg in rows]
        first.update({field: max(peaks), f"average_{field}": sum(averages)})
    first["partitions"] = [{"name": p["name"], "gpus": p["gpus"], **{f: t[f] for f in RATES},
                            **{f"average_{f}": a[f] for f in RATES}} for p, t, a in rows]
    return first


def _finding(t):
    return {"rule": "partitions_share_the_shared_tier",
            "inputs": {"tier": t["tier"], "partitions": ", ".join(f"{p['name']} ({p['gpus']:,} GPUs)"
                                                                 for p in t["partitions"])},
            "result": {k: t[k] for k in ("read_bytes_per_s", "average_read_bytes_per_s", "write_bytes_per_s",
                                         "average_write_bytes_per_s")},
            "formula": "average = Σ partitions' sustained figures; peak = max over partitions of (its burst + the "
                       "others' averages): bursts of different partitions are not assumed to coincide",
            "sources": SOURCES}
