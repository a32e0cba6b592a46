"""REST API v1 routes; each resource lives in its own module."""
from django.urls import path
from rest_framework.routers import DefaultRouter

from . import catalog, sizing, use_cases, validations

router = DefaultRouter(trailing_slash=True)
router.register("use-cases", use_cases.UseCaseViewSet, basename="use-case")
router.register("validations", validations.ValidationRunViewSet, basename="validation")
router.register("targets", validations.TargetViewSet, basename="target")
router.register("catalog/blocks", catalog.BlockViewSet, basename="catalog-block")
router.register("catalog/architectures", catalog.ArchitectureViewSet, basename="catalog-architecture")

urlpatterns = [
    path("sizing", sizing.SizingView.as_view(), name="sizing"),
    path("sizing/", sizing.SizingView.as_view()),
    path("sizing/sweep", sizing.SweepView.as_view(), name="sizing-sweep"),
    *validations.extra_urlpatterns,
    *router.urls,
]
