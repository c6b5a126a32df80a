"""Rating history, the audit log and issued ids: the shared writes of imports, lifecycle operations
and editions.

A rating change appends a :class:`RiskRating` row and sets the risk's likelihood and impact; the
earlier rows stay. A changed field of a risk, control or action is a
:class:`beacon.core.models.Revision` keyed by the record's identity and labelled with the risk id
(a control's or action's :func:`~beacon.risk.models.history_key`), with a :class:`RevisionEffect`
giving the date the change took effect. Every id ever seen is recorded in :class:`IssuedId` so
that none is reused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Max

from beacon.core.audit import Change, history_of, record_revision
from beacon.core.models import Revision
from beacon.domain.risk import Rating

from .models import IssuedId, Risk, RevisionEffect, RiskRating

HISTORY_ENTITIES = ("risk", "control", "action")
# the fields of each record whose history is kept (an edition shows them as they stood on its date)
TRACKED = {
    "risk": ("title", "status", "register", "owners", "owners_on_behalf_of", "owner_directorates", "cabinet_members",
             "cabinet_on_behalf_of", "cause", "event", "consequence", "timescale_to_target", "review_note",
             "scope_note", "replaced_by"),
    "control": ("title", "owner", "order"),
    "action": ("title", "owner", "order", "due_text", "due_date", "due_kind", "status"),
}


def entity_of(item) -> str:
    return type(item).__name__.lower()


def audit_key(item) -> str:
    """The key of a record's revisions: a risk's id; a control's or action's identity."""
    return item.risk_id if isinstance(item, Risk) else item.history_key


def created_values(item) -> dict:
    """What a new risk, control or action is created with, to record from nothing: every tracked
    field that has a value (the register by its code)."""
    out = {}
    for name in TRACKED[entity_of(item)]:
        value = item.register.code if name == "register" else getattr(item, name)
        if value not in (None, "", []):
            out[name] = value
    return out


def record_creation(item, *, by: str, at: dt.datetime, on: dt.date, reason: str = "", source: str = "") -> None:
    """Record a new risk, control or action, taking effect on ``on``."""
    for name, value in created_values(item).items():
        record(item, entity_of(item), audit_key(item), name, None, value, by=by, at=at, on=on, reason=reason,
               source=source)


def record(obj, entity: str, key: str, name: str, old, new, *, by: str, at: dt.datetime, on: dt.date,
           reason: str = "", source: str = "") -> Revision:
    """One changed field of ``obj`` (labelled ``entity`` ``key``), recorded at ``at`` and taking
    effect on ``on``."""
    revision = record_revision(Change(by=by, at=at, reason=reason, source=source), obj, entity, key, name, old, new)
    RevisionEffect.objects.create(revision=revision, effective_date=on)
    return revision


@contextmanager
def taking_effect(on: dt.date, at: dt.datetime, fields: dict[str, dt.date] | None = None) -> Iterator[None]:
    """Every revision of a risk, control or action recorded at ``at`` in the block takes effect on
    ``on`` (or on ``fields[name]`` for the fields named there): for writers that record revisions
    through the shared loader (``beacon.bundle.load``)."""
    before = Revision.objects.aggregate(m=Max("pk"))["m"] or 0
    yield
    fields = fields or {}
    written = Revision.objects.filter(pk__gt=before, changed_at=at, entity__in=HISTORY_ENTITIES,
                                      risk_effect__isnull=True)
    RevisionEffect.objects.bulk_create([
        RevisionEffect(revision_id=pk, effective_date=fields.get(name) or on)
        for pk, name in written.values_list("pk", "field")
    ])


def effective_date(revision: Revision) -> dt.date:
    """The date a revision took effect: its :class:`RevisionEffect`, else the day it was recorded."""
    try:
        return revision.risk_effect.effective_date
    except RevisionEffect.DoesNotExist:
        return local_day(revision.changed_at)


def local_day(instant: dt.datetime) -> dt.date:
    """The council's calendar date (``TIME_ZONE``) of an instant, e.g. an import's."""
    return instant.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def item_history(item) -> list[Revision]:
    """The audit log of one risk, control or action, oldest first."""
    return list(history_of(item))


def latest_rating(risk: Risk, kind: str) -> RiskRating | None:
    return risk.ratings.filter(kind=kind).order_by("-effective_date", "-pk").first()


def current_history(risk: Risk) -> list[tuple[dt.date, int | None]]:
    return [(r.effective_date, r.rating.score) for r in risk.ratings.filter(kind="current").order_by("effective_date", "pk")]


def set_rating(
    risk: Risk,
    kind: str,
    rating: Rating,
    *,
    effective_date: dt.date,
    by: str,
    at: dt.datetime,
    source: str,
    reason: str = "",
) -> RiskRating | None:
    """Append a rating row when ``rating`` differs from the one in force on ``effective_date`` (or
    none is), and set the risk's rating to the latest in the history (a back-dated row does not
    displace a later one). Returns the new row, or None when nothing changed."""
    in_force = risk.ratings.filter(kind=kind, effective_date__lte=effective_date).order_by("-effective_date", "-pk").first()
    same = in_force is not None and (in_force.likelihood, in_force.impact) == (rating.likelihood, rating.impact)
    row = None
    if not same:
        row = RiskRating.objects.create(
            risk=risk,
            kind=kind,
            likelihood=rating.likelihood,
            impact=rating.impact,
            effective_date=effective_date,
            recorded_by=by,
            recorded_at=at,
            source=source,
            reason=reason,
        )
    latest = latest_rating(risk, kind)
    setattr(risk, f"{kind}_likelihood", latest.likelihood)
    setattr(risk, f"{kind}_impact", latest.impact)
    risk.save(update_fields=[f"{kind}_likelihood", f"{kind}_impact"])
    return row


def ensure_issued(risk_id: str, at: dt.datetime, note: str = "") -> IssuedId:
    issued, created = IssuedId.objects.get_or_create(risk_id=risk_id, defaults={"first_recorded_at": at, "note": note})
    if not created and note and not issued.note:
        issued.note = note
        issued.save(update_fields=["note"])
    return issued
