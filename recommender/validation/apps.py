from django.apps import AppConfig


class ValidationConfig(AppConfig):
    name = "recommender.validation"
    label = "benchmarks"
    verbose_name = "Validation runs"
