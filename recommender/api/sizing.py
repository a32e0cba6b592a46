"""POST /api/v1/sizing: the proposal for a use case, computed and returned, never stored."""
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

import rules
from recommender import services

from .parsers import JSONParser
from .throttles import SizingThrottle, SweepThrottle
from .schemas import ProposalDocumentSerializer, UseCaseDocumentField

LLAMA3_8B_EXAMPLE = {
    "workload": "llm_training",
    "model": {"layers": 32, "hidden_size": 4096, "ffn_hidden_size": 14336, "attention_heads": 32,
              "kv_heads": 8, "vocab_size": 128256},
    "precision": "fp16", "optimizer": "adam",
    "parallelism": {"tensor": 1, "pipeline": 1, "data": 8, "zero_stage": 3},
    "gpus": 8, "gpu_model": "h100",
}


class DocumentResponse(Response):
    """A Response whose document is freed as soon as it is sent. DRF's renderer context holds the view
    and the response itself, and the view holds the response: cycles with the whole proposal document
    (~2,000 objects) in them, left for the garbage collector (~0.06 ms a sizing request,
    docs/performance/README.md, "Sizing API"). Closing the response (the WSGI server does, after
    sending the body) breaks them; the data stays readable."""

    def close(self):
        view = (getattr(self, "renderer_context", None) or {}).get("view")
        if getattr(view, "response", None) is self:
            del view.response
        self.renderer_context = None
        super().close()


class SizingView(APIView):
    # A use case has nested sections a form body cannot hold: anything but JSON gets a 415.
    parser_classes = [JSONParser]
    throttle_classes = [SizingThrottle]

    @extend_schema(
        request=UseCaseDocumentField,
        responses={200: ProposalDocumentSerializer},
        examples=[OpenApiExample("MLPerf Storage Llama3-8B checkpoint", value=LLAMA3_8B_EXAMPLE,
                                 request_only=True)],
        summary="Size a use case (stateless)",
        description="Returns requirements, tiers, ranked proposals and findings; stores nothing. "
                    "Bad input gets 400 with messages keyed by the dotted field path.",
    )
    def post(self, request):
        document = request.data
        if not isinstance(document, dict):
            raise serializers.ValidationError({"non_field_errors": ["expected a JSON object"]})
        return DocumentResponse(services.use_case_evaluate(document, owner=request.user))


class SweepView(APIView):
    parser_classes = [JSONParser]
    throttle_classes = [SweepThrottle]

    @extend_schema(
        request=UseCaseDocumentField, responses={200: OpenApiResponse(description="points and breaks")},
        summary="GPU-count sweep of a use case (stateless)",
        description="Requirements and top proposals over a sweep of GPU counts; for each "
                    "architecture, the GPU count at which it stops meeting the needs.",
    )
    def post(self, request):
        from recommender import ranking
        from recommender.catalog import snapshot

        document = request.data
        if not isinstance(document, dict):
            raise serializers.ValidationError({"non_field_errors": ["expected a JSON object"]})
        rules.usecase.check_raw(document)  # the sweep copies the document before the validator runs
        if document.get("parallelism") is not None and not isinstance(document["parallelism"], dict):
            # the sweep reads the layout before the validator runs; answer as the validator would
            raise rules.UseCaseError({"parallelism": ["must be an object"]})
        current = snapshot.current()
        return DocumentResponse(ranking.sweep(document, current.catalog, quotes=current.quotes(request.user)))
