"""Pure: run a probe plan on one target — each step repeated, interleaved with its fio twin — with progress."""
import os
import statistics
import time

from . import calibration, fio, probes, safety

# Ours ÷ fio on the same pattern must lie within 1 ± this (issue 11: 0.9–1.1×).
FIO_AGREEMENT = 0.10
# Small random reads at depth (RAG index pages) run with fio as the I/O engine and our own
# accounting from its per-I/O log: 1.00× of fio io_uring at 4 KiB QD 32, where 32 Python threads
# blocking in os.preadv reach 0.66× (CPU-bound on two cores; docs/performance/validation.md).
FIO_ENGINE = "fio"
THREAD_ENGINE = "threads"
DEPTH_PROBES = ("rag_index_reads",)
# Probes whose fio twin reads the probe's freshly written files: who reads first alternates by
# repeat, so a cache below the guest (a virtio host's write-back cache) favours neither side.
TWIN_FIRST_ON_ODD_REPEATS = ("model_load",)
SPREAD_FIELDS = ("bytes_per_s", "iops")


class Cancelled(Exception):
    """The progress callback asked the run to stop."""


def execute(steps, guard, progress, use_fio=None, label="run", budget_s=None):
    """Run every step in a fresh work directory inside the target; always clean up.

    The run keeps to `budget_s` (default: the plan's own total): setting up a step's files counts
    in its time (probes.Prep), and a step that starts late gets its planned time scaled down to
    what is left. Figures report each probe's set-up time apart (`prep_s`)."""
    use_fio = bool(fio.fio_path()) if use_fio is None else use_fio
    planned = [s["deadline_s"] + s.get("fio_runtime_s", 0) for s in steps]
    total = sum(planned) or 1.0
    budget_s = total if budget_s is None else budget_s
    started = time.monotonic()
    done, results, references, log, timeline = 0.0, {}, {}, [], []
    engine, engine_note = depth_engine()
    with guard.workdir(label) as work:
        method = probes.direct_io_method(work)
        for i, step in enumerate(steps):
            share = planned[i] / total
            step = fitted(step, budget_s - (time.monotonic() - started), sum(planned[i:]), log)
            # the instant this step is over: its share of the budget counted from the run's start
            step["end_at"] = started + budget_s * sum(planned[:i + 1]) / total
            if step["probe"] in DEPTH_PROBES:
                step["engine"] = engine
                log.append(f"{step['probe']}: {engine_note}")

            def report(fraction, note, step=step, base=done, share=share):
                progress(min(1.0, base + share * fraction), step["probe"])

            t0 = time.monotonic()
            parts_done = []
            figures, twins, twin_s = run_step(step, work, guard, method, report, use_fio, timeline=parts_done)
            t1 = time.monotonic()
            results.update(figures)
            references.update(twins)
            timeline.append(part_record(step["probe"], None, "step", t0, t1, step["end_at"], started))
            timeline += [part_record(step["probe"], *p, started) for p in parts_done]
            prep = sum(f.get("prep_s_total") or 0 for f in figures.values())
            parts = [f"file set-up {prep:.1f} s"] if prep else []
            parts += [f"fio twin {twin_s:.1f} s"] if twins else []
            log.append(f"{step['probe']}: {step.get('repeats', 1)} repeats in {t1 - t0:.1f} s"
                       + (f" ({', '.join(parts)} of it)" if parts else "")
                       + f", ended at {t1 - started:.1f} s (its share ends at {step['end_at'] - started:.1f} s)")
            done += share
    elapsed = time.monotonic() - started
    log.append(f"run: {elapsed:.1f} s of a {budget_s:g} s budget")
    return {"probes": results, "fio": references, "method": method,
            "method_text": probes.COLD_METHOD_TEXT[method], "elapsed_s": elapsed, "budget_s": budget_s,
            "prep_s": sum(f.get("prep_s_total") or 0 for f in results.values()),
            "measurements": calibration.flatten(results), "log": log, "timeline": timeline}


def part_record(probe, repeat, part, start, end, deadline, started):
    """When one part of the run (a step, or a repeat's own measuring, fio twin or clean-up) started
    and ended, and the instant it had to be over by, in seconds from the run's start (monotonic)."""
    return {"probe": probe, "repeat": repeat, "part": part, "start_s": start - started,
            "end_s": end - started, "deadline_s": deadline - started if deadline is not None else None}


def depth_engine():
    """The engine for small random reads at depth, and the sentence the run's log says about it."""
    if fio.fio_path():
        return FIO_ENGINE, "fio io_uring as the I/O engine, figures from its per-I/O log"
    return THREAD_ENGINE, ("fio is not installed: one Python thread per request in flight instead "
                           "(CPU-bound at 4 KiB: about 0.66× of the device, docs/performance/validation.md)")


MIN_STEP_FACTOR = 0.25


def fitted(step, left_s, planned_left_s, log):
    """The step with its times scaled down when the steps before it overran the budget (never
    below a quarter of the plan, so each probe still measures something)."""
    factor = max(MIN_STEP_FACTOR, min(1.0, left_s / planned_left_s)) if planned_left_s > 0 else 1.0
    if factor >= 0.999:
        return dict(step)
    log.append(f"{step['probe']}: earlier steps overran the budget; its time scaled by {factor:.2f}")
    return {**step, "deadline_s": step["deadline_s"] * factor,
            "fio_runtime_s": step.get("fio_runtime_s", 0) * factor}


# fio's own start-up and exit on top of its `runtime` (job set-up, forking its jobs, the report):
# a twin gets the time left in its repeat minus this; the first twin of a run measures it.
FIO_OVERHEAD = {"s": 0.4}  # the last twin's, for the next run of this process
MIN_TWIN_S = 0.1


class Window:
    """One repeat's share of its step's time: ours first, then the twin, both over by `end`."""

    def __init__(self, end_at, repeats_left, ours_s, fio_s, overhead):
        now = time.monotonic()
        self.end = now + max(0.0, end_at - now) / repeats_left if end_at else None
        self.fio_s, self.overhead = fio_s, overhead
        if self.end is None:
            self.ours_s = ours_s
        else:
            want = ours_s + (fio_s + overhead["s"] if fio_s else 0.0)
            fit = min(ours_s, (self.end - now) * ours_s / want) if want > 0 else ours_s
            # a repeat that starts with its time gone (the steps before overran) still measures
            # something, as `fitted` promises, and then leaves no time for its twin
            self.ours_s = max(fit, ours_s * MIN_STEP_FACTOR)

    def twin_s(self, ours_left_s=0.0, tail_s=0.0):
        """The twin's runtime: as planned, but over (with fio's start-up, and `tail_s` for removing
        the repeat's files after it) by the repeat's end."""
        if self.end is None:
            return self.fio_s
        return min(self.fio_s, self.end - time.monotonic() - ours_left_s - tail_s - self.overhead["s"])

    def timed(self, fn, runtime_s):
        t0 = time.monotonic()
        out = fn(runtime_s)
        spent = time.monotonic() - t0
        self.overhead["s"] = FIO_OVERHEAD["s"] = max(self.overhead["s"] * 0.5, spent - runtime_s, 0.05)
        return out, spent


def run_step(step, work, guard, method, report, use_fio, overhead=None, timeline=None):
    """Repeat one step, each repeat followed by its fio twin, all over by `step["end_at"]` (when
    given): each repeat gets its share of the time left, ours its planned part of it and the twin
    what remains, or no twin when too little remains (said in `twins_skipped`); → (median figures,
    paired fio ratios, seconds spent in the twins). A repeat after the first that would start past
    the step's end is not run (said in `repeats_skipped`). Each part's (repeat, "ours" | "twin" | "clean",
    start, end, repeat's end) on the monotonic clock is appended to `timeline` when given."""
    timeline = timeline if timeline is not None else []
    ours_fn, twin_fn = STEP_RUNNERS[step["probe"]]
    repeats = max(1, int(step.get("repeats", 1)))
    overhead = overhead if overhead is not None else {"s": max(0.3, FIO_OVERHEAD["s"])}
    runs, twins, twin_s, skipped, late = [], [], 0.0, 0, 0
    window = None
    for r in range(repeats):
        if r and step.get("end_at") and time.monotonic() >= step["end_at"]:
            late = repeats - r  # no repeat starts after the step's end (the first always runs)
            break
        def sub(fraction, note, r=r):
            report((r + fraction) / repeats, note)

        try:
            twin_now = use_fio and step.get("fio_runtime_s") and twin_fn
            window = Window(step.get("end_at"), repeats - r, step["deadline_s"] / repeats,
                            step.get("fio_runtime_s", 0) / repeats if twin_now else 0.0, overhead)
            first = {}
            hook = {}
            if twin_now and step["probe"] in TWIN_FIRST_ON_ODD_REPEATS and r % 2 == 1:
                def before(paths):
                    runtime = window.twin_s(ours_left_s=window.ours_s * (1 - probes.PREP_SHARE))
                    if runtime >= MIN_TWIN_S:
                        t = time.monotonic()
                        first["twin"], first["s"] = window.timed(
                            lambda t: twin_fn(step, None, paths, work, guard, t), runtime)
                        timeline.append((r, "twin", t, time.monotonic(), window.end))
                hook = {"before": before}
            t = time.monotonic()
            figures, keep = ours_fn(step, work, guard, method, sub, window.ours_s, **hook)
            timeline.append((r, "ours", t, time.monotonic(), window.end))
            runs.append(figures)
            if "twin" in first:
                twins.append(first["twin"])
                twin_s += first["s"]
            elif twin_now and window.twin_s(tail_s=clean_estimate_s(work)) >= MIN_TWIN_S:
                t = time.monotonic()
                twin, spent = window.timed(lambda t: twin_fn(step, figures, keep, work, guard, t),
                                           window.twin_s(tail_s=clean_estimate_s(work)))
                timeline.append((r, "twin", t, time.monotonic(), window.end))
                twins.append(twin)
                twin_s += spent
            elif twin_now:
                skipped += 1
        finally:
            t = time.monotonic()
            clean(work, guard)
            timeline.append((r, "clean", t, time.monotonic(), window.end if window else None))
    merged = merge_repeats(runs)
    for figures in merged.values():
        if skipped:
            figures["twins_skipped"] = f"{skipped} of {repeats} repeats: no time left in the budget for fio"
        if late:
            figures["repeats_skipped"] = f"{late} of {repeats} repeats: the step's time was over"
    return merged, pair_twins(runs, twins), twin_s


# Seconds to remove one file of a repeat (thousands of sample files take a while): measured by
# every clean of this process, so a twin leaves time for the clean after it.
CLEAN_S_PER_FILE = {"s": 4e-4}


def clean_estimate_s(work):
    return sum(len(files) for _, _, files in os.walk(work)) * CLEAN_S_PER_FILE["s"]


def clean(work, guard, keep_buffers=False):
    """Remove the step's files (the work directory itself stays until the run ends); a twin that
    still writes from the step's buffer files keeps them (`keep_buffers`)."""
    t0 = time.monotonic()
    guard.reserved_bytes = 0
    if not keep_buffers:
        probes.drop_shared_buffers(work)
    removed = 0
    for entry in sorted(work.rglob("*"), reverse=True):
        if entry.name == safety.MARKER_NAME and entry.parent == work:
            continue
        if entry.is_symlink() or entry.is_file():
            entry.unlink()
            removed += 1
        elif entry.is_dir():
            entry.rmdir()
    if removed:
        # the deletions reach the disk now, not during the next measurement: an fsync there would wait for
        # this step's journal (synced 4 KiB writes read 0.82x of fio when they followed a clean-up unsynced).
        # An fsync of the work directory commits the journal that holds them, on this filesystem only.
        fd = os.open(work, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    if removed >= 100:
        CLEAN_S_PER_FILE["s"] = (time.monotonic() - t0) / removed


# ---------------------------------------------------------------- repeats and twins

def merge_repeats(runs):
    """Per probe: the median repeat's figures, with median and min–max over the repeats."""
    out = {}
    for name in runs[0]:
        reps = [r[name] for r in runs if name in r]
        ordered = sorted(reps, key=lambda f: f.get("bytes_per_s", 0))
        chosen = dict(ordered[(len(ordered) - 1) // 2])
        spread = {f: _spread([x.get(f) for x in reps]) for f in SPREAD_FIELDS}
        spread["p99_s"] = _spread([(x.get("latency_s") or {}).get("p99_s") for x in reps])
        for f in SPREAD_FIELDS:
            if spread[f]:
                chosen[f] = spread[f]["median"]
        preps = [x["prep_s"] for x in reps if isinstance(x.get("prep_s"), (int, float))]
        if preps:
            chosen["prep_s_total"] = sum(preps)  # set-up of every repeat (each lays out its files)
        chosen["repeats"] = {"count": len(reps), **spread}
        out[name] = chosen
    return out


def _spread(values):
    values = [v for v in values if isinstance(v, (int, float))]
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "values": values}


def pair_twins(runs, twins):
    """ours ÷ fio per probe: ratio of medians, and the min–max of the paired (same repeat) ratios."""
    out = {}
    names = {n for t in twins for n in t}
    for name in sorted(names):
        pairs = [(r.get(name, {}).get("bytes_per_s"), t[name]) for r, t in zip(runs, twins) if name in t]
        good = [(o, t["fio"]["bytes_per_s"]) for o, t in pairs if o and "fio" in t and t["fio"]["bytes_per_s"]]
        errors = [t["error"] for _, t in pairs if "error" in t]
        if not good:
            out[name] = {"error": errors[0] if errors else "fio measured nothing", "pattern": pairs[0][1].get("pattern")}
            continue
        ours_m = statistics.median(o for o, _ in good)
        fio_m = statistics.median(f for _, f in good)
        paired = [o / f for o, f in good]
        ratio = ours_m / fio_m
        out[name] = {"fio": {**pairs[-1][1]["fio"], "bytes_per_s": fio_m}, "ours_bytes_per_s": ours_m,
                     "ratio": ratio, "ratio_min": min(paired), "ratio_max": max(paired),
                     "paired_ratios": paired, "repeats": len(good),
                     "agrees": abs(ratio - 1) <= FIO_AGREEMENT, "pattern": pairs[-1][1].get("pattern")}
    return out


def compare(pattern, work, guard, runtime_s):
    """One fio run of the pattern (its figures, or the reason it could not run)."""
    try:
        return {"fio": fio.reference(pattern, work, guard, runtime_s), "pattern": pattern}
    except (fio.FioError, safety.SafetyError) as exc:
        return {"error": str(exc), "pattern": pattern}


# ---------------------------------------------------------------- one function pair per probe

def _checkpoint(step, work, guard, method, report, deadline_s):
    half = deadline_s * 0.6
    written, paths = probes.checkpoint_write(work, guard, step["writers"], step["file_bytes"], half,
                                             lambda f, n: report(0.5 * f, n), block_bytes=step["block_bytes"])
    restored = probes.checkpoint_restore(work, paths, deadline_s - half,
                                         lambda f, n: report(0.5 + 0.4 * f, n), method=method,
                                         block_bytes=step["block_bytes"])
    return {"checkpoint_write": strip(written), "checkpoint_restore": strip(restored)}, written


def _checkpoint_twin(step, figures, written, work, guard, runtime_s):
    """fio restores our shards (one job per shard, as our readers did), then writes its own: a
    restore of fio's shards would first lay them out to full size, untimed but in the budget."""
    restore = compare(shard_pattern("ckpt", step["block_bytes"], written_names(written), work), work, guard,
                      runtime_s / 2)
    clean(work, guard, keep_buffers=True)
    write = write_pattern("ckpt", step["block_bytes"], written, step["file_bytes"], work)
    return {"checkpoint_write": compare(write, work, guard, runtime_s / 2), "checkpoint_restore": restore}


def write_pattern(name, block_bytes, written, planned_bytes, work):
    """fio writing what our writers wrote: one job per writer, fresh files of our names and the
    bytes our fullest writer wrote, each from the buffer file that writer wrote from
    (fio.shard_write_args)."""
    names = written_names(written)
    return {"kind": "checkpoint_write", "name": name, "block_bytes": block_bytes, "writers": len(names),
            "file_bytes": min(planned_bytes, max(w["bytes"] for w in written["files"])),
            "filenames": names, "buffers": probes.shared_buffers(work, len(names), block_bytes, fill=True),
            "timed_as": fio.WALL_SPAN}


def shard_pattern(name, block_bytes, filenames, work=None, timed_as=None):
    """fio reading the probe's own files, one job per file (fio.shard_read_args); given the run's
    `work`, each job reads into the buffer file our reader of that file used (rawio.shared_buffers)."""
    filenames = list(filenames)
    buffers = probes.shared_buffers(work, len(filenames), block_bytes) if work is not None else None
    pattern = {"kind": "shard_read", "name": name, "block_bytes": block_bytes, "filenames": filenames,
               "buffers": buffers}
    return {**pattern, "timed_as": timed_as} if timed_as else pattern


def written_names(written):
    return [w["path"] for w in written["files"]]


def _streams(step, work, guard, method, report, deadline_s, write_name, read_name, count):
    half = deadline_s * (0.5 if read_name else 1.0)
    written, paths = probes.checkpoint_write(work, guard, step[count], step["file_bytes"], half,
                                             lambda f, n: report(0.5 * f, n), block_bytes=step["block_bytes"],
                                             name="stream")
    out = {write_name: strip(written)}
    if read_name:
        out[read_name] = strip(probes.checkpoint_restore(work, paths, deadline_s - half,
                                                         lambda f, n: report(0.5 + 0.5 * f, n),
                                                         method=method, block_bytes=step["block_bytes"]))
    return out, written


def _video(step, work, guard, method, report, deadline_s):
    return _streams(step, work, guard, method, report, deadline_s, "video_stream_write",
                    "video_stream_read", "streams")


def _ingest(step, work, guard, method, report, deadline_s):
    return _streams(step, work, guard, method, report, deadline_s, "ingest_write", None, "writers")


def _streams_twin(step, figures, written, work, guard, runtime_s):
    """As the checkpoint twin: fio reads our streams back first, then writes its own."""
    out, reads = {}, "video_stream_read" in figures
    if reads:
        out["video_stream_read"] = compare(shard_pattern("stream", step["block_bytes"], written_names(written), work),
                                           work, guard, runtime_s / 2)
    clean(work, guard, keep_buffers=True)
    names = [n for n in ("video_stream_write", "ingest_write") if n in figures]
    out[names[0]] = compare(write_pattern("stream", step["block_bytes"], written, step["file_bytes"], work),
                            work, guard, runtime_s / (2 if reads else 1))
    return out


def _model_load(step, work, guard, method, report, deadline_s, before=None):
    figures, paths = probes.model_load(work, guard, step["readers"], step["file_bytes"], step["block_bytes"],
                                       deadline_s, report, method=method, before_read=before)
    return {"model_load": strip(figures)}, paths


def _model_load_twin(step, figures, paths, work, guard, runtime_s):
    """fio reads the probe's own shards, one job per shard at the same block size, O_DIRECT, into the
    same buffer pages, timed as the same wall span (docs/performance/validation.md: fio laying out
    its own files swung 0.89–1.46×; private buffers and fio's per-job timing 1.33–1.59×)."""
    pattern = shard_pattern("model", step["block_bytes"], [p.name for p in paths], work, fio.WALL_SPAN)
    return {"model_load": compare(pattern, work, guard, runtime_s)}


def _training(step, work, guard, method, report, deadline_s):
    figures = probes.training_reads(
        work, guard, step["sample_bytes"], step["samples_per_file"], step["files"], step["batch_size"],
        step["compute_s"], step["read_threads"], step["au_min"], deadline_s, report, method=method)
    return {"training_reads": strip(figures)}, figures


def _training_twin(step, figures, raw, work, guard, runtime_s):
    pattern = {"kind": "random_read", "name": "samples", "read_bytes": raw["read_bytes_per_sample"],
               "threads": step["read_threads"], "opendir": str(work / probes.SAMPLES_DIR)}
    return {"training_reads": compare(pattern, work, guard, runtime_s)}


def _kv(step, work, guard, method, report, deadline_s):
    figures = probes.kv_block_reads(work, guard, step["block_bytes"], step["blocks"], step["threads"],
                                    deadline_s, report, method=method)
    return {"kv_block_reads": strip(figures)}, figures


def _kv_twin(step, figures, raw, work, guard, runtime_s):
    pattern = {"kind": "random_read", "name": "kv", "read_bytes": raw["block_bytes"],
               "threads": step["threads"], "filenames": ["kv-blocks.dat"]}
    return {"kv_block_reads": compare(pattern, work, guard, runtime_s)}


def _rag(step, work, guard, method, report, deadline_s):
    figures = probes.rag_index_reads(work, guard, step, deadline_s, report, method=method,
                                     engine=step.get("engine") == FIO_ENGINE)
    return {"rag_index_reads": strip(figures)}, figures


def _rag_twin(step, figures, _, work, guard, runtime_s):
    if step["pattern"] == "sequential":
        pattern = {"kind": "checkpoint_restore", "name": "index", "block_bytes": probes.BLOCK_BYTES,
                   "readers": 1, "file_bytes": step["file_bytes"], "filenames": [f"index-{step['index']}.dat"]}
    else:
        pattern = {"kind": "random_read", "name": "index", "read_bytes": step["page_bytes"],
                   "threads": 1, "queue_depth": step["queue_depth"], "filenames": [f"index-{step['index']}.dat"]}
    return {"rag_index_reads": compare(pattern, work, guard, runtime_s)}


def _scan(step, work, guard, method, report, deadline_s):
    figures = probes.table_scan(work, guard, step["format"], step["file_bytes"], deadline_s, report, method=method)
    return {"table_scan": strip(figures)}, figures


def _synced(step, work, guard, method, report, deadline_s):
    figures = probes.small_synced_writes(work, guard, step["record_bytes"], step["threads"],
                                         step["max_bytes"], deadline_s, report)
    return {"small_synced_writes": strip(figures)}, figures


def _synced_twin(step, figures, _, work, guard, runtime_s):
    clean(work, guard)
    pattern = {"kind": "synced_write", "name": "results", "record_bytes": step["record_bytes"],
               "threads": step["threads"], "file_bytes": step["max_bytes"] // step["threads"]}
    return {"small_synced_writes": compare(pattern, work, guard, runtime_s)}


STEP_RUNNERS = {"checkpoint_write": (_checkpoint, _checkpoint_twin), "training_reads": (_training, _training_twin),
                "model_load": (_model_load, _model_load_twin), "kv_block_reads": (_kv, _kv_twin),
                "rag_index_reads": (_rag, _rag_twin), "video_streams": (_video, _streams_twin),
                "ingest_writes": (_ingest, _streams_twin), "table_scan": (_scan, None),
                "small_synced_writes": (_synced, _synced_twin)}


def strip(figures):
    """Drop per-file detail that only matters inside the run."""
    return {k: v for k, v in figures.items() if k != "files"}
