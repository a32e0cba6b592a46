"""OpenAPI descriptions of the JSON documents (the contract in ../shared/BRIEF.md)."""
from rest_framework import serializers


class UseCaseDocumentField(serializers.Serializer):
    """A use-case document; validated by rules.usecase, errors keyed by dotted path."""

    name = serializers.CharField(required=False)
    workload = serializers.ChoiceField(choices=[
        "llm_training", "cv_training", "llm_inference", "rag", "video_analytics", "tabular_ml",
        "data_ingest"])
    model = serializers.JSONField(required=False, help_text='{"preset": "llama3.1-70b"} or dims or {"parameters": N}')
    precision = serializers.ChoiceField(choices=["fp32", "bf16", "fp16", "fp8"], required=False)
    optimizer = serializers.ChoiceField(
        choices=["adam", "adamw", "sgd", "sgd_momentum", "adafactor", "adam_8bit", "none"], required=False)
    framework = serializers.ChoiceField(choices=["megatron", "deepspeed", "fsdp", "hf_trainer"], required=False)
    parallelism = serializers.JSONField(required=False)
    gpus = serializers.IntegerField(min_value=1)
    gpu_model = serializers.CharField(required=False)
    data = serializers.JSONField(required=False)
    inference = serializers.JSONField(required=False)
    priority = serializers.ChoiceField(choices=["balanced", "performance", "cost"], required=False)


class FindingSerializer(serializers.Serializer):
    rule = serializers.CharField()
    text = serializers.CharField()
    inputs = serializers.JSONField(required=False)
    result = serializers.JSONField(required=False)
    formula = serializers.CharField(required=False)
    sources = serializers.ListField(child=serializers.CharField())


class BomLineSerializer(serializers.Serializer):
    """One bill-of-materials line; a figure with no public source is null ("unknown"), never 0."""
    item = serializers.CharField()
    name = serializers.CharField()
    tier = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price_usd = serializers.FloatField(allow_null=True)
    subtotal_usd = serializers.FloatField(allow_null=True)
    price_is_estimate = serializers.BooleanField()
    price_known = serializers.BooleanField(required=False)
    price_basis = serializers.CharField(required=False, help_text="list | street_estimate | media_lower_bound | "
                                        "quote | unknown | included (inside the unit named by included_in)")
    included_in = serializers.CharField(required=False, help_text="the block whose unit price holds this line")
    price_year = serializers.IntegerField(allow_null=True, required=False)
    source = serializers.CharField(required=False, allow_blank=True)
    power_w = serializers.FloatField(allow_null=True, required=False)
    rack_units = serializers.FloatField(allow_null=True, required=False)
    quoted = serializers.BooleanField(required=False)
    vendor_ref = serializers.CharField(allow_null=True, required=False)


class RankedProposalSerializer(serializers.Serializer):
    """One ranked option. Options ranked past recommender.ranking.DETAIL_LIMIT (20) that are not on the Pareto
    front are summaries: `detail` is "summary" and they hold only ranking.SUMMARY_KEYS (no `bom`, `tco`,
    `unmet`, `gaps`, `failure_domains`, `degraded`, `fabric`, `description`). Full options have no `detail`."""
    rank = serializers.IntegerField()
    architecture = serializers.CharField()
    name = serializers.CharField()
    score = serializers.FloatField()
    cost_usd = serializers.FloatField()
    meets_requirements = serializers.BooleanField()
    first_unmet = serializers.CharField(allow_null=True)
    status = serializers.CharField(required=False, help_text="met | unknown | unmet")
    headroom_index = serializers.FloatField(required=False)
    detail = serializers.CharField(required=False, help_text='"summary" on an option returned without its records '
                                   "(ranked past the first 20 and off the Pareto front); absent on full options")
    bom = BomLineSerializer(many=True, required=False, help_text="absent on a summary")
    headroom = serializers.DictField(child=serializers.FloatField())


class TierSerializer(serializers.Serializer):
    tier = serializers.CharField()
    capacity_bytes = serializers.IntegerField()
    read_bytes_per_s = serializers.FloatField()
    write_bytes_per_s = serializers.FloatField()
    iops = serializers.FloatField()
    needs = serializers.ListField(child=serializers.CharField())
    reason = serializers.CharField()


class ProposalDocumentSerializer(serializers.Serializer):
    use_case = serializers.JSONField()
    requirements = serializers.JSONField(help_text="need → {field_with_unit: value}")
    tiers = TierSerializer(many=True)
    proposals = RankedProposalSerializer(many=True)
    findings = FindingSerializer(many=True)
    priority = serializers.CharField()
    generated_at = serializers.DateTimeField()


# Routes accept an optional trailing slash ("/?"); the schema shows each path in its canonical form.
NO_SLASH_SUFFIXES = ("/sizing/", "/sweep/", ".pdf/", ".csv/")


def canonical_paths(result, generator, request, public):
    """drf-spectacular post-processing hook: `/api/v1/sizing/` → `/api/v1/sizing`, etc."""
    result["paths"] = {
        (p[:-1] if p.endswith(NO_SLASH_SUFFIXES) else p): item for p, item in result["paths"].items()
    }
    return result
