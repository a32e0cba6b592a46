"""Video-analytics rules: stream reads, retention capacity, small result writes, NUMA, detector→recogniser cascade."""
from experta import Rule

from . import fields_serving as fields
from . import formulas_serving as fs
from .kb import Workload

KIND = "video_analytics"
SECTION = "video"
SEED_PIPELINE = "SEED-NOTES §2: decode → pre-process → inference → persist results (GStreamer, VDMS)"
STREAM_SOURCES = ["research/inference-rag-dgx.md §6.1: GB/day = Mbps ÷ 8 × 86,400 ÷ 1000 "
                  "(4 Mbps → 43.2 GB/day)",
                  "Unifore IP-camera H.264 table: 1080p 4,000 kbps at 30 fps", SEED_PIPELINE]
RESULT_SOURCES = ["SEED-NOTES §2: post-processing is write-intensive — many small structured writes",
                  "IntelLabs/vdms: AddEntity metadata + AddDescriptor feature vectors",
                  "He et al. 2016 (ResNet-50): 2,048-d pooled feature = 8,192 B as float32"]
NUMA_SOURCES = ["SEED-NOTES §2: NUMA awareness — storage and NICs local to the socket that uses them",
                "NVIDIA DGX H100 datasheet: 2 × Intel Xeon Platinum 8480C"]
CASCADE_SOURCES = ["SEED-NOTES §2: a light detector (SSD-MobileNet) feeds a heavy recogniser (ResNet-50)",
                   "SEED-NOTES §4: video streamer ≈ 95 % AI compute — storage needs are steady reads",
                   "dlstreamer/dlstreamer: gvadetect → gvaclassify → gvametapublish"]
DEFAULT_BITRATE = 4_000_000      # Unifore table: 1080p H.264 4,000 kbps at 30/20 fps
DEFAULT_FPS = 30                 # same table row
DEFAULT_RETENTION_DAYS = 30      # research §6.1 worked example (≈1.3 TB per camera per 30 days)
DEFAULT_RESULT_BYTES = 8192      # one ResNet-50 2,048-d float32 descriptor per recognised object
DEFAULT_SOCKETS = 2              # DGX H100 datasheet: two CPU sockets
# Planning assumption, not a measurement: one object of interest per analysed frame.
DEFAULT_OBJECTS_PER_FRAME = 1
SOURCES = ("live", "recorded")
FIELDS = ("streams", "bitrate_bits_per_s", "fps", "retention_days", "objects_per_frame",
          "result_bytes", "sockets", "source")


def normalize(section, errors, use_case):
    """Validate and fill defaults for the use case's 'video' section; errors use dotted paths."""
    section = fields.as_section(section, errors, SECTION)
    fields.unknown_keys(section, FIELDS, errors, SECTION)
    num = lambda name, **kw: fields.number(section, name, errors, SECTION, **kw)  # noqa: E731
    out = {
        "streams": num("streams", default=None, integer=True, maximum=10_000_000),
        # 10 Gbit/s per stream is beyond uncompressed 4K60 8-bit 4:2:0 (≈6 Gbit/s).
        "bitrate_bits_per_s": num("bitrate_bits_per_s", default=DEFAULT_BITRATE, maximum=1e10),
        "fps": num("fps", default=DEFAULT_FPS, maximum=1000),
        "retention_days": num("retention_days", default=DEFAULT_RETENTION_DAYS, minimum=0,
                              exclusive_minimum=False, maximum=36_500),
        "objects_per_frame": num("objects_per_frame", default=DEFAULT_OBJECTS_PER_FRAME, minimum=0,
                                 exclusive_minimum=False, maximum=10_000),
        "result_bytes": num("result_bytes", default=DEFAULT_RESULT_BYTES, integer=True, maximum=1e9),
        "sockets": num("sockets", default=DEFAULT_SOCKETS, integer=True, maximum=64),
        "source": fields.choice(section, "source", errors, SECTION, SOURCES, "live"),
    }
    workloads = use_case.get("workloads") or use_case.get("workload") or []
    if KIND in workloads and out["streams"] is None and not errors.has(f"{SECTION}.streams"):
        errors.add(f"{SECTION}.streams", "is required for video_analytics")
    return out


class VideoRules:
    """experta rule mixin for the video-analytics family."""

    def _video(self):
        return self.use_case.get(SECTION) or {}

    @Rule(Workload(kind=KIND))
    def video_stream_reads_and_retention(self):
        """Streams × bitrate sets the steady read (and recording write) rate; × retention sets capacity."""
        v = self._video()
        rate = fs.stream_bytes_per_s(v["streams"], v["bitrate_bits_per_s"])
        capacity = fs.retention_bytes(v["streams"], v["bitrate_bits_per_s"], v["retention_days"])
        write = rate if v["retention_days"] > 0 else 0.0
        read = rate if v["source"] == "recorded" else 0.0
        self.need("video", read_bytes_per_s=rate, write_bytes_per_s=write, capacity_bytes=capacity,
                  per_stream_bytes_per_day=int(fs.stream_bytes_per_s(1, v["bitrate_bits_per_s"]) * 86_400))
        self.finding("video_stream_reads_and_retention",
                     {"streams": v["streams"], "retention_days": v["retention_days"],
                      "source": v["source"],
                      "stream_bytes_per_s": fs.stream_bytes_per_s(1, v["bitrate_bits_per_s"])},
                     {"read_bytes_per_s": rate, "capacity_bytes": capacity},
                     "streams × bitrate ÷ 8; capacity = that × 86,400 s × retention days",
                     STREAM_SOURCES)
        if capacity or read:
            self.place("video", "object", "Recorded video is large, sequential and kept for weeks: "
                       "scale-out object storage, read back for offline analytics.", STREAM_SOURCES,
                       capacity_bytes=capacity, write_bytes_per_s=write, read_bytes_per_s=read)

    @Rule(Workload(kind=KIND))
    def results_persistence_small_writes(self):
        """Every recognised object becomes one small metadata-plus-descriptor write, so results need write IOPS, not bandwidth."""
        v = self._video()
        iops = fs.results_write_iops(v["streams"], v["fps"], v["objects_per_frame"])
        write = iops * v["result_bytes"]
        capacity = int(write * 86_400 * max(v["retention_days"], 1))
        self.need("results_persistence", iops=iops, write_bytes_per_s=write, capacity_bytes=capacity,
                  io_bytes=v["result_bytes"])
        self.finding("results_persistence_small_writes",
                     {k: v[k] for k in ("streams", "fps", "objects_per_frame", "result_bytes")},
                     {"iops": iops, "write_bytes_per_s": write, "capacity_bytes": capacity},
                     "streams × fps × objects per frame small writes/s × result bytes",
                     RESULT_SOURCES)
        self.place("results_persistence", "shared_fast", "A results database (VDMS-style) takes many "
                   "small random writes: flash with high write IOPS.", RESULT_SOURCES,
                   capacity_bytes=capacity, write_bytes_per_s=write, iops=iops)

    @Rule(Workload(kind=KIND))
    def video_numa_guidance(self):
        """On multi-socket servers each socket should read its own streams through its own NIC and NVMe."""
        v = self._video()
        if v["sockets"] < 2:
            return
        per_socket = fs.stream_bytes_per_s(v["streams"], v["bitrate_bits_per_s"]) / v["sockets"]
        self.finding("video_numa_guidance", {"sockets": v["sockets"], "streams": v["streams"]},
                     {"per_socket_read_bytes_per_s": per_socket,
                      "streams_per_socket": v["streams"] / v["sockets"]},
                     "stream read rate ÷ sockets; pin decode and inference to the socket of its NIC",
                     NUMA_SOURCES)

    @Rule(Workload(kind=KIND))
    def detector_recogniser_cascade(self):
        """A light detector runs on every frame and a heavy recogniser only on what it finds; compute, not storage, dominates."""
        v = self._video()
        rates = fs.cascade_rates(v["streams"], v["fps"], v["objects_per_frame"])
        self.need("video", **rates)
        self.finding("detector_recogniser_cascade",
                     {k: v[k] for k in ("streams", "fps", "objects_per_frame")}, rates,
                     "detector = streams × fps; recogniser = detector × objects per frame",
                     CASCADE_SOURCES)
