"""What the public side of governance prints and publishes (issue 12, item 6), as pure rules:
the label of an exemption (Schedule 12A), times in words, the iCalendar text format (RFC 5545:
escaping, line folding at 75 octets, CRLF) and the Open Civic Data words for a meeting's status
and a recorded vote. Pure Python: the pages, the feed, the open data and the API call these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from .governance import MeetingStatus, MotionOutcome, VoteChoice

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
