"""Managing use cases in a real headless Chromium (Debian's, through Playwright): edit, duplicate,
delete, step pills, cancelling a validation, and the GPU sweep of a 405B model at TP8 × PP16."""
import re

import pytest
from playwright.sync_api import expect

from recommender import services
from recommender.models import UseCase
from recommender.validation.models import Target, ValidationRun

from test_webui_browser import SHOTS, fill_step, log_in

LLAMA3_8B = {
    "name": "Llama3-8B", "workload": "llm_training",
    "model": {"layers": 32, "hidden_size": 4096, "ffn_hidden_size": 14336, "attention_heads": 32,
              "kv_heads": 8, "vocab_size": 128256},
    "precision": "fp16", "optimizer": "adam", "gpus": 8, "gpu_model": "h100",
    "parallelism": {"tensor": 1, "pipeline": 1, "data": 8, "zero_stage": 3},
}
LLAMA_405B = {"name": "Llama 3.1 405B at TP8 x PP16", "workload": "llm_training",
              "model": {"preset": "llama3.1-405b"}, "precision": "bf16", "optimizer": "adamw",
              "gpus": 16384, "gpu_model": "h100", "parallelism": {"tensor": 8, "pipeline": 16}}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}}


def test_it_edits_a_use_case_from_its_page_and_recomputes_it(page, live_server, user):
    use_case, _ = services.use_case_create(user, LLAMA3_8B)
    log_in(page, live_server)
    page.goto(f"{live_server.url}/use-cases/{use_case.pk}/")
    page.click("#edit")
    expect(page.locator("h1")).to_contain_text("Review")
    expect(page.locator("#editing")).to_contain_text("Llama3-8B")
    page.click("button.pill[data-step='cluster']")
    expect(page.locator("[name='cluster-gpus']")).to_have_value("8")
    page.fill("[name='cluster-gpus']", "16")
    page.click("#next")  # parallelism DP 8 no longer fits 16 GPUs: the wizard says so on Review...
    page.click("button.pill[data-step='parallelism']")
    page.fill("[name='parallelism-data']", "16")
    page.click("#next")
    expect(page.locator("h1")).to_contain_text("Review")  # ...and a fix returns straight to Review
    expect(page.locator("#document")).to_contain_text('"gpus": 16')
    page.screenshot(path=SHOTS.format("edit-review"), full_page=True)
    page.click("#next")
    expect(page.locator("h1")).to_have_text("Llama3-8B")
    use_case.refresh_from_db()
    assert use_case.document["gpus"] == 16 and use_case.proposals.count() == 2


def test_it_duplicates_and_deletes_use_cases_from_the_list(page, live_server, user):
    use_case, _ = services.use_case_create(user, LLAMA3_8B)
    log_in(page, live_server)
    page.click(f"[data-duplicate='{use_case.pk}']")
    expect(page.locator("h1")).to_have_text("Llama3-8B (copy)")
    expect(page.locator(".message")).to_contain_text("Duplicated")
    copy = UseCase.objects.get(name="Llama3-8B (copy)")
    page.goto(live_server.url + "/")
    page.click(f"[data-delete='{copy.pk}']")
    expect(page.locator("h1")).to_contain_text("Delete")
    page.click("#confirm-delete")
    expect(page.locator(".message")).to_contain_text("Deleted")
    expect(page.locator("table.list")).not_to_contain_text("(copy)")
    assert list(UseCase.objects.values_list("name", flat=True)) == ["Llama3-8B"]


def test_it_moves_between_steps_with_the_pills_and_keeps_what_was_typed(page, live_server, user):
    log_in(page, live_server)
    page.goto(live_server.url + "/new/")
    fill_step(page, {"name": "pills", "workload": "rag"})
    page.fill("[name='rag-vectors']", "1B")
    page.click("button.pill[data-step='basics']")
    expect(page.locator("[name='basics-name']")).to_have_value("pills")
    page.click("#next")
    expect(page.locator("[name='rag-vectors']")).to_have_value("1B")
    fill_step(page, {"dimensions": "768", "encoding": "float32", "index": "diskann", "qps": "2000"})
    fill_step(page, {"gpus": "99999999999"})
    expect(page.locator(".error[data-field='gpus']")).to_contain_text("less than or equal to 1000000")


def test_it_cancels_a_queued_validation_with_its_button(page, live_server, user, redis_url, tmp_path):
    use_case, _ = services.use_case_create(user, LLAMA3_8B)
    (tmp_path / "target").mkdir()
    Target.objects.create(name="scratch", host_queue="nobody-listens", path=str(tmp_path / "target"),
                          block="pfs-flash-5u", size_cap_bytes=48 << 20, free_floor_bytes=0, public=True)
    log_in(page, live_server)
    page.goto(f"{live_server.url}/use-cases/{use_case.pk}/")
    page.fill("#budget_s", "5")
    page.click("#launch")
    expect(page.locator("#run-state")).to_have_text("queued")
    expect(page.locator("#cancel-run")).to_be_visible()
    page.click("#cancel-run")
    expect(page.locator("#run-state")).to_have_text("cancelled")
    expect(page.locator("#cancel-run")).to_be_hidden()
    assert ValidationRun.objects.get(use_case=use_case).status == "cancelled"


def test_it_shows_the_sweep_of_a_405b_model_at_tp8_pp16(page, live_server, user):
    use_case, proposal = services.use_case_create(user, LLAMA_405B)
    counts = services.proposal_charts_ensure(proposal)["sweep"]["counts"]
    assert counts and all(c % 128 == 0 for c in counts)  # whole TP8 × PP16 groups
    log_in(page, live_server)
    page.goto(f"{live_server.url}/use-cases/{use_case.pk}/")
    sweep = page.locator("#sweep svg.chart")
    expect(sweep).to_have_count(1)
    expect(page.locator("#sweep figcaption")).to_contain_text(f"{counts[0]:,} to {counts[-1]:,} GPUs")
    expect(page.locator("#headline")).to_contain_text(re.compile(r"TP8 × PP16"))
    page.locator("#charts").screenshot(path=SHOTS.format("sweep-405b"))
