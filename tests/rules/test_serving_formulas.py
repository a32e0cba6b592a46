"""RAG, video, tabular and ingest arithmetic against the worked examples in the research notes."""
import json
from pathlib import Path

import pytest

from rules import formulas_serving as fs

GB, TB = 10**9, 10**12

# (vectors, dims, encoding, bytes) — research/inference-rag-dgx.md §4.1 table.
RAW_VECTORS = [
    (1_000_000, 768, "float32", 3.072 * GB), (1_000_000, 768, "float16", 1.536 * GB),
    (1_000_000, 768, "int8", 0.768 * GB), (1_000_000, 768, "binary", 96 * 10**6),
    (100_000_000, 1024, "float32", 409.6 * GB), (100_000_000, 1024, "float16", 204.8 * GB),
    (100_000_000, 1024, "int8", 102.4 * GB), (100_000_000, 1024, "binary", 12.8 * GB),
    (10, 12, "binary", 20),                  # 12 bits round up to 2 bytes per vector
]


@pytest.mark.parametrize("n, d, encoding, expected", RAW_VECTORS)
def test_it_sizes_raw_vectors_by_encoding(n, d, encoding, expected):
    assert fs.raw_vector_bytes(n, d, encoding) == expected


def test_it_adds_hnsw_links_of_m_times_two_times_four_bytes():
    # research §4.2: 100M × 1024 fp32, M=16 → 409.6 GB vectors + 12.8 GB links
    assert fs.hnsw_index_bytes(100_000_000, 1024, "float32", 16) == 409.6 * GB + 12.8 * GB


def test_it_sizes_ivf_pq_codes_ids_and_centroids():
    # FAISS IndexIVFPQ: N × (M + 8) + nlist × d × 4 (65,536 × 1024 × 4 ≈ 268 MB of centroids)
    size = fs.ivf_pq_index_bytes(100_000_000, 1024, 64, 65_536)
    assert size == 100_000_000 * 72 + 65_536 * 1024 * 4
    assert 65_536 * 1024 * 4 == pytest.approx(268e6, rel=0.01)


@pytest.mark.parametrize("n, nlist", [(500_000, 500), (1_000_000, 1000), (100_000_000, 10_000), (10, 1)])
def test_it_defaults_ivf_lists_by_the_pgvector_rule(n, nlist):
    assert fs.ivf_default_nlist(n) == nlist


@pytest.mark.parametrize("d, node", [(768, 3300), (1024, 4324)])
def test_it_sizes_diskann_nodes_with_56_neighbours(d, node):
    # research §4.4: 768-dim R=56 → 3,300 B (one per sector); 1024-dim → 4,324 B (two sectors)
    assert fs.diskann_node_bytes(d, "float32", 56) == node


def test_it_sizes_diskann_ssd_and_pq_ram_for_100m_vectors():
    # research §4.4: 100M × 1024 fp32 → PQ RAM ≈ 51 GB, SSD ≈ 0.8 TB
    assert fs.diskann_ram_bytes(100_000_000, 1024) == 51.2 * GB
    assert fs.diskann_ssd_bytes(100_000_000, 1024, "float32", 56) == pytest.approx(0.8192 * TB, rel=1e-6)


def test_it_packs_several_small_diskann_nodes_per_sector():
    # 128-dim int8 node = 128 + 4 + 224 = 356 B → 11 per 4 KiB sector; 1,100 nodes → 100 sectors + header
    assert fs.diskann_ssd_bytes(1100, 128, "int8", 56) == 101 * 4096


def test_it_turns_qps_into_iops():
    # research §4.4: 1,000 QPS × 50 IOs = 50k 4 KiB IOPS ≈ 200 MB/s
    iops = fs.rag_iops(1000, 50)
    assert iops == 50_000
    assert iops * fs.DISKANN_SECTOR_BYTES == pytest.approx(200e6, rel=0.03)


# (streams, bits/s, days, bytes) — research §6.1: 4 Mbps → 43.2 GB/day, ≈1.3 TB/30 days; 8 Mbps 86.4.
RETENTION = [(1, 4e6, 1, 43.2 * GB), (1, 4e6, 30, 1.296 * TB), (1, 8e6, 1, 86.4 * GB),
             (100, 4e6, 30, 129.6 * TB), (5, 4e6, 0, 0)]


@pytest.mark.parametrize("streams, bitrate, days, expected", RETENTION)
def test_it_sizes_video_retention(streams, bitrate, days, expected):
    assert fs.retention_bytes(streams, bitrate, days) == pytest.approx(expected)


def test_it_reads_streams_times_bitrate():
    assert fs.stream_bytes_per_s(1000, 4e6) == 500e6


def test_it_runs_the_recogniser_once_per_detected_object():
    assert fs.cascade_rates(10, 30, 2.5) == {"detector_hz": 300, "recogniser_hz": 750}
    assert fs.results_write_iops(10, 30, 2.5) == 750


# (bytes/day, mode, window, peak factor, write bytes/s)
INGEST = [(86.4 * TB, "streaming", 86_400, 1, 1 * GB), (86.4 * TB, "streaming", 86_400, 3, 3 * GB),
          (28.8 * TB, "batch", 8 * 3600, 1, 1 * GB), (10 * TB, "batch", 86_400, 5, 10 * TB / 86_400)]


@pytest.mark.parametrize("per_day, mode, window, peak, expected", INGEST)
def test_it_sets_ingest_rates_by_mode(per_day, mode, window, peak, expected):
    assert fs.ingest_write_bytes_per_s(per_day, mode, window, peak) == pytest.approx(expected)


def test_it_sizes_the_landing_zone():
    assert fs.landing_bytes(2 * TB, 7) == 14 * TB


def test_it_uses_the_measured_parse_rates_recorded_by_the_benchmark():
    measured = json.loads((Path(__file__).resolve().parents[2] / "benchmarks" / "results"
                           / "tabular_parse.json").read_text())
    assert fs.CSV_PARSE_BYTES_PER_S_PER_CORE == int(measured["pandas_c_object_strings_csv_bytes_per_s_per_core"])
    assert fs.CSV_PARSE_ARROW_STRINGS_BYTES_PER_S_PER_CORE == int(measured["pandas_c_csv_bytes_per_s_per_core"])
    assert fs.PARQUET_DECODE_BYTES_PER_S_PER_CORE == int(measured["parquet_file_bytes_per_s_per_core"])
    assert fs.PARQUET_TO_CSV_SIZE_RATIO == round(measured["parquet_to_csv_size_ratio"], 4)
    assert fs.STRING_BYTE_SHARE == round(measured["string_byte_share"], 4)
    assert fs.STRING_MEMORY_PER_CSV_BYTE["object"] == round(measured["string_memory_per_csv_byte_object"], 4)
    assert fs.STRING_MEMORY_PER_CSV_BYTE["arrow"] == round(measured["string_memory_per_csv_byte_str_dtype"], 4)
    assert fs.NUMERIC_MEMORY_PER_CSV_BYTE == round(measured["numeric_memory_per_csv_byte"], 4)
    # the column-mix model reproduces the measured whole-frame ratio of the mixed table
    assert fs.dataframe_to_csv_ratio() == pytest.approx(measured["dataframe_object_strings_to_csv_size_ratio"],
                                                        rel=1e-3)
    assert fs.dataframe_to_csv_ratio(string_dtype="arrow") == pytest.approx(measured["dataframe_to_csv_size_ratio"],
                                                                            rel=1e-3)


def test_it_models_a_14_gb_census_csv_near_the_published_50_gb_in_pandas():
    assert fs.dataframe_bytes(14 * GB, "csv") / GB == pytest.approx(45, rel=0.1)


def test_it_shrinks_the_frame_with_fewer_string_columns_or_arrow_strings():
    assert fs.dataframe_bytes(GB, "csv", 0.1) < fs.dataframe_bytes(GB, "csv", 0.33)
    assert fs.dataframe_bytes(GB, "csv", 0.33, "arrow") < fs.dataframe_bytes(GB, "csv", 0.33, "object")


# (cores, speedup) — Amdahl through Dell's Modin point: 3× on 20 cores (p = 0.7018)
SPEEDUPS = [(1, 1.0), (20, 3.0), (64, 1 / (0.2982 + 0.7018 / 64)), (10**6, 1 / 0.2982)]


@pytest.mark.parametrize("cores, speedup", SPEEDUPS)
def test_it_scales_dataframe_loading_sub_linearly_with_cores(cores, speedup):
    assert fs.multicore_speedup(cores) == pytest.approx(speedup, rel=1e-3)
    assert fs.multicore_speedup(cores) <= cores


def test_it_costs_csv_more_cpu_than_the_same_table_as_parquet():
    csv = 100 * GB
    parquet = csv * fs.PARQUET_TO_CSV_SIZE_RATIO
    assert csv / fs.parse_rate_per_core("csv") > parquet / fs.parse_rate_per_core("parquet")


def test_it_sizes_cores_and_scan_time_from_per_core_rates():
    assert fs.parse_cores(1000, 10, 25) == 4
    assert fs.scan_time_s(1000, 4, 25) == 10
    assert fs.scan_time_s(1000, 4, 25, storage_bytes_per_s=50) == 20   # storage-bound


def test_it_sizes_dataframe_and_working_memory():
    assert fs.dataframe_bytes(10 * GB, "csv") == int(10 * GB * fs.dataframe_to_csv_ratio())
    assert fs.working_memory_bytes(10 * GB, "csv") == 50 * GB        # McKinney: 5–10 × dataset
    assert fs.working_memory_bytes(10 * GB, "csv", 30 * GB) == 60 * GB  # never below two frames
    assert fs.csv_equivalent_bytes(fs.PARQUET_TO_CSV_SIZE_RATIO * GB, "parquet") == pytest.approx(GB)


def test_it_measures_the_non_ai_share_of_time():
    assert fs.non_ai_fraction(95, 5) == 0.95


# (streams, fps, objects/frame, frames/track, descriptor, metadata, persist, tracks/s, iops, bytes/s)
RESULTS = [
    (1000, 30, 1, 229, 8192, 80, "per_track", 30_000 / 229, 60_000 / 229, 30_000 / 229 * 8272),
    (1000, 30, 1, 229, 8192, 80, "per_detection", 30_000, 30_000, 30_000 * 8192),
    (10, 25, 4, 100, 2048, 0, "per_track", 10, 20, 20_480),
]


@pytest.mark.parametrize("streams, fps, objects, frames, desc, meta, persist, tracks, iops, rate", RESULTS)
def test_it_persists_results_per_tracked_object(streams, fps, objects, frames, desc, meta, persist, tracks, iops,
                                                rate):
    out = fs.results_per_track(streams, fps, objects, frames, desc, meta, persist)
    assert (out["tracks_per_s"], out["iops"], out["write_bytes_per_s"]) == pytest.approx((tracks, iops, rate))


def test_it_counts_decode_pixels_per_stream():
    assert fs.decode_pixels_per_s(1, 1920, 1080, 30) == 62_208_000
