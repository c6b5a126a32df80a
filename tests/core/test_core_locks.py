"""Named locks (beacon/core/locks.py): held for the rest of a transaction, waited for with a
timeout that ends in a clear :class:`LockBusy`, on SQLite and PostgreSQL. The waiting between
two connections is checked on PostgreSQL (``scripts/with-postgres``)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from beacon.core import locks


def test_keys_are_stable_signed_64_bit_and_differ_by_name():
    assert locks.lock_key(locks.IMPORT) == locks.lock_key("bundle import")
    assert locks.lock_key(locks.IMPORT) != locks.lock_key(locks.RISK_IDS)
    assert all(-(2 ** 63) <= locks.lock_key(n) < 2 ** 63 for n in ("a", "b", locks.IMPORT))


@pytest.mark.django_db(transaction=True)
def test_a_lock_needs_a_transaction_to_hold_it():
    with pytest.raises(RuntimeError, match="inside transaction.atomic"):
        locks.named_lock("anything")
    with transaction.atomic():
        locks.named_lock("anything")  # taken, and given back when the transaction ends
        locks.named_lock("anything")  # a transaction may take a lock it holds


@pytest.mark.django_db(transaction=True)
def test_on_sqlite_without_immediate_transactions_the_lock_takes_the_write_lock(settings, monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's write lock")
    options = dict(connection.settings_dict.get("OPTIONS") or {})
    options.pop("transaction_mode", None)
    monkeypatch.setitem(connection.settings_dict, "OPTIONS", options)
    seen = []
    with connection.execute_wrapper(lambda execute, sql, *args: seen.append(sql) or execute(sql, *args)):
        with transaction.atomic():
            locks.named_lock("anything")
    assert any(sql.startswith("UPDATE") for sql in seen)


def _held_elsewhere(name: str, session: bool = False):
    """Hold ``name`` on another connection (a thread) until the returned event is set."""
    held, release = threading.Event(), threading.Event()

    def hold():
        try:
            if session:
                with locks.held_before_transaction(name):
                    held.set()
                    release.wait(10)
            else:
                with transaction.atomic():
                    locks.named_lock(name)
                    held.set()
                    release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=hold)
    thread.start()
    assert held.wait(10)
    return release, thread


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("session", [False, True], ids=["transaction", "session"])
def test_a_lock_held_elsewhere_is_waited_for_then_refused_clearly(session):
    if connection.vendor != "postgresql":
        pytest.skip("waiting between connections is checked on PostgreSQL (scripts/with-postgres)")
    release, thread = _held_elsewhere("test lock", session=session)
    try:
        with pytest.raises(locks.LockBusy) as exc, transaction.atomic():
            locks.named_lock("test lock", timeout=0.3)
        assert str(exc.value) == "another test lock is running: nothing was saved; try again in a minute"
        with transaction.atomic():
            locks.named_lock("another lock", timeout=0.3)  # other names are free
    finally:
        release.set()
        thread.join()
    with transaction.atomic():
        locks.named_lock("test lock", timeout=5)  # free once the holder is done


@pytest.mark.django_db(transaction=True)
def test_a_session_lock_is_taken_again_inside_its_transaction_and_released_after():
    if connection.vendor != "postgresql":
        pytest.skip("session-level advisory locks are PostgreSQL's")
    with locks.held_before_transaction("test lock"), transaction.atomic():
        locks.named_lock("test lock", timeout=0.3)
    release, thread = _held_elsewhere("test lock")  # released: another connection takes it
    release.set()
    thread.join()


@pytest.mark.django_db(transaction=True)
def test_a_session_lock_whose_unlock_fails_goes_with_its_connection():
    """Connections are kept from one request to the next (BEACON_DB_CONN_MAX_AGE): a session lock
    left held by a kept connection would refuse every later taker."""
    if connection.vendor != "postgresql":
        pytest.skip("session-level advisory locks are PostgreSQL's")

    def failing_unlock(execute, sql, params, many, context):
        if "pg_advisory_unlock" in sql:
            raise RuntimeError("the unlock failed")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(failing_unlock), locks.held_before_transaction("test lock"):
        assert connection.connection is not None
    assert connection.connection is None  # closed, and the lock with it
    release, thread = _held_elsewhere("test lock")  # another connection takes it at once
    release.set()
    thread.join()
