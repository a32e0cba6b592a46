"""Vendor quotes: import a user's quotes (CSV or rows) all or nothing; list and delete them."""
import datetime
import io

from django.db import transaction

from . import validation
from .models import Block, Quote
from .validation import QUOTE_FIELDS, CatalogError


def quotes_import(owner, rows, today=None):
    """Validate every (label, row), then store them for `owner` in one transaction; returns the count."""
    quotes = validation.quotes_check(rows, known_block_ids(), today or datetime.date.today())
    with transaction.atomic():
        for quote in quotes:
            Quote.objects.update_or_create(
                owner=owner, block_id=quote["block_id"],
                defaults={"unit_price_usd": quote["unit_price_usd"], "valid_until": quote["valid_until"],
                          "vendor_ref": quote["vendor_ref"], "block": quote["block"]})
    return len(quotes)


def known_block_ids():
    """Ids of the catalog the proposals use: the database's blocks, or the fixtures while it is empty."""
    from .selectors import catalog_fixtures

    return set(Block.objects.values_list("id", flat=True)) or {b["id"] for b in catalog_fixtures()["blocks"]}


def quote_rows_csv(text):
    """(line number, row) per CSV data row: quote columns, plus block columns for a new unit."""
    try:
        import pandas as pd

        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise CatalogError([f"file: not a readable CSV ({error})".strip()]) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    allowed = set(QUOTE_FIELDS) | set(validation.BLOCK_FIELDS)
    errors = [f"header: missing column {c}" for c in QUOTE_FIELDS if c not in frame.columns]
    errors += [f"header: unknown column {c}" for c in frame.columns if c not in allowed]
    if errors:
        raise CatalogError(errors)
    frame = frame.fillna("")
    return [(index + 2, row) for index, row in enumerate(frame.to_dict("records"))]


def quote_rows_json(items):
    """(item number, row) per JSON item; a list of objects is required."""
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise CatalogError(["quotes: must be a list of objects with block_id, unit_price_usd, valid_until, vendor_ref"])
    return [(index + 1, item) for index, item in enumerate(items)]


def quote_dict(quote):
    return {"id": quote.pk, "block_id": quote.block_id, "unit_price_usd": quote.unit_price_usd,
            "valid_until": quote.valid_until.isoformat(), "vendor_ref": quote.vendor_ref,
            "new_block": quote.block is not None}
