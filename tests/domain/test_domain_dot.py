"""Direction of travel (performance spec 3.3): the t distribution, the trend method,
the previous-period method and the window selection."""

import math

import numpy as np
import pytest

from beacon.domain.dot import (
    Dot,
    DotResult,
    direction_of_travel,
    previous_period_dot,
    range_metric,
    t_critical,
    t_two_sided_p,
    trend_dot,
)
from beacon.domain.periods import Quarter
from beacon.domain.rag import ThresholdError, Thresholds
from beacon.domain.rules import DotRules, RagRules, RuleSet, get_rule_set

RULES = DotRules()
BAND = Thresholds(target_low=17.5, target_high=22.5, floor_low=15.0, floor_high=25.0)
Q2 = Quarter(2022, 2)


def series(values, start=0):
    return [(start + i, v) for i, v in enumerate(values)]


# --- Student t -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "df, t",
    [(1, 12.706), (2, 4.303), (3, 3.182), (4, 2.776), (5, 2.571), (6, 2.447), (7, 2.365),
     (8, 2.306), (9, 2.262), (10, 2.228), (20, 2.086), (30, 2.042)],
)
def test_textbook_critical_values_give_p_of_five_percent(df, t):
    # Two-sided 5% critical values of Student's t, as printed in statistical tables (3 dp).
    assert t_two_sided_p(t, df) == pytest.approx(0.05, abs=2e-4)
    assert t_two_sided_p(-t, df) == t_two_sided_p(t, df)
    assert t_critical(0.05, df) == pytest.approx(t, abs=6e-4)


@pytest.mark.parametrize("df, t", [(1, 63.657), (2, 9.925), (3, 5.841), (4, 4.604), (10, 3.169)])
def test_textbook_one_percent_critical_values(df, t):
    assert t_two_sided_p(t, df) == pytest.approx(0.01, abs=2e-5)


@pytest.mark.parametrize("t", [0.01, 0.5, 1.0, 2.0, 6.3, 12.706, 100.0, 1e6])
def test_df_1_is_the_cauchy_distribution(t):
    assert t_two_sided_p(t, 1) == pytest.approx(1 - 2 / math.pi * math.atan(abs(t)), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("t", [0.01, 0.5, 1.0, 4.303, 50.0])
def test_df_2_closed_form(t):
    assert t_two_sided_p(t, 2) == pytest.approx(1 - t / math.sqrt(2 + t * t), rel=1e-12)


def _p_by_integration(t, df, steps=20000):
    """Independent check: Simpson's rule on the Student t density over [0, |t|]."""
    log_c = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)

    def density(u):
        return math.exp(log_c - (df + 1) / 2 * math.log1p(u * u / df))

    h = abs(t) / steps
    total = density(0) + density(abs(t))
    for i in range(1, steps):
        total += (4 if i % 2 else 2) * density(i * h)
    return 1 - 2 * total * h / 3


@pytest.mark.parametrize("df", [1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 25, 38])
@pytest.mark.parametrize("t", [0.3, 1.1, 2.5, 4.0])
def test_series_agrees_with_numerical_integration(df, t):
    assert t_two_sided_p(t, df) == pytest.approx(_p_by_integration(t, df), abs=1e-9)


def test_p_value_limits_and_errors():
    assert t_two_sided_p(0.0, 4) == 1.0
    assert t_two_sided_p(math.inf, 4) == 0.0
    assert t_two_sided_p(-math.inf, 1) == 0.0
    assert math.isnan(t_two_sided_p(math.nan, 3))
    assert 0.0 <= t_two_sided_p(1e300, 3) < 1e-100
    for df in range(1, 40):
        ps = [t_two_sided_p(t, df) for t in np.linspace(0, 20, 201)]
        # decreasing in |t|, up to the ~1e-15 absolute rounding of the closed form
        assert all(a >= b - 1e-14 for a, b in zip(ps, ps[1:]))
        assert all(a > b for a, b in zip(ps, ps[1:]) if b > 1e-12)
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ValueError):
            t_two_sided_p(2.0, bad)


def test_t_critical_is_the_boundary_of_significance():
    for df in (1, 2, 3, 4, 10):
        for alpha in (0.01, 0.05, 0.1, 0.5):
            c = t_critical(alpha, df)
            assert t_two_sided_p(c, df) < alpha <= t_two_sided_p(math.nextafter(c, 0), df)


# --- trend method ----------------------------------------------------------------------


def _reference_ols(points):
    x = np.array([p[0] for p in points], dtype=float)
    y = np.array([p[1] for p in points], dtype=float)
    slope, intercept = np.polyfit(x, y, 1)
    resid = y - (slope * x + intercept)
    se = math.sqrt((resid @ resid) / (len(x) - 2) / np.sum((x - x.mean()) ** 2))
    return slope, slope / se


def test_steady_rise_is_improving_for_higher_and_worsening_for_lower():
    pts = series([40.1, 42.0, 44.9, 47.2, 50.0, 52.3])  # NHS Health Checks: "a positive trend"
    up = trend_dot(pts, "higher", None, RULES)
    assert up.dot is Dot.IMPROVING and up.method == "trend" and up.points_used == 6 and up.flags == ()
    slope, t = _reference_ols(pts)
    assert up.slope == pytest.approx(slope, rel=1e-12) and up.t == pytest.approx(t, rel=1e-9)
    assert up.p_value == pytest.approx(t_two_sided_p(t, 4), rel=1e-9) and up.p_value < 0.05
    assert trend_dot(pts, "lower", None, RULES).dot is Dot.WORSENING


def test_steady_fall_of_a_higher_kpi_is_worsening():
    # A falling foster-care percentage "continues on a negative trend".
    pts = series([80.0, 79.1, 77.5, 76.0, 75.4, 74.8])
    assert trend_dot(pts, "higher", None, RULES).dot is Dot.WORSENING
    assert trend_dot(pts, "lower", None, RULES).dot is Dot.IMPROVING


def test_a_quarter_on_quarter_jump_is_not_a_trend():
    # Pothole repairs rose from 70% to 86% in the quarter but the DoT was stable.
    pts = series([84.0, 79.0, 88.0, 75.0, 70.0, 86.0])
    result = trend_dot(pts, "higher", None, RULES)
    assert result.dot is Dot.STABLE and result.p_value > 0.05


def test_constant_series_is_stable_with_zero_slope():
    for value in (0.0, 7.0, 0.1, 97.3, -3.3, 1e9 + 0.1):
        result = trend_dot(series([value] * 6), "higher", None, RULES)
        assert result.dot is Dot.STABLE
        assert result.slope == 0.0 and result.t == 0.0 and result.p_value == 1.0


def test_perfect_straight_line_is_significant():
    result = trend_dot(series([1.0, 2.0, 3.0, 4.0]), "higher", None, RULES)
    assert result.dot is Dot.IMPROVING and result.slope == 1.0
    assert result.t == math.inf and result.p_value == 0.0
    down = trend_dot(series([10.0, 8.0, 6.0, 4.0, 2.0]), "higher", None, RULES)
    assert down.dot is Dot.WORSENING and down.t == -math.inf


def test_significance_is_p_below_alpha():
    pts = series([50.0, 52.0, 49.0, 55.0, 53.0, 56.0])
    result = trend_dot(pts, "higher", None, RULES)
    assert 0.05 < result.p_value < 0.10
    assert result.dot is Dot.STABLE
    assert trend_dot(pts, "higher", None, DotRules(alpha=0.10)).dot is Dot.IMPROVING


def test_fewer_than_min_points_is_insufficient_data():
    result = trend_dot(series([1.0, 2.0, 3.0]), "higher", None, RULES)
    assert result == DotResult(dot=Dot.STABLE, method="trend", points_used=3, flags=("insufficient data",))
    na = trend_dot(series([1.0, 2.0, 3.0]), "higher", None, DotRules(insufficient="not_available"))
    assert na.dot is Dot.NOT_AVAILABLE and na.flags == ("insufficient data",)
    assert trend_dot([], "lower", None, RULES).flags == ("insufficient data",)
    # Missing values do not count.
    assert trend_dot([(0, 1.0), (1, None), (2, math.nan), (3, 4.0), (4, 5.0)], "higher", None, RULES).flags == (
        "insufficient data",
    )
    assert trend_dot(series([1.0, 2.0, 3.0]), "higher", None, DotRules(min_points=3)).dot is Dot.IMPROVING


def test_gaps_are_skipped_keeping_their_x_spacing():
    pts = [(0, 10.0), (1, 11.0), (2, 12.5), (5, 13.0), (6, 13.1)]
    result = trend_dot(pts, "higher", None, RULES)
    slope, t = _reference_ols(pts)
    assert result.slope == pytest.approx(slope, rel=1e-12) and result.t == pytest.approx(t, rel=1e-9)
    squeezed = trend_dot(series([10.0, 11.0, 12.5, 13.0, 13.1]), "higher", None, RULES)
    assert squeezed.slope != pytest.approx(result.slope)
    assert result.points_used == 5


def test_gaps_interpolated():
    pts = [(0, 10.0), (1, 11.0), (4, 14.5), (5, 15.0)]
    result = trend_dot(pts, "higher", None, DotRules(gaps="interpolate"))
    filled = [(0, 10.0), (1, 11.0), (2, 12.166666666666666), (3, 13.333333333333332), (4, 14.5), (5, 15.0)]
    slope, t = _reference_ols(filled)
    assert result.slope == pytest.approx(slope, rel=1e-12) and result.t == pytest.approx(t, rel=1e-9)
    assert result.points_used == 4 and result.flags == ("interpolated 2 missing quarters",)
    # Leading and trailing gaps are not filled; min_points counts observed values only.
    short = trend_dot([(0, 1.0), (4, 2.0), (5, 3.0)], "higher", None, DotRules(gaps="interpolate"))
    assert short.flags == ("insufficient data",)


def test_order_and_offset_of_x_do_not_matter():
    values = [3.0, 3.4, 3.1, 3.9, 4.2, 4.4]
    base = trend_dot(series(values), "higher", None, RULES)
    shifted = trend_dot(series(values, start=Q2.index - 5), "higher", None, RULES)
    shuffled = trend_dot(list(reversed(series(values))), "higher", None, RULES)
    assert base == shifted == shuffled


def test_bad_points():
    with pytest.raises(ValueError, match="same quarter"):
        trend_dot([(1, 1.0), (1, 2.0), (2, 3.0), (3, 4.0)], "higher", None, RULES)
    with pytest.raises(ValueError, match="not a finite number"):
        trend_dot([(1, 1.0), (2, math.inf), (3, 3.0), (4, 4.0)], "higher", None, RULES)
    with pytest.raises(ValueError, match="whole quarter index"):
        trend_dot([(1.5, 1.0), (2, 2.0), (3, 3.0), (4, 4.0)], "higher", None, RULES)


# --- range KPIs -------------------------------------------------------------------------


def test_range_metric():
    assert range_metric(20.0, 17.5, 22.5, "distance_outside_band") == 0.0
    assert range_metric(17.5, 17.5, 22.5, "distance_outside_band") == 0.0
    assert range_metric(25.0, 17.5, 22.5, "distance_outside_band") == 2.5
    assert range_metric(15.0, 17.5, 22.5, "distance_outside_band") == 2.5
    assert range_metric(21.0, 17.5, 22.5, "distance_to_midpoint") == 1.0
    assert range_metric(19.0, 17.5, 22.5, "distance_to_midpoint") == 1.0
    with pytest.raises(ValueError):
        range_metric(1.0, 0.0, 2.0, "nearest")


def test_range_kpi_returning_to_its_band_is_improving():
    coming_down = series([30.0, 28.0, 26.5, 25.0, 23.5, 22.0])
    assert trend_dot(coming_down, "range", BAND, RULES).dot is Dot.IMPROVING
    coming_up = series([10.0, 12.0, 13.5, 15.0, 16.0, 17.6])
    assert trend_dot(coming_up, "range", BAND, RULES).dot is Dot.IMPROVING
    leaving = series([20.0, 22.0, 24.0, 26.0, 28.0, 30.0])
    assert trend_dot(leaving, "range", BAND, RULES).dot is Dot.WORSENING


def test_range_kpi_moving_inside_its_band_is_stable():
    # Rising from 18% to 22% is no better or worse while it stays within the target band.
    inside = series([18.0, 19.0, 20.0, 21.0, 22.0, 22.4])
    result = trend_dot(inside, "range", BAND, RULES)
    assert result.dot is Dot.STABLE and result.slope == 0.0
    # Under the midpoint metric, moving towards the middle of the band is improving.
    towards = trend_dot(series([17.6, 18.0, 18.5, 19.0, 19.5, 20.0]), "range", BAND, DotRules(range_metric="distance_to_midpoint"))
    assert towards.dot is Dot.IMPROVING


def test_range_kpi_needs_its_target_band():
    with pytest.raises(ThresholdError, match="target_low is missing"):
        trend_dot(series([1.0] * 6), "range", None, RULES)
    with pytest.raises(ThresholdError, match="target_high is missing"):
        trend_dot(series([1.0] * 6), "range", Thresholds(target_low=1.0), RULES)
    # The floor band is not needed for direction of travel.
    assert trend_dot(series([20.0] * 6), "range", Thresholds(target_low=17.5, target_high=22.5), RULES).dot is Dot.STABLE


# --- previous-period method -------------------------------------------------------------


def pp(current, previous, polarity="higher", decimals=1, rules=RagRules(), thresholds=None, **kw):
    return previous_period_dot(current, previous, polarity, thresholds, decimals, rules, **kw)


def test_previous_period_method():
    assert pp(75.4, 74.8).dot is Dot.IMPROVING
    assert pp(74.8, 75.4).dot is Dot.WORSENING
    assert pp(74.8, 75.4, "lower").dot is Dot.IMPROVING
    assert pp(74.8, 74.8).dot is Dot.STABLE
    result = pp(75.4, 74.8)
    assert result.method == "previous_period" and result.points_used == 2
    assert result.slope == pytest.approx(0.6)


def test_previous_period_compares_at_display_precision():
    assert pp(74.81, 74.84).dot is Dot.STABLE  # both shown 74.8: "remained the same"
    assert pp(74.81, 74.84, rules=RagRules(comparison_basis="unrounded")).dot is Dot.WORSENING
    assert pp(97.7, 98.4, decimals=0).dot is Dot.STABLE


def test_previous_period_missing_values():
    assert pp(None, 70.0) == DotResult(dot=Dot.NOT_AVAILABLE, method="previous_period", flags=("no current value",))
    result = pp(70.0, None)
    assert result.dot is Dot.NOT_AVAILABLE and result.flags == ("no previous value",)
    assert pp(70.0, math.nan).dot is Dot.NOT_AVAILABLE


def test_previous_period_range_uses_the_distance_exactly():
    # 22.9 and 17.1 are both 0.4 outside 17.5-22.5: the same distance, so stable
    # (in binary floating point 22.9 - 22.5 and 17.5 - 17.1 differ).
    assert pp(22.9, 17.1, "range", thresholds=BAND).dot is Dot.STABLE
    assert pp(22.8, 17.1, "range", thresholds=BAND).dot is Dot.IMPROVING
    assert pp(23.0, 22.0, "range", thresholds=BAND).dot is Dot.WORSENING
    assert pp(18.0, 22.0, "range", thresholds=BAND).dot is Dot.STABLE
    assert pp(20.0, 22.0, "range", thresholds=BAND, range_metric="distance_to_midpoint").dot is Dot.IMPROVING
    with pytest.raises(ThresholdError):
        pp(20.0, 22.0, "range")


# --- selecting the window ---------------------------------------------------------------


def quarterly(values, end=Q2):
    """{Quarter: value} for values ending at ``end``."""
    return {end.shift(i - len(values) + 1): v for i, v in enumerate(values)}


def test_direction_of_travel_uses_the_six_quarters_ending_at_the_report_quarter():
    # An old collapse outside the window must not matter.
    history = quarterly([90.0, 10.0, 10.0, 50.0, 51.0, 52.0, 53.0, 54.0, 55.0])
    result = direction_of_travel(history, Q2, "higher", None, 0, RuleSet())
    assert result.dot is Dot.IMPROVING and result.points_used == 6 and result.slope == pytest.approx(1.0)
    # Values after the report quarter are ignored too.
    history[Q2.next()] = 0.0
    assert direction_of_travel(history, Q2, "higher", None, 0, RuleSet()) == result


def test_direction_of_travel_without_a_current_value_is_not_available():
    history = quarterly([50.0, 51.0, 52.0, 53.0, 54.0, None])
    result = direction_of_travel(history, Q2, "higher", None, 0, RuleSet())
    assert result == DotResult(dot=Dot.NOT_AVAILABLE, method="trend", flags=("no current value",))
    del history[Q2]
    assert direction_of_travel(history, Q2, "higher", None, 0, RuleSet()).dot is Dot.NOT_AVAILABLE


def test_direction_of_travel_with_gaps_in_the_window():
    history = quarterly([50.0, None, 52.0, None, 54.0, 55.0])
    result = direction_of_travel(history, Q2, "higher", None, 0, RuleSet())
    assert result.points_used == 4 and result.dot is Dot.IMPROVING
    history = quarterly([50.0, None, None, None, 54.0, 55.0])
    assert direction_of_travel(history, Q2, "higher", None, 0, RuleSet()).flags == ("insufficient data",)


def test_direction_of_travel_previous_period_rule_set():
    rs = get_rule_set("2016")
    history = quarterly([60.0, 75.4, 74.8])
    assert direction_of_travel(history, Q2, "higher", None, 1, rs).dot is Dot.WORSENING
    assert direction_of_travel(quarterly([74.8]), Q2, "higher", None, 1, rs).flags == ("no previous value",)
    band = Thresholds(target_low=17.5, target_high=22.5)
    assert direction_of_travel(quarterly([22.9, 17.1]), Q2, "range", band, 1, rs).dot is Dot.STABLE


def test_direction_of_travel_window_length_is_configurable():
    history = quarterly([10.0, 20.0, 30.0, 40.0, 40.0, 40.0, 40.0])
    assert direction_of_travel(history, Q2, "higher", None, 0, RuleSet()).dot is Dot.IMPROVING
    four = get_rule_set("2022", {"dot": {"window_quarters": 4}})
    assert direction_of_travel(history, Q2, "higher", None, 0, four).dot is Dot.STABLE


def test_dot_enum_values():
    assert [d.value for d in Dot] == ["improving", "stable", "worsening", "not_available"]
