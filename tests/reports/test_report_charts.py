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


def _point(write_gb_per_s, interval_s, gpu_usd, storage_usd):
    return {"write_bytes_per_s": write_gb_per_s * 1e9, "interval_s": interval_s, "stall_s": 1.0,
            "gpu_usd_per_day": gpu_usd, "storage_usd_per_day": storage_usd, "cost_usd_per_day": gpu_usd + storage_usd}


def test_it_draws_the_cost_optimal_checkpoint_curve_with_its_optimum(sample_document):
    sample_document["requirements"]["checkpoint"]["cost_curve"] = [
        _point(10, 300, 900.0, 50.0), _point(30, 600, 300.0, 150.0), _point(90, 1200, 120.0, 450.0)]
    svg = charts.checkpoint_cost_svg(sample_document)
    assert "optimum 30 GB/s, every 10 min" in svg


def test_it_draws_the_curve_the_rules_emit_for_a_training_use_case():
    import json
    from pathlib import Path

    import rules
    case = json.loads((Path(__file__).resolve().parents[2] / "fixtures/usecases/llm_training.json").read_text())
    result = rules.evaluate(case)
    svg = charts.checkpoint_cost_svg({"requirements": result["requirements"]})
    assert svg and "Cost-optimal checkpoint write bandwidth" in svg


def test_it_draws_no_checkpoint_curve_without_one(sample_document):
    assert charts.checkpoint_cost_svg(sample_document) is None


def test_it_escapes_catalog_text_inside_the_inline_svg(sample_document):
    sample_document["proposals"][0]["architecture"] = "<script>alert(1)</script>"
    svg = charts.cost_headroom_svg(sample_document)
    assert "<script>" not in svg and "&lt;script&gt;" in svg
