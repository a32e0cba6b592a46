"""rank(): sizing, cost, score, order, findings — on hand-built tiers and the shipped catalog."""
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recommender import ranking

from .helpers import by_architecture, catalog, line, tier

TB, GB = 1e12, 1e9
CATALOG = catalog()
TRAINING_TIERS = [
    tier("gpu_local_nvme", 20 * TB, 25 * GB, 10 * GB, 1e6, nodes=16),
    tier("shared_fast", 2000 * TB, 200 * GB, 300 * GB, 1e6, nodes=16),
    tier("object", 10_000 * TB, 50 * GB, 10 * GB, nodes=16),
    tier("archive", 20_000 * TB, 1 * GB, 1 * GB, nodes=16),
]


def ranked(tiers=TRAINING_TIERS, priority="balanced", measured=None):
    return ranking.rank(tiers, CATALOG, priority=priority, measured=measured)


def test_it_ranks_every_architecture_once_with_consecutive_ranks():
    result = ranked()
    assert [p["rank"] for p in result["proposals"]] == list(range(1, len(CATALOG["architectures"]) + 1))
    assert sorted(p["architecture"] for p in result["proposals"]) == sorted(a["id"] for a in CATALOG["architectures"])


# architecture, block, expected quantity, why
SIZING_CASES = [
    # 300 GB/s write ÷ 208 GB/s per enclosure → 2 (capacity 2 PB ÷ 2.304 PB usable → 1)
    ("nvme-pfs-object", "pfs-flash-5u", 2, "write-bound"),
    # 20 TB per node ÷ 6.4 TB → 4 drives; 25 GB/s ÷ 14 GB/s → 2; × 16 nodes = 64
    ("nvme-pfs-object", "das-nvme-tlc-6400gb", 64, "per-node capacity-bound"),
    # 10 PB ÷ (1.08 PB × 0.75) → 13 servers
    ("nvme-pfs-object", "object-flash-2u", 13, "capacity-bound"),
    # 20 PB ÷ 27.8 PB → 1 library
    ("nvme-pfs-object", "tape-lto9-library", 1, "capacity-bound"),
    # 10 PB ÷ (24 TB × 0.6667) → 625 drives
    ("qlc-pfs-hdd", "object-hdd-24tb", 625, "capacity-bound with EC 4+2"),
    # PFS only: 20 TB × 16 + 2 PB + 10 PB + 20 PB = 32.32 PB ÷ 2.304 PB → 15
    ("pfs-only", "pfs-flash-5u", 15, "shared block, needs add up"),
]


@pytest.mark.parametrize("architecture, item, quantity, why", SIZING_CASES)
def test_it_sizes_each_block_to_its_binding_need(architecture, item, quantity, why):
    proposal = by_architecture(ranked())[architecture]
    assert line(proposal, item)["quantity"] == quantity, why


def test_it_adds_up_needs_of_tiers_sharing_a_block():
    proposal = by_architecture(ranked())["pfs-only"]
    assert line(proposal, "pfs-flash-5u")["tier"] == "gpu_local_nvme+shared_fast+object+archive"
    need = 20 * TB * 16 + 2000 * TB + 10_000 * TB + 20_000 * TB
    assert proposal["headroom"]["shared_fast.capacity_bytes"] == pytest.approx(15 * 2.304e15 / need, rel=1e-3)
    assert proposal["headroom"]["gpu_local_nvme.capacity_bytes"] == proposal["headroom"]["archive.capacity_bytes"]


def test_it_adds_network_ports_for_shared_blocks():
    proposal = by_architecture(ranked())["nvme-pfs-object"]
    assert line(proposal, "net-port-400g")["quantity"] == 2 * 8
    assert line(proposal, "net-port-400g")["price_known"] is False


def test_it_caps_block_bandwidth_at_its_network_ports():
    # 8 × 400 Gb/s ports × 0.96 = 384 GB/s < 400 GB/s datasheet read: 700 GB/s needs 2 enclosures
    tiers = [tier("shared_fast", 1 * TB, 700 * GB, 1 * GB)]
    proposal = by_architecture(ranked(tiers))["nvme-pfs-object"]
    assert line(proposal, "pfs-flash-5u")["quantity"] == 2
    assert proposal["headroom"]["shared_fast.read_bytes_per_s"] == pytest.approx(2 * 384 / 700, rel=1e-3)


def test_it_costs_the_bom_as_quantity_times_unit_price():
    for proposal in ranked()["proposals"]:
        for bom_line in proposal["bom"]:
            assert bom_line["subtotal_usd"] == pytest.approx(bom_line["quantity"] * bom_line["unit_price_usd"])
        assert proposal["cost_usd"] == pytest.approx(sum(l["subtotal_usd"] for l in proposal["bom"]))


def test_it_reports_cost_per_tb_and_per_gb_per_s():
    proposal = by_architecture(ranked())["nvme-pfs-object"]
    assert proposal["usd_per_tb"] > 0 and proposal["usd_per_gb_per_s"] > 0
    assert proposal["cost_is_lower_bound"] is True  # media-only appliance prices, port price gaps


def test_it_meets_requirements_only_with_every_headroom_at_least_one():
    for proposal in ranked()["proposals"]:
        if proposal["meets_requirements"]:
            assert proposal["first_unmet"] is None
            assert min(proposal["headroom"].values()) >= 1.0


def test_it_fails_a_per_node_block_that_needs_more_slots_than_a_server_has():
    # 60 TB per node ÷ 6.4 TB = 10 drives > 8 U.2 bays in a DGX
    tiers = [tier("gpu_local_nvme", 60 * TB, 1 * GB, nodes=4)]
    result = ranked(tiers)
    proposal = by_architecture(result)["nvme-pfs-object"]
    assert proposal["meets_requirements"] is False
    assert proposal["first_unmet"] == "gpu_local_nvme.capacity_bytes"
    assert line(proposal, "das-nvme-tlc-6400gb")["quantity"] == 8 * 4
    assert any(f["rule"] == "architecture_cannot_meet_requirement"
               and f["inputs"]["architecture"] == "nvme-pfs-object" and "at most 8" in f["text"]
               for f in result["findings"])
    assert by_architecture(result)["qlc-pfs-hdd"]["meets_requirements"] is True  # 122.88 TB drives fit


def test_it_fails_a_system_beyond_its_largest_size():
    # PowerScale: 3-252 nodes per cluster; 252 × 589.8 TB usable = 148.6 PB
    tiers = [tier("shared_fast", 150_000 * TB, 1 * GB)]
    proposal = by_architecture(ranked(tiers))["nas-object"]
    assert proposal["first_unmet"] == "shared_fast.capacity_bytes"
    assert "at most 252" in proposal["unmet"][0]["why"]


def test_it_leaves_no_architecture_meeting_a_requirement_beyond_all_of_them():
    tiers = [tier("host_memory", 10 * GB, 1 * GB, latency_s=1e-9, nodes=2)]
    result = ranked(tiers)
    assert not any(p["meets_requirements"] for p in result["proposals"])
    assert {p["first_unmet"] for p in result["proposals"]} == {"host_memory.latency_s"}
    summary = [f for f in result["findings"] if f["rule"] == "ranking_no_architecture_meets_requirements"]
    assert len(summary) == 1 and "host_memory.latency_s" in summary[0]["text"]
    why = [f["text"] for f in result["findings"] if f["rule"] == "architecture_cannot_meet_requirement"]
    assert any("slower than the 1e-09 s needed" in text for text in why)
    assert any("no sourced latency figure" in text for text in why)


def test_it_fails_network_storage_beyond_what_a_gpu_server_can_carry():
    # local NVMe needs of 90 GB/s per node move onto the network in 'pfs-only': 90 + 20 > 100 GB/s
    tiers = [tier("gpu_local_nvme", 1 * TB, 90 * GB, nodes=4), tier("shared_fast", 1 * TB, 80 * GB, nodes=4)]
    result = by_architecture(ranked(tiers))
    assert result["pfs-only"]["first_unmet"] == "network.read_bytes_per_s"
    assert result["nvme-pfs-object"]["meets_requirements"] is True


def test_it_scores_between_0_and_100_and_repeats_itself():
    first, second = ranked(), ranked()
    assert first == second
    assert all(0 <= p["score"] <= 100 for p in first["proposals"])


def test_it_puts_meeting_architectures_first_then_score_cost_and_id():
    proposals = ranked()["proposals"]
    keys = [(not p["meets_requirements"], -p["score"], p["cost_usd"], p["architecture"]) for p in proposals]
    assert keys == sorted(keys)


def test_it_breaks_a_tie_by_cost_then_id():
    # without a host-memory tier the CXL architecture is the same as local NVMe + PFS + object
    result = by_architecture(ranked())
    a, b = result["nvme-pfs-object"], result["tiered-cxl-nvme-pfs"]
    assert (a["score"], a["cost_usd"]) == (b["score"], b["cost_usd"])
    assert a["rank"] == b["rank"] - 1


@pytest.mark.parametrize("priority", ranking.PRIORITIES)
def test_it_records_each_scored_criterion_as_a_finding_that_adds_up_to_the_score(priority):
    result = ranked(priority=priority)
    for proposal in result["proposals"]:
        contributions = [f["result"]["contribution"] for f in result["findings"]
                         if f["rule"].endswith("_criterion") and f["inputs"].get("architecture") == proposal["architecture"]]
        assert len(contributions) >= 2
        assert sum(contributions) == pytest.approx(proposal["score"], abs=0.05)


def test_it_says_why_a_criterion_with_catalog_gaps_is_not_scored():
    findings = [f for f in ranked()["findings"] if f["rule"] == "ranking_power_criterion"]
    assert findings[0]["result"] == {"scored": False}
    assert "no sourced figure" in findings[0]["text"]


def test_it_weights_cost_more_under_cost_priority():
    # the cheapest meeting architecture scores its highest under 'cost'
    scores = {p: by_architecture(ranked(priority=p)) for p in ranking.PRIORITIES}
    meeting = [a for a, p in scores["balanced"].items() if p["meets_requirements"]]
    cheapest = min(meeting, key=lambda a: scores["balanced"][a]["cost_usd"])
    assert scores["cost"][cheapest]["score"] >= scores["balanced"][cheapest]["score"] >= scores["performance"][cheapest]["score"]
    assert scores["cost"][cheapest]["rank"] == 1


def test_it_rejects_an_unknown_priority():
    with pytest.raises(ValueError, match="balanced, performance, cost"):
        ranked(priority="fastest")


def test_it_uses_measured_figures_in_place_of_the_datasheet():
    measured = {"pfs-flash-5u": {"write_bytes_per_s": 50 * GB}}
    proposal = by_architecture(ranked(measured=measured))["nvme-pfs-object"]
    assert line(proposal, "pfs-flash-5u")["quantity"] == math.ceil(300 / 50)
    assert proposal["figures"] == "measured"
    assert by_architecture(ranked(measured=measured))["object-cache"]["figures"] == "datasheet"


def test_it_lists_the_cost_vs_headroom_pareto_front():
    result = ranked()
    front = [p for p in result["proposals"] if p["architecture"] in result["pareto"]]
    assert front
    for p in front:
        assert not any(q["cost_usd"] < p["cost_usd"] and q["headroom_index"] > p["headroom_index"]
                       for q in result["proposals"] if q["meets_requirements"])


def test_it_marks_price_gaps_instead_of_inventing_prices():
    tiers = [tier("host_memory", 512 * GB, 100 * GB, latency_s=1e-6, nodes=2)]
    proposal = by_architecture(ranked(tiers))["nvme-pfs-object"]
    dram = line(proposal, "host-dram-ddr5-128gb")
    assert dram["quantity"] == 4 * 2 and dram["unit_price_usd"] == 0.0 and dram["price_known"] is False
    assert proposal["cost_is_lower_bound"] is True


def test_it_ignores_tiers_outside_the_vocabulary_and_returns_empty_boms_without_tiers():
    result = ranked([])
    assert all(p["bom"] == [] and p["cost_usd"] == 0 and p["meets_requirements"] for p in result["proposals"])


def test_it_does_not_stack_per_node_blocks_without_a_sourced_slot_count():
    # CXL expanders: the E3.S 2T slots per server are a catalog gap, so one module per server at most
    one_module = by_architecture(ranked([tier("host_memory", 200 * GB, 10 * GB, nodes=2)]))
    three_modules = by_architecture(ranked([tier("host_memory", 600 * GB, 10 * GB, nodes=2)]))
    assert one_module["tiered-cxl-nvme-pfs"]["meets_requirements"] is True
    cxl = three_modules["tiered-cxl-nvme-pfs"]
    assert cxl["first_unmet"] == "host_memory.capacity_bytes"
    assert "no sourced slot count per server" in cxl["unmet"][0]["why"]
    assert three_modules["nvme-pfs-object"]["meets_requirements"] is True  # 5 of 32 DIMM slots


TIER_NAMES = ("gpu_local_nvme", "host_memory", "shared_fast", "object", "archive")


@settings(max_examples=60, deadline=None)
@given(needs=st.lists(st.tuples(st.sampled_from(TIER_NAMES), st.floats(0, 5e15), st.floats(0, 5e11),
                                st.floats(0, 5e11), st.floats(0, 1e7)), min_size=1, max_size=5,
                      unique_by=lambda n: n[0]),
       nodes=st.integers(1, 512), factor=st.floats(1, 20))
def test_it_never_costs_an_architecture_less_when_every_need_grows(needs, nodes, factor):
    def tiers(k):
        return [tier(name, cap * k / (nodes if name in ranking.PER_NODE_TIERS else 1), r * k, w * k, iops * k,
                     nodes=nodes) for name, cap, r, w, iops in needs]
    before, after = by_architecture(ranked(tiers(1.0))), by_architecture(ranked(tiers(factor)))
    for architecture, proposal in before.items():
        assert after[architecture]["cost_usd"] >= proposal["cost_usd"] - 1e-6
        if not proposal["meets_requirements"]:
            assert not after[architecture]["meets_requirements"]


def test_it_fails_an_architecture_with_no_block_for_a_needed_tier():
    partial = {"id": "partial", "name": "Partial", "tiers": {"shared_fast": "pfs-flash-5u"}}
    result = ranking.rank(TRAINING_TIERS, {**CATALOG, "architectures": [partial]})
    proposal = result["proposals"][0]
    assert proposal["meets_requirements"] is False and proposal["first_unmet"] == "gpu_local_nvme.block"
    assert [l["item"] for l in proposal["bom"]] == ["pfs-flash-5u", "net-port-400g"]
