"""Direction of travel (DoT): is a KPI's performance getting better or worse? (performance spec 3.3)

Direction of travel is **polarity-aware**: "improving" means better performance, not a
rising number. Two methods, chosen by ``dot.method``:

* **trend** (2022 style, default): an ordinary least squares (OLS) line through the
  unrounded values of the last ``dot.window_quarters`` quarters ending at the report
  quarter, with a two-sided Student t-test of its slope. A slope significant at
  ``dot.alpha`` in the good direction is *improving*, in the bad direction *worsening*;
  anything else is *stable* ("stable or with no clear trend").
* **previous_period** (2016 style): the value against the previous quarter's value at
  the RAG comparison basis; equal is *stable*, no previous value is *not available*.

For range KPIs the quantity tested is a distance from the target band (0 inside it, by
default), so a *decreasing* distance is improving.

Numerical note: the least-squares arithmetic below takes the x values only as exact integer
differences and the values relative to the latest one, so shifting the quarters changes nothing
and a flat series has a slope of exactly 0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING

from .numbers import to_decimal
from .rag import Polarity, ThresholdError, Thresholds, comparison_value, is_missing
from .rules import DotRules, RagRules

if TYPE_CHECKING:  # pragma: no cover
    from .periods import Quarter
    from .rules import RuleSet

__all__ = [
    "Dot",
    "DotResult",
    "t_two_sided_p",
    "t_critical",
    "range_metric",
    "trend_dot",
    "previous_period_dot",
    "direction_of_travel",
]

FLAG_INSUFFICIENT = "insufficient data"
FLAG_NO_CURRENT = "no current value"
FLAG_NO_PREVIOUS = "no previous value"


class Dot(StrEnum):
    IMPROVING = "improving"
    STABLE = "stable"
    WORSENING = "worsening"
    NOT_AVAILABLE = "not_available"

    @property
    def label(self) -> str:
        """The one-word label printed beside the arrow: "Improving" ... "Not available"."""
        return "Not available" if self is Dot.NOT_AVAILABLE else self.value.title()

    @property
    def symbol(self) -> str:
        """The arrow (real glyphs, spec 3.3 "Rendering": never icon-font characters), or "N/A"."""
        return {Dot.IMPROVING: "\u2191", Dot.STABLE: "\u2194", Dot.WORSENING: "\u2193"}.get(self, "N/A")


@dataclass(frozen=True)
class DotResult:
    """A direction of travel with its evidence.

    ``slope`` is the OLS slope per quarter of the quantity tested (the value, or for a
    range KPI its distance from the target band); for the previous-period method it is
    the change from the previous quarter at the comparison basis. ``points_used`` counts
    observed values (never interpolated ones).
    """

    dot: Dot
    method: str
    slope: float | None = None
    t: float | None = None
    p_value: float | None = None
    points_used: int = 0
    flags: tuple[str, ...] = ()


# --- Student t distribution -----------------------------------------------------------


def t_two_sided_p(t: float, df: int) -> float:
    """Two-sided p-value ``P(|T| >= |t|)`` of Student's t with integer ``df >= 1``.

    Closed form of Abramowitz & Stegun 26.7.3 (odd df) and 26.7.4 (even df): with
    ``theta = atan(t / sqrt(df))``, ``A(t|df) = P(|T| < t)`` is a finite series in
    ``cos(theta)``; the p-value is ``1 - A``. ``cos(theta)`` and ``sin(theta)`` are taken
    in their algebraic form ``sqrt(df / (df + t^2))`` and ``t / sqrt(df + t^2)``, and for
    odd df ``1 - 2*theta/pi`` is written ``2/pi * atan(sqrt(df) / t)``. No scipy.

    Accuracy: about 1e-15 absolute (the subtraction from 1 limits very small p-values,
    which never matter against a significance level such as 0.05).
    """
    if isinstance(df, bool) or int(df) != df or df < 1:
        raise ValueError(f"degrees of freedom must be a whole number >= 1, not {df!r}")
    df = int(df)
    t = abs(float(t))
    if math.isnan(t):
        return math.nan
    if math.isinf(t):
        return 0.0
    if t == 0.0:
        return 1.0
    denom = math.sqrt(df + t * t)
    cos = math.sqrt(df) / denom
    sin = t / denom
    cos2 = cos * cos
    if df % 2 == 1:
        # A = 2/pi * (theta + sin * (cos + 2/3 cos^3 + ... + (2.4...(df-3))/(1.3...(df-2)) cos^(df-2)))
        series = 0.0
        if df > 1:
            term = cos
            series = term
            for k in range(1, (df - 3) // 2 + 1):
                term = term * cos2 * (2 * k) / (2 * k + 1)
                series += term
        p = 2.0 / math.pi * (math.atan(math.sqrt(df) / t) - sin * series)
    else:
        # A = sin * (1 + 1/2 cos^2 + (1.3)/(2.4) cos^4 + ... + (1.3...(df-3))/(2.4...(df-2)) cos^(df-2))
        term = 1.0
        series = 1.0
        for k in range(1, (df - 2) // 2 + 1):
            term = term * cos2 * (2 * k - 1) / (2 * k)
            series += term
        p = 1.0 - sin * series
    return min(1.0, max(0.0, p))


@lru_cache(maxsize=256)
def t_critical(alpha: float, df: int) -> float:
    """The |t| at which ``t_two_sided_p`` equals ``alpha`` (found by bisection)."""
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, not {alpha!r}")
    lo, hi = 0.0, 1.0
    while t_two_sided_p(hi, df) >= alpha:
        lo, hi = hi, hi * 2.0
        if hi > 1e300:  # pragma: no cover - alpha far below float precision
            return math.inf
    for _ in range(2000):
        mid = (lo + hi) / 2.0
        if mid <= lo or mid >= hi:
            break
        if t_two_sided_p(mid, df) >= alpha:
            lo = mid
        else:
            hi = mid
    return hi


# --- helpers ---------------------------------------------------------------------------


def _good_sign(polarity: Polarity) -> int:
    """+1 when an increase is better (higher); -1 when a decrease is (lower, range distance)."""
    return 1 if polarity is Polarity.HIGHER else -1


def _band(thresholds: Thresholds | None) -> tuple[float, float]:
    if thresholds is None:
        raise ThresholdError("a range KPI needs its target band: target_low is missing; target_high is missing")
    problems = [p for p in thresholds.problems(Polarity.RANGE) if p.startswith("target")]
    if problems:
        raise ThresholdError("invalid target band: " + "; ".join(problems))
    return float(thresholds.target_low), float(thresholds.target_high)


def range_metric(value: float, low: float, high: float, metric: str) -> float:
    """The quantity regressed for a range KPI (smaller is better).

    ``distance_outside_band``: how far the value lies outside ``[low, high]`` (0 inside);
    ``distance_to_midpoint``: ``|value - (low + high) / 2|``.
    """
    if metric == "distance_outside_band":
        if value < low:
            return low - value
        if value > high:
            return value - high
        return 0.0
    if metric == "distance_to_midpoint":
        return abs(value - (low + high) / 2.0)
    raise ValueError(f"unknown range metric {metric!r}")


def _range_metric_decimal(value: Decimal, low: Decimal, high: Decimal, metric: str) -> Decimal:
    if metric == "distance_outside_band":
        if value < low:
            return low - value
        if value > high:
            return value - high
        return Decimal(0)
    if metric == "distance_to_midpoint":
        return abs(value - (low + high) / 2)
    raise ValueError(f"unknown range metric {metric!r}")


def _direction(slope: float, significant: bool, polarity: Polarity) -> Dot:
    if not significant or slope == 0 or math.isnan(slope):
        return Dot.STABLE
    good = (slope > 0) == (_good_sign(polarity) > 0)
    return Dot.IMPROVING if good else Dot.WORSENING


def _ols(xs: Sequence[int], ys: Sequence[float]) -> tuple[float, float]:
    """Slope and its standard error for points sorted by x (at least 3, distinct x).

    The x values enter only through ``c_i = n*x_i - sum(x)`` (exact integers, so shifting
    every x changes nothing), and the values are taken relative to the latest one (so a
    constant series has a slope and residuals of exactly zero). Sums run in x order.
    """
    n = len(xs)
    sx = 0
    for x in xs:
        sx += x
    cs = [float(n * x - sx) for x in xs]
    scc = 0
    for x in xs:
        scc += (n * x - sx) * (n * x - sx)
    y_ref = ys[-1]
    ds = [y - y_ref for y in ys]
    scd = 0.0
    for c, d in zip(cs, ds):
        scd = scd + c * d
    sd = 0.0
    for d in ds:
        sd = sd + d
    nf = float(n)
    slope = (nf * scd) / float(scc)
    dm = sd / nf
    sse = 0.0
    for c, d in zip(cs, ds):
        r = (d - dm) - (slope * c) / nf
        sse = sse + r * r
    se = math.sqrt((sse / float(n - 2)) / (float(scc) / float(n * n)))
    return slope, se


def _t_and_p(slope: float, se: float, df: int) -> tuple[float, float]:
    if se == 0.0:
        # A perfect fit: any non-zero slope is certain, a zero slope is no trend.
        if slope == 0.0:
            return 0.0, 1.0
        return math.copysign(math.inf, slope), 0.0
    t = slope / se
    return t, t_two_sided_p(t, df)


def _interpolate(pts: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """Linear interpolation of interior missing quarters (``dot.gaps = interpolate``)."""
    out: list[tuple[int, float]] = []
    for (xa, ya), (xb, yb) in zip(pts, pts[1:]):
        out.append((xa, ya))
        for g in range(xa + 1, xb):
            out.append((g, ya + ((yb - ya) * float(g - xa)) / float(xb - xa)))
    out.append(pts[-1])
    return out


# --- the two methods -------------------------------------------------------------------


def trend_dot(
    points: Sequence[tuple[int, float]],
    polarity: Polarity | str,
    thresholds: Thresholds | None,
    rules: DotRules,
) -> DotResult:
    """Trend-method direction of travel from ``(x, value)`` points.

    ``x`` is ``Quarter.index`` (consecutive quarters differ by one); missing quarters are
    simply absent (``None``/NaN values are dropped). With ``dot.gaps = skip`` the line is
    fitted through the observed points at their true x; with ``interpolate`` interior
    gaps are first filled linearly. Fewer than ``dot.min_points`` observed points give
    ``dot.insufficient`` flagged "insufficient data".
    """
    polarity = Polarity.coerce(polarity)
    band = _band(thresholds) if polarity is Polarity.RANGE else None
    pts: list[tuple[int, float]] = []
    for x, y in points:
        if is_missing(y):
            continue
        if isinstance(x, bool) or int(x) != x:
            raise ValueError(f"x must be a whole quarter index, not {x!r}")
        y = float(y)
        if not math.isfinite(y):
            raise ValueError(f"value {y!r} at x={x} is not a finite number")
        pts.append((int(x), y))
    pts.sort()
    for (xa, _), (xb, _) in zip(pts, pts[1:]):
        if xa == xb:
            raise ValueError(f"two values for the same quarter (x={xa})")
    observed = len(pts)
    if observed < rules.min_points:
        return DotResult(
            dot=Dot(rules.insufficient), method="trend", points_used=observed, flags=(FLAG_INSUFFICIENT,)
        )
    flags: tuple[str, ...] = ()
    if rules.gaps == "interpolate":
        filled = _interpolate(pts)
        added = len(filled) - observed
        if added:
            flags = (f"interpolated {added} missing quarter{'s' if added != 1 else ''}",)
        pts = filled
    xs = [x for x, _ in pts]
    if band is not None:
        ys = [range_metric(y, band[0], band[1], rules.range_metric) for _, y in pts]
    else:
        ys = [y for _, y in pts]
    slope, se = _ols(xs, ys)
    t, p = _t_and_p(slope, se, len(xs) - 2)
    significant = p < rules.alpha
    return DotResult(
        dot=_direction(slope, significant, polarity),
        method="trend",
        slope=slope,
        t=t,
        p_value=p,
        points_used=observed,
        flags=flags,
    )


def previous_period_dot(
    current: float | None,
    previous: float | None,
    polarity: Polarity | str,
    thresholds: Thresholds | None,
    decimals: int,
    rag_rules: RagRules,
    range_metric: str = "distance_outside_band",
) -> DotResult:
    """Previous-period (2016) direction of travel: current against previous value.

    Both are compared at the RAG comparison basis (display precision by default), in
    exact decimal arithmetic; equal is stable. For a range KPI the distance from the
    target band (``range_metric``) is compared, smaller being better.
    """
    polarity = Polarity.coerce(polarity)
    band = _band(thresholds) if polarity is Polarity.RANGE else None
    if is_missing(current):
        return DotResult(dot=Dot.NOT_AVAILABLE, method="previous_period", flags=(FLAG_NO_CURRENT,))
    if is_missing(previous):
        return DotResult(
            dot=Dot.NOT_AVAILABLE, method="previous_period", points_used=1, flags=(FLAG_NO_PREVIOUS,)
        )
    cur = to_decimal(comparison_value(current, decimals, rag_rules))
    prev = to_decimal(comparison_value(previous, decimals, rag_rules))
    if band is not None:
        low, high = to_decimal(band[0]), to_decimal(band[1])
        cur = _range_metric_decimal(cur, low, high, range_metric)
        prev = _range_metric_decimal(prev, low, high, range_metric)
    change = cur - prev
    if change == 0:
        dot = Dot.STABLE
    elif (change > 0) == (_good_sign(polarity) > 0):
        dot = Dot.IMPROVING
    else:
        dot = Dot.WORSENING
    return DotResult(dot=dot, method="previous_period", slope=float(change), points_used=2)


def direction_of_travel(
    series: Mapping[Quarter, float | None],
    report_quarter: Quarter,
    polarity: Polarity | str,
    thresholds: Thresholds | None,
    decimals: int,
    rule_set: RuleSet,
) -> DotResult:
    """The direction of travel at ``report_quarter`` under ``rule_set``.

    The trend method uses ``report_quarter.last(dot.window_quarters)``; the
    previous-period method uses ``report_quarter.previous()``. With no value at the
    report quarter the result is ``not_available`` flagged "no current value".
    ``series`` holds whatever the caller plots (``dot.series``); leave back-filled
    illustrative history out unless ``dot.include_illustrative``.
    """
    rules = rule_set.dot
    current = series.get(report_quarter)
    if is_missing(current):
        Polarity.coerce(polarity)
        return DotResult(dot=Dot.NOT_AVAILABLE, method=rules.method, flags=(FLAG_NO_CURRENT,))
    if rules.method == "previous_period":
        return previous_period_dot(
            current,
            series.get(report_quarter.previous()),
            polarity,
            thresholds,
            decimals,
            rule_set.rag,
            range_metric=rules.range_metric,
        )
    window = report_quarter.last(rules.window_quarters)
    points = [(q.index, series.get(q)) for q in window if not is_missing(series.get(q))]
    return trend_dot(points, polarity, thresholds, rules)
