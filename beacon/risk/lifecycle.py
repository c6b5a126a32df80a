"""Lifecycle operations on the register (risk spec §3.6). Each one keeps history: it records a
:class:`RiskEvent` (what, when it happened, who recorded it and when, the change note), appends a
rating row where a rating changes, and records every changed field as a Revision keyed by the
record's identity and taking effect on ``on`` (:func:`beacon.risk.history.record`), so that an
edition can show the register as it stood on its date. Nothing is deleted and no id is ever
reused.

Every operation takes ``by`` (who) and optionally ``on`` (the date it took effect, default
today), ``note`` (the change note, used by the documents) and ``reported_in``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction

from beacon.domain.risk import Rating, RiskRuleError, at_target, check_risk_id, is_at_target_text, next_risk_id, parse_due
from beacon.core import clock, locks

from .history import ensure_issued, record, record_creation, set_rating
from .models import ITEM_EVENTS, Action, ActionDateRevision, CandidateRisk, Control, IssuedId, Register, Risk, RiskEvent


class LifecycleError(ValueError):
    """An operation that the register's state does not allow. ``field``: the input the
    problem is with (``title``, ``register``, ``status``...), when there is one; ``reason``:
    the problem without it. The text is ``field: reason``."""

    def __init__(self, reason: str, field: str | None = None):
        super().__init__(f"{field}: {reason}" if field else reason)
        self.reason = reason
        self.field = field


def _now() -> dt.datetime:
    return clock.now()


def _record(obj, entity: str, key: str, name: str, old, new, by: str, at: dt.datetime, on: dt.date, reason: str,
            source: str) -> None:
    record(obj, entity, key, name, old, new, by=by, at=at, on=on, reason=reason, source=source)


def _set(risk: Risk, by: str, at: dt.datetime, on: dt.date, reason: str, source: str, **fields) -> None:
    changed = []
    for name, new in fields.items():
        old = getattr(risk, name)
        if old != new:
            _record(risk, "risk", risk.risk_id, name, old if not isinstance(old, Register) else old.code,
                    new if not isinstance(new, Register) else new.code, by, at, on, reason, source)
            setattr(risk, name, new)
            changed.append(name)
    if changed:
        risk.save(update_fields=changed)


ACTION_EVENTS = ITEM_EVENTS


def _event(risk_code: str, event: str, *, by: str, at: dt.datetime, on: dt.date, note: str = "",
           reported_in: str = "", risk: Risk | None = None, **fields) -> RiskEvent:
    if event not in ACTION_EVENTS and RiskEvent.objects.filter(
        risk_code=risk_code, event=event, rating=fields.get("rating", ""), occurred_by=on
    ).exists():
        # (risk, event, rating, date) is the natural key of risk_events.csv (risk.md §9.2)
        raise LifecycleError(
            f"{risk_code} already has a {event} event dated {on.isoformat()}; record the correction as a revision "
            f"or date it differently"
        )
    return RiskEvent.objects.create(
        risk_code=risk_code, risk=risk, event=event, occurred_after=on, occurred_by=on, note=note,
        reported_in=reported_in, recorded_by=by, recorded_at=at, source="lifecycle", **fields,
    )


def _active(risk: Risk, operation: str) -> None:
    if risk.status != "active":
        raise LifecycleError(f"{risk.risk_id} is {risk.status}; only an active risk can be {operation}")


def issued_ids() -> list[str]:
    return list(IssuedId.objects.values_list("risk_id", flat=True)) + list(Risk.objects.values_list("risk_id", flat=True))


def _create(title: str, owners: Sequence[str], *, by, at, on, register, current: Rating, target: Rating,
            source: str, **fields) -> Risk:
    if not title.strip():
        raise LifecycleError("a risk needs a title", field="title")
    if not owners:
        raise LifecycleError("a risk needs at least one owner", field="owners")
    # the next id is read then issued: one at a time, or two risks added at once get the same id
    locks.named_lock(locks.RISK_IDS, busy_message="another risk is being added: nothing was saved; try again")
    risk_id = next_risk_id(issued_ids())
    ensure_issued(risk_id, at)
    risk = Risk.objects.create(risk_id=risk_id, title=title, owners=list(owners), register=Register.named(register), **fields)
    record_creation(risk, by=by, at=at, on=on, source=source)
    for kind, rating in (("current", current), ("target", target)):
        set_rating(risk, kind, rating, effective_date=on, by=by, at=at, source=source)
    return risk


@transaction.atomic
def add_risk(title: str, owners: Sequence[str], *, by: str, on: dt.date | None = None, register: str = "corporate",
             current: Rating | None = None, target: Rating | None = None, note: str = "", reported_in: str = "",
             **fields) -> Risk:
    """A new risk with the next unused id (§3.5), status active."""
    at, on = _now(), on or clock.today()
    risk = _create(title, owners, by=by, at=at, on=on, register=register, current=current or Rating.tbc(),
                   target=target or Rating.tbc(), source="lifecycle: new", **fields)
    _event(risk.risk_id, "new", risk=risk, by=by, at=at, on=on, note=note, reported_in=reported_in)
    return risk


@transaction.atomic
def rerate(risk: Risk, current: Rating, *, by: str, on: dt.date | None = None, note: str = "", reported_in: str = "") -> RiskEvent:
    """A new current rating; the old one stays in the history."""
    _active(risk, "re-rated")
    at, on = _now(), on or clock.today()
    before = risk.current
    if (before.likelihood, before.impact) == (current.likelihood, current.impact):
        raise LifecycleError(f"{risk.risk_id} is already rated {before.display}")
    set_rating(risk, "current", current, effective_date=on, by=by, at=at, source="lifecycle: rerated", reason=note)
    _no_longer_at_target(risk, by, at, on, note, "lifecycle: rerated")
    return _event(risk.risk_id, "rerated", risk=risk, by=by, at=at, on=on, note=note, reported_in=reported_in,
                  rating="current", direction=_direction(before, current), from_score=before.score, to_score=current.score)


def _no_longer_at_target(risk: Risk, by: str, at: dt.datetime, on: dt.date, note: str, source: str) -> None:
    """A timescale that says "At target" is cleared (and the clearing recorded) once the current
    rating and the target differ: the page and the papers must not print "At target" for a risk
    that is not (risk spec §3.4)."""
    if is_at_target_text(risk.timescale_to_target) and at_target(risk.current, risk.target) is False:
        _set(risk, by, at, on, note, source, timescale_to_target="")


def _direction(before: Rating, after: Rating) -> str:
    if before.is_tbc or after.is_tbc or before.score == after.score:
        return "" if before.is_tbc or after.is_tbc else "unchanged"
    return "increased" if after.score > before.score else "reduced"


@transaction.atomic
def change_target(risk: Risk, target: Rating, *, by: str, on: dt.date | None = None, note: str = "",
                  reported_in: str = "") -> RiskEvent:
    """Raise or lower the target (raising it to the current rating is "contain at current level")."""
    _active(risk, "given a new target")
    at, on = _now(), on or clock.today()
    before = risk.target
    set_rating(risk, "target", target, effective_date=on, by=by, at=at, source="lifecycle: target_changed", reason=note)
    _no_longer_at_target(risk, by, at, on, note, "lifecycle: target_changed")
    return _event(risk.risk_id, "target_changed", risk=risk, by=by, at=at, on=on, note=note, reported_in=reported_in,
                  rating="target", direction=_direction(before, target), from_score=before.score, to_score=target.score)


@transaction.atomic
def merge(risks: Sequence[Risk], title: str, owners: Sequence[str], *, by: str, current: Rating, target: Rating,
          on: dt.date | None = None, note: str = "", reported_in: str = "", controls: Sequence[Control] = (),
          actions: Sequence[Action] = (), **fields) -> Risk:
    """Merge several risks into a **new** id: the predecessors become ``merged`` into it.
    ``controls`` and ``actions`` (of the merged risks, still in place) move to the new risk: each
    is retired from its old risk (kept in its history) and entered on the new one."""
    if len(risks) < 2:
        raise LifecycleError("a merger needs at least two risks")
    for r in risks:
        _active(r, "merged")
    at, on = _now(), on or clock.today()
    new = _create(title, owners, by=by, at=at, on=on, register="corporate", current=current, target=target,
                  source="lifecycle: merged", **fields)
    olds = [r.risk_id for r in risks]
    _event(new.risk_id, "merged", risk=new, by=by, at=at, on=on, note=note, reported_in=reported_in,
           rating="current", to_score=current.score, related=olds)
    _move_items(new, [r.pk for r in risks], controls, actions, by=by, at=at, on=on, note=note)
    for r in risks:
        _set(r, by, at, on, note, f"lifecycle: merged into {new.risk_id}", status="merged", replaced_by=[new.risk_id])
        _event(r.risk_id, "merged", risk=r, by=by, at=at, on=on, note=note, reported_in=reported_in,
               related=[new.risk_id])
    return new


def _move_items(new: Risk, from_risks: Sequence[int], controls: Sequence[Control], actions: Sequence[Action], *,
                by: str, at: dt.datetime, on: dt.date, note: str) -> None:
    for items, model in ((controls, Control), (actions, Action)):
        for order, item in enumerate(items, start=1):
            if item.risk_id not in from_risks or item.removed_at is not None:
                raise LifecycleError(f"#{item.pk} is not in place on a merged risk", field=f"{model.__name__.lower()}s")
            old_risk = item.risk.risk_id
            copy = {"title": item.title, "owner": item.owner, "order": order}
            if model is Action:
                copy.update(due_text=item.due_text, due_date=item.due_date, due_kind=item.due_kind, status=item.status)
            moved = model.objects.create(risk=new, **copy)
            record_creation(moved, by=by, at=at, on=on, reason=note, source=f"lifecycle: moved from {old_risk} #{item.pk}")
            entity = model.__name__.lower()
            _record(item, entity, item.history_key, "removed_at", None, at.isoformat(), by, at, on, note,
                    f"lifecycle: moved to {new.risk_id}")
            item.removed_at = at
            item.save(update_fields=["removed_at"])


@transaction.atomic
def close_and_replace(risk: Risk, title: str, owners: Sequence[str], *, by: str, current: Rating | None = None,
                      target: Rating | None = None, on: dt.date | None = None, note: str = "", reported_in: str = "",
                      **fields) -> Risk:
    """Close a risk and enter a new one (a new id) in its place."""
    _active(risk, "closed")
    at, on = _now(), on or clock.today()
    new = _create(title, owners, by=by, at=at, on=on, register=risk.register.code, current=current or Rating.tbc(),
                  target=target or Rating.tbc(), source=f"lifecycle: replaces {risk.risk_id}", **fields)
    _event(new.risk_id, "new", risk=new, by=by, at=at, on=on, note=note, reported_in=reported_in, related=[risk.risk_id])
    _set(risk, by, at, on, note, f"lifecycle: replaced by {new.risk_id}", status="closed", replaced_by=[new.risk_id])
    _event(risk.risk_id, "closed", risk=risk, by=by, at=at, on=on, note=note, reported_in=reported_in, related=[new.risk_id])
    return new


@transaction.atomic
def descope(risk: Risk, scope: str, *, by: str, on: dt.date | None = None, note: str = "", reported_in: str = "",
            title: str | None = None) -> RiskEvent:
    """Revise the scope (and optionally the title) of a risk; the id stays."""
    _active(risk, "de-scoped")
    at, on = _now(), on or clock.today()
    changes = {"scope_note": scope}
    if title:
        changes["title"] = title
    _set(risk, by, at, on, note, "lifecycle: descoped", **changes)
    return _event(risk.risk_id, "descoped", risk=risk, by=by, at=at, on=on, note=note or scope, reported_in=reported_in)


@transaction.atomic
def revise(risk: Risk, *, by: str, on: dt.date | None = None, note: str = "", reported_in: str = "", **fields) -> RiskEvent:
    """Content revised (cause, event, consequence, owners...), without a rating change. Each
    changed field is a revision; the day's "revised" event is recorded once (a second edit on
    the same day adds its revisions to it)."""
    at, on = _now(), on or clock.today()
    changed = [name for name, new in fields.items() if getattr(risk, name) != new]
    if not changed:
        raise LifecycleError("nothing was changed")
    _set(risk, by, at, on, note, "lifecycle: revised", **fields)
    same_day = RiskEvent.objects.filter(risk_code=risk.risk_id, event="revised", rating="", occurred_by=on).first()
    if same_day is not None:
        return same_day
    return _event(risk.risk_id, "revised", risk=risk, by=by, at=at, on=on, note=note, reported_in=reported_in)


@transaction.atomic
def withdraw(risk: Risk, *, by: str, on: dt.date | None = None, note: str = "", reported_in: str = "") -> RiskEvent:
    """Withdraw a risk (it may be re-entered later with a new id)."""
    _active(risk, "withdrawn")
    at, on = _now(), on or clock.today()
    _set(risk, by, at, on, note, "lifecycle: withdrawn", status="withdrawn")
    return _event(risk.risk_id, "withdrawn", risk=risk, by=by, at=at, on=on, note=note, reported_in=reported_in)


@transaction.atomic
def delegate(risk: Risk, register: str, *, by: str, de_escalate: bool = False, on: dt.date | None = None,
             note: str = "", reported_in: str = "") -> RiskEvent:
    """Move a risk to a directorate or service register, keeping its id. ``de_escalate``: the
    owner may escalate it again to the corporate register (:func:`re_escalate`)."""
    _active(risk, "delegated")
    if not register or register == "corporate":
        raise LifecycleError("delegate to a directorate or service register, not the corporate one", field="register")
    at, on = _now(), on or clock.today()
    event = "de_escalated" if de_escalate else "delegated"
    _set(risk, by, at, on, note, f"lifecycle: {event}", register=Register.named(register), status=event)
    return _event(risk.risk_id, event, risk=risk, by=by, at=at, on=on, note=note, reported_in=reported_in, register=register)


@transaction.atomic
def re_escalate(risk: Risk, *, by: str, on: dt.date | None = None, note: str = "", reported_in: str = "") -> RiskEvent:
    """Bring a delegated or de-escalated risk back to the corporate register, same id."""
    if risk.status not in ("delegated", "de_escalated"):
        raise LifecycleError(f"{risk.risk_id} is {risk.status}; only a delegated or de-escalated risk can be re-escalated")
    at, on = _now(), on or clock.today()
    _set(risk, by, at, on, note, "lifecycle: re_escalated", register=Register.corporate(), status="active")
    return _event(risk.risk_id, "re_escalated", risk=risk, by=by, at=at, on=on, note=note, reported_in=reported_in,
                  register="corporate")


@transaction.atomic
def flag_for_review(risk: Risk, review_note: str, *, by: str, on: dt.date | None = None, reported_in: str = "") -> RiskEvent:
    """A review note on the rating, printed as a footnote on the risk's summary row."""
    at, on = _now(), on or clock.today()
    _set(risk, by, at, on, review_note, "lifecycle: review_flagged", review_note=review_note)
    return _event(risk.risk_id, "review_flagged", risk=risk, by=by, at=at, on=on, note=review_note, reported_in=reported_in)


@transaction.atomic
def supersede_actions(actions: Sequence[Action], replacements: Sequence[dict], *, by: str, on: dt.date | None = None,
                      note: str = "", reported_in: str = "") -> list[Action]:
    """Mark actions ``not_completed`` and link them to their new actions. ``replacements``:
    dicts with ``title`` and optionally ``owner`` and ``due``. Returns the new actions."""
    if not actions:
        raise LifecycleError("no actions to supersede")
    risk = actions[0].risk
    if any(a.risk_id != risk.pk for a in actions):
        raise LifecycleError("the superseded actions must belong to one risk")
    at, on = _now(), on or clock.today()
    order = max((a.order for a in risk.actions.all()), default=0)
    new_actions = []
    for i, spec in enumerate(replacements, start=1):
        if risk.actions.filter(title=spec["title"]).exists():
            raise LifecycleError(f"{risk.risk_id} already has an action titled {spec['title']!r}")
        due = parse_due(spec.get("due", ""))
        new = Action.objects.create(
            risk=risk, title=spec["title"], owner=spec.get("owner", ""), due_text=due.text, due_date=due.date,
            due_kind=due.kind, order=order + i,
        )
        record_creation(new, by=by, at=at, on=on, reason=note, source="lifecycle: superseding action")
        new_actions.append(new)
    for a in actions:
        _record(a, "action", a.history_key, "status", a.status, "not_completed", by, at, on, note,
                "lifecycle: superseded")
        a.status = "not_completed"
        a.save(update_fields=["status"])
        a.superseded_by.set(new_actions)
    _event(risk.risk_id, "action_superseded", risk=risk, by=by, at=at, on=on, reported_in=reported_in,
           note=note or "The listed actions will not be completed and will be superseded by new actions.")
    return new_actions


@transaction.atomic
def revise_action_date(action: Action, due: str, *, by: str, on: dt.date | None = None, note: str = "",
                       reported_in: str = "") -> ActionDateRevision:
    """A new due date; the old one is kept as a revision."""
    parsed = parse_due(due)
    if parsed.text == action.due_text:
        raise LifecycleError(f"the action is already due {due!r}")
    at, on = _now(), on or clock.today()
    revision = ActionDateRevision.objects.create(
        action=action, old_text=action.due_text, old_date=action.due_date, new_text=parsed.text, new_date=parsed.date,
        recorded_by=by, recorded_at=at, reason=note,
    )
    for name, new in (("due_text", parsed.text), ("due_date", parsed.date), ("due_kind", parsed.kind)):
        if getattr(action, name) != new:
            _record(action, "action", action.history_key, name, getattr(action, name), new, by, at, on, note,
                    "lifecycle: action date revised")
            setattr(action, name, new)
    action.save(update_fields=["due_text", "due_date", "due_kind"])
    _event(action.risk.risk_id, "action_date_revised", risk=action.risk, by=by, at=at, on=on, reported_in=reported_in,
           note=note or f"\"{action.title}\": {revision.old_text or 'no date'} → {parsed.text}")
    return revision


@transaction.atomic
def record_update(action: Action, status: str, text: str, *, by: str, reported_in: str = "", short_name: str = "",
                  status_as_printed: str = "", on: dt.date | None = None) -> "ActionUpdate":
    """A dated progress update; it sets the action's status (every update carries one, §7 #15).
    ``on`` is the date the update speaks for (default: the day it is recorded)."""
    from .models import ACTION_STATUSES, ActionUpdate

    if status not in ACTION_STATUSES or status == "planned":
        raise LifecycleError(f"{status!r} is not an update status", field="status")
    if not text.strip():
        raise LifecycleError("an update needs its text", field="text")
    at = _now()
    if action.status != status:
        _record(action, "action", action.history_key, "status", action.status, status, by, at, on or clock.today(), "",
                "update")
        action.status = status
        action.save(update_fields=["status"])
    return ActionUpdate.objects.create(
        action=action, status=status, text=text, reported_in=reported_in, short_name=short_name,
        status_as_printed=status_as_printed, updated_on=on, recorded_by=by, recorded_at=at,
    )


def _item_title(risk: Risk, items, noun: str, title: str, *, exclude=None) -> str:
    """A control's or action's title: required, and not one the risk already has (retired ones
    included: the register's history names items by title)."""
    title = (title or "").strip()
    if not title:
        raise LifecycleError(f"{'an' if noun[0] in 'aeiou' else 'a'} {noun} needs its title", field="title")
    same = items.filter(title=title)
    if exclude is not None:
        same = same.exclude(pk=exclude.pk)
    clash = same.first()
    if clash is not None:
        retired = " (retired)" if clash.removed_at else ""
        raise LifecycleError(f"{risk.risk_id} already has {'an' if noun[0] in 'aeiou' else 'a'} {noun} titled {title!r}{retired}",
                             field="title")
    return title


def _action_title(risk: Risk, title: str, *, exclude: Action | None = None) -> str:
    return _item_title(risk, risk.actions, "action", title, exclude=exclude)


@transaction.atomic
def add_action(risk: Risk, title: str, owner: str = "", due: str = "", *, by: str, on: dt.date | None = None,
               note: str = "") -> Action:
    """A new mitigating action, status planned (no update yet), listed after the risk's others."""
    _active(risk, "given a new action")
    title, owner, parsed = _action_title(risk, title), (owner or "").strip(), parse_due(due)
    at, on = _now(), on or clock.today()
    order = max((a.order for a in risk.actions.all()), default=0) + 1
    action = Action.objects.create(risk=risk, title=title, owner=owner, due_text=parsed.text, due_date=parsed.date,
                                   due_kind=parsed.kind, order=order)
    record_creation(action, by=by, at=at, on=on, reason=note, source="lifecycle: action added")
    return action


@transaction.atomic
def revise_action(action: Action, *, by: str, title: str, owner: str, due: str, on: dt.date | None = None,
                  note: str = "") -> Action:
    """A new title, owner and/or due date for an action; the old values are kept as revisions
    (a new due date also as an :class:`ActionDateRevision`, as :func:`revise_action_date`)."""
    risk = action.risk
    _active(risk, "given revised actions")
    if action.removed_at is not None:
        raise LifecycleError("a retired action cannot be changed", field="action")
    changes = {}
    if title.strip() != action.title:
        changes["title"] = _action_title(risk, title, exclude=action)
    if owner.strip() != action.owner:
        changes["owner"] = owner.strip()
    new_due = parse_due(due).text != action.due_text
    if not changes and not new_due:
        raise LifecycleError("the action already has this title, owner and due date")
    at, on = _now(), on or clock.today()
    for name, new in changes.items():
        _record(action, "action", action.history_key, name, getattr(action, name), new, by, at, on, note,
                "lifecycle: action revised")
        setattr(action, name, new)
    if changes:
        action.save(update_fields=list(changes))
    if new_due:
        revise_action_date(action, due, by=by, on=on, note=note)
    return action


@transaction.atomic
def retire_action(action: Action, *, by: str, on: dt.date | None = None, note: str = "") -> Action:
    """An action no longer on the register: kept, marked removed (never deleted), with its updates."""
    risk = action.risk
    _active(risk, "given revised actions")
    if action.removed_at is not None:
        raise LifecycleError("the action is already retired", field="action")
    at, on = _now(), on or clock.today()
    _record(action, "action", action.history_key, "removed_at", None, at.isoformat(), by, at, on, note,
            "lifecycle: action retired")
    action.removed_at = at
    action.save(update_fields=["removed_at"])
    return action


def _control_title(risk: Risk, title: str, *, exclude: Control | None = None) -> str:
    return _item_title(risk, risk.controls, "control", title, exclude=exclude)


@transaction.atomic
def add_control(risk: Risk, title: str, owner: str = "", *, by: str, on: dt.date | None = None, note: str = "",
                reported_in: str = "") -> Control:
    """A new control in place, listed after the risk's other controls."""
    _active(risk, "given a new control")
    title, owner = _control_title(risk, title), (owner or "").strip()
    at, on = _now(), on or clock.today()
    order = max((c.order for c in risk.controls.all()), default=0) + 1
    control = Control.objects.create(risk=risk, title=title, owner=owner, order=order)
    record_creation(control, by=by, at=at, on=on, reason=note, source="lifecycle: control added")
    _event(risk.risk_id, "control_added", risk=risk, by=by, at=at, on=on, reported_in=reported_in,
           note=note or f"Control added: \"{title}\"")
    return control


@transaction.atomic
def revise_control(control: Control, *, by: str, title: str | None = None, owner: str | None = None,
                   on: dt.date | None = None, note: str = "", reported_in: str = "") -> Control:
    """A new title and/or owner for a control; the old ones are kept as revisions."""
    risk = control.risk
    _active(risk, "given revised controls")
    if control.removed_at is not None:
        raise LifecycleError("a retired control cannot be revised", field="control")
    changes = {}
    if title is not None and title.strip() != control.title:
        changes["title"] = _control_title(risk, title, exclude=control)
    if owner is not None and owner.strip() != control.owner:
        changes["owner"] = owner.strip()
    if not changes:
        raise LifecycleError("the control already has this title and owner", field="title")
    at, on = _now(), on or clock.today()
    key, old_title = control.history_key, control.title
    for name, new in changes.items():
        _record(control, "control", key, name, getattr(control, name), new, by, at, on, note,
                "lifecycle: control revised")
        setattr(control, name, new)
    control.save(update_fields=list(changes))
    what = f"\"{old_title}\"" + (f" → \"{control.title}\"" if "title" in changes else "")
    if "owner" in changes:
        what += f" (owner: {control.owner or 'none'})"
    _event(risk.risk_id, "control_revised", risk=risk, by=by, at=at, on=on, reported_in=reported_in,
           note=note or f"Control revised: {what}")
    return control


@transaction.atomic
def retire_control(control: Control, *, by: str, on: dt.date | None = None, note: str = "",
                   reported_in: str = "") -> Control:
    """A control no longer in place: kept, marked removed (never deleted)."""
    risk = control.risk
    _active(risk, "given revised controls")
    if control.removed_at is not None:
        raise LifecycleError("the control is already retired", field="control")
    at, on = _now(), on or clock.today()
    _record(control, "control", control.history_key, "removed_at", None, at.isoformat(), by, at, on, note,
            "lifecycle: control retired")
    control.removed_at = at
    control.save(update_fields=["removed_at"])
    _event(risk.risk_id, "control_retired", risk=risk, by=by, at=at, on=on, reported_in=reported_in,
           note=note or f"Control retired: \"{control.title}\"")
    return control


@transaction.atomic
def raise_candidate(theme: str, *, by: str, on: dt.date | None = None, note: str = "", reported_in: str = "") -> CandidateRisk:
    """Record a theme being considered for the register (no id is issued yet)."""
    if not theme.strip():
        raise LifecycleError("a candidate risk needs its theme", field="theme")
    if CandidateRisk.objects.filter(theme=theme.strip()).exists():
        raise LifecycleError(f"{theme.strip()!r} is already a candidate", field="theme")
    return CandidateRisk.objects.create(theme=theme.strip(), note=note, raised_on=on or clock.today(),
                                        reported_in=reported_in, recorded_by=by, recorded_at=_now())


@transaction.atomic
def enter_candidate(candidate: CandidateRisk, title: str, owners: Sequence[str], *, by: str, on: dt.date | None = None,
                    note: str = "", **fields) -> Risk:
    """Enter a candidate on the register: a new risk with the next unused id."""
    if candidate.status != "open":
        raise LifecycleError(f"the candidate {candidate.theme!r} is {candidate.status}")
    on = on or clock.today()
    risk = add_risk(title, owners, by=by, on=on, note=note or f"Entered from the candidate theme: {candidate.theme}", **fields)
    candidate.status, candidate.entered_as, candidate.closed_on = "entered", risk.risk_id, on
    candidate.save(update_fields=["status", "entered_as", "closed_on"])
    return risk


@transaction.atomic
def drop_candidate(candidate: CandidateRisk, *, by: str, on: dt.date | None = None, note: str = "") -> CandidateRisk:
    if candidate.status != "open":
        raise LifecycleError(f"the candidate {candidate.theme!r} is {candidate.status}")
    on = on or clock.today()
    _record(candidate, "candidate", candidate.theme, "status", "open", "dropped", by, _now(), on, note,
            "lifecycle: candidate dropped")
    candidate.status, candidate.closed_on = "dropped", on
    candidate.save(update_fields=["status", "closed_on"])
    return candidate


def get_risk(risk_id: str) -> Risk:
    try:
        check_risk_id(risk_id)
    except RiskRuleError as exc:
        raise LifecycleError(str(exc)) from None
    return Risk.objects.get(risk_id=risk_id)
