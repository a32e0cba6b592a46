"""Vendor quotes: imported by a user (API, admin, CLI), used in that user's proposals only, all rows or none."""
import datetime
import json

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from recommender import ranking, services
from recommender.catalog import quotes, snapshot
from recommender.catalog.models import Quote
from recommender.catalog.validation import CatalogError
from tests.ranking.helpers import usecases

pytestmark = pytest.mark.django_db
LATER = (datetime.date.today() + datetime.timedelta(days=90)).isoformat()
QUOTE = {"block_id": "net-port-400g", "unit_price_usd": 1500, "valid_until": LATER, "vendor_ref": "ACME-Q-2026-17"}
CV = next(document for name, document, _ in usecases() if name == "cv_training")  # uses net-port-400g


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", password="x" * 12)


@pytest.fixture
def bob(django_user_model):
    return django_user_model.objects.create_user("bob", password="x" * 12)


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def ports(document):
    return next(l for l in document["proposals"][0]["bom"] if l["item"] == "net-port-400g")


def test_it_uses_a_quote_in_its_owners_proposals_only(alice, bob):
    quotes.quotes_import(alice, quotes.quote_rows_json([QUOTE]))
    mine, theirs = services.use_case_evaluate(CV, owner=alice), services.use_case_evaluate(CV, owner=bob)
    assert (ports(mine)["price_basis"], ports(mine)["unit_price_usd"], ports(mine)["quoted"]) == ("quote", 1500.0, True)
    assert "ACME-Q-2026-17" in ports(mine)["source"]
    # without a quote the ports are inside the storage unit's whole-system price
    assert ports(theirs)["price_basis"] == "included" and ports(theirs)["quoted"] is False
    assert ports(services.use_case_evaluate(CV))["subtotal_usd"] == 0


def test_it_prices_its_owners_gpu_sweep_with_the_quote_and_nobody_elses(alice, bob):
    quotes.quotes_import(alice, quotes.quote_rows_json([QUOTE]))
    def tops(user):
        response = client_for(user).post("/api/v1/sizing/sweep", CV, format="json")
        assert response.status_code == 200, response.content
        return [(p["gpus"], p["top"]["architecture"], p["top"]["cost_usd"]) for p in response.json()["points"]]
    mine, theirs = tops(alice), tops(bob)
    unquoted = ranking.sweep(CV, snapshot.current().catalog)["points"]
    assert theirs == [(p["gpus"], p["top"]["architecture"], p["top"]["cost_usd"]) for p in unquoted]
    # the quoted ports are a line of their own in alice's options, so her sweep costs more wherever they are used
    assert any(m[2] > t[2] for m, t in zip(mine, theirs) if m[1] == t[1])
    assert all(m[2] >= t[2] for m, t in zip(mine, theirs) if m[1] == t[1])


def test_it_imports_json_quotes_through_the_api_and_lists_only_mine(alice, bob):
    response = client_for(alice).post("/api/v1/catalog/quotes/", {"quotes": [QUOTE]}, format="json")
    assert response.status_code == 201 and response.json() == {"imported": 1}
    assert [q["block_id"] for q in client_for(alice).get("/api/v1/catalog/quotes/").json()] == ["net-port-400g"]
    assert client_for(bob).get("/api/v1/catalog/quotes/").json() == []


def test_it_imports_a_csv_body_through_the_api(alice):
    text = "block_id,unit_price_usd,valid_until,vendor_ref\nswitch-51t-2u,42000,%s,NV-88\n" % LATER
    response = client_for(alice).post("/api/v1/catalog/quotes", text, content_type="text/csv")
    assert response.status_code == 201, response.content
    assert Quote.objects.get(owner=alice).unit_price_usd == 42000


def test_it_rejects_every_bad_row_by_row_and_imports_nothing(alice):
    rows = [QUOTE, {**QUOTE, "block_id": "switch-51t-2u", "unit_price_usd": -3},
            {**QUOTE, "block_id": "pfs-flash-5u", "valid_until": "2020-01-01"},
            {**QUOTE, "block_id": "nas-flash-2u", "vendor_ref": ""}, QUOTE]
    response = client_for(alice).post("/api/v1/catalog/quotes/", {"quotes": rows}, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "row 2, unit_price_usd: must be a positive number" in errors
    assert "row 3, valid_until: is in the past: the quote has expired" in errors
    assert any(e.startswith("row 4, vendor_ref: is required") for e in errors)
    assert "row 5, block_id: duplicates row 1" in errors
    assert Quote.objects.count() == 0


def test_it_needs_the_block_columns_to_quote_a_unit_not_in_the_catalog(alice):
    with pytest.raises(CatalogError) as error:
        quotes.quotes_import(alice, quotes.quote_rows_json([{**QUOTE, "block_id": "acme-pfs-9000"}]))
    assert error.value.errors[0].startswith("row 1, block_id: is not in the catalog")


def test_it_quotes_a_new_unit_with_its_block_row(alice):
    new = {"kind": "pfs_flash", "name": "ACME parallel-FS appliance 4U", "capacity_bytes": 1e15, "usable_fraction": 0.8,
           "read_bytes_per_s": 200e9, "write_bytes_per_s": 150e9, "per_node": False, "network_ports": 0,
           "derating": 1.0, "protection": "none", "sources": ["quote ACME-Q-2026-17"]}
    count = quotes.quotes_import(alice, quotes.quote_rows_json([{**QUOTE, "block_id": "acme-pfs-9000", "block": new}]))
    assert count == 1 and Quote.objects.get(owner=alice).block["name"] == "ACME parallel-FS appliance 4U"


def test_it_rejects_a_bad_block_row_of_a_new_unit_with_its_field(alice):
    new = {"kind": "floppy", "name": "x", "capacity_bytes": 1, "usable_fraction": 1, "per_node": False,
           "network_ports": 0, "derating": 1, "sources": ["quote"]}
    with pytest.raises(CatalogError) as error:
        quotes.quotes_import(alice, quotes.quote_rows_json([{**QUOTE, "block_id": "acme-x", "block": new}]))
    assert any(e.startswith("row 1, block.kind: must be one of") for e in error.value.errors)


def test_it_imports_quotes_from_the_command_line_for_a_user(alice, tmp_path, capsys):
    path = tmp_path / "quotes.csv"
    path.write_text("block_id,unit_price_usd,valid_until,vendor_ref\nnet-port-400g,1500,%s,Q-1\n" % LATER)
    call_command("catalog", "quotes", "alice", str(path))
    assert "imported 1 quotes for alice" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("block_id,unit_price_usd,valid_until,vendor_ref\nnet-port-400g,free,%s,Q-1\n" % LATER)
    with pytest.raises(CommandError) as error:
        call_command("catalog", "quotes", "alice", str(bad))
    assert error.value.returncode == 2 and "row 2, unit_price_usd: must be a positive number" in str(error.value)
    assert Quote.objects.get(owner=alice).vendor_ref == "Q-1"


def test_it_refuses_quotes_for_an_unknown_user_on_the_command_line(tmp_path):
    path = tmp_path / "quotes.csv"
    path.write_text("block_id,unit_price_usd,valid_until,vendor_ref\n")
    with pytest.raises(CommandError) as error:
        call_command("catalog", "quotes", "nobody", str(path))
    assert error.value.returncode == 2


def test_it_edits_quotes_in_the_admin_with_the_same_checks(client, django_user_model, alice):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "x" * 12))
    form = {"owner": alice.pk, "block_id": "net-port-400g", "unit_price_usd": "1500", "valid_until": "2020-01-01",
            "vendor_ref": "Q-1", "block": "null"}
    response = client.post("/admin/catalog/quote/add/", form)
    assert response.status_code == 200 and b"expired" in response.content and Quote.objects.count() == 0
    response = client.post("/admin/catalog/quote/add/", {**form, "valid_until": LATER})
    assert response.status_code == 302 and Quote.objects.get().owner == alice


def test_it_deletes_only_my_own_quote(alice, bob):
    quotes.quotes_import(alice, quotes.quote_rows_json([QUOTE]))
    pk = Quote.objects.get().pk
    assert client_for(bob).delete(f"/api/v1/catalog/quotes/{pk}/").status_code == 404
    assert client_for(alice).delete(f"/api/v1/catalog/quotes/{pk}/").status_code == 204


def test_it_answers_401_or_403_without_a_user():
    assert APIClient().get("/api/v1/catalog/quotes/").status_code in (401, 403)


def test_it_rejects_a_quotes_value_that_is_not_a_list(alice):
    response = client_for(alice).post("/api/v1/catalog/quotes/", {"quotes": json.dumps([QUOTE])}, format="json")
    assert response.status_code == 400 and response.json()["errors"][0].startswith("quotes: must be a list")
