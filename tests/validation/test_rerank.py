"""Calibration end to end: a run's figures replace the mapped block's datasheet and re-rank.

This one depends on the real rules and ranking (fixtures/catalog)."""
from recommender import services as core_services
from recommender.validation import services
from recommender.validation.models import RunHost
from recommender.models import Proposal

MLPERF_8B = {"workload": "llm_training", "precision": "fp16", "optimizer": "adam",
             "model": {"layers": 32, "hidden_size": 4096, "ffn_hidden_size": 14336, "attention_heads": 32,
                       "kv_heads": 8, "vocab_size": 128256},
             "parallelism": {"tensor": 1, "pipeline": 1, "data": 8, "zero_stage": 3}, "gpus": 8,
             "gpu_model": "h100"}


def test_it_re_ranks_with_measured_figures_marked_measured(user, make_target):
    use_case, first = core_services.use_case_create(user, MLPERF_8B)
    block = "pfs-flash-5u"
    make_target("pfs", block=block)
    run = services.run_create(user, use_case, ["pfs"], 5)
    RunHost.objects.filter(run=run).update(status="succeeded", results={"measurements": {
        "checkpoint_write_bytes_per_s": 2e9, "checkpoint_restore_bytes_per_s": 3e9, "sample_read_iops": 1e4}})
    services.run_finish_if_done(run.pk)
    run.refresh_from_db()
    note = run.results["calibration"]
    assert note["measured"] == {block: {"write_bytes_per_s": 2e9, "read_bytes_per_s": 3e9, "iops": 1e4}}
    calibrated = Proposal.objects.get(pk=note["proposal_id"])
    assert calibrated.calibrated_by == run and use_case.latest_proposal() == calibrated
    uses_block = [p for p in calibrated.document["proposals"] if any(i["item"] == block for i in p["bom"])]
    others = [p for p in calibrated.document["proposals"] if p not in uses_block]
    assert uses_block and all(p["figures"] == "measured" for p in uses_block)
    assert all(p["figures"] == "datasheet" for p in others)
    assert [r["figures"] for r in note["ranking"]] == [p["figures"] for p in calibrated.document["proposals"]]


def test_a_fresh_installs_default_target_stands_for_local_nvme_and_re_ranks(user, settings, tmp_path):
    from recommender.catalog import selectors as catalog_selectors
    from recommender.management.commands.demo import default_target

    settings.VALIDATION_DEFAULT_TARGET_DIR = tmp_path / "targets" / "default"
    target = default_target(user)
    blocks = {b["id"]: b for b in catalog_selectors.catalog_current()["blocks"]}
    assert target.block in blocks and blocks[target.block]["kind"].startswith("das_nvme")
    use_case, first = core_services.use_case_create(user, MLPERF_8B)
    run = services.run_create(user, use_case, None, 5)
    RunHost.objects.filter(run=run).update(status="succeeded", results={"measurements": {
        "checkpoint_write_bytes_per_s": 2e9, "checkpoint_restore_bytes_per_s": 3e9}})
    services.run_finish_if_done(run.pk)
    run.refresh_from_db()
    note = run.results["calibration"]
    assert note["measured"] == {target.block: {"write_bytes_per_s": 2e9, "read_bytes_per_s": 3e9}}
    assert use_case.latest_proposal().pk == note["proposal_id"] != first.pk
