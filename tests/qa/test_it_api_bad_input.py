"""REST API under bad input: every answer is a 4xx naming the field (or the reason), never a 500,
and nothing is stored half-way. Each case here was a 500 or an unclear answer before its fix."""
import csv
import io

import pytest
from rest_framework.test import APIClient

from recommender.validation.models import Target, ValidationRun
from recommender.catalog import services as catalog_services
from recommender.catalog.models import Block
from recommender.models import Proposal, UseCase
from tests.api.cases import MLPERF_LLAMA3_8B

HUGE_INT = "1" + "0" * 400  # valid JSON; beyond any float (math.isfinite(10**400) raises OverflowError)


def post_raw(client, url, body):
    return client.generic("POST", url, body, content_type="application/json")


HUGE_GPUS = '{"workload": "llm_training", "model": {"preset": "llama3.1-8b"}, "gpus": %s}' % HUGE_INT


@pytest.mark.parametrize("url", ["/api/v1/sizing", "/api/v1/use-cases/"])  # the sweep sets gpus itself
def test_it_bounds_a_gpu_count_too_large_for_a_float(api_client, url):
    response = post_raw(api_client, url, HUGE_GPUS)
    assert response.status_code == 400, response.content
    assert response.json() == {"gpus": ["must be at most 1,000,000"]}
    assert not UseCase.objects.exists()


@pytest.mark.parametrize("url", ["/api/v1/sizing", "/api/v1/sizing/sweep", "/api/v1/use-cases/"])
@pytest.mark.parametrize("field, body", [
    ("model.parameters", '{"workload": "llm_training", "model": {"parameters": %s}, "gpus": 8}' % HUGE_INT),
    ("data.total_bytes",
     '{"workload": "llm_training", "model": {"preset": "llama3.1-8b"}, "gpus": 8, "data": {"total_bytes": %s}}'
     % HUGE_INT),
    ("inference.context_tokens",
     '{"workload": "llm_inference", "model": {"preset": "llama3.1-8b"}, "gpus": 8, '
     '"inference": {"context_tokens": %s, "concurrent_sequences": 8}}' % HUGE_INT),
])
def test_it_bounds_an_integer_too_large_for_a_float(api_client, url, field, body):
    response = post_raw(api_client, url, body)
    assert response.status_code == 400, response.content
    assert "must be at most" in response.json()[field][0]
    assert not UseCase.objects.exists()


def test_it_says_at_most_not_whole_number_for_a_huge_whole_count(api_client):
    response = api_client.post("/api/v1/sizing", {**MLPERF_LLAMA3_8B, "gpus": 10**30}, format="json")
    assert response.status_code == 400
    assert response.json()["gpus"] == ["must be at most 1,000,000"]


def test_it_names_an_unknown_field_next_to_a_training_workload_preset(api_client):
    document = {"workload": "cv_training", "model": {"preset": "unet3d", "sample_byte": 1000}, "gpus": 8}
    response = api_client.post("/api/v1/use-cases/", document, format="json")
    assert response.status_code == 400
    assert "unknown field" in response.json()["model.sample_byte"][0]
    assert not UseCase.objects.exists()


@pytest.mark.parametrize("parallelism", ["x", [1, 2], 8])
def test_it_rejects_a_parallelism_that_is_not_an_object_in_the_sweep(api_client, parallelism):
    response = api_client.post("/api/v1/sizing/sweep", {**MLPERF_LLAMA3_8B, "parallelism": parallelism},
                               format="json")
    assert response.status_code == 400
    assert response.json() == {"parallelism": ["must be an object"]}


@pytest.mark.parametrize("url", ["/api/v1/sizing", "/api/v1/sizing/sweep", "/api/v1/use-cases/"])
@pytest.mark.parametrize("fmt", ["multipart", None])
def test_it_answers_415_to_a_form_body_for_a_use_case(api_client, url, fmt):
    form = {"workload": "llm_training", "model": "null", "parallelism": "null", "gpus": "8"}
    response = (api_client.post(url, form, format=fmt) if fmt else
                api_client.post(url, "workload=llm_training&gpus=8",
                                content_type="application/x-www-form-urlencoded"))
    assert response.status_code == 415
    assert "Unsupported media type" in response.json()["detail"]
    assert not UseCase.objects.exists()


def test_it_answers_415_to_a_form_body_replacing_a_use_case(api_client):
    use_case_id = api_client.post("/api/v1/use-cases/", MLPERF_LLAMA3_8B, format="json").json()["id"]
    response = api_client.put(f"/api/v1/use-cases/{use_case_id}/", {"gpus": "8"}, format="multipart")
    assert response.status_code == 415
    assert UseCase.objects.get(pk=use_case_id).document == MLPERF_LLAMA3_8B
    assert Proposal.objects.filter(use_case_id=use_case_id).count() == 1


@pytest.mark.parametrize("action", ["proposal/", "report.pdf", "bom.csv", "bom"])
def test_it_answers_404_for_a_use_case_without_a_proposal(api_client, user, action):
    use_case = UseCase.objects.create(owner=user, name="no proposal", workload="llm_training",
                                      document=MLPERF_LLAMA3_8B)  # e.g. its proposals deleted in the admin
    response = api_client.get(f"/api/v1/use-cases/{use_case.pk}/{action}")
    assert response.status_code == 404
    assert response.json() == {"detail": "this use case has no proposal"}


@pytest.mark.parametrize("url", ["/api/v1/use-cases/", "/api/v1/validations/", "/api/v1/targets/",
                                 "/api/v1/catalog/blocks/", "/api/v1/catalog/architectures/"])
def test_it_caps_a_huge_page_limit(api_client, user, url):
    catalog_services.catalog_load()
    api_client.post("/api/v1/use-cases/", MLPERF_LLAMA3_8B, format="json")
    target = Target.objects.create(name="t1", path="/tmp/t1", size_cap_bytes=10**9, free_floor_bytes=0, public=True)
    run = ValidationRun.objects.create(owner=user, use_case=UseCase.objects.get(), status=ValidationRun.SUCCEEDED)
    run.targets.set([target])
    response = api_client.get(url, {"limit": "270901431204936908800", "offset": "0"})
    assert response.status_code == 200, response.content
    assert response.json()["count"] >= 1 and response.json()["results"]


def test_it_names_an_unknown_field_of_a_validation_run_and_starts_nothing(api_client):
    use_case_id = api_client.post("/api/v1/use-cases/", MLPERF_LLAMA3_8B, format="json").json()["id"]
    Target.objects.create(name="default", path="/tmp/qa-default", size_cap_bytes=10**9, free_floor_bytes=0)
    response = api_client.post(f"/api/v1/use-cases/{use_case_id}/validations/", {"budget": 30}, format="json")
    assert response.status_code == 400
    assert response.json() == {"budget": ["unknown field; expected targets, budget_s"]}
    assert not ValidationRun.objects.exists()


# --- catalog CSV import (staff) ----------------------------------------------------------------

@pytest.fixture
def staff_client(django_user_model):
    client = APIClient()
    client.force_authenticate(django_user_model.objects.create_user("qa-staff", password="x" * 12, is_staff=True))
    return client


def csv_with(**changes):
    """The fixture catalog as CSV with one cell of the pfs-flash-5u row changed."""
    text = catalog_services.blocks_export_csv()
    header = text.splitlines()[0].split(",")
    rows = list(csv.DictReader(io.StringIO(text)))
    for row in rows:
        if row["id"] == "pfs-flash-5u":
            row.update(changes)
    out = io.StringIO()
    writer = csv.DictWriter(out, header)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize("column, value, message", [
    ("capacity_bytes", "1" + "0" * 30,
     "capacity_bytes: must be a whole number, zero or more, at most 9,223,372,036,854,775,807"),
    ("capacity_bytes", "1e30", "capacity_bytes: must be a whole number, zero or more, at most"),
    ("max_units", "99999999999999", "max_units: must be a positive whole number, at most 2,147,483,647"),
    ("network_ports", "1e15", "network_ports: must be a whole number, zero or more, at most 2,147,483,647"),
    ("name", "x" * 201, "name: must be text of at most 200 characters"),
    ("price_source", "oscoo\x00x", "price_source: must be text without NUL characters"),
])
def test_it_refuses_a_catalog_cell_the_database_cannot_hold(staff_client, column, value, message):
    catalog_services.catalog_load()
    before = Block.objects.get(id="pfs-flash-5u").name
    changes = {"name": "changed", column: value}  # the name shows whether anything was written
    response = staff_client.post("/api/v1/catalog/blocks/import", csv_with(**changes), content_type="text/csv")
    assert response.status_code == 400, response.content
    assert any(message in e for e in response.json()["errors"]), response.json()
    assert Block.objects.get(id="pfs-flash-5u").name == before


def test_it_says_a_csv_body_is_not_utf8(staff_client):
    response = staff_client.generic("POST", "/api/v1/catalog/blocks/import", b"\xff\xfe\x00id",
                                    content_type="text/csv")
    assert response.status_code == 400
    assert response.json() == {"errors": ["file: not UTF-8 text"]}


def test_it_takes_a_multipart_file_field_sent_as_plain_text(staff_client):
    catalog_services.catalog_load()
    text = csv_with(name="Renamed from a text field")
    response = staff_client.post("/api/v1/catalog/blocks/import", {"file": text}, format="multipart")
    assert response.status_code == 200, response.content
    assert Block.objects.get(id="pfs-flash-5u").name == "Renamed from a text field"


# --- the document as a whole ---------------------------------------------------------------------

def deep_list(levels):
    return "[" * levels + "]" * levels


@pytest.mark.parametrize("url", ["/api/v1/sizing", "/api/v1/sizing/sweep", "/api/v1/use-cases/",
                                 "/api/v1/use-cases/{id}/validations/"])
def test_it_answers_400_to_json_nested_beyond_the_parser(api_client, url):
    if "{id}" in url:
        url = url.format(id=api_client.post("/api/v1/use-cases/", MLPERF_LLAMA3_8B, format="json").json()["id"])
    body = '{"workload": "llm_training", "description": %s}' % deep_list(100_000)
    response = post_raw(api_client, url, body)
    assert response.status_code == 400
    assert response.json() == {"detail": "JSON parse error - nested too deeply"}


@pytest.mark.parametrize("url", ["/api/v1/sizing", "/api/v1/sizing/sweep", "/api/v1/use-cases/"])
@pytest.mark.parametrize("field", ["gpu", "description"])
def test_it_refuses_a_document_nested_absurdly_deep(api_client, url, field):
    body = '{"workload": "llm_training", "model": {"preset": "llama3.1-8b"}, "%s": %s}' % (field, deep_list(900))
    response = post_raw(api_client, url, body)
    assert response.status_code == 400
    assert response.json() == {field: ["nested more than 16 levels deep"]}
    assert not UseCase.objects.exists()


@pytest.mark.parametrize("document, field, message", [
    ({"name": "llama\x00"}, "name", "must not contain NUL characters"),
    ({"gpu": {"label": "h100\x00"}}, "gpu.label", "must not contain NUL characters"),
    ({"data": {"format\x00": "csv"}}, "data", "has a field name with a NUL character"),
    ({"description": {"text": "free-form"}}, "description", "must be a text of at most 2000 characters"),
    ({"description": "d" * 2001}, "description", "must be a text of at most 2000 characters"),
])
def test_it_refuses_text_the_database_cannot_store(api_client, document, field, message):
    response = api_client.post("/api/v1/use-cases/", {**MLPERF_LLAMA3_8B, **document}, format="json")
    assert response.status_code == 400
    assert response.json()[field] == [message]
    assert not UseCase.objects.exists()


def test_it_keeps_a_plain_description(api_client):
    response = api_client.post("/api/v1/use-cases/", {**MLPERF_LLAMA3_8B, "description": "MLPerf config"},
                               format="json")
    assert response.status_code == 201
    assert UseCase.objects.get().document["description"] == "MLPerf config"


@pytest.mark.parametrize("document, field, message", [
    ({"workload": "tabular_ml", "tabular": {"format": "csv", "dataset_bytes": 2e12, "scan_target_s": 1e-300}},
     "tabular.scan_target_s", "must be at least 0.001"),
    ({"workload": "data_ingest", "ingest": {"bytes_per_day": 1e15, "batch_window_s": 1e-300}},
     "ingest.batch_window_s", "must be at least 0.001"),
    ({"workload": "llm_inference", "model": {"preset": "llama3.1-8b"},
      "inference": {"context_tokens": 1000, "concurrent_sequences": 4, "cold_start_target_s": 1e-300}},
     "inference.cold_start_target_s", "must be at least 0.001"),
    ({"workload": "cv_training", "data": {"sample_bytes": 1e13, "batch_size": 10**8, "step_time_s": 5e-324}},
     "data.step_time_s", "must be at least 0.001"),
    ({**MLPERF_LLAMA3_8B, "checkpoint": {"interval_s": 1e-300}}, "checkpoint.interval_s", "must be at least 0.001"),
    ({**MLPERF_LLAMA3_8B, "checkpoint": {"max_interval_s": 1e-300}}, "checkpoint.max_interval_s",
     "must be at least 0.001"),
    ({**MLPERF_LLAMA3_8B, "checkpoint": {"stall_budget_fraction": 1e-300}}, "checkpoint.stall_budget_fraction",
     "must be at least 0.0001"),
    ({**MLPERF_LLAMA3_8B, "checkpoint": {"failures_per_1000_node_days": 5e-324}},
     "checkpoint.failures_per_1000_node_days", "must be at least 0.0001"),
])
def test_it_refuses_a_time_or_fraction_so_small_the_sizing_overflows(api_client, document, field, message):
    response = api_client.post("/api/v1/use-cases/", {"gpus": 8, **document}, format="json")
    assert response.status_code == 400, response.content
    assert response.json()[field] == [message]
    assert not UseCase.objects.exists()
