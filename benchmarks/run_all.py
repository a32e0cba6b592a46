"""`make bench`: the whole performance suite in one run, on one prepared site (migrated SQLite database,
demo user and token, database catalog, as `make run` sets up), then the side-by-side summary in
docs/performance/README.md. Each benchmark also keeps its own figures in benchmarks/results/*.json.

Run: uv run python benchmarks/run_all.py [--quick]   (--quick: short runs, no disk I/O or CSV benches)
"""
import argparse
import json
import subprocess
import sys
from pathlib import Path

import benchsite

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
PAGE = benchsite.ROOT / "docs" / "performance" / "README.md"


def suite(quick):
    web_s = "3" if quick else "8"
    repeats = "3" if quick else "7"
    steps = [
        ("bench_cli.py", ["--repeats", repeats], None),
        ("bench_advise.py", ["--repeats", "10" if quick else "30", "--write", "docs/performance/advise.md"], None),
        ("bench_ranking.py", [], "ranking.json"),
        ("bench_scale.py", ["--repeats", repeats], None),
        ("bench_web.py", ["--duration-s", web_s], None),
        ("profile_sizing.py", ["--requests", "100" if quick else "300"], None),
        ("bench_pages.py", ["--repeats", repeats], None),
    ]
    if not quick:
        steps += [("bench_io_vs_fio.py", [], None), ("tabular_parse.py", [], None)]
    return steps


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    site = benchsite.prepared_site()
    env = benchsite.site_env(site, BENCH_SITE=str(Path(site["data_dir"]) / benchsite.SITE_FILE))
    failed = []
    for script, script_args, stdout_json in suite(args.quick):
        print(f"== {script}", flush=True)
        out = subprocess.run([sys.executable, str(HERE / script), *script_args], cwd=benchsite.ROOT, env=env,
                             stdout=subprocess.PIPE if stdout_json else None, text=True)
        if out.returncode:
            failed.append(script)
        elif stdout_json:
            (RESULTS / stdout_json).write_text(out.stdout)
    PAGE.write_text(summary(args.quick, failed))
    print(f"wrote {PAGE.relative_to(benchsite.ROOT)}")
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


def load(name):
    path = RESULTS / name
    return json.loads(path.read_text()) if path.exists() else None


def verdict(ok):
    return "meets" if ok else "**misses**"


def summary(quick, failed):
    web, cli, scale, pages = load("web.json"), load("cli.json"), load("scale.json"), load("pages.json")
    profile, ranking = load("sizing_profile.json"), load("ranking.json")
    lines = ["# Performance", "",
             f"Written by `benchmarks/run_all.py` ({'--quick' if quick else 'full run'}) in one run, "
             f"on one prepared site (SQLite database with the demo user and the database catalog, as "
             f"`make run` prepares). Machine: {benchsite.conditions()['cores']} cores, shared with other "
             "work while measured (the load average is given per benchmark): absolute figures move with "
             "that load; the paired ratios and the CPU milliseconds per request move much less.", "",
             "## Targets (issue 14)", "", "| figure | target | measured | verdict |", "|---|---|---|---|"]
    lines += target_rows(web, cli, scale)
    lines += web_section(web) + cli_section(cli) + scale_section(scale, ranking) + pages_section(pages)
    lines += profile_section(profile)
    lines += ["", "## Other pages", "",
              "- [sizing.md](sizing.md): where a sizing request's time goes, and what was changed.",
              "- [advise.md](advise.md): `advise` per fixture use case (rules alone and the full evaluation).",
              "- [ranking.md](ranking.md): ranking and the GPU sweep (issue 9).",
              "- [validation.md](validation.md): validation probes against fio on the same device."]
    if failed:
        lines += ["", f"Failed in this run: {', '.join(failed)} (their figures above are from an earlier run)."]
    return "\n".join(lines) + "\n"


def target_rows(web, cli, scale):
    rows = []
    if web:
        best = max(web["pairs"], key=lambda p: p["sizing_req_per_s"])
        ratios = [p["ratio"] for p in web["pairs"] if p["ratio"]]
        rows.append(f"| sizing API, concurrency 4–16 | ≥ 200 req/s | {best['sizing_req_per_s']:.0f} req/s "
                    f"(c={best['concurrency']}) | {verdict(best['sizing_req_per_s'] >= 200)} |")
        rows.append(f"| sizing ÷ API root, same run | ≥ 0.4 | {min(ratios):.2f}–{max(ratios):.2f} | "
                    f"{verdict(min(ratios) >= 0.4)} |")
    if cli:
        advise = next(r for r in cli["rows"] if r["command"].startswith("manage.py advise"))
        rows.append(f"| `manage.py advise`, whole process (wall, median) | ≤ 1 s | {advise['wall_median_s']:.2f} s "
                    f"({advise['cpu_median_s']:.2f} s CPU) | {verdict(advise['wall_median_s'] <= 1)} |")
    if scale:
        by = {r["scale"]: r for r in scale["rows"]}
        rows.append(f"| advise with the database catalog, median | ≤ 10 ms | {by[1]['advise_db_median_ms']:.1f} ms | "
                    f"{verdict(by[1]['advise_db_median_ms'] <= 10)} |")
        if 10 in by:
            rows.append(f"| `rank()`, 10× catalog, median | ≤ 10 ms | {by[10]['rank_median_ms']:.1f} ms | "
                        f"{verdict(by[10]['rank_median_ms'] <= 10)} |")
    return rows


def conditions_line(result):
    c = result["conditions"]
    return f"Measured {c['at']}, load average {c['load_average_1m']} on {c['cores']} cores, Python {c['python']}."


def web_section(web):
    if not web:
        return []
    lines = ["", "## Sizing API against the API root (`bench_web.py`)", "",
             f"gunicorn, {web['gunicorn_workers']} sync workers, loopback; load generator: "
             f"{'wrk (C, 1 thread)' if web['client'] == 'wrk' else 'threaded Python client'} on the same 2 cores; "
             f"{web['duration_s_per_point']} s per point, sizing then root back to back at each concurrency; "
             f"use case `{web['use_case']}`; token auth; database catalog. CPU per request is the workers' "
             f"user + system time (from /proc) over the requests served; the client's is its own rusage. "
             + conditions_line(web), "",
             "| endpoint | concurrency | req/s | failed | p50 (ms) | p99 (ms) | server CPU ms/req | client CPU ms/req |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    lines += [f"| {r['endpoint']} | {r['concurrency']} | {r['req_per_s']:.1f} | {r['failed']} | {r['p50_ms']:.1f} | "
              f"{r['p99_ms']:.1f} | {r['server_cpu_ms_per_req']:.2f} | {r['client_cpu_ms_per_req']:.2f} |"
              for r in web["rows"]]
    sizing_cpu = [r["server_cpu_ms_per_req"] for r in web["rows"] if r["endpoint"] == "sizing"]
    cores = web["conditions"]["cores"]
    lines += ["", f"Ratio sizing ÷ root per concurrency: "
              + ", ".join(f"c={p['concurrency']}: {p['ratio']}" for p in web["pairs"])
              + f". CPU-bound ceiling of the sizing API on {cores} idle cores: {cores} × 1000 ÷ "
              f"{min(sizing_cpu):.1f}–{max(sizing_cpu):.1f} ms ≈ {cores * 1000 / max(sizing_cpu):.0f}–"
              f"{cores * 1000 / min(sizing_cpu):.0f} req/s (less the client's share)."]
    return lines


def cli_section(cli):
    if not cli:
        return []
    lines = ["", "## Command-line start-up (`bench_cli.py`)", "",
             "Whole process, as a shell runs it; median of the runs after one warm-up run. " + conditions_line(cli), "",
             "| command | wall median (s) | wall min (s) | CPU median (s) |", "|---|---:|---:|---:|"]
    lines += [f"| {r['command']} | {r['wall_median_s']:.3f} | {r['wall_min_s']:.3f} | {r['cpu_median_s']:.3f} |"
              for r in cli["rows"]]
    return lines


def scale_section(scale, ranking):
    if not scale:
        return []
    lines = ["", "## Catalog scale (`bench_scale.py`)", "",
             f"rank() alone and the full advise (rules + snapshot + rank) with the n× catalog in the database, "
             f"median over {scale['use_cases']} fixture use cases of each one's median of {scale['repeats']} runs. "
             + conditions_line(scale), "",
             "| catalog | blocks | architectures | rank() median (ms) | rank() worst (ms) | advise median (ms) | "
             "advise worst (ms) | snapshot rebuild (ms) |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    lines += [f"| {r['scale']}× | {r['blocks']} | {r['architectures']} | {r['rank_median_ms']:.2f} | "
              f"{r['rank_worst_case_ms']:.2f} | {r['advise_db_median_ms']:.2f} | {r['advise_db_worst_case_ms']:.2f} | "
              f"{r['snapshot_rebuild_ms']:.1f} |" for r in scale["rows"]]
    if ranking and "worst" in ranking:
        lines += ["", f"`bench_ranking.py` (issue 9's, same run): worst advise median "
                  f"{1000 * ranking['worst']['advise_median_s']:.1f} ms, worst 50-point sweep "
                  f"{ranking['worst']['sweep_median_s']:.2f} s."]
    return lines


def pages_section(pages):
    if not pages:
        return []
    lines = ["", "## Pages and PDF (`bench_pages.py`)", "",
             "Django test client in a fresh process, logged in as the demo user; cold = the process's first "
             "request, warm = median of the next ones. " + conditions_line(pages), "",
             "| what | cold (ms) | warm median (ms) | warm min (ms) | bytes |", "|---|---:|---:|---:|---:|"]
    lines += [f"| {r['what']} | {r['cold_ms']:.0f} | {r['warm_median_ms']:.0f} | {r['warm_min_ms']:.0f} | {r['bytes']} |"
              for r in pages["rows"]]
    return lines


def profile_section(profile):
    if not profile:
        return []
    lines = ["", "## Where a sizing request's time goes (`profile_sizing.py`)", "",
             f"cProfile over {profile['requests']} in-process requests (own time, summed by package; "
             f"unprofiled median {profile['unprofiled']['median_ms']:.1f} ms, min {profile['unprofiled']['min_ms']:.1f} ms). "
             + conditions_line(profile), "", "| part | share of the request |", "|---|---:|"]
    lines += [f"| {k} | {100 * v:.1f} % |" for k, v in profile["own_time_share"].items()]
    return lines


if __name__ == "__main__":
    main()
