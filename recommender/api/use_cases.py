"""/api/v1/use-cases/: each user's stored use cases, their proposals and exports."""
from django.db.models import OuterRef, Subquery
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from recommender import selectors, services
from recommender.models import Proposal, UseCase
from recommender.reports import export

from . import pdfs
from .parsers import JSONParser
from .throttles import PdfThrottle, SizingThrottle
from .schemas import ProposalDocumentSerializer, UseCaseDocumentField


class ProposalSerializer(serializers.ModelSerializer):
    class Meta:
        model = Proposal
        fields = ["id", "priority", "created_at", "calibrated_by", "document"]


class UseCaseSummarySerializer(serializers.ModelSerializer):
    """A list item: what names the use case and where its latest proposal is; no documents."""

    latest_proposal_id = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = UseCase
        fields = ["id", "name", "workload", "created_at", "updated_at", "latest_proposal_id"]


class UseCaseSerializer(serializers.ModelSerializer):
    proposal = serializers.SerializerMethodField()

    class Meta:
        model = UseCase
        fields = ["id", "name", "workload", "document", "created_at", "updated_at", "proposal"]

    def get_proposal(self, use_case) -> dict | None:
        latest = use_case.latest_proposal()
        return ProposalSerializer(latest).data if latest else None


def request_document(request):
    if not isinstance(request.data, dict):
        raise serializers.ValidationError({"non_field_errors": ["expected a JSON object"]})
    return request.data


class UseCaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin,
                     viewsets.GenericViewSet):
    serializer_class = UseCaseSerializer
    parser_classes = [JSONParser]  # nested sections: a form body cannot hold a use case (415)
    queryset = UseCase.objects.none()  # for the schema; get_queryset scopes to the caller

    def get_queryset(self):
        use_cases = selectors.use_cases_for(self.request.user)
        if self.action == "list":
            latest = Proposal.objects.filter(use_case=OuterRef("pk")).order_by("-created_at", "-id")
            return use_cases.defer("document").annotate(latest_proposal_id=Subquery(latest.values("id")[:1]))
        return use_cases

    def get_throttles(self):
        if self.action in ("create", "update"):  # each one sizes the use case
            return [SizingThrottle()]
        return super().get_throttles()

    def get_serializer_class(self):
        return UseCaseSummarySerializer if self.action == "list" else UseCaseSerializer

    @extend_schema(request=UseCaseDocumentField, responses={201: UseCaseSerializer},
                   summary="Store a use case and its first proposal")
    def create(self, request):
        use_case, _ = services.use_case_create(request.user, request_document(request))
        return Response(UseCaseSerializer(use_case).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=UseCaseDocumentField, responses={200: UseCaseSerializer},
                   summary="Replace a use case's document and compute a new proposal")
    def update(self, request, pk=None):
        use_case, _ = services.use_case_update(self.get_object(), request_document(request))
        return Response(UseCaseSerializer(use_case).data)

    def latest_proposal(self):
        """The use case's latest proposal; 404 when it has none (e.g. all deleted in the admin)."""
        proposal = self.get_object().latest_proposal()
        if proposal is None:
            raise NotFound("this use case has no proposal")
        return proposal

    @extend_schema(responses={200: ProposalDocumentSerializer}, summary="Latest proposal document")
    @action(detail=True, methods=["get"])
    def proposal(self, request, pk=None):
        return Response(self.latest_proposal().document)

    @extend_schema(responses={200: ProposalSerializer(many=True)}, summary="All proposals, newest first")
    @action(detail=True, methods=["get"], serializer_class=ProposalSerializer)
    def proposals(self, request, pk=None):
        page = self.paginate_queryset(self.get_object().proposals.order_by("-created_at", "-id"))
        return self.get_paginated_response(ProposalSerializer(page, many=True).data)

    @extend_schema(responses={200: OpenApiResponse(description="PDF report")}, summary="PDF report")
    @action(detail=True, methods=["get"], url_path="report.pdf", throttle_classes=[PdfThrottle])
    def report_pdf(self, request, pk=None):
        proposal = self.latest_proposal()
        response = HttpResponse(pdfs.cached_pdf(proposal, request.user.pk), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{export.filename(proposal, "pdf")}"'
        return response

    @extend_schema(responses={200: OpenApiResponse(description="BOM of every proposal as CSV")},
                   summary="Bill of materials (CSV)")
    @action(detail=True, methods=["get"], url_path="bom.csv")
    def bom_csv(self, request, pk=None):
        proposal = self.latest_proposal()
        response = HttpResponse(export.bom_csv(proposal.document), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="{export.filename(proposal, "csv")}"'
        return response

    @extend_schema(responses={200: OpenApiResponse(description="BOM of every proposal as JSON")},
                   summary="Bill of materials (JSON)")
    @action(detail=True, methods=["get"], url_path="bom")
    def bom_json(self, request, pk=None):
        return Response(export.bom_rows(self.latest_proposal().document))
