"""Read a stored proposal document into what the result page and the PDF show (below both: webui and
reports import it): every number next to the findings that explain it (the "why"), with their sources."""
from recommender import formatting as units
from rules import bibliography
from rules.bibliography import render as bibliography_render

NEED_TITLES = {
    "checkpoint": "Checkpoints", "training_data": "Training data", "model_load": "Model loading",
    "kv_cache": "KV cache", "rag_index": "RAG index", "video": "Video streams",
    "results_persistence": "Results persistence", "tabular": "Tabular scans", "ingest": "Ingest",
}
TIER_TITLES = {
    "gpu_local_nvme": "GPU-local NVMe (DAS)", "host_memory": "Host DRAM / CXL", "shared_fast": "Shared fast tier",
    "object": "Object store", "archive": "Archive",
}
TIER_FIELDS = ["capacity_bytes", "read_bytes_per_s", "write_bytes_per_s", "iops", "latency_s"]

# Words for field names whose generic reading (below) is unclear; the unit comes from the suffix.
LABELS = {
    "total_bytes": "Total size", "capacity_bytes": "Capacity", "files": "Files per checkpoint",
    "per_rank_bytes": "Largest per-rank share", "largest_file_bytes": "Largest file",
    "interval_s": "Checkpoint interval", "daly_interval_s": "Daly optimum interval",
    "young_interval_s": "Young interval", "stall_s": "Stall budget per checkpoint",
    "recovery_s": "Recovery objective", "retained": "Checkpoints kept", "retention_bytes": "Retained checkpoints",
    "restore_read_bytes": "Bytes read on restore", "restore_bytes_per_s": "Restore read bandwidth",
    "mean_time_to_interrupt_s": "Mean time between interruptions", "waste_fraction": "Run time lost",
    "effective_training_time_ratio": "Effective training time", "bytes_per_param": "Checkpoint bytes per parameter",
    "weight_bytes_per_param": "Weight bytes per parameter", "iops": "I/O operations",
    "bytes_per_token": "KV bytes per token", "bytes_per_token_per_gpu": "KV bytes per token per GPU",
    "hbm_pool_bytes": "HBM left for KV", "min_au": "Lowest accelerator utilisation",
    "utilisation_target": "Accelerator utilisation target", "qps": "Queries", "writers": "Concurrent writers",
    "layout": "Checkpoint layout", "cost_curve": "Cost-optimal interval curve",
    "gpus": "GPUs", "nodes": "GPU servers", "gpu_model": "GPU model",
    # cluster-scale fields (issue 8), KB fixes (issue 10), tiers and ranking (issue 9)
    "envelope_read_bytes_per_s": "Cluster envelope read bandwidth", "envelope_write_bytes_per_s":
    "Cluster envelope write bandwidth", "envelope_basis": "Envelope source", "envelope_decides":
    "Envelope sets the tier size", "job_read_bytes_per_s": "Job read bandwidth", "job_write_bytes_per_s":
    "Job write bandwidth", "need_capacity_bytes": "Capacity the needs ask for",
    "server_provided_capacity_bytes": "Capacity the storage servers provide", "metadata_ops_per_s":
    "Metadata operations", "file_creates_per_s": "File creates", "file_opens_per_s": "File opens",
    "metadata_window_s": "Metadata burst window", "average_read_bytes_per_s": "Average read bandwidth",
    "per_stage_bytes": "Checkpoint bytes per pipeline stage", "slowest_stage": "Slowest pipeline stage",
    "mean_rank_bytes": "Mean per-rank share", "layout_known": "Layout known from the framework",
    "drain_s": "Drain time to the shared tier", "cost_usd_per_day": "Expected total cost",
    "gpu_usd_per_day": "Idle-GPU cost", "storage_usd_per_day": "Storage cost",
    "capacity_usd_per_day": "Capacity cost", "latency_s": "Latency", "load_time_s": "Load time",
    "ttft_s": "Time to first token", "restore_decided_by": "Restore time set by", "accelerators": "Accelerators",
    "applies": "Applies", "attention": "Attention type", "basis": "Basis", "batch_size": "Batch size",
    "bytes_per_day": "Data written per day", "bytes_per_node": "Bytes per GPU server",
    "bytes_per_token_per_replica": "KV bytes per token per replica", "cache_hit_ratio": "Prefix-cache hit ratio",
    "class_basis": "Workload class source", "corpus_bytes": "Corpus size", "dataframe_bytes": "Dataframe in memory",
    "dataset_bytes": "Dataset size", "derived": "Derived (not published)", "detector_hz": "Detector rate",
    "embedding_bytes": "Embeddings", "encoding": "Encoding", "fits_in_hbm": "Fits in HBM",
    "fits_local_nvme": "Fits in local NVMe", "format": "Format", "framework": "Framework", "index": "Index type",
    "io_bytes": "I/O size", "kv_dtype": "KV cache data type", "level": "Level", "memory_bytes": "Memory",
    "mode": "Mode", "needs": "Needs served", "node_local_nvme_bytes": "Local NVMe per GPU server",
    "offload_capacity_bytes": "KV offload capacity", "offload_tier": "KV offload tier",
    "optimizer_bytes": "Optimizer state", "parse_cores": "CPU cores to parse", "parse_cpu_s": "Parse CPU time",
    "per_accelerator_read_bytes_per_s": "Read bandwidth per accelerator",
    "per_gpu_break_even_bytes_per_s": "Per GPU break even bandwidth", "per_gpu_hbm_pool_bytes": "HBM for KV per GPU",
    "per_gpu_kv_bytes": "KV cache per GPU", "per_gpu_spill_bytes": "KV spill per GPU", "per_node": "Per GPU server",
    "per_stream_bytes_per_day": "Data per stream per day", "persist": "Persisted",
    "prefill_tokens_per_s_per_replica": "Prefill tokens per replica", "raw_vector_bytes": "Raw vectors",
    "read_bytes_per_s": "Read bandwidth", "write_bytes_per_s": "Write bandwidth",
    "read_bytes_per_s_at_min_au": "Read bandwidth at the lowest utilisation", "reason": "Reason",
    "recogniser_hz": "Recogniser rate", "sample_bytes": "Sample size", "shard_bytes": "Shard size",
    "shared_read_fraction": "Read from the shared tier", "sizing": "Checkpoint sizing", "sizing_basis": "Sizing basis",
    "source": "Source", "sources": "Sources", "spill_bytes": "KV spill", "step_time_s": "Step time", "tier": "Tier",
    "token_bytes": "Tokenised data", "tokens_per_s": "Tokens", "tracks_per_s": "Tracks",
    "trainable_parameters": "Trainable parameters", "weights_bytes": "Weights", "workload_class": "Workload class",
}
UNIT_HINTS = [("_bytes_per_s", "bandwidth", "B/s"), ("_usd_per_day", "", "USD per day"),
              ("_bytes_per_day", "", "bytes per day"), ("_per_s_per_replica", "", "per s"), ("_hz", "", "per s"), ("_bytes", "", "bytes"), ("_per_s", "", "per s"),
              ("_fraction", "", "%"), ("_usd", "", "USD"), ("_hz", "", "per s"), ("iops", "", "IOPS"),
              ("_s", "", "time")]
FIELD_WORDS = {"per": "per", "gpu": "GPU", "kv": "KV", "hbm": "HBM", "nvme": "NVMe", "cpu": "CPU"}


def field_label(name):
    """'write_bytes_per_s' -> 'Write bandwidth (B/s)'; 'interval_s' -> 'Checkpoint interval (time)'."""
    for ending, noun, unit in UNIT_HINTS:
        if name.endswith(ending) and name != ending.strip("_"):
            words = LABELS.get(name) or _words_of(name[: -len(ending)], noun)
            return f"{words} ({unit})"
    return LABELS.get(name) or _words_of(name, "")


def _words_of(stem, noun):
    words = [FIELD_WORDS.get(w, w) for w in stem.split("_") if w]
    text = " ".join(words + ([noun] if noun else []))
    return text[:1].upper() + text[1:]


def headroom_label(key):
    """'shared_fast.read_bytes_per_s' -> 'Shared fast tier: read bandwidth (B/s)'."""
    tier, _, field = str(key).rpartition(".")
    if not tier:
        return field_label(field)
    title = TIER_TITLES.get(tier) or NEED_TITLES.get(tier) or _words_of(tier, "")
    label = field_label(field)
    return f"{title}: {lower_first(label)}"


def lower_first(label):
    """'Read bandwidth' -> 'read bandwidth', but 'KV heads' stays."""
    return label if label[1:2].isupper() else label[:1].lower() + label[1:]


def indexed_findings(document):
    """Findings with a stable anchor id (finding-1, ...) and their sources expanded to full references."""
    return [dict(f, anchor=f"finding-{i}", number=i, citations=citations(f.get("sources")))
            for i, f in enumerate(document.get("findings", []), 1)]


def citations(sources):
    """Each source string with its full reference: [{source, key, locator, reference, url}]."""
    return [dict(bibliography.cite(s), source=s) for s in sources or []]


def _mentions(finding, key, value):
    return any((finding.get(part) or {}).get(key) == value for part in ("inputs", "result"))


UNIT_WORDS = {"bytes", "per", "s", "param", "usd", "fraction", "percent"}


def _words(name):
    return set(name.split("_")) - UNIT_WORDS


def findings_for_field(findings, need, field):
    """The findings that explain `field` of `need`: those computing it, else those using it as an
    input, else those computing a field that shares its words (optimizer_bytes <- optimizer)."""
    def prefer(found):
        about = [f for f in found if need in f.get("rule", "") or _mentions(f, "need", need)]
        return about or found

    for part in ("result", "inputs"):
        found = [f for f in findings if field in (f.get(part) or {})]
        if found:
            return prefer(found)
    words = _words(field)
    related = [f for f in findings if words and any(words & _words(k) for part in ("result", "inputs")
                                                    for k in (f.get(part) or {}))]
    return prefer(related)[:2]


def binary_alternative(name, value):
    """'104.7 GiB' beside '112.4 GB' for sizes, since MLPerf and many papers quote binary units."""
    if name.endswith("_bytes") and isinstance(value, (int, float)) and value >= 2**30:
        return units.format_bytes(value, binary=True)
    return ""


def requirement_sections(document, findings):
    """[{need, title, rows: [{field, value, text, why: [finding...]}]}] for every need."""
    sections = []
    for need, fields in (document.get("requirements") or {}).items():
        rows = [{"field": name, "label": field_label(name), "value": value, "text": units.format_field(name, value),
                 "alt": binary_alternative(name, value), "why": findings_for_field(findings, need, name)}
                for name, value in fields.items() if isinstance(value, (int, float, str)) and value is not None]
        other = {k: v for k, v in fields.items() if isinstance(v, (dict, list)) and v}
        sections.append({"need": need, "title": NEED_TITLES.get(need, need.replace("_", " ").title()),
                         "rows": rows, "other": other,
                         "other_rows": [(field_label(k), other_values(v, k)) for k, v in other.items()]})
    return sections


def tier_rows(document):
    rows = []
    for tier in document.get("tiers") or []:
        cells = [{"field": f, "text": units.format_field(f, tier.get(f)) if tier.get(f) else "—"}
                 for f in TIER_FIELDS]
        rows.append(dict(tier, title=TIER_TITLES.get(tier.get("tier"), tier.get("tier")), cells=cells,
                         need_titles=[NEED_TITLES.get(n, n) for n in tier.get("needs") or []],
                         citations=citations(tier.get("sources"))))
    return rows


def proposal_rows(document, findings):
    """Ranked proposals with their headroom (sorted tightest first) and the findings about them."""
    rows = []
    for p in document.get("proposals") or []:
        headroom = sorted(((headroom_label(k), v) for k, v in (p.get("headroom") or {}).items()),
                          key=lambda item: item[1])
        why = [f for f in findings if _mentions(f, "architecture", p.get("architecture"))]
        rows.append(dict(p, headroom_sorted=headroom, min_headroom=headroom[0][1] if headroom else None,
                         why=why, pareto=p.get("architecture") in (document.get("pareto") or []),
                         first_unmet_label=headroom_label(p["first_unmet"]) if p.get("first_unmet") else ""))
    return rows


def all_sources(findings, tiers=()):
    """Every source cited, once, in first-cited order."""
    seen = {}
    for item in list(findings) + list(tiers):
        for source in item.get("sources") or []:
            seen.setdefault(source, None)
    return list(seen)


SUMMARY_SKIP = {"gpu", "workloads"}  # the GPU preset's datasheet and the workload list repeat other rows


def _shown(key, value):
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return value if isinstance(value, dict) else units.format_field(key, value)


def use_case_summary(use_case):
    """Flat (label, value) pairs of the normalized use case, nested sections as 'section.field'."""
    pairs = []
    for key, value in (use_case or {}).items():
        if key in SUMMARY_SKIP:
            continue
        if isinstance(value, dict):
            section = NEED_TITLES.get(key) or _words_of(key, "")
            pairs += [(f"{section}: {lower_first(field_label(k))}", _shown(k, v))
                      for k, v in value.items() if not isinstance(v, dict)]
        else:
            pairs.append((field_label(key), _shown(key, value)))
    return pairs


WORKLOAD_TITLES = {"llm_training": "LLM training", "cv_training": "CV training", "llm_inference": "LLM inference",
                   "rag": "RAG", "video_analytics": "Video analytics", "tabular_ml": "Tabular ML",
                   "data_ingest": "Data ingest"}


def _model_name(uc):
    model = uc.get("model") or {}
    count = model.get("parameters")
    return model.get("name") or model.get("preset") or (f"{units.format_count(count)} parameters" if count else None)


def _section_line(uc, section, parts):
    """'{} sequences' puts the value first; a plain label goes before it ('context 131,072')."""
    values = uc.get(section) or {}
    shown = {k: units.format_field(k, v) if isinstance(v, (int, float)) else str(v) for k, v in values.items()}
    return [(label.format(shown[k]) if "{}" in label else f"{label} {shown[k]}").strip()
            for k, label in parts if values.get(k) not in (None, "", 0)]


WORKLOAD_LINES = {  # each family's own few inputs, in reading order
    "llm_training": lambda uc: [_model_name(uc), uc.get("precision"), uc.get("optimizer"),
                                _layout(uc.get("parallelism"))],
    "cv_training": lambda uc: [_model_name(uc)],
    "llm_inference": lambda uc: [_model_name(uc)] + _section_line(uc, "inference", [
        ("context_tokens", "context"), ("concurrent_sequences", "{} sequences"), ("kv_dtype", "KV"),
        ("tensor_parallel", "TP"), ("replicas", "replicas")]),
    "rag": lambda uc: _section_line(uc, "rag", [("vectors", "{} vectors"), ("dimensions", "{} dimensions"),
                                                ("index", ""), ("qps", "{} queries/s")]),
    "video_analytics": lambda uc: _section_line(uc, "video", [("streams", "{} streams"), ("source", ""),
                                                              ("retention_days", "{} days kept")]),
    "tabular_ml": lambda uc: _section_line(uc, "tabular", [("format", ""), ("dataset_bytes", "{} of data"),
                                                           ("scan_target_s", "scan within")]),
    "data_ingest": lambda uc: _section_line(uc, "ingest", [("mode", ""), ("bytes_per_day", "{} per day")]),
}


def _layout(par):
    if not par:
        return None
    short = {"tensor": "TP", "pipeline": "PP", "data": "DP", "context": "CP", "expert": "EP"}
    return " × ".join(f"{short[k]}{par[k]}" for k in short if par.get(k) and (k in ("tensor", "data") or par[k] > 1))


def workload_lines(use_case):
    """One summary line per workload: 'LLM inference · llama3.1-70b · context 131.1 k · TP 8'."""
    uc = use_case or {}
    workloads = uc.get("workloads") or ([uc["workload"]] if isinstance(uc.get("workload"), str)
                                        else uc.get("workload") or [])
    lines = []
    for w in workloads:
        parts = [WORKLOAD_TITLES.get(w, w)] + (WORKLOAD_LINES.get(w, lambda _: [])(uc))
        lines.append(" · ".join(str(p) for p in parts if p))
    return lines


def headline(use_case):
    """One line: '8 × NVIDIA H100 SXM5 80GB · LLM training · llama3.1-8b · fp16 · adam · TP1 × PP1 × DP8'."""
    use_case = use_case or {}
    gpu = (use_case.get("gpu") or {}).get("name") or use_case.get("gpu_model") or "GPUs"
    cluster = f"{use_case.get('gpus'):,} × {gpu}" if use_case.get("gpus") else None
    return " · ".join(p for p in [cluster, " + ".join(workload_lines(use_case))] if p)


def result_context(document):
    """Everything the result page and the PDF render, from one stored proposal document."""
    findings = indexed_findings(document)
    tiers = tier_rows(document)
    return {
        "doc": document,
        "summary": use_case_summary(document.get("use_case")),
        "headline": headline(document.get("use_case")),
        "requirements": requirement_sections(document, findings),
        "tiers": tiers,
        "proposals": proposal_rows(document, findings),
        "findings": findings,
        "sources": all_sources(findings, tiers),
        "workload_lines": workload_lines(document.get("use_case")),
        "bibliography": document.get("bibliography")
        or bibliography_render.cited(bibliography_render.document_sources(document)),
    }


# --- the report's executive summary and validation section --------------------------------------

RISK_RULES = ("gap", "lower_bound", "cannot_meet", "exceed", "unknown", "assum")


def _tier_need(document, key):
    """The tier plan's figure a headroom key ('shared_fast.write_bytes_per_s') was sized against."""
    tier, _, field = key.rpartition(".")
    row = next((t for t in document.get("tiers") or [] if t.get("tier") == tier), None)
    return (row or {}).get(field), (row or {}).get("needs") or []


def drivers(document, top, count=4):
    """The requirements that size the top proposal: its tightest headroom, with the figure needed."""
    rows = []
    for key, value in sorted((top.get("headroom") or {}).items(), key=lambda item: item[1])[:count]:
        need, needs = _tier_need(document, key)
        field = key.rpartition(".")[2]
        rows.append({"label": headroom_label(key), "needed": units.format_field(field, need) if need else "—",
                     "headroom": units.format_ratio(value), "needs": ", ".join(needs), "tight": value < 1.2})
    return rows


def price_basis(top):
    """How far to trust the top proposal's cost: estimated, unknown and lower-bound lines."""
    bom = top.get("bom") or []
    return {"lines": len(bom), "estimated": sum(1 for b in bom if b.get("price_is_estimate")),
            "unknown": sum(1 for b in bom if not b.get("price_known", True)),
            "lower_bound": bool(top.get("cost_is_lower_bound")),
            "bases": [f"{b.get('name') or b.get('item')}: {b['price_basis']}" for b in bom if b.get("price_basis")]}


def risks(document, findings, top):
    """Unmet needs, partial figures and the findings that name gaps or assumptions."""
    out = [f"Misses {headroom_label(k)}" for k in top.get("unmet") or []]
    out += ["Power is a partial figure (some blocks publish none)"] if top.get("power_is_partial") else []
    out += ["Rack space is a partial figure"] if top.get("rack_units_is_partial") else []
    out += [f"[{f['number']}] {f['text']}" for f in findings
            if any(word in f.get("rule", "") for word in RISK_RULES)]
    return list(dict.fromkeys(out))


def validation_rows(results):
    """Measured against required per check, with the extrapolation from measured to planned clients."""
    measured_clients = (results or {}).get("measured_clients") or 1
    rows = []
    for c in (results or {}).get("checks") or []:
        field = str(c.get("requirement", "")).rpartition(".")[2]
        clients = c.get("clients") or 1
        rows.append({"label": headroom_label(c.get("requirement", "")), "required": units.format_field(field, c.get("required")),
                     "measured": units.format_field(field, c.get("measured")), "direction": c.get("direction", ""),
                     "margin": _margin(c.get("margin")), "pass": c.get("pass"),
                     "extrapolated": clients > measured_clients,
                     "basis": f"{units.format_field(field, c.get('per_client'))} per client × {clients} clients"
                              if clients > 1 else "measured"})
    return rows


def _margin(value):
    if value is None:
        return "—"
    return f"{1 + value:.0f}× the need" if value >= 9 else f"{value * 100:+.0f} %"


def fio_rows(results):
    """Our probe against fio on the same pattern, per target and probe."""
    rows = []
    for target, probes in ((results or {}).get("fio") or {}).items():
        for probe, r in (probes or {}).items():
            rows.append({"target": target, "probe": probe, "ours": units.format_rate(r.get("ours_bytes_per_s")),
                         "fio": units.format_rate(r.get("fio_bytes_per_s")),
                         "ratio": f"{r['ratio']:.2f}" if r.get("ratio") is not None else "—",
                         "agrees": r.get("agrees"), "error": r.get("error")})
    return rows


def validation_context(run):
    """{run, status, rows, fio, passed, total} for the last validation of a use case, or None."""
    if run is None:
        return None
    rows = validation_rows(run.results)
    return {"run": run, "status": run.status, "rows": rows, "fio": fio_rows(run.results),
            "passed": sum(1 for r in rows if r["pass"]), "total": len(rows),
            "extrapolated": any(r["extrapolated"] for r in rows)}


def other_values(value, prefix=""):
    """Nested requirement values as compact (label, text) rows: a list of numbers on one line, a list of
    records one row each ('84.6 GB/s · 20 min · ...'), a dict as its labelled fields."""
    if isinstance(value, dict):
        return [(field_label(k), text) for k, v in value.items() for _, text in other_values(v, k)]
    if isinstance(value, list) and all(isinstance(v, dict) for v in value):
        return [(f"{i}", _record(v)) for i, v in enumerate(value, 1)]
    if isinstance(value, list):
        name = prefix or "value"
        return [("", ", ".join(units.format_field(name, v) for v in value))]
    return [("", units.format_field(prefix, value))]


def _record(item):
    return " · ".join(f"{lower_first(field_label(k))} {units.format_field(k, v)}" for k, v in item.items()
                      if not isinstance(v, (dict, list)))


def summary_context(document, findings):
    """The executive summary: recommendation, cost and its basis, drivers, risks."""
    proposals = document.get("proposals") or []
    top = proposals[0] if proposals else {}
    return {"top": top, "runner_up": proposals[1] if len(proposals) > 1 else None,
            "drivers": drivers(document, top) if top else [], "price": price_basis(top),
            "risks": risks(document, findings, top)[:8]}
