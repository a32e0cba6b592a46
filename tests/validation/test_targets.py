"""Targets: one validator behind the admin form, the API and the CLI; per-target access; deletions
that cancel runs and keep history."""
import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from recommender.validation import services
from recommender.validation.admin import TargetForm
from recommender.validation.models import RunHost, Target, ValidationRun

MiB = 1 << 20

BAD = [
    ({"path": "relative/dir"}, "path", "not an absolute path"),
    ({"path": "/etc"}, "path", "system directory"),
    ({"path": "LINK"}, "path", "symlink"),
    ({"host_queue": "two words"}, "host_queue", "without spaces"),
    ({"block": "no-such-block"}, "block", "not a catalog building block"),
    ({"size_cap_bytes": 0}, "size_cap_bytes", "at least 8388608"),
    ({"free_floor_bytes": -1}, "free_floor_bytes", "non-negative"),
]


def body(tmp_path, change):
    real = tmp_path / "real"
    real.mkdir(exist_ok=True)
    link = tmp_path / "link"
    if not link.exists():
        link.symlink_to(real)
    out = {"name": "nas", "path": str(real), "host_queue": "advisor", "block": "", "kind": "directory",
           "size_cap_bytes": 64 * MiB, "free_floor_bytes": 0, **change}
    if out["path"] == "LINK":
        out["path"] = str(link)
    return out


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("root", password="root-password-1", is_staff=True)


@pytest.mark.parametrize("change, field, message", BAD)
def test_the_api_refuses_a_bad_target(staff, tmp_path, change, field, message):
    client = APIClient()
    client.force_authenticate(staff)
    response = client.post("/api/v1/targets/", body(tmp_path, change), format="json")
    assert response.status_code == 400 and message in " ".join(response.json()[field])
    assert not Target.objects.exists()


@pytest.mark.parametrize("change, field, message", BAD)
def test_the_admin_form_refuses_a_bad_target(db, tmp_path, change, field, message):
    form = TargetForm(data=body(tmp_path, change))
    assert not form.is_valid()
    assert message in " ".join(form.errors[field])


@pytest.mark.parametrize("change, field, message", BAD)
def test_the_cli_refuses_a_bad_target(db, tmp_path, change, field, message):
    b = body(tmp_path, change)
    args = ["target", "add", b["name"], b["path"], "--queue", b["host_queue"],
            "--size-cap-bytes", str(b["size_cap_bytes"]), "--free-floor-bytes", str(b["free_floor_bytes"])]
    if b["block"]:
        args += ["--block", b["block"]]
    if change.get("path") == "relative/dir":
        pytest.skip("the CLI makes a relative path absolute against the working directory")
    with pytest.raises(CommandError) as err:
        call_command(*args)
    assert err.value.returncode == 2 and message in str(err.value)
    assert not Target.objects.exists()


def test_the_admin_form_accepts_a_good_target(db, tmp_path):
    form = TargetForm(data=body(tmp_path, {"block": services.catalog_block_ids().pop()}))
    assert form.is_valid(), form.errors


def test_others_see_only_name_and_block_of_the_targets_they_may_use(api_client, user, other_user, make_target):
    make_target("open")
    make_target("mine", public=False, users=[user])
    make_target("theirs", public=False, users=[other_user])
    got = api_client.get("/api/v1/targets/").json()["results"]
    assert [t["name"] for t in got] == ["mine", "open"]
    public = {"id", "name", "kind", "block", "size_cap_bytes", "free_floor_bytes", "has_secret", "created_at"}
    assert all(set(t) == public for t in got)  # never the server path, queue, endpoint or key


def test_a_user_cannot_run_on_a_target_they_are_not_allowed(api_client, use_case, other_user, make_target):
    make_target("theirs", public=False, users=[other_user])
    response = api_client.post(f"/api/v1/use-cases/{use_case.pk}/validations/", {"targets": ["theirs"]},
                               format="json")
    assert response.status_code == 400 and "unknown target 'theirs'" in response.json()["targets"][0]


def test_deleting_a_use_case_cancels_its_runs(user, use_case, make_target):
    make_target("default")
    run = services.run_create(user, use_case, None, 5)
    ValidationRun.objects.filter(pk=run.pk).update(status="running")
    seen = []
    original = services.run_cancel
    services.run_cancel = lambda r: seen.append(r.pk) or original(r)
    try:
        use_case.delete()
    finally:
        services.run_cancel = original
    assert seen == [run.pk] and not ValidationRun.objects.filter(pk=run.pk).exists()
    with pytest.raises(services.RunStopped, match="deleted"):
        services._check_cancel(run.pk)  # a host still running stops at its next progress check


def test_deleting_a_target_keeps_the_run_history(user, use_case, make_target):
    target = make_target("nas", block="pfs-flash-5u")
    run = services.run_create(user, use_case, ["nas"], 5)
    RunHost.objects.filter(run=run).update(status="succeeded", results={"measurements": {
        "checkpoint_write_bytes_per_s": 1e9}})
    services.run_finish_if_done(run.pk)
    target.delete()
    host = RunHost.objects.get(run=run)
    assert (host.target, host.target_name, host.target_block) == (None, "nas", "pfs-flash-5u")
    run.refresh_from_db()
    assert run.results["per_host"]["nas"]["checkpoint_write_bytes_per_s"] == 1e9


def test_a_refused_run_names_the_target_not_its_server_path(user, use_case, make_target):
    target = make_target("default")
    target.free_floor_bytes = 2**62  # nothing can be written above this floor
    target.save()
    run = services.run_create(user, use_case, None, 5)
    host = run.hosts.get()
    RunHost.objects.filter(pk=host.pk).update(status="running")
    host.refresh_from_db()
    services._host_done(host, "failed", error=f"refused: only 1 bytes free on {target.path}")
    host.refresh_from_db()
    assert target.path not in host.error and "<target default>" in host.error
