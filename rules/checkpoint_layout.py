"""Checkpoint file layout per framework: files, writers, bytes per pipeline stage and of the slowest writer.

Transcribed from DLIO's emulation of Megatron-DeepSpeed (dlio-base-checkpointing: get_layer_index,
get_layer_parameters, get_optimization_groups, save_checkpoint) and generalised to the other
frameworks the advisor knows. Pure functions; no rule engine here.
"""
import math

from . import formulas as f

# Sources (bibliography keys, rules/bibliography/serving.py "# training layout (H10)").
DLIO = "dlio-base-checkpointing"
DLIO_LAYER_INDEX = "dlio-base-checkpointing: get_layer_index (layer 0 on the first stage, L+1, L+2 on the last)"
DLIO_SAVE = "dlio-base-checkpointing: save_checkpoint (PP > 1 per-layer files, PP = 1 model_{mp}_model_states)"
DEEPSPEED_ENGINE = "deepspeed-engine: _get_ckpt_name, _get_zero_ckpt_name, _save_checkpoint"
DEEPSPEED_PIPE = "deepspeed-pipe-module: PipelineModule.ckpt_layer_path, save_state_dict (DP rank 0)"
MEGATRON_DIST = "megatron-dist-checkpointing: strategies/torch.py (files = ranks × threads)"
MEGATRON_LEGACY = "megatron-legacy-checkpointing: get_checkpoint_name (mp_rank_TT_PPP_EEE)"
TORCH_DCP = "torch-dcp-filesystem: __{rank}_{k}.distcp + .metadata"
HF_TRAINER = "hf-trainer-save: max_shard_size 5GB"

# DeepSpeed ZeRO-1/2 layout: what DLIO emulates (default), the engine without a PipelineModule, or with one.
DEEPSPEED_LAYOUTS = ("dlio", "engine", "pipeline_module")
HF_SHARD_BYTES = 5 * 10**9  # transformers v4.35–v4.57 default max_shard_size "5GB" (HF_TRAINER)


# --- where the parameters live -----------------------------------------------------------------

def has_dims(model):
    """Per-layer layouts need the model's dimensions; a bare parameter count does not say them."""
    return bool(model and model.get("kind", "dims") == "dims" and model.get("layers")
                and model.get("hidden_size") and model.get("vocab_size"))


def stage_layer_ranges(layers, pipeline):
    """DLIO get_layer_index: (start, end) module indices per stage over 0 … L+2.

    Blocks 1…L are split as evenly as possible (the first L mod PP stages get one more); module 0
    (embedding) joins the first stage, L+1 (lm_head) and L+2 (final norm) the last."""
    per, rem = divmod(layers, pipeline)
    ranges = []
    for rank in range(pipeline):
        if rank < rem:
            start = rank * (per + 1) + 1
            end = start + per
        else:
            start = rem * (per + 1) + (rank - rem) * per + 1
            end = start + per - 1
        ranges.append([start, end])
    ranges[0][0], ranges[-1][1] = 0, layers + 2
    return [tuple(r) for r in ranges]


def module_parameters(m, index):
    """Parameters of DLIO layer module `index`: 0 embedding, 1…L blocks, L+1 lm_head, L+2 final norm."""
    layers, h = m["layers"], m["hidden_size"]
    if index == 0:
        extra = m.get("position_embeddings", 0) * h + (f.norm_parameters(m) if m.get("embedding_norm") else 0)
        return m["vocab_size"] * h + extra
    if index == layers + 1:
        return 0 if m.get("tied_embeddings") else m["vocab_size"] * h
    if index == layers + 2:
        return f.norm_parameters(m)
    moe = bool(m.get("experts")) and index > (m.get("dense_layers") or 0)
    return f.layer_parameters(m, moe)


def module_counts(m):
    """module_parameters of every DLIO module 0 … L+2, each block counted once per kind (dense, MoE):
    blocks of a kind are alike, and an 80-layer model asked one by one cost ~250 block counts."""
    layers = m["layers"]
    dense = min(max(m.get("dense_layers") or 0, 0), layers) if m.get("experts") else layers
    blocks = [f.layer_parameters(m, False)] * dense if dense else []
    if layers > dense:
        blocks += [f.layer_parameters(m, True)] * (layers - dense)
    return [module_parameters(m, 0)] + blocks + [module_parameters(m, layers + 1), module_parameters(m, layers + 2)]


def stage_fractions(model, pipeline):
    """Share of all parameters held by each pipeline stage; None when the dimensions are unknown."""
    if pipeline == 1:
        return [1.0]
    if not has_dims(model):
        return None
    modules = module_counts(model)
    counts = [sum(modules[a:b + 1]) for a, b in stage_layer_ranges(model["layers"], pipeline)]
    total = sum(counts)
    return [c / total for c in counts]


def largest_module_fraction(model):
    """Share of the parameters in the biggest layer module (the largest per-layer file)."""
    modules = module_counts(model)
    return max(modules) / sum(modules)


# --- the layout ---------------------------------------------------------------------------------

def checkpoint_layout(framework, total_bytes, weights_bytes, par, model=None, threads=1, precision="bf16",
                      deepspeed_layout="dlio"):
    """Files per checkpoint, the bytes of every stage's heaviest writer, the slowest writer, the largest file.

    par: tensor, pipeline, data, context, expert, zero_stage. W = TP·PP·CP·DP ranks. `files` and
    `largest_file_bytes` are None when they depend on layer dimensions the model does not give;
    `per_stage_bytes` is None (and `per_rank_bytes` the mean, a lower bound) when PP > 1 without them.
    """
    ctx = {"total": total_bytes, "weights": weights_bytes, "opt": total_bytes - weights_bytes, "par": par,
           "model": model or {}, "fractions": stage_fractions(model, par["pipeline"]),
           "w": par["tensor"] * par["pipeline"] * par["context"] * par["data"]}
    if framework == "deepspeed":
        if par["zero_stage"] == 0 and precision != "bf16":
            return _finish(_deepspeed_unsharded(ctx), ctx)
        if par["zero_stage"] >= 3:
            return _finish(_deepspeed_zero3(ctx), ctx)
        return _finish(_deepspeed_zero12(ctx, deepspeed_layout), ctx)
    if framework == "megatron_legacy":
        return _finish(_megatron_legacy(ctx), ctx)
    if framework == "hf_trainer" and par["zero_stage"] == 0:
        return _finish(_hf_trainer(ctx), ctx)
    return _finish(_distributed(ctx, framework, threads), ctx)


def _finish(lay, ctx):
    """Adds the slowest writer (max over stages), the mean writer and whether the layout is known."""
    stages = lay.pop("stage_writer_bytes")
    lay["mean_rank_bytes"] = ctx["total"] / lay["writers"]
    lay["per_stage_bytes"] = stages
    lay["per_rank_bytes"] = max(stages) if stages else lay["mean_rank_bytes"]
    lay["slowest_stage"] = stages.index(max(stages)) if stages else None
    lay["layout_known"] = lay["files"] is not None and stages is not None
    return lay


def _stage_bytes(ctx, per_stage_total, divisor):
    """Per-writer bytes on each stage: stage share × bytes ÷ writers sharing that stage."""
    if ctx["fractions"] is None:
        return None
    return [per_stage_total * frac / divisor for frac in ctx["fractions"]]


def _deepspeed_zero12(ctx, variant):
    """ZeRO-1/2 (and bf16 ZeRO-0): every rank writes its optimizer shard; DP rank 0 of each MP rank the
    weights — per layer with a PipelineModule (DLIO: when PP > 1), else one model file per MP rank."""
    par, w, opt = ctx["par"], ctx["w"], ctx["opt"]
    tp, pp = par["tensor"], par["pipeline"]
    weights = _stage_bytes(ctx, ctx["weights"], tp)
    shard = opt / w + (_dlio_group_extra_bytes(ctx["model"]) if variant == "dlio" else 0)
    stages = [s + shard for s in weights] if weights else None
    per_layer = pp > 1 if variant == "dlio" else variant == "pipeline_module"
    if per_layer:
        return _per_layer_files(ctx, variant, stages)
    return {"files": w + tp * pp, "writers": w, "stage_writer_bytes": stages,
            "largest_file_bytes": max(shard, max(weights) if weights else ctx["weights"] / (tp * pp)),
            "source": DLIO_SAVE if variant == "dlio" else DEEPSPEED_ENGINE,
            "layout": f"{w} zero_pp_rank_*_mp_rank_*_optim_states.pt (every rank) + {tp * pp} "
                      + ("model_*_model_states.pt" if variant == "dlio" else "mp_rank_*_model_states.pt")
                      + " (one per model-parallel rank, written by DP rank 0)"}


def _dlio_group_extra_bytes(model):
    """DLIO get_optimization_groups adds hidden × 5 fp32 elements to each of its 3 groups on every rank
    (dlio-base-checkpointing: get_optimization_groups): 60 × hidden bytes per optimizer shard."""
    return 3 * 5 * model.get("hidden_size", 0) * 4 if has_dims(model) else 0


def _per_layer_files(ctx, variant, stages):
    """Per-layer module files, one per layer module per TP rank (DLIO indices 0 … L+2)."""
    par, w, opt, model = ctx["par"], ctx["w"], ctx["opt"], ctx["model"]
    tp, pp = par["tensor"], par["pipeline"]
    mp_files = tp * pp if variant == "pipeline_module" else 0  # engine's mp_rank_*_model_states.pt (no module)
    if not has_dims(model):
        return {"files": None, "writers": w, "stage_writer_bytes": stages, "largest_file_bytes": None,
                "source": DLIO_SAVE, "layout": f"{w} *_optim_states.pt + one layer_*-model_*_model_states.pt "
                                               "per layer module × TP (layers unknown: give the dimensions)"}
    layer_files = (model["layers"] + 3) * tp
    largest_layer = ctx["weights"] * largest_module_fraction(model) / tp
    shard = opt / w + (_dlio_group_extra_bytes(model) if variant == "dlio" else 0)
    return {"files": w + layer_files + mp_files, "writers": w, "stage_writer_bytes": stages,
            "largest_file_bytes": max(shard, largest_layer),
            "source": DLIO_SAVE if variant == "dlio" else DEEPSPEED_PIPE,
            "layout": f"{w} *_optim_states.pt (every rank) + {layer_files} layer_*-model_*_model_states.pt "
                      f"({model['layers'] + 3} layer modules × TP {tp}, written by DP rank 0)"
                      + (f" + {mp_files} mp_rank_*_model_states.pt" if mp_files else "")}


def _deepspeed_zero3(ctx):
    """ZeRO-3: every rank writes its weight and optimizer partitions (DLIO shards layers by DP)."""
    w, opt = ctx["w"], ctx["opt"]
    per_stage_ranks = w // ctx["par"]["pipeline"]
    return {"files": 2 * w, "writers": w, "stage_writer_bytes": _stage_bytes(ctx, ctx["total"], per_stage_ranks),
            "largest_file_bytes": opt / w, "source": DLIO,
            "layout": f"{w} zero_pp_rank_*_model_states.pt + {w} *_optim_states.pt"}


def _deepspeed_unsharded(ctx):
    """ZeRO-0 without the bf16 optimizer: each model-parallel rank of DP 0 saves weights + full optimizer
    in mp_rank_*_model_states.pt; with PP the weights go to layer files (DEEPSPEED_ENGINE, DEEPSPEED_PIPE)."""
    par, model, opt = ctx["par"], ctx["model"], ctx["opt"]
    tp, pp = par["tensor"], par["pipeline"]
    layer_files = ((model["layers"] + 3) * tp if has_dims(model) else None) if pp > 1 else 0
    files = None if layer_files is None else tp * pp + layer_files
    return {"files": files, "writers": tp * pp, "stage_writer_bytes": _stage_bytes(ctx, ctx["total"], tp),
            "largest_file_bytes": (opt if pp > 1 else ctx["total"]) / (tp * pp), "source": DEEPSPEED_ENGINE,
            "layout": f"{tp * pp} mp_rank_*_model_states.pt (weights + optimizer, written by DP rank 0)"
                      + (f" + {layer_files} layer_*-model_*_model_states.pt" if layer_files else "")}


def _megatron_legacy(ctx):
    """One model_optim_rng.pt + distrib_optim.pt per (TP, PP, EP) shard, DP rank 0 writes."""
    par = ctx["par"]
    shards = par["tensor"] * par["pipeline"] * par["expert"]
    return {"files": 2 * shards, "writers": shards,
            "stage_writer_bytes": _stage_bytes(ctx, ctx["total"], par["tensor"] * par["expert"]),
            "largest_file_bytes": ctx["opt"] / shards, "source": MEGATRON_LEGACY,
            "layout": f"{shards} model_optim_rng.pt + {shards} distrib_optim.pt"}


def _hf_trainer(ctx):
    """Rank 0 saves safetensors shards + optimizer.pt + scheduler.pt; each rank an rng_state file."""
    shards = max(1, math.ceil(ctx["weights"] / HF_SHARD_BYTES))
    w = ctx["w"]
    return {"files": shards + 1 + 1 + w + 1, "writers": 1, "stage_writer_bytes": [ctx["total"]],
            "largest_file_bytes": ctx["opt"], "source": HF_TRAINER,
            "layout": f"{shards} model-*.safetensors + optimizer.pt + scheduler.pt + {w} rng_state_*.pth "
                      "+ trainer_state.json"}


def _distributed(ctx, framework, threads):
    """Megatron torch_dist / PyTorch DCP: every rank writes `threads` shards of its stage's state."""
    w = ctx["w"]
    meta = 3 if framework == "megatron" else 1  # .metadata (+ common.pt, metadata.json for Megatron)
    stages = _stage_bytes(ctx, ctx["total"], w // ctx["par"]["pipeline"])
    largest = (max(stages) if stages else ctx["total"] / w) / threads
    return {"files": w * threads + meta, "writers": w, "stage_writer_bytes": stages,
            "largest_file_bytes": largest, "source": MEGATRON_DIST if framework == "megatron" else TORCH_DCP,
            "layout": f"{w * threads} .distcp shards ({w} ranks × {threads} threads) + {meta} metadata"}


# --- what the slowest writer means for the stall -------------------------------------------------

def slowest_writer_write_bytes_per_s(per_rank_bytes, writers, stall_s):
    """Aggregate write bandwidth when each writer gets an equal share and the stall ends with the slowest:
    writers × slowest writer's bytes ÷ stall (≥ total ÷ stall; equal when every writer holds the mean)."""
    return writers * per_rank_bytes / stall_s


# --- what the rules record ------------------------------------------------------------------------

def need_fields(lay):
    """Requirement fields of a layout; file counts and sizes only when the layout is known."""
    out = {"writers": lay["writers"], "per_rank_bytes": int(round(lay["per_rank_bytes"])),
           "mean_rank_bytes": int(round(lay["mean_rank_bytes"])), "layout": lay["layout"],
           "layout_known": lay["layout_known"]}
    if lay["files"] is not None:
        out["files"] = lay["files"]
    if lay["largest_file_bytes"] is not None:
        out["largest_file_bytes"] = int(round(lay["largest_file_bytes"]))
    if lay["per_stage_bytes"] is not None:
        out["per_stage_bytes"] = [int(round(b)) for b in lay["per_stage_bytes"]]
    return out


def finding_result(lay):
    """The finding's result: the slowest writer, the mean, every stage, or 'unknown' where it is."""
    unknown = "unknown"  # the model gives no layer dimensions (a bare parameter count)
    return {"files": lay["files"] if lay["files"] is not None else unknown,
            "per_rank_bytes": lay["per_rank_bytes"], "mean_rank_bytes": lay["mean_rank_bytes"],
            "slowest_stage": lay["slowest_stage"] if lay["slowest_stage"] is not None else unknown,
            "per_stage_bytes": lay["per_stage_bytes"] or unknown,
            "largest_file_bytes": lay["largest_file_bytes"] if lay["largest_file_bytes"] is not None else unknown,
            "layout_known": lay["layout_known"]}
