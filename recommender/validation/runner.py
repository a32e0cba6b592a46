"""Pure: run a probe plan on one target — each step repeated, interleaved with its fio twin — with progress."""
import statistics
import time

from . import calibration, fio, probes, safety

# Ours ÷ fio on the same pattern must lie within 1 ± this (issue 11: 0.9–1.1×).
FIO_AGREEMENT = 0.10
SPREAD_FIELDS = ("bytes_per_s", "iops")


class Cancelled(Exception):
    """The progress callback asked the run to stop."""


def execute(steps, guard, progress, use_fio=None, label="run"):
    """Run every step in a fresh work directory inside the target; always clean up."""
    use_fio = bool(fio.fio_path()) if use_fio is None else use_fio
    total = sum(s["deadline_s"] + s.get("fio_runtime_s", 0) for s in steps) or 1.0
    done, results, references, log = 0.0, {}, {}, []
    with guard.workdir(label) as work:
        method = probes.direct_io_method(work)
        for step in steps:
            share = (step["deadline_s"] + step.get("fio_runtime_s", 0)) / total

            def report(fraction, note, step=step, base=done, share=share):
                progress(min(1.0, base + share * fraction), step["probe"])

            t0 = time.monotonic()
            figures, twins = run_step(step, work, guard, method, report, use_fio)
            results.update(figures)
            references.update(twins)
            log.append(f"{step['probe']}: {step.get('repeats', 1)} repeats in {time.monotonic() - t0:.1f} s")
            done += share
    return {"probes": results, "fio": references, "method": method,
            "method_text": probes.COLD_METHOD_TEXT[method],
            "measurements": calibration.flatten(results), "log": log}


def run_step(step, work, guard, method, report, use_fio):
    """Repeat one step, each repeat followed by its fio twin; → (median figures, paired fio ratios)."""
    ours_fn, twin_fn = STEP_RUNNERS[step["probe"]]
    repeats = max(1, int(step.get("repeats", 1)))
    runs, twins = [], []
    for r in range(repeats):
        def sub(fraction, note, r=r):
            report((r + fraction) / repeats, note)

        try:
            figures, keep = ours_fn(step, work, guard, method, sub, step["deadline_s"] / repeats)
            runs.append(figures)
            if use_fio and step.get("fio_runtime_s") and twin_fn:
                twins.append(twin_fn(step, figures, keep, work, guard, step["fio_runtime_s"] / repeats))
        finally:
            clean(work, guard)
    return merge_repeats(runs), pair_twins(runs, twins)


def clean(work, guard):
    """Remove the step's files (the work directory itself stays until the run ends)."""
    guard.reserved_bytes = 0
    for entry in sorted(work.rglob("*"), reverse=True):
        if entry.name == safety.MARKER_NAME and entry.parent == work:
            continue
        if entry.is_symlink() or entry.is_file():
            entry.unlink()
        elif entry.is_dir():
            entry.rmdir()


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
    clean(work, guard)
    bytes_each = min(step["file_bytes"], max(w["bytes"] for w in written["files"]))
    base = {"name": "ckpt", "block_bytes": step["block_bytes"], "file_bytes": bytes_each}
    return {"checkpoint_write": compare({**base, "kind": "checkpoint_write", "writers": step["writers"]},
                                        work, guard, runtime_s / 2),
            "checkpoint_restore": compare({**base, "kind": "checkpoint_restore", "readers": step["writers"]},
                                          work, guard, runtime_s / 2)}


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
    clean(work, guard)
    jobs = step.get("streams") or step.get("writers")
    bytes_each = min(step["file_bytes"], max(w["bytes"] for w in written["files"]))
    base = {"name": "stream", "block_bytes": step["block_bytes"], "file_bytes": bytes_each}
    names = [n for n in ("video_stream_write", "ingest_write") if n in figures]
    out = {names[0]: compare({**base, "kind": "checkpoint_write", "writers": jobs}, work, guard,
                             runtime_s / (2 if "video_stream_read" in figures else 1))}
    if "video_stream_read" in figures:
        out["video_stream_read"] = compare({**base, "kind": "checkpoint_restore", "readers": jobs},
                                           work, guard, runtime_s / 2)
    return out


def _model_load(step, work, guard, method, report, deadline_s):
    figures, paths = probes.model_load(work, guard, step["readers"], step["file_bytes"], step["block_bytes"],
                                       deadline_s, report, method=method)
    return {"model_load": strip(figures)}, paths


def _model_load_twin(step, figures, paths, work, guard, runtime_s):
    clean(work, guard)  # fio lays out its own shards (one per job) and reads them back cold
    pattern = {"kind": "checkpoint_restore", "name": "model", "block_bytes": step["block_bytes"],
               "readers": step["readers"], "file_bytes": step["file_bytes"]}
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
    figures = probes.rag_index_reads(work, guard, step, deadline_s, report, method=method, engine=False)
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
