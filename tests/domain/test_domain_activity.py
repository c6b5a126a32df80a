"""Activity indicators against their thresholds or benchmark (performance spec 3.6)."""

import math

import pytest

from beacon.domain.activity import ACTIVITY_KEY_TEXT, ACTIVITY_PHRASES, ActivityPosition, activity_position
from beacon.domain.rag import ThresholdError
from beacon.domain.rules import ActivityRules

RULES = ActivityRules()
P = ActivityPosition


@pytest.mark.parametrize(
    "value, expected",
    [
        (250, P.ABOVE),
        (200.4, P.UPPER_EDGE),  # shown 200: on the threshold, inside
        (200, P.UPPER_EDGE),
        (190, P.UPPER_EDGE),  # exactly 10% of the range below the upper threshold
        (189, P.WITHIN),
        (150, P.WITHIN),
        (111, P.WITHIN),
        (110, P.LOWER_EDGE),
        (100, P.LOWER_EDGE),
        (99.6, P.LOWER_EDGE),  # shown 100
        (99.4, P.BELOW),
        (0, P.BELOW),
    ],
)
def test_position_against_both_thresholds(value, expected):
    assert activity_position(value, 100, 200, None, RULES) is expected


def test_published_examples():
    # "Quarter 2 saw close to 2.4 million visits to the website, which is above expectations."
    assert activity_position(2_390_000, 1_500_000, 2_200_000, None, RULES) is P.ABOVE
    # faults reported "in line with expectations"; faults requiring action "below expectations"
    assert activity_position(5_400, 4_000, 7_000, None, RULES) is P.WITHIN
    assert activity_position(1_900, 2_000, 3_500, None, RULES) is P.BELOW


def test_decimals_set_the_comparison_precision():
    assert activity_position(200.04, 100, 200, None, RULES, decimals=1) is P.UPPER_EDGE
    assert activity_position(200.06, 100, 200, None, RULES, decimals=1) is P.ABOVE
    assert activity_position(200.4, 100, 200, None, RULES, decimals=1) is P.ABOVE


def test_edge_band_is_configurable():
    assert activity_position(180, 100, 200, None, ActivityRules(edge_band=0.2)) is P.UPPER_EDGE
    assert activity_position(180, 100, 200, None, RULES) is P.WITHIN
    assert activity_position(200, 100, 200, None, ActivityRules(edge_band=0)) is P.WITHIN
    assert activity_position(100, 100, 200, None, ActivityRules(edge_band=0)) is P.WITHIN


def test_edges_are_exact_in_decimal():
    # 0.1 * (0.3 - 0.0) is 0.030000000000000002 in binary; the edge is 0.03 from 0.3.
    assert activity_position(0.27, 0.0, 0.3, None, RULES, decimals=2) is P.UPPER_EDGE
    assert activity_position(0.03, 0.0, 0.3, None, RULES, decimals=2) is P.LOWER_EDGE


def test_one_threshold():
    assert activity_position(250, None, 200, None, RULES) is P.ABOVE
    assert activity_position(150, None, 200, None, RULES) is P.WITHIN
    assert activity_position(50, 100, None, None, RULES) is P.BELOW
    assert activity_position(150, 100, None, 1, RULES) is P.WITHIN
    assert activity_position(150, math.nan, 200, None, RULES) is P.WITHIN


def test_thresholds_win_over_the_benchmark():
    assert activity_position(250, 100, 200, 300, RULES) is P.ABOVE


def test_benchmark():
    assert activity_position(90, None, None, 88, RULES) is P.ABOVE_BENCHMARK
    assert activity_position(88.2, None, None, 88, RULES) is P.AT_BENCHMARK
    assert activity_position(87, None, None, 88, RULES) is P.BELOW_BENCHMARK
    assert activity_position(23.3, None, None, 23.3, RULES, decimals=1) is P.AT_BENCHMARK


def test_not_assessed():
    assert activity_position(None, 100, 200, None, RULES) is P.NOT_ASSESSED
    assert activity_position(math.nan, 100, 200, None, RULES) is P.NOT_ASSESSED
    assert activity_position(150, None, None, None, RULES) is P.NOT_ASSESSED


def test_inverted_thresholds_are_an_error():
    with pytest.raises(ThresholdError, match="above the upper threshold"):
        activity_position(150, 200, 100, None, RULES)


def test_phrases_cover_every_position_with_the_published_vocabulary():
    assert set(ACTIVITY_PHRASES) == set(ActivityPosition)
    assert ACTIVITY_PHRASES[P.ABOVE] == "above expectations"
    assert ACTIVITY_PHRASES[P.WITHIN] == "in line with expectations"
    assert ACTIVITY_PHRASES[P.BELOW] == "below expectations"
    assert ACTIVITY_PHRASES[P.UPPER_EDGE] == "at the higher end of expectations"
    assert ACTIVITY_PHRASES[P.LOWER_EDGE] == "at the lower end of expectations"
    assert "which is " + ACTIVITY_PHRASES[P.ABOVE] == "which is above expectations"


def test_key_page_text_is_verbatim():
    assert ACTIVITY_KEY_TEXT[2].startswith("If activity falls outside of the Thresholds, this is an indication")
    assert ACTIVITY_KEY_TEXT[3].endswith("changing levels of demand.")
