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
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, proc, timeout_s=120):
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


@pytest.fixture
def running_app(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(PORT=str(port), ADVISOR_DATA_DIR=str(tmp_path / "var"), WEB_CONCURRENCY="1")
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
