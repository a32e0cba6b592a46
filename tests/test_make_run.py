"""`make run`'s supervisor brings up Redis, a Celery worker and the web server on PORT, serves the
API with demo data, and stops everything on Ctrl-C."""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, proc, timeout_s=240):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert proc.poll() is None, "run.py exited early"
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                return r.status
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(url)


def request(url, token, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers={
        "Authorization": f"Token {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


@contextmanager
def app_running(tmp_path, **extra_env):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(PORT=str(port), ADVISOR_DATA_DIR=str(tmp_path / "var"), WEB_CONCURRENCY="1", **extra_env)
    log = open(tmp_path / "run.log", "w")
    proc = subprocess.Popen([sys.executable, "scripts/run.py"], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_http(f"http://127.0.0.1:{port}/api/schema/", proc)
        yield port, tmp_path / "var", proc, tmp_path / "run.log"
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=60)
        log.close()


@pytest.fixture
def running_app(tmp_path):
    with app_running(tmp_path) as app:
        yield app


@pytest.fixture(scope="module")
def shared_app(tmp_path_factory):
    """One `make run` for the checks that leave it running (each start costs tens of seconds)."""
    # a sizing rate the fairness test's greedy client exceeds within its 12 s (the other stays below)
    with app_running(tmp_path_factory.mktemp("shared-app"), THROTTLE_SIZING="30/min",
                     VALIDATION_SIZE_CAP_BYTES=str(64 << 20), VALIDATION_FREE_FLOOR_BYTES="0") as app:
        yield app


def token_for_demo(data_dir):
    env = dict(os.environ, ADVISOR_DATA_DIR=str(data_dir))
    env.pop("DATABASE_URL", None)
    out = subprocess.run([sys.executable, "manage.py", "drf_create_token", "demo"], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True).stdout
    return out.split()[2]


def test_it_serves_the_api_on_port_with_demo_data_and_stops_on_ctrl_c(running_app):
    port, data_dir, proc, log = running_app
    base = f"http://127.0.0.1:{port}"
    token = token_for_demo(data_dir)
    status, body = request(f"{base}/api/v1/use-cases/", token)
    assert status == 200 and body["count"] >= 1
    status, body = request(f"{base}/api/v1/sizing", token, {"workload": "llm_training", "gpus": -4})
    assert status == 400 and "gpus" in body
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=60) == 0, log.read_text()[-3000:]
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1)


def children(pid):
    """{'redis-server' | 'celery' | 'gunicorn': pid} of run.py's direct children."""
    found = {}
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except FileNotFoundError:
            continue
        for name in ("redis-server", "celery", "gunicorn"):
            if name in cmdline:
                found[name] = int(child)
    return found


def wait_log(log, text, timeout_s=60):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if log.read_text().count(text):
            return
        time.sleep(0.2)
    raise TimeoutError(f"{text!r} not in the log: {log.read_text()[-2000:]}")


def run_status(base, token, run_id):
    return request(f"{base}/api/v1/validations/{run_id}/", token)[1]


def wait_run(base, token, run_id, until, timeout_s=120):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        body = run_status(base, token, run_id)
        if until(body):
            return body
        time.sleep(0.3)
    raise TimeoutError(body)


def test_it_never_prints_the_token_and_says_how_to_get_one(shared_app):
    port, data_dir, proc, log = shared_app
    token = token_for_demo(data_dir)
    text = log.read_text()
    assert token not in text and "drf_create_token demo" in text


def test_it_refuses_a_port_that_is_in_use(tmp_path):
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        env = dict(os.environ, PORT=str(port), ADVISOR_DATA_DIR=str(tmp_path / "var"))
        done = subprocess.run([sys.executable, "scripts/run.py"], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=60)
    assert done.returncode == 2
    assert f"port {port} is already in use" in done.stderr


def test_it_keeps_the_database_and_data_dir_private(shared_app):
    port, data_dir, proc, log = shared_app
    assert data_dir.stat().st_mode & 0o777 == 0o700
    assert (data_dir / "db.sqlite3").stat().st_mode & 0o777 == 0o600
    assert (data_dir / "redis" / "appendonly.aof").exists() or (data_dir / "redis" / "appendonlydir").exists()


FLOOD_SETUP = """
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from recommender.models import UseCase
user = get_user_model().objects.create_user("flood", password="flood-password-1")
UseCase.objects.bulk_create(UseCase(owner=user, name=f"f{i}", workload="llm_training",
                                    document={"pad": "x" * 30000}) for i in range(300))
print(Token.objects.create(user=user).key)
"""
SIZING = {"workload": "llm_training", "model": {"preset": "llama3.1-8b"}, "gpus": 8}


def sizing_p50_s(base, token, count=9):
    times = []
    for _ in range(count):
        started = time.monotonic()
        status, _ = request(f"{base}/api/v1/sizing", token, SIZING)
        assert status == 200
        times.append(time.monotonic() - started)
    return sorted(times)[len(times) // 2]


def flood(base, token, until, seen):
    """One greedy client: big list pages and sizing requests as fast as it can, until `until`."""
    while time.monotonic() < until:
        status, body = request(f"{base}/api/v1/use-cases/?limit=10000", token)
        seen.append(("list", status, len(body.get("results", []))))
        status, _ = request(f"{base}/api/v1/sizing", token, SIZING)
        seen.append(("sizing", status, 0))


def test_it_keeps_one_user_from_stalling_another(shared_app):
    """Bounded fairness on loopback: 4 greedy threads of one user for 12 s; the other user's sizing
    p50 stays within 10x its quiet p50 (it went from 29 ms to 8.2 s before the fix)."""
    import threading

    port, data_dir, proc, log = shared_app
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, ADVISOR_DATA_DIR=str(data_dir))
    env.pop("DATABASE_URL", None)
    flood_token = subprocess.run([sys.executable, "manage.py", "shell", "-c", FLOOD_SETUP], cwd=ROOT, env=env,
                                 capture_output=True, text=True, check=True).stdout.split()[-1]
    token = token_for_demo(data_dir)
    quiet = sizing_p50_s(base, token)
    seen, until = [], time.monotonic() + 12
    threads = [threading.Thread(target=flood, args=(base, flood_token, until, seen)) for _ in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(2)
    loaded = sizing_p50_s(base, token)
    for thread in threads:
        thread.join(timeout=60)
    assert loaded < max(1.0, 10 * quiet), (quiet, loaded)
    assert any(kind == "sizing" and status == 429 for kind, status, _ in seen)  # throttled
    assert all(items <= 100 for kind, _, items in seen if kind == "list")  # capped page


def test_it_restarts_a_killed_redis_and_worker_and_every_accepted_run_finishes(shared_app):
    """kill -9 of the bundled Redis, then of the worker, each during a run: the web server stays
    up, each one comes back (logged), and both accepted runs succeed."""
    port, data_dir, proc, log = shared_app
    base = f"http://127.0.0.1:{port}"
    token = token_for_demo(data_dir)
    use_case = request(f"{base}/api/v1/use-cases/", token)[1]["results"][0]["id"]
    runs = []
    for victim in ("redis-server", "celery"):
        # 6 s, not the minimum: on a loaded machine a 2 s run ended between two polls and was never
        # seen running (seen once on PostgreSQL, 2026-12-02), so there was nothing to kill it during
        status, body = request(f"{base}/api/v1/use-cases/{use_case}/validations/", token, {"budget_s": 6})
        assert status == 202, body
        runs.append(body["id"])
        wait_run(base, token, body["id"], lambda r: r["status"] == "running" and r["progress"] > 0)
        os.kill(children(proc.pid)[victim], signal.SIGKILL)
        wait_log(log, f"{'redis-server' if victim == 'redis-server' else 'celery worker'} restarted")
        assert request(f"{base}/api/v1/use-cases/", token)[0] == 200  # the web server stayed up
    for run_id in runs:
        final = wait_run(base, token, run_id, lambda r: r["status"] in ("succeeded", "failed", "cancelled"))
        assert final["status"] == "succeeded", (final["error"], final["log"])
    assert proc.poll() is None
