"""Where a POST /api/v1/sizing request spends its time, over N in-process requests (Django's test
client with the demo user's token header, the database catalog, the Redis cache as bench_web runs):

- `phases_cpu_ms_per_request`: CPU time inside the main steps (inclusive, nested steps indented
  by their dotted name), measured without a profiler by wrapping each step;
- `own_time_share` and `top_functions`: cProfile's own time, summed by the package a function
  lives in (cProfile inflates small Python calls, so read its shares, not its milliseconds).

Run: uv run python benchmarks/profile_sizing.py [--requests 200] [--top 25]
"""
import argparse
import contextlib
import cProfile
import json
import pstats
import sys
import time

import benchsite

BUCKETS = [  # first match wins: (label, path fragment)
    ("rules: experta engine (Rete, agenda)", "/experta/"),
    ("rules: project rules, validator, formulas", "/rules/"),
    ("ranking", "/recommender/ranking.py"),
    ("catalog snapshot + version check", "/recommender/catalog/"),
    ("services / API view", "/recommender/"),
    ("Django ORM + sqlite3 (token lookup, version row)", "/django/db/"),
    ("DRF (auth, parsing, rendering)", "/rest_framework/"),
    ("json encode/decode", "/json/"),
    ("Django request/response, middleware, URLs", "/django/"),
    ("whitenoise", "/whitenoise/"),
    ("copy.deepcopy", "/copy.py"),
    ("logging", "/logging/"),
]


def bucket(filename):
    return next((label for label, part in BUCKETS if part in filename), "other (stdlib, builtins)")


def phase_targets():
    """(label, owner, attribute) of each step timed by `phases`."""
    from rest_framework import views

    import rules
    from recommender import ranking, services
    from recommender.api import authentication, parsers, renderers, sizing, throttles
    from recommender.catalog import snapshot
    from rules.bibliography import render as bibliography

    return [
        ("request (Django, middleware, DRF)", views.APIView, "dispatch"),
        ("request.token auth", authentication.TokenAuthentication, "authenticate"),
        ("request.throttle (1 Redis round trip)", throttles.ScopedUserThrottle, "allow_request"),
        ("request.view", sizing.SizingView, "post"),
        ("request.view.parse body", parsers.JSONParser, "parse"),
        ("request.view.use_case_evaluate", services, "use_case_evaluate"),
        ("request.view.rules.evaluate (validator + experta)", rules, "evaluate"),
        ("request.view.catalog snapshot (version row)", snapshot, "current"),
        ("request.view.owner's quotes", snapshot.CatalogSnapshot, "quotes"),
        ("request.view.ranking.rank", ranking, "rank"),
        ("request.view.bibliography", bibliography, "cited"),
        ("request.view.bibliography sources", bibliography, "document_sources"),
        ("render JSON", renderers.JSONRenderer, "render"),
    ]


@contextlib.contextmanager
def timed_phases(totals):
    """Wrap each phase target so that its CPU time adds up in totals[label]."""
    saved = []
    for label, owner, name in phase_targets():
        original = getattr(owner, name)

        def wrapper(*args, _original=original, _label=label, **kwargs):
            start = time.process_time()
            try:
                return _original(*args, **kwargs)
            finally:
                totals[_label] = totals.get(_label, 0.0) + time.process_time() - start

        saved.append((owner, name, original if name in vars(owner) else None))
        setattr(owner, name, wrapper)
    try:
        yield
    finally:
        for owner, name, original in saved:
            if original is None:
                delattr(owner, name)  # inherited: the subclass had none of its own
            else:
                setattr(owner, name, original)


def phases(one, requests):
    totals = {}
    with timed_phases(totals):
        start = time.process_time()
        for _ in range(requests):
            one()
        total = time.process_time() - start
    out = {"whole request (test client)": round(1000 * total / requests, 3)}
    out.update({label: round(1000 * totals.get(label, 0.0) / requests, 3) for label, _, _ in phase_targets()})
    return out


def profile(requests, top):
    site = benchsite.prepared_site()
    benchsite.use_django(site)
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Token {site['token']}")
    body = (benchsite.ROOT / "fixtures" / "usecases" / "cv_training.json").read_text()

    def one():
        response = client.post("/api/v1/sizing", body, content_type="application/json")
        assert response.status_code == 200, response.content[:200]

    for _ in range(10):
        one()
    plain = benchsite.summary_ms(benchsite.timed_ms(one, requests))
    cpu = phases(one, requests)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        one()
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = sum(row[2] for row in stats.stats.values())
    by_bucket = {}
    for (filename, _, _), row in stats.stats.items():
        by_bucket[bucket(filename)] = by_bucket.get(bucket(filename), 0.0) + row[2]
    functions = sorted(stats.stats.items(), key=lambda kv: -kv[1][2])[:top]
    return {"requests": requests, "conditions": benchsite.conditions(), "unprofiled": plain,
            "phases_cpu_ms_per_request": cpu,
            "profiled_ms_per_request": round(1000 * total / requests, 3),
            "own_time_share": {k: round(v / total, 4) for k, v in sorted(by_bucket.items(), key=lambda kv: -kv[1])},
            "top_functions": [{"function": f"{f.split('site-packages/')[-1]}:{line}({name})",
                               "own_ms_per_request": round(1000 * row[2] / requests, 4), "calls_per_request": row[1] / requests}
                              for (f, line, name), row in functions]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    result = profile(args.requests, args.top)
    benchsite.write_json("sizing_profile.json", result)
    keys = ("unprofiled", "phases_cpu_ms_per_request", "profiled_ms_per_request", "own_time_share")
    print(json.dumps({k: result[k] for k in keys}, indent=1))


if __name__ == "__main__":
    sys.exit(main())
