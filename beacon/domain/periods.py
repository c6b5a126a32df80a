"""Reporting periods: UK financial years, their quarters and months.

A financial year runs April to March and is written ``2022/23``. Its quarters are
Q1 = Apr-Jun, Q2 = Jul-Sep, Q3 = Oct-Dec, Q4 = Jan-Mar (the year-end quarter).

Accepted spellings (``parse_period``):

* quarter: ``2022/23 Q2``, ``2022-23-Q2``, ``2022/23Q2``, ``2022-23 Q2``
* month: ``2022-09``
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import date


class PeriodError(ValueError):
    """A period or financial year that cannot be parsed or does not exist."""


MONTH_ABBR = [calendar.month_abbr[m] for m in range(13)]
MONTH_NAME = [calendar.month_name[m] for m in range(13)]

_FY_RE = re.compile(r"^\s*(\d{4})\s*[/-]\s*(\d{2}|\d{4})\s*$")
_QUARTER_RE = re.compile(r"^\s*(\d{4})\s*[/-]\s*(\d{2}|\d{4})\s*[- ]?\s*[Qq]\s*(\d+)\s*$")
_MONTH_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


def _check_second_year(first: int, second_text: str, text: str) -> None:
    expected = first + 1
    if len(second_text) == 2:
        ok = int(second_text) == expected % 100
    else:
        ok = int(second_text) == expected
    if not ok:
        raise PeriodError(
            f"{text!r} is not a financial year: the second year must follow the first "
            f"(expected {first}/{expected % 100:02d})"
        )


@dataclass(frozen=True, order=True)
class FinancialYear:
    """The financial year that starts on 1 April of ``start_year``."""

    start_year: int

    @classmethod
    def parse(cls, text: str) -> FinancialYear:
        m = _FY_RE.match(str(text))
        if not m:
            raise PeriodError(f"{text!r} is not a financial year (write it like 2022/23)")
        first = int(m.group(1))
        _check_second_year(first, m.group(2), text)
        return cls(first)

    @classmethod
    def containing(cls, day: date) -> FinancialYear:
        return cls(day.year if day.month >= 4 else day.year - 1)

    @property
    def label(self) -> str:
        """``2022/23``."""
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    @property
    def short_label(self) -> str:
        """``22/23``, as printed in "New KPI in 22/23"."""
        return f"{self.start_year % 100:02d}/{(self.start_year + 1) % 100:02d}"

    @property
    def start(self) -> date:
        return date(self.start_year, 4, 1)

    @property
    def end(self) -> date:
        return date(self.start_year + 1, 3, 31)

    def quarter(self, number: int) -> Quarter:
        return Quarter(self.start_year, number)

    @property
    def quarters(self) -> list[Quarter]:
        return [Quarter(self.start_year, n) for n in (1, 2, 3, 4)]

    def previous(self) -> FinancialYear:
        return FinancialYear(self.start_year - 1)

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True, order=True)
class Quarter:
    """Quarter ``number`` (1-4) of the financial year starting in April of ``start_year``."""

    start_year: int
    number: int

    def __post_init__(self):
        if self.number not in (1, 2, 3, 4):
            raise PeriodError(f"quarter Q{self.number} does not exist: quarters run Q1 to Q4")
        if not 1900 <= self.start_year <= 2999:
            raise PeriodError(f"financial year {self.start_year} is out of range")

    # --- construction -------------------------------------------------------------------
    @classmethod
    def parse(cls, text: str) -> Quarter:
        period = parse_period(text)
        if not isinstance(period, Quarter):
            raise PeriodError(f"{text!r} is a month; a quarter is needed (write it like 2022/23 Q2)")
        return period

    @classmethod
    def containing(cls, day: date) -> Quarter:
        fy = FinancialYear.containing(day)
        months_in = (day.month - 4) % 12
        return cls(fy.start_year, months_in // 3 + 1)

    @classmethod
    def from_index(cls, index: int) -> Quarter:
        return cls(index // 4, index % 4 + 1)

    # --- identity and labels ------------------------------------------------------------
    @property
    def index(self) -> int:
        """A running number: consecutive quarters differ by one (used as the regression x)."""
        return self.start_year * 4 + self.number - 1

    @property
    def financial_year(self) -> FinancialYear:
        return FinancialYear(self.start_year)

    @property
    def label(self) -> str:
        """``2022/23 Q2``: the canonical form, used in bundles and JSON."""
        return f"{self.financial_year.label} Q{self.number}"

    @property
    def slug(self) -> str:
        """``2022-23-Q2``: safe in file names and URLs."""
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}-Q{self.number}"

    @property
    def long_label(self) -> str:
        """``Quarter 2, 2022/23``."""
        return f"Quarter {self.number}, {self.financial_year.label}"

    @property
    def start(self) -> date:
        first_month = self.months[0]
        return date(first_month.year, first_month.month, 1)

    @property
    def end(self) -> date:
        """The last day of the quarter: the report "includes data up to the end of" it."""
        last = self.months[-1]
        return date(last.year, last.month, calendar.monthrange(last.year, last.month)[1])

    @property
    def months(self) -> list[Month]:
        first = 4 + (self.number - 1) * 3
        out = []
        for offset in range(3):
            m = first + offset
            year = self.start_year if m <= 12 else self.start_year + 1
            out.append(Month(year, (m - 1) % 12 + 1))
        return out

    @property
    def end_month_label(self) -> str:
        """``September 2022``: "data up to the end of September 2022"."""
        return self.months[-1].long_label

    @property
    def chart_label(self) -> str:
        """``Sep-22``: the chart axis label (the quarter's last month)."""
        return self.months[-1].chart_label

    @property
    def table_label(self) -> str:
        """``Jul - Sep 22``: the column heading in tables."""
        first, last = self.months[0], self.months[-1]
        return f"{MONTH_ABBR[first.month]} - {MONTH_ABBR[last.month]} {last.year % 100:02d}"

    @property
    def is_year_end(self) -> bool:
        return self.number == 4

    # --- arithmetic ---------------------------------------------------------------------
    def shift(self, quarters: int) -> Quarter:
        return Quarter.from_index(self.index + quarters)

    def previous(self) -> Quarter:
        return self.shift(-1)

    def next(self) -> Quarter:
        return self.shift(1)

    def same_quarter_last_year(self) -> Quarter:
        return self.shift(-4)

    def last(self, n: int) -> list[Quarter]:
        """The last ``n`` quarters ending with this one, oldest first."""
        if n < 1:
            raise PeriodError("the number of quarters must be at least 1")
        return list(_last_quarters(self, n))

    def comparison_quarter(self) -> Quarter:
        """The comparison period for change clauses: the previous quarter, or the same quarter
        last year for the year-end (Q4) edition (performance spec 3.10)."""
        return self.same_quarter_last_year() if self.is_year_end else self.previous()

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    def __post_init__(self):
        if not 1 <= self.month <= 12:
            raise PeriodError(f"month {self.month} does not exist: months run 01 to 12")
        if not 1900 <= self.year <= 2999:
            raise PeriodError(f"year {self.year} is out of range")

    @property
    def label(self) -> str:
        """``2022-09``: the canonical form."""
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def long_label(self) -> str:
        return f"{MONTH_NAME[self.month]} {self.year}"

    @property
    def chart_label(self) -> str:
        return f"{MONTH_ABBR[self.month]}-{self.year % 100:02d}"

    @property
    def quarter(self) -> Quarter:
        return Quarter.containing(date(self.year, self.month, 1))

    @property
    def end(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def __str__(self) -> str:
        return self.label


Period = Quarter | Month


@functools.lru_cache(maxsize=1024)
def _last_quarters(quarter: Quarter, n: int) -> tuple[Quarter, ...]:
    # a report asks every KPI for the same window: worked out once (periods are immutable)
    return tuple(quarter.shift(-k) for k in range(n - 1, -1, -1))


def parse_period(text: str) -> Period:
    """Parse ``2022/23 Q2``, ``2022-23-Q2`` or ``2022-09``.

    Raises ``PeriodError`` with a reason a person can act on.
    """
    raw = "" if text is None else str(text)
    return _parse_period(raw)


@functools.lru_cache(maxsize=4096)
def _parse_period(raw: str) -> Period:
    # the same few labels are parsed for every row of a report or a bundle: each once (a period
    # is immutable; a text that is not a period raises each time, as errors are not cached)
    m = _QUARTER_RE.match(raw)
    if m:
        first = int(m.group(1))
        _check_second_year(first, m.group(2), raw)
        number = int(m.group(3))
        if number not in (1, 2, 3, 4):
            raise PeriodError(f"{raw!r}: quarter Q{number} does not exist (quarters run Q1 to Q4)")
        return Quarter(first, number)
    m = _MONTH_RE.match(raw)
    if m:
        year, month = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12:
            raise PeriodError(f"{raw!r}: month {month:02d} does not exist")
        return Month(year, month)
    raise PeriodError(f"{raw!r} is not a period (write a quarter like 2022/23 Q2 or a month like 2022-09)")


def period_sort(period: Period) -> int:
    """The sort key of a period (stored as ``period_sort``): months since year 0 of its last
    month, so quarters and months sort together and a quarter sorts with its last month."""
    last = period.months[-1] if isinstance(period, Quarter) else period
    return last.year * 12 + last.month


def window_sort_range(quarter: Quarter, quarters: int) -> tuple[int, int]:
    """The ``period_sort`` range (inclusive) of the ``quarters`` quarters ending with ``quarter``:
    from the first month of the earliest to the last month of ``quarter`` (the rule set's
    ``dot.window_quarters`` is the usual ``quarters``)."""
    first = quarter.shift(-(quarters - 1)).months[0]
    return period_sort(first), period_sort(quarter)


def quarter_of(period: Period) -> Quarter:
    """The quarter a period falls in (a quarter is its own)."""
    return period if isinstance(period, Quarter) else period.quarter


COMPARISON_BASES = ("previous_quarter", "same_quarter_last_year")


def comparison_basis(quarter: Quarter, quarterly: str = "previous_quarter", year_end: str = "same_quarter_last_year") -> str:
    """The comparison basis in force for a report quarter (spec 3.10; rule-set section
    ``comparison``): one setting for Q1-Q3, another for the year-end (Q4) edition."""
    basis = year_end if quarter.is_year_end else quarterly
    if basis not in COMPARISON_BASES:
        raise PeriodError(f"unknown comparison basis {basis!r} (use {' or '.join(COMPARISON_BASES)})")
    return basis


def comparison_period(quarter: Quarter, basis: str) -> Quarter:
    """The quarter whose counts the change clauses compare with."""
    if basis == "previous_quarter":
        return quarter.previous()
    if basis == "same_quarter_last_year":
        return quarter.same_quarter_last_year()
    raise PeriodError(f"unknown comparison basis {basis!r} (use {' or '.join(COMPARISON_BASES)})")


_MONTH_NUMBER = {name.lower(): i for i, name in enumerate(calendar.month_name) if name} | {
    name.lower(): i for i, name in enumerate(calendar.month_abbr) if name} | {"sept": 9}
_DAY_MONTH_YEAR = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\s*$")
_DAY_NAMED_MONTH_YEAR = re.compile(r"^\s*(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{4})\s*$")


def date_words(day: date) -> str:
    """The one style dates are printed in: "5 January 2023"."""
    return f"{day.day} {day:%B %Y}"


def typed_date(text: str) -> date:
    """A date as a person types it, or as a date field sends it: ``2022-11-15`` (what a browser's
    date picker sends), ``15/11/2022`` (day first, as in the UK), ``15 November 2022`` or
    ``15 Nov 2022``. Raises :class:`ValueError` saying how to write one."""
    text = (text or "").strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    m = _DAY_MONTH_YEAR.match(text)
    parts = (int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None
    if parts is None:
        m = _DAY_NAMED_MONTH_YEAR.match(text)
        month = _MONTH_NUMBER.get(m.group(2).lower()) if m else None
        parts = (int(m.group(1)), month, int(m.group(3))) if month else None
    if parts is not None:
        try:
            return date(parts[2], parts[1], parts[0])
        except ValueError:
            pass
    raise ValueError(f"{text!r} is not a date (write it like 15/11/2022 or 15 November 2022)")
