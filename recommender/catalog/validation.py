"""Pure checks of catalog rows (blocks, architectures): one cleaned dict or field-level messages.

No Django here: the CSV import, the fixture loader and the tests all use the same checks.
"""
import datetime
import json
import re

TIERS = ("gpu_local_nvme", "host_memory", "shared_fast", "object", "archive")
PER_NODE_TIERS = frozenset({"gpu_local_nvme", "host_memory"})
KINDS = ("das_nvme_tlc", "das_nvme_qlc", "pfs_flash", "pfs_sds", "nas_flash", "disagg_flash", "object_flash",
         "object_hdd", "tape_archive", "host_dram", "cxl_memory", "network_port", "switch")
NON_STORAGE_KINDS = frozenset({"network_port", "switch"})
PRICE_BASES = ("list", "street_estimate", "media_lower_bound", "quote", "unknown")
FIGURE_BASES = ("measured", "datasheet", "derived", "configuration")
PROTECTION_PATTERN = re.compile(r"^(none|ec:[1-9][0-9]?\+[1-9][0-9]?(/[1-9][0-9]?)?|replica:[1-9]|within_unit:[a-z0-9+-]+)$")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
SOURCES_SEPARATOR = " | "

# field → (kind of value, required). Order is the CSV column order.
BLOCK_FIELDS = {
    "id": ("id", True), "kind": ("kind", True), "name": ("name", True),
    "capacity_bytes": ("bytes", True), "usable_fraction": ("fraction", True),
    "usable_basis": ("text", False),
    "family": ("text", False), "label": ("text", False), "reference_product": ("text", False),
    "read_bytes_per_s": ("positive", False), "write_bytes_per_s": ("positive", False),
    "iops": ("positive", False), "metadata_ops_per_s": ("positive", False), "latency_s": ("positive", False),
    "rack_units": ("nonneg", False), "power_w": ("nonneg", False),
    "accelerators_supported": ("positive_int", False),
    "price_usd": ("nonneg", False), "price_date": ("date", False),
    "price_is_estimate": ("bool", True), "price_basis": ("price_basis", True),
    "price_year": ("year", False), "price_source": ("text", False),
    "support_fraction_per_year": ("unit_interval", False),
    "per_node": ("bool", True), "max_units_per_node": ("positive_int", False),
    "max_units": ("positive_int", False), "network_port_block": ("ref", False),
    "min_units": ("positive_int", False), "min_units_basis": ("text", False),
    "protection": ("protection", True), "rebuild_bytes_per_s": ("positive", False),
    "network_ports": ("nonneg_int", True), "ports_included_in_price": ("bool", False),
    "switch_ports": ("positive_int", False),
    "derating": ("fraction", True), "derating_basis": ("text", False),
    "figure_sources": ("figure_sources", False), "sources": ("sources", True),
}
TRUE_WORDS, FALSE_WORDS = {"true", "1", "yes"}, {"false", "0", "no"}


class CatalogError(ValueError):
    """Bad catalog rows; `.errors` is a list of 'row N, field: message' strings."""

    def __init__(self, errors):
        super().__init__("; ".join(errors))
        self.errors = list(errors)


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _number(value):
    if isinstance(value, bool):
        raise ValueError
    number = float(value)
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError
    return number


def _integer(value):
    number = _number(value)
    if number != int(number):
        raise ValueError
    return int(number)


def _check_positive(value):
    number = _number(value)
    if number <= 0:
        raise ValueError
    return number


def _check_nonneg(value):
    number = _number(value)
    if number < 0:
        raise ValueError
    return number


# Largest values the database columns hold (models.py): PositiveIntegerField is 32-bit on PostgreSQL,
# capacity_bytes a BigIntegerField. Checked here so an import says so instead of failing in the database.
MAX_COUNT = 2**31 - 1
MAX_BYTES = 2**63 - 1
NAME_MAX_CHARS = 200


def _check_positive_int(value):
    number = _integer(value)
    if not 0 < number <= MAX_COUNT:
        raise ValueError
    return number


def _check_nonneg_int(value):
    number = _integer(value)
    if not 0 <= number <= MAX_COUNT:
        raise ValueError
    return number


def _check_bytes(value):
    number = _integer(value)
    if not 0 <= number <= MAX_BYTES:
        raise ValueError
    return number


def _check_text(value):
    value = str(value).strip()
    if "\x00" in value:  # PostgreSQL text cannot hold NUL
        raise ValueError
    return value


def _check_name(value):
    value = _check_text(value)
    if len(value) > NAME_MAX_CHARS:
        raise ValueError
    return value


def _check_fraction(value):
    number = _number(value)
    if not 0 < number <= 1:
        raise ValueError
    return number


def _check_bool(value):
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word not in TRUE_WORDS | FALSE_WORDS:
        raise ValueError
    return word in TRUE_WORDS


def _check_date(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    return datetime.date.fromisoformat(str(value).strip()).isoformat()


def _check_id(value):
    value = str(value).strip()
    if not ID_PATTERN.match(value):
        raise ValueError
    return value


def _check_kind(value):
    value = str(value).strip()
    if value not in KINDS:
        raise ValueError
    return value


def _check_sources(value):
    items = value if isinstance(value, list) else str(value).split(SOURCES_SEPARATOR.strip())
    items = [str(s).strip() for s in items if str(s).strip()]
    if not items:
        raise ValueError
    return items


def _check_price_basis(value):
    value = str(value).strip()
    if value not in PRICE_BASES:
        raise ValueError
    return value


def _check_year(value):
    number = _integer(value)
    if not 1990 <= number <= 2100:
        raise ValueError
    return number


def _check_unit_interval(value):
    number = _number(value)
    if not 0 <= number <= 1:
        raise ValueError
    return number


def _check_protection(value):
    value = str(value).strip()
    if not PROTECTION_PATTERN.match(value):
        raise ValueError
    return value


def _check_figure_sources(value):
    """{figure: {"basis": measured|datasheet|derived|configuration, "source": "key[: locator]"}} (JSON in CSV)."""
    if isinstance(value, str):
        value = json.loads(value)
    if not isinstance(value, dict):
        raise ValueError
    for entry in value.values():
        if not isinstance(entry, dict) or entry.get("basis") not in FIGURE_BASES or not str(entry.get("source", "")).strip():
            raise ValueError
    return value


CHECKS = {
    "id": (_check_id, "must be lowercase letters, digits and '-', at most 80 characters"),
    "kind": (_check_kind, f"must be one of {', '.join(KINDS)}"),
    "text": (_check_text, "must be text without NUL characters"),
    "name": (_check_name, f"must be text of at most {NAME_MAX_CHARS} characters"),
    "bytes": (_check_bytes, f"must be a whole number, zero or more, at most {MAX_BYTES:,}"),
    "ref": (_check_id, "must be the id of a network_port block"),
    "positive": (_check_positive, "must be a positive number"),
    "nonneg": (_check_nonneg, "must be a number, zero or more"),
    "positive_int": (_check_positive_int, f"must be a positive whole number, at most {MAX_COUNT:,}"),
    "nonneg_int": (_check_nonneg_int, f"must be a whole number, zero or more, at most {MAX_COUNT:,}"),
    "fraction": (_check_fraction, "must be a number above 0 and at most 1"),
    "bool": (_check_bool, "must be true or false"),
    "date": (_check_date, "must be a date as YYYY-MM-DD"),
    "sources": (_check_sources, f"must name at least one source (several separated by '{SOURCES_SEPARATOR}')"),
    "price_basis": (_check_price_basis, f"must be one of {', '.join(PRICE_BASES)}"),
    "year": (_check_year, "must be a year between 1990 and 2100"),
    "unit_interval": (_check_unit_interval, "must be a number from 0 to 1"),
    "protection": (_check_protection, "must be none, ec:K+M, replica:N or within_unit:SCHEME"),
    "figure_sources": (_check_figure_sources, "must be a JSON object: figure → {basis: measured|datasheet|derived|"
                                              "configuration, source: bibliography key}"),
}


def block_clean(row):
    """(cleaned block, {field: message}) for one row; blank optional cells become None."""
    clean, errors = {}, {}
    for field, (kind, required) in BLOCK_FIELDS.items():
        value = row.get(field)
        if _blank(value) or value == []:
            if required:
                errors[field] = "is required"
            clean[field] = None
            continue
        check, message = CHECKS[kind]
        try:
            clean[field] = check(value)
        except (TypeError, ValueError):  # json.JSONDecodeError is a ValueError
            errors[field] = message
    for field, message in _block_rules(clean, errors).items():
        errors.setdefault(field, message)
    return clean, errors


def _block_rules(block, errors):
    """Checks across fields of one block."""
    result = {}
    if block.get("kind") not in NON_STORAGE_KINDS and "capacity_bytes" not in errors and not block.get("capacity_bytes"):
        result["capacity_bytes"] = "must be a positive number for a storage block"
    if block.get("kind") == "switch" and not block.get("switch_ports"):
        result["switch_ports"] = "is required for a switch"
    if block.get("price_usd") is not None and block.get("price_basis") == "unknown":
        result["price_basis"] = "must say how the price was found (list, street_estimate, media_lower_bound, quote)"
    if block.get("price_usd") is not None and not block.get("price_source"):
        result["price_source"] = "is required with a price (a bibliography key, or the quote reference)"
    if block.get("network_ports") and not block.get("network_port_block"):
        result["network_port_block"] = "is required when network_ports is above 0"
    if block.get("ports_included_in_price") and not (block.get("network_ports") and block.get("price_usd") is not None):
        result["ports_included_in_price"] = "needs network_ports above 0 and a price that includes them"
    if block.get("max_units_per_node") and block.get("per_node") is False:
        result["max_units_per_node"] = "applies to per-node blocks only (per_node true)"
    if block.get("price_usd") is not None and not block.get("price_date"):
        result["price_date"] = "is required with a price (prices moved sharply in 2025-2026)"
    return result


def blocks_check(rows, known_ids=()):
    """Cleaned blocks, or CatalogError listing every bad row as 'row N, field: message'.

    `rows` is a list of (row_label, row_dict); `known_ids` are blocks that already exist.
    """
    cleaned, errors, seen = [], [], {}
    for label, row in rows:
        block, row_errors = block_clean(row)
        if block.get("id") in seen:
            row_errors["id"] = f"duplicates row {seen[block['id']]}"
        seen.setdefault(block.get("id"), label)
        errors += [f"row {label}, {field}: {message}" for field, message in row_errors.items()]
        cleaned.append((label, block))
    errors += _port_references(cleaned, set(known_ids))
    if errors:
        raise CatalogError(errors)
    return [block for _, block in cleaned]


def _port_references(cleaned, known_ids):
    ports = {b["id"] for _, b in cleaned if b.get("kind") == "network_port"} | known_ids
    return [f"row {label}, network_port_block: no network_port block '{b['network_port_block']}'"
            for label, b in cleaned if b.get("network_port_block") and b["network_port_block"] not in ports]


def architecture_errors(architecture, blocks_by_id):
    """Messages for one architecture: every tier mapped to a known block that fits the tier."""
    errors = []
    if not ID_PATTERN.match(str(architecture.get("id", ""))):
        errors.append("id: must be lowercase letters, digits and '-', at most 80 characters")
    if not str(architecture.get("name", "")).strip():
        errors.append("name: is required")
    tiers = architecture.get("tiers") or {}
    for tier in TIERS:
        block = blocks_by_id.get(tiers.get(tier))
        if block is None:
            errors.append(f"tiers.{tier}: must name a block in the catalog")
        elif block["kind"] in NON_STORAGE_KINDS:
            errors.append(f"tiers.{tier}: a {block['kind'].replace('_', ' ')} cannot hold a tier")
        elif block["per_node"] and tier not in PER_NODE_TIERS:
            errors.append(f"tiers.{tier}: per-node block '{block['id']}' can only hold "
                          f"{' or '.join(sorted(PER_NODE_TIERS))}")
    errors += [f"tiers.{tier}: unknown tier" for tier in tiers if tier not in TIERS]
    return errors


def catalog_check(catalog):
    """Raise CatalogError when a catalog dict (blocks + architectures) is inconsistent."""
    blocks = blocks_check([(b.get("id", i + 1), b) for i, b in enumerate(catalog["blocks"])])
    by_id = {b["id"]: b for b in blocks}
    errors = [f"architecture {a.get('id')}, {message}" for a in catalog["architectures"]
              for message in architecture_errors(a, by_id)]
    if errors:
        raise CatalogError(errors)
    return {"blocks": blocks, "architectures": catalog["architectures"]}


# --- vendor quotes -------------------------------------------------------------------------------

QUOTE_FIELDS = ("block_id", "unit_price_usd", "valid_until", "vendor_ref")
VENDOR_REF_MAX_CHARS = 200


def quote_clean(row, known_ids, today):
    """(cleaned quote, {field: message}); a quote for a block not in the catalog carries its block row."""
    clean, errors = {}, {}
    for field, kind in (("block_id", "id"), ("unit_price_usd", "positive"), ("valid_until", "date")):
        value = row.get(field)
        if _blank(value):
            errors[field] = "is required"
            continue
        check, message = CHECKS[kind]
        try:
            clean[field] = check(value)
        except (TypeError, ValueError):
            errors[field] = message
    ref = str(row.get("vendor_ref") or "").strip()
    if not ref or len(ref) > VENDOR_REF_MAX_CHARS or "\x00" in ref:
        errors["vendor_ref"] = f"is required: the vendor's quote reference, at most {VENDOR_REF_MAX_CHARS} characters"
    clean["vendor_ref"] = ref
    if "valid_until" in clean and clean["valid_until"] < today.isoformat():
        errors["valid_until"] = "is in the past: the quote has expired"
    clean["block"] = None
    if "block_id" in clean and clean["block_id"] not in known_ids:
        clean["block"], block_errors = _new_block(row, clean["block_id"])
        errors.update(block_errors)
    return clean, errors


def _new_block(row, block_id):
    """A quoted unit that is not in the catalog: its block row, checked like a catalog import."""
    block_row = {k: v for k, v in (row.get("block") or row).items() if k in BLOCK_FIELDS}
    if not any(not _blank(v) for k, v in block_row.items() if k not in ("id", "price_usd")):
        return None, {"block_id": "is not in the catalog; give the new block's columns (kind, name, capacity_bytes, "
                                  "... as in a catalog CSV) to quote a new unit"}
    block, errors = block_clean({**block_row, "id": block_id, "price_basis": "quote",
                                 "price_source": "quote", "price_is_estimate": "false"})
    return block, {f"block.{field}": message for field, message in errors.items()}


def quotes_check(rows, known_ids, today):
    """Cleaned quotes, or CatalogError listing every bad row as 'row N, field: message' (nothing half-imported)."""
    cleaned, errors, seen = [], [], {}
    for label, row in rows:
        quote, row_errors = quote_clean(row, set(known_ids), today)
        block_id = quote.get("block_id")
        if block_id in seen:
            row_errors["block_id"] = f"duplicates row {seen[block_id]}"
        seen.setdefault(block_id, label)
        errors += [f"row {label}, {field}: {message}" for field, message in row_errors.items()]
        cleaned.append(quote)
    if not rows:
        errors.append("file: no quote rows")
    if errors:
        raise CatalogError(errors)
    return cleaned
