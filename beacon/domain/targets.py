"""Target changes in the open: which value of a KPI's year changed, and the rule that says a
rating was re-baselined (its RAG differs from what it would be against the previous target).
Pure Python.
"""

from __future__ import annotations

from enum import StrEnum


class TargetField(StrEnum):
    """The value of a KPI's year a target change changes."""

    TARGET = "target"
    FLOOR = "floor"

    @property
    def label(self) -> str:
        return _WORDS[self]


_WORDS: dict[StrEnum, str] = {
    TargetField.TARGET: "Target",
    TargetField.FLOOR: "Floor standard",
}


def choices(enum: type[StrEnum]) -> list[tuple[str, str]]:
    return [(m.value, m.label) for m in enum]
