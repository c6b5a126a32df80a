"""Year-end commentary: how far below the floor standard a RED KPI is, and the Amber
watch-list (performance spec 3.4, 3.5).

The gap to the floor standard is measured on the comparison value (display precision
by default) in exact decimal arithmetic, so that 75% against a floor standard of 80% is
a gap of exactly 5 percentage points.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext
from enum import StrEnum
from typing import TYPE_CHECKING

from .numbers import to_decimal
from .rag import Polarity, Rag, Thresholds, comparison_value, is_missing, rate

if TYPE_CHECKING:  # pragma: no cover
    from .dot import Dot
    from .rules import RuleSet

__all__ = [
    "Severity",
    "SeveritySource",
    "Undetermined",
    "RedSeverity",
    "floor_gap",
    "severity",
    "red_severity",
    "on_watch_list",
    "SEVERITY_FOOTNOTE",
]

SEVERITY_FOOTNOTE = (
    "Well below floor standard defined as over 10% of value or over 10 percentage points below. "
    "Moderately below is between 5% - 10%, or 5 to 10 percentage points below floor standard. "
    "Slightly below is less than 5% of value or less than 5 percentage points below."
)

_HUNDRED = Decimal(100)


class Severity(StrEnum):
    WELL_BELOW = "well_below"
    MODERATELY_BELOW = "moderately_below"
    SLIGHTLY_BELOW = "slightly_below"

    @property
    def label(self) -> str:
        return {
            Severity.WELL_BELOW: "Well below floor standard",
            Severity.MODERATELY_BELOW: "Moderately below floor standard",
            Severity.SLIGHTLY_BELOW: "Slightly below floor standard",
        }[self]


class SeveritySource(StrEnum):
    """Where the severity of a Red KPI comes from."""

    COMPUTED = "computed"  # measured: the gap between the value and the floor standard
    MANUAL = "manual"  # recorded by hand with its reason (``manual_severity``)
    NOT_DETERMINED = "not_determined"  # neither: listed under "Severity not determined"

    @property
    def label(self) -> str:
        return {
            SeveritySource.COMPUTED: "Measured against the floor standard",
            SeveritySource.MANUAL: "Set manually",
            SeveritySource.NOT_DETERMINED: "Severity not determined",
        }[self]


class Undetermined(StrEnum):
    """Why the severity of a Red KPI cannot be measured (and none was recorded by hand)."""

    NO_VALUE = "no_value"
    NO_THRESHOLDS = "no_thresholds"
    NO_FLOOR = "no_floor"
    NO_FLOOR_BAND = "no_floor_band"
    ZERO_BASE = "zero_base"

    @property
    def reason(self) -> str:
        """The reason as the paper prints it."""
        return {
            Undetermined.NO_VALUE: "rated Red by a manual rating; no value is recorded to measure against the floor standard",
            Undetermined.NO_THRESHOLDS: "no target or floor standard is recorded for the year",
            Undetermined.NO_FLOOR: "no floor standard is recorded",
            Undetermined.NO_FLOOR_BAND: "no floor band is recorded for this target range",
            Undetermined.ZERO_BASE: "the gap cannot be measured as a percentage of a base of 0",
        }[self]


@dataclass(frozen=True)
class RedSeverity:
    """The severity of one Red KPI: a band (measured or recorded by hand) or the reason why
    none is determined. ``warnings`` name a manual severity that was not used."""

    severity: Severity | None
    source: SeveritySource
    reason: str = ""  # the recorded reason (manual) or why it is not determined
    warnings: tuple[str, ...] = ()


def _raw_gap(value: Decimal, polarity: Polarity, thresholds: Thresholds) -> tuple[Decimal, Decimal] | None:
    """(gap in the KPI's own units, the floor it is measured against); positive = below floor."""
    if polarity is Polarity.HIGHER:
        if is_missing(thresholds.floor):
            return None
        floor = to_decimal(thresholds.floor)
        return floor - value, floor
    if polarity is Polarity.LOWER:
        if is_missing(thresholds.floor):
            return None
        floor = to_decimal(thresholds.floor)
        return value - floor, floor
    if not thresholds.has_floor_band:
        return None
    low, high = to_decimal(thresholds.floor_low), to_decimal(thresholds.floor_high)
    if value < low:
        return low - value, low
    if value > high:
        return value - high, high
    # Inside the floor band: negative, the distance to the nearer edge.
    if value - low <= high - value:
        return -(value - low), low
    return -(high - value), high


def _gap(
    value: float, polarity: Polarity, thresholds: Thresholds, unit: str, relative_to: str = "floor"
) -> Decimal | None:
    v = to_decimal(value)
    raw = _raw_gap(v, polarity, thresholds)
    if raw is None:
        return None
    gap, floor = raw
    if unit == "percent":
        return gap
    base = abs(floor) if relative_to == "floor" else abs(v)
    if base == 0:
        return None
    with localcontext() as ctx:
        ctx.prec = 40
        return gap * _HUNDRED / base


def floor_gap(value: float, polarity: Polarity | str, thresholds: Thresholds, unit: str) -> float | None:
    """How far ``value`` is below the floor standard (spec 3.4); negative when above it.

    floor - value (higher), value - floor (lower), distance to the nearest floor-band edge
    (range: positive outside the band, negative inside). In percentage points when
    ``unit == "percent"``, otherwise as a percentage of the floor standard. ``None`` when
    there is no floor standard (or it is 0 for a non-percent KPI).
    """
    gap = _gap(value, Polarity.coerce(polarity), thresholds, unit)
    return None if gap is None else float(gap)


def severity(
    value: float,
    polarity: Polarity | str,
    thresholds: Thresholds,
    unit: str,
    decimals: int,
    rule_set: RuleSet,
) -> Severity | None:
    """Well / moderately / slightly below floor standard, for a RED KPI only.

    well below: gap > ``severity.well_below_over`` (10); moderately: ``moderately_from``
    (5) <= gap <= 10; slightly: gap < 5. The gap is measured on the comparison value.
    """
    polarity = Polarity.coerce(polarity)
    result = rate(value, polarity, thresholds, decimals, rule_set.rag)
    if result.rag is not Rag.RED:
        return None
    return _band(result.comparison_value, polarity, thresholds, unit, rule_set)


def _band(value: float, polarity: Polarity, thresholds: Thresholds, unit: str, rule_set: RuleSet) -> Severity | None:
    """The severity band of a comparison value below its floor standard (``None``: no gap)."""
    rules = rule_set.severity
    gap = _gap(value, polarity, thresholds, unit, rules.relative_to)
    if gap is None:
        return None
    if gap > to_decimal(rules.well_below_over):
        return Severity.WELL_BELOW
    if gap >= to_decimal(rules.moderately_from):
        return Severity.MODERATELY_BELOW
    return Severity.SLIGHTLY_BELOW


def _undetermined(value, polarity: Polarity, thresholds: Thresholds | None) -> Undetermined:
    """Why ``severity()`` has no answer for a Red KPI."""
    if is_missing(value):
        return Undetermined.NO_VALUE
    if thresholds is None:
        return Undetermined.NO_THRESHOLDS
    if polarity is Polarity.RANGE:
        return Undetermined.ZERO_BASE if thresholds.has_floor_band else Undetermined.NO_FLOOR_BAND
    return Undetermined.ZERO_BASE if not is_missing(thresholds.floor) else Undetermined.NO_FLOOR


def red_severity(
    rag: Rag | str | None,
    value: float | None,
    polarity: Polarity | str,
    thresholds: Thresholds | None,
    unit: str,
    decimals: int,
    rule_set: RuleSet,
    manual: Severity | str | None = None,
    manual_reason: str = "",
) -> RedSeverity | None:
    """The severity of a KPI for the year-end list of Reds (spec 3.4): ``None`` unless it is
    rated Red, so that every Red KPI has an answer.

    Measured from the value and the floor standard when both are there (a recorded manual
    severity is then ignored, with a warning); otherwise the manual severity with its reason
    when one is recorded; otherwise "not determined", with the reason.
    """
    polarity = Polarity.coerce(polarity)
    manual = Severity(manual) if manual else None
    if rag is None or str(rag) != Rag.RED:
        return None
    measured = None
    if not is_missing(value) and thresholds is not None:
        # the Red is given: measure its gap on the comparison value (spec 3.2), whatever rated it
        measured = _band(comparison_value(value, decimals, rule_set.rag), polarity, thresholds, unit, rule_set)
    if measured is not None:
        warnings = ()
        if manual is not None:
            warnings = (f"manual severity {manual.value} ignored: the gap to the floor standard is measured "
                        f"({measured.value})",)
        return RedSeverity(measured, SeveritySource.COMPUTED, "", warnings)
    if manual is not None:
        return RedSeverity(manual, SeveritySource.MANUAL, manual_reason.strip())
    return RedSeverity(None, SeveritySource.NOT_DETERMINED, _undetermined(value, polarity, thresholds).reason)


def on_watch_list(
    rag: Rag | str,
    dot: Dot | str,
    value: float,
    polarity: Polarity | str,
    thresholds: Thresholds,
    unit: str,
    decimals: int,
    rule_set: RuleSet,
) -> bool:
    """Amber, worsening and close to its floor standard (spec 3.5).

    Close: at most ``watchlist.closeness_pp`` percentage points above the floor standard
    for a percent KPI, otherwise at most ``watchlist.closeness_percent_of_floor`` % of
    the floor standard. A KPI exactly on its floor standard is always close.
    """
    if str(rag) != "AMBER" or str(dot) != "worsening" or is_missing(value):
        return False
    polarity = Polarity.coerce(polarity)
    v = to_decimal(comparison_value(value, decimals, rule_set.rag))
    raw = _raw_gap(v, polarity, thresholds)
    if raw is None:
        return False
    gap, floor = raw
    margin = -gap  # how far above (on the good side of) the floor standard
    if margin <= 0:
        return True  # on the floor standard (or, unexpectedly for Amber, below it)
    rules = rule_set.watchlist
    if unit == "percent":
        return margin <= to_decimal(rules.closeness_pp)
    return margin * _HUNDRED <= to_decimal(rules.closeness_percent_of_floor) * abs(floor)
