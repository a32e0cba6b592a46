"""CSV import/export of blocks: validated per row, all rows or none, round-trips the catalog."""
import io

import pandas as pd
import pytest

from recommender.catalog import selectors, services
from recommender.catalog.models import Block
from recommender.catalog.validation import CatalogError

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    services.catalog_load()


def fixture_csv():
    return services.blocks_export_csv(selectors.catalog_fixtures()["blocks"])


def edited(text, row_id, **changes):
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    rows = frame["id"] == row_id
    for column, value in changes.items():
        frame.loc[rows, column] = value
    return frame.to_csv(index=False)


def test_it_loads_the_fixtures_and_reads_back_the_same_catalog(loaded):
    fixtures, current = selectors.catalog_fixtures(), selectors.catalog_current()
    assert current["version"].startswith("db:")
    assert sorted(b["id"] for b in current["blocks"]) == sorted(b["id"] for b in fixtures["blocks"])
    pfs = next(b for b in current["blocks"] if b["id"] == "pfs-flash-5u")
    assert pfs["read_bytes_per_s"] == 400e9 and pfs["sources"][0].startswith("blocksandfiles-")
    assert {a["id"]: a["tiers"] for a in current["architectures"]} == \
        {a["id"]: a["tiers"] for a in fixtures["architectures"]}


def test_it_reads_the_fixtures_while_the_database_is_empty():
    assert Block.objects.count() == 0
    assert selectors.catalog_current()["version"].startswith("fixtures:")


def test_it_round_trips_blocks_through_csv(loaded):
    before = selectors.catalog_current()["blocks"]
    assert services.blocks_import_csv(services.blocks_export_csv()) == len(before)
    assert selectors.catalog_current()["blocks"] == before


def test_it_imports_a_changed_price_and_a_new_block(loaded):
    text = edited(services.blocks_export_csv(), "object-hdd-server-4u", price_usd="720", price_date="2026-11-01")
    new_row = edited(text, "net-port-100g", id="net-port-25g", read_bytes_per_s="3125000000",
                     write_bytes_per_s="3125000000", name="Storage network port, 25 GbE")
    services.blocks_import_csv(new_row)
    assert Block.objects.get(id="object-hdd-server-4u").price_usd == 720
    assert Block.objects.get(id="net-port-25g").read_bytes_per_s == 3.125e9
    assert Block.objects.filter(id="net-port-100g").exists()


# column, bad value, message
BAD_CELLS = [
    ("read_bytes_per_s", "-5", "read_bytes_per_s: must be a positive number"),
    ("read_bytes_per_s", "fast", "read_bytes_per_s: must be a positive number"),
    ("price_basis", "cheap", "price_basis: must be one of list"),
    ("protection", "raid9", "protection: must be none, ec:K+M"),
    ("figure_sources", "{not json", "figure_sources: must be a JSON object"),
    ("price_source", "", "price_source: is required with a price"),
    ("capacity_bytes", "1.5", "capacity_bytes: must be a whole number, zero or more"),
    ("usable_fraction", "1.2", "usable_fraction: must be a number above 0 and at most 1"),
    ("kind", "floppy", "kind: must be one of das_nvme_tlc"),
    ("per_node", "maybe", "per_node: must be true or false"),
    ("price_date", "31/12/2026", "price_date: must be a date as YYYY-MM-DD"),
    ("price_date", "", "price_date: is required with a price"),
    ("sources", "", "sources: is required"),
    ("id", "PFS 5U", "id: must be lowercase letters, digits and '-'"),
    ("network_port_block", "net-port-800g", "network_port_block: no network_port block 'net-port-800g'"),
    ("max_units", "0", "max_units: must be a positive whole number"),
    ("latency_s", "-1", "latency_s: must be a positive number"),
    ("ports_included_in_price", "perhaps", "ports_included_in_price: must be true or false"),
    ("network_ports", "0", "ports_included_in_price: needs network_ports above 0"),
]


@pytest.mark.parametrize("column, value, message", BAD_CELLS)
def test_it_rejects_a_bad_cell_with_its_row_and_field_and_imports_nothing(loaded, column, value, message):
    text = edited(services.blocks_export_csv(), "pfs-flash-5u", **{column: value}, name="changed name")
    pfs_row = 1 + next(i for i, line in enumerate(text.splitlines()) if "changed name" in line)
    with pytest.raises(CatalogError) as error:
        services.blocks_import_csv(text)
    assert any(e.startswith(f"row {pfs_row}, {message}") for e in error.value.errors), error.value.errors
    assert Block.objects.get(id="pfs-flash-5u").name != "changed name"


def test_it_lists_every_bad_row_not_only_the_first(loaded):
    text = edited(services.blocks_export_csv(), "pfs-flash-5u", read_bytes_per_s="0")
    text = edited(text, "nas-flash-2u", derating="2")
    with pytest.raises(CatalogError) as error:
        services.blocks_import_csv(text)
    assert len(error.value.errors) == 2


def test_it_rejects_duplicate_ids_in_one_file():
    text = fixture_csv()
    lines = text.splitlines()
    with pytest.raises(CatalogError) as error:
        services.blocks_import_csv("\n".join(lines + [lines[1]]) + "\n")
    assert error.value.errors == [f"row {len(lines) + 1}, id: duplicates row 2"]
    assert Block.objects.count() == 0


@pytest.mark.parametrize("text, message", [
    ("id,kind\nx,pfs_flash\n", "header: missing column name"),
    ("", "file: not a readable CSV"),
    ("\n".join([",".join(services.CSV_COLUMNS)]) + "\n", "file: no data rows"),
])
def test_it_rejects_a_file_that_is_not_a_block_table(text, message):
    with pytest.raises(CatalogError) as error:
        services.blocks_import_csv(text)
    assert error.value.errors[0].startswith(message)


def test_it_rejects_unknown_columns():
    text = fixture_csv().replace("sources\n", "sources,colour\n", 1)
    with pytest.raises(CatalogError) as error:
        services.blocks_import_csv(text)
    assert "header: unknown column colour" in error.value.errors


def test_it_rolls_back_an_edit_that_breaks_an_architecture(loaded):
    # a per-node PFS could no longer hold the shared tier of the architectures using it
    text = edited(services.blocks_export_csv(), "pfs-flash-5u", per_node="true", name="changed name")
    with pytest.raises(CatalogError) as error:
        services.blocks_import_csv(text)
    assert any("tiers.shared_fast: per-node block 'pfs-flash-5u'" in e for e in error.value.errors)
    assert Block.objects.get(id="pfs-flash-5u").per_node is False
    assert Block.objects.get(id="pfs-flash-5u").name != "changed name"


def test_it_reports_the_missing_cells_of_a_short_row():
    lines = fixture_csv().splitlines()
    short = "short-block,pfs_flash,A row cut after its name"
    with pytest.raises(CatalogError) as error:
        services.blocks_import_csv("\n".join([lines[0], short]) + "\n")
    assert "row 2, capacity_bytes: is required" in error.value.errors
    assert Block.objects.count() == 0


def test_it_ranks_with_the_edited_catalog(loaded):
    from recommender import services as core_services
    from tests.ranking.helpers import usecases

    document = next(d for name, d, _ in usecases() if name == "llm_training")
    before = {p["architecture"]: p for p in core_services.use_case_evaluate(document)["proposals"]}
    text = edited(services.blocks_export_csv(), "object-flash-2u", price_usd="3600000", price_date="2026-11-27")
    services.blocks_import_csv(text)
    after = core_services.use_case_evaluate(document)
    proposals = {p["architecture"]: p for p in after["proposals"]}
    assert proposals["object-cache"]["cost_usd"] > before["object-cache"]["cost_usd"]
    assert after["proposals"][0]["architecture"] != "object-cache"  # ten times dearer, no longer first
    assert after["catalog_version"].startswith("db:")
