"""What a caller asks the quarterly return to do: typed, frozen commands, built by the page's
forms and by the API alike, and the one error the services raise.

Values are numbers (``Decimal``) or None, never typed text: turning text into a number is the
caller's input handling (:func:`beacon.returns.entries.parse_entered`). ``by`` is the
username the history records; the caller has checked that user's permission.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
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
    """Open a quarter for returns. Each return starts from the values held for the quarter.
    ``published``: the caller found the quarter's QPR edition published (the return layer
    cannot ask the reports); opening it then needs ``confirmed``, since its returns correct
    published figures."""

    period: Quarter
    due_date: dt.date
    by: str
    published: bool = False
    confirmed: bool = False


@dataclass(frozen=True)
class MonthValue:
    month: Month
    value: Decimal | None


@dataclass(frozen=True)
class LineEntry:
    """One line of a return as entered. ``months`` (a monthly KPI: a value for each month of
    the quarter) is None to keep the months saved before; ``value`` is then None.

    A blank never removes a value held for the quarter by itself: ``remove`` (with
    ``remove_reason``) says that what the line leaves blank (value, months, data note,
    commentary) is to be removed from the held data when the return is approved."""

    kind: LineKind
    code: str
    value: Decimal | None = None
    months: tuple[MonthValue, ...] | None = None
    note: str = ""
    commentary: str = ""
    remove: bool = False
    remove_reason: str = ""


@dataclass(frozen=True)
class SaveReturn:
    """Save a draft. Lines left out keep what was saved; ``commentary`` None keeps the
    directorate commentary saved.

    Stale-safe: ``opened`` is what the form showed (field name -> text, sealed in the page;
    None for a caller without a view, such as the API), merged field by field with what is
    saved now; ``version`` is the version an API client read (``If-Match``), None to skip the
    check. ``remove_commentary`` (with its reason) removes the held directorate commentary
    when the commentary is left blank."""

    return_id: int
    entries: tuple[LineEntry, ...]
    commentary: str | None
    by: str
    opened: Mapping[str, str] | None = None
    version: str | None = None
    remove_commentary: bool = False
    remove_commentary_reason: str = ""


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
class ReopenReturn:
    """Reopen an approved return for correction (the performance lead); the reason is kept."""

    return_id: int
    reason: str
    by: str


@dataclass(frozen=True)
class CloseYear:
    """Close a financial year as final (the performance lead, after confirming on the page): only
    a year that has ended, has data, and whose returns are all approved."""

    financial_year: FinancialYear
    by: str


@dataclass(frozen=True)
class ReopenYear:
    """Reopen a closed financial year for correction (the performance lead); the reason is kept."""

    financial_year: FinancialYear
    reason: str
    by: str
