"""Proof that a speed change to the ranking changes no output: every rank() and sweep result, as JSON
(key order included), written by one checkout and compared by another.

Inputs: every fixture use case (fixtures/usecases/*.json and the `use_case` of fixtures/deployments/*.json)
× the three priorities × the shipped catalog (plain and frozen, as the snapshot holds it), 10× distinct
products and 10× recombined architectures (bench_ranking.py's growths); plus measured figures, the owner's
quotes (one a new size point), no cluster, hand-built tiers, and the default 50-point GPU sweep per use case.
The rules' results are recorded with the outputs and replayed by `compare`, so only the ranking is compared.

    python benchmarks/rank_identity.py write /tmp/rank-before.json.gz     # in the checkout before the change
    python benchmarks/rank_identity.py compare /tmp/rank-before.json.gz   # after it: exit 1 on any difference
    python benchmarks/rank_identity.py compare-summaries /tmp/rank-before.json.gz

`compare-summaries` checks a reference written before options past ranking.DETAIL_LIMIT became summaries: an
output whose proposals all fit the limit must be identical; a longer one may differ only in its summarised
entries ("detail": "summary"), each equal to the old full entry restricted to ranking.SUMMARY_KEYS (in its key
order), with findings, Pareto front, order and scores identical and every Pareto member in full.

Compare only outputs of the same fixtures. To check this checkout's code against `main`'s: export main's tree
(`mkdir /tmp/base && git archive main | tar -x -C /tmp/base`), copy this checkout's fixtures and this script
into it, run `write` there (with this checkout's interpreter) and `compare` here.
"""
import argparse
import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

PRIORITIES = ("balanced", "performance", "cost")
TB, GB = 1e12, 1e9


def use_cases(root):
    documents = [(p.stem, json.loads(p.read_text())) for p in sorted((root / "fixtures" / "usecases").glob("*.json"))]
    for path in sorted((root / "fixtures" / "deployments").glob("*.json")):
        documents.append((f"deployment:{path.stem}", json.loads(path.read_text())["use_case"]))
    return documents


def hand_tiers():
    """Tiers no use case produces: two tiers on one block, a latency need, a per-node archive, nothing."""
    def tier(name, capacity_bytes=0, read=0.0, write=0.0, iops=0.0, latency_s=None, nodes=1, **extra):
        return {"tier": name, "capacity_bytes": int(capacity_bytes), "read_bytes_per_s": float(read),
                "write_bytes_per_s": float(write), "iops": float(iops), "latency_s": latency_s, "nodes": nodes,
                "needs": ["identity"], "reason": "hand-built", "sources": [], **extra}

    return {
        "training-16": [tier("gpu_local_nvme", 20 * TB, 25 * GB, 10 * GB, 1e6, nodes=16),
                        tier("shared_fast", 2000 * TB, 200 * GB, 300 * GB, 1e6, latency_s=2e-4, nodes=16),
                        tier("object", 10_000 * TB, 50 * GB, 10 * GB, nodes=16),
                        tier("archive", 20_000 * TB, 1 * GB, 1 * GB, nodes=16)],
        "huge": [tier("shared_fast", 2e20, 5e13, 5e13, 1e10, latency_s=1e-6, nodes=4096),
                 tier("host_memory", 5e12, 1e11, 1e11, nodes=4096)],
        "per-node-archive": [tier("archive", 10 * TB, 1 * GB, nodes=2, per_node=True), tier("object", 0)],
        "empty": [],
    }


class Evaluations:
    """rules.evaluate, recorded by `write` and replayed by `compare`: the rules are not what is checked
    here (the same code can differ in a sum's last digit between two processes), the ranking is."""

    def __init__(self, recorded=None):
        import bench_ranking  # noqa: F401  (sets Django up: settings only, no database is read)
        import rules

        self.rules, self.replay, self.recorded = rules, recorded is not None, recorded or {}

    def __call__(self, key, document):
        if not self.replay:
            try:
                self.recorded[key] = json.loads(json.dumps({"result": self.rules.evaluate(document)}))
            except self.rules.UseCaseError as error:
                self.recorded[key] = {"errors": error.errors}
        found = self.recorded[key]
        if "errors" in found:
            raise self.rules.UseCaseError(found["errors"])
        return found["result"]

    def for_sweep(self, name):
        return lambda document: self(f"sweep:{name}:{document['gpus']}", document)


def outputs(evaluations, root=ROOT):
    """name → JSON text of every checked output."""
    import bench_ranking  # sets Django up (settings only; no database is read)
    import rules
    from recommender import ranking
    from recommender.catalog import selectors
    from recommender.catalog.frozen import freeze
    from rules import procurement

    shipped = selectors.catalog_fixtures()
    catalogs = {"1x": shipped, "frozen-1x": freeze(shipped), "distinct-10x": bench_ranking.distinct(shipped, 10),
                "recombined-10x": bench_ranking.recombined(shipped, 10)}
    result = {}

    def put(name, value):
        result[name] = json.dumps(value)

    evaluated = {}
    for name, document in use_cases(root):
        try:
            evaluated[name] = evaluations(f"evaluate:{name}", document)
        except rules.UseCaseError as error:
            put(f"{name}|evaluate-error", error.errors)
    for name, done in evaluated.items():
        for catalog_name, catalog in catalogs.items():
            for priority in PRIORITIES:
                put(f"{name}|{catalog_name}|{priority}",
                    ranking.rank(done["tiers"], catalog, priority=priority, cluster=done.get("use_case")))
    variants = _variants(shipped)
    for name in sorted(evaluated)[:4]:
        done = evaluated[name]
        for variant, options in variants.items():
            put(f"{name}|1x|{variant}", ranking.rank(done["tiers"], shipped, cluster=done.get("use_case"), **options))
        put(f"{name}|1x|no-cluster", ranking.rank(done["tiers"], shipped))
        frozen_quotes = freeze(variants["quotes"]["quotes"])
        for repeat in range(2):  # a frozen snapshot and its frozen quotes, as the service passes them, twice
            put(f"{name}|frozen-1x|frozen-quotes|{repeat}", ranking.rank(
                done["tiers"], catalogs["frozen-1x"], cluster=done.get("use_case"), quotes=frozen_quotes))
    cluster = {"gpus": 128, "gpu_model": "h100", "nodes": 16, "procurement": procurement.normalize(None, None)}
    for tiers_name, tiers in hand_tiers().items():
        for catalog_name in ("1x", "distinct-10x"):
            for priority in PRIORITIES:
                put(f"hand:{tiers_name}|{catalog_name}|{priority}",
                    ranking.rank(tiers, catalogs[catalog_name], priority=priority, cluster=cluster))
    for name, document in use_cases(root):
        try:
            put(f"{name}|sweep", ranking.sweep(document, shipped, evaluate=evaluations.for_sweep(name)))
        except rules.UseCaseError as error:
            put(f"{name}|sweep-error", error.errors)
    return result


def _variants(shipped):
    first_port = next(b for b in shipped["blocks"] if b["kind"] == "network_port")
    family_member = next(b for b in shipped["blocks"] if b.get("family") and b.get("per_node"))
    shared = next(b for b in shipped["blocks"] if b.get("network_port_block"))
    new_point = dict(family_member, id=family_member["id"] + "-quoted")
    quotes = {first_port["id"]: {"unit_price_usd": 1500.0, "valid_until": "2027-03-31", "vendor_ref": "Q-1"},
              shared["id"]: {"unit_price_usd": 1.0, "valid_until": "2027-01-31", "vendor_ref": "Q-2"},
              new_point["id"]: {"unit_price_usd": 100.0, "valid_until": "2027-01-31", "vendor_ref": "Q-3",
                                "block": new_point}}
    measured = {shared["id"]: {"write_bytes_per_s": 5 * GB, "read_bytes_per_s": 7 * GB},
                family_member["id"]: {"iops": 1e5}}
    return {"quotes": {"quotes": quotes}, "measured": {"measured": measured},
            "both-cost": {"quotes": quotes, "measured": measured, "priority": "cost"}}


def first_difference(before, after, path="$"):
    if type(before) is not type(after):
        return f"{path}: {type(before).__name__} → {type(after).__name__}"
    if isinstance(before, dict):
        if list(before) != list(after):
            return f"{path}: keys {list(before)} → {list(after)}"
        for key in before:
            found = first_difference(before[key], after[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(before, list):
        if len(before) != len(after):
            return f"{path}: {len(before)} items → {len(after)}"
        for i, (b, a) in enumerate(zip(before, after)):
            found = first_difference(b, a, f"{path}[{i}]")
            if found:
                return found
        return None
    return None if before == after else f"{path}: {before!r} → {after!r}"


def summary_difference(before, after):
    """None when `after` is `before` with the entries past the detail limit (and off the Pareto front) summarised."""
    from recommender import ranking

    if not isinstance(before, dict) or "proposals" not in before or len(before["proposals"]) <= ranking.DETAIL_LIMIT:
        return first_difference(before, after) or "key order/format"
    if list(before) != list(after):
        return f"$: keys {list(before)} → {list(after)}"
    for key in ("findings", "pareto"):
        found = first_difference(before[key], after[key], f"$.{key}")
        if found:
            return found
    old, new = before["proposals"], after["proposals"]
    if len(old) != len(new):
        return f"$.proposals: {len(old)} items → {len(new)}"
    front = set(before["pareto"])
    for i, (full, got) in enumerate(zip(old, new)):
        if got.get("detail") != "summary":
            expected = full
        elif full["rank"] <= ranking.DETAIL_LIMIT or full["architecture"] in front:
            return f"$.proposals[{i}]: rank {full['rank']} ({full['architecture']}) summarised"
        else:
            expected = {**{k: v for k, v in full.items() if k in ranking.SUMMARY_KEYS}, "detail": "summary"}
        found = first_difference(expected, got, f"$.proposals[{i}]")
        if found:
            return found
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("write", "compare", "compare-summaries"))
    parser.add_argument("path", type=Path)
    args = parser.parse_args()
    if args.action == "write":
        evaluations = Evaluations()
        got = outputs(evaluations)
        with gzip.open(args.path, "wt") as out:
            json.dump({"evaluations": evaluations.recorded, "outputs": got}, out)
        print(f"{len(got)} outputs written to {args.path}")
        return 0
    with gzip.open(args.path, "rt") as stored:
        stored = json.load(stored)
    expected, got = stored["outputs"], outputs(Evaluations(stored["evaluations"]))
    differing = [k for k in sorted(set(expected) | set(got)) if expected.get(k) != got.get(k)]
    summarised, failing = 0, []
    for key in differing:
        if key not in got or key not in expected:
            failing.append(f"{key}: {'missing now' if key not in got else 'new'}")
        elif args.action == "compare":
            found = first_difference(json.loads(expected[key]), json.loads(got[key])) or "key order/format"
            failing.append(f"{key}: {found}")
        else:
            found = summary_difference(json.loads(expected[key]), json.loads(got[key]))
            if found:
                failing.append(f"{key}: {found}")
            else:
                summarised += 1
    for line in failing[:20]:
        print(line)
    extra = f" ({summarised} differ only in summarised entries, as allowed)" if args.action != "compare" else ""
    print(f"{len(expected)} outputs compared, {len(failing)} differ{extra}")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
