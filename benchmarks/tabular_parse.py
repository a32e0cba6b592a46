"""Measures CSV parse rate, Parquet decode rate and DataFrame memory on a PUMS-like mixed-type table.

Feeds rules/formulas_serving.py (TABULAR_*). The table is shaped like an American Community Survey
PUMS person file (census.gov ACS PUMS data dictionary): a string record id (SERIALNO), categorical text
labels (state, occupation, industry, sex, marital status), integer codes with blanks, incomes with
blanks, replicate weights PWGTP1…, a few floats. Missing values are empty fields, as in PUMS CSVs.
CPU time (process_time) is used, not wall time, so the rates are per core. Strings are measured both
as pandas 3's default `str` dtype (Arrow-backed) and as Python objects (pandas < 3, Modin's pandas).
Small enough to run in well under a minute:
    uv run python benchmarks/tabular_parse.py > benchmarks/results/tabular_parse.json
"""
import json
import os
import platform
import sys
import tempfile
import time
import warnings

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

ROWS = 150_000
REPEATS = 2
STATES = ["Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut", "Delaware",
          "District of Columbia", "Florida", "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa",
          "Kansas", "Kentucky", "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan", "Minnesota",
          "Mississippi", "Missouri", "Montana", "Nebraska", "Nevada", "New Hampshire", "New Jersey",
          "New Mexico", "New York", "North Carolina", "North Dakota", "Ohio", "Oklahoma", "Oregon",
          "Pennsylvania", "Rhode Island", "South Carolina", "South Dakota", "Tennessee", "Texas", "Utah",
          "Vermont", "Virginia", "Washington", "West Virginia", "Wisconsin", "Wyoming"]
MARITAL = ["Married", "Widowed", "Divorced", "Separated", "Never married"]


def labels(rng, prefix, count):
    """Category labels of PUMS-like length ('MGR-Chief Executives And Legislators' style)."""
    words = ["Managers", "Sales", "Workers", "Operators", "Technicians", "Clerks", "Engineers", "Teachers",
             "Assistants", "Supervisors", "Drivers", "Repairers", "Analysts", "Services", "Production"]
    return [f"{prefix}-" + " ".join(rng.choice(words, rng.integers(1, 4))) + f" {i}" for i in range(count)]


def with_blanks(rng, values, fraction):
    """Blank out a fraction of a column (object array), as PUMS leaves N/A fields empty."""
    out = values.astype(object)
    out[rng.random(len(out)) < fraction] = None
    return out


def pums_like_frame(rows, seed=0):
    rng = np.random.default_rng(seed)
    occ, ind = labels(rng, "OCC", 500), labels(rng, "IND", 250)
    cols = {
        "SERIALNO": [f"2019HU{n:07d}" for n in rng.integers(0, 9_999_999, rows)],
        "STATE": np.array(STATES)[rng.integers(0, len(STATES), rows)],
        "OCCP": with_blanks(rng, np.array(occ)[rng.integers(0, len(occ), rows)], 0.45),
        "INDP": with_blanks(rng, np.array(ind)[rng.integers(0, len(ind), rows)], 0.45),
        "SEX": np.array(["Male", "Female"])[rng.integers(0, 2, rows)],
        "MAR": np.array(MARITAL)[rng.integers(0, len(MARITAL), rows)],
        "AGEP": rng.integers(0, 95, rows), "PUMA": rng.integers(100, 70_301, rows),
        "SPORDER": rng.integers(1, 12, rows), "PWGTP": rng.integers(1, 600, rows),
    }
    for name, high, blank in [("SCHL", 25, 0.03), ("COW", 9, 0.45), ("ESR", 7, 0.2), ("WKHP", 99, 0.5),
                              ("JWMNP", 200, 0.55), ("MIL", 5, 0.2), ("CIT", 6, 0.0), ("ENG", 5, 0.8)]:
        cols[name] = with_blanks(rng, rng.integers(1, high, rows), blank)
    for name in ("WAGP", "PINCP", "SEMP", "INTP"):
        cols[name] = with_blanks(rng, rng.lognormal(10, 1.2, rows).astype(int), 0.25)
    for i in range(1, 21):
        cols[f"PWGTP{i}"] = rng.integers(0, 1200, rows)
    cols["POVPIP"] = with_blanks(rng, rng.integers(0, 502, rows), 0.1)
    cols["ADJINC_RATIO"] = rng.random(rows).round(6)
    return pd.DataFrame(cols)


STRING_COLUMNS = ("SERIALNO", "STATE", "OCCP", "INDP", "SEX", "MAR")


def best_of(fn):
    """Least CPU seconds over REPEATS runs (all threads of this process), and the last result."""
    times = []
    for _ in range(REPEATS):
        start = time.process_time()
        result = fn()
        times.append(time.process_time() - start)
    return min(times), result


def string_csv_bytes(path):
    """Bytes the string columns take in the CSV (fields + delimiters)."""
    raw = pd.read_csv(path, usecols=list(STRING_COLUMNS), dtype=str, keep_default_na=False)
    return int(sum(raw[c].str.len().sum() + len(raw) for c in STRING_COLUMNS))


def frame_bytes(frame):
    deep = frame.memory_usage(deep=True, index=False)
    strings = int(sum(deep[c] for c in STRING_COLUMNS))
    return int(deep.sum()), strings


def read_object_strings(path):
    """pandas with Python-object strings (the pre-3.0 default; what Modin partitions hold)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pd.set_option("future.infer_string", False)
        try:
            return pd.read_csv(path, engine="c")
        finally:
            pd.set_option("future.infer_string", True)


def main():
    frame = pums_like_frame(ROWS)
    with tempfile.TemporaryDirectory() as folder:
        csv_path, parquet_path = os.path.join(folder, "p.csv"), os.path.join(folder, "p.parquet")
        frame.to_csv(csv_path, index=False)
        csv_bytes, str_csv = os.path.getsize(csv_path), string_csv_bytes(csv_path)
        # Files are in the page cache after writing: this times parsing/decoding, not storage.
        pandas_s, df = best_of(lambda: pd.read_csv(csv_path, engine="c"))
        object_s, df_obj = best_of(lambda: read_object_strings(csv_path))
        arrow_s, _ = best_of(lambda: pacsv.read_csv(
            csv_path, read_options=pacsv.ReadOptions(use_threads=False)).to_pandas())
        pq.write_table(pa.Table.from_pandas(df, preserve_index=False), parquet_path)  # snappy
        parquet_bytes = os.path.getsize(parquet_path)
        parquet_s, _ = best_of(lambda: pq.read_table(parquet_path, use_threads=False).to_pandas())
    total_str, strings_str = frame_bytes(df)
    total_obj, strings_obj = frame_bytes(df_obj)
    result = {
        "rows": ROWS, "columns": frame.shape[1], "string_columns": len(STRING_COLUMNS),
        "csv_bytes": csv_bytes, "string_csv_bytes": str_csv, "string_byte_share": str_csv / csv_bytes,
        "parquet_bytes": parquet_bytes,
        "pandas_c_csv_bytes_per_s_per_core": csv_bytes / pandas_s,
        "pandas_c_object_strings_csv_bytes_per_s_per_core": csv_bytes / object_s,
        "pyarrow_csv_bytes_per_s_per_core": csv_bytes / arrow_s,
        "parquet_file_bytes_per_s_per_core": parquet_bytes / parquet_s,
        "parquet_to_csv_size_ratio": parquet_bytes / csv_bytes,
        "dataframe_bytes_str_dtype": total_str, "dataframe_bytes_object_strings": total_obj,
        "dataframe_to_csv_size_ratio": total_str / csv_bytes,
        "dataframe_object_strings_to_csv_size_ratio": total_obj / csv_bytes,
        "string_memory_per_csv_byte_str_dtype": strings_str / str_csv,
        "string_memory_per_csv_byte_object": strings_obj / str_csv,
        "numeric_memory_per_csv_byte": (total_str - strings_str) / (csv_bytes - str_csv),
        "python": sys.version.split()[0], "pandas": pd.__version__, "pyarrow": pa.__version__,
        "machine": platform.processor() or platform.machine(), "cpus": os.cpu_count(),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
