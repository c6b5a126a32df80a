"""Writing performance data with its history: the one way a value, a month value of a monthly
KPI, an activity figure or a commentary is recorded, whoever records it.

Every write goes through :func:`beacon.core.audit.save_with_history`: a new row is created; a
changed field is updated and the change recorded as a :class:`~beacon.core.models.Revision`
(old, new, who, when, why, from where); an unchanged row is left alone. The bundle loader
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
from decimal import Decimal

from beacon.core import audit
from beacon.core.audit import Change
from beacon.core.models import Directorate
from beacon.domain.periods import Month, Quarter, period_sort

from . import models


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
    """A directorate's commentary for a quarter (``kpi`` None) or its commentary on one KPI.
    ``author`` wrote it; ``approved_by`` approved it (a return's reviewer), kept apart so that
    commentary is never credited to its approver."""

    period: Quarter
    directorate: Directorate
    kpi: models.Kpi | None
    text: str
    author: str
    approved_by: str = ""


# what an observation holds besides its value, removed with it
REMOVED_WITH_THE_VALUE = ("value", "note", "manual_dot", "manual_dot_reason", "manual_severity", "manual_severity_reason")


def record_observations(entries: Iterable[ObservationEntry], change: Change, *, status: str = "provisional") -> Counter:
    """Record KPI values (a new observation gets ``status``; an existing one keeps its own).
    Returns how many were created, changed, unchanged and removed.

    An observation is a value, or a rating set by hand where there is none (import format:
    ``value`` is required unless a ``manual_rating`` is given). So a value removed (``value``
    None) from an observation without a manual rating removes the observation: each of its
    fields is recorded as a revision to blank first, so the history keeps what it held. No
    observation is created for a period without a value (a return's note saying why stays with
    the return)."""
    counts: Counter = Counter()
    for e in entries:
        if e.value is None:
            row = models.Observation.objects.filter(kpi=e.kpi, period=e.period.label).first()
            if row is None:
                continue
            if not row.manual_rating:
                key = f"{e.kpi.code} {e.period.label}"
                for name in REMOVED_WITH_THE_VALUE:
                    if getattr(row, name) not in (None, ""):
                        audit.record_revision(change, row, "observation", key, name, getattr(row, name), None)
                row.delete()
                counts["removed"] += 1
                continue
        _, outcome = audit.save_with_history(
            models.Observation, {"kpi": e.kpi, "period": e.period.label}, {"value": e.value, "note": e.note},
            entity="observation", key=f"{e.kpi.code} {e.period.label}", change=change,
            defaults={"period_sort": period_sort(e.period), "status": status}, track_creation=("value",),
        )
        counts[outcome] += 1
    return counts


def record_activity_observations(entries: Iterable[ActivityEntry], change: Change) -> Counter:
    counts: Counter = Counter()
    for e in entries:
        _, outcome = audit.save_with_history(
            models.ActivityObservation, {"indicator": e.indicator, "period": e.period.label}, {"value": e.value},
            entity="activity_observation", key=f"{e.indicator.code} {e.period.label}", change=change,
            defaults={"period_sort": period_sort(e.period)}, track_creation=("value",),
        )
        counts[outcome] += 1
    return counts


def record_commentary(entries: Iterable[CommentaryEntry], change: Change) -> Counter:
    """Record commentary with its author and approver. A blank text removes the commentary
    held (its removal recorded as a revision of the text, with the change's reason)."""
    counts: Counter = Counter()
    for e in entries:
        key = " ".join(x for x in (e.period.label, e.directorate.code, e.kpi.code if e.kpi else "") if x)
        lookup = {"period": e.period.label, "directorate": e.directorate, "sub_area": None, "kpi": e.kpi, "topic": ""}
        if not e.text:
            row = models.Commentary.objects.filter(**lookup).first()
            if row is not None:
                audit.record_revision(change, row, "commentary", key, "text", row.text, "")
                row.delete()
                counts["removed"] += 1
            continue
        _, outcome = audit.save_with_history(
            models.Commentary,
            lookup,
            {"text": e.text, "author": e.author, "approved_by": e.approved_by},
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
        audit.record_revision(change, obs, "observation", f"{obs.kpi.code} {obs.period}", "status", "provisional",
                              "final")
        obs.status = "final"
        obs.save(update_fields=["status"])
        changed += 1
    return changed
