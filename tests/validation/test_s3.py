"""S3 targets against a real S3-compatible server: moto's standalone server (`moto_server`, from
the dev dependency moto[server]) started as its own HTTP process on loopback — boto3 talks HTTP to
it exactly as to any S3 endpoint; nothing in the client is patched."""
import pytest
from rest_framework.test import APIClient

from recommender.validation import s3probes, workloads
from recommender.validation.models import Target

MiB = 1 << 20


def test_it_round_trips_checkpoint_samples_and_kv_blocks_through_the_server(s3_server):
    s3 = s3probes.client(s3_server, "testing-key", "testing-secret")
    s3.put_object(Bucket="advisor-test", Key="users-own-object", Body=b"keep")
    proposal = {"requirements": {"checkpoint": {"files": 2, "per_rank_bytes": 16 * MiB},
                                 "training_data": {"sample_bytes": 100_000, "batch_size": 2, "step_time_s": 0.01},
                                 "kv_cache": {"bytes_per_token": 65_536}}}
    steps = workloads.plan(proposal, 6, 64 * MiB, kind="s3")
    out = s3probes.execute(steps, s3, "advisor-test", 64 * MiB, lambda f, n: None, label="t")
    probes = out["probes"]
    assert probes["checkpoint_write"]["bytes"] == 2 * 16 * MiB and probes["checkpoint_write"]["method"] == "S3 multipart PUT"
    assert probes["checkpoint_restore"]["bytes"] == 2 * 16 * MiB
    for name in ("checkpoint_write", "checkpoint_restore", "training_reads", "kv_block_reads"):
        fig = probes[name]
        assert fig["bytes_per_s"] > 0 and fig["iops"] > 0
        assert 0 < fig["ttfb_s"]["p50_s"] <= fig["ttfb_s"]["p99_s"]
    assert probes["training_reads"]["read_bytes"] == 102_400  # ranged GETs of one aligned sample
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="advisor-test").get("Contents", [])]
    assert keys == ["users-own-object"]  # the run deleted only its own prefix


def test_it_refuses_to_put_more_than_the_cap(s3_server):
    s3 = s3probes.client(s3_server, "testing-key", "testing-secret")
    with s3probes.RunPrefix(s3, "advisor-test", "cap", 8 * MiB) as run, pytest.raises(s3probes.S3Error, match="cap"):
        run.reserve(9 * MiB)


def test_an_s3_target_never_echoes_its_secret(db, django_user_model, s3_server):
    staff = django_user_model.objects.create_user("ops", password="ops-password-1", is_staff=True)
    client = APIClient()
    client.force_authenticate(staff)
    body = {"name": "s3", "kind": "s3", "endpoint_url": s3_server, "bucket": "advisor-test",
            "access_key_id": "testing-key", "secret_access_key": "testing-secret",
            "size_cap_bytes": 64 * MiB, "free_floor_bytes": 0}
    created = client.post("/api/v1/targets/", body, format="json")
    assert created.status_code == 201, created.json()
    assert "testing-secret" not in created.content.decode() and created.json()["has_secret"] is True
    assert "testing-secret" not in client.get("/api/v1/targets/").content.decode()
    assert Target.objects.get(name="s3").secret_access_key == "testing-secret"
    bad = client.post("/api/v1/targets/", {**body, "name": "s3b", "bucket": "Bad_Bucket"}, format="json")
    assert bad.status_code == 400 and "bucket" in bad.json()


def test_an_s3_run_goes_through_the_worker(api_client, user, use_case, s3_server, celery_worker):
    from .test_round_trip import poll

    Target.objects.create(name="default", kind="s3", endpoint_url=s3_server, bucket="advisor-test",
                          access_key_id="testing-key", secret_access_key="testing-secret",
                          size_cap_bytes=64 * MiB, free_floor_bytes=0, public=True)
    run_id = api_client.post(f"/api/v1/use-cases/{use_case.pk}/validations/", {"budget_s": 4},
                             format="json").json()["id"]
    final = poll(api_client, run_id)[-1]
    assert final["status"] == "succeeded", final["error"] or final["log"]
    assert final["results"]["measurements"]["checkpoint_write_bytes_per_s"] > 0
    assert "testing-secret" not in str(final)
