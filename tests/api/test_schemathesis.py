"""Schemathesis against a live server (real HTTP on loopback): every operation of the published
OpenAPI schema, generated valid and invalid input, bounded in examples and time. No response may
be a 5xx, and every documented response must match its schema."""
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token

from recommender import services
from recommender.catalog import services as catalog_services
from recommender.catalog.models import Architecture, Block
from recommender.models import UseCase
from recommender.validation.models import Target
from tests.api.cases import MLPERF_LLAMA3_8B

ST = Path(sys.executable).with_name("st")
MAX_TIME_S = 50


@pytest.fixture
def fuzz_config(transactional_db, django_user_model, redis_url, tmp_path):
    """A user with a token, a stored use case, the catalog and a target, and a schemathesis
    config that points the operations' {id} at them (else most answers would be 404)."""
    user = django_user_model.objects.create_user("fuzzer", password="fuzzer-password-1")
    use_case, _ = services.use_case_create(user, MLPERF_LLAMA3_8B)
    doomed, _ = services.use_case_create(user, MLPERF_LLAMA3_8B)  # DELETE's, so the others keep theirs
    catalog_services.catalog_load()
    (tmp_path / "target").mkdir()
    target = Target.objects.create(name="default", host_queue="advisor", path=str(tmp_path / "target"),
                                   size_cap_bytes=1 << 26, free_floor_bytes=0)
    block = Block.objects.order_by("id").first().id
    architecture = Architecture.objects.order_by("id").first().id
    config = tmp_path / "schemathesis.toml"
    config.write_text("\n".join([
        f'[parameters]\n"path.id" = {use_case.pk}',
        f'[[operations]]\ninclude-name = "DELETE /api/v1/use-cases/{{id}}/"\n'
        f'parameters = {{ "path.id" = {doomed.pk} }}',
        *(f'[[operations]]\ninclude-path-regex = "{regex}"\nparameters = {{ "path.id" = {value} }}'
          for regex, value in [("/targets/", target.pk), ("/catalog/blocks/", f'"{block}"'),
                               ("/catalog/architectures/", f'"{architecture}"')]),
    ]) + "\n")
    return Token.objects.create(user=user).key, config, use_case.pk, doomed.pk


@pytest.mark.timeout(240)
def test_it_gives_no_server_error_and_no_schema_violation(live_server, fuzz_config, tmp_path):
    token, config, use_case_id, doomed_id = fuzz_config
    report = tmp_path / "report"
    command = [
        str(ST), "--config-file", str(config), "run", f"{live_server.url}/api/schema/", "--url", live_server.url,
        "-H", f"Authorization: Token {token}",
        "--checks", "not_a_server_error,response_schema_conformance",
        "--max-examples", "8", "--max-time", str(MAX_TIME_S), "--workers", "1", "--seed", "13",
        "--phases", "examples,coverage,fuzzing", "--no-shrink", "--request-timeout", "30",
        "--suppress-health-check", "all", "--report", "ndjson", "--report-dir", str(report),
    ]
    # cwd: schemathesis keeps a .schemathesis/ cache in its working directory
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=220)
    output = done.stdout[-6000:] + done.stderr[-2000:]
    (tmp_path / "schemathesis-output.txt").write_text(done.stdout + done.stderr)  # for a failed run
    generated = re.search(r"(\d+) generated", done.stdout)
    assert generated and int(generated.group(1)) >= 100, output  # the run reached the operations
    assert done.returncode == 0, output
    assert UseCase.objects.filter(pk=use_case_id).exists() and not UseCase.objects.filter(pk=doomed_id).exists()
    assert re.search(r"\d+ generated, \d+ passed\s*$", done.stdout, re.M), output
