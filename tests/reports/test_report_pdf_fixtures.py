"""The PDF of real proposals (every fixture use case, built and stored as the app does), read back
with pdftotext: every requirement value is printed, and page 2 is the executive summary."""
import json
import subprocess
from pathlib import Path

import pytest

from recommender import presentation, services
from recommender.reports import export

ROOT = Path(__file__).resolve().parents[2]
USE_CASES = sorted((ROOT / "fixtures" / "usecases").glob("*.json"))


def pdftotext(pdf_bytes, tmp_path, *pages):
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf_bytes)
    span = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    return subprocess.run(["pdftotext", *span, str(path), "-"], check=True, capture_output=True, text=True).stdout


def squeeze(text):
    """Without whitespace: a long value wrapped over lines still reads as one string."""
    return "".join(text.split())


@pytest.fixture
def built(user, request):
    use_case, proposal = services.use_case_create(user, json.loads(request.param.read_text()))
    services.proposal_charts_ensure(proposal)  # what the web view and the API do before rendering
    return proposal


@pytest.mark.parametrize("built", USE_CASES, ids=lambda p: p.stem, indirect=True)
def test_it_prints_every_requirement_value_of_the_stored_proposal(built, tmp_path):
    text = squeeze(pdftotext(export.proposal_pdf(built), tmp_path))
    sections = presentation.requirement_sections(built.document, [])
    missing = [(s["need"], row["field"], row["text"]) for s in sections for row in s["rows"]
               if squeeze(row["label"]) not in text or squeeze(row["text"]) not in text]
    missing += [(s["need"], path, value) for s in sections for _, values in s["other_rows"]
                for path, value in values if squeeze(value) not in text]
    assert not missing, f"{len(missing)} requirement values not in the PDF, e.g. {missing[:4]}"


@pytest.mark.parametrize("built", [ROOT / "fixtures" / "usecases" / "llm_training.json"], indirect=True,
                         ids=["llm_training"])
def test_it_opens_with_a_cover_and_a_one_page_executive_summary(built, tmp_path):
    pdf = export.proposal_pdf(built)
    cover, summary = pdftotext(pdf, tmp_path, 1), pdftotext(pdf, tmp_path, 2)
    top = built.document["proposals"][0]
    assert squeeze(built.use_case.name) in squeeze(cover) and "Recommended" in cover
    for heading in ("Executive summary", "Recommendation", "Cost and price basis", "What drives it",
                    "Risks and assumptions", "Validation status", "Not validated yet"):
        assert heading in summary, heading
    assert squeeze(top["name"].split(",")[0]) in squeeze(summary) or top["architecture"] in summary
    assert f"${top['cost_usd']:,.0f}" in summary
    assert "Requirements per pipeline stage" not in summary  # the summary holds on its own page


@pytest.mark.parametrize("built", [ROOT / "fixtures" / "usecases" / "llm_training.json"], indirect=True,
                         ids=["llm_training"])
def test_it_draws_the_stored_scale_chart_and_numbers_its_pages(built, tmp_path):
    text = pdftotext(export.proposal_pdf(built), tmp_path)
    assert built.charts["svg"]["sweep"] and "Scale and checkpoint cost" in text
    assert "page 1 of" not in text  # the cover carries no page number
    assert "page 2 of" in text
