"""Times ranking: rank() alone and the whole advise path (rules + catalog + rank) per golden use case,
and the default 50-point GPU sweep. Budgets (issue 4): advise median <= 50 ms; a 50-point sweep <= 2 s.

Run: uv run python benchmarks/bench_ranking.py > benchmarks/results/ranking.json
"""
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

ADVISE_BUDGET_S, SWEEP_BUDGET_S = 0.050, 2.0
REPEATS, SWEEP_REPEATS = 30, 3


def median_s(call, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(path, catalog):
    use_case = json.loads(path.read_text())
    tiers = rules.evaluate(use_case)["tiers"]
    sweep = ranking.sweep(use_case, catalog)
    return {
        "case": path.stem,
        "rank_median_s": median_s(lambda: ranking.rank(tiers, catalog), REPEATS),
        "advise_median_s": median_s(lambda: services.use_case_evaluate(use_case), REPEATS),
        "sweep_points": len(sweep["points"]),
        "sweep_median_s": median_s(lambda: ranking.sweep(use_case, catalog), SWEEP_REPEATS),
    }


def main():
    catalog = selectors.catalog_current()
    results = [measure(p, catalog) for p in sorted((ROOT / "fixtures" / "usecases").glob("*.json"))
               if p.stem != "expected"]
    worst_advise = max(r["advise_median_s"] for r in results)
    worst_sweep = max(r["sweep_median_s"] for r in results)
    print(json.dumps({
        "machine": {"python": platform.python_version(), "cpu_count": os.cpu_count(),
                    "platform": platform.platform()},
        "catalog_version": catalog["version"],
        "repeats": {"rank_and_advise": REPEATS, "sweep": SWEEP_REPEATS},
        "budgets_s": {"advise_median": ADVISE_BUDGET_S, "sweep_50_points": SWEEP_BUDGET_S},
        "worst": {"advise_median_s": worst_advise, "sweep_median_s": worst_sweep},
        "within_budget": worst_advise <= ADVISE_BUDGET_S and worst_sweep <= SWEEP_BUDGET_S,
        "cases": results,
    }, indent=1))


if __name__ == "__main__":
    main()
