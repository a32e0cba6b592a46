"""BOM export: one CSV/JSON row per BOM line of every ranked proposal."""
import csv
import io

from recommender import ranking
from recommender.reports import export
from tests.ranking.helpers import catalog, tier, unpriced


def document():
    ranked = ranking.rank([tier("shared_fast", 1e15, 100e9, 50e9, nodes=4),
                           tier("gpu_local_nvme", 10e12, 5e9, 1e9, 1e5, nodes=4)], catalog(),
                          cluster={"gpu_model": "h100", "gpus": 32, "nodes": 4})
    return {"proposals": ranked["proposals"]}


def test_it_writes_one_csv_row_per_bom_line_with_rank_and_architecture():
    doc = document()
    rows = list(csv.DictReader(io.StringIO(export.bom_csv(doc))))
    assert len(rows) == sum(len(p["bom"]) for p in doc["proposals"])
    first = doc["proposals"][0]
    assert rows[0]["rank"] == "1" and rows[0]["architecture"] == first["architecture"]
    assert rows[0]["item"] == first["bom"][0]["item"]
    assert float(rows[0]["subtotal_usd"] or "nan") == (first["bom"][0]["subtotal_usd"] or float("nan")) or \
        rows[0]["subtotal_usd"] == "" and first["bom"][0]["subtotal_usd"] is None
    assert list(rows[0]) == export.BOM_COLUMNS


def test_it_exports_price_basis_year_source_power_and_rack_units():
    assert {"price_basis", "price_year", "source", "power_w", "rack_units"} <= set(export.BOM_COLUMNS)
    rows = export.bom_json(document())
    switches = [r for r in rows if r["item"] == "switch-51t-2u"]
    assert switches and switches[0]["rack_units"] == 2 * switches[0]["quantity"]
    priced = [r for r in rows if r["price_known"]]
    assert priced and all(r["price_basis"] in ("list", "street_estimate", "media_lower_bound", "quote", "included")
                          and r["price_year"] and r["source"] for r in priced)


def test_it_keeps_price_gaps_visible_in_the_export():
    # the HDD object server's price holds no NICs: with its port unpriced, the ports stay unpriced lines
    ranked = ranking.rank([tier("object", 5e15, 20e9, 10e9, nodes=4)], unpriced(catalog(), "net-port-100g"),
                          cluster={"gpu_model": "h100", "gpus": 32, "nodes": 4})
    rows = export.bom_json({"proposals": ranked["proposals"]})
    ports = [r for r in rows if r["item"].startswith("net-port") and r["price_basis"] != "included"]
    assert ports and all(r["price_known"] is False and r["unit_price_usd"] is None and r["subtotal_usd"] is None
                         and r["price_basis"] == "unknown" for r in ports)


def test_it_writes_only_the_header_for_a_document_without_proposals():
    assert export.bom_csv({"proposals": []}).strip() == ",".join(export.BOM_COLUMNS)


def test_a_summarised_option_has_no_bom_lines_to_export_and_the_full_ones_keep_theirs():
    ranked = ranking.rank([tier("shared_fast", 1e15, 100e9, 50e9, nodes=4)], catalog(),
                          cluster={"gpu_model": "h100", "gpus": 32, "nodes": 4}, detail_limit=1)
    doc = {"proposals": ranked["proposals"]}
    summaries = [p for p in doc["proposals"] if p.get("detail") == "summary"]
    assert summaries and all("bom" not in p for p in summaries)
    rows = export.bom_json(doc)
    assert {row["architecture"] for row in rows} == {p["architecture"] for p in doc["proposals"] if "bom" in p}
    assert len(rows) == sum(len(p["bom"]) for p in doc["proposals"] if "bom" in p)
