"""Display precision: ``displayed`` and ``format_number`` (performance spec 3.2)."""

import math
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from beacon.domain.numbers import displayed, format_number, to_decimal


@pytest.mark.parametrize(
    "value, decimals, expected",
    [
        (97.7, 0, 98.0),  # emergency incidents: 97.7% printed as 98%
        (0.285, 2, 0.29),  # binary 0.28499999999999998
        (74.85, 1, 74.9),  # binary 74.849999999999994
        (2.5, 0, 3.0),
        (-2.5, 0, -3.0),
        (0.5, 0, 1.0),
        (1.5, 0, 2.0),
        (3.5, 0, 4.0),  # not banker's rounding
        (1.005, 2, 1.01),
        (1.015, 2, 1.02),
        (2.675, 2, 2.68),
        (0.125, 2, 0.13),
        (-0.285, 2, -0.29),
        (74.8, 1, 74.8),
        (74.84, 1, 74.8),
        (1234.5, 0, 1235.0),
        (23844, 0, 23844.0),
        (0.02, 2, 0.02),
        (99.99999, 2, 100.0),
        (0.0000000005, 9, 0.000000001),
        (123456789.0000000005, 9, 123456789.0),
        (8.325, 2, 8.33),
        (1.0000000005, 9, 1.000000001),
    ],
)
def test_displayed_rounds_half_away_from_zero(value, decimals, expected):
    assert displayed(value, decimals) == expected


def test_displayed_never_returns_negative_zero():
    result = displayed(-0.4, 0)
    assert result == 0.0 and math.copysign(1.0, result) == 1.0
    assert math.copysign(1.0, displayed(-0.0, 2)) == 1.0


def test_displayed_passes_through_non_finite_and_huge_values():
    assert math.isnan(displayed(math.nan, 1))
    assert displayed(math.inf, 1) == math.inf
    assert displayed(-math.inf, 0) == -math.inf
    assert displayed(1e300, 2) == 1e300
    assert displayed(2.0**60 + 0.0, 3) == 2.0**60


def test_displayed_accepts_integers():
    assert displayed(5, 1) == 5.0
    assert displayed(7, 0) == 7.0


@pytest.mark.parametrize("bad", [-1, 16, 1.5, "x", None])
def test_displayed_rejects_bad_decimals(bad):
    with pytest.raises(ValueError):
        displayed(1.0, bad)


def test_displayed_accepts_whole_float_decimals():
    assert displayed(1.25, 1.0) == 1.3


@given(
    digits=st.integers(min_value=-(10**12), max_value=10**12),
    scale=st.integers(min_value=0, max_value=10),
    decimals=st.integers(min_value=0, max_value=10),
)
@settings(max_examples=300, deadline=None)
def test_displayed_is_exact_for_values_written_with_up_to_ten_decimals(digits, scale, decimals):
    written = Decimal(digits).scaleb(-scale)  # e.g. 285 scaled by 3 -> 0.285
    value = float(str(written))
    expected = float(written.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))
    assert displayed(value, decimals) == expected


@given(k=st.integers(min_value=-(10**9), max_value=10**9), decimals=st.integers(min_value=0, max_value=6))
@settings(max_examples=200, deadline=None)
def test_exact_ties_round_away_from_zero(k, decimals):
    # k + 0.5 units of the last shown place, written in decimal.
    written = (Decimal(k) + (Decimal("0.5") if k >= 0 else Decimal("-0.5"))).scaleb(-decimals)
    expected = (Decimal(k) + (1 if k >= 0 else -1)).scaleb(-decimals)
    assert displayed(float(str(written)), decimals) == float(expected)


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12), st.integers(0, 4))
@settings(max_examples=200, deadline=None)
def test_displayed_is_idempotent_and_close(value, decimals):
    once = displayed(value, decimals)
    assert displayed(once, decimals) == once
    assert abs(once - value) <= 0.5 * 10**-decimals * (1 + 1e-9) + 1e-12 * abs(value)


def test_to_decimal_is_the_written_number():
    assert to_decimal(0.285) == Decimal("0.285")
    assert to_decimal(80) == Decimal(80)
    assert to_decimal(Decimal("1.5")) == Decimal("1.5")


@pytest.mark.parametrize(
    "value, decimals, expected",
    [
        (23844, 0, "23,844"),
        (74.8, 1, "74.8"),
        (0.02, 2, "0.02"),
        (85, 1, "85.0"),
        (1001, 0, "1,001"),
        (2423, 0, "2,423"),
        (1234567.891, 2, "1,234,567.89"),
        (-1234.5, 0, "-1,235"),
        (-0.004, 2, "0.00"),
        (0.285, 2, "0.29"),
        (97.7, 0, "98"),
        (999.96, 1, "1,000.0"),
        (0, 0, "0"),
    ],
)
def test_format_number(value, decimals, expected):
    assert format_number(value, decimals) == expected


def test_format_number_missing_and_infinite():
    assert format_number(math.nan, 1) == ""
    assert format_number(math.inf, 0) == "∞"
