"""Rating history and issued ids: the shared writes of imports, lifecycle operations and editions.

A rating change appends a :class:`RiskRating` row and sets the risk's likelihood and impact; the
earlier rows stay. Every id ever seen is recorded in :class:`IssuedId` so that none is reused.
"""

from __future__ import annotations

import datetime as dt

from beacon.domain.risk import Rating

from .models import IssuedId, Risk, RiskRating


def latest_rating(risk: Risk, kind: str) -> RiskRating | None:
    return risk.ratings.filter(kind=kind).order_by("-effective_date", "-pk").first()


def rating_on(risk: Risk, kind: str, day: dt.date) -> Rating | None:
    """The rating in force on ``day``; None when nothing was recorded by then."""
    row = risk.ratings.filter(kind=kind, effective_date__lte=day).order_by("-effective_date", "-pk").first()
    return row.rating if row else None


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
