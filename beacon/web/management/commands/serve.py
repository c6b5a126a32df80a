"""``beacon serve``: run Beacon, and the workers that run its background jobs.

By default it runs the production-like server: gunicorn with ``beacon.settings_production``
(DEBUG off, hashed static files collected first and served by whitenoise, the database cache
shared by the workers). ``--dev`` runs Django's development server with ``beacon.settings``
instead (auto-reload, static files from the finders).

Beside the web server it starts ``--job-workers`` job workers (``beacon worker``, default 1), so
the embedded default needs no other server: publishing and packs queued from a page run there.
They stop when the web server stops; a worker that dies is started again. ``--job-workers 0``
starts none (when workers run elsewhere, e.g. ``beacon worker`` on other machines).

On a loopback address (127.0.0.1, localhost, ::1) the production-like server accepts plain
HTTP (``BEACON_INSECURE_LOCAL_HTTP=1``: no HTTPS redirect, no HSTS, cookies without the Secure
flag) so a demo works in a local browser. On any other address it keeps every HTTPS setting and
expects a TLS-terminating proxy in front.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
RESTART_PAUSE = 2.0  # seconds before a worker that died is started again


class JobWorkers:
    """``count`` ``beacon worker`` processes, kept running until :meth:`stop`."""

    def __init__(self, count: int, env: dict, python: str = sys.executable):
        self.count = count
        self.env = env
        self.python = python
        self.processes: list[subprocess.Popen] = []
        self._died_at: dict[int, float] = {}

    def _spawn(self) -> subprocess.Popen:
        # its own session: Ctrl+C at the terminal reaches the web server, and the workers get one
        # SIGTERM from stop(), so each finishes the job in hand
        return subprocess.Popen([self.python, "-m", "django", "worker", "-v", "1"], env=self.env,
                                start_new_session=True)

    def start(self) -> None:
        self.processes = [self._spawn() for _ in range(self.count)]

    def keep_alive(self) -> None:
        """Start again any worker that has exited (after a short pause, so a worker that cannot
        start does not spin)."""
        now = time.monotonic()
        for index, process in enumerate(self.processes):
            if process.poll() is None:
                continue
            died = self._died_at.setdefault(index, now)
            if now - died >= RESTART_PAUSE:
                print(f"beacon serve: job worker {process.pid} stopped (exit {process.returncode}); starting another",
                      file=sys.stderr)
                self.processes[index] = self._spawn()
                self._died_at.pop(index, None)

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM each (a worker finishes the job in hand), then SIGKILL what is left after
        ``timeout`` (a killed job is queued again once its heartbeat goes stale)."""
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for process in self.processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


class Command(BaseCommand):
    help = ("Run Beacon: gunicorn with the production settings (default), or --dev for Django's development server; "
            "with --job-workers job workers beside it (default 1).")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
        parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1, help="gunicorn worker processes")
        parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker")
        parser.add_argument("--job-workers", type=int, default=1,
                            help="background job workers to start beside the web server (default 1; 0 for none)")
        parser.add_argument("--dev", action="store_true", help="Django's development server with beacon.settings")

    def handle(self, host, port, workers, threads, dev, job_workers=1, **options):
        if job_workers < 0:
            job_workers = 0
        python = sys.executable
        if dev:
            env = dict(os.environ)
            env.setdefault("DJANGO_SETTINGS_MODULE", "beacon.settings")
            call_command("createcachetable", verbosity=0)
            pool = JobWorkers(job_workers, env, python)
            pool.start()
            try:
                call_command("runserver", f"{host}:{port}" if ":" not in host else f"[{host}]:{port}", use_reloader=False)
            finally:
                pool.stop()
            return
        env = dict(os.environ)
        env["DJANGO_SETTINGS_MODULE"] = "beacon.settings_production"
        hosts = [h for h in env.get("BEACON_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h]
        if host not in hosts and host not in ("0.0.0.0", "::"):
            hosts.append(host)
        env["BEACON_ALLOWED_HOSTS"] = ",".join(hosts)
        if host in LOOPBACK:
            env.setdefault("BEACON_INSECURE_LOCAL_HTTP", "1")
        steps = [
            [python, "-m", "django", "migrate", "--noinput", "-v", "0"],
            [python, "-m", "django", "createcachetable", "-v", "0"],
            [python, "-m", "django", "collectstatic", "--noinput", "-v", "0"],
        ]
        for step in steps:
            subprocess.run(step, env=env, check=True)
        bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        scheme = "http" if env.get("BEACON_INSECURE_LOCAL_HTTP") == "1" else "https (behind your TLS proxy)"
        jobs_text = f"{job_workers} job worker{'s' if job_workers != 1 else ''}" if job_workers else "no job workers"
        self.stdout.write(f"Beacon is running on {bind} ({scheme}) with {jobs_text}; press Ctrl+C to stop.",
                          ending="\n")
        self.stdout.flush()
        args = [
            python, "-m", "gunicorn", "beacon.wsgi:application",
            "--bind", bind, "--workers", str(workers), "--threads", str(threads),
            "--worker-class", "gthread" if threads > 1 else "sync",
            "--access-logfile", "-", "--graceful-timeout", "10", "--timeout", "120",
        ]
        if not job_workers:
            os.execve(python, args, env)
        raise SystemExit(_supervise(args, env, JobWorkers(job_workers, env, python)))


def _supervise(args: list[str], env: dict, pool: JobWorkers) -> int:
    """Run gunicorn and the job workers together until gunicorn exits or a stop signal comes;
    then stop both. Returns gunicorn's exit code."""
    pool.start()
    server = subprocess.Popen(args, env=env)
    stopping = {"signal": None}

    def forward(signum, frame):
        stopping["signal"] = signum
        if server.poll() is None:
            server.send_signal(signal.SIGTERM if signum == signal.SIGINT else signum)

    previous = {s: signal.signal(s, forward) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        while server.poll() is None:
            try:
                server.wait(timeout=1.0)
            except subprocess.TimeoutExpired:
                pass
            if stopping["signal"] is None:
                pool.keep_alive()
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        if server.poll() is None:
            server.terminate()
            server.wait()
        pool.stop()
    return 0 if stopping["signal"] is not None else (server.returncode or 0)
