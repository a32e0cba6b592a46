"""Validation API: targets (staff write, users read), runs per owner, start and cancel runs."""
from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from recommender import selectors
from recommender.validation import services
from recommender.validation.models import RunHost, Target, ValidationRun

from .throttles import ValidationStartThrottle


class StaffWritesOthersRead(permissions.BasePermission):
    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in permissions.SAFE_METHODS or request.user.is_staff


class TargetSerializer(serializers.ModelSerializer):
    """Staff's view: everything but the S3 secret, which is write-only (never echoed back)."""

    allowed_users = serializers.SlugRelatedField(slug_field="username", many=True, required=False,
                                                 queryset=get_user_model().objects.all())
    secret_access_key = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=256)
    has_secret = serializers.SerializerMethodField()

    class Meta:
        model = Target
        fields = ["id", "name", "kind", "host_queue", "path", "endpoint_url", "bucket", "access_key_id",
                  "secret_access_key", "has_secret", "block", "size_cap_bytes", "free_floor_bytes",
                  "force_path", "public", "allowed_users", "created_at"]

    def get_has_secret(self, target) -> bool:
        return bool(target.secret_access_key)

    def validate(self, data):
        """The same validator as the admin form and `manage.py target add` (services.target_errors)."""
        merged = {f: data.get(f, getattr(self.instance, f, None)) for f in
                  ("name", "path", "size_cap_bytes", "free_floor_bytes", "host_queue", "block", "kind",
                   "endpoint_url", "bucket", "force_path")}
        merged["host_queue"] = merged["host_queue"] or "advisor"
        merged["kind"] = merged["kind"] or Target.DIRECTORY
        errors = services.target_errors(
            merged["name"], merged["path"], merged["size_cap_bytes"], merged["free_floor_bytes"],
            merged["host_queue"], merged["block"] or "", merged["kind"], merged["endpoint_url"] or "",
            merged["bucket"] or "", bool(merged["force_path"]), must_exist=True)
        if errors:
            raise serializers.ValidationError(errors)
        return data


class TargetPublicSerializer(serializers.ModelSerializer):
    """What a user who is not staff sees of a target: its name, kind, the block it stands for and its
    limits — never its server path, queue, endpoint or credentials. It carries every field the schema
    (the staff view) marks required, so one response schema fits both."""

    has_secret = serializers.SerializerMethodField()

    class Meta:
        model = Target
        fields = ["id", "name", "kind", "block", "size_cap_bytes", "free_floor_bytes", "has_secret", "created_at"]
        read_only_fields = fields

    def get_has_secret(self, target) -> bool:
        return bool(target.secret_access_key)


class TargetViewSet(viewsets.ModelViewSet):
    """Registered storage targets; runs never write outside a target's path. Staff see and change
    everything; other users see the targets they may run on, by name and block only."""

    permission_classes = [StaffWritesOthersRead]
    queryset = Target.objects.none()  # typed path parameter in the schema; see get_queryset

    def get_queryset(self):
        return services.targets_for(self.request.user).order_by("name")

    def get_serializer_class(self):
        if getattr(self, "swagger_fake_view", False):  # the schema documents the staff view
            return TargetSerializer
        staff = getattr(self.request, "user", None) is not None and self.request.user.is_staff
        return TargetSerializer if staff else TargetPublicSerializer


class RunHostSerializer(serializers.ModelSerializer):
    target = serializers.CharField(source="target_name", read_only=True)
    block = serializers.CharField(source="target_block", read_only=True)
    host_queue = serializers.CharField(source="target.host_queue", read_only=True, default="")

    class Meta:
        model = RunHost
        fields = ["target", "block", "host_queue", "status", "progress", "stage", "error", "worker", "started_at",
                  "finished_at", "heartbeat_at"]


class RunHostDetailSerializer(RunHostSerializer):
    class Meta(RunHostSerializer.Meta):
        fields = RunHostSerializer.Meta.fields + ["log", "results"]


class ValidationRunSerializer(serializers.ModelSerializer):
    targets = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    hosts = RunHostSerializer(many=True, read_only=True)

    class Meta:
        model = ValidationRun
        fields = ["id", "use_case", "status", "progress", "stage", "budget_s", "targets", "hosts",
                  "created_at", "started_at", "finished_at", "heartbeat_at", "error", "log", "results"]
        read_only_fields = fields


class ValidationRunDetailSerializer(ValidationRunSerializer):
    hosts = RunHostDetailSerializer(many=True, read_only=True)


class ValidationRunListSerializer(ValidationRunSerializer):
    """A list item: status and a summary of the checks; the log and the figures are on the item."""

    summary = serializers.SerializerMethodField()

    class Meta(ValidationRunSerializer.Meta):
        fields = [f for f in ValidationRunSerializer.Meta.fields if f not in ("log", "results")] + ["summary"]
        read_only_fields = fields

    def get_summary(self, run) -> dict:
        checks = (run.results or {}).get("checks") or []
        return {"checks": len(checks), "passed": sum(1 for c in checks if c.get("pass")),
                "failed": sum(1 for c in checks if c.get("pass") is False),
                "extrapolated": sum(1 for c in checks if c.get("basis") == "extrapolated"),
                "measured_clients": (run.results or {}).get("measured_clients"),
                "planned_clients": (run.results or {}).get("planned_clients"),
                "calibrated_proposal": ((run.results or {}).get("calibration") or {}).get("proposal_id")}


class RunCreateSerializer(serializers.Serializer):
    targets = serializers.ListField(child=serializers.CharField(max_length=80), required=False,
                                    allow_empty=True, help_text="Target names; default: the 'default' target")
    budget_s = serializers.FloatField(required=False, min_value=1, max_value=services.MAX_BUDGET_S,
                                      help_text="Time budget in seconds for each host's probes")

    def validate(self, data):
        """A misspelt field ("budget": 30) must not start a run with the defaults instead."""
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {key: [f"unknown field; expected {', '.join(self.fields)}"] for key in unknown})
        return data


class ValidationRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A user's validation runs; reading them also fails runs whose worker stopped beating."""

    queryset = ValidationRun.objects.none()  # typed path parameter in the schema; see get_queryset

    def get_queryset(self):
        return (ValidationRun.objects.filter(owner=self.request.user)
                .prefetch_related("targets", "hosts__target"))

    def get_serializer_class(self):
        return {"retrieve": ValidationRunDetailSerializer, "list": ValidationRunListSerializer}.get(
            self.action, ValidationRunSerializer)

    def list(self, request, *args, **kwargs):
        services.runs_reap_stale()
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        services.runs_reap_stale()
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(request=None, responses={200: ValidationRunSerializer}, summary="Cancel a run")
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        try:
            run = services.run_cancel(self.get_object())
        except services.InputError as exc:
            return Response(exc.errors, status=status.HTTP_409_CONFLICT)
        return Response(ValidationRunSerializer(run).data)


class UseCaseValidationsView(APIView):
    """POST starts a validation run of a stored use case (202); GET lists its runs."""

    def get_throttles(self):
        return [ValidationStartThrottle()] if self.request.method == "POST" else []

    def use_case(self, request, pk):
        return get_object_or_404(selectors.use_cases_for(request.user), pk=pk)

    @extend_schema(request=RunCreateSerializer, responses={202: ValidationRunSerializer},
                   summary="Start a validation run")
    def post(self, request, pk):
        use_case = self.use_case(request, pk)
        body = request.data if request.data is not None else {}
        if not isinstance(body, dict):
            raise serializers.ValidationError({"non_field_errors": ["expected a JSON object"]})
        params = RunCreateSerializer(data=body)
        params.is_valid(raise_exception=True)
        try:
            run = services.run_create(request.user, use_case, params.validated_data.get("targets"),
                                      params.validated_data.get("budget_s", 60.0))
        except services.InputError as exc:
            return Response(exc.errors, status=status.HTTP_400_BAD_REQUEST)
        run.refresh_from_db()  # queued after commit: a broker outage has already failed it (H13)
        if run.status == ValidationRun.FAILED and "could not queue" in (run.error or ""):
            return Response({"detail": run.error or "the run could not be queued", "run": run.pk},
                            status=status.HTTP_503_SERVICE_UNAVAILABLE, headers={"Retry-After": "30"})
        return Response(ValidationRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={200: ValidationRunListSerializer(many=True)}, summary="Runs of a use case")
    def get(self, request, pk):
        use_case = self.use_case(request, pk)
        services.runs_reap_stale()
        runs = use_case.validation_runs.filter(owner=request.user).prefetch_related("targets", "hosts__target")
        return Response(ValidationRunListSerializer(runs, many=True).data)


extra_urlpatterns = [
    path("use-cases/<int:pk>/validations/", UseCaseValidationsView.as_view(), name="use-case-validations"),
]
