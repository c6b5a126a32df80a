"""The history of a KPI's targets and floor standards, for ``web/_kpi_targets.html``."""

from __future__ import annotations

from django import template

from beacon.core.audit import value_text
from beacon.core.clock import in_council_time
from beacon.domain.targets import TargetField
from beacon.performance.targets import target_history

register = template.Library()


def _figure(value, unit: str) -> str:
    if value is None:
        return "none"
    text = value_text(value)
    return f"{text}%" if unit == "percent" else text


@register.simple_tag
def target_changes(kpi) -> list[dict]:
    """Each change of the KPI's targets and floor standards, with its value before and after,
    the period it takes effect from, who, when, why and who approved it."""
    out = []
    for c in target_history(kpi):
        out.append({
            "year": c.financial_year,
            "what": TargetField(c.field).label,
            "effective": f"From {c.effective_from}" if c.effective_from else f"The whole of {c.financial_year}",
            "before": _figure(c.old_value, kpi.unit),
            "after": _figure(c.new_value, kpi.unit),
            "by": c.changed_by,
            "at": in_council_time(c.changed_at),
            "reason": c.reason,
            "approved_by": c.approved_by or "Not recorded",
            "approved_on": c.approved_on,
            "source": c.source,
        })
    return out


@register.simple_tag(takes_context=True)
def may_change_targets(context) -> bool:
    """Whether the signed-in person may change targets and floor standards."""
    from beacon.core import permissions as perm

    request = context.get("request")
    return bool(request is not None and perm.can(request.user, perm.CHANGE_TARGET))


@register.filter
def exact(value) -> str:
    """A stored target or floor standard as it is held (``92.5``, not rounded); none as ``–``."""
    return "–" if value is None else value_text(value)
