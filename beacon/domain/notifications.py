"""Reminders and notifications: what a person is told about, and how they choose to hear it.
Pure Python.
"""

from __future__ import annotations

from enum import StrEnum


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
