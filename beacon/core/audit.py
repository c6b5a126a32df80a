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
    obj: Any = None


def _lookup_key(model, lookup: dict) -> tuple:
    """The identity of a lookup, comparable with a stored row's (a related row by its key)."""
    out = []
    for name in sorted(lookup):
        value = lookup[name]
        field = model._meta.get_field(name)
        out.append((field.attname, value.pk if isinstance(value, dj.Model) else value))
    return tuple(out)


def _row_key(obj, names: list[str]) -> tuple:
    return tuple((obj._meta.get_field(n).attname, getattr(obj, obj._meta.get_field(n).attname)) for n in sorted(names))


BATCH = 500


def save_many_with_history(model, planned: list[Planned], *, scope: dict | None = None) -> list[Planned]:
    """:func:`save_with_history` for many rows of one model at once, with the same outcome row by
    row (created, changed with a revision per changed field, or left alone) in a few queries: the
    stored rows are read once (``scope``: a filter that holds every row the lookups can find, e.g.
    ``{"kpi__in": kpis}``; default: the whole table), new rows are inserted in batches, changed
    rows updated in batches, and the revisions written in batches. Every lookup must use the same
    fields, and no two may find the same row. Returns ``planned`` with ``outcome`` and ``obj`` set."""
    if not planned:
        return planned
    names = sorted(planned[0].lookup)
    stored = {}
    query = model.objects.filter(**(scope or {})).order_by()
    for obj in query.iterator(chunk_size=2000):
        stored[_row_key(obj, names)] = obj
    new, changed_rows, revisions, created_tracking = [], {}, [], []
    for item in planned:
        obj = stored.get(_lookup_key(model, item.lookup))
        if obj is None:
            data = {**(item.defaults or {}), **item.values}
            data = {k: ("" if v is None and _is_text_field(model, k) else v) for k, v in data.items()}
            item.obj, item.outcome = model(**item.lookup, **data), "created"
            new.append(item)
            continue
        item.obj = obj
        changes = [(n, getattr(obj, n), v) for n, v in item.values.items() if not same_value(getattr(obj, n), v)]
        if not changes:
            item.outcome = "unchanged"
            continue
        item.outcome = "changed"
        for name, old, value in changes:
            setattr(obj, name, "" if value is None and _is_text_field(model, name) else value)
            revisions.append(revision(item.change, obj, item.entity, item.key, name, old, value))
            changed_rows.setdefault(obj.pk, (obj, set()))[1].add(name)
    if new:
        model.objects.bulk_create([item.obj for item in new], batch_size=BATCH)
        for item in new:
            if item.obj.pk is None:  # a database that does not return keys from a bulk insert
                item.obj = model.objects.get(**item.lookup)
            for name in item.track_creation:
                if item.values.get(name) is not None:
                    created_tracking.append(revision(item.change, item.obj, item.entity, item.key, name, None,
                                                     item.values[name]))
    by_fields: dict[frozenset, list] = {}
    for obj, fields in changed_rows.values():
        by_fields.setdefault(frozenset(fields), []).append(obj)
    for fields, objs in by_fields.items():
        model.objects.bulk_update(objs, sorted(fields), batch_size=BATCH)
    Revision.objects.bulk_create(created_tracking + revisions, batch_size=BATCH)
    return planned
