"""Use-case documents shared by the API tests (published references: research/mlperf-storage.md)."""
from recommender.api.sizing import LLAMA3_8B_EXAMPLE

GiB = 2**30

# MLPerf Storage v2.0 Llama3-8B checkpoint config: 104.7 GiB in 16 files (TP1 PP1 DP8 ZeRO-3).
MLPERF_LLAMA3_8B = {"name": "MLPerf Storage Llama3-8B", **LLAMA3_8B_EXAMPLE}
