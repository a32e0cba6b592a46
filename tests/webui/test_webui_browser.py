"""The wizard in a real headless Chromium (Debian's, through Playwright): log in, fill every step,
read real values on the result page. Screenshots land in /tmp/webui-*.png for a human look."""
import re

import pytest
from playwright.sync_api import expect

from recommender.models import UseCase

SHOTS = "/tmp/webui-{}.png"


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}}


def log_in(page, live_server):
    page.goto(live_server.url + "/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "alice-password-1")
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("My use cases")


def fill_step(page, values, shot=None):
    """Fill a step's fields (name -> value; radios and selects by value) and press Next."""
    step = page.locator("input[name$='-current_step']").input_value()
    for name, value in values.items():
        field = page.locator(f"[name='{step}-{name}']")
        if field.first.get_attribute("type") in ("radio", "checkbox"):
            for item in [value] if isinstance(value, str) else value:
                page.check(f"[name='{step}-{name}'][value='{item}']")
        elif field.first.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    if shot:
        page.screenshot(path=SHOTS.format(shot), full_page=True)
    page.click("#next")
    return step


def test_it_takes_an_architect_from_login_through_every_step_to_the_result(page, live_server, user):
    log_in(page, live_server)
    page.click("text=New use case >> nth=0")
    steps = [
        {"name": "Llama3-8B MLPerf", "workload": "llm_training"},
        {"layers": "32", "hidden_size": "4096", "ffn_hidden_size": "14336", "attention_heads": "32",
         "kv_heads": "8", "vocab_size": "128256"},
        {"precision": "fp16", "optimizer": "adam"},
        {"gpus": "8", "gpu_model": "h100"},
        {"tensor": "1", "pipeline": "1", "data": "8", "zero_stage": "3"},
        {"mode": "sync", "stall_budget_percent": "5", "recovery_s": "10 min"},
        {},
    ]
    visited = [fill_step(page, values, shot=f"step-{i}") for i, values in enumerate(steps)]
    assert visited == ["basics", "model", "training", "cluster", "parallelism", "checkpoint", "data"]
    expect(page.locator("#document")).to_contain_text('"zero_stage": 3')
    page.screenshot(path=SHOTS.format("review"), full_page=True)
    page.click("#next")

    expect(page.locator("h1")).to_have_text("Llama3-8B MLPerf")
    page.screenshot(path=SHOTS.format("result"), full_page=True)
    page.locator("#charts").screenshot(path=SHOTS.format("charts"))
    expect(page.locator("#charts svg.chart")).to_have_count(4)  # cost/headroom, tier bandwidth, GPU sweep, checkpoint cost
    total = page.locator("[data-field='checkpoint.total_bytes'] .value")
    expect(total).to_contain_text("104.7 GiB")  # MLPerf Storage: Llama3-8B TP1 PP1 DP8 ZeRO-3
    expect(page.locator("[data-field='checkpoint.files'] .value")).to_have_text("16")
    expect(page.locator("#proposals article").first).to_contain_text("$")
    expect(page.locator("#why li").first).to_contain_text("Sources:")
    assert UseCase.objects.filter(owner=user, name="Llama3-8B MLPerf").count() == 1


def test_it_shows_a_field_error_on_the_bad_step_in_the_browser(page, live_server, user):
    log_in(page, live_server)
    page.goto(live_server.url + "/new/")
    fill_step(page, {"workload": "rag"})
    fill_step(page, {"vectors": "1B", "dimensions": "768", "encoding": "float32", "index": "diskann",
                     "qps": "2000"})
    fill_step(page, {"gpus": "-4"})
    error = page.locator(".error[data-field='gpus']")
    expect(error).to_contain_text("greater than or equal to 1")
    page.screenshot(path=SHOTS.format("field-error"), full_page=True)
    assert UseCase.objects.count() == 0


def test_it_renders_a_stored_proposal_with_charts_and_why_links(page, live_server, stored):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/use-cases/{stored[0].pk}/")
    expect(page.locator("[data-field='checkpoint.write_bytes_per_s'] .value")).to_have_text("415.6 MB/s")
    expect(page.locator("svg.chart")).to_have_count(2)
    page.click("[data-field='checkpoint.interval_s'] .why a >> nth=0")
    expect(page).to_have_url(re.compile(r"#finding-3$"))
    expect(page.locator("#finding-3")).to_contain_text("Young, CACM 17(9) 1974")
    page.screenshot(path=SHOTS.format("stored-result"), full_page=True)


def test_it_compares_scenarios_picked_on_the_list(page, live_server, user, sample_document, store):
    small, _ = store(user, sample_document, name="Small cluster")
    big = dict(sample_document, requirements={"checkpoint": dict(sample_document["requirements"]["checkpoint"],
                                                                 write_bytes_per_s=3.3e9)})
    large, _ = store(user, big, name="Large cluster")
    log_in(page, live_server)
    page.check(f"input[name=ids][value='{small.pk}']")
    page.check(f"input[name=ids][value='{large.pk}']")
    page.screenshot(path=SHOTS.format("home"), full_page=True)
    page.click("text=Compare selected")
    table = page.locator("table.compare")
    expect(table).to_contain_text("Small cluster")
    expect(table).to_contain_text("Large cluster")
    expect(table.locator("tr", has_text="Checkpoints · Write bandwidth (B/s)")).to_contain_text("3.30 GB/s")
    page.screenshot(path=SHOTS.format("compare"), full_page=True)
