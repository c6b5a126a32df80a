"""The rules of writing minutes (governance.md §8, §9): the words minutes print, how their
minutes are numbered, the resolutions a paper's recommendations propose, and the checks that warn
(a speaker not recorded as attending, a voter not a present member). Pure Python: the minutes
service (:mod:`beacon.governance.minutes`) and the pages call these.

The rules shared with the importer and the pack (printed vote counts, the next number of a series,
name forms, dates) are in :mod:`beacon.domain.governance_rules`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .governance import (
    AttendanceCategory,
    Numbering,
    RecommendationVerb,
    ResolutionVerb,
)
from .governance_rules import date_words, long_date, next_minute_number

# --- The words minutes print ------------------------------------------------------------------

NO_APOLOGIES = "There were no apologies for absence."
NO_DECLARATIONS = "There were no declarations of interest."
NO_DECISION = "No decision recorded."


def name_list(names: Sequence[str]) -> str:
    """Names as minutes list them: separated by commas, the last by "and" ("A, B and C").
    A name with honours ("Mr P M Hill, OBE") stays one name."""
    names = [n for n in names if n]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def apologies_statement(names: Sequence[str]) -> str:
    """The Apologies minute's record: "There were no apologies for absence." when nobody sent
    apologies, else who did."""
    if not names:
        return NO_APOLOGIES
    return f"Apologies for absence were received from {name_list(names)}."


def minutes_title(held: dt.date) -> str:
    """The agenda title and the paper's subject: "Minutes of the meeting held on 1 December 2022"."""
    return f"Minutes of the meeting held on {date_words(held)}"


def noting_title(body_name: str, held: dt.date) -> str:
    """A subsidiary body's minutes on its parent's agenda, for noting."""
    return f"Minutes of the meeting of the {body_name} held on {date_words(held)}"


def minutes_heading(body_name: str, venue: str, held: dt.date) -> str:
    """"MINUTES of a meeting of the Cabinet held in the Council Chamber on Thursday, 1 December 2022."."""
    where = f" held in the {venue.removeprefix('the ').removeprefix('The ')}" if venue else " held"
    return f"MINUTES of a meeting of the {body_name}{where} on {long_date(held)}."


def item_attendance_sentence(officers: Sequence[tuple[str, str]]) -> str:
    """The line under a minute naming the officers in attendance for it, each with their role:
    "Sarah Hammond (Corporate Director, ...) was in attendance for this item"."""
    parts = [f"{name} ({role})" if role else name for name, role in officers if name]
    if not parts:
        return ""
    verb = "was" if len(parts) == 1 else "were"
    return f"{name_list(parts)} {verb} in attendance for this item."


def paragraphs_of(text: str) -> list[str]:
    """The paragraphs of a minute as typed: separated by a blank line, each one's lines joined
    (spaces run together become one), a leading "1." or "1.1" (a number typed by hand) removed, since Beacon numbers them."""
    out = []
    for block in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n")):
        para = " ".join(block.split())
        para = re.sub(r"^\(?\d+(\.\d+)?[.)]\s+", "", para)
        if para:
            out.append(para)
    return out


def numbered(paragraphs: Sequence[str]) -> list[tuple[str, str]]:
    """Each paragraph with its printed number, consecutive from 1 (§12: never a gap)."""
    return [(f"{i}.", p) for i, p in enumerate(paragraphs, start=1)]


# --- Numbering (§8.1) -------------------------------------------------------------------------


def first_minute_number(numbering: Numbering, earlier_in_series: Iterable[int] = ()) -> int:
    """Where a meeting's minutes start: 1 for a per-meeting series; the next number after the
    body's previous minutes for a running series (1 when there are none)."""
    if numbering is Numbering.RUNNING:
        return next_minute_number(earlier_in_series)
    return 1


def number_minutes(item_numbers: Iterable[int], first: int) -> list[tuple[int, int]]:
    """(minute number, item number) for the agenda items that get a minute, in agenda order: the
    minutes run on from ``first`` without a gap, whatever items have none (their numbers are
    apart from the items')."""
    return [(first + i, item) for i, item in enumerate(sorted(set(item_numbers)))]


def number_around(item_numbers: Iterable[int], first: int, existing: Mapping[int, int],
                  taken: Iterable[int] = ()) -> list[tuple[int, int]]:
    """Like :func:`number_minutes`, around minutes already written (``existing``: item number ->
    its minute number, e.g. the approval of the previous minutes recorded before the rest): those
    keep their numbers, the others run on in agenda order from ``first`` and from each written
    one, never reusing a number (``taken``: numbers used in the series)."""
    used = set(taken) | set(existing.values())
    out = []
    counter = first
    for item in sorted(set(item_numbers) | set(existing)):
        if item in existing:
            counter = max(counter, existing[item] + 1)
            continue
        while counter in used:
            counter += 1
        out.append((counter, item))
        used.add(counter)
        counter += 1
    return out


def duplicate_numbers(numbers: Iterable[int]) -> list[int]:
    """Minute numbers used more than once (they must be unique in their series)."""
    seen, dup = set(), set()
    for n in numbers:
        (dup if n in seen else seen).add(n)
    return sorted(dup)


# --- Resolutions (§7, §8.2) -------------------------------------------------------------------

_FROM_RECOMMENDATION = {
    RecommendationVerb.NOTE: ResolutionVerb.NOTE,
    RecommendationVerb.APPROVE: ResolutionVerb.APPROVE,
    RecommendationVerb.AGREE: ResolutionVerb.AGREE,
    RecommendationVerb.ENDORSE: ResolutionVerb.ENDORSE,
    RecommendationVerb.CONSIDER: ResolutionVerb.CONSIDER_AND_ENDORSE,
}

_WORDS = {
    ResolutionVerb.NOTE: "note",
    ResolutionVerb.APPROVE: "approve",
    ResolutionVerb.AGREE: "agree",
    ResolutionVerb.ENDORSE: "endorse",
    ResolutionVerb.CONSIDER_AND_ENDORSE: "consider and endorse",
    ResolutionVerb.ELECT: "elect",
}


@dataclass(frozen=True)
class Proposed:
    """A resolution proposed from a recommendation: its verb and the sentence minutes print."""

    verb: ResolutionVerb
    text: str


def resolution_for(verb: RecommendationVerb | str, label: str = "") -> Proposed:
    """The resolution a paper's recommendation proposes, in the words of the minutes: NOTE ->
    "RESOLVED to note the report."; the others act on the recommendations as outlined in the
    report; a lettered part names its letter."""
    rverb = _FROM_RECOMMENDATION[RecommendationVerb(verb)]
    words = _WORDS[rverb]
    if label:
        return Proposed(rverb, f"RESOLVED to {words} recommendation ({label}) as outlined in the report.")
    if rverb is ResolutionVerb.NOTE:
        return Proposed(rverb, "RESOLVED to note the report.")
    return Proposed(rverb, f"RESOLVED to {words} the recommendations as outlined in the report.")


def resolutions_for(recommendations: Sequence[tuple[RecommendationVerb | str, str]]) -> list[Proposed]:
    """The resolutions proposed by a paper's recommendations ((verb, label), in order): one
    sentence for a single recommendation, one per lettered part."""
    if len(recommendations) == 1:
        return [resolution_for(recommendations[0][0])]
    return [resolution_for(verb, label or chr(ord("a") + i)) for i, (verb, label) in enumerate(recommendations)]


_VERB_PATTERNS: tuple[tuple[ResolutionVerb, str], ...] = (
    (ResolutionVerb.CONSIDER_AND_ENDORSE, r"\bconsider(ed)?\s+and\s+endorse"),
    (ResolutionVerb.ELECT, r"\bbe\s+elected\b|\belect(ed)?\b"),
    (ResolutionVerb.APPROVE, r"\bcorrect\s+record\b|\bapprove"),
    (ResolutionVerb.ENDORSE, r"\bendorse"),
    (ResolutionVerb.AGREE, r"\bagree"),
    (ResolutionVerb.NOTE, r"\bnote|\bnoted\b"),
)


def resolution_verb(text: str) -> ResolutionVerb | None:
    """What a resolution as printed does: "RESOLVED to note ..." is note; "... were a correct
    record ..." approves minutes; "consider and endorse" is one verb. The first verb after
    "RESOLVED" decides (None: the text says none of them)."""
    body = re.sub(r"^\s*RESOLVED\s*(that|to)?", "", text or "", flags=re.IGNORECASE)
    best: tuple[int, ResolutionVerb] | None = None
    for verb, pattern in _VERB_PATTERNS:
        m = re.search(pattern, body, flags=re.IGNORECASE)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), verb)
    return None if best is None else best[1]


def approval_resolution(held: Sequence[dt.date], chair_word: str = "Chairman") -> str:
    """The approving meeting's resolution (§9). One resolution may approve the minutes of two
    meetings held the same day: "the minutes of the meetings held on ..."."""
    days = sorted(set(held))
    if not days:
        raise ValueError("approval_resolution: no meeting")
    which = "meeting" if len(held) == 1 else "meetings"
    when = name_list([date_words(d) for d in days])
    return (f"RESOLVED that the minutes of the {which} held on {when} were a correct record and that they "
            f"be signed by the {chair_word}.")


def noting_resolution(body_name: str, held: dt.date) -> str:
    """The parent body's resolution noting a subsidiary body's minutes (§9)."""
    return f"RESOLVED that the minutes of the meeting of the {body_name} held on {date_words(held)} be noted."


# --- Who attended, who spoke, who voted (§8.3, §8.6) -----------------------------------------

ATTENDED = frozenset({
    AttendanceCategory.PRESENT, AttendanceCategory.ALSO_PRESENT, AttendanceCategory.IN_ATTENDANCE,
    AttendanceCategory.SUBSTITUTE, AttendanceCategory.VIRTUAL, AttendanceCategory.LATE,
})
"""Whole-meeting categories whose people may speak without a warning."""

VOTING = frozenset({AttendanceCategory.PRESENT, AttendanceCategory.SUBSTITUTE, AttendanceCategory.ALSO_PRESENT})
"""Categories of a present member, who may vote (virtual and late are flags beside present)."""


@dataclass(frozen=True)
class AttendanceRow:
    person: str
    category: AttendanceCategory
    minute_number: int | None = None


@dataclass(frozen=True)
class MinuteFacts:
    """What the checks need of one minute: its number, who spoke, and its motions' voters."""

    minute_number: int
    speakers: tuple[str, ...] = ()
    voters: tuple[str, ...] = ()


@dataclass(frozen=True)
class Warning:
    minute_number: int
    person: str
    message: str


@dataclass(frozen=True)
class AttendanceFacts:
    rows: tuple[AttendanceRow, ...] = ()
    members: frozenset[str] = field(default_factory=frozenset)

    def attended(self, minute_number: int) -> set[str]:
        """Who may speak at a minute: the meeting's attendees and those in attendance for it."""
        return {r.person for r in self.rows if r.category in ATTENDED} | {
            r.person for r in self.rows
            if r.category is AttendanceCategory.IN_ATTENDANCE_FOR_ITEM and r.minute_number == minute_number}

    def present_members(self) -> set[str]:
        return {r.person for r in self.rows if r.category in VOTING and r.person in self.members}


def attendance_warnings(attendance: AttendanceFacts, minutes: Sequence[MinuteFacts],
                        names: Mapping[str, str]) -> list[Warning]:
    """The warnings (never refusals) of §8.3 and §8.6: a speaker not recorded as present, also
    present or in attendance (for the meeting or that item); a voter not a present member. Each
    person once per minute, in minute order."""
    out: list[Warning] = []
    voting = attendance.present_members()
    for m in sorted(minutes, key=lambda m: m.minute_number):
        attended = attendance.attended(m.minute_number)
        for person in dict.fromkeys(m.speakers):
            if person not in attended:
                out.append(Warning(m.minute_number, person,
                                   f"Minute {m.minute_number}: {names.get(person, person)} spoke but is not recorded as "
                                   f"present, also present or in attendance for the meeting or this item"))
        for person in dict.fromkeys(m.voters):
            if person not in voting:
                out.append(Warning(m.minute_number, person,
                                   f"Minute {m.minute_number}: {names.get(person, person)} voted but is not recorded as "
                                   f"a member present at the meeting"))
    return out


def items_without_minutes(agenda_items: Iterable[int], minuted_items: Iterable[int | None]) -> list[int]:
    """Agenda items that have no minute (legal: a standing item may have none), for the page."""
    minuted = {n for n in minuted_items if n is not None}
    return sorted(n for n in set(agenda_items) if n not in minuted)
