"""Times ranking: rank() per golden use case at 1×, 10× and 100× the catalog, the whole advise path, and the
default 50-point GPU sweep. Budgets: rank() ≤ 10 ms at 10× and ≤ 50 ms at 100× (issue 9); advise median
≤ 50 ms and a 50-point sweep ≤ 2 s (issue 4).

Two ways a catalog grows 10× or 100×, both measured:
- `distinct`: every block and architecture copied with new ids (10× the products, each sized afresh);
- `recombined`: 10× (100×) architectures composed from the shipped blocks (more designs, same products).
The distinct catalog is also ranked frozen (`snapshot_distinct`), as the service holds its catalog
(recommender/catalog/snapshot.py): same blocks and architectures, read-only, so what rank() derives from
the catalog alone is kept between calls.

Run: uv run python benchmarks/bench_ranking.py > benchmarks/results/ranking.json
Where the time goes: uv run python benchmarks/bench_ranking.py --profile train_serve_rag distinct 100
"""
import itertools
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recommender.settings")

import django  # noqa: E402

django.setup()

import rules  # noqa: E402
from recommender import ranking, services  # noqa: E402
from recommender.catalog import selectors  # noqa: E402
from recommender.catalog.frozen import freeze  # noqa: E402

BUDGETS_S = {"rank_10x": 0.010, "rank_100x": 0.050, "advise_median": 0.050, "sweep_50_points": 2.0}
REPEATS, SWEEP_REPEATS = 15, 1
SCALES = (1, 10, 100)


def median_s(call, repeats):
    """Median CPU time of `call` (process time: the machine is shared, wall time would measure the others)."""
    times = []
    for _ in range(repeats):
        start = time.process_time()
        call()
        times.append(time.process_time() - start)
    return statistics.median(times)


def distinct(catalog, factor):
    """The catalog with every block and architecture copied `factor` times under new ids."""
    blocks, architectures = [], []
    for copy in range(factor):
        suffix = f"-c{copy}" if copy else ""
        for block in catalog["blocks"]:
            blocks.append(dict(block, id=block["id"] + suffix, family=(block.get("family") or "") + suffix,
                               network_port_block=(block["network_port_block"] + suffix)
                               if block.get("network_port_block") else None))
        for architecture in catalog["architectures"]:
            architectures.append(dict(architecture, id=architecture["id"] + suffix,
                                      tiers={t: b + suffix for t, b in architecture["tiers"].items()}))
    return {**catalog, "blocks": blocks, "architectures": architectures}


def recombined(catalog, factor):
    """`factor` × as many architectures, composed from the shipped blocks tier by tier."""
    by_tier = {tier: sorted({a["tiers"][tier] for a in catalog["architectures"]}) for tier in ranking.TIER_ORDER}
    combos = itertools.product(*(by_tier[t] for t in ranking.TIER_ORDER))
    wanted = factor * len(catalog["architectures"])
    architectures = [{"id": f"combo-{i}", "name": f"combo {i}", "tiers": dict(zip(ranking.TIER_ORDER, combo))}
                     for i, combo in zip(range(wanted), itertools.cycle(combos))]
    return {**catalog, "architectures": architectures}


def snapshot_distinct(catalog, factor):
    """The distinct catalog, frozen as the catalog snapshot holds it."""
    return freeze(distinct(catalog, factor))


def measure(path, catalog):
    use_case = json.loads(path.read_text())
    result = rules.evaluate(use_case)
    tiers, cluster = result["tiers"], result["use_case"]
    rank = {}
    for grow in (distinct, recombined, snapshot_distinct):
        for factor in SCALES:
            scaled = grow(catalog, factor)
            rank[f"{grow.__name__}_{factor}x_s"] = median_s(
                lambda: ranking.rank(tiers, scaled, cluster=cluster), REPEATS if factor < 100 else 5)
    return {"case": path.stem, "rank_median_s": rank,
            "advise_median_s": median_s(lambda: services.use_case_evaluate(use_case), REPEATS),
            "sweep_median_s": median_s(lambda: ranking.sweep(use_case, catalog), SWEEP_REPEATS)}


def profile(case, grow, factor, top=30):
    """cProfile of rank() on one use case and catalog growth, sorted by cumulative time (to stderr)."""
    import cProfile
    import pstats

    result = rules.evaluate(json.loads((ROOT / "fixtures" / "usecases" / f"{case}.json").read_text()))
    growths = {"distinct": distinct, "recombined": recombined, "snapshot_distinct": snapshot_distinct}
    scaled = growths[grow](selectors.catalog_fixtures(), int(factor))
    ranking.rank(result["tiers"], scaled, cluster=result["use_case"])  # warm: the first call also grows the heap
    profiler = cProfile.Profile()
    profiler.runcall(ranking.rank, result["tiers"], scaled, cluster=result["use_case"])
    pstats.Stats(profiler, stream=sys.stderr).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(top)


def main():
    if sys.argv[1:2] == ["--profile"]:
        return profile(*sys.argv[2:5])
    catalog = selectors.catalog_fixtures()
    results = [measure(p, catalog) for p in sorted((ROOT / "fixtures" / "usecases").glob("*.json"))]
    worst = {key: max(r["rank_median_s"][key] for r in results) for key in results[0]["rank_median_s"]}
    worst["advise_median_s"] = max(r["advise_median_s"] for r in results)
    worst["sweep_median_s"] = max(r["sweep_median_s"] for r in results)
    print(json.dumps({
        "machine": {"python": platform.python_version(), "cpu_count": os.cpu_count(), "platform": platform.platform(),
                    "load_average": os.getloadavg()},
        "catalog_version": catalog["version"], "blocks": len(catalog["blocks"]),
        "architectures": len(catalog["architectures"]), "timer": "time.process_time (CPU seconds of this process)",
        "repeats": {"rank": REPEATS, "rank_100x": 5, "advise": REPEATS, "sweep": SWEEP_REPEATS},
        "budgets_s": BUDGETS_S, "worst": worst, "cases": results,
    }, indent=1))


if __name__ == "__main__":
    main()
