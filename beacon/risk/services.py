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
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import singledispatch

from django.db import transaction

from beacon.core import clock
from beacon.core.stale import StaleEdit, check_version, merge_or_refuse, version
from beacon.domain.risk import Direction, Level, Rating, RiskRuleError

from . import lifecycle, models as rm, states
from .commands import (
    CHOOSE_ACTION,
    CHOOSE_CONTROL,
    AddAction,
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
    RetireAction,
    RetireControl,
    ReviseAction,
    ReviseActionDate,
    ReviseControl,
    ReviseRisk,
    RiskError,
    Withdraw,
    due_of,
    message,
    missing,
)
from .edition_model import EditionRisk, RegisterEdition
from .editions import EditionError, build_edition, create_edition, default_baseline, risk_snapshot

__all__ = ["RiskError", "StaleEdit", "RiskDetail", "register_body", "register", "detail", "editions", "handle",
           "unknown_risks", "risk_values", "risk_version", "action_values", "filter_register", "REGISTER_FILTERS"]


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
        rm.Edition.objects.aggregate(m=Max("pk"), s=Max("status_at")),  # a withdrawal changes the baseline
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
    # hashed: a key with spaces (a body's name, a timestamp) is refused by memcached
    key = "beacon:register:" + hashlib.sha256(f"{body}|{on.isoformat()}|{_data_version()}".encode()).hexdigest()
    content = cache.get(key)
    if content is None:
        content = build_edition(body, on)
        cache.set(key, content, 600)
    return content


def _directorate_codes() -> list[str]:
    from beacon.core.models import Directorate

    return list(Directorate.objects.order_by("display_order", "code").values_list("code", flat=True))


# the register's filters: name -> (label, the allowed values); the pages' filter form and the
# API's query parameters both check against these, and name them when a value is not one
REGISTER_FILTERS = {
    "level": ("Current level", lambda: [lv.value for lv in Level]),
    "direction": ("Direction of travel", lambda: [d.value for d in Direction]),
    "directorate": ("Owner directorate", _directorate_codes),
}


def filter_register(rows, **filters: str | None) -> list:
    """The register's rows (:class:`EditionRisk`) that match every filter given (blank: any).
    A value that is not one of the filter's allowed values is refused, naming the filter and
    the values it takes (it is never ignored: an empty list would read as "no such risks")."""
    errors, chosen = {}, {}
    for name, value in filters.items():
        if name not in REGISTER_FILTERS:
            raise TypeError(f"no register filter {name!r}")
        if value in (None, ""):
            continue
        label, allowed = REGISTER_FILTERS[name]
        values = allowed()
        if value not in values:
            errors[name] = f"{label}: {value!r} is not one of {', '.join(values)}"
        chosen[name] = value
    if errors:
        raise RiskError("The register was not filtered", errors)
    out = []
    for r in rows:
        if "level" in chosen and (r.current.level.value if r.current.level else "") != chosen["level"]:
            continue
        if "direction" in chosen and r.direction.direction.value != chosen["direction"]:
            continue
        if "directorate" in chosen and chosen["directorate"] not in r.owner_directorates:
            continue
        out.append(r)
    return out


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


# --- what a form showed, and the record now -------------------------------------------------
def _lines(values) -> str:
    return "\n".join(str(v) for v in values or ())


def _num(value) -> str:
    return "" if value is None else str(value)


def risk_values(risk: rm.Risk) -> dict[str, str]:
    """A risk's editable values as text (lists one entry a line): what its forms show and
    seal, what a save is merged against, and what the API's version is a fingerprint of."""
    out = {}
    for name in ReviseRisk.FIELDS:
        value = getattr(risk, name)
        out[name] = _lines(value) if name in ReviseRisk.LISTS else (value or "")
    out.update({
        "current_likelihood": _num(risk.current_likelihood), "current_impact": _num(risk.current_impact),
        "target_likelihood": _num(risk.target_likelihood), "target_impact": _num(risk.target_impact),
        "scope": risk.scope_note or "", "review_note": risk.review_note or "", "status": risk.status,
        "register": risk.register.code,
    })
    return out


def risk_version(risk: rm.Risk) -> str:
    """The risk's version (the API's ``ETag``): changes whenever any editable value does."""
    return version(risk_values(risk))


def action_values(action: rm.Action) -> dict[str, str]:
    return {"title": action.title, "owner": action.owner or "", "due": action.due_text or "", "status": action.status}


def control_values(control: rm.Control) -> dict[str, str]:
    return {"title": control.title, "owner": control.owner or ""}


def _opened_for(command, pk: int) -> dict[str, str] | None:
    """What the form showed of one item: the ``<id>.<field>`` entries of a form that lists
    several items, or the plain entries of a form about this one."""
    opened = command.opened
    if opened is None:
        return None
    prefix = f"{pk}."
    scoped = {k[len(prefix):]: v for k, v in opened.items() if k.startswith(prefix)}
    return scoped or {k: v for k, v in opened.items() if "." not in k}


def _merged(command, what: str, opened, current: dict[str, str], submitted: dict[str, str]) -> dict[str, str]:
    """``submitted`` merged into ``current`` against what the form showed: raises
    :class:`StaleEdit` (labelled with the command's field names) when both changed a field."""
    return dict(merge_or_refuse(what, opened, current, submitted, labels={**RATING_LABELS, **command.labels}))


RATING_LABELS = {f"{kind}_{part}": f"{kind.capitalize()} {part}" for kind in ("current", "target")
                 for part in ("likelihood", "impact")}


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
    """The command's risk, locked until the command's transaction ends (so that two saves of
    one risk are merged one after the other, on PostgreSQL as on SQLite), and checked against
    the version the caller read, if it sent one."""
    risk = rm.Risk.objects.select_for_update().select_related("register").filter(risk_id=command.risk_id).first()
    if risk is None:
        raise RiskError(f"{command.failure}: there is no risk {command.risk_id}")
    check_version(command.risk_id, command.version, risk_values(risk))
    return risk


def _action(command, risk: rm.Risk) -> rm.Action:
    action = risk.actions.select_for_update().filter(pk=command.action_id, removed_at__isnull=True).first()
    if action is None:
        raise RiskError(command.failure, {"action": CHOOSE_ACTION})
    return action


def _control(command, risk: rm.Risk) -> rm.Control:
    control = risk.controls.select_for_update().filter(pk=command.control_id, removed_at__isnull=True).first()
    if control is None:
        raise RiskError(command.failure, {"control": CHOOSE_CONTROL})
    return control


@singledispatch
def _handle(command):
    raise TypeError(f"not a risk command: {command!r}")


def handle(command):
    """Carry out ``command`` in one transaction (its risk locked: :func:`_risk`); returns what
    the lifecycle operation made (an event, a new risk, a control, an update, an edition).
    Raises :class:`RiskError`, or :class:`StaleEdit` when the caller's view is out of date."""
    with transaction.atomic():
        return _handle(command)


handle.register = _handle.register


def _rating(command, risk: rm.Risk, kind: str, rating: Rating) -> Rating:
    """The rating to save: the one typed, merged field by field with a change made since the
    form was opened (a likelihood changed by someone else, the impact by this form)."""
    current = risk_values(risk)
    names = (f"{kind}_likelihood", f"{kind}_impact")
    merged = _merged(command, command.risk_id, command.opened, {n: current[n] for n in names},
                     {names[0]: _num(rating.likelihood), names[1]: _num(rating.impact)})
    return Rating(int(merged[names[0]]), int(merged[names[1]]), kind)


def _due(command, text: str):
    try:
        return due_of(text)
    except ValueError as exc:
        raise RiskError(command.failure, {"due": message(command, "due", str(exc))}) from None


@handle.register
def rerate(command: Rerate) -> rm.RiskEvent:
    _check(command)
    risk = _risk(command)
    current = _rating(command, risk, "current", command.current)
    with _refusing(command):
        return lifecycle.rerate(risk, current, by=command.by, note=command.note.strip())


@handle.register
def record_action_update(command: RecordActionUpdate) -> rm.ActionUpdate:
    action = _action(command, _risk(command))
    _check(command)
    merged = _merged(command, f"The action \u201c{action.title}\u201d", _opened_for(command, action.pk),
                     {"status": action.status}, {"status": command.status})
    with _refusing(command):
        return lifecycle.record_update(action, merged["status"], command.text, by=command.by)


@handle.register
def change_target(command: ChangeTarget) -> rm.RiskEvent:
    _check(command)
    risk = _risk(command)
    target = _rating(command, risk, "target", command.target)
    with _refusing(command):
        return lifecycle.change_target(risk, target, by=command.by, note=command.note.strip())


@handle.register
def revise_action_date(command: ReviseActionDate) -> rm.ActionDateRevision:
    action = _action(command, _risk(command))
    _check(command)
    due = _due(command, command.due).text
    due = _merged(command, f"The action \u201c{action.title}\u201d", _opened_for(command, action.pk),
                  {"due": action.due_text}, {"due": due})["due"]
    try:
        return lifecycle.revise_action_date(action, due, by=command.by, note=command.note.strip())
    except lifecycle.LifecycleError as exc:
        raise _refused(command, exc, {None: "due"}) from None


@handle.register
def add_action(command: AddAction) -> rm.Action:
    _check(command)
    risk = _risk(command)
    due = _due(command, command.due)
    with _refusing(command):
        return lifecycle.add_action(risk, command.title.strip(), command.owner.strip(), due.text, by=command.by,
                                    note=command.note.strip())


@handle.register
def revise_action(command: ReviseAction) -> rm.Action:
    action = _action(command, _risk(command))
    _check(command)
    merged = _merged(command, f"The action \u201c{action.title}\u201d", _opened_for(command, action.pk),
                     {k: v for k, v in action_values(action).items() if k != "status"},
                     {"title": command.title.strip(), "owner": command.owner.strip(), "due": command.due.strip()})
    if merged["due"] != action.due_text:  # a due date is checked when it changes (an old one may be "TBC")
        merged["due"] = _due(command, merged["due"]).text
    with _refusing(command):
        return lifecycle.revise_action(action, title=merged["title"], owner=merged["owner"], due=merged["due"],
                                       by=command.by, note=command.note.strip())


@handle.register
def retire_action(command: RetireAction) -> rm.Action:
    action = _action(command, _risk(command))
    _check(command)
    with _refusing(command):
        return lifecycle.retire_action(action, by=command.by, note=command.note.strip())


@handle.register
def revise_risk(command: ReviseRisk) -> rm.RiskEvent:
    """Every field of the risk's words and people, merged field by field with what changed
    since the form was opened; each changed field becomes a revision."""
    _check(command)
    risk = _risk(command)
    submitted = {}
    for name in ReviseRisk.FIELDS:
        value = getattr(command, name)
        submitted[name] = _lines(value) if name in ReviseRisk.LISTS else (value or "").strip()
    unknown = sorted(set(command.owner_directorates) - set(_directorate_codes()))
    if unknown:
        raise RiskError(command.failure, {"owner_directorates": message(
            command, "owner_directorates", f"no directorate {', '.join(unknown)}")})
    current = risk_values(risk)
    merged = _merged(command, command.risk_id, command.opened, {n: current[n] for n in ReviseRisk.FIELDS}, submitted)
    fields = {name: ([x for x in merged[name].split("\n") if x.strip()] if name in ReviseRisk.LISTS else merged[name])
              for name in ReviseRisk.FIELDS}
    with _refusing(command):
        return lifecycle.revise(risk, by=command.by, note=command.note.strip(), **fields)


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
    submitted = {k: v for k, v in (("title", title), ("owner", owner)) if v}  # blank keeps the field as it is
    merged = _merged(command, f"The control \u201c{control.title}\u201d", _opened_for(command, control.pk),
                     control_values(control), submitted)
    with _refusing(command):
        return lifecycle.revise_control(control, title=merged.get("title"), owner=merged.get("owner"), by=command.by,
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
    risk = _risk(command)
    current = risk_values(risk)
    submitted = {"scope": command.scope.strip(), **({"title": command.title.strip()} if command.title.strip() else {})}
    merged = _merged(command, command.risk_id, command.opened, {"scope": current["scope"], "title": current["title"]},
                     submitted)
    with _refusing(command):
        return lifecycle.descope(risk, merged["scope"], by=command.by, note=command.note.strip(),
                                 title=merged.get("title") if merged.get("title") != risk.title else None)


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
    into the new risk, moving the chosen controls and actions); returns the new risk."""
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
            controls = list(risk.controls.filter(pk__in=command.controls, removed_at__isnull=True))
            actions = list(risk.actions.filter(pk__in=command.actions, removed_at__isnull=True))
            gone = {"controls": set(command.controls) - {c.pk for c in controls},
                    "actions": set(command.actions) - {a.pk for a in actions}}
            problems = {k: message(command, k, f"#{', #'.join(map(str, sorted(v)))} is no longer in place on {risk.risk_id}")
                        for k, v in gone.items() if v}
            if problems:
                raise RiskError(command.failure, problems)
            return lifecycle.merge([risk, *others], title, owners, by=command.by, current=command.current,
                                   target=command.target, note=note, controls=controls, actions=actions)
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
