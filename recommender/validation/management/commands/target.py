"""`manage.py target add|list|remove`: register the directories validation runs may write to."""
import json
import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from recommender.validation import services
from recommender.validation.models import Target


class Command(BaseCommand):
    help = "Register, list or remove validation targets (directories on storage client hosts)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="register or update a target (idempotent)")
        add.add_argument("name")
        add.add_argument("path", nargs="?", help="directory on the host that consumes --queue "
                         "(default: VALIDATION_TARGET_DIR, i.e. var/targets/default)")
        add.add_argument("--queue", default="advisor", help="Celery queue of that host's worker")
        add.add_argument("--block", default="", help="catalog building block id it stands for")
        add.add_argument("--size-cap-bytes", type=int)
        add.add_argument("--free-floor-bytes", type=int)
        add.add_argument("--create", action="store_true", help="create the directory on this host")
        add.add_argument("--force", action="store_true",
                         help="allow a mount's root as the path (operator only; system directories never)")
        add.add_argument("--public", action="store_true", help="every signed-in user may run on it")
        add.add_argument("--user", action="append", default=[], help="a user allowed to run on it (repeatable)")
        add.add_argument("--kind", choices=["directory", "s3"], default="directory")
        add.add_argument("--endpoint-url", default="", help="S3 endpoint (kind s3)")
        add.add_argument("--bucket", default="", help="S3 bucket (kind s3); credentials from the "
                         "worker's AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY")
        lst = sub.add_parser("list", help="list targets")
        lst.add_argument("--format", choices=["json", "text"], default="text")
        rm = sub.add_parser("remove", help="remove a target")
        rm.add_argument("name")

    def handle(self, *args, **options):
        getattr(self, f"do_{options['action']}")(options)

    def do_add(self, options):
        s3 = options["kind"] == "s3"
        path = "" if s3 else os.path.abspath(options["path"] or settings.VALIDATION_DEFAULT_TARGET_DIR)
        try:
            users = list(get_user_model().objects.filter(username__in=options["user"]))
            missing = set(options["user"]) - {u.username for u in users}
            if missing:
                raise services.InputError({"user": [f"no user named {n!r}" for n in sorted(missing)]})
            target = services.target_save(
                options["name"], path, host_queue=options["queue"], block=options["block"],
                size_cap_bytes=options["size_cap_bytes"], free_floor_bytes=options["free_floor_bytes"],
                create_dir=options["create"], force=options["force"], public=options["public"] or None,
                users=users, kind=options["kind"], endpoint_url=options["endpoint_url"], bucket=options["bucket"])
        except services.InputError as exc:
            raise CommandError(str(exc), returncode=2) from None
        self.stdout.write(f"target {target.name}: {target.path or target.bucket} (queue {target.host_queue}, "
                          f"cap {target.size_cap_bytes} bytes, floor {target.free_floor_bytes} bytes)")

    def do_list(self, options):
        rows = list(Target.objects.values("name", "kind", "host_queue", "path", "bucket", "block",
                                          "size_cap_bytes", "free_floor_bytes", "public"))
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, indent=2))
            return
        for r in rows:
            self.stdout.write(f"{r['name']:20s} {r['host_queue']:16s} {r['path']} "
                              f"cap={r['size_cap_bytes']} floor={r['free_floor_bytes']} block={r['block'] or '-'}")

    def do_remove(self, options):
        deleted, _ = Target.objects.filter(name=options["name"]).delete()
        if not deleted:
            raise CommandError(f"no target named {options['name']!r}", returncode=2)
        self.stdout.write(f"removed {options['name']}")
