"""OpenAPI schema and the offline docs page."""
import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_it_serves_the_openapi_schema(client):
    r = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    assert "/api/v1/sizing" in paths
    assert "/api/v1/use-cases/" in paths
    assert "/api/v1/validations/{id}/" in paths


def test_it_serves_the_docs_page_without_a_cdn(client):
    r = client.get("/api/docs/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "cdn." not in html and "/static/drf_spectacular_sidecar/" in html


def test_it_validates_the_schema_without_warnings(tmp_path):
    call_command("spectacular", "--file", str(tmp_path / "schema.yml"), "--validate", "--fail-on-warn")


def test_it_creates_tokens_from_the_command_line(user, capsys):
    call_command("drf_create_token", user.username)
    words = capsys.readouterr().out.split()
    assert len(words[words.index("token") + 1]) == 40
