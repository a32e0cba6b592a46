"""rank() and a full advise at 1×, 10× and 100× the shipped catalog.

An n× catalog holds n copies of every shipped block and architecture (ids suffixed `-xK`, each copy's
architectures pointing at that copy's blocks), so the ranking does n× the work with the same answers
per copy. rank() is timed on the tiers of every fixture use case; the full advise is
`services.use_case_evaluate` with the n× catalog in the database (loaded with `catalog_load`, as an
admin would): the snapshot is rebuilt once after the load (timed as `snapshot_rebuild_ms`) and
every later evaluation only reads the version row.

Targets (issue 14): rank() at 10× ≤ 10 ms; advise with the database catalog (1×) ≤ 10 ms median.
Run: uv run python benchmarks/bench_scale.py [--repeats 9]
"""
import argparse
import json
import statistics
import sys
from pathlib import Path

import benchsite

SCALES = (1, 10, 100)


def scaled(catalog, copies):
    """Copies 1..copies-1 of every block and architecture (copy 0 is the shipped catalog itself)."""
    def suffix(block_id, k):
        return f"{block_id}-x{k}" if block_id else block_id

    blocks, architectures = [], []
    for k in range(1, copies):
        blocks += [dict(b, id=suffix(b["id"], k), network_port_block=suffix(b.get("network_port_block"), k))
                   for b in catalog["blocks"]]
        architectures += [dict(a, id=suffix(a["id"], k), tiers={t: suffix(b, k) for t, b in a["tiers"].items()})
                          for a in catalog["architectures"]]
    return {"blocks": blocks, "architectures": architectures, "version": catalog["version"]}


def bench(repeats):
    site = benchsite.prepared_site(fresh=True)  # this benchmark grows the database catalog
    benchsite.use_django(site)
    import rules
    from recommender import ranking, services
    from recommender.catalog import selectors, snapshot
    from recommender.catalog import services as catalog_services

    cases = [json.loads(p.read_text()) for p in sorted((benchsite.ROOT / "fixtures" / "usecases").glob("*.json"))]
    cases = [c.get("use_case", c) for c in cases if "workload" in c.get("use_case", c)]
    tiers = [rules.evaluate(c)["tiers"] for c in cases]
    shipped, rows, loaded = selectors.catalog_fixtures(), [], 1
    for scale in SCALES:
        catalog = {**shipped, "blocks": shipped["blocks"] + scaled(shipped, scale)["blocks"],
                   "architectures": shipped["architectures"] + scaled(shipped, scale)["architectures"]}
        rank_ms = [statistics.median(benchsite.timed_ms(lambda t=t: ranking.rank(t, catalog), repeats))
                   for t in tiers]
        extra = scaled(shipped, scale)
        extra = {**extra, "blocks": [b for b in extra["blocks"] if int(b["id"].rsplit("-x", 1)[1]) >= loaded],
                 "architectures": [a for a in extra["architectures"] if int(a["id"].rsplit("-x", 1)[1]) >= loaded]}
        if extra["blocks"]:
            catalog_services.catalog_load(extra)
        loaded = scale
        rebuild_ms = benchsite.timed_ms(snapshot.current, 1)[0]
        assert len(snapshot.current().catalog["blocks"]) == len(catalog["blocks"])
        advise_ms = [statistics.median(benchsite.timed_ms(lambda c=c: services.use_case_evaluate(c), repeats))
                     for c in cases]
        rows.append({"scale": scale, "blocks": len(catalog["blocks"]), "architectures": len(catalog["architectures"]),
                     "rank_median_ms": round(statistics.median(rank_ms), 3), "rank_worst_case_ms": round(max(rank_ms), 3),
                     "advise_db_median_ms": round(statistics.median(advise_ms), 3),
                     "advise_db_worst_case_ms": round(max(advise_ms), 3), "snapshot_rebuild_ms": round(rebuild_ms, 1)})
        print(json.dumps(rows[-1]), flush=True)
    return {"conditions": benchsite.conditions(), "repeats": repeats, "use_cases": len(cases), "rows": rows}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9)
    result = bench(parser.parse_args().repeats)
    benchsite.write_json("scale.json", result)


if __name__ == "__main__":
    sys.exit(main())
