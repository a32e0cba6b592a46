"""Tabular-ML rules: CSV vs Parquet scan rate and parse CPU cost, DataFrame memory, CPU-vs-GPU guidance."""
from experta import Rule

from . import fields_serving as fields
from . import formulas_serving as fs
from .kb import Decision, Workload

KIND = "tabular_ml"
SECTION = "tabular"
PARSE_SOURCES = [fs.MEASURED,
                 "hluska.ca NYC TLC CSV report: 18.2 GB CSV read in 288.6 s by pandas' default "
                 "reader (≈63 MB/s; real files with dates parse slower)",
                 "SEED-NOTES §3: CSV parsing itself costs a lot of CPU; Parquet cuts it"]
MEMORY_SOURCES = [fs.MEASURED,
                  "W. McKinney, 'Apache Arrow and the 10 Things I Hate About pandas' (2017): "
                  "5 to 10 × the dataset in RAM",
                  "SEED-NOTES §3: many cores and large, high-bandwidth memory for big DataFrames"]
GUIDANCE_SOURCES = ["SEED-NOTES §4: Census (Modin) ≈ 95 % non-AI time → storage throughput, "
                    "memory bandwidth and CPU, not GPUs",
                    "modin-project/modin issue #4119 (Census benchmark)"]
PLACE_SOURCES = ["SEED-NOTES §1: data preparation on scale-out object storage"]
FIELDS = ("format", "dataset_bytes", "scan_target_s", "cores", "train_s", "scans_per_day")


def normalize(section, errors, use_case):
    """Validate and fill defaults for the use case's 'tabular' section; errors use dotted paths."""
    section = fields.as_section(section, errors, SECTION)
    fields.unknown_keys(section, FIELDS, errors, SECTION)
    data = use_case.get("data") or {}
    num = lambda name, **kw: fields.number(section, name, errors, SECTION, **kw)  # noqa: E731
    data_format = data.get("format") if data.get("format") in fs.TABULAR_FORMATS else "csv"
    data_bytes = data.get("total_bytes")
    data_bytes = int(data_bytes) if isinstance(data_bytes, (int, float)) and data_bytes > 0 else None
    out = {
        "format": fields.choice(section, "format", errors, SECTION, fs.TABULAR_FORMATS, data_format),
        # 1 EB is beyond any single table scan: larger is a unit mistake.
        "dataset_bytes": num("dataset_bytes", default=data_bytes, integer=True, maximum=1e18),
        "scan_target_s": num("scan_target_s", default=None, maximum=30 * 86_400, floor=fields.MIN_DURATION_S),
        "cores": num("cores", default=None, integer=True, maximum=1_000_000),
        "train_s": num("train_s", default=None, minimum=0, exclusive_minimum=False, maximum=1e9),
        "scans_per_day": num("scans_per_day", default=1, maximum=1e6),
    }
    workloads = use_case.get("workloads") or use_case.get("workload") or []
    if KIND in workloads:
        for name, why in (("dataset_bytes", "(or data.total_bytes)"), ("scan_target_s", "")):
            if out[name] is None and not errors.has(f"{SECTION}.{name}"):
                errors.add(f"{SECTION}.{name}", f"is required for tabular_ml {why}".strip())
    return out


class TabularRules:
    """experta rule mixin for the tabular-ML family."""

    def _tab(self):
        return self.use_case.get(SECTION) or {}

    @Rule(Workload(kind=KIND))
    def tabular_scan_rate_and_parse_cost(self):
        """Loading a table costs storage bandwidth and parse CPU; CSV costs far more CPU per row than Parquet."""
        t = self._tab()
        size, fmt, target = t["dataset_bytes"], t["format"], t["scan_target_s"]
        read = fs.scan_bytes_per_s(size, target)
        cpu_s = size / fs.parse_rate_per_core(fmt)
        cores = fs.parse_cores(size, target, fs.parse_rate_per_core(fmt))
        result = {"read_bytes_per_s": read, "parse_cpu_s": cpu_s, "parse_cores": cores}
        if fmt == "csv":
            parquet = size * fs.PARQUET_TO_CSV_SIZE_RATIO
            result.update({"parquet_bytes": int(parquet),
                           "parquet_parse_cpu_s": parquet / fs.PARQUET_DECODE_BYTES_PER_S_PER_CORE})
        if t.get("cores"):
            result["scan_time_s"] = fs.scan_time_s(size, t["cores"], fs.parse_rate_per_core(fmt))
        self.need("tabular", read_bytes_per_s=read, capacity_bytes=size, parse_cores=cores,
                  parse_cpu_s=cpu_s, format=fmt)
        self.finding("tabular_scan_rate_and_parse_cost",
                     {"format": fmt, "dataset_bytes": size, "scan_target_s": target,
                      "per_core_parse_bytes_per_s": fs.parse_rate_per_core(fmt), "cores": t.get("cores")},
                     result, "read = bytes ÷ target; parse CPU = bytes ÷ per-core rate; cores = that ÷ target",
                     PARSE_SOURCES)
        self.place("tabular", "object", "Large sequential table scans at the scan rate; data "
                   "preparation lives on scale-out object storage.", PLACE_SOURCES + PARSE_SOURCES[:1],
                   capacity_bytes=size, read_bytes_per_s=read)

    @Rule(Workload(kind=KIND))
    def tabular_dataframe_memory(self):
        """A pandas DataFrame is larger than its file and work on it needs several times the dataset in RAM."""
        t = self._tab()
        frame = fs.dataframe_bytes(t["dataset_bytes"], t["format"])
        working = fs.working_memory_bytes(t["dataset_bytes"], t["format"])
        self.need("tabular", dataframe_bytes=frame, memory_bytes=working)
        self.finding("tabular_dataframe_memory",
                     {"dataset_bytes": t["dataset_bytes"], "format": t["format"]},
                     {"dataframe_bytes": frame, "memory_bytes": working},
                     "DataFrame = CSV-equivalent bytes × measured 1.42; RAM = 5 × CSV-equivalent bytes",
                     MEMORY_SOURCES)
        self.place("tabular", "host_memory", "The DataFrame and its working copies live in the "
                   "RAM of one server (pandas is single-process).", MEMORY_SOURCES,
                   capacity_bytes=working)

    @Rule(Workload(kind=KIND))
    def tabular_prefers_cpu_and_storage_over_gpu(self):
        """When most time goes to loading and parsing, buy cores, memory and storage throughput before GPUs."""
        t = self._tab()
        load_s = t["dataset_bytes"] / fs.parse_rate_per_core(t["format"]) / (t.get("cores") or 1)
        train_s = t.get("train_s")
        fraction = fs.non_ai_fraction(load_s, train_s) if train_s is not None else None
        compute = "cpu" if fraction is None or fraction >= 0.5 else "gpu_may_help"
        self.declare(Decision(tabular_compute=compute))
        self.finding("tabular_prefers_cpu_and_storage_over_gpu",
                     {"load_s": load_s, "train_s": train_s},
                     {"non_ai_fraction": fraction if fraction is not None else "≈0.95 (Census, seed)",
                      "compute": compute},
                     "non-AI share = load ÷ (load + train); ≥ 50 % → CPU, memory and storage first",
                     GUIDANCE_SOURCES)
