"""LLM training rules: checkpoint size, layout, interval, write/restore bandwidth, retention, data reads."""
from experta import MATCH, TEST, W, Rule

from . import checkpoint_layout as layout
from . import economics as ec
from . import formulas as f
from . import capacity_plan as cp
from . import checkpoint_plan as plan
from .kb import Decision, Need, Workload

TRAINING = Workload(kind="llm_training")
# Llama 3 pre-training used 8K-token sequences first (arXiv 2407.21783 §3.4.1).
DEFAULT_SEQUENCE_TOKENS = 8192


class TrainingRules:
    """experta rule mixin for LLM training and fine-tuning."""

    @Rule(Decision(model="llm"))
    def parameters_from_model_dims(self):
        """The parameter count drives every size, so it comes from the model's own dimensions."""
        m = self.use_case["model"]
        formula = ("given by the user" if m["parameters_source"] == "given" else
                   "V·h embedding + L × (2 norms + attention + MLP or experts) + final norm + lm_head "
                   "(DLIO get_num_parameters, generalised to head_dim, MLA and MoE)")
        inputs = {k: m[k] for k in ("layers", "hidden_size", "ffn_hidden_size", "attention_heads", "kv_heads",
                                    "vocab_size", "experts", "kv_lora_rank") if m.get(k) is not None}
        self.finding("parameters_from_model_dims", dict(inputs, model=m.get("name") or m.get("preset") or "custom"),
                     {"parameters": m["parameters"], "active_parameters": m["active_parameters"]},
                     formula, [f.DLIO] + ([m["source"]] if m.get("source") else []))

    @Rule(TRAINING)
    def checkpoint_bytes_per_param_from_recipe(self):
        """A resumable checkpoint holds weights, the fp32 master copy and optimizer state, not gradients."""
        uc, policy = self.use_case, self.use_case["checkpoint"]
        recipe = _recipe(uc)
        self.need("checkpoint", bytes_per_param=recipe["bytes_per_param"], mode=policy["mode"],
                  framework=uc["framework"], trainable_parameters=recipe["trainable_parameters"],
                  weight_bytes_per_param=recipe["weight_bytes_per_param"])
        self.finding("checkpoint_bytes_per_param_from_recipe",
                     {"optimizer": uc["optimizer"], "precision": uc["precision"], "framework": uc["framework"],
                      "weights_only": policy["weights_only"], "lora_rank": policy["lora_rank"]},
                     {"bytes_per_param": recipe["bytes_per_param"]}, recipe["formula"], recipe["sources"])

    @Rule(Need(name="checkpoint", bytes_per_param=MATCH.b, trainable_parameters=MATCH.p,
               weight_bytes_per_param=MATCH.wb))
    def checkpoint_size_from_parameters(self, b, p, wb):
        """Checkpoint bytes are parameters times bytes per parameter (MoE: all experts, not the active ones)."""
        total, weights = p * b, p * wb
        self.need("checkpoint", total_bytes=int(round(total)), weights_bytes=int(round(weights)),
                  optimizer_bytes=int(round(total - weights)))
        self.finding("checkpoint_size_from_parameters", {"parameters": p, "bytes_per_param": b},
                     {"total_bytes": total, "weights_bytes": weights},
                     "total = parameters × bytes per parameter; weights = parameters × saved weight bytes",
                     [f.MLPERF_CKPT, f.BLOOM])

    @Rule(Need(name="checkpoint", total_bytes=MATCH.total, weights_bytes=MATCH.weights))
    def checkpoint_files_from_layout(self, total, weights):
        """The file layout mirrors the parallelism: who writes, how many files, how big the slowest writer is."""
        uc = self.use_case
        lay = layout.checkpoint_layout(uc["framework"], total, weights, uc["parallelism"], uc["model"],
                                       uc["checkpoint"]["threads"], uc["precision"],
                                       uc["checkpoint"].get("deepspeed_layout", "dlio"))
        self.need("checkpoint", **layout.need_fields(lay))
        self.finding("checkpoint_files_from_layout",
                     {"framework": uc["framework"], **uc["parallelism"], "total_bytes": total},
                     layout.finding_result(lay), lay["layout"], [lay["source"]])

    @Rule(TRAINING)
    def failure_rate_sets_interrupt_interval(self):
        """More nodes fail more often: the job's mean time to interrupt is 1 / (nodes × failure rate)."""
        uc = self.use_case
        rate = uc["checkpoint"]["failures_per_1000_node_days"]
        mtti = f.mean_time_to_interrupt_s(uc["nodes"], rate)
        self.need("checkpoint", mean_time_to_interrupt_s=mtti)
        self.finding("failure_rate_sets_interrupt_interval",
                     {"nodes": uc["nodes"], "failures_per_1000_node_days": rate},
                     {"mean_time_to_interrupt_s": mtti}, "M = 1 / (nodes × failures per node-day)",
                     [f.LLAMA3, f.META_RSC])

    @Rule(Need(name="checkpoint", mean_time_to_interrupt_s=MATCH.mtti),
          Need(name="checkpoint", per_rank_bytes=MATCH.per_rank))
    def checkpoint_interval_from_failure_rate(self, mtti, per_rank):
        """Checkpoint often enough that lost work and checkpoint stalls together are smallest (Young, Daly)."""
        policy = self.use_case["checkpoint"]
        why = _stall_budget_reason(self.use_case)
        if why is None:
            return self._cost_optimal_checkpoint(mtti, per_rank)
        interval, stall, optimum = _interval_and_stall(policy, mtti, per_rank)
        young, daly = f.young_interval_s(stall, mtti), f.daly_interval_s(stall, mtti)
        waste = f.waste_fraction(interval, stall, policy["restart_s"], mtti)
        self.need("checkpoint", interval_s=interval, stall_s=stall, young_interval_s=young, sizing="stall_budget",
                  daly_interval_s=daly, waste_fraction=waste, effective_training_time_ratio=max(0.0, 1 - waste))
        self.finding("checkpoint_interval_from_failure_rate",
                     {"mean_time_to_interrupt_s": mtti, "stall_s": stall, "mode": policy["mode"], "sizing": why,
                      "max_interval_s": _max_interval(policy), "interval_given": policy["interval_s"] is not None},
                     {"interval_s": interval, "daly_optimum_s": optimum, "young_interval_s": young,
                      "daly_interval_s": daly, "waste_percent": round(100 * waste, 1)},
                     _interval_formula(policy), [f.YOUNG, f.DALY, f.META_RSC])

    def _cost_optimal_checkpoint(self, mtti, per_rank):
        """Interval and write bandwidth chosen together where idle GPUs + lost work + storage cost least."""
        uc = self.use_case
        policy, req = uc["checkpoint"], self.requirements["checkpoint"]
        model = plan.checkpoint_cost_model(uc, req["total_bytes"], per_rank, mtti, req.get("writers", 1))
        best, point = model["best_write_bytes_per_s"], model["best"]
        waste = min(1.0, point["gpu_usd_per_day"] / model["fleet_usd_per_day"])  # idle + lost share of the fleet
        self.need("checkpoint", interval_s=point["interval_s"], stall_s=point["stall_s"], sizing="cost_optimal",
                  write_bytes_per_s=best, young_interval_s=f.young_interval_s(point["stall_s"], mtti),
                  daly_interval_s=f.daly_interval_s(point["stall_s"], mtti), waste_fraction=waste,
                  effective_training_time_ratio=1 - waste, cost_usd_per_day=point["cost_usd_per_day"],
                  drain_s=point.get("drain_s", 0.0), capacity_usd_per_day=model["capacity_usd_per_day"])
        req["cost_curve"] = model["curve"]
        self.finding("checkpoint_cost_sets_interval_and_write_bandwidth",
                     {"gpus": uc["gpus"], "gpu_hour_usd": uc["economics"]["gpu_hour_usd"],
                      "bandwidth_usd_per_gb_per_s": round(uc["economics"]["bandwidth_usd_per_gb_per_s"]),
                      "amortisation_years": uc["economics"]["amortisation_years"], "total_bytes": req["total_bytes"],
                      "mean_time_to_interrupt_s": mtti, "staging": policy["staging"]},
                     {"write_bytes_per_s": best, "interval_s": point["interval_s"], "stall_s": point["stall_s"],
                      "cost_usd_per_day": round(point["cost_usd_per_day"]),
                      "gpu_usd_per_day": round(point["gpu_usd_per_day"]),
                      "storage_usd_per_day": round(point["storage_usd_per_day"]),
                      "waste_percent": round(100 * waste, 2),
                      "capacity_usd_per_day": round(model["capacity_usd_per_day"])},
                     model["formula"], model["sources"])

    @Rule(Need(name="checkpoint", interval_s=MATCH.interval, stall_s=MATCH.stall),
          Need(name="checkpoint", total_bytes=MATCH.total),
          TEST(lambda stall: stall > 0))
    def checkpoint_stall_sets_write_bandwidth(self, interval, stall, total):
        """Training stalls while a synchronous checkpoint is written, so the write must fit the stall budget."""
        if self.use_case["checkpoint"]["mode"] != "sync" or _stall_budget_reason(self.use_case) is None:
            return
        rate = f.sync_write_bytes_per_s(total, stall)
        req = self.requirements["checkpoint"]  # the stall ends when the slowest writer is done (H10)
        rate = max(rate, layout.slowest_writer_write_bytes_per_s(req["per_rank_bytes"], req["writers"], stall))
        self.need("checkpoint", write_bytes_per_s=rate)
        self.finding("checkpoint_stall_sets_write_bandwidth",
                     {"total_bytes": total, "stall_s": stall, "interval_s": interval,
                      "stall_budget_fraction": self.use_case["checkpoint"]["stall_budget_fraction"],
                      "slowest_writer_bytes": req["per_rank_bytes"], "writers": req["writers"]},
                     {"write_bytes_per_s": rate},
                     "write bandwidth = max(checkpoint bytes, writers × slowest writer's bytes) ÷ allowed stall",
                     [f.YOUNG, "checkfreq2021: §3 (checkpoint stall)"])

    @Rule(Need(name="checkpoint", interval_s=MATCH.interval), Need(name="checkpoint", total_bytes=MATCH.total))
    def async_persist_sets_write_bandwidth(self, interval, total):
        """An asynchronous checkpoint must be persisted before the next one starts."""
        if self.use_case["checkpoint"]["mode"] != "async" or _stall_budget_reason(self.use_case) is None:
            return
        rate = f.async_write_bytes_per_s(total, interval)
        self.need("checkpoint", write_bytes_per_s=rate)
        self.finding("async_persist_sets_write_bandwidth", {"total_bytes": total, "interval_s": interval},
                     {"write_bytes_per_s": rate}, "sustained write bandwidth = checkpoint bytes ÷ interval",
                     ["gemini-sosp23", "megatron-async-checkpoint", "pytorch-dcp-async-save"])

    @Rule(Need(name="checkpoint", total_bytes=MATCH.total, weights_bytes=MATCH.weights),
          Need(name="checkpoint", mean_time_to_interrupt_s=MATCH.mtti))
    def restore_sets_read_bandwidth(self, total, weights, mtti):
        """After a failure every rank reloads its state; the load must fit the recovery-time objective."""
        uc = self.use_case
        policy, par = uc["checkpoint"], uc["parallelism"]
        replicated = _replicated_reads(uc["framework"], par["zero_stage"])
        read = f.restore_read_bytes(total, weights, par["data"], replicated)
        if _stall_budget_reason(uc) is None:
            return self._costed_restore(read, mtti, replicated)
        rate = f.restore_read_bytes_per_s(read, policy["recovery_s"], policy["restart_s"])
        self.need("checkpoint", restore_bytes_per_s=rate, restore_read_bytes=int(read),
                  recovery_s=policy["recovery_s"])
        self.finding("restore_sets_read_bandwidth",
                     {"total_bytes": total, "recovery_s": policy["recovery_s"], "restart_s": policy["restart_s"],
                      "data_parallel": par["data"], "replicated_weight_reads": replicated},
                     {"restore_read_bytes": read, "restore_bytes_per_s": rate},
                     "restore bandwidth = bytes read on restart ÷ (recovery objective − restart overhead); "
                     "replicated layouts read the weights once per data-parallel replica",
                     [f.DALY, "daly2006: §2 (restart time R)", "kokolis2025-rsc: §4 (restart overhead)"])

    def _costed_restore(self, read, mtti, replicated):
        """Restore bandwidth where idle GPUs during the load and the price of read bandwidth balance."""
        uc = self.use_case
        out = plan.restore_plan(uc, read, mtti)
        self.need("checkpoint", restore_bytes_per_s=out["restore_bytes_per_s"], restore_read_bytes=int(read),
                  recovery_s=out["restore_s"] + uc["checkpoint"]["restart_s"], restore_decided_by=out["decided_by"])
        self.finding("restore_costed_against_idle_gpus",
                     {"restore_read_bytes": read, "mean_time_to_interrupt_s": mtti, "gpus": uc["gpus"],
                      "gpu_hour_usd": uc["economics"]["gpu_hour_usd"], "replicated_weight_reads": replicated,
                      "recovery_time_objective_s": uc["checkpoint"]["recovery_time_objective_s"] or "none"},
                     {"restore_bytes_per_s": out["restore_bytes_per_s"], "restore_s": out["restore_s"],
                      "costed_restore_bytes_per_s": out["costed_restore_bytes_per_s"],
                      "decided_by": out["decided_by"]},
                     "B_restore = max(√(fleet $/day × bytes read ÷ (M × $/day per B/s)), bytes ÷ (RTO − restart))",
                     ["daly2006", "aws-ec2-capacity-blocks-pricing", "aws-fsx-lustre-pricing"])

    @Rule(Need(name="checkpoint", total_bytes=MATCH.total))
    def retention_sets_checkpoint_capacity(self, total):
        """Keeping several checkpoints lets a run roll back past a corrupt one; each costs full size."""
        kept = self.use_case["checkpoint"]["retained"]
        capacity = f.retention_bytes(total, kept)
        self.need("checkpoint", retained=kept, retention_bytes=int(capacity))
        self.finding("retention_sets_checkpoint_capacity", {"total_bytes": total, "retained": kept},
                     {"retention_bytes": capacity}, "capacity = checkpoint bytes × retained checkpoints",
                     ["deepspeed-nebula: 2 versions retained", "bloom-tr11: backup-schedule.md"])

    @Rule(Need(name="checkpoint", write_bytes_per_s=MATCH.write),
          Need(name="checkpoint", restore_bytes_per_s=MATCH.read),
          Need(name="checkpoint", retention_bytes=MATCH.capacity))
    def checkpoint_on_shared_fast_tier(self, write, read, capacity):
        """Checkpoints must survive the loss of any node, so they land on shared fast storage."""
        req = self.requirements["checkpoint"]
        creates = self._checkpoint_metadata(req)
        self.place("checkpoint", "shared_fast", "checkpoint bursts and restores need shared, fast storage",
                   [f.MLPERF_CKPT, "nvidia-dgx-superpod-h100-ra: Storage Architecture (synchronous checkpoints)"],
                   capacity_bytes=capacity, read_bytes_per_s=read, write_bytes_per_s=write,
                   metadata_ops_per_s=creates)
        if req["mode"] == "async":
            self._stage_locally(req)

    def _checkpoint_metadata(self, req):
        """File creates per second: a checkpoint's files within the stall (sync) or the drain window."""
        window = req["stall_s"] if req["mode"] == "sync" else (req.get("drain_s") or req["interval_s"])
        # A layout that is unknown (parameter count only) still writes at least one file per writer.
        files = req.get("files") or req.get("writers", 1)
        creates = plan.creates_per_s(files, window)
        self.note("checkpoint", file_creates_per_s=creates, metadata_window_s=window)
        self.finding("checkpoint_files_set_metadata_rate", {"files": files, "window_s": window,
                                                             "mode": req["mode"],
                                                             "files_lower_bound": "files" not in req},
                     {"file_creates_per_s": creates}, "creates/s = files per checkpoint ÷ write window",
                     [f.MEGATRON_DIST, f.DLIO])
        return creates

    def _stage_locally(self, req):
        """Two-level checkpoint: the snapshot goes to host memory or local NVMe, then drains to shared."""
        uc = self.use_case
        staging = uc["checkpoint"]["staging"] if uc["checkpoint"]["staging"] != "none" else "host_memory"
        tier = "host_memory" if staging == "host_memory" else "gpu_local_nvme"
        per_node = req["per_rank_bytes"] * min(uc["gpus"], uc["gpu"]["gpus_per_node"])
        free = uc["gpu"].get("host_memory_bytes" if tier == "host_memory" else "node_local_nvme_bytes")
        out = plan.staging_plan(per_node, staging, free)
        self.note("checkpoint", staging=staging, **{k: v for k, v in out.items() if v is not None})
        self.place("checkpoint", tier, f"two-level checkpoints are snapshotted to {staging.replace('_', ' ')} "
                   "and drained to shared storage before the next one",
                   ["pytorch-dcp-async-save", "megatron-async-checkpoint", "gemini-sosp23",
                    "nvidia-dgx-gb200-user-guide-storage"], capacity_bytes=out["local_staging_bytes"])
        self.finding("checkpoint_staged_locally", {"staging": staging, "per_node_bytes": per_node,
                                                   "local_copies": out["local_copies"]},
                     {"local_staging_bytes": out["local_staging_bytes"], "local_free_bytes": free or "unknown",
                      "fits_locally": out["fits_locally"], "drain_bytes_per_s": req["write_bytes_per_s"]},
                     "local staging = bytes per server × copies kept; drain = checkpoint bytes before the next",
                     ["pytorch-dcp-async-save", "megatron-async-checkpoint", "gemini-sosp23"])

    @Rule(Need(name="checkpoint", interval_s=MATCH.interval), Need(name="checkpoint", total_bytes=MATCH.total),
          TEST(lambda interval: interval > 0))
    def capacity_planned_over_the_horizon(self, interval, total):
        """Capacity is bought for years: long-term checkpoints and growing raw, tokenised and derived data."""
        policy = self.use_case["capacity_plan"]
        if not policy["given"]:
            return
        out = cp.plan(policy, total, interval)
        self.note("capacity_plan", **out, horizon_years=policy["horizon_years"])
        keep = out["long_term_checkpoint_bytes"] + out["raw_bytes"] + out["derived_bytes"]
        self.place("capacity_plan", "object", "long-term checkpoints and raw and derived data over the horizon",
                   cp.SOURCES, capacity_bytes=keep)
        extra = out["tokenised_bytes"] - policy["tokenised_bytes"]
        if extra > 0:
            self.place("capacity_plan", self._data_tier(), "growth of the tokenised dataset over the horizon",
                       cp.SOURCES, capacity_bytes=extra)
        self.finding("capacity_planned_over_the_horizon",
                     {k: policy[k] for k in ("horizon_years", "dataset_growth_fraction_per_year", "keep_last",
                                             "keep_every", "keep_days")},
                     {k: out[k] for k in ("long_term_checkpoints", "long_term_checkpoint_bytes", "raw_bytes",
                                          "tokenised_bytes", "derived_bytes")},
                     "long-term copies = ⌈keep_days ÷ (keep_every × interval)⌉; data × (1 + growth)^years",
                     cp.SOURCES)

    def _data_tier(self):
        """The tier the training data was placed on (not its object source copy)."""
        tiers = [p["tier"] for p in self.placements if p["need"] == "training_data" and p["tier"] != "object"]
        return tiers[0] if tiers else "shared_fast"

    @Rule(TRAINING)
    def training_data_read_rate_from_token_throughput(self):
        """LLM training reads tokens far slower than it checkpoints: tokens/s × bytes per token."""
        uc = self.use_case
        m, data, gpu = uc["model"], uc["data"], uc["gpu"]
        tps = data.get("tokens_per_s") or f.tokens_per_s(uc["gpus"], gpu["peak_bf16_flops"], data["mfu"],
                                                          m["active_parameters"])
        tb = f.token_bytes(m.get("vocab_size"))
        rate, seq = tps * tb, data.get("sequence_tokens", DEFAULT_SEQUENCE_TOKENS)
        batch = data.get("batch_size", 1)
        dataset, local = data.get("total_bytes"), gpu.get("node_local_nvme_bytes")
        fits = bool(dataset and local and dataset <= local)
        step = batch * seq * uc["parallelism"]["data"] / tps  # one step: `batch` sequences per data-parallel rank
        fields = {"read_bytes_per_s": rate, "tokens_per_s": tps, "token_bytes": tb, "iops": tps / seq,
                  "sample_bytes": seq * tb, "batch_size": batch, "step_time_s": step,
                  "dataset_bytes": dataset, "fits_local_nvme": fits}
        self.need("training_data", **{k: v for k, v in fields.items() if v is not None})
        self.finding("training_data_read_rate_from_token_throughput",
                     {"gpus": uc["gpus"], "peak_bf16_flops": gpu["peak_bf16_flops"], "mfu": data["mfu"],
                      "active_parameters": m["active_parameters"], "token_bytes": tb, "sequence_tokens": seq},
                     {"tokens_per_s": round(tps), "read_bytes_per_s": rate, "fits_local_nvme": fits},
                     "tokens/s = GPUs × peak FLOPS × MFU ÷ (6 × active parameters); read = tokens/s × bytes/token; "
                     "one random read per sequence; fits when the dataset ≤ the server's local NVMe",
                     [f.KAPLAN, f.MEGATRON_DATA, "llama3-herd-2024: Table 4 (MFU)"])
        self._place_token_data(rate, tps / seq, dataset, fits)

    def _place_token_data(self, rate, iops, dataset, fits):
        """Local NVMe when the tokenized set fits each server (DGX RA: NLP sets fit local cache), else shared."""
        if fits:
            nodes = self.use_case["nodes"]
            self.place("training_data", "gpu_local_nvme", "the tokenized dataset fits each server's NVMe",
                       ["nvidia-dgx-superpod-h100-ra: Table 5 (NLP datasets fit local cache)"],
                       capacity_bytes=dataset, read_bytes_per_s=rate / nodes, iops=iops / nodes)
            self.place("training_data", "object", "the corpus's source copy, staged to local NVMe",
                       ["nvidia-dgx-h100-user-guide: internal storage caches data read from shared storage"],
                       capacity_bytes=dataset)
            return
        self.place("training_data", "shared_fast", "tokenized shards are read by every data-parallel rank",
                   [f.MEGATRON_DATA], capacity_bytes=dataset or 0, read_bytes_per_s=rate, iops=iops)


def _recipe(uc):
    """bytes/param, trainable parameters and saved weight bytes for the checkpoint policy."""
    policy, m = uc["checkpoint"], uc["model"]
    if policy["weights_only"]:
        wb = f.DTYPE_BYTES[uc["precision"]]
        return {"bytes_per_param": wb, "weight_bytes_per_param": wb, "trainable_parameters": m["parameters"],
                "formula": f"weights only: {wb} B/param at {uc['precision']}", "sources": [f.BLOOM]}
    if policy["lora_rank"]:
        return _lora_recipe(uc)
    b = f.bytes_per_param(uc["optimizer"], uc["precision"], uc["framework"], policy["master_weights"],
                          policy["moment_dtype"], policy["weights_copy"])
    weights, master = f.saved_weight_bytes(uc["precision"], uc["framework"], policy["master_weights"],
                                           policy["weights_copy"])
    formula = (f"{weights} B saved weights + {master} B fp32 master copy + {b - weights - master:g} B "
               f"{uc['optimizer']} state per parameter ({uc['framework']}, {uc['precision']})")
    sources = f.OPTIMIZER_SOURCES[uc["optimizer"]] + ([f.DEEPSEEK_V3] if policy["moment_dtype"] else [])
    return {"bytes_per_param": b, "weight_bytes_per_param": weights, "trainable_parameters": m["parameters"],
            "formula": formula, "sources": sources}


def _lora_recipe(uc):
    """LoRA saves only the adapters (fp32) and their optimizer state; the frozen base is not rewritten."""
    m, rank = uc["model"], uc["checkpoint"]["lora_rank"]
    adapters = f.lora_parameters(m, rank)  # usecase.py requires dimensions with lora_rank
    b = 4 + f.optimizer_state_bytes(uc["optimizer"], "fp32")
    return {"bytes_per_param": b, "weight_bytes_per_param": 4, "trainable_parameters": adapters,
            "formula": f"LoRA rank {rank}: {adapters:,} adapter parameters × (4 B fp32 + optimizer state)",
            "sources": [f.PEFT]}


def _interval_and_stall(policy, mtti, per_rank):
    """(interval, blocking stall, Daly optimum) from the stall budget; async only shrinks the stall.

    Async keeps the interval the stall budget gives: with a snapshot stall of milliseconds Daly's optimum
    falls to seconds, and persisting S every few seconds would need S / τ of sustained writes (§4.4).
    """
    frac = policy["stall_budget_fraction"]
    optimum = f.interval_for_stall_budget_s(frac, mtti)
    interval = policy["interval_s"] or min(optimum, _max_interval(policy))
    if policy["mode"] == "sync":
        return interval, frac * interval, optimum
    return interval, per_rank / policy["snapshot_bytes_per_s"], optimum


# Meta's ETTR study uses Δt_cp ≈ 60 min as the common interval (arXiv 2410.21680): the stall-budget cap.
STALL_BUDGET_MAX_INTERVAL_S = 3600.0


def _max_interval(policy):
    return policy["max_interval_s"] or STALL_BUDGET_MAX_INTERVAL_S


def _stall_budget_reason(uc):
    """None when the cost-optimal model applies; else why the stall budget sizes the checkpoint."""
    policy = uc["checkpoint"]
    if policy["sizing"] == "stall_budget":
        return "stall_budget (chosen)"
    if policy["interval_s"] is not None:
        return "stall_budget (interval given)"
    if not uc["economics"]["gpu_hour_usd"]:
        return f"stall_budget (no sourced GPU price for {uc['gpu_model']}: give economics.gpu_hour_usd)"
    return None


def _interval_formula(policy):
    base = ("Daly's optimum τ = √(2δM)[1 + ⅓√(δ/2M) + ⅑ δ/2M] − δ with the stall δ = budget × τ, "
            "capped at the maximum interval")
    if policy["mode"] == "sync":
        return base
    return base + "; asynchronous saves keep that interval and stall only for the device-to-host snapshot"


def _replicated_reads(framework, zero_stage):
    """Layouts where every data-parallel replica reads the same weight files (§2.6)."""
    return framework in ("megatron_legacy", "hf_trainer") or (framework == "deepspeed" and zero_stage < 3)

