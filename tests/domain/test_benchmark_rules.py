"""The benchmarking rule (beacon.domain.benchmarking): rank, quartile and median by hand, every
small case exhaustively against a definition written another way, properties with hypothesis,
and the period rule."""

from __future__ import annotations

import itertools
import statistics
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from beacon.domain.benchmarking import (
    MIN_FOR_QUARTILES,
    Polarity,
    compare,
    median,
    parse_comparator_period,
    period_caveat,
    same_period,
    check_area_code,
    shown_decimals,
)
from beacon.domain.periods import FinancialYear, Month, PeriodError, Quarter

D = Decimal


def test_a_small_case_checked_by_hand():
    # Kent 91 among 88, 90, 92, 93, 85, 89, 91, 87 (higher is better): 92 and 93 are better, so rank
    # 3 (shared with the other 91) of 9; 2 of 9 better is under a quarter: the top quartile;
    # median of the eight others: (89 + 90) / 2 = 89.5
    s = compare(D(91), [D(v) for v in (88, 90, 92, 93, 85, 89, 91, 87)], Polarity.HIGHER)
    assert (s.rank, s.of, s.quartile, s.median, s.better) == (3, 9, 1, D("89.5"), 2)
    assert s.rank_text == "3rd of 9" and s.quartile_label == "top quartile"
    # the same values, lower is better: 85, 87, 88, 89, 90 are better: rank 6 of 9;
    # 1 + floor(4 x 5 / 9) = 3
    s = compare(D(91), [D(v) for v in (88, 90, 92, 93, 85, 89, 91, 87)], Polarity.LOWER)
    assert (s.rank, s.of, s.quartile) == (6, 9, 3)


def test_neither_polarity_and_no_value_give_the_median_only():
    s = compare(D(22.2), [D("23.3")], Polarity.NEITHER)
    assert (s.rank, s.quartile, s.median, s.of) == (None, None, D("23.3"), 2)
    s = compare(None, [D(1), D(3)], Polarity.HIGHER)
    assert (s.rank, s.quartile, s.median, s.of) == (None, None, D(2), 2)
    with pytest.raises(ValueError):
        compare(D(1), [], Polarity.HIGHER)


def test_fewer_than_four_areas_have_no_quartile():
    assert compare(D(5), [D(1), D(9)], "higher").quartile is None
    assert compare(D(5), [D(1), D(9), D(3)], "higher").quartile == 2  # 1 of 4 better: 1 + 1


def _by_definition(value, values, polarity):
    """Rank and quartile the long way: sort everyone best first, rank = first position of an
    equal value; quartile = which quarter of the list the areas strictly better fill."""
    everyone = sorted([value, *values], reverse=polarity == "higher")
    rank = everyone.index(value) + 1
    n = len(everyone)
    quartile = next(q for q in (1, 2, 3, 4) if (rank - 1) < q * n / 4) if n >= MIN_FOR_QUARTILES else None
    return rank, quartile


@pytest.mark.parametrize("polarity", ["higher", "lower"])
def test_every_small_case_agrees_with_the_definition(polarity):
    for n in range(1, 7):
        for values in itertools.product(range(4), repeat=n):
            for value in range(4):
                s = compare(D(value), [D(v) for v in values], polarity)
                assert (s.rank, s.quartile) == _by_definition(value, list(values), polarity), (value, values)
                assert s.median == D(str(statistics.median(values)))


decimals = st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False, allow_infinity=False)


@given(decimals, st.lists(decimals, min_size=1, max_size=40), st.sampled_from(["higher", "lower"]))
def test_properties(value, values, polarity):
    s = compare(value, values, polarity)
    assert 1 <= s.rank <= s.of == len(values) + 1
    if s.of >= MIN_FOR_QUARTILES:
        assert 1 <= s.quartile <= 4
    # the best value of all ranks first, the worst last (ties share)
    best = max(values) if polarity == "higher" else min(values)
    top = compare(best, values, polarity)
    assert top.rank == 1 and top.quartile in (1, None)
    # a better value never ranks or quartiles worse
    step = D(1) if polarity == "higher" else D(-1)
    better = compare(value + step, values, polarity)
    assert better.rank <= s.rank
    assert (better.quartile or 0) <= (s.quartile or 0)
    # the median does not depend on the council's value, lies within the values, halves them
    assert min(values) <= s.median <= max(values)
    assert sum(1 for v in values if v < s.median) <= len(values) / 2
    assert sum(1 for v in values if v > s.median) <= len(values) / 2
    # higher and lower polarity mirror each other
    flipped = compare(-value, [-v for v in values], "lower" if polarity == "higher" else "higher")
    assert (flipped.rank, flipped.quartile) == (s.rank, s.quartile)


@given(st.lists(decimals, min_size=1, max_size=30))
def test_median_matches_the_statistics_module(values):
    assert median(values) == statistics.median(values)


def test_periods_and_their_caveat():
    assert parse_comparator_period("2021/22") == FinancialYear(2021)
    assert parse_comparator_period("2022/23 Q2") == Quarter(2022, 2)
    assert parse_comparator_period("2022-03") == Month(2022, 3)
    with pytest.raises(PeriodError):
        parse_comparator_period("March 2022")
    q2 = Quarter(2022, 2)
    assert same_period(q2, Quarter(2022, 2))
    assert not same_period(q2, FinancialYear(2021))
    # a rolling 12-month value at Q4 covers the financial year
    assert same_period(Quarter(2021, 4), FinancialYear(2021), rolling_12_months=True)
    assert not same_period(Quarter(2021, 4), FinancialYear(2021))
    assert period_caveat(q2, Quarter(2022, 2), "Kent") is None
    assert period_caveat(q2, FinancialYear(2021), "Kent") == (
        "The periods differ: Kent's value is for 2022/23 Q2, the other areas' values are for 2021/22, the latest held.")


def test_area_codes_and_printed_decimals():
    assert check_area_code("e10000016") == "E10000016"
    for bad in ("E1000016", "X10000016", "E1000001A", ""):
        with pytest.raises(ValueError):
            check_area_code(bad)
    assert shown_decimals(D("72.5"), 0) == 1 and shown_decimals(D("72"), 0) == 0
    assert shown_decimals(D("1.23456"), 1) == 3
