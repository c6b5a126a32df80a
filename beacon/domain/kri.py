"""Key risk indicators: the KPIs and activity indicators that evidence a risk, how risks relate
to each other, and the trigger rules that flag a risk for review. Pure Python.

Each enum's value is the bundle's code (``risk_indicators.csv``, ``risk_relations.csv``); its
``label`` is the words a page or a paper prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class TriggerRule(StrEnum):
    """When an indicator's results flag its risk for review."""

    NONE = "none"
    BELOW_FLOOR = "below_floor"
    RED = "red"
    WORSENING_WHILE_AMBER = "worsening_while_amber"
    OUTSIDE_RANGE = "outside_range"

    @property
    def label(self) -> str:
        return _WORDS[self]


class RelationKind(StrEnum):
    """How one risk bears on another."""

    RELATED = "related"
    CONTRIBUTES_TO = "contributes_to"

    @property
    def label(self) -> str:
        return _WORDS[self]


class FlagStatus(StrEnum):
    """Where a flag raised by a trigger rule stands."""

    OPEN = "open"
    REVIEWED = "reviewed"

    @property
    def label(self) -> str:
        return _WORDS[self]


_WORDS: dict[StrEnum, str] = {
    TriggerRule.NONE: "No trigger",
    TriggerRule.BELOW_FLOOR: "Below floor standard for consecutive quarters",
    TriggerRule.RED: "Red for consecutive quarters",
    TriggerRule.WORSENING_WHILE_AMBER: "Worsening while Amber",
    TriggerRule.OUTSIDE_RANGE: "Outside its expected range for consecutive quarters",
    RelationKind.RELATED: "Related risk",
    RelationKind.CONTRIBUTES_TO: "Contributes to",
    FlagStatus.OPEN: "Flagged for review",
    FlagStatus.REVIEWED: "Reviewed",
}


def choices(enum: type[StrEnum]) -> list[tuple[str, str]]:
    return [(m.value, m.label) for m in enum]


# --- the trigger rule ---------------------------------------------------------------------------
MAX_QUARTERS = 12
"""The most consecutive quarters a trigger may ask for (three years)."""


class TriggerError(ValueError):
    """A trigger configuration that cannot be evaluated (e.g. zero quarters)."""


@dataclass(frozen=True)
class IndicatorPoint:
    """One quarter of an indicator's results, as the results code computed them (this module
    never rates a value itself).

    ``rag``: "GREEN", "AMBER", "RED" or None (not rated); ``dot``: the direction of travel the
    papers report ("improving", "stable", "worsening", "not_available" or None);
    ``below_floor``: the value was rated Red against the floor standard (a computed rating, not
    one set by hand); ``outside_range``: an activity indicator's value fell outside its expected
    range; ``illustrative``: not a published figure (never triggers). The ``*_text`` fields are
    the words the evidence prints: the value as displayed, the floor standard in force (with its
    mark when assumed) and, for an activity indicator, where the value sits ("above the expected
    range of 80 to 100")."""

    period: str
    rag: str | None = None
    dot: str | None = None
    below_floor: bool = False
    outside_range: bool = False
    illustrative: bool = False
    value_text: str = ""
    floor_text: str = ""
    position_text: str = ""


@dataclass(frozen=True)
class Trigger:
    """A trigger rule met: the rule, how many quarters, the latest period of the evidence, the
    evidence in words and the points it rests on (oldest first)."""

    rule: TriggerRule
    quarters: int
    period: str
    evidence: str
    points: tuple[IndicatorPoint, ...]


def meets(rule: TriggerRule, point: IndicatorPoint) -> bool:
    """Whether one quarter meets the rule's condition. An illustrative value never does."""
    if point.illustrative:
        return False
    if rule is TriggerRule.BELOW_FLOOR:
        return point.below_floor
    if rule is TriggerRule.RED:
        return point.rag == "RED"
    if rule is TriggerRule.WORSENING_WHILE_AMBER:
        return point.rag == "AMBER" and point.dot == "worsening"
    if rule is TriggerRule.OUTSIDE_RANGE:
        return point.outside_range
    return False


def check_quarters(quarters: int) -> int:
    if not isinstance(quarters, int) or isinstance(quarters, bool) or not 1 <= quarters <= MAX_QUARTERS:
        raise TriggerError(f"quarters must be a whole number from 1 to {MAX_QUARTERS}, not {quarters!r}")
    return quarters


def evaluate(rule: TriggerRule | str, quarters: int, history: Sequence[IndicatorPoint],
             code: str = "") -> Trigger | None:
    """The trigger, when the latest ``quarters`` points of ``history`` (consecutive quarters,
    oldest first; a quarter with no result is a point with no rating) all meet ``rule``; else
    None. ``code`` names the indicator in the evidence. Pure: the same history gives the same
    answer, and points before the last ``quarters`` never matter."""
    rule = TriggerRule(rule)
    quarters = check_quarters(quarters)
    if rule is TriggerRule.NONE or len(history) < quarters:
        return None
    tail = tuple(history[-quarters:])
    if not all(meets(rule, p) for p in tail):
        return None
    return Trigger(rule, quarters, tail[-1].period, evidence(rule, tail, code), tail)


def _value(p: IndicatorPoint, rule: TriggerRule) -> str:
    if p.value_text:
        return p.value_text
    if rule is TriggerRule.RED and p.rag == "RED":
        return "rated Red by hand (no value)"
    return "no value"


def evidence(rule: TriggerRule, points: Sequence[IndicatorPoint], code: str = "") -> str:
    """The results that met the rule, in words: "CS1 below its floor standard of 75% for 2
    consecutive quarters: 70% in 2022/23 Q1, 68% in 2022/23 Q2"."""
    rule = TriggerRule(rule)
    name = f"{code} " if code else ""
    floors = {p.floor_text for p in points}
    one_floor = len(floors) == 1 and "" not in floors
    items = []
    for p in points:
        text = f"{_value(p, rule)} in {p.period}"
        if rule is TriggerRule.BELOW_FLOOR and not one_floor and p.floor_text:
            text += f" (floor standard {p.floor_text})"
        if rule is TriggerRule.OUTSIDE_RANGE and p.position_text:
            text += f" ({p.position_text})"
        items.append(text)
    phrase = {
        TriggerRule.BELOW_FLOOR: "below its floor standard" + (f" of {next(iter(floors))}" if one_floor else ""),
        TriggerRule.RED: "rated Red",
        TriggerRule.WORSENING_WHILE_AMBER: "Amber and worsening",
        TriggerRule.OUTSIDE_RANGE: "outside its expected range",
        TriggerRule.NONE: "",
    }[rule]
    if len(points) == 1:
        return f"{name}{phrase} in {points[0].period}: {_value(points[0], rule)}" + (
            f" ({points[0].position_text})" if rule is TriggerRule.OUTSIDE_RANGE and points[0].position_text else
            f" (floor standard {points[0].floor_text})" if rule is TriggerRule.BELOW_FLOOR and not one_floor
            and points[0].floor_text else "")
    return f"{name}{phrase} for {len(points)} consecutive quarters: {', '.join(items)}"
