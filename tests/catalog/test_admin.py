"""Catalog admin: staff edit blocks and architectures; bad figures are refused field by field."""
import json

import pytest

from recommender.catalog import services
from recommender.catalog.models import Block
from recommender.catalog.selectors import block_dict

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "x" * 12))
    services.catalog_load()
    return client


def form_data(block_id, **changes):
    data = block_dict(Block.objects.get(id=block_id))
    data["sources"] = json.dumps(data["sources"])
    data["figure_sources"] = json.dumps(data["figure_sources"])
    data = {k: ("" if v is None else v) for k, v in {**data, **changes}.items()}
    return {k: v for k, v in data.items() if v is not False}


def test_it_lists_blocks_and_architectures(admin_client):
    assert b"pfs-flash-5u" in admin_client.get("/admin/catalog/block/").content
    assert admin_client.get("/admin/catalog/architecture/pfs-only/change/").status_code == 200


def test_it_saves_an_edited_price(admin_client):
    response = admin_client.post("/admin/catalog/block/pfs-flash-5u/change/",
                                 form_data("pfs-flash-5u", price_usd="1000000"))
    assert response.status_code == 302
    assert Block.objects.get(id="pfs-flash-5u").price_usd == 1_000_000


def test_it_refuses_a_usable_fraction_above_one(admin_client):
    response = admin_client.post("/admin/catalog/block/pfs-flash-5u/change/",
                                 form_data("pfs-flash-5u", usable_fraction="1.5"))
    assert response.status_code == 200
    assert b"must be a number above 0 and at most 1" in response.content
    assert Block.objects.get(id="pfs-flash-5u").usable_fraction == 0.8


def test_it_refuses_a_per_node_block_on_a_shared_tier(admin_client):
    from django.core.exceptions import ValidationError

    from recommender.catalog.models import ArchitectureTier

    row = ArchitectureTier(architecture_id="pfs-only", tier="shared_fast", block_id="das-nvme-tlc-6400gb")
    with pytest.raises(ValidationError, match="per-node block can only hold"):
        row.clean()
