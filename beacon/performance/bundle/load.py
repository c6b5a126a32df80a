"""Write a checked performance bundle to the database, keeping history.

Every record is matched on its natural key and written through :func:`beacon.bundle.load.upsert`
(:func:`beacon.core.audit.save_with_history`), as every other write of performance data is: a
new record is created; a changed field is updated and the change is recorded as a
:class:`~beacon.core.models.Revision` (old, new, who, when, why, which file). An unchanged record
is left alone, so importing the same bundle twice changes nothing. Columns a file does not have
are left as they are.

The caller runs this inside one transaction: if anything here raises, nothing is written.
"""

from __future__ import annotations

from beacon.bundle.importer import LoadContext
from beacon.bundle.load import present as _present
from beacon.bundle.load import change, record_revision, upsert, upsert_many, value_text
from beacon.bundle.load import same as _same
from beacon.bundle.schema import Record
from beacon.core.models import Directorate, SubArea
from beacon.domain.periods import period_sort

from .. import models, targets
from .validate import PerformanceBundle, TableBundle


def load(parsed: PerformanceBundle, ctx: LoadContext) -> None:
    _load_directorates(parsed, ctx)
    _load_kpis(parsed, ctx)
    _load_targets(parsed, ctx)
    _load_target_changes(parsed, ctx)
    _load_observations(parsed, ctx)
    _load_activity(parsed, ctx)
    _load_published(parsed, ctx)
    _load_commentary(parsed, ctx)
    _load_tables(parsed, ctx)
    ctx.errors.raise_if_any()


def _load_directorates(parsed, ctx) -> None:
    for r in parsed.get("directorates.csv"):
        values = _present(
            r,
            {
                "name": "name",
                "section_title": "section_title",
                "cabinet_members": "cabinet_members",
                "corporate_director": "corporate_director",
                "director_label": "director_label",
                "display_order": "display_order",
                "kpi_heading": "kpi_heading",
            },
        )
        if "cabinet_members" in values and values["cabinet_members"] is None:
            values["cabinet_members"] = []
        if "director_label" in values and not values["director_label"]:
            values["director_label"] = "Corporate Director"
        if "display_order" in values and values["display_order"] is None:
            values.pop("display_order")
        upsert(ctx, r, Directorate, {"code": r["code"]}, values, "directorate", r["code"])


def _catalogue_order(records: list[Record], model) -> dict[str, int]:
    """``display_order`` per code. A file that lists the whole stored catalogue sets it by
    row order; a file with only some rows keeps the stored rows in place and puts new ones
    after the last, in file order (a partial file must not reorder the catalogue)."""
    stored = dict(model.objects.values_list("code", "display_order"))
    codes = [r["code"] for r in records]
    if set(stored) <= set(codes):
        return {code: position for position, code in enumerate(codes, start=1)}
    orders, last = {}, max(stored.values(), default=0)
    for code in codes:
        if code not in stored:
            last += 1
        orders[code] = stored.get(code, last)
    return orders


def _load_kpis(parsed, ctx) -> None:
    directorates = {d.code: d for d in Directorate.objects.all()}
    sub_area_order: dict[str, int] = {}
    sub_areas = {(s.directorate_id, s.name): s for s in SubArea.objects.all()}
    orders = _catalogue_order(parsed.get("kpis.csv"), models.Kpi)
    rows = []
    for r in parsed.get("kpis.csv"):
        order = orders[r["code"]]
        directorate = directorates[r["directorate"]]
        sub_area = None
        if r["sub_area"]:
            position = sub_area_order.setdefault(f"{directorate.code}/{r['sub_area']}", len(sub_area_order) + 1)
            sub_area = sub_areas.get((directorate.pk, r["sub_area"]))
            if sub_area is None:
                sub_area = sub_areas[(directorate.pk, r["sub_area"])] = SubArea.objects.create(
                    directorate=directorate, name=r["sub_area"], display_order=position)
        values = _present(
            r,
            {
                "name": "name",
                "short_name": "short_name",
                "unit": "unit",
                "unit_label": "unit_label",
                "polarity": "polarity",
                "decimals": "decimals",
                "frequency": "frequency",
                "rolling_12_months": "rolling_12_months",
                "in_arrears": "in_arrears",
                "notes": "notes",
            },
        )
        values["directorate"] = directorate
        if "sub_area" in r.present:
            values["sub_area"] = sub_area
        if "first_year" in r.present:
            values["first_year"] = r["first_year"].label if r["first_year"] else ""
        values["display_order"] = order
        for name, default in (("decimals", 0), ("frequency", "quarterly")):
            if name in values and values[name] is None:
                values[name] = default
        for name in ("rolling_12_months", "in_arrears"):
            if name in values and values[name] is None:
                values[name] = False
        rows.append((r, {"code": r["code"]}, values, "kpi", r["code"], None, ()))
    for window in _windows(rows):
        upsert_many(ctx, models.Kpi, window, scope={"code__in": [row[1]["code"] for row in window]})


WINDOW = 5000
"""Rows of a large file read, checked against the stored rows and written at a time."""


def _windows(items, size: int | None = None):
    """``items`` in lists of at most ``size`` (default :data:`WINDOW`): a file is never held whole."""
    size = size or WINDOW
    window = []
    for item in items:
        window.append(item)
        if len(window) >= size:
            yield window
            window = []
    if window:
        yield window


def _progress_step(ctx, file: str, done: int) -> None:
    if ctx.progress is not None:
        ctx.progress.step(f"Writing {file}: {done:,} rows", advance=0)


def _load_targets(parsed, ctx) -> None:
    kpis = {k.code: k for k in models.Kpi.objects.all()}
    columns = ("target", "floor", "target_low", "target_high", "floor_low", "floor_high", "target_source", "floor_source",
               "decimals")
    done = 0
    # the changes the bundle's target_changes.csv tells are not recorded again from targets.csv
    told = {(r["kpi"], r["financial_year"].label, r["effective_from"].label if r["effective_from"] else "", r["field"],
             value_text(r["new_value"])) for r in parsed.get("target_changes.csv")}
    mapping = {c: c for c in columns}
    for window in _windows(parsed.get("targets.csv")):
        rows = []
        for r in window:
            effective = r["effective_from"].label if r["effective_from"] else ""
            lookup = {"kpi": kpis[r["kpi"]], "financial_year": r["financial_year"].label, "effective_from": effective}
            values = _present(r, mapping)
            key = f"{r['kpi']} {r['financial_year'].label}" + (f" from {effective}" if effective else "")
            rows.append((r, lookup, values, "target", key, None, ()))
        ids = {row[1]["kpi"].pk for row in rows}
        before = targets.stored_values(ids)  # a changed target or floor is a target change too
        upsert_many(ctx, models.KpiTarget, rows, scope={"kpi__in": ids})
        targets.record_imported_changes(before, ids, change(ctx, "targets.csv"), told)
        done += len(window)
        _progress_step(ctx, "targets.csv", done)


def _load_target_changes(parsed, ctx) -> None:
    """target_changes.csv: the history of targets and floor standards, matched on KPI, year,
    effective quarter, value and time (re-importing an export changes nothing)."""
    records = parsed.get("target_changes.csv")
    if not records:
        return
    kpis = {k.code: k for k in models.Kpi.objects.all()}
    columns = ("old_value", "new_value", "reason", "changed_by", "approved_by", "approved_on", "source")
    rows = []
    for r in records:
        effective = r["effective_from"].label if r["effective_from"] else ""
        lookup = {"kpi": kpis[r["kpi"]], "financial_year": r["financial_year"].label, "effective_from": effective,
                  "field": r["field"], "changed_at": r["changed_at"]}
        key = f"{r['kpi']} {r['financial_year'].label} {r['field']}" + (f" from {effective}" if effective else "")
        rows.append((r, lookup, _present(r, {c: c for c in columns}), "target change", key, None, ()))
    upsert_many(ctx, models.TargetChange, rows, scope={"kpi__in": {row[1]["kpi"].pk for row in rows}})


_OBSERVATION_COLUMNS = {
    "value": "value",
    "note": "note",
    "manual_rating": "manual_rating",
    "manual_reason": "manual_reason",
    "manual_dot": "manual_dot",
    "manual_dot_reason": "manual_dot_reason",
    "manual_severity": "manual_severity",
    "manual_severity_reason": "manual_severity_reason",
}


def _load_observations(parsed, ctx) -> None:
    """Observations window by window: each window's stored rows are read in one query (by its
    KPIs and periods), then written in a few statements (:func:`upsert_many`)."""
    records = parsed.get("observations.csv")
    if not records:
        return
    kpis = {k.code: k for k in models.Kpi.objects.all()}

    def final_data(record, stored, changed) -> bool:
        """A stored final value is changed only with a reason (the row is refused otherwise)."""
        if stored.get("status") == "final" and not ctx.reason:
            ctx.errors.add(
                f"{record.where(changed[0])}: {record['kpi']} {record['period'].label} is final data; changing it "
                f"needs a reason (beacon import --reason \"...\")"
            )
            return True
        return False

    done = 0
    periods: dict = {}  # a period's label and sort key, worked out once
    for window in _windows(records):
        rows = []
        for r in window:
            period = r["period"]
            label, order = periods.get(period) or periods.setdefault(period, (period.label, period_sort(period)))
            values = _present(r, _OBSERVATION_COLUMNS)
            if r["status"]:
                values["status"] = r["status"]
            if "illustrative" in r.present:
                values["illustrative"] = bool(r["illustrative"])
            rows.append((r, {"kpi": kpis[r["kpi"]], "period": label}, values, "observation",
                         f"{r['kpi']} {label}", {"period_sort": order}, ("value",)))
        scope = {"kpi__in": {row[1]["kpi"].pk for row in rows}, "period__in": {row[1]["period"] for row in rows}}
        upsert_many(ctx, models.Observation, rows, scope=scope, read=("status",), refuse=final_data)
        done += len(window)
        _progress_step(ctx, "observations.csv", done)


def _load_activity(parsed, ctx) -> None:
    directorates = {d.code: d for d in Directorate.objects.all()}
    orders = _catalogue_order(parsed.get("activity_indicators.csv"), models.ActivityIndicator)
    for r in parsed.get("activity_indicators.csv"):
        order = orders[r["code"]]
        values = _present(r, {"name": "name", "unit": "unit", "decimals": "decimals", "notes": "notes"})
        if "decimals" in values and values["decimals"] is None:
            values["decimals"] = 0
        values["directorate"] = directorates[r["directorate"]]
        values["display_order"] = order
        upsert(ctx, r, models.ActivityIndicator, {"code": r["code"]}, values, "activity_indicator", r["code"])
    indicators = {i.code: i for i in models.ActivityIndicator.objects.all()}
    columns = ("value", "lower_threshold", "upper_threshold", "benchmark", "target")
    done = 0
    mapping = {c: c for c in columns}
    for window in _windows(parsed.get("activity_observations.csv")):
        rows = []
        for r in window:
            period = r["period"]
            values = _present(r, mapping)
            if "illustrative" in r.present:
                values["illustrative"] = bool(r["illustrative"])
            rows.append((r, {"indicator": indicators[r["indicator"]], "period": period.label}, values,
                         "activity_observation", f"{r['indicator']} {period.label}",
                         {"period_sort": period_sort(period)}, ("value",)))
        scope = {"indicator__in": {row[1]["indicator"].pk for row in rows}, "period__in": {row[1]["period"] for row in rows}}
        upsert_many(ctx, models.ActivityObservation, rows, scope=scope)
        done += len(window)
        _progress_step(ctx, "activity_observations.csv", done)


def _load_published(parsed, ctx) -> None:
    kpis = {k.code: k for k in models.Kpi.objects.all()}
    for r in parsed.get("published.csv"):
        values = _present(r, {"published_rag": "published_rag", "published_dot": "published_dot", "source_note": "source_note"})
        upsert(
            ctx,
            r,
            models.PublishedRating,
            {"kpi": kpis[r["kpi"]], "period": r["period"].label},
            values,
            "published_rating",
            f"{r['kpi']} {r['period'].label}",
        )
    directorates = {d.code: d for d in Directorate.objects.all()}
    columns = ("green", "amber", "red", "improving", "stable", "worsening", "source_note")
    for r in parsed.get("published_counts.csv"):
        directorate = directorates.get(r["directorate"]) if r["directorate"] else None
        upsert(
            ctx,
            r,
            models.PublishedCounts,
            {"period": r["period"].label, "directorate": directorate},
            _present(r, {c: c for c in columns}),
            "published_counts",
            f"{r['period'].label} {r['directorate'] or 'TOTAL'}",
        )


def _load_commentary(parsed, ctx) -> None:
    directorates = {d.code: d for d in Directorate.objects.all()}
    kpis = {k.code: k for k in models.Kpi.objects.all()}
    for r in parsed.get("commentary.csv"):
        directorate = directorates.get(r["directorate"]) if r["directorate"] else None
        sub_area = (
            SubArea.objects.get(directorate=directorate, name=r["sub_area"]) if r["sub_area"] else None
        )
        lookup = {
            "period": r["period"].label,
            "directorate": directorate,
            "sub_area": sub_area,
            "kpi": kpis.get(r["kpi"]) if r["kpi"] else None,
            "topic": r["topic"] or "",
        }
        values = _present(r, {"text": "text", "author": "author", "display_order": "display_order"})
        if values.get("display_order") is None:
            values["display_order"] = r.line
        key = " ".join(x for x in (r["period"].label, r["directorate"], r["sub_area"], r["kpi"], r["topic"]) if x)
        upsert(ctx, r, models.Commentary, lookup, values, "commentary", key)


def _load_tables(parsed, ctx) -> None:
    directorates = {d.code: d for d in Directorate.objects.all()}
    for order, table in enumerate(parsed.tables, start=1):
        _load_table(table, order, directorates, ctx)


def _table_rows(table: TableBundle) -> list[dict]:
    return [{c: (r.data.get(c) if c != "period" else r["period"]) for c in table.columns} for r in table.rows]


def _load_table(table: TableBundle, order: int, directorates, ctx) -> None:
    r = table.record
    values = {
        "title": r["title"],
        "directorate": directorates[r["directorate"]],
        "row_columns": r["row_columns"],
        "value_columns": r["value_columns"],
        "footnotes": r["footnotes"] or "",
        "columns": table.columns,
        "display_order": order,
    }
    values["period"] = r["period"].label
    obj = upsert(ctx, r, models.SupportingTable, {"name": r["name"]}, values, "table", r["name"])
    rows = _table_rows(table)
    old_rows = [cell.data for cell in obj.cells.all()]
    if old_rows == rows:
        ctx.count(table.file, "unchanged")
        return
    if old_rows:
        record_revision(ctx, obj, "table", r["name"], "cells", _rows_text(old_rows), _rows_text(rows), table.file)
        obj.cells.all().delete()
        ctx.count(table.file, "changed")
    else:
        ctx.count(table.file, "created")
    models.SupportingTableCell.objects.bulk_create(
        [models.SupportingTableCell(table=obj, line=i, data=row) for i, row in enumerate(rows, start=1)]
    )


def _rows_text(rows: list[dict]) -> str:
    from beacon.core import jsonio

    return jsonio.dumps(rows, indent=None)
