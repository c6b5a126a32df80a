"""Target changes in the open: changing a KPI's target or floor standard for a financial year,
with who, when, why and who approved it, and reading that history back.

A change for the whole year changes the year's row (``effective_from`` blank); a mid-year change
writes a :class:`~beacon.performance.models.KpiTarget` row with ``effective_from`` (the quarter
it takes effect from) and keeps the earlier row, so the quarters before it keep their
thresholds. Either way the row is written through :mod:`beacon.core.audit` (a revision per
changed value) and a :class:`~beacon.performance.models.TargetChange` row tells the story.

The year's *original* thresholds (:func:`original_thresholds`) are those before any change: the
year's row with each changed value as it was before its first change. The QPR compares the RAG
against them with the RAG in force (:func:`beacon.domain.targets.rebaseline`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from beacon.core import audit, clock
from beacon.core.stale import StaleEdit, check_version
from beacon.domain.periods import FinancialYear, PeriodError, Quarter
from beacon.domain.rag import Polarity, Thresholds
from beacon.domain.targets import TargetField, fields_for, replaced

from . import models
from .results import target_in_force, thresholds_of

__all__ = ["ChangeTarget", "TargetError", "change_target", "original_thresholds", "target_history",
           "rows_version", "record_imported_changes", "VALUE_FIELDS"]

VALUE_FIELDS = tuple(f.value for f in TargetField)
COPIED = VALUE_FIELDS + ("target_source", "floor_source", "decimals")
"""What a new mid-year row takes from the row in force before it."""


class TargetError(Exception):
    """A target change the rules do not allow. ``field_errors`` maps a field of the command
    (``reason``, ``effective_from`` ...) to a sentence naming it; ``message`` says it all."""

    def __init__(self, message: str, field_errors: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.field_errors = dict(field_errors or {})


@dataclass(frozen=True)
class ChangeTarget:
    kpi_code: str
    financial_year: str
    field: TargetField | str
    new_value: Decimal | None
    effective_from: str  # a quarter of the year ("2022/23 Q3"), or "" for the whole year
    reason: str
    approved_by: str
    approved_on: dt.date | None
    by: str
    expected_version: str | None = None  # rows_version() of the rows the form showed; None: not checked
    source: str = "the target change form"


def _fmt(value) -> str:
    return "blank" if value is None else audit.value_text(value)


def rows_version(kpi: models.Kpi) -> dict[str, str]:
    """The KPI's target rows as text (what a form showed), for :func:`check_version`."""
    rows = models.KpiTarget.objects.filter(kpi=kpi).order_by("financial_year", "effective_from")
    return {f"{r.financial_year} {r.effective_from or 'year'} {name}": audit.value_text(getattr(r, name))
            for r in rows for name in VALUE_FIELDS}


def _check(cmd: ChangeTarget) -> tuple[models.Kpi, FinancialYear, TargetField, Quarter | None]:
    errors: dict[str, str] = {}
    kpi = models.Kpi.objects.filter(code=(cmd.kpi_code or "").strip()).first()
    if kpi is None:
        raise TargetError(f"No KPI has the code {cmd.kpi_code!r}.", {"kpi_code": f"KPI: no KPI has the code {cmd.kpi_code!r}"})
    year = None
    try:
        year = FinancialYear.parse((cmd.financial_year or "").strip())
    except (PeriodError, ValueError):
        errors["financial_year"] = f"Financial year: {cmd.financial_year!r} is not a financial year (write it like 2022/23)"
    field = None
    try:
        field = TargetField(cmd.field)
    except ValueError:
        errors["field"] = f"What changes: {cmd.field!r} is not a target or floor standard"
    if field is not None and field not in fields_for(kpi.polarity):
        names = " or ".join(f.label.lower() for f in fields_for(kpi.polarity))
        errors["field"] = f"What changes: {kpi.code} is better {'within a range' if kpi.polarity == 'range' else kpi.polarity}, so change its {names}"
    if cmd.new_value is None:
        errors["new_value"] = "New value: give the new value"
    elif not Decimal(cmd.new_value).is_finite():
        errors["new_value"] = "New value: must be a number"
    quarter = None
    if (cmd.effective_from or "").strip():
        try:
            quarter = Quarter.parse(cmd.effective_from.strip())
        except (PeriodError, ValueError):
            errors["effective_from"] = (f"Effective from: {cmd.effective_from!r} is not a quarter "
                                        "(write it like 2022/23 Q3, or leave it blank for the whole year)")
        else:
            if year is not None and quarter.financial_year != year:
                errors["effective_from"] = (f"Effective from: {quarter.label} is not a quarter of {year.label}; "
                                            f"choose {year.quarter(1).label} to {year.quarter(4).label}, or leave it blank")
    if not (cmd.reason or "").strip():
        errors["reason"] = "Reason: say why the target or floor standard changes"
    if not (cmd.approved_by or "").strip():
        errors["approved_by"] = "Approved by: say who approved the change"
    if cmd.approved_on is None:
        errors["approved_on"] = "Approved on: give the date the change was approved"
    elif cmd.approved_on > clock.today():
        errors["approved_on"] = f"Approved on: {cmd.approved_on:%d/%m/%Y} is in the future"
    if not (cmd.by or "").strip():
        errors["by"] = "Who makes the change is not known"
    if year is not None and "financial_year" not in errors \
            and not models.KpiTarget.objects.filter(kpi=kpi, financial_year=year.label).exists():
        errors["financial_year"] = (f"Financial year: {kpi.code} has no target for {year.label}; "
                                    "a year's first target comes with targets.csv")
    if not ({"financial_year", "field", "new_value", "effective_from"} & set(errors)):
        rows = list(models.KpiTarget.objects.filter(kpi=kpi, financial_year=year.label))
        errors.update(_value_errors(kpi, year, field, quarter, Decimal(cmd.new_value), rows)[1])
    if errors:
        raise TargetError("The change was not made: " + "; ".join(errors.values()) + ".", errors)
    return kpi, year, field, quarter


def _value_errors(kpi, year, field, quarter, new, rows) -> tuple[models.KpiTarget | None, dict[str, str]]:
    """The row in force the change starts from, and what is wrong with the new value there."""
    if quarter is None:
        in_force = next((r for r in rows if not r.effective_from), None)
        if in_force is None:
            return None, {"effective_from": f"Effective from: {kpi.code} has no whole-year target for {year.label}; "
                                            "give the quarter the change takes effect from"}
    else:
        in_force = target_in_force(rows, quarter)
        if in_force is None:
            return None, {"effective_from": f"Effective from: {kpi.code} has no target in force in {quarter.label}"}
    old = getattr(in_force, field.value)
    if old is not None and Decimal(old) == new:
        return in_force, {"new_value": f"New value: the {field.label.lower()} is already {_fmt(old)}"}
    problems = replaced(thresholds_of(in_force), field, float(new)).problems(Polarity(kpi.polarity))
    if problems:
        return in_force, {"new_value": "New value: " + "; ".join(problems)}
    return in_force, {}


def change_target(cmd: ChangeTarget) -> models.TargetChange:
    """Change one value of a KPI's year, from a quarter or for the whole year, and record it.
    Raises :class:`TargetError` (nothing written) when the command is incomplete or the result
    could not rate the KPI; :class:`~beacon.core.stale.StaleEdit` when the rows changed since the
    form was opened."""
    kpi, year, field, quarter = _check(cmd)
    with transaction.atomic():
        kpi = models.Kpi.objects.select_for_update().get(pk=kpi.pk)
        if cmd.expected_version is not None:
            check_version(f"The targets and floor standards of {kpi.code}", cmd.expected_version, rows_version(kpi))
        rows = list(models.KpiTarget.objects.filter(kpi=kpi, financial_year=year.label))
        effective = quarter.label if quarter else ""
        new = Decimal(cmd.new_value)
        in_force, errors = _value_errors(kpi, year, field, quarter, new, rows)
        if errors:
            raise TargetError("The change was not made: " + "; ".join(errors.values()) + ".", errors)
        old = getattr(in_force, field.value)
        change = audit.Change(by=cmd.by, at=clock.now(), reason=cmd.reason.strip(), source=cmd.source)
        key = f"{kpi.code} {year.label}" + (f" from {effective}" if effective else "")
        lookup = {"kpi": kpi, "financial_year": year.label, "effective_from": effective}
        if in_force.effective_from == effective:
            audit.save_with_history(models.KpiTarget, lookup, {field.value: new}, entity="target", key=key,
                                    change=change)
        else:  # a new mid-year row: the earlier row stays for the quarters before it
            values = {name: getattr(in_force, name) for name in COPIED}
            values[field.value] = new
            audit.save_with_history(models.KpiTarget, lookup, values, entity="target", key=key, change=change,
                                    track_creation=(field.value,))
        return models.TargetChange.objects.create(
            kpi=kpi, financial_year=year.label, effective_from=effective, field=field.value,
            old_value=old, new_value=new, reason=cmd.reason.strip(), changed_by=cmd.by, changed_at=change.at,
            approved_by=cmd.approved_by.strip(), approved_on=cmd.approved_on, source=cmd.source,
        )


def record_imported_changes(before: dict[tuple, dict], kpi_ids: Iterable[int], change: audit.Change,
                            skip: set[tuple] = frozenset()) -> int:
    """TargetChange rows for what an import changed in ``targets.csv``: each value of a stored row
    that changed, and each new mid-year row (against the value in force before it). ``before``:
    (kpi_id, year, effective_from) -> values, read before the import wrote; ``skip``: (kpi code,
    year, effective_from, field, new value as text) that the bundle's own ``target_changes.csv``
    tells. The reason is the import's; who approved it is not recorded."""
    kpi_ids = set(kpi_ids)
    # only the KPIs with a new mid-year row or a changed value need their rows as objects: read the
    # values first (an import that changes no target, or the first import, reads no more)
    touched = set()
    for r in models.KpiTarget.objects.filter(kpi_id__in=kpi_ids).values_list("kpi_id", "financial_year",
                                                                             "effective_from", *VALUE_FIELDS):
        old_values = before.get(r[:3])
        if old_values is None:
            if r[2]:
                touched.add(r[0])
        elif any(not audit.same_value(old_values.get(name), value) for name, value in zip(VALUE_FIELDS, r[3:])):
            touched.add(r[0])
    if not touched:
        return 0
    rows = list(models.KpiTarget.objects.filter(kpi_id__in=touched).select_related("kpi"))
    by_year: dict[tuple, list[models.KpiTarget]] = {}
    for r in rows:
        by_year.setdefault((r.kpi_id, r.financial_year), []).append(r)
    made = []
    for r in rows:
        key = (r.kpi_id, r.financial_year, r.effective_from)
        old_values = before.get(key)
        if old_values is None:
            if not r.effective_from:
                continue  # a year's first target is not a change
            earlier = target_in_force([o for o in by_year[(r.kpi_id, r.financial_year)] if o.pk != r.pk],
                                      Quarter.parse(r.effective_from))
            if earlier is None:
                continue
            old_values = {name: before.get((r.kpi_id, r.financial_year, earlier.effective_from), {}).get(
                name, getattr(earlier, name)) for name in VALUE_FIELDS}
        for name in fields_for(r.kpi.polarity):
            old, new = old_values.get(name.value), getattr(r, name.value)
            told = (r.kpi.code, r.financial_year, r.effective_from, name.value, audit.value_text(new))
            if audit.same_value(old, new) or told in skip:
                continue
            made.append(models.TargetChange(
                kpi_id=r.kpi_id, financial_year=r.financial_year, effective_from=r.effective_from, field=name.value,
                old_value=old, new_value=new, reason=change.reason or "Changed by an import", changed_by=change.by,
                changed_at=change.at, approved_by="", approved_on=None, source=change.source))
    models.TargetChange.objects.bulk_create(made)
    return len(made)


def stored_values(kpi_ids: Iterable[int]) -> dict[tuple, dict]:
    """(kpi_id, year, effective_from) -> the values of the stored rows (read before an import)."""
    return {(r["kpi_id"], r["financial_year"], r["effective_from"]): r
            for r in models.KpiTarget.objects.filter(kpi_id__in=set(kpi_ids)).values(
                "kpi_id", "financial_year", "effective_from", *VALUE_FIELDS)}


def original_thresholds(kpi_ids: Iterable[int], financial_year: str) -> dict[int, Thresholds]:
    """Each KPI's original thresholds for the year (before any change in it): the year's row (the
    earliest when there is no whole-year row) with each changed value as it was before its first
    change. KPIs without a row for the year are left out."""
    kpi_ids = set(kpi_ids)
    first_rows: dict[int, models.KpiTarget] = {}
    for row in models.KpiTarget.objects.filter(kpi_id__in=kpi_ids, financial_year=financial_year):
        current = first_rows.get(row.kpi_id)
        if current is None or _order(row) < _order(current):
            first_rows[row.kpi_id] = row
    originals: dict[int, dict] = {}
    for change in models.TargetChange.objects.filter(kpi_id__in=first_rows, financial_year=financial_year).order_by(
            "changed_at", "pk"):
        originals.setdefault(change.kpi_id, {}).setdefault(change.field, change.old_value)
    out = {}
    for kpi_id, row in first_rows.items():
        t = thresholds_of(row)
        for name, old in originals.get(kpi_id, {}).items():
            t = replaced(t, name, None if old is None else float(old))
        out[kpi_id] = t
    return out


def _order(row: models.KpiTarget) -> int:
    return Quarter.parse(row.effective_from).index if row.effective_from else -1


def target_history(kpi: models.Kpi) -> list[models.TargetChange]:
    """The KPI's target changes, newest year first, then in the order they were made."""
    changes = list(models.TargetChange.objects.filter(kpi=kpi))
    changes.sort(key=lambda c: (c.changed_at, c.pk))
    changes.sort(key=lambda c: c.financial_year, reverse=True)
    return changes


__all__ += ["stored_values", "StaleEdit"]
