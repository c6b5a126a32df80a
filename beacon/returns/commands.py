"""What a caller asks the quarterly return to do: typed, frozen commands, built by the page's
forms and by the API alike, and the one error the services raise.

Values are numbers (``Decimal``) or None, never typed text: turning text into a number is the
caller's input handling (:func:`beacon.returns.entries.parse_entered`). ``by`` is the
username the history records; the caller has checked that user's permission.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from beacon.domain.periods import FinancialYear, Month, Quarter

from .entries import LineKind


class ReturnError(Exception):
    """A request the return's rules or state do not allow. ``field_errors`` maps a field name
    (``kpi-A1-value``, ``commentary``, ``period`` ...) to a message naming the field."""

    def __init__(self, message: str, field_errors: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.field_errors = dict(field_errors or {})


@dataclass(frozen=True)
class OpenPeriod:
    period: Quarter
    due_date: dt.date
    by: str


@dataclass(frozen=True)
class MonthValue:
    month: Month
    value: Decimal | None


@dataclass(frozen=True)
class LineEntry:
    """One line of a return as entered. ``months`` (a monthly KPI: a value for each month of
    the quarter) is None to keep the months saved before; ``value`` is then None."""

    kind: LineKind
    code: str
    value: Decimal | None = None
    months: tuple[MonthValue, ...] | None = None
    note: str = ""
    commentary: str = ""


@dataclass(frozen=True)
class SaveReturn:
    """Save a draft. Lines left out keep what was saved; ``commentary`` None keeps the
    directorate commentary saved."""

    return_id: int
    entries: tuple[LineEntry, ...]
    commentary: str | None
    by: str


@dataclass(frozen=True)
class SubmitReturn:
    return_id: int
    by: str


@dataclass(frozen=True)
class SendBack:
    """Return a submitted return to its data owner; the comment says what must change."""

    return_id: int
    comment: str
    by: str


@dataclass(frozen=True)
class ApproveReturn:
    return_id: int
    comment: str
    by: str


@dataclass(frozen=True)
class CloseYear:
    financial_year: FinancialYear
    by: str
