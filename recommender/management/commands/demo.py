"""`manage.py demo`: idempotent demo data — a demo user with an API token, the catalog, a default
local validation target under the data folder, and the sample use cases from fixtures/usecases/."""
import json
import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from rest_framework.authtoken.models import Token

from recommender import services
from recommender.validation.models import Target

DEMO_USERNAME = "demo"


class Command(BaseCommand):
    help = "Create the demo user, catalog, default validation target and sample use cases."

    def handle(self, *args, **options):
        if not _migrated():
            raise CommandError("the database is not migrated yet: run `manage.py migrate` first",
                               returncode=2)
        user = demo_user()
        call_command("catalog", "load", verbosity=0)
        target = default_target(user)
        created = demo_use_cases(user, self.stderr)
        token = Token.objects.get_or_create(user=user)[0]
        self.stdout.write(f"demo user '{user.username}', API token {token.key}; "
                          f"target '{target.name}' at {target.path} (stands for {target.block or 'no block'}); "
                          f"{created} sample use cases added")


def _migrated():
    """True when every migration of the project has been applied."""
    executor = MigrationExecutor(connection)
    return not executor.migration_plan(executor.loader.graph.leaf_nodes())


def demo_user():
    password = os.environ.get("DEMO_PASSWORD") or "demo-advisor"
    user, created = get_user_model().objects.get_or_create(username=DEMO_USERNAME)
    if created or os.environ.get("DEMO_PASSWORD"):
        user.set_password(password)
        user.save()
    return user


# The machine's own disk stands for the catalog's local NVMe building block: the first block whose
# kind names direct-attached NVMe (looked up by kind, so renamed block ids keep working).
LOCAL_NVME_KINDS = ("das_nvme", "local_nvme", "nvme")


def local_nvme_block():
    """Id of the catalog's first direct-attached NVMe block, or "" when the catalog has none."""
    from recommender.catalog import selectors as catalog_selectors

    blocks = catalog_selectors.catalog_current().get("blocks", [])
    for prefix in LOCAL_NVME_KINDS:
        found = [b for b in blocks if str(b.get("kind") or b.get("class") or "").startswith(prefix)]
        if found:
            return found[0]["id"]
    return ""


def default_target(user=None):
    path = settings.VALIDATION_DEFAULT_TARGET_DIR
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CommandError(f"VALIDATION_TARGET_DIR: cannot create {str(path)!r}: {exc.strerror}",
                           returncode=2) from None
    block = local_nvme_block()
    target, created = Target.objects.get_or_create(name="default", defaults={
        "path": str(path), "host_queue": "advisor", "block": block, "public": True,
        "size_cap_bytes": settings.VALIDATION_DEFAULT_SIZE_CAP_BYTES,
        "free_floor_bytes": settings.VALIDATION_DEFAULT_FREE_FLOOR_BYTES,
    })
    if not created and not target.block and block:  # an older install registered it unmapped
        Target.objects.filter(pk=target.pk).update(block=block)
        target.block = block
    if user is not None:
        target.allowed_users.add(user)
    return target


def demo_use_cases(user, stderr):
    if user.use_cases.exists():
        return 0
    created = 0
    for path in sorted((settings.FIXTURES_DIR / "usecases").glob("*.json")):
        document = json.loads(path.read_text())
        try:
            services.use_case_create(user, document)
            created += 1
        except services.UseCaseError as exc:
            stderr.write(f"skipped {path.name}: {exc}")
    return created
