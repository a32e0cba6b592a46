"""Path guard for validation runs: stay inside the target, respect the size cap and free-space floor."""
import json
import os
import shutil
import uuid
from contextlib import contextmanager
from pathlib import Path

from .rawio import drop_shared_buffers, open_new  # noqa: F401  (re-exported: the one way runs create files)

WORKDIR_PREFIX = "advisor-validation-"
# Every work directory holds this file, written when the run created it; cleanup deletes a
# directory only when it holds a marker this program wrote (never on a name match alone).
MARKER_NAME = ".advisor-validation-run"
MARKER_APP = "ai-storage-advisor"
# System directories a target may never be, and trees it may never be inside (FHS 3.0).
SYSTEM_DIRS = {"/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64", "/libx32",
               "/media", "/mnt", "/opt", "/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/tmp",
               "/usr", "/var", "/var/lib", "/var/log", "/var/cache", "/var/spool", "/var/tmp",
               "/var/run", "/var/mail", "/snap"}
SYSTEM_TREES = ("/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/proc",
                "/run", "/sbin", "/sys", "/usr", "/var/lib", "/var/log", "/var/cache", "/var/spool",
                "/var/run", "/snap")


class SafetyError(Exception):
    """A run tried something the target does not allow; `field` names the setting it broke."""

    def __init__(self, field, message):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def path_errors(path, force=False, must_exist=True):
    """Why `path` may not be a target (empty list when it may): absolute, no '..', no symlink on
    the way (the resolved path must be the path given), not a system directory, and not a mount's
    root unless staff `force` it. The one path check of the admin, the API, the CLI and the runs."""
    raw = str(path or "")
    if not raw or not os.path.isabs(raw):
        return [f"{raw!r} is not an absolute path"]
    if ".." in Path(raw).parts:
        return [f"{raw!r} contains '..'"]
    plain = os.path.normpath(raw)
    resolved = os.path.realpath(plain)
    if resolved != plain:
        return [f"{raw!r} leads through a symlink to {resolved!r}; register the resolved path"]
    if plain in SYSTEM_DIRS or any(plain.startswith(t + "/") for t in SYSTEM_TREES):
        return [f"{raw!r} is a system directory; use a directory made for validation runs"]
    if not os.path.isdir(plain):
        return [f"{raw!r} is not an existing directory"] if must_exist else []
    if os.path.ismount(plain) and not force:
        return [f"{raw!r} is the root of a mounted file system; use a directory inside it "
                "(staff may force it)"]
    return []


def target_root(path, force=False):
    """The target directory, checked by path_errors; it must exist."""
    problems = path_errors(path, force=force)
    if problems:
        raise SafetyError("path", problems[0])
    return Path(os.path.normpath(str(path)))


def inside(root, relative):
    """`root / relative`, refusing absolute names, '..' and symlinks that lead outside `root`."""
    rel = Path(relative)
    if rel.is_absolute() or ".." in rel.parts or not rel.parts:
        raise SafetyError("path", f"{relative!r} is not a plain relative name inside the target")
    candidate = (root / rel).resolve()
    if candidate != root and root not in candidate.parents:
        raise SafetyError("path", f"{relative!r} resolves to {candidate}, outside the target {root}")
    return candidate


class Guard:
    """Counts the bytes a run keeps on the target and checks free space before and while writing."""

    def __init__(self, path, size_cap_bytes, free_floor_bytes, force=False):
        self.root = target_root(path, force=force)
        if size_cap_bytes <= 0:
            raise SafetyError("size_cap_bytes", "must be positive")
        if free_floor_bytes < 0:
            raise SafetyError("free_floor_bytes", "must not be negative")
        self.size_cap_bytes = int(size_cap_bytes)
        self.free_floor_bytes = int(free_floor_bytes)
        self.reserved_bytes = 0

    def free_bytes(self):
        return shutil.disk_usage(self.root).free

    def check_free(self, about_to_write_bytes=0):
        """Raise when writing `about_to_write_bytes` more would leave less than the floor free."""
        free = self.free_bytes()
        if free - about_to_write_bytes < self.free_floor_bytes:
            raise SafetyError(
                "free_floor_bytes",
                f"only {free} bytes free on {self.root}; writing {about_to_write_bytes} more "
                f"would go below the floor of {self.free_floor_bytes} bytes",
            )

    def reserve(self, nbytes):
        """Claim `nbytes` of the cap before writing them (cap and free space both checked)."""
        if self.reserved_bytes + nbytes > self.size_cap_bytes:
            raise SafetyError(
                "size_cap_bytes",
                f"writing {nbytes} bytes would keep {self.reserved_bytes + nbytes} bytes on the "
                f"target, over its cap of {self.size_cap_bytes} bytes",
            )
        self.check_free(nbytes)
        self.reserved_bytes += nbytes

    def release(self, nbytes):
        self.reserved_bytes = max(0, self.reserved_bytes - nbytes)

    def room_bytes(self):
        """Bytes still allowed by the cap and the free-space floor, whichever is smaller."""
        by_floor = self.free_bytes() - self.free_floor_bytes
        return max(0, min(self.size_cap_bytes - self.reserved_bytes, by_floor))

    def describe(self):
        return (f"size cap {self.size_cap_bytes} bytes; {self.free_bytes()} bytes free on {self.root}, "
                f"free-space floor {self.free_floor_bytes} bytes")

    def path(self, relative):
        return inside(self.root, relative)

    @contextmanager
    def workdir(self, label="run"):
        """A fresh directory inside the target with our marker in it, removed with everything in it
        afterwards (only this directory: its name is new, mkdir fails if it exists)."""
        name = f"{WORKDIR_PREFIX}{label}-{uuid.uuid4().hex[:8]}"
        work = self.path(name)
        work.mkdir(mode=0o700)
        write_marker(work, label)
        try:
            yield work
        finally:
            drop_shared_buffers(work)
            remove_workdir(work)
            self.reserved_bytes = 0


def write_marker(work, label):
    fd = open_new(work / MARKER_NAME)
    with os.fdopen(fd, "w") as f:
        json.dump({"app": MARKER_APP, "label": label, "pid": os.getpid()}, f)


def has_marker(directory):
    """True when `directory` (not a symlink) holds a regular marker file this program wrote."""
    marker = directory / MARKER_NAME
    if directory.is_symlink() or not directory.is_dir() or marker.is_symlink() or not marker.is_file():
        return False
    try:
        return json.loads(marker.read_text()).get("app") == MARKER_APP
    except (OSError, ValueError, AttributeError):
        return False


def remove_workdir(work):
    """Delete a work directory this run created (rmtree does not follow symlinks inside it)."""
    if has_marker(work):
        shutil.rmtree(work, ignore_errors=True)


def remove_leftovers(root, keep=()):
    """Delete work directories a killed run left behind: a directory of the target root whose name
    has our prefix AND which holds our marker, except those of runs still going (`keep` prefixes).
    A user's own directory with a similar name has no marker and stays."""
    removed = []
    for entry in sorted(Path(root).iterdir()):
        kept = any(entry.name.startswith(prefix) for prefix in keep)
        if entry.name.startswith(WORKDIR_PREFIX) and not kept and has_marker(entry):
            drop_shared_buffers(entry)  # its read buffers in /dev/shm go with it
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry.name)
    return removed
