"""Every probe keeps to the run's budget: file probes (with their fio twins) on real files and S3
probes against the real S3 server, each with a small real budget; a run that overruns fails here."""
import shutil
import subprocess
import time

import pytest

from recommender.validation import runner, s3probes, safety, workloads

MiB = 1 << 20
needs_fio = pytest.mark.skipif(not shutil.which("fio"), reason="fio not installed")
BUDGET_S = 3.0
# What the runner controls is when each part starts: no repeat after a step's first starts past the
# step's end and no fio twin starts with less than runner.MIN_TWIN_S left in its repeat (the run's
# own timeline, monotonic clock). How long a part already running takes is the machine's: a read
# in flight still completes, and on two shared cores fio's start-up and removing large files
# stretch under load (at load 6: a 3 s checkpoint run ended at 4.9 s, its twin 1.9 s for 0.3 s of
# runtime). So the wall-clock bound only catches gross overruns: twice the budget plus fio's start-up
# as measured here and now, counted once per fio process a step may start (up to two per repeat).
WALL_FACTOR = 2.0


def fio_start_up_s():
    """Seconds a real fio run spends beyond its runtime on this machine now (16 jobs, like a twin)."""
    t0 = time.monotonic()
    subprocess.run(["fio", "--name=start-up", "--ioengine=null", "--size=1m", "--numjobs=16",
                    "--runtime=100ms", "--time_based=1", "--output-format=json"],
                   capture_output=True, check=True, timeout=60)
    return max(0.0, time.monotonic() - t0 - 0.1)


def assert_kept_to_its_deadlines(out):
    timeline = out["timeline"]
    steps = {p["probe"]: p for p in timeline if p["part"] == "step"}
    assert steps and all(p["probe"] in steps for p in timeline)
    parts = [p for p in timeline if p["part"] != "step"]
    for probe, step in steps.items():  # each step's parts run one after the other, inside the step
        mine = [p for p in parts if p["probe"] == probe]
        assert mine and all(a["end_s"] <= b["start_s"] for a, b in zip(mine, mine[1:])), mine
        assert step["start_s"] <= mine[0]["start_s"] and mine[-1]["end_s"] <= step["end_s"]
        assert step["end_s"] <= out["elapsed_s"]
        for p in mine:
            if p["part"] == "ours" and p["repeat"] > 0:
                assert p["start_s"] < step["deadline_s"], p  # no repeat starts after its step's end
            if p["part"] == "twin":
                assert p["start_s"] <= p["deadline_s"] - runner.MIN_TWIN_S, p  # nor a twin without time
    assert all(p["end_s"] >= p["start_s"] >= 0 for p in timeline)


# One requirement family (or two) each, with the sizes that used to run over: a 3D U-Net sample of
# 146.6 MB (MLPerf Storage unet3d), a ResNet-50 record, sixteen checkpoint shards, 140 GB of
# weights, KV blocks, a DiskANN index at a required IOPS, video streams with results, a Parquet table.
FILE_CASES = {
    "unet3d_samples": {"training_data": {"sample_bytes": 146_600_000, "batch_size": 7, "step_time_s": 0.323,
                                         "au_min": 0.9, "read_threads": 4}},
    "resnet50_samples": {"training_data": {"sample_bytes": 114_660, "batch_size": 400, "step_time_s": 0.224,
                                           "au_min": 0.9}},
    "checkpoint": {"checkpoint": {"total_bytes": 16 * 2**30, "files": 16}},
    "model_load": {"model_load": {"total_bytes": 140e9}},
    "kv_blocks": {"kv_cache": {"bytes_per_token": 131_072}},
    "rag_index": {"rag_index": {"index": "diskann", "iops": 500}},
    "video": {"video": {"streams": 8, "read_bytes_per_s": 1e9, "write_bytes_per_s": 1e8},
              "results_persistence": {"iops": 100}},
    "parquet_scan": {"tabular": {"format": "parquet", "total_bytes": 1e9}},
}


@needs_fio
@pytest.mark.parametrize("name", sorted(FILE_CASES))
def test_a_file_run_with_its_fio_twins_keeps_to_its_deadlines(name, tmp_path):
    guard = safety.Guard(str(tmp_path), 768 * MiB, 0)
    steps = workloads.plan({"use_case": {"clients": 1}, "requirements": FILE_CASES[name]}, BUDGET_S,
                           guard.room_bytes(), fio=True)
    start_up_s = fio_start_up_s()
    t0 = time.monotonic()
    out = runner.execute(steps, guard, lambda f, n: None, use_fio=True, budget_s=BUDGET_S)
    elapsed = time.monotonic() - t0
    assert_kept_to_its_deadlines(out)
    fio_runs = sum(2 * max(1, int(s.get("repeats", 1))) for s in steps if s.get("fio_runtime_s"))
    assert elapsed <= BUDGET_S * WALL_FACTOR + start_up_s * fio_runs, out["log"]
    assert out["elapsed_s"] <= elapsed
    assert all(f["ops"] > 0 for f in out["probes"].values())  # each probe still measured something
    assert list(tmp_path.iterdir()) == []


def test_an_s3_run_ends_within_twice_its_budget(s3_server):
    s3 = s3probes.client(s3_server, "testing-key", "testing-secret")
    proposal = {"requirements": {"checkpoint": {"files": 4, "per_rank_bytes": 2**30},
                                 "model_load": {"total_bytes": 140e9},
                                 "kv_cache": {"bytes_per_token": 131_072}}}
    cap = 1 << 30
    steps = workloads.plan(proposal, BUDGET_S, cap, kind="s3")
    t0 = time.monotonic()
    out = s3probes.execute(steps, s3, "advisor-test", cap, lambda f, n: None, label="budget")
    elapsed = time.monotonic() - t0
    assert elapsed <= BUDGET_S * WALL_FACTOR, out["log"]
    assert out["elapsed_s"] <= elapsed and out["budget_s"] == pytest.approx(BUDGET_S)
    write = out["probes"]["checkpoint_write"]
    assert write["bytes"] > 0 and write["object_bytes"] <= write["object_bytes_planned"]


def test_a_twin_that_has_no_time_left_is_skipped_and_the_run_says_so(tmp_path):
    guard = safety.Guard(str(tmp_path), 64 * MiB, 0)
    step = {"probe": "small_synced_writes", "record_bytes": 4096, "threads": 1, "max_bytes": 4 * MiB,
            "deadline_s": 0.3, "fio_runtime_s": 0.3, "repeats": 1, "end_at": time.monotonic() + 0.3}
    with guard.workdir("late") as work:
        figures, twins, twin_s = runner.run_step(step, work, guard, "o_direct", lambda f, n: None, True)
    assert twins == {} and twin_s == 0
    assert figures["small_synced_writes"]["twins_skipped"].startswith("1 of 1 repeats: no time left")


def test_a_step_whose_time_is_over_runs_one_short_repeat_and_says_it_skipped_the_rest(tmp_path):
    guard = safety.Guard(str(tmp_path), 64 * MiB, 0)
    step = {"probe": "small_synced_writes", "record_bytes": 4096, "threads": 1, "max_bytes": 4 * MiB,
            "deadline_s": 0.6, "fio_runtime_s": 0.3, "repeats": 3, "end_at": time.monotonic() - 1.0}
    timeline = []
    with guard.workdir("over") as work:
        figures, twins, _ = runner.run_step(step, work, guard, "o_direct", lambda f, n: None, True,
                                            timeline=timeline)
    got = figures["small_synced_writes"]
    assert got["ops"] > 0 and got["repeats"]["count"] == 1  # it still measured, once
    assert got["repeats_skipped"].startswith("2 of 3 repeats: the step's time was over")
    assert twins == {} and [p[1] for p in timeline] == ["ours", "clean"]  # no time for its twin
