"""Validation API (placeholder until the validation work lands)."""
from rest_framework import viewsets
from rest_framework.response import Response

extra_urlpatterns = []


class ValidationRunViewSet(viewsets.ViewSet):
    def list(self, request):
        return Response([])


class TargetViewSet(viewsets.ViewSet):
    def list(self, request):
        return Response([])
