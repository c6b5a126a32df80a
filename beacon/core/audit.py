"""The audit log: the one way a change to a record is written with its history, whatever area
the record belongs to and whoever makes the change (an import, a form, a lifecycle operation).

* :func:`record_revision` records one changed field of one record as a
  :class:`~beacon.core.models.Revision`, keyed by the record's identity (its type and primary
  key) and labelled for people (``entity`` and ``key``).
* :func:`save_with_history` creates or updates a row: a new row is created; a changed field is
  updated and recorded; an unchanged row is left alone (so importing the same data twice changes
  nothing).
* :func:`history_of` reads a record's revisions back, oldest first.

The caller runs these inside a transaction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models as dj

from beacon.domain.periods import Month, Quarter

from .models import Revision


@dataclass(frozen=True)
class Change:
    """Who makes a change, when, why and from where: what each revision records."""

    by: str
    at: datetime
    reason: str = ""
    source: str = ""


def value_text(value: Any) -> str:
    """A stored value as text, the same way for revisions and for export."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return "0" if text in ("-0", "") else text
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ";".join(str(v) for v in value)
    if isinstance(value, (Quarter, Month)):
        return value.label
    return str(value)


def same_value(old: Any, new: Any) -> bool:
    """Whether a stored value and a new one are the same (``97`` and ``97.0`` are; blank, None
    and an empty list are)."""
    if old is None or new is None:
        return (old in (None, "", [])) and (new in (None, "", []))
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        try:
            return Decimal(old) == Decimal(new)
        except Exception:
            return False
    return old == new


def identity(record: dj.Model) -> dict:
    """The fields of a :class:`Revision` that identify ``record`` (its type and primary key)."""
    return {"content_type": ContentType.objects.get_for_model(record, for_concrete_model=False), "object_id": record.pk}


def revision(change: Change, record: dj.Model, entity: str, key: str, name: str, old: Any, new: Any) -> Revision:
    """An unsaved revision of one field of ``record`` (for writers that save many at once).
    ``key`` is only a label for people (the record is identified by its type and id): one longer
    than its column is shortened with "…", on every database alike."""
    limit = Revision._meta.get_field("key").max_length
    return Revision(
        **identity(record),
        entity=entity,
        key=key if len(key) <= limit else key[: limit - 1] + "…",
        field=name,
        old_value=value_text(old),
        new_value=value_text(new),
        changed_by=change.by,
        changed_at=change.at,
        reason=change.reason,
        source=change.source,
    )


def record_revision(change: Change, record: dj.Model, entity: str, key: str, name: str, old: Any, new: Any) -> Revision:
    """Record one change to one field of ``record`` (labelled ``entity`` and ``key`` for people)."""
    obj = revision(change, record, entity, key, name, old, new)
    obj.save()
    return obj


def history_of(record: dj.Model):
    """The revisions of one record, oldest first (a queryset)."""
    return Revision.objects.filter(**identity(record)).order_by("changed_at", "pk")


def _is_text_field(model, name: str) -> bool:
    try:
        f = model._meta.get_field(name)
    except Exception:
        return False
    return isinstance(f, (dj.CharField, dj.TextField)) and not f.null


def save_with_history(
    model,
    lookup: dict,
    values: dict,
    *,
    entity: str,
    key: str,
    change: Change,
    defaults: dict | None = None,
    track_creation: tuple[str, ...] = (),
) -> tuple[Any, str]:
    """Create or update the row ``lookup`` finds, setting ``values`` (model field -> value;
    only the fields given). ``defaults`` are set only on creation; the fields in
    ``track_creation`` get a revision (from blank) when the row is created. Returns the row and
    what happened: ``created``, ``changed`` or ``unchanged``."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        data = {**(defaults or {}), **values}
        data = {k: ("" if v is None and _is_text_field(model, k) else v) for k, v in data.items()}
        obj = model.objects.create(**lookup, **data)
        for name in track_creation:
            if values.get(name) is not None:
                record_revision(change, obj, entity, key, name, None, values[name])
        return obj, "created"
    changed = [(name, getattr(obj, name), new) for name, new in values.items() if not same_value(getattr(obj, name), new)]
    if not changed:
        return obj, "unchanged"
    for name, old, new in changed:
        setattr(obj, name, "" if new is None and _is_text_field(model, name) else new)
        record_revision(change, obj, entity, key, name, old, new)
    obj.save()
    return obj, "changed"


@dataclass
class Planned:
    """One row for :func:`save_many_with_history`: the row ``lookup`` finds, the ``values`` to set
    (model field -> value), its labels for people (``entity``, ``key``), ``defaults`` set only on
    creation, the fields whose creation is recorded (``track_creation``), and the ``change`` its
    revisions record. ``outcome`` and ``obj`` are filled in when it is saved."""

    lookup: dict
    values: dict
    entity: str
    key: str
    change: Change
    defaults: dict | None = None
    track_creation: tuple[str, ...] = ()
    outcome: str = ""
    pk: Any = None


def _plain(value: Any) -> Any:
    """A lookup or field value as stored: a related row by its key."""
    return value.pk if isinstance(value, dj.Model) else value


BATCH = 2000
"""Rows per statement (SQLite) or per update batch when writing many rows."""


_PLAIN_VALUES = (str, int, bool, Decimal, type(None))
_PLAIN_FIELDS = {"CharField", "TextField", "IntegerField", "BigIntegerField", "SmallIntegerField",
                 "PositiveIntegerField", "PositiveBigIntegerField", "PositiveSmallIntegerField", "BooleanField",
                 "AutoField", "BigAutoField", "ForeignKey", "DecimalField"}
"""Fields whose values of the types above both drivers take as they are (SQLite stores a decimal
as its text, as Django does)."""


class _Prep:
    """Converts values to what the database driver takes: plain values of plain fields as they
    are; others through the field (``get_db_prep_save``), once per distinct value (a window
    repeats the same time and defaults many times)."""

    def __init__(self, connection):
        self.connection = connection
        self.plain: dict[int, bool] = {}
        self.memo: dict[int, dict] = {}

    def __call__(self, field, value):
        plain = self.plain.get(id(field))
        if plain is None:
            plain = self.plain[id(field)] = field.get_internal_type() in _PLAIN_FIELDS
        if plain and value.__class__ in _PLAIN_VALUES:
            return value
        memo = self.memo.setdefault(id(field), {})
        try:
            key = (value.__class__, value)
            hit = memo.get(key, _MISSING)
        except TypeError:  # unhashable (a list for a JSON field)
            return field.get_db_prep_save(value, self.connection)
        if hit is _MISSING:
            hit = field.get_db_prep_save(value, self.connection)
            if len(memo) > 50_000:
                memo.clear()
            memo[key] = hit
        return hit


_MISSING = object()


def _quote(connection, name: str) -> str:
    return connection.ops.quote_name(name)


def _new_ids(connection, model, n: int) -> list[int]:
    """``n`` fresh primary keys for rows about to be inserted with their keys given (the caller
    holds the transaction: SQLite has one writer at a time; PostgreSQL takes them from the
    table's sequence, as a default key would)."""
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # the sequence's name looked up once: in the same statement as the nextval calls it
            # is looked up again for every row (5,000 keys: 22 ms against 4 ms, measured)
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk])
            sequence = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, n])
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT max({_quote(connection, pk)}) FROM {_quote(connection, table)}")
        top = cursor.fetchone()[0] or 0
        try:
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            seq = cursor.fetchone()
        except Exception:  # no AUTOINCREMENT table yet
            seq = None
        top = max(top, (seq[0] if seq else 0) or 0)
    return list(range(top + 1, top + n + 1))


def insert_rows(model, columns: list[str], rows) -> int:
    """Insert ``rows`` (tuples of database values, in the order of ``columns``, model field
    attnames) into ``model``'s table in as few statements as the database allows: PostgreSQL's
    ``COPY`` (psycopg 3), elsewhere ``executemany`` of one prepared ``INSERT``. Nothing of the
    ORM runs per row. Returns the number of rows."""
    from django.db import connection

    opts = model._meta
    fields = [opts.get_field(c) for c in columns]
    names = ", ".join(_quote(connection, f.column) for f in fields)
    table = _quote(connection, opts.db_table)
    count = 0
    bulk = _BULK_INSERTS.get()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            if bulk is not None:
                bulk.added(connection, opts.db_table, count)
            return count
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(fields))})"
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


BULK_ANALYZE_ROWS = 100_000
"""PostgreSQL's statistics of a table a bulk write adds at least this many rows to are refreshed
(``ANALYZE``) while the write goes on, each time the table has doubled since they were last
counted, and once more when the write has committed (:func:`refresh_statistics`). Under it, a
scan of the table costs little: in the server's log of a 1,000,000-row import a window's read
grew with the table to 148 ms, so in proportion about 15 ms at 100,000 rows; autovacuum catches
up soon after."""


class BulkInserts:
    """The rows :func:`insert_rows` writes by ``COPY`` (PostgreSQL) per table while a
    :func:`bulk_inserts` block runs (``inserted``), with the statistics kept up as the tables
    grow.

    PostgreSQL plans a query from each table's statistics, and a table that has never been
    analysed is planned as a small one. A first import of 1,000,000 observations reads each window
    of stored rows (to find what is new and what changed) from a table growing by thousands of rows
    a window: planned as small, each read scanned the whole table (up to 148 ms a window, 12.3 s
    in all: measured from the server's log). ``ANALYZE`` inside the import's transaction counts the
    import's own rows, and the reads are planned on the index again."""

    def __init__(self) -> None:
        self.inserted: Counter = Counter()
        self._since: Counter = Counter()  # rows added since the table was last counted
        self._counted: dict[str, float] = {}  # rows in it at that count

    def added(self, connection, table: str, rows: int) -> None:
        self.inserted[table] += rows
        self._since[table] += rows
        with connection.cursor() as cursor:
            if table not in self._counted:
                self._counted[table] = _counted_rows(cursor, [table]).get(table, 0)
            if self._since[table] >= max(BULK_ANALYZE_ROWS, self._counted[table]):
                cursor.execute(f"ANALYZE {_quote(connection, table)}")
                self._counted[table] += self._since[table]
                self._since[table] = 0


def _counted_rows(cursor, tables: list[str]) -> dict[str, float]:
    """The rows PostgreSQL last counted in each table (0 for one never counted)."""
    cursor.execute("SELECT relname, reltuples FROM pg_class WHERE relname = ANY(%s) AND relkind = 'r'", [tables])
    return {name: max(tuples, 0) for name, tuples in cursor.fetchall()}


_BULK_INSERTS: ContextVar[BulkInserts | None] = ContextVar("beacon_bulk_inserts", default=None)


@contextmanager
def bulk_inserts() -> Iterator[BulkInserts]:
    """Count, per table, the rows :func:`insert_rows` writes by ``COPY`` (PostgreSQL) while the
    block runs, keeping the statistics of the tables it fills up to date (:class:`BulkInserts`);
    hand ``inserted`` to :func:`refresh_statistics` once the block's transaction has committed."""
    bulk = BulkInserts()
    token = _BULK_INSERTS.set(bulk)
    try:
        yield bulk
    finally:
        _BULK_INSERTS.reset(token)


def refresh_statistics(inserted: Counter) -> list[str]:
    """``ANALYZE`` each table a bulk write added many rows to (:data:`BULK_ANALYZE_ROWS`, and at
    least a tenth of the rows PostgreSQL last counted in it); returns the tables analysed.

    PostgreSQL plans queries from each table's statistics, which autovacuum refreshes some time
    after a large write commits. Until then the next reads of a table that has just grown from
    nothing to a million rows are planned as if it were still small: the same 1,000,000-row
    bundle imported again took 63.4 s, against 46.9 s after an ``ANALYZE`` of 0.7 s (measured,
    ``docs/performance.md``). SQLite needs nothing (its planner does not use such statistics
    unless asked). Called inside a transaction, it waits for that transaction to commit (the rows
    are not there for anyone else before, and the lock ``ANALYZE`` takes would be held until the
    end) and returns an empty list."""
    from django.db import connection, transaction

    if connection.vendor != "postgresql" or not inserted:
        return []
    big = {table: n for table, n in inserted.items() if n >= BULK_ANALYZE_ROWS}
    if not big:
        return []
    if connection.in_atomic_block:
        transaction.on_commit(lambda: refresh_statistics(Counter(big)), robust=True)
        return []
    with connection.cursor() as cursor:
        counted = _counted_rows(cursor, list(big))
        done = []
        for table in sorted(big):
            if big[table] * 10 >= counted.get(table, 0):
                cursor.execute(f"ANALYZE {_quote(connection, table)}")
                done.append(table)
    return done


def _insert_revisions(items: list[tuple[Change, int, int, str, str, str, Any, Any]]) -> None:
    """Write revisions: ``(change, content_type_id, object_id, entity, key, field, old, new)``."""
    from django.db import connection

    if not items:
        return
    prep = _Prep(connection)
    opts = Revision._meta
    columns = ["content_type_id", "object_id", "entity", "key", "field", "old_value", "new_value", "changed_by",
               "changed_at", "reason", "source"]
    limit = opts.get_field("key").max_length
    at_field = opts.get_field("changed_at")
    # the same change (who, when, why, from where) is shared by many revisions: its columns are
    # converted once per change, the rest are text and numbers the drivers take as they are
    shared: dict[int, tuple] = {}

    def rows():
        for change, ct, pk, entity, key, name, old, new in items:
            key = key if len(key) <= limit else key[: limit - 1] + "…"
            tail = shared.get(id(change))
            if tail is None or tail[0] is not change:
                tail = shared[id(change)] = (change, (change.by, prep(at_field, change.at), change.reason or "",
                                                      change.source or ""))
            yield (ct, pk, entity, key, name, value_text(old), value_text(new), *tail[1])

    insert_rows(Revision, columns, rows())


def save_many_with_history(model, planned: list[Planned], *, scope: dict | None = None, read: tuple[str, ...] = (),
                           refuse=None) -> list[Planned]:
    """:func:`save_with_history` for many rows of one model at once, with the same outcome row by
    row (created, changed with a revision per changed field, or left alone) in a few statements
    whatever the number of rows: the stored rows are read once as plain values (``scope``: a filter
    that holds every row the lookups can find, e.g. ``{"kpi__in": kpis, "period__in": periods}``;
    default: the whole table), new rows inserted and revisions written with
    :func:`insert_rows` (``COPY`` on PostgreSQL), changed rows updated with one prepared
    ``UPDATE`` per set of changed fields. No model instance is built per row. Every lookup must use
    the same fields, and no two may find the same row.

    ``read``: more stored fields to read; ``refuse(item, stored, changed)`` (``stored``: field ->
    stored value; ``changed``: the names of the fields that would change) may return True to leave
    a stored row alone (outcome ``refused``; the caller says why). Returns ``planned`` with
    ``outcome`` and ``pk`` set. Callers write a large file window by window (a few thousand rows
    per call, ``scope`` narrowed to them), so memory stays bounded."""
    from django.db import connection

    if not planned:
        return planned
    opts = model._meta
    lookup_names = sorted(planned[0].lookup)
    lookup_fields = [opts.get_field(n) for n in lookup_names]
    value_names = sorted({n for item in planned for n in item.values} | set(read))
    value_fields = {n: opts.get_field(n) for n in value_names}
    columns = ["pk", *[f.attname for f in lookup_fields], *[value_fields[n].attname for n in value_names]]
    width = len(lookup_names)
    stored = {}
    query = model.objects.filter(**(scope or {})).order_by().values_list(*columns)
    for row in query.iterator(chunk_size=5000):
        stored[row[1:1 + width]] = row
    position = {n: 1 + width + i for i, n in enumerate(value_names)}
    text_fields = {n for n, f in value_fields.items() if isinstance(f, (dj.CharField, dj.TextField)) and not f.null}
    relations = {n for n, f in value_fields.items() if f.many_to_one}
    ct = ContentType.objects.get_for_model(model, for_concrete_model=False).id
    new: list[Planned] = []
    updates: dict[tuple, list] = {}
    changes: list[tuple] = []
    for item in planned:
        row = stored.get(tuple(_plain(item.lookup[n]) for n in lookup_names))
        if row is None:
            item.outcome = "created"
            new.append(item)
            continue
        item.pk = row[0]
        changed = []
        for name, value in item.values.items():
            old = row[position[name]]
            if name in relations:
                if old != _plain(value):
                    changed.append((name, old, value))
            elif not same_value(old, value):
                changed.append((name, old, value))
        if not changed:
            item.outcome = "unchanged"
            continue
        if refuse is not None and refuse(item, {n: row[i] for n, i in position.items()}, [c[0] for c in changed]):
            item.outcome = "refused"
            continue
        item.outcome = "changed"
        names = tuple(sorted(c[0] for c in changed))
        new_values = dict((n, v) for n, _, v in changed)
        updates.setdefault(names, []).append(
            (*[_plain("" if new_values[n] is None and n in text_fields else new_values[n]) for n in names], row[0]))
        changes.extend((item, name, old, value) for name, old, value in changed)
    prep = _Prep(connection)
    if new:
        ids = _new_ids(connection, model, len(new))
        fields = [f for f in opts.concrete_fields if not f.primary_key]
        blank = {f.name for f in fields if isinstance(f, (dj.CharField, dj.TextField)) and not f.null}
        at = {}  # a field's name and attname -> its place and the field
        for i, f in enumerate(fields, start=1):
            at[f.name] = at[f.attname] = (i, f)
        # every field's default, converted once; only a default that is a function is called for
        # each row (a field without a default has NOT_PROVIDED, a class, which is callable too)
        called = [(i, f) for i, f in enumerate(fields, start=1) if f.has_default() and callable(f.default)]
        called_at = {i for i, _ in called}
        template = [None] + [None if i in called_at else prep(f, f.get_default())
                             for i, f in enumerate(fields, start=1)]
        plain = {name: (i, f, f.get_internal_type() in _PLAIN_FIELDS, f.name in blank) for name, (i, f) in at.items()}

        def rows():
            for item, pk in zip(new, ids):
                item.pk = pk
                out = template.copy()
                out[0] = pk
                for i, f in called:
                    out[i] = prep(f, f.get_default())
                for data in (item.defaults or {}, item.values, item.lookup):
                    for name, value in data.items():
                        i, f, is_plain, blanks = plain[name]
                        if value is None:
                            out[i] = "" if blanks else None
                        elif is_plain and value.__class__ in _PLAIN_VALUES:
                            out[i] = value
                        else:
                            out[i] = prep(f, value.pk if isinstance(value, dj.Model) else value)
                yield tuple(out)

        insert_rows(model, [opts.pk.attname, *[f.attname for f in fields]], rows())
    for names, rows in updates.items():
        fields = [value_fields[n] for n in names]
        sets = ", ".join(f"{_quote(connection, f.column)} = %s" for f in fields)
        sql = f"UPDATE {_quote(connection, opts.db_table)} SET {sets} WHERE {_quote(connection, opts.pk.column)} = %s"
        with connection.cursor() as cursor:
            for start in range(0, len(rows), BATCH):
                cursor.executemany(sql, [(*[prep(f, v) for f, v in zip(fields, r[:-1])], r[-1])
                                         for r in rows[start:start + BATCH]])
    # the revisions: creations first, then changes (as the one-row writer would record them)
    related_old = {}
    for item, name, old, value in changes:
        if name in relations and old is not None:
            related_old.setdefault(name, set()).add(old)
    for name, ids in related_old.items():
        related_old[name] = value_fields[name].related_model._default_manager.in_bulk(ids)
    revisions = []
    for item in new:
        for name in item.track_creation:
            if item.values.get(name) is not None:
                revisions.append((item.change, ct, item.pk, item.entity, item.key, name, None, item.values[name]))
    for item, name, old, value in changes:
        if name in relations:
            old = related_old.get(name, {}).get(old) if old is not None else None
        revisions.append((item.change, ct, item.pk, item.entity, item.key, name, old, value))
    _insert_revisions(revisions)
    return planned
