"""The probe plan derived from a proposal's requirements, scaled to the budget and the cap."""
import pytest

from recommender.validation import workloads

MiB = 1 << 20
GiB = 1 << 30
MLPERF_8B = {"total_bytes": int(104.7 * GiB), "files": 16, "write_bytes_per_s": 10e9}


def step(plan, probe):
    return next(s for s in plan if s["probe"] == probe)


def test_it_writes_one_shard_per_local_rank_sized_from_the_checkpoint_layout():
    plan = workloads.plan({"use_case": {"gpus": 8}, "requirements": {"checkpoint": MLPERF_8B}},
                          60, 10 * GiB)
    ckpt = step(plan, "checkpoint_write")
    assert ckpt["writers"] == 8
    assert ckpt["shard_bytes_required"] == int(104.7 * GiB) // 16
    assert ckpt["file_bytes"] == 8 * GiB // 8 // MiB * MiB  # 80 % of the room, split over 8 writers
    assert ckpt["scaled"] is True


def test_it_keeps_the_real_shard_size_when_it_fits():
    req = {"checkpoint": {"per_rank_bytes": 64 * MiB, "files": 2}}
    ckpt = step(workloads.plan({"requirements": req}, 60, 1 * GiB), "checkpoint_write")
    assert (ckpt["writers"], ckpt["file_bytes"], ckpt["scaled"]) == (2, 64 * MiB, False)


@pytest.mark.parametrize("training_data, expected", [
    ({}, {"sample_bytes": 114_660, "batch_size": 400, "compute_s": 0.224, "au_min": 0.90}),
    ({"sample_bytes": 2_828_486, "batch_size": 1, "step_time_s": 0.0035, "au_min": 0.7},
     {"sample_bytes": 2_828_486, "batch_size": 1, "compute_s": 0.0035, "au_min": 0.7}),
    ({"sample_bytes": 150_528, "batch_size": 7, "computation_time_s": 0.5, "read_threads": 8},
     {"sample_bytes": 150_528, "batch_size": 7, "compute_s": 0.5, "read_threads": 8}),
])
def test_it_takes_the_training_pattern_from_the_requirements(training_data, expected):
    train = step(workloads.plan({"requirements": {"training_data": training_data}}, 60, 4 * GiB),
                 "training_reads")
    assert {k: train[k] for k in expected} == expected


def test_it_shrinks_huge_samples_to_the_cap_but_keeps_demand_per_accelerator():
    unet = {"sample_bytes": 146_600_628, "batch_size": 7, "step_time_s": 0.323}
    train = step(workloads.plan({"requirements": {"training_data": unet}}, 60, 64 * MiB), "training_reads")
    assert train["sample_bytes"] < 146_600_628
    demand = train["batch_size"] * train["sample_bytes"] / train["compute_s"]
    assert demand == pytest.approx(7 * 146_600_628 / 0.323, rel=1e-6)
    assert any("scaled" in s for s in train["sources"])


def test_it_reads_kv_blocks_of_sixteen_tokens():
    plan = workloads.plan({"use_case": {"inference": {"concurrent_sequences": 32}},
                           "requirements": {"kv_cache": {"bytes_per_token": 327_680}}}, 60, GiB)
    kv = step(plan, "kv_block_reads")
    assert kv["block_bytes"] == 327_680 * 16
    assert kv["threads"] == workloads.MAX_KV_THREADS


@pytest.mark.parametrize("proposal, fmt", [
    ({"requirements": {"tabular": {"format": "parquet"}}}, "parquet"),
    ({"requirements": {"tabular": {}}, "use_case": {"data": {"format": "csv"}}}, "csv"),
    ({"requirements": {"tabular": {"format": "orc"}}}, "csv"),
])
def test_it_scans_tables_in_the_use_cases_format(proposal, fmt):
    scans = [s for s in workloads.plan(proposal, 60, GiB) if s["probe"] == "table_scan"]
    assert [s["format"] for s in scans] == [fmt]


def test_it_adds_synced_writes_for_results_persistence():
    plan = workloads.plan({"requirements": {"results_persistence": {"iops": 500}}}, 60, GiB)
    assert step(plan, "small_synced_writes")["record_bytes"] == 4096


@pytest.mark.parametrize("fio", [False, True])
def test_it_spends_exactly_the_budget(fio):
    req = {"checkpoint": MLPERF_8B, "kv_cache": {"bytes_per_token": 131072}, "results_persistence": {"iops": 1}}
    plan = workloads.plan({"use_case": {"workload": "tabular_ml"}, "requirements": req}, 30, GiB, fio=fio)
    assert sum(s["deadline_s"] + s["fio_runtime_s"] for s in plan) == pytest.approx(30)
    assert all(s["fio_runtime_s"] > 0 for s in plan) is fio


@pytest.mark.parametrize("budget_s, room, message", [
    (0, GiB, "budget_s must be positive"),
    (60, MiB, "at least 8388608 needed"),
])
def test_it_refuses_a_budget_or_room_too_small(budget_s, room, message):
    with pytest.raises(workloads.PlanError, match=message):
        workloads.plan({"requirements": {}}, budget_s, room)
