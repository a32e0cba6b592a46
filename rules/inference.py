"""LLM inference rules: weights and cold start, KV cache per token and capacity, offload tier, break-even."""
import math

from experta import MATCH, AS, W, Rule

from . import fields_serving as fields
from . import formulas_serving as fs
from . import kv_offload as ko
from .kb import Decision, Need, Workload

KIND = "llm_inference"
PER_NODE_TIERS = ("gpu_local_nvme", "host_memory")  # docs/architecture.md: DAS and host memory per node
SECTION = "inference"
# Sources quoted by findings (bibliography keys, rules/bibliography/serving.py).
KV_SOURCES = [fs.VLLM_KV, fs.DEEPSEEK_V2]
TP_SOURCES = [fs.VLLM_TP, "vllm-qkv-parallel-linear"]
LOAD_SOURCES = ["run-ai-model-streamer: T_load = bytes ÷ min(storage, network, PCIe)",
                "nvidia-dgx-superpod-h100-ra: Table 6, 'Good' single-node read 4 GB/s",
                "vllm-cache-config"]
OFFLOAD_SOURCES = ["dynamo-kvbm: G1 HBM → G2 host → G3 local NVMe → G4 shared", "vllm-kv-offloading",
                   "lmcache-config: local_cpu, local_disk, remote_url"]
BREAK_EVEN_SOURCES = ["mooncake-2024: load cached KV instead of recomputing the prefill",
                      "kaplan2020: ≈2 FLOP per parameter per token forward"]

# Planning defaults, each overridable in the inference section.
RA_GOOD_NODE_READ_BYTES_PER_S = 4e9   # RA-11333-001 v11 Table 6, 'Good' single-node read
# Llama 3 405B reached 38–43 % BF16 MFU on H100 (llama3-herd-2024 Table 4): the low end of a dense
# transformer's GEMM efficiency, also used for prefill. Overridable: inference.prefill_mfu.
DEFAULT_PREFILL_MFU = 0.40
# Half of a DGX H100's 2 TB system memory (DGX H100 datasheet): the other half is left to the OS,
# page cache and pinned transfer buffers. Overridable: inference.host_kv_bytes_per_node.
DEFAULT_HOST_KV_FRACTION = 0.5
DEFAULT_GPU = {"hbm_bytes": 80e9, "peak_bf16_flops": 989.4e12, "gpus_per_node": 8,
               "node_local_nvme_bytes": 30.72e12, "host_memory_bytes": 2e12}  # DGX H100 datasheet

FIELDS = ("context_tokens", "concurrent_sequences", "kv_dtype", "weight_dtype", "replicas",
          "tensor_parallel", "retained_sessions", "retained_context_tokens", "cache_hit_tokens_per_s",
          "prefix_dedup_factor", "cold_start_target_s", "concurrent_cold_starts", "prefill_mfu",
          "gpu_memory_utilization", "host_kv_bytes_per_node", "cxl_kv_bytes_per_node",
          "local_nvme_kv_bytes_per_node", "share_kv_across_nodes", "model_versions", "prefix_reuse_ratio",
          "requests_per_s", "prompt_tokens", "offload_block_tokens")


def normalize(section, errors, use_case):
    """Validate and fill defaults for the use case's 'inference' section; errors use dotted paths."""
    section = fields.as_section(section, errors, SECTION)
    fields.unknown_keys(section, FIELDS, errors, SECTION)
    required = KIND in _workloads(use_case)
    out = _normalize_sizes(section, errors, use_case, required)
    out.update(_normalize_offload(section, errors, use_case))
    model = use_case.get("model") or {}
    if out["kv_dtype"] == "fp8_ds_mla" and model and not fs.is_mla(model):
        errors.add(f"{SECTION}.kv_dtype", "fp8_ds_mla applies only to MLA models (kv_lora_rank)")
    if required and model and not _model_has_dims(model) and not errors.has("model"):
        errors.add("model", "llm_inference needs attention dimensions (layers, attention_heads, "
                            "kv_heads, hidden_size or head_dim) or a preset to size the KV cache")
    _check_heads_split(out, model, errors)
    for name in ("context_tokens", "concurrent_sequences"):
        if required and out[name] is None and not errors.has(f"{SECTION}.{name}"):
            errors.add(f"{SECTION}.{name}", "is required for llm_inference")
    return out


def _check_heads_split(out, model, errors):
    """vLLM refuses a TP size that does not divide the attention heads (ModelConfig.verify_with_parallel_config:
    "Total number of attention heads (71) must be divisible by tensor parallel size (8)")."""
    heads, tp = (model or {}).get("attention_heads"), out.get("tensor_parallel")
    kv_heads = (model or {}).get("kv_heads") or heads
    if heads and tp and heads % tp:
        errors.add(f"{SECTION}.tensor_parallel", f"must divide the model's attention heads ({heads}); vLLM "
                                                 f"refuses {heads} heads at tensor parallel size {tp}")
    elif kv_heads and tp and not fs.is_mla(model) and (kv_heads % tp if kv_heads >= tp else tp % kv_heads):
        # vllm/model_executor/layers/linear.py QKVParallelLinear: divide(kv_heads, tp) or divide(tp, kv_heads)
        errors.add(f"{SECTION}.tensor_parallel", f"must divide the KV heads ({kv_heads}) or be a multiple of "
                                                 "them (vLLM splits or replicates whole KV heads)")


def _normalize_sizes(section, errors, use_case, required):
    precision = use_case.get("precision")
    num = lambda name, **kw: fields.number(section, name, errors, SECTION, **kw)  # noqa: E731
    tensor = num("tensor_parallel", default=_parallel_tensor(use_case), integer=True, maximum=4096)
    replicas = num("replicas", default=_default_replicas(use_case, tensor), integer=True,
                   maximum=1_000_000)
    return {
        # 10M = 10,485,760 tokens: the longest published context window (Llama 4 Scout config.json
        # max_position_embeddings); text such as "128k" counts in 1,024s like model cards.
        "context_tokens": fields.tokens(section, "context_tokens", errors, SECTION, default=None, integer=True,
                                        maximum=10_485_760),
        "concurrent_sequences": num("concurrent_sequences", default=None, integer=True,
                                    maximum=10_000_000),
        # vLLM --kv-cache-dtype auto: the KV cache takes the activation dtype, which stays bf16
        # for fp8/int weight-quantized checkpoints.
        "kv_dtype": fields.choice(section, "kv_dtype", errors, SECTION, fs.KV_DTYPES,
                                  default=precision if precision in ("fp32", "bf16", "fp16") else "bf16"),
        "weight_dtype": fields.choice(section, "weight_dtype", errors, SECTION, fs.WEIGHT_DTYPES,
                                      default=precision if precision in fs.WEIGHT_DTYPES else "bf16"),
        "tensor_parallel": tensor,
        "replicas": replicas,
        "cold_start_target_s": num("cold_start_target_s", default=None, maximum=86_400,
                                   floor=fields.MIN_DURATION_S),
        "concurrent_cold_starts": num("concurrent_cold_starts", default=replicas, integer=True,
                                      maximum=1_000_000),
        "model_versions": num("model_versions", default=1, integer=True, maximum=10_000),
        "prefill_mfu": num("prefill_mfu", default=DEFAULT_PREFILL_MFU, maximum=1),
        "gpu_memory_utilization": num("gpu_memory_utilization",
                                      default=fs.VLLM_GPU_MEMORY_UTILIZATION, maximum=1),
    }


def _normalize_offload(section, errors, use_case):
    gpu = _gpu(use_case)
    num = lambda name, **kw: fields.number(section, name, errors, SECTION, **kw)  # noqa: E731
    return {
        "retained_sessions": num("retained_sessions", default=0, integer=True, minimum=0,
                                 exclusive_minimum=False, maximum=1e9),
        "retained_context_tokens": fields.tokens(section, "retained_context_tokens", errors, SECTION,
                                                 default=None, integer=True, maximum=10_485_760),
        "cache_hit_tokens_per_s": num("cache_hit_tokens_per_s", default=None, minimum=0,
                                      exclusive_minimum=False, maximum=1e12),
        "prefix_dedup_factor": num("prefix_dedup_factor", default=1.0, minimum=1,
                                   exclusive_minimum=False, maximum=1e6),
        "host_kv_bytes_per_node": num("host_kv_bytes_per_node", minimum=0, exclusive_minimum=False,
                                      default=gpu["host_memory_bytes"] * DEFAULT_HOST_KV_FRACTION,
                                      maximum=1e15),
        "cxl_kv_bytes_per_node": num("cxl_kv_bytes_per_node", default=0, minimum=0,
                                     exclusive_minimum=False, maximum=1e15),
        "local_nvme_kv_bytes_per_node": num("local_nvme_kv_bytes_per_node", minimum=0,
                                            exclusive_minimum=False,
                                            default=gpu["node_local_nvme_bytes"], maximum=1e16),
        "share_kv_across_nodes": fields.flag(section, "share_kv_across_nodes", errors, SECTION),
        **_normalize_reuse(section, errors),
    }


def _normalize_reuse(section, errors):
    """Prefix/session reuse: the share of prompt tokens found cached, the request rate and block size."""
    num = lambda name, **kw: fields.number(section, name, errors, SECTION, **kw)  # noqa: E731
    out = {"prefix_reuse_ratio": num("prefix_reuse_ratio", default=None, minimum=0, exclusive_minimum=False,
                                     maximum=1),
           "requests_per_s": num("requests_per_s", default=None, maximum=1e9),
           "prompt_tokens": fields.tokens(section, "prompt_tokens", errors, SECTION, default=None, integer=True,
                                          maximum=10_485_760),
           "offload_block_tokens": num("offload_block_tokens", default=ko.LMCACHE_CHUNK_TOKENS, integer=True,
                                       maximum=1_048_576)}
    if out["prefix_reuse_ratio"] is not None and out["requests_per_s"] is None \
            and section.get("cache_hit_tokens_per_s") is None:
        errors.add(f"{SECTION}.requests_per_s", "is required with prefix_reuse_ratio (reads/s = requests/s × "
                                                "prompt tokens × reuse), unless cache_hit_tokens_per_s is given")
    return out


def _workloads(use_case):
    workloads = use_case.get("workloads") or use_case.get("workload") or []
    return [workloads] if isinstance(workloads, str) else list(workloads)


def _parallel_tensor(use_case):
    tensor = (use_case.get("parallelism") or {}).get("tensor")
    return tensor if isinstance(tensor, int) and tensor >= 1 else 1


def _default_replicas(use_case, tensor):
    gpus = use_case.get("gpus")
    if isinstance(gpus, int) and tensor and gpus >= tensor:
        return gpus // tensor
    return 1


def _gpu(use_case):
    """The GPU preset fields the rules use, DGX H100 values where the use case gives none."""
    gpu = dict(DEFAULT_GPU)
    gpu.update({k: v for k, v in (use_case.get("gpu") or {}).items() if v is not None})
    return gpu


def _flops(gpu):
    """Dense BF16 peak per GPU (gpus.json 'peak_bf16_flops'); any '*flops' key as a fallback."""
    if gpu.get("peak_bf16_flops"):
        return gpu["peak_bf16_flops"]
    return next((v for k, v in gpu.items() if "flops" in k and isinstance(v, (int, float))), None)


def parameters(model, active=False):
    """Model parameters: given in the use case, else counted from the dims (rules/formulas.py)."""
    key = "active_parameters" if active else "parameters"
    if model.get(key):
        return model[key]
    if active and model.get("parameters") and not model.get("experts"):
        return model["parameters"]
    try:
        from .formulas import parameter_count
        return parameter_count(model, active=active)
    except (ImportError, KeyError, TypeError):
        return fs.dense_parameters(model)


class InferenceRules:
    """experta rule mixin for the LLM inference family."""

    def _inference(self):
        return self.use_case.get(SECTION) or {}

    def _layout(self):
        """TP degree, replicas, GPUs per node and server nodes per replica."""
        inf, gpu = self._inference(), _gpu(self.use_case)
        tp = inf.get("tensor_parallel") or 1
        per_node = gpu["gpus_per_node"]
        return tp, inf.get("replicas") or 1, per_node, math.ceil(tp / per_node)

    @Rule(Workload(kind=KIND))
    def kv_bytes_per_token_from_attention(self):
        """KV bytes per token follow from the attention layout (MHA/GQA keep K and V per KV head; MLA keeps one latent)."""
        model, inf = self.use_case.get("model") or {}, self._inference()
        if not _model_has_dims(model):
            return
        dtype, (tp, _, _, _) = inf.get("kv_dtype", "bf16"), self._layout()
        per_token = fs.kv_bytes_per_token(model, dtype)
        per_gpu = fs.kv_bytes_per_token_per_gpu(model, dtype, tp)
        attention = "mla" if fs.is_mla(model) else (
            "mha" if (model.get("kv_heads") or model["attention_heads"]) == model["attention_heads"]
            else "gqa")
        inputs = {"attention": attention, "layers": model["layers"], "kv_dtype": dtype,
                  "tensor_parallel": tp}
        inputs.update({k: model[k] for k in ("kv_heads", "kv_lora_rank", "qk_rope_head_dim")
                       if model.get(k)})
        if attention != "mla":
            inputs["head_dim"] = fs.head_dim(model)
        formula = ("layers × (kv_lora_rank + qk_rope_head_dim) × bytes, replicated on every TP rank"
                   if attention == "mla" else
                   "2 × layers × kv_heads × head_dim × bytes; per GPU max(1, kv_heads ÷ TP) heads")
        self.need("kv_cache", bytes_per_token=per_token, bytes_per_token_per_gpu=per_gpu,
                  bytes_per_token_per_replica=per_gpu * tp,
                  attention=attention, kv_dtype=dtype)
        self.finding("kv_bytes_per_token_from_attention", inputs,
                     {"bytes_per_token": per_token, "bytes_per_token_per_gpu": per_gpu}, formula,
                     KV_SOURCES + TP_SOURCES)

    @Rule(Workload(kind=KIND), salience=20)
    def weights_set_model_load(self):
        """Every replica reads all weights at cold start, so load bandwidth is weight bytes over the start-up target."""
        model, inf = self.use_case.get("model") or {}, self._inference()
        if not (model.get("parameters") or _model_has_dims(model)):
            return
        params = parameters(model)
        total = fs.weight_bytes(params, inf.get("weight_dtype", "bf16"))
        tp, replicas, _, nodes = self._layout()
        loads = min(inf.get("concurrent_cold_starts") or replicas, replicas)
        read_rate = self._load_rate(total, loads)
        load_s = fs.load_time_s(total * loads, read_rate)
        stored = total * (inf.get("model_versions") or 1)
        self.need("model_load", total_bytes=total, read_bytes_per_s=read_rate, load_time_s=load_s,
                  bytes_per_node=int(total / nodes), capacity_bytes=stored)
        self.finding("weights_set_model_load",
                     {"parameters": params, "weight_dtype": inf.get("weight_dtype", "bf16"),
                      "tensor_parallel": tp, "nodes_per_replica": nodes,
                      "concurrent_cold_starts": loads,
                      "cold_start_target_s": inf.get("cold_start_target_s")},
                     {"total_bytes": total, "read_bytes_per_s": read_rate, "load_time_s": load_s},
                     "parameters × bytes per weight; read rate = replicas starting together × weight "
                     "bytes ÷ cold-start target (without a target: 4 GB/s per loading server)",
                     LOAD_SOURCES)
        self.place("model_load", "shared_fast", "Cold starts read every weight byte at once; a shared "
                   "fast tier serves all replicas at the load rate.", LOAD_SOURCES,
                   capacity_bytes=stored, read_bytes_per_s=read_rate)
        self.place("model_load", "object", "The model registry keeps every version on scale-out "
                   "object storage.", LOAD_SOURCES[:1], capacity_bytes=stored)

    @Rule(Workload(kind=KIND), Need(name="model_load", total_bytes=MATCH.weights))
    def weights_exceed_replica_hbm(self, weights):
        """A replica's GPUs must hold the weights in HBM; otherwise every decode step streams the rest from a lower tier."""
        gpu, (tp, _, per_node, _) = _gpu(self.use_case), self._layout()
        utilization = self._inference().get("gpu_memory_utilization", fs.VLLM_GPU_MEMORY_UTILIZATION)
        usable = utilization * gpu["hbm_bytes"] * tp
        if weights < usable:
            return
        min_tp = fs.min_tensor_parallel_for_weights(weights, gpu["hbm_bytes"], per_node, utilization)
        self.need("model_load", fits_replica_hbm=False, min_tensor_parallel=min_tp or 0)
        self.finding("weights_exceed_replica_hbm",
                     {"weight_bytes": weights, "tensor_parallel": tp, "hbm_bytes": gpu["hbm_bytes"]},
                     {"usable_hbm_bytes": usable, "min_tensor_parallel": min_tp or "more than one server"},
                     "weights ≥ HBM × gpu_memory_utilization × TP; smallest power-of-two TP that holds them",
                     ["vllm-cache-config: gpu_memory_utilization 0.92",
                      "zero-inference: offloaded weights are streamed every step"])

    def _load_rate(self, weight_bytes, loads):
        """Aggregate cold-start read rate: the target's rate, else RA 'Good' 4 GB/s per loading server."""
        target = self._inference().get("cold_start_target_s")
        if target:
            return loads * fs.load_bandwidth_for_target(weight_bytes, target)
        tp, _, per_node, nodes_per_replica = self._layout()
        servers = loads * nodes_per_replica if tp >= per_node else math.ceil(loads * tp / per_node)
        return servers * RA_GOOD_NODE_READ_BYTES_PER_S

    @Rule(Workload(kind=KIND), Need(name="kv_cache", bytes_per_token=W()), salience=10)
    def load_vs_recompute_break_even(self):
        """Restoring KV from a tier only pays when the tier feeds a GPU faster than the GPU can recompute that KV."""
        model, inf, gpu = self.use_case.get("model") or {}, self._inference(), _gpu(self.use_case)
        flops = _flops(gpu)
        if not flops:
            return
        tp, _, per_node, _ = self._layout()
        per_gpu_kv = self.requirements["kv_cache"]["bytes_per_token_per_gpu"]
        active = parameters(model, active=True)
        mfu = inf.get("prefill_mfu", DEFAULT_PREFILL_MFU)
        per_gpu = fs.recompute_break_even_bytes_per_s(flops, mfu, tp, active, per_gpu_kv)
        tokens = fs.prefill_tokens_per_s(flops, mfu, tp, active)
        self.need("kv_cache", per_gpu_break_even_bytes_per_s=per_gpu,
                  prefill_tokens_per_s_per_replica=tokens)
        self.finding("load_vs_recompute_break_even",
                     {"peak_flops_per_gpu": flops, "prefill_mfu": mfu, "active_parameters": active,
                      "tensor_parallel": tp, "bytes_per_token_per_gpu": per_gpu_kv},
                     {"per_gpu_break_even_bytes_per_s": per_gpu,
                      "per_node_break_even_bytes_per_s": per_gpu * per_node,
                      "prefill_tokens_per_s_per_replica": tokens},
                     "TP × FLOPS × MFU ÷ (2 × active parameters) tokens/s × KV bytes per token per GPU",
                     BREAK_EVEN_SOURCES)

    @Rule(Workload(kind=KIND), Need(name="kv_cache", bytes_per_token=W()), salience=5)
    def kv_capacity_against_hbm_headroom(self):
        """Each GPU must hold its own share of the live KV (the whole MLA latent, or its replicated KV heads) in the HBM left after its weights."""
        inf, gpu, model = self._inference(), _gpu(self.use_case), self.use_case.get("model") or {}
        kv = self.requirements["kv_cache"]
        tp, replicas, _, _ = self._layout()
        seqs = math.ceil(inf["concurrent_sequences"] / replicas)
        per_gpu = fs.kv_cache_bytes_per_gpu(model, kv["kv_dtype"], tp, inf["context_tokens"], seqs)
        weights = self.requirements.get("model_load", {}).get("total_bytes") or fs.weight_bytes(
            parameters(model), inf.get("weight_dtype", "bf16"))
        pool = fs.hbm_kv_pool_bytes_per_gpu(gpu["hbm_bytes"], weights, tp,
                                            inf.get("gpu_memory_utilization", fs.VLLM_GPU_MEMORY_UTILIZATION))
        spill = max(0, per_gpu - pool)
        gpus = tp * replicas
        self.need("kv_cache", capacity_bytes=per_gpu * gpus, per_gpu_kv_bytes=per_gpu, hbm_pool_bytes=pool * gpus,
                  per_gpu_hbm_pool_bytes=pool, spill_bytes=spill * gpus, per_gpu_spill_bytes=spill,
                  fits_in_hbm=spill == 0)
        self.finding("kv_capacity_against_hbm_headroom",
                     {"context_tokens": inf["context_tokens"], "sequences_per_replica": seqs,
                      "bytes_per_token_per_gpu": kv["bytes_per_token_per_gpu"], "hbm_bytes": gpu["hbm_bytes"],
                      "tensor_parallel": tp, "weight_bytes": weights},
                     {"per_gpu_kv_bytes": per_gpu, "per_gpu_hbm_pool_bytes": pool, "per_gpu_spill_bytes": spill,
                      "replica_kv_bytes": per_gpu * tp, "fits_in_hbm": spill == 0},
                     "per GPU: sequences × context (whole 16-token blocks) × KV bytes/token on that GPU "
                     "(MLA latent whole, max(1, kv_heads ÷ TP) heads) vs HBM × gpu_memory_utilization − "
                     "weights ÷ TP (activation peak not counted)",
                     [fs.VLLM_KV, fs.VLLM_TP, fs.VLLM_CACHE, fs.VLLM_WORKER_MEMORY])

    @Rule(Workload(kind=KIND), Need(name="kv_cache", prefill_tokens_per_s_per_replica=W()), salience=4)
    def kv_reuse_sets_offload_reads_and_latency(self):
        """A cached KV block pays only if a tier returns it faster than the GPUs recompute it, which sets the p99 read latency of the KV tier."""
        inf, kv = self._inference(), self.requirements["kv_cache"]
        hits = self._hit_tokens_per_s()
        if hits is None:
            return
        tp, _, _, _ = self._layout()
        block, prefill = inf["offload_block_tokens"], kv["prefill_tokens_per_s_per_replica"]
        block_bytes = block * kv["bytes_per_token_per_gpu"]
        prompt = inf.get("prompt_tokens") or inf["context_tokens"]
        hit_prompt = int(prompt * (inf.get("prefix_reuse_ratio") or 0))
        tiers = ko.tier_verdicts(block, prefill, block_bytes, prompt, hit_prompt)
        result = {"hit_tokens_per_s": hits, "reads_per_s": ko.block_reads_per_s(hits, block, tp),
                  "read_bytes_per_s": hits * kv["bytes_per_token_per_replica"], "block_bytes_per_gpu": block_bytes,
                  "latency_budget_s": ko.latency_budget_s(block, prefill, block_bytes),
                  "ttft_without_offload_s": ko.ttft_s(prompt, 0, prefill)}
        self.need("kv_cache", offload_hit_tokens_per_s=hits, offload_reads_per_s=result["reads_per_s"],
                  offload_block_bytes_per_gpu=block_bytes, load_latency_budget_s=result["latency_budget_s"],
                  ttft_without_offload_s=result["ttft_without_offload_s"], offload_tiers=tiers)
        self.finding("kv_reuse_sets_offload_reads_and_latency",
                     {"prefix_reuse_ratio": inf.get("prefix_reuse_ratio"), "requests_per_s": inf.get("requests_per_s"),
                      "prompt_tokens": prompt, "block_tokens": block, "tensor_parallel": tp,
                      "prefill_tokens_per_s_per_replica": prefill},
                     dict(result, **{f"{t}_ttft_s": v["ttft_s"] if v["ttft_s"] is not None else "unknown"
                                     for t, v in tiers.items()},
                          **{f"{t}_meets_latency": _verdict(v["meets"]) for t, v in tiers.items()}),
                     "hits = requests/s × prompt × reuse; reads/s = hits ÷ block × TP; p99 budget = block ÷ "
                     "prefill rate − block bytes ÷ tier rate; TTFT = misses ÷ prefill + blocks × (latency + "
                     "transfer), one block at a time", ko.SOURCES + ko.tier_sources())

    def _hit_tokens_per_s(self):
        """Cache-hit tokens/s: given directly, or requests/s × prompt tokens × reuse ratio; None if neither."""
        inf = self._inference()
        if inf.get("cache_hit_tokens_per_s") is not None:
            return inf["cache_hit_tokens_per_s"]
        if inf.get("prefix_reuse_ratio") is None or inf.get("requests_per_s") is None:
            return None
        prompt = inf.get("prompt_tokens") or inf["context_tokens"]
        return ko.hit_tokens_per_s(inf["requests_per_s"], prompt, inf["prefix_reuse_ratio"])

    @Rule(Workload(kind=KIND), Need(name="kv_cache", spill_bytes=W()))
    def kv_offload_tier_and_bandwidth(self):
        """Overflow and retained sessions go to the smallest tier that holds them per node, at the bandwidth restores need."""
        inf, kv = self._inference(), self.requirements["kv_cache"]
        total = kv["spill_bytes"] + self._retained_kv_bytes(kv)
        if total == 0:
            self.declare(Decision(kv_tier="gpu_hbm"))
            return self._kv_stays_in_hbm(kv)
        tp, replicas, _, _ = self._layout()
        nodes = self._serving_nodes()
        tier = fs.offload_tier(total / nodes, inf["host_kv_bytes_per_node"],
                               inf.get("cxl_kv_bytes_per_node", 0),
                               inf["local_nvme_kv_bytes_per_node"], inf.get("share_kv_across_nodes"))
        read, write = self._offload_rates(kv, tp, replicas)
        self.declare(Decision(kv_tier=tier))
        self.need("kv_cache", offload_capacity_bytes=total, offload_tier=tier,
                  read_bytes_per_s=read, write_bytes_per_s=write)
        # Per-node tiers take per-GPU-server figures (rules/tiers.py PER_NODE_TIERS); shared ones totals.
        share = nodes if tier in PER_NODE_TIERS else 1
        self.place("kv_cache", tier, _tier_reason(tier, inf.get("cxl_kv_bytes_per_node", 0)),
                   OFFLOAD_SOURCES, capacity_bytes=total / share, read_bytes_per_s=read / share,
                   write_bytes_per_s=write / share, iops=kv.get("offload_reads_per_s", 0.0) / share,
                   latency_s=self._tier_latency_budget(tier))
        self.finding("kv_offload_tier_and_bandwidth", self._offload_inputs(kv, nodes),
                     {"offload_tier": tier, "offload_capacity_bytes": total,
                      "node_offload_bytes": int(total / nodes), "read_bytes_per_s": read,
                      "write_bytes_per_s": write},
                     "capacity = HBM overflow + retained sessions × context × bytes/token ÷ dedup; "
                     "read = hit tokens/s × bytes/token (else the recompute break-even per GPU × GPUs); "
                     "write = prefill KV production", OFFLOAD_SOURCES + BREAK_EVEN_SOURCES[:1])

    def _tier_latency_budget(self, tier):
        """The p99 read latency the KV tier must meet (None without reuse inputs): a latency-critical pool,
        so the ranking must not meet it with a slower product (object store, NAS)."""
        tiers = self.requirements["kv_cache"].get("offload_tiers")
        return tiers[tier]["latency_budget_s"] if tiers and tier in tiers else None

    def _retained_kv_bytes(self, kv):
        """KV kept for sessions that come back (multi-turn, shared prefixes): sessions × context × bytes ÷ dedup."""
        inf = self._inference()
        return fs.offload_capacity_bytes(
            inf.get("retained_sessions", 0),
            inf.get("retained_context_tokens") or inf["context_tokens"], kv["bytes_per_token_per_replica"],
            inf.get("prefix_dedup_factor", 1.0))

    def _serving_nodes(self):
        """GPU servers running the replicas: whole servers per replica, or replicas packed per server."""
        tp, replicas, per_node, nodes_per_replica = self._layout()
        if tp >= per_node:
            return nodes_per_replica * replicas
        return math.ceil(tp * replicas / per_node)

    def _offload_inputs(self, kv, nodes):
        inf = self._inference()
        return {"spill_bytes": kv["spill_bytes"], "retained_sessions": inf.get("retained_sessions", 0),
                "nodes": nodes, "host_kv_bytes_per_node": inf["host_kv_bytes_per_node"],
                "local_nvme_kv_bytes_per_node": inf["local_nvme_kv_bytes_per_node"],
                "cache_hit_tokens_per_s": inf.get("cache_hit_tokens_per_s")}

    def _offload_rates(self, kv, tp, replicas):
        """Restore reads and save writes of the offload tier, cluster-wide (bytes/s)."""
        gpus = tp * replicas
        break_even = kv.get("per_gpu_break_even_bytes_per_s", 0.0) * gpus
        hits = self._hit_tokens_per_s()
        per_token = kv["bytes_per_token_per_replica"]  # what the GPUs hold: MLA latent once per TP rank
        read = fs.restore_bytes_per_s(hits, per_token) if hits is not None else break_even
        prefill = kv.get("prefill_tokens_per_s_per_replica")
        write = prefill * replicas * per_token if prefill else read
        return read, write

    def _kv_stays_in_hbm(self, kv):
        self.finding("kv_stays_in_hbm", {"kv_bytes": kv["capacity_bytes"],
                                          "hbm_pool_bytes": kv["hbm_pool_bytes"]},
                     {"offload_tier": "none"}, "live KV ≤ HBM pool and no retained sessions",
                     [fs.VLLM_KV])


def _verdict(meets):
    return {True: "yes", False: "no", None: "unknown (no published latency)"}[meets]


def _model_has_dims(model):
    """KV sizing needs layers and attention dims (the validator fills them from presets)."""
    return bool(model.get("layers") and (model.get("kv_lora_rank") or (
        model.get("attention_heads") and (model.get("head_dim") or model.get("hidden_size")))))


def _tier_reason(tier, cxl_bytes):
    return {
        "host_memory": "Retained KV fits host DRAM" + (" plus CXL memory" if cxl_bytes else "")
                       + " per node (Dynamo KVBM G2): lowest latency, pinned-memory DMA to the GPU.",
        "gpu_local_nvme": "Retained KV outgrows host memory but fits the GPU servers' NVMe "
                          "(Dynamo KVBM G3): node-local flash as memory extension.",
        "shared_fast": "KV is reused across nodes or outgrows local NVMe, so it goes to shared "
                       "flash reached over the storage fabric (G3.5/G4).",
    }[tier]
