"""Use cases (per owner) and the proposals computed for them, stored as JSON documents."""
from django.conf import settings
from django.db import models


class UseCase(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="use_cases")
    name = models.CharField(max_length=200)
    workload = models.CharField(max_length=40)
    document = models.JSONField(help_text="The use-case document as submitted (validated); each proposal keeps the normalized one")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.name

    def latest_proposal(self):
        return self.proposals.order_by("-created_at", "-id").first()


class Proposal(models.Model):
    use_case = models.ForeignKey(UseCase, on_delete=models.CASCADE, related_name="proposals")
    priority = models.CharField(max_length=20, default="balanced")
    document = models.JSONField(help_text="requirements, tiers, proposals, findings")
    charts = models.JSONField(default=dict, blank=True,
                              help_text="SVG charts drawn once, when the proposal is first shown, and the GPU sweep they show")
    calibrated_by = models.ForeignKey(
        "benchmarks.ValidationRun", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="calibrated_proposals",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Proposal {self.pk} for {self.use_case}"
