"""Read a stored proposal document into what the result page and the PDF show: every number next
to the findings that explain it (the "why"), with their sources."""
from . import units

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


def indexed_findings(document):
    """Findings with a stable anchor id (finding-1, finding-2, ...) in document order."""
    return [dict(f, anchor=f"finding-{i}", number=i) for i, f in enumerate(document.get("findings", []), 1)]


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
        rows = [{"field": name, "value": value, "text": units.format_field(name, value),
                 "alt": binary_alternative(name, value), "why": findings_for_field(findings, need, name)}
                for name, value in fields.items() if isinstance(value, (int, float, str)) and value is not None]
        sections.append({"need": need, "title": NEED_TITLES.get(need, need.replace("_", " ").title()),
                         "rows": rows, "other": {k: v for k, v in fields.items() if isinstance(v, (dict, list))}})
    return sections


def tier_rows(document):
    rows = []
    for tier in document.get("tiers") or []:
        cells = [{"field": f, "text": units.format_field(f, tier.get(f)) if tier.get(f) else "—"}
                 for f in TIER_FIELDS]
        rows.append(dict(tier, title=TIER_TITLES.get(tier.get("tier"), tier.get("tier")), cells=cells))
    return rows


def proposal_rows(document, findings):
    """Ranked proposals with their headroom (sorted tightest first) and the findings about them."""
    rows = []
    for p in document.get("proposals") or []:
        headroom = sorted((p.get("headroom") or {}).items(), key=lambda item: item[1])
        why = [f for f in findings if _mentions(f, "architecture", p.get("architecture"))]
        rows.append(dict(p, headroom_sorted=headroom, min_headroom=headroom[0][1] if headroom else None,
                         why=why, pareto=p.get("architecture") in (document.get("pareto") or [])))
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
            pairs += [(f"{key}.{k}", _shown(k, v)) for k, v in value.items() if not isinstance(v, dict)]
        else:
            pairs.append((key, _shown(key, value)))
    return pairs


def headline(use_case):
    """One line: '8 × NVIDIA H100 SXM5 80GB · llm_training · fp16 · adam'."""
    use_case = use_case or {}
    gpu = (use_case.get("gpu") or {}).get("name") or use_case.get("gpu_model") or "GPUs"
    parts = [f"{use_case.get('gpus')} × {gpu}" if use_case.get("gpus") else None,
             ", ".join(use_case.get("workloads") or [use_case.get("workload") or ""]),
             (use_case.get("model") or {}).get("preset"), use_case.get("precision"), use_case.get("optimizer")]
    return " · ".join(str(p) for p in parts if p)


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
    }
