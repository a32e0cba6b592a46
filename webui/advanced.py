"""The wizard's advanced inputs as one declarative table: one line per field of the use-case
document (dotted path, kind, label, limits). A step shows its lines collapsed under "Advanced";
a new input the validator accepts is one more line here."""
from collections import namedtuple

from django import forms

from rules import usecase

# kind: int | number | count | percent | bool | text | bytes:<unit> | rate:<unit> | duration:<unit> | choice
Advanced = namedtuple("Advanced", "path kind label help minimum maximum choices", defaults=("", None, None, ()))

ADVANCED = {
    "basics": [
        Advanced("description", "text", "Description", "free text kept with the use case"),
    ],
    "model": [
        Advanced("model.active_parameters", "count", "Active parameters", "MoE: parameters each token uses"),
        Advanced("model.q_lora_rank", "int", "Query LoRA rank", "MLA models (DeepSeek)"),
        Advanced("model.qk_nope_head_dim", "int", "Non-RoPE head dim", "MLA models"),
        Advanced("model.v_head_dim", "int", "Value head dim", "MLA models"),
        Advanced("model.shared_experts", "int", "Shared experts", "MoE", minimum=0),
        Advanced("model.moe_ffn_hidden_size", "int", "Expert FFN hidden size", "MoE"),
        Advanced("model.dense_layers", "int", "Dense layers before the MoE ones", "MoE", minimum=0),
        Advanced("model.gated_mlp", "bool", "Gated MLP (SwiGLU)"),
        Advanced("model.tied_embeddings", "bool", "Tied input/output embeddings"),
    ],
    "cluster": [
        Advanced("economics.gpu_hour_usd", "number", "GPU-hour cost (USD)", "default: the GPU model's sourced price", minimum=0.001, maximum=1000),
        Advanced("economics.amortisation_years", "number", "Amortisation (years)", "default 5.5 (servers' useful life)", minimum=0.1, maximum=30),
        Advanced("cluster.sizing_basis", "choice", "Sizing basis", "envelope: at least the published guidance for a cluster this size", choices=("envelope", "jobs_only")),
        Advanced("cluster.workload_class", "choice", "Workload class", "auto: derived from the workload", choices=("auto", "text", "images_compressed", "images_uncompressed", "volumetric_3d", "video", "offline_inference")),
        Advanced("capacity_plan.horizon_years", "number", "Capacity horizon (years)", minimum=0.01, maximum=50),
        Advanced("capacity_plan.dataset_growth_fraction_per_year", "number", "Dataset growth per year (fraction)", "0.5 = +50 % a year", minimum=0, maximum=100),
        Advanced("procurement.tco_horizon_years", "number", "TCO horizon (years)", "3 to 5", minimum=3, maximum=5),
        Advanced("procurement.power_usd_per_kwh", "number", "Power price (USD/kWh)", minimum=0, maximum=10),
        Advanced("procurement.storage_oversubscription", "number", "Storage network oversubscription (x:1)", "1 = non-blocking", minimum=1, maximum=16),
    ],
    "checkpoint": [
        Advanced("checkpoint.sizing", "choice", "Checkpoint sizing", "cost_optimal: interval and bandwidth where idle GPUs and storage cost least", choices=("cost_optimal", "stall_budget")),
        Advanced("checkpoint.staging", "choice", "Checkpoint staging", "two-level: snapshot to host memory or local NVMe, then drain", choices=("none", "host_memory", "local_nvme")),
        Advanced("checkpoint.recovery_time_objective_s", "duration:min", "Recovery time objective"),
        Advanced("checkpoint.max_interval_s", "duration:min", "Longest interval", "cap on the optimum; default 60 min"),
        Advanced("checkpoint.restart_s", "duration:min", "Restart overhead", "part of the recovery time; default 5 min"),
        Advanced("checkpoint.snapshot_bytes_per_s", "rate:GB/s", "Device-to-host snapshot rate", "async saves; default 64 GB/s (PCIe 5.0 x16)"),
        Advanced("checkpoint.threads", "int", "Writer threads per rank", maximum=64),
        Advanced("checkpoint.lora_rank", "int", "LoRA rank", "fine-tuning adapters only; 0: full model", minimum=0, maximum=65536),
        Advanced("checkpoint.weights_only", "bool", "Weights only (no optimizer state)"),
        Advanced("checkpoint.master_weights", "bool", "fp32 master weights kept"),
        Advanced("checkpoint.weights_copy", "bool", "Separate bf16 weight copy kept"),
        Advanced("checkpoint.moment_dtype", "choice", "Optimizer moment dtype", choices=usecase.MOMENT_DTYPES),
    ],
    "data": [
        Advanced("data.samples", "count", "Samples in the dataset"),
        Advanced("data.sample_bytes", "bytes:MB", "Sample size"),
        Advanced("data.sequence_tokens", "int", "Tokens per sequence", maximum=10**8),
        Advanced("data.ingest_bytes_per_s", "rate:GB/s", "Ingest rate into the dataset"),
        Advanced("data.mode", "choice", "Data mode", choices=("batch", "streaming")),
        Advanced("data.source", "choice", "Data source", choices=("file", "block", "object")),
        Advanced("data.mfu", "percent", "Model FLOPS utilisation (%)", "default 40 % (Llama 3 405B)"),
    ],
    "inference": [
        Advanced("precision", "choice", "Model precision", "the serving dtype of activations",
                 choices=("bf16", "fp16", "fp8", "fp32")),
        Advanced("inference.retained_sessions", "int", "Retained sessions", "conversations whose KV is kept", minimum=0),
        Advanced("inference.retained_context_tokens", "count", "Tokens kept per retained session"),
        Advanced("inference.cache_hit_tokens_per_s", "number", "Cached-prefix tokens loaded per second", minimum=0),
        Advanced("inference.prefix_dedup_factor", "number", "Prefix deduplication factor", minimum=1),
        Advanced("inference.concurrent_cold_starts", "int", "Replicas starting together", "default: all replicas"),
        Advanced("inference.model_versions", "int", "Model versions kept", maximum=10_000),
        Advanced("inference.prefill_mfu", "percent", "Prefill MFU (%)", "default 50 %"),
        Advanced("inference.gpu_memory_utilization", "percent", "GPU memory for the engine (%)", "vLLM default 90 %"),
        Advanced("inference.host_kv_bytes_per_node", "bytes:GB", "Host DRAM for KV per server"),
        Advanced("inference.cxl_kv_bytes_per_node", "bytes:GB", "CXL memory for KV per server"),
        Advanced("inference.local_nvme_kv_bytes_per_node", "bytes:TB", "Local NVMe for KV per server"),
        Advanced("inference.share_kv_across_nodes", "bool", "Share KV across servers"),
    ],
    "rag": [
        Advanced("rag.hnsw_m", "int", "HNSW M (links per node)"),
        Advanced("rag.pq_bytes", "int", "PQ code bytes per vector", maximum=65_536),
        Advanced("rag.ivf_nlist", "int", "IVF lists", maximum=10**9),
        Advanced("rag.diskann_max_degree", "int", "DiskANN graph degree"),
        Advanced("rag.ios_per_query", "number", "Index reads per query", "default 50 for SSD indexes"),
        Advanced("rag.chunk_bytes", "bytes:kB", "Document chunk size"),
    ],
    "video": [
        Advanced("video.result_bytes", "bytes:kB", "Bytes per detection result"),
        Advanced("video.sockets", "int", "CPU sockets per server"),
    ],
    "tabular": [Advanced("tabular.train_s", "duration:min", "Training time per run")],
    "ingest": [Advanced("ingest.bytes_per_s", "rate:GB/s", "Ingest rate", "instead of bytes per day")],
}
BOOL_CHOICES = [("", "default"), ("true", "yes"), ("false", "no")]


def field_name(entry):
    """'inference.prefill_mfu' -> 'adv_prefill_mfu' (form field names stay unique per step)."""
    return "adv_" + entry.path.rpartition(".")[2]


def form_field(entry, quantity_field, count_field):
    """The Django form field for one line of the table."""
    common = {"label": entry.label, "required": False, "help_text": entry.help}
    kind, _, unit = entry.kind.partition(":")
    if kind in ("bytes", "rate", "duration"):
        return quantity_field(kind, unit, **common)
    if kind == "int":
        return forms.IntegerField(min_value=1 if entry.minimum is None else entry.minimum,
                                  max_value=entry.maximum or usecase.MAX_GPUS * 1000, **common)
    if kind == "number":
        return forms.FloatField(min_value=entry.minimum, max_value=entry.maximum, **common)
    if kind == "percent":
        return forms.FloatField(min_value=0.01, max_value=100, **common)
    if kind == "count":
        return count_field(**common)
    if kind == "bool":
        return forms.TypedChoiceField(choices=BOOL_CHOICES, coerce=lambda v: v == "true", empty_value=None,
                                      **common)
    if kind == "choice":
        return forms.ChoiceField(choices=[("", "default")] + [(c, c) for c in entry.choices], **common)
    return forms.CharField(max_length=2000, **common)


def document_value(entry, value):
    """A cleaned form value as the document holds it (percent -> fraction)."""
    return value / 100 if entry.kind == "percent" and value is not None else value
