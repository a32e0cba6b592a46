"""The one validator of a use-case document: field-level errors, or a normalized dict with defaults."""
import math

from . import capacity_plan, economics, envelope, fields_serving, formulas, inference, ingest, presets, procurement, rag, tabular, tenancy, video
from .errors import Errors, UseCaseError
from .fields_serving import MIN_DURATION_S, canonical_choice

WORKLOADS = ("llm_training", "cv_training", "llm_inference", "rag", "video_analytics", "tabular_ml",
             "data_ingest")
PRIORITIES = ("balanced", "performance", "cost")
PRECISIONS = ("fp32", "bf16", "fp16", "fp8")
OPTIMIZERS = ("adam", "adamw", "sgd", "sgd_momentum", "adafactor", "adam_8bit", "none")
FRAMEWORKS = ("megatron", "megatron_legacy", "deepspeed", "fsdp", "hf_trainer")
MOMENT_DTYPES = ("fp32", "bf16", "fp16", "fp8")
CLUSTER_SECTIONS = ("economics", "cluster", "partitions", "capacity_plan")  # issue 8 (own modules)
# section → (module, the workload that makes it apply)
FAMILY_SECTIONS = {"inference": (inference, "llm_inference"), "rag": (rag, "rag"),
                   "video": (video, "video_analytics"), "tabular": (tabular, "tabular_ml"),
                   "ingest": (ingest, "data_ingest")}
# Fields normalize() adds; accepted (and recomputed) so a normalized use case validates again unchanged.
DERIVED_TOP_LEVEL = {"workloads", "nodes", "gpu"}
DERIVED_MODEL = {"kind", "parameters_source", "source", "published_parameters", "published_active_parameters",
                 "mlperf_parallelism", "training_parallelism"}
TOP_LEVEL = {"name", "description", "workload", "priority", "model", "precision", "optimizer", "framework",
             "parallelism", "gpus", "gpu_model", "data", "checkpoint", "procurement", *FAMILY_SECTIONS, *DERIVED_TOP_LEVEL,
             *CLUSTER_SECTIONS}
MAX_GPUS = 1_000_000

# Dimension fields: (name, lowest, highest). Highest values are far beyond any published model;
# they only catch typos and absurd input.
INT_DIMS = [("layers", 1, 10_000), ("hidden_size", 1, 1_000_000), ("ffn_hidden_size", 1, 10_000_000),
            ("attention_heads", 1, 100_000), ("kv_heads", 1, 100_000), ("vocab_size", 1, 100_000_000),
            ("head_dim", 1, 100_000), ("kv_lora_rank", 1, 1_000_000), ("qk_rope_head_dim", 1, 100_000),
            ("q_lora_rank", 1, 1_000_000), ("qk_nope_head_dim", 1, 100_000), ("v_head_dim", 1, 100_000),
            ("experts", 1, 1_000_000), ("experts_per_token", 1, 1_000_000), ("shared_experts", 0, 100_000),
            ("moe_ffn_hidden_size", 1, 10_000_000), ("dense_layers", 0, 10_000),
            ("position_embeddings", 0, 100_000_000), ("q_dim", 1, 10_000_000)]
BOOL_DIMS = ["gated_mlp", "bias", "qkv_bias", "tied_embeddings", "embedding_norm"]
REQUIRED_DIMS = ["layers", "hidden_size", "attention_heads", "vocab_size"]
MODEL_KEYS = ({"preset", "parameters", "active_parameters", "norm", "name"} | {d for d, _, _ in INT_DIMS}
              | set(BOOL_DIMS))
MAX_PARAMETERS = 10**15  # a quadrillion parameters: far beyond anything trained; catches unit slips

# Checkpoint policy defaults, each with its source.
CHECKPOINT_DEFAULTS = {
    "mode": "sync",
    # 5 % of wall time for blocking saves: a policy between CheckFreq's 3.5 % bound (FAST'21) and the
    # 12 % average overhead Nebula cites (Maeng et al. 2021).
    "stall_budget_fraction": 0.05,
    # Meta's ETTR study uses Δt_cp ≈ 60 min as the common interval (HPCA'25, arXiv 2410.21680). Both sizing
    # modes keep it as a practice cap: large clusters' cost optimum is shorter; small ones would otherwise
    # checkpoint every few days, which only hardware-failure statistics justify.
    "max_interval_s": 3600.0,
    # issue 8: cost-optimal interval and bandwidth (rules/economics.py); two-level staging; an optional
    # recovery-time objective (seconds) that the restore read must meet on top of its costed optimum.
    "sizing": "cost_optimal", "staging": "none", "recovery_time_objective_s": None,
    # Nebula keeps 2 versions by default (microsoft/DeepSpeed deepspeed/nebula/constants.py).
    "retained": 2,
    # Daly's worked examples use R = 10 min; Meta's restart overhead u0 is 5–20 min.
    "recovery_s": 600.0,
    "restart_s": 300.0,
    "failures_per_1000_node_days": round(formulas.LLAMA3_FAILURES_PER_1000_NODE_DAYS, 3),
    # Device→host snapshot for async saves: PCIe 5.0 x16 = 64 GB/s per direction (PCI-SIG); an upper bound.
    "snapshot_bytes_per_s": 64e9,
    "threads": 1, "weights_only": False, "lora_rank": 0, "master_weights": None, "moment_dtype": None,
    "weights_copy": True,
    "interval_s": None,
}
DATA_DEFAULTS = {"mode": "batch", "source": "file", "utilisation_target": 1.0,
                 # Llama 3 405B reached 38–43 % BF16 MFU (arXiv 2407.21783 Table 4).
                 "mfu": 0.40}


def normalize(document):
    """Validate the whole document; return it normalized or raise UseCaseError with every problem."""
    errors = Errors()
    if not isinstance(document, dict):
        raise UseCaseError({"": ["the use case must be a JSON object"]})
    check_raw(document)
    for key in sorted(set(document) - TOP_LEVEL):
        errors.add(key, f"unknown field; expected one of {', '.join(sorted(TOP_LEVEL))}")
    uc = {"name": _text(document.get("name", "use case"), "name", errors)}
    if "description" in document:  # kept with the stored input only; checked like the name
        _text(document["description"], "description", errors, limit=MAX_DESCRIPTION_CHARS)
    uc["workloads"] = _workloads(_workload_value(document), errors)
    uc["workload"] = uc["workloads"][0] if uc["workloads"] else None
    uc["priority"] = _choice(document.get("priority", "balanced"), PRIORITIES, "priority", errors)
    uc["precision"] = _choice(document.get("precision", "bf16"), PRECISIONS, "precision", errors)
    uc["optimizer"] = _choice(document.get("optimizer", "adam"), OPTIMIZERS, "optimizer", errors)
    uc["gpu_model"], uc["gpu"] = _gpu(document.get("gpu_model", "h100"), errors)
    uc["model"] = _model(document.get("model"), uc["workloads"], errors)
    uc["gpus"] = _gpus(document, uc, errors)
    uc["nodes"] = math.ceil(uc["gpus"] / uc["gpu"]["gpus_per_node"]) if uc["gpus"] and uc["gpu"] else 1
    uc["parallelism"] = _parallelism(document.get("parallelism"), uc, errors)
    uc["framework"] = _framework(document.get("framework"), uc, errors)
    uc["data"] = _data(document.get("data"), errors)
    uc["checkpoint"] = _checkpoint(document.get("checkpoint"), errors)
    _cluster_sections(document, uc, errors)
    uc["procurement"] = procurement.normalize(document.get("procurement"), errors)
    _check_layout_rules(uc, errors)
    _check_framework_inputs(uc, document.get("checkpoint"), errors)
    _dataset_from_tokens(uc, document.get("data"), errors)
    _check_cv_inputs(uc, errors)
    for section, (module, workload) in FAMILY_SECTIONS.items():
        if workload in uc["workloads"] or section in document:
            uc[section] = module.normalize(_section(document, section, errors), errors, uc)
    if "partitions" in document and not errors.by_path:
        uc["partitions"] = tenancy.normalize(document, uc, errors, normalize)
    errors.raise_if_any()
    return uc


# --- the raw document -----------------------------------------------------------------------------

MAX_DEPTH = 16  # a use case is 3 levels deep; deeper input is junk that recursion (copy, repr) chokes on
MAX_DESCRIPTION_CHARS = 2000


def check_raw(document):
    """Checks of the input as a whole, before any field is read: no value nested absurdly deep and no
    NUL character in any text or key (PostgreSQL stores neither in text nor in jsonb). Walks without
    recursion; raises UseCaseError naming the first offending path."""
    errors = Errors()
    stack = [((), document)]
    while stack:
        path, value = stack.pop()
        if len(path) > MAX_DEPTH:
            errors.add(str(path[0]), f"nested more than {MAX_DEPTH} levels deep")
            break
        if isinstance(value, str) and "\x00" in value:
            errors.add(_dotted(path), "must not contain NUL characters")
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and "\x00" in key:
                    errors.add(_dotted(path) or "", "has a field name with a NUL character")
                stack.append(((*path, key), item))
        elif isinstance(value, list):
            stack.extend(((*path, i), item) for i, item in enumerate(value))
    errors.raise_if_any()


def _dotted(path):
    """A field path as errors name it (model.layers), made only for a value that has a problem."""
    return ".".join(str(p) for p in path)


# --- small typed readers -----------------------------------------------------------------------

def _is_number(value):
    if isinstance(value, bool):
        return False
    # An int is finite however large (math.isfinite(10**400) would raise OverflowError).
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


def number(value, path, errors, low, high, integer=False, low_open=False, floor=None):
    """A number within [low, high] (or (low, high] with low_open), and at least `floor` when given;
    adds a field error otherwise."""
    if not _is_number(value):
        errors.add(path, "must be a number")
        return None
    if integer and isinstance(value, float) and not value.is_integer():
        errors.add(path, "must be a whole number")
        return None
    if value < low or (low_open and value == low):
        errors.add(path, f"must be {'greater than' if low_open else 'at least'} {low:,}")
        return None
    if floor is not None and value < floor:
        errors.add(path, f"must be at least {floor:g}")
        return None
    if value > high:
        errors.add(path, f"must be at most {high:,}")
        return None
    return int(value) if integer else float(value)


def _choice(value, allowed, path, errors):
    option = canonical_choice(value, allowed)
    if option is None:
        errors.add(path, f"must be one of {', '.join(allowed)} (got {value!r})")
    return option


def _text(value, path, errors, limit=200):
    if not isinstance(value, str) or len(value) > limit:
        errors.add(path, f"must be a text of at most {limit} characters")
        return None
    return value


def _bool(value, path, errors):
    if not isinstance(value, bool):
        errors.add(path, "must be true or false")
        return None
    return value


def _section(document, key, errors):
    value = document.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        errors.add(key, "must be an object")
        return {}
    return value


# --- workloads, GPU, model ---------------------------------------------------------------------

def _workloads(value, errors):
    """A family name or a list of them (combined use case); order kept, duplicates dropped."""
    items = value if isinstance(value, list) else [value]
    if value is None or not items:
        errors.add("workload", f"required: one of {', '.join(WORKLOADS)}, or a list of them")
        return []
    out = []
    for i, item in enumerate(items):
        path = f"workload.{i}" if isinstance(value, list) else "workload"
        family = canonical_choice(item, WORKLOADS)
        if family is None:
            errors.add(path, f"must be one of {', '.join(WORKLOADS)} (got {item!r})")
        elif family not in out:
            out.append(family)
    return out


def _workload_value(document):
    """`workload`, or the `workloads` list of a normalized use case whose first item it is."""
    value, listed = document.get("workload"), document.get("workloads")
    if isinstance(listed, list) and listed and listed[0] == value:
        return listed
    return value


def _gpu(value, errors):
    entry = presets.gpu(value) if isinstance(value, str) else None
    if entry is None:
        errors.add("gpu_model", f"unknown GPU preset {value!r}; known: {', '.join(presets.names('gpus'))}")
        return None, None
    return str(value).lower(), entry


def _model(value, workloads, errors):
    needs_llm = {"llm_training", "llm_inference"} & set(workloads)
    if value is None:
        if needs_llm:
            errors.add("model", "required: {\"preset\": ...}, explicit dimensions, or {\"parameters\": N}")
        elif "cv_training" in workloads:
            return None  # a CV workload may come from data.sample_bytes/batch_size/step_time_s alone
        return None
    if not isinstance(value, dict):
        errors.add("model", "must be an object")
        return None
    if value.get("kind") == "training_workload" or ("preset" in value and presets.known("workloads", value["preset"])):
        return _training_workload(value, workloads, errors)  # other fields of a workload preset are its own
    for key in sorted(set(value) - MODEL_KEYS - DERIVED_MODEL):
        errors.add(f"model.{key}", "unknown model field")
    if value.get("parameters_source") == "formula":  # a normalized model: recount from the dimensions
        value = {k: v for k, v in value.items() if k not in ("parameters", "active_parameters")}
    return _llm_model(value, errors)


def _training_workload(value, workloads, errors):
    """An MLPerf Storage training workload preset (unet3d, resnet50, cosmoflow, ...)."""
    entry = presets.workload(value.get("preset"))
    if entry is None:
        errors.add("model.preset", f"unknown training-workload preset {value.get('preset')!r}")
        return None
    if "cv_training" not in workloads:
        errors.add("model.preset", f"{value['preset']!r} is a training-workload preset; use workload cv_training")
    for key in sorted(set(value) - set(entry) - {"preset", "kind"}):  # a typo must not pass unnoticed
        errors.add(f"model.{key}", "unknown field for a training-workload preset; your own sample size, "
                                   "batch and step time go in data (sample_bytes, batch_size, step_time_s)")
    return dict(entry, preset=str(value["preset"]).lower(), kind="training_workload")


def _llm_model(value, errors):
    base = {}
    if "preset" in value:
        base = presets.model(value["preset"])
        if base is None:
            known = presets.names("models") + presets.names("workloads")
            errors.add("model.preset", f"unknown preset {value['preset']!r}; known: {', '.join(known)}")
            return None
        base["preset"] = str(value["preset"]).lower()
    merged = {**base, **{k: v for k, v in value.items() if k != "preset"}}
    dims = _dims(merged, errors)
    if dims is None:
        return None
    return _with_parameters(dims, merged, errors)


def _dims(merged, errors):
    """Explicit dimensions (checked and consistent), or only a bare parameter count."""
    has_dims = any(k in merged for k in REQUIRED_DIMS)
    if not has_dims:
        if "parameters" not in merged:
            errors.add("model", "give a preset, the dimensions (layers, hidden_size, ffn_hidden_size, "
                                "attention_heads, kv_heads, vocab_size) or parameters")
            return None
        return {"kind": "parameters"}
    dims = {"kind": "dims"}
    for key in REQUIRED_DIMS + (["ffn_hidden_size"] if not merged.get("moe_ffn_hidden_size") else []):
        if key not in merged:
            errors.add(f"model.{key}", "required with explicit dimensions")
    for key, low, high in INT_DIMS:
        if merged.get(key) is not None:
            dims[key] = number(merged[key], f"model.{key}", errors, low, high, integer=True)
    for key in BOOL_DIMS:
        if key in merged:
            dims[key] = _bool(merged[key], f"model.{key}", errors)
    if "norm" in merged:
        dims["norm"] = _choice(merged["norm"], ("rmsnorm", "layernorm"), "model.norm", errors)
    if any(dims.get(k) is None for k in REQUIRED_DIMS):
        return None
    return _consistent_dims(dims, errors)


def _consistent_dims(dims, errors):
    """Cross-field checks: GQA groups, MoE fields, head width; fills kv_heads and head_dim."""
    heads = dims["attention_heads"]
    dims.setdefault("kv_heads", heads)
    if dims["kv_heads"] and heads % dims["kv_heads"]:
        errors.add("model.kv_heads", f"must divide attention_heads ({heads}) for grouped-query attention")
    if dims.get("experts") and not dims.get("experts_per_token"):
        errors.add("model.experts_per_token", "required with experts")
    if dims.get("experts_per_token") and dims.get("experts") and dims["experts_per_token"] > dims["experts"]:
        errors.add("model.experts_per_token", "cannot exceed experts")
    if dims.get("dense_layers") and dims["dense_layers"] > dims["layers"]:
        errors.add("model.dense_layers", "cannot exceed layers")
    if not dims.get("head_dim") and dims["hidden_size"] < heads:
        errors.add("model.attention_heads", "cannot exceed hidden_size unless head_dim is given")
    dims["q_dim"] = formulas.q_dim_of(dims)
    dims["head_dim"] = dims.get("head_dim") or dims["hidden_size"] // heads
    dims.setdefault("ffn_hidden_size", dims.get("moe_ffn_hidden_size"))
    return dims


def _with_parameters(dims, merged, errors):
    """Adds parameters/active_parameters: computed from dims (DLIO formula, generalised) or given."""
    if "parameters" in merged:
        given = number(merged["parameters"], "model.parameters", errors, 1_000, MAX_PARAMETERS, integer=True)
        if given is None:
            return None
        dims.update(parameters=given, parameters_source="given")
        active = merged.get("active_parameters", given)
        dims["active_parameters"] = number(active, "model.active_parameters", errors, 1, given, integer=True)
    elif not errors.has("model") and not any(p.startswith("model.") for p in errors.by_path):
        dims.update(parameters=formulas.parameter_count(dims), parameters_source="formula",
                    active_parameters=formulas.parameter_count(dims, active=True))
        if dims["parameters"] > MAX_PARAMETERS:
            errors.add("model", f"the dimensions give {dims['parameters']:.3g} parameters, beyond any model")
    for key in ("name", "preset", "source", "published_parameters", "mlperf_parallelism"):
        if key in merged:
            dims[key] = merged[key]
    return dims


def _gpus(document, uc, errors):
    if "gpus" in document:
        return number(document["gpus"], "gpus", errors, 1, MAX_GPUS, integer=True)
    preset_par = (uc["model"] or {}).get("mlperf_parallelism") if "parallelism" not in document else None
    if preset_par:
        return math.prod(preset_par.get(k, 1) for k in ("tensor", "pipeline", "data"))
    return uc["gpu"]["gpus_per_node"] if uc["gpu"] else 8  # one GPU server by default


# --- parallelism and framework -----------------------------------------------------------------

PAR_KEYS = ("tensor", "pipeline", "context", "data", "expert", "zero_stage")


def _parallelism(value, uc, errors):
    """TP/PP/CP default 1, ZeRO 0, DP = gpus ÷ (TP·PP·CP); the product must equal gpus."""
    if value is None:
        value = dict((uc["model"] or {}).get("mlperf_parallelism") or {})
    if not isinstance(value, dict):
        errors.add("parallelism", "must be an object")
        return None
    for key in sorted(set(value) - set(PAR_KEYS)):
        errors.add(f"parallelism.{key}", f"unknown field; expected {', '.join(PAR_KEYS)}")
    par = {k: number(value.get(k, 1), f"parallelism.{k}", errors, 1, MAX_GPUS, integer=True)
           for k in ("tensor", "pipeline", "context", "expert")}
    par["zero_stage"] = number(value.get("zero_stage", 0), "parallelism.zero_stage", errors, 0, 3, integer=True)
    if None in par.values() or not uc["gpus"]:
        return None
    model_par = par["tensor"] * par["pipeline"] * par["context"]
    if "data" in value:
        par["data"] = number(value["data"], "parallelism.data", errors, 1, MAX_GPUS, integer=True)
    elif uc["gpus"] % model_par == 0:
        par["data"] = uc["gpus"] // model_par
    else:
        errors.add("parallelism", f"tensor × pipeline × context = {model_par} does not divide gpus = {uc['gpus']}")
        return None
    if par["data"] and model_par * par["data"] != uc["gpus"]:
        errors.add("parallelism", f"tensor × pipeline × context × data = {model_par * par['data']:,}, "
                                  f"but gpus = {uc['gpus']:,}; they must be equal")
    return par if par["data"] else None


def _framework(value, uc, errors):
    """Default: DeepSpeed layout when a ZeRO stage is set, else Megatron (torch_dist)."""
    if value is None:
        par = uc["parallelism"] or {}
        return "deepspeed" if par.get("zero_stage") else "megatron"
    return _choice(value, FRAMEWORKS, "framework", errors)


def _check_layout_rules(uc, errors):
    """What the frameworks themselves refuse: TP not dividing heads, ZeRO ≥ 2 with PP, EP vs experts."""
    par, m = uc["parallelism"], uc["model"]
    if not par or not m or "llm_training" not in uc["workloads"]:
        return
    if m.get("kind") == "dims":
        _check_model_split(par, m, errors)
    elif uc["checkpoint"] and uc["checkpoint"]["lora_rank"]:
        errors.add("checkpoint.lora_rank", "LoRA adapter sizes need the model's dimensions (a preset or dims)")
    if uc["framework"] == "deepspeed" and par["pipeline"] > 1 and par["zero_stage"] >= 2:
        # deepspeed/runtime/pipe/engine.py: "ZeRO-2 and ZeRO-3 are incompatible with pipeline parallelism";
        # DLIO utils/config.py validate() rejects ZeRO-3 with pipeline > 1 too.
        errors.add("parallelism.zero_stage", f"DeepSpeed does not combine ZeRO-{par['zero_stage']} with "
                                             f"pipeline parallelism ({par['pipeline']} stages); use ZeRO-1")
    if par["expert"] > 1:
        if not m.get("experts"):
            errors.add("parallelism.expert", "expert parallelism needs a mixture-of-experts model (experts)")
        elif m["experts"] % par["expert"]:
            errors.add("parallelism.expert", f"must divide the number of experts ({m['experts']})")
        if (par["data"] * par["context"]) % par["expert"]:
            errors.add("parallelism.expert", "must divide data × context (experts are spread over data-parallel ranks)")


# --- framework mappings and token-denominated inputs (issue 10) ----------------------------------

DEEPSPEED_LAYOUTS = ("dlio", "engine", "pipeline_module")


def _check_framework_inputs(uc, checkpoint, errors):
    """What Megatron cannot do (ZeRO-3) and which DeepSpeed ZeRO-1/2 file layout to assume."""
    par = uc["parallelism"]
    if par and uc["framework"] in ("megatron", "megatron_legacy") and par["zero_stage"] == 3:
        # Megatron's distributed optimizer (--use-distributed-optimizer) shards optimizer state and
        # gradients over data-parallel ranks like ZeRO-1/2; parameter sharding (ZeRO-3) is DeepSpeed or FSDP.
        errors.add("parallelism.zero_stage", "Megatron shards like ZeRO-1 (distributed optimizer) and has no "
                                             "ZeRO-3; use framework deepspeed or fsdp for ZeRO-3, or zero_stage 1")
    if uc["checkpoint"] is None:
        return
    raw = checkpoint.get("deepspeed_layout", "dlio") if isinstance(checkpoint, dict) else "dlio"
    layout = _choice(raw, DEEPSPEED_LAYOUTS, "checkpoint.deepspeed_layout", errors)
    uc["checkpoint"]["deepspeed_layout"] = layout
    if layout == "engine" and par and par["pipeline"] > 1:
        errors.add("checkpoint.deepspeed_layout", "pipeline parallelism needs a PipelineModule, which saves "
                                                  "per-layer files: use pipeline_module or dlio")


def _dataset_from_tokens(uc, raw, errors):
    """data.total_tokens ('15T' = 15 × 10^12) × bytes per token (uint16/int32 by vocabulary) → total_bytes."""
    if not isinstance(raw, dict) or raw.get("total_tokens") is None:
        return
    count = fields_serving.tokens(raw, "total_tokens", errors, "data", fields_serving.DATASET_SUFFIXES,
                                  maximum=1e18)
    vocab = (uc["model"] or {}).get("vocab_size")
    if count is None:
        return
    if not vocab:
        errors.add("data.total_tokens", "needs the model's vocab_size (a preset or dimensions) to know the "
                                        "bytes per token; give data.total_bytes instead")
        return
    total = count * formulas.token_bytes(vocab)
    if raw.get("total_bytes") is not None and raw["total_bytes"] != total:  # a normalized document has both
        errors.add("data.total_tokens", "give total_bytes or total_tokens, not both")
        return
    uc["data"]["total_tokens"], uc["data"]["total_bytes"] = count, total


def _check_model_split(par, m, errors):
    """Megatron splits heads and KV groups over TP ranks and layers over PP stages."""
    tp = par["tensor"]
    if m["attention_heads"] % tp:
        errors.add("parallelism.tensor", f"must divide attention_heads ({m['attention_heads']})")
    elif not m.get("kv_lora_rank") and m["kv_heads"] % tp:
        # megatron/core/transformer/attention.py: divide(num_query_groups, tp size)
        errors.add("parallelism.tensor", f"must divide kv_heads ({m['kv_heads']}) (Megatron splits KV groups)")
    if par["pipeline"] > m["layers"]:
        errors.add("parallelism.pipeline", f"cannot exceed layers ({m['layers']})")


def _check_cv_inputs(uc, errors):
    """CV training needs a workload preset or the sample size, batch and step time in data."""
    if "cv_training" not in uc["workloads"] or (uc["model"] or {}).get("kind") == "training_workload":
        return
    missing = [k for k in ("sample_bytes", "batch_size", "step_time_s") if not uc["data"].get(k)]
    if missing:
        errors.add("model.preset" if uc["model"] else "model",
                   f"cv_training needs a training-workload preset ({', '.join(presets.names('workloads'))}) "
                   f"or data.{', data.'.join(missing)}")


# --- cluster-scale sections (issue 8) ----------------------------------------------------------

def _cluster_sections(document, uc, errors):
    """`cluster` (envelope basis and class) and `economics` (prices); `checkpoint.sizing/staging` checks."""
    uc["cluster"] = envelope.normalize(_section(document, "cluster", errors), errors,
                                       lambda v, allowed, path, e: _choice(v, allowed, path, e))
    uc["economics"] = economics.normalize(_section(document, "economics", errors), errors, uc, number)
    policy, raw = uc["checkpoint"], document.get("checkpoint") if isinstance(document.get("checkpoint"), dict) else {}
    policy["sizing"] = _choice(raw.get("sizing", "cost_optimal"), SIZINGS, "checkpoint.sizing", errors)
    default_staging = "host_memory" if policy["mode"] == "async" else "none"
    policy["staging"] = _choice(raw.get("staging") or default_staging, STAGINGS, "checkpoint.staging", errors)
    if policy["staging"] not in (None, "none"):
        policy["mode"] = "async"  # a staged checkpoint blocks only for the snapshot, then persists asynchronously
    uc["capacity_plan"] = capacity_plan.normalize(_section(document, "capacity_plan", errors), errors, uc, number)
    if (document.get("capacity_plan") or {}).get("keep_last") and uc["capacity_plan"]["keep_last"]:
        policy["retained"] = uc["capacity_plan"]["keep_last"]  # the plan's "last N" is the retention count


SIZINGS = ("cost_optimal", "stall_budget")
STAGINGS = ("none", "host_memory", "local_nvme")


# --- data and checkpoint policy ----------------------------------------------------------------

DATA_NUMBERS = [("total_bytes", 1, 1e21, False), ("sample_bytes", 1, 1e13, False), ("samples", 1, 1e15, True),
                ("ingest_bytes_per_s", 0, 1e15, False), ("batch_size", 1, 10**8, True),
                ("step_time_s", 0, 1e6, False), ("tokens_per_s", 0, 1e12, False),
                ("sequence_tokens", 1, 10**8, True), ("epochs", 1, 10**6, True)]


# Smallest positive values the formulas divide by without overflowing (1e-300 s made bandwidths
# infinite and crashed the sizing): durations from MIN_DURATION_S (1 ms); the stall budget and the
# failure rate from the wizard's own lower bounds (0.01 %, 0.0001 per 1000 node-days).
FLOORS = {"data.step_time_s": MIN_DURATION_S, "checkpoint.interval_s": MIN_DURATION_S,
          "checkpoint.max_interval_s": MIN_DURATION_S, "checkpoint.recovery_s": MIN_DURATION_S,
          "checkpoint.restart_s": MIN_DURATION_S, "checkpoint.stall_budget_fraction": 1e-4,
          "checkpoint.recovery_time_objective_s": MIN_DURATION_S,
          "checkpoint.failures_per_1000_node_days": 1e-4}


def _data(value, errors):
    if value is None:
        value = {}
    if not isinstance(value, dict):
        errors.add("data", "must be an object")
        return dict(DATA_DEFAULTS)
    data = dict(DATA_DEFAULTS)
    known = {k for k, *_ in DATA_NUMBERS} | set(DATA_DEFAULTS) | {"format", "total_tokens"}
    for key in sorted(set(value) - known):
        errors.add(f"data.{key}", "unknown field")
    for key, low, high, integer in DATA_NUMBERS:
        if value.get(key) is not None:
            data[key] = number(value[key], f"data.{key}", errors, low, high, integer, low_open=low == 0,
                               floor=FLOORS.get(f"data.{key}"))
    if "format" in value:
        data["format"] = _text(value["format"], "data.format", errors)
    data["mode"] = _choice(value.get("mode", "batch"), ("batch", "streaming"), "data.mode", errors)
    data["source"] = _choice(value.get("source", "file"), ("file", "block", "object"), "data.source", errors)
    for key in ("utilisation_target", "mfu"):
        if key in value:
            data[key] = number(value[key], f"data.{key}", errors, 0, 1, low_open=True)
    return data


CHECKPOINT_NUMBERS = [("stall_budget_fraction", 0, 0.5, False), ("interval_s", 0, 1e8, False),
                      ("max_interval_s", 0, 1e8, False), ("retained", 1, 10_000, True),
                      ("recovery_s", 0, 1e7, False), ("restart_s", 0, 1e7, False),
                      ("failures_per_1000_node_days", 0, 1000, False), ("snapshot_bytes_per_s", 0, 1e13, False),
                      ("threads", 1, 64, True), ("lora_rank", 0, 65536, True),
                      ("recovery_time_objective_s", 0, 1e7, False)]


def _checkpoint(value, errors):
    """Checkpoint policy overrides on top of sourced defaults."""
    policy = dict(CHECKPOINT_DEFAULTS)
    if value is None:
        return policy
    if not isinstance(value, dict):
        errors.add("checkpoint", "must be an object")
        return policy
    for key in sorted(set(value) - set(CHECKPOINT_DEFAULTS) - {"deepspeed_layout"}):
        errors.add(f"checkpoint.{key}", "unknown field")
    for key, low, high, integer in CHECKPOINT_NUMBERS:
        if value.get(key) is not None:
            policy[key] = number(value[key], f"checkpoint.{key}", errors, low, high, integer,
                                 low_open=low == 0 and key != "lora_rank", floor=FLOORS.get(f"checkpoint.{key}"))
    policy["mode"] = _choice(value.get("mode", "sync"), ("sync", "async"), "checkpoint.mode", errors)
    for key in ("weights_only", "master_weights", "weights_copy"):
        if value.get(key) is not None:
            policy[key] = _bool(value[key], f"checkpoint.{key}", errors)
    if value.get("moment_dtype") is not None:
        policy["moment_dtype"] = _choice(value["moment_dtype"], MOMENT_DTYPES, "checkpoint.moment_dtype", errors)
    if (policy["restart_s"] or 0) >= (policy["recovery_s"] or 1e9):
        errors.add("checkpoint.restart_s", "must be shorter than recovery_s (restart time is part of recovery)")
    return policy
