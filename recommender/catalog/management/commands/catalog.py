"""`manage.py catalog load | import FILE.csv | export FILE.csv | quotes USER FILE.csv` — thin shells over services."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from recommender.catalog import services
from recommender.catalog.validation import CatalogError


class Command(BaseCommand):
    help = "Load the fixture catalog into the database, or import/export building blocks as CSV."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load", help="load fixtures/catalog/*.json into the database")
        sub.add_parser("import", help="import blocks from a CSV file (all rows or none)").add_argument("file")
        sub.add_parser("export", help="export blocks to a CSV file ('-' for stdout)").add_argument("file")
        quotes_parser = sub.add_parser("quotes", help="import a user's vendor quotes from a CSV file (all rows or none)")
        quotes_parser.add_argument("user")
        quotes_parser.add_argument("file")

    def handle(self, *args, action, **options):
        try:
            if action == "quotes":
                return self._quotes(options["user"], options["file"])
            getattr(self, f"_{action}")(options.get("file"))
        except CatalogError as error:
            raise CommandError("\n".join(["catalog unchanged:"] + error.errors), returncode=2) from None

    def _load(self, _):
        blocks, architectures = services.catalog_load()
        self.stdout.write(f"loaded {blocks} blocks and {architectures} architectures")

    def _quotes(self, username, file):
        from django.contrib.auth import get_user_model

        from recommender.catalog import quotes

        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"user: no user named {username!r}", returncode=2)
        count = quotes.quotes_import(user, quotes.quote_rows_csv(self._read(file)))
        self.stdout.write(f"imported {count} quotes for {username}")

    def _import(self, file):
        count = services.blocks_import_csv(self._read(file))
        self.stdout.write(f"imported {count} blocks")

    def _read(self, file):
        path = Path(file)
        if not path.is_file():
            reason = "is not a file" if path.exists() else "does not exist"
            raise CommandError(f"file: {file} {reason}", returncode=2)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise CommandError(f"file: {file} is not UTF-8 text", returncode=2) from None
        except OSError as exc:
            raise CommandError(f"file: {file}: {exc.strerror}", returncode=2) from None
        return text

    def _export(self, file):
        text = services.blocks_export_csv()
        if file == "-":
            self.stdout.write(text, ending="")
        else:
            try:
                Path(file).write_text(text)
            except OSError as exc:  # missing folder, a directory, no permission ...
                raise CommandError(f"file: {file}: {exc.strerror}", returncode=2) from None
            self.stdout.write(f"exported to {file}")
