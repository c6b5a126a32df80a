"""Corporate risk rules (risk spec §3, §5.3): scales, score, level, TBC, "At target",
due dates of actions, owner prefixes, identifiers and direction of travel.

Pure Python: no Django. Every function either returns a value or raises
:class:`RiskRuleError` with a reason that names the field, so the importer and the forms can
report it as ``file:line: column: reason``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum

from .periods import MONTH_NAME

__all__ = [
    "RiskRuleError",
    "Likelihood",
    "Impact",
    "LIKELIHOOD",
    "IMPACT",
    "ACHIEVABLE_SCORES",
    "IMPOSSIBLE_SCORES",
    "BAND_LINE",
    "Level",
    "Rating",
    "ScaleReading",
    "check_scale_value",
    "parse_scale",
    "check_score",
    "level_for_score",
    "display_rating",
    "is_at_target_text",
    "at_target",
    "target_problems",
    "Due",
    "parse_due",
    "Owners",
    "parse_owners",
    "parse_cabinet_members",
    "RISK_ID",
    "check_risk_id",
    "next_risk_id",
    "Direction",
    "HistoryEvent",
    "DirectionResult",
    "direction_of_travel",
    "parse_printed_direction",
    "month_start",
    "counts_by_level",
    "NOT_YET_RATED",
    "HeatCell",
    "HeatRow",
    "ImpactHeading",
    "HeatMap",
    "heat_map",
    "RiskStatus",
    "EventKind",
    "ActionStatus",
    "ActionBucket",
    "ACTION_BUCKETS",
    "action_summary",
    "action_bucket",
]


class RiskRuleError(ValueError):
    """A rating, score, id or date that the rules refuse. The message names the field."""


# --- scales (§3.1) ---------------------------------------------------------------------------
class Likelihood(IntEnum):
    """The likelihood scale; each value's ``label`` is the word printed beside it."""

    VERY_UNLIKELY = 1
    UNLIKELY = 2
    POSSIBLE = 3
    LIKELY = 4
    VERY_LIKELY = 5

    @property
    def label(self) -> str:
        return " ".join(word.capitalize() for word in self.name.split("_"))

    @property
    def printed(self) -> str:
        """``Likely (4)``: the label, then the number."""
        return f"{self.label} ({self.value})"


class Impact(IntEnum):
    """The impact scale; each value's ``label`` is the word printed beside it."""

    MINOR = 1
    MODERATE = 2
    SIGNIFICANT = 3
    SERIOUS = 4
    MAJOR = 5

    @property
    def label(self) -> str:
        return self.name.capitalize()

    @property
    def printed(self) -> str:
        """``Major (5)``: the label, then the number."""
        return f"{self.label} ({self.value})"


# the scales as value -> label (read from the enums)
LIKELIHOOD: dict[int, str] = {v.value: v.label for v in Likelihood}
IMPACT: dict[int, str] = {v.value: v.label for v in Impact}
SCALES = {"likelihood": LIKELIHOOD, "impact": IMPACT}

ACHIEVABLE_SCORES: frozenset[int] = frozenset(l * i for l in range(1, 6) for i in range(1, 6))
IMPOSSIBLE_SCORES: frozenset[int] = frozenset(range(1, 26)) - ACHIEVABLE_SCORES



def _scale_for(field_name: str) -> dict[int, str]:
    for word, scale in SCALES.items():
        if word in field_name:
            return scale
    raise RiskRuleError(f"{field_name}: not a likelihood or impact field")


def check_scale_value(value, field_name: str = "likelihood") -> int:
    """A likelihood or impact value: a whole number 1-5. ``bool`` and non-integers are refused."""
    if isinstance(value, bool) or value is None:
        raise RiskRuleError(f"{field_name}: {value!r} is not a whole number from 1 to 5")
    if isinstance(value, float):
        if not value.is_integer():
            raise RiskRuleError(f"{field_name}: {value!r} is not a whole number from 1 to 5")
        value = int(value)
    if not isinstance(value, int):
        try:
            from decimal import Decimal

            if isinstance(value, Decimal) and value == value.to_integral_value():
                value = int(value)
            else:
                raise TypeError
        except (TypeError, ValueError):
            raise RiskRuleError(f"{field_name}: {value!r} is not a whole number from 1 to 5") from None
    if not 1 <= value <= 5:
        raise RiskRuleError(f"{field_name}: {value} is outside the scale 1 to 5")
    return value


@dataclass(frozen=True)
class ScaleReading:
    """A printed scale cell read back: the number (authoritative), or None for TBC, and a
    data-quality flag when the printed label disagrees with the number."""

    value: int | None
    label_as_printed: str = ""
    flag: str = ""


_SCALE_TEXT = re.compile(r"^(?P<label>[A-Za-z.\s]*?)\s*\(\s*(?P<n>[^)]*)\s*\)\s*$")


def _norm_label(text: str) -> str:
    text = text.strip().lower().replace("v.", "very ").replace("v ", "very ")
    return " ".join(text.split())


def parse_scale(text: str, field_name: str = "likelihood") -> ScaleReading:
    """Read ``3``, ``Possible (3)``, ``V. Likely (5)``, ``Very likely (5)``, ``Impact Major (5)``
    or ``TBC``. The number wins; a label that names another value is flagged, not trusted."""
    scale = _scale_for(field_name)
    raw = (text or "").strip()
    if raw == "" or raw.upper() == "TBC":
        return ScaleReading(None, raw)
    if re.fullmatch(r"[+-]?\d+(\.0+)?", raw):
        return ScaleReading(check_scale_value(int(float(raw)), field_name), "")
    m = _SCALE_TEXT.match(raw)
    if not m:
        raise RiskRuleError(f"{field_name}: {text!r} is not a scale value (write 1-5, 'Label (n)' or TBC)")
    number = m.group("n").strip()
    if not re.fullmatch(r"[+-]?\d+(\.0+)?", number):
        raise RiskRuleError(f"{field_name}: {text!r} has no whole number in brackets")
    value = check_scale_value(int(float(number)), field_name)
    label = _norm_label(m.group("label"))
    kind = "likelihood" if scale is LIKELIHOOD else "impact"
    if label.startswith(kind + " "):  # the doubled word: "Impact Major (5)"
        label = label[len(kind) + 1 :]
    known = {_norm_label(v): k for k, v in scale.items()}
    flag = ""
    if label and label not in known:
        flag = f"{field_name}: label {m.group('label').strip()!r} is not on the {kind} scale; {value} = {scale[value]}"
    elif label and known[label] != value:
        flag = (
            f"{field_name}: printed {text.strip()!r} but {value} = {scale[value]} "
            f"({m.group('label').strip()} = {known[label]}); the number is kept"
        )
    return ScaleReading(value, m.group("label").strip(), flag)


# --- score and level (§3.2) ------------------------------------------------------------------
class Level(StrEnum):
    LOW = "Low"
    MEDIUM = "Medium"
    HIGH = "High"

    @property
    def label(self) -> str:
        """The level in words (its value): ``High``."""
        return self.value

    @property
    def bounds(self) -> tuple[int, int]:
        """The lowest and highest score of the band: Low 1-6, Medium 8-15, High 16-25."""
        return {"Low": (1, 6), "Medium": (8, 15), "High": (16, 25)}[self.value]


BAND_LINE = " | ".join(f"{level.label} = {level.bounds[0]}-{level.bounds[1]}" for level in Level)


def check_score(score, field_name: str = "score") -> int:
    """A score entered or imported: must be the product of two values on the 1-5 scales."""
    if isinstance(score, bool) or not isinstance(score, int):
        if isinstance(score, float) and score.is_integer():
            score = int(score)
        else:
            raise RiskRuleError(f"{field_name}: {score!r} is not a whole number")
    if not 1 <= score <= 25:
        raise RiskRuleError(f"{field_name}: {score} is outside 1 to 25 (likelihood x impact, each 1-5)")
    if score in IMPOSSIBLE_SCORES:
        raise RiskRuleError(
            f"{field_name}: {score} is impossible: it is not likelihood x impact for any values 1-5 "
            f"(possible scores: {', '.join(str(s) for s in sorted(ACHIEVABLE_SCORES))})"
        )
    return score


def level_for_score(score, field_name: str = "score") -> Level:
    """Low 1-6, Medium 8-15, High 16-25. Always computed, never entered."""
    score = check_score(score, field_name)
    if score <= 6:
        return Level.LOW
    if score <= 15:
        return Level.MEDIUM
    return Level.HIGH


@dataclass(frozen=True)
class Rating:
    """A likelihood and impact pair, or TBC (both None). Only L or only I is refused."""

    likelihood: int | None
    impact: int | None
    field_name: str = field(default="rating", compare=False)

    def __post_init__(self):
        if (self.likelihood is None) != (self.impact is None):
            missing = "impact" if self.impact is None else "likelihood"
            raise RiskRuleError(
                f"{self.field_name}: {missing} is missing; give both likelihood and impact, or neither for TBC"
            )
        if self.likelihood is not None:
            object.__setattr__(self, "likelihood", check_scale_value(self.likelihood, f"{self.field_name} likelihood"))
            object.__setattr__(self, "impact", check_scale_value(self.impact, f"{self.field_name} impact"))

    @classmethod
    def tbc(cls) -> Rating:
        return cls(None, None)

    @property
    def is_tbc(self) -> bool:
        return self.likelihood is None

    @property
    def score(self) -> int | None:
        return None if self.is_tbc else self.likelihood * self.impact

    @property
    def level(self) -> Level | None:
        return None if self.is_tbc else level_for_score(self.score)

    @property
    def display(self) -> str:
        """``High (20)`` or ``TBC``."""
        return "TBC" if self.is_tbc else f"{self.level.value} ({self.score})"

    @property
    def likelihood_label(self) -> str:
        return "TBC" if self.is_tbc else Likelihood(self.likelihood).printed

    @property
    def impact_label(self) -> str:
        return "TBC" if self.is_tbc else Impact(self.impact).printed

    def as_dict(self) -> dict:
        return {
            "likelihood": self.likelihood,
            "impact": self.impact,
            "score": self.score,
            "level": self.level.value if self.level else None,
            "display": self.display,
        }


def display_rating(likelihood: int | None, impact: int | None) -> str:
    return Rating(likelihood, impact).display


# --- "At target" (§3.4) ----------------------------------------------------------------------
def is_at_target_text(timescale: str | None) -> bool:
    return " ".join((timescale or "").lower().split()) == "at target"


def at_target(current: Rating, target: Rating) -> bool | None:
    """True when the target equals the current rating; None when either is TBC."""
    if current.is_tbc or target.is_tbc:
        return None
    return (current.likelihood, current.impact) == (target.likelihood, target.impact)


def target_problems(current: Rating, target: Rating, timescale: str | None) -> list[str]:
    """Flags for the check screen and the QA report (§3.4, §7 #16)."""
    problems = []
    derived = at_target(current, target)
    if is_at_target_text(timescale) and derived is False:
        problems.append(
            f"timescale_to_target: says {timescale!r} but the target {target.display} differs from the current {current.display}"
        )
    if is_at_target_text(timescale) and derived is None:
        problems.append(f"timescale_to_target: says {timescale!r} but a rating is TBC")
    if derived is not None and target.score > current.score:
        problems.append(f"target: {target.display} is higher than the current rating {current.display}")
    return problems


# --- action due dates (§2.6) -------------------------------------------------------------------
MONTHS = {name.lower(): i for i, name in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
     "November", "December"], start=1)}
MONTHS.update({k[:3]: v for k, v in list(MONTHS.items())})
MONTHS["sept"] = 9


@dataclass(frozen=True)
class Due:
    text: str
    date: dt.date | None  # the month, dated the first; or the exact date when one is given
    kind: str  # "completion" or "review"


def parse_due(text: str | None) -> Due:
    """``April 2023``, ``March 2023 (review)``, ``December 2022 (Review)``, ``TBC``,
    ``2023-04`` or ``2023-04-30``. The text is kept verbatim; free text parses to no date."""
    raw = (text or "").strip()
    kind = "review" if re.search(r"\(\s*review\s*\)", raw, re.I) else "completion"
    core = re.sub(r"\(\s*review\s*\)", "", raw, flags=re.I).strip()
    date = None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", core):
        try:
            date = dt.date.fromisoformat(core)
        except ValueError:
            raise RiskRuleError(f"due: {raw!r} is not a real date") from None
    elif re.fullmatch(r"\d{4}-\d{2}", core):
        year, month = int(core[:4]), int(core[5:])
        if not 1 <= month <= 12:
            raise RiskRuleError(f"due: {raw!r} has no month {month}")
        date = dt.date(year, month, 1)
    else:
        m = re.fullmatch(r"([A-Za-z]+)\.?\s+(\d{4})", core)
        if m and m.group(1).lower() in MONTHS:
            date = dt.date(int(m.group(2)), MONTHS[m.group(1).lower()], 1)
    return Due(raw, date, kind)


# --- owners (§2.3, §9.1) ------------------------------------------------------------------------
@dataclass(frozen=True)
class Owners:
    names: tuple[str, ...]
    on_behalf_of: str = ""  # "CMT" or "Cabinet"
    all_cabinet: bool = False

    def printed(self) -> list[str]:
        names = list(self.names)
        if self.on_behalf_of and names:
            names[0] = f"On behalf of {self.on_behalf_of}: {names[0]}"
        return names


_ON_BEHALF = re.compile(r"^\s*on\s+behalf\s+of\s+(CMT|Cabinet)\s*:?\s*", re.I)


def parse_owners(entries: Sequence[str]) -> Owners:
    """Split the "On behalf of CMT:" / "On behalf of Cabinet:" prefix off the first entry as a
    flag (§2.3). "X in collaboration with Y" stays one entry."""
    names = [e.strip() for e in entries if e and e.strip()]
    body = ""
    if names:
        m = _ON_BEHALF.match(names[0])
        if m:
            body = "CMT" if m.group(1).upper() == "CMT" else "Cabinet"
            names[0] = names[0][m.end():].strip()
            if not names[0]:
                names.pop(0)
    all_cabinet = len(names) == 1 and names[0].lower() == "all cabinet members"
    return Owners(tuple(names), body, all_cabinet)


parse_cabinet_members = parse_owners


# --- identifiers (§3.5) -------------------------------------------------------------------------
RISK_ID = re.compile(r"^CRR\d{4}$")


def check_risk_id(text: str, field_name: str = "id") -> str:
    raw = (text or "").strip()
    if not RISK_ID.match(raw):
        raise RiskRuleError(f"{field_name}: {text!r} is not a risk id (CRR and four digits, e.g. CRR0057)")
    return raw


def next_risk_id(issued: Iterable[str]) -> str:
    """The next unused number after the highest ever issued (closed, withdrawn, delegated and
    merged ids count: an id is never reused)."""
    numbers = [int(i[3:]) for i in issued if RISK_ID.match(i or "")]
    following = max(numbers, default=0) + 1
    if following > 9999:
        raise RiskRuleError("id: the CRR0001-CRR9999 range is exhausted")
    return f"CRR{following:04d}"


# --- direction of travel (§5.3) ---------------------------------------------------------------
class Direction(StrEnum):
    INCREASED = "increased"
    REDUCED = "reduced"
    UNCHANGED = "unchanged"
    NEW = "new"
    MERGED = "merged"
    NOT_KNOWN = "not_known"

    @property
    def text(self) -> str:
        return {
            "increased": "Increased",
            "reduced": "Reduced",
            "unchanged": "No change",
            "new": "New",
            "merged": "Merged",
            "not_known": "Not known",
        }[self.value]

    @property
    def symbol(self) -> str:
        return {"increased": "↑", "reduced": "↓", "unchanged": "↔"}.get(self.value, "")

    @property
    def printed(self) -> str:
        """Text first, then the arrow: the arrow is never the only cue."""
        return f"{self.text} {self.symbol}".strip()


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


@dataclass(frozen=True)
class HistoryEvent:
    """The parts of a lifecycle event that direction of travel reads."""

    event: str
    occurred_by: dt.date | None = None
    occurred_after: dt.date | None = None
    rating: str = ""
    direction: str = ""
    to_score: int | None = None


@dataclass(frozen=True)
class DirectionResult:
    """A direction of travel, how it was decided (``reason``) and the contradictions found."""

    direction: Direction
    reason: str
    flags: tuple[str, ...] = ()

    @property
    def value(self) -> str:
        return self.direction.value

    @property
    def text(self) -> str:
        return self.direction.text

    @property
    def symbol(self) -> str:
        return self.direction.symbol

    @property
    def printed(self) -> str:
        return self.direction.printed


def direction_of_travel(
    baseline: dt.date,
    current_score: int | None,
    current_history: Sequence[tuple[dt.date, int | None]],
    events: Sequence[HistoryEvent],
) -> DirectionResult:
    """The algorithm of §5.3, with its contradiction flags.

    ``current_history``: (effective date, score or None for TBC) of the risk's current ratings.
    ``events``: the risk's lifecycle events (only ``new``, ``merged`` and current ``rerated``
    are read)."""
    flags: list[str] = []
    after = [e for e in events if e.occurred_after is not None and e.occurred_after >= baseline]
    rerates = [e for e in events if e.event == "rerated" and (e.rating or "current") == "current"]
    latest_rerate = max(rerates, key=lambda e: (e.occurred_by or dt.date.min), default=None)
    if latest_rerate is not None and latest_rerate.to_score is not None and current_score is not None \
            and latest_rerate.to_score != current_score:
        flags.append(
            f"the latest re-rating event gives {latest_rerate.to_score} but the current rating scores {current_score}"
        )
    if any(e.event == "new" for e in after):
        return DirectionResult(Direction.NEW, f"added on or after {baseline.isoformat()}", tuple(flags))
    if any(e.event == "merged" for e in after):
        return DirectionResult(Direction.MERGED, f"formed by a merger on or after {baseline.isoformat()}", tuple(flags))
    wholly_after = [e for e in rerates if e.occurred_after is not None and e.occurred_after >= baseline]
    at_baseline = [(d, s) for d, s in current_history if d <= baseline]
    if at_baseline and current_score is not None:
        base_score = max(at_baseline, key=lambda p: p[0])[1]
        if base_score is not None:
            if current_score > base_score:
                result = Direction.INCREASED
            elif current_score < base_score:
                result = Direction.REDUCED
            else:
                result = Direction.UNCHANGED
                if wholly_after:
                    flags.append("no change in score since the baseline, but a re-rating is recorded after it")
            return DirectionResult(result, f"score {current_score} now against {base_score} on {baseline.day} {MONTH_NAME[baseline.month]} {baseline.year}", tuple(flags))
    directions = {e.direction for e in wholly_after if e.direction in ("increased", "reduced")}
    if wholly_after and len(directions) == 1 and all(e.direction in ("increased", "reduced") for e in wholly_after):
        result = Direction(directions.pop())
        return DirectionResult(result, f"re-rated ({result.value}) after {baseline.isoformat()}", tuple(flags))
    return DirectionResult(Direction.NOT_KNOWN, "the history cannot decide", tuple(flags))


_PRINTED_DIRECTIONS = {
    "⇔": Direction.UNCHANGED,
    "↔": Direction.UNCHANGED,
    "no change": Direction.UNCHANGED,
    "unchanged": Direction.UNCHANGED,
    "↑": Direction.INCREASED,
    "⇑": Direction.INCREASED,
    "increased": Direction.INCREASED,
    "↓": Direction.REDUCED,
    "⇓": Direction.REDUCED,
    "reduced": Direction.REDUCED,
    "new": Direction.NEW,
    "new risk": Direction.NEW,
    "merged": Direction.MERGED,
    "merged risk": Direction.MERGED,
}


def parse_printed_direction(text: str | None) -> Direction | None:
    """A direction as printed, normalised; None when it cannot be read (e.g. the lost glyph ``Û``)."""
    raw = " ".join((text or "").strip().lower().split())
    return _PRINTED_DIRECTIONS.get(raw)


# --- counts by level (§2.9) -------------------------------------------------------------------
NOT_YET_RATED = "Not yet rated"


def counts_by_level(ratings: Iterable[Rating]) -> dict[str, int]:
    """Low, Medium, High and "Not yet rated" (TBC, never counted in a level)."""
    counts = {Level.LOW.value: 0, Level.MEDIUM.value: 0, Level.HIGH.value: 0, NOT_YET_RATED: 0}
    for rating in ratings:
        counts[NOT_YET_RATED if rating.is_tbc else rating.level.value] += 1
    return counts


# --- heat map (§6.2) --------------------------------------------------------------------------
@dataclass(frozen=True)
class HeatCell:
    """One cell: its likelihood, impact, score, band and the ids rated there."""

    likelihood: int
    impact: int
    score: int
    level: Level
    risks: tuple[str, ...]


@dataclass(frozen=True)
class HeatRow:
    """One likelihood row, impact 1 to 5 from the left."""

    likelihood: int
    label: str
    cells: tuple[HeatCell, ...]


@dataclass(frozen=True)
class ImpactHeading:
    impact: int
    label: str


@dataclass(frozen=True)
class HeatMap:
    """A 5 x 5 grid, likelihood 5 at the top, impact 1 on the left; TBC ids in ``not_rated``."""

    rows: tuple[HeatRow, ...]
    impacts: tuple[ImpactHeading, ...]
    not_rated: tuple[str, ...]


def heat_map(items: Iterable[tuple[str, Rating]]) -> HeatMap:
    """A 5 x 5 grid, likelihood 5 at the top, impact 1 on the left. Each cell has its score, its
    band in words and the ids in it; TBC risks go to ``not_rated``."""
    cells: dict[tuple[int, int], list[str]] = {}
    not_rated = []
    for risk_id, rating in items:
        if rating.is_tbc:
            not_rated.append(risk_id)
        else:
            cells.setdefault((rating.likelihood, rating.impact), []).append(risk_id)
    rows = tuple(
        HeatRow(likelihood.value, likelihood.label, tuple(
            HeatCell(likelihood.value, impact.value, likelihood * impact, level_for_score(likelihood * impact),
                     tuple(sorted(cells.get((likelihood.value, impact.value), []))))
            for impact in Impact
        ))
        for likelihood in reversed(Likelihood)
    )
    return HeatMap(rows, tuple(ImpactHeading(i.value, i.label) for i in Impact), tuple(sorted(not_rated)))


# --- statuses and events (§2.1, §2.6, §2.8) ------------------------------------------------------
class RiskStatus(StrEnum):
    ACTIVE = "active"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"
    DELEGATED = "delegated"
    DE_ESCALATED = "de_escalated"
    MERGED = "merged"


class EventKind(StrEnum):
    """A lifecycle event of the register; ``title`` is how a change note names it."""

    NEW = "new"
    MERGED = "merged"
    CLOSED = "closed"
    REPLACED = "replaced"
    WITHDRAWN = "withdrawn"
    DELEGATED = "delegated"
    DE_ESCALATED = "de_escalated"
    ESCALATED = "escalated"
    RE_ESCALATED = "re_escalated"
    DESCOPED = "descoped"
    REVISED = "revised"
    RERATED = "rerated"
    TARGET_CHANGED = "target_changed"
    REVIEW_FLAGGED = "review_flagged"
    ACTION_SUPERSEDED = "action_superseded"
    ACTION_DATE_REVISED = "action_date_revised"
    CONTROL_ADDED = "control_added"
    CONTROL_REVISED = "control_revised"
    CONTROL_RETIRED = "control_retired"

    @property
    def title(self) -> str:
        return {
            "new": "New risk", "merged": "Merged", "closed": "Closed", "replaced": "Replaced",
            "withdrawn": "Withdrawn", "delegated": "Delegated", "de_escalated": "De-escalated",
            "escalated": "Escalated", "re_escalated": "Re-escalated", "descoped": "De-scoped", "revised": "Revised",
            "rerated": "Re-rated", "target_changed": "Target changed", "review_flagged": "Rating to be reviewed",
            "action_superseded": "Actions superseded", "action_date_revised": "Action date revised",
            "control_added": "Control added", "control_revised": "Control revised",
            "control_retired": "Control retired",
        }[self.value]

    @property
    def is_item_event(self) -> bool:
        """About one action or control of a risk (its history), not a change of the risk."""
        return self in ITEM_EVENTS

    @property
    def in_change_summary(self) -> bool:
        """Printed in a summary of changes (the covering report, the QPR's key changes): review
        flags, action date revisions and control changes are not."""
        return self not in (EventKind.REVIEW_FLAGGED, EventKind.ACTION_DATE_REVISED, EventKind.CONTROL_ADDED,
                            EventKind.CONTROL_REVISED, EventKind.CONTROL_RETIRED)


ITEM_EVENTS = frozenset({EventKind.ACTION_SUPERSEDED, EventKind.ACTION_DATE_REVISED, EventKind.CONTROL_ADDED,
                         EventKind.CONTROL_REVISED, EventKind.CONTROL_RETIRED})


# --- QPR mitigating-actions summary (§6.3) ------------------------------------------------------
class ActionBucket(StrEnum):
    """A column of the QPR's mitigating-actions summary; ``label`` is its heading."""

    COMPLETED = "completed"
    PARTIALLY_COMPLETE = "partially_complete"
    REGULAR_REVIEW = "regular_review"
    OUTSTANDING = "outstanding"

    @property
    def label(self) -> str:
        return {
            "completed": "Actions Completed/Closed",
            "partially_complete": "Actions Partially complete",
            "regular_review": "Actions subject to Regular Review",
            "outstanding": "Actions Outstanding",
        }[self.value]


class ActionStatus(StrEnum):
    """The status of a mitigating action; ``heading`` is how a progress update prints it and
    ``bucket`` its column in the QPR summary (``planned``, no update yet, has none)."""

    PLANNED = "planned"
    COMPLETE = "complete"
    PARTIALLY_COMPLETE = "partially_complete"
    REGULAR_REVIEW = "regular_review"
    NOT_COMPLETED = "not_completed"
    OUTSTANDING = "outstanding"

    @property
    def heading(self) -> str:
        return {
            "complete": "Complete",
            "not_completed": "Not completed",
            "partially_complete": "Partially Complete",
            "regular_review": "Regular Review",
            "outstanding": "Outstanding",
            "planned": "Planned",
        }[self.value]

    @property
    def bucket(self) -> ActionBucket | None:
        return {
            "complete": ActionBucket.COMPLETED,
            "not_completed": ActionBucket.COMPLETED,  # superseded: closed
            "partially_complete": ActionBucket.PARTIALLY_COMPLETE,
            "regular_review": ActionBucket.REGULAR_REVIEW,
            "outstanding": ActionBucket.OUTSTANDING,
        }.get(self.value)


# (key, heading) of the summary's columns, in order
ACTION_BUCKETS = tuple((b.value, b.label) for b in ActionBucket)


def action_bucket(status: str) -> str:
    """The summary column of an action status; ``planned`` (no update yet) has none."""
    try:
        bucket = ActionStatus(status).bucket
    except ValueError:
        bucket = None
    if bucket is None:
        raise RiskRuleError(f"status: {status!r} has no summary column (an update needs a status)")
    return bucket.value


def action_summary(statuses: Iterable[str]) -> dict:
    """Counts per bucket, the total N (always the row sum) and whether the Outstanding column is
    needed. A superseded block is passed once (it counts as one action)."""
    counts = {key: 0 for key, _ in ACTION_BUCKETS}
    for status in statuses:
        counts[action_bucket(status)] += 1
    return {
        "counts": counts,
        "total": sum(counts.values()),
        "columns": [(k, label) for k, label in ACTION_BUCKETS if k != "outstanding" or counts["outstanding"]],
    }
