"""Minutes (governance.md §8, §9): written by the clerk from the meeting's agenda, placed on the
next meeting's agenda as its first paper, approved there by resolution, then frozen.

Typed commands (frozen dataclasses) go in; the functions below carry each out in one transaction
with the meeting's minutes locked, so two clerks saving at once are merged field by field or
refused (:func:`beacon.core.stale.merge_or_refuse`), never overwritten. Every write goes through
:mod:`beacon.core.audit`, so each field keeps its history. The rules (words, numbering, the
warnings) are in :mod:`beacon.domain.minutes`.

Refusals are :class:`MinutesError` (a message and the fields it concerns); an edit of approved
minutes is :class:`MinutesFrozen`; a save from an out-of-date page is
:class:`beacon.core.stale.StaleEdit`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max

from beacon.core import clock
from beacon.core.audit import Change, record_revision, save_with_history
from beacon.core.stale import StaleEdit, merge_or_refuse
from beacon.domain import minutes as rules
from beacon.domain.governance import (
    AttendanceCategory,
    DeclarationAction,
    InterestType,
    ItemCategory,
    MeetingStatus,
    MinutesStatus,
    MotionKind,
    MotionOutcome,
    Numbering,
    OutcomeKind,
    PaperKind,
    PaperSource,
    ResolutionForm,
    ResolutionSource,
    ResolutionVerb,
    VoteChoice,
)
from beacon.domain.governance_rules import Name, date_words, vote_count_problems

from . import models as gm

__all__ = [
    "MinutesError", "MinutesFrozen", "StaleEdit",
    "StartMinutes", "AttendanceEntry", "SaveAttendance", "SaveMinute", "RemoveMinute", "RecordMotion",
    "RemoveMotion", "RecordDeclaration", "RemoveDeclaration", "PlaceMinutes", "ApproveMinutes", "NoteMinutes",
    "start_minutes", "save_attendance", "save_minute", "remove_minute", "record_motion", "remove_motion",
    "record_declaration", "remove_declaration", "place_minutes", "approve_minutes", "note_minutes",
    "attendance_values", "minute_values", "minutes_view", "display_name", "entry_of", "next_meetings",
    "next_free_minute", "MEETING_CATEGORIES", "meeting_name", "is_approved", "approving_minute", "ApprovingMinute",
    "voters_present", "HistoryRow", "history_row",
]

SOURCE = "minutes"


class MinutesError(Exception):
    """A refusal: ``message`` for the page, ``field_errors`` (field name -> sentence) for the
    fields it concerns."""

    def __init__(self, message: str, field_errors: Mapping[str, str] | None = None):
        self.message = message
        self.field_errors = dict(field_errors or {})
        super().__init__(message + ("" if not self.field_errors else ": " + "; ".join(self.field_errors.values())))


class MinutesFrozen(MinutesError):
    """Approved minutes are frozen: any edit of them raises this."""


# --- commands -------------------------------------------------------------------------------


@dataclass(frozen=True)
class StartMinutes:
    """Start the draft minutes of a held meeting from its agenda: one minute for each agenda item
    in ``item_numbers`` (None: every item), numbered on from ``first_number`` (None: 1 for a
    per-meeting series, the body's next number for a running one)."""

    meeting_key: str
    by: str
    numbering: Numbering = Numbering.PER_MEETING
    first_number: int | None = None
    item_numbers: tuple[int, ...] | None = None
    now: dt.datetime | None = None


MEETING_CATEGORIES = (AttendanceCategory.PRESENT, AttendanceCategory.APOLOGIES, AttendanceCategory.ALSO_PRESENT,
                      AttendanceCategory.IN_ATTENDANCE, AttendanceCategory.SUBSTITUTE)
"""The whole-meeting categories a person is in (one each); virtual and late are flags beside them."""


@dataclass(frozen=True)
class AttendanceEntry:
    """One person's attendance of the whole meeting: their category ("" for none), the role
    printed with their name, and whether they attended virtually or arrived late."""

    person: str
    category: str = ""
    role_text: str = ""
    virtual: bool = False
    late: bool = False


@dataclass(frozen=True)
class SaveAttendance:
    meeting_key: str
    by: str
    entries: tuple[AttendanceEntry, ...]
    chair: str = ""
    opened: Mapping[str, str] | None = None
    now: dt.datetime | None = None


@dataclass(frozen=True)
class SaveMinute:
    """Every field of one minute. ``new_number`` renumbers it (unique in its series);
    ``officers`` are (person, role) in attendance for this item."""

    meeting_key: str
    minute_number: int
    by: str
    title: str
    new_number: int
    item_number: int | None
    paragraphs: tuple[str, ...]
    outcome_kind: str
    outcome: str
    speakers: tuple[str, ...] = ()
    officers: tuple[tuple[str, str], ...] = ()
    opened: Mapping[str, str] | None = None
    now: dt.datetime | None = None


@dataclass(frozen=True)
class RemoveMinute:
    meeting_key: str
    minute_number: int
    by: str
    now: dt.datetime | None = None


@dataclass(frozen=True)
class RecordMotion:
    """A motion, proposed and seconded, with its outcome; a recorded vote lists the names under
    For, Against and Abstain and the printed counts, which must equal the names listed."""

    meeting_key: str
    minute_number: int
    by: str
    proposer: str
    text: str
    outcome: str
    kind: str = MotionKind.RECOMMENDATION
    seconder: str = ""
    recorded_vote: bool = False
    votes_for: tuple[str, ...] = ()
    votes_against: tuple[str, ...] = ()
    votes_abstain: tuple[str, ...] = ()
    for_count: int | None = None
    against_count: int | None = None
    abstain_count: int | None = None
    parent_key: str = ""
    now: dt.datetime | None = None


@dataclass(frozen=True)
class RemoveMotion:
    meeting_key: str
    motion_key: str
    by: str
    now: dt.datetime | None = None


@dataclass(frozen=True)
class RecordDeclaration:
    meeting_key: str
    by: str
    person: str
    item_number: int | None = None
    interest_type: str = ""
    action: str = ""
    text: str = ""
    now: dt.datetime | None = None


@dataclass(frozen=True)
class RemoveDeclaration:
    meeting_key: str
    declaration_id: int
    by: str
    now: dt.datetime | None = None


@dataclass(frozen=True)
class PlaceMinutes:
    """The draft minutes of ``meeting_key`` become the first paper of ``on_meeting_key``'s agenda
    (for noting, when that meeting is the parent body's)."""

    meeting_key: str
    on_meeting_key: str
    by: str
    now: dt.datetime | None = None


@dataclass(frozen=True)
class ApproveMinutes:
    """``at_meeting_key`` resolves, at its minute ``minute_number``, that the minutes of
    ``meeting_key`` were a correct record."""

    meeting_key: str
    at_meeting_key: str
    minute_number: int
    by: str
    now: dt.datetime | None = None


@dataclass(frozen=True)
class NoteMinutes:
    """The parent body's meeting notes a subsidiary body's approved minutes."""

    meeting_key: str
    at_meeting_key: str
    minute_number: int
    by: str
    now: dt.datetime | None = None


# --- helpers --------------------------------------------------------------------------------


def _change(command, reason: str = "") -> Change:
    return Change(by=command.by, at=command.now or clock.now(), reason=reason, source=SOURCE)


def display_name(person: gm.Person | None) -> str:
    """The attendance-list form of a person's name ("Mr R W Gough", "Mr P M Hill, OBE")."""
    if person is None:
        return ""
    return Name(person.title, person.initials, person.forename, person.surname, person.known_as,
                tuple(person.honours or ())).attendance or person.key


def _full_name(person: gm.Person) -> str:
    return Name(person.title, person.initials, person.forename, person.surname, person.known_as,
                tuple(person.honours or ())).full or person.key


def meeting_name(meeting: gm.Meeting) -> str:
    """A meeting as people name it: its body and its date in words ("Cabinet, 5 January 2023")."""
    return f"{meeting.body.name}, {date_words(meeting.date)}"


def is_approved(minutes: gm.Minutes | None) -> bool:
    """The one test of whether minutes are approved (and so read-only): frozen by Beacon, or
    (imported) marked approved or naming the meeting that approved them."""
    if minutes is None:
        return False
    return (minutes.frozen_at is not None or minutes.status == MinutesStatus.APPROVED
            or minutes.approved_at_meeting_id is not None)


def _meeting(key: str, failure: str = "The minutes") -> gm.Meeting:
    meeting = gm.Meeting.objects.select_related("body").filter(key=key).first()
    if meeting is None:
        raise MinutesError(f"{failure}: there is no such meeting")
    return meeting


def _locked_minutes(meeting: gm.Meeting, *, editing: bool = True) -> gm.Minutes:
    """The meeting's minutes, locked until the transaction ends; refused when they are frozen
    (``editing``)."""
    minutes = gm.Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is None:
        raise MinutesError(f"The minutes of {meeting_name(meeting)} have not been started")
    if editing:
        _not_frozen(minutes, meeting)
    return minutes


def _not_frozen(minutes: gm.Minutes, meeting: gm.Meeting) -> None:
    if is_approved(minutes):
        at = minutes.approved_at_meeting
        where = f" at {meeting_name(at)}, minute {minutes.approved_at_minute}" if at else ""
        raise MinutesFrozen(f"The minutes of {meeting_name(meeting)} were approved{where} and are frozen: "
                            "nothing can be changed")


def _people(keys, failure: str, field_name: str) -> dict[str, gm.Person]:
    keys = [k for k in keys if k]
    found = {p.key: p for p in gm.Person.objects.filter(key__in=keys)}
    unknown = [k for k in keys if k not in found]
    if unknown:
        raise MinutesError(failure, {field_name: f"there is no person {', '.join(unknown)}"})
    return found


def _delete_with_history(change: Change, obj, entity: str, key: str, fields: Sequence[str]) -> None:
    """Remove a row, recording each of its values going to blank first (its history stays)."""
    for name in fields:
        old = getattr(obj, name)
        if old not in (None, "", []):
            record_revision(change, obj, entity, key, name, old, None)
    obj.delete()


def _in_series(meeting: gm.Meeting, numbering: str):
    """The minute items of a meeting's series: its own (per meeting) or all the body's running
    minutes."""
    if numbering == Numbering.RUNNING:
        return gm.MinuteItem.objects.filter(meeting__body=meeting.body, meeting__minutes__numbering=Numbering.RUNNING)
    return gm.MinuteItem.objects.filter(meeting=meeting)


def _earlier_running_numbers(meeting: gm.Meeting) -> list[int]:
    previous = (gm.Minutes.objects.filter(meeting__body=meeting.body, numbering=Numbering.RUNNING,
                                          meeting__date__lt=meeting.date)
                .order_by("-meeting__date").select_related("meeting").first())
    if previous is None:
        return []
    return list(gm.MinuteItem.objects.filter(meeting=previous.meeting).values_list("minute_number", flat=True))


def _apologies_names(meeting: gm.Meeting) -> list[str]:
    rows = gm.Attendance.objects.filter(meeting=meeting, category=AttendanceCategory.APOLOGIES).select_related("person")
    return [r.name_as_printed or display_name(r.person) for r in rows]


def _is_apologies(title: str) -> bool:
    return "apolog" in title.lower()


def _is_declarations(title: str) -> bool:
    return "declaration" in title.lower()


# --- starting -------------------------------------------------------------------------------


def _proposed(item: gm.AgendaItem, meeting: gm.Meeting) -> tuple[str, str, list[tuple[rules.Proposed, Any]]]:
    """What a new minute is pre-filled with: its outcome kind and text, and the resolutions the
    item's paper recommends."""
    if _is_apologies(item.title) and item.category == ItemCategory.STANDING:
        return OutcomeKind.STATEMENT, rules.apologies_statement(_apologies_names(meeting)), []
    if _is_declarations(item.title) and item.category == ItemCategory.STANDING:
        return OutcomeKind.STATEMENT, rules.NO_DECLARATIONS, []
    paper = item.paper
    recs = list(paper.recommendations.order_by("seq")) if paper is not None else []
    if recs and item.category not in (ItemCategory.MINUTES, ItemCategory.MINUTES_FOR_NOTING):
        proposed = rules.resolutions_for([(r.verb, r.label) for r in recs])
        return OutcomeKind.RESOLVED, "\n\n".join(p.text for p in proposed), [(p, paper) for p in proposed]
    return OutcomeKind.NONE, "", []


def start_minutes(command: StartMinutes) -> gm.Minutes:
    with transaction.atomic():
        meeting = _meeting(command.meeting_key, "Start the minutes")
        if meeting.status == MeetingStatus.CANCELLED:
            raise MinutesError(f"Start the minutes: the meeting of {meeting_name(meeting)} was cancelled, so it has no minutes")
        if meeting.date > clock.today():
            raise MinutesError(f"Start the minutes: the meeting of {meeting_name(meeting)} has not been held yet")
        gm.Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        existing = gm.Minutes.objects.filter(meeting=meeting).first()
        if existing is not None:
            return existing
        numbering = Numbering(command.numbering)
        first = command.first_number or rules.first_minute_number(numbering, _earlier_running_numbers(meeting))
        items = {i.number: i for i in gm.AgendaItem.objects.filter(meeting=meeting).select_related("paper")}
        chosen = sorted(items) if command.item_numbers is None else sorted(set(command.item_numbers))
        unknown = [n for n in chosen if n not in items]
        if unknown:
            raise MinutesError("Start the minutes", {"items": f"item {unknown[0]} is not on the agenda of {meeting_name(meeting)}"})
        # minutes written already (the approval of the previous minutes, recorded at this meeting
        # before its own minutes were started) keep their numbers; the others are numbered around them
        written = {m.item_number: m.minute_number for m in gm.MinuteItem.objects.filter(meeting=meeting)
                   if m.item_number is not None}
        taken = set(_in_series(meeting, numbering).values_list("minute_number", flat=True))
        if numbering == Numbering.RUNNING and command.first_number and command.first_number in taken:
            raise MinutesError("Start the minutes", {"first_number": f"minute {command.first_number} is already used "
                                                                     f"in the {meeting.body.name}'s running series"})
        pairs = rules.number_around([n for n in chosen if n not in written], first,
                                    {i: n for i, n in written.items() if i in chosen}, taken)
        change = _change(command, "Minutes started")
        key = meeting.key
        minutes, _ = save_with_history(
            gm.Minutes, {"meeting": meeting},
            {"status": MinutesStatus.DRAFT, "numbering": numbering,
             "heading": rules.minutes_heading(meeting.body.name, meeting.venue, meeting.date)},
            entity="minutes", key=key, change=change, track_creation=("status", "numbering"))
        for number, item_number in pairs:
            item = items[item_number]
            kind, outcome, proposed = _proposed(item, meeting)
            minute, _ = save_with_history(
                gm.MinuteItem, {"meeting": meeting, "minute_number": number},
                {"item_number": item_number, "title": item.title, "outcome_kind": kind, "outcome": outcome},
                entity="minute", key=f"{key} {number}", change=change, track_creation=("title", "outcome"))
            for seq, (p, paper) in enumerate(proposed, start=1):
                save_with_history(gm.Resolution, {"meeting": meeting, "minute_number": number, "seq": seq},
                                  {"verb": p.verb, "text": p.text, "form": ResolutionForm.RESOLVED,
                                   "source": ResolutionSource.REPORT, "paper": paper},
                                  entity="resolution", key=f"{key} {number}.{seq}", change=change,
                                  track_creation=("text",))
        return minutes


# --- attendance -----------------------------------------------------------------------------


def _entry_text(category: str, role: str, virtual: bool, late: bool) -> str:
    flags = ",".join(f for f, on in (("virtual", virtual), ("late", late)) if on)
    return f"{category}|{role.strip()}|{flags}"


def entry_of(person: str, text: str) -> AttendanceEntry:
    category, role, flags = (text.split("|") + ["", "", ""])[:3]
    return AttendanceEntry(person, category, role, "virtual" in flags.split(","), "late" in flags.split(","))


def attendance_values(meeting: gm.Meeting) -> dict[str, str]:
    """The meeting's whole-meeting attendance as the form shows and seals it: one value per
    person ("category|role|flags"), and the chair."""
    out: dict[str, dict] = {}
    for row in gm.Attendance.objects.filter(meeting=meeting).exclude(
            category=AttendanceCategory.IN_ATTENDANCE_FOR_ITEM).select_related("person"):
        entry = out.setdefault(row.person.key, {"category": "", "role": "", "virtual": False, "late": False})
        if row.category in (AttendanceCategory.VIRTUAL, AttendanceCategory.LATE):
            entry[row.category] = True
        else:
            entry["category"], entry["role"] = row.category, row.role_text
    values = {f"person:{k}": _entry_text(e["category"], e["role"], e["virtual"], e["late"]) for k, e in out.items()}
    values["chair"] = meeting.presiding.key if meeting.presiding_id else ""
    return values


def save_attendance(command: SaveAttendance) -> gm.Minutes:
    """The whole meeting's attendance: each person's category (PRESENT, apologies, also present,
    in attendance, substitute), the role printed with their name, present virtually or late; and
    the chair (marked "(Chairman)" in PRESENT, and the meeting's presiding person). A save from an
    out-of-date page keeps another clerk's change to a person this page left alone, and refuses
    a person both changed. The Apologies minute's statement follows the apologies, unless the
    clerk wrote their own."""
    failure = "Save the attendance"
    with transaction.atomic():
        meeting = _meeting(command.meeting_key, failure)
        minutes = _locked_minutes(meeting)
        people = _people([e.person for e in command.entries] + [command.chair], failure, "attendance")
        errors = {}
        for e in command.entries:
            if e.category and e.category not in MEETING_CATEGORIES:
                errors[f"person:{e.person}"] = f"{e.category} is not an attendance category"
            if (e.virtual or e.late) and e.category not in (AttendanceCategory.PRESENT, AttendanceCategory.SUBSTITUTE):
                errors[f"person:{e.person}"] = (f"{display_name(people[e.person])} is marked virtual or late "
                                                "but not as present")
        if errors:
            raise MinutesError(failure, errors)
        current = attendance_values(meeting)
        # the entries are the whole attendance: a person not among them has none
        submitted = {k: "" for k in current if k.startswith("person:")}
        submitted.update({f"person:{e.person}": _entry_text(e.category, e.role_text, e.virtual, e.late)
                          for e in command.entries})
        submitted["chair"] = command.chair
        everyone = {p.key: p for p in gm.Person.objects.filter(key__in=[k.removeprefix("person:") for k in submitted])}
        labels = {f"person:{k}": f"Attendance of {display_name(p)}" for k, p in everyone.items()} | {"chair": "Chair"}
        merged = merge_or_refuse(f"The attendance of {meeting_name(meeting)}", command.opened, current, submitted, labels)
        wanted = {k.removeprefix("person:"): entry_of(k.removeprefix("person:"), v)
                  for k, v in {**current, **merged}.items() if k.startswith("person:")}
        chair = merged.get("chair", current.get("chair", ""))
        if chair:
            if chair not in wanted or wanted[chair].category != AttendanceCategory.PRESENT:
                who = display_name(people.get(chair) or gm.Person.objects.filter(key=chair).first())
                raise MinutesError(failure, {"chair": f"{who} chairs the meeting, so must be marked present"})
            if not wanted[chair].role_text:
                wanted[chair] = AttendanceEntry(chair, AttendanceCategory.PRESENT, "Chairman", wanted[chair].virtual,
                                                wanted[chair].late)
        change = _change(command, "Attendance recorded")
        before_apologies = rules.apologies_statement(_apologies_names(meeting))
        listed = {e.person: i for i, e in enumerate(command.entries)}
        wanted = dict(sorted(wanted.items(), key=lambda kv: listed.get(kv[0], len(listed))))
        _write_attendance(meeting, wanted, chair, change)
        if chair and meeting.presiding_id != gm.Person.objects.get(key=chair).pk:
            save_with_history(gm.Meeting, {"pk": meeting.pk}, {"presiding": gm.Person.objects.get(key=chair)},
                              entity="meeting", key=meeting.key, change=change)
        _follow_statement(meeting, change, _is_apologies, before_apologies,
                          rules.apologies_statement(_apologies_names(meeting)))
        return minutes


def _write_attendance(meeting: gm.Meeting, wanted: Mapping[str, AttendanceEntry], chair: str, change: Change) -> None:
    existing = list(gm.Attendance.objects.filter(meeting=meeting).exclude(
        category=AttendanceCategory.IN_ATTENDANCE_FOR_ITEM).select_related("person"))
    rows: dict[tuple[str, str], gm.Attendance] = {(r.person.key, r.category): r for r in existing}
    desired: dict[tuple[str, str], dict] = {}
    order = sorted(wanted.values(), key=lambda e: (e.person != chair,))  # the chair first, then as listed
    positions: dict[str, int] = {}
    persons = {p.key: p for p in gm.Person.objects.filter(key__in=list(wanted))}
    for e in order:
        if not e.category:
            continue
        positions[e.category] = positions.get(e.category, 0) + 1
        name = display_name(persons[e.person])
        desired[(e.person, e.category)] = {"role_text": e.role_text.strip(), "position": positions[e.category],
                                           "name_as_printed": name}
        for flag, on in ((AttendanceCategory.VIRTUAL, e.virtual), (AttendanceCategory.LATE, e.late)):
            if on:
                desired[(e.person, flag)] = {"role_text": "", "position": None, "name_as_printed": name}
    for (person, category), row in rows.items():
        if (person, category) not in desired:
            _delete_with_history(change, row, "attendance", f"{meeting.key} {person}", ("category", "role_text"))
    for (person, category), values in desired.items():
        row = rows.get((person, category))
        if row is None:
            obj = gm.Attendance.objects.create(meeting=meeting, person=persons[person], category=category, **values)
            record_revision(change, obj, "attendance", f"{meeting.key} {person}", "category", None, category)
            if values["role_text"]:
                record_revision(change, obj, "attendance", f"{meeting.key} {person}", "role_text", None, values["role_text"])
        else:
            save_with_history(gm.Attendance, {"pk": row.pk}, values, entity="attendance",
                              key=f"{meeting.key} {person}", change=change)


def _follow_statement(meeting: gm.Meeting, change: Change, which, before: str, after: str) -> None:
    """Keep a standing minute's statement (apologies, declarations) in step with the records it
    states, when it still says what Beacon wrote."""
    if before == after:
        return
    for minute in gm.MinuteItem.objects.filter(meeting=meeting, outcome_kind=OutcomeKind.STATEMENT):
        if which(minute.title) and minute.outcome.strip() == before:
            save_with_history(gm.MinuteItem, {"pk": minute.pk}, {"outcome": after}, entity="minute",
                              key=f"{meeting.key} {minute.minute_number}", change=change)


# --- one minute -----------------------------------------------------------------------------


def _item_officers(meeting: gm.Meeting, number: int) -> list[gm.Attendance]:
    return list(gm.Attendance.objects.filter(meeting=meeting, category=AttendanceCategory.IN_ATTENDANCE_FOR_ITEM,
                                             minute_number=number).select_related("person").order_by("position", "pk"))


def minute_values(minute: gm.MinuteItem) -> dict[str, str]:
    """One minute's editable values as its form shows and seals them (lists one entry a line)."""
    officers = _item_officers(minute.meeting, minute.minute_number)
    return {
        "title": minute.title,
        "number": str(minute.minute_number),
        "item_number": "" if minute.item_number is None else str(minute.item_number),
        "paragraphs": "\n\n".join(minute.text or ()),
        "outcome_kind": minute.outcome_kind,
        "outcome": minute.outcome,
        "speakers": "\n".join(minute.speakers or ()),
        "officers": "\n".join(f"{o.person.key}|{o.role_text}" for o in officers),
    }


LABELS = {"title": "Title", "number": "Minute number", "item_number": "Agenda item", "paragraphs": "Paragraphs",
          "outcome_kind": "Outcome", "outcome": "Outcome text", "speakers": "Speakers",
          "officers": "Officers in attendance for this item"}


def _minute(meeting: gm.Meeting, number: int, failure: str) -> gm.MinuteItem:
    minute = gm.MinuteItem.objects.select_related("meeting").filter(meeting=meeting, minute_number=number).first()
    if minute is None:
        raise MinutesError(f"{failure}: the minutes of {meeting_name(meeting)} have no minute {number}")
    return minute


_DEFAULT_OUTCOME = {OutcomeKind.AGREED_UNANIMOUSLY: "Agreed unanimously.", OutcomeKind.MOTION_LOST: "Motion lost."}


def _resolutions_of(kind: str, outcome: str, failure: str) -> list[tuple[ResolutionVerb, str]]:
    """The resolutions a minute's outcome records: each paragraph of a RESOLVED (or "... was
    noted.") outcome, with its verb."""
    if kind not in (OutcomeKind.RESOLVED, OutcomeKind.NOTED):
        return []
    out = []
    paragraphs = rules.paragraphs_of(outcome)
    for i, text in enumerate(paragraphs, start=1):
        verb = rules.resolution_verb(text)
        if verb is None:
            which = "the resolution" if len(paragraphs) == 1 else f"resolution {i}"
            raise MinutesError(failure, {"outcome": f"{which} says none of note, approve, agree, endorse, "
                                                    "consider and endorse or elect"})
        out.append((verb, text))
    return out


def save_minute(command: SaveMinute) -> gm.MinuteItem:
    """Save one minute (its title, number, agenda item, paragraphs, outcome and resolutions, its
    speakers and the officers in attendance for it), merged with another clerk's change to a field
    this page left alone; refused when both changed a field."""
    failure = f"Save minute {command.minute_number}"
    with transaction.atomic():
        meeting = _meeting(command.meeting_key, failure)
        minutes = _locked_minutes(meeting)
        minute = _minute(meeting, command.minute_number, failure)
        current = minute_values(minute)
        submitted = {
            "title": command.title.strip(), "number": str(command.new_number),
            "item_number": "" if command.item_number is None else str(command.item_number),
            "paragraphs": "\n\n".join(p.strip() for p in command.paragraphs if p.strip()),
            "outcome_kind": command.outcome_kind, "outcome": command.outcome.strip(),
            "speakers": "\n".join(dict.fromkeys(s for s in command.speakers if s)),
            "officers": "\n".join(f"{k}|{r.strip()}" for k, r in command.officers if k),
        }
        merged = dict(merge_or_refuse(f"Minute {minute.minute_number}", command.opened, current, submitted, LABELS))
        errors: dict[str, str] = {}
        if not merged["title"]:
            errors["title"] = "enter the minute's title"
        try:
            new_number = int(merged["number"])
            if new_number < 1:
                raise ValueError
        except ValueError:
            errors["number"] = "enter a whole number, 1 or more"
            new_number = minute.minute_number
        if new_number != minute.minute_number and _in_series(meeting, minutes.numbering).filter(
                minute_number=new_number).exclude(pk=minute.pk).exists():
            errors["number"] = f"minute {new_number} is already used in this series"
        item_number = int(merged["item_number"]) if merged["item_number"] else None
        agenda = set(gm.AgendaItem.objects.filter(meeting=meeting).values_list("number", flat=True))
        if item_number is not None and agenda and item_number not in agenda:
            errors["item_number"] = f"item {item_number} is not on the agenda of {meeting_name(meeting)}"
        kind = merged["outcome_kind"]
        if kind not in OutcomeKind._value2member_map_:
            errors["outcome_kind"] = "choose what the minute records"
        outcome = merged["outcome"] or _DEFAULT_OUTCOME.get(kind, "")
        if kind in (OutcomeKind.RESOLVED, OutcomeKind.NOTED, OutcomeKind.STATEMENT) and not outcome:
            errors["outcome"] = f"enter the {'statement' if kind == OutcomeKind.STATEMENT else 'resolution'}"
        if kind == OutcomeKind.NONE and outcome:
            errors["outcome"] = "a minute with no decision recorded has no outcome text: choose what was decided, or clear it"
        speakers = [s for s in merged["speakers"].split("\n") if s]
        officers = [tuple((line.split("|", 1) + [""])[:2]) for line in merged["officers"].split("\n") if line]
        try:
            _people(speakers, failure, "speakers")
            _people([k for k, _ in officers], failure, "officers")
        except MinutesError as exc:
            errors.update(exc.field_errors)
        if errors:
            raise MinutesError(failure, errors)
        resolutions = _resolutions_of(kind, outcome, failure)
        change = _change(command, f"Minute {minute.minute_number} written")
        old = minute.minute_number
        if new_number != old:
            _renumber(meeting, old, new_number, change)
            minute.refresh_from_db()
        label = f"{meeting.key} {new_number}"
        save_with_history(gm.MinuteItem, {"pk": minute.pk}, {
            "title": merged["title"], "item_number": item_number,
            "text": rules.paragraphs_of(merged["paragraphs"]), "outcome_kind": kind, "outcome": outcome,
            "speakers": speakers}, entity="minute", key=label, change=change)
        minute.refresh_from_db()
        minute.paragraphs = len(minute.text)
        minute.save(update_fields=["paragraphs"])
        _write_resolutions(meeting, minute, kind, resolutions, change)
        _write_officers(meeting, new_number, officers, change)
        return minute


def _renumber(meeting: gm.Meeting, old: int, new: int, change: Change) -> None:
    label = f"{meeting.key} {new}"
    for model, entity in ((gm.MinuteItem, "minute"), (gm.Resolution, "resolution"), (gm.Attendance, "attendance"),
                          (gm.Motion, "motion"), (gm.Declaration, "declaration")):
        for obj in model.objects.filter(meeting=meeting, minute_number=old):
            save_with_history(model, {"pk": obj.pk}, {"minute_number": new}, entity=entity, key=label, change=change)


def _write_resolutions(meeting: gm.Meeting, minute: gm.MinuteItem, kind: str,
                       resolutions: Sequence[tuple[ResolutionVerb, str]], change: Change) -> None:
    number = minute.minute_number
    existing = {r.seq: r for r in gm.Resolution.objects.filter(meeting=meeting, minute_number=number)}
    item = gm.AgendaItem.objects.filter(meeting=meeting, number=minute.item_number).select_related("paper").first() \
        if minute.item_number is not None else None
    paper = item.paper if item is not None else None
    default_source = (ResolutionSource.PROCEDURAL if item is not None and item.category in (
        ItemCategory.MINUTES, ItemCategory.MINUTES_FOR_NOTING) else ResolutionSource.REPORT)
    form = ResolutionForm.NOTED if kind == OutcomeKind.NOTED else ResolutionForm.RESOLVED
    for seq, (verb, text) in enumerate(resolutions, start=1):
        before = existing.pop(seq, None)
        values = {"verb": verb, "text": text, "form": form}
        defaults = {"source": before.source if before else default_source, "paper": paper}
        save_with_history(gm.Resolution, {"meeting": meeting, "minute_number": number, "seq": seq}, values,
                          defaults=defaults, entity="resolution", key=f"{meeting.key} {number}.{seq}", change=change,
                          track_creation=("text",))
    for seq, row in existing.items():
        _delete_with_history(change, row, "resolution", f"{meeting.key} {number}.{seq}", ("verb", "text"))


def _write_officers(meeting: gm.Meeting, number: int, officers: Sequence[tuple[str, str]], change: Change) -> None:
    existing = {o.person.key: o for o in _item_officers(meeting, number)}
    people = {p.key: p for p in gm.Person.objects.filter(key__in=[k for k, _ in officers])}
    label = f"{meeting.key} {number}"
    for position, (key, role) in enumerate(dict(officers).items(), start=1):
        row = existing.pop(key, None)
        values = {"role_text": role.strip(), "position": position, "name_as_printed": _full_name(people[key])}
        if row is None:
            obj = gm.Attendance.objects.create(meeting=meeting, person=people[key], minute_number=number,
                                               category=AttendanceCategory.IN_ATTENDANCE_FOR_ITEM, **values)
            record_revision(change, obj, "attendance", f"{label} {key}", "category", None, obj.category)
            if values["role_text"]:
                record_revision(change, obj, "attendance", f"{label} {key}", "role_text", None, values["role_text"])
        else:
            save_with_history(gm.Attendance, {"pk": row.pk}, values, entity="attendance", key=f"{label} {key}",
                              change=change)
    for key, row in existing.items():
        _delete_with_history(change, row, "attendance", f"{label} {key}", ("category", "role_text"))


def remove_minute(command: RemoveMinute) -> None:
    """Remove a minute (a standing item may have none; the numbers of the others stay)."""
    failure = f"Remove minute {command.minute_number}"
    with transaction.atomic():
        meeting = _meeting(command.meeting_key, failure)
        _locked_minutes(meeting)
        minute = _minute(meeting, command.minute_number, failure)
        if gm.Motion.objects.filter(meeting=meeting, minute_number=minute.minute_number).exists():
            raise MinutesError(f"{failure}: it records a motion; remove the motion first")
        change = _change(command, f"Minute {minute.minute_number} removed")
        label = f"{meeting.key} {minute.minute_number}"
        for r in gm.Resolution.objects.filter(meeting=meeting, minute_number=minute.minute_number):
            _delete_with_history(change, r, "resolution", f"{label}.{r.seq}", ("verb", "text"))
        for o in _item_officers(meeting, minute.minute_number):
            _delete_with_history(change, o, "attendance", f"{label} {o.person.key}", ("category", "role_text"))
        gm.Declaration.objects.filter(meeting=meeting, minute_number=minute.minute_number).update(minute_number=None)
        _delete_with_history(change, minute, "minute", label, ("title", "item_number", "outcome_kind", "outcome"))


# --- motions and recorded votes -------------------------------------------------------------

_VOTE_FIELDS = {VoteChoice.FOR: "for_count", VoteChoice.AGAINST: "against_count", VoteChoice.ABSTAIN: "abstain_count"}


def voters_present(meeting: gm.Meeting) -> list[gm.Person]:
    """The members who may vote at a meeting: members recorded present, as a substitute or also
    present (:data:`beacon.domain.minutes.VOTING`), in the order of the attendance."""
    rows = gm.Attendance.objects.filter(meeting=meeting, person__is_member=True).select_related("person")
    facts = rules.AttendanceFacts(tuple(rules.AttendanceRow(r.person.key, AttendanceCategory(r.category))
                                        for r in rows), frozenset(r.person.key for r in rows))
    present = facts.present_members()
    out: dict[str, gm.Person] = {}
    for r in sorted(rows, key=lambda r: (r.position or 0, r.pk)):
        if r.person.key in present:
            out.setdefault(r.person.key, r.person)
    return list(out.values())


def record_motion(command: RecordMotion) -> gm.Motion:
    """Record a motion with its proposer, seconder and outcome. A recorded vote's printed counts
    must equal the names listed (refused, naming the difference); a voter who is not recorded as
    a member present is refused at the list naming them."""
    failure = f"Record a motion at minute {command.minute_number}"
    with transaction.atomic():
        meeting = _meeting(command.meeting_key, failure)
        _locked_minutes(meeting)
        _minute(meeting, command.minute_number, failure)
        errors: dict[str, str] = {}
        if not command.proposer:
            errors["proposer"] = "choose who proposed the motion"
        if not command.text.strip():
            errors["text"] = "enter the motion as moved"
        if command.seconder and command.seconder == command.proposer:
            errors["seconder"] = "the seconder cannot be the proposer"
        if command.kind not in MotionKind._value2member_map_:
            errors["kind"] = "choose the kind of motion"
        if command.outcome not in MotionOutcome._value2member_map_:
            errors["outcome"] = "choose the outcome"
        names = {VoteChoice.FOR: command.votes_for, VoteChoice.AGAINST: command.votes_against,
                 VoteChoice.ABSTAIN: command.votes_abstain}
        printed = {VoteChoice.FOR: command.for_count, VoteChoice.AGAINST: command.against_count,
                   VoteChoice.ABSTAIN: command.abstain_count}
        if command.recorded_vote:
            for choice in VoteChoice:
                problems = vote_count_problems({choice: printed[choice]}, {choice: names[choice]})
                if problems:
                    errors[_VOTE_FIELDS[choice]] = problems[0].removeprefix(f"{choice.label}: ")
            voters = [p for choice in VoteChoice for p in names[choice]]
            twice = sorted({p for p in voters if voters.count(p) > 1})
            if twice:
                errors["votes_for"] = f"{', '.join(twice)} voted more than once"
            if not voters:
                errors["votes_for"] = "a recorded vote lists the names of those who voted"
            present = {p.key for p in voters_present(meeting)}
            named = {p.key: display_name(p) for p in gm.Person.objects.filter(key__in=voters)}
            for choice in VoteChoice:
                absent = [named.get(p, p) for p in names[choice] if p not in present]
                if absent:
                    errors[f"votes_{choice.value}"] = (
                        f"{rules.name_list(absent)} {'is' if len(absent) == 1 else 'are'} not recorded as a member "
                        "present at the meeting: record the attendance first")
        elif any(names.values()):
            errors["recorded_vote"] = "names of voters are listed only for a recorded vote: tick recorded vote"
        parent = None
        if command.parent_key:
            parent = gm.Motion.objects.filter(key=command.parent_key, meeting=meeting).first()
            if parent is None:
                errors["parent"] = "choose a motion recorded at this minute"
        if command.kind == MotionKind.AMENDMENT and not command.parent_key:
            errors["parent"] = "choose the motion this amends"
        if errors:
            raise MinutesError(failure, errors)
        people = _people([command.proposer, command.seconder, *(p for v in names.values() for p in v)], failure, "votes_for")
        base = f"{meeting.key}-M{command.minute_number}"
        if command.kind == MotionKind.AMENDMENT and parent is not None:
            n = parent.amendments.count() + 1
            key = f"{parent.key}-A{n}"
        else:
            key, n = base, 1
            while gm.Motion.objects.filter(key=key).exists():
                n += 1
                key = f"{base}-{n}"
        change = _change(command, "Motion recorded")
        motion, _ = save_with_history(gm.Motion, {"key": key}, {
            "meeting": meeting, "minute_number": command.minute_number, "kind": command.kind, "parent": parent,
            "proposer": people[command.proposer], "seconder": people.get(command.seconder),
            "text": command.text.strip(), "outcome": command.outcome,
            "outcome_as_printed": {MotionOutcome.LOST: "Motion lost.",
                                   MotionOutcome.AGREED_UNANIMOUSLY: "Agreed unanimously."}.get(command.outcome, ""),
            "recorded_vote": command.recorded_vote,
            "for_count_printed": command.for_count if command.recorded_vote else None,
            "against_count_printed": command.against_count if command.recorded_vote else None,
            "abstain_count_printed": command.abstain_count if command.recorded_vote else None,
        }, entity="motion", key=key, change=change, track_creation=("text", "outcome"))
        for choice in VoteChoice:
            for position, person in enumerate(names[choice], start=1):
                vote = gm.Vote.objects.create(motion=motion, person=people[person], vote=choice, position=position,
                                              name_as_printed=rules_name(people[person]))
                record_revision(change, vote, "vote", f"{key} {person}", "vote", None, choice)
        return motion


def rules_name(person: gm.Person) -> str:
    """A voter's or mover's name as minutes print it: "Title Surname" (§8.6), or with initials
    ("Mr P Cole") when another member shares the title and surname."""
    name = Name(person.title, person.initials, person.forename, person.surname)
    if person.title and gm.Person.objects.filter(title=person.title, surname=person.surname, is_member=True).exclude(
            pk=person.pk).exists():
        return " ".join(p for p in (person.title, person.initials or person.forename, person.surname) if p)
    return name.formal


def remove_motion(command: RemoveMotion) -> None:
    with transaction.atomic():
        meeting = _meeting(command.meeting_key, "Remove the motion")
        _locked_minutes(meeting)
        motion = gm.Motion.objects.filter(key=command.motion_key, meeting=meeting).first()
        if motion is None:
            raise MinutesError("Remove the motion: it is not one of this meeting's motions")
        if motion.amendments.exists() or motion.resolutions.exists():
            raise MinutesError("Remove the motion: it has amendments or resolutions; remove those first")
        change = _change(command, "Motion removed")
        for vote in motion.votes.select_related("person"):
            _delete_with_history(change, vote, "vote", f"{motion.key} {vote.person.key}", ("vote",))
        _delete_with_history(change, motion, "motion", motion.key, ("text", "outcome"))


# --- declarations of interest ---------------------------------------------------------------


def _declarations_minute(meeting: gm.Meeting) -> gm.MinuteItem | None:
    for minute in gm.MinuteItem.objects.filter(meeting=meeting):
        if _is_declarations(minute.title):
            return minute
    return None


def declaration_sentence(person: gm.Person, item_number: int | None, interest_type: str, action: str) -> str:
    what = InterestType(interest_type).label.lower() if interest_type else "an interest"
    article = "" if not interest_type else ("an " if what[0] in "aeiou" else "a ")
    where = f" in item {item_number}" if item_number else ""
    then = {DeclarationAction.WITHDREW: " and withdrew from the meeting for that item",
            DeclarationAction.REMAINED: " and remained in the meeting"}.get(action, "")
    return f"{display_name(person)} declared {article}{what}{where}{then}."


def _declarations_statement(meeting: gm.Meeting) -> str:
    rows = gm.Declaration.objects.filter(meeting=meeting).select_related("person").order_by("pk")
    if not rows:
        return rules.NO_DECLARATIONS
    return "\n\n".join(r.text or declaration_sentence(r.person, r.item_number, r.interest_type, r.action) for r in rows)


def record_declaration(command: RecordDeclaration) -> gm.Declaration:
    failure = "Record a declaration of interest"
    with transaction.atomic():
        meeting = _meeting(command.meeting_key, failure)
        _locked_minutes(meeting)
        errors = {}
        if not command.person:
            errors["person"] = "choose who declared the interest"
        if command.interest_type and command.interest_type not in InterestType._value2member_map_:
            errors["interest_type"] = "choose the kind of interest"
        if command.action and command.action not in DeclarationAction._value2member_map_:
            errors["action"] = "choose whether they withdrew or remained"
        agenda = set(gm.AgendaItem.objects.filter(meeting=meeting).values_list("number", flat=True))
        if command.item_number is not None and agenda and command.item_number not in agenda:
            errors["item_number"] = f"item {command.item_number} is not on the agenda of {meeting_name(meeting)}"
        if errors:
            raise MinutesError(failure, errors)
        person = _people([command.person], failure, "person")[command.person]
        change = _change(command, "Declaration recorded")
        before = _declarations_statement(meeting)
        minute = _declarations_minute(meeting)
        obj = gm.Declaration.objects.create(
            meeting=meeting, person=person, item_number=command.item_number,
            minute_number=minute.minute_number if minute else None, interest_type=command.interest_type,
            action=command.action, text=command.text.strip())
        for name in ("interest_type", "action", "text", "item_number"):
            if getattr(obj, name) not in (None, ""):
                record_revision(change, obj, "declaration", f"{meeting.key} {person.key}", name, None, getattr(obj, name))
        record_revision(change, obj, "declaration", f"{meeting.key} {person.key}", "person", None, person.key)
        _follow_statement(meeting, change, _is_declarations, before, _declarations_statement(meeting))
        return obj


def remove_declaration(command: RemoveDeclaration) -> None:
    with transaction.atomic():
        meeting = _meeting(command.meeting_key, "Remove the declaration")
        _locked_minutes(meeting)
        obj = gm.Declaration.objects.filter(meeting=meeting, pk=command.declaration_id).select_related("person").first()
        if obj is None:
            raise MinutesError("Remove the declaration: it is not one of this meeting's")
        change = _change(command, "Declaration removed")
        before = _declarations_statement(meeting)
        _delete_with_history(change, obj, "declaration", f"{meeting.key} {obj.person.key}",
                             ("interest_type", "action", "text", "item_number"))
        _follow_statement(meeting, change, _is_declarations, before, _declarations_statement(meeting))


# --- the next meeting: placing, approving, noting (§9) ---------------------------------------


def _is_parent(meeting: gm.Meeting, other: gm.Meeting) -> bool:
    return meeting.body.parent_id is not None and meeting.body.parent_id == other.body_id


def place_minutes(command: PlaceMinutes) -> gm.Paper:
    """The draft minutes become the first paper (category "minutes") of the next meeting's agenda:
    the agenda's minutes item takes them, or a new item is put after the standing items at the
    start (the later items move down one, while no pack has been dispatched). On the parent body's
    agenda they are minutes for noting. Placing twice on one meeting gives the same paper."""
    failure = "Place the minutes"
    with transaction.atomic():
        meeting = _meeting(command.meeting_key, failure)
        on = _meeting(command.on_meeting_key, failure)
        noting = _is_parent(meeting, on)
        minutes = _locked_minutes(meeting, editing=not noting)
        if on.body_id != meeting.body_id and not noting:
            raise MinutesError(f"{failure}: {meeting_name(on)} is a meeting of the {on.body.name}; the minutes of "
                               f"{meeting_name(meeting)} go to a later meeting of the {meeting.body.name}"
                               + (f", or for noting to the {meeting.body.parent.name}" if meeting.body.parent_id else ""))
        if on.date <= meeting.date:
            raise MinutesError(f"{failure}: {meeting_name(on)} is not after {meeting_name(meeting)}")
        if on.status == MeetingStatus.CANCELLED:
            raise MinutesError(f"{failure}: the meeting of {meeting_name(on)} was cancelled")
        if noting and not is_approved(minutes):
            raise MinutesError(f"{failure}: the minutes of a subsidiary body are approved by that body before its "
                               f"parent notes them")
        ref = f"minutes:{meeting.key}"
        placed = gm.Paper.objects.filter(meeting=on, document_ref=ref).first()
        if placed is not None:
            return placed
        category = ItemCategory.MINUTES_FOR_NOTING if noting else ItemCategory.MINUTES
        title = rules.noting_title(meeting.body.name, meeting.date) if noting else rules.minutes_title(meeting.date)
        change = _change(command, f"Minutes of {meeting_name(meeting)} placed on {meeting_name(on)}")
        item = _minutes_item(on, category, title, change, failure)
        key = f"{on.key}-{item.number:02d}"
        if gm.Paper.objects.filter(key=key).exists():  # keys are never reused (an item moved down keeps its paper's)
            key = f"{key}-minutes"
        paper, _ = save_with_history(gm.Paper, {"key": key}, {
            "meeting": on, "item": item.number, "kind": PaperKind.MINUTES, "subject": title,
            "to_body": on.body, "to_date": on.date, "source": PaperSource.MINUTES, "document_ref": ref,
            "classification": "unrestricted"}, entity="paper", key=key, change=change,
            track_creation=("subject", "document_ref"))
        save_with_history(gm.AgendaItem, {"pk": item.pk}, {"paper": paper}, entity="agenda item",
                          key=f"{on.key} {item.number}", change=change)
        if not is_approved(minutes):
            save_with_history(gm.Minutes, {"pk": minutes.pk}, {"printed_as_paper": paper}, entity="minutes",
                              key=meeting.key, change=change)
        return paper


def _minutes_item(on: gm.Meeting, category: str, title: str, change: Change, failure: str) -> gm.AgendaItem:
    items = list(gm.AgendaItem.objects.select_for_update().filter(meeting=on).order_by("number"))
    papers = {p.pk: p for p in gm.Paper.objects.filter(pk__in=[i.paper_id for i in items if i.paper_id])}
    for i in items:
        if i.paper_id:
            i.paper = papers[i.paper_id]
    for item in items:
        if item.category == category and item.paper_id is None:
            return item
    if any(i.category == category and i.title == title for i in items):
        raise MinutesError(f"{failure}: the item \u201c{title}\u201d of {meeting_name(on)} already has a paper")
    leading = 0
    for item in items:
        if item.category != ItemCategory.STANDING:
            break
        leading = item.number
    number = leading + 1
    later = [i for i in items if i.number >= number]
    if later and gm.Pack.objects.filter(meeting=on).exists():
        raise MinutesError(f"{failure}: the pack of {meeting_name(on)} has been dispatched, so its items cannot be renumbered; "
                           "add a minutes item to its agenda first")
    for item in reversed(later):  # move the later items down one, the last first (numbers are unique)
        save_with_history(gm.AgendaItem, {"pk": item.pk}, {"number": item.number + 1}, entity="agenda item",
                          key=f"{on.key} {item.number + 1}", change=change)
        if item.paper_id:
            save_with_history(gm.Paper, {"pk": item.paper_id}, {"item": item.number + 1}, entity="paper",
                              key=item.paper.key, change=change)
    return gm.AgendaItem.objects.create(meeting=on, number=number, title=title, category=category)


def _approving_minute(at: gm.Meeting, number: int, title: str, item_number: int | None, change: Change,
                      failure: str) -> gm.MinuteItem:
    """The minute of the approving meeting that records the resolution (made if it is not written
    yet); refused when that meeting's own minutes are frozen."""
    own = gm.Minutes.objects.select_for_update().filter(meeting=at).first()
    if own is not None:
        _not_frozen(own, at)
    minute = gm.MinuteItem.objects.filter(meeting=at, minute_number=number).first()
    if minute is None:
        minute, _ = save_with_history(gm.MinuteItem, {"meeting": at, "minute_number": number},
                                      {"title": title, "item_number": item_number, "outcome_kind": OutcomeKind.RESOLVED},
                                      entity="minute", key=f"{at.key} {number}", change=change,
                                      track_creation=("title",))
    return minute


def _chair_word(at: gm.Meeting) -> str:
    row = gm.Attendance.objects.filter(meeting=at, person=at.presiding, category=AttendanceCategory.PRESENT).first()
    role = (row.role_text if row else "").strip()
    return role if role.lower().startswith("chair") else "Chairman"


def _put_resolution(at: gm.Meeting, minute: gm.MinuteItem, text: str, verb: ResolutionVerb, seq: int | None,
                    change: Change) -> None:
    rows = list(gm.Resolution.objects.filter(meeting=at, minute_number=minute.minute_number).order_by("seq"))
    if seq is None:
        seq = max((r.seq for r in rows), default=0) + 1
    save_with_history(gm.Resolution, {"meeting": at, "minute_number": minute.minute_number, "seq": seq},
                      {"verb": verb, "text": text, "form": ResolutionForm.RESOLVED, "source": ResolutionSource.PROCEDURAL},
                      entity="resolution", key=f"{at.key} {minute.minute_number}.{seq}", change=change,
                      track_creation=("text",))
    texts = [r.text for r in gm.Resolution.objects.filter(meeting=at, minute_number=minute.minute_number).order_by("seq")]
    save_with_history(gm.MinuteItem, {"pk": minute.pk},
                      {"outcome_kind": OutcomeKind.RESOLVED, "outcome": "\n\n".join(texts)},
                      entity="minute", key=f"{at.key} {minute.minute_number}", change=change)


@dataclass(frozen=True)
class ApprovingMinute:
    """Where the approval of some minutes is recorded: the approving meeting's agenda item that
    carries them and the minute number of that item (``exists``: the minute is written)."""

    meeting_key: str
    meeting_name: str
    item_number: int
    minute_number: int
    exists: bool

    @property
    def label(self) -> str:
        return f"Minute {self.minute_number} of {self.meeting_name} (agenda item {self.item_number})"


def _minutes_item_at(meeting: gm.Meeting, at: gm.Meeting, minutes: gm.Minutes | None) -> gm.AgendaItem | None:
    """The agenda item of ``at`` whose paper carries the minutes of ``meeting``."""
    papers = gm.Paper.objects.filter(meeting=at, document_ref=f"minutes:{meeting.key}")
    item = gm.AgendaItem.objects.filter(meeting=at, paper__in=papers).order_by("number").first()
    if item is None and minutes is not None and minutes.printed_as_paper_id:
        item = gm.AgendaItem.objects.filter(meeting=at, paper_id=minutes.printed_as_paper_id).first()
    return item


def approving_minute(meeting: gm.Meeting, at: gm.Meeting) -> ApprovingMinute | None:
    """The one minute of ``at`` that may record the approval of ``meeting``'s minutes: the minute
    of its agenda item carrying them (the minutes item); when that minute is not written yet, the
    number it will have (its place in a per-meeting series not yet started, else the series' next
    free number). None: the minutes are not on ``at``'s agenda."""
    minutes = gm.Minutes.objects.filter(meeting=meeting).first()
    item = _minutes_item_at(meeting, at, minutes)
    if item is None:
        return None
    written = gm.MinuteItem.objects.filter(meeting=at, item_number=item.number).order_by("minute_number").first()
    if written is not None:
        return ApprovingMinute(at.key, meeting_name(at), item.number, written.minute_number, True)
    own = gm.Minutes.objects.filter(meeting=at).first()
    number = next_free_minute(at)
    if own is None:  # not started: one minute an item so far
        guess = gm.AgendaItem.objects.filter(meeting=at, number__lte=item.number).count()
        if not _in_series(at, Numbering.PER_MEETING).filter(minute_number=guess).exists():
            number = guess
    return ApprovingMinute(at.key, meeting_name(at), item.number, number, False)


def approve_minutes(command: ApproveMinutes) -> gm.Minutes:
    """Record the approving meeting's resolution that the minutes "were a correct record and that
    they be signed by the Chairman" (one resolution for two meetings held the same day), set the
    minutes approved, signed by that meeting's presiding person, and freeze them. The approving
    meeting must have been held, must have the minutes on its agenda, and the resolution goes in
    the minute of that item (:func:`approving_minute`); any other number is refused."""
    failure = "Approve the minutes"
    with transaction.atomic():
        meeting = _meeting(command.meeting_key, failure)
        at = _meeting(command.at_meeting_key, failure)
        minutes = _locked_minutes(meeting)
        if at.body_id != meeting.body_id:
            raise MinutesError(f"{failure}: the minutes of the {meeting.body.name} are approved by a meeting of the "
                               f"{meeting.body.name}, not the {at.body.name}"
                               + (" (its parent notes them)" if _is_parent(meeting, at) else ""),
                               {"at_meeting": f"choose a meeting of the {meeting.body.name}"})
        if at.date <= meeting.date:
            raise MinutesError(failure, {"at_meeting": f"{meeting_name(at)} is not after {meeting_name(meeting)}"})
        if at.status == MeetingStatus.CANCELLED:
            raise MinutesError(failure, {"at_meeting": f"the meeting of {meeting_name(at)} was cancelled"})
        if at.date > clock.today():
            raise MinutesError(failure, {"at_meeting": f"the meeting of {meeting_name(at)} has not been held yet: "
                                                       "record the approval after it has met"})
        expected = approving_minute(meeting, at)
        if expected is None:
            raise MinutesError(failure, {"at_meeting": f"the minutes are not on the agenda of {meeting_name(at)}: "
                                                       "put them on its agenda first"})
        if command.minute_number != expected.minute_number:
            raise MinutesError(failure, {"minute_number": (
                f"the approval is recorded in minute {expected.minute_number} of {meeting_name(at)}, the minute "
                f"of agenda item {expected.item_number} that carries these minutes")})
        if at.presiding_id is None:
            raise MinutesError(failure, {"at_meeting": f"record who chaired the meeting of {meeting_name(at)} (its "
                                                       "attendance) first: they sign the minutes"})
        change = _change(command, f"Approved at {meeting_name(at)}, minute {command.minute_number}")
        minute = _approving_minute(at, command.minute_number, rules.minutes_title(meeting.date),
                                   expected.item_number, change, failure)
        same_day = [m for m in gm.Minutes.objects.filter(approved_at_meeting=at, approved_at_minute=minute.minute_number)
                    .select_related("meeting") if m.meeting.date == meeting.date]
        held = [m.meeting.date for m in same_day] + [meeting.date]
        text = rules.approval_resolution(held, _chair_word(at))
        seq = None
        if same_day:  # one resolution approves both meetings held that day: rewrite it in the plural
            match = gm.Resolution.objects.filter(meeting=at, minute_number=minute.minute_number,
                                                 verb=ResolutionVerb.APPROVE, source=ResolutionSource.PROCEDURAL,
                                                 text__contains=date_words(meeting.date)).order_by("seq").first()
            seq = match.seq if match else None
        _put_resolution(at, minute, text, ResolutionVerb.APPROVE, seq, change)
        now = command.now or clock.now()
        save_with_history(gm.Minutes, {"pk": minutes.pk}, {
            "status": MinutesStatus.APPROVED, "approved_at_meeting": at, "approved_at_minute": minute.minute_number,
            "signed_by": at.presiding, "frozen_at": now}, entity="minutes", key=meeting.key, change=change)
        minutes.refresh_from_db()
        return minutes


def note_minutes(command: NoteMinutes) -> gm.Minutes:
    """A parent body's meeting notes a subsidiary body's approved minutes: its resolution is
    recorded, and the minutes say where they were noted (their content stays frozen)."""
    failure = "Note the minutes"
    with transaction.atomic():
        meeting = _meeting(command.meeting_key, failure)
        at = _meeting(command.at_meeting_key, failure)
        minutes = _locked_minutes(meeting, editing=False)
        if not _is_parent(meeting, at):
            raise MinutesError(f"{failure}: {meeting_name(at)} is not a meeting of the {meeting.body.name}'s parent body")
        if not is_approved(minutes):
            raise MinutesError(f"{failure}: the {meeting.body.name} approves its minutes before its parent notes them")
        if minutes.noted_at_meeting_id is not None:
            raise MinutesError(f"{failure}: they were noted at {meeting_name(minutes.noted_at_meeting)} already")
        change = _change(command, f"Noted at {meeting_name(at)}, minute {command.minute_number}")
        paper = gm.Paper.objects.filter(meeting=at, document_ref=f"minutes:{meeting.key}").first()
        item = gm.AgendaItem.objects.filter(paper=paper).first() if paper is not None else None
        minute = _approving_minute(at, command.minute_number, rules.noting_title(meeting.body.name, meeting.date),
                                   item.number if item else None, change, failure)
        _put_resolution(at, minute, rules.noting_resolution(meeting.body.name, meeting.date), ResolutionVerb.NOTE,
                        None, change)
        save_with_history(gm.Minutes, {"pk": minutes.pk}, {"noted_at_meeting": at, "noted_at_minute": minute.minute_number},
                          entity="minutes", key=meeting.key, change=change)
        minutes.refresh_from_db()
        return minutes


# --- reading: the minutes as people read them ------------------------------------------------


@dataclass(frozen=True)
class VoteList:
    label: str
    count: int | None
    names: tuple[str, ...]


@dataclass(frozen=True)
class MotionView:
    key: str
    kind: str
    proposer: str
    seconder: str
    text: str
    outcome: str
    recorded_vote: bool
    votes: tuple[VoteList, ...]

    @property
    def moved(self) -> str:
        """"Mr A proposed, and Mr B seconded, the motion that:" before the motion's words; when
        the words already begin "That ...", "... the motion:" (never "that: That")."""
        that = "" if self.text.lstrip().lower().startswith("that ") else " that"
        if self.seconder:
            return f"{self.proposer} proposed, and {self.seconder} seconded, the motion{that}:"
        return f"{self.proposer} proposed the motion{that}:"


@dataclass(frozen=True)
class MinuteView:
    number: int
    item_number: int | None
    title: str
    paragraphs: tuple[tuple[str, str], ...]
    attendance: str
    outcome_kind: str
    outcome_label: str
    outcome: tuple[str, ...]
    speakers: tuple[str, ...]
    motions: tuple[MotionView, ...]
    warnings: tuple[str, ...]
    exempt: bool = False


@dataclass(frozen=True)
class MinutesView:
    """The minutes as the pages and the rendered paper print them."""

    meeting_key: str
    heading: str
    status: str
    status_label: str
    numbering: str
    frozen: bool
    lists: tuple[tuple[str, str], ...]  # ("PRESENT", "Mr R W Gough (Chairman), ..."), ...
    minutes: tuple[MinuteView, ...]
    warnings: tuple[str, ...]
    items_without_minutes: tuple[int, ...]
    approved: str
    noted: str
    placed_on: str
    declarations: tuple[str, ...] = field(default_factory=tuple)


def _listed(rows: Sequence[gm.Attendance], flags: Mapping[str, set[str]]) -> str:
    parts = []
    for r in rows:
        name = r.name_as_printed or display_name(r.person)
        extra = [r.role_text] if r.role_text else []
        extra += [w for f, w in (("virtual", "virtually"), ("late", "arrived late")) if r.person.key in flags.get(f, set())]
        parts.append(f"{name} ({', '.join(extra)})" if extra else name)
    return rules.name_list(parts)


def minutes_view(meeting_key: str, *, public: bool = False) -> MinutesView | None:
    """The meeting's minutes for reading (None: none started); ``public`` leaves out the minutes
    of exempt agenda items."""
    meeting = gm.Meeting.objects.select_related("body").filter(key=meeting_key).first()
    if meeting is None:
        return None
    minutes = gm.Minutes.objects.filter(meeting=meeting).select_related(
        "approved_at_meeting", "noted_at_meeting", "signed_by", "printed_as_paper__meeting").first()
    if minutes is None:
        return None
    rows = list(gm.Attendance.objects.filter(meeting=meeting).select_related("person"))
    flags = {"virtual": {r.person.key for r in rows if r.category == AttendanceCategory.VIRTUAL},
             "late": {r.person.key for r in rows if r.category == AttendanceCategory.LATE}}
    lists = []
    for category, heading in ((AttendanceCategory.PRESENT, "PRESENT"), (AttendanceCategory.SUBSTITUTE, "SUBSTITUTES"),
                              (AttendanceCategory.ALSO_PRESENT, "ALSO PRESENT"),
                              (AttendanceCategory.IN_ATTENDANCE, "IN ATTENDANCE"),
                              (AttendanceCategory.APOLOGIES, "APOLOGIES")):
        chosen = sorted((r for r in rows if r.category == category), key=lambda r: (r.position or 0, r.pk))
        if chosen:
            lists.append((heading, _listed(chosen, flags)))
    people = {p.key: p for p in gm.Person.objects.filter(
        key__in={k for m in gm.MinuteItem.objects.filter(meeting=meeting) for k in (m.speakers or [])})}
    names = {k: display_name(p) for k, p in people.items()}
    members = frozenset(r.person.key for r in rows if r.person.is_member)
    motions = list(gm.Motion.objects.filter(meeting=meeting).select_related("proposer", "seconder")
                   .prefetch_related("votes__person"))
    for m in motions:
        for v in m.votes.all():
            names[v.person.key] = display_name(v.person)
            if v.person.is_member:
                members |= {v.person.key}
    facts = rules.AttendanceFacts(tuple(rules.AttendanceRow(r.person.key, AttendanceCategory(r.category), r.minute_number)
                                        for r in rows), members)
    items = list(gm.MinuteItem.objects.filter(meeting=meeting).order_by("minute_number"))
    from .queries import _exempt_numbers  # the meeting page's rule: the exempt section, or an exempt paper

    exempt = _exempt_numbers(meeting)
    if public:
        items = [m for m in items if m.item_number not in exempt]
    else:  # the unrestricted items, then the exempt ones (their own heading)
        items.sort(key=lambda m: (m.item_number in exempt, m.minute_number))
    warnings = rules.attendance_warnings(facts, [rules.MinuteFacts(
        m.minute_number, tuple(m.speakers or ()),
        tuple(v.person.key for mo in motions if mo.minute_number == m.minute_number for v in mo.votes.all()))
        for m in items], names)
    views = []
    for m in items:
        officers = [r for r in rows if r.category == AttendanceCategory.IN_ATTENDANCE_FOR_ITEM and r.minute_number == m.minute_number]
        officers.sort(key=lambda r: (r.position or 0, r.pk))
        mv = []
        for mo in (x for x in motions if x.minute_number == m.minute_number):
            votes = tuple(VoteList(c.label, getattr(mo, f"{c.value}_count_printed"),
                                   tuple(v.name_as_printed or display_name(v.person) for v in mo.votes.all() if v.vote == c))
                          for c in VoteChoice) if mo.recorded_vote else ()
            mv.append(MotionView(mo.key, MotionKind(mo.kind).label, rules_name(mo.proposer),
                                 rules_name(mo.seconder) if mo.seconder else "", mo.text,
                                 mo.outcome_as_printed or MotionOutcome(mo.outcome).label, bool(mo.recorded_vote), votes))
        kind = OutcomeKind(m.outcome_kind) if m.outcome_kind in OutcomeKind._value2member_map_ else OutcomeKind.NONE
        views.append(MinuteView(
            m.minute_number, m.item_number, m.title, tuple(rules.numbered(m.text or ())),
            rules.item_attendance_sentence([(r.name_as_printed or _full_name(r.person), r.role_text) for r in officers]),
            kind, kind.label, tuple(rules.paragraphs_of(m.outcome)) or ((rules.NO_DECISION,) if kind == OutcomeKind.NONE else ()),
            tuple(names.get(s, s) for s in (m.speakers or ())), tuple(mv),
            tuple(w.message for w in warnings if w.minute_number == m.minute_number), m.item_number in exempt))
    agenda = gm.AgendaItem.objects.filter(meeting=meeting).values_list("number", flat=True)
    approved = ""
    if minutes.approved_at_meeting_id:
        approved = (f"Approved as a correct record at the meeting of {meeting_name(minutes.approved_at_meeting)}, "
                    f"minute {minutes.approved_at_minute}"
                    + (f"; signed by {display_name(minutes.signed_by)}" if minutes.signed_by_id else "") + ".")
    noted = ""
    if minutes.noted_at_meeting_id:
        noted = f"Noted at the meeting of {meeting_name(minutes.noted_at_meeting)}, minute {minutes.noted_at_minute}."
    placed = minutes.printed_as_paper.meeting.key if minutes.printed_as_paper_id else ""
    status = MinutesStatus.APPROVED if is_approved(minutes) else MinutesStatus.DRAFT
    declarations = tuple(r.text or declaration_sentence(r.person, r.item_number, r.interest_type, r.action)
                         for r in gm.Declaration.objects.filter(meeting=meeting).select_related("person").order_by("pk"))
    return MinutesView(
        meeting.key, minutes.heading or rules.minutes_heading(meeting.body.name, meeting.venue, meeting.date),
        status, status.label, minutes.numbering, is_approved(minutes), tuple(lists), tuple(views),
        tuple(w.message for w in warnings), tuple(rules.items_without_minutes(agenda, [m.item_number for m in items])),
        approved, noted, placed, declarations)


def next_meetings(meeting: gm.Meeting) -> list[gm.Meeting]:
    """The meetings the minutes may go to: later meetings of the same body (the next first), then
    the parent body's, for noting."""
    same = list(gm.Meeting.objects.filter(body=meeting.body, date__gt=meeting.date)
                .exclude(status=MeetingStatus.CANCELLED).order_by("date", "start_time", "key")[:6])
    parent = list(gm.Meeting.objects.filter(body_id=meeting.body.parent_id, date__gt=meeting.date)
                  .exclude(status=MeetingStatus.CANCELLED).order_by("date", "key")[:3]) if meeting.body.parent_id else []
    return same + parent


def next_free_minute(meeting: gm.Meeting) -> int:
    """The next minute number at a meeting (for the approving resolution's minute, by default)."""
    own = gm.Minutes.objects.filter(meeting=meeting).first()
    top = _in_series(meeting, own.numbering if own else "").aggregate(n=Max("minute_number"))["n"]
    return (top or 0) + 1


# --- a minute's history, in words ------------------------------------------------------------

_HISTORY_FIELDS = {"title": "Title", "minute_number": "Minute number", "item_number": "Agenda item",
                   "text": "Paragraphs", "paragraphs": "Number of paragraphs", "outcome_kind": "Outcome",
                   "outcome": "Outcome text", "speakers": "Speakers", "presiding": "Chair"}


@dataclass(frozen=True)
class HistoryRow:
    changed_at: dt.datetime
    changed_by: str
    field: str
    old_value: str
    new_value: str


def _history_value(name: str, value: str) -> str:
    if not value:
        return ""
    if name == "outcome_kind":
        return OutcomeKind(value).label if value in OutcomeKind._value2member_map_ else value
    if name == "speakers":
        keys = [k for k in value.split(";") if k]
        people = {p.key: display_name(p) for p in gm.Person.objects.filter(key__in=keys)}
        return rules.name_list([people.get(k, k) for k in keys])
    if name == "item_number":
        return f"Item {value}"
    return value


def history_row(revision) -> HistoryRow:
    """One revision of a minute as its page shows it: the field's label and its values in words
    (the outcome's label, speakers by name)."""
    name = revision.field
    return HistoryRow(revision.changed_at, revision.changed_by, _HISTORY_FIELDS.get(name, name.replace("_", " ").capitalize()),
                      _history_value(name, revision.old_value), _history_value(name, revision.new_value))
