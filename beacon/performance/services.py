"""Writing performance data with its history: the one way a value, a month value of a monthly
KPI, an activity figure or a commentary is recorded, whoever records it.

Every write goes through :func:`save_with_history`: a new row is created; a changed field is
updated and the change recorded as a :class:`~beacon.performance.models.Revision` (old, new,
who, when, why, from where); an unchanged row is left alone. The bundle loader
(:mod:`beacon.performance.bundle.load`) writes every bundle row through it; an approved
quarterly return records its values with :func:`record_observations`,
:func:`record_activity_observations` and :func:`record_commentary`, and closing a year makes
its data final with :func:`finalise_observations`.

The caller runs these inside a transaction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from beacon.domain.periods import Month, Quarter

from . import models


@dataclass(frozen=True)
class Change:
    """Who makes a change, when, why and from where: what each revision records."""

    by: str
    at: datetime
    reason: str = ""
    source: str = ""


# --- the history of a row ----------------------------------------------------------------------
def period_sort(period: Quarter | Month) -> int:
    """Months since year 0 of the period's last month: quarters and months sort together."""
    if isinstance(period, Quarter):
        last = period.months[-1]
        return last.year * 12 + last.month
    return period.year * 12 + period.month


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


def record_revision(change: Change, entity: str, key: str, name: str, old: Any, new: Any) -> models.Revision:
    """Record one change to one field of one record (``entity`` and its natural ``key``)."""
    return models.Revision.objects.create(
        entity=entity,
        key=key,
        field=name,
        old_value=value_text(old),
        new_value=value_text(new),
        changed_by=change.by,
        changed_at=change.at,
        reason=change.reason,
        source=change.source,
    )


def _is_text_field(model, name: str) -> bool:
    from django.db import models as dj

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
                record_revision(change, entity, key, name, None, values[name])
        return obj, "created"
    changed = [(name, getattr(obj, name), new) for name, new in values.items() if not same_value(getattr(obj, name), new)]
    if not changed:
        return obj, "unchanged"
    for name, old, new in changed:
        setattr(obj, name, "" if new is None and _is_text_field(model, name) else new)
        record_revision(change, entity, key, name, old, new)
    obj.save()
    return obj, "changed"


# --- what a quarterly return records ------------------------------------------------------------
@dataclass(frozen=True)
class ObservationEntry:
    """A KPI's value for a quarter, or for a month of a monthly KPI, with its data note."""

    kpi: models.Kpi
    period: Quarter | Month
    value: Decimal | None
    note: str = ""


@dataclass(frozen=True)
class ActivityEntry:
    indicator: models.ActivityIndicator
    period: Quarter
    value: Decimal | None


@dataclass(frozen=True)
class CommentaryEntry:
    """A directorate's commentary for a quarter (``kpi`` None) or its commentary on one KPI."""

    period: Quarter
    directorate: models.Directorate
    kpi: models.Kpi | None
    text: str
    author: str


def record_observations(entries: Iterable[ObservationEntry], change: Change, *, status: str = "provisional") -> Counter:
    """Record KPI values (a new observation gets ``status``; an existing one keeps its own).
    Returns how many were created, changed and unchanged."""
    counts: Counter = Counter()
    for e in entries:
        _, outcome = save_with_history(
            models.Observation, {"kpi": e.kpi, "period": e.period.label}, {"value": e.value, "note": e.note},
            entity="observation", key=f"{e.kpi.code} {e.period.label}", change=change,
            defaults={"period_sort": period_sort(e.period), "status": status}, track_creation=("value",),
        )
        counts[outcome] += 1
    return counts


def record_activity_observations(entries: Iterable[ActivityEntry], change: Change) -> Counter:
    counts: Counter = Counter()
    for e in entries:
        _, outcome = save_with_history(
            models.ActivityObservation, {"indicator": e.indicator, "period": e.period.label}, {"value": e.value},
            entity="activity_observation", key=f"{e.indicator.code} {e.period.label}", change=change,
            defaults={"period_sort": period_sort(e.period)}, track_creation=("value",),
        )
        counts[outcome] += 1
    return counts


def record_commentary(entries: Iterable[CommentaryEntry], change: Change) -> Counter:
    counts: Counter = Counter()
    for e in entries:
        key = " ".join(x for x in (e.period.label, e.directorate.code, e.kpi.code if e.kpi else "") if x)
        _, outcome = save_with_history(
            models.Commentary,
            {"period": e.period.label, "directorate": e.directorate, "sub_area": None, "kpi": e.kpi, "topic": ""},
            {"text": e.text, "author": e.author},
            entity="commentary", key=key, change=change, track_creation=("text",),
        )
        counts[outcome] += 1
    return counts


def finalise_observations(periods: Iterable[Quarter | Month], change: Change) -> int:
    """Make every provisional observation of ``periods`` final (spec 3.7), each with a
    revision. Returns how many changed."""
    labels = [p.label for p in periods]
    changed = 0
    for obs in models.Observation.objects.filter(period__in=labels, status="provisional").select_related("kpi"):
        record_revision(change, "observation", f"{obs.kpi.code} {obs.period}", "status", "provisional", "final")
        obs.status = "final"
        obs.save(update_fields=["status"])
        changed += 1
    return changed
