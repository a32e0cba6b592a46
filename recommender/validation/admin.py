"""Admin: register storage targets (through the shared validator); inspect validation runs and their hosts."""
from django import forms
from django.contrib import admin

from . import services
from .models import RunHost, Target, ValidationRun


class TargetForm(forms.ModelForm):
    """The admin form checks a target with services.target_errors, like the API and the CLI."""

    secret_access_key = forms.CharField(required=False, widget=forms.PasswordInput(render_value=False),
                                        help_text="S3 secret; left empty keeps the stored one")

    class Meta:
        model = Target
        fields = "__all__"

    def clean(self):
        data = super().clean()
        errors = services.target_errors(
            data.get("name"), data.get("path") or "", data.get("size_cap_bytes"), data.get("free_floor_bytes"),
            data.get("host_queue"), data.get("block") or "", data.get("kind") or Target.DIRECTORY,
            data.get("endpoint_url") or "", data.get("bucket") or "", bool(data.get("force_path")), must_exist=True)
        for field, messages in errors.items():
            self.add_error(field if field in self.fields else None, messages)
        if not data.get("secret_access_key") and self.instance.pk:
            data["secret_access_key"] = self.instance.secret_access_key
        return data


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    form = TargetForm
    list_display = ["name", "kind", "host_queue", "path", "bucket", "block", "public", "size_cap_bytes",
                    "free_floor_bytes"]
    search_fields = ["name", "path", "block", "bucket"]
    filter_horizontal = ["allowed_users"]


class RunHostInline(admin.TabularInline):
    model = RunHost
    extra = 0
    can_delete = False
    fields = ["target_name", "target_block", "status", "progress", "stage", "worker", "heartbeat_at", "error"]
    readonly_fields = fields


@admin.register(ValidationRun)
class ValidationRunAdmin(admin.ModelAdmin):
    list_display = ["id", "owner", "use_case", "status", "progress", "created_at", "finished_at"]
    list_filter = ["status"]
    readonly_fields = ["owner", "use_case", "status", "progress", "stage", "log", "error", "results",
                       "task_id", "worker", "created_at", "started_at", "finished_at", "heartbeat_at"]
    inlines = [RunHostInline]
