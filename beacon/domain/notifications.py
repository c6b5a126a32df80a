"""Reminders and notifications: what a person is told about, and how they choose to hear it.
Pure Python.
"""

from __future__ import annotations

import datetime as _dt
import re

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from beacon.domain.governance_rules import long_date  # the one weekday date style


class NotificationKind(StrEnum):
    RETURN_DUE = "return_due"
    RETURN_LATE = "return_late"
    RETURN_RETURNED = "return_returned"
    APPROVAL_WAITING = "approval_waiting"
    ACTION_DUE = "action_due"
    ACTION_OVERDUE = "action_overdue"
    REVIEW_DUE = "review_due"
    REVIEW_OVERDUE = "review_overdue"
    PAPER_DUE = "paper_due"
    RISK_FLAGGED = "risk_flagged"

    @property
    def label(self) -> str:
        return _WORDS[self]


class Delivery(StrEnum):
    """How a person receives notifications by e-mail (all are listed in the application)."""

    IMMEDIATE = "immediate"
    DAILY_DIGEST = "daily_digest"
    NONE = "none"

    @property
    def label(self) -> str:
        return _WORDS[self]


_WORDS: dict[StrEnum, str] = {
    NotificationKind.RETURN_DUE: "Return due",
    NotificationKind.RETURN_LATE: "Return late",
    NotificationKind.RETURN_RETURNED: "Return sent back",
    NotificationKind.APPROVAL_WAITING: "Return waiting for approval",
    NotificationKind.ACTION_DUE: "Risk action due",
    NotificationKind.ACTION_OVERDUE: "Risk action overdue",
    NotificationKind.REVIEW_DUE: "Risk review due",
    NotificationKind.REVIEW_OVERDUE: "Risk review overdue",
    NotificationKind.PAPER_DUE: "Paper due for dispatch",
    NotificationKind.RISK_FLAGGED: "Risk flagged for review",
    Delivery.IMMEDIATE: "An e-mail for each notification",
    Delivery.DAILY_DIGEST: "One e-mail a day (a digest)",
    Delivery.NONE: "No e-mails (the notifications page only)",
}


def choices(enum: type[StrEnum]) -> list[tuple[str, str]]:
    return [(m.value, m.label) for m in enum]


# --- when a thing is due ----------------------------------------------------------------------

class Timing(StrEnum):
    """Where a dated thing stands on a day: not yet worth a reminder, due soon, or overdue."""

    LATER = "later"
    DUE = "due"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return {"later": "Not yet due", "due": "Due soon", "overdue": "Overdue"}[self.value]


# How many days before its date a thing is first reminded of (a return, an action, a review,
# a paper for dispatch). Applications pass their own when they have one.
DEFAULT_LEAD_DAYS = 7


def timing(due: _dt.date | None, today: _dt.date, lead_days: int = DEFAULT_LEAD_DAYS) -> Timing:
    """``DUE`` from ``lead_days`` before ``due`` up to and including ``due`` itself; ``OVERDUE``
    the day after; ``LATER`` before the reminder window (or when there is no date)."""
    if due is None:
        return Timing.LATER
    if lead_days < 0:
        raise ValueError("lead_days must not be negative")
    if today > due:
        return Timing.OVERDUE
    if today >= due - _dt.timedelta(days=lead_days):
        return Timing.DUE
    return Timing.LATER


def month_end(day: _dt.date) -> _dt.date:
    """The last day of ``day``'s month."""
    following = (day.replace(day=28) + _dt.timedelta(days=4)).replace(day=1)
    return following - _dt.timedelta(days=1)


def action_deadline(due_text: str, due_date: _dt.date | None) -> _dt.date | None:
    """The day a risk action (or its review) falls due: the exact date when the register gives
    one (``2023-04-30``), else the last day of the month it names (``March 2023 (review)`` is
    due by 31 March 2023: the register dates a month the first)."""
    if due_date is None:
        return None
    core = re.sub(r"\(\s*review\s*\)", "", due_text or "", flags=re.I).strip()
    if _EXACT_DATE.fullmatch(core):
        return due_date
    return month_end(due_date)


_EXACT_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def when_words(due: _dt.date | None, today: _dt.date) -> str:
    """``due today``, ``due tomorrow``, ``due in 5 days (Friday 6 January 2023)``, ``1 day
    overdue (due Thursday 5 January 2023)``: how a reminder states its date."""
    if due is None:
        return "no date set"
    days = (due - today).days
    if days == 0:
        return f"due today ({long_date(due)})"
    if days == 1:
        return f"due tomorrow ({long_date(due)})"
    if days > 1:
        return f"due in {days} days ({long_date(due)})"
    late = -days
    return f"{late} day{'s' if late != 1 else ''} overdue (due {long_date(due)})"


# --- e-mail wording -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Message:
    """One notification as an e-mail sees it."""

    kind: NotificationKind
    subject: str
    body: str = ""
    url: str = ""  # absolute, or a path when no site address is known
    due: _dt.date | None = None


SUBJECT_PREFIX = "Beacon: "


def immediate_email(message: Message, today: _dt.date, settings_url: str = "") -> tuple[str, str]:
    """The subject and plain-text body of the e-mail for one notification sent at once."""
    lines = [message.subject, ""]
    if message.body:
        lines += [message.body, ""]
    if message.due is not None:
        lines += [f"When: {when_words(message.due, today)}.", ""]
    if message.url:
        lines += [f"Open it in Beacon: {message.url}", ""]
    lines += _footer(settings_url)
    return SUBJECT_PREFIX + _one_line(message.subject), "\n".join(lines)


def digest_groups(messages: Sequence[Message]) -> list[tuple[NotificationKind, list[Message]]]:
    """The messages grouped by kind, in the order of :class:`NotificationKind` (so a digest reads
    the same way every day), each group by due date (undated last) then subject."""
    groups: dict[NotificationKind, list[Message]] = {}
    for message in messages:
        groups.setdefault(NotificationKind(message.kind), []).append(message)
    order = list(NotificationKind)
    return [(kind, sorted(groups[kind], key=lambda m: (m.due is None, m.due or _dt.date.min, m.subject)))
            for kind in sorted(groups, key=order.index)]


DIGEST_LIMIT = 50
"""At most this many notifications are written out in one digest; the rest are counted and left
to the notifications page (a person who turns the digest on after months without e-mail is not
sent hundreds)."""


def digest_email(messages: Sequence[Message], today: _dt.date, list_url: str = "",
                 settings_url: str = "", limit: int = DIGEST_LIMIT) -> tuple[str, str]:
    """The subject and plain-text body of one day's digest: the messages grouped by kind; past
    ``limit``, the newest ``limit`` (in the order given, oldest first) and a count of the rest."""
    if not messages:
        raise ValueError("a digest needs at least one notification")
    count = len(messages)
    noun = "notification" if count == 1 else "notifications"
    subject = f"{SUBJECT_PREFIX}{count} new {noun} ({long_date(today)})"
    lines = [f"You have {count} new {noun} in Beacon since the last e-mail.", ""]
    shown = list(messages)[-limit:] if limit > 0 else []
    left = count - len(shown)
    if left:
        lines += [f"The {len(shown)} newest are listed here; {left} older "
                  f"{'one is' if left == 1 else 'ones are'} on your notifications page.", ""]
    for kind, group in digest_groups(shown):
        heading = f"{kind.label} ({len(group)})"
        lines += [heading, "-" * len(heading)]
        for message in group:
            line = f"* {_one_line(message.subject)}"
            if message.due is not None:
                line += f": {when_words(message.due, today)}"
            lines.append(line)
            if message.url:
                lines.append(f"  {message.url}")
        lines.append("")
    if list_url:
        lines += [f"All your notifications: {list_url}", ""]
    lines += _footer(settings_url)
    return subject, "\n".join(lines)


def unread_words(count: int) -> str:
    """``Notifications (3 unread)`` / ``Notifications`` for the header link."""
    return f"Notifications ({count} unread)" if count else "Notifications"


def _footer(settings_url: str) -> list[str]:
    where = settings_url or "your notification settings in Beacon"
    return ["You receive this e-mail because of your notification settings. To change how you hear of "
            f"notifications, or the kinds you are e-mailed: {where}", ""]


def _one_line(text: str) -> str:
    return " ".join(text.split())
