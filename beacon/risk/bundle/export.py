"""Export the risk data as bundle files that re-import unchanged."""

from __future__ import annotations

from django.db.models import F

from beacon.core.audit import value_text
from beacon.domain.risk import Owners

from .. import models
from . import specs


def _printed(names, on_behalf_of) -> list[str]:
    return Owners(tuple(names), on_behalf_of).printed()


def _table(name: str, rows: list[dict], drop: tuple[str, ...] = ()) -> tuple[list[str], list[dict]]:
    columns = [c for c in specs.FILES[name].column_names if c not in drop]
    return columns, [{c: value_text(row.get(c)) for c in columns} for row in rows]


def export_files() -> dict[str, tuple[list[str], list[dict]]]:
    files: dict[str, tuple[list[str], list[dict]]] = {}
    risks = list(models.Risk.objects.select_related("register").order_by("risk_id"))
    registers = models.Register.objects.order_by("code")
    if risks or registers.exclude(code="corporate").exists():
        files["registers.csv"] = _table(
            "registers.csv", [{"code": g.code, "name": g.name, "owner_body": g.owner_body, "other_bodies": g.other_bodies}
                             for g in registers]
        )
    if risks:
        files["risks.csv"] = _table(
            "risks.csv",
            [
                {
                    "id": r.risk_id,
                    "title": r.title,
                    "register": r.register.code,
                    "owner": _printed(r.owners, r.owners_on_behalf_of),
                    "owner_directorates": r.owner_directorates,
                    "cabinet_members": _printed(r.cabinet_members, r.cabinet_on_behalf_of),
                    "cause": r.cause,
                    "event": r.event,
                    "consequence": r.consequence,
                    "current_likelihood": r.current_likelihood,
                    "current_impact": r.current_impact,
                    "target_likelihood": r.target_likelihood,
                    "target_impact": r.target_impact,
                    "timescale_to_target": r.timescale_to_target,
                    "status": r.status,
                    "replaced_by": r.replaced_by,
                    "review_note": r.review_note,
                }
                for r in risks
            ],
            drop=("rated_on",),
        )
    # the latest row of each (risk, kind, date): earlier same-day rows stay in the database's history
    latest: dict[tuple, models.RiskRating] = {}
    for row in models.RiskRating.objects.select_related("risk").order_by("risk__risk_id", "kind", "effective_date", "pk"):
        latest[(row.risk.risk_id, row.kind, row.effective_date)] = row
    if latest:
        files["risk_ratings.csv"] = _table(
            "risk_ratings.csv",
            [
                {"risk": rid, "date": day.isoformat(), "likelihood": row.likelihood, "impact": row.impact,
                 "kind": kind, "reason": row.reason}
                for (rid, kind, day), row in latest.items()
            ],
        )
    controls = models.Control.objects.filter(removed_at__isnull=True).select_related("risk")
    if controls.exists():
        files["controls.csv"] = _table(
            "controls.csv", [{"risk": c.risk.risk_id, "title": c.title, "owner": c.owner} for c in controls]
        )
    actions = list(models.Action.objects.filter(removed_at__isnull=True).select_related("risk").prefetch_related("updates"))
    if actions:
        rows = []
        for a in actions:
            update = a.latest_update
            rows.append(
                {
                    "risk": a.risk.risk_id,
                    "title": a.title,
                    "owner": a.owner,
                    "due": a.due_text,
                    "status": a.status,
                    "update": update.text if update else "",
                    "status_as_printed": update.status_as_printed if update else "",
                    "reported_in": update.reported_in if update else "",
                    "updated_on": update.updated_on if update else None,
                }
            )
        files["actions.csv"] = _table("actions.csv", rows)
    # action- and control-level events are history of those items (date revisions, supersessions,
    # controls added, revised or retired), not bundle rows
    events = models.RiskEvent.objects.exclude(event__in=models.ITEM_EVENTS).order_by("pk")
    if events.exists():
        files["risk_events.csv"] = _table(
            "risk_events.csv",
            [
                {
                    "risk": e.risk_code, "event": e.event, "occurred_after": e.occurred_after,
                    "occurred_by": e.occurred_by, "rating": e.rating, "direction": e.direction,
                    "from_score": e.from_score, "to_score": e.to_score, "related": e.related,
                    "register": e.register, "reported_in": e.reported_in, "note": e.note,
                }
                for e in events
            ],
        )
    published = models.PublishedRisk.objects.order_by(F("edition_date").asc(nulls_first=True), "edition_body", "pk")
    if published.exists():
        files["published_risks.csv"] = _table(
            "published_risks.csv",
            [
                {"id": p.risk_code, "title": p.title, "current_rating_as_printed": p.current_rating_as_printed,
                 "target_rating_as_printed": p.target_rating_as_printed, "direction_as_printed": p.direction_as_printed,
                 "edition_body": p.edition_body, "edition_date": p.edition_date}
                for p in published
            ],
        )
    candidates = models.CandidateRisk.objects.all()
    if candidates.exists():
        files["risk_candidates.csv"] = _table(
            "risk_candidates.csv",
            [
                {"theme": c.theme, "raised_on": c.raised_on, "note": c.note, "status": c.status,
                 "entered_as": c.entered_as, "closed_on": c.closed_on, "reported_in": c.reported_in}
                for c in candidates
            ],
        )
    return files
