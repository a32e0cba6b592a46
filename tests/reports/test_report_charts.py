"""Charts as inline SVG strings: what they plot and that several fit in one page."""
import re

import pytest

from recommender.reports import charts


def test_it_plots_cost_against_headroom_with_the_pareto_front(sample_document):
    svg = charts.cost_headroom_svg(sample_document)
    assert svg.startswith("<svg") and 'class="chart"' in svg
    for label in ("#1 nvme-pfs-object", "#2 nas-object", "#3 object-cache", "Pareto front", "$300k"):
        assert label in svg


def test_it_plots_the_bandwidth_of_each_tier(sample_document):
    svg = charts.tier_bandwidth_svg(sample_document)
    assert "shared_fast" in svg and "gpu_local_nvme" in svg and "GB/s" in svg


def test_it_marks_where_each_architecture_breaks_in_the_gpu_sweep():
    sweep = {"points": [{"gpus": g, "top": {"architecture": "nvme-pfs-object", "cost_usd": 1000.0 * g},
                         "requirements": {"write_bytes_per_s": 1e8 * g, "read_bytes_per_s": 5e7 * g},
                         "cost_usd": {"nvme-pfs-object": 1000.0 * g, "nas-object": 800.0 * g},
                         "meeting": ["nvme-pfs-object"] + (["nas-object"] if g < 512 else [])}
                        for g in (8, 64, 512, 4096)],
             "breaks": {"nas-object": {"gpus": 512, "requirement": "shared_fast.write_bytes_per_s"},
                        "nvme-pfs-object": {"gpus": None, "requirement": None}}}
    svg = charts.sweep_svg(sweep)
    assert "nas-object breaks (shared_fast.write_bytes_per_s)" in svg
    assert "nvme-pfs-object breaks" not in svg
    assert "write needed" in svg and "read needed" in svg
    assert "nvme-pfs-object" in svg  # its cost line in the legend (it never breaks, so no marker)


def test_it_labels_proposals_at_the_same_spot_once(sample_document):
    for p in sample_document["proposals"]:
        p["cost_usd"], p["headroom"] = 5000.0, {"shared_fast.iops": 2.0}
    svg = charts.cost_headroom_svg(sample_document)
    assert "#1, #2, #3 nvme-pfs-object (+2)" in svg


def test_it_returns_nothing_when_there_is_nothing_to_plot():
    empty = {"proposals": [], "tiers": []}
    assert charts.cost_headroom_svg(empty) is None
    assert charts.tier_bandwidth_svg(empty) is None
    assert charts.sweep_svg(None) is None


def test_it_leaves_no_duplicate_element_ids_between_charts(sample_document):
    both = "".join(svg for svg in charts.draw_all(sample_document).values() if svg)
    ids = re.findall(r' id="([^"]+)"', both)
    assert len(ids) == len(set(ids))


def test_it_encodes_charts_as_data_uris_for_the_pdf(sample_document):
    uris = charts.as_uris(charts.draw_all(sample_document))
    assert all(u.startswith("data:image/svg+xml;base64,") for u in uris.values() if u)
    assert uris["sweep"] is None  # no sweep given: nothing drawn, nothing encoded


@pytest.mark.parametrize("curve", [
    [{"interval_s": 600, "lost_work_usd": 50.0, "checkpoint_stall_usd": 400.0, "total_usd": 450.0},
     {"interval_s": 1800, "lost_work_usd": 150.0, "checkpoint_stall_usd": 130.0, "total_usd": 280.0},
     {"interval_s": 5400, "lost_work_usd": 450.0, "checkpoint_stall_usd": 45.0, "total_usd": 495.0}],
    {"interval_s": [600, 1800, 5400], "total_usd": [450.0, 280.0, 495.0]},
])
def test_it_draws_the_cost_optimal_checkpoint_curve_with_its_optimum(sample_document, curve):
    sample_document["requirements"]["checkpoint"]["cost_curve"] = curve
    svg = charts.checkpoint_cost_svg(sample_document)
    assert "optimum 30 min" in svg


def test_it_draws_no_checkpoint_curve_without_one(sample_document):
    assert charts.checkpoint_cost_svg(sample_document) is None


def test_it_escapes_catalog_text_inside_the_inline_svg(sample_document):
    sample_document["proposals"][0]["architecture"] = "<script>alert(1)</script>"
    svg = charts.cost_headroom_svg(sample_document)
    assert "<script>" not in svg and "&lt;script&gt;" in svg
