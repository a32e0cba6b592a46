"""Path guard for validation runs: stay inside the target, respect the size cap and free-space floor."""
import shutil
import uuid
from contextlib import contextmanager
from pathlib import Path

from .rawio import open_new  # noqa: F401  (re-exported: the one way runs create files)

WORKDIR_PREFIX = "advisor-validation-"


class SafetyError(Exception):
    """A run tried something the target does not allow; `field` names the setting it broke."""

    def __init__(self, field, message):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def target_root(path):
    """The target directory, resolved; it must be an existing, absolute directory."""
    raw = Path(path)
    if not raw.is_absolute():
        raise SafetyError("path", f"{path!r} is not an absolute path")
    if ".." in raw.parts:
        raise SafetyError("path", f"{path!r} contains '..'")
    root = raw.resolve()
    if not root.is_dir():
        raise SafetyError("path", f"{path!r} is not an existing directory")
    return root


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

    def __init__(self, path, size_cap_bytes, free_floor_bytes):
        self.root = target_root(path)
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
        """A fresh directory inside the target, removed with everything in it afterwards."""
        name = f"{WORKDIR_PREFIX}{label}-{uuid.uuid4().hex[:8]}"
        work = self.path(name)
        work.mkdir(mode=0o700)
        try:
            yield work
        finally:
            shutil.rmtree(work, ignore_errors=True)
            self.reserved_bytes = 0


def remove_leftovers(root, keep=()):
    """Delete work directories a killed run left behind (names start with WORKDIR_PREFIX),
    except those whose names start with one of the `keep` prefixes (runs still going)."""
    removed = []
    for entry in sorted(Path(root).iterdir()):
        kept = any(entry.name.startswith(prefix) for prefix in keep)
        if entry.name.startswith(WORKDIR_PREFIX) and not kept and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry.name)
    return removed
