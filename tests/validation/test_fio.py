"""fio as reference: parsing captured fio-3.33 JSON (fixtures/fio/), command lines, a real run."""
import shutil
from pathlib import Path

import pytest

from recommender.validation import fio, safety

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "fio"


def parsed(name):
    return fio.parse((FIXTURES / name).read_text())


@pytest.mark.parametrize("name, side, bytes_, bytes_per_s, iops, p50_s, p99_s", [
    ("checkpoint_write_4jobs.json", "write", 268435456, 2532409962, 2415.09434, 1564672e-9, 1843200e-9),
    ("checkpoint_restore_4jobs.json", "read", 268435456, 1499639418, 1430.167598, 2768896e-9, 3293184e-9),
    ("random_read_4jobs.json", "read", 3551469568, 1182640548, 7803.529804, 473088e-9, 1384448e-9),
    ("synced_write_1job.json", "write", 4194304, 18477110, 4511.013216, 6368e-9, 12096e-9),
])
def test_it_parses_captured_fio_json_in_base_units(name, side, bytes_, bytes_per_s, iops, p50_s, p99_s):
    report = parsed(name)
    assert report["version"] == "fio-3.33"
    got = report[side]
    assert got["bytes"] == bytes_
    assert got["bytes_per_s"] == bytes_per_s
    assert got["iops"] == pytest.approx(iops)
    assert got["latency_s"]["p50_s"] == pytest.approx(p50_s)
    assert got["latency_s"]["p99_s"] == pytest.approx(p99_s)
    other = "read" if side == "write" else "write"
    assert report[other] is None


def test_it_adds_up_jobs_reported_separately():
    report = parsed("random_read_2jobs_ungrouped.json")
    assert len(report["jobs"]) == 2
    assert report["read"]["bytes_per_s"] == 49590052 + 49548915
    assert report["read"]["iops"] == pytest.approx(12106.946527 + 12096.903097)


def test_it_counts_fsyncs_of_synced_writes():
    assert parsed("synced_write_1job.json")["jobs"][0]["sync"]["ops"] > 0


def test_it_skips_warnings_printed_before_the_json():
    text = "fio: this platform does not support process shared mutexes\n" + \
        (FIXTURES / "checkpoint_write_4jobs.json").read_text()
    assert fio.parse(text)["write"]["bytes"] == 268435456


@pytest.mark.parametrize("text, message", [
    ("fio: failed to open file", "no JSON object"),
    ('{"fio version": "fio-3.33", "jobs": []}', "no jobs"),
    ('{"jobs": [', "not valid JSON"),
])
def test_it_rejects_output_that_is_not_a_report(text, message):
    with pytest.raises(fio.FioError, match=message):
        fio.parse(text)


@pytest.mark.parametrize("pattern, expected", [
    ({"kind": "checkpoint_write", "block_bytes": 1048576, "writers": 8, "file_bytes": 4194304},
     ["--rw=write", "--bs=1048576", "--numjobs=8", "--direct=1", "--end_fsync=1"]),
    ({"kind": "checkpoint_restore", "block_bytes": 1048576, "readers": 8, "file_bytes": 4194304},
     ["--rw=read", "--direct=1", "--numjobs=8"]),
    ({"kind": "random_read", "read_bytes": 151552, "threads": 4, "file_bytes": 8388608},
     ["--rw=randread", "--bs=151552", "--numjobs=4", "--direct=1", "--time_based=1"]),
    ({"kind": "synced_write", "record_bytes": 4096, "threads": 1, "file_bytes": 1048576},
     ["--rw=write", "--bs=4096", "--fsync=1"]),
])
def test_it_builds_the_same_pattern_for_fio(pattern, expected, tmp_path):
    args = fio.pattern_args(pattern, tmp_path, 2)
    assert set(expected) <= set(args)
    assert f"--directory={tmp_path}" in args and "--ioengine=psync" in args


@pytest.mark.skipif(not shutil.which("fio"), reason="fio not installed")
def test_it_runs_fio_inside_the_target_and_leaves_nothing_behind(tmp_path):
    g = safety.Guard(str(tmp_path), 64 * (1 << 20), 0)
    with g.workdir("fio") as work:
        got = fio.reference({"kind": "checkpoint_write", "block_bytes": 1 << 20, "writers": 2,
                             "file_bytes": 4 << 20}, work, g, 5)
        assert got["bytes"] == 8 << 20 and got["bytes_per_s"] > 0
        assert got["fio_version"].startswith("fio-")
    assert list(tmp_path.iterdir()) == []


def test_it_refuses_fio_beyond_the_cap(tmp_path):
    g = safety.Guard(str(tmp_path), 8 * (1 << 20), 0)
    with pytest.raises(safety.SafetyError, match="cap"):
        fio.reference({"kind": "checkpoint_write", "block_bytes": 1 << 20, "writers": 4,
                       "file_bytes": 4 << 20}, tmp_path, g, 5)


@pytest.mark.skipif(not shutil.which("fio"), reason="fio not installed")
def test_the_training_twin_reads_thousands_of_files_through_opendir(tmp_path):
    from recommender.validation import probes, runner

    g = safety.Guard(str(tmp_path), 64 * (1 << 20), 0)
    with g.workdir("many") as work:
        paths, slots, aligned = probes.make_dataset(work, g, 4096, 1, 4096, probes.direct_io_method(work))
        assert len(paths) == 4096
        twin = runner._training_twin({"read_threads": 2}, {}, {"read_bytes_per_sample": aligned}, work, g, 1.0)
        got = twin["training_reads"]
        assert "error" not in got, got.get("error")
        assert got["fio"]["bytes_per_s"] > 0 and got["fio"]["iops"] > 0
        assert any(a.startswith("--opendir=") for a in got["fio"]["args"])
        assert sum(len(a) for a in got["fio"]["args"]) < 1000  # no file list on the command line


@pytest.mark.skipif(not shutil.which("fio"), reason="fio not installed")
def test_the_engine_accounts_for_every_io_from_fios_log(tmp_path):
    from recommender.validation import probes

    g = safety.Guard(str(tmp_path), 64 * (1 << 20), 0)
    with g.workdir("engine") as work:
        path = probes.write_file(work / "index.dat", 16 << 20, probes.direct_io_method(work), g)
        got = probes.random_reads_engine(work, g, path, 4096, 1, 32, 1.0)
        assert got["ops"] > 100 and got["bytes"] == got["ops"] * 4096
        assert got["bytes_per_s"] == pytest.approx(got["bytes"] / got["seconds"])
        assert 0 < got["latency_s"]["p50_s"] <= got["latency_s"]["p99_s"] < 1
        assert got["queue_depth"] == 32 and not (work / ".fio-engine").exists()
