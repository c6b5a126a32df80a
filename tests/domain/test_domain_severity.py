"""Severity of RED KPIs and the Amber watch-list (performance spec 3.4, 3.5)."""

import pytest

from beacon.domain.dot import Dot
from beacon.domain.rag import Rag, Thresholds
from beacon.domain.rules import RuleSet, get_rule_set
from beacon.domain.severity import SEVERITY_FOOTNOTE, Severity, floor_gap, on_watch_list, severity

RS = RuleSet()


def sev(value, polarity="higher", unit="percent", decimals=0, rs=RS, **t):
    return severity(value, polarity, Thresholds(**t), unit, decimals, rs)


# --- spec 3.4 illustrations -------------------------------------------------------------


def test_foster_placements_74_8_against_75_0_is_slightly_below():
    assert sev(74.8, decimals=1, target=85.0, floor=75.0) is Severity.SLIGHTLY_BELOW


def test_complaints_78_against_80_is_slightly_below():
    assert sev(78, target=90, floor=80) is Severity.SLIGHTLY_BELOW


def test_care_needs_assessments_75_against_80_is_moderately_below():
    # A gap of exactly 5 percentage points: moderately below under the inclusive default.
    assert sev(75, target=90, floor=80) is Severity.MODERATELY_BELOW


# --- bands --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        (79.9, Severity.SLIGHTLY_BELOW),
        (75.1, Severity.SLIGHTLY_BELOW),
        (75.0, Severity.MODERATELY_BELOW),
        (70.0, Severity.MODERATELY_BELOW),  # gap exactly 10: not "over 10"
        (69.9, Severity.WELL_BELOW),
        (10.0, Severity.WELL_BELOW),
    ],
)
def test_percent_bands_in_percentage_points(value, expected):
    assert sev(value, decimals=1, target=90, floor=80) is expected


def test_boundaries_are_exact_in_decimal():
    # 80.3 - 75.3 is 4.999999999999986 in binary floating point; the gap is 5.
    assert sev(75.3, decimals=1, target=90.0, floor=80.3) is Severity.MODERATELY_BELOW
    assert sev(70.3, decimals=1, target=90.0, floor=80.3) is Severity.MODERATELY_BELOW
    assert sev(70.2, decimals=1, target=90.0, floor=80.3) is Severity.WELL_BELOW


def test_gap_is_measured_on_the_displayed_value():
    assert sev(75.04, decimals=1, target=90, floor=80) is Severity.MODERATELY_BELOW  # shown 75.0
    unrounded = get_rule_set("2022", {"rag": {"comparison_basis": "unrounded"}})
    assert sev(75.04, decimals=1, rs=unrounded, target=90, floor=80) is Severity.SLIGHTLY_BELOW


def test_other_units_as_percent_of_the_floor():
    # Lower is better, floor standard 300: 330 is 10% above it, 331 more than 10%.
    assert sev(315, "lower", "count", target=270, floor=300) is Severity.MODERATELY_BELOW  # 5%
    assert sev(314, "lower", "count", target=270, floor=300) is Severity.SLIGHTLY_BELOW
    assert sev(330, "lower", "count", target=270, floor=300) is Severity.MODERATELY_BELOW
    assert sev(331, "lower", "count", target=270, floor=300) is Severity.WELL_BELOW
    assert sev(380, "higher", "days", target=500, floor=400) is Severity.MODERATELY_BELOW  # 5%


def test_relative_to_value():
    rs = get_rule_set("2022", {"severity": {"relative_to": "value"}})
    # 20 below a floor standard of 300 at 280: 6.67% of the floor, 7.14% of the value.
    assert sev(280, "higher", "count", rs=rs, target=400, floor=300) is Severity.MODERATELY_BELOW
    assert sev(270, "higher", "count", target=400, floor=300) is Severity.MODERATELY_BELOW  # 10% of floor
    assert sev(270, "higher", "count", rs=rs, target=400, floor=300) is Severity.WELL_BELOW  # 11.1% of value


def test_configurable_boundaries():
    rs = get_rule_set("2022", {"severity": {"well_below_over": 8, "moderately_from": 3}})
    assert sev(77, rs=rs, target=90, floor=80) is Severity.MODERATELY_BELOW
    assert sev(71, rs=rs, target=90, floor=80) is Severity.WELL_BELOW


def test_only_red_kpis_have_a_severity():
    assert sev(85, target=90, floor=80) is None
    assert sev(95, target=90, floor=80) is None
    assert sev(80, target=90, floor=80) is None  # on the floor standard: Amber
    floor_red = get_rule_set("2022", {"rag": {"equal_to_floor": "red"}})
    assert sev(80, rs=floor_red, target=90, floor=80) is Severity.SLIGHTLY_BELOW  # gap 0


def test_range_severity_from_the_nearest_floor_band_edge():
    band = dict(target_low=17.5, target_high=22.5, floor_low=15.0, floor_high=25.0)
    assert sev(26.0, "range", decimals=1, **band) is Severity.SLIGHTLY_BELOW
    assert sev(9.0, "range", decimals=1, **band) is Severity.MODERATELY_BELOW
    assert sev(36.0, "range", decimals=1, **band) is Severity.WELL_BELOW
    # Without a floor band there is no severity (the RED comes from the configured fallback).
    assert sev(30.0, "range", decimals=1, target_low=17.5, target_high=22.5) is None


def test_zero_floor_for_a_count_cannot_be_banded():
    assert sev(5, "lower", "count", target=-1, floor=0) is None


def test_labels_and_footnote():
    assert Severity.WELL_BELOW.label == "Well below floor standard"
    assert Severity.MODERATELY_BELOW.label == "Moderately below floor standard"
    assert Severity.SLIGHTLY_BELOW.label == "Slightly below floor standard"
    assert SEVERITY_FOOTNOTE.startswith("Well below floor standard defined as over 10% of value")


# --- floor_gap ------------------------------------------------------------------------


def test_floor_gap():
    assert floor_gap(75, "higher", Thresholds(target=90, floor=80), "percent") == 5.0
    assert floor_gap(85, "higher", Thresholds(target=90, floor=80), "percent") == -5.0
    assert floor_gap(74.8, "higher", Thresholds(target=85.0, floor=75.0), "percent") == pytest.approx(0.2)
    assert floor_gap(330, "lower", Thresholds(target=270, floor=300), "count") == 10.0
    assert floor_gap(285, "lower", Thresholds(target=270, floor=300), "count") == 5.0 * -1
    band = Thresholds(target_low=17.5, target_high=22.5, floor_low=15.0, floor_high=25.0)
    assert floor_gap(26.0, "range", band, "percent") == 1.0
    assert floor_gap(14.0, "range", band, "percent") == 1.0
    assert floor_gap(24.0, "range", band, "percent") == -1.0
    assert floor_gap(16.0, "range", band, "percent") == -1.0
    assert floor_gap(30.0, "range", band, "rate") == 20.0  # 5 over 25, as % of 25
    assert floor_gap(26.0, "range", Thresholds(target_low=17.5, target_high=22.5), "percent") is None
    assert floor_gap(50, "higher", Thresholds(target=90), "percent") is None


# --- watch-list -----------------------------------------------------------------------


def watch(value, rag="AMBER", dot="worsening", polarity="higher", unit="percent", decimals=0, rs=RS, **t):
    return on_watch_list(rag, dot, value, polarity, Thresholds(**t), unit, decimals, rs)


def test_watch_list_percent_within_two_points_of_the_floor():
    assert watch(82, target=90, floor=80) is True
    assert watch(81.9, decimals=1, target=90, floor=80) is True
    assert watch(82.1, decimals=1, target=90, floor=80) is False
    assert watch(82.04, decimals=1, target=90, floor=80) is True  # shown 82.0
    assert watch(80.3 + 2.0, decimals=1, target=90.0, floor=80.3) is True  # exactly 2 in decimal


def test_watch_list_needs_amber_and_worsening():
    assert watch(81, rag=Rag.AMBER, dot=Dot.WORSENING, target=90, floor=80) is True
    assert watch(81, dot="stable", target=90, floor=80) is False
    assert watch(81, dot="improving", target=90, floor=80) is False
    assert watch(81, rag="GREEN", target=90, floor=80) is False
    assert watch(81, rag="RED", target=90, floor=80) is False
    assert watch(None, target=90, floor=80) is False


def test_watch_list_exactly_on_the_floor_is_always_close():
    assert watch(80, target=90, floor=80) is True
    none = get_rule_set("2022", {"watchlist": {"closeness_pp": 0, "closeness_percent_of_floor": 0}})
    assert watch(80, rs=none, target=90, floor=80) is True
    assert watch(81, rs=none, target=90, floor=80) is False
    assert watch(0, "AMBER", polarity="lower", unit="count", target=-5, floor=0) is True


def test_watch_list_other_units_within_two_percent_of_the_floor():
    assert watch(294, polarity="lower", unit="count", target=270, floor=300) is True  # 2%
    assert watch(293, polarity="lower", unit="count", target=270, floor=300) is False
    assert watch(408, unit="days", target=500, floor=400) is True
    assert watch(409, unit="days", target=500, floor=400) is False
    assert watch(-1, polarity="lower", unit="count", target=-5, floor=0) is False


def test_watch_list_range_kpi_near_a_floor_band_edge():
    band = dict(target_low=17.5, target_high=22.5, floor_low=15.0, floor_high=25.0)
    assert watch(23.5, polarity="range", decimals=1, **band) is True  # 1.5 inside 25
    assert watch(16.0, polarity="range", decimals=1, **band) is True
    assert watch(22.9, polarity="range", decimals=1, **band) is False  # 2.1 inside 25
    assert watch(23.0, polarity="range", decimals=1, target_low=17.5, target_high=22.5) is False


def test_watch_list_configurable_closeness():
    rs = get_rule_set("2022", {"watchlist": {"closeness_pp": 5}})
    assert watch(85, rs=rs, target=90, floor=80) is True
    assert watch(85, target=90, floor=80) is False


# --- every Red has a severity or a reason (issue 8) -----------------------------------------
def red(value, rag="RED", polarity="higher", unit="percent", decimals=0, manual=None, reason="", thresholds=True, **t):
    from beacon.domain.severity import red_severity

    return red_severity(rag, value, polarity, Thresholds(**t) if thresholds else None, unit, decimals, RS,
                        manual, reason)


def test_a_measurable_red_is_measured():
    from beacon.domain.severity import SeveritySource

    out = red(60, target=90, floor=80)
    assert (out.severity, out.source, out.reason, out.warnings) == (Severity.WELL_BELOW, SeveritySource.COMPUTED, "", ())


def test_only_reds_have_a_severity():
    assert red(85, rag="AMBER", target=90, floor=80) is None
    assert red(None, rag=None, target=90, floor=80) is None
    assert red(None, rag="GREEN", manual="well_below", reason="x", target=90, floor=80) is None


def test_a_manual_red_without_a_value_is_not_determined_with_the_reason():
    from beacon.domain.severity import SeveritySource, Undetermined

    out = red(None, target=90, floor=80)
    assert out.severity is None and out.source is SeveritySource.NOT_DETERMINED
    assert out.reason == Undetermined.NO_VALUE.reason
    assert "manual rating" in out.reason and "no value" in out.reason


def test_a_red_without_a_floor_band_or_with_a_zero_base_is_not_determined():
    from beacon.domain.severity import SeveritySource, Undetermined

    no_band = red(30.0, polarity="range", decimals=1, target_low=17.5, target_high=22.5)  # Red outside the band
    assert (no_band.source, no_band.reason) == (SeveritySource.NOT_DETERMINED, Undetermined.NO_FLOOR_BAND.reason)
    zero = red(-3, unit="count", target=5, floor=0)  # as a percentage of a floor standard of 0
    assert (zero.source, zero.reason) == (SeveritySource.NOT_DETERMINED, Undetermined.ZERO_BASE.reason)
    nothing = red(None, thresholds=False)
    assert nothing.reason == Undetermined.NO_VALUE.reason
    assert red(50, thresholds=False).reason == Undetermined.NO_THRESHOLDS.reason


def test_a_manual_severity_is_used_only_where_none_can_be_measured():
    from beacon.domain.severity import SeveritySource

    manual = red(None, manual="moderately_below", reason="Gap stated in the paper.", target=90, floor=80)
    assert (manual.severity, manual.source, manual.reason) == (
        Severity.MODERATELY_BELOW, SeveritySource.MANUAL, "Gap stated in the paper.")
    measured = red(78, manual="well_below", reason="By hand", target=90, floor=80)
    assert (measured.severity, measured.source) == (Severity.SLIGHTLY_BELOW, SeveritySource.COMPUTED)
    assert measured.warnings and "manual severity well_below ignored" in measured.warnings[0]


def test_the_red_is_measured_as_given_even_if_its_rating_came_from_other_rules():
    # RED on the floor standard (equal_to_floor = red): a gap of 0 is slightly below
    assert red(80, target=90, floor=80).severity is Severity.SLIGHTLY_BELOW
