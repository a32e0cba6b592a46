"""Tier aggregation: needs placed on one tier add up; latency is the strictest; fixed tier order."""
import pytest

from rules.tiers import shared_tier_findings, tiers_from_placements


def placement(need, tier, cap=0, read=0.0, write=0.0, iops=0.0, latency=None, source="s"):
    return {"need": need, "tier": tier, "reason": f"{need} reason", "sources": [source], "capacity_bytes": cap,
            "read_bytes_per_s": read, "write_bytes_per_s": write, "iops": iops, "latency_s": latency}


def test_it_adds_up_needs_on_the_same_tier():
    tiers = tiers_from_placements([placement("checkpoint", "shared_fast", 10, 1.0, 2.0, 3.0, source="a"),
                                   placement("training_data", "shared_fast", 5, 4.0, 0.0, 7.0, source="b")],
                                  {"nodes": 4})
    (t,) = tiers
    assert (t["capacity_bytes"], t["read_bytes_per_s"], t["write_bytes_per_s"], t["iops"]) == (15, 5.0, 2.0, 10.0)
    assert t["needs"] == ["checkpoint", "training_data"] and t["sources"] == ["a", "b"] and t["nodes"] == 4
    assert "add up" in t["reason"]


@pytest.mark.parametrize("latencies,expected", [([None, None], None), ([0.001, None], 0.001),
                                                ([0.01, 0.0002], 0.0002)])
def test_it_keeps_the_strictest_latency(latencies, expected):
    tiers = tiers_from_placements([placement(f"n{i}", "host_memory", latency=x) for i, x in enumerate(latencies)],
                                  {"nodes": 1})
    assert tiers[0]["latency_s"] == expected


def test_it_lists_tiers_from_fastest_to_coldest_and_marks_per_node_tiers():
    tiers = tiers_from_placements([placement("a", "archive"), placement("b", "gpu_local_nvme"),
                                   placement("c", "shared_fast"), placement("d", "object"),
                                   placement("e", "host_memory")], {"nodes": 2})
    assert [t["tier"] for t in tiers] == ["gpu_local_nvme", "host_memory", "shared_fast", "object", "archive"]
    assert [t["per_node"] for t in tiers] == [True, True, False, False, False]


def test_it_explains_only_tiers_that_carry_several_needs():
    tiers = tiers_from_placements([placement("a", "shared_fast"), placement("b", "shared_fast"),
                                   placement("c", "object")], {"nodes": 1})
    findings = shared_tier_findings(tiers)
    assert [f["inputs"]["tier"] for f in findings] == ["shared_fast"]
    assert findings[0]["rule"] == "shared_tier_needs_add_up" and findings[0]["sources"]
