"""`manage.py catalog load | import | export`: thin over the services, exit code 2 on bad input."""
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from recommender.catalog import selectors, services
from recommender.catalog.models import Architecture, Block

pytestmark = pytest.mark.django_db
SHIPPED_BLOCKS = len(selectors.catalog_fixtures()["blocks"])


def test_it_loads_the_fixtures(capsys):
    call_command("catalog", "load")
    assert f"loaded {SHIPPED_BLOCKS} blocks and 10 architectures" in capsys.readouterr().out
    assert Block.objects.count() == SHIPPED_BLOCKS and Architecture.objects.get(id="pfs-only").tiers.count() == 5


def test_it_loads_twice_without_duplicating_rows():
    call_command("catalog", "load")
    call_command("catalog", "load")
    assert Block.objects.count() == SHIPPED_BLOCKS


def test_it_exports_and_imports_a_file(tmp_path, capsys):
    call_command("catalog", "load")
    path = tmp_path / "blocks.csv"
    call_command("catalog", "export", str(path))
    assert path.read_text().startswith("id,kind,name,capacity_bytes")
    call_command("catalog", "import", str(path))
    assert f"imported {SHIPPED_BLOCKS} blocks" in capsys.readouterr().out


def test_it_exits_2_with_every_bad_row_and_changes_nothing(tmp_path):
    call_command("catalog", "load")
    lines = services.blocks_export_csv().splitlines()
    lines[3] = lines[3].replace(lines[3].split(",")[0], "Bad Id", 1)
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(CommandError) as error:
        call_command("catalog", "import", str(path))
    assert error.value.returncode == 2
    assert "row 4, id: must be lowercase letters" in str(error.value)
    assert not Block.objects.filter(id="Bad Id").exists()


@pytest.mark.parametrize("content, message", [
    (None, "does not exist"),
    (b"\xff\xfe\x00binary", "is not UTF-8 text"),
])
def test_it_exits_2_on_a_missing_or_binary_file(tmp_path, content, message):
    path = tmp_path / "blocks.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CommandError, match=message) as error:
        call_command("catalog", "import", str(path))
    assert error.value.returncode == 2
