"""Run N in-process requests to one endpoint (Django's test client with the demo user's token header,
the settings and SQLite site bench_web uses), so that valgrind can count instructions per request.

Instructions per request = (count at N=25 - count at N=5) / 20, which cancels start-up and imports:

  for n in 5 25; do
    valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/tmp/cg.$n \\
      .venv/bin/python benchmarks/count_request_instructions.py --endpoint sizing --requests $n
  done
  # read "I refs" (or the summary line of each /tmp/cg.N) and take the difference

Endpoints: `sizing` (POST /api/v1/sizing with --usecase, default cv_training) and `root`
(GET /api/v1/). Set REDIS_URL (e.g. redis://127.0.0.1:6379/14) when the cache/throttle use Redis.
Both runs must use the same site: set BENCH_SITE to a bench-site.json, or let the first run print one.
"""
import argparse
import sys

import benchsite

PATHS = {"sizing": "/api/v1/sizing", "root": "/api/v1/"}


def request_function(client, endpoint, body):
    if endpoint == "root":
        return lambda: client.get(PATHS["root"])
    return lambda: client.post(PATHS["sizing"], body, content_type="application/json")


def run(endpoint, requests, usecase, warmup):
    site = benchsite.prepared_site()
    benchsite.use_django(site)
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Token {site['token']}")
    body = (benchsite.ROOT / "fixtures" / "usecases" / f"{usecase}.json").read_text()
    one = request_function(client, endpoint, body)
    for _ in range(warmup + requests):
        response = one()
        assert response.status_code == 200, response.content[:200]
    return site


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", choices=sorted(PATHS), default="sizing")
    parser.add_argument("--requests", type=int, default=25)
    parser.add_argument("--warmup", type=int, default=3, help="requests before the counted ones (same in both runs)")
    parser.add_argument("--usecase", default="cv_training", help="a fixtures/usecases/<name>.json")
    args = parser.parse_args()
    site = run(args.endpoint, args.requests, args.usecase, args.warmup)
    print(f"{args.requests} {args.endpoint} requests; site {site['data_dir']}/{benchsite.SITE_FILE}")


if __name__ == "__main__":
    sys.exit(main())
