"""Pure ranking: size every architecture against the tiers, cost it, score it, rank it; the GPU sweep.

No Django here. `rank()` and `sweep()` follow docs/architecture.md. Figures come from the catalog
(fixtures/catalog/*.json, every one sourced there); the constants below cite their own sources.
"""
import copy
import math

TIER_ORDER = ("gpu_local_nvme", "host_memory", "shared_fast", "object", "archive")
# docs/architecture.md: "DAS and host-memory tiers are per node" — their figures are per GPU server.
PER_NODE_TIERS = frozenset({"gpu_local_nvme", "host_memory"})
FIELDS = ("capacity_bytes", "read_bytes_per_s", "write_bytes_per_s", "iops")
PRIORITIES = ("balanced", "performance", "cost")

# Storage bandwidth one GPU server can move over its storage NICs: DDN measured ~100 GB/s read and
# write per DGX B200 (96 % of 800 Gb/s) — DDN blog "DDN's AI Storage Optimized for NVIDIA DGX B200",
# research/catalog-sources.md §6. Needs placed on network storage cannot exceed it per node.
NODE_STORAGE_NETWORK_BYTES_PER_S = 100e9
NODE_NETWORK_SOURCES = [
    "DDN blog 'DDN's AI Storage Optimized for NVIDIA DGX B200': ~100 GB/s per DGX B200 (96 % of 800 Gb/s)",
    "research/catalog-sources.md section 6 (storage-facing NICs on GPU nodes)",
]

# Score weights per priority (design choice of this project, not a published figure). Rationale:
# - performance: headroom dominates — the buyer pays for margin over the computed needs; cost still
#   separates designs with equal margin.
# - cost: price dominates among the designs that meet every need; headroom only separates near-ties.
# - balanced: cost and headroom count the same.
# Power and rack units always carry 10 % each: they are running cost and floor space, secondary to
# purchase price, and many blocks have no sourced power figure (catalog gaps).
WEIGHTS = {
    "performance": {"cost": 0.2, "headroom": 0.6, "power": 0.1, "rack_units": 0.1},
    "cost": {"cost": 0.7, "headroom": 0.1, "power": 0.1, "rack_units": 0.1},
    "balanced": {"cost": 0.4, "headroom": 0.4, "power": 0.1, "rack_units": 0.1},
}
# Headroom beyond 4x is not rewarded further (design choice: margin past that is idle hardware).
HEADROOM_CAP = 4.0
RANKING_SOURCES = ["recommender/ranking.py WEIGHTS and HEADROOM_CAP (project design choice, rationale in code)"]


def rank(tiers, catalog, priority="balanced", measured=None):
    """Sized, costed, scored and ranked proposals for every architecture in the catalog."""
    if priority not in WEIGHTS:
        raise ValueError(f"priority must be one of {', '.join(PRIORITIES)}")
    blocks = _blocks_with_measured(catalog["blocks"], measured or {})
    tiers = [t for t in tiers if t.get("tier") in TIER_ORDER]
    proposals = [_propose(a, tiers, blocks) for a in catalog["architectures"]]
    findings = _score(proposals, priority)
    proposals.sort(key=lambda p: (not p["meets_requirements"], -p["score"], p["cost_usd"], p["architecture"]))
    for position, proposal in enumerate(proposals, start=1):
        proposal["rank"] = position
    findings += _unmet_findings(proposals) + _gap_findings(proposals)
    return {"proposals": [_public(p) for p in proposals], "findings": findings, "pareto": _pareto(proposals)}


# --- sizing -----------------------------------------------------------------------------------

def _blocks_with_measured(blocks, measured):
    """Blocks by id; measured per-unit figures replace datasheet ones and mark the block."""
    result = {}
    for block in blocks:
        block = dict(block, figures="datasheet")
        if block["id"] in measured:
            figures = {k: v for k, v in measured[block["id"]].items() if k in FIELDS[1:] and v}
            block.update(figures, figures="measured", derating=1.0)
        result[block["id"]] = block
    return result


def _node_count(tiers):
    return max([int(t.get("nodes") or 1) for t in tiers] + [1])


def _groups(architecture, tiers, blocks, nodes):
    """Needs per block: tiers mapped to the same block add up; latency is the strictest."""
    groups = {}
    for tier in tiers:
        block = blocks[architecture["tiers"][tier["tier"]]]
        group = groups.setdefault(block["id"], {"block": block, "tiers": [], "latency_s": None,
                                                **{f: 0.0 for f in FIELDS}})
        group["tiers"].append(tier["tier"])
        tier_per_node = tier.get("per_node", tier["tier"] in PER_NODE_TIERS)
        scale = _scale(bool(tier_per_node), bool(block.get("per_node")), nodes)
        for field in FIELDS:
            group[field] += float(tier.get(field) or 0) * scale
        group["latency_s"] = _strictest(group["latency_s"], tier.get("latency_s"))
    return groups


def _scale(tier_per_node, block_per_node, nodes):
    """Per-node tier figures × nodes on a shared block; shared figures ÷ nodes on a per-node block."""
    if tier_per_node == block_per_node:
        return 1.0
    return float(nodes) if tier_per_node else 1.0 / nodes


def _strictest(a, b):
    values = [v for v in (a, b) if v]
    return min(values) if values else None


def _unit_figures(block, blocks):
    """What one unit delivers: usable capacity, derated bandwidth capped by its network ports, IOPS."""
    derate = float(block.get("derating") or 1.0)
    figures = {
        "capacity_bytes": block["capacity_bytes"] * block["usable_fraction"],
        "read_bytes_per_s": _times(block.get("read_bytes_per_s"), derate),
        "write_bytes_per_s": _times(block.get("write_bytes_per_s"), derate),
        "iops": _times(block.get("iops"), derate),
    }
    port = blocks.get(block.get("network_port_block") or "")
    if port and block.get("network_ports"):
        # research/catalog-sources.md §2 sizing notes: per-node bandwidth = min(vendor figure, network)
        ceiling = block["network_ports"] * port["read_bytes_per_s"] * float(port.get("derating") or 1.0)
        for field in ("read_bytes_per_s", "write_bytes_per_s"):
            if figures[field] is not None:
                figures[field] = min(figures[field], ceiling)
    return figures


def _times(value, factor):
    return None if value is None else float(value) * factor


def _size(group, blocks, nodes):
    """Units of one block that meet the group's needs, or the need it cannot meet and why."""
    block = group["block"]
    unit = _unit_figures(block, blocks)
    units_by_field, unmet = {}, None
    for field in FIELDS:
        if group[field] <= 0:
            continue
        if not unit[field]:
            unmet = unmet or (field, f"{block['name']} has no sourced {field} figure (catalog gap)")
            continue
        units_by_field[field] = math.ceil(group[field] / unit[field] - 1e-9)
    units = max(list(units_by_field.values()) + [1])
    limit_unmet, units = _unit_limit(block, units, units_by_field)
    unmet = unmet or limit_unmet or _latency_unmet(group, block)
    quantity = units * (nodes if block.get("per_node") else 1)
    provided = {f: (unit[f] or 0.0) * units for f in FIELDS}
    return {"units": units, "quantity": quantity, "provided": provided, "unmet": unmet}


def _unit_limit(block, units, units_by_field):
    """(unmet or None, units capped at the block's limit): slots per GPU server, or largest system."""
    binding = max(units_by_field, key=units_by_field.get) if units_by_field else "capacity_bytes"
    if block.get("per_node"):
        limit = block.get("max_units_per_node")
        if not limit and units > 1:
            # a server's slots are finite: without a sourced slot count, more than one unit is unproven
            return (binding, f"needs {units} units of {block['name']} per GPU server, and the catalog has "
                             f"no sourced slot count per server (catalog gap)"), units
        where = "per GPU server"
    else:
        limit, where = block.get("max_units"), "per system"
    if limit and units > limit:
        return (binding, f"needs {units} units of {block['name']} but at most {limit} fit {where}"), limit
    return None, units


def _latency_unmet(group, block):
    need = group["latency_s"]
    if not need:
        return None
    if block.get("latency_s") is None:
        return ("latency_s", f"{block['name']} has no sourced latency figure (catalog gap)")
    if block["latency_s"] > need:
        return ("latency_s", f"{block['name']} answers in {block['latency_s']:.3g} s, slower than the "
                             f"{need:.3g} s needed, at any unit count")
    return None


def _headroom(group, sized):
    """provided ÷ needed per 'tier.field' (latency: needed ÷ provided); ≥ 1 means the need is met."""
    result = {}
    for field in FIELDS:
        if group[field] > 0:
            for tier in group["tiers"]:
                result[f"{tier}.{field}"] = round(sized["provided"][field] / group[field], 4)
    latency = group["block"].get("latency_s")
    if group["latency_s"] and latency:
        for tier in group["tiers"]:
            result[f"{tier}.latency_s"] = round(group["latency_s"] / latency, 4)
    return result


def _network_need(groups, nodes):
    """Bandwidth per GPU server that crosses the storage network (all tiers on shared blocks)."""
    shared = [g for g in groups.values() if not g["block"].get("per_node")]
    return {f: sum(g[f] for g in shared) / nodes for f in ("read_bytes_per_s", "write_bytes_per_s")}


def _unmapped(architecture, tiers, blocks):
    """Tiers this architecture has no usable block for (an incomplete catalog edit)."""
    return [{"requirement": f"{t['tier']}.block", "sources": ["fixtures/catalog/architectures.json"],
             "why": f"the architecture maps no catalog block to the {t['tier']} tier"}
            for t in tiers if architecture["tiers"].get(t["tier"]) not in blocks]


def _propose(architecture, tiers, blocks):
    nodes = _node_count(tiers)
    missing = _unmapped(architecture, tiers, blocks)
    tiers = [t for t in tiers if architecture["tiers"].get(t["tier"]) in blocks]
    groups = _groups(architecture, tiers, blocks, nodes)
    sized = {block_id: _size(g, blocks, nodes) for block_id, g in groups.items()}
    headroom, unmet = {}, missing
    for block_id in sorted(groups, key=lambda b: TIER_ORDER.index(groups[b]["tiers"][0])):
        headroom.update(_headroom(groups[block_id], sized[block_id]))
        if sized[block_id]["unmet"]:
            field, why = sized[block_id]["unmet"]
            unmet.append({"requirement": f"{groups[block_id]['tiers'][0]}.{field}", "why": why,
                          "sources": list(groups[block_id]["block"].get("sources", []))})
    for field, need in _network_need(groups, nodes).items():
        if need > 0:
            headroom[f"network.{field}"] = round(NODE_STORAGE_NETWORK_BYTES_PER_S / need, 4)
            if need > NODE_STORAGE_NETWORK_BYTES_PER_S:
                unmet.append({"requirement": f"network.{field}", "why": (
                    f"{need / 1e9:.1f} GB/s per GPU server must cross the storage network, above the "
                    f"~{NODE_STORAGE_NETWORK_BYTES_PER_S / 1e9:.0f} GB/s a server's storage NICs carry"),
                    "sources": NODE_NETWORK_SOURCES})
    bom = _bom(groups, sized, blocks)
    return {**_totals(bom, groups, sized, blocks), "architecture": architecture["id"],
            "name": architecture["name"], "bom": bom, "headroom": headroom, "unmet": unmet,
            "meets_requirements": not unmet, "first_unmet": unmet[0]["requirement"] if unmet else None,
            "figures": "measured" if any(g["block"]["figures"] == "measured" for g in groups.values())
            else "datasheet"}


# --- cost -------------------------------------------------------------------------------------

def _bom(groups, sized, blocks):
    lines = []
    for block_id, group in groups.items():
        tier = "+".join(group["tiers"])
        lines.append(_bom_line(group["block"], tier, sized[block_id]["quantity"]))
        port = blocks.get(group["block"].get("network_port_block") or "")
        if port and group["block"].get("network_ports"):
            lines.append(_bom_line(port, tier, sized[block_id]["quantity"] * group["block"]["network_ports"]))
    return lines


def _bom_line(block, tier, quantity):
    """One BOM line; a price gap shows as 0 with price_known false, never as an invented price."""
    price = block.get("price_usd")
    return {"item": block["id"], "name": block["name"], "tier": tier, "quantity": int(quantity),
            "unit_price_usd": float(price or 0.0), "subtotal_usd": float(price or 0.0) * quantity,
            "price_is_estimate": bool(block.get("price_is_estimate", True)),
            "price_known": price is not None, "price_basis": block.get("price_basis", "")}


def _totals(bom, groups, sized, blocks):
    cost = sum(line["subtotal_usd"] for line in bom)
    power = rack_units = 0.0
    power_partial = rack_partial = False
    for line in bom:
        block = blocks[line["item"]]
        power_partial |= block.get("power_w") is None and block["kind"] != "network_port"
        rack_partial |= block.get("rack_units") is None
        power += float(block.get("power_w") or 0) * line["quantity"]
        rack_units += float(block.get("rack_units") or 0) * line["quantity"]
    usable = sum(s["provided"]["capacity_bytes"] for s in sized.values())
    read = sum(s["provided"]["read_bytes_per_s"] for s in sized.values())
    lower_bound = any(not l["price_known"] or "lower bound" in l["price_basis"] for l in bom)
    return {"cost_usd": round(cost, 2), "cost_is_lower_bound": lower_bound,
            "power_w": power, "power_is_partial": power_partial,
            "rack_units": rack_units, "rack_units_is_partial": rack_partial,
            "usd_per_tb": round(cost / (usable / 1e12), 2) if usable else None,
            "usd_per_gb_per_s": round(cost / (read / 1e9), 2) if read else None}


# --- score and rank ---------------------------------------------------------------------------

def headroom_index(headroom):
    """Geometric mean of the headroom ratios, each capped at HEADROOM_CAP (1.0 when none apply)."""
    ratios = [min(max(r, 1e-9), HEADROOM_CAP) for r in headroom.values()]
    if not ratios:
        return 1.0
    return math.exp(sum(math.log(r) for r in ratios) / len(ratios))


def _criteria(proposal, pool):
    """Each criterion's 0..1 score for one proposal, relative to the pool it competes in."""
    least = lambda key: min(p[key] for p in pool)  # noqa: E731
    return {
        "cost": _ratio(least("cost_usd"), proposal["cost_usd"]),
        "headroom": max(0.0, math.log(min(proposal["headroom_index"], HEADROOM_CAP)) / math.log(HEADROOM_CAP)),
        "power": _ratio(least("power_w"), proposal["power_w"]),
        "rack_units": _ratio(least("rack_units"), proposal["rack_units"]),
    }


def _ratio(best, value):
    """best ÷ value for lower-is-better criteria, within 0..1; 1.0 when the value is zero."""
    return 1.0 if value <= 0 else min(1.0, max(0.0, best) / value)


# A criterion is scored only when every candidate has a complete figure for it; a partial sum
# (e.g. power with catalog gaps) would reward the candidate whose figures are missing.
PARTIAL_FLAG = {"power": "power_is_partial", "rack_units": "rack_units_is_partial"}


def _score(proposals, priority):
    """Score every proposal 0..100 and record each criterion's contribution as a finding."""
    for proposal in proposals:
        proposal["headroom_index"] = headroom_index(proposal["headroom"])
    pool = [p for p in proposals if p["meets_requirements"]] or proposals
    weights = {c: w for c, w in WEIGHTS[priority].items()
               if not any(p[PARTIAL_FLAG[c]] for p in pool if c in PARTIAL_FLAG)}
    total = sum(weights.values())
    weights = {c: w / total for c, w in weights.items()}
    findings = [_skipped_finding(c, pool, priority) for c in WEIGHTS[priority] if c not in weights]
    for proposal in proposals:
        criteria = {c: s for c, s in _criteria(proposal, pool).items() if c in weights}
        proposal["score"] = round(100 * sum(weights[c] * s for c, s in criteria.items()), 2)
        findings += [_criterion_finding(proposal, c, s, weights[c], priority) for c, s in criteria.items()]
    return findings


def _skipped_finding(criterion, pool, priority):
    missing = [p["architecture"] for p in pool if p[PARTIAL_FLAG[criterion]]]
    return {
        "rule": f"ranking_{criterion}_criterion",
        "text": (f"{criterion.replace('_', ' ').capitalize()} is not scored under '{priority}' priority: "
                 f"the catalog has no sourced figure for some blocks of {', '.join(missing)}; "
                 f"its weight goes to the other criteria in proportion."),
        "inputs": {"architectures_with_gaps": missing, "priority": priority},
        "result": {"scored": False}, "formula": "weights renormalised over the scored criteria",
        "sources": ["research/catalog-sources.md section 8 (gaps)"] + RANKING_SOURCES,
    }


CRITERION_FORMULAS = {
    "cost": "lowest cost_usd among the candidates ÷ this cost_usd",
    "headroom": f"log(geometric mean of headroom ratios, each capped at {HEADROOM_CAP:g}) ÷ log({HEADROOM_CAP:g})",
    "power": "lowest power_w among the candidates ÷ this power_w (1 when no power figure is known)",
    "rack_units": "lowest rack_units among the candidates ÷ this rack_units (1 when zero)",
}
CRITERION_INPUT = {"cost": "cost_usd", "headroom": "headroom_index", "power": "power_w", "rack_units": "rack_units"}


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


def _criterion_finding(proposal, criterion, criterion_score, weight, priority):
    contribution = round(100 * weight * criterion_score, 2)
    inputs = {"architecture": proposal["architecture"],
              CRITERION_INPUT[criterion]: proposal[CRITERION_INPUT[criterion]], "weight": round(weight, 4),
              "priority": priority}
    sources = list(RANKING_SOURCES)
    if criterion == "cost":
        sources += sorted({line["price_basis"] for line in proposal["bom"] if line["price_basis"]})
    return {
        "rule": f"ranking_{criterion}_criterion",
        "text": (f"{proposal['name']}: {criterion.replace('_', ' ')} {CRITERION_VALUE_TEXT[criterion](proposal)} "
                 f"scores {criterion_score:.2f}; with weight {weight:.2f} under '{priority}' priority it adds "
                 f"{contribution:.1f} of the {proposal['score']:.1f} points."),
        "inputs": inputs,
        "result": {"criterion_score": round(criterion_score, 4), "contribution": contribution},
        "formula": CRITERION_FORMULAS[criterion],
        "sources": sources,
    }


def _unmet_findings(proposals):
    findings = []
    for proposal in proposals:
        for unmet in proposal["unmet"]:
            findings.append({
                "rule": "architecture_cannot_meet_requirement",
                "text": f"{proposal['name']} cannot meet {unmet['requirement']}: {unmet['why']}.",
                "inputs": {"architecture": proposal["architecture"], "requirement": unmet["requirement"]},
                "result": {"meets_requirements": False}, "formula": "units needed > units possible, "
                "or a per-unit figure (latency, gap) that no unit count changes",
                "sources": unmet["sources"],
            })
    if proposals and not any(p["meets_requirements"] for p in proposals):
        broken = sorted({u["requirement"] for p in proposals for u in p["unmet"]})
        findings.append({
            "rule": "ranking_no_architecture_meets_requirements",
            "text": f"No architecture in the catalog meets every requirement; the ones out of reach: "
                    f"{', '.join(broken)}. The ranking below orders them by how close they come.",
            "inputs": {"architectures": [p["architecture"] for p in proposals]},
            "result": {"unmet": broken}, "formula": "every candidate has meets_requirements false",
            "sources": ["fixtures/catalog/blocks.json (per-unit figures and unit limits)"],
        })
    return findings


def _gap_findings(proposals):
    lower = [p["architecture"] for p in proposals if p["cost_is_lower_bound"]]
    if not lower:
        return []
    return [{
        "rule": "ranking_cost_is_lower_bound",
        "text": f"The costs of {', '.join(lower)} are lower bounds: some building blocks have no public "
                f"price or a media-only price (see each BOM line's price_basis).",
        "inputs": {"architectures": lower}, "result": {"cost_is_lower_bound": True},
        "formula": "a BOM line with price_known false or a 'lower bound' price basis",
        "sources": ["research/catalog-sources.md section 7 (prices) and section 8 (gaps)"],
    }]


def _pareto(proposals):
    """Architecture ids on the cost-vs-headroom Pareto front (cheaper or more headroom than all others)."""
    pool = [p for p in proposals if p["meets_requirements"]] or proposals
    front = []
    for p in pool:
        dominated = any(q is not p and q["cost_usd"] <= p["cost_usd"] and q["headroom_index"] >= p["headroom_index"]
                        and (q["cost_usd"] < p["cost_usd"] or q["headroom_index"] > p["headroom_index"])
                        for q in pool)
        if not dominated:
            front.append(p["architecture"])
    return front


PUBLIC_KEYS = ("rank", "architecture", "name", "score", "cost_usd", "cost_is_lower_bound", "meets_requirements",
               "first_unmet", "unmet", "bom", "headroom", "headroom_index", "power_w", "power_is_partial",
               "rack_units", "rack_units_is_partial", "usd_per_tb", "usd_per_gb_per_s", "figures")


def _public(proposal):
    result = {k: proposal[k] for k in PUBLIC_KEYS}
    result["headroom_index"] = round(result["headroom_index"], 4)
    return result


# --- GPU sweep --------------------------------------------------------------------------------

SWEEP_MIN_GPUS, SWEEP_MAX_GPUS, SWEEP_POINTS = 8, 100_000, 50


def sweep(use_case_document, catalog, gpu_counts=None, priority=None, evaluate=None):
    """Requirements and the top proposal over a GPU-count sweep; where each architecture first breaks.

    `evaluate` defaults to rules.evaluate (the knowledge base, pure like this module).
    """
    import rules

    evaluate = evaluate or rules.evaluate
    priority = priority or use_case_document.get("priority") or "balanced"
    counts = gpu_counts or default_gpu_counts(use_case_document)
    points, breaks, skipped = [], {a["id"]: {"gpus": None, "requirement": None} for a in catalog["architectures"]}, []
    for gpus in counts:
        try:
            result = evaluate(with_gpus(use_case_document, gpus))
        except rules.UseCaseError as error:
            if not _depends_on_gpu_count(error.errors):
                raise  # the document is wrong whatever the GPU count: report it once
            skipped.append({"gpus": gpus, "errors": error.errors})
            continue
        ranked = rank(result["tiers"], catalog, priority=priority)
        points.append(_sweep_point(gpus, result, ranked))
        for proposal in ranked["proposals"]:
            if not proposal["meets_requirements"] and breaks[proposal["architecture"]]["gpus"] is None:
                breaks[proposal["architecture"]] = {"gpus": gpus, "requirement": proposal["first_unmet"]}
    if not points and skipped:
        raise rules.UseCaseError(skipped[0]["errors"])
    return {"priority": priority, "points": points, "breaks": breaks, "skipped": skipped}


def _depends_on_gpu_count(errors):
    """True when every field error concerns the GPU count or the parallel layout."""
    return all(path.split(".")[0] in ("gpus", "parallelism") for path in errors)


def default_gpu_counts(document, points=SWEEP_POINTS, low=SWEEP_MIN_GPUS, high=SWEEP_MAX_GPUS):
    """`points` log-spaced GPU counts from low to high, each a multiple of tensor × pipeline × context.

    Rounding to that multiple would repeat counts at the low end; each count is at least one
    multiple above the previous, so there are always `points` distinct counts.
    """
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
    nodes = _node_count(result["tiers"])
    for tier in result["tiers"]:
        scale = nodes if tier.get("tier") in PER_NODE_TIERS else 1
        for field in FIELDS:
            totals[field] += float(tier.get(field) or 0) * scale
    checkpoint = result["requirements"].get("checkpoint") or {}
    if checkpoint.get("write_bytes_per_s") is not None:
        totals["checkpoint_write_bytes_per_s"] = checkpoint["write_bytes_per_s"]
    top = ranked["proposals"][0] if ranked["proposals"] else None
    return {"gpus": gpus, "requirements": totals,
            "top": {"architecture": top["architecture"], "cost_usd": top["cost_usd"],
                    "meets_requirements": top["meets_requirements"]} if top else None,
            "meeting": [p["architecture"] for p in ranked["proposals"] if p["meets_requirements"]],
            "cost_usd": {p["architecture"]: p["cost_usd"] for p in ranked["proposals"]}}
