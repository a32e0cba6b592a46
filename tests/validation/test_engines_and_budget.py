"""Which engine reads small random pages at depth, how faithful the fio twins are, and how file
set-up counts in a run's budget (issue 11 items "reach the device" and "stable figures")."""
import shutil
from pathlib import Path

import pytest

from recommender.validation import probes, runner, safety, workloads

MiB = 1 << 20
needs_fio = pytest.mark.skipif(not shutil.which("fio"), reason="fio not installed")
RAG = {"use_case": {"workload": "rag", "clients": 1},
       "requirements": {"rag_index": {"index": "diskann", "iops": 500}}}


def quiet(fraction, note):
    pass


@pytest.fixture
def guard(tmp_path):
    return safety.Guard(str(tmp_path), 96 * MiB, 0)


def run_plan(guard, proposal, budget_s, use_fio=True):
    steps = workloads.plan(proposal, budget_s, guard.room_bytes(), fio=use_fio)
    return steps, runner.execute(steps, guard, quiet, use_fio=use_fio, budget_s=budget_s)


@needs_fio
def test_rag_index_pages_at_depth_are_read_by_fio_with_our_own_accounting(guard):
    _, out = run_plan(guard, RAG, 3)
    rag = out["probes"]["rag_index_reads"]
    assert rag["engine"].startswith("fio io_uring") and rag["queue_depth"] == 32
    assert rag["ops"] == rag["engine_fio_ios"]  # every I/O fio did is one of our timed ops
    assert 0 < rag["latency_s"]["p50_s"] <= rag["latency_s"]["p99_s"] <= rag["latency_s"]["max_s"]
    paced = rag["at_required_rate"]  # 500 IOPS required, far below saturation
    assert paced["rate_iops"] == 500 and 0 < paced["latency_s"]["p50_s"] <= paced["latency_s"]["p99_s"]
    assert any("fio io_uring as the I/O engine" in line for line in out["log"])
    # a twin ran on the same pattern and is compared (how closely they agree is the benchmark's figure, not a
    # test's: on a shared 2-core machine a single short pair can land anywhere)
    twin = out["fio"]["rag_index_reads"]
    assert twin["fio"]["bytes_per_s"] > 0 and twin["ratio"] == pytest.approx(twin["ours_bytes_per_s"] / twin["fio"]["bytes_per_s"])


def test_without_fio_the_pages_are_read_by_threads_and_the_run_says_so(guard, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")  # fio really absent for this run
    _, out = run_plan(guard, RAG, 2, use_fio=False)
    rag = out["probes"]["rag_index_reads"]
    assert rag["engine"].startswith("thread pool") and rag["threads"] == 32
    assert 0 < rag["latency_s"]["p50_s"] <= rag["latency_s"]["p99_s"]
    assert any("fio is not installed" in line and "0.66" in line for line in out["log"])


def test_kv_block_latency_percentiles_come_from_every_timed_read(guard):
    with guard.workdir("kv") as work:
        kv = probes.kv_block_reads(work, guard, 256 * 1024, 32, 2, 1.0, quiet)
    assert kv["ops"] > 0 and kv["bytes"] == kv["ops"] * 256 * 1024
    assert 0 < kv["latency_s"]["p50_s"] <= kv["latency_s"]["p99_s"] <= kv["latency_s"]["max_s"]


@needs_fio
def test_the_model_load_twin_reads_our_own_shards_one_job_each(guard):
    with guard.workdir("model") as work:
        step = {"readers": 4, "file_bytes": 4 * MiB, "block_bytes": 2 * MiB}
        figures, paths = probes.model_load(work, guard, 4, 4 * MiB, 2 * MiB, 10, quiet)
        twin = runner._model_load_twin(step, figures, paths, work, guard, 5.0)["model_load"]
    assert "error" not in twin, twin.get("error")
    args = twin["fio"]["args"]
    assert [a for a in args if a.startswith("filename=")] == [f"filename={p.name}" for p in paths]
    assert {"rw=read", "bs=2097152", "direct=1", "ioengine=psync"} <= set(args)
    assert twin["fio"]["bytes"] == figures["bytes"] == 4 * 4 * MiB  # same files, same bytes


@needs_fio
def test_the_model_load_twin_reads_into_our_buffer_pages_and_is_timed_as_our_wall_span(guard):
    with guard.workdir("pages") as work:
        figures, paths = probes.model_load(work, guard, 3, 4 * MiB, 2 * MiB, 10, quiet)
        buffers = probes.shared_buffers(work, 3, 2 * MiB)
        for buf in buffers:  # zero them in place (same pages): only fio's reads can refill them
            with open(buf, "r+b") as pages:
                pages.write(bytes(2 * MiB))
        twin = runner._model_load_twin({"block_bytes": 2 * MiB}, figures, paths, work, guard, 5.0)["model_load"]
        assert "error" not in twin, twin.get("error")
        # each fio job maps the buffer file our reader of the same shard read into
        assert [a for a in twin["fio"]["args"] if a.startswith("mem=")] == [f"mem=mmapshared:{b}" for b in buffers]
        # fio's reads landed in those pages: each holds the last block of its shard
        for path, buf in zip(paths, buffers):
            with open(path, "rb") as shard, open(buf, "rb") as pages:
                shard.seek(-2 * MiB, 2)
                assert pages.read() == shard.read()
    assert figures["read_buffers"] == "shared with the fio twin"
    got = twin["fio"]
    assert got["timed_as"] == "wall_span" and got["bytes"] == 3 * 4 * MiB
    assert got["bytes_per_s"] == pytest.approx(got["bytes"] / got["span_s"])
    # fio's group figure is kept beside it; no order between the two is asserted: a job's runtime
    # also counts its start-up before the first I/O, so under load the span can be the shorter
    assert got["span_s"] > 0 and got["group_bytes_per_s"] > 0
    assert figures["seconds"] == figures["span_s"]
    assert not Path(buffers[0]).parent.exists()  # this run's buffer files went with its work directory


@needs_fio
def test_the_checkpoint_write_twin_writes_from_our_writers_buffer_pages_timed_as_a_wall_span(guard):
    with guard.workdir("wpages") as work:
        buffers = probes.shared_buffers(work, 2, 1 * MiB, fill=True)
        for buf, mark in zip(buffers, b"AB"):  # marked in place (same pages) before our writers run
            with open(buf, "r+b") as pages:
                pages.write(bytes([mark]) * MiB)
        written, paths = probes.checkpoint_write(work, guard, 2, 4 * MiB, 10, quiet)
        # each of our writers wrote from its rank's buffer file
        assert [p.read_bytes() for p in paths] == [b"A" * 4 * MiB, b"B" * 4 * MiB]
        step = {"writers": 2, "file_bytes": 4 * MiB, "block_bytes": MiB}
        twin = runner._checkpoint_twin(step, written, written, work, guard, 4.0)["checkpoint_write"]
        assert "error" not in twin, twin.get("error")
        assert [a for a in twin["fio"]["args"] if a.startswith("mem=")] == [f"mem=mmapshared:{b}" for b in buffers]
        assert {f"filename={p.name}" for p in paths} <= set(twin["fio"]["args"])
        # fio wrote fresh files of our names from those pages: the last block is the buffer's content
        for path, buf in zip(paths, buffers):
            with open(path, "rb") as shard, open(buf, "rb") as pages:
                shard.seek(-MiB, 2)
                assert shard.read() == pages.read()
    assert written["write_buffers"] == "shared with the fio twin"
    got = twin["fio"]
    assert {"rw=write", "bs=1048576", "direct=1", "end_fsync=1", "fallocate=none"} <= set(got["args"])
    assert got["timed_as"] == "wall_span" and got["bytes"] == 2 * 4 * MiB
    assert got["bytes_per_s"] == pytest.approx(got["bytes"] / got["span_s"])


def test_shared_buffers_are_made_once_per_run_and_dropped_with_it(guard):
    with guard.workdir("buf") as work:
        first = probes.shared_buffers(work, 2, 1 * MiB)
        assert [Path(p).stat().st_size for p in first] == [MiB, MiB]
        Path(first[0]).write_bytes(b"x" * MiB)
        assert probes.shared_buffers(work, 2, 1 * MiB) == first  # the same files, not new pages
        assert Path(first[0]).read_bytes()[:1] == b"x"
        runner.clean(work, guard)
        assert not Path(first[0]).parent.exists()
        again = probes.shared_buffers(work, 1, 1 * MiB)
    assert not Path(again[0]).parent.exists()  # the work directory's end drops them too


def test_a_file_stops_growing_at_its_set_up_deadline_once_it_holds_the_minimum(guard):
    import time

    with guard.workdir("w") as work:
        path = probes.write_file(work / "f.dat", 32 * MiB, probes.direct_io_method(work), guard,
                                 until=time.monotonic(), min_bytes=2 * MiB)
        assert path.stat().st_size == 2 * MiB
        paths, slots, _ = probes.make_dataset(work, guard, 4096, 1, 500, probes.direct_io_method(work),
                                              until=time.monotonic())
        assert len(paths) == probes.MIN_DATASET_FILES == len(slots)


def test_a_short_budget_scales_the_dataset_and_reports_its_set_up_time(guard):
    with guard.workdir("t") as work:
        got = probes.training_reads(work, guard, 4096, 1, 20_000, 4, 0.01, 2, 0.9, 1.0, quiet)
    assert got["scaled_to_budget"] is True and got["files"] < got["files_planned"] == 20_000
    assert 0 < got["prep_s"] and got["ops"] > 0


def test_set_up_time_is_reported_apart_and_counted_in_the_run(guard):
    proposal = {"requirements": {"kv_cache": {"bytes_per_token": 16_384}, "rag_index": {"index": "diskann"}}}
    steps, out = run_plan(guard, proposal, 3, use_fio=False)
    assert out["budget_s"] == 3 and out["elapsed_s"] > 0
    assert out["prep_s"] == pytest.approx(sum(f["prep_s_total"] for f in out["probes"].values()))
    steps_done = [line for line in out["log"] if line.startswith(("kv_block_reads:", "rag_index_reads:")) and " repeats in " in line]
    assert len(steps_done) == 2 and all("file set-up" in line for line in steps_done)
    assert out["log"][-1].startswith("run: ") and "of a 3 s budget" in out["log"][-1]


def test_a_step_that_starts_late_gets_what_is_left_of_the_budget():
    log = []
    step = {"probe": "kv_block_reads", "deadline_s": 4.0, "fio_runtime_s": 2.0}
    assert runner.fitted(step, 12.0, 12.0, log) == step and not log
    late = runner.fitted(step, 6.0, 12.0, log)
    assert (late["deadline_s"], late["fio_runtime_s"]) == (2.0, 1.0) and "scaled by 0.50" in log[0]
    floor = runner.fitted(step, 0.0, 12.0, [])
    assert floor["deadline_s"] == 4.0 * runner.MIN_STEP_FACTOR  # each probe still measures something


@needs_fio
def test_the_model_load_twin_reads_first_on_every_other_repeat(guard):
    step = {"probe": "model_load", "readers": 2, "file_bytes": 4 * MiB, "block_bytes": 2 * MiB,
            "deadline_s": 4.0, "fio_runtime_s": 4.0, "repeats": 2}
    with guard.workdir("alt") as work:
        figures, twins, twin_s = runner.run_step(step, work, guard, probes.direct_io_method(work), quiet, True)
    got = twins["model_load"]
    assert "error" not in got, got.get("error")
    assert got["repeats"] == 2 and len(got["paired_ratios"]) == 2 and twin_s > 0
    assert figures["model_load"]["repeats"]["count"] == 2 and figures["model_load"]["bytes"] == 2 * 4 * MiB


def test_a_model_is_loaded_when_its_last_shard_is():
    # two readers, each 1 s on its own clock, the second starting 0.5 s late: first read issued to
    # last read completed is 1.5 s
    figures = {"bytes": 3_000, "ops": 3, "seconds": 1.0, "wall_s": 1.6, "span_s": 1.5,
               "bytes_per_s": 3_000.0, "iops": 3.0}
    loaded = probes._loaded_when_last_shard_is(figures)
    assert loaded["seconds"] == 1.5 and loaded["bytes_per_s"] == 2_000 and loaded["iops"] == 2
    assert loaded["timed_as"] == "wall span, first read issued to last completed"
