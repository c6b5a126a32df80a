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
    """Append a rating row when ``rating`` differs from the latest one (or none exists yet), and set
    it on the risk. Returns the new row, or None when nothing changed."""
    latest = latest_rating(risk, kind)
    same = latest is not None and (latest.likelihood, latest.impact) == (rating.likelihood, rating.impact)
    if kind == "current":
        risk.current_likelihood, risk.current_impact = rating.likelihood, rating.impact
    else:
        risk.target_likelihood, risk.target_impact = rating.likelihood, rating.impact
    risk.save(update_fields=[f"{kind}_likelihood", f"{kind}_impact"])
    if same:
        return None
    return RiskRating.objects.create(
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


def ensure_issued(risk_id: str, at: dt.datetime, note: str = "") -> IssuedId:
    issued, created = IssuedId.objects.get_or_create(risk_id=risk_id, defaults={"first_recorded_at": at, "note": note})
    if not created and note and not issued.note:
        issued.note = note
        issued.save(update_fields=["note"])
    return issued
