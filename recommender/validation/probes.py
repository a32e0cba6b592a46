"""Pure validation micro-benchmarks: checkpoint burst/restore, sample reads, scans, KV reads, synced writes.

Each probe takes a safe work directory (inside a target, see safety.py), its pattern parameters
and a `progress(fraction, note)` callback (which may raise to cancel), and returns a dict of
figures in base units plus a time series. No Django here.
"""
import json
import math
import os
import queue
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

from . import safety
from .rawio import (ALIGN_BYTES, BLOCK_BYTES, DIRECT, FADVISE, MiB, aligned_buffer, align_up,  # noqa: F401
                    drop_shared_buffers, open_read, open_write, rank_io, shared_buffers)

# PyTorch DataLoader's default prefetch_factor (pytorch-dataloader: prefetch_factor).
PREFETCH_BATCHES = 2
# Most accelerators emulated at once on one client: threads beyond this measure the Python
# interpreter, not the storage; beyond it "accelerators supported" is extrapolated (and says so).
MAX_EMULATED_ACCELERATORS = 16
# Read buffers of all emulated accelerators together stay under this (a 3D U-Net sample is 146 MB).
MAX_READ_BUFFER_BYTES = 2 << 30
PROGRESS_EVERY_S = 0.2
# Ranks start together at an instant this far ahead per rank (time for every "go" line to arrive).
START_LEAD_S = 0.002
# Laying out a probe's files counts in its time: files stop growing once this share of the probe's
# deadline is spent (the dataset is scaled down to what fits), and the measuring gets the rest.
PREP_SHARE = 0.3
SAMPLES_DIR = "samples"
RANK_SCRIPT = str(Path(__file__).resolve().parent / "rank.py")

COLD_METHOD_TEXT = {
    DIRECT: "O_DIRECT: reads and writes bypass the page cache",
    FADVISE: "O_DIRECT refused by this filesystem; written data was fsynced and its cached pages "
             "dropped with posix_fadvise(POSIX_FADV_DONTNEED) before reading",
}


class ProbeError(Exception):
    """A probe could not run as asked (reason in the message)."""


def direct_io_method(work):
    """O_DIRECT if this filesystem accepts an aligned direct write, else the fadvise fallback."""
    probe = safety.inside(work, ".direct-probe")
    buf = aligned_buffer(ALIGN_BYTES)
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_DIRECT | os.O_NOFOLLOW, 0o600)
        try:
            os.write(fd, buf)
        finally:
            os.close(fd)
        return DIRECT
    except OSError:
        return FADVISE
    finally:
        buf.close()
        probe.unlink(missing_ok=True)


# ---------------------------------------------------------------- figures

def percentiles(values):
    """Latency summary in seconds (nearest-rank percentiles)."""
    if not values:
        return {"p50_s": None, "p90_s": None, "p99_s": None, "max_s": None, "mean_s": None}
    ordered = sorted(values)

    def rank(p):
        return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]

    return {"p50_s": rank(50), "p90_s": rank(90), "p99_s": rank(99), "max_s": ordered[-1],
            "mean_s": sum(ordered) / len(ordered)}


def series(ops, start, end):
    """Time series of (t_end, nbytes, latency) ops: bytes/s and ops/s per bucket."""
    duration = max(end - start, 1e-9)
    width = max(0.1, duration / 100)
    buckets = [[0, 0] for _ in range(int(duration / width) + 1)]
    for t_end, nbytes, _ in ops:
        i = min(len(buckets) - 1, max(0, int((t_end - start) / width)))
        buckets[i][0] += nbytes
        buckets[i][1] += 1
    return [{"t_s": round((i + 1) * width, 3), "bytes_per_s": b / width, "iops": n / width}
            for i, (b, n) in enumerate(buckets)]


def ops_span(ops):
    """First issue to last completion of timed ops (t_end, bytes, latency): each op is timed on its
    own (clock_gettime(CLOCK_MONOTONIC), ns), so the span is exact, not sampled by the progress loop."""
    if not ops:
        return None
    return max(op[0] for op in ops) - min(op[0] - op[2] for op in ops)


def summary(ops, start, end, elapsed_s=None, **extra):
    """The figures every probe reports: bytes, seconds, bytes/s, IOPS, latency, time series."""
    span = ops_span(ops)
    elapsed = max(elapsed_s if elapsed_s is not None else (span if span else end - start), 1e-9)
    total = sum(op[1] for op in ops)
    return {"bytes": total, "seconds": elapsed, "bytes_per_s": total / elapsed,
            "iops": len(ops) / elapsed, "ops": len(ops),
            "latency_s": percentiles([op[2] for op in ops]),
            "series": series(ops, start, end), **extra}


# ---------------------------------------------------------------- ranks (processes)

def _start_ranks(kind, paths, nbytes, block_bytes, method, deadline_s, free_args, buffers=None):
    """One OS process per rank (like DLIO's MPI ranks): rank.py, standard library only, so a rank
    starts in tens of milliseconds. `buffers` (one file per rank) are the pages it reads into."""
    lines = queue.Queue()
    procs = []
    for i, path in enumerate(paths):
        spec = {"kind": kind, "index": i, "path": str(path), "nbytes": nbytes,
                "block_bytes": block_bytes, "method": method, "deadline_s": deadline_s,
                "free_root": free_args[0], "free_floor_bytes": free_args[1],
                "buffer_path": buffers[i] if buffers else None}
        proc = subprocess.Popen([sys.executable, "-E", "-s", RANK_SCRIPT, json.dumps(spec)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        threading.Thread(target=_pump, args=(i, proc.stdout, lines), daemon=True).start()
        procs.append(proc)
    return {"procs": procs, "lines": lines, "counters": [0] * len(paths), "concurrency": "processes"}


def _pump(index, stream, lines):
    for line in stream:
        lines.put((index, line.rstrip("\n")))
    lines.put((index, "eof"))


def _send_all(procs, word):
    for proc in procs:
        try:
            proc.stdin.write(word + "\n")
            proc.stdin.flush()
        except (BrokenPipeError, ValueError):
            pass


def _wait_ranks(ranks, total_bytes, progress, guard):
    """Start barrier (all ranks ready, then "go"), progress and free space while they run,
    one result per rank."""
    procs, n = ranks["procs"], len(ranks["procs"])
    ready, got, last = set(), {}, 0.0
    try:
        while len(got) < n:
            try:
                index, line = ranks["lines"].get(timeout=PROGRESS_EVERY_S)
            except queue.Empty:
                line = None
            if line is not None:
                _rank_line(index, line, ranks, ready, got, procs)
            if time.monotonic() - last >= PROGRESS_EVERY_S:
                last = time.monotonic()
                progress(min(1.0, sum(ranks["counters"]) / max(total_bytes, 1)), "")
                if guard is not None:
                    guard.check_free()
    except BaseException:
        _send_all(procs, "stop")
        raise
    finally:
        for proc in procs:
            _reap(proc)
    errors = [r["error"] for r in got.values() if "error" in r]
    if errors:
        raise ProbeError("; ".join(errors))
    return [got[i] for i in range(n)]


def _rank_line(index, line, ranks, ready, got, procs):
    if line == "ready":
        ready.add(index)
        if len(ready) == len(procs):
            _send_all(procs, f"go {time.monotonic() + START_LEAD_S * len(procs):.6f}")
    elif line.startswith("progress "):
        ranks["counters"][index] = int(line.split()[1])
    elif line.startswith("result "):
        got[index] = json.loads(line[len("result "):])
        if "error" in got[index]:
            _send_all(procs, "stop")  # release the others from the barrier
    elif line == "eof" and index not in got:
        got[index] = {"error": f"rank {index} exited (code {procs[index].wait()}) without a result"}


def _reap(proc):
    try:
        proc.stdin.close()
    except (BrokenPipeError, OSError):
        pass
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _ranks_summary(rank_results, **extra):
    ops = [op for r in rank_results for op in r["ops"]]
    start = min(r["start"] for r in rank_results)
    end = max(r["end"] for r in rank_results)
    durations = [max(r["end"] - r["start"], 1e-9) for r in rank_results]
    per_rank = [r["bytes"] / d for r, d in zip(rank_results, durations)]
    # DLIO/MLPerf: each rank times its own save after the barrier; the checkpoint's duration is
    # the slowest rank's and its throughput is total bytes ÷ that duration (statscounter.py).
    return summary(ops, start, end, elapsed_s=max(durations), min_rank_bytes_per_s=min(per_rank),
                   wall_s=end - start, span_s=ops_span(ops),
                   fsync_s_max=max(r["fsync_s"] for r in rank_results), **extra)


def checkpoint_write(work, guard, writers, file_bytes, deadline_s, progress,
                     block_bytes=BLOCK_BYTES, name="rank"):
    """N writers each write one shard in large sequential blocks, then fsync (DLIO/MLPerf), each
    from its write buffer file of the run (rawio.shared_buffers: the pages fio's twin writes from)."""
    file_bytes = max(block_bytes, (int(file_bytes) // block_bytes) * block_bytes)
    guard.reserve(writers * file_bytes)
    method = direct_io_method(work)
    paths = [safety.inside(work, f"{name}{i:04d}.ckpt") for i in range(writers)]
    buffers = shared_buffers(work, writers, block_bytes, fill=True)
    ranks = _start_ranks("write", paths, file_bytes, block_bytes, method, deadline_s,
                         (str(guard.root), guard.free_floor_bytes), buffers)
    results = _wait_ranks(ranks, writers * file_bytes, progress, guard)
    figures = _ranks_summary(results, writers=writers, file_bytes=file_bytes,
                             block_bytes=block_bytes, fsync=True, method=method,
                             method_text=COLD_METHOD_TEXT[method], concurrency=ranks["concurrency"],
                             write_buffers="shared with the fio twin" if buffers else "private")
    figures["files"] = [{"path": p.name, "bytes": r["bytes"]} for p, r in zip(paths, results)]
    return figures, paths


def checkpoint_restore(work, paths, deadline_s, progress, method=None, block_bytes=BLOCK_BYTES):
    """Read every shard back, one reader per shard, cold (O_DIRECT or cache dropped), each into its
    buffer file of the run (rawio.shared_buffers: the pages fio's twin reads into as well)."""
    method = method or direct_io_method(work)
    sizes = [p.stat().st_size for p in paths]
    nbytes = max(sizes)
    buffers = shared_buffers(work, len(paths), block_bytes)
    ranks = _start_ranks("read", paths, nbytes, block_bytes, method, deadline_s, (str(work), 0), buffers)
    results = _wait_ranks(ranks, sum(sizes), progress, None)
    return _ranks_summary(results, readers=len(paths), block_bytes=block_bytes, method=method,
                          method_text=COLD_METHOD_TEXT[method], concurrency=ranks["concurrency"],
                          read_buffers="shared with the fio twin" if buffers else "private")


# ---------------------------------------------------------------- files for read probes

class Prep:
    """The set-up (file creation) part of one probe's deadline: `until` is when files stop growing,
    `finish()` records the set-up time and `left()` is the measuring time that remains."""

    def __init__(self, deadline_s, share=PREP_SHARE):
        self.start, self.deadline_s, self.share = time.monotonic(), deadline_s, share
        self.until = self.start + deadline_s * share
        self.end = self.start + deadline_s
        self.seconds = None

    def finish(self):
        self.seconds = time.monotonic() - self.start
        return self.seconds

    def left(self):
        """Measuring time: what the set-up left of the deadline (a set-up that ran over, laying out
        the minimum files, still leaves MIN_MEASURE_SHARE of it to measure)."""
        if self.seconds is None:
            self.finish()
        return max(self.deadline_s * MIN_MEASURE_SHARE, self.end - time.monotonic())

    def remaining(self, allowance_s=0.0):
        """Time to the probe's end, less what a read in flight may still take."""
        return max(self.deadline_s * MIN_MEASURE_SHARE, self.end - time.monotonic() - allowance_s)


MIN_MEASURE_SHARE = 0.1


def write_file(path, nbytes, method, guard, until=None, min_bytes=None):
    """Create a data file of `nbytes` (a multiple of ALIGN_BYTES), synced to the device; with
    `until` (monotonic time) it stops growing then, once it holds `min_bytes`."""
    guard.reserve(nbytes)
    buf = aligned_buffer(min(BLOCK_BYTES, nbytes))
    fd = open_write(path, method)
    floor = nbytes if min_bytes is None else min(nbytes, min_bytes)
    try:
        done = 0
        while done < nbytes:
            if until is not None and done >= floor and time.monotonic() >= until:
                break
            chunk = min(nbytes - done, len(buf))
            os.write(fd, buf if chunk == len(buf) else memoryview(buf)[:chunk])
            done += chunk
        os.fsync(fd)
    finally:
        os.close(fd)
        buf.close()
    return path


class RandomReader:
    """Threads issuing random aligned reads over (fd, offset) slots until told to stop."""

    def __init__(self, fds, slots, read_bytes):
        self.fds, self.slots, self.read_bytes = fds, slots, read_bytes
        self.lock, self.ops = threading.Lock(), []

    def read_one(self, buf, rng):
        f, offset = self.slots[rng.randrange(len(self.slots))]
        t0 = time.monotonic()
        n = os.preadv(self.fds[f], [buf], offset)
        t1 = time.monotonic()
        return (t1, n, t1 - t0)

    def loop(self, stop, deadline, seed, interval_s=0.0, buf=None):
        """Closed loop (next read when the last completes), or paced: one read every `interval_s`.
        Pass `buf` made before the clock starts (pages of a large sample take time to touch)."""
        own = buf is None
        buf = aligned_buffer(self.read_bytes, fill=False) if own else buf
        rng, mine = random.Random(seed), []
        due = time.monotonic()
        while not stop.is_set() and time.monotonic() < deadline:
            if interval_s:
                due += interval_s
                wait = due - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
            mine.append(self.read_one(buf, rng))
        if own:
            buf.close()
        with self.lock:
            self.ops.extend(mine)


def run_threads(targets, deadline, progress, stop=None):
    """Run thread targets(stop) until the deadline, reporting time-based progress."""
    stop = stop or threading.Event()
    start = time.monotonic()
    threads = [threading.Thread(target=t, args=(stop,), daemon=True) for t in targets]
    for t in threads:
        t.start()
    try:
        alive = list(threads)
        while alive:
            progress(min(1.0, (time.monotonic() - start) / max(deadline - start, 1e-9)), "")
            alive[0].join(timeout=min(PROGRESS_EVERY_S, max(0.01, deadline - time.monotonic())))
            alive = [t for t in alive if t.is_alive()]
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)
    return start, time.monotonic()


def random_reads(fds, slots, read_bytes, threads, deadline_s, progress, seed=0, rate_iops=None, bufs=None):
    """`threads` reads in flight (each thread blocks in os.preadv, which releases the GIL: a
    queue depth of `threads`), closed loop or paced to `rate_iops` in total. `bufs` (one per
    thread) may be made by the caller, before its clock starts."""
    reader = RandomReader(fds, slots, read_bytes)
    own = bufs is None
    bufs = [aligned_buffer(read_bytes, fill=False) for _ in range(threads)] if own else bufs
    deadline = time.monotonic() + deadline_s
    interval = threads / rate_iops if rate_iops else 0.0
    loops = [lambda stop, i=i: reader.loop(stop, deadline, seed + i, interval, bufs[i]) for i in range(threads)]
    start, end = run_threads(loops, deadline, progress)
    if own:
        for b in bufs:
            b.close()
    return summary(reader.ops, start, end, threads=threads, read_bytes=read_bytes, queue_depth=threads,
                   rate_iops=rate_iops, engine="thread pool, os.preadv releases the GIL")


def open_all(paths, method):
    return [open_read(p, method) for p in paths]


def close_all(fds):
    for fd in fds:
        os.close(fd)


# ---------------------------------------------------------------- training reads

MIN_DATASET_FILES = 4


def make_dataset(work, guard, sample_bytes, samples_per_file, files, method, until=None):
    """Sample files with `samples_per_file` aligned samples each, in their own folder (fio's twin
    reads it with opendir); with `until`, no new file after that time (at least 4 files). Returns
    paths and slots."""
    sample_bytes = align_up(sample_bytes)
    safety.inside(work, SAMPLES_DIR).mkdir(mode=0o700, exist_ok=True)
    paths = []
    for i in range(files):
        if until is not None and i >= MIN_DATASET_FILES and time.monotonic() >= until:
            break
        paths.append(write_file(safety.inside(work, f"{SAMPLES_DIR}/sample{i:05d}.dat"),
                                sample_bytes * samples_per_file, method, guard))
    files = len(paths)
    slots = [(f, s * sample_bytes) for f in range(files) for s in range(samples_per_file)]
    return paths, slots, sample_bytes


def emulate_accelerators(fds, slots, sample_bytes, batch_size, compute_s, read_threads,
                         accelerators, deadline_s, progress, seed=0, bufs=None):
    """DLIO-style loop: per accelerator, reader threads prefetch batches while a sleep stands in
    for compute; AU = compute time / wall time after the first step (DLIO statscounter.py)."""
    reader = RandomReader(fds, slots, sample_bytes)
    pool = bufs or [aligned_buffer(sample_bytes, fill=False) for _ in range(read_threads * accelerators)]
    bufs = [pool[a * read_threads:(a + 1) * read_threads] for a in range(accelerators)]
    deadline = time.monotonic() + deadline_s
    stats = [None] * accelerators

    def accelerator(stop, a):
        stats[a] = _accelerator_loop(reader, batch_size, compute_s, bufs[a], stop, deadline,
                                     seed + 1000 * a)

    start, end = run_threads([lambda stop, a=a: accelerator(stop, a) for a in range(accelerators)],
                             deadline, progress)
    done = [s for s in stats if s and s["steps"] > 1]
    au = sum(s["au"] for s in done) / len(done) if done else 0.0
    return {"accelerators": accelerators, "au": au, "steps": sum(s["steps"] for s in stats if s),
            "samples": sum(s["samples"] for s in stats if s),
            **summary(reader.ops, start, end, read_bytes=sample_bytes)}


def _accelerator_loop(reader, batch_size, compute_s, bufs, stop, deadline, seed):
    batches = queue.Queue(maxsize=PREFETCH_BATCHES)
    loader_stop = threading.Event()
    loaders = [threading.Thread(target=_loader, daemon=True,
                                args=(reader, batches, batch_size, bufs, loader_stop, seed, deadline))]
    for t in loaders:
        t.start()
    steps, compute_total, first_step_end, samples = 0, 0.0, None, 0
    while not stop.is_set() and time.monotonic() + compute_s < deadline:  # no step that ends late
        try:
            samples += batches.get(timeout=min(0.5, max(0.01, deadline - compute_s - time.monotonic())))
        except queue.Empty:
            continue
        time.sleep(compute_s)
        steps += 1
        if first_step_end is None:
            first_step_end = time.monotonic()  # DLIO excludes step 0 (metric_exclude_start_steps=1)
        else:
            compute_total += compute_s
    loader_stop.set()
    end = time.monotonic()
    for t in loaders:  # a read in flight finishes before the next probe starts
        t.join(timeout=30)
    au = compute_total / (end - first_step_end) if first_step_end and end > first_step_end else 0.0
    return {"steps": steps, "au": min(1.0, au), "samples": samples}


def _loader(reader, batches, batch_size, bufs, stop, seed, deadline):
    """Reads one batch with `read_threads` parallel sample reads, queues it, repeats; no read
    starts after the deadline (a batch of large samples would run past it)."""
    rngs = [random.Random(seed + i) for i in range(len(bufs))]
    pool_ops = []
    while not stop.is_set():
        ops = _read_batch(reader, bufs, rngs, batch_size, stop, deadline)
        pool_ops.extend(ops)
        while not stop.is_set():
            try:
                batches.put(len(ops), timeout=0.2)
                break
            except queue.Full:
                continue
    with reader.lock:
        reader.ops.extend(pool_ops)


def _read_batch(reader, bufs, rngs, batch_size, stop, deadline):
    results = [[] for _ in bufs]

    def part(i):
        for _ in range(i, batch_size, len(bufs)):
            if stop.is_set() or time.monotonic() >= deadline:
                return
            results[i].append(reader.read_one(bufs[i], rngs[i]))

    threads = [threading.Thread(target=part, args=(i,)) for i in range(len(bufs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [op for r in results for op in r]


def accelerators_supported(read_bytes_per_s, batch_size, sample_bytes, compute_s, au_min):
    """Accelerators whose demand the measured rate covers at the AU floor.

    Demand per accelerator = batch × sample bytes ÷ step time (mlperf-storage-v2: Submission_guidelines.md);
    with I/O overlapping compute, AU ≈ delivered ÷ demanded, so AU ≥ au_min holds while
    accelerators ≤ rate ÷ (au_min × demand).
    """
    demand = batch_size * sample_bytes / compute_s
    return int(read_bytes_per_s // (au_min * demand)), demand


def training_reads(work, guard, sample_bytes, samples_per_file, files, batch_size, compute_s,
                   read_threads, au_min, deadline_s, progress, method=None):
    """Sample-sized random reads, then the emulated training loop that checks AU."""
    method = method or direct_io_method(work)
    prep = Prep(deadline_s)
    paths, slots, aligned = make_dataset(work, guard, sample_bytes, samples_per_file, files, method,
                                         until=prep.until)
    planned_files, files = files, len(paths)
    pool = [aligned_buffer(aligned, fill=False) for _ in range(read_threads)]  # set-up too
    measure_s = prep.left()
    fds = open_all(paths, method)
    try:
        saturated = random_reads(fds, slots, aligned, read_threads, measure_s * 0.4,
                                 lambda f, n: progress(0.4 * f, "sample reads"), bufs=pool)
        estimate, demand = accelerators_supported(saturated["bytes_per_s"], batch_size, aligned,
                                                  compute_s, au_min)
        emulated = min(max(1, estimate), MAX_EMULATED_ACCELERATORS,
                       max(1, MAX_READ_BUFFER_BYTES // (read_threads * aligned)))
        t0 = time.monotonic()
        pool += [aligned_buffer(aligned, fill=False) for _ in range(read_threads * emulated - len(pool))]
        more_prep_s = time.monotonic() - t0
        # the loop ends so that the sample reads still in flight (one per reader thread) end in time
        in_flight_s = 2 * read_threads * aligned / max(saturated["bytes_per_s"], 1.0)
        loop = emulate_accelerators(fds, slots, aligned, batch_size, compute_s, read_threads,
                                    emulated, prep.remaining(in_flight_s),
                                    lambda f, n: progress(0.4 + 0.6 * f, "emulated training"), bufs=pool)
    finally:
        close_all(fds)
        for b in pool:
            b.close()
    supported = _supported(estimate, emulated, loop["au"], au_min)
    return {**saturated, "method": method, "method_text": COLD_METHOD_TEXT[method],
            "sample_bytes": sample_bytes, "read_bytes_per_sample": aligned,
            "dataset_bytes": aligned * len(slots), "files": files, "files_planned": planned_files,
            "prep_s": prep.seconds + more_prep_s, "scaled_to_budget": files < planned_files,
            "batch_size": batch_size, "compute_s": compute_s, "au_min": au_min,
            "demand_bytes_per_s_per_accelerator": demand, "estimate_accelerators": estimate,
            "emulation": {k: v for k, v in loop.items() if k != "series"},
            "accelerators_supported": supported["count"], "accelerators_basis": supported["basis"]}


def _supported(estimate, emulated, au, au_min):
    if au >= au_min and estimate > emulated:
        return {"count": estimate, "basis": f"{emulated} accelerators emulated at AU {au:.2f} "
                f"(≥ {au_min}); {estimate} extrapolated from the saturated sample-read rate"}
    if au >= au_min:
        return {"count": emulated, "basis": f"{emulated} accelerators emulated at AU {au:.2f} (≥ {au_min})"}
    scaled = int(emulated * au / au_min)
    return {"count": scaled, "basis": f"{emulated} accelerators emulated reached AU {au:.2f} "
            f"< {au_min}; scaled to {scaled} (AU ∝ 1/accelerators when storage-bound)"}


# ---------------------------------------------------------------- KV blocks, scans, synced writes

def kv_block_reads(work, guard, block_bytes, blocks, threads, deadline_s, progress, method=None):
    """Random reads of whole KV-cache blocks from one block file; p50/p99 latency per block."""
    method = method or direct_io_method(work)
    block_bytes = align_up(block_bytes)
    prep = Prep(deadline_s)
    path = write_file(safety.inside(work, "kv-blocks.dat"), block_bytes * blocks, method, guard,
                      until=prep.until, min_bytes=block_bytes * MIN_KV_BLOCKS)
    planned, blocks = blocks, path.stat().st_size // block_bytes
    fds = open_all([path], method)
    try:
        figures = random_reads(fds, [(0, i * block_bytes) for i in range(blocks)], block_bytes,
                               threads, prep.left(), progress, seed=7)
    finally:
        close_all(fds)
    return {**figures, "block_bytes": block_bytes, "blocks": blocks, "blocks_planned": planned,
            "prep_s": prep.seconds, "scaled_to_budget": blocks < planned, "method": method,
            "method_text": COLD_METHOD_TEXT[method]}


MIN_KV_BLOCKS = 8


def small_synced_writes(work, guard, record_bytes, threads, max_bytes, deadline_s, progress):
    """Append small records, fsync after each (results persistence, like fio --fsync=1)."""
    guard.reserve(max_bytes)
    per_thread = max_bytes // threads
    deadline = time.monotonic() + deadline_s
    lock, all_ops = threading.Lock(), []

    def writer(stop, i):
        ops = _synced_appends(safety.inside(work, f"results{i:03d}.log"), record_bytes,
                              per_thread, deadline, stop)
        with lock:
            all_ops.extend(ops)

    start, end = run_threads([lambda stop, i=i: writer(stop, i) for i in range(threads)],
                             deadline, progress)
    return summary(all_ops, start, end, record_bytes=record_bytes, threads=threads, fsync="every write",
                   method="buffered write + fsync per record")


def _synced_appends(path, record_bytes, max_bytes, deadline, stop):
    record, ops, done = os.urandom(record_bytes), [], 0
    fd = safety.open_new(path)
    try:
        while done + record_bytes <= max_bytes and not stop.is_set() and time.monotonic() < deadline:
            t0 = time.monotonic()
            os.write(fd, record)
            os.fsync(fd)
            t1 = time.monotonic()
            ops.append((t1, record_bytes, t1 - t0))
            done += record_bytes
    finally:
        os.close(fd)
    return ops


def table_scan(work, guard, fmt, file_bytes, deadline_s, progress, method=None):
    """Write a CSV or Parquet table, then read it cold (I/O timed) and parse it with pandas
    (parse timed apart), as many passes as the deadline allows."""
    import io

    import pandas as pd

    method = method or direct_io_method(work)
    prep = Prep(deadline_s)
    path, rows = _write_table(work, guard, fmt, file_bytes, until=prep.until)
    size = path.stat().st_size
    measure_s = prep.left()
    deadline = time.monotonic() + measure_s
    passes, io_ops, parse_s, pass_s = 0, [], 0.0, 0.0
    start = time.monotonic()
    while passes == 0 or time.monotonic() + pass_s * 1.5 < deadline:  # no pass that would end late (± 50 %)
        t_pass = time.monotonic()
        data, ops = read_whole(path, method)
        io_ops.extend(ops)
        t0 = time.monotonic()
        frame = pd.read_csv(io.BytesIO(data)) if fmt == "csv" else pd.read_parquet(io.BytesIO(data))
        parse_s += time.monotonic() - t0
        passes += 1
        pass_s = time.monotonic() - t_pass
        progress(min(1.0, (time.monotonic() - start) / measure_s), f"{fmt} scan")
    io_s = sum(op[2] for op in io_ops)
    figures = summary(io_ops, start, time.monotonic())
    return {**figures, "format": fmt, "file_bytes": size, "rows": len(frame), "passes": passes,
            "prep_s": prep.seconds, "file_bytes_planned": file_bytes, "scaled_to_budget": size < file_bytes * 0.9,
            "io_s": io_s, "parse_s": parse_s, "read_bytes_per_s": size * passes / io_s,
            "parse_bytes_per_s": size * passes / parse_s,
            "rows_per_s": rows * passes / (io_s + parse_s), "method": method,
            "method_text": COLD_METHOD_TEXT[method] + "; pandas parses from memory"}


TABLE_CHUNKS = 8


def _write_table(work, guard, fmt, file_bytes, until=None):
    """The table in TABLE_CHUNKS parts (CSV appended, Parquet row groups); with `until` no new part
    starts after it (at least one is written). Returns the path and the rows written."""
    import numpy as np
    import pyarrow.parquet as pq

    # ~60 bytes per CSV row for these columns; Parquet compresses, so it gets the same rows.
    rows = max(1000, int(file_bytes // 60))
    per_chunk = max(1000, rows // TABLE_CHUNKS)
    rng = np.random.default_rng(42)
    guard.reserve(int(file_bytes * 1.5))
    path = safety.inside(work, f"table.{fmt}")
    done, writer = 0, None
    try:
        while done < rows and (done == 0 or until is None or time.monotonic() < until):
            n = min(per_chunk, rows - done)
            chunk = _table_chunk(rng, done, n)
            if fmt == "csv":
                chunk.to_pandas().to_csv(path, index=False, header=done == 0, mode="w" if done == 0 else "a")
            else:
                writer = writer or pq.ParquetWriter(path, chunk.schema)
                writer.write_table(chunk)
            done += n
    finally:
        if writer is not None:
            writer.close()
    fd = os.open(path, os.O_RDONLY)
    os.fsync(fd)
    os.close(fd)
    return path, done


def _table_chunk(rng, first, n):
    import numpy as np
    import pyarrow as pa

    return pa.table({"id": np.arange(first, first + n), "x": rng.random(n), "y": rng.normal(size=n),
                     "label": rng.choice(["cat", "dog", "bird", "fish"], n),
                     "count": rng.integers(0, 10_000, n)})


def read_whole(path, method):
    """Read a file cold in 1 MiB requests; returns its bytes and the read ops."""
    size = path.stat().st_size
    fd = open_read(path, method)
    buf, out, ops, offset = aligned_buffer(BLOCK_BYTES, fill=False), bytearray(), [], 0
    try:
        while offset < size:
            t0 = time.monotonic()
            n = os.preadv(fd, [buf], offset)
            t1 = time.monotonic()
            if n <= 0:
                break
            out += buf[:n]
            ops.append((t1, n, t1 - t0))
            offset += n
    finally:
        os.close(fd)
        buf.close()
    return bytes(out[:size]), ops


# ---------------------------------------------------------------- model load, video, ingest, RAG

def model_load(work, guard, readers, file_bytes, block_bytes, deadline_s, progress, method=None,
               before_read=None):
    """Model cold start: weight shards laid out first (set-up), then read back in parallel,
    one reader process per shard, at the loader's block size, cold. `before_read(paths)` runs
    between the two (the runner puts fio's twin there on every other repeat)."""
    method = method or direct_io_method(work)
    prep = Prep(deadline_s)
    names = [safety.inside(work, f"model-{i + 1:05d}-of-{readers:05d}.safetensors") for i in range(readers)]
    # the first shard gets its share of the set-up time and sets every shard's size
    first = write_file(names[0], file_bytes, method, guard, until=prep.start + (prep.until - prep.start) / readers,
                       min_bytes=block_bytes)
    shard_bytes = max(block_bytes, first.stat().st_size // block_bytes * block_bytes)
    if first.stat().st_size != shard_bytes:
        os.truncate(first, shard_bytes)
    paths = [first] + [write_file(p, shard_bytes, method, guard) for p in names[1:]]
    measure_s = prep.left()
    shared_buffers(work, readers, block_bytes)  # made before the twin may read first: same pages
    if before_read is not None:
        before_read(paths)
    figures = _loaded_when_last_shard_is(
        checkpoint_restore(work, paths, measure_s, progress, method=method, block_bytes=block_bytes))
    return {**figures, "shards": readers, "shard_bytes": shard_bytes, "shard_bytes_planned": file_bytes,
            "prep_s": prep.seconds, "scaled_to_budget": shard_bytes < file_bytes}, paths


def _loaded_when_last_shard_is(figures):
    """A model is loaded when its last shard is: the cold start lasts from the first read's issue to
    the last read's completion over all readers (span of the timed ops), not the slowest reader's
    own time as a checkpoint counts it; the fio twin is timed the same way (fio.WALL_SPAN)."""
    seconds = figures["span_s"] or figures["seconds"]
    return {**figures, "seconds": seconds, "bytes_per_s": figures["bytes"] / seconds,
            "iops": figures["ops"] / seconds, "timed_as": "wall span, first read issued to last completed"}


def stream_writes(work, guard, writers, file_bytes, block_bytes, deadline_s, progress, prefix):
    """Concurrent sequential writers (camera ingest, data ingest), one process each, fsync at end."""
    paths_prefix = f"{prefix}"
    figures, paths = checkpoint_write(work, guard, writers, file_bytes, deadline_s, progress,
                                      block_bytes=block_bytes, name=paths_prefix)
    return figures, paths


def random_reads_engine(work, guard, path, read_bytes, threads, queue_depth, deadline_s,
                        rate_iops=None, method=None):
    """Random reads with a real queue depth: fio (io_uring) is the engine, every I/O is logged and
    the figures are ours (summary over the logged ops). Python threads issuing one blocking read
    each cannot keep 32 requests in flight on two cores (docs/performance/validation.md)."""
    from . import fio

    pattern = {"kind": "random_read", "name": "engine", "read_bytes": read_bytes, "threads": threads,
               "queue_depth": queue_depth, "filenames": [path.name], "rate_iops": rate_iops}
    ops, args, report = fio.engine_reads(pattern, work, deadline_s)
    start = min(op[0] - op[2] for op in ops)
    return summary(ops, start, max(op[0] for op in ops), threads=threads, queue_depth=queue_depth,
                   read_bytes=read_bytes, engine="fio io_uring, own accounting from the per-I/O log",
                   rate_iops=rate_iops, engine_fio_ios=report["read"]["bytes"] // read_bytes if report["read"] else 0)


MIN_INDEX_BYTES = 4 * MiB


def rag_index_reads(work, guard, step, deadline_s, progress, method=None, engine=True):
    """Index pages read in the index type's pattern: random 4 KiB sectors (DiskANN beam search),
    random whole lists (IVF), or a sequential load (in-memory HNSW/flat): saturated, then at the
    IOPS the QPS implies when that is lower."""
    method = method or direct_io_method(work)
    prep = Prep(deadline_s)
    path = write_file(safety.inside(work, f"index-{step['index']}.dat"), step["file_bytes"], method, guard,
                      until=prep.until, min_bytes=MIN_INDEX_BYTES)
    size = path.stat().st_size
    laid = {"prep_s": prep.finish(), "file_bytes": size, "file_bytes_planned": step["file_bytes"],
            "scaled_to_budget": size < step["file_bytes"]}
    step = {**step, "file_bytes": size}
    measure_s = prep.left()
    if step["pattern"] == "sequential":
        fig = checkpoint_restore(work, [path], measure_s, progress, method=method)
        return {**fig, **laid, "pattern": "sequential", "index": step["index"], "method": method}
    rate = step.get("rate_iops")
    # fio as the engine starts and reports on top of its runtime: the first phase measures that
    # cost and the second one leaves room for it, so both end by the probe's deadline
    overhead = ENGINE_OVERHEAD_S if engine else 0.0
    first_s = max(0.05, (measure_s - overhead * (2 if rate else 1)) * (0.5 if rate else 1.0))
    t0 = time.monotonic()
    saturated = _rag_random(work, guard, path, step, first_s, None, method, engine)
    overhead = max(0.0, time.monotonic() - t0 - first_s) if engine else 0.0
    progress(0.5, "rag index reads")
    out = {**saturated, **laid, "pattern": step["pattern"], "index": step["index"], "method": method}
    if rate and rate < saturated["iops"]:
        paced = _rag_random(work, guard, path, step, max(0.05, prep.remaining(overhead)), rate, method, engine)
        out["at_required_rate"] = {k: paced[k] for k in ("iops", "bytes_per_s", "latency_s", "rate_iops")}
    return out


ENGINE_OVERHEAD_S = 0.2


def _rag_random(work, guard, path, step, deadline_s, rate, method, engine):
    """Pages read at the index's queue depth: fio as the engine with our accounting (`engine`,
    the default when fio is installed), else one Python thread per request in flight; a failed
    fio engine falls back to the threads and says why."""
    note = None
    if engine:
        from . import fio

        try:
            return random_reads_engine(work, guard, path, step["page_bytes"], 1, step["queue_depth"],
                                       deadline_s, rate_iops=rate)
        except fio.FioError as exc:
            note = f"fio engine failed ({exc}); read with Python threads instead"
    fds = open_all([path], method)
    try:
        slots = [(0, i * step["page_bytes"]) for i in range(step["file_bytes"] // step["page_bytes"])]
        out = random_reads(fds, slots, step["page_bytes"], step["queue_depth"], deadline_s, lambda f, n: None,
                           seed=11, rate_iops=rate)
    finally:
        close_all(fds)
    return {**out, "engine_note": note} if note else out
