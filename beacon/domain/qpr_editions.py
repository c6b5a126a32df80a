"""Two editions of the Quarterly Performance Report compared in plain words, and one edition as
open data (one row per KPI).

A corrected edition lists what it corrects ("CS1 value removed (was 96%)"), and the page that
compares two published reports uses the same sentences, so readers never meet a record diff
(``observations CS1 ...: value: '96' -> ''``). :func:`differences` compares two typed models;
:func:`open_data_rows` lays one model out as the rows of the CSV and workbook downloads.

Pure: no Django, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .dot import Dot
from .narrative import format_value
from .numbers import to_decimal
from .provenance import figure_source
from .qpr_model import Commentary, KpiEntry, QprModel

__all__ = ["Difference", "differences", "ValueSource", "value_source", "OPEN_DATA_COLUMNS", "open_data_rows"]


# --- differences -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Difference:
    """One difference between two editions: what it is about (a KPI code, "Commentary",
    "Totals"), the kind (``value_changed``, ``value_added``, ``value_removed``,
    ``target_changed``, ``floor_changed``, ``rag_changed``, ``dot_changed``, ``kpi_added``,
    ``kpi_removed``, ``commentary_added``, ``commentary_removed``, ``commentary_changed``,
    ``count_changed``) and the sentence a reader sees."""

    subject: str
    kind: str
    sentence: str

    def __str__(self) -> str:
        return self.sentence


def _figure(value: float | None, unit: str, decimals: int) -> str:
    return format_value(value, unit, decimals) if value is not None else ""


def _pair(old: float, new: float, unit_old: str, unit_new: str, dec_old: int, dec_new: int) -> tuple[str, str]:
    """The two figures as printed; when they print the same but differ, with enough decimals to
    tell them apart (a correction of 96.0 to 96.04 is not "changed to 96% (was 96%)")."""
    was, now = _figure(old, unit_old, dec_old), _figure(new, unit_new, dec_new)
    extra = 0
    while was == now and to_decimal(old) != to_decimal(new) and extra < 6:
        extra += 1
        was, now = _figure(old, unit_old, min(dec_old + extra, 15)), _figure(new, unit_new, min(dec_new + extra, 15))
    return was, now


def _rag_words(rag) -> str:
    return rag.label if rag else "not rated"


def _dot_words(entry: KpiEntry) -> str:
    dot = entry.reported_dot
    return "no direction of travel" if dot is Dot.NOT_AVAILABLE else dot.label.lower()


def _summary(entry: KpiEntry) -> str:
    return f"{_figure(entry.value, entry.unit, entry.decimals) or 'no value'}, {_rag_words(entry.rag)}"


def _same_number(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return to_decimal(a) == to_decimal(b)


def _kpi_differences(code: str, a: KpiEntry, b: KpiEntry) -> list[Difference]:
    out = []
    if a.value is not None and b.value is None:
        out.append(Difference(code, "value_removed",
                              f"{code} value removed (was {_figure(a.value, a.unit, a.decimals)})"))
    elif a.value is None and b.value is not None:
        out.append(Difference(code, "value_added", f"{code} value added: {_figure(b.value, b.unit, b.decimals)}"))
    elif not _same_number(a.value, b.value):
        was, now = _pair(a.value, b.value, a.unit, b.unit, a.decimals, b.decimals)
        out.append(Difference(code, "value_changed", f"{code} value changed to {now} (was {was})"))
    for name, words in (("target", "target"), ("floor", "floor standard")):
        old, new = getattr(a, name), getattr(b, name)
        if _same_number(old, new):
            continue
        if new is None:
            text = f"{code} {words} removed (was {_figure(old, a.unit, a.decimals)})"
        elif old is None:
            text = f"{code} {words} added: {_figure(new, b.unit, b.decimals)}"
        else:
            was, now = _pair(old, new, a.unit, b.unit, a.decimals, b.decimals)
            text = f"{code} {words} changed to {now} (was {was})"
        out.append(Difference(code, f"{name}_changed", text))
    if a.rag != b.rag:
        text = (f"{code} rating changed to {_rag_words(b.rag)} (was {_rag_words(a.rag)})" if b.rag
                else f"{code} no longer rated (was {_rag_words(a.rag)})")
        out.append(Difference(code, "rag_changed", text))
    if a.reported_dot != b.reported_dot:
        out.append(Difference(code, "dot_changed",
                              f"{code} direction of travel changed to {_dot_words(b)} (was {_dot_words(a)})"))
    return out


def _where(c: Commentary) -> str:
    if c.kpi:
        place = f"KPI {c.kpi}"
    elif c.sub_area:
        place = f"{c.directorate} {c.sub_area}"
    elif c.directorate:
        place = f"directorate {c.directorate}"
    else:
        place = "the report"
    return f"{place} ({c.topic})" if c.topic else place


def _commentary_differences(old: tuple[Commentary, ...], new: tuple[Commentary, ...]) -> list[Difference]:
    def grouped(items) -> dict[tuple, list[str]]:
        out: dict[tuple, list[str]] = {}
        for c in items:
            out.setdefault((c.directorate, c.sub_area, c.kpi, c.topic), []).append(c.text)
        return out

    a, b = grouped(old), grouped(new)
    place = {(c.directorate, c.sub_area, c.kpi, c.topic): _where(c) for c in (*old, *new)}
    out = [Difference("Commentary", "commentary_removed", f"Commentary on {place[k]} removed") for k in a if k not in b]
    out += [Difference("Commentary", "commentary_added", f"Commentary on {place[k]} added") for k in b if k not in a]
    out += [Difference("Commentary", "commentary_changed", f"Commentary on {place[k]} changed")
            for k in a if k in b and a[k] != b[k]]
    return out


_COUNT_WORDS = {"green": "KPIs rated Green", "amber": "KPIs rated Amber", "red": "KPIs rated Red",
                "not_rated": "KPIs not rated"}


def differences(old: QprModel, new: QprModel) -> tuple[Difference, ...]:
    """What differs from ``old`` to ``new``, in plain words: for each KPI in either (in the new
    edition's order, then those only in the old), its value, target, floor standard, rating and
    the direction of travel the papers report; the commentary; and the counts of the whole report.
    Empty when the two print the same figures and commentary."""
    out: list[Difference] = []
    ka, kb = old.kpi_by_code, new.kpi_by_code
    for code in [*kb, *(c for c in ka if c not in kb)]:
        a, b = ka.get(code), kb.get(code)
        if a is None:
            out.append(Difference(code, "kpi_added", f"{code} ({b.short_name or b.name}) added: {_summary(b)}"))
        elif b is None:
            out.append(Difference(code, "kpi_removed",
                                  f"{code} ({a.short_name or a.name}) removed (was {_summary(a)})"))
        else:
            out.extend(_kpi_differences(code, a, b))
    out.extend(_commentary_differences(old.commentary, new.commentary))
    for key, words in _COUNT_WORDS.items():
        was, now = old.totals.get(key), new.totals.get(key)
        if was != now:
            out.append(Difference("Totals", "count_changed", f"{words} changed to {now} (was {was})"))
    return tuple(out)


# --- open data -------------------------------------------------------------------------------
class ValueSource(StrEnum):
    """Where a KPI's value in an edition comes from."""

    REPORTED = "reported"
    ASSUMED = "assumed"
    MISSING = "missing"

    @property
    def label(self) -> str:
        return {ValueSource.REPORTED: "reported", ValueSource.ASSUMED: "assumed (illustrative, not a published figure)",
                ValueSource.MISSING: "missing"}[self]


def _illustrative_value(entry: KpiEntry, period: str) -> float | None:
    point = next((p for p in entry.series if p.period == period), None)
    return point.value if point is not None and point.illustrative else None


def value_source(entry: KpiEntry, period: str) -> ValueSource:
    """``reported`` when the edition holds a value, ``assumed`` when it holds only an
    illustrative one (which the papers never print as a figure), else ``missing``."""
    if entry.value is not None:
        return ValueSource.REPORTED
    if _illustrative_value(entry, period) is not None:
        return ValueSource.ASSUMED
    return ValueSource.MISSING


OPEN_DATA_COLUMNS: tuple[tuple[str, str], ...] = (
    ("period", "the report quarter"),
    ("directorate", "the directorate code"),
    ("directorate_name", "the directorate's name"),
    ("kpi", "the KPI's code"),
    ("title", "the KPI's name"),
    ("unit", "percent, number, days, seconds ..."),
    ("decimals", "the precision the report prints and rates at"),
    ("polarity", "higher, lower or range: which way is better"),
    ("value", "the unrounded value for the quarter (blank when missing)"),
    ("value_source", "reported, assumed (an illustrative value, not a published figure) or missing"),
    ("value_status", "provisional or final"),
    ("target", "the target (higher or lower KPIs)"),
    ("target_low", "the low end of the target band (range KPIs)"),
    ("target_high", "the high end of the target band (range KPIs)"),
    ("target_source", "published, derived or assumed"),
    ("floor", "the floor standard (higher or lower KPIs)"),
    ("floor_low", "the low end of the floor band (range KPIs)"),
    ("floor_high", "the high end of the floor band (range KPIs)"),
    ("floor_source", "published, derived or assumed"),
    ("rag", "Green, Amber, Red or Not rated"),
    ("rag_source", "computed, or manual (recorded with its reason)"),
    ("rag_reason", "the reason of a manual rating"),
    ("direction_of_travel", "Improving, Stable, Worsening or Not available"),
    ("dot_source", "computed, or manual (recorded with its reason)"),
    ("dot_reason", "the reason of a manual direction of travel"),
)
"""The columns of the open data, in order, each with what it holds (the downloads' header row,
the workbook's "Columns" sheet and ``docs/web.md``)."""


def _has(*values) -> bool:
    return any(v is not None for v in values)


def open_data_rows(model: QprModel) -> list[dict]:
    """One row per KPI of the edition, in catalogue order: numbers as numbers (None when
    absent), everything else as text."""
    names = {d.code: d.name for d in model.directorates}
    period = model.period.label
    rows = []
    for k in model.kpis:
        source = value_source(k, period)
        dot = k.reported_dot
        rows.append({
            "period": period,
            "directorate": k.directorate,
            "directorate_name": names.get(k.directorate, ""),
            "kpi": k.code,
            "title": k.name,
            "unit": k.unit,
            "decimals": k.decimals,
            "polarity": str(k.polarity),
            "value": k.value if source is ValueSource.REPORTED else _illustrative_value(k, period),
            "value_source": source.value,
            "value_status": k.value_status or "",
            "target": k.target,
            "target_low": k.target_low,
            "target_high": k.target_high,
            "target_source": (figure_source(k.target_source).value
                              if _has(k.target, k.target_low, k.target_high) else ""),
            "floor": k.floor,
            "floor_low": k.floor_low,
            "floor_high": k.floor_high,
            "floor_source": figure_source(k.floor_source).value if _has(k.floor, k.floor_low, k.floor_high) else "",
            "rag": k.rag.label if k.rag else "Not rated",
            "rag_source": str(k.rag_source) if k.rag and k.rag_source else "",
            "rag_reason": (k.manual_reason or "") if k.manual_rating else "",
            "direction_of_travel": dot.label,
            "dot_source": str(k.dot_source) if k.dot_source and dot is not Dot.NOT_AVAILABLE else "",
            "dot_reason": (k.dot_manual_reason or "") if k.manual_dot else "",
        })
    return rows
