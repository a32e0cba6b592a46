"""`manage.py advise FILE|-`: print the proposal for a use-case JSON document (exit 2 on bad input)."""
import json
import sys

from django.core.management.base import BaseCommand, CommandError

from recommender import services

MAX_INDENT = 16


class Command(BaseCommand):
    requires_system_checks = []  # no models, URLs or admin to check: start-up stays under a second
    help = "Print the storage proposal (requirements, tiers, ranked proposals, findings) as JSON."

    def add_arguments(self, parser):
        parser.add_argument("file", help="use-case JSON file, or - for standard input")
        parser.add_argument("--indent", type=int, default=2, help="JSON indent (0 for one line)")

    def handle(self, *args, **options):
        if not 0 <= options["indent"] <= MAX_INDENT:  # a huge indent multiplies the output to gigabytes
            raise CommandError(f"--indent: must be between 0 and {MAX_INDENT}", returncode=2)
        document = read_document(options["file"])
        try:
            proposal = services.use_case_evaluate(document)
        except services.UseCaseError as exc:
            self.stderr.write("invalid use case:")
            for path, messages in exc.errors.items():
                for message in messages:
                    self.stderr.write(f"  {path}: {message}")
            sys.exit(2)
        indent = options["indent"] or None
        self.stdout.write(json.dumps(proposal, indent=indent))


def read_document(name):
    """The JSON object in FILE (or stdin); a clear CommandError (exit 2) otherwise."""
    try:
        text = sys.stdin.read() if name == "-" else open(name, encoding="utf-8").read()
    except OSError as exc:
        raise CommandError(f"{name}: {exc.strerror}", returncode=2) from None
    except UnicodeDecodeError:
        raise CommandError(f"{name}: not UTF-8 text", returncode=2) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CommandError(f"{name}: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})",
                           returncode=2) from None
    except RecursionError:
        raise CommandError(f"{name}: not valid JSON (nested too deeply)", returncode=2) from None
    if not isinstance(document, dict):
        raise CommandError(f"{name}: expected a JSON object with the use case", returncode=2)
    return document
