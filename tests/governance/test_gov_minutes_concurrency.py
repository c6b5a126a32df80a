"""Two clerks save one minute at the same moment, both from the same page: on PostgreSQL the
minutes are locked, so the second save waits, then is refused (both changed the paragraphs) or
merged (they changed different fields); neither overwrites the other. Skipped on SQLite, where
every write transaction holds the database's one write lock anyway."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections

from beacon.core.stale import StaleEdit
from beacon.governance import minutes as svc
from beacon.governance import models as gm

from gov_minutes_support import TODAY, make_cabinet

pytestmark = pytest.mark.django_db(transaction=True)
DEC = "CABINET-2022-12-01"


def _together(*jobs):
    results: list = [None] * len(jobs)
    barrier = threading.Barrier(len(jobs))

    def run(i, job):
        try:
            barrier.wait()
            results[i] = job()
        except Exception as exc:  # noqa: BLE001 - the test looks at what each raised
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def _save(opened, **changes):
    values = dict(title=opened["title"], new_number=4, item_number=4, paragraphs=(), outcome_kind="none", outcome="")
    values.update(changes)
    return lambda: svc.save_minute(svc.SaveMinute(DEC, 4, "clerk", opened=opened, **values))


def test_conflicting_saves_at_once(clock, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is checked on PostgreSQL (scripts/with-postgres)")
    clock.set(TODAY)
    make_cabinet()
    svc.start_minutes(svc.StartMinutes(DEC, "clerk"))
    opened = svc.minute_values(gm.MinuteItem.objects.get(meeting__key=DEC, minute_number=4))
    real = svc.minute_values

    def dawdle(minute):
        values = real(minute)
        time.sleep(0.5)
        return values

    monkeypatch.setattr(svc, "minute_values", dawdle)
    results = _together(_save(opened, paragraphs=("First clerk's paragraph.",)),
                        _save(opened, paragraphs=("Second clerk's paragraph.",)))
    refused = [r for r in results if isinstance(r, StaleEdit)]
    saved = [r for r in results if isinstance(r, gm.MinuteItem)]
    assert len(refused) == 1 and len(saved) == 1, results
    text = gm.MinuteItem.objects.get(meeting__key=DEC, minute_number=4).text
    assert text == saved[0].text and len(text) == 1

    # different fields from the same old page: both kept
    opened = real(gm.MinuteItem.objects.get(meeting__key=DEC, minute_number=4))
    paragraphs = tuple(text)
    results = _together(_save(opened, paragraphs=paragraphs, title="Budget Monitoring"),
                        _save({**opened}, paragraphs=paragraphs + ("Another paragraph.",)))
    assert all(isinstance(r, gm.MinuteItem) for r in results), results
    minute = gm.MinuteItem.objects.get(meeting__key=DEC, minute_number=4)
    assert minute.title == "Budget Monitoring" and minute.text == [*paragraphs, "Another paragraph."]
