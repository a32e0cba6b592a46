"""Calibration (pure): probe results → measurements, checks with margin, measured figures for rank()."""
import pytest

from recommender.validation import calibration

HOST_A = {"checkpoint_write_bytes_per_s": 1e9, "kv_read_p99_s": 0.004, "accelerators_supported": 3,
          "accelerator_utilization": 0.95}
HOST_B = {"checkpoint_write_bytes_per_s": 2e9, "kv_read_p99_s": 0.010, "accelerators_supported": 5,
          "accelerator_utilization": 0.91}


def test_it_adds_bandwidth_and_keeps_the_worst_latency_across_hosts():
    together = calibration.aggregate({"a": HOST_A, "b": HOST_B})
    assert together == {"checkpoint_write_bytes_per_s": 3e9, "kv_read_p99_s": 0.010,
                        "accelerators_supported": 8, "accelerator_utilization": 0.91}
    client = calibration.per_client(together, 2)
    assert client["checkpoint_write_bytes_per_s"] == 1.5e9 and client["kv_read_p99_s"] == 0.010


@pytest.mark.parametrize("proposal, clients", [
    ({"use_case": {"clients": 12}}, 12),
    ({"use_case": {"gpus": 64}, "tiers": [{"tier": "shared_fast", "nodes": 8}, {"tier": "object"}]}, 8),
    ({"use_case": {"gpus": 20}}, 3),
    ({"use_case": {"gpus": 64, "gpus_per_node": 4}}, 16),
    ({}, 1),
])
def test_it_finds_the_planned_client_count(proposal, clients):
    assert calibration.planned_clients(proposal) == clients


def test_it_checks_each_requirement_with_margin():
    proposal = {"use_case": {"gpus": 16},
                "requirements": {"checkpoint": {"write_bytes_per_s": 8e9, "restore_bytes_per_s": 1e9},
                                 "kv_cache": {"latency_s": 0.005}, "training_data": {"sample_bytes": 4096}}}
    figures = {"checkpoint_write_bytes_per_s": 1e9, "checkpoint_restore_bytes_per_s": 1e9,
               "kv_read_p99_s": 0.004, "accelerators_supported": 2}
    rows = {c["requirement"]: c for c in calibration.checks(proposal, figures, 2)}
    assert rows["checkpoint.write_bytes_per_s"]["measured"] == 2e9
    assert rows["checkpoint.write_bytes_per_s"]["margin"] == pytest.approx(-0.75)
    assert rows["checkpoint.write_bytes_per_s"]["pass"] is False
    assert rows["checkpoint.restore_bytes_per_s"]["margin"] == pytest.approx(1.0)
    assert rows["kv_cache.latency_s"]["measured"] == 0.004  # latency does not scale with clients
    assert rows["kv_cache.latency_s"]["margin"] == pytest.approx(0.25) and rows["kv_cache.latency_s"]["pass"]
    assert rows["training_data.accelerators"]["measured"] == 4
    assert rows["training_data.accelerators"]["pass"] is False
    assert "training_data.read_bytes_per_s" not in rows  # not required, not checked


def test_it_turns_probe_results_into_measurements():
    results = {"checkpoint_write": {"bytes_per_s": 5.0}, "checkpoint_restore": {"bytes_per_s": 6.0},
               "training_reads": {"bytes_per_s": 7.0, "iops": 70.0, "accelerators_supported": 2,
                                  "emulation": {"au": 0.93}}}
    assert calibration.flatten(results) == {
        "checkpoint_write_bytes_per_s": 5.0, "checkpoint_restore_bytes_per_s": 6.0,
        "sample_read_bytes_per_s": 7.0, "sample_read_iops": 70.0, "accelerators_supported": 2,
        "accelerator_utilization": 0.93}


def test_it_replaces_the_blocks_datasheet_with_per_client_times_clients():
    figures = {"checkpoint_restore_bytes_per_s": 2e9, "checkpoint_write_bytes_per_s": 1e9,
               "sample_read_iops": 5000.0}
    assert calibration.measured_for_ranking("nas-allflash", figures, 4) == {
        "nas-allflash": {"read_bytes_per_s": 8e9, "write_bytes_per_s": 4e9, "iops": 20000.0}}
    assert calibration.measured_for_ranking("", figures, 4) == {}
