"""Catalog API (placeholder until the catalog work lands)."""
from rest_framework import viewsets
from rest_framework.response import Response


class BlockViewSet(viewsets.ViewSet):
    def list(self, request):
        return Response([])


class ArchitectureViewSet(viewsets.ViewSet):
    def list(self, request):
        return Response([])
