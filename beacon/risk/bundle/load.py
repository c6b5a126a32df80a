"""Write a checked risk bundle to the database, keeping history.

Records are matched on their natural keys and written through the shared loader's
:func:`beacon.bundle.load.upsert` (a changed field is recorded as a Revision; an unchanged record
is left alone), so importing the same bundle twice changes nothing. On top of that:

* ratings are appended to the rating history, never overwritten;
* the controls and actions listed for a risk are that risk's list: one no longer listed is marked
  removed (kept, with the date), not deleted;
* a changed due date of an action is kept as an :class:`ActionDateRevision`, and a new progress
  text (or the same text with a new ``updated_on`` date) as an :class:`ActionUpdate`;
* every change to a risk, control or action is recorded under the record's identity (the risk id;
  a control's or action's ``history_key``) and takes effect on the date the bundle speaks for:
  the risk's ``rated_on`` (else the day of the import), and an action's status on its update's
  ``updated_on`` when given (``beacon.risk.history.taking_effect``).
"""

from __future__ import annotations

from collections import defaultdict

from beacon.bundle.importer import LoadContext
from beacon.bundle.load import change, record_revision, upsert
from beacon.bundle.schema import Record
from beacon.core import audit
from beacon.core.models import Revision
from beacon.domain.risk import Rating, parse_owners

from .. import models, states
from ..history import audit_key, created_values, ensure_issued, entity_of, local_day, set_rating, taking_effect
from .validate import RiskBundle


def _present(record: Record, mapping: dict[str, str]) -> dict:
    return {field: record[column] for column, field in mapping.items() if column in record.present}


def load(parsed: RiskBundle, ctx: LoadContext) -> None:
    _load_registers(parsed, ctx)
    risks = _load_risks(parsed, ctx)
    _load_rating_history(parsed, ctx)
    _sync_ratings(parsed, risks, ctx)
    _load_controls(parsed, ctx)
    _load_actions(parsed, ctx)
    _load_events(parsed, ctx)
    _load_published(parsed, ctx)
    _load_candidates(parsed, ctx)


def _as_of(parsed: RiskBundle, ctx: LoadContext, risk_id: str):
    """The date this bundle speaks for about one risk: its ``rated_on``, else the day of the import."""
    for r in parsed.get("risks.csv"):
        if r["id"] == risk_id and r["rated_on"]:
            return r["rated_on"]
    return local_day(ctx.now)


def _load_registers(parsed: RiskBundle, ctx: LoadContext) -> None:
    for r in parsed.get("registers.csv"):
        values = _present(r, {"name": "name", "owner_body": "owner_body", "other_bodies": "other_bodies"})
        if "other_bodies" in values:  # a blank cell is no bodies (a list), as exported, not the text ""
            values["other_bodies"] = values["other_bodies"] or []
        values = {k: [" ".join(b.split()) for b in v] if isinstance(v, list) else " ".join((v or "").split())
                  for k, v in values.items()}
        upsert(ctx, r, models.Register, {"code": r["code"]}, values, "register", r["code"])


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
    history = states.History(Revision.objects.filter(entity="risk").select_related("risk_effect"))
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
        existing = models.Risk.objects.filter(risk_id=r["id"]).first()
        start = _on_record_from(existing, history)
        with taking_effect(_as_of(parsed, ctx, r["id"]), ctx.now):
            risk = upsert(
                ctx, r, models.Risk, {"risk_id": r["id"]}, values, "risk", r["id"],
                defaults={"register": models.Register.corporate()},
            )
            _created_or_back_dated(ctx, risk, existing, start, _as_of(parsed, ctx, r["id"]), r.file)
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
        row = models.RiskRating.objects.create(
            risk=risk, kind=kind, likelihood=rating.likelihood, impact=rating.impact, effective_date=r["date"],
            recorded_by=ctx.user, recorded_at=ctx.now, source=f"import {ctx.source} ({r.file})",
            reason=r["reason"] or "",
        )
        if same_day:
            # the rating of that day changes: recorded against the row that now holds it
            record_revision(
                ctx, row, "risk_rating", f"{risk.risk_id} {kind} {r['date']}", "rating",
                same_day[-1].rating.display, rating.display, r.file,
            )
        ctx.count(r.file, "changed" if same_day else "created")


def _sync_ratings(parsed: RiskBundle, risks: dict[str, models.Risk], ctx: LoadContext) -> None:
    """The ratings of ``risks.csv`` are the ratings now: append them when they differ from the
    latest in the history. A risk with no rating of a kind in its history (a new risk whose row
    gives none: TBC) has the one it holds recorded, so that its rating is held from its date."""
    for r in parsed.get("risks.csv"):
        risk = risks[r["id"]]
        risk.refresh_from_db()
        for kind in ("current", "target"):
            if f"{kind}_likelihood" not in r.present and risk.ratings.filter(kind=kind).exists():
                continue
            rating = Rating(getattr(risk, f"{kind}_likelihood"), getattr(risk, f"{kind}_impact"), kind)
            set_rating(
                risk, kind, rating, effective_date=_as_of(parsed, ctx, r["id"]), by=ctx.user, at=ctx.now,
                source=f"import {ctx.source} (risks.csv)", reason=ctx.reason,
            )


def _grouped(records: list[Record]) -> dict[str, list[Record]]:
    groups: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        groups[r["risk"]].append(r)
    return groups


def _record_creation(ctx: LoadContext, item, file: str) -> None:
    """A new risk, control or action: the values it is created with, from nothing (as
    :func:`record_revision` records them, in one write)."""
    Revision.objects.bulk_create([
        audit.revision(change(ctx, file), item, entity_of(item), audit_key(item), name, None, value)
        for name, value in created_values(item).items()
    ])


def _on_record_from(item, history: states.History):
    """The date an existing risk, control or action is on record from (None: new, or not recorded)."""
    return None if item is None else history.created_on(entity_of(item), audit_key(item))


def _created_or_back_dated(ctx: LoadContext, item, existing, start, as_of, file: str) -> None:
    """A new record: the values it is created with. A record this bundle speaks for on a date before
    its record starts (an older bundle imported after a newer one): on record from that date (its
    title, from nothing, then), so that the editions of that date show it."""
    if existing is None:
        _record_creation(ctx, item, file)
    elif start is not None and as_of < start:
        record_revision(ctx, item, entity_of(item), audit_key(item), "title", None, item.title, file)


def _upsert_item(ctx: LoadContext, r: Record, model, risk: models.Risk, values: dict, entity: str, as_of,
                 history: states.History):
    """Create or update one control or action of ``risk``, keyed in the audit log by its identity."""
    existing = getattr(risk, f"{entity}s").filter(title=r["title"]).first()
    start = _on_record_from(existing, history)
    item = upsert(ctx, r, model, {"risk": risk, "title": r["title"]}, values, entity,
                  existing.history_key if existing is not None else "")
    _created_or_back_dated(ctx, item, existing, start, as_of, r.file)
    return item


def _remove_unlisted(ctx: LoadContext, items, file: str, entity: str) -> None:
    """The controls or actions no longer listed for a risk: kept, marked removed."""
    for item in items:
        item.removed_at = ctx.now
        item.save(update_fields=["removed_at"])
        record_revision(ctx, item, entity, item.history_key, "removed_at", None, ctx.now.isoformat(), file)
        ctx.count(file, "removed")


def _load_controls(parsed: RiskBundle, ctx: LoadContext) -> None:
    for risk_id, rows in _grouped(parsed.get("controls.csv")).items():
        risk = models.Risk.objects.get(risk_id=risk_id)
        listed = set()
        as_of, history = _as_of(parsed, ctx, risk_id), states.History.load(risk)
        with taking_effect(as_of, ctx.now):
            for order, r in enumerate(rows, start=1):
                values = _present(r, {"owner": "owner"})
                values.update({"order": order, "removed_at": None})
                _upsert_item(ctx, r, models.Control, risk, values, "control", as_of, history)
                listed.add(r["title"])
            _remove_unlisted(ctx, risk.controls.filter(removed_at__isnull=True).exclude(title__in=listed),
                             "controls.csv", "control")


def _load_actions(parsed: RiskBundle, ctx: LoadContext) -> None:
    for risk_id, rows in _grouped(parsed.get("actions.csv")).items():
        risk = models.Risk.objects.get(risk_id=risk_id)
        as_of, history = _as_of(parsed, ctx, risk_id), states.History.load(risk)
        listed = set()
        for order, r in enumerate(rows, start=1):
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
            text = (r["update"] or "").strip() if "update" in r.present else ""
            updated_on = r["updated_on"] if "updated_on" in r.present else None
            # an update's status stands from the date the update speaks for
            dated = {"status": updated_on, "update": updated_on} if text and updated_on else None
            with taking_effect(as_of, ctx.now, dated):
                action = _upsert_item(ctx, r, models.Action, risk, values, "action", as_of, history)
                listed.add(r["title"])
                if text:
                    latest = action.latest_update
                    if (latest is None or latest.text != text or latest.status != action.status
                            or (updated_on is not None and latest.updated_on != updated_on)):
                        models.ActionUpdate.objects.create(
                            action=action, reported_in=r["reported_in"] or f"import {ctx.source}",
                            status_as_printed=r["status_as_printed"] or "", status=action.status, text=text,
                            updated_on=updated_on, recorded_by=ctx.user, recorded_at=ctx.now,
                        )
                        if latest is not None:
                            record_revision(ctx, action, "action", action.history_key, "update", latest.text, text,
                                            r.file)
        with taking_effect(as_of, ctx.now):
            _remove_unlisted(ctx, risk.actions.filter(removed_at__isnull=True).exclude(title__in=listed),
                             "actions.csv", "action")


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
    """The summary as printed, one row per (id, edition): a row that names its edition never
    touches another edition's; a row that does not replaces the earlier unnamed row of its id."""
    for r in parsed.get("published_risks.csv"):
        values = {
            "title": r["title"] or "",
            "current_rating_as_printed": r["current_rating_as_printed"] or "",
            "target_rating_as_printed": r["target_rating_as_printed"] or "",
            "direction_as_printed": r["direction_as_printed"] or "",
        }
        body, date = " ".join((r["edition_body"] or "").split()), r["edition_date"]
        key = f"{r['id']} {body} {date.isoformat()}" if date else r["id"]
        upsert(ctx, r, models.PublishedRisk, {"risk_code": r["id"], "edition_body": body, "edition_date": date},
               values, "published_risk", key)
