"""The risks a KPI evidences, for ``web/_kpi_risks.html`` on the KPI page (docs/risk-indicators.md)."""

from __future__ import annotations

from django import template

from beacon.reports import risk_indicators

register = template.Library()


@register.inclusion_tag("web/_kpi_risks.html")
def kpi_risks(kpi) -> dict:
    """The risks linked to ``kpi`` (a KPI or an activity indicator), with each link's trigger
    rule and the open flags it raised."""
    return {"indicator": kpi, "links": risk_indicators.risks_for(kpi)}
