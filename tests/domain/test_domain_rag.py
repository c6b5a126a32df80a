"""RAG status (performance spec 2.4, 3.1, 3.2), including the spec's worked examples."""

import math

import pytest

from beacon.domain.rag import (
    NoValueError,
    Polarity,
    Rag,
    RagResult,
    ThresholdError,
    Thresholds,
    comparison_value,
    rate,
)
from beacon.domain.rules import RagRules

DEFAULT = RagRules()
UNROUNDED = RagRules(comparison_basis="unrounded")
FLOOR_RED = RagRules(equal_to_floor="red")


def rag(value, polarity, decimals=0, rules=DEFAULT, **thresholds):
    return rate(value, polarity, Thresholds(**thresholds), decimals, rules).rag


# --- worked examples from the specification -------------------------------------------


def test_et3_emergency_incidents_97_7_shown_98_is_on_target():
    # 523 incidents with 12 missed: 97.7% unrounded, printed 98%, "on target", GREEN against 98%.
    result = rate(511 / 523 * 100, "higher", Thresholds(target=98, floor=95), 0, DEFAULT)
    assert result == RagResult(Rag.GREEN, 98.0)
    assert rag(97.7, "higher", 0, target=98, floor=95) is Rag.GREEN
    assert rag(97.7, "higher", 0, UNROUNDED, target=98, floor=95) is Rag.AMBER


def test_sc4_range_kpi_inside_target_band_is_green():
    # 22.2% "within the target range of between 17.5% and 22.5%"
    assert rag(22.2, "range", 1, target_low=17.5, target_high=22.5, floor_low=15.0, floor_high=25.0) is Rag.GREEN
    result = rate(22.2, Polarity.RANGE, Thresholds(target_low=17.5, target_high=22.5), 1, DEFAULT)
    assert result.rag is Rag.GREEN


def test_ed6_first_time_entrants_lower_is_better_above_target_is_amber():
    # 279 against a target of 270 (floor standard 300): "now above the target", AMBER.
    assert rag(279, "lower", 0, target=270, floor=300) is Rag.AMBER
    assert rag(270, "lower", 0, target=270, floor=300) is Rag.GREEN
    assert rag(301, "lower", 0, target=270, floor=300) is Rag.RED


def test_foster_placements_74_8_against_floor_75_0_is_red():
    assert rag(74.8, "higher", 1, target=85.0, floor=75.0) is Rag.RED


def test_care_needs_assessments_75_against_floor_80_is_red():
    assert rag(75, "higher", 0, target=90, floor=80) is Rag.RED


def test_one_decimal_value_just_below_an_integer_target_is_amber():
    # Comparison is at display precision, not integer precision.
    assert rag(89.94, "higher", 1, target=90, floor=80) is Rag.AMBER
    assert rag(89.96, "higher", 1, target=90, floor=80) is Rag.GREEN


# --- the rules, each polarity ---------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [(100, Rag.GREEN), (90, Rag.GREEN), (89.9, Rag.AMBER), (80.1, Rag.AMBER), (80, Rag.AMBER), (79.9, Rag.RED), (0, Rag.RED)],
)
def test_higher_is_better(value, expected):
    assert rag(value, "higher", 1, target=90, floor=80) is expected


@pytest.mark.parametrize(
    "value, expected",
    [(5, Rag.GREEN), (15, Rag.GREEN), (15.1, Rag.AMBER), (20, Rag.AMBER), (20.1, Rag.RED), (99, Rag.RED)],
)
def test_lower_is_better(value, expected):
    assert rag(value, "lower", 1, target=15, floor=20) is expected


@pytest.mark.parametrize(
    "value, expected",
    [
        (20.0, Rag.GREEN),
        (17.5, Rag.GREEN),
        (22.5, Rag.GREEN),
        (17.4, Rag.AMBER),
        (22.6, Rag.AMBER),
        (15.0, Rag.AMBER),
        (25.0, Rag.AMBER),
        (14.9, Rag.RED),
        (25.1, Rag.RED),
    ],
)
def test_range_with_floor_band(value, expected):
    assert rag(value, "range", 1, target_low=17.5, target_high=22.5, floor_low=15, floor_high=25) is expected


def test_equal_to_target_is_green_in_every_wording():
    for wording in ("2016", "2022", "2023"):
        rules = RagRules(wording=wording)
        assert rag(98, "higher", 0, rules, target=98, floor=95) is Rag.GREEN
        assert rag(270, "lower", 0, rules, target=270, floor=300) is Rag.GREEN


def test_equal_to_target_can_be_configured_amber():
    rules = RagRules(equal_to_target="amber")
    assert rag(98, "higher", 0, rules, target=98, floor=95) is Rag.AMBER
    assert rag(17.5, "range", 1, rules, target_low=17.5, target_high=22.5) is Rag.AMBER
    assert rag(98.2, "higher", 1, rules, target=98, floor=95) is Rag.GREEN


def test_value_equal_to_floor_is_amber_by_default_and_red_when_configured():
    assert rag(80, "higher", 0, target=90, floor=80) is Rag.AMBER
    assert rag(80, "higher", 0, FLOOR_RED, target=90, floor=80) is Rag.RED
    assert rag(300, "lower", 0, target=270, floor=300) is Rag.AMBER
    assert rag(300, "lower", 0, FLOOR_RED, target=270, floor=300) is Rag.RED
    band = dict(target_low=17.5, target_high=22.5, floor_low=15, floor_high=25)
    assert rag(15, "range", 1, **band) is Rag.AMBER
    assert rag(25, "range", 1, **band) is Rag.AMBER
    assert rag(15, "range", 1, FLOOR_RED, **band) is Rag.RED
    assert rag(25, "range", 1, FLOOR_RED, **band) is Rag.RED
    assert rag(15.1, "range", 1, FLOOR_RED, **band) is Rag.AMBER


def test_value_that_displays_as_the_floor_is_on_the_floor():
    assert rag(79.96, "higher", 1, target=90, floor=80) is Rag.AMBER  # shown 80.0
    assert rag(79.96, "higher", 1, FLOOR_RED, target=90, floor=80) is Rag.RED
    assert rag(79.96, "higher", 1, UNROUNDED, target=90, floor=80) is Rag.RED
    assert rag(74.95, "higher", 1, target=85.0, floor=75.0) is Rag.AMBER  # shown 75.0


def test_range_without_floor_band_is_red_with_a_warning():
    t = Thresholds(target_low=17.5, target_high=22.5)
    outside = rate(23.0, "range", t, 1, DEFAULT)
    assert outside.rag is Rag.RED
    assert len(outside.warnings) == 1 and outside.warnings[0].startswith("no floor band: ")
    amber = rate(23.0, "range", t, 1, RagRules(range_without_floor_band="amber"))
    assert amber.rag is Rag.AMBER and amber.warnings[0].startswith("no floor band: ")
    inside = rate(20.0, "range", t, 1, DEFAULT)
    assert inside.rag is Rag.GREEN and inside.warnings[0].startswith("no floor band: ")
    assert rate(20.0, "range", Thresholds(target_low=17.5, target_high=22.5, floor_low=15, floor_high=25), 1, DEFAULT).warnings == ()


def test_thresholds_are_compared_as_given_not_rounded():
    # A target of 97.5 with integer display: 97.6 shows as 98 -> GREEN; 97.4 shows 97 -> AMBER.
    assert rag(97.6, "higher", 0, target=97.5, floor=95) is Rag.GREEN
    assert rag(97.4, "higher", 0, target=97.5, floor=95) is Rag.AMBER


def test_comparison_value():
    assert comparison_value(97.7, 0, DEFAULT) == 98.0
    assert comparison_value(97.7, 0, UNROUNDED) == 97.7
    assert comparison_value(0.285, 2, DEFAULT) == 0.29
    assert rate(74.85, "higher", Thresholds(target=85, floor=75), 1, DEFAULT).comparison_value == 74.9


def test_polarity_as_text_or_enum_and_bad_polarity():
    assert rag(5, Polarity.LOWER, target=15, floor=20) is rag(5, "lower", target=15, floor=20)
    with pytest.raises(ValueError, match="polarity must be higher, lower or range"):
        rag(5, "sideways", target=15, floor=20)


@pytest.mark.parametrize("value", [None, math.nan, math.inf])
def test_no_value_is_not_rated(value):
    with pytest.raises(NoValueError):
        rag(value, "higher", target=90, floor=80)


def test_enums_are_strings():
    assert Rag.GREEN == "GREEN" and Polarity.RANGE == "range"
    assert str(Rag.AMBER) == "AMBER"


# --- validation (spec 2.4) -------------------------------------------------------------


@pytest.mark.parametrize(
    "polarity, thresholds, problems",
    [
        ("higher", Thresholds(target=90, floor=80), []),
        ("higher", Thresholds(target=90, floor=90), ["floor standard (90) must be below target (90) when higher is better"]),
        ("higher", Thresholds(target=80, floor=90), ["floor standard (90) must be below target (80) when higher is better"]),
        ("higher", Thresholds(target=90), ["floor is missing"]),
        ("higher", Thresholds(), ["target is missing", "floor is missing"]),
        ("higher", Thresholds(target=math.nan, floor=80), ["target is missing"]),
        ("higher", Thresholds(target=math.inf, floor=80), ["target must be a finite number, not inf"]),
        ("lower", Thresholds(target=270, floor=300), []),
        ("lower", Thresholds(target=300, floor=270), ["floor standard (270) must be above target (300) when lower is better"]),
        ("lower", Thresholds(floor=300), ["target is missing"]),
        ("range", Thresholds(target_low=17.5, target_high=22.5), []),
        ("range", Thresholds(target_low=20, target_high=20), []),
        ("range", Thresholds(target_low=17.5, target_high=22.5, floor_low=15, floor_high=25), []),
        ("range", Thresholds(target_low=17.5, target_high=22.5, floor_low=17.5, floor_high=22.5), []),
        ("range", Thresholds(target_low=22.5, target_high=17.5), ["target_low (22.5) must not exceed target_high (17.5)"]),
        ("range", Thresholds(target_high=22.5), ["target_low is missing"]),
        ("range", Thresholds(target=20, floor=10), ["target_low is missing", "target_high is missing"]),
        (
            "range",
            Thresholds(target_low=17.5, target_high=22.5, floor_low=18, floor_high=25),
            ["floor band (18 - 25) must contain the target band (17.5 - 22.5)"],
        ),
        (
            "range",
            Thresholds(target_low=17.5, target_high=22.5, floor_low=15, floor_high=22),
            ["floor band (15 - 22) must contain the target band (17.5 - 22.5)"],
        ),
        ("range", Thresholds(target_low=17.5, target_high=22.5, floor_low=15), ["floor_high is missing (a floor band needs both ends)"]),
        ("range", Thresholds(target_low=17.5, target_high=22.5, floor_high=25), ["floor_low is missing (a floor band needs both ends)"]),
    ],
)
def test_threshold_problems(polarity, thresholds, problems):
    assert thresholds.problems(polarity) == problems


def test_invalid_thresholds_raise_listing_every_problem():
    with pytest.raises(ThresholdError, match="target is missing; floor is missing"):
        rate(50, "higher", Thresholds(), 0, DEFAULT)
    with pytest.raises(ThresholdError, match="must be above target"):
        rate(50, "lower", Thresholds(target=60, floor=40), 0, DEFAULT)
    assert issubclass(ThresholdError, ValueError)
