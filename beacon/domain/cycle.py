"""The cycle (governance.md §10, §11): where a document travels, as routes of steps (a quarterly
QPR to Cabinet; the refreshed register to Cabinet, then to Governance & Audit), and which meeting
suits each step. Pure Python: the governance services (:mod:`beacon.governance.cycle`) read the
meetings and the configured rules and ask these functions.

A meeting suits a step when it is a meeting of the step's body, still scheduled (not held, not
cancelled), on or after the day the step may start (the document's date for the first step; the
day after the previous step's meeting for the next), and its dispatch deadline (the meeting's
date minus the rule's ``dispatch_days``) has not passed today. A step skipped (its meeting
cancelled) does not hold the route up: the next step goes straight on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .governance_rules import date_words
from .periods import PeriodError, Quarter

SCHEDULED = "scheduled"

# The routes of spec §11, by artefact: what each document reference travels as.
QPR_QUARTERLY = "qpr_quarterly"
QPR_YEAR_END = "qpr_year_end"
REGISTER_REFRESH = "register_refresh"
REGISTER_ASSURANCE = "register_assurance"
REGISTER_DIRECTORATE = "register_directorate"
ARTEFACTS = {
    QPR_QUARTERLY: "Quarterly Performance Report",
    QPR_YEAR_END: "Year-end Quarterly Performance Report",
    REGISTER_REFRESH: "Corporate Risk Register after its refresh",
    REGISTER_ASSURANCE: "Corporate Risk Register for assurance",
    REGISTER_DIRECTORATE: "Directorate edition of the corporate register",
}


class CycleError(ValueError):
    """A document reference or a route that cannot be read, or a move the route does not allow."""


# --- document references (the contract of issue 12) -----------------------------------------
@dataclass(frozen=True)
class DocumentRef:
    """A parsed document reference: ``qpr:2022/23 Q2`` (``#n`` an edition), or
    ``register:Cabinet@2023-01-05``."""

    kind: str  # "qpr" | "register" | "minutes"
    text: str
    quarter: Quarter | None = None
    edition: int | None = None
    body: str = ""
    date: dt.date | None = None

    @property
    def is_year_end(self) -> bool:
        return self.quarter is not None and self.quarter.number == 4


def parse_document_ref(ref: str) -> DocumentRef:
    text = (ref or "").strip()
    kind, sep, rest = text.partition(":")
    if not sep or not rest.strip():
        raise CycleError(f"“{text}” is not a document reference (qpr:<period>, register:<body>@<date>)")
    rest = rest.strip()
    if kind == "qpr":
        label, _, number = rest.partition("#")
        try:
            quarter = Quarter.parse(label.strip())
        except PeriodError as exc:
            raise CycleError(f"“{text}”: {exc}") from None
        if number and not number.strip().isdigit():
            raise CycleError(f"“{text}”: the edition after # is a whole number")
        return DocumentRef("qpr", text, quarter=quarter, edition=int(number) if number else None)
    if kind == "register":
        body, at, day = rest.rpartition("@")
        if not at or not body.strip():
            raise CycleError(f"“{text}” is not register:<body>@<YYYY-MM-DD>")
        try:
            date = dt.date.fromisoformat(day.strip())
        except ValueError:
            raise CycleError(f"“{text}”: {day.strip()!r} is not a date (YYYY-MM-DD)") from None
        return DocumentRef("register", text, body=body.strip(), date=date)
    if kind == "minutes":
        return DocumentRef("minutes", text)
    raise CycleError(f"“{text}”: Beacon knows no documents of kind “{kind}”")


def document_date(ref: DocumentRef) -> dt.date:
    """The day from which a document can travel when nothing else says: a register edition's
    date; for a QPR, the day after its quarter ends (its data are complete then)."""
    if ref.date is not None:
        return ref.date
    if ref.quarter is not None:
        return ref.quarter.end + dt.timedelta(days=1)
    raise CycleError(f"“{ref.text}” has no date of its own")


def qpr_artefacts(ref: DocumentRef) -> tuple[str, ...]:
    """A QPR goes to Cabinet every quarter; the year-end (Q4) QPR to County Council as well."""
    return (QPR_QUARTERLY, QPR_YEAR_END) if ref.is_year_end else (QPR_QUARTERLY,)


# --- meetings and steps ----------------------------------------------------------------------
@dataclass(frozen=True)
class MeetingSlot:
    key: str
    body: str  # the body's code
    date: dt.date
    status: str = SCHEDULED
    body_name: str = ""  # as people read it ("Cabinet"); the code when not given

    @property
    def label(self) -> str:
        """The meeting in words: "Cabinet, 5 January 2023"."""
        return f"{self.body_name or self.body}, {date_words(self.date)}"


@dataclass(frozen=True)
class RouteStep:
    step: int
    body: str
    dispatch_days: int = 14
    body_name: str = ""  # as people read it; the code when not given


def dispatch_deadline(meeting_date: dt.date, dispatch_days: int) -> dt.date:
    """The last day the agenda can go out: the meeting's date minus the rule's dispatch days."""
    return meeting_date - dt.timedelta(days=dispatch_days)


def unsuitable(slot: MeetingSlot, step: RouteStep, not_before: dt.date, today: dt.date) -> str | None:
    """Why ``slot`` does not suit ``step`` (None: it suits)."""
    if slot.body != step.body:
        return f"{slot.label} is not a meeting of {step.body_name or step.body}"
    if slot.status != SCHEDULED:
        return f"{slot.label} is {slot.status}, not scheduled"
    if slot.date < not_before:
        return f"{slot.label} is before {date_words(not_before)}"
    deadline = dispatch_deadline(slot.date, step.dispatch_days)
    if deadline < today:
        return f"{slot.label}: its agenda had to be dispatched by {date_words(deadline)}"
    return None


def next_suitable(slots: Iterable[MeetingSlot], step: RouteStep, not_before: dt.date, today: dt.date) -> MeetingSlot | None:
    """The earliest meeting that suits the step (ties broken by key)."""
    fitting = [s for s in slots if unsuitable(s, step, not_before, today) is None]
    return min(fitting, key=lambda s: (s.date, s.key), default=None)


@dataclass(frozen=True)
class Fixed:
    """A step the clerk has decided: accepted at a meeting on ``meeting_date``, or skipped."""

    meeting_date: dt.date | None = None
    skipped: bool = False


@dataclass(frozen=True)
class Planned:
    """One step of a route as planned: ``fixed`` (the clerk's decision stands), or the meeting
    proposed with its dispatch deadline, or no meeting with the reason."""

    step: int
    body: str
    fixed: bool
    meeting: str | None = None
    deadline: dt.date | None = None
    reason: str = ""


def ordered(steps: Iterable[RouteStep]) -> list[RouteStep]:
    """A route's steps in order; a step number used twice is a broken route."""
    out = sorted(steps, key=lambda s: s.step)
    numbers = [s.step for s in out]
    if len(set(numbers)) != len(numbers):
        raise CycleError(f"a route numbers two steps {sorted(n for n in numbers if numbers.count(n) > 1)[0]}")
    return out


def plan_route(steps: Sequence[RouteStep], slots: Iterable[MeetingSlot], start: dt.date, today: dt.date,
               fixed: Mapping[int, Fixed] | None = None) -> list[Planned]:
    """Each step of a route with its meeting: a fixed step keeps its decision; every other step
    gets the next suitable meeting after the previous step's meeting (the document's date for the
    first). A skipped step leaves the route going straight on; a step with no suitable meeting
    leaves the later steps waiting for it."""
    fixed = fixed or {}
    slots = list(slots)
    out: list[Planned] = []
    not_before = start
    waiting: str | None = None
    for step in ordered(steps):
        decided = fixed.get(step.step)
        if decided is not None:
            out.append(Planned(step.step, step.body, True))
            if not decided.skipped and decided.meeting_date is not None:
                not_before = max(not_before, decided.meeting_date + dt.timedelta(days=1))
                waiting = None
            continue
        if waiting is not None:
            out.append(Planned(step.step, step.body, False, reason=waiting))
            continue
        slot = next_suitable(slots, step, not_before, today)
        if slot is None:
            reason = (f"no scheduled meeting of {step.body_name or step.body} on or after {date_words(not_before)} can "
                      "still take it")
            out.append(Planned(step.step, step.body, False, reason=reason))
            waiting = f"waits for step {step.step} ({step.body_name or step.body})"
            continue
        out.append(Planned(step.step, step.body, False, slot.key, dispatch_deadline(slot.date, step.dispatch_days)))
        not_before = slot.date + dt.timedelta(days=1)
    return out


def move_problem(slot: MeetingSlot, step: RouteStep, previous: dt.date | None, following: dt.date | None,
                 start: dt.date, today: dt.date) -> str | None:
    """Why a step cannot move to ``slot`` (None: it can): the meeting must suit the step, come
    after the previous step's meeting (on or after the document's date for the first) and before
    the next step's."""
    not_before = previous + dt.timedelta(days=1) if previous is not None else start
    problem = unsuitable(slot, step, not_before, today)
    if problem:
        return problem
    if following is not None and slot.date >= following:
        return f"{slot.label} is not before the next step's meeting on {date_words(following)}"
    return None


# --- agenda items (§4) -----------------------------------------------------------------------
def renumber(numbers: Sequence[int], moving: int, to: int) -> dict[int, int]:
    """The new number of each item when item ``moving`` becomes item ``to`` on an agenda numbered
    ``numbers``: the other items keep their order and the agenda is numbered on from its first
    number without gaps; ``to`` beyond the last puts the item last. Old number -> new number, for
    every item."""
    present = sorted(set(numbers))
    if moving not in present:
        raise CycleError(f"there is no item {moving}")
    if to < 1:
        raise CycleError("an item number is 1 or more")
    first = present[0]
    order = [n for n in present if n != moving]
    position = min(max(to - first, 0), len(order))
    order.insert(position, moving)
    return {old: first + i for i, old in enumerate(order)}


SCHEDULE_12A = {
    1: "Information relating to any individual.",
    2: "Information which is likely to reveal the identity of an individual.",
    3: "Information relating to the financial or business affairs of any particular person (including the authority "
       "holding that information).",
    4: "Information relating to any consultations or negotiations, or contemplated consultations or negotiations, in "
       "connection with any labour relations matter arising between the authority or a Minister of the Crown and "
       "employees of, or office holders under, the authority.",
    5: "Information in respect of which a claim to legal professional privilege could be maintained in legal "
       "proceedings.",
    6: "Information which reveals that the authority proposes to give under any enactment a notice under or by virtue "
       "of which requirements are imposed on a person, or to make an order or direction under any enactment.",
    7: "Information relating to any action taken or to be taken in connection with the prevention, investigation or "
       "prosecution of crime.",
}
"""Part 1 of Schedule 12A to the Local Government Act 1972: the descriptions of exempt information."""


def exempt_problems(exempt: bool, paragraph: int | None, public_interest: str) -> dict[str, str]:
    """An exempt item names its paragraph of Schedule 12A (1-7) and why the public interest in
    keeping it exempt outweighs the public interest in disclosing it; an unrestricted item names
    neither. Field -> problem."""
    problems = {}
    if exempt:
        if paragraph is None:
            problems["exempt_paragraph"] = "choose the paragraph of Schedule 12A (1 to 7) the information falls in"
        elif paragraph not in SCHEDULE_12A:
            problems["exempt_paragraph"] = f"{paragraph} is not a paragraph of Schedule 12A, Part 1 (1 to 7)"
        if not (public_interest or "").strip():
            problems["public_interest_reason"] = ("say why the public interest in keeping it exempt outweighs the "
                                                  "public interest in disclosing it")
    else:
        if paragraph is not None:
            problems["exempt_paragraph"] = "only an exempt item cites a paragraph of Schedule 12A"
    return problems


UNRESTRICTED_TEXT = "During these items the meeting is likely to be open to the public"
EXEMPT_NONE_TEXT = ("At the time of preparing the agenda there were no exempt items. During any such items which may "
                    "arise the meeting is likely NOT to be open to the public")
EXEMPT_TEXT = "During these items the meeting is likely NOT to be open to the public"


def section_text(section: str, exempt_items: int) -> str:
    """The standard text under an agenda section's heading (§4.3)."""
    if section == "unrestricted":
        return UNRESTRICTED_TEXT
    return EXEMPT_TEXT if exempt_items else EXEMPT_NONE_TEXT
