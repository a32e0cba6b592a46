"""Django app config for validation runs (label `benchmarks` kept from the old folder name)."""
from django.apps import AppConfig


class ValidationConfig(AppConfig):
    name = "recommender.validation"
    label = "benchmarks"
    verbose_name = "Validation runs"

    def ready(self):
        from django.db.models.signals import pre_delete

        from recommender.models import UseCase

        pre_delete.connect(_cancel_runs_of_use_case, sender=UseCase, dispatch_uid="validation-cancel-on-delete")


def _cancel_runs_of_use_case(sender, instance, **kwargs):
    """Deleting a use case cancels its queued and running validation runs first."""
    from . import services

    services.runs_cancel_for_use_case(instance)
