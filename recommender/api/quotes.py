"""Quotes API: a user imports, lists and deletes their own vendor quotes (JSON rows or CSV; all or nothing)."""
from drf_spectacular.utils import extend_schema
from rest_framework import parsers, permissions, serializers, status, viewsets
from rest_framework.response import Response

from recommender.catalog import quotes
from recommender.catalog.models import Quote
from recommender.catalog.validation import CatalogError

from .catalog import CSVTextParser, _csv_text


class QuoteSerializer(serializers.Serializer):
    """One quote as the list returns it (recommender.catalog.quotes.quote_dict)."""
    id = serializers.IntegerField()
    block_id = serializers.CharField()
    unit_price_usd = serializers.FloatField()
    valid_until = serializers.DateField()
    vendor_ref = serializers.CharField()
    new_block = serializers.BooleanField()


class QuoteViewSet(viewsets.ViewSet):
    """The signed-in user's vendor quotes; they replace catalog estimates in that user's proposals only."""

    permission_classes = [permissions.IsAuthenticated]
    queryset = Quote.objects.none()  # for the schema's path parameter type; every query filters by owner
    parser_classes = [parsers.JSONParser, CSVTextParser, parsers.MultiPartParser, parsers.FormParser]

    @extend_schema(responses={200: QuoteSerializer(many=True)}, summary="List my vendor quotes")
    def list(self, request):
        return Response([quotes.quote_dict(q) for q in Quote.objects.filter(owner=request.user)])

    @extend_schema(request={"application/json": dict, "text/csv": str}, responses={201: dict, 400: dict},
                   summary="Import vendor quotes ({'quotes': [...]} or CSV; all rows or none)")
    def create(self, request):
        try:
            count = quotes.quotes_import(request.user, _rows(request))
        except CatalogError as error:
            return Response({"errors": error.errors}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"imported": count}, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None, 404: dict}, summary="Delete one of my quotes")
    def destroy(self, request, pk=None):
        deleted, _ = Quote.objects.filter(owner=request.user, pk=pk if str(pk).isdigit() else -1).delete()
        if not deleted:
            return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _rows(request):
    data = request.data
    if isinstance(data, dict) and "quotes" in data:
        return quotes.quote_rows_json(data["quotes"])
    return quotes.quote_rows_csv(_csv_text(request))
