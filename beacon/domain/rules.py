"""Every configurable rule of the performance report, in one place (performance spec 8).

A ``RuleSet`` is frozen and JSON-serialisable (``to_dict`` / ``from_dict``) so that an
edition can record, in its snapshot, exactly the rules it was produced with.

Named rule sets:

* ``"2022"`` (default): 2022 Key-page wording, direction of travel by the trend method.
* ``"2023"``: as 2022, with the later Key-page Green wording ("achieved or exceeded").
* ``"2016"``: 2016 wording, direction of travel by the previous-period method.

``get_rule_set("2022", {"dot": {"alpha": 0.1}})`` starts from a named set and overrides
individual keys. Every bad key or value raises ``RuleSetError`` naming ``section.key``.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any, ClassVar

__all__ = [
    "RuleSetError",
    "RagRules",
    "DotRules",
    "SeverityRules",
    "WatchlistRules",
    "ActivityRules",
    "CountsRules",
    "ComparisonRules",
    "TablesRules",
    "RuleSet",
    "RULE_SETS",
    "get_rule_set",
    "setting_from_text",
]


class RuleSetError(ValueError):
    """A rule-set key or value that is not allowed. The message starts with ``section.key``."""


# --- validation helpers -----------------------------------------------------------------


def _fail(section: str, key: str, problem: str):
    raise RuleSetError(f"{section}.{key}: {problem}")


def _choice(section: str, key: str, value: Any, allowed: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in allowed:
        options = ", ".join(repr(a) for a in allowed)
        _fail(section, key, f"must be one of {options}, not {value!r}")
    return value


def _integer(section: str, key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        _fail(section, key, f"must be a whole number, not {value!r}")
    return value


def _number(section: str, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        _fail(section, key, f"must be a number, not {value!r}")
    value = float(value)
    if not math.isfinite(value):
        _fail(section, key, f"must be a finite number, not {value!r}")
    return value


def _boolean(section: str, key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        _fail(section, key, f"must be true or false, not {value!r}")
    return value


def _set(obj, key: str, value) -> None:
    object.__setattr__(obj, key, value)


class _Section:
    SECTION: ClassVar[str] = ""

    def to_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    @classmethod
    def from_dict(cls, d: Any):
        if d is None:
            return cls()
        if isinstance(d, cls):
            return d
        if not isinstance(d, dict):
            raise RuleSetError(f"{cls.SECTION}: must be a mapping of settings, not {d!r}")
        known = {f.name for f in dataclasses.fields(cls)}
        for key in d:
            if key not in known:
                raise RuleSetError(
                    f"{cls.SECTION}.{key}: unknown setting (known: {', '.join(sorted(known))})"
                )
        return cls(**d)

    def merged(self, overrides: Any):
        """A copy with ``overrides`` (a partial dict for this section) applied."""
        if overrides is None:
            return self
        if not isinstance(overrides, dict):
            raise RuleSetError(f"{self.SECTION}: must be a mapping of settings, not {overrides!r}")
        base = self.to_dict()
        for key in overrides:
            if key not in base:
                raise RuleSetError(
                    f"{self.SECTION}.{key}: unknown setting (known: {', '.join(sorted(base))})"
                )
        base.update(overrides)
        return type(self).from_dict(base)


# --- sections ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RagRules(_Section):
    """RAG status (spec 3.1, 3.2)."""

    SECTION: ClassVar[str] = "rag"

    wording: str = "2022"
    equal_to_target: str = "green"
    equal_to_floor: str = "amber"
    range_without_floor_band: str = "red"
    comparison_basis: str = "displayed"

    def __post_init__(self):
        s = self.SECTION
        _choice(s, "wording", self.wording, ("2016", "2022", "2023"))
        _choice(s, "equal_to_target", self.equal_to_target, ("green", "amber"))
        _choice(s, "equal_to_floor", self.equal_to_floor, ("amber", "red"))
        _choice(s, "range_without_floor_band", self.range_without_floor_band, ("red", "amber"))
        _choice(s, "comparison_basis", self.comparison_basis, ("displayed", "unrounded"))


@dataclass(frozen=True)
class DotRules(_Section):
    """Direction of travel (spec 3.3)."""

    SECTION: ClassVar[str] = "dot"

    method: str = "trend"
    window_quarters: int = 6
    min_points: int = 4
    insufficient: str = "stable"
    test: str = "ols_t"
    alpha: float = 0.05
    gaps: str = "skip"
    range_metric: str = "distance_outside_band"
    include_illustrative: bool = False
    series: str = "plotted"

    def __post_init__(self):
        s = self.SECTION
        _choice(s, "method", self.method, ("trend", "previous_period"))
        window = _integer(s, "window_quarters", self.window_quarters)
        if window < 3:
            _fail(s, "window_quarters", f"must be at least 3, not {window}")
        if window > 40:
            _fail(s, "window_quarters", f"must be at most 40 (ten years), not {window}")
        points = _integer(s, "min_points", self.min_points)
        if points < 3:
            _fail(s, "min_points", f"must be at least 3 (a trend test needs a residual), not {points}")
        if points > window:
            _fail(s, "min_points", f"must not exceed dot.window_quarters ({window}), not {points}")
        _choice(s, "insufficient", self.insufficient, ("stable", "not_available"))
        _choice(s, "test", self.test, ("ols_t",))
        alpha = _number(s, "alpha", self.alpha)
        if not 0 < alpha < 1:
            _fail(s, "alpha", f"must be between 0 and 1, not {alpha!r}")
        _set(self, "alpha", alpha)
        _choice(s, "gaps", self.gaps, ("skip", "interpolate"))
        _choice(s, "range_metric", self.range_metric, ("distance_outside_band", "distance_to_midpoint"))
        _boolean(s, "include_illustrative", self.include_illustrative)
        _choice(s, "series", self.series, ("plotted", "data_quarter"))


@dataclass(frozen=True)
class SeverityRules(_Section):
    """How far below the floor standard a RED KPI is (spec 3.4)."""

    SECTION: ClassVar[str] = "severity"

    relative_to: str = "floor"
    well_below_over: float = 10.0
    moderately_from: float = 5.0

    def __post_init__(self):
        s = self.SECTION
        _choice(s, "relative_to", self.relative_to, ("floor", "value"))
        well = _number(s, "well_below_over", self.well_below_over)
        moderately = _number(s, "moderately_from", self.moderately_from)
        if moderately <= 0:
            _fail(s, "moderately_from", f"must be greater than 0, not {moderately!r}")
        if well < moderately:
            _fail(
                s,
                "well_below_over",
                f"must be at least severity.moderately_from ({moderately!r}), not {well!r}",
            )
        _set(self, "well_below_over", well)
        _set(self, "moderately_from", moderately)


@dataclass(frozen=True)
class WatchlistRules(_Section):
    """Amber KPIs close to their floor standard and worsening (spec 3.5)."""

    SECTION: ClassVar[str] = "watchlist"

    closeness_pp: float = 2.0
    closeness_percent_of_floor: float = 2.0

    def __post_init__(self):
        s = self.SECTION
        for key in ("closeness_pp", "closeness_percent_of_floor"):
            value = _number(s, key, getattr(self, key))
            if value < 0:
                _fail(s, key, f"must not be negative, not {value!r}")
            _set(self, key, value)


@dataclass(frozen=True)
class ActivityRules(_Section):
    """Activity indicators against their thresholds (spec 3.6)."""

    SECTION: ClassVar[str] = "activity"

    edge_band: float = 0.10

    def __post_init__(self):
        band = _number(self.SECTION, "edge_band", self.edge_band)
        if not 0 <= band < 0.5:
            _fail(self.SECTION, "edge_band", f"must be at least 0 and below 0.5, not {band!r}")
        _set(self, "edge_band", band)


@dataclass(frozen=True)
class CountsRules(_Section):
    """Counts tables and their change clauses (spec 3.10, 4.3)."""

    SECTION: ClassVar[str] = "counts"

    clauses: str = "all"
    zero_display: str = "blank"

    def __post_init__(self):
        _choice(self.SECTION, "clauses", self.clauses, ("all", "as_published"))
        _choice(self.SECTION, "zero_display", self.zero_display, ("blank", "0"))


@dataclass(frozen=True)
class ComparisonRules(_Section):
    """The comparison edition for change clauses (spec 3.10, section 8 ``comparison_basis``)."""

    SECTION: ClassVar[str] = "comparison"

    quarterly: str = "previous_quarter"
    year_end: str = "same_quarter_last_year"

    def __post_init__(self):
        allowed = ("previous_quarter", "same_quarter_last_year")
        _choice(self.SECTION, "quarterly", self.quarterly, allowed)
        _choice(self.SECTION, "year_end", self.year_end, allowed)


@dataclass(frozen=True)
class TablesRules(_Section):
    """Supporting tables (spec 4.4)."""

    SECTION: ClassVar[str] = "tables"

    twelve_month_order: str = "current, previous"

    def __post_init__(self):
        _choice(
            self.SECTION, "twelve_month_order", self.twelve_month_order,
            ("current, previous", "previous, current"),
        )


_SECTIONS: dict[str, type[_Section]] = {
    "rag": RagRules,
    "dot": DotRules,
    "severity": SeverityRules,
    "watchlist": WatchlistRules,
    "activity": ActivityRules,
    "counts": CountsRules,
    "comparison": ComparisonRules,
    "tables": TablesRules,
}


@dataclass(frozen=True)
class RuleSet:
    """All the rules an edition is computed with."""

    name: str = "2022"
    rag: RagRules = field(default_factory=RagRules)
    dot: DotRules = field(default_factory=DotRules)
    severity: SeverityRules = field(default_factory=SeverityRules)
    watchlist: WatchlistRules = field(default_factory=WatchlistRules)
    activity: ActivityRules = field(default_factory=ActivityRules)
    counts: CountsRules = field(default_factory=CountsRules)
    comparison: ComparisonRules = field(default_factory=ComparisonRules)
    tables: TablesRules = field(default_factory=TablesRules)

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name.strip():
            raise RuleSetError(f"name: must be a non-empty text, not {self.name!r}")
        for key, cls in _SECTIONS.items():
            if not isinstance(getattr(self, key), cls):
                raise RuleSetError(f"{key}: must be a {cls.__name__}, not {getattr(self, key)!r}")

    def to_dict(self) -> dict:
        """Nested plain dict, e.g. ``{"name": "2022", "rag": {"wording": "2022", ...}, ...}``."""
        out: dict[str, Any] = {"name": self.name}
        for key in _SECTIONS:
            out[key] = getattr(self, key).to_dict()
        return out

    @classmethod
    def from_dict(cls, d: dict) -> RuleSet:
        """Build from a (possibly partial) dict; missing keys take the class defaults."""
        if not isinstance(d, dict):
            raise RuleSetError(f"rule set: must be a mapping, not {d!r}")
        for key in d:
            if key != "name" and key not in _SECTIONS:
                raise RuleSetError(f"{key}: unknown section (known: name, {', '.join(_SECTIONS)})")
        kwargs: dict[str, Any] = {}
        if "name" in d:
            kwargs["name"] = d["name"]
        for key, section in _SECTIONS.items():
            if key in d:
                kwargs[key] = section.from_dict(d[key])
        return cls(**kwargs)

    def with_overrides(self, overrides: dict | None) -> RuleSet:
        """A copy with a partial dict of overrides applied (``{"dot": {"alpha": 0.1}}``)."""
        if not overrides:
            return self
        if not isinstance(overrides, dict):
            raise RuleSetError(f"overrides: must be a mapping, not {overrides!r}")
        changes: dict[str, Any] = {}
        for key, value in overrides.items():
            if key == "name":
                changes["name"] = value
            elif key in _SECTIONS:
                changes[key] = getattr(self, key).merged(value)
            else:
                raise RuleSetError(f"{key}: unknown section (known: name, {', '.join(_SECTIONS)})")
        return dataclasses.replace(self, **changes)


RULE_SETS: dict[str, RuleSet] = {
    "2022": RuleSet(name="2022"),
    "2023": RuleSet(name="2023", rag=RagRules(wording="2023")),
    "2016": RuleSet(
        name="2016",
        rag=RagRules(wording="2016"),
        dot=DotRules(method="previous_period"),
    ),
}


def setting_from_text(section: str, key: str, text: str) -> Any:
    """A setting typed as text (``--set rag.wording=2016``) as the value its rule expects: the
    setting's declared type decides, so ``rag.wording=2016`` stays the text "2016" while
    ``dot.window_quarters=8`` is the number 8 and ``dot.include_illustrative=true`` is true.
    A text that is not of that type is passed on unchanged, for the rule to refuse by name."""
    cls = _SECTIONS.get(section)
    if cls is None:
        raise RuleSetError(f"{section}: unknown section (known: name, {', '.join(_SECTIONS)})")
    kinds = {f.name: f.type for f in dataclasses.fields(cls)}
    if key not in kinds:
        raise RuleSetError(f"{section}.{key}: unknown setting (known: {', '.join(sorted(kinds))})")
    kind = kinds[key] if isinstance(kinds[key], str) else getattr(kinds[key], "__name__", "str")
    text = text.strip()
    if kind == "bool":
        return {"true": True, "false": False}.get(text.lower(), text)
    if kind in ("int", "float"):
        try:
            return int(text) if kind == "int" else float(text)
        except ValueError:
            return text
    return text


def get_rule_set(name: str = "2022", overrides: dict | None = None) -> RuleSet:
    """The named rule set, with ``overrides`` (a partial nested dict) applied."""
    if name not in RULE_SETS:
        raise RuleSetError(f"name: unknown rule set {name!r} (known: {', '.join(RULE_SETS)})")
    return RULE_SETS[name].with_overrides(overrides)
