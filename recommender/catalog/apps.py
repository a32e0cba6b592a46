from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "recommender.catalog"
    label = "catalog"
    verbose_name = "Storage catalog"

    def ready(self):
        from . import snapshot

        snapshot.connect_signals(self)  # every catalog write bumps the shared version
