"""What the public side of governance prints and publishes (issue 12, item 6), as pure rules:
the label of an exemption (Schedule 12A), times in words, the iCalendar text format (RFC 5545:
escaping, line folding at 75 octets, CRLF) and the Open Civic Data words for a meeting's status
and a recorded vote. Pure Python: the pages, the feed, the open data and the API call these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from .governance import MeetingStatus, MotionOutcome, PathwayRole, PathwayStatus, VoteChoice

# --- Exempt items (Local Government Act 1972, Schedule 12A, Part 1) --------------------------

SCHEDULE_12A: dict[int, str] = {
    1: "Information relating to any individual",
    2: "Information which is likely to reveal the identity of an individual",
    3: "Information relating to the financial or business affairs of any particular person "
       "(including the authority holding that information)",
    4: "Information relating to any consultations or negotiations, or contemplated consultations or "
       "negotiations, in connection with any labour relations matter arising between the authority or a "
       "Minister of the Crown and employees of, or office holders under, the authority",
    5: "Information in respect of which a claim to legal professional privilege could be maintained in "
       "legal proceedings",
    6: "Information which reveals that the authority proposes to give a notice, or to make an order or "
       "direction, under any enactment",
    7: "Information relating to any action taken or to be taken in connection with the prevention, "
       "investigation or prosecution of crime",
}


def exemption_label(paragraph: int | None) -> str:
    """What everyone may read about why an item is exempt: the paragraph of Schedule 12A and its
    statutory description, never the clerk's own reason text."""
    if paragraph is None:
        return "Exempt under Schedule 12A to the Local Government Act 1972"
    described = SCHEDULE_12A.get(paragraph)
    label = f"Exempt under paragraph {paragraph} of Part 1 of Schedule 12A to the Local Government Act 1972"
    return f"{label}: {described.lower()[0]}{described[1:]}" if described else label


# --- A paper's cover details in words ----------------------------------------------------------


def decision_number_text(number: str | None, as_printed: str = "") -> str:
    """The decision number as the cover header prints it: as printed ("n/a", "22/00123"), else the
    number, else "N/A" (a paper with no decision number never reads "None")."""
    return (as_printed or "").strip() or (number or "").strip() or "N/A"


def contact_rows(labels: Iterable[str], count: int) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """How a paper's closing contact block reads: (heading, positions of the contacts under it).
    One label per contact ("Report Author", "Relevant Director") labels each contact; one label is
    the heading of them all ("Contact details"); none, or labels that do not match the contacts,
    read "Contact details". No contacts, no rows."""
    labels = [label.strip() for label in labels if label and label.strip()]
    if count <= 0:
        return ()
    if len(labels) == count:
        return tuple((label, (i,)) for i, label in enumerate(labels))
    heading = labels[0] if len(labels) == 1 else "Contact details"
    return ((heading, tuple(range(count))),)


_PATHWAY_WORDS: dict[tuple[PathwayRole, PathwayStatus], str] = {
    (PathwayRole.PAST, PathwayStatus.DONE): "considered before this meeting",
    (PathwayRole.PAST, PathwayStatus.PLANNED): "due before this meeting",
    (PathwayRole.PAST, PathwayStatus.SKIPPED): "not taken before this meeting",
    (PathwayRole.CURRENT, PathwayStatus.DONE): "considered at this meeting",
    (PathwayRole.CURRENT, PathwayStatus.PLANNED): "to be considered at this meeting",
    (PathwayRole.CURRENT, PathwayStatus.SKIPPED): "not taken at this meeting",
    (PathwayRole.FUTURE, PathwayStatus.DONE): "considered after this meeting",
    (PathwayRole.FUTURE, PathwayStatus.PLANNED): "to be considered after this meeting",
    (PathwayRole.FUTURE, PathwayStatus.SKIPPED): "not to be taken after this meeting",
}


def pathway_step_words(role: PathwayRole | str, status: PathwayStatus | str, skip_reason: str = "") -> str:
    """A step of a paper's pathway in words, seen from the meeting whose paper it is ("to be
    considered after this meeting"), never the codes "future, planned"; a skipped step says why."""
    words = _PATHWAY_WORDS[(PathwayRole(role), PathwayStatus(status))]
    reason = (skip_reason or "").strip()
    return f"{words} ({reason})" if reason and PathwayStatus(status) == PathwayStatus.SKIPPED else words


def pack_name(audience_label: str, version: int) -> str:
    """What a dispatched pack is called on the meeting page: the first "Public pack", later ones
    "Supplement 1 to the public pack" (each version has its own name)."""
    if version <= 1:
        return audience_label
    return f"Supplement {version - 1} to the {audience_label[0].lower()}{audience_label[1:]}"


# --- Times -------------------------------------------------------------------------------------


def time_words(at: dt.time | None) -> str:
    """A time as GOV.UK writes it: "10am", "4:30pm", "midday", "midnight"; "" for none."""
    if at is None:
        return ""
    if at.hour == 12 and at.minute == 0:
        return "midday"
    if at.hour == 0 and at.minute == 0:
        return "midnight"
    hour = at.hour % 12 or 12
    suffix = "am" if at.hour < 12 else "pm"
    return f"{hour}{suffix}" if at.minute == 0 else f"{hour}:{at.minute:02d}{suffix}"


# --- iCalendar (RFC 5545) ----------------------------------------------------------------------

CRLF = "\r\n"
MAX_OCTETS = 75


def ical_escape(text: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): backslash, semicolon and comma escaped; line breaks as \\n."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def ical_fold(line: str) -> str:
    """One content line folded (RFC 5545 §3.1): no physical line longer than 75 octets of UTF-8,
    each continuation starting with a space, never splitting a character."""
    out: list[str] = []
    current = ""
    size = 0
    limit = MAX_OCTETS
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            out.append(current)
            current, size, limit = "", 0, MAX_OCTETS - 1  # the leading space counts
        current += ch
        size += n
    out.append(current)
    return (CRLF + " ").join(out)


def ical_unfold(text: str) -> list[str]:
    """The content lines of an iCalendar text (folds joined): the inverse of :func:`ical_fold`."""
    return text.replace(CRLF + " ", "").replace(CRLF + "\t", "").split(CRLF)


def ical_document(lines: Iterable[str]) -> str:
    """Content lines as an iCalendar stream: each folded, each ending CRLF."""
    return "".join(ical_fold(line) + CRLF for line in lines)


def ical_utc(moment: dt.datetime) -> str:
    """A DATE-TIME in UTC form: 20230105T100000Z."""
    return moment.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def ical_date(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


# --- Open Civic Data ---------------------------------------------------------------------------

OCD_EVENT_STATUS = ("cancelled", "tentative", "confirmed", "passed")
OCD_VOTE_OPTIONS = ("yes", "no", "absent", "abstain", "not voting", "paired", "excused", "other")
OCD_VOTE_RESULTS = ("pass", "fail")


def ocd_event_status(status: MeetingStatus | str) -> str:
    """The Open Civic Data event status of a meeting: held "passed", cancelled "cancelled",
    scheduled "confirmed"."""
    return {MeetingStatus.HELD: "passed", MeetingStatus.CANCELLED: "cancelled"}.get(MeetingStatus(status), "confirmed")


def ocd_vote_option(choice: VoteChoice | str) -> str:
    return {VoteChoice.FOR: "yes", VoteChoice.AGAINST: "no", VoteChoice.ABSTAIN: "abstain"}[VoteChoice(choice)]


def ocd_vote_result(outcome: MotionOutcome | str) -> str | None:
    """"pass" for a motion carried (or agreed unanimously), "fail" for one lost; None for one
    withdrawn (never put to the vote)."""
    return {MotionOutcome.CARRIED: "pass", MotionOutcome.AGREED_UNANIMOUSLY: "pass",
            MotionOutcome.LOST: "fail"}.get(MotionOutcome(outcome))
