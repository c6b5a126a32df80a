"""RAG status: a KPI's value against its target and floor standard (performance spec 3.1, 3.2).

::

    higher:  v >= target -> GREEN ; v >= floor -> AMBER ; else RED
    lower:   v <= target -> GREEN ; v <= floor -> AMBER ; else RED
    range:   target_low <= v <= target_high -> GREEN ; floor_low <= v <= floor_high -> AMBER ; else RED

``v`` is the comparison value: the value at display precision by default
(``rag.comparison_basis``). Value equal to target is GREEN (``rag.equal_to_target``);
value equal to the floor standard is AMBER unless ``rag.equal_to_floor = "red"``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from .numbers import displayed
from .rules import RagRules

__all__ = [
    "Polarity",
    "Rag",
    "ThresholdError",
    "NoValueError",
    "Thresholds",
    "RagResult",
    "comparison_value",
    "rate",
    "is_missing",
]


class Polarity(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"
    RANGE = "range"

    @classmethod
    def coerce(cls, value: Polarity | str) -> Polarity:
        try:
            return cls(value)
        except ValueError:
            raise ValueError(f"polarity must be higher, lower or range, not {value!r}") from None


class Rag(StrEnum):
    GREEN = "GREEN"
    AMBER = "AMBER"
    RED = "RED"

    @property
    def label(self) -> str:
        """The word a paper prints: "Green", "Amber", "Red"."""
        return self.value.title()


class ThresholdError(ValueError):
    """Target and floor standard that cannot rate a KPI (spec 2.4)."""


class NoValueError(ValueError):
    """No value to rate: the KPI is "not rated" (spec 3.1)."""


def is_missing(x) -> bool:
    """``None`` or NaN."""
    return x is None or (isinstance(x, float) and math.isnan(x))


def _fmt(x: float) -> str:
    x = float(x)
    return str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x)


@dataclass(frozen=True)
class Thresholds:
    """Target and floor standard for one KPI and year (spec 2.4).

    ``target``/``floor`` for higher- and lower-is-better KPIs; ``target_low``/``target_high``
    (the target band) and optionally ``floor_low``/``floor_high`` (the floor band) for range
    KPIs. Thresholds are compared as given: they are set at display precision already.
    """

    target: float | None = None
    floor: float | None = None
    target_low: float | None = None
    target_high: float | None = None
    floor_low: float | None = None
    floor_high: float | None = None

    @property
    def has_floor_band(self) -> bool:
        return not is_missing(self.floor_low) and not is_missing(self.floor_high)

    def problems(self, polarity: Polarity | str) -> list[str]:
        """What makes these thresholds unusable for ``polarity`` (empty when valid)."""
        polarity = Polarity.coerce(polarity)
        out: list[str] = []

        def present(name: str) -> bool:
            value = getattr(self, name)
            if is_missing(value):
                out.append(f"{name} is missing")
                return False
            if not math.isfinite(float(value)):
                out.append(f"{name} must be a finite number, not {value!r}")
                return False
            return True

        if polarity is Polarity.HIGHER:
            if present("target") & present("floor") and not self.floor < self.target:
                out.append(
                    f"floor standard ({_fmt(self.floor)}) must be below target ({_fmt(self.target)}) "
                    "when higher is better"
                )
        elif polarity is Polarity.LOWER:
            if present("target") & present("floor") and not self.floor > self.target:
                out.append(
                    f"floor standard ({_fmt(self.floor)}) must be above target ({_fmt(self.target)}) "
                    "when lower is better"
                )
        else:
            band_ok = present("target_low") & present("target_high")
            if band_ok and not self.target_low <= self.target_high:
                out.append(
                    f"target_low ({_fmt(self.target_low)}) must not exceed "
                    f"target_high ({_fmt(self.target_high)})"
                )
                band_ok = False
            has_low, has_high = not is_missing(self.floor_low), not is_missing(self.floor_high)
            if has_low != has_high:
                out.append(
                    "floor_high is missing (a floor band needs both ends)"
                    if has_low
                    else "floor_low is missing (a floor band needs both ends)"
                )
            elif has_low and present("floor_low") & present("floor_high"):
                if band_ok and not (self.floor_low <= self.target_low and self.target_high <= self.floor_high):
                    out.append(
                        f"floor band ({_fmt(self.floor_low)} - {_fmt(self.floor_high)}) must contain "
                        f"the target band ({_fmt(self.target_low)} - {_fmt(self.target_high)})"
                    )
                elif not band_ok and not self.floor_low <= self.floor_high:
                    out.append(
                        f"floor_low ({_fmt(self.floor_low)}) must not exceed "
                        f"floor_high ({_fmt(self.floor_high)})"
                    )
        return out

    def check(self, polarity: Polarity | str) -> None:
        """Raise ``ThresholdError`` listing every problem."""
        problems = self.problems(polarity)
        if problems:
            raise ThresholdError("invalid target/floor standard: " + "; ".join(problems))


@dataclass(frozen=True)
class RagResult:
    rag: Rag
    comparison_value: float
    warnings: tuple[str, ...] = ()


def comparison_value(value: float, decimals: int, rules: RagRules) -> float:
    """The value RAG compares with the thresholds (spec 3.2, ``rag.comparison_basis``)."""
    if rules.comparison_basis == "displayed":
        return displayed(value, decimals)
    return float(value)


def rate(
    value: float,
    polarity: Polarity | str,
    thresholds: Thresholds,
    decimals: int,
    rules: RagRules,
) -> RagResult:
    """The RAG status of ``value`` (spec 3.1).

    Raises ``ThresholdError`` when the thresholds are invalid for the polarity and
    ``NoValueError`` when there is no value.
    """
    polarity = Polarity.coerce(polarity)
    if is_missing(value):
        raise NoValueError("no value: the KPI is not rated")
    if not math.isfinite(float(value)):
        raise NoValueError(f"value {value!r} is not a finite number: the KPI is not rated")
    thresholds.check(polarity)
    v = comparison_value(value, decimals, rules)
    at_target = Rag.GREEN if rules.equal_to_target == "green" else Rag.AMBER
    at_floor = Rag.AMBER if rules.equal_to_floor == "amber" else Rag.RED
    warnings: tuple[str, ...] = ()

    if polarity is Polarity.HIGHER:
        rag = _one_sided(v, thresholds.target, thresholds.floor, at_target, at_floor, better=1)
    elif polarity is Polarity.LOWER:
        rag = _one_sided(v, thresholds.target, thresholds.floor, at_target, at_floor, better=-1)
    else:
        lo, hi = thresholds.target_low, thresholds.target_high
        if lo < v < hi:
            rag = Rag.GREEN
        elif v == lo or v == hi:
            rag = at_target
        elif thresholds.has_floor_band:
            flo, fhi = thresholds.floor_low, thresholds.floor_high
            if flo < v < fhi:
                rag = Rag.AMBER
            elif v == flo or v == fhi:
                rag = at_floor
            else:
                rag = Rag.RED
        else:
            fallback = Rag.RED if rules.range_without_floor_band == "red" else Rag.AMBER
            rag = fallback
            warnings = (
                "no floor band: a range KPI outside its target band is rated "
                f"{fallback} (rag.range_without_floor_band = {rules.range_without_floor_band})",
            )
        if not thresholds.has_floor_band and not warnings:
            warnings = (
                "no floor band: outside the target band this KPI would be rated "
                f"{rules.range_without_floor_band.upper()} "
                f"(rag.range_without_floor_band = {rules.range_without_floor_band})",
            )
    return RagResult(rag=rag, comparison_value=v, warnings=warnings)


def _one_sided(v: float, target: float, floor: float, at_target: Rag, at_floor: Rag, better: int) -> Rag:
    # ``better`` is +1 when higher is better, -1 when lower is better; multiplying by -1
    # is exact, so the lower rule is the mirror image of the higher rule.
    v, target, floor = v * better, target * better, floor * better
    if v > target:
        return Rag.GREEN
    if v == target:
        return at_target
    if v > floor:
        return Rag.AMBER
    if v == floor:
        return at_floor
    return Rag.RED
