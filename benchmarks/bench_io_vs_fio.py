"""Our validation probes against fio on the same device and pattern: paired probe/fio ratios and
probe/device-best ratios (issue 11: within 0.9–1.1×; a sample check allows 0.85–1.18).

Each pattern runs REPEATS times; inside a repeat ours, fio's twin and fio's device-best run back to
back, so machine load mostly cancels in the paired ratio (ours ÷ fio of the same repeat). The
device best is fio at queue depth 32 (io_uring) for the same block size and direction. Writes
docs/performance/validation.md and benchmarks/results/validation.json.

Run: uv run python benchmarks/bench_io_vs_fio.py [--dir /var/tmp] [--repeats 3] [--seconds 1.5]
"""
import argparse
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from recommender.validation import fio, probes, runner, safety  # noqa: E402

MiB = 1 << 20
AGREEMENT = (0.9, 1.1)
SAMPLE_CHECK = (0.85, 1.18)
REPORT = ROOT / "docs" / "performance" / "validation.md"
RESULTS = ROOT / "benchmarks" / "results" / "validation.json"
# Every run is appended here and the page shows them all (a regeneration keeps the history).
HISTORY = ROOT / "benchmarks" / "results" / "validation_history.json"


def quiet(fraction, note):
    pass


def best(kind, work, guard, bs, seconds, filenames=None, file_bytes=None):
    """fio's best on this device for the block size: io_uring, queue depth 32, one job."""
    rw = {"read": "randread", "seqread": "read", "write": "write"}[kind]
    args = fio.common_args("best", work, seconds) + [
        f"--rw={rw}", f"--bs={bs}", "--direct=1", "--ioengine=io_uring", "--iodepth=32", "--numjobs=1",
        "--time_based=1"]
    args += [f"--filename={':'.join(filenames)}"] if filenames else [f"--size={file_bytes}", "--fallocate=none"]
    if not filenames:
        guard.reserve(file_bytes)
    try:
        report = fio.run(args, timeout_s=seconds * 4 + 60)
    finally:
        if not filenames:
            guard.release(file_bytes)
    side = "write" if kind == "write" else "read"
    return report[side]["bytes_per_s"]


def checkpoint(work, guard, s):
    writers, size = 8, 64 * MiB
    written, paths = probes.checkpoint_write(work, guard, writers, size, 60, quiet)
    restored = probes.checkpoint_restore(work, paths, 60, quiet)
    best_read = best("seqread", work, guard, MiB, s, filenames=[p.name for p in paths])
    # the run's twin: fio restores our shards (one job per shard), then writes them afresh, one job
    # per writer from that writer's buffer file, timed as the same wall span (runner.write_pattern)
    fr = fio.reference(runner.shard_pattern("ckpt", MiB, runner.written_names(written), work), work, guard, s)
    runner.clean(work, guard, keep_buffers=True)
    fw = fio.reference(runner.write_pattern("ckpt", MiB, written, size, work), work, guard, s)
    runner.clean(work, guard)
    best_write = best("write", work, guard, MiB, s, file_bytes=writers * size)
    runner.clean(work, guard)
    return {"checkpoint_write": (written, fw, best_write), "checkpoint_restore": (restored, fr, best_read)}


MODEL_LOAD_REPEATS = itertools.count()


def model_load(work, guard, s):
    """As a run does it: fio's twin reads our own shards (one job per shard, from a job file), after
    ours on even repeats and before ours on odd ones (runner.TWIN_FIRST_ON_ODD_REPEATS)."""
    readers, size, block = 16, 32 * MiB, 2 * MiB  # the plan's: Run:ai streamer 16 threads × 2 MiB
    got = {}

    def twin(paths):
        got["fio"] = runner._model_load_twin({"block_bytes": block}, None, paths, work, guard, s)["model_load"]["fio"]

    fio_first = next(MODEL_LOAD_REPEATS) % 2 == 1
    ours, paths = probes.model_load(work, guard, readers, size, block, 60, quiet,
                                    before_read=twin if fio_first else None)
    if not fio_first:
        twin(paths)
    theirs = got["fio"]
    dev = best("seqread", work, guard, block, s, filenames=[p.name for p in paths])
    runner.clean(work, guard)
    return {"model_load": (ours, theirs, dev)}


def python_reads(name, work, guard, read_bytes, files, per_file, threads, s, queue_depth=1):
    method = probes.direct_io_method(work)
    paths, slots, aligned = probes.make_dataset(work, guard, read_bytes, per_file, files, method)
    fds = probes.open_all(paths, method)
    try:
        ours = probes.random_reads(fds, slots, aligned, threads, s, quiet)
    finally:
        probes.close_all(fds)
    names = [f"{probes.SAMPLES_DIR}/{p.name}" for p in paths]
    pattern = {"kind": "random_read", "name": name, "read_bytes": aligned, "threads": threads,
               "queue_depth": queue_depth}
    pattern.update({"opendir": str(work / probes.SAMPLES_DIR)} if files > 1 else {"filenames": names})
    if queue_depth > 1:
        pattern["threads"] = 1
    theirs = fio.reference(pattern, work, guard, s)
    dev = best("read", work, guard, aligned, s, filenames=names)
    runner.clean(work, guard)
    return ours, theirs, dev


def engine_reads(name, work, guard, read_bytes, file_bytes, s):
    method = probes.direct_io_method(work)
    path = probes.write_file(work / "index.dat", file_bytes, method, guard)
    ours = probes.random_reads_engine(work, guard, path, read_bytes, 1, 32, s)
    theirs = fio.reference({"kind": "random_read", "name": name, "read_bytes": read_bytes, "threads": 1,
                            "queue_depth": 32, "filenames": [path.name]}, work, guard, s)
    dev = best("read", work, guard, read_bytes, s, filenames=[path.name])
    runner.clean(work, guard)
    return ours, theirs, dev


def reads(work, guard, s):
    return {
        "sample_reads": python_reads("samples", work, guard, 114_660, 64, 16, 4, s),
        "kv_block_reads": python_reads("kv", work, guard, 2 * MiB, 1, 64, 4, s),
        "random_128k_1_thread": python_reads("r128k", work, guard, 128 * 1024, 1, 1024, 1, s),
        "random_4k_qd32_fio_engine": engine_reads("r4k", work, guard, 4096, 256 * MiB, s),
        "random_4k_qd32_threads": python_reads("r4kpy", work, guard, 4096, 1, 65536, 32, s, queue_depth=32),
    }


SYNCED_REPEATS = [0]


def synced(work, guard, s):
    """Each fsync waits for the journal, so a side that starts while the filesystem still writes back the
    previous step's deletions pays for them: both sides start from a synced filesystem, and they take
    turns going first."""
    def settled(measure):
        runner.clean(work, guard)  # removes the files and syncs
        return measure()

    ours = lambda: probes.small_synced_writes(work, guard, 4096, 1, 16 * MiB, s, quiet)  # noqa: E731
    theirs = lambda: fio.reference({"kind": "synced_write", "name": "results", "record_bytes": 4096,  # noqa: E731
                                    "threads": 1, "file_bytes": 16 * MiB}, work, guard, s)
    SYNCED_REPEATS[0] += 1
    if SYNCED_REPEATS[0] % 2:
        ours_result, theirs_result = settled(ours), settled(theirs)
    else:
        theirs_result, ours_result = settled(theirs), settled(ours)
    runner.clean(work, guard)
    return {"small_synced_writes": (ours_result, theirs_result, None)}


def run(directory, repeats, seconds):
    guard = safety.Guard(directory, 1536 * MiB, 1 << 30)
    rows = {}
    with guard.workdir("bench") as work:
        method = probes.direct_io_method(work)
        for rep in range(repeats):
            for pattern in (checkpoint, model_load, reads, synced):
                for name, (ours, theirs, dev) in pattern(work, guard, seconds).items():
                    rows.setdefault(name, []).append({"ours_bytes_per_s": ours["bytes_per_s"],
                                                      "fio_bytes_per_s": theirs["bytes_per_s"],
                                                      "device_best_bytes_per_s": dev,
                                                      "ours_iops": ours["iops"], "fio_iops": theirs["iops"]})
            print(f"repeat {rep + 1}/{repeats} done", file=sys.stderr)
    return summarize(rows), method


def summarize(rows):
    out = {}
    for name, reps in rows.items():
        paired = [r["ours_bytes_per_s"] / r["fio_bytes_per_s"] for r in reps]
        devs = [r["ours_bytes_per_s"] / r["device_best_bytes_per_s"] for r in reps if r["device_best_bytes_per_s"]]
        ratio = statistics.median(paired)
        out[name] = {"ours_bytes_per_s": statistics.median(r["ours_bytes_per_s"] for r in reps),
                     "fio_bytes_per_s": statistics.median(r["fio_bytes_per_s"] for r in reps),
                     "ratio": ratio, "ratio_min": min(paired), "ratio_max": max(paired),
                     "device_ratio": statistics.median(devs) if devs else None,
                     "agrees": AGREEMENT[0] <= ratio <= AGREEMENT[1],
                     "sample_check": all(SAMPLE_CHECK[0] <= p <= SAMPLE_CHECK[1] for p in paired),
                     "repeats": reps}
    return out


def machine(directory):
    df = subprocess.run(["df", "-T", directory], capture_output=True, text=True).stdout.splitlines()[-1].split()
    version = subprocess.run([fio.fio_path(), "--version"], capture_output=True, text=True).stdout.strip()
    load = os.getloadavg()
    return {"host": platform.node(), "cpus": os.cpu_count(), "python": platform.python_version(),
            "filesystem": f"{df[0]} {df[1]}", "fio": version, "directory": directory,
            "load_average_1m": round(load[0], 2)}


PATTERNS = {
    "checkpoint_write": "8 writer processes × 64 MiB, 1 MiB sequential writes, O_DIRECT, fsync at end, "
                        "timed from the common start to the slowest rank's end (fio: a job file with one "
                        "rw=write job per writer, fresh files of our names, direct=1 end_fsync=1 "
                        "fallocate=none psync, each writing from our writer's buffer file with "
                        "mem=mmapshared, timed from its per-I/O log from the first write issued to the "
                        "last completed)",
    "checkpoint_restore": "8 reader processes × 1 MiB sequential reads of our shards, O_DIRECT (fio: a job "
                          "file with one rw=read job per shard file, direct=1 psync, into our readers' buffer "
                          "files)",
    "model_load": "16 reader processes, one 32 MiB shard each, 2 MiB sequential reads, O_DIRECT, timed from the "
                  "first read issued to the last completed (fio: a job file with one rw=read bs=2M job per shard "
                  "file, our own shards, direct=1 psync, no ramp, each job reading into our reader's buffer file "
                  "with mem=mmapshared, timed the same way from its per-I/O log with log_unix_epoch)",
    "sample_reads": "118,784 B random reads (ResNet-50 record aligned to 4 KiB) over 64 files, 4 threads "
                    "(fio: randread numjobs=4 opendir=the probe's folder)",
    "kv_block_reads": "2 MiB random block reads, 4 threads, same file (fio: randread numjobs=4)",
    "random_128k_1_thread": "128 KiB random reads, one Python thread (fio: randread numjobs=1 psync)",
    "random_4k_qd32_fio_engine": "4 KiB random reads at queue depth 32, the RAG index probe's engine when fio "
                                 "is installed: fio io_uring as the engine, our accounting from its per-I/O "
                                 "log (write_lat_log, log_avg_msec=0) (fio twin: randread io_uring iodepth=32)",
    "random_4k_qd32_threads": "the fallback without fio: 32 threads each blocking in os.preadv (which releases "
                              "the GIL) (fio twin: randread io_uring iodepth=32)",
    "small_synced_writes": "4 KiB appends, fsync after each, 1 writer (fio: rw=write bs=4k fsync=1); each side starts from a synced filesystem, taking turns going first",
}


def markdown(summary, info, method, repeats, seconds):
    lines = [
        "# Validation probes vs fio on this machine",
        "",
        f"Generated by `benchmarks/bench_io_vs_fio.py` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; "
        f"{repeats} repeats of {seconds:g} s per pattern; in each repeat ours, fio's twin and fio's device "
        "best run back to back. Paired ratio = ours ÷ fio of the same repeat (median, min–max); device "
        "ratio = ours ÷ fio io_uring at queue depth 32 for the same block size. Target 0.9–1.1× "
        "(sample check 0.85–1.18).",
        "",
        f"Machine: {info['host']}, {info['cpus']} CPUs shared with other work (1-minute load "
        f"{info['load_average_1m']} at the end), Python {info['python']}, {info['fio']}, `{info['directory']}` "
        f"on {info['filesystem']}; cold reads by {probes.COLD_METHOD_TEXT[method]}.",
        "",
        "| pattern | ours (MB/s) | fio (MB/s) | paired ratio | range | ours ÷ device best | 0.9–1.1× |",
        "|---|---:|---:|---:|---:|---:|:---:|",
    ]
    for name, row in summary.items():
        dev = f"{row['device_ratio']:.2f}" if row["device_ratio"] else "—"
        lines.append(f"| {name} | {row['ours_bytes_per_s'] / 1e6:,.1f} | {row['fio_bytes_per_s'] / 1e6:,.1f} | "
                     f"{row['ratio']:.2f} | {row['ratio_min']:.2f}–{row['ratio_max']:.2f} | {dev} | "
                     f"{'yes' if row['agrees'] else '**no**'} |")
    lines += ["", "Patterns:", ""] + [f"- **{k}**: {v}" for k, v in PATTERNS.items()]
    lines += ["", "Notes:", "",
              "- Engine choice for small random reads at depth (RAG index pages): **fio as the I/O engine "
              "with the project's own accounting** — fio io_uring keeps the queue depth, writes one log "
              "line per I/O (completion time, latency, size), and the probe computes bytes/s, IOPS and "
              "p50/p99 from those lines itself, as for every other probe (row random_4k_qd32_fio_engine). "
              "32 Python threads blocking in os.preadv are CPU-bound on two cores: on a quiet machine (load "
              "1.8, 2026-12-02 01:06 UTC) they reached 0.66× (0.61–0.69) of fio on the same file while the "
              "fio engine reached 1.00× (0.99–1.07); on a loaded machine fio is CPU-starved too and the "
              "gap narrows, with a wide range (row random_4k_qd32_threads). The threads remain the fallback when fio is not "
              "installed, and the run's log then says so. fio is an APT package that `make test` installs. "
              "A PyPI io_uring binding was not used: the one found (`liburing`, Zig-built) is young and "
              "would add a native build to `make test`.",
              "- The model-load and checkpoint-restore twins read the probe's own shard files, one fio job "
              "per file from a job file (same file count, sizes, block size, job count, O_DIRECT, no "
              "ramp on either side). Before, fio laid out its own files with buffered writes just before "
              "reading them, and its figures swung 0.89–1.46× against ours.",
              "- model_load was outside the target (1.33–1.59×) because the two sides read into different "
              "memory, not because of the storage. A 2 MiB O_DIRECT read is one request only when its "
              "buffer's pages are physically contiguous: this virtio disk takes at most 254 scatter-gather "
              "segments per request (/sys/block/vda/queue/max_segments), so a read over scattered 4 KiB "
              "pages is split in two or three (block:block_split events). Whether a fresh anonymous buffer "
              "lands contiguous is allocator luck, different in each process: traced with perf, runs "
              "without splits read at 1.9–2.3 GB/s and runs with 256–480 splits per 512 MiB at "
              "1.3–1.5 GB/s, on either side. Our readers fault their buffers one process at a time before "
              "the start barrier and were luckier than fio's jobs, which fault theirs together on the first "
              "read. Now each of our readers maps a buffer file of the run (/dev/shm, "
              "rawio.shared_buffers) and each fio job reads into the same file (mem=mmapshared:FILE): both "
              "sides issue the same requests (equal split counts in every traced pair). Second, fio's group "
              "figure divides by its slowest job's own runtime while a model load lasts from the first read "
              "to the last: the twin is now timed from its per-I/O log over all jobs (log_unix_epoch), as "
              "ours is. Not the cause: reading order, fio's job start-up (per-job runtime is the sum of its "
              "read latencies), bytes read (equal), thread vs process (thread=1 splits as much).",
              "- The checkpoint-restore and video-read twins share the readers' buffer files too, and the "
              "checkpoint, video and ingest write twins the writers' (a 1 MiB write is 256 pages, over the "
              "254 segments): one fio job per writer from a job file, each writing from the buffer file "
              "our writer of that rank wrote from (incompressible bytes), timed over the same wall span as "
              "our ranks, which start at one instant (paired, 6 pairs at load 1.1–2.4: private buffers and "
              "fio's per-job timing 0.84–1.25×, median 1.10; shared pages and the span 0.96–1.03×, median "
              "0.99). fio's log has no line for end_fsync, so its span stops at the last write's completion "
              "while our ranks' include their fsync (reported as `fsync_s_max`).",
              "- KV-block reads (2 MiB, 4 threads) stay on threads: large requests leave the CPU idle and "
              "agree with fio; both engines time each I/O, so p50/p99 come from per-operation latencies.",
              "- File set-up (laying out samples, index, KV blocks, shards) counts in a run's budget: files "
              "stop growing at 30 % of a probe's time and the dataset is scaled to what was written "
              "(`scaled_to_budget`); set-up time is reported apart (`prep_s`, per probe and per run), and "
              "a step that starts late gets what is left of the budget.",
              "- Every step ends at its share of the budget counted from the run's start, and each repeat at "
              "its share of what is left: ours gets its planned part, fio's twin what remains less fio's "
              "start-up (learned from the previous twin) and the time to remove the repeat's files, or no "
              "twin when under 0.1 s remains (`twins_skipped`). No training step, scan pass or engine phase "
              "starts that would end late; S3 PUTs stop at their share. tests/validation/test_budget.py runs "
              "U-Net3D and ResNet-50 samples, checkpoints, model load, KV, RAG, video and a Parquet scan, "
              "and S3, each on a real 3 s budget: from the run's own timeline (when each step, repeat, fio "
              "twin and clean-up started and ended, on the monotonic clock) no repeat after a step's first "
              "starts past the step's end (it is skipped, `repeats_skipped`), no twin starts with under "
              "0.1 s left in its repeat, and a repeat whose time is gone still measures a quarter of its "
              "part; wall time past 2× the budget plus fio's start-up (measured in the test, per fio "
              "process a step may start) fails (before the deadlines: U-Net3D 1.28×, ResNet-50 1.20×, "
              "RAG 1.40×, Parquet 2.19× on 4 s, load 4.9).",
              "- The disk is a virtio device whose host may cache; single runs vary by tens of percent "
              "while six other sessions share the machine, hence the paired ratios.",
              "- Our checkpoint duration is the slowest rank's (MLPerf), all ranks starting at one instant; "
              "fio's write twin is timed over the same span, its group figure kept beside it.",
              "- fio's latency for synced writes excludes the fsync (reported apart); ours includes it, so "
              "only bandwidth and IOPS are compared."]
    return "\n".join(lines + history_section(load_history())) + "\n"


def load_history():
    return json.loads(HISTORY.read_text()) if HISTORY.exists() else {"about": "", "runs": []}


def history_entry(summary, info, repeats, note, by=""):
    return {"at": f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC", "by": by,
            "load_1m": info["load_average_1m"], "repeats": repeats, "note": note,
            "ratios": {name: [round(row["ratio"], 2), round(row["ratio_min"], 2), round(row["ratio_max"], 2)]
                       for name, row in summary.items()}}


def history_section(history):
    """Every recorded run, one column each: paired ratio (min–max) per pattern."""
    runs = history["runs"]
    if not runs:
        return []
    names = list(dict.fromkeys(n for r in runs for n in r["ratios"]))
    lines = ["", "## Run history", "", history.get("about", ""), "",
             "| pattern | " + " | ".join(f"{r['at']} (load {r['load_1m'] if r['load_1m'] is not None else '?'})"
                                       for r in runs) + " |",
             "|---|" + "---:|" * len(runs)]
    for name in names:
        cells = [f"{r['ratios'][name][0]:.2f} ({r['ratios'][name][1]:.2f}–{r['ratios'][name][2]:.2f})"
                 if name in r["ratios"] else "" for r in runs]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "Runs:", ""] + [f"- **{r['at']}** ({r.get('by') or 'unknown'}, {r['repeats']} repeats): {r['note']}"
                                  for r in runs]
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default="/var/tmp", help="directory on the device to measure")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=1.5, help="seconds per measurement")
    parser.add_argument("--note", default="", help="what this run is (machine state, change measured)")
    parser.add_argument("--by", default=os.environ.get("USER", ""), help="who ran it (kept in the history)")
    args = parser.parse_args()
    if not fio.fio_path():
        sys.exit("fio is not installed: nothing to compare against")
    started = time.monotonic()
    summary, method = run(args.dir, args.repeats, args.seconds)
    info = machine(args.dir)
    history = load_history()
    history["runs"].append(history_entry(summary, info, args.repeats, args.note, args.by))
    HISTORY.write_text(json.dumps(history, indent=1, ensure_ascii=False) + "\n")
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(markdown(summary, info, method, args.repeats, args.seconds))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"machine": info, "method": method, "summary": summary,
                                   "seconds": time.monotonic() - started}, indent=2))
    print(REPORT.read_text())
    return 0 if all(row["agrees"] for row in summary.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
