"""Writing performance data with its history: the one way a value, a month value of a monthly
KPI, an activity figure or a commentary is recorded, whoever records it.

Every write goes through :mod:`beacon.core.audit` (:func:`~beacon.core.audit.save_with_history`,
or :func:`~beacon.core.audit.save_many_with_history` for many rows in a few statements): a new row is created; a
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
from beacon.core.models import Directorate, Revision
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
    change: Change | None = None  # what its revisions record, when not the call's change


@dataclass(frozen=True)
class ActivityEntry:
    indicator: models.ActivityIndicator
    period: Quarter
    value: Decimal | None
    change: Change | None = None  # what its revisions record, when not the call's change


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
    change: Change | None = None  # what its revisions record, when not the call's change


# what an observation holds besides its value, removed with it
REMOVED_WITH_THE_VALUE = ("value", "note", "manual_dot", "manual_dot_reason", "manual_severity", "manual_severity_reason")


def _removal_revisions(change_of, rows, entity: str, key_of, names) -> list:
    """Unsaved revisions to blank of each field of ``rows`` that holds something (what a row
    removed with its value held)."""
    out = []
    for row in rows:
        for name in names:
            if getattr(row, name) not in (None, ""):
                out.append(audit.revision(change_of(row), row, entity, key_of(row), name, getattr(row, name), None))
    return out


def record_observations(entries: Iterable[ObservationEntry], change: Change, *, status: str = "provisional") -> Counter:
    """Record KPI values (a new observation gets ``status``; an existing one keeps its own).
    Returns how many were created, changed, unchanged and removed. An entry's own ``change``
    (when given) is what its revisions record instead of ``change``.

    An observation is a value, or a rating set by hand where there is none (import format:
    ``value`` is required unless a ``manual_rating`` is given). So a value removed (``value``
    None) from an observation without a manual rating removes the observation: each of its
    fields is recorded as a revision to blank first, so the history keeps what it held. No
    observation is created for a period without a value (a return's note saying why stays with
    the return).

    Set-based: the stored observations are read once, removals deleted in one statement and the
    rest written by :func:`beacon.core.audit.save_many_with_history`, whatever the number of
    entries."""
    entries = list(entries)
    counts: Counter = Counter()
    if not entries:
        return counts
    kpis = {e.kpi.pk: e.kpi for e in entries}
    blanks = {(e.kpi.pk, e.period.label): e for e in entries if e.value is None}
    stored = {}
    if blanks:
        rows = models.Observation.objects.filter(kpi_id__in={k for k, _ in blanks},
                                                 period__in={p for _, p in blanks}).order_by("pk")
        for row in rows:
            if (row.kpi_id, row.period) in blanks:
                stored.setdefault((row.kpi_id, row.period), row)
    removed = []
    planned = []
    for e in entries:
        if e.value is None:
            row = stored.get((e.kpi.pk, e.period.label))
            if row is None:
                continue
            if not row.manual_rating:
                removed.append(row)
                continue
        planned.append(audit.Planned(
            {"kpi": e.kpi, "period": e.period.label}, {"value": e.value, "note": e.note},
            entity="observation", key=f"{e.kpi.code} {e.period.label}", change=e.change or change,
            defaults={"period_sort": period_sort(e.period), "status": status}, track_creation=("value",),
        ))
    if removed:
        changes = {(e.kpi.pk, e.period.label): e.change or change for e in entries}
        Revision.objects.bulk_create(_removal_revisions(
            lambda row: changes[(row.kpi_id, row.period)], removed, "observation",
            lambda row: f"{kpis[row.kpi_id].code} {row.period}", REMOVED_WITH_THE_VALUE))
        models.Observation.objects.filter(pk__in=[row.pk for row in removed]).delete()
        counts["removed"] += len(removed)
    if planned:
        scope = {"kpi__in": list(kpis), "period__in": sorted({p.lookup["period"] for p in planned})}
        for item in audit.save_many_with_history(models.Observation, planned, scope=scope):
            counts[item.outcome] += 1
    return counts


def record_activity_observations(entries: Iterable[ActivityEntry], change: Change) -> Counter:
    """Record activity figures (an entry's own ``change``, when given, is what its revisions
    record), set-based like :func:`record_observations`."""
    entries = list(entries)
    counts: Counter = Counter()
    if not entries:
        return counts
    planned = [audit.Planned(
        {"indicator": e.indicator, "period": e.period.label}, {"value": e.value},
        entity="activity_observation", key=f"{e.indicator.code} {e.period.label}", change=e.change or change,
        defaults={"period_sort": period_sort(e.period)}, track_creation=("value",),
    ) for e in entries]
    scope = {"indicator__in": [e.indicator.pk for e in entries], "period__in": sorted({e.period.label for e in entries})}
    for item in audit.save_many_with_history(models.ActivityObservation, planned, scope=scope):
        counts[item.outcome] += 1
    return counts


def _commentary_key(e: CommentaryEntry) -> str:
    return " ".join(x for x in (e.period.label, e.directorate.code, e.kpi.code if e.kpi else "") if x)


def record_commentary(entries: Iterable[CommentaryEntry], change: Change) -> Counter:
    """Record commentary with its author and approver. A blank text removes the commentary
    held (its removal recorded as a revision of the text, with the change's reason). An
    entry's own ``change`` (when given) is what its revisions record. Set-based like
    :func:`record_observations`."""
    entries = list(entries)
    counts: Counter = Counter()
    if not entries:
        return counts
    blanks = {(e.period.label, e.directorate.pk, e.kpi.pk if e.kpi else None): e for e in entries if not e.text}
    planned = []
    for e in entries:
        if not e.text:
            continue
        lookup = {"period": e.period.label, "directorate": e.directorate, "sub_area": None, "kpi": e.kpi, "topic": ""}
        planned.append(audit.Planned(
            lookup, {"text": e.text, "author": e.author, "approved_by": e.approved_by},
            entity="commentary", key=_commentary_key(e), change=e.change or change, track_creation=("text",),
        ))
    periods = sorted({e.period.label for e in entries})
    directorates = {e.directorate.pk for e in entries}
    if blanks:
        found = {}
        rows = models.Commentary.objects.filter(period__in=periods, directorate_id__in=directorates, sub_area=None,
                                                topic="").order_by("pk")
        for row in rows:
            found.setdefault((row.period, row.directorate_id, row.kpi_id), row)
        removed = [(found[k], e) for k, e in blanks.items() if k in found]
        if removed:
            Revision.objects.bulk_create([
                audit.revision(e.change or change, row, "commentary", _commentary_key(e), "text", row.text, "")
                for row, e in removed])
            models.Commentary.objects.filter(pk__in=[row.pk for row, _ in removed]).delete()
            counts["removed"] += len(removed)
    if planned:
        scope = {"period__in": periods, "directorate_id__in": directorates, "sub_area__isnull": True, "topic": ""}
        for item in audit.save_many_with_history(models.Commentary, planned, scope=scope):
            counts[item.outcome] += 1
    return counts


def finalise_observations(periods: Iterable[Quarter | Month], change: Change) -> int:
    """Make every provisional observation of ``periods`` final (spec 3.7), each with a
    revision. Returns how many changed. Set-based: the observations are read once, their
    revisions inserted together and their status updated in batches of keys."""
    labels = [p.label for p in periods]
    rows = list(models.Observation.objects.filter(period__in=labels, status="provisional").select_related("kpi")
                .order_by("pk"))
    Revision.objects.bulk_create([
        audit.revision(change, obs, "observation", f"{obs.kpi.code} {obs.period}", "status", "provisional", "final")
        for obs in rows], batch_size=audit.BATCH)
    ids = [obs.pk for obs in rows]
    for start in range(0, len(ids), audit.BATCH):
        models.Observation.objects.filter(pk__in=ids[start:start + audit.BATCH]).update(status="final")
    return len(rows)
