"""Launching a validation run from the result page and watching it finish, in a real browser,
through the JSON API, a real Redis and a real Celery worker."""
import re

from playwright.sync_api import expect

from recommender import services
from recommender.validation.models import Target

LLAMA3_8B = {
    "name": "Llama3-8B to validate", "workload": "llm_training",
    "model": {"layers": 32, "hidden_size": 4096, "ffn_hidden_size": 14336, "attention_heads": 32,
              "kv_heads": 8, "vocab_size": 128256},
    "precision": "fp16", "optimizer": "adam", "gpus": 8, "gpu_model": "h100",
    "parallelism": {"tensor": 1, "pipeline": 1, "data": 8, "zero_stage": 3},
}


def test_it_launches_a_validation_and_shows_progress_results_and_the_reranked_proposal(
        page, live_server, user, celery_worker, tmp_path):
    use_case, _ = services.use_case_create(user, LLAMA3_8B)
    (tmp_path / "target").mkdir()
    Target.objects.create(name="scratch", host_queue="advisor", path=str(tmp_path / "target"),
                          block="pfs-flash-5u", size_cap_bytes=48 << 20, free_floor_bytes=0, public=True)
    page.goto(live_server.url + "/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "alice-password-1")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/use-cases/{use_case.pk}/")

    page.fill("#budget_s", "5")
    page.click("#launch")
    expect(page.locator("#run-status")).to_be_visible()
    expect(page.locator("#run-state")).to_have_text(re.compile("queued|running|succeeded"))
    expect(page.locator("#run-state")).to_have_text("succeeded", timeout=120_000)
    results = page.locator("#run-results")
    expect(results).to_contain_text("checkpoint write bandwidth (B/s)")  # words, not raw keys
    expect(results).to_contain_text("checkpoint: write bandwidth (B/s)")
    expect(results).to_contain_text(re.compile(r"(pass|FAIL) \(([+-]?\d+ %|\d+× the need)\)"))
    expect(results).to_contain_text(re.compile(r"1 client measured (× [\d,]+ planned: extrapolated|of 1 planned: measured|: per-client figure)"))
    page.locator("#validation").screenshot(path="/tmp/webui-validation.png")

    page.click("#see-reranked", timeout=30_000)
    expect(page.locator("h1")).to_have_text("Llama3-8B to validate")
    expect(page.locator("body")).to_contain_text("re-ranked with measured figures")
    expect(page.locator("#proposals")).to_contain_text("measured figures")
