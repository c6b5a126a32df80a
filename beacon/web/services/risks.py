"""The risk register for the pages: the live register (as an edition computed today), a risk's
full record, and the lifecycle operations the forms offer. The rules and the history are
beacon.risk's and beacon.domain.risk's; this module only parses form input and calls them."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from beacon.domain.risk import LIKELIHOOD, IMPACT, Rating, RiskRuleError
from beacon.risk import lifecycle, models as rm
from beacon.risk.editions import EditionError, build_edition, create_edition, default_baseline, risk_snapshot

REGISTER_BODY = "Cabinet"


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


def register(body: str = REGISTER_BODY, on: dt.date | None = None) -> dict:
    """The corporate register as it stands today, with the direction of travel since the
    baseline the next edition for ``body`` would use. Cached until any risk data changes
    (every lifecycle operation writes a rating, an event or a revision)."""
    from django.core.cache import cache

    on = on or dt.date.today()
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
    today = dt.date.today()
    baseline, basis = default_baseline(REGISTER_BODY, today)
    return {
        "snapshot": risk_snapshot(risk, today, baseline),
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
