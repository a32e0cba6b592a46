"""Whole-process wall time of `manage.py advise FILE` (what a shell user waits for), next to the floor
it stands on: a bare interpreter and `django.setup()` alone. Each command runs R times, one after the
other; the median is reported with the CPU time (user + system) of the child, which other work on a
shared machine inflates less than wall time.

Target (issue 14): `manage.py advise`, whole process, ≤ 1 s.
Run: uv run python benchmarks/bench_cli.py [--repeats 5]
"""
import os
import statistics
import subprocess
import sys
import time

import benchsite

USE_CASE = "fixtures/usecases/cv_training.json"
COMMANDS = {
    "python -c pass": ["-c", "pass"],
    "django.setup() only": ["-c", "import django; django.setup()"],
    "manage.py advise (database catalog)": ["manage.py", "advise", USE_CASE],
    "manage.py validate --help": ["manage.py", "validate", "--help"],
}


def run_once(args, env):
    start = time.perf_counter()
    proc = subprocess.Popen([benchsite.PY, *args], cwd=benchsite.ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise RuntimeError(f"{' '.join(args)}: exit {proc.returncode}: {proc.stderr.read()[-500:]}")
    return wall, usage.ru_utime + usage.ru_stime


def bench(repeats):
    site = benchsite.prepared_site()
    env = benchsite.site_env(site)
    rows = []
    for name, args in COMMANDS.items():
        run_once(args, env)  # warm the page cache and .pyc files
        samples = [run_once(args, env) for _ in range(repeats)]
        rows.append({"command": name, "wall_median_s": round(statistics.median(s[0] for s in samples), 3),
                     "wall_min_s": round(min(s[0] for s in samples), 3),
                     "cpu_median_s": round(statistics.median(s[1] for s in samples), 3), "n": repeats})
    return {"conditions": benchsite.conditions(), "rows": rows}


def main():
    benchsite.repeats_main(__doc__, bench, "cli.json")


if __name__ == "__main__":
    sys.exit(main())
