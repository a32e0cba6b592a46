"""The path guard: runs stay inside the target, under the cap and above the free-space floor."""
import os
import shutil

import pytest

from recommender.validation import probes, safety

MiB = 1 << 20


def guard(path, cap=64 * MiB, floor=0):
    return safety.Guard(str(path), cap, floor)


@pytest.mark.parametrize("relative", ["../escape", "a/../../escape", "/etc/passwd", "", "."])
def test_it_rejects_names_that_leave_the_target(tmp_path, relative):
    with pytest.raises(safety.SafetyError) as err:
        guard(tmp_path).path(relative)
    assert err.value.field == "path"


def test_it_rejects_a_symlink_that_leads_outside(tmp_path):
    outside = tmp_path / "outside"
    target = tmp_path / "target"
    outside.mkdir()
    target.mkdir()
    (target / "link").symlink_to(outside)
    with pytest.raises(safety.SafetyError, match="outside the target"):
        guard(target).path("link/shard.ckpt")


def test_it_refuses_to_write_through_a_planted_symlink(tmp_path):
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    target = tmp_path / "target"
    target.mkdir()
    (target / "shard").symlink_to(victim)
    with pytest.raises(OSError):
        safety.open_new(target / "shard")
    assert victim.read_text() == "keep me"


@pytest.mark.parametrize("path, message", [
    ("relative/dir", "not an absolute path"),
    ("/tmp/../etc", "contains '..'"),
    ("/nonexistent-advisor-dir", "not an existing directory"),
])
def test_it_rejects_bad_target_paths(path, message):
    with pytest.raises(safety.SafetyError, match=message):
        safety.Guard(path, 64 * MiB, 0)


def test_it_refuses_to_exceed_the_size_cap(tmp_path):
    g = guard(tmp_path, cap=16 * MiB)
    g.reserve(10 * MiB)
    with pytest.raises(safety.SafetyError) as err:
        g.reserve(7 * MiB)
    assert err.value.field == "size_cap_bytes"
    assert "over its cap of 16777216 bytes" in str(err.value)


def test_it_refuses_a_checkpoint_larger_than_the_cap(tmp_path):
    g = guard(tmp_path, cap=8 * MiB)
    with g.workdir() as work, pytest.raises(safety.SafetyError, match="cap"):
        probes.checkpoint_write(work, g, 2, 8 * MiB, 5, lambda f, n: None)
    assert list(tmp_path.iterdir()) == []


def test_it_checks_the_free_space_floor_before_writing(tmp_path):
    free = shutil.disk_usage(tmp_path).free
    g = guard(tmp_path, floor=free - MiB)
    with pytest.raises(safety.SafetyError) as err:
        g.reserve(2 * MiB)
    assert err.value.field == "free_floor_bytes"


def test_it_checks_the_free_space_floor_while_writing(tmp_path):
    g = guard(tmp_path, cap=64 * MiB)

    def raise_the_floor(fraction, note):
        g.free_floor_bytes = shutil.disk_usage(tmp_path).free * 2  # as if the disk filled up

    with g.workdir() as work, pytest.raises(safety.SafetyError, match="floor"):
        probes.checkpoint_write(work, g, 2, 16 * MiB, 10, raise_the_floor)
    assert list(tmp_path.iterdir()) == []


def test_it_removes_its_files_even_when_a_probe_fails(tmp_path):
    g = guard(tmp_path)
    with pytest.raises(RuntimeError):
        with g.workdir("x") as work:
            (work / "data").write_bytes(b"x" * 4096)
            raise RuntimeError("probe failed")
    assert list(tmp_path.iterdir()) == []


def test_it_removes_leftovers_of_killed_runs_but_keeps_active_ones(tmp_path):
    for name in ("r1-h1-0a1b2c3d", "r1-h10-0a1b2c3d", "r2-h2-9f8e7d6c"):
        (tmp_path / f"{safety.WORKDIR_PREFIX}{name}").mkdir()
    (tmp_path / "user-data").mkdir()
    removed = safety.remove_leftovers(tmp_path, keep={f"{safety.WORKDIR_PREFIX}r1-h1-", f"{safety.WORKDIR_PREFIX}r2-h2-"})
    assert removed == [f"{safety.WORKDIR_PREFIX}r1-h10-0a1b2c3d"]
    assert sorted(os.listdir(tmp_path)) == [f"{safety.WORKDIR_PREFIX}r1-h1-0a1b2c3d",
                                            f"{safety.WORKDIR_PREFIX}r2-h2-9f8e7d6c", "user-data"]
