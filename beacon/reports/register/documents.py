"""The register edition as documents: accessible HTML, tagged PDF and Word (risk spec §6.1, §6.2).

One HTML document is rendered from the register model (:mod:`.model`) by the templates under
``templates/reports/register/``; the PDF and the Word file are made from that same HTML by
:mod:`beacon.reports.render`, so the three cannot disagree. The heat maps are tables (a cell
holds its score, its band in words and the risk ids), so no picture is needed and colour is
never the only cue.
"""

from __future__ import annotations

import re

from django.template import Context
from django.utils.html import escape
from django.utils.safestring import mark_safe

from beacon.reports import render as renderer

LEVEL_FILL = {"Low": "D9EAD3", "Medium": "FFF2CC", "High": "F4CCCC", None: "F3F2F1"}
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


def _owners(owners: dict) -> list[str]:
    names = list(owners["names"])
    if owners.get("on_behalf_of") and names:
        names[0] = f"On behalf of {owners['on_behalf_of']}: {names[0]}"
    return names


def register_context(model: dict) -> dict:
    ids = {r["id"] for r in model["risks"]}
    risks = []
    for r in model["risks"]:
        risks.append({
            **r,
            "anchor": r["id"].lower(),
            "cause_paras": _paragraphs(r["cause"], ids),
            "event_paras": _paragraphs(r["event"], ids),
            "consequence_paras": _paragraphs(r["consequence"], ids),
            "owner_lines": _owners(r["owners"]),
            "member_lines": _owners(r["cabinet_members"]),
            "current_fill": LEVEL_FILL[r["current"]["level"]],
            "target_fill": LEVEL_FILL[r["target"]["level"]],
            "due_heading": "Planned Completion / Review Date" if any(a["due_kind"] == "review" for a in r["actions"])
            else "Planned Completion Date",
        })
    maps = []
    for kind, title in (("current", "Current risk ratings"), ("target", "Target residual risk ratings")):
        grid = model["heat_map"][kind]
        rows = [
            {**row, "cells": [{**c, "fill": LEVEL_FILL[c["level"]]} for c in row["cells"]]}
            for row in grid["rows"]
        ]
        placed = sum(len(c["risks"]) for row in grid["rows"] for c in row["cells"])
        maps.append({
            "kind": kind, "title": title, "rows": rows, "impacts": grid["impacts"], "not_rated": grid["not_rated"],
            "summary": f"{placed} risks placed by likelihood (rows, 5 at the top) and impact (columns, 1 on the left); "
                       f"{len(grid['not_rated'])} not yet rated.",
        })
    title = f"{model['title']} – {model['heading']}"
    if model.get("cover"):
        title = f"{model['cover']['header'][3]['value']} – {model['body']}, {model['cover']['header'][1]['value'].split(' – ')[-1]}"
    return {
        "lang": "en-GB",
        "title": title,
        "m": model,
        "risks": risks,
        "maps": maps,
        "level_fill": LEVEL_FILL,
    }


def register_html(model: dict) -> str:
    from beacon.reports.documents import engine

    return engine().get_template("reports/register/document.html").render(Context(register_context(model)))


def render_register(model: dict, fmt: str) -> bytes:
    html = register_html(model)
    if fmt == "html":
        return html.encode("utf-8")
    if fmt == "pdf":
        return renderer.html_to_pdf(html)
    if fmt == "docx":
        return renderer.html_to_docx(html, title=register_context(model)["title"], language="en-GB")
    raise ValueError(f"unknown format {fmt!r}: html, pdf or docx")
