"""Pure ranking: size every architecture against the tiers, cost it, score it, rank it; the GPU sweep.

No Django here. Figures come from the catalog (fixtures/catalog/*.json, each with a bibliography key);
the constants below cite their own sources. Sizing of failure domains, fabric and TCO lives in
recommender/ranking_parts.py; this module composes them into ranked, de-duplicated options.
"""
import copy
import gc
import heapq
import math

from . import ranking_parts as parts
from .ranking_parts import FIELDS, PER_NODE_TIERS, TIER_ORDER

PRIORITIES = ("balanced", "performance", "cost")
# Score weights per priority (design choice of this project, not a published figure). Rationale:
# - performance: headroom dominates — the buyer pays for margin over the computed needs.
# - cost: price dominates among the designs that meet every need.
# - balanced: cost and headroom count the same.
# Power and rack units carry 10 % each: running cost and floor space, secondary to purchase price.
WEIGHTS = {
    "performance": {"cost": 0.2, "headroom": 0.6, "power": 0.1, "rack_units": 0.1},
    "cost": {"cost": 0.7, "headroom": 0.1, "power": 0.1, "rack_units": 0.1},
    "balanced": {"cost": 0.4, "headroom": 0.4, "power": 0.1, "rack_units": 0.1},
}
# Headroom beyond 4x is not rewarded further (design choice: margin past that is idle hardware).
HEADROOM_CAP = 4.0
RANKING_SOURCES = ["ranking-design: WEIGHTS and HEADROOM_CAP"]
# meets_requirements status order: met, unknown (a needed figure is a catalog gap), unmet
STATUS_ORDER = {"met": 0, "unknown": 1, "unmet": 2}
# Sentences (findings) are written for this many top options; every option carries the same facts as data
# (score_contributions, unmet, gaps, unpriced_items), so a long catalog costs no prose nobody reads.
EXPLAINED_OPTIONS = 12


# Options returned in full: those ranked 1..DETAIL_LIMIT and every Pareto-front member; the others are summaries
# (SUMMARY_KEYS and "detail": "summary"), their detail records never built. 20 is above what any shipped-catalog
# use case returns (10 architectures, at most 10 options), so the shipped catalog's outputs are all full;
# it is above EXPLAINED_OPTIONS, so every option a finding is written about is returned in full too.
DETAIL_LIMIT = 20


def rank(tiers, catalog, priority="balanced", measured=None, cluster=None, quotes=None, detail_limit=DETAIL_LIMIT):
    """Sized, costed, scored and ranked options; architectures with the same BOM are one option.

    `cluster` is the normalized use case (gpus, gpu_model, nodes, procurement) when known;
    `quotes` maps block id → the owner's quote ({unit_price_usd, vendor_ref, valid_until, block?}).
    Options ranked 1..`detail_limit` and the Pareto front are returned in full, the others as summaries.
    """
    if priority not in WEIGHTS:
        raise ValueError(f"priority must be one of {', '.join(PRIORITIES)}")
    paused = gc.isenabled()
    gc.disable()  # rank() makes no reference cycles; collector passes over its many small dicts cost ~20 % at 100×
    try:
        return _rank(tiers, catalog, priority, measured, cluster, quotes, detail_limit)
    finally:
        if paused:
            gc.enable()


def _rank(tiers, catalog, priority, measured, cluster, quotes, detail_limit):
    """Every option scored and ordered from its light part (sums, headroom, status); then the options a buyer
    reads (and the ones findings are written about) are detailed, the rest summarised: the choice changes no
    score and no order."""
    index = parts.Index(catalog, measured or {}, quotes or {})
    context = parts.context(tiers, cluster)
    tiers = [t for t in tiers if t.get("tier") in TIER_ORDER]
    context["tiers_in_order"] = _in_tier_order(tiers)
    proposals = _collapse([_propose(a, tiers, index, context) for a in catalog["architectures"]])
    findings, explain = _score(proposals, priority)
    proposals.sort(key=lambda p: (STATUS_ORDER[p["status"]], -p["score"], p["cost_usd"], p["architecture"]))
    for position, proposal in enumerate(proposals, start=1):
        proposal["rank"] = position
    full = {}

    def detailed(proposal):
        found = full.get(proposal["architecture"])
        if found is None:
            found = full[proposal["architecture"]] = _full(proposal, index, context)
        return found

    findings += explain(detailed)
    explained = [detailed(p) for p in proposals[:EXPLAINED_OPTIONS]]
    findings += _unmet_findings(explained, proposals, lambda p: _unmet_of(p, index))
    findings += _gap_findings(explained) + _coincide_findings(explained)
    for proposal in proposals:
        _public(proposal)
    for proposal in full.values():
        _public(proposal)
    front = pareto(proposals)
    shown = set(front)
    return {"proposals": [detailed(p) if p["rank"] <= detail_limit or p["architecture"] in shown else _summary(p)
                          for p in proposals], "findings": findings, "pareto": front}


# --- one architecture -------------------------------------------------------------------------

def _propose(architecture, tiers, index, context):
    """(proposal, its BOM signature, its headroom index) of one architecture.

    Architectures that use the same blocks for the same tiers share one option body: the first one's
    proposal is the body, the others copy it under their own id (nothing is changed before _collapse).
    """
    groups, missing = parts.groups(architecture, tiers, index, context["nodes"])
    signature = None if missing else tuple([g["key"] for g in groups.values()])
    known = index.options.get(signature) if signature is not None else None
    if known is not None:
        body, bom_signature, headroom_index_ = known
        own = {**body, "architecture": architecture["id"], "coinciding_architectures": [architecture["id"]]}
        return own, bom_signature, headroom_index_
    known = _option_body(groups, missing, index, context)
    known[0].update(architecture=architecture["id"], coinciding_architectures=[architecture["id"]])
    if signature is not None:
        index.options[signature] = known
    return known


def _option_body(groups, missing, index, context):
    """(light body, BOM signature, headroom index): what an option is, from the blocks it uses, not the
    architecture's id — what scoring and ranking read (sums, headroom, status, name); _full writes the rest.

    Two passes over the sized parts: sums, BOM signature and figures in the groups' order; headroom, the first
    unmet need, gaps and names in tier order.
    """
    pieces = [(group, group["sized"] or parts.size_best(group, index, context)) for group in groups.values()]
    network = parts.network(pieces, index, context)
    pairs, figures = [], "datasheet"
    for _, part in pieces:
        pairs += part["line_pairs"]
        if part["measured"]:
            figures = "measured"
    # groups come in their first tier's order: already in tier order when the call's tiers are
    ordered = pieces if context["tiers_in_order"] or len(pieces) < 2 else sorted(pieces, key=_tier_order)
    first = (missing[0]["requirement"], missing[0]["kind"]) if missing else None
    headroom, gaps, logs, labels = {}, False, [], []
    for _, part in ordered:
        headroom.update(part["headroom"])
        if first is None and part["first_unmet"]:
            first = part["first_unmet"]
        gaps = gaps or bool(part["gaps"])
        logs += part["headroom_logs"] or _piece_logs(part)
        if part["label"] not in labels:
            labels.append(part["label"])
    headroom.update(network["headroom"])
    if first is None and network["unmet"]:
        first = network["unmet"][0]["requirement"], network["unmet"][0]["kind"]
    gaps = gaps or bool(network["gaps"])
    logs += _piece_logs(network)
    body = parts.totals(_aggregates(pieces, network))
    status = "unmet" if first else ("unknown" if gaps else "met")
    body.update(name=" + ".join(labels) if labels else "no storage needed", headroom=headroom, status=status,
                meets_requirements=status == "met", first_unmet=first[0] if first else None,
                breaks_on=first[1] if first else None, figures=figures, parts=(ordered, pieces, network, missing))
    bom_signature = tuple(sorted(pairs + _line_pairs(network, network["bom"]) if network["bom"] else pairs))
    if len(logs) != len(headroom):  # a key given by two pieces: fall back to the merged ratios
        return body, bom_signature, headroom_index(headroom)
    return body, bom_signature, math.exp(sum(logs) / len(logs)) if logs else 1.0


def _full(proposal, index, context):
    """The option in full, as rank() has always returned it: the light body with its parts' records, BOM lines,
    failure domains, degraded mode and TCO (the same keys in the same order)."""
    ordered, pieces, network, missing = proposal["parts"]
    bom, failure_domains, degraded = [], [], []
    for group, part in pieces:
        parts.records(group, part, index)
        bom += part["lines"]
        if part["failure_domains"]:
            failure_domains.append(part["failure_domains"])
        if part["degraded"]:
            degraded.append(part["degraded"])
    bom += network["bom"]
    unmet, gaps, descriptions = list(missing), [], []
    for _, part in ordered:
        unmet += part["unmet"]
        gaps += part["gaps"]
        descriptions.append(part["description"])
    unmet += network["unmet"]
    gaps += network["gaps"]
    items = parts.item_lists(_aggregates(pieces, network))
    full = {key: proposal[key] if key not in items else items[key] for key in TOTALS_KEYS}
    full.update(tco=parts.option_tco(proposal, context), name=proposal["name"], description="; ".join(descriptions),
                bom=bom, headroom=proposal["headroom"], unmet=unmet, gaps=gaps, status=proposal["status"],
                meets_requirements=proposal["meets_requirements"], first_unmet=proposal["first_unmet"],
                breaks_on=proposal["breaks_on"], failure_domains=failure_domains, degraded=degraded,
                fabric=network["fabric"])
    full.update({key: proposal[key] for key in RANKED_KEYS})
    return full


def _unmet_of(proposal, index):
    """An option's unmet-need records (its full record's `unmet`), without the rest of it."""
    ordered, _, network, missing = proposal["parts"]
    unmet = list(missing)
    for group, part in ordered:
        unmet += parts.records(group, part, index)["unmet"]
    return unmet + network["unmet"]


TOTALS_KEYS = ("cost_usd", "cost_complete", "cost_is_lower_bound", "unpriced_items", "media_only_items", "power_w",
               "power_is_partial", "unknown_power_items", "rack_units", "rack_units_is_partial", "unknown_rack_items",
               "usable_capacity_bytes", "read_bytes_per_s", "usd_per_tb", "usd_per_gb_per_s")  # totals(), item_lists()
RANKED_KEYS = ("figures", "architecture", "coinciding_architectures", "headroom_index", "score_contributions",
               "score", "rank")


def _aggregates(pieces, network):
    """The sums of an option's parts and of its fabric (parts.aggregate() tuples)."""
    return [part["aggregate"] for _, part in pieces] + [network.get("aggregate", parts.EMPTY_AGGREGATE)]


def _in_tier_order(tiers):
    orders = [TIER_ORDER.index(tier["tier"]) for tier in tiers]
    return orders == sorted(orders)


def _tier_order(piece):
    return piece[0]["needs"]["order"]  # the tier order of the group's first tier


def _line_pairs(part, lines):
    """(item, quantity) of a network check's BOM lines, taken once per check (a sized part's are taken as it is
    detailed)."""
    pairs = part.get("line_pairs")
    if pairs is None:
        pairs = part["line_pairs"] = [(line["item"], line["quantity"]) for line in lines]
    return pairs


def _piece_logs(piece):
    """The capped logs of a sized part's (or network check's) headroom ratios, taken once per piece."""
    logs = piece.get("headroom_logs")
    if logs is None:
        logs = piece["headroom_logs"] = _headroom_logs(piece["headroom"])
    return logs


def _collapse(built):
    """Architectures that end with the same bill of materials become one option naming them all."""
    options = {}
    for proposal, bom_signature, headroom_index_ in built:
        first = options.setdefault(bom_signature, proposal)
        if first is proposal:
            proposal["headroom_index"] = headroom_index_
        else:
            first["coinciding_architectures"].append(proposal["architecture"])
    for option in options.values():
        if len(option["coinciding_architectures"]) > 1:
            option["coinciding_architectures"].sort()
    return list(options.values())


# --- score and rank ---------------------------------------------------------------------------

def headroom_index(headroom):
    """Geometric mean of the headroom ratios, each capped at HEADROOM_CAP (1.0 when none apply)."""
    logs = _headroom_logs(headroom)
    return math.exp(sum(logs) / len(logs)) if logs else 1.0


def _headroom_logs(headroom, log=math.log):
    # log(min(max(r, 1e-9), HEADROOM_CAP)), with min and max spelt as the comparisons they make
    return [log(HEADROOM_CAP if HEADROOM_CAP < r else (1e-9 if 1e-9 > r else r)) for r in headroom.values()]


CRITERION_INPUT = {"cost": "cost_usd", "headroom": "headroom_index", "power": "power_w", "rack_units": "rack_units"}
# A criterion is scored only when every candidate has a complete figure for it; a partial sum
# (power with catalog gaps) would reward the candidate whose figures are missing.
PARTIAL_FLAG = {"power": "power_is_partial", "rack_units": "rack_units_is_partial"}


def _pool_minima(pool):
    """Lowest value of every lower-is-better criterion, computed once for the whole pool."""
    return {c: min(p[CRITERION_INPUT[c]] for p in pool) for c in ("cost", "power", "rack_units")}


LOG_HEADROOM_CAP = math.log(HEADROOM_CAP)


def _share(value, best):
    """A criterion's 0..1 score of an option's figure (its CRITERION_INPUT), given the pool's lowest one (`best`):
    best ÷ value for lower-is-better criteria, 1.0 when the value is zero; headroom (best None): log of the
    index capped at HEADROOM_CAP ÷ log(HEADROOM_CAP), at least 0. min and max are spelt as the comparisons
    they make."""
    if best is None:
        share = math.log(HEADROOM_CAP if HEADROOM_CAP < value else value) / LOG_HEADROOM_CAP
        return share if share > 0.0 else 0.0
    if value <= 0:
        return 1.0
    share = (best if best > 0.0 else 0.0) / value
    return share if share < 1.0 else 1.0


def _score(proposals, priority):
    """Score every option 0..100 and record each criterion's contribution on the option: (findings on skipped
    criteria, explain(detailed) → the findings on each criterion of the top options)."""
    best = min((STATUS_ORDER[p["status"]] for p in proposals), default=0)
    pool = [p for p in proposals if STATUS_ORDER[p["status"]] == best] or proposals
    weights = {c: w for c, w in WEIGHTS[priority].items()
               if c not in PARTIAL_FLAG or not any(p[PARTIAL_FLAG[c]] for p in pool)}
    total = sum(weights.values())
    weights = {c: w / total for c, w in weights.items()}
    findings = [_skipped_finding(c, pool, priority) for c in WEIGHTS[priority] if c not in weights]
    minima = _pool_minima(pool) if pool else {}
    # (criterion, 100 × weight as each contribution, its input, the pool's lowest input or None for headroom)
    scorers = [(c, 100 * w, CRITERION_INPUT[c], minima.get(c)) for c, w in weights.items()]
    for proposal in proposals:
        contributions = {}
        for criterion, points, key, best in scorers:
            contributions[criterion] = round(points * _share(proposal[key], best), 2)
        proposal["score_contributions"] = contributions
        proposal["score"] = round(sum(contributions.values()), 2)
    # every option records its contributions; the sentences are written for the options a buyer reads (their
    # criterion scores are worked out again for them: the same arithmetic on the same figures), from their full
    # records (`detailed`: an option → its full record)
    top = heapq.nsmallest(EXPLAINED_OPTIONS, proposals, key=_explain_order)

    def explain(detailed):
        wording = {c: _criterion_wording(c, w, priority) for c, w in weights.items()}
        return [_criterion_finding(detailed(p), c, _share(p[key], best), wording[c]) for p in top
                for c, _, key, best in scorers]

    return findings, explain


def _explain_order(proposal):
    return STATUS_ORDER[proposal["status"]], -proposal["score"], proposal["cost_usd"]


def _skipped_finding(criterion, pool, priority):
    missing = [p["architecture"] for p in pool if p[PARTIAL_FLAG[criterion]]]
    return {
        "rule": f"ranking_{criterion}_criterion",
        "text": (f"{criterion.replace('_', ' ').capitalize()} is not scored under '{priority}' priority: "
                 f"the catalog has no sourced figure for some units of {', '.join(missing)}; "
                 f"its weight goes to the other criteria in proportion."),
        "inputs": {"architectures_with_gaps": missing, "priority": priority},
        "result": {"scored": False}, "formula": "weights renormalised over the scored criteria",
        "sources": list(RANKING_SOURCES),
    }


CRITERION_FORMULAS = {
    "cost": "lowest known cost_usd among the candidates ÷ this cost_usd (unpriced lines excluded and listed)",
    "headroom": f"log(geometric mean of headroom ratios, each capped at {HEADROOM_CAP:g}) ÷ log({HEADROOM_CAP:g})",
    "power": "lowest power_w among the candidates ÷ this power_w",
    "rack_units": "lowest rack_units among the candidates ÷ this rack_units (1 when zero)",
}
CRITERION_VALUE_TEXT = {
    "cost": lambda p: f"${p['cost_usd']:,.0f}" + (" (a lower bound)" if p["cost_is_lower_bound"] else ""),
    "headroom": lambda p: f"{p['headroom_index']:.2f}x on average" + _weakest_text(p["headroom"]),
    "power": lambda p: f"{p['power_w']:,.0f} W",
    "rack_units": lambda p: f"{p['rack_units']:g} U",
}


def _weakest_text(headroom):
    if not headroom:
        return ""
    key = min(headroom, key=headroom.get)
    return f" (weakest: {key} at {headroom[key]:.2f}x)"


def _criterion_wording(criterion, weight, priority):
    """What every finding on one criterion says alike under one priority (worded once per call)."""
    return {"rule": f"ranking_{criterion}_criterion", "label": criterion.replace("_", " "),
            "input": CRITERION_INPUT[criterion], "weight": round(weight, 4), "priority": priority,
            "tail": f"; with weight {weight:.2f} under '{priority}' priority it adds ",
            "value_text": CRITERION_VALUE_TEXT[criterion], "formula": CRITERION_FORMULAS[criterion]}


def _criterion_finding(proposal, criterion, criterion_score, wording):
    contribution = proposal["score_contributions"][criterion]
    inputs = {"architecture": proposal["architecture"], wording["input"]: proposal[wording["input"]],
              "weight": wording["weight"], "priority": wording["priority"]}
    sources = list(RANKING_SOURCES)
    if criterion == "cost":
        sources += sorted({line["source"] for line in proposal["bom"] if line.get("source")})
    return {
        "rule": wording["rule"],
        "text": (f"{proposal['name']}: {wording['label']} {wording['value_text'](proposal)} "
                 f"scores {criterion_score:.2f}{wording['tail']}"
                 f"{contribution:.1f} of the {proposal['score']:.1f} points."),
        "inputs": inputs,
        "result": {"criterion_score": round(criterion_score, 4), "contribution": contribution},
        "formula": wording["formula"],
        "sources": sources,
    }


def _unmet_findings(explained, proposals, unmet_of):
    findings = []
    for proposal in explained:
        for unmet in proposal["unmet"]:
            findings.append({
                "rule": "architecture_cannot_meet_requirement",
                "text": f"{proposal['name']} cannot meet {unmet['requirement']}: {unmet['why']}.",
                "inputs": {"architecture": proposal["architecture"], "requirement": unmet["requirement"],
                           "kind": unmet["kind"]},
                "result": {"meets_requirements": False}, "formula": "units needed > units possible, "
                "or a per-unit figure (latency, network ceiling) that no unit count changes",
                "sources": unmet["sources"],
            })
    if proposals and not any(p["status"] != "unmet" for p in proposals):
        unmet = [unmet_of(p) for p in proposals]  # every option's records: only when none meets every need
        broken = sorted({u["requirement"] for records in unmet for u in records})
        findings.append({
            "rule": "ranking_no_architecture_meets_requirements",
            "text": f"No architecture in the catalog meets every requirement; the ones out of reach: "
                    f"{', '.join(broken)}. The ranking below orders them by how close they come.",
            "inputs": {"architectures": [p["architecture"] for p in proposals]},
            "result": {"unmet": broken}, "formula": "every candidate has meets_requirements false",
            "sources": sorted({s for records in unmet for u in records for s in u["sources"]}),
        })
    return findings


def _gap_findings(proposals):
    findings = []
    for proposal in proposals:
        for gap in proposal["gaps"]:
            findings.append({
                "rule": "architecture_figure_unknown",
                "text": f"{proposal['name']}: {gap['requirement']} is unknown — {gap['why']}; it is neither "
                        f"scored nor counted as a failure.",
                "inputs": {"architecture": proposal["architecture"], "requirement": gap["requirement"]},
                "result": {"status": "unknown"}, "formula": "a needed per-unit figure is null in the catalog",
                "sources": gap["sources"],
            })
        if proposal["unpriced_items"] or proposal["cost_is_lower_bound"]:
            findings.append({
                "rule": "ranking_cost_is_lower_bound",
                "text": f"The cost of {proposal['name']} is a lower bound: price unknown for "
                        f"{', '.join(proposal['unpriced_items']) or 'no line'}; media-only prices for "
                        f"{', '.join(proposal['media_only_items']) or 'no line'}.",
                "inputs": {"architecture": proposal["architecture"], "unpriced_items": proposal["unpriced_items"],
                           "media_only_items": proposal["media_only_items"]},
                "result": {"cost_is_lower_bound": True},
                "formula": "a BOM line with price_basis unknown or media_lower_bound",
                "sources": sorted({line["source"] for line in proposal["bom"] if line.get("source")}),
            })
    return findings


def _coincide_findings(proposals):
    return [{
        "rule": "ranking_architectures_coincide",
        "text": f"{', '.join(p['coinciding_architectures'])} end with the same bill of materials for this use "
                f"case: they are one option.",
        "inputs": {"architectures": p["coinciding_architectures"]}, "result": {"option": p["architecture"]},
        "formula": "identical (item, quantity) pairs", "sources": list(RANKING_SOURCES),
    } for p in proposals if len(p["coinciding_architectures"]) > 1]


def pareto(proposals):
    """Options on the cost-vs-headroom Pareto front, in O(n log n): sort by cost, keep rising headroom."""
    best = min((STATUS_ORDER[p["status"]] for p in proposals), default=0)
    pool = [p for p in proposals if STATUS_ORDER[p["status"]] == best]
    pool.sort(key=lambda p: (p["cost_usd"], -p["headroom_index"]))
    front, highest = [], -math.inf
    for proposal in pool:
        if proposal["headroom_index"] > highest:
            front.append(proposal["architecture"])
            highest = proposal["headroom_index"]
    return front


PUBLIC_KEYS = ("rank", "architecture", "coinciding_architectures", "name", "description", "score",
               "score_contributions", "cost_usd", "cost_is_lower_bound", "cost_complete", "unpriced_items",
               "media_only_items", "meets_requirements", "status", "first_unmet", "breaks_on", "unmet", "gaps",
               "bom", "headroom", "headroom_index", "failure_domains", "degraded", "fabric", "power_w",
               "power_is_partial", "unknown_power_items", "rack_units", "rack_units_is_partial",
               "unknown_rack_items", "usable_capacity_bytes", "read_bytes_per_s", "usd_per_tb",
               "usd_per_gb_per_s", "tco", "figures")


# What a summarised option holds (in the full record's key order), then "detail": "summary": what the sweep,
# validation, exports and pages read of every option, all worked out for scoring anyway.
SUMMARY_KEYS = ("cost_usd", "cost_complete", "cost_is_lower_bound", "power_w", "power_is_partial", "rack_units",
                "rack_units_is_partial", "usable_capacity_bytes", "read_bytes_per_s", "usd_per_tb", "usd_per_gb_per_s",
                "name", "headroom", "status", "meets_requirements", "first_unmet", "breaks_on", "figures",
                "architecture", "coinciding_architectures", "headroom_index", "score_contributions", "score", "rank")


def _public(proposal):
    proposal["headroom_index"] = round(proposal["headroom_index"], 4)
    return proposal


# What the light body holds besides SUMMARY_KEYS (which it holds in their order, tests/ranking/test_detail_limit.py)
LIGHT_ONLY_KEYS = ("parts",)


def _summary(proposal):
    """The light body made a summary in place (it is not read again): dropping a few keys is cheaper than
    copying the others."""
    for key in LIGHT_ONLY_KEYS:
        del proposal[key]
    proposal["detail"] = "summary"
    return proposal


# --- GPU sweep --------------------------------------------------------------------------------

SWEEP_MIN_GPUS, SWEEP_MAX_GPUS, SWEEP_POINTS = 8, 100_000, 50


def sweep(use_case_document, catalog, gpu_counts=None, priority=None, evaluate=None, quotes=None):
    """Requirements and the top option over a GPU-count sweep; where (and on what) each architecture breaks.

    `quotes`: the owner's quoted prices, applied at every point as `rank` applies them.

    `evaluate` defaults to rules.evaluate (the knowledge base, pure like this module).
    """
    import rules

    evaluate = evaluate or rules.evaluate
    priority = priority or use_case_document.get("priority") or "balanced"
    counts = gpu_counts or default_gpu_counts(use_case_document)
    points, skipped = [], []
    breaks = {a["id"]: {"gpus": None, "requirement": None, "kind": None} for a in catalog["architectures"]}
    for gpus in counts:
        try:
            result = evaluate(with_gpus(use_case_document, gpus))
        except rules.UseCaseError as error:
            if not _depends_on_gpu_count(error.errors):
                raise  # the document is wrong whatever the GPU count: report it once
            skipped.append({"gpus": gpus, "errors": error.errors})
            continue
        ranked = rank(result["tiers"], catalog, priority=priority, cluster=result.get("use_case"), quotes=quotes,
                      detail_limit=0)  # a point reads only what a summary holds
        points.append(_sweep_point(gpus, result, ranked))
        _record_breaks(breaks, gpus, ranked)
    if not points and skipped:
        raise rules.UseCaseError(skipped[0]["errors"])
    return {"priority": priority, "points": points, "breaks": breaks, "skipped": skipped}


def _record_breaks(breaks, gpus, ranked):
    for proposal in ranked["proposals"]:
        if proposal["meets_requirements"] or proposal["status"] == "unknown":
            continue
        for architecture in proposal["coinciding_architectures"]:
            if breaks.get(architecture, {}).get("gpus") is None:
                breaks[architecture] = {"gpus": gpus, "requirement": proposal["first_unmet"],
                                        "kind": proposal["breaks_on"]}


def _depends_on_gpu_count(errors):
    """True when every field error concerns the GPU count or the parallel layout."""
    return all(path.split(".")[0] in ("gpus", "parallelism") for path in errors)


def default_gpu_counts(document, points=SWEEP_POINTS, low=SWEEP_MIN_GPUS, high=SWEEP_MAX_GPUS):
    """`points` log-spaced GPU counts from low to high, each a multiple of tensor × pipeline × context."""
    step = _model_parallel_size(document)
    low = max(low, step)
    counts = []
    for i in range(points):
        raw = low * (high / low) ** (i / (points - 1))
        count = max(step, int(round(raw / step)) * step)
        counts.append(max(count, counts[-1] + step) if counts else count)
    return counts


def _model_parallel_size(document):
    parallelism = document.get("parallelism") or {}
    size = 1
    for key in ("tensor", "pipeline", "context"):
        value = parallelism.get(key) or 1
        size *= value if isinstance(value, int) and value > 0 else 1
    return size


def with_gpus(document, gpus):
    """A copy of the use case at another GPU count; data parallelism is dropped so it is re-derived."""
    result = copy.deepcopy(document)
    result["gpus"] = gpus
    if isinstance(result.get("parallelism"), dict):
        result["parallelism"].pop("data", None)
    return result


def _sweep_point(gpus, result, ranked):
    totals = {f: 0.0 for f in FIELDS}
    nodes = parts.node_count(result["tiers"])
    for tier in result["tiers"]:
        scale = nodes if tier.get("tier") in PER_NODE_TIERS else 1
        for field in FIELDS:
            totals[field] += float(tier.get(field) or 0) * scale
    checkpoint = result["requirements"].get("checkpoint") or {}
    if checkpoint.get("write_bytes_per_s") is not None:
        totals["checkpoint_write_bytes_per_s"] = checkpoint["write_bytes_per_s"]
    top = ranked["proposals"][0] if ranked["proposals"] else None
    cost = {}
    for p in ranked["proposals"]:
        cost.update({a: p["cost_usd"] for a in p["coinciding_architectures"]})
    return {"gpus": gpus, "requirements": totals,
            "top": {"architecture": top["architecture"], "cost_usd": top["cost_usd"],
                    "meets_requirements": top["meets_requirements"], "status": top["status"]} if top else None,
            "meeting": [a for p in ranked["proposals"] if p["meets_requirements"] for a in p["coinciding_architectures"]],
            "cost_usd": cost}
