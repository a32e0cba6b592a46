"""Sizing API throughput against a real gunicorn on loopback, paired with the API root in the same run.

For each concurrency (4, 8, 16): POST /api/v1/sizing for D seconds, then GET /api/v1/ for D seconds,
with wrk (Debian package; C, one thread) or, without it, a threaded Python client. Both hit the same
gunicorn (2 sync workers, `make run`'s default) with the demo user's token, on the database catalog
`make run` loads. Also records the CPU the server (master + workers) and the client spent per
request, since the client competes with the server for the 2 cores. The workers' pids are read after
the warm-up (gunicorn forks them after it binds the port, so reading them at start-up can miss one and
halve the figure), the run fails if a worker was replaced mid-point, and the machine's busy time
(/proc/stat, every process) bounds server + client from above. Every loop is bounded in time.

Target (issue 14): sizing ≥ 200 req/s, i.e. ≥ 0.4 × the API root's req/s in the same run.
Run: uv run python benchmarks/bench_web.py [--duration-s 5] [--client wrk|python]
"""
import argparse
import http.client
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import benchsite

CONCURRENCY = (4, 8, 16)
USE_CASE = benchsite.ROOT / "fixtures" / "usecases" / "cv_training.json"
TICK_S = 1 / os.sysconf("SC_CLK_TCK")
WRK_SCRIPT = """
wrk.method = "{method}"
wrk.headers["Authorization"] = "Token {token}"
{body}
done = function(summary, latency, requests)
  io.write(string.format('{{"requests": %d, "duration_us": %d, "status_errors": %d, "socket_errors": %d, '
    .. '"p50_ms": %.3f, "p99_ms": %.3f}}\\n', summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""


def start_gunicorn(site, workers):
    port = benchsite.free_port()
    proc = subprocess.Popen(
        [benchsite.PY, "-m", "gunicorn", "recommender.wsgi", "--bind", f"127.0.0.1:{port}", "--workers",
         str(workers), "--timeout", "120", "--no-control-socket", "--log-level", "warning"],
        cwd=benchsite.ROOT, env=benchsite.site_env(site), stdout=subprocess.DEVNULL)
    benchsite.wait_port(port, proc)
    return proc, port


def children(pid):
    """The pids whose parent is `pid` (gunicorn's workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def server_pids(master, workers, timeout_s=30.0):
    """The master and its `workers` worker pids, once gunicorn has forked all of them."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = children(master)
        if len(found) == workers:
            return [master, *sorted(found)]
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn has {len(found)} workers, expected {workers}")


def machine_busy_s():
    """CPU seconds every core spent not idle, since boot (/proc/stat; guest time is inside user)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return (user + nice + system + irq + softirq + steal) * TICK_S


def cpu_s(pids):
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) * TICK_S
    return total


class Endpoint:
    def __init__(self, name, method, path, body=None):
        self.name, self.method, self.path, self.body = name, method, path, body


def wrk_run(endpoint, port, token, concurrency, duration_s, workdir):
    body = ""
    if endpoint.body is not None:
        (workdir / "body.json").write_text(endpoint.body)
        body = (f'wrk.headers["Content-Type"] = "application/json"\n'
                f'wrk.body = io.open("{workdir / "body.json"}"):read("*a")')
    script = workdir / f"{endpoint.name}.lua"
    script.write_text(WRK_SCRIPT.format(method=endpoint.method, token=token, body=body))
    proc = subprocess.Popen(["wrk", "-t1", f"-c{concurrency}", f"-d{duration_s}s", "--timeout", "10s",
                             "-s", str(script), f"http://127.0.0.1:{port}{endpoint.path}"],
                            stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read()
    _, _, usage = os.wait4(proc.pid, 0)
    proc.returncode = 0
    result = json.loads(out.strip().splitlines()[-1])
    return {"requests": result["requests"], "elapsed_s": result["duration_us"] / 1e6,
            "failed": result["status_errors"] + result["socket_errors"], "p50_ms": result["p50_ms"],
            "p99_ms": result["p99_ms"], "client_cpu_s": usage.ru_utime + usage.ru_stime}


def python_run(endpoint, port, token, concurrency, duration_s, _workdir):
    """Threads that each send one request at a time, until the deadline (server closes connections)."""
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    body = endpoint.body.encode() if endpoint.body is not None else None
    counts, failed, latencies, lock = [0], [0], [], threading.Lock()
    deadline = time.monotonic() + duration_s

    def client():
        while time.monotonic() < deadline:
            start = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request(endpoint.method, endpoint.path, body=body, headers=headers)
                ok = conn.getresponse().read() is not None and True
                status = conn.sock is None or True
                conn.close()
            except OSError:
                ok, status = False, False
            with lock:
                counts[0] += 1
                failed[0] += 0 if ok and status else 1
                latencies.append((time.perf_counter() - start) * 1000)

    before, start = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    after, elapsed = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter() - start
    latencies.sort()
    return {"requests": counts[0], "elapsed_s": elapsed, "failed": failed[0],
            "p50_ms": latencies[len(latencies) // 2], "p99_ms": latencies[int(0.99 * (len(latencies) - 1))],
            "client_cpu_s": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)}


def status_ok(endpoint, port, token):
    """One request by hand: the benchmark only counts if the endpoint answers 200."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(endpoint.method, endpoint.path, body=endpoint.body,
                 headers={"Authorization": f"Token {token}", "Content-Type": "application/json"})
    response = conn.getresponse()
    response.read()
    if response.status != 200:
        raise RuntimeError(f"{endpoint.method} {endpoint.path}: status {response.status}")


def measure(endpoint, port, token, concurrency, duration_s, run, pids, workdir):
    cpu_before, busy_before = cpu_s(pids), machine_busy_s()
    result = run(endpoint, port, token, concurrency, duration_s, workdir)
    server_cpu, busy = cpu_s(pids) - cpu_before, machine_busy_s() - busy_before
    if server_pids(pids[0], len(pids) - 1) != pids:
        raise RuntimeError("a gunicorn worker was replaced during the run: its CPU time is lost")
    done = max(result["requests"] - result["failed"], 1)
    return {"endpoint": endpoint.name, "concurrency": concurrency,
            "req_per_s": round(result["requests"] / result["elapsed_s"], 1), "requests": result["requests"],
            "failed": result["failed"], "p50_ms": round(result["p50_ms"], 2), "p99_ms": round(result["p99_ms"], 2),
            "server_cpu_ms_per_req": round(1000 * server_cpu / done, 2),
            "client_cpu_ms_per_req": round(1000 * result["client_cpu_s"] / done, 2),
            # upper bound: everything the machine ran (other users' work too), per request
            "machine_busy_ms_per_req": round(1000 * busy / done, 2),
            "server_cpu_share_of_cores": round(server_cpu / (result["elapsed_s"] * (os.cpu_count() or 1)), 3)}


def bench(duration_s, client, workers=2):
    site = benchsite.prepared_site()
    sizing = Endpoint("sizing", "POST", "/api/v1/sizing", USE_CASE.read_text())
    root = Endpoint("api_root", "GET", "/api/v1/")
    run = wrk_run if client == "wrk" else python_run
    server, port = start_gunicorn(site, workers)
    workdir = Path(tempfile.mkdtemp(prefix="advisor-wrk-"))
    try:
        for endpoint in (sizing, root):  # each worker builds its Rete network and snapshot once
            status_ok(endpoint, port, site["token"])
            run(endpoint, port, site["token"], workers, 2, workdir)
        pids = server_pids(server.pid, workers)  # after the warm-up: every worker forked by now
        rows = []
        for concurrency in CONCURRENCY:
            for endpoint in (sizing, root):  # paired: same server, back to back
                rows.append(measure(endpoint, port, site["token"], concurrency, duration_s, run,
                                    pids, workdir))
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)
    return {"client": client, "gunicorn_workers": workers, "duration_s_per_point": duration_s,
            "use_case": USE_CASE.name, "conditions": benchsite.conditions(), "rows": rows,
            "pairs": pairs(rows)}


def pairs(rows):
    by = {(r["endpoint"], r["concurrency"]): r for r in rows}
    out = []
    for c in CONCURRENCY:
        s, r = by[("sizing", c)], by[("api_root", c)]
        out.append({"concurrency": c, "sizing_req_per_s": s["req_per_s"], "root_req_per_s": r["req_per_s"],
                    "ratio": round(s["req_per_s"] / r["req_per_s"], 3) if r["req_per_s"] else None,
                    "sizing_server_cpu_ms_per_req": s["server_cpu_ms_per_req"],
                    "root_server_cpu_ms_per_req": r["server_cpu_ms_per_req"],
                    "failed": s["failed"] + r["failed"]})
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration-s", type=int, default=5)
    parser.add_argument("--client", choices=["wrk", "python"], default="wrk" if shutil.which("wrk") else "python")
    args = parser.parse_args()
    result = bench(args.duration_s, args.client)
    benchsite.write_json("web.json", result)
    print(json.dumps(result["pairs"], indent=1))


if __name__ == "__main__":
    sys.exit(main())
