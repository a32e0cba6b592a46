"""Catalog API: read-only for users, CSV import for staff only, CSV export; errors per row."""
import pytest
from rest_framework.test import APIClient

from recommender.catalog import selectors, services
from recommender.catalog.models import Block

pytestmark = pytest.mark.django_db
SHIPPED_BLOCKS = len(selectors.catalog_fixtures()["blocks"])


@pytest.fixture
def loaded():
    services.catalog_load()


@pytest.fixture
def staff_client(django_user_model):
    client = APIClient()
    client.force_authenticate(django_user_model.objects.create_user("carol", password="x" * 12, is_staff=True))
    return client


def test_it_lists_blocks_with_their_figures_and_sources(api_client, loaded):
    response = api_client.get("/api/v1/catalog/blocks/")
    assert response.status_code == 200
    blocks = {b["id"]: b for b in response.json()["results"]}
    assert blocks["pfs-flash-5u"]["write_bytes_per_s"] == 208e9
    assert blocks["pfs-flash-5u"]["sources"]


def test_it_shows_one_block(api_client, loaded):
    response = api_client.get("/api/v1/catalog/blocks/das-nvme-tlc-6400gb/")
    assert response.status_code == 200 and response.json()["max_units_per_node"] == 8


def test_it_lists_architectures_with_a_block_per_tier(api_client, loaded):
    response = api_client.get("/api/v1/catalog/architectures/")
    architectures = {a["id"]: a for a in response.json()["results"]}
    assert architectures["pfs-only"]["tiers"]["archive"] == "pfs-flash-5u"


def test_it_requires_authentication(loaded):
    assert APIClient().get("/api/v1/catalog/blocks/").status_code in (401, 403)


def test_it_exports_csv(api_client, loaded):
    for url in ("/api/v1/catalog/blocks/export.csv", "/api/v1/catalog/blocks/export.csv/"):
        response = api_client.get(url)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        assert response.content.decode().startswith("id,kind,name")


@pytest.mark.parametrize("url", ["/api/v1/catalog/blocks/import", "/api/v1/catalog/blocks/import/"])
def test_it_lets_only_staff_import(api_client, loaded, url):
    response = api_client.post(url, services.blocks_export_csv(), content_type="text/csv")
    assert response.status_code == 403


def test_it_imports_a_csv_body_for_staff(staff_client, loaded):
    text = services.blocks_export_csv().replace("\"All-flash parallel-FS enclosure, 5U", "\"Renamed all-flash parallel-FS enclosure, 5U", 1)
    response = staff_client.post("/api/v1/catalog/blocks/import", text, content_type="text/csv")
    assert response.status_code == 200 and response.json() == {"imported": SHIPPED_BLOCKS}
    assert Block.objects.get(id="pfs-flash-5u").name.startswith("Renamed")


def test_it_imports_an_uploaded_file_for_staff(staff_client, loaded, tmp_path):
    path = tmp_path / "blocks.csv"
    path.write_text(services.blocks_export_csv())
    with path.open("rb") as handle:
        response = staff_client.post("/api/v1/catalog/blocks/import/", {"file": handle}, format="multipart")
    assert response.status_code == 200 and response.json() == {"imported": SHIPPED_BLOCKS}


def test_it_answers_400_with_per_row_errors_and_imports_nothing(staff_client, loaded):
    text = services.blocks_export_csv().replace("\"All-flash parallel-FS enclosure, 5U", "\"Renamed all-flash parallel-FS enclosure, 5U", 1)
    text = text.replace(",pfs_flash,", ",tape,", 1)
    response = staff_client.post("/api/v1/catalog/blocks/import", text, content_type="text/csv")
    assert response.status_code == 400
    assert any(e.endswith("kind: must be one of das_nvme_tlc, das_nvme_qlc, pfs_flash, pfs_sds, nas_flash, "
                          "disagg_flash, object_flash, object_hdd, tape_archive, host_dram, cxl_memory, "
                          "network_port, switch")
               for e in response.json()["errors"])
    assert not Block.objects.get(id="pfs-flash-5u").name.startswith("Renamed")


def test_it_answers_400_without_a_file(staff_client, loaded):
    response = staff_client.post("/api/v1/catalog/blocks/import", {}, format="multipart")
    assert response.status_code == 400
    assert response.json() == {"errors": ["file: send a text/csv body or a multipart field named 'file'"]}
