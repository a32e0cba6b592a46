"""Pure: derive the probe plan from a proposal's requirements, scaled to a time budget and size cap.

One step per requirement family the proposal has, nothing else (an inference use case never runs
the training probes). Families and the fields read (all optional inside a family present):
  requirements.checkpoint      per_rank_bytes | largest_file_bytes, files, total_bytes, writers
  requirements.training_data   sample_bytes, batch_size, step_time_s, min_au, read_threads
  requirements.model_load      total_bytes, files | shards, load_block_bytes
  requirements.kv_cache        bytes_per_token, tokens_per_block, concurrent_sequences
  requirements.rag_index       index, iops, qps, page_bytes
  requirements.video           streams, read_bytes_per_s, write_bytes_per_s
  requirements.results_persistence  io_bytes | record_bytes, iops
  requirements.tabular         format, total_bytes
  requirements.ingest          write_bytes_per_s
Every step's `sources` are bibliography keys (rules/bibliography/validation.py).
"""
import math

MiB = 1 << 20
GiB = 1 << 30

DEFAULT_GPUS_PER_NODE = 8
# MLPerf Storage ResNet-50 on H100: record 114,660 B, batch 400, 0.224 s compute, AU ≥ 0.90.
RESNET50_H100 = {"sample_bytes": 114_660, "batch_size": 400, "compute_s": 0.224, "au_min": 0.90,
                 "read_threads": 8, "samples_per_file": 1}
MLPERF_CONFIG = "mlperf-storage-v2: configs/dlio/workload/resnet50_h100.yaml"
DEFAULT_READ_THREADS = 4
DEFAULT_TOKENS_PER_BLOCK = 16          # vLLM EngineArgs block_size default
DEFAULT_RECORD_BYTES = 4096
# Hugging Face save_pretrained shards weights at max_shard_size="5GB"; Run:ai Model Streamer reads
# with 16 threads in 2 MiB chunks from a file system (runai-model-streamer: docs/src/env-vars.md).
MODEL_SHARD_BYTES = 5 * 10**9
MODEL_LOAD_BLOCK_BYTES = 2 * MiB
MODEL_LOAD_READERS = 16
# DiskANN packs one graph node per 4 KiB sector and reads a beam of W=4 sectors per hop.
RAG_PAGE_BYTES = 4096
RAG_BEAMWIDTH = 4
RAG_QUEUE_DEPTH = 32
RAG_THREADS = 8
# IVF lists are read whole: a list of a few hundred vectors, read as one 64 KiB request here.
IVF_LIST_BYTES = 64 * 1024
VIDEO_STREAMS = 8
VIDEO_BLOCK_BYTES = MiB
MAX_WRITERS = 16
MAX_KV_THREADS = 8
MAX_REPEATS = 5
MIN_REPEAT_S = 1.0     # a repeat shorter than this measures start-up, not the storage
FAMILIES = ("checkpoint", "training_data", "model_load", "kv_cache", "rag_index", "video",
            "results_persistence", "tabular", "ingest")

WEIGHTS = {"checkpoint_write": 5, "training_reads": 4, "model_load": 4, "kv_block_reads": 2,
           "rag_index_reads": 3, "video_streams": 3, "table_scan": 2, "small_synced_writes": 1,
           "ingest_writes": 2}
FIO_SHARE = 0.3
SIZE_SHARE = 0.8


class PlanError(ValueError):
    """The budget or cap leaves no room for a meaningful run (message says which)."""


def num(doc, *names, default=None):
    """The first of `names` present in `doc` as a positive, finite number."""
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
    except OverflowError:
        return False


def families(proposal):
    """The requirement families the proposal has (in plan order)."""
    req = proposal.get("requirements") or {}
    return [f for f in FAMILIES if isinstance(req.get(f), dict)]


def plan(proposal, budget_s, room_bytes, fio=False, kind="fs"):
    """Probe steps for a proposal document ({use_case, requirements, ...})."""
    if budget_s <= 0:
        raise PlanError("budget_s must be positive")
    if room_bytes < 8 * MiB:
        raise PlanError(f"only {room_bytes} bytes usable on the target; at least {8 * MiB} needed")
    req = proposal.get("requirements") or {}
    use_case = proposal.get("use_case") or {}
    usable = int(room_bytes * SIZE_SHARE)
    steps = []
    for family in families(proposal):
        steps += STEP_BUILDERS[family](req[family], use_case, usable)
    for s in steps:
        if s["probe"] == "rag_index_reads" and s.get("required_iops"):
            s["rate_iops"] = int(math.ceil(s["required_iops"] / planned_clients(proposal)))
    if not steps:
        raise PlanError("the proposal has no requirement a probe can measure "
                        f"(expected one of {', '.join(FAMILIES)})")
    for s in steps:
        s["target_kind"] = kind
    return with_budget(steps, budget_s, fio)


def with_budget(steps, budget_s, fio):
    """Split the budget by weight; each step repeats (≥ 3 when it allows) interleaved with fio."""
    ours = budget_s * (1 - FIO_SHARE if fio else 1.0)
    total = sum(WEIGHTS[s["probe"]] for s in steps)
    for s in steps:
        s["deadline_s"] = ours * WEIGHTS[s["probe"]] / total
        s["fio_runtime_s"] = (budget_s * FIO_SHARE * WEIGHTS[s["probe"]] / total) if fio else 0.0
        s["repeats"] = repeats_for(s["deadline_s"])
    return steps


def repeats_for(deadline_s):
    return int(max(1, min(MAX_REPEATS, deadline_s // (MIN_REPEAT_S * 2))))


def planned_clients(proposal):
    """Client hosts the proposal plans for: use_case.clients/nodes, the tiers' node count, or GPUs ÷ 8."""
    use_case = proposal.get("use_case") or {}
    explicit = num(use_case, "clients", "nodes")
    if explicit:
        return int(explicit)
    nodes = [t.get("nodes") for t in proposal.get("tiers") or [] if num(t, "nodes")]
    if nodes:
        return int(max(nodes))
    gpus = num(use_case, "gpus", default=1)
    per_node = num(use_case, "gpus_per_node", default=DEFAULT_GPUS_PER_NODE)
    return max(1, math.ceil(gpus / per_node))


def gpus_per_node(use_case):
    gpus = num(use_case, "gpus", default=DEFAULT_GPUS_PER_NODE)
    return int(min(gpus, num(use_case, "gpus_per_node", default=DEFAULT_GPUS_PER_NODE)))


def align(nbytes, to=4096):
    return int(math.ceil(nbytes / to) * to)


# ---------------------------------------------------------------- one builder per family

def checkpoint_steps(ckpt, use_case, usable):
    """Checkpoint burst (fsync) and cold restore: one writer per local rank, shards scaled to the cap."""
    files = num(ckpt, "files")
    per_rank = num(ckpt, "per_rank_bytes", "largest_file_bytes")
    if per_rank is None and files and num(ckpt, "total_bytes"):
        per_rank = ckpt["total_bytes"] / files
    local = gpus_per_node(use_case)
    writers = num(ckpt, "writers_per_node", "ranks_per_node",
                  default=min(num(ckpt, "writers", default=local), local))
    writers = int(min(writers, files or writers, MAX_WRITERS))
    sources = ["mlperf-storage-v2: Submission_guidelines.md checkpointing (fsync, cold restore)"]
    notes = []
    if per_rank is None:
        per_rank = usable / writers
        notes.append("no checkpoint layout in the requirements: shards sized by the cap only")
    file_bytes = max(MiB, min(int(per_rank), usable // writers) // MiB * MiB)
    return [{"probe": "checkpoint_write", "family": "checkpoint", "writers": writers,
             "file_bytes": file_bytes, "block_bytes": MiB, "shard_bytes_required": int(per_rank),
             "scaled": file_bytes < per_rank, "sources": sources, "notes": notes}]


def training_steps(td, use_case, usable):
    """Training reads: the use case's sample size, batch and step time (MLPerf ResNet-50 if absent)."""
    data = use_case.get("data") or {}
    pattern, sources = training_pattern(td, data)
    sample = pattern["sample_bytes"]
    dataset = usable // 2
    if sample * 4 > dataset:
        factor = (dataset // 4) / sample
        pattern["sample_bytes"] = max(4096, int(sample * factor))
        pattern["compute_s"] = pattern["compute_s"] * pattern["sample_bytes"] / sample
        sources.append("dlio-benchmark: record_length and computation_time scaled together")
    per_file = max(1, min(pattern["samples_per_file"], dataset // (4 * pattern["sample_bytes"])))
    files = max(1, min(4096, dataset // (per_file * align(pattern["sample_bytes"]))))
    return [{"probe": "training_reads", "family": "training_data", **pattern,
             "samples_per_file": int(per_file), "files": int(files), "sources": sources}]


def training_pattern(td, data):
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
    sources = ["dlio-benchmark: dlio_benchmark/utils/statscounter.py (AU)"]
    if not explicit:
        sources.append(MLPERF_CONFIG)
    return pattern, sources


def model_load_steps(ml, use_case, usable):
    """Model cold start: parallel large sequential reads of weight shards at the load block size."""
    total = num(ml, "bytes_per_node", "total_bytes", default=usable)
    shards = int(num(ml, "files", "shards", default=max(1, math.ceil(total / MODEL_SHARD_BYTES))))
    readers = int(min(MODEL_LOAD_READERS, max(1, shards)))
    block = int(num(ml, "load_block_bytes", default=MODEL_LOAD_BLOCK_BYTES))
    shard_bytes = max(block, min(int(total / shards), usable // readers) // block * block)
    return [{"probe": "model_load", "family": "model_load", "readers": readers,
             "file_bytes": shard_bytes, "block_bytes": block, "shard_bytes_required": int(total / shards),
             "scaled": shard_bytes < total / shards,
             "sources": ["hf-transformers-save-pretrained: max_shard_size", "runai-model-streamer: env-vars.md"]}]


def kv_steps(kv, use_case, usable):
    per_token = num(kv, "bytes_per_token")
    tokens = num(kv, "tokens_per_block", "block_tokens", default=DEFAULT_TOKENS_PER_BLOCK)
    block = align(per_token * tokens) if per_token else MiB
    blocks = max(8, min(100_000, (usable // 2) // block))
    inference = use_case.get("inference") or {}
    threads = int(min(MAX_KV_THREADS, num(kv, "concurrent_sequences",
                                          default=num(inference, "concurrent_sequences", default=4))))
    return [{"probe": "kv_block_reads", "family": "kv_cache", "block_bytes": block,
             "blocks": int(blocks), "threads": threads,
             "sources": ["vllm-engine-args: block_size 16 tokens"]}]


def rag_steps(rag, use_case, usable):
    """RAG index reads in the access pattern of the index type, at the IOPS the QPS implies."""
    index = rag.get("index") if isinstance(rag.get("index"), str) else "diskann"
    page = int(num(rag, "page_bytes", default=IVF_LIST_BYTES if index.startswith("ivf") else RAG_PAGE_BYTES))
    file_bytes = int(max(16 * MiB, min(usable // 2, 4 * GiB)) // page * page)
    pattern = {"diskann": "random", "ivf_pq": "random_lists", "ivf_flat": "random_lists"}.get(index, "sequential")
    return [{"probe": "rag_index_reads", "family": "rag_index", "index": index, "pattern": pattern,
             "page_bytes": page if pattern != "sequential" else MiB, "file_bytes": file_bytes,
             "queue_depth": RAG_QUEUE_DEPTH if pattern != "sequential" else 1,
             "threads": RAG_THREADS if pattern != "sequential" else 1,
             "required_iops": num(rag, "iops"), "beamwidth": RAG_BEAMWIDTH,
             "sources": ["diskann-neurips2019: 4 KiB sectors, beam search",
                         "faiss-wiki-indexes: IVF lists, HNSW in memory"]}]


def video_steps(video, use_case, usable):
    """Video: concurrent stream writes (ingest) and stream reads (decode), large sequential I/O."""
    streams = int(min(MAX_WRITERS, num(video, "streams", default=VIDEO_STREAMS)))
    file_bytes = max(MiB, (usable // streams) // MiB * MiB)
    return [{"probe": "video_streams", "family": "video", "streams": streams,
             "file_bytes": min(file_bytes, 256 * MiB), "block_bytes": VIDEO_BLOCK_BYTES,
             "sources": ["fio-howto: rw=write / rw=read, numjobs"]}]


def persistence_steps(rp, use_case, usable):
    record = int(num(rp, "io_bytes", "record_bytes", "write_bytes", default=DEFAULT_RECORD_BYTES))
    return [{"probe": "small_synced_writes", "family": "results_persistence", "record_bytes": align(record),
             "threads": 1, "max_bytes": int(min(usable // 4, 64 * MiB)),
             "sources": ["fio-howto: fsync=1"]}]


def tabular_steps(tab, use_case, usable):
    fmt = tab.get("format") or (use_case.get("data") or {}).get("format")
    fmt = fmt if fmt in ("csv", "parquet") else "csv"
    total = num(tab, "total_bytes", default=num(use_case.get("data") or {}, "total_bytes"))
    file_bytes = int(min(total or usable // 4, usable // 4, 256 * MiB))
    return [{"probe": "table_scan", "family": "tabular", "format": fmt, "file_bytes": max(MiB, file_bytes),
             "sources": ["pandas-io: read_csv / read_parquet"]}]


def ingest_steps(ing, use_case, usable):
    writers = VIDEO_STREAMS
    return [{"probe": "ingest_writes", "family": "ingest", "writers": writers,
             "file_bytes": max(MiB, min(256 * MiB, (usable // writers) // MiB * MiB)), "block_bytes": MiB,
             "sources": ["fio-howto: rw=write / rw=read, numjobs"]}]


STEP_BUILDERS = {"checkpoint": checkpoint_steps, "training_data": training_steps,
                 "model_load": model_load_steps, "kv_cache": kv_steps, "rag_index": rag_steps,
                 "video": video_steps, "results_persistence": persistence_steps,
                 "tabular": tabular_steps, "ingest": ingest_steps}
