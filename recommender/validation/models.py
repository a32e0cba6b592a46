"""Validation targets (where runs may write) and job-shaped validation run records."""
from django.conf import settings
from django.db import models


class Target(models.Model):
    """A registered directory on a storage client host, or an S3 bucket; runs never write outside
    `path` (or the bucket's run prefix). Only staff, `allowed_users` or everyone when `public` may run on it."""

    DIRECTORY, S3 = "directory", "s3"
    KIND_CHOICES = [(DIRECTORY, "directory on a client host"), (S3, "S3-compatible bucket")]

    name = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=12, choices=KIND_CHOICES, default=DIRECTORY)
    host_queue = models.CharField(
        max_length=120, default="advisor",
        help_text="Celery queue consumed by the worker on the host that mounts this path",
    )
    path = models.CharField(max_length=1000, blank=True, help_text="Absolute directory on that host")
    endpoint_url = models.CharField(max_length=300, blank=True, help_text="S3 endpoint (kind s3)")
    bucket = models.CharField(max_length=63, blank=True, help_text="S3 bucket (kind s3)")
    access_key_id = models.CharField(max_length=128, blank=True,
                                     help_text="S3 key id; empty: the worker's AWS_* environment")
    secret_access_key = models.CharField(max_length=256, blank=True,
                                         help_text="S3 secret; write-only, never shown back")
    force_path = models.BooleanField(default=False, help_text="Staff allowed a mount root as the path")
    public = models.BooleanField(default=False, help_text="Every signed-in user may run on it")
    allowed_users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="validation_targets")
    block = models.CharField(
        max_length=80, blank=True,
        help_text="Catalog building block id this target stands for (used for calibration)",
    )
    size_cap_bytes = models.BigIntegerField(help_text="Most bytes a run may keep on the target at once")
    free_floor_bytes = models.BigIntegerField(help_text="Stop writing when free space drops below this")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class JobRecord(models.Model):
    """The job-shaped fields a run and each of its hosts keep: status, progress, log, error, results."""

    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED = "queued", "running", "succeeded", "failed", "cancelled"
    STATUS_CHOICES = [(s, s) for s in (QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED)]

    status = models.CharField(max_length=12, choices=STATUS_CHOICES, default=QUEUED)
    progress = models.FloatField(default=0.0, help_text="0.0 .. 1.0")
    stage = models.CharField(max_length=80, blank=True)
    log = models.TextField(blank=True)
    error = models.TextField(blank=True)
    results = models.JSONField(default=dict, blank=True)
    task_id = models.CharField(max_length=80, blank=True)
    worker = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class ValidationRun(JobRecord):
    """A user's validation of one use case on one or more targets; the hosts report in RunHost."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="validation_runs")
    use_case = models.ForeignKey("recommender.UseCase", on_delete=models.CASCADE, related_name="validation_runs")
    targets = models.ManyToManyField(Target, related_name="runs")
    budget_s = models.FloatField(default=60.0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Validation {self.pk} ({self.status})"

    @property
    def is_finished(self):
        return self.status in (self.SUCCEEDED, self.FAILED, self.CANCELLED)


class RunHost(JobRecord):
    """One target's share of a validation run, executed by the worker on that target's host."""

    run = models.ForeignKey(ValidationRun, on_delete=models.CASCADE, related_name="hosts")
    # Deleting a target keeps the run history: the host keeps the target's name and block.
    target = models.ForeignKey(Target, on_delete=models.SET_NULL, null=True, blank=True, related_name="run_hosts")
    target_name = models.CharField(max_length=80, blank=True)
    target_block = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["target_name", "id"]
        constraints = [models.UniqueConstraint(fields=["run", "target"], name="one_host_per_target_per_run")]

    def __str__(self):
        return f"{self.run} on {self.target_name}"

    def save(self, *args, **kwargs):
        if self.target_id and not self.target_name:
            self.target_name, self.target_block = self.target.name, self.target.block
        super().save(*args, **kwargs)
