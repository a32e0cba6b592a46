"""Video-analytics rules: stream reads, retention capacity, small result writes, NUMA, detector→recogniser cascade."""
from experta import Rule

from . import fields_serving as fields
from . import formulas_serving as fs
from .kb import Workload

KIND = "video_analytics"
SECTION = "video"
STREAM_SOURCES = ["ip-camera-bitrate-table: 1080p H.264 4,000 kbps at 30 fps (4 Mbps → 43.2 GB/day)",
                  "intel-vdms: decode → inference → persist results (VDMS)"]
RESULT_SOURCES = ["intel-vdms: AddEntity metadata + AddDescriptor feature vectors",
                  "resnet-2016: 2,048-d pooled feature = 8,192 B as float32",
                  "mot16-2016: 292,733 boxes in 1,276 tracks = 229 frames per track",
                  "postgresql-page-layout: 23-byte tuple header + 4-byte item pointer"]
NUMA_SOURCES = ["nvidia-dgx-h100-datasheet: 2 × Intel Xeon Platinum 8480C",
                "nvidia-nvdec-application-note: decode capacity per GPU by codec and resolution"]
CASCADE_SOURCES = ["dlstreamer: gvadetect → gvaclassify → gvametapublish",
                   "ssd-mobilenet-2018: light detector", "resnet-2016: heavy recogniser"]
DEFAULT_BITRATE = 4_000_000      # camera table: 1080p H.264 4,000 kbps at 30/20 fps
DEFAULT_FPS = 30                 # same table row
DEFAULT_WIDTH, DEFAULT_HEIGHT = 1920, 1080  # same row: 1080p
DEFAULT_RETENTION_DAYS = 30      # 30 days of recordings (≈1.3 TB per 4 Mbps camera)
DEFAULT_RESULT_BYTES = 8192      # one ResNet-50 2,048-d float32 descriptor per tracked object
# MOT16 (Milan et al., arXiv 1603.00831): 292,733 boxes in 1,276 tracks → an object stays 229 frames.
DEFAULT_TRACK_FRAMES = 229
# One track row: PostgreSQL tuple header 23 B + item pointer 4 B + bigint id 8 + integer camera 4 +
# two timestamps 16 + smallint class 2 + real score 4 + first/last box 8 × smallint 16 = 77 → 80 B aligned.
DEFAULT_TRACK_METADATA_BYTES = 80
DEFAULT_SOCKETS = 2              # DGX H100 datasheet: two CPU sockets
# Planning assumption, not a measurement: one object of interest per analysed frame.
DEFAULT_OBJECTS_PER_FRAME = 1
SOURCES = ("live", "recorded")
PERSIST = ("per_track", "per_detection")
FIELDS = ("streams", "bitrate_bits_per_s", "fps", "retention_days", "objects_per_frame",
          "result_bytes", "sockets", "source", "persist", "track_frames", "track_metadata_bytes", "width",
          "height")


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
        "persist": fields.choice(section, "persist", errors, SECTION, PERSIST, "per_track"),
        "track_frames": num("track_frames", default=DEFAULT_TRACK_FRAMES, maximum=1e9),
        "track_metadata_bytes": num("track_metadata_bytes", default=DEFAULT_TRACK_METADATA_BYTES, integer=True,
                                    minimum=0, exclusive_minimum=False, maximum=1e9),
        "width": num("width", default=DEFAULT_WIDTH, integer=True, maximum=100_000),
        "height": num("height", default=DEFAULT_HEIGHT, integer=True, maximum=100_000),
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
        """Each tracked object becomes one metadata row and one descriptor, written when its track ends: small random writes, far fewer than detections."""
        v = self._video()
        rates = fs.results_per_track(v["streams"], v["fps"], v["objects_per_frame"], v["track_frames"],
                                     v["result_bytes"], v["track_metadata_bytes"], v["persist"])
        capacity = int(rates["write_bytes_per_s"] * 86_400 * max(v["retention_days"], 1))
        self.need("results_persistence", iops=rates["iops"], write_bytes_per_s=rates["write_bytes_per_s"],
                  capacity_bytes=capacity, io_bytes=rates["io_bytes"], tracks_per_s=rates["tracks_per_s"],
                  persist=v["persist"])
        self.finding("results_persistence_small_writes",
                     {k: v[k] for k in ("streams", "fps", "objects_per_frame", "result_bytes", "track_frames",
                                        "track_metadata_bytes", "persist")},
                     dict(rates, capacity_bytes=capacity),
                     "tracks/s = streams × fps × objects per frame ÷ frames per track; per track one metadata "
                     "row + one descriptor (per_detection: one descriptor per object per frame)",
                     RESULT_SOURCES)
        self.place("results_persistence", "shared_fast", "A results database (VDMS-style) takes many "
                   "small random writes: flash with high write IOPS.", RESULT_SOURCES,
                   capacity_bytes=capacity, write_bytes_per_s=rates["write_bytes_per_s"], iops=rates["iops"])

    @Rule(Workload(kind=KIND))
    def video_numa_guidance(self):
        """On multi-socket servers each socket should decode its own streams, read through its own NIC and NVMe."""
        v = self._video()
        if v["sockets"] < 2:
            return
        sockets = v["sockets"]
        decode = fs.decode_pixels_per_s(v["streams"], v["width"], v["height"], v["fps"])
        per_socket = fs.stream_bytes_per_s(v["streams"], v["bitrate_bits_per_s"]) / sockets
        self.finding("video_numa_guidance", {"sockets": v["sockets"], "streams": v["streams"],
                                             "width": v["width"], "height": v["height"], "fps": v["fps"]},
                     {"per_socket_read_bytes_per_s": per_socket, "streams_per_socket": v["streams"] / sockets,
                      "decode_pixels_per_s_per_stream": decode / v["streams"],
                      "decode_pixels_per_s_per_socket": decode / sockets,
                      "decoded_frames_per_s_per_socket": v["streams"] * v["fps"] / sockets,
                      "decoder_capacity": "unknown: compare with the GPU's NVDEC table"},
                     "per socket: streams ÷ sockets × bitrate ÷ 8 to read, × width × height × fps to decode; "
                     "pin decode and inference to the socket of its NIC and GPU", NUMA_SOURCES)

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
