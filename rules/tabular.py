"""Tabular-ML rules: CSV vs Parquet scan rate and parse CPU cost, DataFrame memory, CPU-vs-GPU guidance."""
from experta import Rule

from . import fields_serving as fields
from . import formulas_serving as fs
from .kb import Decision, Workload

KIND = "tabular_ml"
SECTION = "tabular"
PARSE_SOURCES = [fs.MEASURED, "hluska-nyc-tlc-pandas: 18.2 GB CSV in 288.6 s (≈63 MB/s, pandas default reader)",
                 "dell-oneapi-e2e-ml: Modin-Dask ETL ≈3× on 20 cores (Higgs), ≈5× (NYC taxi)"]
MEMORY_SOURCES = [fs.MEASURED, "cpython-unicode-object: sys.getsizeof('') = 49 B per str on 64-bit",
                  "mckinney-2017-pandas-ram: 5 to 10 × the dataset in RAM"]
GUIDANCE_SOURCES = ["modin-census-notebook: Census pipeline (read_csv → clean → ridge regression)",
                    "dell-oneapi-e2e-ml: ETL is the most time-consuming stage; GPU inference gain only",
                    fs.MEASURED]
PLACE_SOURCES = [fs.MEASURED]
FIELDS = ("format", "dataset_bytes", "scan_target_s", "cores", "train_s", "scans_per_day", "string_byte_share",
          "string_dtype")


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
        # Share of the CSV bytes in string columns (PUMS-like default, measured) and how pandas holds them:
        # Python objects (pandas < 3, Modin) or Arrow-backed str (pandas 3 default).
        "string_byte_share": num("string_byte_share", default=fs.STRING_BYTE_SHARE, minimum=0,
                                 exclusive_minimum=False, maximum=1),
        "string_dtype": fields.choice(section, "string_dtype", errors, SECTION, fs.STRING_DTYPES, "object"),
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
        rate = fs.parse_rate_per_core(fmt, t["string_dtype"])
        read = fs.scan_bytes_per_s(size, target)
        cpu_s = size / rate
        cores = fs.parse_cores(size, target, rate)
        result = {"read_bytes_per_s": read, "parse_cpu_s": cpu_s, "parse_cores": cores,
                  "single_process_max_speedup": 1 / (1 - fs.amdahl_parallel_share())}
        if fmt == "csv":
            parquet = size * fs.PARQUET_TO_CSV_SIZE_RATIO
            result.update({"parquet_bytes": int(parquet),
                           "parquet_parse_cpu_s": parquet / fs.PARQUET_DECODE_BYTES_PER_S_PER_CORE})
        if t.get("cores"):
            result["scan_time_s"] = fs.load_time_tabular_s(size, fmt, t["cores"], t["string_dtype"])
        self.need("tabular", read_bytes_per_s=read, capacity_bytes=size, parse_cores=cores,
                  parse_cpu_s=cpu_s, format=fmt)
        self.finding("tabular_scan_rate_and_parse_cost",
                     {"format": fmt, "dataset_bytes": size, "scan_target_s": target, "string_dtype": t["string_dtype"],
                      "per_core_parse_bytes_per_s": rate, "cores": t.get("cores")},
                     result, "read = bytes ÷ target; parse CPU = bytes ÷ per-core rate; cores = that ÷ target; "
                     "one process scales by Amdahl (p = 0.70) so the target needs several parallel readers",
                     PARSE_SOURCES)
        self.place("tabular", "object", "Large sequential table scans at the scan rate; data "
                   "preparation reads its files from scale-out object storage.", PLACE_SOURCES,
                   capacity_bytes=size, read_bytes_per_s=read)

    @Rule(Workload(kind=KIND))
    def tabular_dataframe_memory(self):
        """A pandas DataFrame is larger than its file (string columns most of all) and work on it needs several times the dataset in RAM."""
        t = self._tab()
        share, dtype = t["string_byte_share"], t["string_dtype"]
        frame = fs.dataframe_bytes(t["dataset_bytes"], t["format"], share, dtype)
        working = fs.working_memory_bytes(t["dataset_bytes"], t["format"], frame)
        arrow = fs.dataframe_bytes(t["dataset_bytes"], t["format"], share, "arrow")
        self.need("tabular", dataframe_bytes=frame, memory_bytes=working)
        self.finding("tabular_dataframe_memory",
                     {"dataset_bytes": t["dataset_bytes"], "format": t["format"], "string_byte_share": share,
                      "string_dtype": dtype},
                     {"dataframe_bytes": frame, "memory_bytes": working,
                      "dataframe_to_csv_ratio": fs.dataframe_to_csv_ratio(share, dtype),
                      "dataframe_bytes_with_arrow_strings": arrow},
                     "DataFrame = CSV-equivalent bytes × (string share × string bytes per CSV byte + rest × "
                     "numeric bytes per CSV byte), measured; RAM = max(5 × CSV-equivalent, 2 × DataFrame)",
                     MEMORY_SOURCES)
        self.place("tabular", "host_memory", "The DataFrame and its working copies live in the "
                   "RAM of one server (pandas is single-process).", MEMORY_SOURCES,
                   capacity_bytes=working)

    @Rule(Workload(kind=KIND))
    def tabular_prefers_cpu_and_storage_over_gpu(self):
        """When most time goes to loading and parsing, buy storage throughput, cores and memory bandwidth before GPUs."""
        t = self._tab()
        cores, train_s = t.get("cores") or 1, t.get("train_s")
        load_s = fs.load_time_tabular_s(t["dataset_bytes"], t["format"], cores, t["string_dtype"])
        fraction = fs.non_ai_fraction(load_s, train_s) if train_s is not None else None
        compute = "cpu" if fraction is None or fraction >= 0.5 else "gpu_may_help"
        self.declare(Decision(tabular_compute=compute))
        self.finding("tabular_prefers_cpu_and_storage_over_gpu",
                     {"load_s": load_s, "train_s": train_s, "cores": cores, "format": t["format"]},
                     dict({"non_ai_fraction": fraction if fraction is not None else "unknown (give tabular.train_s)",
                           "compute": compute,
                           "first": "storage throughput, CPU cores, memory bandwidth" if compute == "cpu"
                           else "accelerators (training dominates)"}, **self._what_flips(t, cores, train_s, load_s)),
                     "non-AI share = load ÷ (load + train), load = bytes ÷ (per-core rate × Amdahl speedup); "
                     "≥ 50 % → storage, cores and memory bandwidth first; GPUs only shorten the training part",
                     GUIDANCE_SOURCES)

    def _what_flips(self, t, cores, train_s, load_s):
        """The same pipeline as Parquet and with Arrow strings: how far each moves the non-AI share."""
        if t["format"] == "csv":
            as_parquet = fs.load_time_tabular_s(t["dataset_bytes"] * fs.PARQUET_TO_CSV_SIZE_RATIO, "parquet", cores)
        else:
            as_parquet = fs.load_time_tabular_s(t["dataset_bytes"], "parquet", cores)
        arrow = fs.load_time_tabular_s(t["dataset_bytes"], t["format"], cores, "arrow")
        out = {"load_s_as_parquet": as_parquet, "load_s_with_arrow_strings": arrow}
        if train_s is not None:
            out.update({"non_ai_fraction_as_parquet": fs.non_ai_fraction(as_parquet, train_s),
                        "gpu_may_help_above_train_s": load_s})
        return out
