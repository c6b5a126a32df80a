"""A KPI's comparison with other councils, for ``web/_kpi_benchmark.html`` (docs/benchmarking.md):
the same standing the QPR prints for the KPI's latest quarter, and the values it was ranked among."""

from __future__ import annotations

from django import template

from beacon.domain.benchmarking import Polarity, ordinal, shown_decimals, quartile_label, standing_sentences
from beacon.domain.narrative import format_value
from beacon.domain.periods import parse_period, quarter_of
from beacon.reports import dashboards

register = template.Library()


@register.inclusion_tag("web/_kpi_benchmark.html")
def kpi_benchmark(kpi) -> dict:
    """The KPI's benchmark in its latest quarter with a value (as the QPR of that quarter gives
    it), with the table of the areas compared; nothing when the KPI is not benchmarked."""
    if not hasattr(kpi, "benchmark"):  # no KpiMeasure row (the reverse one-to-one raises)
        return {"b": None}
    periods = list(kpi.observations.values_list("period", flat=True))
    if not periods:
        return {"b": None}
    q = max(quarter_of(parse_period(p)) for p in periods)
    entry = dashboards.qpr(q).kpi_by_code.get(kpi.code)
    if entry is None or entry.benchmark is None:
        return {"b": None}
    from beacon.performance.benchmarking import standing

    b = entry.benchmark
    unit = b.unit or entry.unit
    found = standing(kpi.code, q, entry.value)
    rows = [{"area": v.area_name, "code": v.area_code, "value": format_value(v.value, unit, shown_decimals(v.value, entry.decimals)),
             "illustrative": v.illustrative, "own": False} for v in (found.values if found else ())]
    if b.value is not None:
        own = {"area": f"{b.area} (this council, {q.label})", "code": b.area_code,
               "value": format_value(b.value, unit, entry.decimals), "illustrative": False, "own": True}
        rows.insert(min(b.rank - 1, len(rows)) if b.rank else len(rows), own)
    return {
        "b": b, "q": q, "kpi": kpi,
        "sentences": standing_sentences(b, entry.unit, entry.decimals, q.label),
        "polarity": Polarity(b.polarity).label,
        "rank": f"{ordinal(b.rank)} of {b.of}" if b.rank is not None else "Not ranked",
        "quartile": quartile_label(b.quartile) or "None",
        "median": format_value(b.median, unit, shown_decimals(b.median, entry.decimals)) if b.median is not None else "Not available",
        "value": format_value(b.value, unit, entry.decimals) if b.value is not None else "No value",
        "rows": rows,
    }
