"""What the pages and the API read about returns: a return's lines with the facts a data owner
needs (last value, target, floor, polarity), the status board, late returns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings

from beacon.core import clock
from beacon.core.models import Directorate
from beacon.core.stale import version
from beacon.domain import lateness
from beacon.domain.periods import Month, Quarter, parse_period, period_sort, quarter_of
from beacon.performance import models as pm
from beacon.performance.results import decimals_in_force, kpis_in_edition, target_in_force

from .entries import COMMENTARY, COMMENTARY_LABEL, LineKind, field_label, field_name, prefix
from .models import Return, ReturnPeriod, YearClosure, number_text


def year_closed(financial_year: str) -> bool:
    """Whether the year is closed now (a closure that has been reopened no longer holds)."""
    return YearClosure.objects.filter(financial_year=financial_year, reopened_at__isnull=True).exists()


def directorates_for(q: Quarter) -> list[Directorate]:
    """Directorates with KPIs in the period's edition or with activity indicators."""
    ids = set(kpis_in_edition(q).values_list("directorate_id", flat=True))
    ids |= set(pm.ActivityIndicator.objects.values_list("directorate_id", flat=True))
    return list(Directorate.objects.filter(pk__in=ids))


# --- what is held for the quarter ------------------------------------------------------------
@dataclass(frozen=True)
class Held:
    """What the performance data holds for one line's quarter: the value (a monthly KPI: by
    month), the data note, the commentary and who wrote it. A return starts from it, and a
    blank in the return does not remove it without an explicit removal."""

    value: Decimal | None = None
    months: dict = field(default_factory=dict)  # month label -> Decimal | None
    note: str = ""
    commentary: str = ""
    commentary_author: str = ""

    def month_value(self, label: str) -> Decimal | None:
        return self.months.get(label)

    @property
    def empty(self) -> bool:
        return self.value is None and not any(v is not None for v in self.months.values()) and not self.note \
            and not self.commentary


@dataclass(frozen=True)
class HeldCommentary:
    text: str = ""
    author: str = ""


def _commentary(q: Quarter, directorate: Directorate, kpi=None) -> HeldCommentary:
    row = pm.Commentary.objects.filter(period=q.label, directorate=directorate, sub_area=None, kpi=kpi, topic="").first()
    return HeldCommentary(row.text, row.author) if row else HeldCommentary()


def held_for_kpi(kpi: pm.Kpi, q: Quarter) -> Held:
    """A KPI's value(s), data note and commentary held for ``q``."""
    return held_for_kpis([kpi], q)[kpi.pk]


def held_for_kpis(kpis, q: Quarter) -> dict[int, Held]:
    """:func:`held_for_kpi` for many KPIs at once (KPI id -> what is held), in two queries
    whatever their number."""
    kpis = list(kpis)
    if not kpis:
        return {}
    months = [m.label for m in q.months]
    observations: dict[tuple[int, str], pm.Observation] = {}
    rows = pm.Observation.objects.filter(kpi__in=kpis, period__in=[q.label, *months]).order_by("-pk")
    for obs in rows.only("kpi_id", "period", "value", "note"):
        observations[(obs.kpi_id, obs.period)] = obs  # the lowest key last: what .first() would find
    comments: dict[tuple[int, int], HeldCommentary] = {}
    rows = pm.Commentary.objects.filter(period=q.label, directorate_id__in={k.directorate_id for k in kpis},
                                        sub_area=None, kpi__in=kpis, topic="").order_by("-pk")
    for row in rows.only("directorate_id", "kpi_id", "text", "author"):
        comments[(row.directorate_id, row.kpi_id)] = HeldCommentary(row.text, row.author)
    out = {}
    for kpi in kpis:
        comment = comments.get((kpi.directorate_id, kpi.pk), HeldCommentary())
        if kpi.frequency == "monthly":
            held = {m: observations.get((kpi.pk, m)) for m in months}
            note = next((o.note for o in held.values() if o is not None and o.note), "")
            out[kpi.pk] = Held(months={m: o.value if o else None for m, o in held.items()}, note=note,
                               commentary=comment.text, commentary_author=comment.author)
        else:
            obs = observations.get((kpi.pk, q.label))
            out[kpi.pk] = Held(value=obs.value if obs else None, note=obs.note if obs else "", commentary=comment.text,
                               commentary_author=comment.author)
    return out


def held_for_indicator(indicator: pm.ActivityIndicator, q: Quarter) -> Held:
    return held_for_indicators([indicator], q)[indicator.pk]


def held_for_indicators(indicators, q: Quarter) -> dict[int, Held]:
    """:func:`held_for_indicator` for many indicators at once (indicator id -> what is held)."""
    indicators = list(indicators)
    values = {}
    rows = pm.ActivityObservation.objects.filter(indicator__in=indicators, period=q.label).order_by("-pk")
    for obs in rows.only("indicator_id", "value"):
        values[obs.indicator_id] = obs.value
    return {ind.pk: Held(value=values.get(ind.pk)) for ind in indicators}


def held_commentary(q: Quarter, directorate: Directorate) -> HeldCommentary:
    """The directorate's commentary held for the quarter."""
    return _commentary(q, directorate)


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
    remove: bool = False  # approval removes the held values the line leaves blank
    remove_reason: str = ""
    entered_by: str = ""
    commentary_by: str = ""
    held: Held = Held()  # what the performance data holds for the quarter now

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

    def fields(self) -> dict[str, str]:
        """The line's editable fields as the form shows them (field name -> text)."""
        if self.monthly:
            out = {self.field(m.month): m.value_text for m in self.months}
        else:
            out = {self.field("value"): self.value_text}
        out[self.field("note")] = self.note
        out[self.field("commentary")] = self.commentary
        return out

    def labels(self) -> dict[str, str]:
        parts = [m.month for m in self.months] if self.monthly else ["value"]
        return {self.field(p): field_label(self.code, p) for p in [*parts, "note", "commentary"]}

    @property
    def holds_something(self) -> bool:
        return not self.held.empty


class _Earlier(NamedTuple):
    """An observation before the return's quarter, as a return line reads it."""

    period: str
    value: Decimal | None
    illustrative: bool


def _last_reported(observations) -> tuple[Decimal | None, str]:
    """The value the reports show for the latest earlier quarter that has one: a quarter's value
    is its latest observation (for a monthly KPI the latest month of the quarter, as
    ``beacon.performance.results`` takes it), never an illustrative one. ``observations``: newest
    first."""
    seen: set = set()
    for obs in observations:
        if obs.illustrative:  # a demo chart's made-up history is never a value a return follows on from
            continue
        q = quarter_of(parse_period(obs.period))
        if q in seen:
            continue
        seen.add(q)
        if obs.value is not None:
            label = q.label if obs.period == q.label else f"{q.label}, {parse_period(obs.period).long_label}"
            return obs.value, label
    return None, ""


_LAST_REPORTED_ROWS = 36  # at most this many observations before the quarter are looked through
_RECENT_QUARTERS = 4  # first look in the year before the quarter, where a KPI's last value almost always is


def _earlier_rows(kpi_ids, since: int | None, before: int) -> dict[int, list[_Earlier]]:
    """Each KPI's latest observations with ``since <= period_sort < before`` (no lower bound
    without ``since``), newest first, at most :data:`_LAST_REPORTED_ROWS` a KPI: plain rows,
    not model instances (read on every view, save and submission of a return)."""
    rows = pm.Observation.objects.filter(kpi_id__in=kpi_ids, period_sort__lt=before)
    if since is not None:
        rows = rows.filter(period_sort__gte=since)
    earlier: dict[int, list[_Earlier]] = {}
    for kpi_id, period, value, illustrative in rows.order_by("kpi_id", "-period_sort", "-pk").values_list(
            "kpi_id", "period", "value", "illustrative"):
        kept = earlier.setdefault(kpi_id, [])
        if len(kept) < _LAST_REPORTED_ROWS:
            kept.append(_Earlier(period, value, illustrative))
    return earlier


def _last_reported_before(kpis, q: Quarter) -> dict[int, tuple[Decimal | None, str]]:
    """Each KPI's last reported value before ``q`` and the period it is for (KPI id -> (value,
    label); :func:`_last_reported` over its latest observations before the quarter).

    The year before ``q`` is read first: whole quarters (a quarter and its months), so what it
    holds is the start of the KPI's newest-first history, and a value found there is the one the
    whole history gives. Only the KPIs without one there have their longer history read."""
    before = period_sort(q.months[0])  # anything earlier than the quarter's first month
    since = period_sort(q.shift(-_RECENT_QUARTERS).months[0])
    ids = [k.pk for k in kpis]
    out = {}
    recent = _earlier_rows(ids, since, before)
    for kpi_id in ids:
        found = _last_reported(recent.get(kpi_id, []))
        if found[0] is not None:
            out[kpi_id] = found
    rest = [kpi_id for kpi_id in ids if kpi_id not in out]
    if rest:
        earlier = _earlier_rows(rest, None, before)
        out.update({kpi_id: _last_reported(earlier.get(kpi_id, [])) for kpi_id in rest})
    return out


def return_lines(ret: Return) -> list[LineView]:
    """The return's KPI lines (the quarter's edition, in catalogue order), then its activity
    indicator lines."""
    q = Quarter.parse(ret.period.period)
    saved = list(ret.lines.all())
    saved_kpi = {line.kpi_id: line for line in saved if line.kpi_id}
    saved_ind = {line.indicator_id: line for line in saved if line.indicator_id}
    out = []
    kpis = list(kpis_in_edition(q).filter(directorate=ret.directorate).order_by("display_order", "code"))
    targets: dict[int, list] = {}
    for row in pm.KpiTarget.objects.filter(kpi__in=kpis, financial_year=q.financial_year.label):
        targets.setdefault(row.kpi_id, []).append(row)
    last_reported = _last_reported_before(kpis, q)
    held = held_for_kpis(kpis, q)
    for kpi in kpis:
        last_value, last_period = last_reported.get(kpi.pk, (None, ""))
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
                **_line_state(line),
                held=held[kpi.pk],
            )
        )
    indicators = list(pm.ActivityIndicator.objects.filter(directorate=ret.directorate).order_by("display_order", "code"))
    latest: dict[int, _Earlier] = {}  # each indicator's latest observation before the quarter
    rows = pm.ActivityObservation.objects.filter(indicator__in=indicators, period_sort__lt=ret.period.period_sort)
    for indicator_id, period, value in rows.order_by("indicator_id", "-period_sort", "pk").values_list(
            "indicator_id", "period", "value"):
        if indicator_id not in latest:
            latest[indicator_id] = _Earlier(period, value, False)
    held_ind = held_for_indicators(indicators, q)
    for ind in indicators:
        last = latest.get(ind.pk)
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
                **_line_state(line),
                held=held_ind[ind.pk],
            )
        )
    return out


def _line_state(line) -> dict:
    if line is None:
        return {}
    return {"remove": line.remove, "remove_reason": line.remove_reason, "entered_by": line.entered_by,
            "commentary_by": line.commentary_by}


def return_fields(ret: Return, lines: list[LineView] | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """The return's editable fields as its form shows them (field name -> text: every line's
    value or months, data note and commentary, and the directorate commentary), and their
    labels: what a stale-safe save compares and an API version covers."""
    values, labels = {}, {}
    for line in lines if lines is not None else return_lines(ret):
        values.update(line.fields())
        labels.update(line.labels())
    values[COMMENTARY] = ret.commentary
    labels[COMMENTARY] = COMMENTARY_LABEL
    return values, labels


def return_version(ret: Return) -> str:
    """The version of the return's editable values (the API's ``ETag``)."""
    return version(return_fields(ret)[0])


def return_history(ret: Return, latest: int | None = None) -> tuple[list, int]:
    """The return's history events, oldest first: every one, or only the ``latest`` few (a large
    return's every save lists each changed field, so its whole history grows with every draft
    saved); and how many events there are in all."""
    if latest is None:
        events = list(ret.events.all())
        return events, len(events)
    newest = list(ret.events.order_by("-at", "-pk")[:latest + 1])
    total = len(newest) if len(newest) <= latest else ret.events.count()
    return newest[:latest][::-1], total


# --- status ----------------------------------------------------------------------------------
def _local_date(instant: dt.datetime | None) -> dt.date | None:
    return instant.astimezone(ZoneInfo(settings.TIME_ZONE)).date() if instant else None


def is_late(ret: Return, today: dt.date | None = None) -> bool:
    """Whether the return is late (the rule: :func:`beacon.domain.lateness.is_late`, on the
    day it was first submitted)."""
    return lateness.is_late(ret.period.due_date, _local_date(ret.first_submitted_at), today or clock.today())


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
