"""rank() of another revision and of this checkout, called alternately in one process on the same inputs:
a before/after ratio that the load of a shared machine disturbs alike on both sides.

Catalogs: bench_ranking.py's growths (distinct, recombined, snapshot_distinct) and bench_scale.py's
(`copied`: copies that keep their families). The other revision's recommender/ranking.py and ranking_parts.py (and catalog/frozen.py) are exported
into a temporary package; rules, fixtures and catalog growths (bench_ranking.py) are this checkout's.
Each pair is timed in CPU seconds of this process; minimum (the least disturbed call) and median.
`--collect`: each call is followed, inside its timing, by gc.collect(0), so a call that leaves reference cycles
pays for freeing them itself (rank() runs with the collector paused; without the flag the young generation is
collected only after the timed loop, and a revision that leaves cycles looks faster than the work it causes).

Run: uv run python benchmarks/bench_ranking_paired.py [--base main] [--cases rag,train_serve_rag] [--collect]
     > benchmarks/results/ranking_paired.json
"""
import argparse
import gc
import importlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import bench_ranking  # sets Django up (settings only)

ROOT = bench_ranking.ROOT
EXPORTED = ("recommender/ranking.py", "recommender/ranking_parts.py", "recommender/catalog/frozen.py")
GROWTHS = (("snapshot_distinct", 1), ("distinct", 10), ("distinct", 100), ("recombined", 10), ("recombined", 100),
           ("snapshot_distinct", 10), ("snapshot_distinct", 100), ("copied", 10), ("copied", 100))


def copied(catalog, factor):
    """bench_scale.py's catalog: the shipped one plus factor - 1 copies whose blocks keep their families."""
    import bench_scale

    extra = bench_scale.scaled(catalog, factor)
    return {**catalog, "blocks": catalog["blocks"] + extra["blocks"],
            "architectures": catalog["architectures"] + extra["architectures"]}


def base_ranking(revision):
    """The ranking module of `revision`, imported from a temporary package `base_ranking`."""
    folder = Path(tempfile.mkdtemp(prefix="ranking-base-"))
    for path in EXPORTED:
        shown = subprocess.run(["git", "show", f"{revision}:{path}"], cwd=ROOT, capture_output=True, text=True)
        if shown.returncode:
            continue  # a file the revision does not have (its ranking does not import it)
        target = folder / "base_ranking" / Path(path).relative_to("recommender")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(shown.stdout)
    for package in (folder / "base_ranking", folder / "base_ranking" / "catalog"):
        if package.is_dir():
            (package / "__init__.py").touch()
    sys.path.insert(0, str(folder))
    frozen = folder / "base_ranking" / "catalog" / "frozen.py"
    if frozen.is_file() and frozen.read_text() == (ROOT / "recommender" / "catalog" / "frozen.py").read_text():
        # the same frozen types on both sides: a snapshot frozen here is frozen for the base too (its facts are
        # kept across calls); otherwise the base would rebuild them every call and look slower than it is
        importlib.import_module("base_ranking")
        sys.modules["base_ranking.catalog.frozen"] = importlib.import_module("recommender.catalog.frozen")
    return importlib.import_module("base_ranking.ranking")


def pair(old, new, tiers, catalog, cluster, repeats, collect=False):
    times = {"base": [], "this": []}
    for _ in range(repeats):
        for side, module in (("base", old), ("this", new)):
            start = time.process_time()
            module.rank(tiers, catalog, cluster=cluster)
            if collect:
                gc.collect(0)
            times[side].append(time.process_time() - start)
    row = {f"{side}_{stat}_ms": round(fn(values) * 1e3, 3) for side, values in times.items()
           for stat, fn in (("min", min), ("median", statistics.median))}
    row["ratio_min"] = round(row["base_min_ms"] / row["this_min_ms"], 3)
    row["ratio_median"] = round(row["base_median_ms"] / row["this_median_ms"], 3)
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="main")
    parser.add_argument("--cases", default="")
    parser.add_argument("--collect", action="store_true", help="gc.collect(0) after every call, inside its timing")
    args = parser.parse_args()
    import rules
    from recommender import ranking
    from recommender.catalog import selectors

    old, shipped = base_ranking(args.base), selectors.catalog_fixtures()
    paths = sorted((ROOT / "fixtures" / "usecases").glob("*.json"))
    cases = [p for p in paths if not args.cases or p.stem in args.cases.split(",")]
    base_commit = subprocess.run(["git", "rev-parse", "--short", args.base], cwd=ROOT, capture_output=True,
                                 text=True).stdout.strip()
    this_commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                 text=True).stdout.strip()
    rows, load_before = [], os.getloadavg()
    for grow, factor in GROWTHS:
        catalog = (copied if grow == "copied" else getattr(bench_ranking, grow))(shipped, factor)
        for path in cases:
            result = rules.evaluate(json.loads(path.read_text()))
            repeats = 41 if factor == 1 else (21 if factor == 10 else 9)
            row = {"case": path.stem, "catalog": f"{grow}_{factor}x", "pairs": repeats,
                   **pair(old, ranking, result["tiers"], catalog, result["use_case"], repeats, args.collect)}
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
    print(json.dumps({"base": f"{args.base} ({base_commit})", "this": this_commit,
                      "timer": "time.process_time, alternating base/this per pair"
                      + (", gc.collect(0) after each call inside its timing" if args.collect else ""),
                      "load_average": {"before": load_before, "after": os.getloadavg()}, "rows": rows}, indent=1))


if __name__ == "__main__":
    sys.exit(main())
