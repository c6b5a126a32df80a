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
from decimal import Decimal

from django.db import connection, transaction

from beacon.core import clock
from beacon.core.audit import Change, record_revision, same_value
from beacon.core.models import ImportRun
from beacon.core.stale import Changed, StaleEdit, merge_or_refuse, version
from beacon.core.signals import results_changed_after_commit
from beacon.domain.periods import period_sort
from beacon.performance import models as pm
from beacon.performance import services as performance

from .commands import (
    ApproveReturn,
    CloseYear,
    LineEntry,
    MonthValue,
    OpenPeriod,
    ReopenReturn,
    ReopenYear,
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
    REMOVE_COMMENTARY_REASON,
    REMOVE_COMMENTARY_REASON_LABEL,
    REMOVE_REASON,
    LineKind,
    field_label,
    prefix,
    text_problem,
    value_problem,
)
from . import reminders
from .models import Return, ReturnEvent, ReturnLine, ReturnPeriod, YearClosure, number_text
from .queries import (
    LineView,
    directorates_for,
    held_commentary,
    held_for_indicators,
    held_for_kpis,
    return_fields,
    return_lines,
    year_closed,
)

__all__ = [
    "ReturnError", "StaleEdit", "check_editable", "open_period", "save_return", "submit_return", "send_back",
    "approve_return", "reopen_return", "close_year", "reopen_year",
]

WHAT = "The return"  # what a stale save names: "The return changed since you opened it ..."
CONFIRM = "confirm"  # the open form's confirmation that a published quarter is to be corrected


def _locked(return_id: int) -> Return:
    return Return.objects.select_for_update().select_related("period", "directorate").get(pk=return_id)


# --- periods ---------------------------------------------------------------------------------
@transaction.atomic
def open_period(cmd: OpenPeriod) -> ReturnPeriod:
    """Open a quarter for returns: a return for each directorate with KPIs in the quarter's
    edition or with activity indicators, each starting from the values, data notes and
    commentary held for the quarter (a correction return). A published quarter is opened only
    when the caller confirms that its returns will correct published figures."""
    q = cmd.period
    if cmd.published and not cmd.confirmed:
        raise ReturnError("The period was not opened", {
            CONFIRM: f"{q.label} is published: a return will correct published figures. "
                     "Tick to confirm that you want to open it"})
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
        started = _start_from_held(ret)
        comment = f"Started from the values held for {q.label}" if started else ""
        if cmd.published:
            comment = f"{q.label} is published: this return corrects published figures. {comment}".strip()
        ReturnEvent.objects.create(ret=ret, action=ReturnEvent.Action.OPENED, by=cmd.by, at=rp.opened_at,
                                   comment=comment, changes=started)
    return rp


def _start_from_held(ret: Return) -> list[dict]:
    """Set the return's lines and directorate commentary to what is held for its quarter (the
    observations, a monthly KPI's by month, data notes, activity figures, commentary). Returns
    what changed (field, old, new)."""
    changes = []
    stored = _stored_lines(ret)
    views = return_lines(ret)
    kpis = pm.Kpi.objects.in_bulk([v.code for v in views if v.kind == LineKind.KPI], field_name="code")
    indicators = pm.ActivityIndicator.objects.in_bulk([v.code for v in views if v.kind == LineKind.INDICATOR],
                                                      field_name="code")
    dirty_lines: list[ReturnLine] = []
    for line in views:
        held = line.held
        obj = stored.get((line.kind, line.code))
        if obj is None:
            if held.empty:
                continue
            obj = _new_line(ret, line, kpis, indicators)
        months = tuple(MonthValue(m.month, held.month_value(m.label)) for m in line.months) if line.monthly else None
        entry = LineEntry(line.kind, line.code, None if line.monthly else held.value, months, held.note, held.commentary)
        line_changes = _apply(obj, line, entry)
        dirty = bool(line_changes) or obj.pk is None or obj.remove
        obj.remove, obj.remove_reason = False, ""
        if held.commentary and obj.commentary_by != held.commentary_author:
            obj.commentary_by, dirty = held.commentary_author, True
        if dirty:
            dirty_lines.append(obj)
        changes += line_changes
    _save_lines(dirty_lines)
    held_text = held_commentary(ret.period.quarter, ret.directorate)
    if held_text.text != ret.commentary:
        changes.append(_change("directorate commentary", ret.commentary, held_text.text))
        ret.commentary, ret.commentary_by = held_text.text, held_text.author
    ret.remove_commentary, ret.remove_commentary_reason = False, ""
    ret.save()
    return changes


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


def _apply(obj: ReturnLine, line: LineView, entry: LineEntry, by: str = "") -> list[dict]:
    """Set ``obj`` from ``entry``; returns the changes (field, old, new) as text. ``by``
    (when given) becomes the author of what changed: the value and data note's, or the
    commentary's."""
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
    if by:
        commentary_label = field_label(line.code, "commentary")
        if any(c["field"] == commentary_label for c in changes):
            obj.commentary_by = by
        if any(c["field"] != commentary_label for c in changes):
            obj.entered_by = by
    return changes


def _entry_fields(line: LineView, entry: LineEntry) -> dict[str, str]:
    """What ``entry`` submits, as the form's fields hold it (field name -> text)."""
    out = {}
    if line.monthly:
        if entry.months is not None:
            given = {mv.month: mv.value for mv in entry.months}
            out.update({line.field(m.month): number_text(given.get(m.month)) for m in line.months})
    else:
        out[line.field("value")] = number_text(entry.value)
    out[line.field("note")] = entry.note.strip()
    out[line.field("commentary")] = entry.commentary.strip()
    return out


def _number(text: str) -> Decimal | None:
    return Decimal(text) if text else None


def _merged_entry(line: LineView, entry: LineEntry, merged) -> LineEntry:
    """``entry`` with the values the stale-safe merge decided."""
    months = entry.months
    if line.monthly and months is not None:
        months = tuple(MonthValue(m.month, _number(merged[line.field(m.month)])) for m in line.months)
    value = None if line.monthly else _number(merged[line.field("value")])
    return LineEntry(line.kind, line.code, value, months, merged[line.field("note")], merged[line.field("commentary")],
                     entry.remove, entry.remove_reason)


def _check_version(expected: str, current: dict[str, str], labels: dict[str, str], submitted: dict[str, str]) -> None:
    """Refuse a save made against another version of the return (an API ``If-Match``), naming
    the fields it sends whose value is no longer what it sends."""
    if expected.strip().removeprefix("W/").strip('"') == version(current):
        return
    changed = tuple(Changed(name, labels.get(name, name), "", current.get(name, ""), text)
                    for name, text in submitted.items() if current.get(name, "").strip() != text.strip())
    raise StaleEdit(WHAT, changed)


def _held_problem(label: str, held_text: str, what: str = "value", ticked: str = "Remove this value") -> str:
    shown = held_text if len(held_text) <= 60 else held_text[:57] + "..."
    held = shown if what == "value" else f"“{shown}”"
    return (f"{label}: {held} is held for this quarter; to remove it tick '{ticked}' and give a reason")


def _removal_problems(line: LineView, entry: LineEntry) -> dict[str, str]:
    """A blank where a value (data note, commentary) is held is refused unless the line says
    to remove it, with a reason."""
    errors = {}
    if entry.remove:
        if not entry.remove_reason.strip():
            errors[line.field(REMOVE_REASON)] = f"{field_label(line.code, REMOVE_REASON)}: give the reason for removing the value"
        return errors
    held = line.held
    if line.monthly:
        given = {mv.month: mv.value for mv in entry.months} if entry.months is not None else None
        for m in line.months:
            old = held.month_value(m.label)
            if given is not None and old is not None and given.get(m.month) is None:
                errors[line.field(m.month)] = _held_problem(field_label(line.code, m.month), number_text(old))
    elif held.value is not None and entry.value is None:
        errors[line.field("value")] = _held_problem(field_label(line.code, "value"), number_text(held.value))
    for part, old, new in (("note", held.note, entry.note), ("commentary", held.commentary, entry.commentary)):
        if old and not new.strip():
            errors[line.field(part)] = _held_problem(field_label(line.code, part), old, part)
    return errors


_LINE_FIELDS = ["value", "note", "commentary", "entered_by", "commentary_by", "remove", "remove_reason", "month_values"]


def _stored_lines(ret: Return) -> dict[tuple, ReturnLine]:
    """The return's saved lines, read once: (kind, code) -> line."""
    out = {}
    for obj in ret.lines.select_related("kpi", "indicator"):
        key = (LineKind.KPI, obj.kpi.code) if obj.kpi_id else (LineKind.INDICATOR, obj.indicator.code)
        out[key] = obj
    return out


def _new_line(ret: Return, line: LineView, kpis: dict, indicators: dict) -> ReturnLine:
    target = {"kpi": kpis[line.code]} if line.kind == LineKind.KPI else {"indicator": indicators[line.code]}
    return ReturnLine(ret=ret, **target)


def _save_lines(lines: list[ReturnLine]) -> None:
    """Write the lines that changed: the new ones in one insert, the others in one update."""
    new = [obj for obj in lines if obj.pk is None]
    if new:
        ReturnLine.objects.bulk_create(new)
    old = [obj for obj in lines if obj.pk is not None]
    if old:  # one prepared UPDATE run for every line (bulk_update's CASE per field is slow to build)
        opts = ReturnLine._meta
        fields = [opts.get_field(name) for name in _LINE_FIELDS]
        quote = connection.ops.quote_name
        sets = ", ".join(f"{quote(f.column)} = %s" for f in fields)
        sql = f"UPDATE {quote(opts.db_table)} SET {sets} WHERE {quote(opts.pk.column)} = %s"
        with connection.cursor() as cursor:
            cursor.executemany(sql, [(*[f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields], obj.pk)
                                     for obj in old])


@transaction.atomic
def save_return(cmd: SaveReturn) -> list[dict]:
    """Save what the data owner entered as a draft. Raises :class:`ReturnError` (nothing
    saved) when any field is invalid, or when a field is left blank where a value is held
    for the quarter and the line does not say to remove it. Stale-safe: with ``opened`` (what
    the form showed) the entries are merged field by field into what is saved now, and a
    field someone else changed meanwhile that this save changes too raises
    :class:`~beacon.core.stale.StaleEdit` (nothing saved); with ``version`` a save against
    another version is refused the same way. Returns the changes made (field, old, new),
    also kept as a history event."""
    ret = _locked(cmd.return_id)
    check_editable(ret)
    views = return_lines(ret)
    lines = {(line.kind, line.code): line for line in views}
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
        problem = text_problem(entry.remove_reason)
        if problem:
            errors[line.field(REMOVE_REASON)] = f"{field_label(line.code, REMOVE_REASON)}: {problem}"
    if cmd.commentary is not None and text_problem(cmd.commentary):
        errors[COMMENTARY] = f"{COMMENTARY_LABEL}: {text_problem(cmd.commentary)}"
    if text_problem(cmd.remove_commentary_reason):
        errors[REMOVE_COMMENTARY_REASON] = f"{REMOVE_COMMENTARY_REASON_LABEL}: {text_problem(cmd.remove_commentary_reason)}"
    if errors:
        raise ReturnError("The return was not saved", errors)

    # stale-safe: merge into what is saved now (inside the lock), or refuse
    current, labels = return_fields(ret, views)
    submitted: dict[str, str] = {}
    for key, entry in entries.items():
        submitted.update(_entry_fields(lines[key], entry))
    if cmd.commentary is not None:
        submitted[COMMENTARY] = cmd.commentary.strip()
    if cmd.version is not None:
        _check_version(cmd.version, current, labels, submitted)
    merged = merge_or_refuse(WHAT, cmd.opened, current, submitted, labels)
    entries = {key: _merged_entry(lines[key], entry, merged) for key, entry in entries.items()}
    commentary = merged[COMMENTARY] if cmd.commentary is not None else None

    # a blank never removes a held value by itself
    for key, entry in entries.items():
        errors.update(_removal_problems(lines[key], entry))
    held_text = held_commentary(ret.period.quarter, ret.directorate).text
    if cmd.remove_commentary:
        if not cmd.remove_commentary_reason.strip():
            errors[REMOVE_COMMENTARY_REASON] = f"{REMOVE_COMMENTARY_REASON_LABEL}: give the reason for removing it"
    elif commentary is not None and held_text and not commentary:
        errors[COMMENTARY] = _held_problem(COMMENTARY_LABEL, held_text, "commentary", "Remove this commentary")
    if errors:
        raise ReturnError("The return was not saved", errors)

    kpis = {k.code: k for k in pm.Kpi.objects.filter(directorate=ret.directorate)}
    indicators = {i.code: i for i in pm.ActivityIndicator.objects.filter(directorate=ret.directorate)}
    stored = _stored_lines(ret)
    changes = []
    dirty: list[ReturnLine] = []
    for key, line in lines.items():
        entry = entries.get(key)
        if entry is None:
            continue
        obj = stored.get(key) or _new_line(ret, line, kpis, indicators)
        line_changes = _apply(obj, line, entry, cmd.by)
        removal = (entry.remove, entry.remove_reason.strip() if entry.remove else "")
        if removal != (obj.remove, obj.remove_reason):
            line_changes.append(_change(f"{line.code} removal of held values", obj.remove_reason if obj.remove else "",
                                        removal[1]))
            obj.remove, obj.remove_reason = removal
        if line_changes:
            dirty.append(obj)
        changes += line_changes
    _save_lines(dirty)
    if commentary is not None:
        if commentary != ret.commentary:
            changes.append(_change("directorate commentary", ret.commentary, commentary))
            ret.commentary, ret.commentary_by = commentary, cmd.by
        removal = (cmd.remove_commentary, cmd.remove_commentary_reason.strip() if cmd.remove_commentary else "")
        if removal != (ret.remove_commentary, ret.remove_commentary_reason):
            changes.append(_change("removal of the directorate commentary",
                                   ret.remove_commentary_reason if ret.remove_commentary else "", removal[1]))
            ret.remove_commentary, ret.remove_commentary_reason = removal
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
        if line.kind != LineKind.KPI or line.note or (line.remove and line.remove_reason):
            continue
        missing = [m.month for m in line.months if m.value is None] if line.monthly else (["value"] if line.value is None else [])
        for part in missing:
            errors[line.field(part)] = f"{field_label(line.code, part)}: enter a value, or say in the data note why there is none"
    if errors:
        raise ReturnError("The return was not submitted; your entries are saved as a draft", errors)
    now = clock.now()
    ret.status = Return.Status.SUBMITTED
    ret.submitted_by, ret.submitted_at = cmd.by, now
    ret.first_submitted_at = ret.first_submitted_at or now  # whether it was late: kept when sent back or reopened
    ret.save()
    ReturnEvent.objects.create(ret=ret, action=ReturnEvent.Action.SUBMITTED, by=cmd.by, at=now)
    reminders.notify_return_after_commit(ret.pk)  # the performance leads: waiting for approval


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
    reminders.notify_return_after_commit(ret.pk)  # its data owners: sent back


def _line_change(base: Change, source: str, author: str, approver: str, removal: str) -> Change:
    """What the revisions of one line record: the approver makes the change (``by``), the
    source names who entered it and who approved it; a removal gives its reason."""
    who = f"{source}, entered by {author}, approved by {approver}" if author else f"{source}, approved by {approver}"
    reason = base.reason
    if removal:
        reason = f"value removed: {removal}" + (f" ({reason})" if reason and reason != "approved return" else "")
    return Change(by=base.by, at=base.at, reason=reason, source=who)


def _kept(new, old, remove: bool):
    """A blank in the return keeps the value held unless the line says to remove it."""
    return old if new in (None, "") and not remove else new


@transaction.atomic
def approve_return(cmd: ApproveReturn) -> dict:
    """Approve a submitted return: its values become provisional observations (a monthly KPI's
    by month), its activity figures activity observations, its text commentary, each change
    recorded as a revision naming who entered it and who approved it. A blank never removes a
    value, data note or commentary held for the quarter unless the line says to remove it
    (then the revision gives the reason). Returns how many rows were created, changed and
    unchanged."""
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
    lines = list(ret.lines.select_related("kpi", "kpi__directorate", "indicator").order_by("pk"))
    held_kpi = held_for_kpis([line.kpi for line in lines if line.kpi is not None], q)
    held_ind = held_for_indicators([line.indicator for line in lines if line.kpi is None and line.indicator], q)
    existing = set(pm.Observation.objects.filter(
        kpi__in=[line.kpi for line in lines if line.kpi is not None],
        period__in=[q.label, *(m.label for m in q.months)],
    ).values_list("kpi_id", "period"))
    observations, commentary, activity = [], [], []
    for line in lines:
        author = line.entered_by or ret.submitted_by
        line_change = _line_change(change, source, author, cmd.by, line.remove_reason if line.remove else "")
        kpi = line.kpi
        if kpi is not None:
            held = held_kpi[kpi.pk]
            monthly = kpi.frequency == "monthly"
            periods = q.months if monthly else [q]  # a monthly KPI is stored by month
            note = _kept(line.note, held.note, line.remove)
            for period in periods:
                value = line.month_value(period.label) if monthly else line.value
                value = _kept(value, held.month_value(period.label) if monthly else held.value, line.remove)
                if value is not None or note or (kpi.pk, period.label) in existing:
                    observations.append(performance.ObservationEntry(kpi, period, value, note, line_change))
            text = _kept(line.commentary, held.commentary, line.remove)
            if text != held.commentary:
                writer = line.commentary_by or author
                commentary.append(performance.CommentaryEntry(
                    q, ret.directorate, kpi, text, writer, cmd.by,
                    _line_change(change, source, writer, cmd.by, line.remove_reason if line.remove and not text else ""),
                ))
        elif line.indicator is not None:
            held = held_ind[line.indicator.pk]
            value = _kept(line.value, held.value, line.remove)
            if value is not None or held.value is not None:
                activity.append(performance.ActivityEntry(line.indicator, q, value, line_change))
    # one write per table whatever the number of lines, each row's revisions naming its line's author
    counts += performance.record_observations(observations, change)
    counts += performance.record_commentary(commentary, change)
    counts += performance.record_activity_observations(activity, change)
    held_text = held_commentary(q, ret.directorate).text
    text = _kept(ret.commentary, held_text, ret.remove_commentary)
    if text != held_text:
        writer = ret.commentary_by or ret.submitted_by
        removal = ret.remove_commentary_reason if ret.remove_commentary and not text else ""
        counts += performance.record_commentary(
            [performance.CommentaryEntry(q, ret.directorate, None, text, writer, cmd.by)],
            _line_change(change, source, writer, cmd.by, removal),
        )
    ret.status = Return.Status.APPROVED
    ret.reviewed_by, ret.reviewed_at, ret.review_comment = cmd.by, now, comment
    ret.save()
    summary = dict(counts)
    ReturnEvent.objects.create(ret=ret, action=ReturnEvent.Action.APPROVED, by=cmd.by, at=now, comment=comment,
                               changes=[summary])
    ImportRun.objects.create(source=source, imported_by=cmd.by, imported_at=now,
                                summary={"files": {"return": summary}, "reason": change.reason})
    results_changed_after_commit(  # the key risk indicators' trigger rules (beacon.reports)
        "return approval", [line.kpi.code if line.kpi is not None else line.indicator.code
                            for line in lines if line.kpi is not None or line.indicator is not None])
    return summary


@transaction.atomic
def reopen_return(cmd: ReopenReturn) -> list[dict]:
    """Reopen an approved return for correction, with a reason: its data owner can change it
    again and submit it for approval. The values held stay as they are until it is approved
    again; the return starts again from them. Whether it was late does not change. Returns
    what the return's lines changed to match the values held now."""
    ret = _locked(cmd.return_id)
    if ret.status != Return.Status.APPROVED:
        raise ReturnError(f"Only an approved return can be reopened; this one is {ret.get_status_display().lower()}")
    if year_closed(ret.period.quarter.financial_year.label):
        raise ReturnError("The financial year is closed: its data is final")
    reason = cmd.reason.strip()
    if not reason:
        raise ReturnError("The return was not reopened", {"reason": "Reason: say why the return is reopened"})
    problem = text_problem(reason)
    if problem:
        raise ReturnError("The return was not reopened", {"reason": f"Reason: {problem}"})
    changes = _start_from_held(ret)
    now = clock.now()
    ret.status = Return.Status.REOPENED
    ret.reviewed_by, ret.reviewed_at, ret.review_comment = cmd.by, now, reason
    ret.save()
    ReturnEvent.objects.create(ret=ret, action=ReturnEvent.Action.REOPENED, by=cmd.by, at=now, comment=reason,
                               changes=changes)
    return changes


# --- the year --------------------------------------------------------------------------------
YEARS_LOCK = "financial years"
"""The lock taken to close or reopen a year: two at once cannot both close it."""


def _year_has_data(fy) -> bool:
    labels = [q.label for q in fy.quarters] + [m.label for q in fy.quarters for m in q.months]
    return (pm.Observation.objects.filter(period__in=labels).exists()
            or ReturnPeriod.objects.filter(period__in=[q.label for q in fy.quarters]).exists())


@transaction.atomic
def close_year(cmd: CloseYear) -> int:
    """Close a financial year once it has ended, has data, and every return of it is approved:
    every observation of it becomes final. Returns how many changed. The page asks the lead to
    confirm first."""
    from beacon.core import locks

    fy = cmd.financial_year
    locks.named_lock(YEARS_LOCK)
    today = clock.today()
    if year_closed(fy.label):
        raise ReturnError("The year was not closed", {"financial_year": f"{fy.label} is already closed"})
    if fy.start > today:
        raise ReturnError("The year was not closed", {"financial_year": f"{fy.label} is in the future"})
    if fy.end >= today:
        raise ReturnError("The year was not closed", {
            "financial_year": f"{fy.label} has not ended yet: it ends on {fy.end.day} {fy.end:%B %Y}"})
    if not _year_has_data(fy):
        raise ReturnError("The year was not closed", {"financial_year": f"{fy.label} has no data: there is nothing to close"})
    pending = Return.objects.filter(period__period__startswith=fy.label).exclude(status=Return.Status.APPROVED)
    if pending.exists():
        names = ", ".join(sorted({str(r) for r in pending.select_related("period", "directorate")})[:5])
        raise ReturnError("The year was not closed", {"financial_year": f"returns not yet approved: {names}"})
    now = clock.now()
    change = Change(by=cmd.by, at=now, reason=f"year {fy.label} closed as final",
                                source=f"web close year {fy.label}")
    periods = [*fy.quarters, *(m for q in fy.quarters for m in q.months)]
    changed = performance.finalise_observations(periods, change)
    closure = YearClosure.objects.create(financial_year=fy.label, closed_by=cmd.by, closed_at=now)
    record_revision(change, closure, "financial year", fy.label, "status", "open", "closed")
    return changed


@transaction.atomic
def reopen_year(cmd: ReopenYear) -> YearClosure:
    """Reopen a closed year for correction, with the reason (kept on the closure and in its
    history). Its returns and data can then be changed again; its observations stay marked final
    until they are changed (each change a revision) and the year is closed again."""
    from beacon.core import locks

    fy = cmd.financial_year
    locks.named_lock(YEARS_LOCK)
    closure = YearClosure.objects.select_for_update().filter(financial_year=fy.label, reopened_at__isnull=True).first()
    if closure is None:
        raise ReturnError("The year was not reopened", {"financial_year": f"{fy.label} is not closed"})
    reason = " ".join(cmd.reason.split())
    if not reason:
        raise ReturnError("The year was not reopened", {"reason": "Reason: say why the year is reopened"})
    now = clock.now()
    closure.reopened_by, closure.reopened_at, closure.reopen_reason = cmd.by, now, reason
    closure.save(update_fields=["reopened_by", "reopened_at", "reopen_reason"])
    change = Change(by=cmd.by, at=now, reason=reason, source=f"web reopen year {fy.label}")
    record_revision(change, closure, "financial year", fy.label, "status", "closed", "reopened")
    return closure
