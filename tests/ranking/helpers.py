"""Shared helpers for the ranking tests: the shipped catalog and hand-built tiers."""
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def catalog():
    folder = ROOT / "fixtures" / "catalog"
    return {"blocks": json.loads((folder / "blocks.json").read_text())["blocks"],
            "architectures": json.loads((folder / "architectures.json").read_text())["architectures"],
            "fabric": json.loads((folder / "fabric.json").read_text())}


def tier(name, capacity_bytes=0, read=0.0, write=0.0, iops=0.0, latency_s=None, nodes=1, needs=("test",)):
    return {"tier": name, "capacity_bytes": int(capacity_bytes), "read_bytes_per_s": float(read),
            "write_bytes_per_s": float(write), "iops": float(iops), "latency_s": latency_s, "nodes": nodes,
            "needs": list(needs), "reason": "hand-built for a test", "sources": []}


def unpriced(catalog_, block_id):
    """The catalog with `block_id` as a price gap, the way a block with no sourced price reads."""
    gap = {"price_usd": None, "price_basis": "unknown", "price_year": None, "price_source": "", "price_date": None}
    return {**catalog_, "blocks": [dict(b, **gap) if b["id"] == block_id else b for b in catalog_["blocks"]]}


def by_architecture(result):
    """Every architecture id → the option it belongs to (architectures with the same BOM share one)."""
    return {a: p for p in result["proposals"] for a in p["coinciding_architectures"]}


def line(proposal, item):
    return next(l for l in proposal["bom"] if l["item"] == item)


def usecases():
    """(name, use-case document, expectation) for every golden use case."""
    folder = ROOT / "fixtures" / "usecases"
    expected = json.loads((ROOT / "fixtures" / "golden" / "expected.json").read_text())["cases"]
    return [(name, json.loads((folder / f"{name}.json").read_text()), expected[name]) for name in sorted(expected)]
