"""One engine per thread, reset between evaluations, gives what a freshly built engine gives, byte for
byte and in the same order in every process; its flat reset clears every node experta's reset does."""
import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from experta.matchers import ReteMatcher

import rules
from rules import engine, presets, rete

USECASES = sorted((Path(__file__).resolve().parents[2] / "fixtures" / "usecases").glob("*.json"))


def text(result):
    return json.dumps(result, sort_keys=False, default=repr)


def in_a_new_thread(function, *args):
    """function(*args) on a thread of its own, so with an engine (and Rete network) of its own."""
    out = {}
    thread = threading.Thread(target=lambda: out.update(value=function(*args)))
    thread.start()
    thread.join(timeout=60)
    return out["value"]


def test_every_fixture_use_case_is_found_here():
    assert len(USECASES) >= 8


@pytest.mark.parametrize("path", USECASES, ids=lambda p: p.stem)
def test_a_reused_engine_answers_as_a_fresh_one_byte_for_byte(path):
    document = json.loads(path.read_text())
    for other in USECASES:  # leave the thread's engine full of another evaluation's memories first
        rules.evaluate(json.loads(other.read_text()))
    reused = text(rules.evaluate(document))
    assert reused == text(in_a_new_thread(rules.evaluate, document))
    assert reused == text(rules.evaluate(document))


EVERY_FIXTURE = """
import json, sys
import rules
for path in sys.argv[1:]:
    print(json.dumps(rules.evaluate(json.loads(open(path).read())), default=repr))
"""


def test_every_process_answers_the_same_bytes():
    """experta orders its network by rule identity hashes, which differ from one process (one gunicorn
    worker) to the next: the findings' order must not follow them."""
    root = Path(__file__).resolve().parents[2]
    answers = {subprocess.run([sys.executable, "-c", EVERY_FIXTURE, *map(str, USECASES)], cwd=root, check=True,
                              capture_output=True, text=True, timeout=120).stdout for _ in range(4)}
    assert len(answers) == 1 and len(next(iter(answers)).splitlines()) == len(USECASES)


def recursive_nodes(node):
    yield node
    for child in node.children:
        yield from recursive_nodes(child.node)


def test_the_flat_reset_clears_every_node_experta_resets():
    advisor = engine.Advisor({})
    assert isinstance(advisor.matcher, ReteMatcher)
    touched = {id(n) for n in recursive_nodes(advisor.matcher.root_node)}
    flat = rete._network_nodes(advisor.matcher.root_node)
    assert {id(n) for n in flat} == touched and len(flat) == len(touched) > 20


def test_the_ties_follow_the_rules_as_written():
    written = engine._rules_as_written(engine.Advisor)
    assert len(written) == len({r._wrapped for r in engine.Advisor({}).get_rules()})
    assert written[0].__qualname__.startswith("TrainingRules.")  # the first class of the engine


def test_a_preset_is_a_deep_copy():
    first = presets.gpu("h100")
    first["aliases"].append("changed")
    first["hbm_bytes"] = 0
    again = presets.gpu("h100")
    assert "changed" not in again["aliases"] and again["hbm_bytes"] > 0
    assert again == presets._load("gpus")[presets.resolve("gpus", "h100")]


def test_a_reset_leaves_every_node_memory_empty():
    rules.evaluate(json.loads(USECASES[0].read_text()))
    advisor = engine._local.engine
    advisor.reset()
    for node in recursive_nodes(advisor.matcher.root_node):
        for name in ("memory", "left_memory", "right_memory"):
            assert not getattr(node, name, None), (node, name)


def test_the_watchers_still_log_what_experta_logs(caplog):
    from experta import watchers

    levels = {name: getattr(watchers, name).level for name in ("RULES", "MATCH", "MATCHER")}
    watchers.watch(*levels)
    try:
        with caplog.at_level("DEBUG", logger="experta.watchers"):
            rules.evaluate({"workload": "llm_training", "model": {"preset": "llama3.1-8b"}, "gpus": 8})
    finally:
        for name, level in levels.items():
            getattr(watchers, name).setLevel(level)
    lines = [r.getMessage() for r in caplog.records]
    assert any(line.startswith("FIRE 1 ") for line in lines)
    assert any("activated with token" in line for line in lines)
    assert any(line.startswith("what=") for line in lines)


def test_a_fact_keeps_scalars_and_freezes_the_rest():
    from experta.utils import frozenlist

    from rules.kb import Need

    need = Need(name="x", total_bytes=3, ratio=0.5, known=True, note=None, parts=[1, 2])
    assert need["total_bytes"] == 3 and need["note"] is None and need["parts"] == frozenlist([1, 2])
    need.__factid__ = 1
    with pytest.raises(RuntimeError):
        need["total_bytes"] = 4


def test_a_preset_is_known_without_a_copy():
    assert presets.known("workloads", "UNet3D") and not presets.known("workloads", "llama3.1-8b")
    assert not presets.known("models", ["not", "a", "name"])


@pytest.mark.parametrize("path", USECASES, ids=lambda p: p.stem)
def test_the_parent_made_tests_answer_as_the_children_would(path):
    """With the MATCH watcher at DEBUG every child makes its own test (each failure logs a line);
    without it, parents skip the children whose type, literal or field test fails."""
    from experta import watchers

    document = json.loads(path.read_text())
    quiet = text(rules.evaluate(document))
    level = watchers.MATCH.level
    watchers.watch("MATCH")
    try:
        assert text(rules.evaluate(document)) == quiet
    finally:
        watchers.MATCH.setLevel(level)
