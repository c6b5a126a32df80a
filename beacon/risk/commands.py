"""What a caller asks the risk register to do: typed, frozen commands, built by the risk pages'
forms and by the API alike, and the one error the services (:mod:`beacon.risk.services`) raise.

A command holds typed values (a :class:`~beacon.domain.risk.Rating`, a date, ids), never form
text; turning text into them is the caller's input handling (:func:`rating_of` for a
likelihood and impact). ``by`` is the username the history records: the caller has checked
that user's permission.

Each command names its fields as the errors name them (``labels``: ``note`` -> ``Reason``),
the fields it cannot do without (``required``: field -> the reason when it is blank) and what
the error summary says when it fails (``failure``). The forms mark those fields required
with the same messages (:func:`message`), and the services check them again, whoever calls.
Field names are the forms' (``current_likelihood``, ``note``, ``new_title``), so an error the
service reports lands on the field the user typed into.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar

from beacon.domain.risk import Due, Rating, RiskRuleError, check_scale_value, parse_due

CHOOSE_ACTION = "Action: choose one of this risk's actions"
CHOOSE_CONTROL = "Control: choose one of this risk's controls"
OWNERS_HINT = "one per line, as 'Name, post'"


class RiskError(Exception):
    """A request the register's rules or state do not allow. ``field_errors`` maps a field
    name (``note``, ``current_likelihood``, ``title`` ...) to a message naming the field; a
    problem with no field of its own is the ``message``."""

    def __init__(self, message: str, field_errors: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.field_errors = dict(field_errors or {})


def rating_of(likelihood, impact, prefix: str = "current", label: str = "Current") -> Rating:
    """A rating from a likelihood and an impact (each a whole number 1-5) as a caller received
    them; raises :class:`RiskError` naming the field (``current_likelihood``) of each that is
    missing or off the scale."""
    errors = {}
    values = {}
    for part, value in (("likelihood", likelihood), ("impact", impact)):
        field = f"{prefix}_{part}"
        if value is None or value == "":
            errors[field] = f"{label} {part}: choose a value from 1 to 5"
            continue
        try:
            values[part] = check_scale_value(value, f"{label} {part}")
        except RiskRuleError as exc:
            errors[field] = str(exc)
    if errors:
        raise RiskError("The rating is not on the 1 to 5 scales", errors)
    return Rating(values["likelihood"], values["impact"], label.lower())


@dataclass(frozen=True)
class RiskCommand:
    """An operation on one risk (``risk_id``, ``CRR0001``). ``opened``: what the caller's form
    showed of the values it edits (field name -> text, as :func:`beacon.core.stale.seal` kept
    them; an item's fields as ``<id>.<field>``), so that the service refuses or merges a save made
    from an out-of-date page; None (an API call, a script) saves as before. ``version``: the
    risk's version the caller read (:func:`beacon.risk.services.risk_version`), refused if it is
    no longer the risk's."""

    risk_id: str
    by: str
    opened: Mapping[str, str] | None = field(default=None, kw_only=True, compare=False)
    version: str | None = field(default=None, kw_only=True)  # the API's If-Match: the risk's version read

    labels: ClassVar[dict[str, str]] = {"note": "Reason"}
    required: ClassVar[dict[str, str]] = {}
    failure: ClassVar[str] = "The operation was not carried out"


@dataclass(frozen=True)
class Rerate(RiskCommand):
    current: Rating
    note: str = ""

    required: ClassVar = {"note": "say why the rating changed"}
    failure: ClassVar = "The risk was not re-rated"


@dataclass(frozen=True)
class RecordActionUpdate(RiskCommand):
    """A dated progress update on one of the risk's actions; it sets the action's status."""

    action_id: int
    status: str
    text: str = ""

    labels: ClassVar = {"action": "Action", "status": "Status", "text": "Update"}
    required: ClassVar = {"text": "an update needs its text"}
    failure: ClassVar = "The update was not recorded"


@dataclass(frozen=True)
class ChangeTarget(RiskCommand):
    target: Rating
    note: str = ""

    required: ClassVar = {"note": "say why the target changed"}
    failure: ClassVar = "The target was not changed"


DUE_HINT = "write a month and year (March 2027), or a date (2027-03-31); add (review) for a review date"


def due_of(text: str) -> Due:
    """A due date as typed, parsed: ``March 2027``, ``June 2027 (review)``, ``2027-03-31``.
    Text that names no date (``sometime soon``) is refused, with how to write one."""
    try:
        due = parse_due(text)
    except RiskRuleError as exc:
        raise ValueError(f"{str(exc).removeprefix('due: ')}; {DUE_HINT}") from None
    if due.date is None:
        raise ValueError(f"{due.text!r} is not a date: {DUE_HINT}")
    return due


@dataclass(frozen=True)
class ReviseActionDate(RiskCommand):
    action_id: int
    due: str
    note: str = ""

    labels: ClassVar = {**RiskCommand.labels, "action": "Action", "due": "New due date"}
    required: ClassVar = {"due": "write it as printed, for example 'March 2024' or 'June 2024 (review)'"}
    failure: ClassVar = "The due date was not revised"


@dataclass(frozen=True)
class AddAction(RiskCommand):
    """A new mitigating action on the risk, listed after its others."""

    title: str
    owner: str = ""
    due: str = ""
    note: str = ""

    labels: ClassVar = {**RiskCommand.labels, "title": "Action", "owner": "Owner", "due": "Due date"}
    required: ClassVar = {"title": "describe the action", "due": DUE_HINT}
    failure: ClassVar = "The action was not added"


@dataclass(frozen=True)
class ReviseAction(RiskCommand):
    """A new title, owner and due date for one of the risk's actions (the page shows them all;
    what is unchanged stays)."""

    action_id: int
    title: str
    owner: str = ""
    due: str = ""
    note: str = ""

    labels: ClassVar = {**RiskCommand.labels, "action": "Action", "title": "Action", "owner": "Owner",
                        "due": "Due date"}
    required: ClassVar = {"title": "describe the action"}  # a due date is checked when it changes
    failure: ClassVar = "The action was not changed"


@dataclass(frozen=True)
class RetireAction(RiskCommand):
    """An action no longer on the register: kept in the history, never deleted."""

    action_id: int
    note: str = ""

    labels: ClassVar = {**RiskCommand.labels, "action": "Action"}
    required: ClassVar = {"note": "say why the action is no longer on the register"}
    failure: ClassVar = "The action was not retired"


@dataclass(frozen=True)
class ReviseRisk(RiskCommand):
    """The risk's words and people: every field a risk's page can edit (the ratings have their
    own commands, which keep the rating history)."""

    title: str
    owners: tuple[str, ...]
    owners_on_behalf_of: str = ""
    cabinet_members: tuple[str, ...] = ()
    cabinet_on_behalf_of: str = ""
    owner_directorates: tuple[str, ...] = ()
    cause: str = ""
    event: str = ""
    consequence: str = ""
    timescale_to_target: str = ""
    note: str = ""

    labels: ClassVar = {
        **RiskCommand.labels, "title": "Title", "owners": "Risk owners", "owners_on_behalf_of": "Owners on behalf of",
        "cabinet_members": "Cabinet Members", "cabinet_on_behalf_of": "Cabinet Members on behalf of",
        "owner_directorates": "Owner directorates", "cause": "Source / cause of risk", "event": "Risk event",
        "consequence": "Consequence", "timescale_to_target": "Timescale to target",
    }
    required: ClassVar = {"title": "a risk needs a title", "owners": f"name at least one owner ({OWNERS_HINT})"}
    failure: ClassVar = "The risk was not changed"

    # the fields, in order, that the page edits and the service merges
    FIELDS: ClassVar = ("title", "owners", "owners_on_behalf_of", "cabinet_members", "cabinet_on_behalf_of",
                        "owner_directorates", "cause", "event", "consequence", "timescale_to_target")
    LISTS: ClassVar = ("owners", "cabinet_members", "owner_directorates")


@dataclass(frozen=True)
class AddControl(RiskCommand):
    title: str
    owner: str = ""
    note: str = ""

    labels: ClassVar = {**RiskCommand.labels, "title": "Control", "owner": "Owner"}
    required: ClassVar = {"title": "describe the control in place"}
    failure: ClassVar = "The control was not added"


@dataclass(frozen=True)
class ReviseControl(RiskCommand):
    """A new title and/or owner (blank keeps it) for one of the risk's controls."""

    control_id: int
    title: str = ""
    owner: str = ""
    note: str = ""

    labels: ClassVar = {**RiskCommand.labels, "control": "Control", "title": "New title", "owner": "New owner"}
    failure: ClassVar = "The control was not revised"


@dataclass(frozen=True)
class RetireControl(RiskCommand):
    control_id: int
    note: str = ""

    labels: ClassVar = {**RiskCommand.labels, "control": "Control"}
    required: ClassVar = {"note": "say why the control is no longer in place"}
    failure: ClassVar = "The control was not retired"


@dataclass(frozen=True)
class FlagForReview(RiskCommand):
    note: str = ""

    labels: ClassVar = {"note": "Review note"}
    required: ClassVar = {"note": "say what is to be reviewed"}
    failure: ClassVar = "The risk was not flagged"


@dataclass(frozen=True)
class Descope(RiskCommand):
    scope: str
    title: str = ""  # a new title, or blank to keep it
    note: str = ""

    labels: ClassVar = {**RiskCommand.labels, "scope": "Scope", "title": "New title"}
    required: ClassVar = {"scope": "describe the new scope"}
    failure: ClassVar = "The scope was not revised"


@dataclass(frozen=True)
class Delegate(RiskCommand):
    """Move the risk to a directorate or service register (``de_escalate``: its owner may
    escalate it again)."""

    register: str
    de_escalate: bool = False
    note: str = ""

    labels: ClassVar = {**RiskCommand.labels, "register": "Register"}
    required: ClassVar = {"register": "name the directorate or service register"}
    failure: ClassVar = "The risk was not moved"


@dataclass(frozen=True)
class ReEscalate(RiskCommand):
    note: str = ""

    failure: ClassVar = "The risk was not re-escalated"


@dataclass(frozen=True)
class Withdraw(RiskCommand):
    note: str = ""

    required: ClassVar = {"note": "say why the risk is withdrawn"}
    failure: ClassVar = "The risk was not withdrawn"


@dataclass(frozen=True)
class CloseAndReplace(RiskCommand):
    """Close the risk and enter a new one (a new id) in its place."""

    new_title: str
    owners: tuple[str, ...]
    current: Rating
    target: Rating
    note: str = ""

    labels: ClassVar = {
        **RiskCommand.labels, "new_title": "Title of the new risk", "owners": "Risk owners of the new risk",
        "current_likelihood": "Current likelihood", "current_impact": "Current impact",
        "target_likelihood": "Target likelihood", "target_impact": "Target impact",
    }
    required: ClassVar = {"new_title": "a risk needs a title", "owners": f"name at least one ({OWNERS_HINT})"}
    failure: ClassVar = "The new risk was not entered"


@dataclass(frozen=True)
class Merge(CloseAndReplace):
    """Merge the risk with ``others`` (their ids) into a new risk."""

    others: tuple[str, ...] = ()
    controls: tuple[int, ...] = ()  # this risk's controls and actions that move to the new risk
    actions: tuple[int, ...] = ()

    labels: ClassVar = {**CloseAndReplace.labels, "others": "Risks to merge with", "controls": "Controls that move",
                        "actions": "Actions that move"}
    required: ClassVar = {**CloseAndReplace.required, "others": "give at least one other risk id, for example CRR0002"}


@dataclass(frozen=True)
class AddRisk:
    """A new risk on the corporate register, with the next unused id."""

    title: str
    owners: tuple[str, ...]
    current: Rating
    target: Rating
    by: str
    event: str = ""

    labels: ClassVar = {
        "title": "Title", "owners": "Risk owners", "event": "Risk event",
        "current_likelihood": "Current likelihood", "current_impact": "Current impact",
        "target_likelihood": "Target likelihood", "target_impact": "Target impact",
    }
    required: ClassVar = {"title": "a risk needs a title", "owners": f"name at least one owner ({OWNERS_HINT})"}
    failure: ClassVar = "The risk was not added"


@dataclass(frozen=True)
class PrepareEdition:
    """Freeze the register as presented to ``body`` on ``date``."""

    body: str
    date: dt.date
    by: str

    labels: ClassVar = {"body": "Body", "date": "Date"}
    required: ClassVar = {"body": "name the body the edition is presented to"}
    failure: ClassVar = "The edition was not prepared"


def owners_of(text: str) -> tuple[str, ...]:
    """Risk owners as typed, one per line ("Name, post")."""
    return tuple(line.strip() for line in (text or "").splitlines() if line.strip())


def risk_ids_of(text: str) -> tuple[str, ...]:
    """Risk ids as typed, separated by commas or semicolons (``crr0002; CRR0003``)."""
    return tuple(x.strip().upper() for x in (text or "").replace(";", ",").split(",") if x.strip())


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (isinstance(value, tuple) and not value)


def message(command, field: str, reason: str) -> str:
    """An error about ``field`` of ``command`` (a command or its class): ``Reason: say why
    the rating changed``."""
    label = command.labels.get(field)
    return f"{label}: {reason}" if label and not reason.startswith(f"{label}:") else reason


def missing(command) -> dict[str, str]:
    """The required fields of ``command`` left blank, with their messages."""
    return {name: message(command, name, reason) for name, reason in command.required.items()
            if blank(getattr(command, name))}
