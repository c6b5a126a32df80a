"""The quarterly return's workflow: open a quarter, save a draft, submit, send back, approve,
close a year. Each entry point takes one typed command (:mod:`beacon.returns.commands`) and
raises :class:`~beacon.returns.commands.ReturnError` naming the fields concerned; the page's
forms and the API build the commands, and neither writes the models directly.

Roles are not checked here: the caller (a web view, an API endpoint) has asked
:mod:`beacon.core.permissions` whether the user may do this before building the command, and
the command carries the username for the history. The rules about the return's state (only
an open return can be changed, only a submitted one reviewed, a closed year is final) are
checked here, whoever calls.

Approved values are recorded through :mod:`beacon.performance.services` as provisional
observations (a monthly KPI's by month), activity figures and commentary, each change a
revision. Closing a financial year makes its observations final (performance spec 3.7).
"""

from __future__ import annotations

from collections import Counter

from django.db import transaction

from beacon.core import clock
from beacon.core.audit import Change, same_value
from beacon.core.models import ImportRun
from beacon.domain.periods import period_sort
from beacon.performance import models as pm
from beacon.performance import services as performance

from .commands import (
    ApproveReturn,
    CloseYear,
    LineEntry,
    OpenPeriod,
    ReturnError,
    SaveReturn,
    SendBack,
    SubmitReturn,
)
from .entries import (
    COMMENT,
    COMMENT_LABEL,
    COMMENTARY,
    COMMENTARY_LABEL,
    LineKind,
    field_label,
    prefix,
    text_problem,
    value_problem,
)
from .models import Return, ReturnEvent, ReturnLine, ReturnPeriod, YearClosure, number_text
from .queries import LineView, directorates_for, return_lines, year_closed

__all__ = [
    "ReturnError", "check_editable", "open_period", "save_return", "submit_return", "send_back", "approve_return", "close_year",
]


def _locked(return_id: int) -> Return:
    return Return.objects.select_for_update().select_related("period", "directorate").get(pk=return_id)


# --- periods ---------------------------------------------------------------------------------
@transaction.atomic
def open_period(cmd: OpenPeriod) -> ReturnPeriod:
    """Open a quarter for returns: a return for each directorate with KPIs in the quarter's
    edition or with activity indicators."""
    q = cmd.period
    if ReturnPeriod.objects.filter(period=q.label).exists():
        problem = f"{q.label} is already open for returns"
    elif year_closed(q.financial_year.label):
        problem = f"{q.financial_year.label} is closed: its data is final"
    elif not directorates_for(q):
        problem = f"{q.label} has no KPIs (no targets for {q.financial_year.label}) and there are no activity indicators"
    else:
        problem = None
    if problem:
        raise ReturnError("The period was not opened", {"period": problem})
    rp = ReturnPeriod.objects.create(
        period=q.label, period_sort=period_sort(q), due_date=cmd.due_date, opened_by=cmd.by,
        opened_at=clock.now(),
    )
    for d in directorates_for(q):
        ret = Return.objects.create(period=rp, directorate=d)
        ReturnEvent.objects.create(ret=ret, action=ReturnEvent.Action.OPENED, by=cmd.by, at=rp.opened_at)
    return rp


# --- entering values -------------------------------------------------------------------------
def check_editable(ret: Return) -> None:
    """Raise :class:`ReturnError` unless the return can still be changed."""
    if not ret.editable:
        raise ReturnError(f"The return is {ret.get_status_display().lower()} and cannot be changed")
    if year_closed(ret.period.quarter.financial_year.label):
        raise ReturnError("The financial year is closed: its data is final")


def _entry_problems(line: LineView, entry: LineEntry) -> dict[str, str]:
    """Each field of ``entry`` the line cannot take, with the reason."""
    errors = {}
    value_field = line.field("value")
    if line.monthly:
        if entry.value is not None:
            names = ", ".join(m.name for m in line.months)
            errors[value_field] = f"{field_label(line.code, 'value')}: {line.code} is monthly; enter a value for each month ({names})"
        months = {m.month for m in line.months}
        unknown = sorted(mv.month.label for mv in entry.months or () if mv.month not in months)
        if unknown:
            errors[value_field] = f"{field_label(line.code, 'value')}: {', '.join(unknown)} is not a month of this quarter"
        for mv in entry.months or ():
            problem = mv.value is not None and mv.month in months and value_problem(mv.value, line.unit)
            if problem:
                errors[line.field(mv.month)] = f"{field_label(line.code, mv.month)}: {problem}"
    else:
        if entry.months is not None:
            errors[value_field] = f"{field_label(line.code, 'value')}: {line.code} is reported for the quarter; enter one value"
        problem = entry.value is not None and value_problem(entry.value, line.unit)
        if problem:
            errors[value_field] = f"{field_label(line.code, 'value')}: {problem}"
    for part, text in (("note", entry.note), ("commentary", entry.commentary)):
        problem = text_problem(text)
        if problem:
            errors[line.field(part)] = f"{field_label(line.code, part)}: {problem}"
    return errors


def _change(label: str, old: str, new: str) -> dict:
    return {"field": label, "old": old, "new": new}


def _apply(obj: ReturnLine, line: LineView, entry: LineEntry) -> list[dict]:
    """Set ``obj`` from ``entry``; returns the changes (field, old, new) as text."""
    changes = []
    if line.monthly:
        if entry.months is not None:  # None: keep the months saved before
            given = {mv.month: mv.value for mv in entry.months}
            old = obj.month_values or {}
            new = {m.label: number_text(given.get(m.month)) for m in line.months}
            for m in line.months:
                if old.get(m.label, "") != new[m.label]:
                    changes.append(_change(field_label(line.code, m.month), old.get(m.label, ""), new[m.label]))
            obj.month_values = {k: v for k, v in new.items() if v}
        value = None
    else:
        value = entry.value
    if not same_value(obj.value, value):
        changes.append(_change(field_label(line.code, "value"), number_text(obj.value), number_text(value)))
    obj.value = value
    for part in ("note", "commentary"):
        old, new = getattr(obj, part), getattr(entry, part).strip()
        if old != new:
            changes.append(_change(field_label(line.code, part), old, new))
            setattr(obj, part, new)
    return changes


@transaction.atomic
def save_return(cmd: SaveReturn) -> list[dict]:
    """Save what the data owner entered as a draft. Raises :class:`ReturnError` (nothing
    saved) when any field is invalid. Returns the changes made (field, old, new), also kept as
    a history event."""
    ret = _locked(cmd.return_id)
    check_editable(ret)
    lines = {(line.kind, line.code): line for line in return_lines(ret)}
    errors: dict[str, str] = {}
    entries: dict[tuple, LineEntry] = {}
    for entry in cmd.entries:
        line = lines.get((entry.kind, entry.code))
        if line is None:
            name = prefix(entry.kind, entry.code)
            errors[name] = f"{name}: not a KPI or activity indicator of this return"
            continue
        entries[(line.kind, line.code)] = entry
        errors.update(_entry_problems(line, entry))
    if cmd.commentary is not None and text_problem(cmd.commentary):
        errors[COMMENTARY] = f"{COMMENTARY_LABEL}: {text_problem(cmd.commentary)}"
    if errors:
        raise ReturnError("The return was not saved", errors)

    kpis = {k.code: k for k in pm.Kpi.objects.filter(directorate=ret.directorate)}
    indicators = {i.code: i for i in pm.ActivityIndicator.objects.filter(directorate=ret.directorate)}
    changes = []
    for key, line in lines.items():
        entry = entries.get(key)
        if entry is None:
            continue
        lookup = {"kpi": kpis[line.code]} if line.kind == LineKind.KPI else {"indicator": indicators[line.code]}
        obj = ReturnLine.objects.filter(ret=ret, **lookup).first() or ReturnLine(ret=ret, **lookup)
        line_changes = _apply(obj, line, entry)
        if line_changes:
            obj.save()
        changes += line_changes
    if cmd.commentary is not None:
        commentary = cmd.commentary.strip()
        if commentary != ret.commentary:
            changes.append(_change("directorate commentary", ret.commentary, commentary))
            ret.commentary = commentary
    if ret.status == Return.Status.NOT_STARTED or (changes and ret.status == Return.Status.RETURNED):
        ret.status = Return.Status.DRAFT
    ret.save()
    if changes:
        ReturnEvent.objects.create(ret=ret, action=ReturnEvent.Action.SAVED, by=cmd.by, at=clock.now(), changes=changes)
    return changes


@transaction.atomic
def submit_return(cmd: SubmitReturn) -> None:
    """Submit for review: every KPI needs a value (a monthly KPI, one a month), or a data note
    saying why there is none."""
    ret = _locked(cmd.return_id)
    check_editable(ret)
    errors = {}
    for line in return_lines(ret):
        if line.kind != LineKind.KPI or line.note:
            continue
        missing = [m.month for m in line.months if m.value is None] if line.monthly else (["value"] if line.value is None else [])
        for part in missing:
            errors[line.field(part)] = f"{field_label(line.code, part)}: enter a value, or say in the data note why there is none"
    if errors:
        raise ReturnError("The return was not submitted; your entries are saved as a draft", errors)
    now = clock.now()
    ret.status = Return.Status.SUBMITTED
    ret.submitted_by, ret.submitted_at = cmd.by, now
    ret.save()
    ReturnEvent.objects.create(ret=ret, action=ReturnEvent.Action.SUBMITTED, by=cmd.by, at=now)


# --- review --------------------------------------------------------------------------------
def _check_review(ret: Return) -> None:
    if ret.status != Return.Status.SUBMITTED:
        raise ReturnError(f"Only a submitted return can be reviewed; this one is {ret.get_status_display().lower()}")


@transaction.atomic
def send_back(cmd: SendBack) -> None:
    ret = _locked(cmd.return_id)
    _check_review(ret)
    comment = cmd.comment.strip()
    if not comment:
        raise ReturnError("The return was not sent back", {COMMENT: f"{COMMENT_LABEL}: say what needs to change"})
    now = clock.now()
    ret.status = Return.Status.RETURNED
    ret.reviewed_by, ret.reviewed_at, ret.review_comment = cmd.by, now, comment
    ret.save()
    ReturnEvent.objects.create(ret=ret, action=ReturnEvent.Action.RETURNED, by=cmd.by, at=now, comment=comment)


def _observation_exists(kpi: pm.Kpi, period) -> bool:
    return pm.Observation.objects.filter(kpi=kpi, period=period.label).exists()


@transaction.atomic
def approve_return(cmd: ApproveReturn) -> dict:
    """Approve a submitted return: its values become provisional observations (a monthly KPI's
    by month), its activity figures activity observations, its text commentary, each change
    recorded as a revision. Returns how many rows were created, changed and unchanged."""
    ret = _locked(cmd.return_id)
    _check_review(ret)
    q = ret.period.quarter
    if year_closed(q.financial_year.label):
        raise ReturnError("The financial year is closed: its data is final")
    now = clock.now()
    comment = cmd.comment.strip()
    source = f"web return {q.label} {ret.directorate.code}"
    change = Change(by=cmd.by, at=now, reason=comment or "approved return", source=source)
    counts: Counter = Counter()
    for line in ret.lines.select_related("kpi", "indicator").order_by("pk"):
        kpi = line.kpi
        if kpi is not None:
            periods = q.months if kpi.frequency == "monthly" else [q]  # a monthly KPI is stored by month
            entries = []
            for period in periods:
                value = line.month_value(period.label) if kpi.frequency == "monthly" else line.value
                if value is not None or line.note or _observation_exists(kpi, period):
                    entries.append(performance.ObservationEntry(kpi, period, value, line.note))
            counts += performance.record_observations(entries, change)
            if line.commentary:
                counts += performance.record_commentary(
                    [performance.CommentaryEntry(q, ret.directorate, kpi, line.commentary, cmd.by)], change
                )
        elif line.indicator is not None and line.value is not None:
            counts += performance.record_activity_observations(
                [performance.ActivityEntry(line.indicator, q, line.value)], change
            )
    if ret.commentary:
        counts += performance.record_commentary(
            [performance.CommentaryEntry(q, ret.directorate, None, ret.commentary, cmd.by)], change
        )
    ret.status = Return.Status.APPROVED
    ret.reviewed_by, ret.reviewed_at, ret.review_comment = cmd.by, now, comment
    ret.save()
    summary = dict(counts)
    ReturnEvent.objects.create(ret=ret, action=ReturnEvent.Action.APPROVED, by=cmd.by, at=now, comment=comment,
                               changes=[summary])
    ImportRun.objects.create(source=source, imported_by=cmd.by, imported_at=now,
                                summary={"files": {"return": summary}, "reason": change.reason})
    return summary


# --- the year --------------------------------------------------------------------------------
@transaction.atomic
def close_year(cmd: CloseYear) -> int:
    """Close a financial year once every return of it is approved: every observation of it
    becomes final. Returns how many changed."""
    fy = cmd.financial_year
    if year_closed(fy.label):
        raise ReturnError("The year was not closed", {"financial_year": f"{fy.label} is already closed"})
    pending = Return.objects.filter(period__period__startswith=fy.label).exclude(status=Return.Status.APPROVED)
    if pending.exists():
        names = ", ".join(sorted({str(r) for r in pending.select_related("period", "directorate")})[:5])
        raise ReturnError("The year was not closed", {"financial_year": f"returns not yet approved: {names}"})
    now = clock.now()
    change = Change(by=cmd.by, at=now, reason=f"year {fy.label} closed as final",
                                source=f"web close year {fy.label}")
    periods = [*fy.quarters, *(m for q in fy.quarters for m in q.months)]
    changed = performance.finalise_observations(periods, change)
    YearClosure.objects.create(financial_year=fy.label, closed_by=cmd.by, closed_at=now)
    return changed
