"""The audit view's query (beacon.core.audit_view): newest first across histories, pages by key
(ties of one import's time kept in order, no row lost or repeated), filters, and streaming."""

from __future__ import annotations

import datetime as dt

import pytest

from beacon.core import audit_view as av
from beacon.core.audit import Change, record_revision
from beacon.core.models import Directorate, Revision

T0 = dt.datetime(2023, 1, 10, 9, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def revisions(db):
    """25 revisions: 10 at one moment (an import), 15 at distinct moments; by two people."""
    aa = Directorate.objects.create(code="AA", name="Alpha", display_order=1)
    bb = Directorate.objects.create(code="BB", name="Beta", display_order=2)
    made = []
    for i in range(10):
        made.append(record_revision(Change("importer", T0, source="/tmp/up-1/bundle (directorates.csv)"), aa,
                                    "directorate", "AA", f"f{i}", "", str(i)))
    for i in range(15):
        who = "alice" if i % 3 else "bob"
        made.append(record_revision(Change(who, T0 + dt.timedelta(days=i + 1), reason=f"r{i}"), bb if i % 2 else aa,
                                    "directorate", "BB" if i % 2 else "AA", "name", str(i), str(i + 1)))
    return made


def _walk(f, size):
    seen, page = [], av.page(f, size=size)
    pages = [page]
    while True:
        seen.extend(page.rows)
        if page.older is None:
            break
        page = av.page(f, after=page.older, size=size)
        pages.append(page)
    return seen, pages


def test_pages_walk_every_change_once_newest_first(revisions):
    seen, pages = _walk(av.AuditFilter(), size=4)
    assert [r.pk for r in seen] == [r.pk for r in sorted(revisions, key=lambda r: (r.changed_at, r.pk), reverse=True)]
    assert len(pages) == 7 and all(p.count == 25 for p in pages)
    # back again: the newer page of the third page is the second
    back = av.page(av.AuditFilter(), before=pages[2].newer, size=4)
    assert [r.pk for r in back.rows] == [r.pk for r in pages[1].rows]
    assert av.page(av.AuditFilter(), before=pages[1].newer, size=4).rows == pages[0].rows
    assert pages[0].newer is None and pages[-1].older is None


def test_filters_by_person_label_record_and_dates(revisions):
    alice = av.page(av.AuditFilter(person="alice"), size=100)
    assert {r.pk for r in alice.rows} == {r.pk for r in revisions if r.changed_by == "alice"}
    assert alice.count == 10
    bb = av.page(av.AuditFilter(label="b"), size=100)  # case-insensitive
    assert {r.pk for r in bb.rows} == {r.pk for r in revisions if r.key == "BB"}
    aa = Directorate.objects.get(code="AA")
    one = av.page(av.AuditFilter(record=av.RecordRef("core.directorate", aa.pk)), size=100)
    assert {r.pk for r in one.rows} == {r.pk for r in revisions if r.object_id == aa.pk}
    assert all(r.record == av.RecordRef("core.directorate", aa.pk) for r in one.rows)
    # dates: the council's days, both ends included
    days = av.page(av.AuditFilter(date_from=dt.date(2023, 1, 12), date_to=dt.date(2023, 1, 13)), size=100)
    assert sorted(r.new for r in days.rows) == ["2", "3"]
    assert av.count(av.AuditFilter(kind="risk")) == 0
    assert av.page(av.AuditFilter(record=av.RecordRef("nothing.here", 1))).rows == ()


def test_streaming_gives_the_same_rows_in_small_batches(revisions):
    f = av.AuditFilter(person="importer")
    streamed = list(av.iterate(f, batch=3))
    assert [r.pk for r in streamed] == [r.pk for r in av.page(f, size=100).rows]
    assert len(streamed) == 10


def test_people_and_kinds_are_read_from_the_data(revisions):
    assert av.people() == ["alice", "bob", "importer"]
    assert av.kinds() == ["directorate"]
    assert av.kind_label("activity_observation") == "Activity observation"


def test_a_cursor_reads_back_and_refuses_what_it_did_not_write(revisions):
    row = Revision.objects.order_by("pk").first()
    cursor = av.Cursor(row.changed_at, 0, row.pk)
    assert av.Cursor.parse(cursor.text) == cursor
    for bad in ("", "x", "2023~1", "20230101T000000.000000Z~a~1"):
        with pytest.raises(ValueError):
            av.Cursor.parse(bad)
    with pytest.raises(ValueError):
        av.RecordRef.parse("risk:1")
