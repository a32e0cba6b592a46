"""The PDF report of a stored proposal, read back as text with pdftotext (poppler-utils)."""
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import rules
from recommender import ranking
from recommender.models import Proposal, UseCase
from recommender.reports import export

SAMPLE = Path(__file__).resolve().parent.parent / "webui" / "sample_proposal.json"
assert shutil.which("pdftotext"), "poppler-utils is needed (the Makefile installs it)"


def pdf_text(pdf_bytes, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf_bytes)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def page_count(pdf_bytes, tmp_path):
    path = tmp_path / "count.pdf"
    path.write_bytes(pdf_bytes)
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


@pytest.fixture(scope="module")
def text(tmp_path_factory):
    """Rendered once for the table below (about 2 s); an unsaved Proposal renders like a stored one."""
    document = json.loads(SAMPLE.read_text())
    use_case = UseCase(pk=3, name=document["use_case"]["name"], workload="llm_training",
                       document=document["use_case"])
    proposal = Proposal(pk=7, use_case=use_case, priority="balanced", document=document)
    return pdf_text(export.proposal_pdf(proposal), tmp_path_factory.mktemp("pdf"))


@pytest.mark.parametrize("shown", [
    "Llama3-8B pretraining", "Executive summary", "What drives it", "Bibliography",
    "112.4 GB", "104.7 GiB",            # checkpoint size, decimal and the MLPerf binary figure
    "415.6 MB/s", "187.3 MB/s",         # checkpoint write and restore bandwidth
    "90.2 min",                         # Young/Daly interval
    "1.20 GB/s",                        # training-data read rate
    "Shared fast tier", "562.1 GB",     # tier plan
    "$412,300", "$298,750",             # ranked proposal costs
    "All-flash parallel FS appliance", "$350,000",  # a BOM line
    "does not meet shared_fast.write_bytes_per_s",
    "0.62×",                            # headroom under 1
])
def test_it_prints_the_numbers_of_the_stored_proposal(text, shown):
    assert shown in text


def test_it_prints_every_finding_with_its_sources(text, sample_document):
    flat = " ".join(text.split())
    for finding in sample_document["findings"]:
        assert finding["rule"] in flat
        for source in finding["sources"]:
            assert source in flat, source


def test_it_draws_the_stored_charts_of_an_older_proposal_as_vectors(stored_proposal, tmp_path):
    pdf = export.proposal_pdf(stored_proposal)  # stored before charts were kept: their SVGs, as vectors
    assert "Pareto front" in pdf_text(pdf, tmp_path)  # chart legend text survives as text
    assert page_count(pdf, tmp_path) >= 2


def test_it_places_the_stored_chart_images_of_a_new_proposal(stored_proposal, tmp_path):
    from recommender.reports import charts

    stored_proposal.charts = charts.draw_stored(stored_proposal.document)
    path = tmp_path / "charts.pdf"
    path.write_bytes(export.proposal_pdf(stored_proposal))
    listing = subprocess.run(["pdfimages", "-list", str(path)], check=True, capture_output=True, text=True).stdout
    assert listing.count(" jpeg ") == 2  # cost vs headroom and tier bandwidth, passed through as JPEG


def test_it_renders_from_the_stored_document_without_running_the_rules(stored_proposal, monkeypatch, tmp_path):
    def refuse(_):
        raise AssertionError("the PDF must not re-run the rules")

    monkeypatch.setattr(rules, "evaluate", refuse)
    assert "112.4 GB" in pdf_text(export.proposal_pdf(stored_proposal), tmp_path)


def test_the_report_lists_a_summarised_option_without_a_bill_of_materials():
    from recommender.reports.pdf import proposal_html

    document = json.loads(SAMPLE.read_text())
    last = document["proposals"][-1]
    document["proposals"][-1] = {**{k: last[k] for k in ranking.SUMMARY_KEYS if k in last}, "detail": "summary"}
    use_case = UseCase(pk=3, name=document["use_case"]["name"], workload="llm_training", document=document["use_case"])
    html = proposal_html(Proposal(pk=7, use_case=use_case, priority="balanced", document=document))
    assert f"#{last['rank']} " in html and "no bill of materials is shown for it" in html
    assert html.count("no bill of materials is shown") == 1
