"""Catalog API: read-only blocks and architectures; staff-only CSV import and CSV export of blocks."""
from django.http import HttpResponse
from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import parsers, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from recommender.catalog import services
from recommender.catalog.models import Architecture, Block
from recommender.catalog.selectors import architecture_dict, block_dict
from recommender.catalog.validation import CatalogError


class BlockSerializer(serializers.ModelSerializer):
    # block_dict gives null when a block names no network port block (the model keeps "")
    network_port_block = serializers.CharField(max_length=80, allow_null=True, required=False,
                                               help_text="block id of the network port this block needs")

    class Meta:
        model = Block
        exclude = ["updated_at"]

    def to_representation(self, instance):
        return block_dict(instance)


class ArchitectureSerializer(serializers.ModelSerializer):
    tiers = serializers.DictField(child=serializers.CharField(), help_text="tier id → block id")

    class Meta:
        model = Architecture
        fields = ["id", "name", "description", "tiers", "sources"]

    def to_representation(self, instance):
        return architecture_dict(instance)


class CSVTextParser(parsers.BaseParser):
    """A raw text/csv request body."""

    media_type = "text/csv"

    def parse(self, stream, media_type=None, parser_context=None):
        return stream.read() if stream is not None else b""  # decoded by _csv_text: one error shape


def _csv_text(request):
    """The CSV from a text/csv body or a multipart 'file' field (an upload or a plain text field)."""
    data = request.data
    if isinstance(data, bytes):
        return _decoded(data)
    upload = data.get("file") if hasattr(data, "get") else None
    if upload is None:
        raise CatalogError(["file: send a text/csv body or a multipart field named 'file'"])
    if isinstance(upload, str):
        return upload
    return _decoded(upload.read())


def _decoded(raw):
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CatalogError(["file: not UTF-8 text"]) from None


class BlockViewSet(viewsets.ReadOnlyModelViewSet):
    """Storage building blocks with their sourced per-unit figures."""

    queryset = Block.objects.all()
    serializer_class = BlockSerializer

    @extend_schema(request={"text/csv": str}, responses={200: dict, 400: dict},
                   summary="Import blocks from CSV (staff only; all rows or none)")
    @action(detail=False, methods=["post"], url_path="import", permission_classes=[permissions.IsAdminUser],
            parser_classes=[CSVTextParser, parsers.MultiPartParser, parsers.FormParser])
    def import_csv(self, request):
        try:
            count = services.blocks_import_csv(_csv_text(request))
        except CatalogError as error:
            return Response({"errors": error.errors}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"imported": count})

    @extend_schema(responses={(200, "text/csv"): str}, summary="Export blocks as CSV")
    @action(detail=False, methods=["get"], url_path=r"export\.csv")
    def export_csv(self, request):
        response = HttpResponse(services.blocks_export_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="catalog-blocks.csv"'
        return response


class ArchitectureViewSet(viewsets.ReadOnlyModelViewSet):
    """Architectures: which block holds each tier."""

    queryset = Architecture.objects.prefetch_related("tiers")
    serializer_class = ArchitectureSerializer


@extend_schema_view(import_csv=extend_schema(exclude=True), export_csv=extend_schema(exclude=True))
class BlockCsvAliasViewSet(BlockViewSet):
    """The same CSV actions without the router's trailing slash; documented once, under the router's route."""


# The brief's spelling without the trailing slash; the action's own kwargs (staff-only
# permission, CSV parser) must come along.
extra_urlpatterns = [
    path("catalog/blocks/import",
         BlockCsvAliasViewSet.as_view({"post": "import_csv"}, **BlockViewSet.import_csv.kwargs)),
    path("catalog/blocks/export.csv",
         BlockCsvAliasViewSet.as_view({"get": "export_csv"}, **BlockViewSet.export_csv.kwargs)),
]
