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
HOPPER = ("h100", "h200")
BLACKWELL = ("b200",)
PER_GPU_BLACKWELL_BYTES_PER_S = 1e9
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
    """{read, write, basis, sources} in bytes/s for the cluster, or None when no source covers the GPU."""
    if gpu_model not in HOPPER + BLACKWELL or cls is None:
        return None
    level = LEVEL[cls]
    read, write = (x * 1e9 for x in interpolate(TABLE_H100[level], nodes))
    basis, sources = f"DGX SuperPOD H100 '{level}' tier at {nodes:,} nodes", [RA_H100]
    if gpu_model in BLACKWELL:  # the H100 table is a floor; DDN's per-GPU minimum for DGX B200
        per_gpu = PER_GPU_BLACKWELL_BYTES_PER_S * gpus
        read, write = max(read, per_gpu), max(write, per_gpu)
        basis += f", at least 1 GB/s per GPU × {gpus:,} GPUs (DGX B200)"
        sources.append(DDN_B200)
    return {"read_bytes_per_s": read, "write_bytes_per_s": write, "level": level, "basis": basis,
            "sources": sources}


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
                          level=env["level"], basis=env["basis"])
        self.requirements["cluster_envelope"] = fields
        reason = (env["basis"] if env else f"no published envelope for {uc['gpu_model']}" if cls else why)
        self.finding("cluster_envelope_from_reference_architectures",
                     {"gpu_model": uc["gpu_model"], "nodes": uc["nodes"], "gpus": uc["gpus"],
                      "workload_class": cls or "none", "class_basis": why, "sizing_basis": basis},
                     {"envelope_read_bytes_per_s": env["read_bytes_per_s"] if env else "unknown",
                      "envelope_write_bytes_per_s": env["write_bytes_per_s"] if env else "unknown",
                      "applies": fields["applies"], "basis": reason},
                     "envelope = the reference-architecture tier for the class, interpolated in nodes "
                     "(1, 32, 128 nodes; linear per node beyond); Blackwell: at least 1 GB/s per GPU",
                     env["sources"] if env else [RA_H100])
