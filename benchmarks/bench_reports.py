"""Report and page timings (issue 12): a server's first PDF, a warm PDF, and a warm result page, for
the largest fixture (train_serve_rag), on a throw-away test database. Short: a few repetitions.

    .venv/bin/python benchmarks/bench_reports.py [--preload] [--repeat 3]

--preload does what recommender/wsgi.py does at a web worker's boot before the first PDF."""
import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recommender.settings")


def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--preload", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--fixture", default="train_serve_rag")
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    settings.ALLOWED_HOSTS = ["testserver"]
    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    from django.contrib.auth.models import User

    from recommender import services
    from recommender.reports import export

    figures = {}
    if args.preload:
        from recommender.reports import pdf

        figures["preload_s"] = timed(pdf.preload)
    user = User.objects.create_user("bench", password="bench-password-1")
    document = json.loads((ROOT / "fixtures" / "usecases" / f"{args.fixture}.json").read_text())
    figures["build_with_charts_s"] = timed(lambda: services.use_case_create(user, document))
    use_case = user.use_cases.get()
    proposal = use_case.latest_proposal()
    figures["first_pdf_s"] = timed(lambda: export.proposal_pdf(proposal))
    figures["warm_pdf_s"] = statistics.median(timed(lambda: export.proposal_pdf(proposal)) for _ in range(args.repeat))
    client = Client()
    client.force_login(user)
    url = f"/use-cases/{use_case.pk}/"
    figures["first_page_s"] = timed(lambda: client.get(url))
    figures["warm_page_s"] = statistics.median(timed(lambda: client.get(url)) for _ in range(args.repeat))
    print(json.dumps({k: round(v, 3) for k, v in figures.items()} | {"fixture": args.fixture,
                                                                      "preload": args.preload}))


if __name__ == "__main__":
    main()
