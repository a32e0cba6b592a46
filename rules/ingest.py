"""Ingest rules: batch vs streaming write rates, landing capacity, and the landing tier by source kind."""
from experta import Rule

from . import fields_serving as fields
from . import formulas_serving as fs
from .kb import Workload
from .units import DAY

KIND = "data_ingest"
SECTION = "ingest"
MODES = ("batch", "streaming")
SOURCE_KINDS = ("file", "block", "object")
RATE_SOURCES = ["aws-s3-performance-guidelines: parallel requests scale object-store throughput"]
SOURCE_NOTES = {
    "file": "files arrive over NFS/SMB or a parallel file system client",
    "block": "block sources (database volumes, appliances) are exported as files or objects first",
    "object": "object sources copy object-to-object (S3 API), no POSIX staging needed",
}
FIELDS = ("mode", "bytes_per_day", "bytes_per_s", "batch_window_s", "peak_to_average",
          "landing_days", "source")


def normalize(section, errors, use_case):
    """Validate and fill defaults for the use case's 'ingest' section; errors use dotted paths."""
    section = fields.as_section(section, errors, SECTION)
    fields.unknown_keys(section, FIELDS, errors, SECTION)
    data = use_case.get("data") or {}
    num = lambda name, **kw: fields.number(section, name, errors, SECTION, **kw)  # noqa: E731
    out = {
        "mode": fields.choice(section, "mode", errors, SECTION, MODES,
                              data.get("mode") if data.get("mode") in MODES else "batch"),
        "source": fields.choice(section, "source", errors, SECTION, SOURCE_KINDS,
                                data.get("source") if data.get("source") in SOURCE_KINDS else "file"),
        # Whole day unless the batch window is given: the average rate is the floor.
        "batch_window_s": num("batch_window_s", default=DAY, maximum=DAY, floor=fields.MIN_DURATION_S),
        "peak_to_average": num("peak_to_average", default=1.0, minimum=1, exclusive_minimum=False,
                               maximum=1000),
        "landing_days": num("landing_days", default=1, maximum=36_500),
    }
    out["bytes_per_day"] = _bytes_per_day(section, errors, data)
    workloads = use_case.get("workloads") or use_case.get("workload") or []
    if KIND in workloads and out["bytes_per_day"] is None and not (
            errors.has(f"{SECTION}.bytes_per_day") or errors.has(f"{SECTION}.bytes_per_s")):
        errors.add(f"{SECTION}.bytes_per_day", "is required for data_ingest (or bytes_per_s)")
    return out


def _bytes_per_day(section, errors, data):
    """bytes_per_day as given, else bytes_per_s (or data.ingest_bytes_per_s) × 86,400."""
    # 1 EB/day ≈ 11.6 TB/s sustained: beyond any single ingest pipeline, so a unit mistake.
    per_day = fields.number(section, "bytes_per_day", errors, SECTION, default=None, maximum=1e18)
    per_s = fields.number(section, "bytes_per_s", errors, SECTION, default=None, maximum=1e13)
    if per_day is not None and per_s is not None:
        errors.add(f"{SECTION}.bytes_per_s", "give bytes_per_day or bytes_per_s, not both")
    if per_day is not None:
        return per_day
    if per_s is None and isinstance(data.get("ingest_bytes_per_s"), (int, float)) \
            and data["ingest_bytes_per_s"] > 0:
        per_s = data["ingest_bytes_per_s"]
    return per_s * DAY if per_s is not None else None


class IngestRules:
    """experta rule mixin for the ingest family."""

    def _ingest(self):
        return self.use_case.get(SECTION) or {}

    @Rule(Workload(kind=KIND))
    def ingest_rate_by_mode(self):
        """Batch ingest lands a day's data inside its window; streaming ingest lands it continuously at its peak."""
        g = self._ingest()
        write = fs.ingest_write_bytes_per_s(g["bytes_per_day"], g["mode"], g["batch_window_s"],
                                            g["peak_to_average"])
        landing = fs.landing_bytes(g["bytes_per_day"], g["landing_days"])
        tier = "object" if g["mode"] == "batch" else "shared_fast"
        self.need("ingest", write_bytes_per_s=write, capacity_bytes=landing, mode=g["mode"],
                  source=g["source"], bytes_per_day=g["bytes_per_day"])
        self.finding("ingest_rate_by_mode",
                     {"mode": g["mode"], "daily_bytes": g["bytes_per_day"],
                      "batch_window_s": g["batch_window_s"], "peak_to_average": g["peak_to_average"],
                      "landing_days": g["landing_days"], "source": g["source"]},
                     {"write_bytes_per_s": write, "capacity_bytes": landing, "tier": tier},
                     "batch: bytes per day ÷ window; streaming: bytes per day ÷ 86,400 × peak factor; "
                     "landing = bytes per day × days", RATE_SOURCES)
        reason = ("Batch loads land on low-cost scale-out object storage" if tier == "object" else
                  "Streaming ingest needs low-latency, high-throughput flash")
        self.place("ingest", tier, f"{reason}; {SOURCE_NOTES[g['source']]}.", RATE_SOURCES,
                   capacity_bytes=landing, write_bytes_per_s=write)
