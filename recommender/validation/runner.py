"""Pure: run a probe plan on one target (ours, then fio's twin where installed), with progress."""
import time

from . import calibration, fio, probes, safety

# Our figures and fio's must agree within this on the same pattern (issue 5).
FIO_AGREEMENT = 0.25


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
            log.append(f"{step['probe']}: done in {time.monotonic() - t0:.1f} s")
            done += share
    return {"probes": results, "fio": references, "method": method,
            "method_text": probes.COLD_METHOD_TEXT[method],
            "measurements": calibration.flatten(results), "log": log}


def run_step(step, work, guard, method, report, use_fio):
    """One plan step → ({probe name: figures}, {probe name: fio comparison})."""
    runner = STEP_RUNNERS[step["probe"]]
    try:
        return runner(step, work, guard, method, report, use_fio)
    finally:
        guard.reserved_bytes = 0
        for entry in work.iterdir():
            if entry.is_file() and not entry.is_symlink():
                entry.unlink()


def _checkpoint(step, work, guard, method, report, use_fio):
    half = step["deadline_s"] * 0.6
    written, paths = probes.checkpoint_write(work, guard, step["writers"], step["file_bytes"], half,
                                             lambda f, n: report(0.5 * f, n))
    restored = probes.checkpoint_restore(work, paths, step["deadline_s"] - half,
                                         lambda f, n: report(0.5 + 0.4 * f, n), method=method)
    figures = {"checkpoint_write": strip(written), "checkpoint_restore": strip(restored)}
    twins = {}
    if use_fio and step.get("fio_runtime_s"):
        for p in paths:
            p.unlink()
        guard.reserved_bytes = 0
        bytes_each = min(step["file_bytes"], max(w["bytes"] for w in written["files"]))
        base = {"name": "ckpt", "block_bytes": step.get("block_bytes", probes.BLOCK_BYTES),
                "file_bytes": bytes_each}
        rt = step["fio_runtime_s"] / 2
        twins["checkpoint_write"] = compare(written, {**base, "kind": "checkpoint_write",
                                                     "writers": step["writers"]}, work, guard, rt)
        twins["checkpoint_restore"] = compare(restored, {**base, "kind": "checkpoint_restore",
                                                        "readers": step["writers"]}, work, guard, rt)
    return figures, twins


def _training(step, work, guard, method, report, use_fio):
    figures = probes.training_reads(
        work, guard, step["sample_bytes"], step["samples_per_file"], step["files"], step["batch_size"],
        step["compute_s"], step["read_threads"], step["au_min"], step["deadline_s"], report, method=method)
    twins = {}
    if use_fio and step.get("fio_runtime_s"):
        pattern = {"kind": "random_read", "name": "samples", "read_bytes": figures["read_bytes_per_sample"],
                   "threads": step["read_threads"], "filenames": sorted(p.name for p in work.glob("sample*.dat"))}
        twins["training_reads"] = compare(figures, pattern, work, guard, step["fio_runtime_s"])
    return {"training_reads": strip(figures)}, twins


def _kv(step, work, guard, method, report, use_fio):
    figures = probes.kv_block_reads(work, guard, step["block_bytes"], step["blocks"], step["threads"],
                                    step["deadline_s"], report, method=method)
    twins = {}
    if use_fio and step.get("fio_runtime_s"):
        pattern = {"kind": "random_read", "name": "kv", "read_bytes": figures["block_bytes"],
                   "threads": step["threads"], "filenames": ["kv-blocks.dat"]}
        twins["kv_block_reads"] = compare(figures, pattern, work, guard, step["fio_runtime_s"])
    return {"kv_block_reads": strip(figures)}, twins


def _scan(step, work, guard, method, report, use_fio):
    figures = probes.table_scan(work, guard, step["format"], step["file_bytes"], step["deadline_s"],
                                report, method=method)
    return {"table_scan": strip(figures)}, {}


def _synced(step, work, guard, method, report, use_fio):
    figures = probes.small_synced_writes(work, guard, step["record_bytes"], step["threads"],
                                         step["max_bytes"], step["deadline_s"], report)
    twins = {}
    if use_fio and step.get("fio_runtime_s"):
        pattern = {"kind": "synced_write", "name": "results", "record_bytes": step["record_bytes"],
                   "threads": step["threads"], "file_bytes": step["max_bytes"] // step["threads"]}
        twins["small_synced_writes"] = compare(figures, pattern, work, guard, step["fio_runtime_s"])
    return {"small_synced_writes": strip(figures)}, twins


STEP_RUNNERS = {"checkpoint_write": _checkpoint, "training_reads": _training, "kv_block_reads": _kv,
                "table_scan": _scan, "small_synced_writes": _synced}


def compare(ours, pattern, work, guard, runtime_s):
    """fio's figures for the same pattern next to ours, as a ratio (ours ÷ fio)."""
    try:
        theirs = fio.reference(pattern, work, guard, runtime_s)
    except (fio.FioError, safety.SafetyError) as exc:
        return {"error": str(exc), "pattern": pattern}
    ratio = fio.ratio(ours["bytes_per_s"], theirs["bytes_per_s"])
    return {"fio": theirs, "ours_bytes_per_s": ours["bytes_per_s"], "ratio": ratio,
            "agrees": ratio is not None and abs(ratio - 1) <= FIO_AGREEMENT, "pattern": pattern}


def strip(figures):
    """Drop per-file detail that only matters inside the run."""
    return {k: v for k, v in figures.items() if k != "files"}
