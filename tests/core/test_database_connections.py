"""PostgreSQL connections are kept from one request to the next (``BEACON_DB_CONN_MAX_AGE``,
60 s by default) and checked before reuse; SQLite's are not touched."""

import pytest
from django.core.signals import request_finished, request_started
from django.db import connection

from beacon import settings as beacon_settings

PG = "postgresql://beacon@127.0.0.1:5432/beacon"


def test_postgresql_keeps_its_connections_for_a_minute_and_checks_them(monkeypatch):
    monkeypatch.setenv("BEACON_DATABASE_URL", PG)
    monkeypatch.delenv("BEACON_DB_CONN_MAX_AGE", raising=False)
    db = beacon_settings._database()
    assert db["CONN_MAX_AGE"] == 60
    assert db["CONN_HEALTH_CHECKS"] is True


@pytest.mark.parametrize("text, seconds", [("0", 0), ("300", 300), (" 5 ", 5), ("", 60)])
def test_the_time_a_connection_is_kept_is_set_in_the_environment(monkeypatch, text, seconds):
    monkeypatch.setenv("BEACON_DATABASE_URL", PG)
    monkeypatch.setenv("BEACON_DB_CONN_MAX_AGE", text)
    assert beacon_settings._database()["CONN_MAX_AGE"] == seconds


@pytest.mark.parametrize("text", ["-1", "1.5", "forever"])
def test_a_time_that_is_not_whole_seconds_is_refused_by_name(monkeypatch, text):
    monkeypatch.setenv("BEACON_DATABASE_URL", PG)
    monkeypatch.setenv("BEACON_DB_CONN_MAX_AGE", text)
    with pytest.raises(ValueError, match="BEACON_DB_CONN_MAX_AGE must be a whole number of seconds"):
        beacon_settings._database()


def test_sqlite_connections_are_left_as_they_were(monkeypatch, tmp_path):
    monkeypatch.setenv("BEACON_DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    monkeypatch.setenv("BEACON_DB_CONN_MAX_AGE", "300")
    db = beacon_settings._database()
    assert db.get("CONN_MAX_AGE", 0) == 0
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


@pytest.mark.django_db(transaction=True)  # the request signals close connections outside a test transaction
def test_a_postgresql_connection_serves_the_next_request():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite connections are not kept")
    if connection.settings_dict["CONN_MAX_AGE"] != beacon_settings.DB_CONN_MAX_AGE:
        pytest.skip("BEACON_DB_CONN_MAX_AGE is set for this run")
    connection.close()  # opened afresh under these settings

    def backend_pid():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            return cursor.fetchone()[0]

    request_started.send(sender=None)
    first = backend_pid()
    request_finished.send(sender=None)
    request_started.send(sender=None)
    assert backend_pid() == first  # the same server process: no new connection for this request
    request_finished.send(sender=None)

    connection.settings_dict["CONN_MAX_AGE"] = 0
    try:
        connection.close()
        request_started.send(sender=None)
        first = backend_pid()
        request_finished.send(sender=None)  # closed at the end of the request, as before
        request_started.send(sender=None)
        assert backend_pid() != first
        request_finished.send(sender=None)
    finally:
        connection.settings_dict["CONN_MAX_AGE"] = beacon_settings.DB_CONN_MAX_AGE
        connection.close()
