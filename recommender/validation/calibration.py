"""Pure: probe results → measurements; per-client figures × planned clients → checks and `measured`.

Scale-out assumption (stated with every check): each planned client host gets what one
measured client got, as in MLPerf Storage where every host runs the same load and results
add up across hosts (research/mlperf-storage.md §3). It is an upper bound when the storage
itself saturates before the planned client count; a multi-client run measures that directly.
"""
import math

from .workloads import DEFAULT_GPUS_PER_NODE, num

# measurement name → how hosts combine: "sum" (bandwidth, IOPS, accelerators), "max" (latency),
# "min" (utilisation).
COMBINE = {
    "checkpoint_write_bytes_per_s": "sum", "checkpoint_restore_bytes_per_s": "sum",
    "sample_read_bytes_per_s": "sum", "sample_read_iops": "sum", "accelerators_supported": "sum",
    "accelerator_utilization": "min", "kv_read_bytes_per_s": "sum", "kv_read_iops": "sum",
    "kv_read_p50_s": "max", "kv_read_p99_s": "max", "scan_read_bytes_per_s": "sum",
    "scan_parse_bytes_per_s": "sum", "small_write_iops": "sum", "small_write_p99_s": "max",
}

# (requirement field, measurement, direction): "min" = measured must reach it, "max" = stay under.
CHECKS = [
    ("checkpoint.write_bytes_per_s", "checkpoint_write_bytes_per_s", "min"),
    ("checkpoint.restore_bytes_per_s", "checkpoint_restore_bytes_per_s", "min"),
    ("training_data.read_bytes_per_s", "sample_read_bytes_per_s", "min"),
    ("training_data.iops", "sample_read_iops", "min"),
    ("kv_cache.read_bytes_per_s", "kv_read_bytes_per_s", "min"),
    ("kv_cache.latency_s", "kv_read_p99_s", "max"),
    ("tabular.read_bytes_per_s", "scan_read_bytes_per_s", "min"),
    ("results_persistence.iops", "small_write_iops", "min"),
    ("video.write_iops", "small_write_iops", "min"),
]
SCALES_WITH_CLIENTS = {"min"}


def flatten(results):
    """Probe results (by probe name) → flat per-host measurements in base units."""
    out = {}
    ckpt_w, ckpt_r = results.get("checkpoint_write"), results.get("checkpoint_restore")
    train, kv = results.get("training_reads"), results.get("kv_block_reads")
    scan, sw = results.get("table_scan"), results.get("small_synced_writes")
    if ckpt_w:
        out["checkpoint_write_bytes_per_s"] = ckpt_w["bytes_per_s"]
    if ckpt_r:
        out["checkpoint_restore_bytes_per_s"] = ckpt_r["bytes_per_s"]
    if train:
        out.update(sample_read_bytes_per_s=train["bytes_per_s"], sample_read_iops=train["iops"],
                   accelerators_supported=train["accelerators_supported"],
                   accelerator_utilization=train["emulation"]["au"])
    if kv:
        out.update(kv_read_bytes_per_s=kv["bytes_per_s"], kv_read_iops=kv["iops"],
                   kv_read_p50_s=kv["latency_s"]["p50_s"], kv_read_p99_s=kv["latency_s"]["p99_s"])
    if scan:
        out.update(scan_read_bytes_per_s=scan["read_bytes_per_s"],
                   scan_parse_bytes_per_s=scan["parse_bytes_per_s"])
    if sw:
        out.update(small_write_iops=sw["iops"], small_write_p99_s=sw["latency_s"]["p99_s"])
    return out


def aggregate(per_host):
    """Figures of hosts that ran together: bandwidths add up, latency is the worst host's."""
    names = sorted({k for m in per_host.values() for k in m})
    out = {}
    for name in names:
        values = [m[name] for m in per_host.values() if m.get(name) is not None]
        if values:
            how = COMBINE.get(name, "sum")
            out[name] = sum(values) if how == "sum" else (max(values) if how == "max" else min(values))
    return out


def per_client(aggregated, hosts):
    return {k: (v / hosts if COMBINE.get(k, "sum") == "sum" else v) for k, v in aggregated.items()}


def planned_clients(proposal):
    """Client hosts the proposal plans for: use_case.clients, the tiers' node count, or GPUs ÷ 8."""
    use_case = proposal.get("use_case") or {}
    explicit = num(use_case, "clients", "nodes")
    if explicit:
        return int(explicit)
    nodes = [t.get("nodes") for t in proposal.get("tiers") or [] if num(t, "nodes")]
    if nodes:
        return int(max(nodes))
    gpus = num(use_case, "gpus", default=1)
    per_node = num(use_case, "gpus_per_node", default=DEFAULT_GPUS_PER_NODE)
    return max(1, math.ceil(gpus / per_node))


def requirement(requirements, path):
    need, field = path.split(".", 1)
    value = (requirements.get(need) or {}).get(field)
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0 else None


def checks(proposal, client_figures, clients):
    """Pass/fail with margin per requirement the run measured."""
    requirements = proposal.get("requirements") or {}
    out = [c for c in (_check(requirements, spec, client_figures, clients) for spec in CHECKS) if c]
    gpus = num(proposal.get("use_case") or {}, "gpus")
    if gpus and "accelerators_supported" in client_figures:
        out.append(_row("training_data.accelerators", gpus, client_figures["accelerators_supported"],
                        clients, "min", "accelerators_supported"))
    return out


def _check(requirements, spec, figures, clients):
    path, name, direction = spec
    required = requirement(requirements, path)
    if required is None or figures.get(name) is None:
        return None
    return _row(path, required, figures[name], clients, direction, name)


def _row(path, required, per_client_value, clients, direction, name):
    measured = per_client_value * clients if direction in SCALES_WITH_CLIENTS else per_client_value
    margin = (measured / required - 1) if direction == "min" else (required / measured - 1 if measured else math.inf)
    return {"requirement": path, "required": required, "measured": measured, "measurement": name,
            "per_client": per_client_value, "clients": clients if direction in SCALES_WITH_CLIENTS else 1,
            "direction": "at least" if direction == "min" else "at most",
            "margin": margin, "pass": margin >= 0}


def measured_for_ranking(block, client_figures, clients):
    """`measured` for recommender.ranking.rank(): the block's figures as this storage delivered them."""
    if not block:
        return {}
    figures = {}
    if "checkpoint_restore_bytes_per_s" in client_figures:
        figures["read_bytes_per_s"] = client_figures["checkpoint_restore_bytes_per_s"] * clients
    if "checkpoint_write_bytes_per_s" in client_figures:
        figures["write_bytes_per_s"] = client_figures["checkpoint_write_bytes_per_s"] * clients
    iops = client_figures.get("sample_read_iops") or client_figures.get("kv_read_iops")
    if iops:
        figures["iops"] = iops * clients
    return {block: figures}


def measured_basis(clients):
    return (f"per-client figures measured by a validation run × {clients} planned clients: "
            "read = cold checkpoint restore, write = checkpoint burst with fsync, "
            "iops = sample-sized random reads")
