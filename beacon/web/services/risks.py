"""The risk register for the pages: the live register (as an edition computed today), a risk's
full record, and the lifecycle operations the forms offer. The rules and the history are
beacon.risk's and beacon.domain.risk's; this module only parses form input and calls them."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from beacon.domain.risk import LIKELIHOOD, IMPACT, Rating, RiskRuleError
from beacon.risk import lifecycle, models as rm, states
from beacon.risk.editions import EditionError, build_edition, create_edition, default_baseline, risk_snapshot
from beacon.core import clock


def register_body() -> str:
    """The body that receives the corporate register (``registers.csv``, ``owner_body``)."""
    return rm.Register.corporate().owner_body


class RiskFormError(Exception):
    def __init__(self, message: str, errors: dict[str, str]):
        super().__init__(message)
        self.errors = errors


def _data_version() -> str:
    from django.db.models import Count, Max

    from beacon.performance.models import Revision

    parts = [
        rm.Risk.objects.aggregate(n=Count("pk"), m=Max("pk")),
        rm.RiskRating.objects.aggregate(m=Max("pk")),
        rm.RiskEvent.objects.aggregate(m=Max("pk")),
        rm.Edition.objects.aggregate(m=Max("pk")),
        rm.Control.objects.aggregate(m=Max("pk")),
        rm.Action.objects.aggregate(m=Max("pk")),
        rm.ActionUpdate.objects.aggregate(m=Max("pk")),
        Revision.objects.aggregate(m=Max("pk")),
    ]
    return ":".join(str(v) for p in parts for v in p.values())


def register(body: str | None = None, on: dt.date | None = None) -> dict:
    """The corporate register as it stands today, with the direction of travel since the
    baseline the next edition for ``body`` would use. Cached until any risk data changes
    (every lifecycle operation writes a rating, an event or a revision)."""
    from django.core.cache import cache

    on, body = on or clock.today(), body or register_body()
    key = f"beacon:register:{body}:{on.isoformat()}:{_data_version()}"
    content = cache.get(key)
    if content is None:
        content = build_edition(body, on)
        cache.set(key, content, 600)
    return content


def scale_choices():
    return {"likelihood": [(n, f"{LIKELIHOOD[n]} ({n})") for n in range(1, 6)],
            "impact": [(n, f"{IMPACT[n]} ({n})") for n in range(1, 6)]}


def detail(risk: rm.Risk) -> dict:
    today = clock.today()
    baseline, basis = default_baseline(register_body(), today)
    try:
        state = states.risk_on(risk, today)
    except states.NotOnRecord:  # on record only from a later day (a rated_on after today): as held now
        state = states.live_state(risk)
    return {
        "snapshot": risk_snapshot(state, today, baseline),
        "baseline": baseline,
        "ratings": list(risk.ratings.order_by("-effective_date", "-pk")),
        "controls": list(risk.controls.order_by("removed_at", "order", "pk")),
        "actions": list(risk.actions.prefetch_related("updates", "date_revisions").order_by("removed_at", "order", "pk")),
        "events": list(rm.RiskEvent.objects.filter(risk_code=risk.risk_id).order_by("-recorded_at", "-pk")),
    }


def _scale(text: str, field: str, label: str, errors: dict) -> int | None:
    raw = (text or "").strip()
    if not raw:
        errors[field] = f"{label}: choose a value from 1 to 5"
        return None
    try:
        value = int(raw)
    except ValueError:
        errors[field] = f"{label}: {raw!r} is not a whole number from 1 to 5"
        return None
    if not 1 <= value <= 5:
        errors[field] = f"{label}: {value} is not on the 1 to 5 scale"
        return None
    return value


def _rating(likelihood: str, impact: str, prefix: str, label: str, errors: dict) -> Rating | None:
    lik = _scale(likelihood, f"{prefix}_likelihood", f"{label} likelihood", errors)
    imp = _scale(impact, f"{prefix}_impact", f"{label} impact", errors)
    if lik is None or imp is None:
        return None
    try:
        return Rating(lik, imp, label.lower())
    except RiskRuleError as exc:
        errors[f"{prefix}_likelihood"] = str(exc)
        return None


def rerate(risk: rm.Risk, likelihood: str, impact: str, note: str, user) -> rm.RiskEvent:
    from beacon.web.permissions import UPDATE_RISK, check

    check(user, UPDATE_RISK, risk=risk)
    errors: dict[str, str] = {}
    rating = _rating(likelihood, impact, "current", "Current", errors)
    if not (note or "").strip():
        errors["note"] = "Reason: say why the rating changed"
    if errors:
        raise RiskFormError("The risk was not re-rated", errors)
    try:
        return lifecycle.rerate(risk, rating, by=user.username, note=note.strip())
    except lifecycle.LifecycleError as exc:
        raise RiskFormError("The risk was not re-rated", {"current_likelihood": str(exc)}) from None


def action_update(risk: rm.Risk, action_pk: str, status: str, text: str, user):
    from beacon.web.permissions import UPDATE_RISK, check

    check(user, UPDATE_RISK, risk=risk)
    action = risk.actions.filter(pk=int(action_pk) if str(action_pk).isdigit() else 0, removed_at__isnull=True).first()
    if action is None:
        raise RiskFormError("The update was not recorded", {"action": "Action: choose one of this risk's actions"})
    try:
        return lifecycle.record_update(action, status, text or "", by=user.username)
    except lifecycle.LifecycleError as exc:
        field = str(exc).split(":", 1)[0]
        raise RiskFormError("The update was not recorded", {field if field in ("status", "text") else "text": str(exc)}) from None


@transaction.atomic
def add_risk(title: str, owners_text: str, form: dict, user) -> rm.Risk:
    from beacon.web.permissions import MANAGE_RISKS, check

    check(user, MANAGE_RISKS)
    errors: dict[str, str] = {}
    owners = [line.strip() for line in (owners_text or "").splitlines() if line.strip()]
    if not (title or "").strip():
        errors["title"] = "Title: a risk needs a title"
    if not owners:
        errors["owners"] = "Risk owners: name at least one owner (one per line, as 'Name, post')"
    current = _rating(form.get("current_likelihood"), form.get("current_impact"), "current", "Current", errors)
    target = _rating(form.get("target_likelihood"), form.get("target_impact"), "target", "Target", errors)
    if errors:
        raise RiskFormError("The risk was not added", errors)
    try:
        return lifecycle.add_risk(title.strip(), owners, by=user.username, current=current, target=target,
                                  event=(form.get("event") or "").strip())
    except (lifecycle.LifecycleError, RiskRuleError) as exc:
        raise RiskFormError("The risk was not added", {"title": str(exc)}) from None


def editions():
    return rm.Edition.objects.order_by("-date", "body")


def prepare_edition(body: str, date_text: str, user) -> rm.Edition:
    from beacon.web.permissions import MANAGE_RISKS, check

    check(user, MANAGE_RISKS)
    errors = {}
    if not (body or "").strip():
        errors["body"] = "Body: name the body the edition is presented to, for example Cabinet"
    try:
        date = dt.date.fromisoformat((date_text or "").strip())
    except ValueError:
        errors["date"] = f"Date: {date_text!r} is not a date (write it as YYYY-MM-DD)"
        date = None
    if errors:
        raise RiskFormError("The edition was not prepared", errors)
    try:
        return create_edition(body, date, by=user.username)
    except EditionError as exc:
        raise RiskFormError("The edition was not prepared", {"date": str(exc)}) from None


def edition_file(edition: rm.Edition, fmt: str) -> bytes:
    """A frozen edition as a document (html, pdf, docx) or its JSON model, rendered from the
    snapshot, so every download of it is the same."""
    import json

    from beacon.reports.register import build_register_model
    from beacon.reports.register.documents import render_register

    model = build_register_model(edition.snapshot, edition)
    if fmt == "json":
        return (json.dumps(model, indent=2, ensure_ascii=False, default=str) + "\n").encode("utf-8")
    return render_register(model, fmt)


def draft_file(body: str, date: dt.date, fmt: str) -> bytes:
    """The next edition for ``body`` on ``date`` as it would be frozen now (nothing stored)."""
    import json

    from beacon.reports.register import build_register_model, edition_for
    from beacon.reports.register.documents import render_register

    content, _ = edition_for(body, date, draft=True)
    model = build_register_model(content, None)
    if fmt == "json":
        return (json.dumps(model, indent=2, ensure_ascii=False, default=str) + "\n").encode("utf-8")
    return render_register(model, fmt)


# --- the other lifecycle operations ------------------------------------------------------------
# operation -> (label, who: "update" = risk manager or the risk's owner, "manage" = risk manager)
OPERATIONS = {
    "change_target": ("Change the target rating", "update"),
    "revise_action_date": ("Revise an action's due date", "update"),
    "add_control": ("Add a control", "update"),
    "revise_control": ("Revise a control (title, owner)", "update"),
    "retire_control": ("Retire a control", "update"),
    "flag_for_review": ("Flag the rating for review", "manage"),
    "descope": ("Revise the scope", "manage"),
    "delegate": ("Delegate or de-escalate to another register", "manage"),
    "re_escalate": ("Re-escalate to the corporate register", "manage"),
    "withdraw": ("Withdraw the risk", "manage"),
    "close_and_replace": ("Close the risk and replace it with a new one", "manage"),
    "merge": ("Merge this risk with others into a new risk", "manage"),
}


def allowed_operations(risk: rm.Risk, user) -> list[tuple[str, str]]:
    from beacon.web.permissions import MANAGE_RISKS, UPDATE_RISK, can

    out = []
    for op, (label, who) in OPERATIONS.items():
        ok = can(user, MANAGE_RISKS) if who == "manage" else can(user, UPDATE_RISK, risk=risk)
        if op == "re_escalate":
            ok = ok and risk.status in ("delegated", "de_escalated")
        elif risk.status != "active":
            ok = False
        elif op in ("revise_control", "retire_control"):
            ok = ok and risk.controls.filter(removed_at__isnull=True).exists()
        if ok:
            out.append((op, label))
    return out


def lifecycle_operation(risk: rm.Risk, op: str, form, user):
    """Run one lifecycle operation from a form; raises RiskFormError naming the field."""
    from beacon.web.permissions import MANAGE_RISKS, UPDATE_RISK, check

    if op not in OPERATIONS:
        raise RiskFormError("Unknown operation", {"__all__": f"unknown operation {op!r}"})
    check(user, MANAGE_RISKS) if OPERATIONS[op][1] == "manage" else check(user, UPDATE_RISK, risk=risk)
    note = (form.get("note") or "").strip()
    by = user.username
    errors: dict[str, str] = {}
    try:
        if op == "change_target":
            target = _rating(form.get("target_likelihood"), form.get("target_impact"), "target", "Target", errors)
            if not note:
                errors["note"] = "Reason: say why the target changed"
            if errors:
                raise RiskFormError("The target was not changed", errors)
            return lifecycle.change_target(risk, target, by=by, note=note)
        if op == "revise_action_date":
            action = risk.actions.filter(pk=int(form.get("action")) if str(form.get("action", "")).isdigit() else 0,
                                         removed_at__isnull=True).first()
            due = (form.get("due") or "").strip()
            if action is None:
                errors["action"] = "Action: choose one of this risk's actions"
            if not due:
                errors["due"] = "New due date: write it as printed, for example 'March 2024' or 'June 2024 (review)'"
            if errors:
                raise RiskFormError("The due date was not revised", errors)
            return lifecycle.revise_action_date(action, due, by=by, note=note)
        if op == "add_control":
            title = (form.get("title") or "").strip()
            if not title:
                raise RiskFormError("The control was not added", {"title": "Control: describe the control in place"})
            return lifecycle.add_control(risk, title, (form.get("owner") or "").strip(), by=by, note=note)
        if op in ("revise_control", "retire_control"):
            control = risk.controls.filter(pk=int(form.get("control")) if str(form.get("control", "")).isdigit() else 0,
                                           removed_at__isnull=True).first()
            if control is None:
                raise RiskFormError("The control was not changed", {"control": "Control: choose one of this risk's controls"})
            if op == "retire_control":
                if not note:
                    raise RiskFormError("The control was not retired", {"note": "Reason: say why the control is no longer in place"})
                return lifecycle.retire_control(control, by=by, note=note)
            title, owner = (form.get("title") or "").strip(), (form.get("owner") or "").strip()
            if not title and not owner:
                raise RiskFormError("The control was not revised", {"title": "New title: give a new title or a new owner (or both)"})
            return lifecycle.revise_control(control, title=title or None, owner=owner or None, by=by, note=note)
        if op == "flag_for_review":
            if not note:
                raise RiskFormError("The risk was not flagged", {"note": "Review note: say what is to be reviewed"})
            return lifecycle.flag_for_review(risk, note, by=by)
        if op == "descope":
            scope = (form.get("scope") or "").strip()
            if not scope:
                raise RiskFormError("The scope was not revised", {"scope": "Scope: describe the new scope"})
            return lifecycle.descope(risk, scope, by=by, note=note, title=(form.get("title") or "").strip() or None)
        if op == "delegate":
            register = (form.get("register") or "").strip()
            if not register:
                raise RiskFormError("The risk was not moved", {"register": "Register: name the directorate or service register"})
            return lifecycle.delegate(risk, register, by=by, de_escalate=form.get("de_escalate") == "1", note=note)
        if op == "re_escalate":
            return lifecycle.re_escalate(risk, by=by, note=note)
        if op == "withdraw":
            if not note:
                raise RiskFormError("The risk was not withdrawn", {"note": "Reason: say why the risk is withdrawn"})
            return lifecycle.withdraw(risk, by=by, note=note)
        if op in ("close_and_replace", "merge"):
            title = (form.get("new_title") or "").strip()
            owners = [line.strip() for line in (form.get("owners") or "").splitlines() if line.strip()]
            if not title:
                errors["new_title"] = "Title of the new risk: a risk needs a title"
            if not owners:
                errors["owners"] = "Risk owners of the new risk: name at least one (one per line, as 'Name, post')"
            current = _rating(form.get("current_likelihood"), form.get("current_impact"), "current", "Current", errors)
            target = _rating(form.get("target_likelihood"), form.get("target_impact"), "target", "Target", errors)
            others = []
            if op == "merge":
                ids = [x.strip().upper() for x in (form.get("others") or "").replace(";", ",").split(",") if x.strip()]
                others = list(rm.Risk.objects.filter(risk_id__in=ids))
                missing = sorted(set(ids) - {r.risk_id for r in others})
                if not ids:
                    errors["others"] = "Risks to merge with: give at least one other risk id, for example CRR0002"
                elif missing:
                    errors["others"] = f"Risks to merge with: no risk {', '.join(missing)}"
            if errors:
                raise RiskFormError("The new risk was not entered", errors)
            if op == "merge":
                return lifecycle.merge([risk, *others], title, owners, by=by, current=current, target=target, note=note)
            return lifecycle.close_and_replace(risk, title, owners, by=by, current=current, target=target, note=note)
    except (lifecycle.LifecycleError, RiskRuleError) as exc:
        text = str(exc)
        field = text.split(":", 1)[0] if ":" in text else "note"
        raise RiskFormError("The operation was not carried out", {field if field in ("register", "due", "scope", "action", "others", "title", "control") else "note": text}) from None
