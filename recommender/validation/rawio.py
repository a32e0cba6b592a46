"""Raw I/O primitives with the standard library only (rank.py runs them in bare processes)."""
import math
import mmap
import os
import time

MiB = 1 << 20
# 1 MiB requests: the transfer size of MLPerf Storage checkpoint and fio sequential jobs (mlperf-storage-v2).
BLOCK_BYTES = MiB
# O_DIRECT needs buffer, offset and length aligned to the logical block size; 4 KiB covers
# 512-byte and 4Kn devices (open(2), "O_DIRECT" notes).
ALIGN_BYTES = 4096
# Free space is re-checked every this many bytes written by one writer.
FREE_CHECK_EVERY_BYTES = 64 * MiB
DIRECT = "o_direct"
FADVISE = "posix_fadvise_dontneed"


class FreeSpaceLow(Exception):
    """Free space on the target fell below its floor while writing."""


def align_up(nbytes, align=ALIGN_BYTES):
    return max(align, int(math.ceil(nbytes / align)) * align)


def aligned_buffer(nbytes, fill=True):
    """A page-aligned buffer (anonymous mmap), filled with incompressible bytes for writing; a read
    buffer (`fill=False`) only gets its pages touched (zeros), so the first timed read does not
    fault them in and a large sample costs no random-byte generation."""
    buf = mmap.mmap(-1, nbytes)
    if fill:
        buf.write(os.urandom(min(nbytes, MiB)) * max(1, nbytes // MiB))
    else:
        zero = bytes(min(nbytes, MiB))
        for offset in range(0, nbytes, len(zero)):
            buf[offset:offset + len(zero)] = zero[:nbytes - offset]
    return buf


# Read buffers both a probe and its fio twin use (fio mem=mmapshared:FILE, fio HOWTO "iomem"): the
# pages of a request's buffer decide how the block layer splits it (a virtio disk takes at most
# `max_segments` scatter-gather entries per request, 254 here, and a 2 MiB read over scattered
# 4 KiB pages needs 512), and anonymous pages land scattered or not by allocator luck, which moved
# one side's 2 MiB reads by up to 1.6x against the other's. With the same pages both sides issue
# the same requests (docs/performance/validation.md).
SHARED_BUFFERS_ROOT = "/dev/shm"
SHARED_BUFFERS_PREFIX = "advisor-validation-buffers-"


def shared_buffers_dir(work):
    return os.path.join(SHARED_BUFFERS_ROOT, SHARED_BUFFERS_PREFIX + os.path.basename(str(work)))


def shared_buffers(work, count, nbytes, fill=False):
    """Paths of `count` memory-backed buffer files of `nbytes` for the run in `work` (made once, in a
    private folder; filled so their pages exist), or None where there is no /dev/shm. Write buffers
    (`fill`) hold incompressible bytes, as fio fills its own (fio HOWTO "buffer_pattern" default)."""
    if not os.path.isdir(SHARED_BUFFERS_ROOT) or not os.access(SHARED_BUFFERS_ROOT, os.W_OK):
        return None
    folder = shared_buffers_dir(work)
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        if os.path.islink(folder) or os.stat(folder).st_uid != os.getuid():
            return None
    kind = "wbuf" if fill else "buf"
    paths = [os.path.join(folder, f"{kind}{i:04d}-{nbytes}") for i in range(count)]
    for path in paths:
        if os.path.exists(path):
            continue
        chunk = os.urandom(min(nbytes, MiB)) if fill else bytes(min(nbytes, MiB))
        fd = open_new(path)
        try:
            for offset in range(0, nbytes, len(chunk)):
                os.write(fd, chunk[:nbytes - offset])
        finally:
            os.close(fd)
    return paths


def map_shared_buffer(path, nbytes):
    """The buffer file mapped shared (MAP_SHARED, as fio's mmapshared): reads land in its pages and
    writes go out from them."""
    fd = os.open(path, os.O_RDWR | os.O_NOFOLLOW)
    try:
        return mmap.mmap(fd, nbytes, mmap.MAP_SHARED)
    finally:
        os.close(fd)


def drop_shared_buffers(work):
    folder = shared_buffers_dir(work)
    if os.path.isdir(folder) and not os.path.islink(folder):
        for name in os.listdir(folder):
            os.unlink(os.path.join(folder, name))
        os.rmdir(folder)


def open_new(path):
    """Create a file for writing without following a symlink planted at its name."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)


def open_write(path, method):
    fd = open_new(path)
    if method == DIRECT:
        os.close(fd)
        fd = os.open(path, os.O_WRONLY | os.O_DIRECT | os.O_NOFOLLOW)
    return fd


def open_read(path, method):
    """Open for a cold read: O_DIRECT, or drop this file's cached pages first."""
    if method == DIRECT:
        return os.open(path, os.O_RDONLY | os.O_DIRECT | os.O_NOFOLLOW)
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    return fd


def free_check(root, floor_bytes):
    free = os.statvfs(root)
    if free.f_bavail * free.f_frsize < floor_bytes:
        raise FreeSpaceLow(f"free_floor_bytes: free space on {root} fell below {floor_bytes} bytes")


def rank_io(kind, fd, nbytes, block_bytes, deadline, stop, counter, free_check, buf=None):
    """One rank's loop of block writes or reads; returns its ops and bytes done. Pass `buf` made
    before the start barrier: filling it with random bytes is CPU work, not storage time."""
    buf = buf if buf is not None else aligned_buffer(block_bytes, fill=kind == "write")
    ops, done = [], 0
    while done < nbytes and not stop.is_set() and time.monotonic() < deadline:
        t0 = time.monotonic()
        n = os.write(fd, buf) if kind == "write" else os.preadv(fd, [buf], done)
        t1 = time.monotonic()
        if n <= 0:
            break
        ops.append((t1, n, t1 - t0))
        done += n
        counter(done)
        if kind == "write" and done % FREE_CHECK_EVERY_BYTES == 0:
            free_check()
    buf.close()
    return ops, done
