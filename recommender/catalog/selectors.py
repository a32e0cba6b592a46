"""Catalog reads: the catalog dict ranking uses, from the database or straight from the fixtures."""
import datetime
import json

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Max

from .models import Architecture, Block
from .validation import BLOCK_FIELDS


def catalog_fixtures():
    """The catalog as shipped in fixtures/catalog/*.json."""
    folder = settings.FIXTURES_DIR / "catalog"
    blocks = json.loads((folder / "blocks.json").read_text())
    architectures = json.loads((folder / "architectures.json").read_text())
    # in the database's order (Block/Architecture Meta.ordering), so both catalogs rank alike
    return {"blocks": sorted(blocks["blocks"], key=lambda b: (b["kind"], b["id"])),
            "architectures": sorted(architectures["architectures"], key=lambda a: a["id"]),
            "fabric": fabric_table(), "version": f"fixtures:{blocks['version']}"}


def fabric_table():
    """Storage-network ceilings per GPU server preset and the fabric's switch (fixtures/catalog/fabric.json)."""
    return json.loads((settings.FIXTURES_DIR / "catalog" / "fabric.json").read_text())


def catalog_current():
    """The database catalog when it holds blocks, else the fixtures (advise works with no database)."""
    try:
        if not Block.objects.exists():
            return catalog_fixtures()
    except DatabaseError:  # no tables yet (fresh machine before `migrate`)
        return catalog_fixtures()
    return catalog_from_db()


def block_dict(block):
    result = {field: getattr(block, field) for field in BLOCK_FIELDS}
    result["price_date"] = block.price_date.isoformat() if block.price_date else None
    result["network_port_block"] = block.network_port_block or None
    result["figure_sources"] = dict(block.figure_sources or {})
    return result


def quotes_for(user):
    """{block id: quote} of one user's vendor quotes (other users' quotes are never read)."""
    from .models import Quote

    if user is None or not getattr(user, "is_authenticated", False):
        return {}
    today = datetime.date.today()
    return {q.block_id: {"unit_price_usd": q.unit_price_usd, "valid_until": q.valid_until.isoformat(),
                         "vendor_ref": q.vendor_ref, "block": q.block}
            for q in Quote.objects.filter(owner=user, valid_until__gte=today)}


def architecture_dict(architecture):
    return {"id": architecture.id, "name": architecture.name, "description": architecture.description,
            "tiers": {t.tier: t.block_id for t in architecture.tiers.all()},
            "sources": list(architecture.sources)}


def catalog_from_db():
    blocks = [block_dict(b) for b in Block.objects.all()]
    architectures = [architecture_dict(a) for a in Architecture.objects.prefetch_related("tiers")]
    stamps = [Block.objects.aggregate(m=Max("updated_at"))["m"],
              Architecture.objects.aggregate(m=Max("updated_at"))["m"]]
    latest = max((s for s in stamps if s), default=None)
    return {"blocks": blocks, "architectures": architectures, "fabric": fabric_table(),
            "version": f"db:{latest.isoformat(timespec='seconds') if latest else ''}"}
