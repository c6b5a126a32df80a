"""Write a checked risk bundle to the database, keeping history.

Records are matched on their natural keys and written through the performance loader's
:func:`upsert` (a changed field is recorded as a Revision; an unchanged record is left alone), so
importing the same bundle twice changes nothing. On top of that:

* ratings are appended to the rating history, never overwritten;
* the controls and actions listed for a risk are that risk's list: one no longer listed is marked
  removed (kept, with the date), not deleted;
* a changed due date of an action is kept as an :class:`ActionDateRevision`, and a new progress
  text (or the same text with a new ``updated_on`` date) as an :class:`ActionUpdate`.
"""

from __future__ import annotations

from collections import defaultdict

from beacon.bundle.importer import LoadContext
from beacon.bundle.schema import Record
from beacon.domain.risk import Rating, parse_owners
from beacon.performance.bundle.load import record_revision, upsert

from .. import models
from ..history import ensure_issued, set_rating
from .validate import RiskBundle


def _present(record: Record, mapping: dict[str, str]) -> dict:
    return {field: record[column] for column, field in mapping.items() if column in record.present}


def load(parsed: RiskBundle, ctx: LoadContext) -> None:
    risks = _load_risks(parsed, ctx)
    _load_rating_history(parsed, ctx)
    _sync_ratings(parsed, risks, ctx)
    _load_controls(parsed, ctx)
    _load_actions(parsed, ctx)
    _load_events(parsed, ctx)
    _load_published(parsed, ctx)
    _load_candidates(parsed, ctx)


def _load_candidates(parsed: RiskBundle, ctx: LoadContext) -> None:
    for r in parsed.get("risk_candidates.csv"):
        values = {
            "raised_on": r["raised_on"],
            "note": r["note"] or "",
            "status": r["status"] or "open",
            "entered_as": r["entered_as"] or "",
            "closed_on": r["closed_on"],
            "reported_in": r["reported_in"] or "",
        }
        if r["entered_as"]:
            ensure_issued(r["entered_as"], ctx.now)
        upsert(ctx, r, models.CandidateRisk, {"theme": r["theme"]}, values, "candidate_risk", r["theme"][:200],
               defaults={"recorded_by": ctx.user, "recorded_at": ctx.now})


def _load_risks(parsed: RiskBundle, ctx: LoadContext) -> dict[str, models.Risk]:
    out = {}
    for r in parsed.get("risks.csv"):
        values = _present(
            r,
            {
                "title": "title",
                "cause": "cause",
                "event": "event",
                "consequence": "consequence",
                "timescale_to_target": "timescale_to_target",
                "review_note": "review_note",
            },
        )
        owners = parse_owners(r["owner"] or [])
        values["owners"] = list(owners.names)
        values["owners_on_behalf_of"] = owners.on_behalf_of
        if "cabinet_members" in r.present:
            members = parse_owners(r["cabinet_members"] or [])
            values["cabinet_members"] = list(members.names)
            values["cabinet_on_behalf_of"] = members.on_behalf_of
        if "owner_directorates" in r.present:
            values["owner_directorates"] = r["owner_directorates"] or []
        if "replaced_by" in r.present:
            values["replaced_by"] = r["replaced_by"] or []
        if "register" in r.present:
            values["register"] = models.Register.named(r["register"] or "corporate")
        if "status" in r.present:
            values["status"] = r["status"] or "active"
        for prefix in ("current", "target"):
            for part in ("likelihood", "impact"):
                column = f"{prefix}_{part}"
                if column in r.present:
                    values[column] = r[column].value if r[column] is not None else None
        risk = upsert(
            ctx, r, models.Risk, {"risk_id": r["id"]}, values, "risk", r["id"],
            defaults={"register": models.Register.corporate()}, track_creation=("title",),
        )
        ensure_issued(r["id"], ctx.now)
        out[r["id"]] = risk
    return out


def _load_rating_history(parsed: RiskBundle, ctx: LoadContext) -> None:
    """Dated rows of ``risk_ratings.csv``. A row equal to one already held on that date changes
    nothing; a different value on that date is appended (the earlier row stays) and recorded."""
    risks = {r.risk_id: r for r in models.Risk.objects.all()}
    for r in parsed.get("risk_ratings.csv"):
        risk = risks[r["risk"]]
        kind = r["kind"] or "current"
        rating = Rating(r["likelihood"], r["impact"], kind)
        same_day = list(risk.ratings.filter(kind=kind, effective_date=r["date"]).order_by("pk"))
        if same_day and (same_day[-1].likelihood, same_day[-1].impact) == (rating.likelihood, rating.impact):
            ctx.count(r.file, "unchanged")
            continue
        if same_day:
            record_revision(
                ctx, "risk_rating", f"{risk.risk_id} {kind} {r['date']}", "rating",
                same_day[-1].rating.display, rating.display, r.file,
            )
        models.RiskRating.objects.create(
            risk=risk, kind=kind, likelihood=rating.likelihood, impact=rating.impact, effective_date=r["date"],
            recorded_by=ctx.user, recorded_at=ctx.now, source=f"import {ctx.source} ({r.file})",
            reason=r["reason"] or "",
        )
        ctx.count(r.file, "changed" if same_day else "created")


def _sync_ratings(parsed: RiskBundle, risks: dict[str, models.Risk], ctx: LoadContext) -> None:
    """The ratings of ``risks.csv`` are the ratings now: append them when they differ from the
    latest in the history."""
    for r in parsed.get("risks.csv"):
        risk = risks[r["id"]]
        risk.refresh_from_db()
        for kind in ("current", "target"):
            if f"{kind}_likelihood" not in r.present:
                continue
            rating = Rating(getattr(risk, f"{kind}_likelihood"), getattr(risk, f"{kind}_impact"), kind)
            set_rating(
                risk, kind, rating, effective_date=r["rated_on"] or ctx.now.date(), by=ctx.user, at=ctx.now,
                source=f"import {ctx.source} (risks.csv)", reason=ctx.reason,
            )


def _grouped(records: list[Record]) -> dict[str, list[Record]]:
    groups: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        groups[r["risk"]].append(r)
    return groups


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def _load_controls(parsed: RiskBundle, ctx: LoadContext) -> None:
    for risk_id, rows in _grouped(parsed.get("controls.csv")).items():
        risk = models.Risk.objects.get(risk_id=risk_id)
        listed = set()
        for order, r in enumerate(rows, start=1):
            values = _present(r, {"owner": "owner"})
            values.update({"order": order, "removed_at": None})
            upsert(ctx, r, models.Control, {"risk": risk, "title": r["title"]}, values, "control",
                   f"{risk_id} {_short(r['title'])}")
            listed.add(r["title"])
        for control in risk.controls.filter(removed_at__isnull=True).exclude(title__in=listed):
            control.removed_at = ctx.now
            control.save(update_fields=["removed_at"])
            record_revision(ctx, "control", f"{risk_id} {_short(control.title)}", "removed_at", None, ctx.now.isoformat(), "controls.csv")
            ctx.count("controls.csv", "removed")


def _load_actions(parsed: RiskBundle, ctx: LoadContext) -> None:
    for risk_id, rows in _grouped(parsed.get("actions.csv")).items():
        risk = models.Risk.objects.get(risk_id=risk_id)
        listed = set()
        for order, r in enumerate(rows, start=1):
            key = f"{risk_id} {_short(r['title'])}"
            values = _present(r, {"owner": "owner"})
            values.update({"order": order, "removed_at": None})
            if "due" in r.present:
                due = r["due"]
                values.update({"due_text": due.text if due else "", "due_date": due.date if due else None,
                               "due_kind": due.kind if due else "completion"})
            if "status" in r.present:
                values["status"] = r["status"] or "planned"
            existing = models.Action.objects.filter(risk=risk, title=r["title"]).first()
            if existing is not None and "due_text" in values and existing.due_text != values["due_text"]:
                models.ActionDateRevision.objects.create(
                    action=existing, old_text=existing.due_text, old_date=existing.due_date,
                    new_text=values["due_text"], new_date=values["due_date"], recorded_by=ctx.user,
                    recorded_at=ctx.now, reason=ctx.reason or f"import {ctx.source}",
                )
            action = upsert(ctx, r, models.Action, {"risk": risk, "title": r["title"]}, values, "action", key)
            listed.add(r["title"])
            text = (r["update"] or "").strip() if "update" in r.present else ""
            if text:
                latest = action.latest_update
                updated_on = r["updated_on"] if "updated_on" in r.present else None
                if (latest is None or latest.text != text or latest.status != action.status
                        or (updated_on is not None and latest.updated_on != updated_on)):
                    models.ActionUpdate.objects.create(
                        action=action, reported_in=r["reported_in"] or f"import {ctx.source}",
                        status_as_printed=r["status_as_printed"] or "", status=action.status, text=text,
                        updated_on=updated_on, recorded_by=ctx.user, recorded_at=ctx.now,
                    )
                    if latest is not None:
                        record_revision(ctx, "action", key, "update", latest.text, text, r.file)
        for action in risk.actions.filter(removed_at__isnull=True).exclude(title__in=listed):
            action.removed_at = ctx.now
            action.save(update_fields=["removed_at"])
            record_revision(ctx, "action", f"{risk_id} {_short(action.title)}", "removed_at", None, ctx.now.isoformat(), "actions.csv")
            ctx.count("actions.csv", "removed")


def _load_events(parsed: RiskBundle, ctx: LoadContext) -> None:
    risks = {r.risk_id: r for r in models.Risk.objects.all()}
    for r in parsed.get("risk_events.csv"):
        ensure_issued(r["risk"], ctx.now, note=r["event"] if r["risk"] not in risks else "")
        for other in r["related"] or []:
            ensure_issued(other, ctx.now)
        lookup = {"risk_code": r["risk"], "event": r["event"], "rating": r["rating"] or "", "occurred_by": r["occurred_by"]}
        values = {
            "occurred_after": r["occurred_after"],
            "direction": r["direction"] or "",
            "from_score": r["from_score"],
            "to_score": r["to_score"],
            "related": r["related"] or [],
            "register": r["register"] or "",
            "reported_in": r["reported_in"] or "",
            "note": r["note"] or "",
            "risk": risks.get(r["risk"]),
        }
        key = f"{r['risk']} {r['event']} {r['rating'] or ''} {r['occurred_by'] or ''}".replace("  ", " ").strip()
        upsert(ctx, r, models.RiskEvent, lookup, values, "risk_event", key,
               defaults={"recorded_by": ctx.user, "recorded_at": ctx.now, "source": f"import {ctx.source}"})


def _load_published(parsed: RiskBundle, ctx: LoadContext) -> None:
    for r in parsed.get("published_risks.csv"):
        values = {
            "title": r["title"] or "",
            "current_rating_as_printed": r["current_rating_as_printed"] or "",
            "target_rating_as_printed": r["target_rating_as_printed"] or "",
            "direction_as_printed": r["direction_as_printed"] or "",
        }
        upsert(ctx, r, models.PublishedRisk, {"risk_code": r["id"]}, values, "published_risk", r["id"])
