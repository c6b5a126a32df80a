"""Property tests of the rules (hypothesis).

Values are mostly drawn on a decimal grid, as KPI values are written. Trend properties
that hold exactly in real arithmetic can be upset by floating-point rounding only when
the p-value sits on the significance level; such cases are set aside with ``assume``.
"""

import json
import math

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from beacon.domain.dot import Dot, previous_period_dot, trend_dot
from beacon.domain.rag import Polarity, Rag, Thresholds, rate
from beacon.domain.rules import (
    ActivityRules,
    CountsRules,
    DotRules,
    RagRules,
    RuleSet,
    SeverityRules,
    WatchlistRules,
)

SETTINGS = settings(max_examples=120, deadline=None)
RANK = {Rag.GREEN: 0, Rag.AMBER: 1, Rag.RED: 2}
FLIP = {
    Dot.IMPROVING: Dot.WORSENING,
    Dot.WORSENING: Dot.IMPROVING,
    Dot.STABLE: Dot.STABLE,
    Dot.NOT_AVAILABLE: Dot.NOT_AVAILABLE,
}

rag_rules = st.builds(
    RagRules,
    equal_to_target=st.sampled_from(["green", "amber"]),
    equal_to_floor=st.sampled_from(["amber", "red"]),
    range_without_floor_band=st.sampled_from(["red", "amber"]),
    comparison_basis=st.sampled_from(["displayed", "unrounded"]),
)
decimals = st.integers(min_value=0, max_value=3)


def grid(d, lo=-10_000, hi=10_000):
    """Numbers written with ``d`` decimals."""
    return st.integers(min_value=lo * 10**d, max_value=hi * 10**d).map(lambda k: float(f"{k / 10**d:.{d}f}"))


@st.composite
def one_sided(draw):
    d = draw(decimals)
    floor = draw(grid(d, -1000, 1000))
    target = float(f"{floor + draw(grid(d, 0, 100)) + 10**-d:.{d}f}")
    return d, target, floor


@st.composite
def banded(draw):
    d = draw(decimals)
    tl = draw(grid(d, -1000, 1000))
    th = float(f"{tl + draw(grid(d, 0, 100)):.{d}f}")
    if draw(st.booleans()):
        fl = float(f"{tl - draw(grid(d, 0, 50)):.{d}f}")
        fh = float(f"{th + draw(grid(d, 0, 50)):.{d}f}")
    else:
        fl = fh = None
    return d, Thresholds(target_low=tl, target_high=th, floor_low=fl, floor_high=fh)


# --- RAG ---------------------------------------------------------------------------------


@given(one_sided(), st.floats(-2000, 2000), st.floats(0, 500), rag_rules)
@SETTINGS
def test_a_higher_value_never_gets_a_worse_rag_when_higher_is_better(t, value, step, rules):
    d, target, floor = t
    th = Thresholds(target=target, floor=floor)
    worse = rate(value, "higher", th, d, rules).rag
    better = rate(value + step, "higher", th, d, rules).rag
    assert RANK[better] <= RANK[worse]


@given(one_sided(), st.floats(-2000, 2000), st.floats(0, 500), rag_rules)
@SETTINGS
def test_a_lower_value_never_gets_a_worse_rag_when_lower_is_better(t, value, step, rules):
    d, target, floor = t
    th = Thresholds(target=-target, floor=-floor)  # lower: floor above target
    worse = rate(value, "lower", th, d, rules).rag
    better = rate(value - step, "lower", th, d, rules).rag
    assert RANK[better] <= RANK[worse]


@given(banded(), st.data(), rag_rules)
@SETTINGS
def test_moving_towards_the_target_band_never_gets_a_worse_rag(b, data, rules):
    d, th = b
    value = data.draw(grid(d, -2000, 2000))
    mid = (th.target_low + th.target_high) / 2
    # A value on the same grid between ``value`` and the middle of the band.
    lo, hi = sorted((value, mid))
    k_lo, k_hi = math.ceil(round(lo * 10**d, 6)), math.floor(round(hi * 10**d, 6))
    assume(k_lo <= k_hi)
    closer = float(f"{data.draw(st.integers(k_lo, k_hi)) / 10**d:.{d}f}")
    worse = rate(value, "range", th, d, rules).rag
    better = rate(closer, "range", th, d, rules).rag
    assert RANK[better] <= RANK[worse]


@given(one_sided(), st.floats(-2000, 2000), rag_rules)
@SETTINGS
def test_mirroring_a_higher_kpi_into_a_lower_one_keeps_its_rag(t, value, rules):
    d, target, floor = t
    higher = rate(value, "higher", Thresholds(target=target, floor=floor), d, rules)
    lower = rate(-value, "lower", Thresholds(target=-target, floor=-floor), d, rules)
    assert higher.rag is lower.rag
    assert higher.comparison_value == -lower.comparison_value


@given(banded(), st.floats(-2000, 2000), rag_rules)
@SETTINGS
def test_mirroring_a_range_kpi_keeps_its_rag(b, value, rules):
    d, th = b
    mirrored = Thresholds(
        target_low=-th.target_high,
        target_high=-th.target_low,
        floor_low=None if th.floor_high is None else -th.floor_high,
        floor_high=None if th.floor_low is None else -th.floor_low,
    )
    assert rate(value, "range", th, d, rules).rag is rate(-value, "range", mirrored, d, rules).rag


# --- direction of travel ------------------------------------------------------------------


@st.composite
def windows(draw, min_size=0):
    """Up to six quarters of values on a 0.1 grid, with gaps, at least ``min_size`` of them held.

    The quarters held are drawn first, so no example is thrown away (a filter that rejects most
    draws fails Hypothesis's health check on a slow machine)."""
    held = sorted(draw(st.sets(st.integers(0, 5), min_size=min_size, max_size=6)))
    values = draw(st.lists(grid(1, -500, 500), min_size=len(held), max_size=len(held)))
    return list(zip(held, values))


dot_rules = st.builds(
    DotRules,
    min_points=st.integers(3, 6),
    gaps=st.sampled_from(["skip", "interpolate"]),
    alpha=st.sampled_from([0.01, 0.05, 0.1]),
    insufficient=st.sampled_from(["stable", "not_available"]),
)


def not_borderline(result, rules):
    return result.p_value is None or abs(result.p_value - rules.alpha) > 1e-6


@given(windows(), st.sampled_from(["higher", "lower"]), dot_rules)
@SETTINGS
def test_mirroring_a_higher_kpi_into_a_lower_one_keeps_its_dot(points, polarity, rules):
    other = "lower" if polarity == "higher" else "higher"
    a = trend_dot(points, polarity, None, rules)
    b = trend_dot([(x, -v) for x, v in points], other, None, rules)
    assert a.dot is b.dot and a.p_value == b.p_value


@given(windows(), banded(), dot_rules)
@SETTINGS
def test_mirroring_a_range_kpi_keeps_its_dot(points, b, rules):
    _, th = b
    mirrored = Thresholds(target_low=-th.target_high, target_high=-th.target_low)
    a = trend_dot(points, "range", th, rules)
    m = trend_dot([(x, -v) for x, v in points], "range", mirrored, rules)
    assume(not_borderline(a, rules))
    assert a.dot is m.dot


@given(windows(min_size=4), st.sampled_from(["higher", "lower"]), grid(1, -1000, 1000), dot_rules)
@SETTINGS
def test_dot_is_unchanged_by_adding_a_constant(points, polarity, shift, rules):
    a = trend_dot(points, polarity, None, rules)
    assume(not_borderline(a, rules))
    b = trend_dot([(x, v + shift) for x, v in points], polarity, None, rules)
    assert a.dot is b.dot


@given(windows(min_size=4), st.sampled_from(["higher", "lower"]), st.sampled_from([0.1, 0.5, 2.0, 3.0, 7.3, 100.0, 1e-3, 1e4]), dot_rules)
@SETTINGS
def test_dot_is_unchanged_by_scaling_by_a_positive_factor(points, polarity, factor, rules):
    a = trend_dot(points, polarity, None, rules)
    assume(not_borderline(a, rules))
    b = trend_dot([(x, v * factor) for x, v in points], polarity, None, rules)
    assert a.dot is b.dot


@given(windows(min_size=4), st.sampled_from(["higher", "lower"]), dot_rules)
@SETTINGS
def test_reversing_time_swaps_improving_and_worsening(points, polarity, rules):
    a = trend_dot(points, polarity, None, rules)
    assume(not_borderline(a, rules))
    b = trend_dot([(-x, v) for x, v in points], polarity, None, rules)
    assert b.dot is FLIP[a.dot]


@given(windows(min_size=4), banded(), dot_rules)
@SETTINGS
def test_reversing_time_swaps_directions_for_range_kpis(points, b, rules):
    _, th = b
    a = trend_dot(points, "range", th, rules)
    assume(not_borderline(a, rules))
    r = trend_dot([(-x, v) for x, v in points], "range", th, rules)
    assert r.dot is FLIP[a.dot]


@given(decimals, st.data(), st.sampled_from(["higher", "lower"]), rag_rules)
@SETTINGS
def test_previous_period_is_unchanged_by_adding_a_constant_and_mirrors(d, data, polarity, rules):
    cur, prev, shift = data.draw(grid(d)), data.draw(grid(d)), data.draw(grid(d))
    a = previous_period_dot(cur, prev, polarity, None, d, rules)
    b = previous_period_dot(cur + shift, prev + shift, polarity, None, d, rules)
    other = "lower" if polarity == "higher" else "higher"
    c = previous_period_dot(-cur, -prev, other, None, d, rules)
    swapped = previous_period_dot(prev, cur, polarity, None, d, rules)
    assert a.dot is b.dot is c.dot
    assert swapped.dot is FLIP[a.dot]


# --- configuration --------------------------------------------------------------------------


@st.composite
def rule_sets(draw):
    window = draw(st.integers(3, 12))
    well = draw(st.floats(1, 50))
    return RuleSet(
        name=draw(st.text(min_size=1, max_size=10).filter(str.strip)),
        rag=draw(rag_rules.map(lambda r: RagRules(**{**r.to_dict(), "wording": draw(st.sampled_from(["2016", "2022", "2023"]))}))),
        dot=DotRules(
            method=draw(st.sampled_from(["trend", "previous_period"])),
            window_quarters=window,
            min_points=draw(st.integers(3, window)),
            insufficient=draw(st.sampled_from(["stable", "not_available"])),
            alpha=draw(st.floats(0.001, 0.5)),
            gaps=draw(st.sampled_from(["skip", "interpolate"])),
            range_metric=draw(st.sampled_from(["distance_outside_band", "distance_to_midpoint"])),
            include_illustrative=draw(st.booleans()),
        ),
        severity=SeverityRules(
            relative_to=draw(st.sampled_from(["floor", "value"])),
            well_below_over=well,
            moderately_from=draw(st.floats(0.5, 1)) * well,
        ),
        watchlist=WatchlistRules(closeness_pp=draw(st.floats(0, 10)), closeness_percent_of_floor=draw(st.integers(0, 10))),
        activity=ActivityRules(edge_band=draw(st.floats(0, 0.49))),
        counts=CountsRules(clauses=draw(st.sampled_from(["all", "as_published"])), zero_display=draw(st.sampled_from(["blank", "0"]))),
    )


@given(rule_sets())
@SETTINGS
def test_rule_sets_round_trip_through_dicts_and_json(rs):
    assert RuleSet.from_dict(rs.to_dict()) == rs
    assert RuleSet.from_dict(json.loads(json.dumps(rs.to_dict()))) == rs
    assert Polarity.HIGHER == "higher"  # enums stay plain strings in stored dicts
