"""What the pages and the API read about returns: a return's lines with the facts a data owner
needs (last value, target, floor, polarity), the status board, late returns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from beacon.core import clock
from beacon.core.models import Directorate
from beacon.domain.periods import Month, Quarter, parse_period, period_sort, quarter_of
from beacon.performance import models as pm
from beacon.performance.results import decimals_in_force, kpis_in_edition, target_in_force

from .entries import LineKind, field_name, prefix
from .models import Return, ReturnPeriod, YearClosure, number_text


def year_closed(financial_year: str) -> bool:
    return YearClosure.objects.filter(financial_year=financial_year).exists()


def directorates_for(q: Quarter) -> list[Directorate]:
    """Directorates with KPIs in the period's edition or with activity indicators."""
    ids = set(kpis_in_edition(q).values_list("directorate_id", flat=True))
    ids |= set(pm.ActivityIndicator.objects.values_list("directorate_id", flat=True))
    return list(Directorate.objects.filter(pk__in=ids))


# --- a return's lines ------------------------------------------------------------------------
@dataclass(frozen=True)
class MonthView:
    """One month of a monthly KPI's line (field ``kpi-A3-2022-10``, shown as October 2022)."""

    month: Month
    value: Decimal | None = None

    @property
    def label(self) -> str:
        return self.month.label

    @property
    def name(self) -> str:
        return self.month.long_label

    @property
    def value_text(self) -> str:
        return number_text(self.value)


@dataclass(frozen=True)
class LineView:
    """One line of a return as saved, with what the data owner is shown beside it."""

    kind: LineKind
    code: str
    name: str
    unit: str
    decimals: int
    polarity: str = ""
    last_value: Decimal | None = None
    last_period: str = ""
    target: Decimal | None = None
    floor: Decimal | None = None
    target_text: str = ""
    floor_text: str = ""
    target_source: str = ""  # beacon.domain.provenance: "" or published, derived, assumed
    floor_source: str = ""
    value: Decimal | None = None
    note: str = ""
    commentary: str = ""
    months: tuple[MonthView, ...] = ()  # a monthly KPI: one a month of the quarter

    @property
    def field_prefix(self) -> str:
        return prefix(self.kind, self.code)

    def field(self, part) -> str:
        return field_name(self.kind, self.code, part)

    @property
    def monthly(self) -> bool:
        return bool(self.months)

    @property
    def value_text(self) -> str:
        return number_text(self.value)

    @property
    def month_values(self) -> dict[str, str]:
        return {m.label: m.value_text for m in self.months}


def _last_reported(observations) -> tuple[Decimal | None, str]:
    """The value the reports show for the latest earlier quarter that has one: a quarter's value
    is its latest observation (for a monthly KPI the latest month of the quarter, as
    ``beacon.performance.results`` takes it). ``observations``: newest first."""
    seen: set = set()
    for obs in observations:
        q = quarter_of(parse_period(obs.period))
        if q in seen:
            continue
        seen.add(q)
        if obs.value is not None:
            label = q.label if obs.period == q.label else f"{q.label}, {parse_period(obs.period).long_label}"
            return obs.value, label
    return None, ""


def return_lines(ret: Return) -> list[LineView]:
    """The return's KPI lines (the quarter's edition, in catalogue order), then its activity
    indicator lines."""
    q = Quarter.parse(ret.period.period)
    before = period_sort(q.months[0])  # anything earlier than the quarter's first month
    saved = list(ret.lines.all())
    saved_kpi = {line.kpi_id: line for line in saved if line.kpi_id}
    saved_ind = {line.indicator_id: line for line in saved if line.indicator_id}
    out = []
    kpis = list(kpis_in_edition(q).filter(directorate=ret.directorate).order_by("display_order", "code"))
    targets: dict[int, list] = {}
    for row in pm.KpiTarget.objects.filter(kpi__in=kpis, financial_year=q.financial_year.label):
        targets.setdefault(row.kpi_id, []).append(row)
    for kpi in kpis:
        last_value, last_period = _last_reported(
            pm.Observation.objects.filter(kpi=kpi, period_sort__lt=before).order_by("-period_sort", "-pk")[:36]
        )
        row = target_in_force(targets.get(kpi.pk, []), q)
        line = saved_kpi.get(kpi.pk)
        if row is not None and kpi.polarity == "range":
            target_text = f"{number_text(row.target_low)} – {number_text(row.target_high)}"
            floor_text = f"{number_text(row.floor_low)} – {number_text(row.floor_high)}"
        else:
            target_text = number_text(row.target) if row else ""
            floor_text = number_text(row.floor) if row else ""
        months = ()
        if kpi.frequency == "monthly":
            months = tuple(MonthView(m, line.month_value(m.label) if line else None) for m in q.months)
        out.append(
            LineView(
                kind=LineKind.KPI,
                code=kpi.code,
                name=kpi.name,
                unit=kpi.unit,
                decimals=decimals_in_force(kpi, row),
                polarity=kpi.polarity,
                last_value=last_value,
                last_period=last_period,
                target=row.target if row else None,
                floor=row.floor if row else None,
                target_text=target_text,
                floor_text=floor_text,
                target_source=row.target_source if row else "",
                floor_source=row.floor_source if row else "",
                value=line.value if line else None,
                note=line.note if line else "",
                commentary=line.commentary if line else "",
                months=months,
            )
        )
    for ind in pm.ActivityIndicator.objects.filter(directorate=ret.directorate).order_by("display_order", "code"):
        last = pm.ActivityObservation.objects.filter(indicator=ind, period_sort__lt=ret.period.period_sort).order_by("-period_sort").first()
        line = saved_ind.get(ind.pk)
        out.append(
            LineView(
                kind=LineKind.INDICATOR,
                code=ind.code,
                name=ind.name,
                unit=ind.unit,
                decimals=ind.decimals,
                last_value=last.value if last else None,
                last_period=last.period if last else "",
                value=line.value if line else None,
                note=line.note if line else "",
                commentary=line.commentary if line else "",
            )
        )
    return out


# --- status ----------------------------------------------------------------------------------
def is_late(ret: Return, today: dt.date | None = None) -> bool:
    today = today or clock.today()
    return ret.status in Return.OPEN_STATUSES and today > ret.period.due_date


@dataclass(frozen=True)
class BoardRow:
    ret: Return
    late: bool
    missing: bool  # nothing entered yet


def _row(ret: Return, today: dt.date) -> BoardRow:
    return BoardRow(ret, is_late(ret, today), ret.status == Return.Status.NOT_STARTED)


def board(rp: ReturnPeriod) -> list[BoardRow]:
    """Every directorate's return for an open quarter, late and missing ones marked."""
    today = clock.today()
    return [_row(r, today) for r in rp.returns.select_related("directorate", "period")]


def returns_for(directorate_ids=None, period: Quarter | None = None):
    """Returns, newest quarter first: all of them, or those of ``directorate_ids``."""
    rows = Return.objects.select_related("period", "directorate").order_by(
        "-period__period_sort", "directorate__display_order", "directorate__code"
    )
    if directorate_ids is not None:
        rows = rows.filter(directorate_id__in=directorate_ids)
    if period is not None:
        rows = rows.filter(period__period=period.label)
    return rows


def awaiting_review() -> list[Return]:
    return list(Return.objects.filter(status=Return.Status.SUBMITTED).select_related("period", "directorate")
                .order_by("period__period_sort", "directorate__display_order"))


def open_returns_for(directorate_ids) -> list[BoardRow]:
    """A data owner's returns that still need them: not started, draft or returned."""
    today = clock.today()
    rows = Return.objects.filter(directorate_id__in=directorate_ids, status__in=Return.OPEN_STATUSES
                                 ).select_related("period", "directorate").order_by("period__due_date")
    return [_row(r, today) for r in rows]
