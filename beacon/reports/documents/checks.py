"""Consistency checks on the rendered document itself (performance spec 6.1.1, 6.1.6).

The model checks (``beacon.reports.qpr.consistency_checks``) test the numbers; these read the
HTML a reader gets and test what is printed: each directorate's "KPI Summary" row against its
Executive Summary row, and each KPI appearing exactly once in the Executive Summary and once as
a panel, in the same order, with the same RAG and DoT.
"""

from __future__ import annotations

import re

from beacon.domain.qpr_model import Check
from beacon.reports.render import Node, parse_html


def _text(node) -> str:
    return re.sub(r"\s+", " ", node.text() if isinstance(node, Node) else node).strip()


def _walk(node):
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, Node):
            yield n
            stack.extend(reversed([c for c in n.children if isinstance(c, Node)]))


def _cells(tr) -> list[str]:
    return [_text(c) for c in tr.children if isinstance(c, Node) and c.tag in ("td", "th")]


def document_checks(html: str) -> list[Check]:
    tree = parse_html(html)
    nodes = list(_walk(tree))
    summary = next((n for n in nodes if n.tag == "section" and n.attrs.get("aria-labelledby") == "executive-summary"), None)
    failures_rows, failures_kpis = [], []
    if summary is None:
        failures_rows.append("the document has no Executive Summary")
        failures_kpis.append("the document has no Executive Summary")
    else:
        count_table = next(t for t in _walk(summary) if t.tag == "table" and "count-table" in t.classes)
        exec_rows = [_cells(tr) for tr in count_table.find_all("tr")[1:] if "total" not in tr.classes]
        sections = [n for n in nodes if n.tag == "section" and "directorate" in n.classes]
        section_rows = []
        for s in sections:
            title = _text(next(h for h in _walk(s) if h.tag == "h2"))
            table = next(t for t in _walk(s) if t.tag == "table" and "section-summary" in t.classes)
            section_rows.append((title, _cells(table.find_all("tr")[1])))
        if len(section_rows) != len(exec_rows):
            failures_rows.append(f"{len(section_rows)} directorate sections but {len(exec_rows)} Executive Summary rows")
        for (title, cells), row in zip(section_rows, exec_rows):
            if cells != row[1:]:
                failures_rows.append(f"{title}: KPI Summary row {cells} differs from the Executive Summary row {row[1:]}")

        def status(node):
            tile = next((n for n in _walk(node) if n.tag == "span" and "tile" in n.classes), None)
            dot = next((n for n in _walk(node) if n.tag == "span" and "dot" in n.classes), None)
            return (_text(tile) if tile else "", _text(dot) if dot else "")

        listed = [(tr.attrs["data-kpi"], status(tr)) for tr in _walk(summary) if tr.tag == "tr" and "data-kpi" in tr.attrs]
        panels = [(n.attrs["aria-labelledby"][4:], status(n)) for n in nodes
                  if n.tag == "section" and "panel" in n.classes and n.attrs.get("aria-labelledby", "").startswith("kpi-")]
        codes = [c for c, _ in listed]
        for code in sorted({c for c in codes if codes.count(c) > 1}):
            failures_kpis.append(f"{code} appears {codes.count(code)} times in the Executive Summary")
        panel_codes = [c for c, _ in panels]
        for code in sorted({c for c in panel_codes if panel_codes.count(c) > 1}):
            failures_kpis.append(f"{code} has {panel_codes.count(code)} panels")
        if codes != panel_codes:
            missing = sorted(set(codes) ^ set(panel_codes))
            failures_kpis.append(
                "the Executive Summary and the panels list different KPIs or orders"
                + (f" (only in one: {', '.join(missing)})" if missing else "")
            )
        panel_status = dict(panels)
        for code, st in listed:
            if code in panel_status and panel_status[code] != st:
                failures_kpis.append(f"{code}: Executive Summary shows {st} but its panel shows {panel_status[code]}")
    return [
        Check(id="6.1.1", name="Section KPI Summary rows equal the Executive Summary rows (as printed)",
              passed=not failures_rows, failures=tuple(failures_rows)),
        Check(id="6.1.6-printed",
              name="Each KPI printed once in the Executive Summary and once as a panel, same order, RAG and DoT",
              passed=not failures_kpis, failures=tuple(failures_kpis)),
    ]
