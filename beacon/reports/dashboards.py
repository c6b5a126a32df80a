"""What the dashboards show, computed from the QPR model and the stored data.

The rules (RAG, direction of travel, counts, changes) are the domain's and the report model's;
this module only selects and arranges them for pages and the API.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Max

from beacon.core.models import ImportRun, Revision
from beacon.domain.periods import Month, PeriodError, Quarter, parse_period, quarter_of
from beacon.domain.provenance import unpublished_kinds
from beacon.domain.qpr_model import ActivityEntry, ActivityPoint, KpiEntry, QprModel
from beacon.performance import models as pm
from beacon.performance.results import decimals_in_force, target_in_force
from beacon.reports.qpr import build_qpr

from beacon.returns.models import ReturnPeriod, YearClosure

RAGS = ("GREEN", "AMBER", "RED")
DOTS = ("improving", "stable", "worsening", "not_available")


def available_periods() -> list[Quarter]:
    """Quarters with data or open for returns, newest first."""
    quarters = set()
    for label in pm.Observation.objects.values_list("period", flat=True).distinct():
        try:
            quarters.add(quarter_of(parse_period(label)))
        except PeriodError:
            continue
    for label in ReturnPeriod.objects.values_list("period", flat=True):
        quarters.add(Quarter.parse(label))
    return sorted(quarters, reverse=True)


def latest_period() -> Quarter | None:
    periods = available_periods()
    return periods[0] if periods else None


def parse_slug(slug: str) -> Quarter:
    """``2022-23-Q2`` -> the quarter; raises PeriodError."""
    return Quarter.parse(slug)


def _data_version() -> tuple:
    return (
        ImportRun.objects.aggregate(m=Max("pk"))["m"],
        Revision.objects.aggregate(m=Max("pk"))["m"],
        YearClosure.objects.count(),
    )


def qpr(q: Quarter) -> QprModel:
    """The QPR model for a quarter, cached until the data changes (any import, approval or
    year closure changes the version)."""
    key = "beacon:qpr:" + q.slug + ":" + ":".join(str(v) for v in _data_version())
    model = cache.get(key)
    if model is None:
        model = build_qpr(q)
        cache.set(key, model, 600)
    return model


def filter_kpis(model: QprModel, rag: str = "", dot: str = "", directorate: str = "") -> list[KpiEntry]:
    """The KPIs of a RAG rating (or NOT_RATED), a direction of travel and a directorate. The
    direction of travel is the one the papers report and count (``KpiEntry.reported_dot``): a KPI
    counted as having no direction of travel is listed under ``not_available``, never ``stable``."""
    rows = list(model.kpis)
    if rag:
        rows = [k for k in rows if (k.rag or "NOT_RATED") == rag]
    if dot:
        rows = [k for k in rows if k.reported_dot == dot]
    if directorate:
        rows = [k for k in rows if k.directorate == directorate]
    return rows


def kpi_history(kpi: pm.Kpi, quarters: int = 8) -> dict:
    """Values with their revisions, targets by year, commentary and ratings over time."""
    observations = list(kpi.observations.all())
    keys = [f"{kpi.code} {o.period}" for o in observations]
    revisions = list(Revision.objects.filter(entity="observation", key__in=keys).order_by("-changed_at", "-pk"))
    by_key: dict[str, list] = {}
    for r in revisions:
        by_key.setdefault(r.key, []).append(r)
    target_rows = list(kpi.targets.order_by("-financial_year", "effective_from"))

    def decimals(period: str) -> int:  # the precision in force in the period's financial year
        return decimals_in_force(kpi, target_in_force(target_rows, quarter_of(parse_period(period))))

    values = [{"obs": o, "revisions": by_key.get(f"{kpi.code} {o.period}", []), "decimals": decimals(o.period)}
              for o in reversed(observations)]
    targets = [{"row": t, "decimals": decimals_in_force(kpi, t)} for t in target_rows]
    commentary = list(pm.Commentary.objects.filter(kpi=kpi).order_by("-period", "display_order"))
    rated_quarters = sorted({quarter_of(parse_period(o.period)) for o in observations}, reverse=True)[:quarters]
    ratings = []
    for q in rated_quarters:
        entry = qpr(q).kpi_by_code.get(kpi.code)
        if entry is not None:
            ratings.append(
                {
                    "period": q,
                    "value": entry.value,
                    "rag": entry.rag,
                    "rag_source": entry.rag_source,
                    "dot": entry.reported_dot,
                    "target": entry.target,
                    "floor": entry.floor,
                    "decimals": entry.decimals,
                    "target_source": entry.target_source,
                    "floor_source": entry.floor_source,
                }
            )
    sources = [t.target_source for t in target_rows] + [t.floor_source for t in target_rows]
    return {"values": values, "targets": targets, "commentary": commentary, "ratings": ratings,
            "source_keys": [(f"({s.mark})", s.key_text) for s in unpublished_kinds(sources)],
            "chart": kpi_chart_for(kpi, rated_quarters[0]) if rated_quarters else None}


def kpi_chart_for(kpi: pm.Kpi, q: Quarter):
    """The report's chart of the KPI for quarter ``q`` (beacon.reports.charts: the same picture
    the QPR prints), or None when the KPI is not in that quarter's edition."""
    from beacon.reports.charts import kpi_chart

    entry = qpr(q).kpi_by_code.get(kpi.code)
    if entry is None:
        return None
    chart = kpi_chart(entry)
    return chart if chart.has_values else None


def indicator_history(indicator: pm.ActivityIndicator) -> dict:
    observations = list(indicator.observations.order_by("-period_sort"))
    keys = [f"{indicator.code} {o.period}" for o in observations]
    revisions = list(Revision.objects.filter(entity="activity_observation", key__in=keys).order_by("-changed_at", "-pk"))
    by_key: dict[str, list] = {}
    for r in revisions:
        by_key.setdefault(r.key, []).append(r)
    return {
        "values": [{"obs": o, "revisions": by_key.get(f"{indicator.code} {o.period}", [])} for o in observations],
        "chart": indicator_chart(indicator, list(reversed(observations))[-8:]),
    }


def indicator_chart(indicator: pm.ActivityIndicator, observations: list):
    """The report's activity chart (beacon.reports.charts) over the last eight periods."""
    from beacon.reports.charts import activity_chart

    if not observations:
        return None

    def f(v):
        return None if v is None else float(v)

    chart = activity_chart(ActivityEntry(
        code=indicator.code,
        name=indicator.name,
        unit=indicator.unit,
        decimals=indicator.decimals,
        series=tuple(
            ActivityPoint(period=o.period, value=f(o.value), lower_threshold=f(o.lower_threshold),
                          upper_threshold=f(o.upper_threshold), benchmark=f(o.benchmark), target=f(o.target),
                          illustrative=o.illustrative)
            for o in observations
        ),
    ))
    return chart if chart.has_values else None


def period_label(text: str) -> str:
    try:
        p = parse_period(text)
    except PeriodError:
        return text
    return p.long_label if isinstance(p, (Quarter, Month)) else text
