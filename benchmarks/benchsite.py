"""Shared set-up of the benchmarks: a private data folder with the migrated SQLite database, the demo
user, its API token and the database catalog (what `make run` prepares), and small timing helpers."""
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
SITE_FILE = "bench-site.json"


def prepared_site(fresh=False):
    """{data_dir, database_url, token}: BENCH_SITE's when run_all prepared one (unless `fresh`),
    else a new one."""
    if os.environ.get("BENCH_SITE") and not fresh:
        return json.loads(Path(os.environ["BENCH_SITE"]).read_text())
    data_dir = Path(tempfile.mkdtemp(prefix="advisor-bench-"))
    site = {"data_dir": str(data_dir), "database_url": f"sqlite:///{data_dir / 'db.sqlite3'}"}
    env = site_env(site)
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    out = subprocess.run([PY, "manage.py", "demo"], cwd=ROOT, env=env, check=True, capture_output=True,
                         text=True).stdout
    site["token"] = re.search(r"API token (\w+)", out).group(1)
    (data_dir / SITE_FILE).write_text(json.dumps(site))
    return site


def site_env(site, **extra):
    """The environment every process of a benchmark runs with (SQLite, no DEBUG, quiet logs)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG")}
    env.update(ADVISOR_DATA_DIR=site["data_dir"], DATABASE_URL=site["database_url"],
               DJANGO_SETTINGS_MODULE="recommender.settings", LOG_LEVEL="WARNING",
               # a load test is one user on purpose: the per-user fair-use throttle would answer 429.
               # Per second, not per minute: DRF's throttle keeps (and pickles through Redis) one
               # timestamp per request in its window, ~12,000 at 200 req/s over a minute (~1 ms a
               # request); a real user stops at the 120/min default, so ≤ 120 timestamps
               THROTTLE_SIZING="1000000/s", **extra)
    return env


def use_django(site):
    """Point this process at the site and set Django up."""
    os.environ.update(site_env(site))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, timeout_s=60.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with status {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on port {port} after {timeout_s:.0f} s")


def timed_ms(call, repeats):
    """Wall-clock milliseconds of each of `repeats` calls."""
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        out.append((time.perf_counter() - start) * 1000)
    return out


def summary_ms(values):
    ordered = sorted(values)
    return {"median_ms": round(statistics.median(ordered), 3), "min_ms": round(ordered[0], 3),
            "p90_ms": round(ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))], 3), "n": len(ordered)}


def conditions():
    """What the figures were measured under: the machine is shared, so the load goes with them."""
    import platform

    return {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
            "load_average_1m": round(os.getloadavg()[0], 2),
            "at": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())}


def write_json(name, data):
    path = ROOT / "benchmarks" / "results" / name
    path.write_text(json.dumps(data, indent=1) + "\n")
    return path


def repeats_main(doc, bench, result_name):
    """The command line of a bench that takes --repeats: run it, keep its JSON, print its rows."""
    import argparse

    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    result = bench(parser.parse_args().repeats)
    write_json(result_name, result)
    print(json.dumps(result["rows"], indent=1))
