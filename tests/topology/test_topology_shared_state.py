"""Several application servers share what a user's requests depend on: with the production
settings and nothing but the database in common (each server its own ``BEACON_VAR_DIR``), a
sign-in throttle recorded by one server holds on another, a session made on one is read on
another, and a file stored by one is read by another from the shared file store.

Each "server" is a separate Python process; they share a SQLite file as their database (in
production, PostgreSQL) and a folder as the file store (in production, a shared mount or S3)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(tmp: Path, server: str, code: str) -> str:
    """Python ``code`` in a new process with the production settings as server ``server`` ("a" or
    "b") would run it: its own var folder, the shared database and file store."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BEACON_", "DJANGO_SETTINGS_MODULE"))}
    env.update({"DJANGO_SETTINGS_MODULE": "beacon.settings_production",
                "BEACON_DATABASE_URL": f"sqlite:///{tmp / 'shared.sqlite3'}", "BEACON_FILES_DIR": str(tmp / "files"),
                "BEACON_VAR_DIR": str(tmp / f"var-{server}"), "BEACON_SECRET_KEY": "topology-test-key",
                "BEACON_INSECURE_LOCAL_HTTP": "1", "PYTHONPATH": str(ROOT)})
    program = "import django\ndjango.setup()\n" + textwrap.dedent(code)
    done = subprocess.run([sys.executable, "-c", program], env=env, cwd=tmp, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture(scope="module")
def seen_on_b(tmp_path_factory) -> dict[str, str]:
    """Server A signs in wrongly many times, opens a session and stores a file; server B, another
    process with another var folder, reports what it sees of each."""
    tmp = tmp_path_factory.mktemp("topology")
    made = _run(tmp, "a", """
        from django.core.management import call_command
        call_command("migrate", "sessions", verbosity=0)  # what `beacon serve` prepares: sessions, the cache table
        call_command("createcachetable", verbosity=0)
        from django.contrib.sessions.backends.db import SessionStore
        from beacon.core import blobs
        from beacon.web import throttle
        for _ in range(12):  # well past the free failures: a wait of minutes, whatever the machine's speed
            throttle.record_failure("lead", "192.0.2.7")
        session = SessionStore()
        session["seen"] = "on server a"
        session.create()
        print(session.session_key, blobs.put(b"%PDF-1.7 published on server a"))
    """)
    session_key, digest = made.split()
    seen = _run(tmp, "b", f"""
        import json
        from importlib import import_module
        from django.conf import settings
        from beacon.core import blobs
        from beacon.web import throttle
        store = import_module(settings.SESSION_ENGINE).SessionStore
        print(json.dumps({{"cache": settings.CACHES["default"]["BACKEND"],
                          "wait": throttle.wait_seconds("lead", "192.0.2.7"),
                          "wait_elsewhere": throttle.wait_seconds("lead", "198.51.100.1"),
                          "session": store(session_key={session_key!r}).get("seen"),
                          "file": blobs.read({digest!r}).decode()}}))
    """)
    import json

    return json.loads(seen)


def test_a_sign_in_throttle_recorded_on_one_server_holds_on_another(seen_on_b):
    assert seen_on_b["cache"] == "django.core.cache.backends.db.DatabaseCache"
    assert seen_on_b["wait"] > 60, "server B must make the sign-in wait that server A's failures earned"
    assert seen_on_b["wait_elsewhere"] == 0, "another address is not slowed"


def test_a_session_made_on_one_server_is_read_on_another(seen_on_b):
    assert seen_on_b["session"] == "on server a"


def test_a_file_stored_by_one_server_is_read_by_another(seen_on_b):
    assert seen_on_b["file"] == "%PDF-1.7 published on server a"
