"""Where a POST /api/v1/sizing request spends its time: cProfile over N in-process requests (Django's
test client, token auth, the database catalog), own time summed by the package a function lives in.

Run: uv run python benchmarks/profile_sizing.py [--requests 200] [--top 25]
"""
import argparse
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
    print(json.dumps({k: result[k] for k in ("unprofiled", "profiled_ms_per_request", "own_time_share")}, indent=1))


if __name__ == "__main__":
    sys.exit(main())
