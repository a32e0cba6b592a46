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


def leftover(root, name, marked=True):
    path = root / f"{safety.WORKDIR_PREFIX}{name}"
    path.mkdir()
    (path / "rank0000.ckpt").write_bytes(b"x" * 4096)
    if marked:
        safety.write_marker(path, name)
    return path


def test_it_removes_leftovers_of_killed_runs_but_keeps_active_ones(tmp_path):
    for name in ("r1-h1-0a1b2c3d", "r1-h10-0a1b2c3d", "r2-h2-9f8e7d6c"):
        leftover(tmp_path, name)
    (tmp_path / "user-data").mkdir()
    removed = safety.remove_leftovers(tmp_path, keep={f"{safety.WORKDIR_PREFIX}r1-h1-", f"{safety.WORKDIR_PREFIX}r2-h2-"})
    assert removed == [f"{safety.WORKDIR_PREFIX}r1-h10-0a1b2c3d"]
    assert sorted(os.listdir(tmp_path)) == [f"{safety.WORKDIR_PREFIX}r1-h1-0a1b2c3d",
                                            f"{safety.WORKDIR_PREFIX}r2-h2-9f8e7d6c", "user-data"]


def test_it_keeps_a_users_directory_that_shares_the_prefix(tmp_path):
    mine = leftover(tmp_path, "my-results", marked=False)      # a user's own, same prefix, no marker
    faked = leftover(tmp_path, "fake-marker", marked=False)
    (faked / safety.MARKER_NAME).symlink_to(tmp_path / "elsewhere")  # a planted symlink is no marker
    killed = leftover(tmp_path, "r9-h9-deadbeef")
    assert safety.remove_leftovers(tmp_path) == [killed.name]
    assert (mine / "rank0000.ckpt").read_bytes() == b"x" * 4096 and faked.is_dir()


def test_a_run_deletes_only_its_own_directory(tmp_path):
    mine = leftover(tmp_path, "cli-0000beef", marked=False)
    g = guard(tmp_path)
    with g.workdir("cli") as work:
        assert (work / safety.MARKER_NAME).is_file()
    assert os.listdir(tmp_path) == [mine.name]


@pytest.mark.parametrize("path, message", [
    ("/", "system directory"), ("/etc", "system directory"), ("/usr/lib", "system directory"),
    ("/proc", "system directory"), ("/sys/kernel", "system directory"), ("/dev", "system directory"),
    ("/boot", "system directory"), ("/root", "system directory"), ("/var/lib", "system directory"),
    ("/var/lib/postgresql", "system directory"),
])
def test_it_refuses_system_directories(path, message):
    assert message in safety.path_errors(path)[0]
    with pytest.raises(safety.SafetyError, match=message):
        safety.Guard(path, 64 * MiB, 0, force=True)  # staff's force never opens a system directory


def test_it_refuses_a_symlinked_target(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    assert "leads through a symlink" in safety.path_errors(str(tmp_path / "link"))[0]
    assert safety.path_errors(str(real)) == []


def test_it_refuses_a_mount_root_unless_forced():
    mount = next(m for m in ("/dev/shm", "/run", "/sys/fs/cgroup", "/proc") if os.path.ismount(m))
    assert safety.path_errors(mount)  # system, or a mount root
    root_mounts = [line.split()[1] for line in open("/proc/mounts")]
    usable = [m for m in root_mounts if m.startswith(("/mnt/", "/media/", "/srv/", "/work", "/data"))
              and os.path.isdir(m) and not safety.path_errors(m, force=True)]
    for m in usable:
        assert "root of a mounted file system" in safety.path_errors(m)[0]
