"""The quarterly return: open a period, enter and submit values, review, approve or return,
close a year. Views and the API call these; neither writes the models directly.

Approved values become :class:`~beacon.performance.models.Observation` rows (provisional), and
every change is recorded as a :class:`~beacon.performance.models.Revision` through the same
``upsert`` the bundle import uses. Closing a financial year makes its observations final
(performance spec 3.7).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from beacon.bundle.importer import LoadContext
from beacon.bundle.schema import Record, parse_number
from beacon.domain.periods import FinancialYear, Month, PeriodError, Quarter, parse_period, quarter_of
from beacon.performance import models as pm
from beacon.performance.bundle.load import period_sort, record_revision, upsert
from beacon.performance.results import kpis_in_edition, target_in_force
from beacon.core import clock

from ..models import Return, ReturnEvent, ReturnLine, ReturnPeriod, YearClosure


class ReturnError(Exception):
    """A request the return's state does not allow; ``errors`` maps field -> reason."""

    def __init__(self, message: str, errors: dict[str, str] | None = None):
        super().__init__(message)
        self.errors = errors or {}


def _username(user) -> str:
    return getattr(user, "username", None) or str(user)


def quarter_sort(q: Quarter) -> int:
    return period_sort(q)


# --- periods ---------------------------------------------------------------------------------
def year_closed(financial_year: str) -> bool:
    return YearClosure.objects.filter(financial_year=financial_year).exists()


def directorates_for(q: Quarter):
    """Directorates with KPIs in the period's edition or with activity indicators."""
    ids = set(kpis_in_edition(q).values_list("directorate_id", flat=True))
    ids |= set(pm.ActivityIndicator.objects.values_list("directorate_id", flat=True))
    return list(pm.Directorate.objects.filter(pk__in=ids))


@transaction.atomic
def open_period(period_text: str, due_date: dt.date | None, user) -> ReturnPeriod:
    errors = {}
    try:
        q = Quarter.parse(period_text)
    except PeriodError as exc:
        errors["period"] = str(exc)
        q = None
    if due_date is None:
        errors["due_date"] = "Enter the date returns are due"
    if q is not None:
        if ReturnPeriod.objects.filter(period=q.label).exists():
            errors["period"] = f"{q.label} is already open for returns"
        elif year_closed(q.financial_year.label):
            errors["period"] = f"{q.financial_year.label} is closed: its data is final"
        elif not directorates_for(q):
            errors["period"] = f"{q.label} has no KPIs (no targets for {q.financial_year.label}) and there are no activity indicators"
    if errors:
        raise ReturnError("The period was not opened", errors)
    rp = ReturnPeriod.objects.create(
        period=q.label, period_sort=quarter_sort(q), due_date=due_date, opened_by=_username(user), opened_at=clock.now()
    )
    for d in directorates_for(q):
        ret = Return.objects.create(period=rp, directorate=d)
        ReturnEvent.objects.create(ret=ret, action="opened", by=_username(user), at=rp.opened_at)
    return rp


# --- what a data owner sees ------------------------------------------------------------------
@dataclass
class MonthEntry:
    """One month of a monthly KPI's line: the field ``kpi-CS1-2022-10``, labelled October 2022."""

    label: str  # 2022-10
    name: str  # October 2022
    value_text: str = ""


@dataclass
class LineView:
    kind: str  # "kpi" | "indicator"
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
    value_text: str = ""
    note: str = ""
    commentary: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    months: list[MonthEntry] = field(default_factory=list)  # a monthly KPI: one entry per month of the quarter

    @property
    def field_prefix(self) -> str:
        return f"{self.kind}-{self.code}"

    @property
    def monthly(self) -> bool:
        return bool(self.months)

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


def _num_text(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def return_lines(ret: Return) -> list[LineView]:
    q = Quarter.parse(ret.period.period)
    before = period_sort(q.months[0])  # anything earlier than the quarter's first month
    existing_kpi = {line.kpi_id: line for line in ret.lines.all() if line.kpi_id}
    existing_ind = {line.indicator_id: line for line in ret.lines.all() if line.indicator_id}
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
        line = existing_kpi.get(kpi.pk)
        if row is not None and kpi.polarity == "range":
            target_text = f"{_num_text(row.target_low)} – {_num_text(row.target_high)}"
            floor_text = f"{_num_text(row.floor_low)} – {_num_text(row.floor_high)}"
        else:
            target_text = _num_text(row.target) if row else ""
            floor_text = _num_text(row.floor) if row else ""
        out.append(
            LineView(
                kind="kpi",
                code=kpi.code,
                name=kpi.name,
                unit=kpi.unit,
                decimals=kpi.decimals,
                polarity=kpi.polarity,
                last_value=last_value,
                last_period=last_period,
                target=row.target if row else None,
                floor=row.floor if row else None,
                target_text=target_text,
                floor_text=floor_text,
                value_text=line.value_text if line else "",
                note=line.note if line else "",
                commentary=line.commentary if line else "",
                months=[
                    MonthEntry(m.label, m.long_label, (line.month_values or {}).get(m.label, "") if line else "")
                    for m in q.months
                ] if kpi.frequency == "monthly" else [],
            )
        )
    for ind in pm.ActivityIndicator.objects.filter(directorate=ret.directorate).order_by("display_order", "code"):
        last = pm.ActivityObservation.objects.filter(indicator=ind, period_sort__lt=ret.period.period_sort).order_by("-period_sort").first()
        line = existing_ind.get(ind.pk)
        out.append(
            LineView(
                kind="indicator",
                code=ind.code,
                name=ind.name,
                unit=ind.unit,
                decimals=ind.decimals,
                last_value=last.value if last else None,
                last_period=last.period if last else "",
                value_text=line.value_text if line else "",
                note=line.note if line else "",
                commentary=line.commentary if line else "",
            )
        )
    return out


# --- entering values -------------------------------------------------------------------------
MAX_TEXT = 5000


def _parse_value(text: str, line: LineView) -> tuple[Decimal | None, str | None]:
    raw = (text or "").strip()
    if not raw:
        return None, None
    try:
        number = parse_number(raw)
    except ValueError as exc:
        return None, str(exc)
    value = number.value
    if line.unit == "percent" and not (Decimal(0) <= value <= Decimal(100)):
        return None, f"{raw!r} is not a percentage between 0 and 100"
    if line.unit in ("count", "days", "seconds", "tonnes") and value < 0:
        return None, f"{raw!r} must not be negative"
    return value, None


def validate_entries(lines: list[LineView], entries: dict[str, dict[str, str]]) -> dict[str, str]:
    """``entries``: field prefix (``kpi-CS1``) -> {"value", "note", "commentary"}, and for a
    monthly KPI "months": {"2022-10": "97", ...} instead of "value". Returns errors keyed by form
    field name (``kpi-CS1-value``, ``kpi-CS1-2022-10``), each naming the field and the reason."""
    errors = {}
    for line in lines:
        entry = entries.get(line.field_prefix, {})
        if line.monthly:
            if (entry.get("value") or "").strip():
                names = ", ".join(m.name for m in line.months)
                errors[f"{line.field_prefix}-value"] = (
                    f"{line.code} value: {line.code} is monthly; enter a value for each month ({names})"
                )
            months = entry.get("months") or {}
            unknown = sorted(set(months) - {m.label for m in line.months})
            if unknown:
                errors[f"{line.field_prefix}-value"] = (
                    f"{line.code} value: {', '.join(unknown)} is not a month of this quarter"
                )
            for m in line.months:
                _, problem = _parse_value(months.get(m.label, ""), line)
                if problem:
                    errors[f"{line.field_prefix}-{m.label}"] = f"{line.code} {m.name} value: {problem}"
        else:
            _, problem = _parse_value(entry.get("value", ""), line)
            if problem:
                errors[f"{line.field_prefix}-value"] = f"{line.code} value: {problem}"
        for name in ("note", "commentary"):
            if len(entry.get(name, "") or "") > MAX_TEXT:
                errors[f"{line.field_prefix}-{name}"] = f"{line.code} {name}: must be {MAX_TEXT} characters or fewer"
    return errors


def _check_editable(ret: Return, user) -> None:
    from beacon.web.permissions import EDIT_RETURN, check

    check(user, EDIT_RETURN, ret.directorate)
    if not ret.editable:
        raise ReturnError(f"The return is {ret.get_status_display().lower()} and cannot be changed")
    if year_closed(Quarter.parse(ret.period.period).financial_year.label):
        raise ReturnError("The financial year is closed: its data is final")


@transaction.atomic
def save_draft(ret: Return, entries: dict[str, dict[str, str]], commentary: str, user) -> list[dict]:
    """Save what the owner typed. Raises :class:`ReturnError` (nothing saved) when any field is
    invalid. Returns the changes made (field, old, new), also kept as a history event."""
    ret = Return.objects.select_for_update().get(pk=ret.pk)
    _check_editable(ret, user)
    lines = return_lines(ret)
    errors = validate_entries(lines, entries)
    if len(commentary or "") > MAX_TEXT:
        errors["commentary"] = f"Directorate commentary: must be {MAX_TEXT} characters or fewer"
    if errors:
        raise ReturnError("The return was not saved", errors)
    changes = []
    kpis = {k.code: k for k in pm.Kpi.objects.filter(directorate=ret.directorate)}
    indicators = {i.code: i for i in pm.ActivityIndicator.objects.filter(directorate=ret.directorate)}
    for line in lines:
        entry = entries.get(line.field_prefix)
        if entry is None:
            continue
        lookup = {"kpi": kpis[line.code]} if line.kind == "kpi" else {"indicator": indicators[line.code]}
        obj = ReturnLine.objects.filter(ret=ret, **lookup).first() or ReturnLine(ret=ret, **lookup)
        new = {
            "value_text": (entry.get("value") or "").strip(),
            "note": (entry.get("note") or "").strip(),
            "commentary": (entry.get("commentary") or "").strip(),
        }
        if line.monthly:
            new["value_text"] = ""
            months = entry.get("months")
            if months is None:  # left out (the API): keep what was saved
                months = obj.month_values or {}
            typed = {m.label: (months.get(m.label) or "").strip() for m in line.months}
            old_months = obj.month_values or {}
            for m in line.months:
                old, value = old_months.get(m.label, ""), typed[m.label]
                if old != value:
                    changes.append({"field": f"{line.code} {m.name} value", "old": old, "new": value})
            if {k: v for k, v in old_months.items() if v} != {k: v for k, v in typed.items() if v}:
                obj.month_values = {k: v for k, v in typed.items() if v}
                dirty = True
            else:
                dirty = False
        else:
            dirty = False
        for name, value in new.items():
            old = getattr(obj, name)
            if old != value:
                changes.append({"field": f"{line.code} {name.replace('_text', '')}", "old": old, "new": value})
                setattr(obj, name, value)
                dirty = True
        if dirty:
            obj.value = _parse_value(obj.value_text, line)[0]
            obj.save()
    commentary = (commentary or "").strip()
    if commentary != ret.commentary:
        changes.append({"field": "directorate commentary", "old": ret.commentary, "new": commentary})
        ret.commentary = commentary
    if ret.status == Return.NOT_STARTED or (changes and ret.status == Return.RETURNED):
        ret.status = Return.DRAFT
    ret.save()
    if changes:
        ReturnEvent.objects.create(ret=ret, action="saved", by=_username(user), at=clock.now(), changes=changes)
    return changes


@transaction.atomic
def submit(ret: Return, user) -> None:
    ret = Return.objects.select_for_update().get(pk=ret.pk)
    _check_editable(ret, user)
    errors = {}
    for line in return_lines(ret):
        if line.kind == "kpi" and line.monthly:
            for m in line.months:
                if not m.value_text and not line.note:
                    errors[f"{line.field_prefix}-{m.label}"] = (
                        f"{line.code} {m.name} value: enter a value, or say in the data note why there is none"
                    )
        elif line.kind == "kpi" and not line.value_text and not line.note:
            errors[f"{line.field_prefix}-value"] = (
                f"{line.code} value: enter a value, or say in the data note why there is none"
            )
    if errors:
        raise ReturnError("The return was not submitted; your entries are saved as a draft", errors)
    now = clock.now()
    ret.status = Return.SUBMITTED
    ret.submitted_by, ret.submitted_at = _username(user), now
    ret.save()
    ReturnEvent.objects.create(ret=ret, action="submitted", by=_username(user), at=now)


# --- review --------------------------------------------------------------------------------
def _check_review(ret: Return, user) -> None:
    from beacon.web.permissions import REVIEW_RETURN, check

    check(user, REVIEW_RETURN)
    if ret.status != Return.SUBMITTED:
        raise ReturnError(f"Only a submitted return can be reviewed; this one is {ret.get_status_display().lower()}")


@transaction.atomic
def send_back(ret: Return, comment: str, user) -> None:
    ret = Return.objects.select_for_update().get(pk=ret.pk)
    _check_review(ret, user)
    comment = (comment or "").strip()
    if not comment:
        raise ReturnError("The return was not sent back", {"comment": "Comment: say what needs to change"})
    now = clock.now()
    ret.status = Return.RETURNED
    ret.reviewed_by, ret.reviewed_at, ret.review_comment = _username(user), now, comment
    ret.save()
    ReturnEvent.objects.create(ret=ret, action="returned", by=_username(user), at=now, comment=comment)


@transaction.atomic
def approve(ret: Return, comment: str, user) -> dict:
    """Approve a submitted return: its values become provisional observations, its text
    becomes commentary, each change recorded as a revision. Returns the load summary."""
    ret = Return.objects.select_for_update().get(pk=ret.pk)
    _check_review(ret, user)
    q = Quarter.parse(ret.period.period)
    if year_closed(q.financial_year.label):
        raise ReturnError("The financial year is closed: its data is final")
    now = clock.now()
    who = _username(user)
    source = f"web return {q.label} {ret.directorate.code}"
    ctx = LoadContext(user=who, now=now, source=source, reason=(comment or "").strip() or "approved return")
    record = Record(file="return", line=0, data={})
    for line in ret.lines.select_related("kpi", "indicator"):
        if line.kpi_id and line.kpi.frequency == "monthly":
            # a monthly KPI is stored by month, as the bundle requires (validate.py)
            kpi = line.kpi
            months = line.month_values or {}
            for m in q.months:
                text = months.get(m.label, "")
                existing = pm.Observation.objects.filter(kpi=kpi, period=m.label).first()
                if text or line.note or existing is not None:
                    value = parse_number(text).value if text else None
                    upsert(
                        ctx, record, pm.Observation, {"kpi": kpi, "period": m.label},
                        {"value": value, "note": line.note}, "observation", f"{kpi.code} {m.label}",
                        defaults={"period_sort": period_sort(m), "status": "provisional"}, track_creation=("value",),
                    )
        elif line.kpi_id:
            kpi = line.kpi
            existing = pm.Observation.objects.filter(kpi=kpi, period=q.label).first()
            if line.value_text or line.note or existing is not None:
                upsert(
                    ctx, record, pm.Observation, {"kpi": kpi, "period": q.label},
                    {"value": line.value, "note": line.note}, "observation", f"{kpi.code} {q.label}",
                    defaults={"period_sort": period_sort(q), "status": "provisional"}, track_creation=("value",),
                )
        if line.kpi_id:
            if line.commentary:
                upsert(
                    ctx, record, pm.Commentary,
                    {"period": q.label, "directorate": ret.directorate, "sub_area": None, "kpi": kpi, "topic": ""},
                    {"text": line.commentary, "author": who}, "commentary", f"{q.label} {ret.directorate.code} {kpi.code}",
                    track_creation=("text",),
                )
        elif line.indicator_id and line.value is not None:
            ind = line.indicator
            upsert(
                ctx, record, pm.ActivityObservation, {"indicator": ind, "period": q.label}, {"value": line.value},
                "activity_observation", f"{ind.code} {q.label}", defaults={"period_sort": period_sort(q)},
                track_creation=("value",),
            )
    if ret.commentary:
        upsert(
            ctx, record, pm.Commentary,
            {"period": q.label, "directorate": ret.directorate, "sub_area": None, "kpi": None, "topic": ""},
            {"text": ret.commentary, "author": who}, "commentary", f"{q.label} {ret.directorate.code}",
            track_creation=("text",),
        )
    ret.status = Return.APPROVED
    ret.reviewed_by, ret.reviewed_at, ret.review_comment = who, now, (comment or "").strip()
    ret.save()
    summary = dict(ctx.summary.get("return", {}))
    ReturnEvent.objects.create(ret=ret, action="approved", by=who, at=now, comment=ret.review_comment, changes=[summary])
    pm.ImportRun.objects.create(source=source, imported_by=who, imported_at=now, summary={"files": {"return": summary}, "reason": ctx.reason})
    return summary


@transaction.atomic
def close_year(financial_year: str, user) -> int:
    """Close a financial year: every observation in it becomes final. Returns how many changed."""
    from beacon.web.permissions import CLOSE_YEAR, check

    check(user, CLOSE_YEAR)
    try:
        fy = FinancialYear.parse(financial_year)
    except PeriodError as exc:
        raise ReturnError("The year was not closed", {"financial_year": str(exc)}) from None
    if year_closed(fy.label):
        raise ReturnError("The year was not closed", {"financial_year": f"{fy.label} is already closed"})
    pending = Return.objects.filter(period__period__startswith=fy.label).exclude(status=Return.APPROVED)
    if pending.exists():
        names = ", ".join(sorted({str(r) for r in pending})[:5])
        raise ReturnError("The year was not closed", {"financial_year": f"returns not yet approved: {names}"})
    now = clock.now()
    who = _username(user)
    labels = [q.label for q in fy.quarters] + [m.label for q in fy.quarters for m in q.months]
    ctx = LoadContext(user=who, now=now, source=f"web close year {fy.label}", reason=f"year {fy.label} closed as final")
    changed = 0
    for obs in pm.Observation.objects.filter(period__in=labels, status="provisional").select_related("kpi"):
        record_revision(ctx, "observation", f"{obs.kpi.code} {obs.period}", "status", "provisional", "final", "close year")
        obs.status = "final"
        obs.save(update_fields=["status"])
        changed += 1
    YearClosure.objects.create(financial_year=fy.label, closed_by=who, closed_at=now)
    return changed


# --- the status board ------------------------------------------------------------------------
def is_late(ret: Return, today: dt.date | None = None) -> bool:
    today = today or clock.today()
    return ret.status in (Return.NOT_STARTED, Return.DRAFT, Return.RETURNED) and today > ret.period.due_date


def board(rp: ReturnPeriod) -> list[dict]:
    today = clock.today()
    return [
        {"ret": r, "late": is_late(r, today), "missing": r.status == Return.NOT_STARTED}
        for r in rp.returns.select_related("directorate", "period")
    ]


def awaiting_review() -> list[Return]:
    return list(Return.objects.filter(status=Return.SUBMITTED).select_related("period", "directorate")
                .order_by("period__period_sort", "directorate__display_order"))


def open_returns_for(directorate_ids) -> list[dict]:
    """A data owner's returns that still need them: not started, draft or returned."""
    rows = Return.objects.filter(
        directorate_id__in=directorate_ids, status__in=(Return.NOT_STARTED, Return.DRAFT, Return.RETURNED)
    ).select_related("period", "directorate").order_by("period__due_date")
    return [{"ret": r, "late": is_late(r)} for r in rows]
