"""The clerk's services: bodies, people and their roles, meetings (add, edit, cancel with where
its business went, held), agendas (dispatch date, signatory, contact, addressees, the standard
section texts), agenda items (add, edit, move, exempt with the Schedule 12A paragraph and the
public-interest reason, oral) and pathways. Each takes one typed command
(:mod:`beacon.governance.commands`), runs in one transaction, writes every change through
:mod:`beacon.core.audit` (so each field keeps its history) and raises
:class:`~beacon.governance.commands.GovernanceError` naming the fields concerned, or
:class:`~beacon.core.stale.StaleEdit` when the caller's form is out of date.

Roles are not checked here: the caller has asked :mod:`beacon.core.permissions`. The rules of the
records' state are checked here, whoever calls: a cancelled or held meeting is not edited as if it
were to come; the items of a dispatched pack keep their numbers.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction

from beacon.core import audit, clock
from beacon.core.stale import merge_or_refuse
from beacon.domain import cycle as rules
from beacon.domain import governance as g
from beacon.domain.governance_rules import date_words

from . import models as m
from .commands import (
    AddItem,
    AddMeeting,
    AddPathwayStep,
    AssignRole,
    CancelMeeting,
    EditItem,
    EditMeeting,
    EndRole,
    GovernanceError,
    MakeRoomForReport,
    MarkHeld,
    MoveItem,
    RemoveItem,
    SaveAgenda,
    SaveBody,
    SavePerson,
    SkipPathwayStep,
)

SOURCE = "clerk"
KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def _change(command, reason: str = "") -> audit.Change:
    return audit.Change(by=command.by, at=clock.now(), reason=reason, source=SOURCE)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def named(mt: m.Meeting) -> str:
    """A meeting as people name it: "Cabinet, 5 January 2023"."""
    return f"{mt.body.name}, {date_words(mt.date)}"


# --- finding records -------------------------------------------------------------------------
def meeting(key: str, command=None, lock: bool = False) -> m.Meeting:
    qs = m.Meeting.objects.select_related("body")
    if lock:
        qs = qs.select_for_update(of=("self",))
    found = qs.filter(key=key).first()
    if found is None:
        raise GovernanceError(f"{command.failure if command else 'Not found'}: there is no meeting {key}")
    return found


def _body(code: str, command, name: str = "body") -> m.Body:
    found = m.Body.objects.filter(code=code).first()
    if found is None:
        raise command.error({name: f"there is no body {code}" if code else "choose a body"})
    return found


def _person(key: str, command, name: str) -> m.Person | None:
    if not key:
        return None
    found = m.Person.objects.filter(key=key).first()
    if found is None:
        raise command.error({name: f"there is no person {key}"})
    return found


def dispatched(mt: m.Meeting) -> m.Pack | None:
    """The meeting's first dispatched pack (None: not dispatched yet)."""
    return mt.packs.order_by("dispatched_at", "pk").first()


# --- bodies, people, roles -------------------------------------------------------------------
def save_body(command: SaveBody) -> m.Body:
    problems = {}
    code, name = command.code.strip(), " ".join(command.name.split())
    if not KEY.match(code):
        problems["code"] = "letters, digits, dots, hyphens and underscores, such as CABINET or CYPE-CC"
    if not name:
        problems["name"] = "give the body's name as printed"
    if command.parent and command.parent == code:
        problems["parent"] = "a body is not its own parent"
    if problems:
        raise command.error(problems)
    with transaction.atomic():
        parent = _body(command.parent, command, "parent") if command.parent else None
        values = {"name": name, "kind": g.BodyKind(command.kind).value, "parent": parent,
                  "aliases": [a.strip() for a in command.aliases if a.strip()], "quorum": command.quorum,
                  "default_access": g.Access(command.default_access).value,
                  "meeting_frequency": command.meeting_frequency.strip(), "note": command.note.strip()}
        body, _ = audit.save_with_history(m.Body, {"code": code}, values, entity="body", key=code,
                                          change=_change(command), track_creation=("name", "kind"))
        return body


def save_person(command: SavePerson) -> m.Person:
    problems = {}
    key = command.key.strip()
    if not KEY.match(key):
        problems["key"] = "letters, digits, dots, hyphens and underscores, such as gough-r"
    if not command.surname.strip():
        problems["surname"] = "give the surname as printed"
    if command.email.strip() and "@" not in command.email:
        problems["email"] = "write an e-mail address, such as name@example.gov.uk"
    if problems:
        raise command.error(problems)
    values = {"surname": command.surname.strip(), "title": command.title.strip(), "initials": command.initials.strip(),
              "forename": command.forename.strip(), "known_as": command.known_as.strip(),
              "honours": [h.strip() for h in command.honours if h.strip()], "is_member": command.is_member,
              "political_group": command.political_group.strip(), "email": command.email.strip(),
              "phone": command.phone.strip()}
    with transaction.atomic():
        person, _ = audit.save_with_history(m.Person, {"key": key}, values, entity="person", key=key,
                                            change=_change(command), track_creation=("surname",))
        return person


def assign_role(command: AssignRole) -> m.RoleAssignment:
    with transaction.atomic():
        person = _person(command.person, command, "person")
        if person is None:
            raise command.error({"person": "choose a person"})
        body = _body(command.body, command) if command.body else None
        if command.from_date and command.to_date and command.to_date < command.from_date:
            raise command.error({"to_date": "the last day is before the first"})
        lookup = {"person": person, "role": g.RoleKind(command.role).value,
                  "portfolio_or_post": " ".join(command.portfolio_or_post.split()), "body": body}
        values = {"from_date": command.from_date, "to_date": command.to_date,
                  "aliases": [a.strip() for a in command.aliases if a.strip()]}
        role, _ = audit.save_with_history(m.RoleAssignment, lookup, values, entity="role",
                                          key=f"{person.key} {lookup['role']} {lookup['portfolio_or_post']}".strip(),
                                          change=_change(command), track_creation=("from_date",))
        return role


def end_role(command: EndRole) -> m.RoleAssignment:
    with transaction.atomic():
        role = m.RoleAssignment.objects.select_for_update().filter(
            person__key=command.person, role=command.role, portfolio_or_post=command.portfolio_or_post,
            **({"body__code": command.body} if command.body else {"body__isnull": True})).first()
        if role is None:
            raise command.error({"person": "holds no such role"})
        if command.to_date is None:
            raise command.error({"to_date": "give the last day in the role"})
        if role.from_date and command.to_date < role.from_date:
            raise command.error({"to_date": f"is before the first day in the role ({role.from_date.isoformat()})"})
        audit.save_with_history(m.RoleAssignment, {"pk": role.pk}, {"to_date": command.to_date}, entity="role",
                                key=f"{command.person} {role.role} {role.portfolio_or_post}".strip(),
                                change=_change(command))
        role.refresh_from_db()
        return role


def roles_on(person: m.Person, day: dt.date) -> list[m.RoleAssignment]:
    """The roles ``person`` held on ``day`` (an open-ended role holds from its first day on)."""
    return [r for r in person.roles.select_related("body")
            if (r.from_date is None or r.from_date <= day) and (r.to_date is None or day <= r.to_date)]


# --- meetings --------------------------------------------------------------------------------
def _meeting_key(body: m.Body, day: dt.date) -> str:
    base = f"{body.code}-{day.isoformat()}"
    key, n = base, 1
    while m.Meeting.objects.filter(key=key).exists():
        n += 1
        key = f"{base}-{n}"
    return key


def add_meeting(command: AddMeeting) -> m.Meeting:
    problems = {}
    if command.date is None:
        problems["date"] = "give the meeting's date"
    if command.key and not KEY.match(command.key):
        problems["key"] = "letters, digits, dots, hyphens and underscores, such as CABINET-2023-01-05"
    if command.start_time and command.scheduled_end and command.scheduled_end <= command.start_time:
        problems["scheduled_end"] = "is not after the start time"
    if not command.body:
        problems["body"] = "choose a body"
    if problems:
        raise command.error(problems)
    with transaction.atomic():
        body = _body(command.body, command)
        key = command.key.strip() or _meeting_key(body, command.date)
        if m.Meeting.objects.filter(key=key).exists():
            raise command.error({"key": f"{key} is already a meeting"})
        change = _change(command)
        values = {"body": body, "date": command.date, "start_time": command.start_time,
                  "scheduled_end": command.scheduled_end, "venue": " ".join(command.venue.split()),
                  "type": g.MeetingType(command.type).value, "status": g.MeetingStatus.SCHEDULED.value}
        mt, _ = audit.save_with_history(m.Meeting, {"key": key}, values, entity="meeting", key=key, change=change,
                                        track_creation=("date", "start_time", "venue", "type", "status"))
        audit.save_with_history(m.Agenda, {"meeting": mt}, {
            "unrestricted_note": rules.section_text("unrestricted", 0), "exempt_note": rules.section_text("exempt", 0)},
            entity="agenda", key=key, change=change)
        if command.standing_items:
            for number, title in enumerate(("Apologies", "Declarations of Interest"), 1):
                _create_item(mt, number, {"title": title, "category": g.ItemCategory.STANDING.value}, change)
        return mt


def meeting_values(mt: m.Meeting) -> dict[str, str]:
    """A meeting's editable details as text: what its form shows and seals."""
    return {"date": _text(mt.date), "start_time": _text(mt.start_time), "scheduled_end": _text(mt.scheduled_end),
            "venue": mt.venue, "type": mt.type, "presiding": mt.presiding.key if mt.presiding_id else ""}


def _not_past(mt: m.Meeting, command) -> None:
    if mt.status == g.MeetingStatus.CANCELLED:
        raise GovernanceError(f"{command.failure}: {named(mt)} was cancelled")


def edit_meeting(command: EditMeeting) -> m.Meeting:
    with transaction.atomic():
        mt = meeting(command.meeting, command, lock=True)
        _not_past(mt, command)
        submitted = {"date": _text(command.date), "start_time": _text(command.start_time),
                     "scheduled_end": _text(command.scheduled_end), "venue": " ".join(command.venue.split()),
                     "type": command.type, "presiding": command.presiding}
        merged = dict(merge_or_refuse(f"The meeting {named(mt)}", command.opened, meeting_values(mt), submitted,
                                      command.labels))
        problems = {}
        try:
            date = dt.date.fromisoformat(merged["date"]) if merged["date"] else None
        except ValueError:
            date = None
        if date is None:
            problems["date"] = "give the meeting's date"
        start = dt.time.fromisoformat(merged["start_time"]) if merged["start_time"] else None
        end = dt.time.fromisoformat(merged["scheduled_end"]) if merged["scheduled_end"] else None
        if start and end and end <= start:
            problems["scheduled_end"] = "is not after the start time"
        if merged["type"] and merged["type"] not in {t.value for t in g.MeetingType}:
            problems["type"] = f"“{merged['type']}” is not a type of meeting"
        if problems:
            raise command.error(problems)
        presiding = _person(merged["presiding"], command, "presiding")
        audit.save_with_history(m.Meeting, {"pk": mt.pk}, {
            "date": date, "start_time": start, "scheduled_end": end, "venue": merged["venue"], "type": merged["type"],
            "presiding": presiding}, entity="meeting", key=mt.key, change=_change(command))
        mt.refresh_from_db()
        return mt


def skip_reason(mt: m.Meeting, reason: str) -> str:
    """What a step skipped at a cancelled meeting says."""
    text = f"The meeting of {mt.body.name} on {date_words(mt.date)} was cancelled: {reason.strip().rstrip('.')}."
    if mt.business_moved_to_id:
        moved = mt.business_moved_to
        text += f" Its business went to {moved.body.name} on {date_words(moved.date)}."
    return text


def cancel_meeting(command: CancelMeeting) -> m.Meeting:
    """Cancel the meeting: its status, the reason (its note) and where its business went, each with
    its history; then every planned pathway step and every proposed or accepted placement at it is
    skipped with the reason, and the route goes straight on."""
    if not command.reason.strip():
        raise command.error({"reason": "say why the meeting is cancelled"})
    with transaction.atomic():
        mt = meeting(command.meeting, command, lock=True)
        if mt.status != g.MeetingStatus.SCHEDULED:
            raise GovernanceError(f"{command.failure}: {named(mt)} is {g.MeetingStatus(mt.status).label.lower()}, "
                                  "not scheduled")
        moved = None
        if command.moved_to:
            moved = m.Meeting.objects.select_related("body").filter(key=command.moved_to).first()
            if moved is None:
                raise command.error({"moved_to": f"there is no meeting {command.moved_to}"})
            if moved.pk == mt.pk:
                raise command.error({"moved_to": "choose another meeting than the one cancelled"})
            if moved.status != g.MeetingStatus.SCHEDULED:
                raise command.error({"moved_to": f"{named(moved)} is {g.MeetingStatus(moved.status).label.lower()}, not scheduled"})
        change = _change(command, command.reason.strip())
        audit.save_with_history(m.Meeting, {"pk": mt.pk}, {
            "status": g.MeetingStatus.CANCELLED.value, "note": command.reason.strip(), "business_moved_to": moved},
            entity="meeting", key=mt.key, change=change)
        mt.refresh_from_db()
        reason = skip_reason(mt, command.reason)
        for step in m.Pathway.objects.select_for_update(of=("self",)).select_related("paper").filter(
                meeting=mt, status=g.PathwayStatus.PLANNED):
            audit.save_with_history(m.Pathway, {"pk": step.pk}, {
                "status": g.PathwayStatus.SKIPPED.value, "skip_reason": reason}, entity="pathway",
                key=f"{step.paper.key} step {step.step}", change=change)
        for placement in m.Placement.objects.select_for_update().filter(
                meeting=mt, status__in=(g.PlacementStatus.PROPOSED, g.PlacementStatus.ACCEPTED)):
            audit.save_with_history(m.Placement, {"pk": placement.pk}, {
                "status": g.PlacementStatus.SKIPPED.value, "skip_reason": reason, "decided_by": command.by,
                "decided_at": change.at}, entity="placement",
                key=f"{placement.document_ref} step {placement.rule.step}", change=change)
        return mt


def mark_held(command: MarkHeld) -> m.Meeting:
    """The meeting took place: its status, and the planned pathway steps at it become done."""
    with transaction.atomic():
        mt = meeting(command.meeting, command, lock=True)
        if mt.status != g.MeetingStatus.SCHEDULED:
            raise GovernanceError(f"{command.failure}: {named(mt)} is {g.MeetingStatus(mt.status).label.lower()}, not scheduled")
        if mt.date > clock.today():
            raise GovernanceError(f"{command.failure}: {named(mt)} is still to come")
        change = _change(command)
        audit.save_with_history(m.Meeting, {"pk": mt.pk}, {"status": g.MeetingStatus.HELD.value}, entity="meeting",
                                key=mt.key, change=change)
        for step in m.Pathway.objects.select_related("paper").filter(meeting=mt, status=g.PathwayStatus.PLANNED):
            audit.save_with_history(m.Pathway, {"pk": step.pk}, {"status": g.PathwayStatus.DONE.value},
                                    entity="pathway", key=f"{step.paper.key} step {step.step}", change=change)
        mt.refresh_from_db()
        return mt


# --- agendas ---------------------------------------------------------------------------------
def agenda_of(mt: m.Meeting) -> m.Agenda:
    agenda = m.Agenda.objects.filter(meeting=mt).first()
    return agenda if agenda is not None else m.Agenda(meeting=mt)


def agenda_values(agenda: m.Agenda) -> dict[str, str]:
    out = {name: _text(getattr(agenda, name)) for name in SaveAgenda.FIELDS if name not in ("signatory", "contact_officer")}
    out["signatory"] = agenda.signatory.key if agenda.signatory_id else ""
    out["contact_officer"] = agenda.contact_officer.key if agenda.contact_officer_id else ""
    return out


def save_agenda(command: SaveAgenda) -> m.Agenda:
    with transaction.atomic():
        mt = meeting(command.meeting, command, lock=True)
        _not_past(mt, command)
        agenda = agenda_of(mt)
        submitted = {name: _text(getattr(command, name)).strip() for name in SaveAgenda.FIELDS}
        merged = dict(merge_or_refuse(f"The agenda of {named(mt)}", command.opened, agenda_values(agenda), submitted,
                                      command.labels))
        problems = {}
        dispatch = dt.date.fromisoformat(merged["dispatch_date"]) if merged["dispatch_date"] else None
        if dispatch and dispatch > mt.date:
            problems["dispatch_date"] = f"is after the meeting ({date_words(mt.date)})"
        if merged["contact_email"] and "@" not in merged["contact_email"]:
            problems["contact_email"] = "write an e-mail address, such as name@example.gov.uk"
        if problems:
            raise command.error(problems)
        values = {name: merged[name] for name in SaveAgenda.FIELDS if name not in ("signatory", "contact_officer", "dispatch_date")}
        values["dispatch_date"] = dispatch
        values["signatory"] = _person(merged["signatory"], command, "signatory")
        values["contact_officer"] = _person(merged["contact_officer"], command, "contact_officer")
        saved, _ = audit.save_with_history(m.Agenda, {"meeting": mt}, values, entity="agenda", key=mt.key,
                                           change=_change(command))
        return saved


# --- agenda items ----------------------------------------------------------------------------
def item_values(item: m.AgendaItem) -> dict[str, str]:
    return {"title": item.title, "category": item.category, "is_oral": _text(item.is_oral),
            "exempt": _text(item.section == g.Section.EXEMPT), "exempt_paragraph": _text(item.exempt_paragraph),
            "public_interest_reason": item.public_interest_reason, "exempt_reason": item.exempt_reason}


def _item_fields(command, title: str, category: str, exempt: bool, paragraph: int | None, public_interest: str,
                 exempt_reason: str, is_oral: bool) -> dict:
    problems = {}
    title = " ".join(title.split())
    if not title:
        problems["title"] = "give the item's title as the agenda prints it"
    if category not in {c.value for c in g.ItemCategory}:
        problems["category"] = f"“{category}” is not a category of item" if category else "choose a category"
    problems.update(rules.exempt_problems(exempt, paragraph, public_interest))
    if problems:
        raise command.error(problems)
    return {"title": title, "category": category, "is_oral": is_oral,
            "section": (g.Section.EXEMPT if exempt else g.Section.UNRESTRICTED).value,
            "exempt_paragraph": paragraph if exempt else None,
            "public_interest_reason": public_interest.strip() if exempt else "",
            "exempt_reason": exempt_reason.strip() if exempt else ""}


def _item_key(mt: m.Meeting, number: int) -> str:
    return f"{mt.key} item {number}"


def _create_item(mt: m.Meeting, number: int, values: dict, change: audit.Change) -> m.AgendaItem:
    item, _ = audit.save_with_history(m.AgendaItem, {"meeting": mt, "number": number}, values, entity="agenda item",
                                      key=_item_key(mt, number), change=change,
                                      track_creation=("title", "category", "section"))
    return item


def _refresh_exempt_note(mt: m.Meeting, change: audit.Change) -> None:
    """The EXEMPT ITEMS text follows the items while it is one of the standard texts."""
    agenda = m.Agenda.objects.filter(meeting=mt).first()
    if agenda is None:
        return
    standard = {rules.EXEMPT_TEXT, rules.EXEMPT_NONE_TEXT}
    if agenda.exempt_note and agenda.exempt_note not in standard:
        return
    wanted = rules.section_text("exempt", mt.items.filter(section=g.Section.EXEMPT).count())
    audit.save_with_history(m.Agenda, {"pk": agenda.pk}, {"exempt_note": wanted}, entity="agenda", key=mt.key,
                            change=change)


def add_item(command: AddItem) -> m.AgendaItem:
    with transaction.atomic():
        mt = meeting(command.meeting, command, lock=True)
        _not_past(mt, command)
        values = _item_fields(command, command.title, g.ItemCategory(command.category).value if command.category else "",
                              command.exempt, command.exempt_paragraph, command.public_interest_reason,
                              command.exempt_reason, command.is_oral)
        numbers = list(mt.items.values_list("number", flat=True))
        number = command.number or max(numbers, default=0) + 1
        if number < 1:
            raise command.error({"number": "an item number is 1 or more"})
        if number in numbers:
            raise command.error({"number": f"item {number} is already on the agenda; leave the number blank to add "
                                           "the item last, then move it"})
        change = _change(command)
        item = _create_item(mt, number, values, change)
        _refresh_exempt_note(mt, change)
        return item


def _item(mt: m.Meeting, number: int, command) -> m.AgendaItem:
    item = mt.items.select_for_update().filter(number=number).first()
    if item is None:
        raise GovernanceError(f"{command.failure}: the agenda of {named(mt)} has no item {number}")
    return item


def in_dispatched_pack(item: m.AgendaItem) -> bool:
    """Whether the item is in a pack already dispatched (the item numbers its agenda listed, or
    the items its page ranges cover)."""
    for pack in item.meeting.packs.all():
        numbers = {int(n) for n in (pack.items or [])} | {int(n) for n in (pack.pages or {})}
        if item.number in numbers:
            return True
    return False


def edit_item(command: EditItem) -> m.AgendaItem:
    with transaction.atomic():
        mt = meeting(command.meeting, command, lock=True)
        _not_past(mt, command)
        item = _item(mt, command.number, command)
        if in_dispatched_pack(item):
            raise GovernanceError(f"{command.failure}: item {item.number} was in the pack dispatched on "
                                  f"{date_words(dispatched(mt).dispatched_at.date())}, which is published as it was")
        submitted = {"title": " ".join(command.title.split()), "category": command.category,
                     "is_oral": _text(command.is_oral), "exempt": _text(command.exempt),
                     "exempt_paragraph": _text(command.exempt_paragraph),
                     "public_interest_reason": command.public_interest_reason.strip(),
                     "exempt_reason": command.exempt_reason.strip()}
        merged = dict(merge_or_refuse(f"Item {item.number} of {named(mt)}", command.opened, item_values(item), submitted,
                                      command.labels))
        paragraph = int(merged["exempt_paragraph"]) if merged["exempt_paragraph"] else None
        values = _item_fields(command, merged["title"], merged["category"], merged["exempt"] == "true", paragraph,
                              merged["public_interest_reason"], merged["exempt_reason"], merged["is_oral"] == "true")
        change = _change(command)
        audit.save_with_history(m.AgendaItem, {"pk": item.pk}, values, entity="agenda item",
                                key=_item_key(mt, item.number), change=change)
        if item.paper_id and values["section"] != item.section:
            audit.save_with_history(m.Paper, {"pk": item.paper_id}, {"classification": values["section"]},
                                    entity="paper", key=item.paper.key, change=change)
        _refresh_exempt_note(mt, change)
        item.refresh_from_db()
        return item


def move_item(command: MoveItem) -> list[m.AgendaItem]:
    """Item ``number`` becomes item ``to``; the others keep their order and the agenda is numbered
    on without gaps (:func:`beacon.domain.cycle.renumber`). A paper follows its item's number.
    Once a pack is dispatched its items keep their numbers (its page references cite them): only
    items added since move, among themselves."""
    with transaction.atomic():
        mt = meeting(command.meeting, command, lock=True)
        _not_past(mt, command)
        _item(mt, command.number, command)
        pack = dispatched(mt)
        items = {i.number: i for i in mt.items.select_for_update()}
        try:
            mapping = rules.renumber(list(items), command.number, command.to)
        except rules.CycleError as exc:
            raise command.error({"to": str(exc)}) from None
        moved = {old: new for old, new in mapping.items() if old != new}
        if pack is not None:
            frozen = sorted(old for old in moved if in_dispatched_pack(items[old]))
            if frozen or command.number in {n for n in items if in_dispatched_pack(items[n])}:
                raise GovernanceError(f"{command.failure}: the pack was dispatched on "
                                      f"{date_words(pack.dispatched_at.date())}; its items keep their numbers (an "
                                      "item added since moves only among the items added since)")
        if not moved:
            return []
        _renumber(mt, items, moved, _change(command))
        return [items[old] for old in moved]


def _renumber(mt: m.Meeting, items: dict[int, m.AgendaItem], moved: dict[int, int], change: audit.Change) -> None:
    """Give the items ``moved`` (old number -> new) their new numbers, with history; a paper
    follows its item's number."""
    if not moved:
        return
    offset = max([*items, *moved.values()]) + 1
    # two passes, so that no two items hold one number at once
    for old in moved:
        m.AgendaItem.objects.filter(pk=items[old].pk).update(number=offset + old)
    for old, new in moved.items():
        item = items[old]
        m.AgendaItem.objects.filter(pk=item.pk).update(number=new)
        audit.record_revision(change, item, "agenda item", _item_key(mt, new), "number", old, new)
        if item.paper_id:
            audit.save_with_history(m.Paper, {"pk": item.paper_id}, {"item": new}, entity="paper",
                                    key=item.paper.key, change=change)
        item.refresh_from_db()


def remove_item(command: RemoveItem) -> None:
    """Take an item off the agenda: refused for an item in a dispatched pack or with a paper (its
    paper keeps it); while no pack is dispatched the items after it move up one. An item added
    after dispatch can so be taken off again before its supplement goes out."""
    with transaction.atomic():
        mt = meeting(command.meeting, command, lock=True)
        _not_past(mt, command)
        item = _item(mt, command.number, command)
        if in_dispatched_pack(item):
            raise GovernanceError(f"{command.failure}: item {item.number} was in the pack dispatched on "
                                  f"{date_words(dispatched(mt).dispatched_at.date())}, which is published as it was")
        if item.paper_id or m.Paper.objects.filter(meeting=mt, item=item.number).exists():
            raise GovernanceError(f"{command.failure}: item {item.number} has a paper; an item with a paper stays "
                                  "on the agenda")
        change = _change(command)
        audit.record_revision(change, item, "agenda item", _item_key(mt, item.number), "removed", item.title, None)
        number = item.number
        item.delete()
        if dispatched(mt) is None:
            items = {i.number: i for i in mt.items.select_for_update()}
            _renumber(mt, items, {n: n - 1 for n in sorted(items) if n > number}, change)
        _refresh_exempt_note(mt, change)


def make_room_for_report(command: MakeRoomForReport) -> int | None:
    """The number a new report item takes so that it comes before the exempt items (§4.3): the
    first exempt item's, the exempt items from it moving down one (with history). None when the
    meeting has no exempt item, or once its pack is dispatched (items keep their numbers; the new
    item is numbered next, for a supplement)."""
    with transaction.atomic():
        mt = meeting(command.meeting, command, lock=True)
        if dispatched(mt) is not None:
            return None
        items = {i.number: i for i in mt.items.select_for_update(of=("self",)).select_related("paper")}
        exempt = sorted(n for n, i in items.items() if i.section == g.Section.EXEMPT)
        if not exempt:
            return None
        first = exempt[0]
        _renumber(mt, items, {n: n + 1 for n in sorted(items) if n >= first}, _change(command))
        return first


# --- pathways --------------------------------------------------------------------------------
def add_pathway_step(command: AddPathwayStep) -> m.Pathway:
    with transaction.atomic():
        paper = m.Paper.objects.select_for_update().filter(key=command.paper).first()
        if paper is None:
            raise command.error({"paper": f"there is no paper {command.paper}"})
        body = _body(command.body, command)
        mt = None
        if command.meeting:
            mt = m.Meeting.objects.filter(key=command.meeting).first()
            if mt is None:
                raise command.error({"meeting": f"there is no meeting {command.meeting}"})
            if mt.body_id != body.pk:
                raise command.error({"meeting": f"{named(mt)} is not a meeting of {body.name}"})
        step = max(paper.pathway.values_list("step", flat=True), default=0) + 1
        status = g.PathwayStatus(command.status).value
        if mt is not None and mt.status == g.MeetingStatus.CANCELLED and status == g.PathwayStatus.PLANNED:
            raise command.error({"meeting": f"{named(mt)} was cancelled"})
        row, _ = audit.save_with_history(m.Pathway, {"paper": paper, "step": step}, {
            "body": body, "meeting": mt, "role": g.PathwayRole(command.role).value, "status": status,
            "note": command.note.strip()}, entity="pathway", key=f"{paper.key} step {step}", change=_change(command),
            track_creation=("status",))
        return row


def skip_pathway_step(command: SkipPathwayStep) -> m.Pathway:
    if not command.reason.strip():
        raise command.error({"reason": "say why the step is skipped"})
    with transaction.atomic():
        row = m.Pathway.objects.select_for_update(of=("self",)).select_related("paper").filter(
            paper__key=command.paper, step=command.step).first()
        if row is None:
            raise command.error({"step": f"{command.paper} has no step {command.step}"})
        if row.status != g.PathwayStatus.PLANNED:
            raise command.error({"step": f"step {row.step} is {row.status}, not planned"})
        audit.save_with_history(m.Pathway, {"pk": row.pk}, {"status": g.PathwayStatus.SKIPPED.value,
                                                            "skip_reason": command.reason.strip()},
                                entity="pathway", key=f"{row.paper.key} step {row.step}",
                                change=_change(command, command.reason.strip()))
        row.refresh_from_db()
        return row


def record_route_on_paper(paper: m.Paper, steps: list[tuple[m.Body, m.Meeting | None, str, str]], by: str) -> None:
    """Write a paper's pathway from its route: (body, meeting, status, skip reason) in step order;
    the paper's own meeting is the current step, those before past, those after future. Steps the
    paper already has (by body) are left alone; the route's others are added after them."""
    change = audit.Change(by=by, at=clock.now(), source=SOURCE)
    held = {row.body_id for row in paper.pathway.all()}
    current = next((i for i, (_, mt, _, _) in enumerate(steps) if mt is not None and mt.pk == paper.meeting_id), None)
    number = max(paper.pathway.values_list("step", flat=True), default=0)
    for n, (body, mt, status, reason) in enumerate(steps):
        if body.pk in held:
            continue
        if current is None:
            role = g.PathwayRole.FUTURE
        else:
            role = g.PathwayRole.PAST if n < current else g.PathwayRole.CURRENT if n == current else g.PathwayRole.FUTURE
        number += 1
        audit.save_with_history(m.Pathway, {"paper": paper, "step": number}, {
            "body": body, "meeting": mt, "role": role.value, "status": status, "skip_reason": reason},
            entity="pathway", key=f"{paper.key} step {number}", change=change, track_creation=("status",))
        held.add(body.pk)


# --- reading, for the pages ------------------------------------------------------------------
def history(record, limit: int = 30) -> list:
    """A record's recent changes, newest first."""
    return list(audit.history_of(record).order_by("-changed_at", "-pk")[:limit])


def scheduled_meetings(exclude: m.Meeting | None = None):
    qs = m.Meeting.objects.select_related("body").filter(status=g.MeetingStatus.SCHEDULED).order_by("date", "key")
    return qs.exclude(pk=exclude.pk) if exclude is not None else qs

