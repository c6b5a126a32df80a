"""Key risk indicators: the KPIs and activity indicators that evidence a risk, how risks relate
to each other, and the trigger rules that flag a risk for review. Pure Python.

Each enum's value is the bundle's code (``risk_indicators.csv``, ``risk_relations.csv``); its
``label`` is the words a page or a paper prints.
"""

from __future__ import annotations

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
