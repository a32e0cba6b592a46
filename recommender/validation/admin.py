"""Admin: register storage targets; inspect validation runs and their hosts."""
from django.contrib import admin

from .models import RunHost, Target, ValidationRun


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["name", "host_queue", "path", "block", "size_cap_bytes", "free_floor_bytes"]
    search_fields = ["name", "path", "block"]


class RunHostInline(admin.TabularInline):
    model = RunHost
    extra = 0
    can_delete = False
    fields = ["target", "status", "progress", "stage", "worker", "heartbeat_at", "error"]
    readonly_fields = fields


@admin.register(ValidationRun)
class ValidationRunAdmin(admin.ModelAdmin):
    list_display = ["id", "owner", "use_case", "status", "progress", "created_at", "finished_at"]
    list_filter = ["status"]
    readonly_fields = ["owner", "use_case", "status", "progress", "stage", "log", "error", "results",
                       "task_id", "worker", "created_at", "started_at", "finished_at", "heartbeat_at"]
    inlines = [RunHostInline]
