"""Issue 11: faults are answered in plain words, never with a bare "Server Error (500)": the
database busy (a 503 "Beacon is busy saving other changes: nothing was saved; try again in a
minute" with Retry-After), the database down (a branded 503 with a retry hint), the disk full
("the disk is full: nothing was written"); JSON under /api/; one line from the ``beacon``
command. Each fault is made by patching the database layer or a write."""

from __future__ import annotations

import errno
import json
import re
from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.test import Client
from django.urls import include, path

from beacon.core.models import ApiToken


def _boom(exc):
    def view(request):
        raise exc

    return view


# a URL configuration with views failing as the disk and the API can, and Beacon's handlers
urlpatterns = [
    path("boom/disk/", _boom(OSError(errno.ENOSPC, "No space left on device"))),
    path("api/boom/", _boom(RuntimeError("broken"))),
    path("", include("beacon.urls")),
]
handler500 = "beacon.web.views.errors.server_error"


@pytest.fixture
def production(settings):
    """Errors handled as in production (no debug pages)."""
    settings.DEBUG = False


def _title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1).strip()


@contextmanager
def database_down():
    """Inside, every query fails as when the database server cannot be reached."""
    def refuse(self):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", refuse):
        yield


@pytest.fixture
def writes_fail(monkeypatch):
    """``writes_fail("database is locked")``: reads work, every write fails with that message."""
    execute = CursorWrapper._execute

    def fail(message):
        def _execute(self, sql, params, *args):
            if sql.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
                raise OperationalError(message)
            return execute(self, sql, params, *args)

        monkeypatch.setattr(CursorWrapper, "_execute", _execute)

    return fail


def test_a_page_with_the_database_down_is_a_branded_503_with_a_retry_hint(users, production):
    c = Client(raise_request_exception=False)
    c.force_login(users["lead"])
    with database_down():
        response = c.get("/returns/")
    page = response.content.decode()
    assert response.status_code == 503
    assert _title(response) == "Error: Sorry, the service is unavailable – Beacon"
    assert "Beacon cannot reach its database just now: nothing was saved." in page
    assert "Try again in a few minutes" in page and "govuk-header" in page
    assert response["Retry-After"] == "300"


def test_signing_in_while_the_database_is_busy_says_so_not_500(users, production, writes_fail):
    """The sign-in writes (the session, the last sign-in): busy, it is a 503 that says so."""
    from web_fixtures import PASSWORD

    writes_fail("database is locked")
    response = Client(raise_request_exception=False).post("/sign-in/", {"username": "reader", "password": PASSWORD})
    assert response.status_code == 503, response.status_code
    assert "Beacon is busy saving other changes: nothing was saved." in response.content.decode()
    assert "Try again in a minute." in response.content.decode()
    assert _title(response) == "Error: Beacon is busy saving other changes – Beacon"
    assert response["Retry-After"] == "60"


def test_a_save_while_the_database_is_busy_saves_nothing_and_says_so(users, open_period, production, writes_fail):
    from beacon.core.models import Revision
    from beacon.returns.models import ReturnEvent

    from web_fixtures import NEXT_SLUG

    c = Client(raise_request_exception=False)
    c.force_login(users["owner"])
    url = f"/returns/{NEXT_SLUG}/AA/"
    assert c.get(url).status_code == 200
    before = (Revision.objects.count(), ReturnEvent.objects.count())
    writes_fail("database is locked")
    response = c.post(url, {"action": "save", "kpi-A1-value": "91", "commentary": "A good quarter."})
    assert response.status_code == 503
    assert "nothing was saved" in response.content.decode()
    assert (Revision.objects.count(), ReturnEvent.objects.count()) == before


def test_the_disk_full_says_nothing_was_written(users, production, settings, writes_fail):
    from web_fixtures import PASSWORD

    settings.ROOT_URLCONF = __name__
    c = Client(raise_request_exception=False)
    c.force_login(users["reader"])
    response = c.get("/boom/disk/")
    assert response.status_code == 503
    assert "The disk is full: nothing was written." in response.content.decode()
    assert _title(response) == "Error: Sorry, the service cannot save anything – Beacon"
    # SQLite says so in its own words
    writes_fail("database or disk is full")
    response = Client(raise_request_exception=False).post("/sign-in/", {"username": "reader", "password": PASSWORD})
    assert response.status_code == 503 and "The disk is full: nothing was written." in response.content.decode()


def test_the_api_answers_faults_and_errors_in_json(users, production, settings):
    settings.ROOT_URLCONF = __name__
    _, token = ApiToken.issue(users["reader"], "test")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    c = Client(raise_request_exception=False)
    broken = c.get("/api/boom/", **auth)
    assert broken.status_code == 500 and broken["Content-Type"] == "application/json"
    assert json.loads(broken.content)["detail"].startswith("sorry, there is a problem with the service")
    with database_down():
        response = c.get("/api/kpis", **auth)
    assert response.status_code == 503 and response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert body == {"detail": "Beacon cannot reach its database just now: nothing was saved; try again in a few "
                              "minutes. If it keeps happening, tell your administrator", "retry_after": 300}
    assert response["Retry-After"] == "300"


def test_an_import_while_another_runs_too_long_is_a_503_naming_it(users, production, settings, monkeypatch):
    """The lock an import waits for, held too long: the page says another import is running."""
    from beacon.core import locks

    settings.ROOT_URLCONF = __name__
    urlpatterns.append(path("boom/lock/", _boom(locks.LockBusy(locks.IMPORT, "another import is running: nothing "
                                                               "was imported; wait for it to finish, then import again"))))
    try:
        response = Client(raise_request_exception=False).get("/boom/lock/")
    finally:
        urlpatterns.pop()
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert "Another import is running: nothing was imported" in response.content.decode()


# --- the beacon command -----------------------------------------------------------------------
# a command closes the database connections when it ends: each test has the database to itself
cli_db = pytest.mark.django_db(transaction=True)


@cli_db
def test_the_command_says_a_fault_in_one_line_and_exits_non_zero(demo_dir, capsys, writes_fail):
    from beacon.cli import main

    writes_fail("database is locked")
    assert main(["import", str(demo_dir), "--user", "tester"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.strip() == "beacon import: Beacon is busy saving other changes: nothing was saved; try again in a minute"
    writes_fail("database or disk is full")
    assert main(["import", str(demo_dir), "--user", "tester"]) == 1
    assert capsys.readouterr().err.strip().startswith("beacon import: The disk is full: nothing was written")


@cli_db
def test_the_command_with_traceback_still_shows_it(demo_dir, writes_fail):
    from beacon.cli import main

    writes_fail("database is locked")
    with pytest.raises(OperationalError):
        main(["import", str(demo_dir), "--user", "tester", "--traceback"])


@cli_db
def test_an_unexpected_error_in_a_command_is_one_line_pointing_at_traceback(demo_dir, capsys, monkeypatch):
    from beacon.bundle import importer
    from beacon.cli import main

    def broken(*args, **kwargs):
        raise RuntimeError("something unexpected")

    monkeypatch.setattr("beacon.performance.management.commands.import.import_bundle", broken)
    assert main(["import", str(demo_dir), "--user", "tester"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "something unexpected" in err and "--traceback" in err
    assert importer  # the real import is untouched
