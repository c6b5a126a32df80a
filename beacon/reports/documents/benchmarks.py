"""The benchmarking parts of the QPR documents: a KPI panel's lines and a directorate's
benchmarking table (``docs/benchmarking.md``), from the model's ``kpis[].benchmark``."""

from __future__ import annotations

from beacon.domain.benchmarking import illustrative_sentence, shown_decimals, ordinal, quartile_label, standing_sentences
from beacon.domain.narrative import format_value
from beacon.domain.qpr_model import DirectorateBlock, KpiEntry, QprModel
from beacon.domain.wording import kpi_display_name


def panel_lines(kpi: KpiEntry, period: str) -> list[str]:
    """The sentences a KPI panel prints of its comparison (none when it has no benchmark)."""
    b = kpi.benchmark
    if b is None:
        return []
    return standing_sentences(b, kpi.unit, kpi.decimals, period)


def directorate_table(block: DirectorateBlock, model: QprModel) -> dict | None:
    """A directorate's benchmarking table: one row per KPI with a benchmark, or None."""
    rows, notes = [], []
    for code in block.kpis:
        kpi = model.kpi(code)
        b = kpi.benchmark
        if b is None:
            continue
        unit = b.unit or kpi.unit
        mark = ""
        said = [text for text in (b.caveat, illustrative_sentence(b) if b.illustrative else None) if text]
        if said:
            notes.append(" ".join(said))
            mark = f" ({len(notes)})"
        value = format_value(b.value, unit, kpi.decimals) if b.value is not None else "not available"
        rows.append({
            "name": kpi_display_name(kpi.short_name, kpi.rolling_12_months) + mark,
            "value": f"{value} ({model.period.label})",
            "group": f"{b.group_name}, {b.period}" + (" (illustrative)" if b.illustrative else ""),
            "rank": f"{ordinal(b.rank)} of {b.of}" if b.rank is not None else "not ranked",
            "quartile": quartile_label(b.quartile) or "none",
            "median": format_value(b.median, unit, shown_decimals(b.median, kpi.decimals)) if b.median is not None else "not available",
        })
    if not rows:
        return None
    return {"caption": f"Benchmarking: {block.section_title or block.name}", "rows": rows,
            "notes": [f"({i}) {n}" for i, n in enumerate(notes, start=1)],
            "area": next(model.kpi(c).benchmark.area for c in block.kpis if model.kpi(c).benchmark)}
