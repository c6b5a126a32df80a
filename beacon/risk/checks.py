"""Data-quality checks (risk.md §7): what Beacon flags instead of repeating a printed error.

* :func:`risk_flags` lists the problems of one risk (shown beside it in every document), as held
  now or as it stood on an edition's date.
* :func:`published_differences` compares the summary risk profile as printed
  (``published_risks.csv``) with the one Beacon computes, and lists every difference;
  :func:`edition_differences` does so for one edition, with the rows printed in that edition
  (:func:`printed_rows`) and the values of its date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import F

from beacon.domain.risk import Direction, Rating, RiskRuleError, parse_printed_direction, target_problems

from . import models, states

if TYPE_CHECKING:
    from .edition_model import RegisterEdition

_LEVEL_IN_TEXT = re.compile(r"\brated as (High|Medium|Low)\b", re.I)


def risk_flags(risk: models.Risk | states.RiskState, day: dt.date | None = None) -> list[str]:
    """The data-quality flags of a risk as held now, or of a risk as it stood on ``day`` (a
    :class:`states.RiskState`; only the events by that day count)."""
    risk = risk if isinstance(risk, states.RiskState) else states.live_state(risk)
    flags = [f"{risk.risk_id}: {p}" for p in target_problems(risk.current, risk.target, risk.timescale_to_target)]
    events = list(models.RiskEvent.objects.filter(risk_code=risk.risk_id).order_by("occurred_by", "pk"))
    if day is not None:
        events = [e for e in events if (e.occurred_by or e.occurred_after or dt.date.min) <= day]
    rerates = [e for e in events if e.event == "rerated" and (e.rating or "current") == "current" and e.to_score]
    if rerates and not risk.current.is_tbc and rerates[-1].to_score != risk.current.score:
        flags.append(
            f"{risk.risk_id}: the latest change note gives a current score of {rerates[-1].to_score} "
            f"but the register rates it {risk.current.display}"
        )
    if risk.current.is_tbc:
        for e in events:
            m = _LEVEL_IN_TEXT.search(e.note or "")
            if m and e.event in ("new", "merged"):
                flags.append(f"{risk.risk_id}: the change note says \"rated as {m.group(1)}\" but the rating is TBC")
                break
    for c in risk.controls:
        if not c.owner.strip():
            flags.append(f"{risk.risk_id}: control \"{_short(c.title)}\" has no owner")
        elif c.owner.strip() == c.title.strip():
            flags.append(f"{risk.risk_id}: control \"{_short(c.title)}\" has its title as owner")
    for a in risk.actions:
        if not a.owner.strip():
            flags.append(f"{risk.risk_id}: action \"{_short(a.title)}\" has no owner")
    return flags


def _short(text: str, limit: int = 50) -> str:
    """A title shortened for a flag at a word boundary, never mid-word ("Review the …")."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 2].rsplit(" ", 1)[0].rstrip(" ,;:-–")
    return f"{cut} …"


@dataclass(frozen=True)
class Computed:
    """What Beacon prints for one risk of a summary: title, ratings and (optionally) direction."""

    title: str
    current: Rating
    target: Rating
    direction: Direction | None = None
    listed: bool = True  # belongs in the summary (an active corporate risk; every risk of an edition)


def printed_rows(body: str, date: dt.date) -> tuple[list[models.PublishedRisk], bool]:
    """The summary printed in the edition for (``body``, ``date``), and whether the rows are that
    edition's own. Without any (a bundle that does not say which edition its rows are from), the
    rows printed for no particular edition."""
    body = " ".join(body.split())
    own = list(models.PublishedRisk.objects.filter(edition_body__iexact=body, edition_date=date))
    if own:
        return own, True
    return list(models.PublishedRisk.objects.filter(edition_date__isnull=True)), False


def edition_computed(content: RegisterEdition, *, directions: bool = True) -> dict[str, Computed]:
    """The summary an edition prints (``beacon.risk.editions.build_edition``), risk by risk;
    without ``directions``, the direction column is left out of the comparison."""
    return {r.id: Computed(r.title, r.current, r.target, r.direction.direction if directions else None)
            for r in content.risks}


def edition_differences(content: RegisterEdition) -> list[str]:
    """Every difference between an edition and the summary printed in it; with the rows of no
    particular edition (older bundles) only the edition's risks are compared."""
    rows, own = printed_rows(content.body, content.date)
    computed = edition_computed(content)
    return published_differences(only=None if own else set(computed), rows=rows, computed=computed,
                                 scope="in this edition")


def _live(only: set[str] | None, directions: dict[str, Direction] | None) -> dict[str, Computed]:
    return {
        r.risk_id: Computed(r.title, r.current, r.target, (directions or {}).get(r.risk_id),
                            r.status == "active" and r.register.code == "corporate")
        for r in models.Risk.objects.select_related("register") if only is None or r.risk_id in only
    }


def published_differences(directions: dict[str, Direction] | None = None, only: set[str] | None = None,
                          rows: list | None = None, computed: dict[str, Computed] | None = None,
                          scope: str = "on the register") -> list[str]:
    """Every difference between the summary as printed and the computed one. ``computed`` is the
    summary Beacon prints (by default the register as held now, with ``directions``, risk id ->
    computed direction, adding the direction column); ``only`` limits the comparison to those
    risks. ``rows`` (objects with the fields of :class:`PublishedRisk`) is one printed summary; by
    default, the latest printed row of each id."""
    out = []
    if rows is None:
        rows = models.PublishedRisk.objects.order_by(F("edition_date").asc(nulls_first=True), "pk")
    published = {p.risk_code: p for p in rows if only is None or p.risk_code in only}
    risks = _live(only, directions) if computed is None else computed
    for code, p in sorted(published.items()):
        risk = risks.get(code)
        if risk is None:
            out.append(f"{code}: printed in the summary but not {scope}")
            continue
        for label, printed, rating in (
            ("current", p.current_rating_as_printed, risk.current),
            ("target", p.target_rating_as_printed, risk.target),
        ):
            if printed.strip() != rating.display:
                out.append(f"{code}: {label} rating printed {printed!r}; computed {rating.display!r}{_why(printed, rating)}")
        if risk.direction is not None:
            read = parse_printed_direction(p.direction_as_printed)
            if read is None:
                out.append(f"{code}: direction printed {p.direction_as_printed!r} cannot be read; "
                           f"computed {risk.direction.printed!r}")
            elif read != risk.direction:
                out.append(f"{code}: direction printed {p.direction_as_printed!r}; computed {risk.direction.printed!r}")
        if p.title and p.title != risk.title:
            out.append(f"{code}: title printed {p.title!r}; title of record {risk.title!r}")
    if published:
        for code, risk in sorted(risks.items()):
            if code not in published and risk.listed:
                out.append(f"{code}: {scope} but has no row in the printed summary; computed "
                           f"{risk.current.display} / {risk.target.display}")
    return out


def _why(printed: str, rating: Rating) -> str:
    m = re.fullmatch(r"\s*(High|Medium|Low)\s*\((\d+)\)\s*", printed or "")
    if not m or rating.is_tbc:
        return ""
    level, score = m.group(1), int(m.group(2))
    if score == rating.score:
        return f" (the printed level contradicts the score: {score} is {rating.level.value})"
    try:
        from beacon.domain.risk import level_for_score

        level_for_score(score)
    except RiskRuleError:
        return f" ({score} is not a possible score)"
    return f" (the printed score {score} is not likelihood {rating.likelihood} x impact {rating.impact})"
