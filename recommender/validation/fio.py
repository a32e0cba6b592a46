"""fio as the reference: build fio command lines for our patterns, run them, parse fio's JSON."""
import json
import shutil
import subprocess
from pathlib import Path


# fio's JSON keeps latency in nanoseconds ("clat_ns") and bandwidth in bytes/s ("bw_bytes")
# since fio 3.x (fio-howto: "JSON output"); the fixtures in fixtures/fio/ are fio-3.33.
NS = 1e-9


class FioError(Exception):
    """fio is missing, failed, or printed something that is not its JSON report."""


def fio_path():
    return shutil.which("fio")


def common_args(name, work, runtime_s):
    # psync + iodepth 1: one blocking request per job, the same as our probes' os.pwrite/preadv
    # (a pattern with a queue depth overrides the engine, see depth_args).
    return [f"--name={name}", f"--directory={work}", "--ioengine=psync", "--iodepth=1",
            "--group_reporting=1", "--output-format=json", f"--runtime={runtime_ms(runtime_s)}ms"]


def runtime_ms(runtime_s):
    """fio takes time suffixes (fio HOWTO "Time values"), so sub-second repeats stay exact."""
    return max(100, int(round(runtime_s * 1000)))


def depth_args(pattern):
    """Requests in flight per job: io_uring at that depth (fio HOWTO ioengine=io_uring), else none."""
    depth = int(pattern.get("queue_depth") or 1)
    extra = [f"--rate_iops={int(pattern['rate_iops'])}"] if pattern.get("rate_iops") else []
    if depth <= 1:
        return extra
    return ["--ioengine=io_uring", f"--iodepth={depth}", *extra]


def pattern_args(pattern, work, runtime_s):
    """fio arguments for one of our probe patterns (same files, sizes, block sizes, jobs)."""
    kind = pattern["kind"]
    args = common_args(pattern.get("name", kind), work, runtime_s)
    if kind == "checkpoint_write" and pattern.get("filenames"):
        return shard_write_args(pattern, work, runtime_s)
    if kind == "checkpoint_write":
        # fallocate=none: fio preallocates by default, a checkpoint writer (torch.save) does not,
        # and allocating writes are slower than overwrites (fio-howto: fallocate).
        return args + ["--rw=write", f"--bs={pattern['block_bytes']}", f"--numjobs={pattern['writers']}",
                       f"--size={pattern['file_bytes']}", "--direct=1", "--end_fsync=1", "--fallocate=none"]
    if kind == "checkpoint_restore":
        return args + ["--rw=read", f"--bs={pattern['block_bytes']}", f"--numjobs={pattern['readers']}",
                       f"--size={pattern['file_bytes']}", "--direct=1"]
    if kind == "random_read":
        if pattern.get("opendir"):  # fio 3.33 ignores opendir's files when --directory is also set
            args = [a for a in args if not a.startswith("--directory=")]
        return args + ["--rw=randread", f"--bs={pattern['read_bytes']}", f"--numjobs={pattern['threads']}",
                       *files_args(pattern), "--direct=1", "--time_based=1", "--norandommap=1",
                       "--randrepeat=0", *depth_args(pattern)]
    if kind == "shard_read":
        return shard_read_args(pattern, work, runtime_s)
    if kind == "synced_write":
        # appends that grow the file, like a results log: no preallocation here either
        return args + ["--rw=write", f"--bs={pattern['record_bytes']}", f"--numjobs={pattern['threads']}",
                       f"--size={pattern['file_bytes']}", "--fsync=1", "--direct=0", "--fallocate=none"]
    raise FioError(f"no fio pattern for {kind!r}")


def shard_read_args(pattern, work, runtime_s, lat_log=None):
    """The model-load twin: one job per shard reading the probe's own shard file (same files, sizes,
    block size and job count as ours, O_DIRECT, no ramp), from a job file so any shard count fits.
    fio runs each section of a job file as its own job, side by side unless `stonewall` is set,
    and group_reporting sums them (fio-howto: "Job file format", group_reporting). With `buffers`
    each job reads into the probe's buffer file of the same rank (mem=mmapshared:FILE, fio-howto
    "iomem"): same pages, so the block layer splits both sides' requests alike (rawio)."""
    return job_file(pattern, work, runtime_s, lat_log, ["rw=read", f"bs={pattern['block_bytes']}", "direct=1"],
                    "shard")


def shard_write_args(pattern, work, runtime_s, lat_log=None):
    """The checkpoint-write twin: one job per writer writing a fresh file of the probe's size (the
    probe's file names, removed before), the same block size, O_DIRECT and a final fsync, each from
    the buffer file our writer of that rank wrote from (mem=mmapshared:FILE, fio-howto "iomem"):
    fio's own buffers put a 1 MiB request over other pages, which the block layer may split
    differently (rawio). Timed as a wall span from the per-I/O log (WALL_SPAN): our ranks start
    at one instant, so our slowest rank's time is the span from that instant to the last write."""
    return job_file(pattern, work, runtime_s, lat_log,
                    ["rw=write", f"bs={pattern['block_bytes']}", f"size={pattern['file_bytes']}", "direct=1",
                     "end_fsync=1", "fallocate=none"], "writer")


def job_file(pattern, work, runtime_s, lat_log, options, section):
    """A job file: psync at depth 1 with `options` for all, then one section (job) per file of
    the pattern, each with the buffer file of the same rank when the pattern has them."""
    lines = ["[global]", f"directory={work}", "ioengine=psync", "iodepth=1", *options, "group_reporting=1",
             f"runtime={runtime_ms(runtime_s)}ms", *(lat_log_lines(lat_log) if lat_log else [])]
    buffers = pattern.get("buffers") or []
    for i, name in enumerate(pattern["filenames"]):
        lines += [f"[{section}{i}]", f"filename={name}"]
        lines += [f"mem=mmapshared:{buffers[i]}"] if i < len(buffers) else []
    if str(work) == "<work>":  # shown in the run: the job file itself
        return ["--output-format=json", "<job file>", *lines]
    job = Path(work) / f".{pattern.get('name', section + 's')}.fio"
    job.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ["--output-format=json", str(job)]


def files_args(pattern):
    """Read the probe's own files: a folder of them through `opendir` (any file count; thousands of
    names on the command line exceed fio's option length), or one named file; else fio lays out its own."""
    if pattern.get("opendir"):
        return [f"--opendir={pattern['opendir']}", "--file_service_type=random"]
    if pattern.get("filenames"):
        return [f"--filename={':'.join(pattern['filenames'])}", "--file_service_type=random"]
    return [f"--size={pattern['file_bytes']}"]


def run(args, timeout_s):
    """Run fio; returns the parsed report."""
    binary = fio_path()
    if not binary:
        raise FioError("fio is not installed")
    try:
        done = subprocess.run([binary, *args], capture_output=True, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        raise FioError(f"fio ran longer than {timeout_s:.0f} s") from None
    if done.returncode != 0:
        raise FioError(f"fio exited {done.returncode}: {(done.stderr or done.stdout).strip()[-400:]}")
    return parse(done.stdout)


def parse(text):
    """fio --output-format=json → {version, jobs: [...], read: {...}, write: {...}}.

    fio may print warnings before the JSON object ("fio: ..."), so parsing starts at the first "{".
    """
    start = text.find("{")
    if start < 0:
        raise FioError("no JSON object in fio output")
    try:
        report = json.loads(text[start:])
    except json.JSONDecodeError as exc:
        raise FioError(f"fio output is not valid JSON: {exc}") from None
    jobs = [job_figures(job) for job in report.get("jobs", [])]
    if not jobs:
        raise FioError("fio report has no jobs")
    return {"version": report.get("fio version", ""), "jobs": jobs,
            "read": combine([j["read"] for j in jobs]), "write": combine([j["write"] for j in jobs])}


def job_figures(job):
    return {"name": job.get("jobname", ""), "error": job.get("error", 0),
            "read": direction(job.get("read", {})), "write": direction(job.get("write", {})),
            "sync": sync_figures(job.get("sync", {}))}


def direction(d):
    """One direction of one fio job in base units: bytes, bytes/s, ops/s, latency in s."""
    clat = d.get("clat_ns", {})
    pct = clat.get("percentile", {})
    return {"bytes": d.get("io_bytes", 0), "bytes_per_s": float(d.get("bw_bytes", 0)),
            "iops": float(d.get("iops", 0.0)), "runtime_s": d.get("runtime", 0) / 1000.0,
            "latency_s": {"p50_s": _pct(pct, "50.000000"), "p90_s": _pct(pct, "90.000000"),
                          "p99_s": _pct(pct, "99.000000"), "max_s": clat.get("max", 0) * NS,
                          "mean_s": clat.get("mean", 0.0) * NS}}


def sync_figures(s):
    lat = s.get("lat_ns", {})
    return {"ops": s.get("total_ios", 0), "mean_s": lat.get("mean", 0.0) * NS,
            "p99_s": _pct(lat.get("percentile", {}), "99.000000")}


def _pct(pct, key):
    return pct[key] * NS if key in pct else None


def combine(directions):
    """Jobs that ran side by side add up; latency is taken from the first (group_reporting
    already merged them into one job)."""
    active = [d for d in directions if d["bytes"] > 0]
    if not active:
        return None
    return {"bytes": sum(d["bytes"] for d in active),
            "bytes_per_s": sum(d["bytes_per_s"] for d in active),
            "iops": sum(d["iops"] for d in active),
            "runtime_s": max(d["runtime_s"] for d in active),
            "latency_s": active[0]["latency_s"]}


def reference(pattern, work, guard, runtime_s):
    """Run the fio twin of a probe pattern inside `work` and return the direction that matters."""
    if pattern.get("timed_as") == WALL_SPAN:
        return wall_span_reference(pattern, work, guard, runtime_s)
    nbytes = pattern_bytes(pattern)
    guard.reserve(nbytes)
    try:
        report = run(pattern_args(pattern, work, runtime_s), timeout_s=runtime_s * 4 + 60)
    finally:
        guard.release(nbytes)
    side = "write" if pattern["kind"] in ("checkpoint_write", "synced_write") else "read"
    figures = report[side]
    if figures is None:
        raise FioError(f"fio reported no {side} I/O")
    return {**figures, "fio_version": report["version"], "args": pattern_args(pattern, "<work>", runtime_s)}


# fio's group figure divides the bytes by its slowest job's own runtime (stat.c sum_thread_stats
# keeps the largest runtime), each job timed from its own start; a model load lasts from the first
# read issued to the last one completed over all readers, as our probe times it. The twin of such
# a pattern is timed from fio's per-I/O log the same way: log_unix_epoch puts every job's lines on
# one clock (fio HOWTO "log_unix_epoch", "Log File Formats").
WALL_SPAN = "wall_span"


def lat_log_lines(prefix):
    return [f"write_lat_log={prefix}", "log_avg_msec=0", "log_unix_epoch=1"]


def wall_span_reference(pattern, work, guard, runtime_s):
    """A shard-read or shard-write twin timed as a wall span: bytes ÷ (last completion − first
    issue) over all its jobs' logged I/Os; fio's own group figure is kept beside it. The log has no
    line for a write job's end_fsync, so a write twin's span stops at its last write's completion."""
    write = pattern["kind"] == "checkpoint_write"
    build = shard_write_args if write else shard_read_args
    logs = Path(work) / ".fio-span"
    logs.mkdir(exist_ok=True)
    nbytes = pattern_bytes(pattern)
    guard.reserve(nbytes)
    try:
        report = run(build(pattern, work, runtime_s, lat_log=f"{logs}/io"), timeout_s=runtime_s * 4 + 60)
        ops = [op for log in sorted(logs.glob("io_lat.*.log")) for op in read_lat_log(log)]
    finally:
        guard.release(nbytes)
        shutil.rmtree(logs, ignore_errors=True)
    side = "write" if write else "read"
    figures = report[side]
    if figures is None or not ops:
        raise FioError(f"fio reported no {side} I/O")
    span = max(op[0] for op in ops) - min(op[0] - op[2] for op in ops)
    total = sum(op[1] for op in ops)
    return {**figures, "bytes": total, "bytes_per_s": total / span, "iops": len(ops) / span,
            "span_s": span, "group_bytes_per_s": figures["bytes_per_s"], "timed_as": WALL_SPAN,
            "fio_version": report["version"], "args": build(pattern, "<work>", runtime_s, "<log>")}


def pattern_bytes(pattern):
    """Bytes fio will create for the pattern (none when it reads the probe's files)."""
    if pattern["kind"] == "checkpoint_write" and pattern.get("filenames"):
        return len(pattern["filenames"]) * pattern["file_bytes"]
    if pattern.get("filenames") or pattern.get("opendir"):
        return 0
    jobs = pattern.get("writers") or pattern.get("readers") or pattern.get("threads") or 1
    return jobs * pattern["file_bytes"]


def ratio(ours, theirs):
    """ours ÷ fio for bytes/s (None when fio measured nothing)."""
    return ours / theirs if theirs else None



# ---------------------------------------------------------------- fio as the I/O engine

def engine_reads(pattern, work, runtime_s):
    """Run a random-read pattern with fio as the engine and account for it ourselves from fio's
    per-I/O latency log (write_lat_log with log_avg_msec=0: one line per I/O, "time_ms, lat_ns,
    dir, bs, offset"; fio HOWTO "Log File Formats"). Returns ops as (t_end_s, bytes, latency_s)."""
    logs = Path(work) / ".fio-engine"
    logs.mkdir(exist_ok=True)
    args = pattern_args(pattern, work, runtime_s) + [f"--write_lat_log={logs}/io", "--log_avg_msec=0"]
    try:
        report = run(args, timeout_s=runtime_s * 4 + 60)
        ops = [op for log in sorted(logs.glob("io_lat.*.log")) for op in read_lat_log(log)]
    finally:
        shutil.rmtree(logs, ignore_errors=True)
    if not ops:
        raise FioError("fio engine logged no I/O")
    return ops, args, report


def read_lat_log(path):
    ops = []
    with open(path, encoding="ascii") as f:
        for line in f:
            parts = line.split(",")
            if len(parts) >= 4:
                ops.append((int(parts[0]) / 1000.0, int(parts[3]), int(parts[1]) * NS))
    return ops
