"""The pure probes on a real directory: figures, cold-read method, time series, cancel."""
import pytest

from recommender.validation import probes, safety

MiB = 1 << 20


def quiet(fraction, note):
    pass


@pytest.fixture
def target(tmp_path):
    g = safety.Guard(str(tmp_path), 96 * MiB, 0)
    with g.workdir("t") as work:
        yield g, work


def test_it_writes_every_shard_with_fsync_and_reads_it_back_cold(target):
    g, work = target
    written, paths = probes.checkpoint_write(work, g, 3, 4 * MiB, 20, quiet)
    assert written["bytes"] == 3 * 4 * MiB
    assert [p.stat().st_size for p in paths] == [4 * MiB] * 3
    assert written["fsync"] is True and written["concurrency"] == "processes"
    assert written["method"] == probes.DIRECT  # ext4 accepts O_DIRECT (linux-open-2)
    restored = probes.checkpoint_restore(work, paths, 20, quiet)
    assert restored["bytes"] == 3 * 4 * MiB and restored["readers"] == 3
    for figures in (written, restored):
        assert figures["bytes_per_s"] == pytest.approx(figures["bytes"] / figures["seconds"])
        assert figures["iops"] == pytest.approx(figures["ops"] / figures["seconds"])
        assert 0 < figures["latency_s"]["p50_s"] <= figures["latency_s"]["p99_s"] <= figures["latency_s"]["max_s"]
        assert sum(p["bytes_per_s"] for p in figures["series"]) > 0


def test_it_reports_progress_while_writing(target):
    g, work = target
    seen = []
    probes.checkpoint_write(work, g, 2, 32 * MiB, 20, lambda f, n: seen.append(f))
    assert seen and all(0 <= f <= 1 for f in seen)


def test_it_stops_the_ranks_when_the_run_is_cancelled(target):
    g, work = target

    class Cancelled(Exception):
        pass

    def cancel(fraction, note):
        raise Cancelled()

    with pytest.raises(Cancelled):
        probes.checkpoint_write(work, g, 2, 32 * MiB, 20, cancel)


def test_it_measures_sample_reads_and_the_accelerators_they_feed(target):
    g, work = target
    figures = probes.training_reads(work, g, 150_528, 8, 4, batch_size=4, compute_s=0.02, read_threads=2,
                                    au_min=0.9, deadline_s=2.0, progress=quiet)
    assert figures["read_bytes_per_sample"] == 151_552  # 150,528 rounded up to 4 KiB for O_DIRECT
    assert figures["bytes"] == figures["ops"] * 151_552
    assert figures["emulation"]["steps"] > 1
    assert 0 < figures["emulation"]["au"] <= 1
    assert figures["accelerators_supported"] >= 0 and figures["accelerators_basis"]


@pytest.mark.parametrize("rate, batch, sample, step_s, au, expected", [
    # U-Net3D H100 demand ≈ 3.18 GB/s (mlperf-storage-v2: configs/dlio/workload/unet3d_h100.yaml): 10 GB/s feeds 3 at AU 0.9
    (10e9, 7, 146_600_628, 0.323, 0.90, 3),
    (2.5e9, 7, 146_600_628, 0.323, 0.90, 0),
    # ResNet-50 H100 ≈ 204.8 MB/s per accelerator: 2 GB/s feeds 10 at AU 0.9
    (2e9, 400, 114_660, 0.224, 0.90, 10),
    (1e9, 1, 2_828_486, 0.0035, 0.70, 1),  # CosmoFlow H100 ≈ 808 MB/s, AU floor 0.70
])
def test_it_counts_accelerators_supported_like_mlperf(rate, batch, sample, step_s, au, expected):
    assert probes.accelerators_supported(rate, batch, sample, step_s, au)[0] == expected


def test_it_reads_kv_blocks_with_latency_percentiles(target):
    g, work = target
    figures = probes.kv_block_reads(work, g, 131_072 * 16, 8, 2, 1.0, quiet)
    assert figures["block_bytes"] == 2 * MiB
    assert figures["ops"] > 0 and figures["bytes"] == figures["ops"] * 2 * MiB
    lat = figures["latency_s"]
    assert lat["p50_s"] <= lat["p90_s"] <= lat["p99_s"] <= lat["max_s"]


def test_it_fsyncs_every_small_write(target):
    g, work = target
    figures = probes.small_synced_writes(work, g, 4096, 1, 256 * 4096, 1.0, quiet)
    assert figures["ops"] <= 256 and figures["bytes"] == figures["ops"] * 4096
    assert figures["fsync"] == "every write"


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_it_times_parsing_apart_from_io(target, fmt):
    g, work = target
    figures = probes.table_scan(work, g, fmt, 2 * MiB, 0.5, quiet)
    assert figures["format"] == fmt and figures["rows"] >= 1000
    assert figures["io_s"] > 0 and figures["parse_s"] > 0
    assert figures["read_bytes_per_s"] == pytest.approx(figures["file_bytes"] * figures["passes"] / figures["io_s"])
    assert figures["parse_bytes_per_s"] == pytest.approx(
        figures["file_bytes"] * figures["passes"] / figures["parse_s"])


@pytest.mark.parametrize("values, p50, p99", [
    ([1.0], 1.0, 1.0),
    ([float(i) for i in range(1, 101)], 50.0, 99.0),
    ([], None, None),
])
def test_it_takes_nearest_rank_percentiles(values, p50, p99):
    got = probes.percentiles(values)
    assert (got["p50_s"], got["p99_s"]) == (p50, p99)


@pytest.mark.parametrize("rate", [None, 400])
def test_it_reads_index_pages_at_queue_depth_and_at_the_required_rate(target, rate):
    g, work = target
    step = {"index": "diskann", "pattern": "random", "page_bytes": 4096, "file_bytes": 8 * MiB,
            "queue_depth": 8, "threads": 8, "rate_iops": rate}
    figures = probes.rag_index_reads(work, g, step, 1.0, quiet, engine=False)
    assert figures["queue_depth"] == 8 and figures["bytes"] == figures["ops"] * 4096
    assert figures["latency_s"]["p50_s"] <= figures["latency_s"]["p99_s"]
    if rate and rate < figures["iops"]:
        paced = figures["at_required_rate"]
        assert paced["iops"] == pytest.approx(rate, rel=0.35) and paced["rate_iops"] == rate


def test_it_loads_model_shards_in_parallel(target):
    g, work = target
    figures, paths = probes.model_load(work, g, 4, 4 * MiB, 2 * MiB, 10, quiet)
    assert figures["bytes"] == 16 * MiB and figures["readers"] == 4 and figures["block_bytes"] == 2 * MiB
    assert all(p.name.endswith(".safetensors") for p in paths)
