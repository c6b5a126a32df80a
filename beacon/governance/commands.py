"""What a caller asks of the council's governance records: typed, frozen commands for bodies,
people and their roles, meetings, agendas, agenda items and pathways, built by the clerk's pages
(and any script) alike, and the one error the services (:mod:`beacon.governance.services`) raise.

A command holds typed values (dates, times, numbers, enum codes), never form text. ``by`` is the
username the history records: the caller has checked that user's permission
(:data:`beacon.core.permissions.MANAGE_MEETINGS`). A command that edits a record shown in a
form carries ``opened`` (what the form showed, field -> text; None: save as given), so that a save
made from an out-of-date page is merged field by field or refused
(:func:`beacon.core.stale.merge_or_refuse`). Field names are the forms', so an error the service
reports lands on the field the clerk typed into.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar

from beacon.domain import governance as g


class GovernanceError(Exception):
    """A request the governance rules or the records' state do not allow. ``field_errors`` maps a
    field name to a message that starts with the field's label; a problem with no field of its
    own is the ``message``."""

    def __init__(self, message: str, field_errors: Mapping[str, str] | None = None,
                 labels: Mapping[str, str] | None = None):
        super().__init__(message if not field_errors else f"{message}: " + "; ".join(field_errors.values()))
        self.message = message
        self.field_errors = dict(field_errors or {})
        self.labels = dict(labels or {})  # the label each field error starts with

    def unlabelled(self, name: str) -> str:
        """A field's error without the label it starts with (a form puts its own)."""
        text, label = self.field_errors[name], self.labels.get(name)
        return text[len(label) + 2:] if label and text.startswith(label + ": ") else text


@dataclass(frozen=True)
class Command:
    by: str

    labels: ClassVar[dict[str, str]] = {}
    failure: ClassVar[str] = "Nothing was saved"

    def error(self, problems: Mapping[str, str]) -> GovernanceError:
        """The service's refusal, each problem on its field and starting with the field's label."""
        labels = {name: self.labels.get(name, name) for name in problems}
        return GovernanceError(self.failure, {name: labelled(labels[name], text) for name, text in problems.items()},
                               labels)


def labelled(label: str, text: str) -> str:
    return text if text.startswith(label) else f"{label}: {text}"


# --- bodies, people, roles (§§1-2) ----------------------------------------------------------
@dataclass(frozen=True)
class SaveBody(Command):
    """Create a body (a new ``code``) or change one."""

    code: str = ""
    name: str = ""
    kind: g.BodyKind = g.BodyKind.COMMITTEE
    parent: str = ""
    aliases: tuple[str, ...] = ()
    quorum: int | None = None
    default_access: g.Access = g.Access.PUBLIC
    meeting_frequency: str = ""
    note: str = ""

    labels: ClassVar = {"code": "Code", "name": "Name", "kind": "Kind", "parent": "Parent body", "quorum": "Quorum"}
    failure: ClassVar = "The body was not saved"


@dataclass(frozen=True)
class SavePerson(Command):
    key: str = ""
    surname: str = ""
    title: str = ""
    initials: str = ""
    forename: str = ""
    known_as: str = ""
    honours: tuple[str, ...] = ()
    is_member: bool | None = None
    political_group: str = ""
    email: str = ""
    phone: str = ""

    labels: ClassVar = {"key": "Identifier", "surname": "Surname", "email": "E-mail"}
    failure: ClassVar = "The person was not saved"


@dataclass(frozen=True)
class AssignRole(Command):
    """A person takes a role (a portfolio or post, on a body or authority-wide) from a date."""

    person: str = ""
    role: g.RoleKind = g.RoleKind.OFFICER
    portfolio_or_post: str = ""
    body: str = ""
    from_date: dt.date | None = None
    to_date: dt.date | None = None
    aliases: tuple[str, ...] = ()

    labels: ClassVar = {"person": "Person", "role": "Role", "body": "Body", "from_date": "From", "to_date": "To"}
    failure: ClassVar = "The role was not recorded"


@dataclass(frozen=True)
class EndRole(Command):
    person: str = ""
    role: g.RoleKind = g.RoleKind.OFFICER
    portfolio_or_post: str = ""
    body: str = ""
    to_date: dt.date | None = None

    labels: ClassVar = {"person": "Person", "to_date": "Last day in the role"}
    failure: ClassVar = "The role was not ended"


# --- meetings (§3) ---------------------------------------------------------------------------
@dataclass(frozen=True)
class AddMeeting(Command):
    body: str = ""
    date: dt.date | None = None
    start_time: dt.time | None = None
    scheduled_end: dt.time | None = None
    venue: str = ""
    type: g.MeetingType = g.MeetingType.ORDINARY
    key: str = ""  # blank: <BODY>-<YYYY-MM-DD>, with a suffix when the body already meets that day
    standing_items: bool = False  # start the agenda with Apologies and Declarations of Interest

    labels: ClassVar = {"body": "Body", "date": "Date", "start_time": "Start time", "scheduled_end": "Scheduled end",
                        "venue": "Venue", "type": "Type", "key": "Identifier"}
    failure: ClassVar = "The meeting was not added"


@dataclass(frozen=True)
class EditMeeting(Command):
    meeting: str = ""
    date: dt.date | None = None
    start_time: dt.time | None = None
    scheduled_end: dt.time | None = None
    venue: str = ""
    type: str = ""
    presiding: str = ""
    opened: Mapping[str, str] | None = field(default=None, kw_only=True, compare=False)

    FIELDS: ClassVar = ("date", "start_time", "scheduled_end", "venue", "type", "presiding")
    labels: ClassVar = {"date": "Date", "start_time": "Start time", "scheduled_end": "Scheduled end",
                        "venue": "Venue", "type": "Type", "presiding": "Presiding"}
    failure: ClassVar = "The meeting's details were not saved"


@dataclass(frozen=True)
class CancelMeeting(Command):
    """Cancel a meeting, saying why and (if any) which meeting takes its business. Planned pathway
    steps and the cycle's placements at it are skipped with that reason."""

    meeting: str = ""
    reason: str = ""
    moved_to: str = ""

    labels: ClassVar = {"reason": "Reason", "moved_to": "Meeting that takes its business"}
    failure: ClassVar = "The meeting was not cancelled"


@dataclass(frozen=True)
class MarkHeld(Command):
    meeting: str = ""

    failure: ClassVar = "The meeting was not marked as held"


# --- agendas and items (§4) ------------------------------------------------------------------
@dataclass(frozen=True)
class SaveAgenda(Command):
    meeting: str = ""
    dispatch_date: dt.date | None = None
    addressees: str = ""
    preamble: str = ""
    signatory: str = ""
    signatory_post: str = ""
    signatory_phone: str = ""
    contact_officer: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    unrestricted_note: str = ""
    exempt_note: str = ""
    opened: Mapping[str, str] | None = field(default=None, kw_only=True, compare=False)

    FIELDS: ClassVar = ("dispatch_date", "addressees", "preamble", "signatory", "signatory_post", "signatory_phone",
                        "contact_officer", "contact_phone", "contact_email", "unrestricted_note", "exempt_note")
    labels: ClassVar = {
        "dispatch_date": "Dispatch date", "addressees": "Addressees", "preamble": "Summons wording",
        "signatory": "Signatory", "signatory_post": "Signatory's post", "signatory_phone": "Signatory's telephone",
        "contact_officer": "Contact officer", "contact_phone": "Contact telephone", "contact_email": "Contact e-mail",
        "unrestricted_note": "Text under UNRESTRICTED ITEMS", "exempt_note": "Text under EXEMPT ITEMS",
    }
    failure: ClassVar = "The agenda's details were not saved"


ITEM_LABELS = {
    "number": "Item number", "title": "Title", "category": "Category", "is_oral": "Oral item",
    "exempt": "Exempt item", "exempt_paragraph": "Schedule 12A paragraph",
    "public_interest_reason": "Public interest reason", "exempt_reason": "Reason for exclusion", "to": "Move to number",
}


@dataclass(frozen=True)
class AddItem(Command):
    meeting: str = ""
    title: str = ""
    category: g.ItemCategory = g.ItemCategory.REPORT
    number: int | None = None  # None: the next number
    is_oral: bool = False
    exempt: bool = False
    exempt_paragraph: int | None = None
    public_interest_reason: str = ""
    exempt_reason: str = ""

    labels: ClassVar = ITEM_LABELS
    failure: ClassVar = "The item was not added"


@dataclass(frozen=True)
class EditItem(Command):
    meeting: str = ""
    number: int = 0
    title: str = ""
    category: str = ""
    is_oral: bool = False
    exempt: bool = False
    exempt_paragraph: int | None = None
    public_interest_reason: str = ""
    exempt_reason: str = ""
    opened: Mapping[str, str] | None = field(default=None, kw_only=True, compare=False)

    FIELDS: ClassVar = ("title", "category", "is_oral", "exempt", "exempt_paragraph", "public_interest_reason",
                        "exempt_reason")
    labels: ClassVar = ITEM_LABELS
    failure: ClassVar = "The item was not saved"


@dataclass(frozen=True)
class MoveItem(Command):
    """Give item ``number`` the number ``to``; the items between move up or down one."""

    meeting: str = ""
    number: int = 0
    to: int = 0

    labels: ClassVar = ITEM_LABELS
    failure: ClassVar = "The item was not moved"


@dataclass(frozen=True)
class RemoveItem(Command):
    """Take item ``number`` off the agenda (one not yet in a dispatched pack, with no paper): the
    items after it move up one while no pack is dispatched."""

    meeting: str = ""
    number: int = 0

    labels: ClassVar = ITEM_LABELS
    failure: ClassVar = "The item was not removed"


@dataclass(frozen=True)
class MakeRoomForReport(Command):
    """Free the number before the agenda's first exempt item for a new report (§4.3: exempt items
    come last), moving the exempt items down one."""

    meeting: str = ""

    failure: ClassVar = "The paper was not placed"


# --- pathways (§10) --------------------------------------------------------------------------
@dataclass(frozen=True)
class AddPathwayStep(Command):
    paper: str = ""
    body: str = ""
    meeting: str = ""
    role: g.PathwayRole = g.PathwayRole.FUTURE
    status: g.PathwayStatus = g.PathwayStatus.PLANNED
    note: str = ""

    labels: ClassVar = {"paper": "Paper", "body": "Body", "meeting": "Meeting"}
    failure: ClassVar = "The pathway step was not added"


@dataclass(frozen=True)
class SkipPathwayStep(Command):
    paper: str = ""
    step: int = 0
    reason: str = ""

    labels: ClassVar = {"step": "Step", "reason": "Reason"}
    failure: ClassVar = "The pathway step was not skipped"
