"""Data-quality checks (risk.md §7): what Beacon flags instead of repeating a printed error.

* :func:`risk_flags` lists the problems of one risk (shown beside it in every document).
* :func:`published_differences` compares the summary risk profile as printed
  (``published_risks.csv``) with the one Beacon computes, and lists every difference.
"""

from __future__ import annotations

import re

from beacon.domain.risk import Direction, Rating, RiskRuleError, parse_printed_direction, target_problems

from . import models

_LEVEL_IN_TEXT = re.compile(r"\brated as (High|Medium|Low)\b", re.I)


def risk_flags(risk: models.Risk) -> list[str]:
    flags = [f"{risk.risk_id}: {p}" for p in target_problems(risk.current, risk.target, risk.timescale_to_target)]
    events = list(models.RiskEvent.objects.filter(risk_code=risk.risk_id).order_by("occurred_by", "pk"))
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
    for c in risk.controls.filter(removed_at__isnull=True):
        if not c.owner.strip():
            flags.append(f"{risk.risk_id}: control \"{_short(c.title)}\" has no owner")
        elif c.owner.strip() == c.title.strip():
            flags.append(f"{risk.risk_id}: control \"{_short(c.title)}\" has its title as owner")
    for a in risk.actions.filter(removed_at__isnull=True):
        if not a.owner.strip():
            flags.append(f"{risk.risk_id}: action \"{_short(a.title)}\" has no owner")
    return flags


def _short(text: str) -> str:
    return text if len(text) <= 50 else text[:47] + "..."


def published_differences(directions: dict[str, Direction] | None = None, only: set[str] | None = None,
                          rows: list | None = None) -> list[str]:
    """Every difference between the summary as printed and the computed one. ``directions``
    (risk id -> computed direction) adds the direction column to the comparison; ``only``
    limits it to the risks of one edition. ``rows`` (objects with the fields of
    :class:`PublishedRisk`) is one printed summary; by default, the latest printed row of each id."""
    out = []
    rows = models.PublishedRisk.objects.all() if rows is None else rows
    published = {p.risk_code: p for p in rows if only is None or p.risk_code in only}
    risks = {r.risk_id: r for r in models.Risk.objects.all() if only is None or r.risk_id in only}
    for code, p in sorted(published.items()):
        risk = risks.get(code)
        if risk is None:
            out.append(f"{code}: printed in the summary but not on the register")
            continue
        for label, printed, rating in (
            ("current", p.current_rating_as_printed, risk.current),
            ("target", p.target_rating_as_printed, risk.target),
        ):
            if printed.strip() != rating.display:
                out.append(f"{code}: {label} rating printed {printed!r}; computed {rating.display!r}{_why(printed, rating)}")
        if directions is not None and code in directions:
            computed = directions[code]
            read = parse_printed_direction(p.direction_as_printed)
            if read is None:
                out.append(f"{code}: direction printed {p.direction_as_printed!r} cannot be read; computed {computed.printed!r}")
            elif read != computed:
                out.append(f"{code}: direction printed {p.direction_as_printed!r}; computed {computed.printed!r}")
        if p.title and p.title != risk.title:
            out.append(f"{code}: title printed {p.title!r}; title of record {risk.title!r}")
    if published:
        for code, risk in sorted(risks.items()):
            if code not in published and risk.status == "active" and risk.register.code == "corporate":
                out.append(f"{code}: on the register but has no row in the printed summary; computed "
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
