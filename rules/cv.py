"""CV and other MLPerf-style training rules: per-accelerator read rate, IOPS, local-NVMe fit."""
from experta import MATCH, W, Rule

from . import checkpoint_plan as plan
from . import formulas as f
from .kb import Need, Workload

DGX_RA = "nvidia-dgx-superpod-h100-ra: Table 5 (datasets that fit local cache) and Table 6"
SEED = "nvidia-dgx-h100-user-guide: local NVMe caches datasets staged from shared or object storage"


class CvRules:
    """experta rule mixin for CV training (MLPerf Storage unet3d, resnet50, cosmoflow, ...)."""

    @Rule(Workload(kind="cv_training"))
    def cv_read_rate_from_batch_and_step_time(self):
        """An accelerator consumes one batch per step, so storage must deliver batch × sample bytes per step."""
        uc = self.use_case
        spec = cv_spec(uc)
        util = uc["data"]["utilisation_target"]
        per_acc = f.sample_read_bytes_per_s(spec["batch_size"], spec["sample_bytes"], spec["step_time_s"], util)
        iops = f.sample_iops(spec["batch_size"], spec["step_time_s"], util)
        at_min = per_acc * spec["au"] / util if spec["au"] else None
        fields = {"read_bytes_per_s": per_acc * uc["gpus"], "per_accelerator_read_bytes_per_s": per_acc,
                  "iops": iops * uc["gpus"], "sample_bytes": spec["sample_bytes"], "batch_size": spec["batch_size"],
                  "step_time_s": spec["step_time_s"], "utilisation_target": util, "min_au": spec["au"],
                  "read_bytes_per_s_at_min_au": at_min * uc["gpus"] if at_min else None,
                  "dataset_bytes": spec["dataset_bytes"], "accelerators": uc["gpus"]}
        self.need("training_data", **{k: v for k, v in fields.items() if v is not None})
        self.finding("cv_read_rate_from_batch_and_step_time",
                     {"workload": spec["name"], "accelerator": spec["accelerator"], "batch_size": spec["batch_size"],
                      "sample_bytes": spec["sample_bytes"], "step_time_s": spec["step_time_s"],
                      "utilisation_target": util, "accelerators": uc["gpus"], "step_time_estimated": spec["estimated"]},
                     {"per_accelerator_read_bytes_per_s": per_acc, "read_bytes_per_s": per_acc * uc["gpus"],
                      "iops": iops * uc["gpus"]},
                     "read rate = batch × sample bytes ÷ step time × utilisation, × accelerators; "
                     "IOPS = samples per second", spec["sources"])

    @Rule(Workload(kind="cv_training"),
          Need(name="training_data", per_accelerator_read_bytes_per_s=W(), read_bytes_per_s=MATCH.rate,
               iops=MATCH.iops))
    def cv_dataset_fits_local_nvme(self, rate, iops):
        """A dataset that fits each server's NVMe is read locally after staging, sparing the shared tier."""
        uc = self.use_case
        req = self.requirements["training_data"]
        dataset, local = req.get("dataset_bytes"), uc["gpu"].get("node_local_nvme_bytes")
        fits = bool(dataset and local and dataset <= local)
        self.need("training_data", fits_local_nvme=fits, node_local_nvme_bytes=local or 0)
        self.finding("cv_dataset_fits_local_nvme", {"dataset_bytes": dataset or 0, "node_local_nvme_bytes": local or 0},
                     {"fits_local_nvme": fits, "verdict": "fits in" if fits else "does not fit in"},
                     "fits when dataset bytes ≤ the server's local NVMe bytes",
                     [DGX_RA, uc["gpu"]["source"]])
        per_node = min(uc["gpus"], uc["gpu"]["gpus_per_node"]) / uc["gpus"]
        if fits:
            self.place("training_data", "gpu_local_nvme", "the dataset fits each server's NVMe and is read locally",
                       [DGX_RA, SEED], capacity_bytes=dataset, read_bytes_per_s=rate * per_node, iops=iops * per_node,
                       metadata_ops_per_s=self._opens(iops * per_node))
            self.place("training_data", "object", "the dataset's source copy, staged to local NVMe",
                       [SEED], capacity_bytes=dataset)
        else:
            share = self._cache_shards(dataset, local, rate)
            self.place("training_data", "shared_fast", "the dataset does not fit local NVMe; the first epoch and "
                       "the cache misses read from shared storage", [DGX_RA], capacity_bytes=dataset or 0,
                       read_bytes_per_s=rate * share, iops=iops * share, metadata_ops_per_s=self._opens(iops * share))

    def _cache_shards(self, dataset, local, rate):
        """Each server caches its shard in free local NVMe: hit ratio, and the shared share of the reads."""
        uc = self.use_case
        nodes, epochs = uc["nodes"], uc["data"].get("epochs", 1)
        shard = (dataset or 0) / nodes
        hit = plan.cache_hit_ratio(shard, local)
        share = plan.shared_read_fraction(hit, epochs)
        self.note("training_data", shard_bytes=shard, cache_hit_ratio=hit, shared_read_fraction=share)
        self.finding("training_data_cache_hit_ratio",
                     {"shard_bytes": shard, "free_local_bytes": local or 0, "epochs": epochs, "nodes": nodes},
                     {"hit_ratio": round(hit, 3), "shared_read_bytes_per_s": rate * share,
                      "first_epoch_read_bytes_per_s": rate},
                     "hit ratio = free local NVMe ÷ shard (uniform random reads); shared read = "
                     "rate × (1 + (epochs − 1) × (1 − hit)) ÷ epochs", [DGX_RA, SEED])
        return share

    def _opens(self, samples_per_s):
        """File opens per second: samples per second ÷ samples per file (MLPerf/DLIO layouts)."""
        per_file = ((self.use_case["model"] or {}).get("samples_per_file") or 1)
        opens = samples_per_s / per_file
        self.note("training_data", file_opens_per_s=opens)
        return opens


def cv_spec(uc):
    """Sample bytes, batch, step time, AU and dataset bytes: the preset for this GPU, then data overrides."""
    model = uc["model"] or {}
    wl = model if model.get("kind") == "training_workload" else {}  # combined with an LLM: data figures
    data, gpu = uc["data"], uc["gpu"]
    spec = {"name": wl.get("name", "custom"), "au": wl.get("au"), "estimated": False,
            "sources": [f.MLPERF_TRAIN] + ([wl["source"]] if wl.get("source") else []),
            "sample_bytes": wl.get("sample_bytes"), "accelerator": uc["gpu_model"]}
    if wl:
        spec.update(_accelerator_entry(wl, uc["gpu_model"], gpu))
    for key in ("sample_bytes", "batch_size", "step_time_s"):
        if data.get(key):
            spec[key] = data[key]
            spec["estimated"] = spec["estimated"] and key != "step_time_s"
    spec["dataset_bytes"] = data.get("total_bytes") or _preset_dataset(wl) or (
        data["samples"] * spec["sample_bytes"] if data.get("samples") else None)
    return spec


def _accelerator_entry(wl, gpu_model, gpu):
    """The preset's figures for this accelerator; else scaled from the nearest by dense BF16 peak."""
    table = wl["accelerators"]
    key = gpu_model if gpu_model in table else gpu.get("mlperf_name")
    if key in table:
        return dict(table[key], estimated=False)
    from . import presets
    ref = "h100" if "h100" in table else sorted(table)[0]
    ref_flops = presets.gpu(ref)["peak_bf16_flops"]
    step = table[ref]["step_time_s"] * ref_flops / gpu["peak_bf16_flops"]
    return {"batch_size": table[ref]["batch_size"], "step_time_s": step, "estimated": True}


def _preset_dataset(wl):
    """The YAML's dataset: record bytes × samples per file × files (MLPerf resizes it to 5× host RAM)."""
    if not wl.get("num_files_train"):
        return None
    return int(wl["sample_bytes"] * wl["samples_per_file"] * wl["num_files_train"])
