"""Run N rank() calls of one use case on one catalog growth, so that valgrind can count instructions per call.

Instructions per call = (count at N=4 - count at N=1) / 3, which cancels start-up, imports and the catalog build:

  for n in 1 4; do
    valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/tmp/cg.$n \\
      .venv/bin/python benchmarks/count_rank_instructions.py train_serve_rag distinct 100 $n
  done
  # read the "I refs" summary of each run and take the difference
"""
import json
import sys

import bench_ranking
from bench_ranking import ROOT, rules, ranking, selectors


def main(case, grow, factor, calls):
    result = rules.evaluate(json.loads((ROOT / "fixtures" / "usecases" / f"{case}.json").read_text()))
    scaled = getattr(bench_ranking, grow)(selectors.catalog_fixtures(), int(factor))
    for _ in range(int(calls)):
        ranking.rank(result["tiers"], scaled, cluster=result["use_case"])


if __name__ == "__main__":
    main(*sys.argv[1:5])
