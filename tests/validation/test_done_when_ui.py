"""Issue 11 "done when", from the UI: an inference, a RAG and a video use case validated in a real
browser (Chromium) on a fresh install's default target, with a real Celery worker and a real Redis:
the run measures only its own patterns, shows only its own requirements' checks, flags every
extrapolated figure on the page and in the PDF, and re-ranks the proposal."""
import re

import pytest
from playwright.sync_api import expect

from recommender import services as core_services
from recommender.validation.models import ValidationRun

from .test_done_when import CASES, assert_own, assert_pdf_flags, fixture, pdf_text

MiB = 1 << 20
# Words a foreign probe or requirement would put on the page.
FOREIGN = {"llm_inference": ("checkpoint", "training", "rag index", "video"),
           "rag": ("checkpoint", "training", "model load", "kv block", "video"),
           "video_analytics": ("checkpoint", "training", "model load", "kv block", "rag index")}


@pytest.mark.parametrize("name", sorted(CASES))
def test_from_the_ui_on_a_fresh_installs_default_target(name, page, live_server, user, settings, tmp_path,
                                                        celery_worker):
    from recommender.management.commands.demo import default_target

    settings.VALIDATION_DEFAULT_TARGET_DIR = tmp_path / "targets" / "default"
    settings.VALIDATION_DEFAULT_SIZE_CAP_BYTES = 256 * MiB
    settings.VALIDATION_DEFAULT_FREE_FLOOR_BYTES = 0
    target = default_target(user)
    assert target.block  # the local NVMe class of this machine
    use_case, first = core_services.use_case_create(user, fixture(name))
    page.goto(live_server.url + "/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "alice-password-1")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/use-cases/{use_case.pk}/")
    expect(page.locator("#validation")).to_contain_text(f"stands for {target.block}")

    page.fill("#budget_s", "5")
    page.click("#launch")
    expect(page.locator("#run-state")).to_have_text("succeeded", timeout=180_000)
    expect(page.locator("#see-reranked")).to_be_visible(timeout=60_000)
    run = ValidationRun.objects.get(use_case=use_case)
    results = run.results
    host = run.hosts.get()
    assert_own(host.results["plan"], results["checks"], first.document["requirements"], CASES[name])
    shown = page.locator("#run-results")
    text = shown.inner_text().lower()
    assert not [w for w in FOREIGN[name] if w in text], text  # no foreign probe or requirement
    for check in results["checks"]:  # each check with its flag: measured, or extrapolated
        expect(shown).to_contain_text(check["flag"])
    assert any(c["basis"] == "extrapolated" for c in results["checks"])
    expect(shown).to_contain_text(re.compile(r"1 client measured × [\d,]+ planned: extrapolated"))

    page.click("#see-reranked")
    expect(page.locator("body")).to_contain_text("re-ranked with measured figures")
    assert use_case.latest_proposal().pk == results["calibration"]["proposal_id"] != first.pk
    assert target.block in results["calibration"]["measured"]
    pdf = page.request.get(f"{live_server.url}/proposals/{results['calibration']['proposal_id']}/report.pdf")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert_pdf_flags(pdf_text(pdf.body(), tmp_path), results["checks"])
