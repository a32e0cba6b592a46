from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    name = "recommender.benchmarks"
    label = "benchmarks"
    verbose_name = "Validation runs"
