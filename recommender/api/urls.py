"""REST API v1 routes; each resource lives in its own module."""
from django.urls import path, re_path
from rest_framework.routers import DefaultRouter

from . import catalog, quotes, sizing, use_cases, validations



class OptionalSlashRouter(DefaultRouter):
    """Routes answer with or without the trailing slash (`/report.pdf` and `/use-cases`)."""

    include_format_suffixes = False

    def __init__(self):
        super().__init__()
        self.trailing_slash = "/?"


router = OptionalSlashRouter()
router.register("use-cases", use_cases.UseCaseViewSet, basename="use-case")
router.register("validations", validations.ValidationRunViewSet, basename="validation")
router.register("targets", validations.TargetViewSet, basename="target")
router.register("catalog/blocks", catalog.BlockViewSet, basename="catalog-block")
router.register("catalog/architectures", catalog.ArchitectureViewSet, basename="catalog-architecture")
router.register("catalog/quotes", quotes.QuoteViewSet, basename="catalog-quote")

urlpatterns = [
    re_path(r"^sizing/?$", sizing.SizingView.as_view(), name="sizing"),
    re_path(r"^sizing/sweep/?$", sizing.SweepView.as_view(), name="sizing-sweep"),
    *validations.extra_urlpatterns,
    *catalog.extra_urlpatterns,
    *router.urls,
]
