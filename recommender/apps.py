"""The core app: use cases and their stored proposals."""
from django.apps import AppConfig


class RecommenderConfig(AppConfig):
    name = "recommender"
    verbose_name = "Storage advisor"
