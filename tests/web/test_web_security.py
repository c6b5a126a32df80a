"""Security basics: login throttling, CSRF, secure settings (check --deploy), demo users only
in the demo."""

import os
import subprocess
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.test import Client

from web_fixtures import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def test_login_and_logout(users):
    c = Client()
    response = c.post("/sign-in/", {"username": "reader", "password": PASSWORD})
    assert response.status_code == 302
    assert c.get("/kpis/A1/").status_code == 200
    assert c.get("/sign-out/").status_code == 405  # signing out needs a POST (CSRF-protected)
    assert c.post("/sign-out/").status_code == 302
    assert c.get("/kpis/A1/").status_code == 302


def test_login_is_throttled(users, settings):
    settings.BEACON_LOGIN_MAX_FAILURES = 3
    c = Client()
    for _ in range(3):
        response = c.post("/sign-in/", {"username": "reader", "password": "wrong"})
        assert response.status_code == 200
    response = c.post("/sign-in/", {"username": "reader", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in c.session


def test_csrf_is_enforced(users):
    c = Client(enforce_csrf_checks=True)
    c.force_login(users["lead"])
    assert c.post("/returns/", {"period": "2022/23 Q3", "due_date": "2023-01-15"}).status_code == 403
    page = c.get("/returns/").content.decode()
    assert 'name="csrfmiddlewaretoken"' in page


def test_security_headers(client_for):
    response = client_for("reader").get("/kpis/A1/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert "<script>" not in response.content.decode()  # no inline scripts to allow
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("BEACON_INSECURE")}
    env.update(DJANGO_SETTINGS_MODULE="beacon.settings_production", BEACON_VAR_DIR=str(tmp_path))
    env.pop("BEACON_SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    key = (tmp_path / "secret_key")
    assert key.exists() and oct(key.stat().st_mode & 0o777) == "0o600"


def test_demo_users_exist_only_after_the_demo_step(data):
    from django.core.management import call_command

    assert not get_user_model().objects.filter(username="lead").exists()
    call_command("demo_users", stdout=open(os.devnull, "w"))
    lead = get_user_model().objects.get(username="lead")
    assert lead.groups.filter(name="Performance lead").exists()
    assert not lead.is_staff
    assert get_user_model().objects.get(username="admin").is_superuser


def test_address_lockout_spans_usernames(users, settings):
    settings.BEACON_LOGIN_MAX_FAILURES = 100
    settings.BEACON_LOGIN_MAX_FAILURES_PER_ADDRESS = 3
    c = Client()
    for name in ("a", "b", "c"):
        assert c.post("/sign-in/", {"username": name, "password": "wrong"}).status_code == 200
    assert c.post("/sign-in/", {"username": "reader", "password": PASSWORD}).status_code == 429
    # another address is not affected
    other = Client(REMOTE_ADDR="10.9.8.7")
    assert other.post("/sign-in/", {"username": "reader", "password": PASSWORD}).status_code == 302


def test_client_address_from_the_proxy_header(users, settings):
    settings.BEACON_LOGIN_MAX_FAILURES = 100
    settings.BEACON_LOGIN_MAX_FAILURES_PER_ADDRESS = 2
    settings.BEACON_CLIENT_ADDRESS_HEADER = "HTTP_X_FORWARDED_FOR"
    c = Client()
    for _ in range(2):
        c.post("/sign-in/", {"username": "x", "password": "wrong"}, HTTP_X_FORWARDED_FOR="spoofed, 192.0.2.1")
    assert c.post("/sign-in/", {"username": "reader", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="192.0.2.1").status_code == 429
    assert c.post("/sign-in/", {"username": "reader", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="192.0.2.2").status_code == 302
