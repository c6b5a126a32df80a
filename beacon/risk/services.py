"""The risk register's entry points for the web pages and the API: the live register, a risk's
record, and every change a user can make, each taking one typed command
(:mod:`beacon.risk.commands`) and raising :class:`~beacon.risk.commands.RiskError` with the
fields concerned. The rules and the history are :mod:`beacon.risk.lifecycle`'s and
:mod:`beacon.domain.risk`'s; this module checks the command's own fields, finds the records it
names and reports the lifecycle's refusals against the field they are about.

Roles are not checked here: the caller (a page, an API endpoint) has asked
:mod:`beacon.core.permissions` whether the user may, and the command carries the username
for the history. The rules about the register's state (only an active risk changes, a
retired control stays retired) are checked here, whoever calls.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import singledispatch

from beacon.core import clock
from beacon.domain.risk import RiskRuleError, parse_due

from . import lifecycle, models as rm, states
from .commands import (
    CHOOSE_ACTION,
    CHOOSE_CONTROL,
    AddControl,
    AddRisk,
    ChangeTarget,
    CloseAndReplace,
    Delegate,
    Descope,
    FlagForReview,
    Merge,
    PrepareEdition,
    ReEscalate,
    RecordActionUpdate,
    Rerate,
    RetireControl,
    ReviseActionDate,
    ReviseControl,
    RiskError,
    Withdraw,
    message,
    missing,
)
from .edition_model import EditionRisk, RegisterEdition
from .editions import EditionError, build_edition, create_edition, default_baseline, risk_snapshot

__all__ = ["RiskError", "RiskDetail", "register_body", "register", "detail", "editions", "handle", "unknown_risks"]


# --- reading ---------------------------------------------------------------------------------
def register_body() -> str:
    """The body that receives the corporate register (``registers.csv``, ``owner_body``)."""
    return rm.Register.corporate().owner_body


def _data_version() -> str:
    from django.db.models import Count, Max

    from beacon.core.models import Revision

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


def register(body: str | None = None, on: dt.date | None = None) -> RegisterEdition:
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


@dataclass(frozen=True)
class RiskDetail:
    """A risk's full record as it stands today: its summary as the next edition would print
    it (``snapshot``, direction of travel since ``baseline``), and its history."""

    snapshot: EditionRisk
    baseline: dt.date
    ratings: list
    controls: list
    actions: list
    events: list

    @property
    def active_actions(self) -> list:
        return [a for a in self.actions if not a.removed_at]

    @property
    def active_controls(self) -> list:
        return [c for c in self.controls if not c.removed_at]


def detail(risk: rm.Risk) -> RiskDetail:
    today = clock.today()
    baseline, _ = default_baseline(register_body(), today)
    try:
        state = states.risk_on(risk, today)
    except states.NotOnRecord:  # on record only from a later day (a rated_on after today): as held now
        state = states.live_state(risk)
    return RiskDetail(
        snapshot=risk_snapshot(state, today, baseline),
        baseline=baseline,
        ratings=list(risk.ratings.order_by("-effective_date", "-pk")),
        controls=list(risk.controls.order_by("removed_at", "order", "pk")),
        actions=list(risk.actions.prefetch_related("updates", "date_revisions").order_by("removed_at", "order", "pk")),
        events=list(rm.RiskEvent.objects.filter(risk_code=risk.risk_id).order_by("-recorded_at", "-pk")),
    )


def editions():
    return rm.Edition.objects.order_by("-date", "body")


# --- changing --------------------------------------------------------------------------------
def _check(command) -> None:
    errors = missing(command)
    if errors:
        raise RiskError(command.failure, errors)


def _refused(command, exc: Exception, fields: dict[str, str] | None = None) -> RiskError:
    """The lifecycle's refusal as the command's error: on the field it names (``fields``
    maps the lifecycle's name to the command's, ``title`` -> ``new_title``), or, with no
    field, the message of the whole operation."""
    field = getattr(exc, "field", None)
    field = (fields or {}).get(field, field)
    if field is None:
        return RiskError(f"{command.failure}: {exc}")
    return RiskError(command.failure, {field: message(command, field, getattr(exc, "reason", str(exc)))})


@contextmanager
def _refusing(command, fields: dict[str, str] | None = None) -> Iterator[None]:
    """Run a lifecycle operation, turning its refusal into the command's error."""
    try:
        yield
    except lifecycle.LifecycleError as exc:
        raise _refused(command, exc, fields) from None


def _risk(command) -> rm.Risk:
    risk = rm.Risk.objects.select_related("register").filter(risk_id=command.risk_id).first()
    if risk is None:
        raise RiskError(f"{command.failure}: there is no risk {command.risk_id}")
    return risk


def _action(command, risk: rm.Risk) -> rm.Action:
    action = risk.actions.filter(pk=command.action_id, removed_at__isnull=True).first()
    if action is None:
        raise RiskError(command.failure, {"action": CHOOSE_ACTION})
    return action


def _control(command, risk: rm.Risk) -> rm.Control:
    control = risk.controls.filter(pk=command.control_id, removed_at__isnull=True).first()
    if control is None:
        raise RiskError(command.failure, {"control": CHOOSE_CONTROL})
    return control


@singledispatch
def handle(command):
    """Carry out ``command``; returns what the lifecycle operation made (an event, a new
    risk, a control, an update, an edition)."""
    raise TypeError(f"not a risk command: {command!r}")


@handle.register
def rerate(command: Rerate) -> rm.RiskEvent:
    _check(command)
    with _refusing(command):
        return lifecycle.rerate(_risk(command), command.current, by=command.by, note=command.note.strip())


@handle.register
def record_action_update(command: RecordActionUpdate) -> rm.ActionUpdate:
    action = _action(command, _risk(command))
    _check(command)
    with _refusing(command):
        return lifecycle.record_update(action, command.status, command.text, by=command.by)


@handle.register
def change_target(command: ChangeTarget) -> rm.RiskEvent:
    _check(command)
    with _refusing(command):
        return lifecycle.change_target(_risk(command), command.target, by=command.by, note=command.note.strip())


@handle.register
def revise_action_date(command: ReviseActionDate) -> rm.ActionDateRevision:
    action = _action(command, _risk(command))
    _check(command)
    try:
        parse_due(command.due)
        return lifecycle.revise_action_date(action, command.due.strip(), by=command.by, note=command.note.strip())
    except RiskRuleError as exc:  # the date as typed is not one
        raise RiskError(command.failure, {"due": message(command, "due", str(exc).removeprefix("due: "))}) from None
    except lifecycle.LifecycleError as exc:
        raise _refused(command, exc, {None: "due"}) from None


@handle.register
def add_control(command: AddControl) -> rm.Control:
    _check(command)
    with _refusing(command):
        return lifecycle.add_control(_risk(command), command.title.strip(), command.owner.strip(), by=command.by,
                                     note=command.note.strip())


@handle.register
def revise_control(command: ReviseControl) -> rm.Control:
    control = _control(command, _risk(command))
    title, owner = command.title.strip(), command.owner.strip()
    if not title and not owner:
        raise RiskError(command.failure, {"title": message(command, "title", "give a new title or a new owner (or both)")})
    with _refusing(command):
        return lifecycle.revise_control(control, title=title or None, owner=owner or None, by=command.by,
                                        note=command.note.strip())


@handle.register
def retire_control(command: RetireControl) -> rm.Control:
    control = _control(command, _risk(command))
    _check(command)
    with _refusing(command):
        return lifecycle.retire_control(control, by=command.by, note=command.note.strip())


@handle.register
def flag_for_review(command: FlagForReview) -> rm.RiskEvent:
    _check(command)
    with _refusing(command):
        return lifecycle.flag_for_review(_risk(command), command.note.strip(), by=command.by)


@handle.register
def descope(command: Descope) -> rm.RiskEvent:
    _check(command)
    with _refusing(command):
        return lifecycle.descope(_risk(command), command.scope.strip(), by=command.by, note=command.note.strip(),
                                 title=command.title.strip() or None)


@handle.register
def delegate(command: Delegate) -> rm.RiskEvent:
    _check(command)
    with _refusing(command):
        return lifecycle.delegate(_risk(command), command.register.strip(), by=command.by,
                                  de_escalate=command.de_escalate, note=command.note.strip())


@handle.register
def re_escalate(command: ReEscalate) -> rm.RiskEvent:
    _check(command)
    with _refusing(command):
        return lifecycle.re_escalate(_risk(command), by=command.by, note=command.note.strip())


@handle.register
def withdraw(command: Withdraw) -> rm.RiskEvent:
    _check(command)
    with _refusing(command):
        return lifecycle.withdraw(_risk(command), by=command.by, note=command.note.strip())


def unknown_risks(risk_ids) -> str | None:
    """What is wrong with risk ids given to merge with: ``no risk CRR9999``, or None."""
    unknown = sorted(set(risk_ids) - set(rm.Risk.objects.filter(risk_id__in=risk_ids).values_list("risk_id", flat=True)))
    return f"no risk {', '.join(unknown)}" if unknown else None


def _others(command: Merge) -> list[rm.Risk]:
    problem = unknown_risks(command.others)
    if problem:
        raise RiskError(command.failure, {"others": message(command, "others", problem)})
    return list(rm.Risk.objects.filter(risk_id__in=command.others))


@handle.register
def close_and_replace(command: CloseAndReplace) -> rm.Risk:
    """Close the risk and enter its replacement (a :class:`Merge`: merge it with the others
    into the new risk); returns the new risk."""
    risk = _risk(command)
    errors = missing(command)
    others = []
    if isinstance(command, Merge) and command.others:
        try:
            others = _others(command)
        except RiskError as exc:
            errors.update(exc.field_errors)
    if errors:
        raise RiskError(command.failure, errors)
    title, owners, note = command.new_title.strip(), list(command.owners), command.note.strip()
    try:
        if isinstance(command, Merge):
            return lifecycle.merge([risk, *others], title, owners, by=command.by, current=command.current,
                                   target=command.target, note=note)
        return lifecycle.close_and_replace(risk, title, owners, by=command.by, current=command.current,
                                           target=command.target, note=note)
    except (lifecycle.LifecycleError, RiskRuleError) as exc:
        raise _refused(command, exc, {"title": "new_title"}) from None


@handle.register
def add_risk(command: AddRisk) -> rm.Risk:
    _check(command)
    try:
        return lifecycle.add_risk(command.title.strip(), list(command.owners), by=command.by, current=command.current,
                                  target=command.target, event=command.event.strip())
    except (lifecycle.LifecycleError, RiskRuleError) as exc:
        raise _refused(command, exc) from None


@handle.register
def prepare_edition(command: PrepareEdition) -> rm.Edition:
    _check(command)
    try:
        return create_edition(command.body, command.date, by=command.by)
    except EditionError as exc:
        raise RiskError(command.failure, {"date": message(command, "date", str(exc))}) from None
