"""Target changes in the open: which value of a KPI's year changed, and the rule that says a
rating was re-baselined (its RAG differs from what it would be against the year's original
target and floor standard). Pure Python.

The RAG itself is :func:`beacon.domain.rag.rate`, never written again here: :func:`rebaseline`
rates the same value twice, against the thresholds in force and against the original ones, and
says so when the two answers differ.
"""

from __future__ import annotations

import dataclasses
from enum import StrEnum

from .rag import Polarity, Rag, Thresholds, ThresholdError, is_missing, rate
from .records import fact, record
from .rules import RagRules

__all__ = ["TargetField", "Rebaseline", "rebaseline", "fields_for", "choices"]


class TargetField(StrEnum):
    """The value of a KPI's year a target change changes (``target_changes.csv`` ``field``)."""

    TARGET = "target"
    FLOOR = "floor"
    TARGET_LOW = "target_low"
    TARGET_HIGH = "target_high"
    FLOOR_LOW = "floor_low"
    FLOOR_HIGH = "floor_high"

    @property
    def label(self) -> str:
        return _WORDS[self]


_WORDS: dict[StrEnum, str] = {
    TargetField.TARGET: "Target",
    TargetField.FLOOR: "Floor standard",
    TargetField.TARGET_LOW: "Target range, lower end",
    TargetField.TARGET_HIGH: "Target range, upper end",
    TargetField.FLOOR_LOW: "Floor standard range, lower end",
    TargetField.FLOOR_HIGH: "Floor standard range, upper end",
}


def fields_for(polarity: Polarity | str) -> tuple[TargetField, ...]:
    """The values a KPI of ``polarity`` has: a target and a floor standard, or for a range KPI
    the ends of its target range and floor standard range."""
    if Polarity.coerce(polarity) is Polarity.RANGE:
        return (TargetField.TARGET_LOW, TargetField.TARGET_HIGH, TargetField.FLOOR_LOW, TargetField.FLOOR_HIGH)
    return (TargetField.TARGET, TargetField.FLOOR)


def choices(enum: type[StrEnum]) -> list[tuple[str, str]]:
    return [(m.value, m.label) for m in enum]


@record
class Rebaseline:
    """A KPI whose RAG against the thresholds in force differs from its RAG against the year's
    original target and floor standard, set before any change in the year (`kpis[].rebaseline`)."""

    __json_name__ = "rebaseline"

    rag: Rag | None = fact("the RAG the value would have against the original target and floor standard")
    rag_in_force: Rag | None = fact("the RAG against the target and floor standard in force (the KPI's `rag`)")
    target: float | None = fact("the original target (`higher`/`lower` KPIs)")
    floor: float | None = fact("the original floor standard (`higher`/`lower` KPIs)")
    target_low: float | None = fact("the original target range, lower end (`range` KPIs)")
    target_high: float | None = fact("the original target range, upper end (`range` KPIs)")
    floor_low: float | None = fact("the original floor standard range, lower end (`range` KPIs)")
    floor_high: float | None = fact("the original floor standard range, upper end (`range` KPIs)")
    effective_from: str | None = fact("the quarter the thresholds in force took effect from; null = the whole year")

    @property
    def original(self) -> Thresholds:
        return Thresholds(target=self.target, floor=self.floor, target_low=self.target_low,
                          target_high=self.target_high, floor_low=self.floor_low, floor_high=self.floor_high)


def _comparable(t: Thresholds, polarity: Polarity) -> tuple:
    return tuple(getattr(t, f.value) for f in fields_for(polarity))


def rebaseline(
    value: float | None,
    polarity: Polarity | str,
    original: Thresholds | None,
    in_force: Thresholds | None,
    decimals: int,
    rules: RagRules,
    effective_from: str | None = None,
) -> Rebaseline | None:
    """The KPI's re-baselining, or None when there is none: when the value is missing, either set
    of thresholds is missing or cannot rate the KPI, the thresholds are the same, or the value
    has the same RAG against both."""
    polarity = Polarity.coerce(polarity)
    if is_missing(value) or original is None or in_force is None:
        return None
    if _comparable(original, polarity) == _comparable(in_force, polarity):
        return None
    try:
        now = rate(value, polarity, in_force, decimals, rules).rag
        then = rate(value, polarity, original, decimals, rules).rag
    except (ThresholdError, ValueError):
        return None
    if now == then:
        return None
    keep = {f.value for f in fields_for(polarity)}
    values = {name: getattr(original, name) if name in keep else None
              for name in ("target", "floor", "target_low", "target_high", "floor_low", "floor_high")}
    return Rebaseline(rag=then, rag_in_force=now, effective_from=effective_from or None, **values)


def replaced(t: Thresholds, field: TargetField | str, value: float | None) -> Thresholds:
    """``t`` with one value changed."""
    return dataclasses.replace(t, **{TargetField(field).value: value})
