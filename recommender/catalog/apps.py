from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "recommender.catalog"
    label = "catalog"
    verbose_name = "Storage catalog"
