"""Catalog writes: load the fixtures, import and export blocks as CSV (validated, all or nothing)."""
import io
import json

from django.db import transaction

from . import selectors, validation
from .models import Architecture, ArchitectureTier, Block
from .validation import BLOCK_FIELDS, SOURCES_SEPARATOR, CatalogError

CSV_COLUMNS = list(BLOCK_FIELDS)


TEXT_FIELDS = [f for f, (kind, _) in BLOCK_FIELDS.items() if kind in ("text", "ref")]


def _save_block(block):
    values = dict(block)
    for field in TEXT_FIELDS:
        values[field] = values.get(field) or ""
    values["figure_sources"] = values.get("figure_sources") or {}
    values["protection"] = values.get("protection") or "none"
    values["ports_included_in_price"] = bool(values.get("ports_included_in_price"))
    Block.objects.update_or_create(id=values.pop("id"), defaults=values)


def catalog_load(catalog=None):
    """Put the fixture catalog (or the given one) into the database, replacing rows with the same ids."""
    catalog = catalog or selectors.catalog_fixtures()
    checked = validation.catalog_check(catalog)
    with transaction.atomic():
        for block in checked["blocks"]:
            _save_block(block)
        for architecture in checked["architectures"]:
            _save_architecture(architecture)
    return len(checked["blocks"]), len(checked["architectures"])


def _save_architecture(architecture):
    record, _ = Architecture.objects.update_or_create(
        id=architecture["id"], defaults={"name": architecture["name"],
                                         "description": architecture.get("description", ""),
                                         "sources": architecture.get("sources", [])})
    record.tiers.all().delete()
    ArchitectureTier.objects.bulk_create(
        ArchitectureTier(architecture=record, tier=tier, block_id=block_id)
        for tier, block_id in architecture["tiers"].items())


def csv_rows(text):
    """(line number, row dict) per data row; the header is line 1, as a spreadsheet shows it."""
    try:
        import pandas as pd  # ~1 s to import: only CSV import/export pays it

        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise CatalogError([f"file: not a readable CSV ({error})".strip()]) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c, (_, required) in BLOCK_FIELDS.items() if required and c not in frame.columns]
    unknown = [c for c in frame.columns if c not in BLOCK_FIELDS]
    errors = [f"header: missing column {c}" for c in missing] + [f"header: unknown column {c}" for c in unknown]
    if errors:
        raise CatalogError(errors)
    if frame.empty:
        raise CatalogError(["file: no data rows"])
    frame = frame.fillna("")  # a short row leaves NaN in its missing cells, even with dtype=str
    return [(index + 2, row) for index, row in enumerate(frame.to_dict("records"))]


def blocks_import_csv(text):
    """Validate every row, then write them all in one transaction; CatalogError lists every bad row."""
    rows = csv_rows(text)
    known_ports = Block.objects.filter(kind="network_port").values_list("id", flat=True)
    blocks = validation.blocks_check(rows, known_ids=known_ports)
    with transaction.atomic():
        for block in blocks:
            _save_block(block)
        _architectures_still_valid()
    return len(blocks)


def _architectures_still_valid():
    """Inside the import transaction: an edited block must still fit every architecture using it."""
    catalog = selectors.catalog_from_db()
    by_id = {b["id"]: b for b in catalog["blocks"]}
    errors = [f"architecture {a['id']}, {message}" for a in catalog["architectures"]
              for message in validation.architecture_errors(a, by_id)]
    if errors:
        raise CatalogError(errors)


def blocks_export_csv(blocks=None):
    """The blocks as CSV (database catalog, or the fixtures when the database is empty)."""
    blocks = blocks if blocks is not None else selectors.catalog_current()["blocks"]
    import pandas as pd

    frame = pd.DataFrame([_csv_row(b) for b in blocks], columns=CSV_COLUMNS)
    return frame.to_csv(index=False)


def _csv_row(block):
    row = {field: block.get(field) for field in CSV_COLUMNS}
    row["sources"] = SOURCES_SEPARATOR.join(block.get("sources") or [])
    row["figure_sources"] = json.dumps(block.get("figure_sources") or {}, sort_keys=True)
    for field in ("price_is_estimate", "per_node", "ports_included_in_price"):
        row[field] = "true" if row[field] else "false"
    for field in ("capacity_bytes", "network_ports", "max_units_per_node", "max_units", "min_units", "switch_ports",
                  "accelerators_supported", "price_year"):
        row[field] = "" if row[field] is None else str(int(row[field]))
    return {k: ("" if v is None else v) for k, v in row.items()}
