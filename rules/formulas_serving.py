"""Pure arithmetic for serving-side needs (LLM inference, RAG, video, tabular, ingest); each cites its source."""
import math

from .units import DAY

VLLM_KV = "vllm-kv-cache-interface: AttentionSpec / MLAAttentionSpec page size"
VLLM_TP = "vllm-model-config: get_num_kv_heads() max(1, kv_heads // tp); MLA latent on every rank"
VLLM_CACHE = "vllm-cache-config: block_size 16, gpu_memory_utilization 0.92"
VLLM_WORKER_MEMORY = "vllm-gpu-worker: determine_available_memory (per worker)"
DEEPSEEK_V2 = "deepseek-v2-2024: §2.1 MLA caches (d_c + d_h^R) × l elements per token"

# Bytes per element of a KV-cache or weight dtype. fp8/int8 = 1 B, bf16/fp16 = 2 B (IEEE 754 / OCP FP8);
# int4 = 4 bits (AWQ/GPTQ weight formats).
DTYPE_BYTES = {"fp32": 4, "bf16": 2, "fp16": 2, "fp8": 1, "int8": 1, "int4": 0.5}
KV_DTYPES = ("fp32", "bf16", "fp16", "fp8", "int8", "fp8_ds_mla")
WEIGHT_DTYPES = ("fp32", "bf16", "fp16", "fp8", "int8", "int4")

# DeepSeek-V3.2 sparse FlashMLA cache: 656 bytes per token per layer (vLLM MLAAttentionSpec, fp8_ds_mla).
FP8_DS_MLA_BYTES_PER_TOKEN_LAYER = 656
VLLM_BLOCK_TOKENS = 16            # vllm/config/cache.py CacheConfig.DEFAULT_BLOCK_SIZE
VLLM_GPU_MEMORY_UTILIZATION = 0.92  # vllm/config/cache.py gpu_memory_utilization default (current main)
PREFILL_FLOPS_PER_PARAM = 2       # ≈2 FLOP per parameter per token (Kaplan et al. 2020, arXiv 2001.08361 §2.1)


# --- LLM inference: weights and KV cache --------------------------------------------------------

def head_dim(model):
    """Explicit head_dim wins, else hidden_size / attention_heads (vLLM get_head_size())."""
    if model.get("head_dim"):
        return int(model["head_dim"])
    return model["hidden_size"] // model["attention_heads"]


def is_mla(model):
    """Multi-head latent attention (DeepSeek-V2/V3, Kimi-K2) is marked by a kv_lora_rank."""
    return bool(model.get("kv_lora_rank"))


def kv_bytes_per_token_gqa(layers, kv_heads, head_size, dtype_bytes, v_head_size=None):
    """2 (K and V) × layers × kv_heads × head_dim × bytes (MHA when kv_heads = heads); vLLM AttentionSpec.

    K and V head sizes may differ: layers × kv_heads × (head_size + head_size_v) × bytes (vLLM
    FullAttentionSpec)."""
    v = head_size if v_head_size is None else v_head_size
    return int(layers * kv_heads * (head_size + v) * dtype_bytes)


def k_head_dim(model):
    """K head size: qk_nope + qk_rope when a (non-latent) model gives both, else head_dim."""
    if model.get("qk_nope_head_dim") and model.get("qk_rope_head_dim"):
        return model["qk_nope_head_dim"] + model["qk_rope_head_dim"]
    return head_dim(model)


def kv_bytes_per_token_mla(layers, kv_lora_rank, qk_rope_head_dim, dtype_bytes):
    """layers × (kv_lora_rank + qk_rope_head_dim) × bytes: one latent shared by K and V, no factor 2."""
    return int(layers * (kv_lora_rank + qk_rope_head_dim) * dtype_bytes)


def kv_bytes_per_token(model, kv_dtype):
    """KV bytes per token for a model dict and a KV dtype name, choosing MLA or MHA/GQA by the dims."""
    layers = model["layers"]
    if is_mla(model):
        if kv_dtype == "fp8_ds_mla":
            return layers * FP8_DS_MLA_BYTES_PER_TOKEN_LAYER
        return kv_bytes_per_token_mla(layers, model["kv_lora_rank"], model.get("qk_rope_head_dim") or 0,
                                      DTYPE_BYTES[kv_dtype])
    kv_heads = model.get("kv_heads") or model["attention_heads"]
    return kv_bytes_per_token_gqa(layers, kv_heads, k_head_dim(model), DTYPE_BYTES[kv_dtype],
                                  model.get("v_head_dim"))


def kv_heads_per_gpu(kv_heads, tensor_parallel):
    """vLLM get_num_kv_heads(): max(1, kv_heads // tp) — beyond tp = kv_heads heads are replicated."""
    return max(1, kv_heads // tensor_parallel)


def kv_bytes_per_token_per_gpu(model, kv_dtype, tensor_parallel):
    """Per-GPU share under tensor parallelism: GQA splits KV heads, MLA's latent is replicated (vLLM)."""
    total = kv_bytes_per_token(model, kv_dtype)
    if is_mla(model):
        return total
    kv_heads = model.get("kv_heads") or model["attention_heads"]
    return total * kv_heads_per_gpu(kv_heads, tensor_parallel) // kv_heads


def kv_cache_bytes(bytes_per_token, context_tokens, sequences, block_tokens=VLLM_BLOCK_TOKENS):
    """sequences × context rounded up to whole paged blocks × bytes/token (vLLM max_memory_usage_bytes)."""
    blocks = math.ceil(context_tokens / block_tokens)
    return int(sequences * blocks * block_tokens * bytes_per_token)


def hbm_kv_pool_bytes_per_gpu(hbm_bytes_per_gpu, weight_bytes_total, tensor_parallel,
                              utilization=VLLM_GPU_MEMORY_UTILIZATION):
    """KV pool of one GPU: HBM × gpu_memory_utilization − its 1/TP share of the weights (vLLM profiles
    memory per worker; vllm/v1/worker/gpu_worker.py determine_available_memory)."""
    return max(0, int(hbm_bytes_per_gpu * utilization - weight_bytes_total / tensor_parallel))


def kv_cache_bytes_per_gpu(model, kv_dtype, tensor_parallel, context_tokens, sequences):
    """Live KV one GPU holds: whole blocks × its per-GPU bytes per token (MLA latent and replicated heads
    counted on every rank), so never below the replica's total ÷ TP."""
    per_gpu = kv_bytes_per_token_per_gpu(model, kv_dtype, tensor_parallel)
    return kv_cache_bytes(per_gpu, context_tokens, sequences)


def dense_parameters(model):
    """Parameter count of a dense Llama-style decoder (q/k/v/o, SwiGLU MLP, RMSNorms, untied embeddings).

    meta-llama/llama-models models/llama3/model.py (Attention, FeedForward w1/w2/w3, RMSNorm, output)."""
    h, hd = model["hidden_size"], head_dim(model)
    heads = model["attention_heads"]
    kv_heads = model.get("kv_heads") or heads
    attention = h * heads * hd * 2 + h * kv_heads * hd * 2
    mlp = 3 * h * model["ffn_hidden_size"]
    per_layer = attention + mlp + 2 * h
    return model["layers"] * per_layer + 2 * model["vocab_size"] * h + h


def weight_bytes(parameters, weight_dtype):
    """Weights on disk and in HBM: parameters × bytes per element (safetensors stores raw tensors)."""
    return int(parameters * DTYPE_BYTES[weight_dtype])


def load_time_s(bytes_to_load, bandwidth_bytes_per_s):
    """T_load = bytes / min(storage, network, PCIe) bandwidth (Run:ai Model Streamer blog)."""
    return bytes_to_load / bandwidth_bytes_per_s


def load_bandwidth_for_target(bytes_to_load, target_s):
    """Bandwidth that loads the weights within the cold-start target: bytes / target."""
    return bytes_to_load / target_s


def hbm_kv_pool_bytes(hbm_bytes_per_gpu, gpus, weight_bytes_total,
                      utilization=VLLM_GPU_MEMORY_UTILIZATION):
    """KV pool of one replica: HBM × gpu_memory_utilization × GPUs − weights (vLLM; activations excluded)."""
    return max(0, int(hbm_bytes_per_gpu * utilization * gpus - weight_bytes_total))


def min_tensor_parallel_for_weights(weight_bytes, hbm_bytes_per_gpu, gpus_per_node,
                                    utilization=VLLM_GPU_MEMORY_UTILIZATION):
    """Smallest power-of-two TP whose HBM (× vLLM's gpu_memory_utilization) holds the weights, or None
    when even a whole server does not (vllm/config/cache.py; TP sizes are powers of two in practice
    because attention heads are)."""
    tp = 1
    while tp <= gpus_per_node:
        if weight_bytes < hbm_bytes_per_gpu * utilization * tp:
            return tp
        tp *= 2
    return None


def prefill_tokens_per_s(flops_per_gpu, mfu, gpus, active_parameters):
    """Prefill rate of a replica: GPUs × FLOPS × MFU / (2 × active params) — attention's n² term ignored."""
    return gpus * flops_per_gpu * mfu / (PREFILL_FLOPS_PER_PARAM * active_parameters)


def recompute_break_even_bytes_per_s(flops_per_gpu, mfu, tensor_parallel, active_parameters,
                                     kv_bytes_per_token_gpu):
    """Per-GPU tier bandwidth above which loading KV beats recomputing it (Mooncake, LMCache).

    = replica prefill tokens/s × KV bytes per token held by one GPU."""
    tokens = prefill_tokens_per_s(flops_per_gpu, mfu, tensor_parallel, active_parameters)
    return tokens * kv_bytes_per_token_gpu


def restore_bytes_per_s(hit_tokens_per_s, bytes_per_token):
    """Offload restore bandwidth = cache-hit tokens/s × KV bytes/token."""
    return hit_tokens_per_s * bytes_per_token


def offload_capacity_bytes(sessions, context_tokens, bytes_per_token, dedup_factor=1.0):
    """Retained KV = sessions × context × bytes/token ÷ prefix-dedup factor."""
    return int(sessions * context_tokens * bytes_per_token / dedup_factor)


def offload_tier(bytes_per_node, host_bytes, cxl_bytes, local_nvme_bytes, shared_across_nodes):
    """Smallest tier that holds the per-node retained KV: DRAM, DRAM+CXL, local NVMe, else shared.

    Dynamo KVBM G1→G2 (host)→G3 (local disk)→G4 (shared); NVIDIA CMX/ICMS blog: G3 is node-bound,
    so KV reused across nodes goes to shared storage."""
    if shared_across_nodes:
        return "shared_fast"
    if bytes_per_node <= host_bytes + cxl_bytes:
        return "host_memory"
    if bytes_per_node <= local_nvme_bytes:
        return "gpu_local_nvme"
    return "shared_fast"


# --- RAG: vector index ---------------------------------------------------------------------------

RAG_ENCODINGS = ("float32", "float16", "int8", "binary")
RAG_INDEXES = ("flat", "hnsw", "ivf_pq", "diskann")
DISKANN_SECTOR_BYTES = 4096          # microsoft/DiskANN include/scratch.h SECTOR_LEN (size_t)4096
DISKANN_PQ_RAM_RATIO = 0.125         # Milvus DISKANN PQCodeBudgetGBRatio (milvus.io/docs/disk_index.md)
DISKANN_MAX_DEGREE = 56              # Milvus DISKANN MaxDegree default (same page)
IVF_ID_BYTES = 8                     # FAISS IndexIVFPQ stores M + 8 bytes per vector (64-bit ids)
QDRANT_RAM_FACTOR = 1.5              # qdrant.tech capacity planning: N × d × 4 B × 1.5


def vector_code_bytes(dimensions, encoding):
    """Bytes per stored vector: 4d float32, 2d float16, d int8, ceil(d/8) binary (Qdrant quantization docs)."""
    if encoding == "binary":
        return math.ceil(dimensions / 8)
    return dimensions * {"float32": 4, "float16": 2, "int8": 1}[encoding]


def raw_vector_bytes(vectors, dimensions, encoding):
    """N × bytes per vector."""
    return vectors * vector_code_bytes(dimensions, encoding)


def hnsw_index_bytes(vectors, dimensions, encoding, m):
    """FAISS HNSW<M>: N × (code bytes + M × 2 × 4) — layer-0 keeps 2M 4-byte links (faiss wiki)."""
    return vectors * (vector_code_bytes(dimensions, encoding) + m * 2 * 4)


def ivf_pq_index_bytes(vectors, dimensions, pq_bytes, nlist):
    """FAISS IndexIVFPQ: N × (M + 8) + centroids nlist × d × 4 (faiss wiki "Faiss indexes")."""
    return vectors * (pq_bytes + IVF_ID_BYTES) + nlist * dimensions * 4


def ivf_default_nlist(vectors):
    """sqrt(N) lists (pgvector README: rows/1000 up to 1M rows, sqrt(rows) above), at least 1."""
    if vectors <= 1_000_000:
        return max(1, vectors // 1000)
    return int(math.isqrt(vectors))


def diskann_node_bytes(dimensions, encoding, max_degree):
    """One on-disk node: full vector + 4-byte neighbour count + R × 4-byte ids (microsoft/DiskANN)."""
    return vector_code_bytes(dimensions, encoding) + 4 + 4 * max_degree


def diskann_ssd_bytes(vectors, dimensions, encoding, max_degree):
    """Nodes packed into 4 KiB sectors (several per sector, or several sectors per node) + 1 header sector.

    microsoft/DiskANN READ_SECTOR_OFFSET(id) = (id / nnodes_per_sector + 1) × SECTOR_LEN."""
    node = diskann_node_bytes(dimensions, encoding, max_degree)
    per_sector = DISKANN_SECTOR_BYTES // node
    if per_sector >= 1:
        sectors = math.ceil(vectors / per_sector)
    else:
        sectors = vectors * math.ceil(node / DISKANN_SECTOR_BYTES)
    return (sectors + 1) * DISKANN_SECTOR_BYTES


def diskann_ram_bytes(vectors, dimensions):
    """PQ codes kept in RAM: raw float32 bytes × PQCodeBudgetGBRatio 0.125 (Milvus DISKANN)."""
    return int(raw_vector_bytes(vectors, dimensions, "float32") * DISKANN_PQ_RAM_RATIO)


def rag_iops(qps, ios_per_query):
    """Storage reads per second = QPS × I/Os per query (DiskANN search_disk_index "Mean IOs")."""
    return qps * ios_per_query


# --- video analytics -----------------------------------------------------------------------------

def stream_bytes_per_s(streams, bitrate_bits_per_s):
    """Aggregate stream rate = streams × bitrate / 8."""
    return streams * bitrate_bits_per_s / 8


def retention_bytes(streams, bitrate_bits_per_s, retention_days):
    """Recorded bytes = streams × bitrate / 8 × 86,400 × days (4 Mbps → 43.2 GB/day)."""
    return int(stream_bytes_per_s(streams, bitrate_bits_per_s) * DAY * retention_days)


def cascade_rates(streams, fps, objects_per_frame):
    """Detector runs on every frame; the recogniser once per detected object (seed §2 cascade)."""
    detector = streams * fps
    return {"detector_hz": detector, "recogniser_hz": detector * objects_per_frame}


def results_write_iops(streams, fps, objects_per_frame):
    """Per detection: one small write per recognised object per frame (the old, pessimistic layout)."""
    return streams * fps * objects_per_frame


def results_per_track(streams, fps, objects_per_frame, track_frames, descriptor_bytes, metadata_bytes,
                      persist="per_track"):
    """Result writes per tracked object: an object seen for `track_frames` frames is one track, stored as
    one metadata row + one descriptor (VDMS AddEntity + AddDescriptor) when the track ends."""
    detections = streams * fps * objects_per_frame
    if persist == "per_detection":
        return {"tracks_per_s": detections, "iops": detections, "io_bytes": descriptor_bytes,
                "write_bytes_per_s": detections * descriptor_bytes}
    tracks = detections / track_frames
    return {"tracks_per_s": tracks, "iops": 2 * tracks, "io_bytes": (descriptor_bytes + metadata_bytes) / 2,
            "write_bytes_per_s": tracks * (descriptor_bytes + metadata_bytes)}


def decode_pixels_per_s(streams, width, height, fps):
    """Decode work: streams × width × height × fps luma pixels per second (what NVDEC tables quote)."""
    return streams * width * height * fps


# --- tabular ML ----------------------------------------------------------------------------------

# Measured on this machine (pandas 3.1.1, pyarrow 26.0.1) by benchmarks/tabular_parse.py on a PUMS-like
# 44-column table (6 string columns = 33 % of the CSV bytes, blanks as in ACS PUMS); results in
# benchmarks/results/tabular_parse.json. Rates are bytes per CPU-second, i.e. per core.
# Public cross-check: 18.2 GB of NYC TLC CSV in 288.6 s with pandas' default reader ≈ 63 MB/s.
MEASURED = "tabular-parse-benchmark"
CSV_PARSE_BYTES_PER_S_PER_CORE = 99_004_800        # pandas.read_csv(engine="c"), Python-object strings
CSV_PARSE_ARROW_STRINGS_BYTES_PER_S_PER_CORE = 142_758_962  # same, pandas 3 Arrow-backed str dtype
PARQUET_DECODE_BYTES_PER_S_PER_CORE = 57_693_298   # pq.read_table().to_pandas(), Parquet file bytes per CPU-s
PARQUET_TO_CSV_SIZE_RATIO = 0.3522                 # snappy Parquet / CSV bytes, same table
STRING_BYTE_SHARE = 0.3304                         # string fields' share of the CSV bytes (PUMS-like table)
# DataFrame bytes per CSV byte, by kind of column: object strings pay a 49-byte CPython str header
# (sys.getsizeof('') on 64-bit CPython 3.11) + an 8-byte pointer per value; blanks make ints float64.
STRING_MEMORY_PER_CSV_BYTE = {"object": 5.4711, "arrow": 1.6026}
NUMERIC_MEMORY_PER_CSV_BYTE = 2.1389
STRING_DTYPES = ("object", "arrow")
# W. McKinney, "Apache Arrow and the '10 Things I Hate About pandas'" (2017): have 5 to 10 times as
# much RAM as the size of your dataset; the low end is used.
PANDAS_RAM_PER_DATASET_BYTE = 5
# Multi-core DataFrame loading scales sub-linearly: Modin (Dask engine) sped the Higgs ETL up ~3× on
# 20 cores (Dell InfoHub, oneAPI end-to-end ML study). Amdahl's law through that point: parallel share
# p = (1 − 1/3) / (1 − 1/20) = 0.7018, so no core count gives more than 1 / (1 − p) ≈ 3.4×.
MODIN_SPEEDUP_POINT = (20, 3.0)
TABULAR_FORMATS = ("csv", "parquet")


def parse_rate_per_core(file_format, string_dtype="object"):
    """Bytes of the stored file one core turns into a DataFrame per second (measured constants)."""
    if file_format == "parquet":
        return PARQUET_DECODE_BYTES_PER_S_PER_CORE
    return CSV_PARSE_BYTES_PER_S_PER_CORE if string_dtype == "object" else CSV_PARSE_ARROW_STRINGS_BYTES_PER_S_PER_CORE


def amdahl_parallel_share(cores=MODIN_SPEEDUP_POINT[0], speedup=MODIN_SPEEDUP_POINT[1]):
    """Parallel share p that gives `speedup` on `cores` under Amdahl's law: (1 − 1/S) / (1 − 1/n)."""
    return (1 - 1 / speedup) / (1 - 1 / cores)


def multicore_speedup(cores, parallel_share=None):
    """Amdahl: 1 / ((1 − p) + p / n); sub-linear, never above 1 / (1 − p)."""
    p = amdahl_parallel_share() if parallel_share is None else parallel_share
    return 1 / ((1 - p) + p / cores)


def csv_equivalent_bytes(dataset_bytes, file_format):
    """The dataset's size as CSV: Parquet bytes ÷ measured Parquet/CSV size ratio."""
    if file_format == "csv":
        return dataset_bytes
    return dataset_bytes / PARQUET_TO_CSV_SIZE_RATIO


def dataframe_to_csv_ratio(string_byte_share=STRING_BYTE_SHARE, string_dtype="object"):
    """DataFrame bytes per CSV byte: string share × string memory + rest × numeric memory (measured)."""
    return (string_byte_share * STRING_MEMORY_PER_CSV_BYTE[string_dtype]
            + (1 - string_byte_share) * NUMERIC_MEMORY_PER_CSV_BYTE)


def dataframe_bytes(dataset_bytes, file_format, string_byte_share=STRING_BYTE_SHARE, string_dtype="object"):
    """In-memory DataFrame size: CSV-equivalent bytes × the column-mix ratio (≈3.2 for PUMS-like objects)."""
    ratio = dataframe_to_csv_ratio(string_byte_share, string_dtype)
    return int(csv_equivalent_bytes(dataset_bytes, file_format) * ratio)


def working_memory_bytes(dataset_bytes, file_format, frame_bytes=0):
    """RAM to work on the frame: 5 × the dataset as CSV (McKinney, low end), never below two frames."""
    return int(max(csv_equivalent_bytes(dataset_bytes, file_format) * PANDAS_RAM_PER_DATASET_BYTE,
                   2 * frame_bytes))


def load_time_tabular_s(dataset_bytes, file_format, cores, string_dtype="object", storage_bytes_per_s=None):
    """Wall time to load: parse at the per-core rate × Amdahl speedup, or storage if slower."""
    rate = parse_rate_per_core(file_format, string_dtype) * multicore_speedup(cores)
    if storage_bytes_per_s:
        rate = min(rate, storage_bytes_per_s)
    return dataset_bytes / rate


def scan_bytes_per_s(dataset_bytes, scan_target_s):
    """Storage read rate that scans the dataset in the target time."""
    return dataset_bytes / scan_target_s


def parse_cores(dataset_bytes, scan_target_s, bytes_per_s_per_core):
    """Cores that parse/decode the dataset in the target time: bytes / (target × per-core rate)."""
    return math.ceil(dataset_bytes / (scan_target_s * bytes_per_s_per_core))


def scan_time_s(dataset_bytes, cores, bytes_per_s_per_core, storage_bytes_per_s=None):
    """Scan time bounded by the slower of parsing (cores × per-core rate) and storage."""
    rate = cores * bytes_per_s_per_core
    if storage_bytes_per_s:
        rate = min(rate, storage_bytes_per_s)
    return dataset_bytes / rate


def non_ai_fraction(load_s, train_s):
    """Share of wall time spent outside the model (seed §4: Census ≈ 95 % non-AI)."""
    return load_s / (load_s + train_s)


# --- ingest --------------------------------------------------------------------------------------

def ingest_write_bytes_per_s(bytes_per_day, mode, batch_window_s, peak_to_average):
    """Batch: the day's bytes land within the window; streaming: the daily average × peak factor."""
    if mode == "batch":
        return bytes_per_day / batch_window_s
    return bytes_per_day / DAY * peak_to_average


def landing_bytes(bytes_per_day, landing_days):
    """Landing zone holds landing_days of arrivals."""
    return int(bytes_per_day * landing_days)
