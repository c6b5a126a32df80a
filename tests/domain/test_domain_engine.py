"""The vectorised engine gives the same results as the scalar rules."""

import math

import numpy as np
import pytest

from beacon.domain.dot import Dot, trend_dot
from beacon.domain.engine import (
    DOT_CODES,
    DOT_FROM_CODE,
    RAG_CODES,
    RAG_FROM_CODE,
    displayed_many,
    polarity_codes,
    rate_many,
    trend_many,
)
from beacon.domain.numbers import displayed
from beacon.domain.rag import Rag, ThresholdError, Thresholds, rate
from beacon.domain.rules import DotRules, RagRules

NAN = math.nan
POLS = ("higher", "lower", "range")


# --- displayed_many -------------------------------------------------------------------------


def test_displayed_many_examples():
    v = np.array([97.7, 0.285, 74.85, 2.5, -2.5, -0.4, 23844, NAN, math.inf, 1e300, 2.675, 1.005])
    d = np.array([0, 2, 1, 0, 0, 0, 0, 1, 1, 2, 2, 2])
    out = displayed_many(v, d)
    assert out[:7].tolist() == [98.0, 0.29, 74.9, 3.0, -3.0, 0.0, 23844.0]
    assert math.copysign(1.0, out[5]) == 1.0
    assert math.isnan(out[7]) and out[8] == math.inf and out[9] == 1e300
    assert out[10:].tolist() == [2.68, 1.01]
    assert displayed_many(np.array([[1.25, 1.35]]), 1).tolist() == [[1.3, 1.4]]
    with pytest.raises(ValueError):
        displayed_many(np.array([1.0]), np.array([-1]))
    with pytest.raises(ValueError):
        displayed_many(np.array([1.0]), np.array([0.5]))


def test_displayed_many_equals_displayed_on_written_decimals():
    rng = np.random.default_rng(7)
    places = rng.integers(0, 6, 50_000)
    values = np.array([float(f"{x:.{p}f}") for x, p in zip(rng.normal(0, 500, 50_000), places)])
    decimals = rng.integers(0, 4, 50_000)
    expected = np.array([displayed(float(x), int(d)) for x, d in zip(values, decimals)])
    assert np.array_equal(displayed_many(values, decimals), expected)


def test_displayed_many_equals_displayed_on_arbitrary_floats():
    rng = np.random.default_rng(8)
    values = np.concatenate([rng.normal(0, 100, 20_000), rng.uniform(-1, 1, 5_000) * 10.0 ** rng.integers(-3, 12, 5_000)])
    decimals = rng.integers(0, 8, values.size)
    expected = np.array([displayed(float(x), int(d)) for x, d in zip(values, decimals)])
    assert np.array_equal(displayed_many(values, decimals), expected)


# --- rate_many ------------------------------------------------------------------------------


def _scalar_rate(v, pol, t, f, tl, th, fl, fh, d, rules):
    if math.isnan(v):
        return -1
    def opt(x):
        return None if math.isnan(x) else float(x)
    thresholds = Thresholds(opt(t), opt(f), opt(tl), opt(th), opt(fl), opt(fh))
    return RAG_CODES[rate(float(v), POLS[pol], thresholds, int(d), rules).rag]


def test_rate_many_examples():
    v = np.array([97.7, 279, 22.2, 80, 23.0, NAN, 74.8, 300])
    pol = np.array([0, 1, 2, 0, 2, 0, 0, 1])
    target = np.array([98, 270, NAN, 90, NAN, 90, 85.0, 270])
    floor = np.array([95, 300, NAN, 80, NAN, 80, 75.0, 300])
    tl = np.array([NAN, NAN, 17.5, NAN, 17.5, NAN, NAN, NAN])
    th = np.array([NAN, NAN, 22.5, NAN, 22.5, NAN, NAN, NAN])
    dec = np.array([0, 0, 1, 0, 1, 0, 1, 0])
    out = rate_many(v, pol, target, floor, tl, th, None, None, dec, RagRules())
    assert out.dtype == np.int8
    assert out.tolist() == [0, 1, 0, 1, 2, -1, 2, 1]
    red_floor = rate_many(v, pol, target, floor, tl, th, None, None, dec, RagRules(equal_to_floor="red"))
    assert red_floor.tolist() == [0, 1, 0, 2, 2, -1, 2, 2]
    amber_band = rate_many(v, pol, target, floor, tl, th, None, None, dec, RagRules(range_without_floor_band="amber"))
    assert amber_band[4] == 1
    unrounded = rate_many(v, pol, target, floor, tl, th, None, None, dec, RagRules(comparison_basis="unrounded"))
    assert unrounded[0] == 1
    assert RAG_FROM_CODE[0] is Rag.GREEN and RAG_FROM_CODE[-1] is None


def test_rate_many_invalid_thresholds():
    v = np.array([50.0, 60.0])
    with pytest.raises(ThresholdError, match=r"1 observation\(s\).*position 1: floor standard \(90\) must be below target \(80\)"):
        rate_many(v, 0, np.array([90, 80]), np.array([80, 90]), None, None, None, None, 0, RagRules())
    out = rate_many(v, 0, np.array([90, 80]), np.array([80, 90]), None, None, None, None, 0, RagRules(), on_invalid="skip")
    assert out.tolist() == [2, -1]
    with pytest.raises(ThresholdError, match="floor_high is missing"):
        rate_many(np.array([20.0]), 2, None, None, 17.5, 22.5, 15.0, None, 1, RagRules())
    with pytest.raises(ThresholdError, match="polarity code 5"):
        rate_many(np.array([20.0]), 5, 1, 0, None, None, None, None, 1, RagRules())
    # Thresholds of observations without a value are not checked.
    assert rate_many(np.array([NAN]), 0, NAN, NAN, None, None, None, None, 0, RagRules()).tolist() == [-1]


def _random_rag_inputs(rng, n):
    pol = rng.integers(0, 3, n)
    dec = rng.integers(0, 3, n)
    centre = rng.uniform(0, 100, n).round(0)
    spread = rng.integers(1, 20, n).astype(float)
    target = np.where(pol == 0, centre + spread, centre - spread)
    floor = centre.copy()
    tl = centre - spread
    th = centre + spread
    fl = np.where(rng.random(n) < 0.3, NAN, tl - rng.integers(0, 10, n))
    fh = np.where(np.isnan(fl), NAN, th + rng.integers(0, 10, n))
    # Values on and around every threshold, at and beyond display precision.
    anchors = np.stack([target, floor, tl, th, np.nan_to_num(fl), np.nan_to_num(fh)])[rng.integers(0, 6, n), np.arange(n)]
    values = anchors + rng.choice([0.0, 0.5, -0.5, 0.05, -0.05, 0.004, -0.004, 0.3, -2.7], n)
    values = np.where(rng.random(n) < 0.03, NAN, values)
    target = np.where(pol == 2, NAN, target)
    floor = np.where(pol == 2, NAN, floor)
    return values, pol, target, floor, tl, th, fl, fh, dec


@pytest.mark.parametrize(
    "rules",
    [RagRules(), RagRules(equal_to_floor="red"), RagRules(comparison_basis="unrounded"),
     RagRules(equal_to_target="amber", range_without_floor_band="amber")],
)
def test_rate_many_agrees_with_rate(rules):
    rng = np.random.default_rng(11)
    args = _random_rag_inputs(rng, 6000)
    out = rate_many(*args, rules)
    expected = [_scalar_rate(*(a[i] for a in args), rules) for i in range(len(args[0]))]
    assert out.tolist() == expected
    assert set(out.tolist()) == {-1, 0, 1, 2}


def test_rate_many_broadcasts_2d():
    v = np.array([[97.7, 94.0], [96.0, 99.0]])
    out = rate_many(v, 0, 98, 95, None, None, None, None, 0, RagRules())
    assert out.tolist() == [[0, 2], [1, 0]]


# --- trend_many ----------------------------------------------------------------------------


def _scalar_trend(row, q, pol, tl, th, rules, require_current=True):
    if require_current and math.isnan(row[q]):
        return DOT_CODES["not_available"]
    w = rules.window_quarters
    pts = [(x, row[x]) for x in range(max(0, q - w + 1), q + 1) if not math.isnan(row[x])]
    band = Thresholds(target_low=tl, target_high=th) if pol == 2 else None
    return DOT_CODES[trend_dot(pts, POLS[pol], band, rules).dot]


def _random_series(rng, s, q):
    kind = rng.integers(0, 5, s)
    level = rng.uniform(10, 90, (s, 1))
    slope = rng.normal(0, 1.5, (s, 1))
    noise = rng.normal(0, rng.uniform(0.1, 4, (s, 1)), (s, q))
    y = level + slope * np.arange(q) + noise
    y = np.where(kind[:, None] == 0, np.round(y, 1), y)
    y = np.where(kind[:, None] == 1, np.round(level, 1) + 0 * y, y)  # constant
    y = np.where(kind[:, None] == 2, np.round(level + slope * np.arange(q), 2), y)  # near-perfect lines
    y[rng.random((s, q)) < 0.08] = NAN
    return y


@pytest.mark.parametrize(
    "rules",
    [
        DotRules(),
        DotRules(gaps="interpolate"),
        DotRules(range_metric="distance_to_midpoint"),
        DotRules(window_quarters=8, min_points=5, alpha=0.1, insufficient="not_available"),
        DotRules(window_quarters=3, min_points=3, gaps="interpolate"),
    ],
)
@pytest.mark.parametrize("require_current", [True, False])
def test_trend_many_agrees_with_trend_dot(rules, require_current):
    rng = np.random.default_rng(21)
    s, q = 120, 18
    y = _random_series(rng, s, q)
    pol = rng.integers(0, 3, s)
    centre = np.nanmean(y, axis=1)
    tl = np.round(centre - 3, 1)
    th = np.round(centre + 3, 1)
    out = trend_many(y, pol, tl, th, rules, require_current=require_current)
    assert out.shape == (s, q) and out.dtype == np.int8
    expected = np.array(
        [[_scalar_trend(y[i], j, pol[i], tl[i], th[i], rules, require_current) for j in range(q)] for i in range(s)]
    )
    assert np.array_equal(out, expected)
    assert {0, 1, 2} <= set(out.ravel().tolist())


def test_trend_many_examples():
    y = np.array(
        [
            [40.1, 42.0, 44.9, 47.2, 50.0, 52.3],
            [40.1, 42.0, 44.9, 47.2, 50.0, 52.3],
            [7.0] * 6,
            [30.0, 28.0, 26.5, 25.0, 23.5, 22.0],
            [1.0, 2.0, 3.0, NAN, 5.0, NAN],
        ]
    )
    out = trend_many(y, [0, 1, 0, 2, 0], 17.5, 22.5, DotRules())
    assert out[:, -1].tolist()[:4] == [0, 2, 1, 0]
    assert out[4].tolist() == [1, 1, 1, 3, 0, 3]  # insufficient data (stable) before 4 points
    assert DOT_FROM_CODE[out[0, -1]] == Dot.IMPROVING
    na = trend_many(y, [0, 1, 0, 2, 0], 17.5, 22.5, DotRules(insufficient="not_available"))
    assert na[4, :3].tolist() == [3, 3, 3]


def test_trend_many_per_quarter_band():
    # The window ending at quarter q is measured against the band in force at q.
    y = np.array([[20.0, 21.0, 22.0, 23.0, 24.0, 25.0]])
    tl = np.array([[17.5] * 5 + [26.0]])
    th = np.array([[22.5] * 5 + [30.0]])
    out = trend_many(y, [2], tl, th, DotRules())
    old_band = Thresholds(target_low=17.5, target_high=22.5)
    assert out[0, 4] == DOT_CODES[trend_dot(list(enumerate(y[0, :5])), "range", old_band, DotRules()).dot]
    assert out[0, 5] == DOT_CODES["improving"]  # approaching the new band from below
    band = Thresholds(target_low=26.0, target_high=30.0)
    assert trend_dot(list(enumerate(y[0])), "range", band, DotRules()).dot is Dot.IMPROVING


def test_trend_many_errors():
    with pytest.raises(ValueError, match="2-D"):
        trend_many(np.zeros(5), 0)
    with pytest.raises(ValueError, match="finite"):
        trend_many(np.array([[1.0, math.inf]]), 0)
    with pytest.raises(ValueError, match="polarity"):
        trend_many(np.zeros((1, 5)), 4)
    with pytest.raises(ValueError, match="trend method"):
        trend_many(np.zeros((1, 5)), 0, rules=DotRules(method="previous_period"))
    with pytest.raises(ThresholdError, match="range series 1 at quarter 0"):
        trend_many(np.zeros((2, 5)), [0, 2], [1.0, NAN], [2.0, 3.0])
    # A range series without a band is fine where no direction is computed.
    y = np.full((1, 3), NAN)
    assert trend_many(y, [2], None, None).tolist() == [[3, 3, 3]]


def test_trend_many_decides_borderline_t_like_trend_dot():
    # Lines whose t statistic sits within rounding of the 5% critical value: the engine
    # must hand these to the scalar p-value and agree with trend_dot exactly.
    from beacon.domain.dot import t_critical

    rules = DotRules(min_points=4, window_quarters=4)
    crit = t_critical(0.05, 2)
    e = np.array([1.0, -1.0, -1.0, 1.0])  # residuals orthogonal to the line
    rows = []
    for k in range(-200, 201):
        scale = 1.0 + k * 1e-15
        b = crit * math.sqrt(0.4) * scale
        rows.append(10.0 + b * np.arange(4) + e)
    y = np.array(rows)
    out = trend_many(y, 0, None, None, rules)
    expected = [_scalar_trend(row, 3, 0, None, None, rules) for row in y]
    assert out[:, 3].tolist() == expected
    assert set(expected) == {0, 1}  # both sides of the boundary are represented


def test_trend_many_handles_many_rows_in_blocks():
    rng = np.random.default_rng(5)
    y = _random_series(rng, 3000, 30)  # more than one block of windows
    pol = rng.integers(0, 2, 3000)
    out = trend_many(y, pol, None, None, DotRules())
    for i in rng.integers(0, 3000, 40):
        for j in (0, 5, 17, 29):
            assert out[i, j] == _scalar_trend(y[i], j, pol[i], None, None, DotRules())


def test_polarity_codes():
    assert polarity_codes(["higher", "lower", "range"]).tolist() == [0, 1, 2]
