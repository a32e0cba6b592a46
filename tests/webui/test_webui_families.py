"""Every workload family through the wizard to a stored use case, with the real rules engine,
ranking and catalog: the result page shows the family's requirements in human units."""
import re

import pytest
from django.urls import reverse

from recommender.models import UseCase

CLUSTER = ("cluster", {"gpus": "16", "gpu_model": "h100"})
FAMILIES = {
    "llm_training": [
        ("model", {"preset": "llama3.1-70b"}),
        ("training", {"precision": "bf16", "optimizer": "adamw", "framework": "megatron"}),
        ("cluster", {"gpus": "64", "gpu_model": "h100"}),
        ("parallelism", {"tensor": "8", "pipeline": "1", "zero_stage": "1"}),
        ("checkpoint", {"mode": "async", "stall_budget_percent": "3", "retained": "3"}),
        ("data", {"total_bytes": "20 TB"}),
    ],
    "cv_training": [("cv", {"preset": "unet3d", "utilisation_percent": "90"}), ("cluster", {"gpus": "8",
                                                                                         "gpu_model": "h100"})],
    "llm_inference": [
        ("model", {"preset": "llama3.1-70b"}),
        ("inference", {"context_tokens": "128k", "concurrent_sequences": "64", "kv_dtype": "bf16",
                       "weight_dtype": "bf16", "cold_start_target_s": "60 s"}),
        CLUSTER,
    ],
    "rag": [("rag", {"vectors": "1B", "dimensions": "768", "encoding": "float32", "index": "diskann",
                     "qps": "2000", "corpus_bytes": "5 TB"}), CLUSTER],
    "video_analytics": [("video", {"streams": "500", "bitrate_mbit": "4", "retention_days": "30",
                                   "source": "live"}), CLUSTER],
    "tabular_ml": [("tabular", {"format": "csv", "dataset_bytes": "2 TB", "scan_target_s": "10 min"}), CLUSTER],
    "data_ingest": [("ingest", {"mode": "streaming", "bytes_per_day": "40 TB", "source": "object"}), CLUSTER],
}
# need shown on the result page for each family (docs/architecture.md need names)
NEEDS = {"llm_training": "checkpoint", "cv_training": "training_data", "llm_inference": "kv_cache",
         "rag": "rag_index", "video_analytics": "video", "tabular_ml": "tabular", "data_ingest": "ingest"}


def walk(client, workload, steps):
    url = client.get(reverse("wizard-start"))["Location"]
    prefix = "usecase_wizard_" + url.rstrip("/").rsplit("/", 1)[1]
    response = None
    for step, fields in [("basics", {"name": f"{workload} case", "workload": workload,
                                     "priority": "balanced"}), *steps, ("review", {})]:
        data = {f"{prefix}-current_step": step, **{f"{step}-{k}": v for k, v in fields.items()}}
        response = client.post(url, data)
        if response.status_code == 200:  # the next step, or this one again with its errors
            assert not response.context["form"].errors, (step, response.context["form"].errors)
    return response


@pytest.mark.parametrize("workload", list(FAMILIES))
def test_it_creates_a_use_case_for_every_family(logged_in, user, workload):
    response = walk(logged_in, workload, FAMILIES[workload])
    assert response.status_code == 302, response.content.decode()[:2000]
    use_case = UseCase.objects.get(owner=user, name=f"{workload} case")
    assert response["Location"] == reverse("use-case", args=[use_case.pk])
    page = logged_in.get(response["Location"]).content.decode()
    section = page.split(f'data-need="{NEEDS[workload]}"', 1)[1].split("</table>", 1)[0]
    assert re.search(r'class="num value">[0-9.,]+ ?(?:[kMGTP]?B|[kMGTP]?B/s|GiB|KiB|k IOPS|IOPS|min|s|h|d)?',
                     section)
    assert use_case.proposals.count() == 1


def test_it_sends_a_rule_error_back_to_the_step_that_owns_the_field(logged_in):
    """TP 3 does not divide Llama 3.1 70B's 64 heads: the rules say so, on the parallelism step."""
    steps = [step if step[0] != "parallelism" else ("parallelism", {"tensor": "3", "pipeline": "1",
                                                                    "data": "8", "zero_stage": "1"})
             for step in FAMILIES["llm_training"]]
    steps = [s if s[0] != "cluster" else ("cluster", {"gpus": "24", "gpu_model": "h100"}) for s in steps]
    url = logged_in.get(reverse("wizard-start"))["Location"]
    prefix = "usecase_wizard_" + url.rstrip("/").rsplit("/", 1)[1]
    for step, fields in [("basics", {"workload": "llm_training", "priority": "balanced"}), *steps]:
        logged_in.post(url, {f"{prefix}-current_step": step, **{f"{step}-{k}": v for k, v in fields.items()}})
    response = logged_in.post(url, {f"{prefix}-current_step": "review"})
    assert response.status_code == 200
    assert response.context["wizard"]["steps"].current == "parallelism"
    assert "must divide attention_heads" in " ".join(response.context["form"].errors["tensor"])
    assert UseCase.objects.count() == 0
