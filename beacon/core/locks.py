"""Named locks: one writer at a time for work that reads, decides and then writes (an import, a
publication, the next risk id), on SQLite and on PostgreSQL.

``with transaction.atomic(): named_lock("bundle import")`` holds the lock until the transaction
ends (commit or roll back), so nothing can forget to release it.

* PostgreSQL: a transaction-level advisory lock (``pg_try_advisory_xact_lock`` on a 64-bit key
  derived from the name), tried until ``timeout`` seconds have passed. Work that takes the lock
  reads, after it has it, everything committed before (READ COMMITTED: each statement sees the
  latest committed data), so two imports at once run one after the other.
* SQLite: a write transaction is already the whole database's one write lock. Beacon's settings
  open every transaction with ``BEGIN IMMEDIATE`` (``transaction_mode``), which takes it at once;
  when a database is configured otherwise, the lock takes it with a write that changes nothing.
  The wait is SQLite's ``timeout`` option (settings), after which SQLite says "database is locked".

When the lock is not free in time, :class:`LockBusy` says what is running ("another import is
running ..."): nothing was written.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections

IMPORT = "bundle import"
"""The lock every import of a bundle takes, and a publication takes to read one consistent
snapshot of the data."""

RISK_IDS = "risk ids"
"""The lock taken to issue the next unused risk id."""

DEFAULT_TIMEOUT = 60.0


class LockBusy(Exception):
    """Another process held the named lock for longer than the wait allowed: nothing was done."""

    def __init__(self, name: str, message: str | None = None):
        self.name = name
        super().__init__(message or f"another {name} is running: nothing was saved; try again in a minute")


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for ``name`` (PostgreSQL's advisory lock key)."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big", signed=True)


def named_lock(name: str, *, timeout: float = DEFAULT_TIMEOUT, busy_message: str | None = None,
               using: str = DEFAULT_DB_ALIAS) -> None:
    """Take the lock ``name`` for the rest of the current transaction (call it inside
    ``transaction.atomic()``; outside one there is no transaction to hold it). Waits up to
    ``timeout`` seconds, then raises :class:`LockBusy`."""
    connection = connections[using]
    if not connection.in_atomic_block:
        raise RuntimeError("named_lock needs a transaction: call it inside transaction.atomic()")
    if connection.vendor == "postgresql":
        _pg_wait(connection, "pg_try_advisory_xact_lock", name, timeout, busy_message)
        return
    if connection.vendor == "sqlite":
        if (connection.settings_dict.get("OPTIONS") or {}).get("transaction_mode") != "IMMEDIATE":
            with connection.cursor() as cursor:  # any write statement takes the database's write lock
                cursor.execute("UPDATE django_migrations SET app = app WHERE 0 = 1")
        return
    raise NotImplementedError(f"named locks on {connection.vendor}")  # pragma: no cover - Beacon runs on two


def _pg_wait(connection, function: str, name: str, timeout: float, busy_message: str | None) -> None:
    key, deadline, pause = lock_key(name), time.monotonic() + timeout, 0.02
    with connection.cursor() as cursor:
        while True:
            cursor.execute(f"SELECT {function}(%s)", [key])
            if cursor.fetchone()[0]:
                return
            if time.monotonic() >= deadline:
                raise LockBusy(name, busy_message)
            time.sleep(pause)
            pause = min(pause * 2, 0.25)


@contextmanager
def held_before_transaction(name: str, *, timeout: float = DEFAULT_TIMEOUT, busy_message: str | None = None,
                            using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Hold the lock ``name`` around a transaction that is yet to begin: for a transaction that
    must read one snapshot taken after the lock is held (PostgreSQL's REPEATABLE READ takes its
    snapshot at the first query, so the lock cannot be that query). On PostgreSQL outside a
    transaction it is a session-level advisory lock, released at the end; otherwise it does
    nothing, and the transaction inside takes :func:`named_lock` as usual (a PostgreSQL session
    may take a lock it holds again)."""
    connection = connections[using]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    _pg_wait(connection, "pg_try_advisory_lock", name, timeout, busy_message)
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [lock_key(name)])
        except Exception:  # noqa: BLE001 - the lock goes with the connection: closed, it cannot
            # outlive this block in a connection kept for the next request (BEACON_DB_CONN_MAX_AGE)
            connection.close()
