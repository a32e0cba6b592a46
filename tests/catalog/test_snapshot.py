"""Catalog snapshot: one frozen catalog per process, rebuilt when any process changes the catalog."""
import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recommender import ranking, services
from recommender.catalog import selectors, snapshot
from recommender.catalog import services as catalog_services
from recommender.catalog.models import Architecture, ArchitectureTier, Block

ROOT = Path(__file__).resolve().parents[2]
USE_CASES = sorted((ROOT / "fixtures" / "usecases").glob("*.json"))
BLOCK = "pfs-flash-5u"


def use_case(path=USE_CASES[0]):
    return json.loads(path.read_text())


def price_seen(block_id=BLOCK):
    return next(b["price_usd"] for b in snapshot.current().catalog["blocks"] if b["id"] == block_id)


def set_price(price_usd):
    block = Block.objects.get(id=BLOCK)
    block.price_usd = price_usd
    block.save()


@pytest.fixture
def loaded(db):
    catalog_services.catalog_load()


def test_it_ranks_without_a_catalog_query_while_nothing_changed(loaded):
    services.use_case_evaluate(use_case())
    with CaptureQueriesContext(connection) as queries:
        services.use_case_evaluate(use_case())
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert statements == ['SELECT token FROM "catalog_catalogversion" WHERE id = 1']


def test_it_keeps_one_snapshot_object_while_nothing_changed(loaded):
    assert snapshot.current() is snapshot.current()


def _save_architecture():
    Architecture.objects.get(id="pfs-only").save()


def _delete_tier():
    ArchitectureTier.objects.filter(architecture_id="pfs-only").first().delete()


def _add_tier():
    tier = ArchitectureTier.objects.filter(architecture_id="pfs-only").first()
    tier.delete()
    ArchitectureTier.objects.create(architecture_id="pfs-only", tier=tier.tier, block_id=tier.block_id)


def _csv_import():
    catalog_services.blocks_import_csv(catalog_services.blocks_export_csv())


@pytest.mark.parametrize("change", [
    lambda: set_price(123.0), _delete_tier,
    _save_architecture, _add_tier, _csv_import, lambda: catalog_services.catalog_load(),
    lambda: call_command("catalog", "load", verbosity=0),
], ids=["block save", "tier delete", "architecture save", "tier create", "CSV import", "catalog_load",
        "catalog command"])
def test_it_rebuilds_the_snapshot_after_every_kind_of_catalog_write(loaded, change):
    before = snapshot.current()
    change()
    after = snapshot.current()
    assert after is not before and after.token != before.token


def test_it_rebuilds_after_a_block_is_deleted(db):
    catalog_services.catalog_load()
    spare = dict(next(b for b in selectors.catalog_fixtures()["blocks"] if b["id"] == BLOCK), id="spare-block",
                 network_port_block=None, network_ports=0, ports_included_in_price=False)
    catalog_services.catalog_load({"blocks": [spare], "architectures": []})
    assert "spare-block" in {b["id"] for b in snapshot.current().catalog["blocks"]}
    Block.objects.get(id="spare-block").delete()
    assert "spare-block" not in {b["id"] for b in snapshot.current().catalog["blocks"]}


def test_it_sees_a_price_edited_in_the_admin(loaded, client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "x" * 12))
    from tests.catalog.test_admin import form_data

    price_seen()
    response = client.post(f"/admin/catalog/block/{BLOCK}/change/", form_data(BLOCK, price_usd="4242"))
    assert response.status_code == 302 and price_seen() == 4242


def test_it_sees_blocks_imported_through_the_api(loaded, django_user_model):
    from rest_framework.test import APIClient

    staff = APIClient()
    staff.force_authenticate(django_user_model.objects.create_user("staff", is_staff=True))
    price_seen()
    rows = catalog_services.blocks_export_csv()
    edited = "\n".join(_with_price(line, rows) if line.startswith(BLOCK + ",") else line
                       for line in rows.splitlines())
    assert staff.post("/api/v1/catalog/blocks/import", edited, content_type="text/csv").status_code == 200
    assert price_seen() == 777.0


def _with_price(line, text):
    header = text.splitlines()[0].split(",")
    cells = next(csv.reader(io.StringIO(line)))
    cells[header.index("price_usd")] = "777"
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    return out.getvalue()


def test_it_sees_fixtures_loaded_with_loaddata(loaded, tmp_path):
    price_seen()
    dump = tmp_path / "block.json"
    call_command("dumpdata", "catalog.block", "--pks", BLOCK, "-o", str(dump), verbosity=0)
    data = json.loads(dump.read_text())
    data[0]["fields"]["price_usd"] = 31337.0
    dump.write_text(json.dumps(data))
    call_command("loaddata", str(dump), verbosity=0)
    assert price_seen() == 31337.0


def test_it_refuses_changes_to_the_shared_snapshot(loaded):
    catalog = snapshot.current().catalog
    block = catalog["blocks"][0]
    for change in (lambda: block.__setitem__("price_usd", 1), lambda: catalog["blocks"].append({}),
                   lambda: block["sources"].append("x"), lambda: block.update(price_usd=1)):
        with pytest.raises(TypeError, match="read-only"):
            change()
    assert dict(block, price_usd=1)["price_usd"] == 1  # a copy is an ordinary dict


@pytest.mark.parametrize("path", USE_CASES, ids=[p.stem for p in USE_CASES])
def test_it_answers_the_same_from_the_shipped_and_the_database_catalog(loaded, path):
    tiers = services.rules.evaluate(use_case(path))["tiers"]
    shipped = ranking.rank(tiers, selectors.catalog_fixtures())
    database = ranking.rank(tiers, snapshot.current().catalog)
    assert snapshot.current().version.startswith("db:")
    assert json.loads(json.dumps(database)) == json.loads(json.dumps(shipped))


def test_it_answers_from_the_fixtures_before_the_catalog_is_loaded(db):
    assert snapshot.current().version.startswith("fixtures:")


def _in_another_process(code, transactional_db_url):
    env = dict(os.environ, DATABASE_URL=transactional_db_url, DJANGO_SETTINGS_MODULE="recommender.settings")
    script = "import django; django.setup()\n" + code
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_it_sees_a_change_made_by_another_process(transactional_db):
    from tests.conftest import test_database_url

    catalog_services.catalog_load()
    assert price_seen() != 555.0
    _in_another_process(
        f"from recommender.catalog.models import Block\nb = Block.objects.get(id={BLOCK!r})\n"
        "b.price_usd = 555.0\nb.save()\n", test_database_url())
    assert price_seen() == 555.0
    evaluated = services.use_case_evaluate(use_case())
    assert any(line["item"] == BLOCK and line["unit_price_usd"] == 555.0
               for p in evaluated["proposals"] for line in p["bom"])


def test_another_process_sees_a_change_made_here(transactional_db):
    from tests.conftest import test_database_url

    catalog_services.catalog_load()
    read = (f"from recommender.catalog import snapshot\n"
            f"print(next(b['price_usd'] for b in snapshot.current().catalog['blocks'] if b['id'] == {BLOCK!r}))")
    before = float(_in_another_process(read, test_database_url()))
    set_price(before + 1)
    assert float(_in_another_process(read, test_database_url())) == before + 1


def test_the_version_read_outside_a_transaction_is_the_one_django_reads(transactional_db):
    catalog_services.catalog_load()
    assert not connection.in_atomic_block and not connection.queries_logged  # the driver's cursor
    first = snapshot.version_token()
    assert first and first == snapshot._version_token_through_django()
    set_price(4321.0)
    assert snapshot.version_token() not in (first, None)
    assert snapshot.version_token() == snapshot._version_token_through_django()


def test_the_version_read_outside_a_transaction_is_none_without_the_table(transactional_db, monkeypatch):
    monkeypatch.setattr(snapshot, "_version_sql", lambda: "SELECT token FROM no_such_table WHERE id = 1")
    assert snapshot.version_token() is None
    assert snapshot._version_token_through_django() is None
    assert Block.objects.count() >= 0  # the connection still answers
