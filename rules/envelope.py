"""Published storage envelopes of GPU clusters: the `cluster` section, the workload class, and the
shared-tier read/write that reference architectures give for a cluster of this size and class."""
from experta import Rule

from .kb import Workload

CLASSES = ("text", "images_compressed", "images_uncompressed", "volumetric_3d", "video", "offline_inference")
BASES = ("envelope", "jobs_only")
CLUSTER_FIELDS = ("sizing_basis", "workload_class")
RA_H100 = "nvidia-dgx-superpod-h100-ra: Storage Architecture, Tables 5 and 6"
DDN_B200 = "ddn-dgx-b200-blog-2025: usual minimum requirement of 1 GB/s per GPU for read and write"
# DGX SuperPOD H100 RA Table 5: NLP → Good; compressed images (ImageNet) → Better; 1080p/4K/uncompressed
# images, offline inference, ETL (datasets too large for cache, read-once) → Best.
LEVEL = {"text": "good", "images_compressed": "better", "images_uncompressed": "best", "volumetric_3d": "best",
         "video": "best", "offline_inference": "best"}
# Table 6 (GB/s): (nodes, read, write) at a single node, one SU (32 DGX H100) and four SUs (128).
TABLE_H100 = {"good": ((1, 4, 2), (32, 15, 7), (128, 60, 30)),
              "better": ((1, 8, 4), (32, 40, 20), (128, 160, 80)),
              "best": ((1, 40, 20), (32, 125, 62), (128, 500, 250))}
# Which guidance covers each GPU generation. "published": an RA table for this GPU; "floor": the H100 table as
# a floor plus a published per-GPU minimum; "derived": no published table was found, so the H100 table is
# applied per 8-GPU-equivalent server. Table 5 sets the level by whether the dataset fits the servers' cache
# (a property of the data, not of the GPU), and Table 6's write is sized for checkpoints, which scale with
# the model, not the GPU; the derivation is named in the basis and in `derived`.
# L40S is left out: a PCIe inference/graphics server, which no training-cluster RA describes (named gap).
GENERATION = {"h100": "published", "h200": "published", "b200": "floor",
              "a100": "derived", "mi300x": "derived", "mi355x": "derived"}
PER_GPU_FLOOR_BYTES_PER_S = {"b200": 1e9}
GPUS_PER_RA_NODE = 8  # DGX H100: 8 GPUs per node; Table 6 is per node and per SU of 32 nodes
CV_CLASS = {"unet3d": "volumetric_3d", "cosmoflow": "volumetric_3d", "resnet50": "images_compressed",
            "retinanet": "images_compressed", "flux": "images_compressed"}
FAMILY_CLASS = {"llm_training": "text", "video_analytics": "video"}


def normalize(value, errors, choice):
    """The `cluster` section: sizing basis and workload class (auto = derived from the workloads)."""
    value = value or {}
    for key in sorted(set(value) - set(CLUSTER_FIELDS)):
        errors.add(f"cluster.{key}", f"unknown field; expected one of {', '.join(CLUSTER_FIELDS)}")
    return {"sizing_basis": choice(value.get("sizing_basis", "envelope"), BASES, "cluster.sizing_basis", errors),
            "workload_class": choice(value.get("workload_class", "auto"), ("auto",) + CLASSES,
                                     "cluster.workload_class", errors)}


def workload_class(uc):
    """(class, how it was chosen): the user's, else the most demanding class among the workloads."""
    given = uc["cluster"]["workload_class"]
    if given != "auto":
        return given, "given"
    found = [FAMILY_CLASS[w] for w in uc["workloads"] if w in FAMILY_CLASS]
    if "cv_training" in uc["workloads"]:
        found.append(CV_CLASS.get((uc.get("model") or {}).get("preset"), "images_compressed"))
    if not found:
        return None, "no training or analytics workload: reference architectures give no envelope"
    return max(found, key=lambda c: ("good", "better", "best").index(LEVEL[c])), "derived from the workload"


def interpolate(points, nodes):
    """Piecewise-linear in nodes through the table; beyond the largest size, linear at its per-node rate."""
    (n0, r0, w0), *rest = points
    if nodes <= n0:
        return r0, w0
    for n1, r1, w1 in rest:
        if nodes <= n1:
            t = (nodes - n0) / (n1 - n0)
            return r0 + t * (r1 - r0), w0 + t * (w1 - w0)
        n0, r0, w0 = n1, r1, w1
    return r0 * nodes / n0, w0 * nodes / n0


def envelope(gpu_model, cls, nodes, gpus):
    """{read, write, level, basis, derived, sources} in bytes/s for the cluster, or None when no guidance covers
    the GPU. Sized on GPUs ÷ 8 DGX-equivalent nodes (`nodes` is kept for the basis text)."""
    kind = GENERATION.get(gpu_model)
    if kind is None or cls is None:
        return None
    level, equivalent = LEVEL[cls], gpus / GPUS_PER_RA_NODE
    read, write = (x * 1e9 for x in interpolate(TABLE_H100[level], equivalent))
    basis, sources = f"DGX SuperPOD H100 '{level}' tier at {equivalent:,.4g} DGX-equivalent nodes", [RA_H100]
    if kind == "derived":
        basis += f" (derived for {gpu_model}: no published table; the level follows the data, not the GPU)"
    floor = PER_GPU_FLOOR_BYTES_PER_S.get(gpu_model)
    if floor:  # the H100 table is a floor; DDN's per-GPU minimum for DGX B200
        read, write = max(read, floor * gpus), max(write, floor * gpus)
        basis += f", at least {floor / 1e9:g} GB/s per GPU × {gpus:,} GPUs (DGX B200)"
        sources.append(DDN_B200)
    return {"read_bytes_per_s": read, "write_bytes_per_s": write, "level": level, "basis": basis,
            "derived": kind == "derived", "sources": sources}


class EnvelopeRules:
    """experta rule mixin: the cluster's published envelope, applied to the shared tier in tiers.py."""

    @Rule(Workload())
    def cluster_envelope_from_reference_architectures(self):
        """A cluster of this size and class runs on storage that reference architectures size for the whole
        cluster, not one job's average; the shared tier gets the larger of the two."""
        uc = self.use_case
        if "cluster_envelope" in self.requirements:
            return
        cls, why = workload_class(uc)
        env = envelope(uc["gpu_model"], cls, uc["nodes"], uc["gpus"])
        basis = uc["cluster"]["sizing_basis"]
        fields = {"sizing_basis": basis, "workload_class": cls or "none", "class_basis": why,
                  "applies": bool(env) and basis == "envelope"}
        if env:
            fields.update(read_bytes_per_s=env["read_bytes_per_s"], write_bytes_per_s=env["write_bytes_per_s"],
                          level=env["level"], basis=env["basis"], derived=env["derived"])
        self.requirements["cluster_envelope"] = fields
        reason = (env["basis"] if env else f"no published envelope for {uc['gpu_model']}" if cls else why)
        self.finding("cluster_envelope_from_reference_architectures",
                     {"gpu_model": uc["gpu_model"], "nodes": uc["nodes"], "gpus": uc["gpus"],
                      "workload_class": cls or "none", "class_basis": why, "sizing_basis": basis},
                     {"envelope_read_bytes_per_s": env["read_bytes_per_s"] if env else "unknown",
                      "envelope_write_bytes_per_s": env["write_bytes_per_s"] if env else "unknown",
                      "applies": fields["applies"], "basis": reason},
                     "envelope = the reference-architecture tier for the class, interpolated in nodes "
                     "(1, 32, 128 nodes of 8 GPUs; linear per node beyond); B200: at least 1 GB/s per GPU; "
                     "A100, MI300X, MI355X: the same table per 8 GPUs (derived)",
                     env["sources"] if env else [RA_H100])
