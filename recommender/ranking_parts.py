"""Pure parts of the ranking: catalog index, sizing with failure domains, degraded mode, fabric, BOM, TCO.

No Django here; recommender/ranking.py composes these into ranked options.
"""
import datetime
import math
import threading

from rules import procurement as procurement_rules

from .catalog.frozen import FrozenDict, FrozenList

TIER_ORDER = ("gpu_local_nvme", "host_memory", "shared_fast", "object", "archive")
# docs/architecture.md: "DAS and host-memory tiers are per node" — their figures are per GPU server.
PER_NODE_TIERS = frozenset({"gpu_local_nvme", "host_memory"})
FIELDS = ("capacity_bytes", "read_bytes_per_s", "write_bytes_per_s", "iops")
SIZED_FIELDS = FIELDS + ("metadata_ops_per_s",)
FIELD_KIND = {"capacity_bytes": "capacity", "read_bytes_per_s": "bandwidth", "write_bytes_per_s": "bandwidth",
              "iops": "iops", "metadata_ops_per_s": "metadata", "latency_s": "latency"}
# A shared tier of a multi-node cluster stands on at least this many units, so one unit's loss is
# survivable (project rule, issue 9: "more than one unit behind any shared tier").
MULTI_NODE_MIN_UNITS = 2
HOURS_PER_YEAR = 8766  # 365.25 days × 24 h
TCO_SOURCES = tuple(procurement_rules.SOURCES.values())
NETWORK_SOURCES = ["ranking-design: per-GPU-server storage ceiling from fixtures/catalog/fabric.json"]


# --- catalog index ----------------------------------------------------------------------------

class Index:
    """Blocks by id (measured figures and the owner's quotes applied), size-point families, fabric table, and
    the memos of one rank() call. What depends on the catalog alone comes from CatalogFacts."""

    def __init__(self, catalog, measured, quotes):
        shared = shared_facts(catalog, quotes) if not measured else None
        facts = shared or CatalogFacts(catalog, measured, quotes)
        self.blocks, self.families, self.fabric = facts.blocks, facts.families, facts.fabric
        self.units, self.floors, self.templates = facts.units, facts.floors, facts.templates
        self.port_lines, self.costs = facts.port_lines, facts.costs
        self.kept = shared is not None  # facts kept across calls: BOM lines are filled from kept templates
        self.layouts = facts.layouts if shared else None  # a call's own facts: the layout is worked out in place
        self.protections = facts.protections if shared else None  # parsed schemes kept across calls
        self.tier_names_of, self.tier_names = None, ()  # the call's tiers and their names, for the layouts
        self.sized = {}  # (block id or family, tiers) → sizing: needs depend only on the tiers a block holds
        self.networks = {}  # (read, write per server, storage ports, switch port units) → network check, switches
        self.port_shares = {}  # storage block id → the share of a switch port each of its network ports takes
        self.rate_shares = {}  # port rate (bytes/s or None) → that share
        self.groups = {}  # (block id, tiers) → the needs those tiers put on the block
        self.schemes = {}  # block id → its protection scheme, parsed once (a record the output holds: per call)
        self.needs = {}  # (tiers, per-node block) → those needs, the same whichever block holds the tiers
        self.options = {}  # (block, tiers) of every group → the option body (same blocks, same option)

    def variants(self, block):
        return self.families.get((block["kind"], block.get("family")), [block]) if block.get("family") else [block]

    def unit(self, block):
        """unit_figures(block), once per block."""
        unit = self.units.get(block["id"])
        if unit is None:
            unit = self.units[block["id"]] = unit_figures(block, self)
        return unit

    def floor(self, block, nodes):
        """min_units(block, nodes), once per block and whether the cluster has more than one node."""
        key = (block["id"], nodes > 1)
        floor = self.floors.get(key)
        if floor is None:
            floor = self.floors[key] = min_units(block, nodes, _kept_protection(block)["width"])
        return floor

    def line_templates(self, block):
        """line_templates(block), once per block."""
        templates = self.templates.get(block["id"])
        if templates is None:
            templates = self.templates[block["id"]] = line_templates(block, self.blocks, self.port_lines)
        return templates

    def cost_lines(self, block):
        """cost_lines(block), once per block."""
        found = self.costs.get(block["id"])
        if found is None:
            found = self.costs[block["id"]] = cost_lines(block, self.blocks)
        return found

    def scheme(self, block):
        """protection(block): parsed once per block (CatalogFacts), a copy of it once per call (the output holds it)."""
        scheme = self.schemes.get(block["id"])
        if scheme is None:
            kept = self.protections
            if kept is None:  # facts of this call only: nothing to keep
                scheme = protection(block)
            else:
                parsed = kept.get(block["id"])
                if parsed is None:
                    parsed = kept[block["id"]] = protection(block)
                scheme = parsed.copy()  # flat: numbers, strings, booleans
            self.schemes[block["id"]] = scheme
        return scheme


class CatalogFacts:
    """What the ranking derives from a catalog (with a call's measured figures and quotes) alone: blocks by id,
    families in size order, the fabric table, and memos of unit figures, failure-domain floors and BOM line
    templates. Nothing in here is handed out: the output gets copies (lines) or plain numbers."""

    def __init__(self, catalog, measured, quotes):
        if measured:
            self.blocks = {b["id"]: _with_measured(b, measured.get(b["id"])) for b in catalog["blocks"]}
        else:  # _with_measured(b, None), spelt out: most blocks are read as they are
            self.blocks = {b["id"]: b if b.get("figures", "datasheet") == "datasheet" else dict(b, figures="datasheet")
                           for b in catalog["blocks"]}
        for block_id, quote in quotes.items():
            if block_id not in self.blocks and quote.get("block"):
                self.blocks[block_id] = dict(quote["block"], figures="datasheet")
            if block_id in self.blocks:
                self.blocks[block_id] = _with_quote(self.blocks[block_id], quote)
        self.families = families = {}
        for block in self.blocks.values():
            family = block.get("family")
            if family:
                members = families.get((block["kind"], family))
                if members is None:
                    families[(block["kind"], family)] = [block]
                else:
                    members.append(block)
        for members in families.values():
            if len(members) > 1:
                members.sort(key=_size_order)
        self.fabric = catalog.get("fabric") or {}
        self.units = {}  # block id → unit figures
        self.floors = {}  # (block id, more than one node) → failure-domain floor
        self.templates = {}  # block id → its BOM line templates (the unit's, its ports')
        self.port_lines = {}  # port block id → bom_line(port, None, 1), shared by the templates of its users
        self.costs = {}  # block id → cost_lines(block): what the sums read of its BOM lines
        self.protections = {}  # block id → its parsed protection scheme (never handed out: calls get copies)
        # (id of an architecture, a call's tier names) → its blocks and their tiers; the catalog holds the
        # architecture, so its id is not reused while these facts are kept
        self.layouts = {}


def _size_order(block):
    return block["capacity_bytes"], block["id"]


SHARED_CATALOGS = 16  # (frozen catalog, frozen quotes) pairs whose facts are kept; the oldest goes first
_shared_lock = threading.Lock()
_shared = {}  # (id(catalog), id(quotes)) → (catalog, quotes, CatalogFacts); both held so their ids are not reused


def shared_facts(catalog, quotes=None):
    """The facts of a frozen catalog snapshot (read-only all the way down) with no quotes or a frozen set of
    them (the snapshot's per-user quotes), kept across calls; None for anything a caller may change between
    two calls."""
    quotes = quotes or None
    key = (id(catalog), id(quotes))
    found = _shared.get(key)
    if found is not None and found[0] is catalog and found[1] is quotes:
        return found[2]
    if not _is_frozen(catalog) or not (quotes is None or _is_frozen_quotes(quotes)):
        return None
    facts = CatalogFacts(catalog, {}, quotes or {})
    with _shared_lock:
        while len(_shared) >= SHARED_CATALOGS:
            _shared.pop(next(iter(_shared)))
        _shared[key] = (catalog, quotes, facts)
    return facts


def _is_frozen(catalog):
    blocks = catalog.get("blocks") if isinstance(catalog, FrozenDict) else None
    return isinstance(blocks, FrozenList) and all(isinstance(b, FrozenDict) for b in blocks) and \
        isinstance(catalog.get("fabric") or FrozenDict(), FrozenDict)


def _is_frozen_quotes(quotes):
    return isinstance(quotes, FrozenDict) and all(
        isinstance(q, FrozenDict) and isinstance(q.get("block") or FrozenDict(), FrozenDict) for q in quotes.values())


def _with_measured(block, measured):
    if not measured and block.get("figures", "datasheet") == "datasheet":
        return block  # read only: no copy needed to say 'datasheet'
    block = dict(block, figures="datasheet")
    if measured:
        figures = {k: v for k, v in measured.items() if k in FIELDS[1:] and v}
        block.update(figures, figures="measured", derating=1.0)
    return block


def _with_quote(block, quote):
    valid = str(quote.get("valid_until") or "")
    return dict(block, price_usd=float(quote["unit_price_usd"]), price_basis="quote", price_is_estimate=False,
                price_year=int(valid[:4]) if valid[:4].isdigit() else datetime.date.today().year,
                price_source=f"quote {quote.get('vendor_ref', '')} valid until {valid}".strip(),
                vendor_ref=quote.get("vendor_ref"))


def context(tiers, cluster):
    """What the ranking needs about the cluster: nodes, GPUs, GPU model, procurement inputs (with defaults)."""
    cluster = cluster or {}
    procurement = cluster.get("procurement") or procurement_rules.normalize(None, None)
    return {"nodes": node_count(tiers) if tiers else int(cluster.get("nodes") or 1),
            "gpus": cluster.get("gpus"), "gpu_model": cluster.get("gpu_model"), "procurement": procurement}


def node_count(tiers):
    return max([int(t.get("nodes") or 1) for t in tiers] + [1])


# --- needs per block --------------------------------------------------------------------------

def groups(architecture, tiers, index, nodes):
    """(needs per block, tiers without a usable block): tiers mapped to the same block add up; latency is the
    strictest (memoised per call). A tier the architecture maps to no catalog block is an incomplete catalog edit.
    """
    if index.layouts is None:  # a call's own facts: group in place
        return _groups_in_place(architecture, tiers, index, nodes)
    if index.tier_names_of is not tiers:
        index.tier_names_of, index.tier_names = tiers, tuple(tier["tier"] for tier in tiers)
    key = (id(architecture), index.tier_names)
    layout = index.layouts.get(key)
    if layout is None:
        layout = index.layouts[key] = _layout_of(architecture["tiers"], index.tier_names, index.blocks)
    members, missing = layout
    result = {}
    for block_id, key, positions in members:
        group = index.groups.get(key)
        if group is None:
            group = _group(index, key, [tiers[i] for i in positions], nodes)
        result[block_id] = group
    return result, [_unmapped(name) for name in missing]


def _groups_in_place(architecture, tiers, index, nodes):
    """groups() of a call's own tiers. A block's tiers are held as the tier itself (a list only for a block
    that holds several), in the call's order, blocks in first-use order."""
    mapping, blocks = architecture["tiers"], index.blocks
    members, missing = {}, []
    for tier in tiers:
        block_id = mapping.get(tier["tier"])
        if block_id not in blocks:
            missing.append(_unmapped(tier["tier"]))
        else:
            held = members.get(block_id)
            members[block_id] = tier if held is None else (held + [tier] if type(held) is list else [held, tier])
    known, result = index.groups, {}
    for block_id, held in members.items():
        several = type(held) is list
        key = (block_id, tuple([t["tier"] for t in held]) if several else (held["tier"],))
        group = known.get(key)
        if group is None:
            group = _group(index, key, held if several else [held], nodes)
        result[block_id] = group
    return result, missing


def _group(index, key, block_tiers, nodes):
    """The needs of `key`'s tiers on its block, memoised per call (and per tier set and per-node kind)."""
    block = index.blocks[key[0]]
    needs_key = (key[1], bool(block.get("per_node")))
    needs = index.needs.get(needs_key)
    if needs is None:
        needs = index.needs[needs_key] = _needs(needs_key[1], block_tiers, nodes, key[1])
    group = index.groups[key] = {"needs": needs, "block": block, "key": key, "sized": None}  # needs: shared, read only
    return group


def _layout_of(mapping, tier_names, blocks):
    """([(block id, (block id, its tier names), their positions in the call's tiers)] in first-use order,
    unmapped tier names): what an architecture's mapping makes of a call's tier names (kept with shared facts)."""
    members, missing = {}, []
    for position, name in enumerate(tier_names):
        block_id = mapping.get(name)
        if block_id not in blocks:
            missing.append(name)
        elif block_id in members:
            members[block_id][1].append(name)
            members[block_id][2].append(position)
        else:
            members[block_id] = (block_id, [name], [position])
    return [(b, (b, tuple(n)), p) for b, n, p in members.values()], missing


def _unmapped(tier):
    return {"requirement": f"{tier}.block", "kind": "catalog", "sources": ["ranking-design"],
            "why": f"the architecture maps no catalog block to the {tier} tier"}


def _needs(block_per_node, tiers, nodes, names):
    """What tiers put on a block: the same for every block of the same per-node kind that holds them, so
    computed once per call and tier set (read only: every group of those tiers refers to it)."""
    needs = {"tiers": list(names), "joined": "+".join(names), "latency_s": None, **dict.fromkeys(SIZED_FIELDS, 0.0),
             "order": TIER_ORDER.index(names[0])}
    for tier in tiers:
        scale = _scale(bool(tier.get("per_node", tier["tier"] in PER_NODE_TIERS)), block_per_node, nodes)
        for field in SIZED_FIELDS:
            value = tier.get(field)
            if value:  # a zero or missing figure adds 0.0, which changes no sum
                needs[field] += float(value) * scale
        latency = tier.get("latency_s")
        if latency and not (needs["latency_s"] and needs["latency_s"] <= latency):
            needs["latency_s"] = latency  # the strictest need
    needs["asked"] = [(field, needs[field]) for field in SIZED_FIELDS if not needs[field] <= 0]
    needs["needed"] = [(field, need, [f"{tier}.{field}" for tier in needs["tiers"]])
                       for field, need in needs["asked"] if need > 0]
    return needs


def _scale(tier_per_node, block_per_node, nodes):
    """Per-node tier figures × nodes on a shared block; shared figures ÷ nodes on a per-node block."""
    if tier_per_node == block_per_node:
        return 1.0
    return float(nodes) if tier_per_node else 1.0 / nodes


# --- sizing -----------------------------------------------------------------------------------

def unit_figures(block, index):
    """What one unit delivers: usable capacity, derated bandwidth capped by its network ports, IOPS."""
    derate = float(block.get("derating") or 1.0)
    read, write, iops, metadata = (block.get("read_bytes_per_s"), block.get("write_bytes_per_s"), block.get("iops"),
                                   block.get("metadata_ops_per_s"))
    figures = {"capacity_bytes": (block.get("capacity_bytes") or 0) * block.get("usable_fraction", 1.0) or None,
               "read_bytes_per_s": None if read is None else float(read) * derate,
               "write_bytes_per_s": None if write is None else float(write) * derate,
               "iops": None if iops is None else float(iops) * derate,
               "metadata_ops_per_s": None if metadata is None else float(metadata) * derate}
    port_id = block.get("network_port_block")
    port = index.blocks.get(port_id) if port_id else None
    figures["bounds"] = NO_BOUNDS
    if port and block.get("network_ports") and port.get("read_bytes_per_s"):
        ceiling = block["network_ports"] * port["read_bytes_per_s"] * float(port.get("derating") or 1.0)
        for field in ("read_bytes_per_s", "write_bytes_per_s"):
            if figures[field] is not None:
                figures[field] = min(figures[field], ceiling)
            else:  # no sourced figure: the unit carries at most what its ports do, so counting at that bound
                # gives a lower bound on the unit count, still a gap
                figures["bounds"] = {**figures["bounds"], field: ceiling}
    return figures


NO_BOUNDS = FrozenDict()  # read only: the bounds of a unit with every figure sourced (most units)


def size_best(group, index, context):
    """The size point of the block's family that meets the needs at the lowest known cost (memoised per call).

    Every size point is counted; only the chosen one gets its details (degraded mode, BOM lines, sums).
    """
    best = group["sized"]
    if best is not None:
        return best
    key = _sizing_key(group)
    best = index.sized.get(key)
    if best is None:
        nodes = context["nodes"]
        variants = index.variants(group["block"])
        if len(variants) == 1:
            chosen = count(group, variants[0], index, nodes)
        else:
            chosen = min([count(group, variant, index, nodes) for variant in variants], key=_size_rank)
        best = index.sized[key] = _detail(group, chosen, index, nodes)
    group["sized"] = best
    return best


def _sizing_key(group):
    """Every member of a family chooses among the same size points: one sizing per family and tiers, so a
    family of n size points costs n countings per call, not n × n."""
    block = group["block"]
    if not block.get("family"):
        return group["key"]
    return (("family", block["kind"], block["family"], bool(block.get("per_node"))), group["key"][1])


def _size_rank(sized):
    """Met before gaps before unmet; among unmet size points, the one that covers most of the need first
    (the cheapest shortfall would make a larger need look cheaper); then the lowest known cost."""
    status = 2 if sized["unmet"] else (1 if sized["gaps"] else 0)
    shortfall = tuple(-share for share in sized["coverage"])
    price = sized["block"].get("price_usd")
    cost = sized["quantity"] * price if price is not None else math.inf
    return status, shortfall, cost, sized["quantity"], sized["block"]["id"]


def count(group, block, index, nodes):
    """Units of one block that meet the group's needs, the need that binds, unmet needs and unknown figures.

    `gaps` names the fields with no figure and `unmet` holds what each unmet need's record is made of; _detail
    writes both out for the chosen size point only (the other size points' records would be dropped).
    """
    block_id = block["id"]
    unit = index.units.get(block_id) or index.unit(block)
    units, binding, gaps, needs = None, "capacity_bytes", [], group["needs"]
    for field, need in needs["asked"]:  # the largest unit count any sized need asks for (at least 1)
        per_unit = unit[field]
        if not per_unit:
            gaps.append(field)
            per_unit = unit["bounds"].get(field)
            if not per_unit:
                continue
        wanted = math.ceil(need / per_unit - 1e-9)
        if units is None or wanted > units:
            units, binding = wanted, field  # the first of SIZED_FIELDS that asks for that count
    units = for_needs = 1 if units is None else (units if units > 1 else 1)
    per_node = block.get("per_node")
    if not per_node:
        minimum = index.floors.get((block_id, nodes > 1)) or index.floor(block, nodes)
        if minimum > units:
            units, binding = minimum, "failure_domains"
    unmet, units = _unit_limit(group, block, units, binding)
    need = needs["latency_s"]
    if need:
        latency = block.get("latency_s")
        if latency is None:
            gaps.append("latency_s")
        elif latency > need:
            unmet.append(("latency", "latency_s", latency, need))
    return {"block": block, "units": units, "units_for_needs": for_needs, "unit": unit, "unmet": unmet,
            "gaps": gaps, "binding": binding, "quantity": units * nodes if per_node else units,
            "coverage": _coverage(needs, unit, units) if unmet else ()}


def _coverage(needs, unit, units):
    """What share of each sized need the units deliver, capped at 1, the worst share first.

    Scaling every need by k divides each share by k, so the order between two size points never flips as
    the need grows (a ceil of unit counts would: a tie broken by price then picks a smaller drive)."""
    return tuple(sorted(min(unit[field] * units / need, 1.0) for field, need in needs["asked"] if unit[field] and need))


def _detail(group, counted, index, nodes):
    """The chosen size point with what every option needs of it to be scored and ranked: headroom, BOM lines and
    their sums, label, its first unmet need. The records only a detailed option shows (gaps and unmet needs as
    records, failure domains, degraded mode, description) are written by records(), once, when asked for."""
    block = counted["block"]
    sized = counted  # the other size points' counts are dropped: this one is completed in place
    sized["nodes"], sized["written"] = nodes, False  # no "group": group → sized → group would be a cycle
    sized["first_unmet"] = _first_unmet(group, *sized["unmet"][0]) if sized["unmet"] else None
    sized["label"] = block.get("label") or block["name"]
    sized["headroom"] = headroom(group, sized)
    sized["aggregate"], sized["line_pairs"] = _group_sums(sized, index)
    sized["lines"] = None  # written by records(), for the options returned in full
    sized["headroom_logs"] = None  # ranking.py takes them (with its headroom cap) once per part
    sized["measured"] = block.get("figures") == "measured"
    # what network() adds of a shared block: its storage ports (None: a per-node block) and their switch-port share
    sized["storage_ports"] = None if block.get("per_node") else sized["quantity"] * (block.get("network_ports") or 0)
    sized["port_share"] = _port_share(block, index) if sized["storage_ports"] else None
    return sized


def records(group, sized, index):
    """A sized part's records for a detailed option: gaps and unmet needs, failure domains, degraded mode,
    description, BOM lines (written in place once; the parts of options returned as summaries never get them).

    `group`: any group the part was sized for (they share it only when their needs are the same)."""
    if sized["written"]:
        return sized
    block, nodes = sized["block"], sized["nodes"]
    if sized["gaps"]:
        bounds = sized["unit"]["bounds"]
        sized["gaps"] = [_gap(group, field, block, bounds.get(field)) for field in sized["gaps"]]
    if sized["unmet"]:
        sized["unmet"] = [_unmet_record(group, block, *pending) for pending in sized["unmet"]]
    if block.get("per_node"):
        sized["failure_domains"] = sized["degraded"] = None
    else:
        scheme = index.scheme(block)
        sized["failure_domains"] = failure_domains(block, nodes, sized["units_for_needs"], scheme)
        sized["degraded"] = degraded_mode(group, block, sized["unit"], sized["units"], scheme)
    sized["description"] = f"{group['needs']['joined']}: {sized['quantity']} x {block['name']}"
    sized["lines"] = _group_lines(group, sized, index)
    sized["written"] = True
    return sized


def _first_unmet(group, what, field, value, limit):
    """(requirement, kind) of the record _unmet_record would write for a pending unmet need."""
    return f"{group['needs']['tiers'][0]}.{field}", "slots" if what == "slots" else FIELD_KIND.get(field, field)


def _gap(group, field, block, bound=None):
    why = f"{block['name']} has no sourced {field} figure (catalog gap)"
    if bound:
        why += (f"; sized at what its network ports carry, {bound / 1e9:.3g} GB/s a unit (an upper bound), "
                f"so the unit count is a lower bound")
    return {"requirement": f"{group['needs']['tiers'][0]}.{field}", "block": block["id"],
            "sources": list(block.get("sources", [])), "why": why}


def _unmet(group, field, why, block, kind=None):
    return {"requirement": f"{group['needs']['tiers'][0]}.{field}", "kind": kind or FIELD_KIND.get(field, field),
            "why": why, "sources": list(block.get("sources", []))}


def _unit_limit(group, block, units, binding):
    """([unmet, as _unmet_record's arguments], units capped at the block's limit): slots per GPU server, or
    largest system."""
    if block.get("per_node"):
        limit = block.get("max_units_per_node")
        if not limit and units > 1:
            return [("slots", binding, units, None)], units
        where = "per GPU server"
    else:
        limit, where = block.get("max_units"), "per system"
    if limit and units > limit:
        return [(where, binding, units, limit)], limit
    return [], units


def _unmet_record(group, block, what, field, value, limit):
    """The record of an unmet need counted by count(): a unit limit (`what` says where), no slot count, or a
    latency no unit count changes (`value` the block's latency, `limit` the need)."""
    if what == "latency":
        why = (f"{block['name']} answers in {value:.3g} s, slower than the {limit:.3g} s needed, "
               f"at any unit count")
        return _unmet(group, field, why, block)
    if what == "slots":
        why = (f"needs {value} units of {block['name']} per GPU server, and the catalog has no sourced slot "
               f"count per server (catalog gap)")
        return _unmet(group, field, why, block, kind="slots")
    return _unmet(group, field, f"needs {value} units of {block['name']} but at most {limit} fit {what}", block)


# --- failure domains and degraded mode ---------------------------------------------------------

def protection(block):
    """{'scheme': 'ec'|'replica'|'within_unit'|'none', 'k', 'm', 'width'} from a block's protection string."""
    parsed = _kept_protection(block)
    if parsed["width"] is None:  # no erasure code or replica count: the block's usable fraction stands
        return {**parsed, "usable_ratio": block.get("usable_fraction")}
    return parsed.copy()  # flat: the output holds it, the kept one is never handed out


PARSED_PROTECTION_KEPT = 256
_PARSED_PROTECTION = {}  # protection string → what _parse_protection makes of it (a function of the string alone)


def _kept_protection(block):
    """The kept parse of a block's protection string (read only: protection() hands out copies)."""
    text = str(block.get("protection") or "none")
    parsed = _PARSED_PROTECTION.get(text)
    if parsed is None:
        parsed = _parse_protection(text)
        if len(_PARSED_PROTECTION) >= PARSED_PROTECTION_KEPT:
            _PARSED_PROTECTION.clear()  # a catalog has a handful of strings; a flood of new ones starts afresh
        _PARSED_PROTECTION[text] = parsed
    return parsed


def _parse_protection(text):
    scheme, _, spec = text.partition(":")
    if scheme == "ec" and "+" in spec:
        shards, _, per_unit = spec.partition("/")
        k, m = (int(x) for x in shards.split("+"))
        per_unit = int(per_unit or 1)  # shards of one stripe placed on one unit (its failure domain)
        return {"scheme": "ec", "k": k, "m": m, "shards_per_unit": per_unit, "width": math.ceil((k + m) / per_unit),
                "usable_ratio": k / (k + m), "survives_unit_loss": per_unit <= m}
    if scheme == "replica" and spec.isdigit():
        return {"scheme": "replica", "k": 1, "m": int(spec) - 1, "width": int(spec), "usable_ratio": 1 / int(spec)}
    return {"scheme": scheme, "detail": spec, "width": None, "usable_ratio": None}


def failure_domains(block, nodes, units_for_needs, scheme=None):
    """Minimum unit count of a shared block: the class minimum, the protection width, and the multi-node rule."""
    scheme = scheme or protection(block)
    floors = _floors(block, nodes, scheme)
    minimum = max(floors.values())
    return {"block": block["id"], "min_units": minimum, "floors": floors, "protection": scheme,
            "basis": block.get("min_units_basis") or "ranking-design: multi-node rule",
            "units_for_needs": units_for_needs, "binding": minimum > units_for_needs}


def _floors(block, nodes, scheme):
    floors = {"class minimum": block.get("min_units") or 1, "protection width": scheme["width"] or 1}
    if nodes > 1 and not block.get("min_units"):
        floors["multi-node rule"] = MULTI_NODE_MIN_UNITS
    return floors


def min_units(block, nodes, width):
    """The failure-domain floor of a shared block (failure_domains()['min_units'] without the record), given its
    protection width."""
    floor = max(block.get("min_units") or 1, width or 1)
    return max(floor, MULTI_NODE_MIN_UNITS) if nodes > 1 and not block.get("min_units") else floor


def degraded_mode(group, block, unit, units, scheme=None):
    """Headroom with one unit lost, rebuild time, and whether the tier still meets its needs."""
    after, needs = units - 1, group["needs"]
    headroom = {f: round(unit[f] * after / need, 4) for f, need, _ in needs["needed"] if unit[f]}
    width = (scheme or protection(block))["width"]
    kept = width is None or after >= width
    lost_bytes = min(needs["capacity_bytes"], unit["capacity_bytes"] * units) / units if unit["capacity_bytes"] else 0
    survivors_write = (unit["write_bytes_per_s"] or 0) * after
    rebuild = block.get("rebuild_bytes_per_s")
    rebuild_s = lost_bytes / rebuild if rebuild else None
    fastest = lost_bytes / survivors_write if survivors_write else None
    short = sorted(f for f, h in headroom.items() if h < 1)
    return {"block": block["id"], "tiers": list(needs["tiers"]), "units": units, "units_after_loss": after,
            "headroom": headroom, "protection_kept": kept, "rebuild_s": rebuild_s,
            "rebuild_s_lower_bound": round(fastest, 1) if fastest else None,
            "rebuild_bytes_per_s": rebuild, "meets": bool(after) and not short and kept, "short": short}


# --- headroom ---------------------------------------------------------------------------------

def headroom(group, sized):
    """provided ÷ needed per 'tier.field' (latency: needed ÷ provided); ≥ 1 means the need is met.

    What the units provide of a field is the unit's figure × units (no figure: 0, and no ratio)."""
    result, unit, units, needs = {}, sized["unit"], sized["units"], group["needs"]
    for field, need, names in needs["needed"]:
        per_unit = unit[field]
        if per_unit:
            ratio = round(per_unit * units / need, 4)  # the same for every tier of the group
            for name in names:
                result[name] = ratio
    latency = sized["block"].get("latency_s")
    if needs["latency_s"] and latency:
        ratio = round(needs["latency_s"] / latency, 4)
        for tier in needs["tiers"]:
            result[f"{tier}.latency_s"] = ratio
    return result


# --- fabric -----------------------------------------------------------------------------------

def network(pieces, index, context):
    """Per-GPU-server storage-network check and the leaf/spine switches the storage fabric needs.

    `pieces`: (group, its sized part) of an option. Memoised per call on what it depends on: the shared tiers'
    read and write needs and the storage ports.
    """
    read = write = ports = units = 0
    shared = False
    for group, part in pieces:
        count = part["storage_ports"]
        if count is not None:  # a shared block
            shared = True
            needs = group["needs"]
            read += needs["read_bytes_per_s"]
            write += needs["write_bytes_per_s"]
            ports += count
            if count:
                units += count * part["port_share"]
    if not shared:
        return NO_NETWORK
    key = (read, write, ports, units)
    result = index.networks.get(key)
    if result is None:
        result = index.networks[key] = _network(read, write, (ports, units), index, context)
    return result


def _port_share(block, index):
    share = index.port_shares.get(block["id"])
    if share is None:
        port = index.blocks.get(block.get("network_port_block") or "") or {}
        share = index.port_shares[block["id"]] = _rate_share(port.get("read_bytes_per_s"), index)
    return share


def _rate_share(port_bytes_per_s, index):
    """switch_port_share() of a port rate, once per call and rate (blocks on ports of one speed share it)."""
    share = index.rate_shares.get(port_bytes_per_s)
    if share is None:
        share = index.rate_shares[port_bytes_per_s] = switch_port_share(port_bytes_per_s, index.blocks, index.fabric)
    return share


def switch_port_share(port_bytes_per_s, blocks, fabric):
    """The share of one switch port an endpoint port takes: a port slower than the fabric switch's own shares
    one through a breakout (split) cable, down to the switch's largest logical port count
    (`fabric.switch_breakout.max_logical_ports`); an unknown rate takes a whole one."""
    switch = blocks.get(fabric.get("switch_block") or "") or {}
    ports, most = switch.get("switch_ports"), (fabric.get("switch_breakout") or {}).get("max_logical_ports")
    if not (port_bytes_per_s and ports and most and switch.get("read_bytes_per_s")):
        return 1.0
    return max(min(port_bytes_per_s * ports / switch["read_bytes_per_s"], 1.0), ports / most)


NO_NETWORK = {"headroom": {}, "unmet": [], "gaps": [], "bom": [], "fabric": None, "line_pairs": [],
              "headroom_logs": []}  # read only: what an option without a shared block adds (nothing)


def _network(read, write, storage_ports, index, context):
    result = {"headroom": {}, "unmet": [], "gaps": [], "bom": [], "fabric": None}
    server = (index.fabric.get("servers") or {}).get(context.get("gpu_model") or "")
    _node_ceiling(result, {"read_bytes_per_s": read, "write_bytes_per_s": write}, context["nodes"], server)
    _switches(result, storage_ports, index, context, server)
    return result


def _node_ceiling(result, needs, nodes, server):
    ceiling = (server or {}).get("storage_bytes_per_s")
    sources = list((server or {}).get("sources", [])) or NETWORK_SOURCES
    for field in ("read_bytes_per_s", "write_bytes_per_s"):
        need = needs[field] / nodes
        if need <= 0:
            continue
        if not ceiling:
            result["gaps"].append({"requirement": f"network.{field}", "sources": sources,
                                   "why": "the GPU server preset has no sourced storage-network ceiling"})
            continue
        result["headroom"][f"network.{field}"] = round(ceiling / need, 4)
        if need > ceiling:
            result["unmet"].append({"requirement": f"network.{field}", "kind": "fabric", "sources": sources, "why": (
                f"{need / 1e9:.1f} GB/s per GPU server must cross the storage network, above the "
                f"{ceiling / 1e9:.0f} GB/s one server's storage NICs carry")})


def _switches(result, storage, index, context, server):
    storage_ports, storage_units = storage
    switch = index.blocks.get(index.fabric.get("switch_block") or "")
    gpu_ports = context["nodes"] * server["storage_ports"] if server and server.get("storage_ports") else None
    if not switch or not switch.get("switch_ports"):
        return
    ports = int(switch["switch_ports"])
    oversubscription = float(context["procurement"].get("storage_oversubscription") or 1.0)
    endpoints = storage_ports + (gpu_ports or 0)
    gpu_units = gpu_ports * switch_port_share(server.get("port_bytes_per_s"), index.blocks, index.fabric) if gpu_ports else 0
    switch_port_units = math.ceil(storage_units + gpu_units - 1e-9)
    leaves, spines = leaf_spine(switch_port_units, ports, oversubscription)
    result["fabric"] = {"switch": switch["id"], "ports_per_switch": ports, "storage_ports": storage_ports,
                        "gpu_server_ports": gpu_ports, "endpoints": endpoints, "switch_port_units": switch_port_units,
                        "oversubscription": oversubscription, "leaves": leaves, "spines": spines}
    if gpu_ports is None:
        result["gaps"].append({"requirement": "network.gpu_server_ports", "sources": NETWORK_SOURCES,
                               "why": "the GPU server preset has no sourced storage port count; switches count "
                                      "the storage side only"})
    if leaves > ports:
        result["unmet"].append({"requirement": "network.switch_ports", "kind": "fabric", "sources": switch["sources"],
                                "why": f"{endpoints} storage-fabric ports ({switch_port_units} switch ports after "
                                       f"breakout) need {leaves} leaves, more than a "
                                       f"{ports}-port spine connects (a third switch tier is not modelled)"})
    if leaves + spines:
        result["bom"].append(_filled(index.line_templates(switch)[0], "fabric", leaves + spines))
    result["aggregate"] = aggregate(result["bom"], {})


def leaf_spine(endpoints, ports, oversubscription=1.0):
    """(leaves, spines) of a two-tier fabric: downlinks:uplinks = oversubscription:1 on each leaf."""
    if endpoints <= 0:
        return 0, 0
    if endpoints <= ports:
        return 1, 0
    down = max(1, math.floor(ports * oversubscription / (1 + oversubscription)))
    leaves = math.ceil(endpoints / down)
    spines = math.ceil(leaves * (ports - down) / ports)
    return leaves, spines


# --- bill of materials and totals -------------------------------------------------------------

def _group_lines(group, sized, index):
    """The unit's BOM line and its ports' line (their sums and pairs: _group_sums).

    Kept catalog facts fill the lines from the block's templates; a call's own facts build them directly (a
    template would be made for the one or two parts of the call that use the block, then dropped)."""
    tier, quantity, block = group["needs"]["joined"], sized["quantity"], sized["block"]
    if index.kept:
        return [_filled(template, tier, quantity) for template in index.line_templates(block)]
    return block_lines(block, index.blocks, tier, quantity)


def _group_sums(sized, index):
    """(aggregate() of the part's BOM lines, their (item, quantity) pairs), from the block's cost_lines: the
    lines themselves are built only for the options returned in full."""
    unit, units = sized["unit"], sized["units"]
    usable, read = (unit["capacity_bytes"] or 0.0) * units, (unit["read_bytes_per_s"] or 0.0) * units
    return line_sums(index.cost_lines(sized["block"]), sized["quantity"], usable, read)


def _filled(template, tier, quantity):
    """bom_line(block, tier, quantity) from one of the block's line templates: the same line, built by copying."""
    line, price, power, rack, per_unit = template
    count = quantity if per_unit is None else quantity * per_unit
    line = line.copy()
    line["tier"], line["quantity"] = tier, int(count)
    if price is not None:
        line["subtotal_usd"] = price * count
    if power is not None:
        line["power_w"] = power * count
    if rack is not None:
        line["rack_units"] = rack * count
    return line


def line_templates(block, blocks, port_lines=None):
    """[(line, unit price, unit power, unit rack units, ports per unit)] of a block: what bom_line gives at any
    quantity, with the price, power and rack units to multiply (None: the template's value stands).

    `port_lines` (port id → its one-unit line, read only) lets the blocks on one port share that line."""
    templates = [_template(block, bom_line(block, None, 1), None)]
    port_id = block.get("network_port_block")
    port = blocks.get(port_id) if port_id else None
    if port and block.get("network_ports"):
        ports = port_lines.get(port_id) if port_lines is not None else None
        if ports is None:
            ports = bom_line(port, None, 1)
            if port_lines is not None:
                port_lines[port_id] = ports
        # a user's own quote for the ports is the buyer's fact and stays on its line
        included = block.get("ports_included_in_price") and not ports["quoted"]
        templates.append(_template(port, _included_in(ports, block) if included else ports, block["network_ports"],
                                   included))
    return templates


def block_lines(block, blocks, tier, quantity):
    """The unit's BOM line and its ports' line at a quantity: what _filled makes of line_templates(block)."""
    lines = [bom_line(block, tier, quantity)]
    port = blocks.get(block.get("network_port_block") or "")
    if port and block.get("network_ports"):
        ports = bom_line(port, tier, quantity * block["network_ports"])
        # a user's own quote for the ports is the buyer's fact and stays on its line
        included = block.get("ports_included_in_price") and not ports["quoted"]
        lines.append(_included_in(ports, block) if included else ports)
    return lines


def _template(block, line, per_unit, included=False):
    power, rack = block.get("power_w"), block.get("rack_units")
    return (line, line["unit_price_usd"] if line["price_known"] and not included else None,
            None if power is None else float(power), None if rack is None else float(rack), per_unit)


def _included_in(line, block):
    """A port line whose price is inside the unit's own (a whole-system price with its NICs): priced,
    adding nothing, and saying where its price is."""
    return {**line, "unit_price_usd": 0.0, "subtotal_usd": 0.0, "price_known": True, "price_basis": "included",
            "price_year": block.get("price_year"), "price_is_estimate": block.get("price_basis") not in ("list", "quote"),
            "source": block.get("price_source") or "", "included_in": block["id"]}


def _price_basis(block):
    """(the block's price basis, whether its price is known): a missing basis is a street estimate when a
    price is given and unknown when none is."""
    price = block.get("price_usd")
    basis = block.get("price_basis") or ("unknown" if price is None else "street_estimate")
    return basis, price is not None and basis != "unknown"


def bom_line(block, tier, quantity):
    """One BOM line; an unknown price stays None ('price unknown'), never an invented or zero price."""
    price, power, rack = block.get("price_usd"), block.get("power_w"), block.get("rack_units")
    basis, known = _price_basis(block)
    return {"item": block["id"], "name": block["name"], "tier": tier, "quantity": int(quantity),
            "unit_price_usd": float(price) if known else None,
            "subtotal_usd": float(price) * quantity if known else None,
            "price_known": known, "price_basis": basis, "price_year": block.get("price_year"),
            "source": block.get("price_source") or "", "price_is_estimate": basis not in ("list", "quote"),
            "quoted": basis == "quote", "vendor_ref": block.get("vendor_ref"),
            "power_w": None if power is None else float(power) * quantity,
            "rack_units": None if rack is None else float(rack) * quantity}


def aggregate(lines, provided):
    """Sums of a few BOM lines (one group's, or the fabric's), added up per option by totals():
    (cost, power, rack units, usable bytes, read bytes/s, unpriced, media-only, unknown power, unknown rack)."""
    return _sums(lines, provided.get("capacity_bytes", 0.0), provided.get("read_bytes_per_s", 0.0))


def _sums(lines, usable, read):
    """aggregate()'s tuple for `lines`, with the usable bytes and read bytes/s they provide: line_sums() of
    each line taken as one unit at its line totals."""
    costs = [(line["item"], line["subtotal_usd"] if line["price_known"] else None,
              line["price_basis"] == "media_lower_bound", line["power_w"], line["rack_units"], None)
             for line in lines]
    return line_sums(costs, 1, usable, read)[0]


def cost_lines(block, blocks):
    """[(item, unit price or None, media-only, unit power or None, unit rack units or None, ports per unit)] of
    the BOM lines block_lines() gives for a block (its own, then its ports'): what _sums reads of them, at any
    quantity (ports per unit None: the unit's own line)."""
    lines = [_cost_line(block, None, False)]
    port = blocks.get(block.get("network_port_block") or "")
    if port and block.get("network_ports"):
        # a user's own quote for the ports is the buyer's fact and stays on its line
        included = block.get("ports_included_in_price") and port.get("price_basis") != "quote"
        lines.append(_cost_line(port, block["network_ports"], included))
    return lines


def _cost_line(block, per_unit, included):
    price, power, rack = block.get("price_usd"), block.get("power_w"), block.get("rack_units")
    basis, known = _price_basis(block)
    return (block["id"], 0.0 if included else (float(price) if known else None),
            not included and basis == "media_lower_bound", None if power is None else float(power),
            None if rack is None else float(rack), per_unit)


def line_sums(costs, quantity, usable, read):
    """(_sums() of the BOM lines at `quantity`, their (item, quantity) pairs), in _sums' order and arithmetic,
    from cost_lines() (no line is built)."""
    cost = power = rack = 0
    unpriced, media, unknown_power, unknown_rack, pairs = [], [], [], [], []
    for item, price, media_only, unit_power, unit_rack, per_unit in costs:
        count = quantity if per_unit is None else quantity * per_unit
        pairs.append((item, int(count)))
        if price is None:
            unpriced.append(item)
        else:
            cost += price * count
        if media_only:
            media.append(item)
        if unit_power is None:
            unknown_power.append(item)
        else:
            power += unit_power * count or 0  # `or 0`: as _sums adds a zero figure
        if unit_rack is None:
            unknown_rack.append(item)
        else:
            rack += unit_rack * count or 0
    return (cost, power, rack, usable, read, tuple(unpriced), tuple(media), tuple(unknown_power),
            tuple(unknown_rack)), pairs


EMPTY_AGGREGATE = aggregate([], {})


def totals(aggregates):
    """An option's sums over its parts' aggregates (its TCO: option_tco), without the lists of the items behind
    its partial figures (item_lists(): for the options returned in full)."""
    cost = power = rack = usable = read = 0
    unpriced = media = unknown_power = unknown_rack = False
    for part_cost, part_power, part_rack, part_usable, part_read, no_price, media_only, no_power, no_rack in aggregates:
        cost += part_cost
        power += part_power
        rack += part_rack
        usable += part_usable
        read += part_read
        if no_price:
            unpriced = True
        if media_only:
            media = True
        if no_power:
            unknown_power = True
        if no_rack:
            unknown_rack = True
    return {"cost_usd": round(cost, 2), "cost_complete": not unpriced and not media,
            "cost_is_lower_bound": unpriced or media, "power_w": power, "power_is_partial": unknown_power,
            "rack_units": rack, "rack_units_is_partial": unknown_rack, "usable_capacity_bytes": usable,
            "read_bytes_per_s": read, "usd_per_tb": round(cost / (usable / 1e12), 2) if usable else None,
            "usd_per_gb_per_s": round(cost / (read / 1e9), 2) if read else None}


def item_lists(aggregates):
    """{unpriced_items, media_only_items, unknown_power_items, unknown_rack_items}: the items behind an option's
    partial figures, in its parts' order."""
    unpriced, media, unknown_power, unknown_rack = [], [], [], []
    for *_, no_price, media_only, no_power, no_rack in aggregates:
        unpriced += no_price
        media += media_only
        unknown_power += no_power
        unknown_rack += no_rack
    return {"unpriced_items": unpriced, "media_only_items": media, "unknown_power_items": unknown_power,
            "unknown_rack_items": unknown_rack}


def option_tco(totals_, context):
    """tco() of an option from its totals() (written for the options returned in full)."""
    return tco(totals_["cost_usd"], totals_["cost_is_lower_bound"], totals_["power_w"], totals_["power_is_partial"],
               totals_["rack_units"], totals_["usable_capacity_bytes"], totals_["read_bytes_per_s"], context)


def tco(cost_usd, cost_is_lower_bound, power_w, power_is_partial, rack_units, usable_bytes, read_bytes_per_s,
        context):
    """Capex + energy + support + rack space over the horizon; unknown parts are named, not zeroed."""
    procurement = context["procurement"]
    years, power_price = procurement["tco_horizon_years"], procurement["power_usd_per_kwh"]
    energy = power_w / 1000 * HOURS_PER_YEAR * years * power_price
    support_fraction = procurement.get("support_fraction_per_year")
    support = cost_usd * support_fraction * years if support_fraction is not None else None
    rack_price = procurement.get("rack_usd_per_u_per_year")
    rack = rack_units * rack_price * years if rack_price is not None else None
    unknown = []
    if support is None:
        unknown.append("support")
    if rack is None:
        unknown.append("rack_space")
    if cost_is_lower_bound:
        unknown.append("capex")
    if power_is_partial:
        unknown.append("energy")
    total = cost_usd + energy + (support or 0) + (rack or 0)
    gpus = context.get("gpus")
    return {"horizon_years": years, "capex_usd": cost_usd, "energy_usd": round(energy, 2),
            "support_usd": None if support is None else round(support, 2),
            "rack_space_usd": None if rack is None else round(rack, 2), "tco_usd": round(total, 2),
            "tco_is_lower_bound": bool(unknown), "unknown_parts": unknown,
            "usd_per_usable_tb": round(total / (usable_bytes / 1e12), 2) if usable_bytes else None,
            "usd_per_gb_per_s": round(total / (read_bytes_per_s / 1e9), 2) if read_bytes_per_s else None,
            "usd_per_gpu_hour": round(total / (gpus * HOURS_PER_YEAR * years), 6) if gpus else None,
            "power_usd_per_kwh": power_price,
            "sources": list(TCO_SOURCES)}

