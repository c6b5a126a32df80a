"""Activity indicators against their expected range (performance spec 3.6).

Activity indicators are not RAG-rated. Each value is placed against its period's lower
and upper thresholds ("the range activity is expected to fall within"), or, when there
are no thresholds, against a benchmark, and described with the published vocabulary.
"""

from __future__ import annotations

from enum import StrEnum

from .numbers import displayed, to_decimal
from .rag import ThresholdError, is_missing
from .rules import ActivityRules

__all__ = ["ActivityPosition", "ACTIVITY_PHRASES", "activity_position", "ACTIVITY_KEY_TEXT"]


class ActivityPosition(StrEnum):
    ABOVE = "above"
    UPPER_EDGE = "upper_edge"
    WITHIN = "within"
    LOWER_EDGE = "lower_edge"
    BELOW = "below"
    ABOVE_BENCHMARK = "above_benchmark"
    AT_BENCHMARK = "at_benchmark"
    BELOW_BENCHMARK = "below_benchmark"
    NOT_ASSESSED = "not_assessed"


ACTIVITY_PHRASES: dict[ActivityPosition, str] = {
    ActivityPosition.ABOVE: "above expectations",
    ActivityPosition.UPPER_EDGE: "at the higher end of expectations",
    ActivityPosition.WITHIN: "in line with expectations",
    ActivityPosition.LOWER_EDGE: "at the lower end of expectations",
    ActivityPosition.BELOW: "below expectations",
    ActivityPosition.ABOVE_BENCHMARK: "above the benchmark",
    ActivityPosition.AT_BENCHMARK: "equal to the benchmark",
    ActivityPosition.BELOW_BENCHMARK: "below the benchmark",
    ActivityPosition.NOT_ASSESSED: "not assessed against expectations",
}

# Key page, "Key to Activity Indicator Graphs" (spec 3.6, 4.2), verbatim.
ACTIVITY_KEY_TEXT: tuple[str, ...] = (
    "Alongside the Key Performance Indicators this report includes a number of Activity Indicators "
    "which present demand levels for services or other contextual information.",
    "Graphs for activity indicators are shown either with national benchmarks or in many cases with "
    "Upper and Lower Thresholds which represent the range activity is expected to fall within. "
    "Thresholds are based on past trends and other benchmark information.",
    "If activity falls outside of the Thresholds, this is an indication that demand has risen above "
    "or below expectations and this may have consequences for the council in terms of additional or "
    "reduced costs.",
    "Activity is closely monitored as part of the overall management information to ensure the "
    "council reacts appropriately to changing levels of demand.",
)


def activity_position(
    value: float | None,
    lower: float | None,
    upper: float | None,
    benchmark: float | None,
    rules: ActivityRules,
    decimals: int = 0,
) -> ActivityPosition:
    """Where ``value`` (at display precision ``decimals``) sits against its expectations.

    * Both thresholds: above the upper / below the lower threshold, otherwise within;
      a value within but no further than ``activity.edge_band`` x (upper - lower) from
      a threshold is at the upper or lower edge (the thresholds themselves are inside).
      An ``edge_band`` of 0 turns edges off.
    * One threshold: above / below it, otherwise within.
    * No thresholds: against the benchmark (above / at / below).
    * Nothing to compare with, or no value: not assessed.
    """
    if is_missing(value):
        return ActivityPosition.NOT_ASSESSED
    v = to_decimal(displayed(value, decimals))
    has_lower, has_upper = not is_missing(lower), not is_missing(upper)
    if has_lower and has_upper:
        lo, hi = to_decimal(lower), to_decimal(upper)
        if lo > hi:
            raise ThresholdError(f"lower threshold ({lower!r}) is above the upper threshold ({upper!r})")
        if v > hi:
            return ActivityPosition.ABOVE
        if v < lo:
            return ActivityPosition.BELOW
        band = to_decimal(rules.edge_band) * (hi - lo)
        if band > 0:
            if hi - v <= band:
                return ActivityPosition.UPPER_EDGE
            if v - lo <= band:
                return ActivityPosition.LOWER_EDGE
        return ActivityPosition.WITHIN
    if has_upper:
        return ActivityPosition.ABOVE if v > to_decimal(upper) else ActivityPosition.WITHIN
    if has_lower:
        return ActivityPosition.BELOW if v < to_decimal(lower) else ActivityPosition.WITHIN
    if not is_missing(benchmark):
        b = to_decimal(benchmark)
        if v > b:
            return ActivityPosition.ABOVE_BENCHMARK
        if v < b:
            return ActivityPosition.BELOW_BENCHMARK
        return ActivityPosition.AT_BENCHMARK
    return ActivityPosition.NOT_ASSESSED
