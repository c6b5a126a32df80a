"""The template context of the QPR documents, built from the computed QPR model only.

Everything a template prints comes from here: the model (``build_qpr``), the edition's report
settings (cover header, contacts) and its narrative overrides. Templates hold layout and the
fixed wording of the Key pages; no template computes a number.

The Executive Summary row and the section "KPI Summary" row of a directorate are rendered from
the same ``counts`` dict of the model (spec 6.1.1): :func:`build_context` passes that one object
to both places.
"""

from __future__ import annotations

import re

from beacon.domain import narrative
from beacon.domain.activity import ACTIVITY_KEY_TEXT
from beacon.domain.periods import Quarter, parse_period
from beacon.domain.provenance import FigureSource, figure_source, marked, source_notes
from beacon.domain.severity import Severity, SeveritySource
from beacon.domain.wording import (
    DOT_LEGEND,
    DOT_SYMBOL,
    DOT_WORD,
    MANUAL_DOT_MARK,
    RAG_WORDING,
    dot_text_alternative,
)
from beacon.performance.models import DEFAULT_KPI_HEADING
from beacon.reports import charts

DATA_QUALITY_NOTE = (
    "All data included in this report for the current financial year is provisional unaudited data and is "
    "categorised as management information. All current in-year results may therefore be subject to later revision."
)
WATCH_LIST_INTRO = (
    "There are also some Amber rated KPIs that are close to their floor standard with a worsening direction of "
    "travel, and responsible Directors are considering the appropriate interventions:"
)

# RAG shown by word, shape and colour (colour never alone). Tile colours pass WCAG AA contrast
# with their text colour.
RAG_STYLE = {
    "GREEN": {"word": "GREEN", "label": "Green", "shape": "\u25cf", "shape_name": "circle", "bg": "00703C", "fg": "FFFFFF"},
    "AMBER": {"word": "AMBER", "label": "Amber", "shape": "\u25b2", "shape_name": "triangle", "bg": "F47738", "fg": "0B0C0C"},
    "RED": {"word": "RED", "label": "Red", "shape": "\u25a0", "shape_name": "square", "bg": "D4351C", "fg": "FFFFFF"},
    None: {"word": "NOT RATED", "label": "Not rated", "shape": "\u25cb", "shape_name": "open circle", "bg": "F3F2F1", "fg": "0B0C0C"},
}

DOT_SHORT = DOT_WORD

DEFAULT_SETTINGS = {
    "council": "",  # the council's name is data (report settings); no council is assumed
    "from_text": "",
    "to_text": "",
    "meeting_date": "",
    "decision_no": "n/a",
    "subject": "",
    "classification": "Unrestricted",
    "past_pathway": "",
    "future_pathway": "",
    "electoral_division": "All",
    "contacts": [],
    "producer": "",
    "producer_email": "",
    "producer_phone": "",
}

_ROLLING = re.compile(r"\s*[–-]\s*rolling 12 months\s*$", re.I)


def display_name(kpi: dict) -> str:
    """The KPI name with the "– rolling 12 months" suffix generated from the flag (spec 2.3)."""
    base = _ROLLING.sub("", kpi["name"]).strip()
    return f"{base} – rolling 12 months" if kpi.get("rolling_12_months") else base


def rag_tile(rag: str | None) -> dict:
    return {"rag": rag, **RAG_STYLE.get(rag, RAG_STYLE[None])}


def dot_badge(dot: str | None, method: str) -> dict:
    dot = dot or "not_available"
    return {"dot": dot, "symbol": DOT_SYMBOL.get(dot, "N/A"), "alt": dot_text_alternative(dot, method),
            "short": DOT_SHORT.get(dot, "Not available"), "manual": False}


def kpi_dot_badge(kpi: dict, method: str, dot: dict | None = None) -> dict:
    """A KPI's direction of travel as the papers show it: the arrow it is counted under (N/A
    when none was computed: never a stable arrow for too few values), and a visible
    "(manual)" mark when it was recorded by hand. ``text`` is the form used in sentences and
    lists: the legend text, with the reason for N/A, or "recorded manually"."""
    shown = narrative.kpi_reported_dot(kpi)
    badge = dot_badge(shown, method)
    badge["text"] = badge["alt"]
    if shown == "not_available":
        badge["text"] = f"no direction of travel: {narrative.kpi_no_dot_reason(kpi, dot)}"
    elif kpi.get("dot_source") == "manual":
        badge["manual"] = True
        badge["text"] = f"{badge['alt']}, recorded manually"
    badge["mark"] = MANUAL_DOT_MARK if badge["manual"] else ""
    return badge


def _zero(value: int, mode: str) -> str:
    return "" if (value == 0 and mode == "blank") else str(value)


COUNT_COLUMNS = ("green", "amber", "red", "improving", "stable", "worsening")


def count_row(counts: dict, zero_display: str, no_dot_column: bool = False) -> list[str]:
    """The cells of a count table row: G, A, R, improving, stable, worsening, and, when the
    edition has KPIs without a direction of travel, their number (never folded into stable)."""
    keys = COUNT_COLUMNS + (("not_available",) if no_dot_column else ())
    return [_zero(counts.get(k, 0), zero_display) for k in keys]


def _value(kpi: dict, key: str) -> str:
    return narrative.format_value(kpi.get(key), kpi["unit"], kpi["decimals"]) if kpi.get(key) is not None else ""


def target_text(kpi: dict) -> str:
    """The target (or target range) as printed, with its mark when it is not published."""
    return marked(_unmarked_target(kpi), kpi.get("target_source"))


def floor_text(kpi: dict) -> str:
    """The floor standard (or floor range) as printed, unmarked ("" when none is recorded)."""
    if kpi["polarity"] == "range":
        if kpi.get("floor_low") is None or kpi.get("floor_high") is None:
            return ""
        return f"{_value(kpi, 'floor_low')} - {_value(kpi, 'floor_high')}"
    return _value(kpi, "floor")


def threshold_notes(kpi: dict) -> list[str]:
    """A sentence for each target or floor standard of the KPI that is not published."""
    range_ = kpi["polarity"] == "range"
    return source_notes([
        ("target range" if range_ else "target", _unmarked_target(kpi), kpi.get("target_source")),
        ("floor range" if range_ else "floor standard", floor_text(kpi), kpi.get("floor_source")),
    ])


def _unmarked_target(kpi: dict) -> str:
    if kpi["polarity"] == "range":
        if kpi.get("target_low") is None or kpi.get("target_high") is None:
            return ""
        return f"{_value(kpi, 'target_low')} - {_value(kpi, 'target_high')}"
    return _value(kpi, "target")


def figure_key(kpis: list[dict]) -> list[dict]:
    """The Key's rows for the marks of figures that are not published, for the marks used."""
    used = {figure_source(k.get(f)) for k in kpis for f in ("target_source", "floor_source")}
    return [{"mark": f"({s.mark})", "text": s.key_text} for s in FigureSource if not s.is_published and s in used]


def footnotes(kpi: dict, period: dict, dot: dict | None = None) -> list[str]:
    """Footnotes stored against the KPI (spec 4.4, 3.8, 3.9), never placed by position."""
    notes = [line.strip() for line in (kpi.get("notes") or "").splitlines() if line.strip()]
    lower = " ".join(notes).lower()
    if kpi.get("first_year") and kpi["first_year"] == period["financial_year"] and "new indicator" not in lower:
        notes.append(f"New Indicator in {kpi['first_year']} – target line for previous periods shown for comparison only")
    if kpi.get("in_arrears") and "arrears" not in lower:
        notes.append("Reported one Quarter in arrears")
    if kpi.get("value_note"):
        notes.append(f"Data note: {kpi['value_note']}")
    if any(p.get("illustrative") and p.get("value") is not None for p in kpi.get("series", [])):
        notes.append("Hollow markers on a dashed line are illustrative values, not published figures.")
    if kpi.get("rag_source") == "manual" and kpi.get("manual_reason"):
        notes.append(f"Manual rating: {kpi['manual_reason']}")
    if kpi.get("dot_source") == "manual" and narrative.kpi_reported_dot(kpi) != "not_available":
        reason = (kpi.get("dot_manual_reason") or "").strip()
        notes.append(f"Manual direction of travel ({DOT_WORD[kpi['dot']].lower()}), not computed"
                     + (f": {reason}" if reason else "."))
    elif narrative.kpi_reported_dot(kpi) == "not_available":
        notes.append(f"No direction of travel: {narrative.kpi_no_dot_reason(kpi, dot)}.")
    notes += threshold_notes(kpi)
    return notes


def _humanise(column: str) -> str:
    text = column.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def table_grid(table: dict) -> dict:
    """A supporting table (long format, as stored) pivoted to the printed grid: one row per row
    label, period columns in file order (oldest to newest as supplied), total rows marked."""
    rows = table["rows"]
    label_cols = [
        c for c in table["row_columns"]
        if not all(re.fullmatch(r"[a-z0-9_]+", str(r.get(c) or "")) for r in rows)  # identifiers, e.g. a measure code
    ] or table["row_columns"][:1]
    periods: list[tuple[str, str]] = []
    for r in rows:
        p = (r["period"], r.get("period_label") or r["period"])
        if p not in periods:
            periods.append(p)
    filled = {
        p: [c for c in table["value_columns"] if any(r["period"] == p[0] and (r.get(c) or "") != "" for r in rows)]
        for p in periods
    }
    many = len(table["value_columns"]) > 1
    columns = [(p, c) for p in periods for c in filled[p]]
    two_rows = many and any(len(filled[p]) > 1 for p in periods)
    header_top = [(label, len(filled[p])) for p in periods for label in [p[1]] if filled[p]] if two_rows else None
    if two_rows:
        header = [_humanise(c) for p, c in columns]
    else:
        header = [p[1] for p, c in columns]
    # one row per row-label key, in file order
    keys: list[tuple] = []
    by_key: dict[tuple, dict] = {}
    for r in rows:
        key = tuple(r.get(c) for c in table["row_columns"])
        if key not in by_key:
            keys.append(key)
            by_key[key] = {"labels": [r.get(c) or "" for c in label_cols], "cells": {}, "total": (r.get("row_type") or "").lower() == "total"}
        for c in table["value_columns"]:
            value = r.get(c)
            if value not in (None, ""):
                by_key[key]["cells"][(r["period"], c)] = value
    body = []
    previous_labels = None
    for key in keys:
        row = by_key[key]
        labels = list(row["labels"])
        if previous_labels and len(labels) > 1:  # blank a repeated group label
            labels = ["" if i < len(labels) - 1 and labels[i] == previous_labels[i] else v for i, v in enumerate(labels)]
        previous_labels = row["labels"]
        body.append({"labels": labels, "cells": [row["cells"].get((p[0], c), "") for p, c in columns], "total": row["total"]})
    return {
        "title": table["title"],
        "label_headers": [_humanise(c) for c in label_cols],
        "header_top": header_top,
        "header": header,
        "rows": body,
        "footnotes": [line.strip() for line in (table.get("footnotes") or "").splitlines() if line.strip()],
    }


DEFAULT_ADDRESSEE = {"quarterly": "Cabinet", "year_end": "County Council"}
"""The body a paper goes to when its settings name none (performance spec 4.1, 4.5)."""


def addressee(settings: dict, period: dict) -> str:
    """The body the paper goes to: the "To" of its settings, else the spec's default for the
    variant. The cover's Summary and Recommendation name the same body as its header."""
    return (settings.get("to_text") or "").strip() or DEFAULT_ADDRESSEE[period["variant"]]


def default_subject(period: dict) -> str:
    subject = f"Quarterly Performance Report, Quarter {period['quarter']}, {period['financial_year']}"
    return f"{subject} (year end)" if period["variant"] == "year_end" else subject


def cover_header(settings: dict, period: dict) -> list[tuple[str, str]]:
    to = addressee(settings, period)
    if settings["meeting_date"]:
        to = f"{to} – {settings['meeting_date']}"
    subject = settings["subject"] or default_subject(period)
    rows = [
        ("From", settings["from_text"] or "Leader of the Council\nChief Executive Officer"),
        ("To", to),
        ("Decision No", settings["decision_no"] or "n/a"),
        ("Subject", subject),
        ("Classification", settings["classification"] or "Unrestricted"),
        ("Past Pathway of Paper", settings["past_pathway"] or "None"),
        ("Future Pathway of Paper", settings["future_pathway"] or "None"),
        ("Electoral Division", settings["electoral_division"] or "All"),
    ]
    return rows


def build_context(model: dict, settings: dict | None = None, overrides: dict[str, str] | None = None,
                  published: dict | None = None) -> dict:
    """Everything the QPR templates render. ``overrides`` maps sentence keys to replacement
    text for this edition; ``published`` describes a frozen edition (who, when)."""
    settings = {**DEFAULT_SETTINGS, **{k: v for k, v in (settings or {}).items() if v not in (None,)}}
    overrides = overrides or {}
    period = model["period"]
    rule_set = model.get("rule_set") or {}
    method = (rule_set.get("dot") or {}).get("method", "trend")
    wording_version = (rule_set.get("rag") or {}).get("wording", "2022")
    zero_display = (rule_set.get("counts") or {}).get("zero_display", "blank")
    year_end = period["variant"] == "year_end"
    kpis = {k["code"]: k for k in model["kpis"]}
    dot_rules = narrative.dot_settings(model)
    basis = (model.get("comparison") or {}).get("basis") or "previous_quarter"
    clauses = (rule_set.get("counts") or {}).get("clauses", "all")
    no_dot_column = bool(model["totals"].get("not_available"))

    def block_text(name: str, group: dict) -> str:
        return narrative.block_sentence(
            name, group["counts"], changes=group.get("changes"), basis=basis, clauses=clauses, method=method,
            no_dot=narrative.no_dot_phrase([kpis[c] for c in group["kpis"]], dot_rules),
        )

    generated: dict[str, str] = {}
    generated.update(narrative.cover_sentences(model, body=addressee(settings, period)))
    generated["exec.headline"] = narrative.headline(model)
    for block in model["directorates"]:
        generated[f"block.{block['code']}"] = block_text(block["name"], block)
        for sub in block["sub_areas"]:
            generated[f"block.{block['code']}.{sub['name']}"] = block_text(sub["name"], sub)
    for k in model["kpis"]:
        generated[f"kpi.{k['code']}"] = narrative.kpi_sentence(k, period, method, dot_rules)
    for a in model.get("activity", []):
        latest = a["series"][-1]
        generated[f"activity.{a['code']}"] = narrative.activity_sentence(
            a["name"], None if latest.get("illustrative") else latest.get("value"), a["unit"], a["decimals"],
            a["position"], _when(latest["period"]),
        )
    text = {key: overrides.get(key, value) for key, value in generated.items()}

    chart_index: dict[str, charts.Chart] = {}

    def panel(k: dict) -> dict:
        chart = charts.kpi_chart(k)
        if chart.has_values:
            chart_index[chart.key] = chart
        return {
            "code": k["code"],
            "name": display_name(k),
            "tile": rag_tile(k["rag"]),
            "dot": kpi_dot_badge(k, method, dot_rules),
            "current": _value(k, "value") or "not available",
            "target": target_text(k) or "none",
            "previous": _value(k, "previous") or "not available",
            "chart": chart,
            "footnotes": footnotes(k, period, dot_rules),
            "sentence": text[f"kpi.{k['code']}"],
        }

    def kpi_row(code: str) -> dict:
        k = kpis[code]
        row = {"code": code, "short_name": _ROLLING.sub("", k["short_name"]).strip()
               + (" – rolling 12 months" if k.get("rolling_12_months") else ""),
               "tile": rag_tile(k["rag"]), "dot": kpi_dot_badge(k, method, dot_rules)}
        if year_end:
            prior = k.get("rag_prior_year")
            row["prior_tile"] = rag_tile(prior) if prior else None
            row["prior_note"] = k.get("rag_prior_year_note") or ("" if prior else "Not rated")
        return row

    exec_blocks = []
    sections = []
    for block in model["directorates"]:
        summary_blocks = []
        if block["sub_areas"]:
            for sub in block["sub_areas"]:
                summary_blocks.append({
                    "title": sub["name"],
                    "sentence": text[f"block.{block['code']}.{sub['name']}"],
                    "rows": [kpi_row(c) for c in sub["kpis"]],
                })
        else:
            summary_blocks.append({
                "title": block["name"],
                "sentence": text[f"block.{block['code']}"],
                "rows": [kpi_row(c) for c in block["kpis"]],
            })
        exec_blocks.extend(summary_blocks)
        groups = []
        if block["sub_areas"]:
            for sub in block["sub_areas"]:
                groups.append({"title": sub["name"], "panels": [panel(kpis[c]) for c in sub["kpis"]]})
        else:
            groups.append({"title": None, "panels": [panel(kpis[c]) for c in block["kpis"]]})
        authored = [c for c in model.get("commentary", []) if c.get("directorate") == block["code"] and not c.get("kpi")]
        activity = []
        for a in model.get("activity", []):
            if a["directorate"] != block["code"]:
                continue
            chart = charts.activity_chart(a)
            chart_index[chart.key] = chart
            activity.append({"code": a["code"], "name": a["name"], "chart": chart,
                             "sentence": text[f"activity.{a['code']}"],
                             "footnotes": [n.strip() for n in (a.get("notes") or "").splitlines() if n.strip()]})
        kpi_comments = {}
        for c in model.get("commentary", []):
            if c.get("kpi"):
                kpi_comments.setdefault(c["kpi"], []).append(c)
        for g in groups:
            for p in g["panels"]:
                p["commentary"] = kpi_comments.get(p["code"], [])
        sections.append({
            "code": block["code"],
            "id": f"section-{block['code'].lower()}",
            "title": block["section_title"],
            "cabinet_member_label": block["cabinet_member_label"],
            "cabinet_members": block["cabinet_members"],
            "director_label": block["director_label"],
            "corporate_director": block["corporate_director"],
            "counts": block["counts"],  # the same object as the Executive Summary row
            "count_cells": count_row(block["counts"], zero_display, no_dot_column),
            "sentence": text[f"block.{block['code']}"],
            "authored": authored,
            "groups": groups,
            "kpi_heading": block.get("kpi_heading") or DEFAULT_KPI_HEADING,  # directorates.csv kpi_heading
            "activity": activity,
            "tables": [table_grid(t) for t in model.get("tables", []) if t["directorate"] == block["code"]],
        })

    count_table = [
        {"name": b["name"], "counts": b["counts"], "cells": count_row(b["counts"], zero_display, no_dot_column)}
        for b in model["directorates"]
    ]
    wording = RAG_WORDING[wording_version]
    legend = DOT_LEGEND[method]
    q = Quarter.parse(period["label"])
    ctx = {
        "model": model,
        "period": period,
        "settings": settings,
        "title": f"Quarterly Performance Report, Quarter {period['quarter']}, {period['financial_year']}",
        "lang": "en-GB",
        "year_end": year_end,
        "header": cover_header(settings, period),
        "text": text,
        "generated": generated,
        "overridden": sorted(k for k in overrides if k in generated),
        "contacts": settings["contacts"],
        "reds": [
            {"name": d["name"], "kpis": [display_name(kpis[k["code"]]) for k in d["kpis"]]} for d in model["reds"]
        ],
        "rag_key": [
            {"tile": rag_tile(r), "text": wording[r]["key"]} for r in ("GREEN", "AMBER", "RED")
        ],
        "rag_footnote": wording["footnote"],
        "figure_key": figure_key(model["kpis"]),
        "dot_intro": legend["intro"],
        "dot_key": dot_key(model, method),
        "activity_key": ACTIVITY_KEY_TEXT,
        "data_quality_note": DATA_QUALITY_NOTE,
        "count_table": count_table,
        "count_total": count_row(model["totals"], zero_display, no_dot_column),
        "no_dot_column": no_dot_column,
        "window_words": narrative.number_word(dot_rules["window_quarters"]),
        "exec_blocks": exec_blocks,
        "sections": sections,
        "charts": chart_index,
        "risk_overview": model.get("risk_overview"),
        "published": published,
        "quarter_heading": f"Quarter {period['quarter']} Performance Report",
        "prior_label": f"Q{q.number} {q.same_quarter_last_year().financial_year.short_label}",
        "current_label": f"Q{q.number} {q.financial_year.short_label}",
        "failed_checks": [c for c in model.get("checks", []) if not c["passed"]],
    }
    if year_end:
        ctx["severity"] = severity_groups(model, kpis, method)
        ctx["severity_footnote"] = narrative.severity_footnote(model)
        ctx["watch_list"] = [
            display_name(kpis[c]) + (" – its worsening direction of travel is recorded manually"
                                     if kpi_dot_badge(kpis[c], method, dot_rules)["manual"] else "")
            for c in model.get("watch_list", [])
        ]
        ctx["watch_list_intro"] = WATCH_LIST_INTRO
    return ctx


def dot_key(model: dict, method: str) -> list[dict]:
    """The Key's direction-of-travel rows: the three arrows; "N/A Not available" under the
    previous-period method (the 2016 Key) or whenever a KPI has no direction of travel; and the
    "(manual)" mark when a direction of travel is recorded by hand."""
    legend = DOT_LEGEND[method]
    shown = ["improving", "worsening", "stable"]
    kpis = model.get("kpis") or []
    if method == "previous_period" or any(narrative.kpi_reported_dot(k) == "not_available" for k in kpis):
        shown.append("not_available")
    rows = [dot_badge(d, method) | {"text": legend[d]} for d in shown]
    if any(k.get("dot_source") == "manual" and narrative.kpi_reported_dot(k) != "not_available" for k in kpis):
        rows.append({"dot": "manual", "symbol": f"({MANUAL_DOT_MARK})", "manual": True,
                     "text": "Direction of Travel recorded manually where it cannot be computed; the reason is "
                             "given in the notes to the KPI"})
    return rows


def severity_groups(model: dict, kpis: dict, method: str) -> list[dict]:
    """The year-end list of Reds by severity (spec 3.4): every Red KPI appears once, under its
    band (measured, or set manually with its reason) or under "Severity not determined" with
    the reason. A band with no KPI says "None." only when the severity of every Red is known."""
    groups = model.get("severity", {})
    undetermined = groups.get("not_determined") or []

    def line(code: str) -> str:
        k = kpis[code]
        return narrative.severity_line({**k, "name": display_name(k)}, kpi_dot_badge(k, method, narrative.dot_settings(model))["text"])

    empty = "None among the KPIs whose severity is determined." if undetermined else "None."
    out = [
        {"title": s.label, "footnoted": True, "lines": [line(c) for c in groups.get(s.value, [])], "empty": empty}
        for s in Severity
    ]
    if undetermined:
        out.append({"title": SeveritySource.NOT_DETERMINED.label, "footnoted": False,
                    "lines": [line(c) for c in undetermined], "empty": ""})
    return out


def _when(period_label: str) -> str:
    try:
        p = parse_period(period_label)
    except Exception:
        return period_label
    if isinstance(p, Quarter):
        return f"the Quarter to {p.end_month_label}"
    return p.long_label
