"""Benchmarking queries: where a KPI's value stands among its comparison group's values for the
national measure it is mapped to (``docs/benchmarking.md``).

The rule is :func:`beacon.domain.benchmarking.compare`; this module reads the data it needs:

* the KPI's mapping (:class:`~beacon.performance.models.KpiMeasure`: measure, own area, group);
* the comparator period: the latest period at or before the KPI's period for which the group's
  other areas have values (one indexed query on ``(measure, period_sort)``);
* the values of the group's other areas for that period (the council's own area is left out:
  its value is the KPI's).

:func:`standings` does the same for many KPIs at once (the QPR), in a few queries whatever the
number of KPIs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max

from beacon.domain.benchmarking import (
    Polarity,
    Standing,
    compare,
    parse_comparator_period,
    period_caveat,
)
from beacon.domain.periods import Quarter, period_sort

from . import models


@dataclass(frozen=True)
class GroupValue:
    area_code: str
    area_name: str
    value: Decimal
    illustrative: bool


@dataclass(frozen=True)
class KpiStanding:
    """A KPI's comparison with its group for one report period."""

    kpi: str
    measure: str
    measure_title: str
    unit: str
    polarity: Polarity
    source: str
    group: str
    group_name: str
    group_source: str
    area_code: str
    area_name: str
    kpi_period: str
    period: str  # the comparator data's period ("" when the group has no values)
    value: Decimal | None  # the council's value compared (the KPI's value for kpi_period)
    standing: Standing | None  # None when the group has no values at or before kpi_period
    caveat: str | None  # when the periods differ
    values: tuple[GroupValue, ...]  # the other areas' values, best first by the measure's polarity

    @property
    def illustrative(self) -> bool:
        """Whether any value compared with is illustrative (not a published figure)."""
        return any(v.illustrative for v in self.values)

    @property
    def illustrative_count(self) -> int:
        return sum(1 for v in self.values if v.illustrative)


def _latest_period(measure_id: int, area_ids: set[int], sort: int) -> str | None:
    """The latest comparator period at or before ``sort`` with values of ``area_ids``: the label
    with the most values at the latest sort (a financial year and its Q4 share one)."""
    if not area_ids:
        return None
    base = models.ComparatorValue.objects.filter(measure_id=measure_id, area_id__in=area_ids, period_sort__lte=sort)
    top = base.aggregate(top=Max("period_sort"))["top"]
    if top is None:
        return None
    labels = Counter(base.filter(period_sort=top).values_list("period", flat=True))
    return max(labels.items(), key=lambda kv: (kv[1], kv[0]))[0]


def _members(group_ids: Iterable[int]) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {}
    for group_id, area_id in models.ComparisonGroupMember.objects.filter(group_id__in=set(group_ids)).values_list(
            "group_id", "area_id"):
        out.setdefault(group_id, set()).add(area_id)
    return out


def standings(period: Quarter, values: Mapping[str, Decimal | float | None],
              rolling: Mapping[str, bool] | None = None) -> dict[str, KpiStanding]:
    """The standing of each mapped KPI of ``values`` (KPI code -> its value for ``period``, None
    when it has none). ``rolling``: KPI code -> a rolling 12-month measure (for the period rule).
    KPIs without a mapping are left out."""
    mappings = list(models.KpiMeasure.objects.filter(kpi__code__in=list(values))
                    .select_related("kpi", "measure", "area", "group"))
    if not mappings:
        return {}
    members = _members(m.group_id for m in mappings)
    sort = period_sort(period)
    rolling = rolling or {}
    out = {}
    for m in mappings:
        others = members.get(m.group_id, set()) - {m.area_id}
        label = _latest_period(m.measure_id, others, sort)
        rows: list[GroupValue] = []
        if label is not None:
            rows = [GroupValue(code, name, value, ill) for code, name, value, ill in
                    models.ComparatorValue.objects.filter(measure_id=m.measure_id, area_id__in=others, period=label)
                    .exclude(value=None).values_list("area__code", "area__name", "value", "illustrative")]
        polarity = Polarity(m.measure.polarity)
        rows.sort(key=lambda v: (-v.value if polarity is Polarity.HIGHER else v.value, v.area_name))
        raw = values.get(m.kpi.code)
        value = None if raw is None else Decimal(str(raw))
        standing = compare(value, [v.value for v in rows], polarity) if rows else None
        caveat = None
        if label is not None:
            caveat = period_caveat(period, parse_comparator_period(label), m.area.name,
                                   rolling.get(m.kpi.code, m.kpi.rolling_12_months))
        out[m.kpi.code] = KpiStanding(
            kpi=m.kpi.code, measure=m.measure.code, measure_title=m.measure.title, unit=m.measure.unit,
            polarity=polarity, source=m.measure.source, group=m.group.code, group_name=m.group.name,
            group_source=m.group.source, area_code=m.area.code, area_name=m.area.name, kpi_period=period.label,
            period=label or "", value=value, standing=standing, caveat=caveat, values=tuple(rows),
        )
    return out


def standing(kpi_code: str, period: Quarter, value: Decimal | float | None) -> KpiStanding | None:
    """One KPI's standing for ``period`` with its value ``value``; None when it is not mapped."""
    return standings(period, {kpi_code: value}).get(kpi_code)
