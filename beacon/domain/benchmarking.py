"""Benchmarking against other councils: rank, quartile and median of a value among a
comparison group's values for a national measure. Pure Python.
"""

from __future__ import annotations

from enum import StrEnum


class Polarity(StrEnum):
    """Which way is better for a national measure (decides rank 1)."""

    HIGHER = "higher"
    LOWER = "lower"
    NEITHER = "neither"

    @property
    def label(self) -> str:
        return _WORDS[self]


_WORDS: dict[StrEnum, str] = {
    Polarity.HIGHER: "Higher is better",
    Polarity.LOWER: "Lower is better",
    Polarity.NEITHER: "Neither higher nor lower is better",
}


def choices(enum: type[StrEnum]) -> list[tuple[str, str]]:
    return [(m.value, m.label) for m in enum]
