"""Pure: probe results → measurements; per-client figures × planned clients → checks and `measured`.

Scale-out: each planned client gets what one measured client got, as in MLPerf Storage where every
host runs the same load and results add up (mlperf-storage-v2: Submission_guidelines.md). When fewer
clients ran than are planned, the aggregate is *extrapolated*: every check says so, the
aggregate is capped by what the mapped building block (× its quantity in the proposal) can deliver,
and the check says how many clients to run together for a measured figure.
"""
import math

from .workloads import families, num, planned_clients  # noqa: F401 (planned_clients re-exported)

# measurement name → how hosts combine: "sum" (bandwidth, IOPS, accelerators), "max" (latency),
# "min" (utilisation).
COMBINE = {
    "checkpoint_write_bytes_per_s": "sum", "checkpoint_restore_bytes_per_s": "sum",
    "sample_read_bytes_per_s": "sum", "sample_read_iops": "sum", "accelerators_supported": "sum",
    "accelerator_utilization": "min", "kv_read_bytes_per_s": "sum", "kv_read_iops": "sum",
    "kv_read_p50_s": "max", "kv_read_p99_s": "max", "scan_read_bytes_per_s": "sum",
    "scan_parse_bytes_per_s": "sum", "small_write_iops": "sum", "small_write_bytes_per_s": "sum",
    "small_write_p99_s": "max", "model_load_bytes_per_s": "sum", "model_load_time_s": "max",
    "rag_read_iops": "sum", "rag_read_bytes_per_s": "sum", "rag_read_p50_s": "max",
    "rag_read_p99_s": "max", "rag_paced_p99_s": "max", "video_write_bytes_per_s": "sum",
    "video_read_bytes_per_s": "sum", "ingest_write_bytes_per_s": "sum",
}

# family → [(requirement field, measurement, direction)]: "min" = reach it, "max" = stay under.
CHECKS = {
    "checkpoint": [("write_bytes_per_s", "checkpoint_write_bytes_per_s", "min"),
                   ("restore_bytes_per_s", "checkpoint_restore_bytes_per_s", "min")],
    "training_data": [("read_bytes_per_s", "sample_read_bytes_per_s", "min"),
                      ("iops", "sample_read_iops", "min"),
                      ("accelerators", "accelerators_supported", "min")],
    "model_load": [("read_bytes_per_s", "model_load_bytes_per_s", "min"),
                   ("load_time_s", "model_load_time_s", "max")],
    "kv_cache": [("read_bytes_per_s", "kv_read_bytes_per_s", "min"),
                 ("latency_s", "kv_read_p99_s", "max")],
    "rag_index": [("iops", "rag_read_iops", "min"), ("read_bytes_per_s", "rag_read_bytes_per_s", "min"),
                  ("latency_s", "rag_paced_p99_s", "max")],
    "video": [("read_bytes_per_s", "video_read_bytes_per_s", "min"),
              ("write_bytes_per_s", "video_write_bytes_per_s", "min")],
    "results_persistence": [("iops", "small_write_iops", "min"),
                            ("write_bytes_per_s", "small_write_bytes_per_s", "min")],
    "tabular": [("read_bytes_per_s", "scan_read_bytes_per_s", "min")],
    "ingest": [("write_bytes_per_s", "ingest_write_bytes_per_s", "min")],
}
SCALES_WITH_CLIENTS = {"min"}


def flatten(results):
    """Probe results (by probe name) → flat per-host measurements in base units."""
    out = {}
    for probe, figures in results.items():
        if figures and probe in FLATTEN:
            out.update({k: v for k, v in FLATTEN[probe](figures).items() if v is not None})
    return out


def _lat(f, p):
    return (f.get("latency_s") or {}).get(p)


def _model_load(f):
    return {"model_load_bytes_per_s": f["bytes_per_s"]}


def _rag(f):
    paced = f.get("at_required_rate") or {}
    return {"rag_read_iops": f["iops"], "rag_read_bytes_per_s": f["bytes_per_s"],
            "rag_read_p50_s": _lat(f, "p50_s"), "rag_read_p99_s": _lat(f, "p99_s"),
            "rag_paced_p99_s": (paced.get("latency_s") or {}).get("p99_s") or _lat(f, "p99_s")}


FLATTEN = {
    "checkpoint_write": lambda f: {"checkpoint_write_bytes_per_s": f["bytes_per_s"]},
    "checkpoint_restore": lambda f: {"checkpoint_restore_bytes_per_s": f["bytes_per_s"]},
    "training_reads": lambda f: {"sample_read_bytes_per_s": f["bytes_per_s"], "sample_read_iops": f["iops"],
                                 "accelerators_supported": f.get("accelerators_supported"),
                                 "accelerator_utilization": (f.get("emulation") or {}).get("au")},
    "kv_block_reads": lambda f: {"kv_read_bytes_per_s": f["bytes_per_s"], "kv_read_iops": f["iops"],
                                 "kv_read_p50_s": _lat(f, "p50_s"), "kv_read_p99_s": _lat(f, "p99_s")},
    "table_scan": lambda f: {"scan_read_bytes_per_s": f["read_bytes_per_s"],
                             "scan_parse_bytes_per_s": f["parse_bytes_per_s"]},
    "small_synced_writes": lambda f: {"small_write_iops": f["iops"], "small_write_bytes_per_s": f["bytes_per_s"],
                                      "small_write_p99_s": _lat(f, "p99_s")},
    "model_load": _model_load,
    "rag_index_reads": _rag,
    "video_stream_write": lambda f: {"video_write_bytes_per_s": f["bytes_per_s"]},
    "video_stream_read": lambda f: {"video_read_bytes_per_s": f["bytes_per_s"]},
    "ingest_write": lambda f: {"ingest_write_bytes_per_s": f["bytes_per_s"]},
}


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


def with_derived(proposal, figures):
    """Measurements that follow from a measured rate and a requirement (model load time per node)."""
    out = dict(figures)
    ml = (proposal.get("requirements") or {}).get("model_load") or {}
    per_node = num(ml, "bytes_per_node", "total_bytes")
    if per_node and figures.get("model_load_bytes_per_s"):
        out["model_load_time_s"] = per_node / figures["model_load_bytes_per_s"]
    return out


def requirement(requirements, family, field):
    value = (requirements.get(family) or {}).get(field)
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0 else None


def checks(proposal, client_figures, clients, measured_clients=1, ceilings=None):
    """Pass/fail with margin, only for the requirements the proposal has and the run measured."""
    requirements = proposal.get("requirements") or {}
    figures = with_derived(proposal, client_figures)
    out = []
    for family in families(proposal):
        for field, name, direction in CHECKS.get(family, []):
            required = requirement(requirements, family, field)
            if required is None and (family, field) == ("training_data", "accelerators"):
                required = num(proposal.get("use_case") or {}, "gpus")
            if required is None or figures.get(name) is None:
                continue
            out.append(row(f"{family}.{field}", required, figures[name], clients, direction, name,
                           measured_clients, (ceilings or {}).get(name)))
    return out


def row(path, required, per_client_value, clients, direction, name, measured_clients=1, ceiling=None):
    """One check: the per-client figure, how it scales to the planned clients, and whether the
    aggregate was measured or extrapolated (then capped by the block's ceiling, if known)."""
    scales = direction in SCALES_WITH_CLIENTS
    measured = per_client_value * clients if scales else per_client_value
    basis = "measured" if (not scales or measured_clients >= clients) else "extrapolated"
    capped = None
    if basis == "extrapolated" and ceiling and measured > ceiling["value"]:
        measured, capped = ceiling["value"], ceiling["basis"]
    margin = (measured / required - 1) if direction == "min" else (required / measured - 1 if measured else math.inf)
    out = {"requirement": path, "required": required, "measured": measured, "measurement": name,
           "per_client": per_client_value, "clients": clients if scales else 1,
           "measured_clients": measured_clients, "planned_clients": clients, "basis": basis,
           "flag": flag(measured_clients, clients, basis, scales), "capped_by": capped,
           "direction": "at least" if direction == "min" else "at most",
           "margin": margin, "pass": margin >= 0}
    if basis == "extrapolated":
        out["clients_for_measured"] = clients
        out["clients_needed"] = math.ceil(required / per_client_value) if per_client_value else None
    return out


def flag(measured_clients, clients, basis, scales):
    """The words the UI, API and PDF show next to the figure."""
    if not scales:
        return f"{_clients(measured_clients)} measured: per-client figure"
    if basis == "measured":
        return f"{_clients(measured_clients)} measured of {clients:,} planned: measured"
    return f"{_clients(measured_clients)} measured × {clients:,} planned: extrapolated"


def _clients(n):
    return f"{n:,} client{'s' if n != 1 else ''}"


def ceilings_for(block, clients, catalog_blocks, proposals):
    """What the mapped block can deliver in the proposal: its datasheet figure × its quantity in the
    first proposal that uses it (a per-node block: × the planned clients)."""
    spec = next((b for b in catalog_blocks if b.get("id") == block), None)
    if not spec:
        return {}
    quantity = next((i.get("quantity") for p in proposals or [] for i in p.get("bom") or []
                     if i.get("item") == block and num(i, "quantity")), None)
    units = quantity or (clients if spec.get("per_node") else None)
    if not units:
        return {}
    out = {}
    for name in COMBINE:
        field = _ceiling_field(name)
        if field and num(spec, field):
            out[name] = {"value": spec[field] * units,
                         "basis": f"{block}: {field} {spec[field]:,.0f} × {units:,} units in the proposal"}
    return out


def _ceiling_field(name):
    if name.endswith("write_bytes_per_s"):
        return "write_bytes_per_s"
    if name.endswith("_bytes_per_s") and not name.startswith("scan_parse"):
        return "read_bytes_per_s"
    if name.endswith("_iops"):
        return "iops"
    return None


def measured_for_ranking(block, client_figures, clients):
    """`measured` for recommender.ranking.rank(): the block's figures as this storage delivered them.

    Read: cold checkpoint restore, else model load, video or index reads; write: checkpoint
    burst, else stream or ingest writes; IOPS: sample, index or KV reads."""
    if not block:
        return {}
    figures = {}
    read = _first(client_figures, "checkpoint_restore_bytes_per_s", "model_load_bytes_per_s",
                  "video_read_bytes_per_s", "sample_read_bytes_per_s", "rag_read_bytes_per_s")
    write = _first(client_figures, "checkpoint_write_bytes_per_s", "video_write_bytes_per_s",
                   "ingest_write_bytes_per_s")
    iops = _first(client_figures, "sample_read_iops", "rag_read_iops", "kv_read_iops")
    for field, value in (("read_bytes_per_s", read), ("write_bytes_per_s", write), ("iops", iops)):
        if value:
            figures[field] = value * clients
    return {block: figures} if figures else {}


def _first(figures, *names):
    return next((figures[n] for n in names if figures.get(n)), None)


def measured_basis(clients):
    return (f"per-client figures measured by a validation run × {clients} planned clients: "
            "read = cold checkpoint restore (else model load, stream or index reads), "
            "write = checkpoint burst with fsync (else stream writes), iops = random reads")
