"""Measures CSV parse and Parquet decode throughput per core with pandas/pyarrow on this machine.

Feeds rules/formulas_serving.py (TABULAR_*): CSV parse and Parquet decode bytes per CPU-second
(= per core), Parquet/CSV size ratio and DataFrame-memory/CSV-size ratio. CPU time (process_time)
is used, not wall time, because pandas 3 converts strings on helper threads. Columns are numeric
plus one code column, like the IPUMS census extract Modin's Census benchmark reads.
Run: uv run python benchmarks/tabular_parse.py > benchmarks/results/tabular_parse.json
"""
import json
import os
import platform
import sys
import tempfile
import time

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

ROWS = 2_000_000
REPEATS = 3


def census_like_frame(rows, seed=0):
    """Mixed numeric and categorical columns, shaped like a census extract (ints, floats, codes)."""
    rng = np.random.default_rng(seed)
    states = np.array(["CA", "TX", "NY", "FL", "IL", "PA", "OH", "GA", "NC", "MI"])
    return pd.DataFrame({
        "year": rng.integers(1970, 2011, rows),
        "age": rng.integers(0, 95, rows),
        "income": rng.normal(45_000, 20_000, rows).round(2),
        "hours_per_week": rng.integers(0, 80, rows),
        "weight": rng.random(rows),
        "education_code": rng.integers(0, 20, rows),
        "occupation_code": rng.integers(0, 1000, rows),
        "state": states[rng.integers(0, len(states), rows)],
        "rent": rng.normal(1200, 400, rows).round(2),
        "household_size": rng.integers(1, 9, rows),
    })


def best_of(fn):
    """Least CPU seconds over REPEATS runs (all threads of this process), and the last result."""
    times = []
    for _ in range(REPEATS):
        start = time.process_time()
        result = fn()
        times.append(time.process_time() - start)
    return min(times), result


def main():
    frame = census_like_frame(ROWS)
    with tempfile.TemporaryDirectory() as folder:
        csv_path, parquet_path = os.path.join(folder, "t.csv"), os.path.join(folder, "t.parquet")
        frame.to_csv(csv_path, index=False)
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), parquet_path)  # snappy
        csv_bytes, parquet_bytes = os.path.getsize(csv_path), os.path.getsize(parquet_path)
        # Files are in the page cache after writing: this times parsing/decoding, not storage.
        pandas_c_s, df = best_of(lambda: pd.read_csv(csv_path, engine="c"))
        arrow_csv_s, _ = best_of(lambda: pacsv.read_csv(
            csv_path, read_options=pacsv.ReadOptions(use_threads=False)).to_pandas())
        parquet_s, _ = best_of(lambda: pq.read_table(parquet_path, use_threads=False).to_pandas())
        frame_bytes = int(df.memory_usage(deep=True).sum())
    result = {
        "rows": ROWS, "columns": frame.shape[1], "csv_bytes": csv_bytes,
        "parquet_bytes": parquet_bytes, "dataframe_bytes": frame_bytes,
        "pandas_c_csv_bytes_per_s_per_core": csv_bytes / pandas_c_s,
        "pyarrow_csv_bytes_per_s_per_core": csv_bytes / arrow_csv_s,
        "parquet_file_bytes_per_s_per_core": parquet_bytes / parquet_s,
        "parquet_csv_equivalent_bytes_per_s_per_core": csv_bytes / parquet_s,
        "parquet_to_csv_size_ratio": parquet_bytes / csv_bytes,
        "dataframe_to_csv_size_ratio": frame_bytes / csv_bytes,
        "python": sys.version.split()[0], "pandas": pd.__version__, "pyarrow": pa.__version__,
        "machine": platform.processor() or platform.machine(), "cpus": os.cpu_count(),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
