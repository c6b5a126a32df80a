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
