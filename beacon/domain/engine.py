"""Vectorised (numpy) rating for large loads, with the same results as the scalar rules.

* ``rate_many``: the RAG status of every observation (``rag.rate``).
* ``trend_many``: the trend-method direction of travel at every quarter of many series
  (``dot.trend_dot`` on each trailing window).

Same results, not approximately the same: ``displayed_many`` rounds exactly like
``numbers.displayed`` (values near a rounding tie are handed to the scalar function),
``trend_many`` repeats the scalar least-squares arithmetic operation for operation, and
decides significance by comparing |t| with the critical value of ``t_two_sided_p``,
handing the rare |t| within 1e-7 (relative) of it to the scalar p-value.

Codes (int8):

* polarity: 0 higher, 1 lower, 2 range
* RAG: 0 GREEN, 1 AMBER, 2 RED, -1 not rated (no value)
* DoT: 0 improving, 1 stable, 2 worsening, 3 not available
"""

from __future__ import annotations

import math

import numpy as np

from .dot import t_critical, t_two_sided_p
from .numbers import displayed
from .rag import Polarity, Rag, ThresholdError, Thresholds
from .rules import DotRules, RagRules

__all__ = [
    "POLARITY_CODES",
    "RAG_CODES",
    "DOT_CODES",
    "RAG_FROM_CODE",
    "DOT_FROM_CODE",
    "displayed_many",
    "rate_many",
    "trend_many",
    "polarity_codes",
]

POLARITY_CODES = {"higher": 0, "lower": 1, "range": 2}
RAG_CODES = {"GREEN": 0, "AMBER": 1, "RED": 2}
DOT_CODES = {"improving": 0, "stable": 1, "worsening": 2, "not_available": 3}
RAG_FROM_CODE = {0: Rag.GREEN, 1: Rag.AMBER, 2: Rag.RED, -1: None}
DOT_FROM_CODE = {v: k for k, v in DOT_CODES.items()}

NOT_RATED = -1
_POW10 = np.array([float(10**k) for k in range(16)])
_TIE_TOLERANCE = 1e-9
_T_GUARD = 1e-7
_CHUNK = 1 << 16  # windows per block in trend_many (keeps the work in cache)


# --- display precision -----------------------------------------------------------------


def displayed_many(values, decimals) -> np.ndarray:
    """``numbers.displayed`` for arrays: round half away from zero at ``decimals``.

    Exact agreement with the scalar function: a value is rounded in binary only when it
    is clearly away from a rounding tie; otherwise (and for values too large to scale) the
    scalar decimal rounding is used. With ``decimals == 0`` the binary value *is* the
    number as written relative to the tie, so no fallback is needed.
    """
    v = np.asarray(values, dtype=np.float64)
    d = np.broadcast_to(np.asarray(decimals), v.shape)
    if d.size and (not np.issubdtype(d.dtype, np.integer) and not np.all(d == np.round(d))):
        raise ValueError("decimals must be whole numbers")
    d = d.astype(np.int64)
    if d.size and (d.min() < 0 or d.max() > 15):
        raise ValueError("decimals must be between 0 and 15")
    with np.errstate(invalid="ignore", over="ignore"):
        a = np.abs(v)
        p = _POW10[d]
        s = a * p
        f = np.floor(s)
        frac = s - f
        whole = d == 0
        n = f + np.where(whole, frac >= 0.5, frac > 0.5)
        result = n / p
        result = np.where(v < 0, -result, result) + 0.0  # + 0.0 turns -0.0 into 0.0
        finite = np.isfinite(v)
        near_tie = np.abs(frac - 0.5) <= _TIE_TOLERANCE * np.maximum(s, 1.0)
        fallback = finite & ~whole & (near_tie | ~np.isfinite(s))
    result = np.where(finite, result, v)
    if fallback.any():
        idx = np.flatnonzero(fallback)
        flat_v, flat_d, flat_r = v.reshape(-1), d.reshape(-1), result.reshape(-1)
        flat_r[idx] = [displayed(float(flat_v[i]), int(flat_d[i])) for i in idx]
        result = flat_r.reshape(v.shape)
    return result


# --- RAG -------------------------------------------------------------------------------


def _as_float(x, shape) -> np.ndarray:
    if x is None:
        return np.full(shape, np.nan)
    return np.broadcast_to(np.asarray(x, dtype=np.float64), shape)


def rate_many(
    values,
    polarity,
    target,
    floor,
    target_low,
    target_high,
    floor_low,
    floor_high,
    decimals,
    rules: RagRules,
    *,
    on_invalid: str = "raise",
) -> np.ndarray:
    """RAG codes (int8: 0 GREEN, 1 AMBER, 2 RED, -1 not rated) for every observation.

    All arguments broadcast to the shape of ``values``; missing thresholds are NaN (or
    ``None`` for a whole column). NaN values are not rated. Thresholds that are invalid
    for the polarity (``Thresholds.problems``) raise ``ThresholdError`` naming the first
    offending position, or with ``on_invalid="skip"`` give -1 there.
    """
    v = np.asarray(values, dtype=np.float64)
    shape = v.shape
    pol = np.broadcast_to(np.asarray(polarity), shape).astype(np.int64)
    tgt, flr = _as_float(target, shape), _as_float(floor, shape)
    tlo, thi = _as_float(target_low, shape), _as_float(target_high, shape)
    flo, fhi = _as_float(floor_low, shape), _as_float(floor_high, shape)
    dec = np.broadcast_to(np.asarray(decimals), shape)
    if on_invalid not in ("raise", "skip"):
        raise ValueError(f"on_invalid must be 'raise' or 'skip', not {on_invalid!r}")

    has_value = np.isfinite(v)
    higher, lower, rng = pol == 0, pol == 1, pol == 2
    with np.errstate(invalid="ignore"):
        finite_tf = np.isfinite(tgt) & np.isfinite(flr)
        band_ok = np.isfinite(tlo) & np.isfinite(thi) & (tlo <= thi)
        no_floor_band = np.isnan(flo) & np.isnan(fhi)
        floor_band = np.isfinite(flo) & np.isfinite(fhi) & (flo <= tlo) & (thi <= fhi)
        valid = (
            (higher & finite_tf & (flr < tgt))
            | (lower & finite_tf & (flr > tgt))
            | (rng & band_ok & (no_floor_band | floor_band))
        )
    bad = has_value & ~valid
    if bad.any() and on_invalid == "raise":
        i = int(np.flatnonzero(bad.reshape(-1))[0])
        position = np.unravel_index(i, shape) if len(shape) > 1 else i
        code = int(pol.reshape(-1)[i])
        if code in (0, 1, 2):
            name = ("higher", "lower", "range")[code]

            def get(a):
                x = float(a.reshape(-1)[i])
                return None if math.isnan(x) else x

            problems = Thresholds(
                get(tgt), get(flr), get(tlo), get(thi), get(flo), get(fhi)
            ).problems(name)
        else:
            problems = [f"polarity code {code} is not 0 (higher), 1 (lower) or 2 (range)"]
        raise ThresholdError(
            f"{int(bad.sum())} observation(s) have an invalid target/floor standard; "
            f"first at position {position}: " + "; ".join(problems)
        )
    rated = has_value & valid

    if rules.comparison_basis == "displayed":
        cv = displayed_many(np.where(rated, v, 0.0), np.where(rated, dec, 0))
    else:
        cv = v
    at_target = RAG_CODES["GREEN"] if rules.equal_to_target == "green" else RAG_CODES["AMBER"]
    at_floor = RAG_CODES["AMBER"] if rules.equal_to_floor == "amber" else RAG_CODES["RED"]
    no_band = RAG_CODES["RED"] if rules.range_without_floor_band == "red" else RAG_CODES["AMBER"]

    with np.errstate(invalid="ignore"):
        # Higher and lower: the lower rule is the higher rule on negated numbers (exact).
        sign = np.where(lower, -1.0, 1.0)
        sv, st, sf = cv * sign, tgt * sign, flr * sign
        one_sided = np.where(
            sv > st, 0, np.where(sv == st, at_target, np.where(sv > sf, 1, np.where(sv == sf, at_floor, 2)))
        )
        in_floor_band = np.where(
            (flo < cv) & (cv < fhi), 1, np.where((cv == flo) | (cv == fhi), at_floor, 2)
        )
        ranged = np.where(
            (tlo < cv) & (cv < thi),
            0,
            np.where((cv == tlo) | (cv == thi), at_target, np.where(no_floor_band, no_band, in_floor_band)),
        )
        out = np.where(rng, ranged, one_sided)
    return np.where(rated, out, NOT_RATED).astype(np.int8)


# --- direction of travel ---------------------------------------------------------------


def _band_2d(x, shape) -> np.ndarray:
    if x is None:
        return np.full(shape, np.nan)
    a = np.asarray(x, dtype=np.float64)
    if a.ndim == 1:
        a = a[:, None]
    return np.broadcast_to(a, shape)


def trend_many(
    values,
    polarity,
    target_low=None,
    target_high=None,
    rules: DotRules | None = None,
    *,
    require_current: bool = True,
) -> np.ndarray:
    """Trend-method direction of travel at every quarter (int8, shape ``(series, quarters)``).

    ``values[s, q]`` is series ``s`` at consecutive quarter ``q`` (NaN = missing).
    ``polarity`` has one code per series. ``target_low``/``target_high`` (per series, or
    per series and quarter) give range KPIs their target band; the window ending at
    quarter ``q`` is measured against the band in force at ``q``, as ``trend_dot`` does.

    Each cell equals ``trend_dot`` on the points of the trailing window of
    ``rules.window_quarters`` quarters, for ``dot.gaps`` = skip or interpolate. With
    ``require_current`` (default, as ``direction_of_travel``) a quarter with no value is
    3 (not available).
    """
    rules = rules or DotRules()
    if rules.method != "trend":
        raise ValueError(f"trend_many computes the trend method, but dot.method is {rules.method!r}")
    y = np.asarray(values, dtype=np.float64)
    if y.ndim != 2:
        raise ValueError("values must be a 2-D array (series, quarters)")
    if np.isinf(y).any():
        raise ValueError("values must be finite numbers or NaN (missing)")
    n_series, n_quarters = y.shape
    pol = np.broadcast_to(np.asarray(polarity), (n_series,)).astype(np.int64)
    if pol.size and (pol.min() < 0 or pol.max() > 2):
        raise ValueError("polarity codes must be 0 (higher), 1 (lower) or 2 (range)")
    tlo = _band_2d(target_low, y.shape)
    thi = _band_2d(target_high, y.shape)

    out = np.empty(y.shape, dtype=np.int8)
    rows_per_chunk = max(1, _CHUNK // max(1, n_quarters))
    for start in range(0, n_series, rows_per_chunk):
        stop = min(n_series, start + rows_per_chunk)
        out[start:stop] = _trend_block(
            y[start:stop], pol[start:stop], tlo[start:stop], thi[start:stop], rules, require_current, start
        )
    return out


def _trend_block(y, pol, tlo, thi, rules: DotRules, require_current: bool, row_offset: int) -> np.ndarray:
    rows, quarters = y.shape
    w = rules.window_quarters
    padded = np.concatenate([np.full((rows, w - 1), np.nan), y], axis=1)
    raw = [padded[:, j : j + quarters] for j in range(w)]  # raw[j][:, q] = quarter q - w + 1 + j
    present = [~np.isnan(r) for r in raw]
    current = present[-1]
    wanted = current if require_current else np.ones(y.shape, dtype=bool)

    is_range = (pol == 2)[:, None]
    if is_range.any():
        need = is_range & wanted
        with np.errstate(invalid="ignore"):
            bad = need & ~(np.isfinite(tlo) & np.isfinite(thi) & (tlo <= thi))
        if bad.any():
            r, q = np.argwhere(bad)[0]
            raise ThresholdError(
                f"invalid target band for range series {row_offset + r} at quarter {q}: "
                f"target_low={tlo[r, q]!r}, target_high={thi[r, q]!r}"
            )

    n_obs = present[0].astype(np.int64)
    for j in range(1, w):
        n_obs = n_obs + present[j]

    # Values fitted: observed, plus (gaps = interpolate) interior gaps filled linearly.
    if rules.gaps == "interpolate":
        fitted = _interpolate_windows(raw, present)
    else:
        fitted = raw
    fit = [~np.isnan(f) for f in fitted] if fitted is not raw else present

    # Quantity regressed: the value, or for range KPIs its distance from the target band.
    if is_range.any():
        metric = []
        for f in fitted:
            with np.errstate(invalid="ignore"):
                if rules.range_metric == "distance_outside_band":
                    m = np.where(f < tlo, tlo - f, np.where(f > thi, f - thi, 0.0))
                else:
                    m = np.abs(f - (tlo + thi) / 2.0)
            metric.append(np.where(is_range, m, f))
    else:
        metric = fitted

    # --- least squares, operation for operation as dot._ols -----------------------------
    n = np.zeros(y.shape)
    sx = np.zeros(y.shape)
    for j in range(w):
        n = n + fit[j]
        sx = sx + np.where(fit[j], float(j), 0.0)
    cs = [n * float(j) - sx for j in range(w)]
    scc = np.zeros(y.shape)
    for j in range(w):
        scc = scc + np.where(fit[j], cs[j] * cs[j], 0.0)
    y_ref = np.zeros(y.shape)
    for j in range(w):
        y_ref = np.where(fit[j], metric[j], y_ref)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        ds = [m - y_ref for m in metric]
        scd = np.zeros(y.shape)
        sd = np.zeros(y.shape)
        for j in range(w):
            scd = scd + np.where(fit[j], cs[j] * ds[j], 0.0)
        for j in range(w):
            sd = sd + np.where(fit[j], ds[j], 0.0)
        slope = (n * scd) / scc
        dm = sd / n
        sse = np.zeros(y.shape)
        for j in range(w):
            r = (ds[j] - dm) - (slope * cs[j]) / n
            sse = sse + np.where(fit[j], r * r, 0.0)
        se = np.sqrt((sse / (n - 2.0)) / (scc / (n * n)))
        t = slope / se

        # --- significance: |t| against the critical value, scalar p-value near it ----------
        crit = np.full(w + 1, np.inf)
        for k in range(3, w + 1):
            crit[k] = t_critical(rules.alpha, k - 2)
        # p-values carry an absolute rounding error of about 1e-15, so for a very small
        # alpha the band handed to the scalar p-value is widened accordingly.
        guard = max(_T_GUARD, 1e-12 / rules.alpha)
        n_idx = np.clip(n, 0, w).astype(np.int64)
        c = crit[n_idx]
        abs_t = np.abs(t)
        significant = np.where(se == 0.0, slope != 0.0, abs_t > c * (1.0 + guard))
        borderline = (se > 0.0) & (abs_t >= c * (1.0 - guard)) & (abs_t <= c * (1.0 + guard))
    sufficient = (n_obs >= rules.min_points) & wanted
    borderline &= sufficient
    if borderline.any():
        for r, q in np.argwhere(borderline):
            significant[r, q] = t_two_sided_p(float(t[r, q]), int(n[r, q]) - 2) < rules.alpha

    good_up = (pol == 0)[:, None]
    with np.errstate(invalid="ignore"):
        moving = significant & (slope != 0.0) & ~np.isnan(slope)
        good = (slope > 0.0) == good_up
    dot = np.where(moving, np.where(good, DOT_CODES["improving"], DOT_CODES["worsening"]), DOT_CODES["stable"])
    insufficient_code = DOT_CODES[rules.insufficient]
    dot = np.where(n_obs >= rules.min_points, dot, insufficient_code)
    dot = np.where(wanted, dot, DOT_CODES["not_available"])
    return dot.astype(np.int8)


def _interpolate_windows(raw: list[np.ndarray], present: list[np.ndarray]) -> list[np.ndarray]:
    """Fill interior gaps of each window linearly, as ``dot._interpolate`` does."""
    w = len(raw)
    prev_val, prev_pos = [None] * w, [None] * w
    val = np.full(raw[0].shape, np.nan)
    pos = np.full(raw[0].shape, np.nan)
    for j in range(w):
        val = np.where(present[j], raw[j], val)
        pos = np.where(present[j], float(j), pos)
        prev_val[j], prev_pos[j] = val, pos
    next_val, next_pos = [None] * w, [None] * w
    val = np.full(raw[0].shape, np.nan)
    pos = np.full(raw[0].shape, np.nan)
    for j in range(w - 1, -1, -1):
        val = np.where(present[j], raw[j], val)
        pos = np.where(present[j], float(j), pos)
        next_val[j], next_pos[j] = val, pos
    out = []
    with np.errstate(invalid="ignore"):
        for j in range(w):
            ya, xa, yb, xb = prev_val[j], prev_pos[j], next_val[j], next_pos[j]
            filled = ya + ((yb - ya) * (float(j) - xa)) / (xb - xa)
            out.append(np.where(present[j], raw[j], filled))  # NaN where no gap to fill
    return out


def polarity_codes(polarities) -> np.ndarray:
    """``["higher", "range", ...]`` -> ``array([0, 2, ...])``."""
    return np.array([POLARITY_CODES[str(Polarity.coerce(p))] for p in polarities], dtype=np.int8)
