"""The template context of the QPR documents, built from the typed QPR model only.

Everything a template prints comes from here: the model (``build_qpr``: a
:class:`~beacon.domain.qpr_model.QprModel`), the edition's report settings (cover header,
contacts) and its narrative overrides. Templates hold layout and the fixed wording of the Key
pages; no template computes a number. Every rule setting is read from the model's rule set.

:func:`build_context` is a list of small steps: the generated sentences
(:func:`generated_sentences`), the Executive Summary rows (:func:`summary_blocks`), the
directorate sections (:func:`section`, with its KPI panels, :func:`kpi_panel`), the Key pages
(:func:`key_page`) and the year-end lists (:func:`year_end_lists`).

The Executive Summary row and the section "KPI Summary" row of a directorate are rendered from
the same ``counts`` object of the model (spec 6.1.1): :func:`build_context` passes that one
object to both places.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from beacon.domain import narrative
from beacon.domain.activity import ACTIVITY_KEY_TEXT
from beacon.domain.dot import Dot
from beacon.domain.periods import Quarter, parse_period
from beacon.domain.provenance import FigureSource, figure_source, marked, source_notes
from beacon.domain.qpr_model import (
    COUNT_KEYS,
    ActivityEntry,
    Counts,
    DirectorateBlock,
    KpiEntry,
    PeriodInfo,
    QprModel,
    SupportingTable,
    Variant,
)
from beacon.domain.rag import Polarity, Rag
from beacon.domain.rules import DotRules
from beacon.domain.severity import Severity, SeveritySource
from beacon.domain.wording import DOT_LEGEND, MANUAL_DOT_MARK, RAG_WORDING, dot_text_alternative, kpi_display_name
from beacon.core.models import DEFAULT_KPI_HEADING
from beacon.reports import charts
from beacon.reports.documents import benchmarks

DATA_QUALITY_NOTE = (
    "All data included in this report for the current financial year is provisional unaudited data and is "
    "categorised as management information. All current in-year results may therefore be subject to later revision."
)
WATCH_LIST_INTRO = (
    "There are also some Amber rated KPIs that are close to their floor standard with a worsening direction of "
    "travel, and responsible Directors are considering the appropriate interventions:"
)

# RAG shown by word, shape and colour (colour never alone). Tile colours pass WCAG AA contrast
# with their text colour. The words are the enum's (``Rag.label``).
RAG_STYLE = {
    Rag.GREEN: {"shape": "\u25cf", "shape_name": "circle", "bg": "00703C", "fg": "FFFFFF"},
    Rag.AMBER: {"shape": "\u25b2", "shape_name": "triangle", "bg": "F47738", "fg": "0B0C0C"},
    Rag.RED: {"shape": "\u25a0", "shape_name": "square", "bg": "D4351C", "fg": "FFFFFF"},
    None: {"shape": "\u25cb", "shape_name": "open circle", "bg": "F3F2F1", "fg": "0B0C0C"},
}
MANUAL_RATING_MARK = "manual"
"""The mark printed in a RAG tile of a rating recorded by hand: "AMBER (manual)"."""

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

def display_name(kpi: KpiEntry) -> str:
    """The KPI name with the "– rolling 12 months" suffix generated from the flag (spec 2.3)."""
    return kpi_display_name(kpi.name, kpi.rolling_12_months)


# --- RAG tiles and direction-of-travel badges -----------------------------------------------
def rag_tile(rag: Rag | str | None, manual: bool = False) -> dict:
    """A RAG tile: word, shape and colours, and the "(manual)" mark of a rating recorded by hand."""
    rag = Rag(rag) if rag else None
    word, label = (rag.value, rag.label) if rag else ("NOT RATED", "Not rated")
    return {"rag": rag, "word": word, "label": label, **RAG_STYLE[rag],
            "mark": MANUAL_RATING_MARK if manual and rag else ""}


def kpi_tile(kpi: KpiEntry) -> dict:
    """The KPI's RAG tile as the papers show it: marked "(manual)" when the rating was recorded
    by hand (like a manual direction of travel; the reason is among the KPI's notes)."""
    return rag_tile(kpi.rag, manual=kpi.manual_rating)


def dot_badge(dot: Dot | str | None, method: str) -> dict:
    dot = Dot(dot) if dot else Dot.NOT_AVAILABLE
    return {"dot": dot.value, "symbol": dot.symbol, "alt": dot_text_alternative(dot, method), "short": dot.label,
            "manual": False}


def kpi_dot_badge(kpi: KpiEntry, method: str, dot: DotRules | None = None) -> dict:
    """A KPI's direction of travel as the papers show it: the arrow it is counted under (N/A
    when none was computed: never a stable arrow for too few values), and a visible
    "(manual)" mark when it was recorded by hand. ``text`` is the form used in sentences and
    lists: the legend text, with the reason for N/A, or "recorded manually". ``dot`` is the rule
    set's ``DotRules`` (the window the reason names)."""
    shown = kpi.reported_dot
    badge = dot_badge(shown, method)
    badge["text"] = badge["alt"]
    if shown == Dot.NOT_AVAILABLE:
        badge["text"] = f"no direction of travel: {narrative.kpi_no_dot_reason(kpi, dot)}"
    elif kpi.manual_dot:
        badge["manual"] = True
        badge["text"] = f"{badge['alt']}, recorded manually"
    badge["mark"] = MANUAL_DOT_MARK if badge["manual"] else ""
    return badge


# --- counts, figures and footnotes ----------------------------------------------------------
def _zero(value: int, mode: str) -> str:
    return "" if (value == 0 and mode == "blank") else str(value)


COUNT_COLUMNS = COUNT_KEYS


def count_row(counts: Counts, zero_display: str, no_dot_column: bool = False) -> list[str]:
    """The cells of a count table row: G, A, R, improving, stable, worsening, and, when the
    edition has KPIs without a direction of travel, their number (never folded into stable)."""
    keys = COUNT_COLUMNS + (("not_available",) if no_dot_column else ())
    return [_zero(getattr(counts, k), zero_display) for k in keys]


def _value(kpi: KpiEntry, key: str) -> str:
    value = getattr(kpi, key)
    return narrative.format_value(value, kpi.unit, kpi.decimals) if value is not None else ""


def target_text(kpi: KpiEntry) -> str:
    """The target (or target range) as printed, with its mark when it is not published."""
    return marked(_unmarked_target(kpi), kpi.target_source)


def floor_text(kpi: KpiEntry) -> str:
    """The floor standard (or floor range) as printed, unmarked ("" when none is recorded)."""
    if kpi.polarity == Polarity.RANGE:
        if kpi.floor_low is None or kpi.floor_high is None:
            return ""
        return f"{_value(kpi, 'floor_low')} - {_value(kpi, 'floor_high')}"
    return _value(kpi, "floor")


def threshold_notes(kpi: KpiEntry) -> list[str]:
    """A sentence for each target or floor standard of the KPI that is not published."""
    range_ = kpi.polarity == Polarity.RANGE
    return source_notes([
        ("target range" if range_ else "target", _unmarked_target(kpi), kpi.target_source),
        ("floor range" if range_ else "floor standard", floor_text(kpi), kpi.floor_source),
    ])


def _unmarked_target(kpi: KpiEntry) -> str:
    if kpi.polarity == Polarity.RANGE:
        if kpi.target_low is None or kpi.target_high is None:
            return ""
        return f"{_value(kpi, 'target_low')} - {_value(kpi, 'target_high')}"
    return _value(kpi, "target")


def figure_key(kpis: Iterable[KpiEntry]) -> list[dict]:
    """The Key's rows for the marks of figures that are not published, for the marks used."""
    used = {figure_source(source) for k in kpis for source in (k.target_source, k.floor_source)}
    return [{"mark": f"({s.mark})", "text": s.key_text} for s in FigureSource if not s.is_published and s in used]


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def footnotes(kpi: KpiEntry, period: PeriodInfo, dot: DotRules | None = None) -> list[str]:
    """Footnotes stored against the KPI (spec 4.4, 3.8, 3.9), never placed by position."""
    notes = _lines(kpi.notes)
    lower = " ".join(notes).lower()
    if kpi.first_year and kpi.first_year == period.financial_year and "new indicator" not in lower:
        notes.append(f"New Indicator in {kpi.first_year} – target line for previous periods shown for comparison only")
    if kpi.in_arrears and "arrears" not in lower:
        notes.append("Reported one Quarter in arrears")
    if kpi.value_note:
        notes.append(f"Data note: {kpi.value_note}")
    if any(p.illustrative and p.value is not None for p in kpi.series):
        notes.append("Hollow markers on a dashed line are illustrative values, not published figures.")
    if kpi.manual_rating and kpi.manual_reason:
        notes.append(f"Manual rating: {kpi.manual_reason}")
    if kpi.manual_dot:
        reason = (kpi.dot_manual_reason or "").strip()
        notes.append(f"Manual direction of travel ({Dot(kpi.dot).label.lower()}), not computed"
                     + (f": {reason}" if reason else "."))
    elif kpi.reported_dot == Dot.NOT_AVAILABLE:
        notes.append(f"No direction of travel: {narrative.kpi_no_dot_reason(kpi, dot)}.")
    notes += threshold_notes(kpi)
    return notes


# --- supporting tables ----------------------------------------------------------------------
def _humanise(column: str) -> str:
    text = column.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def table_grid(table: SupportingTable) -> dict:
    """A supporting table (long format, as stored) pivoted to the printed grid: one row per row
    label, period columns in file order (oldest to newest as supplied), total rows marked."""
    rows = table.rows
    row_columns, value_columns = list(table.row_columns), list(table.value_columns)
    label_cols = [
        c for c in row_columns
        if not all(re.fullmatch(r"[a-z0-9_]+", str(r.get(c) or "")) for r in rows)  # identifiers, e.g. a measure code
    ] or row_columns[:1]
    periods: list[tuple[str, str]] = []
    for r in rows:
        p = (r["period"], r.get("period_label") or r["period"])
        if p not in periods:
            periods.append(p)
    filled = {
        p: [c for c in value_columns if any(r["period"] == p[0] and (r.get(c) or "") != "" for r in rows)]
        for p in periods
    }
    many = len(value_columns) > 1
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
        key = tuple(r.get(c) for c in row_columns)
        if key not in by_key:
            keys.append(key)
            by_key[key] = {"labels": [r.get(c) or "" for c in label_cols], "cells": {}, "total": (r.get("row_type") or "").lower() == "total"}
        for c in value_columns:
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
        "title": table.title,
        "label_headers": [_humanise(c) for c in label_cols],
        "header_top": header_top,
        "header": header,
        "rows": body,
        "footnotes": _lines(table.footnotes),
    }


# --- the cover ------------------------------------------------------------------------------
DEFAULT_ADDRESSEE = {Variant.QUARTERLY: "Cabinet", Variant.YEAR_END: "County Council"}
"""The body a paper goes to when its settings name none (performance spec 4.1, 4.5)."""


def addressee(settings: dict, period: PeriodInfo) -> str:
    """The body the paper goes to: the "To" of its settings, else the spec's default for the
    variant. The cover's Summary and Recommendation name the same body as its header."""
    return (settings.get("to_text") or "").strip() or DEFAULT_ADDRESSEE[period.variant]


def default_subject(period: PeriodInfo) -> str:
    subject = f"Quarterly Performance Report, Quarter {period.quarter}, {period.financial_year}"
    return f"{subject} (year end)" if period.is_year_end else subject


def cover_header(settings: dict, period: PeriodInfo) -> list[tuple[str, str]]:
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


# --- the steps of build_context -------------------------------------------------------------
def generated_sentences(model: QprModel, body: str) -> dict[str, str]:
    """Every generated sentence of the edition by its key (``cover.*``, ``exec.headline``,
    ``block.<code>[.<sub-area>]``, ``kpi.<code>``, ``activity.<code>``)."""
    rules = model.rule_set
    basis = model.comparison.basis

    def block_text(name: str, counts: Counts, changes, codes: Iterable[str]) -> str:
        return narrative.block_sentence(
            name, counts, changes=changes, basis=basis, clauses=rules.counts.clauses, method=rules.dot.method,
            no_dot=narrative.no_dot_phrase([model.kpi(c) for c in codes], rules.dot),
            manual=narrative.manual_sentence([model.kpi(c) for c in codes], digits=False),
        )

    generated: dict[str, str] = {}
    generated.update(narrative.cover_sentences(model, body=body))
    generated["exec.headline"] = narrative.headline(model)
    for block in model.directorates:
        generated[f"block.{block.code}"] = block_text(block.name, block.counts, block.changes, block.kpis)
        for sub in block.sub_areas:
            generated[f"block.{block.code}.{sub.name}"] = block_text(sub.name, sub.counts, sub.changes, sub.kpis)
    for k in model.kpis:
        generated[f"kpi.{k.code}"] = narrative.kpi_sentence(k, model.period, rules.dot.method, rules.dot)
    for a in model.activity:
        latest = a.latest
        generated[f"activity.{a.code}"] = narrative.activity_sentence(
            a.name, None if latest.illustrative else latest.value, a.unit, a.decimals, a.position,
            _when(latest.period),
        )
    return generated


def kpi_row(kpi: KpiEntry, model: QprModel) -> dict:
    """A KPI's row of the Executive Summary: short name, RAG tile (and last year's at year end)
    and direction of travel."""
    row = {"code": kpi.code, "short_name": kpi_display_name(kpi.short_name, kpi.rolling_12_months),
           "tile": kpi_tile(kpi), "dot": kpi_dot_badge(kpi, model.rule_set.dot.method, model.rule_set.dot)}
    if model.period.is_year_end:
        prior = kpi.rag_prior_year
        row["prior_tile"] = rag_tile(prior) if prior else None
        row["prior_note"] = kpi.rag_prior_year_note or ("" if prior else "Not rated")
    return row


def summary_blocks(block: DirectorateBlock, model: QprModel, text: dict[str, str]) -> list[dict]:
    """A directorate's Executive Summary blocks: one per sub-area, or one for the directorate."""
    if block.sub_areas:
        return [{"title": sub.name, "sentence": text[f"block.{block.code}.{sub.name}"],
                 "rows": [kpi_row(model.kpi(c), model) for c in sub.kpis]} for sub in block.sub_areas]
    return [{"title": block.name, "sentence": text[f"block.{block.code}"],
             "rows": [kpi_row(model.kpi(c), model) for c in block.kpis]}]


def kpi_panel(kpi: KpiEntry, model: QprModel, text: dict[str, str], chart_index: dict[str, charts.Chart]) -> dict:
    """A KPI's panel: tile, direction of travel, figures, chart, footnotes, sentence and the
    commentary attached to it. Its chart joins ``chart_index`` when it has values."""
    dot = model.rule_set.dot
    chart = charts.kpi_chart(kpi)
    if chart.has_values:
        chart_index[chart.key] = chart
    return {
        "code": kpi.code,
        "name": display_name(kpi),
        "tile": kpi_tile(kpi),
        "dot": kpi_dot_badge(kpi, dot.method, dot),
        "current": _value(kpi, "value") or "not available",
        "target": target_text(kpi) or "none",
        "previous": _value(kpi, "previous") or "not available",
        "chart": chart,
        "footnotes": footnotes(kpi, model.period, dot),
        "rebaseline": narrative.rebaseline_footnote(kpi),
        "sentence": text[f"kpi.{kpi.code}"],
        "commentary": [c for c in model.commentary if c.kpi == kpi.code],
        "benchmark": benchmarks.panel_lines(kpi, model.period.label),
    }


def activity_panel(a: ActivityEntry, text: dict[str, str], chart_index: dict[str, charts.Chart]) -> dict:
    chart = charts.activity_chart(a)
    chart_index[chart.key] = chart
    return {"code": a.code, "name": a.name, "chart": chart, "sentence": text[f"activity.{a.code}"],
            "footnotes": _lines(a.notes)}


def section(block: DirectorateBlock, model: QprModel, text: dict[str, str], chart_index: dict[str, charts.Chart],
            no_dot_column: bool) -> dict:
    """A directorate's section: header, KPI Summary row (the same counts object as the
    Executive Summary row), authored commentary, KPI panels, activity indicators and tables."""
    if block.sub_areas:
        groups = [{"title": sub.name, "panels": [kpi_panel(model.kpi(c), model, text, chart_index) for c in sub.kpis]}
                  for sub in block.sub_areas]
    else:
        groups = [{"title": None, "panels": [kpi_panel(model.kpi(c), model, text, chart_index) for c in block.kpis]}]
    return {
        "code": block.code,
        "id": f"section-{block.code.lower()}",
        "title": block.section_title,
        "cabinet_member_label": block.cabinet_member_label,
        "cabinet_members": block.cabinet_members,
        "director_label": block.director_label,
        "corporate_director": block.corporate_director,
        "counts": block.counts,  # the same object as the Executive Summary row
        "count_cells": count_row(block.counts, model.rule_set.counts.zero_display, no_dot_column),
        "sentence": text[f"block.{block.code}"],
        "authored": [c for c in model.commentary if c.directorate == block.code and not c.kpi],
        "groups": groups,
        "kpi_heading": block.kpi_heading or DEFAULT_KPI_HEADING,  # directorates.csv kpi_heading
        "activity": [activity_panel(a, text, chart_index) for a in model.activity if a.directorate == block.code],
        "tables": [table_grid(t) for t in model.tables if t.directorate == block.code],
        "benchmarks": benchmarks.directorate_table(block, model),
    }


def red_line(kpi: KpiEntry) -> str:
    """A KPI in the cover's list of Reds: its name, marked "(manual)" like its RAG tile when the
    rating was recorded by hand."""
    return display_name(kpi) + (f" ({MANUAL_RATING_MARK})" if kpi.manual_rating else "")


def key_page(model: QprModel) -> dict:
    """The Key: RAG tiles with the rule set's wording, the marks of figures that are not
    published, the direction-of-travel legend and the activity key."""
    method = model.rule_set.dot.method
    wording = RAG_WORDING[model.rule_set.rag.wording]
    rag_key = [{"tile": rag_tile(r), "text": wording[r.value]["key"]} for r in Rag]
    if any(k.manual_rating and k.rag for k in model.kpis):
        rag_key.append({"tile": None, "mark": f"({MANUAL_RATING_MARK})",
                        "text": "RAG rating recorded manually; the reason is given in the notes to the KPI"})
    return {
        "rag_key": rag_key,
        "rag_footnote": wording["footnote"],
        "figure_key": figure_key(model.kpis),
        "dot_intro": " ".join(x for x in (DOT_LEGEND[method]["intro"], narrative.dot_key_note(model.kpis)) if x),
        "dot_key": dot_key(model, method),
        "activity_key": ACTIVITY_KEY_TEXT if model.activity else (),
    }


def dot_key(model: QprModel, method: str) -> list[dict]:
    """The Key's direction-of-travel rows: the three arrows; "N/A Not available" under the
    previous-period method (the 2016 Key) or whenever a KPI has no direction of travel; and the
    "(manual)" mark when a direction of travel or a rating is recorded by hand."""
    legend = DOT_LEGEND[method]
    shown = [Dot.IMPROVING, Dot.WORSENING, Dot.STABLE]
    if method == "previous_period" or any(k.reported_dot == Dot.NOT_AVAILABLE for k in model.kpis):
        shown.append(Dot.NOT_AVAILABLE)
    rows = [dot_badge(d, method) | {"text": legend[d.value]} for d in shown]
    if any(k.manual_dot for k in model.kpis):
        rows.append({"dot": "manual", "symbol": f"({MANUAL_DOT_MARK})", "manual": True,
                     "text": "Direction of Travel recorded manually where it cannot be computed; the reason is "
                             "given in the notes to the KPI"})
    return rows


def severity_groups(model: QprModel, method: str) -> list[dict]:
    """The year-end list of Reds by severity (spec 3.4): every Red KPI appears once, under its
    band (measured, or set manually with its reason) or under "Severity not determined" with
    the reason. A band with no KPI says "None." only when the severity of every Red is known."""
    undetermined = model.severity.not_determined

    def line(code: str) -> str:
        k = model.kpi(code)
        return narrative.severity_line(k, kpi_dot_badge(k, method, model.rule_set.dot)["text"], name=display_name(k))

    empty = "None among the KPIs whose severity is determined." if undetermined else "None."
    out = [
        {"title": s.label, "footnoted": True, "lines": [line(c) for c in model.severity.codes(s)], "empty": empty}
        for s in Severity
    ]
    if undetermined:
        out.append({"title": SeveritySource.NOT_DETERMINED.label, "footnoted": False,
                    "lines": [line(c) for c in undetermined], "empty": ""})
    return out


def year_end_lists(model: QprModel) -> dict:
    """The year-end parts (spec 4.5): the Reds by severity with the bands' footnote, and the
    watch list."""
    method = model.rule_set.dot.method
    return {
        "severity": severity_groups(model, method),
        "severity_footnote": narrative.severity_footnote(model.rule_set.severity),
        "watch_list": [
            display_name(k) + (" – its worsening direction of travel is recorded manually" if k.manual_dot else "")
            for k in map(model.kpi, model.watch_list)
        ],
        "watch_list_intro": WATCH_LIST_INTRO,
    }


def build_context(model: QprModel, settings: dict | None = None, overrides: dict[str, str] | None = None,
                  published: dict | None = None) -> dict:
    """Everything the QPR templates render. ``overrides`` maps sentence keys to replacement
    text for this edition; ``published`` describes a frozen edition (who, when)."""
    settings = {**DEFAULT_SETTINGS, **{k: v for k, v in (settings or {}).items() if v is not None}}
    overrides = overrides or {}
    period = model.period
    zero_display = model.rule_set.counts.zero_display
    no_dot_column = bool(model.totals.not_available)

    generated = generated_sentences(model, body=addressee(settings, period))
    text = {key: overrides.get(key, value) for key, value in generated.items()}
    chart_index: dict[str, charts.Chart] = {}
    exec_blocks = [row for block in model.directorates for row in summary_blocks(block, model, text)]
    sections = [section(block, model, text, chart_index, no_dot_column) for block in model.directorates]
    q = Quarter.parse(period.label)
    ctx = {
        "model": model,
        "period": period,
        "settings": settings,
        "title": f"Quarterly Performance Report, Quarter {period.quarter}, {period.financial_year}",
        "lang": "en-GB",
        "year_end": period.is_year_end,
        "header": cover_header(settings, period),
        "text": text,
        "generated": generated,
        "overridden": sorted(k for k in overrides if k in generated),
        "contacts": settings["contacts"],
        "reds": [{"name": d.name, "kpis": [red_line(model.kpi(k.code)) for k in d.kpis]} for d in model.reds],
        **key_page(model),
        "data_quality_note": DATA_QUALITY_NOTE,
        "count_table": [
            {"name": b.name, "counts": b.counts, "cells": count_row(b.counts, zero_display, no_dot_column)}
            for b in model.directorates
        ],
        "count_total": count_row(model.totals, zero_display, no_dot_column),
        "count_note": narrative.rebaseline_counts_note(model.kpis),
        "no_dot_column": no_dot_column,
        "window_words": narrative.number_word(model.rule_set.dot.window_quarters),
        "exec_blocks": exec_blocks,
        "sections": sections,
        "charts": chart_index,
        "risk_overview": model.risk_overview,
        "published": published,
        "quarter_heading": f"Quarter {period.quarter} Performance Report",
        "prior_label": f"Q{q.number} {q.same_quarter_last_year().financial_year.short_label}",
        "current_label": f"Q{q.number} {q.financial_year.short_label}",
        "failed_checks": model.failed_checks,
    }
    if period.is_year_end:
        ctx.update(year_end_lists(model))
    return ctx


def _when(period_label: str) -> str:
    try:
        p = parse_period(period_label)
    except Exception:
        return period_label
    if isinstance(p, Quarter):
        return f"the Quarter to {p.end_month_label}"
    return p.long_label
