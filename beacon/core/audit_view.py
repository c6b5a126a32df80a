"""The audit view's query: every recorded change, newest first, filtered by the kind of record,
its label, the person and the dates (or one record), a page at a time or streamed whole.

Most changes are :class:`~beacon.core.models.Revision` rows, written by :mod:`beacon.core.audit`
(:data:`REVISIONS`). Some areas keep a history of their own beside them (a risk's ratings, an
action's progress updates, a return's saves and reviews, the QPR's publications): each is a
:class:`History` that turns its rows into the same :class:`AuditRow`, and the query merges the
histories it is given (``beacon.reports.audit_history.EVERY_HISTORY`` lists them all; core cannot
import the areas).

Paging is by key, never by offset: a page is the ``size`` changes older (or newer) than a
:class:`Cursor` (the time, the history's rank and the row's id of the change next to it), read
from each history with an index (``Revision``: ``changed_at``, id; ``changed_by``, ``changed_at``,
id) and merged, so the thousandth page costs what the first does on a million revisions.
:func:`iterate` walks the same way in batches, for the CSV file.

Links to pages are the web layer's (``beacon.web.views.audit``): a row carries its record's
identity (``record``: app label and model, and id) for that.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Q, QuerySet

from .models import Revision

PAGE_SIZE = 50
BATCH = 2000
"""Rows read from each history per query when streaming."""


@dataclass(frozen=True)
class RecordRef:
    """One record by identity: its model (``performance.observation``) and primary key."""

    model: str
    pk: int

    @classmethod
    def parse(cls, text: str) -> "RecordRef":
        """``performance.observation:12`` -> the record; raises ValueError."""
        model, sep, pk = (text or "").partition(":")
        if not sep or model.count(".") != 1 or not pk.isdigit():
            raise ValueError(f"{text!r} is not a record (write it like performance.observation:12)")
        return cls(model.lower(), int(pk))

    @property
    def text(self) -> str:
        return f"{self.model}:{self.pk}"

    def content_type(self) -> ContentType | None:
        app_label, model = self.model.split(".")
        return ContentType.objects.filter(app_label=app_label, model=model).first()


@dataclass(frozen=True)
class AuditFilter:
    """Which changes to list. Every part is optional; blank means any."""

    kind: str = ""  # the kind of record (a revision's ``entity``: observation, risk, return ...)
    label: str = ""  # text the record's label contains (case-insensitive): "CS1", "CRR0001"
    person: str = ""  # who made the change (their user name), exactly
    date_from: dt.date | None = None  # on or after this day (the council's time zone)
    date_to: dt.date | None = None  # on or before this day
    record: RecordRef | None = None  # one record only

    def start(self) -> dt.datetime | None:
        return _local_midnight(self.date_from) if self.date_from else None

    def end(self) -> dt.datetime | None:
        """The first moment after ``date_to`` (exclusive bound)."""
        return _local_midnight(self.date_to + dt.timedelta(days=1)) if self.date_to else None


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=ZoneInfo(settings.TIME_ZONE))


@dataclass(frozen=True)
class AuditRow:
    """One change, as the page and the CSV file show it."""

    at: dt.datetime
    by: str
    kind: str  # the kind of record ("observation", "risk", "return")
    label: str  # the record's label for people ("CS1 2022/23 Q2")
    field: str
    old: str
    new: str
    reason: str
    source: str  # the import file or form, as recorded
    history: str  # which history it comes from (:attr:`History.name`)
    rank: int  # the history's rank (part of the row's place in the order)
    pk: int  # the row's id in its history
    record: RecordRef | None  # the changed record, when known

    @property
    def cursor(self) -> "Cursor":
        return Cursor(self.at, self.rank, self.pk)


@dataclass(frozen=True, order=True)
class Cursor:
    """A change's place in the order (newest first: a larger cursor is newer)."""

    at: dt.datetime
    rank: int
    pk: int

    @property
    def text(self) -> str:
        return f"{self.at.astimezone(dt.timezone.utc).strftime('%Y%m%dT%H%M%S.%fZ')}~{self.rank}~{self.pk}"

    @classmethod
    def parse(cls, text: str) -> "Cursor":
        """Raises ValueError for anything :attr:`text` did not write."""
        try:
            at, rank, pk = text.split("~")
            moment = dt.datetime.strptime(at, "%Y%m%dT%H%M%S.%fZ").replace(tzinfo=dt.timezone.utc)
            return cls(moment, int(rank), int(pk))
        except (ValueError, AttributeError) as exc:
            raise ValueError(f"{text!r} is not a place in the list") from exc


class History:
    """One history of changes. Subclasses say which model holds it (``queryset``), how the
    filter narrows it (``narrow``) and what a row of it says (``rows``). ``at`` names the field
    holding the time of the change and ``kinds`` the kinds of record it holds (None: read from
    the data, :meth:`kinds_present`)."""

    name = ""
    rank = 0
    at = "changed_at"
    kinds: tuple[str, ...] | None = ()

    def queryset(self) -> QuerySet:
        raise NotImplementedError

    def narrow(self, qs: QuerySet, f: AuditFilter) -> QuerySet | None:
        """``qs`` narrowed to ``f`` (apart from dates, which :func:`_base` applies); None when
        nothing of this history can match."""
        raise NotImplementedError

    def rows(self, objs: list) -> list[AuditRow]:
        raise NotImplementedError

    def people(self) -> set[str]:
        return set()

    def kinds_present(self) -> set[str]:
        return set(self.kinds or ())


class RevisionHistory(History):
    """The audit log (:class:`Revision`): every change written through :mod:`beacon.core.audit`."""

    name = "revision"
    rank = 0
    kinds = None

    def queryset(self):
        return Revision.objects.select_related("content_type")

    def narrow(self, qs, f):
        if f.kind:
            qs = qs.filter(entity=f.kind)
        if f.label:
            qs = qs.filter(key__icontains=f.label)
        if f.person:
            qs = qs.filter(changed_by=f.person)
        if f.record:
            ct = f.record.content_type()
            if ct is None:
                return None
            qs = qs.filter(content_type=ct, object_id=f.record.pk)
        return qs

    def rows(self, objs):
        return [AuditRow(
            at=r.changed_at, by=r.changed_by, kind=r.entity, label=r.key, field=r.field, old=r.old_value,
            new=r.new_value, reason=r.reason, source=r.source, history=self.name, rank=self.rank, pk=r.pk,
            record=RecordRef(f"{r.content_type.app_label}.{r.content_type.model}", r.object_id)
            if r.content_type_id and r.object_id is not None else None,
        ) for r in objs]

    def people(self):
        return set(_distinct(Revision, "changed_by"))

    def kinds_present(self):
        return set(_distinct(Revision, "entity"))


REVISIONS = RevisionHistory()


def _distinct(model, column: str) -> list[str]:
    """The distinct values of an indexed column, one index probe per value (a "loose index
    scan"): fast on a million rows where ``SELECT DISTINCT`` reads them all."""
    table = connection.ops.quote_name(model._meta.db_table)
    col = connection.ops.quote_name(model._meta.get_field(column).column)
    sql = (f"WITH RECURSIVE t(v) AS (SELECT MIN({col}) FROM {table} UNION ALL "
           f"SELECT (SELECT MIN({col}) FROM {table} WHERE {col} > t.v) FROM t WHERE t.v IS NOT NULL) "
           f"SELECT v FROM t WHERE v IS NOT NULL")
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]


def _base(history: History, f: AuditFilter) -> QuerySet | None:
    qs = history.narrow(history.queryset(), f)
    if qs is None:
        return None
    if f.start():
        qs = qs.filter(**{f"{history.at}__gte": f.start()})
    if f.end():
        qs = qs.filter(**{f"{history.at}__lt": f.end()})
    return qs


def _beyond(qs: QuerySet, history: History, cursor: Cursor, older: bool) -> QuerySet:
    """The rows of ``qs`` strictly older (or newer) than ``cursor`` in the order (time, rank, id),
    bounded on the time column so that the index does the work."""
    at = history.at
    if older:
        if history.rank < cursor.rank:
            return qs.filter(**{f"{at}__lte": cursor.at})
        if history.rank > cursor.rank:
            return qs.filter(**{f"{at}__lt": cursor.at})
        return qs.filter(**{f"{at}__lte": cursor.at}).filter(Q(**{f"{at}__lt": cursor.at}) | Q(**{at: cursor.at, "pk__lt": cursor.pk}))
    if history.rank > cursor.rank:
        return qs.filter(**{f"{at}__gte": cursor.at})
    if history.rank < cursor.rank:
        return qs.filter(**{f"{at}__gt": cursor.at})
    return qs.filter(**{f"{at}__gte": cursor.at}).filter(Q(**{f"{at}__gt": cursor.at}) | Q(**{at: cursor.at, "pk__gt": cursor.pk}))


def _read(history: History, qs: QuerySet, n: int, older: bool) -> list[AuditRow]:
    order = (f"-{history.at}", "-pk") if older else (history.at, "pk")
    return history.rows(list(qs.order_by(*order)[:n]))


def _step(f: AuditFilter, histories: Sequence[History], cursor: Cursor | None, n: int, older: bool) -> list[AuditRow]:
    """Up to ``n`` changes next to ``cursor`` (older or newer), in that direction's order."""
    found: list[AuditRow] = []
    for history in histories:
        qs = _base(history, f)
        if qs is None:
            continue
        if cursor is not None:
            qs = _beyond(qs, history, cursor, older)
        found.extend(_read(history, qs, n, older))
    found.sort(key=lambda r: r.cursor, reverse=older)
    return found[:n]


@dataclass(frozen=True)
class AuditPage:
    """One page: its rows (newest first), how many changes match in all, and the cursors of the
    pages either side (None at either end)."""

    rows: tuple[AuditRow, ...]
    count: int
    newer: Cursor | None  # give as ``before`` to read the newer page
    older: Cursor | None  # give as ``after`` to read the older page


def count(f: AuditFilter, histories: Sequence[History] = (REVISIONS,)) -> int:
    """How many changes match ``f``."""
    total = 0
    for history in histories:
        qs = _base(history, f)
        if qs is not None:
            total += qs.order_by().count()
    return total


def _exists(f: AuditFilter, histories: Sequence[History], cursor: Cursor, older: bool) -> bool:
    for history in histories:
        qs = _base(history, f)
        if qs is not None and _beyond(qs, history, cursor, older).order_by().exists():
            return True
    return False


def page(f: AuditFilter, histories: Sequence[History] = (REVISIONS,), *, after: Cursor | None = None,
         before: Cursor | None = None, size: int | None = None) -> AuditPage:
    """The page of ``size`` changes (default :data:`PAGE_SIZE`) just older than ``after`` (the
    first page without either), or just newer than ``before``; newest first."""
    size = size or PAGE_SIZE
    if before is not None:
        rows = _step(f, histories, before, size + 1, older=False)
        if len(rows) <= size:  # back at the newest changes: the first page
            return page(f, histories, size=size)
        rows = list(reversed(rows[:size]))
        newer = rows[0].cursor
        older = rows[-1].cursor if _exists(f, histories, rows[-1].cursor, True) else None
    else:
        rows = _step(f, histories, after, size + 1, older=True)
        more_older = len(rows) > size
        rows = rows[:size]
        older = rows[-1].cursor if more_older and rows else None
        newer = rows[0].cursor if after is not None and rows and _exists(f, histories, rows[0].cursor, False) else None
    return AuditPage(tuple(rows), count(f, histories), newer, older)


def iterate(f: AuditFilter, histories: Sequence[History] = (REVISIONS,), *, batch: int = BATCH) -> Iterator[AuditRow]:
    """Every change matching ``f``, newest first, read ``batch`` rows at a time from each history
    and merged (memory stays bounded whatever the number of changes)."""

    def stream(history: History) -> Iterator[AuditRow]:
        qs = _base(history, f)
        if qs is None:
            return
        cursor = None
        while True:
            rows = _read(history, qs if cursor is None else _beyond(qs, history, cursor, True), batch, True)
            yield from rows
            if len(rows) < batch:
                return
            cursor = rows[-1].cursor

    yield from heapq.merge(*(stream(h) for h in histories), key=lambda r: r.cursor, reverse=True)


def kinds(histories: Sequence[History] = (REVISIONS,)) -> list[str]:
    """The kinds of record the histories hold, sorted."""
    out: set[str] = set()
    for history in histories:
        out |= history.kinds_present()
    return sorted(out)


def people(histories: Sequence[History] = (REVISIONS,)) -> list[str]:
    """Everyone who has made a change, sorted."""
    out: set[str] = set()
    for history in histories:
        out |= history.people()
    return sorted((p for p in out if p), key=str.lower)


def kind_label(kind: str) -> str:
    """A kind of record as people read it: ``activity_observation`` -> ``Activity observation``."""
    text = kind.replace("_", " ").strip()
    return text[:1].upper() + text[1:]
