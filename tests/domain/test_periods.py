"""Reporting periods: financial years, quarters and months (beacon.domain.periods)."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from beacon.domain.periods import FinancialYear, Month, PeriodError, Quarter, parse_period, quarter_of

Q2 = Quarter(2022, 2)


@pytest.mark.parametrize("text", ["2022/23 Q2", "2022-23-Q2", "2022/23Q2", "2022-23 Q2", " 2022/2023 q2 "])
def test_quarter_spellings(text):
    assert parse_period(text) == Q2
    assert Quarter.parse(text) == Q2


def test_month_spelling():
    assert parse_period("2022-09") == Month(2022, 9)
    assert parse_period("2022-9") == Month(2022, 9)


@pytest.mark.parametrize(
    "text, message",
    [
        ("2022/24 Q2", "the second year must follow the first"),
        ("2022/23 Q5", "Q5 does not exist"),
        ("2022/23 Q0", "Q0 does not exist"),
        ("2022-13", "month 13 does not exist"),
        ("Q2 2022", "is not a period"),
        ("", "is not a period"),
        (None, "is not a period"),
    ],
)
def test_bad_periods(text, message):
    with pytest.raises(PeriodError, match=message):
        parse_period(text)


def test_quarter_parse_rejects_a_month():
    with pytest.raises(PeriodError, match="is a month; a quarter is needed"):
        Quarter.parse("2022-09")


def test_quarter_validation():
    with pytest.raises(PeriodError, match="Q5 does not exist"):
        Quarter(2022, 5)
    with pytest.raises(PeriodError, match="out of range"):
        Quarter(1800, 1)
    with pytest.raises(PeriodError):
        Month(2022, 0)
    assert issubclass(PeriodError, ValueError)


def test_financial_year():
    fy = FinancialYear.parse("2022/23")
    assert fy == FinancialYear(2022) == FinancialYear.parse("2022-2023")
    assert fy.label == "2022/23" and fy.short_label == "22/23" and str(fy) == "2022/23"
    assert fy.start == date(2022, 4, 1) and fy.end == date(2023, 3, 31)
    assert fy.quarters == [Quarter(2022, n) for n in (1, 2, 3, 4)]
    assert fy.quarter(2) == Q2
    assert fy.previous() == FinancialYear(2021)
    assert FinancialYear.containing(date(2023, 3, 31)) == fy
    assert FinancialYear.containing(date(2023, 4, 1)) == FinancialYear(2023)
    assert FinancialYear(1999).label == "1999/00"
    with pytest.raises(PeriodError, match="not a financial year"):
        FinancialYear.parse("2022")
    with pytest.raises(PeriodError, match="expected 2022/23"):
        FinancialYear.parse("2022/22")


def test_quarter_labels_for_q2_2022_23():
    assert Q2.label == "2022/23 Q2" and str(Q2) == "2022/23 Q2"
    assert Q2.slug == "2022-23-Q2"
    assert Q2.long_label == "Quarter 2, 2022/23"
    assert Q2.end_month_label == "September 2022"  # "data up to the end of September 2022"
    assert Q2.chart_label == "Sep-22"
    assert Q2.table_label == "Jul - Sep 22"
    assert Quarter(2022, 1).table_label == "Apr - Jun 22"
    assert Q2.start == date(2022, 7, 1) and Q2.end == date(2022, 9, 30)
    assert Q2.months == [Month(2022, 7), Month(2022, 8), Month(2022, 9)]
    assert Q2.financial_year == FinancialYear(2022)


def test_year_end_quarter_spans_the_calendar_year():
    q4 = Quarter(2022, 4)
    assert q4.is_year_end and not Q2.is_year_end
    assert q4.months == [Month(2023, 1), Month(2023, 2), Month(2023, 3)]
    assert q4.start == date(2023, 1, 1) and q4.end == date(2023, 3, 31)
    assert q4.chart_label == "Mar-23" and q4.table_label == "Jan - Mar 23"
    assert Quarter(2022, 3).table_label == "Oct - Dec 22"
    assert Quarter(2023, 4).end == date(2024, 3, 31)


def test_quarter_containing():
    assert Quarter.containing(date(2022, 4, 1)) == Quarter(2022, 1)
    assert Quarter.containing(date(2022, 9, 30)) == Q2
    assert Quarter.containing(date(2022, 12, 31)) == Quarter(2022, 3)
    assert Quarter.containing(date(2023, 1, 1)) == Quarter(2022, 4)
    assert Quarter.containing(date(2023, 3, 31)) == Quarter(2022, 4)


def test_quarter_arithmetic():
    assert Q2.previous() == Quarter(2022, 1)
    assert Quarter(2022, 1).previous() == Quarter(2021, 4)
    assert Quarter(2022, 4).next() == Quarter(2023, 1)
    assert Q2.same_quarter_last_year() == Quarter(2021, 2)
    assert Q2.shift(-6) == Quarter(2020, 4)
    assert Q2.next().index - Q2.index == 1
    assert Q2.last(6) == [Quarter(2021, 1), Quarter(2021, 2), Quarter(2021, 3), Quarter(2021, 4), Quarter(2022, 1), Q2]
    assert Q2.last(1) == [Q2]
    with pytest.raises(PeriodError):
        Q2.last(0)


def test_comparison_quarter():
    assert Q2.comparison_quarter() == Quarter(2022, 1)
    assert Quarter(2022, 4).comparison_quarter() == Quarter(2021, 4)


def test_ordering():
    assert Quarter(2021, 4) < Quarter(2022, 1) < Q2
    assert sorted([Q2, Quarter(2021, 3), Quarter(2022, 1)]) == [Quarter(2021, 3), Quarter(2022, 1), Q2]
    assert Month(2022, 9) < Month(2022, 10)


def test_months():
    m = Month(2022, 9)
    assert m.label == "2022-09" and str(m) == "2022-09"
    assert m.long_label == "September 2022" and m.chart_label == "Sep-22"
    assert m.quarter == Q2 and m.end == date(2022, 9, 30)
    assert Month(2024, 2).end == date(2024, 2, 29)
    assert Month(2023, 1).quarter == Quarter(2022, 4)
    assert quarter_of(m) == Q2 and quarter_of(Q2) == Q2


quarters = st.builds(Quarter, st.integers(1950, 2900), st.integers(1, 4))


@given(quarters)
@settings(max_examples=100, deadline=None)
def test_labels_parse_back(q):
    assert parse_period(q.label) == q
    assert parse_period(q.slug) == q
    assert Quarter.from_index(q.index) == q
    assert Quarter.containing(q.start) == q == Quarter.containing(q.end)
    assert all(m.quarter == q for m in q.months)


@given(quarters, st.integers(-200, 200))
@settings(max_examples=100, deadline=None)
def test_shift_is_index_arithmetic(q, k):
    try:
        shifted = q.shift(k)
    except PeriodError:
        return  # beyond the supported years
    assert shifted.index == q.index + k
    assert shifted.shift(-k) == q
    assert (shifted > q) == (k > 0)


def test_comparison_period_follows_the_basis():
    from beacon.domain.periods import PeriodError, comparison_basis, comparison_period

    q2, q4 = Quarter(2022, 2), Quarter(2022, 4)
    assert comparison_basis(q2) == "previous_quarter"
    assert comparison_basis(q4) == "same_quarter_last_year"
    assert comparison_period(q2, comparison_basis(q2)) == Quarter(2022, 1)
    assert comparison_period(q4, comparison_basis(q4)) == Quarter(2021, 4)
    assert comparison_period(q4, comparison_basis(q4, year_end="previous_quarter")) == Quarter(2022, 3)
    with pytest.raises(PeriodError):
        comparison_period(q2, "last_week")


# --- the one sort key (beacon.domain.periods.period_sort) ----------------------------------------
def test_period_sort_is_the_last_month():
    from beacon.domain.periods import period_sort

    assert period_sort(Month(2022, 9)) == 2022 * 12 + 9
    assert period_sort(Q2) == period_sort(Month(2022, 9))  # a quarter sorts with its last month
    assert period_sort(Quarter(2022, 4)) == 2023 * 12 + 3


@given(st.integers(1900 * 4, 2998 * 4 + 3), st.integers(1900 * 4, 2998 * 4 + 3))
@settings(max_examples=200)
def test_period_sort_orders_quarters_and_their_months(a, b):
    from beacon.domain.periods import period_sort

    qa, qb = Quarter.from_index(a), Quarter.from_index(b)
    assert (period_sort(qa) < period_sort(qb)) == (qa < qb)
    assert [period_sort(m) for m in qa.months] == sorted(period_sort(m) for m in qa.months)
    assert period_sort(qa.months[-1]) == period_sort(qa)


def test_window_sort_range():
    from beacon.domain.periods import period_sort, window_sort_range

    low, high = window_sort_range(Q2, 6)
    assert low == period_sort(Month(2021, 4)) and high == period_sort(Month(2022, 9))  # 2021/22 Q1 to 2022/23 Q2
    assert window_sort_range(Q2, 1) == (period_sort(Month(2022, 7)), period_sort(Q2))
    low8, _ = window_sort_range(Q2, 8)
    assert low8 == low - 6
