"""`manage.py bibliography [--check]`: write docs/sources.md from rules/bibliography/ (or only check it)."""
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rules.bibliography import render

TARGET = Path(settings.BASE_DIR) / "docs" / "sources.md"


class Command(BaseCommand):
    help = "Regenerate docs/sources.md, the public bibliography every source key points into."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="exit 1 when docs/sources.md is out of date")

    def handle(self, *args, **options):
        text = render.markdown()
        if options["check"]:
            if not TARGET.exists() or TARGET.read_text(encoding="utf-8") != text:
                raise CommandError("docs/sources.md is out of date: run manage.py bibliography", returncode=1)
            return
        TARGET.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {TARGET} ({len(render.REFERENCES)} references)")
