"""Pure arithmetic for training and CV storage needs; each function names its source."""
import math

from .units import DAY

# --- sources (quoted in findings) -------------------------------------------------------------
DLIO = "dlio-base-checkpointing: get_num_parameters and the checkpoint layout (mlperf_storage_v2.0)"
MLPERF_CKPT = "mlperf-storage-v2: Submission_guidelines.md §2.2, configs/dlio/workload/llama3_*.yaml"
BLOOM = "bloom-tr11: README.md Checkpoints (14 B/param)"
ZERO = "zero2020: §3.1"
TORCH_OPTIM = "torch-optim-adam: exp_avg, exp_avg_sq allocated like the parameter"
BNB = "bitsandbytes-optim: uint8 states, absmax per 2048"
ADAFACTOR = "adafactor2018: §3 factored second moments"
DEEPSEEK_V3 = "deepseek-v3-2024: §3.3.3 low-precision optimizer states"
PEFT = "lora2021: adapters kept in fp32 (peft autocast_adapter_dtype)"
DEEPSPEED_LAYOUT = "deepspeed-engine: _get_zero_ckpt_name, ckpt_layer_path"
MEGATRON_DIST = "megatron-dist-checkpointing: files = ranks × threads"
MEGATRON_LEGACY = "megatron-legacy-checkpointing: get_checkpoint_name (mp_rank_TT_PPP_EEE)"
TORCH_DCP = "torch-dcp-filesystem: __{rank}_{k}.distcp + .metadata"
HF_TRAINER = "hf-trainer-save: _save_checkpoint, max_shard_size 5GB"
LLAMA3 = "llama3-herd-2024: §3.3.4, 419 unexpected interruptions in 54 days on 16,384 H100"
META_RSC = "kokolis2025-rsc"
YOUNG = "young1974"
DALY = "daly2006"
MEGATRON_DATA = "megatron-indexed-dataset: DType.optimal_dtype"
KAPLAN = "kaplan2020: ≈ 6 FLOPs per parameter per token"
MLPERF_TRAIN = "mlperf-storage-v2: configs/dlio/workload/*_{a100,h100,b200}.yaml; Submission_guidelines.md §3-4 (AU)"

# Llama 3 405B: 419 unexpected interruptions in 54 days on 16,384 H100 = 2,048 8-GPU nodes
# → 419 / (2048 × 54) = 3.79 per 1000 node-days (derived from LLAMA3).
LLAMA3_FAILURES_PER_1000_NODE_DAYS = 419 / (2048 * 54) * 1000
# Meta RSC-1 hardware failure rate (A100, 8 GPU/node): 6.50 per 1000 node-days (META_RSC).
RSC1_FAILURES_PER_1000_NODE_DAYS = 6.50


# --- parameter count ---------------------------------------------------------------------------

def attention_parameters(m):
    """Attention weights of one layer: GQA/MHA (DLIO's h·(h+2·dim_kv) + h²) or MLA (DeepSeek-V3)."""
    h = m["hidden_size"]
    if m.get("kv_lora_rank"):
        return _mla_parameters(m)
    q_dim, kv_dim = q_dim_of(m), _head_dim(m) * m["kv_heads"]
    bias = (q_dim + 2 * kv_dim) if m.get("qkv_bias") or m.get("bias") else 0
    out_bias = h if m.get("bias") else 0
    return h * (q_dim + 2 * kv_dim) + bias + q_dim * h + out_bias


def q_dim_of(m):
    """Query width: heads × head_dim when the config states head_dim, else hidden (DLIO's h·h)."""
    if m.get("q_dim"):
        return m["q_dim"]
    return m["attention_heads"] * m["head_dim"] if m.get("head_dim") else m["hidden_size"]


def _head_dim(m):
    """DLIO: head_size = hidden // heads unless the config states head_dim."""
    return m.get("head_dim") or m["hidden_size"] // m["attention_heads"]


def _mla_parameters(m):
    """Multi-head latent attention, as in deepseek-ai/DeepSeek-V3 inference/model.py class MLA."""
    h, n = m["hidden_size"], m["attention_heads"]
    rope, kv_rank = m["qk_rope_head_dim"] or 64, m["kv_lora_rank"]
    nope = m.get("qk_nope_head_dim") or 128
    v = m.get("v_head_dim") or nope
    q_rank = m.get("q_lora_rank")
    q = h * q_rank + q_rank + q_rank * n * (nope + rope) if q_rank else h * n * (nope + rope)
    kv = h * (kv_rank + rope) + kv_rank + kv_rank * n * (nope + v)
    return q + kv + n * v * h


def mlp_parameters(m, ffn):
    """One feed-forward block: gated (3·ffn·h, DLIO's "factor of 2 ... gated linear unit") or 2·ffn·h."""
    h = m["hidden_size"]
    if m.get("gated_mlp", True):
        return 3 * ffn * h
    return 2 * ffn * h + (ffn + h if m.get("bias") else 0)


def moe_parameters(m, active=False):
    """Experts (routed + shared) and router of one MoE layer; active = top-k + shared only."""
    ffn = m.get("moe_ffn_hidden_size") or m["ffn_hidden_size"]
    routed = m["experts_per_token"] if active else m["experts"]
    experts = (routed + m.get("shared_experts", 0)) * mlp_parameters(m, ffn)
    return experts + m["hidden_size"] * m["experts"]


def norm_parameters(m):
    """RMSNorm has a weight vector (h), LayerNorm weight and bias (2h)."""
    return m["hidden_size"] * (2 if m.get("norm") == "layernorm" else 1)


def layer_parameters(m, moe, active=False):
    """One transformer block: two norms + attention + MLP or MoE."""
    mlp = moe_parameters(m, active) if moe else mlp_parameters(m, m["ffn_hidden_size"])
    return 2 * norm_parameters(m) + attention_parameters(m) + mlp


def parameter_count(m, active=False):
    """DLIO get_num_parameters generalised: V·h embedding + L blocks + final norm + untied lm_head.

    Extensions (GQA head_dim, MLA, MoE with dense first layers, LayerNorm/bias, tied embeddings,
    learned positions) reduce to DLIO's formula for a Llama-style config.
    """
    h, layers = m["hidden_size"], m["layers"]
    dense = (m.get("dense_layers") or 0) if m.get("experts") else layers
    blocks = dense * layer_parameters(m, False) if dense else 0
    if layers > dense:
        blocks += (layers - dense) * layer_parameters(m, True, active)
    embed = m["vocab_size"] * h
    lm_head = 0 if m.get("tied_embeddings") else embed
    extra = m.get("position_embeddings", 0) * h + (norm_parameters(m) if m.get("embedding_norm") else 0)
    return embed + blocks + norm_parameters(m) + lm_head + extra


def weight_bytes(parameters, precision):
    """Weights only: 4 B/param fp32, 2 bf16/fp16, 1 fp8 (ZERO §3.1, DEEPSEEK_V3 §3.3.3)."""
    return parameters * DTYPE_BYTES[precision]


DTYPE_BYTES = {"fp32": 4, "bf16": 2, "fp16": 2, "fp8": 1, "int8": 1, "int4": 0.5}


# --- checkpoint bytes per parameter ------------------------------------------------------------

def bytes_per_param(optimizer, precision, framework, master_weights=None, moment_dtype=None, weights_copy=True):
    """Checkpoint bytes/param = saved weights + fp32 master copy + optimizer state.

    Table (ZERO, BLOOM, TORCH_OPTIM, BNB, ADAFACTOR, DEEPSEEK_V3) — Megatron/DeepSpeed mixed precision Adam 2+4+8 = 14
    (BLOOM, ZeRO §3.1), FSDP/HF fp32 params 4+8 = 12, pure bf16 Adam 2+2+2 = 6, SGD+momentum 8/10,
    SGD 4/6, Adafactor ≈ 4, 8-bit Adam ≈ 6 (fp32 weights) / ≈ 4 (bf16), fp8 (Transformer Engine) as
    bf16 = 14, DeepSeek-V3 recipe (fp32 master, bf16 moments) 8, or 10 with a bf16 weight copy.
    """
    weights, master = saved_weight_bytes(precision, framework, master_weights, weights_copy)
    if moment_dtype is None:
        # torch.optim allocates moments like the parameter: bf16 params without a master → bf16 moments
        moment_dtype = "bf16" if weights == 2 and master == 0 else "fp32"
    return weights + master + optimizer_state_bytes(optimizer, moment_dtype)


def saved_weight_bytes(precision, framework, master_weights=None, weights_copy=True):
    """(saved weight bytes, master-copy bytes) per parameter for a precision × framework.

    weights_copy=False: only the fp32 master is saved (DeepSeek-V3 §3.3.3), counted as the weights.
    """
    if precision == "fp32":
        return 4, 0
    if master_weights is False:
        return 2, 0  # pure bf16/fp16 training, no master copy
    if framework in ("fsdp", "hf_trainer"):
        return 4, 0  # FSDP/AMP keep fp32 params (the master), cast to bf16 only to compute
    if not weights_copy:
        return 4, 0
    return 2, 4  # Megatron/DeepSpeed; fp8 recipes save bf16 weights too, fp8 copies are transient


def optimizer_state_bytes(optimizer, moment_dtype="fp32"):
    """Optimizer state per parameter (TORCH_OPTIM, BNB, ADAFACTOR)."""
    moment = DTYPE_BYTES[moment_dtype]
    return {
        "adam": 2 * moment, "adamw": 2 * moment,
        "sgd": 0, "sgd_momentum": moment, "none": 0,
        "adafactor": 0,  # factored 2nd moment: (rows + cols) per matrix ≈ 0 B/param; β1=None default
        "adam_8bit": 2 + 8 / 2048,  # two uint8 states + two fp32 absmax per 2048-element block (BNB)
    }[optimizer]


OPTIMIZER_SOURCES = {"adam": [ZERO, BLOOM, TORCH_OPTIM], "adamw": [ZERO, BLOOM, TORCH_OPTIM],
                     "sgd": [TORCH_OPTIM], "sgd_momentum": [TORCH_OPTIM], "none": [TORCH_OPTIM],
                     "adafactor": [ADAFACTOR], "adam_8bit": [BNB]}


def lora_parameters(m, rank):
    """LoRA on every linear of each block: r·(in + out) per matrix (Hu et al. 2021)."""
    h, ffn = m["hidden_size"], m.get("ffn_hidden_size") or 4 * m["hidden_size"]
    q, kv = q_dim_of(m), _head_dim(m) * m.get("kv_heads", m["attention_heads"])
    per_layer = (h + q) + 2 * (h + kv) + (q + h) + 3 * (h + ffn)
    return rank * per_layer * m["layers"]


# Checkpoint file layouts (files, writers, per-stage and slowest-writer bytes): rules/checkpoint_layout.py.


# --- failures and the checkpoint interval ------------------------------------------------------

def mean_time_to_interrupt_s(nodes, failures_per_1000_node_days):
    """Job MTTI M = 1 / (N_nodes · r) (META_RSC model MTTF; LLAMA3 rate by default)."""
    return DAY / (nodes * failures_per_1000_node_days / 1000)


def young_interval_s(delta_s, mtti_s):
    """Young 1974: τ = √(2 δ M)."""
    return math.sqrt(2 * delta_s * mtti_s)


def daly_interval_s(delta_s, mtti_s):
    """Daly 2006: τ = √(2δM)·[1 + ⅓√(δ/2M) + ⅑(δ/2M)] − δ for δ < 2M, else τ = M."""
    if delta_s >= 2 * mtti_s:
        return mtti_s
    x = delta_s / (2 * mtti_s)
    return math.sqrt(2 * delta_s * mtti_s) * (1 + math.sqrt(x) / 3 + x / 9) - delta_s


def interval_for_stall_budget_s(fraction, mtti_s):
    """Daly's optimum when the blocking write may take `fraction` of the interval (δ = f·τ).

    Solved by fixed-point iteration from Young's closed form τ = 2 f M (δ = f·τ in τ = √(2δM)).
    """
    tau = 2 * fraction * mtti_s
    for _ in range(50):
        nxt = daly_interval_s(fraction * tau, mtti_s)
        if abs(nxt - tau) < 1e-9 * tau:
            break
        tau = nxt
    return tau


def sync_write_bytes_per_s(total_bytes, stall_s):
    """Synchronous save: B_write = S / δ (the stall budget); research §4.4."""
    return total_bytes / stall_s


def async_write_bytes_per_s(total_bytes, interval_s):
    """Asynchronous save: persisting checkpoint k must end before k+1 starts, B ≥ S / τ; §4.4."""
    return total_bytes / interval_s


def restore_read_bytes(total_bytes, weights_bytes, data_parallel, replicated_reads):
    """Bytes read on restart: S, or S + (DP − 1)·weights when every DP replica reads the weights (§2.6)."""
    return total_bytes + ((data_parallel - 1) * weights_bytes if replicated_reads else 0)


def restore_read_bytes_per_s(read_bytes, recovery_s, restart_s):
    """Restore bandwidth so the load fits the recovery objective minus detect/reschedule/init time."""
    return read_bytes / max(recovery_s - restart_s, 1.0)


def waste_fraction(interval_s, stall_s, restart_s, mtti_s):
    """First-order lost time: δ/τ + (τ/2 + R)/M (research §4.3)."""
    return stall_s / interval_s + (interval_s / 2 + restart_s) / mtti_s


def retention_bytes(total_bytes, retained):
    """Capacity for the retained checkpoints: S × kept copies (research §6.6)."""
    return total_bytes * retained


# --- training data -----------------------------------------------------------------------------

def token_bytes(vocab_size):
    """Megatron indexed datasets store tokens as uint16 below 65,500 vocab, else int32 (MEGATRON_DATA)."""
    return 2 if vocab_size and vocab_size < 65500 else 4


def tokens_per_s(gpus, peak_flops, mfu, active_parameters):
    """Training throughput from compute: gpus·peak·MFU / (6·P) tokens/s (KAPLAN)."""
    return gpus * peak_flops * mfu / (6 * active_parameters)


def sample_read_bytes_per_s(batch, sample_bytes, step_time_s, utilisation=1.0):
    """MLPerf/DLIO: per-accelerator read rate = batch × sample bytes ÷ step time × utilisation (MLPERF_TRAIN)."""
    return batch * sample_bytes / step_time_s * utilisation


def sample_iops(batch, step_time_s, utilisation=1.0, reads_per_sample=1):
    """Random reads per second per accelerator: one read per sample (samples/s)."""
    return batch / step_time_s * utilisation * reads_per_sample
