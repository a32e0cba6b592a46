"""rules.evaluate of another revision and of this checkout, in two warm worker processes that take
turns batch by batch on the same fixture use cases: a before/after ratio that the load of a shared
machine disturbs alike on both sides.

The other revision's rules/ and fixtures/ are exported (git archive) into a temporary folder; each
worker imports `rules` from its own tree. CPU time (time.process_time) per call, per batch; the
median and minimum batch of each side and the median of the paired ratios (after ÷ before).

Run: uv run python benchmarks/bench_rules_paired.py [--base main] [--rounds 30] [--calls 100]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = ("cv_training", "llm_training")


def worker(tree):
    """Answer 'case calls' lines with the CPU µs per rules.evaluate call of that batch."""
    sys.path.insert(0, tree)
    import rules

    docs = {c: json.loads((Path(tree) / "fixtures" / "usecases" / f"{c}.json").read_text()) for c in CASES}
    for doc in docs.values():
        for _ in range(50):  # the engine built, caches warm
            rules.evaluate(doc)
    print("ready", flush=True)
    for line in sys.stdin:
        case, calls = line.split()
        start = time.process_time()
        for _ in range(int(calls)):
            rules.evaluate(docs[case])
        print((time.process_time() - start) / int(calls) * 1e6, flush=True)


def exported(revision, into):
    archive = subprocess.run(["git", "archive", revision, "rules", "fixtures"], cwd=ROOT, check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", into], input=archive, check=True)
    return into


def paired(trees, rounds, calls):
    """{case: ([before µs per batch], [after µs per batch])}, the two sides taking turns first."""
    workers = [subprocess.Popen([sys.executable, __file__, "--worker", t], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True) for t in trees]
    for w in workers:
        assert w.stdout.readline().strip() == "ready"
    out = {c: ([], []) for c in CASES}
    for r in range(rounds):
        for case in CASES:
            for side in ((0, 1) if r % 2 == 0 else (1, 0)):
                workers[side].stdin.write(f"{case} {calls}\n")
                workers[side].stdin.flush()
                out[case][side].append(float(workers[side].stdout.readline()))
    for w in workers:
        w.stdin.close()
        w.wait()
    return out


def summary(before, after, calls):
    return {"before_median_us": round(statistics.median(before)), "after_median_us": round(statistics.median(after)),
            "before_min_us": round(min(before)), "after_min_us": round(min(after)),
            "after_over_before_median": round(statistics.median(b / a for a, b in zip(before, after)), 3),
            "calls_each": len(before) * calls}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker")
    parser.add_argument("--base", default="main")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--calls", type=int, default=100)
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker)
    with tempfile.TemporaryDirectory(prefix="rules-base-") as base:
        load = os.getloadavg()[0]
        runs = paired([exported(args.base, base), str(ROOT)], args.rounds, args.calls)
    result = {"base": args.base, "load_average_1m": [round(load, 2), round(os.getloadavg()[0], 2)],
              **{case: summary(*runs[case], args.calls) for case in CASES}}
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    sys.exit(main())
