"""Two workers at once (threads, each with its own database connection, on PostgreSQL): the same
reminders and digests run side by side record each notification once and send each e-mail once;
two worker loops past BEACON_REMINDERS_AT start one send-reminders job between them."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.db import connection, connections

from beacon.core import notifications as n
from beacon.core.models import Job, Notification
from beacon.domain.notifications import Delivery, NotificationKind

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SOURCE = "test-concurrency"


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent workers are checked on PostgreSQL (scripts/with-postgres); SQLite serialises writes")


def _side_by_side(fn, count=2):
    barrier = threading.Barrier(count)
    errors, results = [], []

    def run():
        try:
            barrier.wait(timeout=20)
            results.append(fn())
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    return results


def test_two_daily_runs_at_once_send_each_email_once(clock):
    clock.set("2023-01-05T07:30:00")
    users = [User.objects.create_user(f"user{i}", email=f"user{i}@example.org") for i in range(6)]
    for user in users[:3]:
        n.save_preference(user.pk, Delivery.IMMEDIATE, [])
    notices = [n.Notice(u.pk, f"event:{k}", NotificationKind.ACTION_DUE, f"Action {k}", due=dt.date(2023, 1, 9))
               for u in users for k in range(20)]
    n.register_source(SOURCE, lambda today: notices)
    try:
        results = _side_by_side(lambda: n.run_reminders(dt.date(2023, 1, 5)))
    finally:
        n._SOURCES.pop(SOURCE)
    assert Notification.objects.count() == 120
    assert sum(results) >= 120  # each run says how many it found new (a row both saw arrive counts twice)
    immediate = [m for m in mail.outbox if m.to[0] in {u.email for u in users[:3]}]
    digests = [m for m in mail.outbox if m.to[0] in {u.email for u in users[3:]}]
    assert len(immediate) == 60 and len({(m.to[0], m.subject) for m in immediate}) == 60
    assert len(digests) == 3 and all("20 new notifications" in m.subject for m in digests)
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_two_workers_start_one_job(clock, settings):
    settings.BEACON_REMINDERS_AT = "07:00"
    clock.set("2023-01-05T07:30:00")

    def worker():
        n._started_on = None  # each worker is its own process
        return n.start_daily_reminders()

    try:
        results = _side_by_side(worker, count=3)
    finally:
        n._started_on = None
    assert len([r for r in results if r is not None]) >= 1
    assert Job.objects.filter(key="send-reminders:2023-01-05").count() == 1
