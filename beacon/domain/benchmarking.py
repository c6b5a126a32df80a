"""Benchmarking against other councils: rank, quartile and median of a value among a
comparison group's values for a national measure. Pure Python.

The rules (``docs/benchmarking.md``):

* **Rank.** 1 is best by the measure's polarity (the highest value when higher is better, the
  lowest when lower is better). Equal values share a rank: the rank is one more than the number
  of group values strictly better ("1, 2, 2, 4").
* **Of.** The council and the other areas of the group with a value: ``len(values) + 1``.
* **Quartile** (rank based). ``1 + floor(4 * better / of)``, where ``better`` is the number of
  areas strictly better: quartile 1 (the top quarter) when fewer than a quarter of the areas do
  better, 4 (the bottom quarter) when at least three quarters do. Ties share a quartile. Given
  only when at least :data:`MIN_FOR_QUARTILES` areas are compared.
* **Median** of the other areas' values (the council's own value is not in it): the middle
  value, or the mean of the two middle values.
* A measure where neither higher nor lower is better is not ranked: only its median is given.
* **Periods.** The comparator values are for one period (the latest held at or before the
  KPI's period); when it is not the KPI's period, the comparison says so
  (:func:`period_caveat`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from .periods import FinancialYear, Month, PeriodError, Quarter, parse_period


class Polarity(StrEnum):
    """Which way is better for a national measure (decides rank 1)."""

    HIGHER = "higher"
    LOWER = "lower"
    NEITHER = "neither"

    @property
    def label(self) -> str:
        return _WORDS[self]


_WORDS: dict[StrEnum, str] = {
    Polarity.HIGHER: "Higher is better",
    Polarity.LOWER: "Lower is better",
    Polarity.NEITHER: "Neither higher nor lower is better",
}


def choices(enum: type[StrEnum]) -> list[tuple[str, str]]:
    return [(m.value, m.label) for m in enum]


MIN_FOR_QUARTILES = 4
"""Fewer areas than this (the council included) get a rank but no quartile."""

QUARTILE_WORDS = {1: "top quartile", 2: "second quartile", 3: "third quartile", 4: "bottom quartile"}


def quartile_label(quartile: int | None) -> str:
    """``top quartile`` ... ``bottom quartile``; "" when there is none."""
    return QUARTILE_WORDS.get(quartile, "") if quartile else ""


@dataclass(frozen=True)
class Standing:
    """Where a value stands among a group's values."""

    rank: int | None  # 1 = best; None when the measure is not ranked (neither way is better)
    of: int  # the areas compared: the group's values and the council's
    quartile: int | None  # 1 = best quarter; None when not ranked or fewer than MIN_FOR_QUARTILES
    median: Decimal  # of the group's values (the council's not among them)
    better: int | None  # how many group values are strictly better (None when not ranked)

    @property
    def quartile_label(self) -> str:
        return quartile_label(self.quartile)

    @property
    def rank_text(self) -> str:
        """``3rd of 9`` (ties: ``joint 2nd of 9``), or "" when not ranked."""
        if self.rank is None:
            return ""
        return f"{ordinal(self.rank)} of {self.of}"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def median(values: Sequence[Decimal]) -> Decimal:
    """The median: the middle value, or the mean of the two middle values."""
    if not values:
        raise ValueError("the median of no values")
    ordered = sorted(Decimal(v) for v in values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def compare(value: Decimal | None, values: Sequence[Decimal], polarity: Polarity | str) -> Standing:
    """Where ``value`` (the council's) stands among ``values`` (the other areas' values of the
    group, one each). ``value`` None: the council has no value: the median only."""
    if not values:
        raise ValueError("no comparator values to compare with")
    polarity = Polarity(polarity)
    mid = median(values)
    if value is None or polarity is Polarity.NEITHER:
        return Standing(rank=None, of=len(values) + (0 if value is None else 1), quartile=None, median=mid,
                        better=None)
    value = Decimal(value)
    if polarity is Polarity.HIGHER:
        better = sum(1 for v in values if Decimal(v) > value)
    else:
        better = sum(1 for v in values if Decimal(v) < value)
    of = len(values) + 1
    quartile = 1 + (4 * better) // of if of >= MIN_FOR_QUARTILES else None
    return Standing(rank=better + 1, of=of, quartile=quartile, median=mid, better=better)


# --- periods of comparator data -------------------------------------------------------------
ComparatorPeriod = FinancialYear | Quarter | Month

_FY_ONLY = re.compile(r"^\s*\d{4}\s*[/-]\s*(\d{2}|\d{4})\s*$")


def parse_comparator_period(text: str) -> ComparatorPeriod:
    """A comparator period: a financial year (``2021/22``), a quarter (``2022/23 Q2``) or a
    month (``2022-03``). Raises :class:`PeriodError` with a reason a person can act on."""
    raw = "" if text is None else str(text)
    if _FY_ONLY.match(raw) and not re.match(r"^\s*\d{4}-\d{1,2}\s*$", raw):
        return FinancialYear.parse(raw)
    try:
        return parse_period(raw)
    except PeriodError:
        raise PeriodError(
            f"{raw!r} is not a period (write a financial year like 2021/22, a quarter like 2022/23 Q2 "
            f"or a month like 2022-03)") from None


def coverage(period: ComparatorPeriod, rolling_12_months: bool = False) -> tuple[int, int]:
    """What a period covers: (its last month as months since year 0, its length in months). A
    rolling 12-month figure for a quarter covers the 12 months to the quarter's end."""
    if isinstance(period, FinancialYear):
        return (period.start_year + 1) * 12 + 3, 12
    if isinstance(period, Quarter):
        last = period.months[-1]
        return last.year * 12 + last.month, 12 if rolling_12_months else 3
    return period.year * 12 + period.month, 12 if rolling_12_months else 1


def comparator_sort(period: ComparatorPeriod) -> int:
    """The stored ``period_sort`` of a comparator period: its last month, as
    :func:`beacon.domain.periods.period_sort` (a financial year sorts with its Q4)."""
    return coverage(period)[0]


def same_period(kpi_period: Quarter | Month, comparator: ComparatorPeriod, rolling_12_months: bool = False) -> bool:
    """Whether the comparator data describes the same span as the KPI's value: the same label,
    or a financial year and the rolling 12 months to its March."""
    return coverage(kpi_period, rolling_12_months) == coverage(comparator)


def period_caveat(kpi_period: Quarter | Month, comparator: ComparatorPeriod, council: str,
                  rolling_12_months: bool = False) -> str | None:
    """The sentence a comparison carries when its periods differ, else None."""
    if same_period(kpi_period, comparator, rolling_12_months):
        return None
    return (f"The periods differ: {council}'s value is for {kpi_period.label}, the other areas' values are for "
            f"{comparator.label}, the latest held.")


GSS_CODE = re.compile(r"^[EWSN]\d{8}$")
"""An ONS GSS code: the country letter and eight digits (E10000016 is Kent)."""


def check_area_code(text: str) -> str:
    """The code, upper-cased, or ValueError saying what a GSS code looks like."""
    code = (text or "").strip().upper()
    if not GSS_CODE.match(code):
        raise ValueError(f"{text!r} is not an ONS GSS area code (a letter E, W, S or N and eight digits, "
                         f"like E10000016)")
    return code


# --- wording --------------------------------------------------------------------------------
def shown_decimals(value, decimals: int) -> int:
    """The decimals a comparator value or median is printed with: the KPI's, or as many more as
    the value has (at most two more), so that a median of 72.5 is never printed as 73."""
    if value is None:
        return decimals
    exponent = Decimal(str(value)).normalize().as_tuple().exponent
    own = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return max(decimals, min(own, decimals + 2))


def standing_sentences(b, unit: str, decimals: int, kpi_period: str) -> list[str]:
    """What a paper prints of a KPI's comparison (``b``: a QPR ``Benchmark`` record): the rank,
    quartile and group median with the comparator period, the caveat where the periods differ,
    illustrative values said to be so, and the source."""
    from .narrative import format_value

    unit = b.unit or unit
    median = format_value(b.median, unit, shown_decimals(b.median, decimals)) if b.median is not None else "not available"
    others = b.of - 1 if b.value is not None else b.of
    where = f"{b.group_name} ({others} other area{'s' if others != 1 else ''}, {b.period})"
    if b.rank is not None:
        quartile = quartile_label(b.quartile)
        first = (f"Compared with {where}: {b.area} ranks {ordinal(b.rank)} of {b.of}"
                 + (f", {quartile}" if quartile else " (too few areas for quartiles)")
                 + f"; group median {median}.")
    elif b.value is None:
        first = f"Compared with {where}: group median {median}; {b.area} has no value for {kpi_period} to rank."
    else:
        first = (f"Compared with {where}: group median {median}; not ranked, as neither a higher nor a lower value "
                 f"is better.")
    out = [first]
    if b.caveat:
        out.append(b.caveat)
    if b.illustrative:
        out.append(illustrative_sentence(b))
    if b.source:
        out.append(f"Source: {b.source}.")
    return out


def illustrative_sentence(b) -> str:
    """How a paper says that a comparison's values are illustrative (``b.illustrative`` of them)."""
    others = b.of - 1 if b.value is not None else b.of
    verb = "is" if b.illustrative == 1 else "are"
    return (f"{b.illustrative} of the {others} other areas' values {verb} illustrative, not published figures: "
            f"this comparison is illustrative.")
