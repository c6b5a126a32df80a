"""The register edition as documents: accessible HTML, tagged PDF and Word (risk spec §6.1, §6.2).

One HTML document is rendered from the register model (:mod:`.model`) by the templates under
``templates/reports/register/``; the PDF and the Word file are made from that same HTML by
:mod:`beacon.reports.render`, so the three cannot disagree. The heat maps are tables (a cell
holds its score, its band in words and the risk ids), so no picture is needed and colour is
never the only cue.
"""

from __future__ import annotations

import datetime as dt

import re

from django.template import Context
from django.utils.html import escape
from django.utils.safestring import mark_safe

from beacon.domain.edition_rules import EditionStatus
from beacon.domain.risk import Level
from beacon.reports import render as renderer

from beacon.risk.states import long_date

from .model import RegisterModel

# the cell fill of each level (Word needs a colour; the level is always in words beside it)
LEVEL_FILL = {Level.LOW: "D9EAD3", Level.MEDIUM: "FFF2CC", Level.HIGH: "F4CCCC", None: "F3F2F1"}
_ID = re.compile(r"\bCRR\d{4}\b")


def _paragraphs(text: str, linked: set[str]) -> list:
    """Paragraphs (separated by blank lines), escaped, with risk ids in the edition as links."""
    out = []
    for block in re.split(r"\n\s*\n", text or ""):
        block = block.strip()
        if not block:
            continue
        html = escape(block).replace("\n", "<br>")
        html = _ID.sub(lambda m: f'<a href="#{m.group(0).lower()}">{m.group(0)}</a>' if m.group(0) in linked else m.group(0), html)
        out.append(mark_safe(html))
    return out


# how the register's text marks words that could not be read in the source paper
GAP = "[…]"


def _window(change) -> str:
    after, by = change.occurred_after, change.occurred_by
    if after and by:
        return f"between {after:%d/%m/%Y} and {by:%d/%m/%Y}"
    return f"by {by:%d/%m/%Y}" if by else ""


def changes_by_certainty(changes, baseline: dt.date) -> tuple[list[dict], list[dict]]:
    """The change notes split by what the register records of their dates: those whose window
    lies wholly after the baseline (they happened since it), and those recorded only as "by" a
    date, or with a window that opens before the baseline (they may have happened before it,
    so the paper must not call them changes since the baseline)."""
    since, uncertain = [], []
    for change in changes:
        entry = {"c": change, "when": _window(change)}
        after = change.occurred_after
        if after is not None and after >= baseline - dt.timedelta(days=1):
            since.append(entry)
        else:
            uncertain.append(entry)
    return since, uncertain


def register_context(model: RegisterModel) -> dict:
    """The template's context: the edition (``m``), its covering report (``cover``), and for each
    risk and heat map what the page adds (anchors, paragraphs with links, printed owners, fills)."""
    c = model.content
    ids = {r.id for r in c.risks}
    risks = [
        {
            "r": r,
            "anchor": r.id.lower(),
            "cause_paras": _paragraphs(r.cause, ids),
            "event_paras": _paragraphs(r.event, ids),
            "consequence_paras": _paragraphs(r.consequence, ids),
            "owner_lines": r.owners.printed(),
            "member_lines": r.cabinet_members.printed(),
            "current_fill": LEVEL_FILL[r.current.level],
            "target_fill": LEVEL_FILL[r.target.level],
            "due_heading": "Planned Completion / Review Date" if any(a.due_kind == "review" for a in r.actions)
            else "Planned Completion Date",
        }
        for r in c.risks
    ]
    maps = []
    for kind, title, grid in (("current", "Current risk ratings", c.heat_map.current),
                              ("target", "Target residual risk ratings", c.heat_map.target)):
        rows = [
            {"likelihood": row.likelihood, "label": row.label,
             "cells": [{"score": cell.score, "level": cell.level, "risks": cell.risks, "fill": LEVEL_FILL[cell.level]}
                       for cell in row.cells]}
            for row in grid.rows
        ]
        placed = sum(len(cell.risks) for row in grid.rows for cell in row.cells)
        maps.append({
            "kind": kind, "title": title, "rows": rows, "impacts": grid.impacts, "not_rated": grid.not_rated,
            "summary": f"{placed} risks placed by likelihood (rows, 5 at the top) and impact (columns, 1 on the left); "
                       f"{len(grid.not_rated)} not yet rated.",
        })
    changes_in_period, changes_undated = changes_by_certainty(c.changes, c.baseline_date)
    texts = [t for r in c.risks for t in (r.title, r.cause, r.event, r.consequence, r.review_note or "",
                                        *(x.title for x in r.controls), *(x.title for x in r.actions))]
    title = f"{c.title} – {c.heading}"
    if model.notice:
        title = f"{EditionStatus(model.status).label}: {title}"
    if model.cover is not None:
        title = f"{model.cover.subject} – {c.body}, {long_date(model.cover.date)}"
    return {
        "lang": "en-GB",
        "title": title,
        "m": c,
        "changes_in_period": changes_in_period,
        "has_gaps": any(GAP in (t or "") for t in texts),
        "changes_undated": changes_undated,
        "cover": model.cover,
        "notice": model.notice,
        "status_label": EditionStatus(model.status).label,
        "risks": risks,
        "maps": maps,
        "level_fill": LEVEL_FILL,
    }


def register_html(model: RegisterModel) -> str:
    from beacon.reports.documents import engine

    return engine().get_template("reports/register/document.html").render(Context(register_context(model)))


def register_pdf(model: RegisterModel) -> bytes:
    return renderer.html_to_pdf(register_html(model))


def register_docx(model: RegisterModel) -> bytes:
    return renderer.html_to_docx(register_html(model), title=register_context(model)["title"], language="en-GB")


def render_register(model: RegisterModel, fmt: str) -> bytes:
    """The edition in format ``fmt`` (json, html, pdf, docx: :data:`beacon.reports.formats.REGISTER`)."""
    from beacon.reports.formats import REGISTER

    return REGISTER.render(fmt, model)
