"""``beacon serve``: run Beacon.

By default it runs the production-like server: gunicorn with ``beacon.settings_production``
(DEBUG off, hashed static files collected first and served by whitenoise, file-based cache
shared by the workers). ``--dev`` runs Django's development server with ``beacon.settings``
instead (auto-reload, static files from the finders).

On a loopback address (127.0.0.1, localhost, ::1) the production-like server accepts plain
HTTP (``BEACON_INSECURE_LOCAL_HTTP=1``: no HTTPS redirect, no HSTS, cookies without the Secure
flag) so a demo works in a local browser. On any other address it keeps every HTTPS setting and
expects a TLS-terminating proxy in front.
"""

import os
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class Command(BaseCommand):
    help = "Run Beacon: gunicorn with the production settings (default), or --dev for Django's development server."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
        parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1, help="gunicorn worker processes")
        parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker")
        parser.add_argument("--dev", action="store_true", help="Django's development server with beacon.settings")

    def handle(self, host, port, workers, threads, dev, **options):
        if dev:
            call_command("runserver", f"{host}:{port}" if ":" not in host else f"[{host}]:{port}", use_reloader=False)
            return
        env = dict(os.environ)
        env["DJANGO_SETTINGS_MODULE"] = "beacon.settings_production"
        hosts = [h for h in env.get("BEACON_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h]
        if host not in hosts and host not in ("0.0.0.0", "::"):
            hosts.append(host)
        env["BEACON_ALLOWED_HOSTS"] = ",".join(hosts)
        if host in LOOPBACK:
            env.setdefault("BEACON_INSECURE_LOCAL_HTTP", "1")
        python = sys.executable
        steps = [
            [python, "-m", "django", "migrate", "--noinput", "-v", "0"],
            [python, "-m", "django", "collectstatic", "--noinput", "-v", "0"],
        ]
        for step in steps:
            subprocess.run(step, env=env, check=True)
        bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        scheme = "http" if env.get("BEACON_INSECURE_LOCAL_HTTP") == "1" else "https (behind your TLS proxy)"
        self.stdout.write(f"Beacon is running on {bind} ({scheme}); press Ctrl+C to stop.", ending="\n")
        self.stdout.flush()
        args = [
            python, "-m", "gunicorn", "beacon.wsgi:application",
            "--bind", bind, "--workers", str(workers), "--threads", str(threads),
            "--worker-class", "gthread" if threads > 1 else "sync",
            "--access-logfile", "-", "--graceful-timeout", "10", "--timeout", "120",
        ]
        os.execve(python, args, env)
