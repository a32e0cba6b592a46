"""Pure: derive the probe plan from a proposal's requirements, scaled to a time budget and size cap.

Fields read (all optional; missing ones fall back to the sourced defaults below and the plan
says so in each step's `sources`):
  requirements.checkpoint      total_bytes, files, per_rank_bytes | largest_file_bytes,
                               writers (all ranks) | writers_per_node, write_bytes_per_s, restore_bytes_per_s
  requirements.training_data   read_bytes_per_s, sample_bytes, samples_per_file, batch_size,
                               step_time_s | computation_time_s, min_au | au_min, read_threads
  requirements.kv_cache        bytes_per_token, tokens_per_block, concurrent_sequences
  requirements.tabular         format, total_bytes        (or use_case.data.format/total_bytes)
  requirements.results_persistence / video   record_bytes, iops
  use_case                     gpus, gpus_per_node, data.sample_bytes, data.format, data.total_bytes
"""
import math

MiB = 1 << 20

# Accelerators per client host: 8 on DGX/HGX H100 nodes; MLPerf Storage CLOSED needs more
# than 4 per host (research/mlperf-storage.md §1.4). One checkpoint writer per local rank.
DEFAULT_GPUS_PER_NODE = 8
# Default training pattern when the use case has no training_data need: MLPerf Storage
# ResNet-50 on H100 — record 114,660 B, batch 400, 0.224 s compute per step, AU ≥ 0.90,
# 8 read threads (configs/dlio/workload/resnet50_h100.yaml, research/mlperf-storage.md §2.1).
RESNET50_H100 = {"sample_bytes": 114_660, "batch_size": 400, "compute_s": 0.224, "au_min": 0.90,
                 "read_threads": 8, "samples_per_file": 1}
MLPERF_SOURCE = "mlcommons/storage configs/dlio/workload/resnet50_h100.yaml (v2.0)"
# DLIO's U-Net3D/CosmoFlow configs use 4 reader threads per accelerator (same source).
DEFAULT_READ_THREADS = 4
# vLLM's default KV block: 16 tokens (vllm EngineArgs block_size default).
DEFAULT_TOKENS_PER_BLOCK = 16
# Results-persistence record: one 4 KiB page (the ext4 block / x86 page size) per synced write.
DEFAULT_RECORD_BYTES = 4096
MAX_WRITERS = 16
MAX_KV_THREADS = 8

# Share of the time budget per probe (fio twins get their own share when fio runs).
WEIGHTS = {"checkpoint_write": 5, "training_reads": 4,
           "kv_block_reads": 2, "table_scan": 2, "small_synced_writes": 1}
FIO_SHARE = 0.3
# Share of the usable size (cap or free space above the floor) each probe may keep at once;
# every probe cleans up before the next, so shares are per probe, not summed.
SIZE_SHARE = 0.8


class PlanError(ValueError):
    """The budget or cap leaves no room for a meaningful run (message says which)."""


def num(doc, *names, default=None):
    """The first of `names` present in `doc` as a positive, finite number (a hand-edited proposal
    may hold anything: a string for a section, Infinity, an integer too large for a float)."""
    for name in names:
        value = doc.get(name) if isinstance(doc, dict) else None
        if _positive_finite(value):
            return value
    return default


def _positive_finite(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return value > 0 and math.isfinite(float(value))
    except OverflowError:  # float(10**400)
        return False


def plan(proposal, budget_s, room_bytes, fio=False):
    """Probe steps for a proposal document ({use_case, requirements, ...})."""
    if budget_s <= 0:
        raise PlanError("budget_s must be positive")
    if room_bytes < 8 * MiB:
        raise PlanError(f"only {room_bytes} bytes usable on the target; at least {8 * MiB} needed")
    req = proposal.get("requirements") or {}
    use_case = proposal.get("use_case") or {}
    usable = int(room_bytes * SIZE_SHARE)
    steps = [checkpoint_step(req.get("checkpoint"), use_case, usable),
             training_step(req.get("training_data"), use_case, usable)]
    steps += optional_steps(req, use_case, usable)
    return with_budget(steps, budget_s, fio)


def optional_steps(req, use_case, usable):
    steps = []
    if req.get("kv_cache"):
        steps.append(kv_step(req["kv_cache"], use_case, usable))
    fmt = scan_format(req, use_case)
    if fmt:
        steps.append(scan_step(fmt, req.get("tabular") or {}, use_case, usable))
    persistence = req.get("results_persistence") or req.get("video")
    if persistence:
        steps.append(synced_write_step(persistence, usable))
    return steps


def with_budget(steps, budget_s, fio):
    ours = budget_s * (1 - FIO_SHARE if fio else 1.0)
    total = sum(WEIGHTS[s["probe"]] for s in steps)
    for s in steps:
        s["deadline_s"] = ours * WEIGHTS[s["probe"]] / total
        s["fio_runtime_s"] = (budget_s * FIO_SHARE * WEIGHTS[s["probe"]] / total) if fio else 0.0
    return steps


def gpus_per_node(use_case):
    gpus = num(use_case, "gpus", default=DEFAULT_GPUS_PER_NODE)
    return int(min(gpus, num(use_case, "gpus_per_node", default=DEFAULT_GPUS_PER_NODE)))


def checkpoint_step(ckpt, use_case, usable):
    """Checkpoint burst: one writer per local rank, each writing its shard (scaled to the cap)."""
    sources = []
    files = num(ckpt, "files", default=None)
    per_rank = num(ckpt, "per_rank_bytes", "largest_file_bytes")
    if per_rank is None and files and num(ckpt, "total_bytes"):
        per_rank = ckpt["total_bytes"] / files
    local = gpus_per_node(use_case)
    writers = num(ckpt, "writers_per_node", "ranks_per_node", default=min(num(ckpt, "writers", default=local), local))
    writers = int(min(writers, files or writers, MAX_WRITERS))
    if per_rank is None:
        sources.append("no checkpoint layout in the requirements: shards sized by the cap only")
        per_rank = usable / writers
    else:
        sources.append("requirements.checkpoint (per-rank shard bytes, files)")
    file_bytes = max(MiB, min(int(per_rank), usable // writers) // MiB * MiB)
    return {"probe": "checkpoint_write", "writers": writers, "file_bytes": file_bytes,
            "shard_bytes_required": int(per_rank), "scaled": file_bytes < per_rank,
            "sources": sources + ["MLPerf Storage: fsync on write, cold read on restore"]}


def training_step(td, use_case, usable):
    """Training reads: the use case's sample size, batch and step time; MLPerf ResNet-50 if absent."""
    data = use_case.get("data") or {}
    pattern, sources = training_pattern(td, data)
    sample = pattern["sample_bytes"]
    dataset = usable // 2
    if sample * 4 > dataset:  # keep ≥4 samples; scale compute with size so demand/accel is kept
        factor = (dataset // 4) / sample
        pattern["sample_bytes"] = max(4096, int(sample * factor))
        pattern["compute_s"] = pattern["compute_s"] * pattern["sample_bytes"] / sample
        sources.append(f"sample scaled from {sample} to {pattern['sample_bytes']} bytes to fit the "
                       "cap; step time scaled alike, so demand per accelerator is unchanged")
    per_file = max(1, min(pattern["samples_per_file"], dataset // (4 * pattern["sample_bytes"])))
    files = max(1, min(4096, dataset // (per_file * align(pattern["sample_bytes"]))))
    return {"probe": "training_reads", **pattern, "samples_per_file": int(per_file),
            "files": int(files), "sources": sources,
            "cache_note": "dataset smaller than client RAM; O_DIRECT (or dropped pages) keeps reads off the cache"}


def training_pattern(td, data):
    td = td or {}
    explicit = num(td, "step_time_s", "computation_time_s", "compute_s") is not None
    base = dict(RESNET50_H100) if not explicit else {}
    pattern = {
        "sample_bytes": int(num(td, "sample_bytes", default=num(data, "sample_bytes",
                                                                default=RESNET50_H100["sample_bytes"]))),
        "batch_size": int(num(td, "batch_size", default=base.get("batch_size", 1))),
        "compute_s": float(num(td, "step_time_s", "computation_time_s", "compute_s",
                               default=RESNET50_H100["compute_s"])),
        "au_min": float(num(td, "min_au", "au_min", "accelerator_utilization_min", default=0.90)),
        "read_threads": int(num(td, "read_threads", default=DEFAULT_READ_THREADS)),
        "samples_per_file": int(num(td, "samples_per_file", default=1)),
    }
    sources = ["requirements.training_data (sample bytes, batch, step time)"] if explicit else [
        f"no step time in the requirements: batch, step time and AU floor from {MLPERF_SOURCE}"]
    return pattern, sources


def align(nbytes, to=4096):
    return int(math.ceil(nbytes / to) * to)


def kv_step(kv, use_case, usable):
    per_token = num(kv, "bytes_per_token", default=None)
    tokens = num(kv, "tokens_per_block", "block_tokens", default=DEFAULT_TOKENS_PER_BLOCK)
    block = align(per_token * tokens) if per_token else MiB
    blocks = max(8, min(100_000, (usable // 2) // block))
    inference = use_case.get("inference") or {}
    threads = int(min(MAX_KV_THREADS, num(kv, "concurrent_sequences",
                                          default=num(inference, "concurrent_sequences", default=4))))
    return {"probe": "kv_block_reads", "block_bytes": block, "blocks": int(blocks), "threads": threads,
            "sources": ["requirements.kv_cache.bytes_per_token × 16-token blocks (vLLM default block_size)"]}


def scan_format(req, use_case):
    fmt = (req.get("tabular") or {}).get("format") or (use_case.get("data") or {}).get("format")
    if use_case.get("workload") == "tabular_ml" or req.get("tabular"):
        return fmt if fmt in ("csv", "parquet") else "csv"
    return fmt if fmt in ("csv", "parquet") else None


def scan_step(fmt, tabular, use_case, usable):
    total = num(tabular, "total_bytes", default=num(use_case.get("data") or {}, "total_bytes"))
    file_bytes = int(min(total or usable // 4, usable // 4, 256 * MiB))
    return {"probe": "table_scan", "format": fmt, "file_bytes": max(MiB, file_bytes),
            "sources": [f"{fmt} scan with pandas; parse time measured apart from I/O"]}


def synced_write_step(persistence, usable):
    record = int(num(persistence, "record_bytes", "write_bytes", default=DEFAULT_RECORD_BYTES))
    return {"probe": "small_synced_writes", "record_bytes": record, "threads": 1,
            "max_bytes": int(min(usable // 4, 64 * MiB)),
            "sources": ["results persistence: small appends, fsync after each (VDMS-style)"]}
