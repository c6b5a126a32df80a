"""The benchmarking files of a data bundle: national measures, other areas' values, comparison
groups and the KPIs mapped to a measure (``docs/benchmarking.md``).

* ``benchmark_measures.csv``: ``measure, title, unit, polarity, source, notes``.
* ``comparator_values.csv``: ``measure, area_code, area_name, period, value, illustrative``; an
  area by its ONS GSS code (a letter E, W, S or N and eight digits); a period is a financial year
  (``2021/22``), a quarter or a month. May be large (every English council x 500 measures x 10
  years): it is checked row by row as it is read and written window by window, set-based
  (:func:`beacon.bundle.load.upsert_many`: ``COPY`` on PostgreSQL), never held whole.
* ``comparison_groups.csv``: ``group, name, source, area_code, area_name``: one row per member;
  the rows of a group are its whole membership (a member left out of the file leaves the group,
  recorded as a revision of the group's ``members``).
* ``kpi_benchmarks.csv``: ``kpi, measure, area_code, group`` (and ``area_name``, optional): the
  KPI, the measure it is compared on, the council's own area and the group it is compared in.

Everything is checked before anything is written (``file:line: column: reason``); an import
writes every change with its history and leaves unchanged rows alone, so importing the same
files twice changes nothing; the export re-imports unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from beacon.bundle.errors import BundleErrors
from beacon.bundle.importer import BundlePart, LoadContext
from beacon.bundle.load import present, record_revision, upsert_many
from beacon.bundle.reader import Bundle
from beacon.bundle.schema import Column, FileSpec, Record, check_lengths, choice, parse_bool, parse_number
from beacon.core.audit import value_text
from beacon.domain.benchmarking import Polarity, check_area_code, comparator_sort, parse_comparator_period
from beacon.domain.periods import PeriodError

from .. import models
from .specs import UNITS

MEASURES_FILE = "benchmark_measures.csv"
VALUES_FILE = "comparator_values.csv"
GROUPS_FILE = "comparison_groups.csv"
KPIS_FILE = "kpi_benchmarks.csv"
MEMBERS = "comparison_groups.csv (members)"
AREAS = "areas"
"""Where the import's summary counts the areas it created or renamed (from the files' area_code and
area_name)."""
"""Where the import's summary counts the groups whose membership it created, changed or left."""


def parse_area_code(text: str) -> str:
    return check_area_code(text)


def parse_comparator_period_text(text: str):
    try:
        return parse_comparator_period(text)
    except PeriodError as exc:
        raise ValueError(str(exc)) from None


MEASURES = FileSpec(
    MEASURES_FILE,
    [
        Column("measure", required=True),
        Column("title", required=True),
        Column("unit", choice(*UNITS)),
        Column("polarity", choice(*(p.value for p in Polarity)), required=True),
        Column("source"),
        Column("notes"),
    ],
    key=("measure",),
)

VALUES = FileSpec(
    VALUES_FILE,
    [
        Column("measure", required=True),
        Column("area_code", parse_area_code, required=True),
        Column("area_name"),
        Column("period", parse_comparator_period_text, required=True),
        Column("value", parse_number, required=True),
        Column("illustrative", parse_bool),
    ],
    key=("measure", "area_code", "period"),
)

GROUPS = FileSpec(
    GROUPS_FILE,
    [
        Column("group", required=True),
        Column("name", required=True),
        Column("source"),
        Column("area_code", parse_area_code, required=True),
        Column("area_name"),
    ],
    key=("group", "area_code"),
)

KPI_BENCHMARKS = FileSpec(
    KPIS_FILE,
    [
        Column("kpi", required=True),
        Column("measure", required=True),
        Column("area_code", parse_area_code, required=True),
        Column("group", required=True),
        Column("area_name"),
    ],
    key=("kpi",),
)

FILES = {spec.name: spec for spec in (MEASURES, VALUES, GROUPS, KPI_BENCHMARKS)}


def owns(name: str) -> bool:
    return name in FILES


# --- checking -------------------------------------------------------------------------------
@dataclass
class BenchmarkBundle:
    records: dict[str, list[Record]] = field(default_factory=dict)
    values: object = None  # the streamed comparator values (StreamedRecords) or None
    areas: dict[str, tuple[str, str, int]] = field(default_factory=dict)  # code -> (name, file, line) named
    warnings: list[str] = field(default_factory=list)

    def get(self, name: str) -> list[Record]:
        return self.records.get(name, [])


def _codes_in_file(bundle: Bundle, name: str, column: str) -> set[str]:
    """What a file names in a column, valid rows or not (a rejected row has its own error)."""
    sheet = bundle.sheets.get(name)
    if sheet is None:
        return set()
    return {(row.values.get(column) or "").strip() for row in sheet.rows} - {""}


def validate(bundle: Bundle, errors: BundleErrors) -> BenchmarkBundle:
    from .validate import StreamedRecords

    result = BenchmarkBundle()
    for name in (MEASURES_FILE, GROUPS_FILE, KPIS_FILE):
        sheet = bundle.sheets.get(name)
        if sheet is not None:
            result.records[name] = FILES[name].parse(sheet, errors)

    measures = set(models.BenchmarkMeasure.objects.values_list("code", flat=True))
    measures |= {r["measure"] for r in result.get(MEASURES_FILE)}
    rejected_measures = _codes_in_file(bundle, MEASURES_FILE, "measure") - measures
    stored_areas = dict(models.Area.objects.values_list("code", "name"))
    named: dict[str, tuple[str, str, int]] = {}  # the names the files give: code -> (name, file, line)

    unnamed: dict[str, Record] = {}  # areas neither held nor named (yet): the first row naming each

    def name_area(record: Record) -> None:
        code, name = record["area_code"], record["area_name"]
        if not name:
            if code not in stored_areas and code not in named and code not in unnamed:
                unnamed[code] = record
            return
        first = named.get(code)
        if first is None:
            named[code] = (name, record.file, record.line)
        elif first[0] != name:
            errors.add(f"{record.where('area_name')}: {code} is named {first[0]!r} at {first[1]}:{first[2]}; "
                       f"one area has one name")

    sheet = bundle.sheets.get(VALUES_FILE)
    if sheet is not None:
        result.values = StreamedRecords(VALUES, sheet)
        unknown: dict[str, int] = {}
        name_limit = _limit(models.Area, "name")
        for r in result.values.check(errors):
            if r["measure"] not in measures and r["measure"] not in rejected_measures:
                if r["measure"] not in unknown:  # said once per measure: a large file repeats it
                    unknown[r["measure"]] = r.line
                    errors.add(f"{r.where('measure')}: unknown measure {r['measure']!r} (not in {MEASURES_FILE} "
                               f"nor held)")
            name_area(r)
            if r["area_name"] and len(r["area_name"]) > name_limit:
                errors.add(f"{r.where('area_name')}: {len(r['area_name']):,} characters; at most "
                           f"{name_limit} are allowed")

    groups = set(models.ComparisonGroup.objects.values_list("code", flat=True))
    group_names: dict[str, tuple[str, str, int]] = {}
    for r in result.get(GROUPS_FILE):
        name_area(r)
        groups.add(r["group"])
        first = group_names.setdefault(r["group"], (r["name"], r["source"] or "", r.line))
        if (first[0], first[1]) != (r["name"], r["source"] or ""):
            errors.add(f"{r.where('name')}: group {r['group']!r} has another name or source at line {first[2]}; "
                       f"every row of a group gives the same")
    for r in result.get(KPIS_FILE):
        name_area(r)
    for code, r in unnamed.items():
        if code not in named:
            errors.add(f"{r.where('area_name')}: area {code} is not held: give its name")

    kpis = set(models.Kpi.objects.values_list("code", flat=True)) | _codes_in_file(bundle, "kpis.csv", "code")
    rejected_groups = _codes_in_file(bundle, GROUPS_FILE, "group") - groups
    for r in result.get(KPIS_FILE):
        if r["kpi"] not in kpis:
            errors.add(f"{r.where('kpi')}: unknown KPI {r['kpi']!r}")
        if r["measure"] not in measures and r["measure"] not in rejected_measures:
            errors.add(f"{r.where('measure')}: unknown measure {r['measure']!r}")
        if r["group"] not in groups and r["group"] not in rejected_groups:
            errors.add(f"{r.where('group')}: unknown comparison group {r['group']!r}")

    check_lengths(result.get(MEASURES_FILE), {"measure": (models.BenchmarkMeasure, "code"),
                                               "title": (models.BenchmarkMeasure, "title"),
                                               "source": (models.BenchmarkMeasure, "source")}, errors)
    check_lengths(result.get(GROUPS_FILE), {"group": (models.ComparisonGroup, "code"),
                                             "name": (models.ComparisonGroup, "name"),
                                             "source": (models.ComparisonGroup, "source"),
                                             "area_name": (models.Area, "name")}, errors)
    result.areas = named
    return result


def _limit(model, name: str) -> int:
    return model._meta.get_field(name).max_length


# --- loading --------------------------------------------------------------------------------
WINDOW = 5000
"""Comparator values read, checked against the stored rows and written at a time."""


def load(parsed: BenchmarkBundle, ctx: LoadContext) -> None:
    _load_measures(parsed, ctx)
    _load_areas(parsed, ctx)
    _load_groups(parsed, ctx)
    _load_values(parsed, ctx)
    _load_kpis(parsed, ctx)
    ctx.errors.raise_if_any()


def _load_measures(parsed: BenchmarkBundle, ctx: LoadContext) -> None:
    rows = []
    for r in parsed.get(MEASURES_FILE):
        values = present(r, {"title": "title", "unit": "unit", "polarity": "polarity", "source": "source",
                             "notes": "notes"})
        rows.append((r, {"code": r["measure"]}, values, "benchmark_measure", r["measure"], None, ()))
    if rows:
        upsert_many(ctx, models.BenchmarkMeasure, rows, scope={"code__in": [row[1]["code"] for row in rows]})


def _load_areas(parsed: BenchmarkBundle, ctx: LoadContext) -> None:
    """The areas the files name: new ones created, a held one's new name recorded as a revision
    (counted under "areas")."""
    rows = []
    for code, (name, file, line) in sorted(parsed.areas.items()):
        r = Record(AREAS, line, {"area_code": code, "area_name": name}, frozenset({"area_code", "area_name"}))
        rows.append((r, {"code": code}, {"name": name}, "area", code, None, ()))
    if rows:
        upsert_many(ctx, models.Area, rows, scope={"code__in": [row[1]["code"] for row in rows]})


def _load_groups(parsed: BenchmarkBundle, ctx: LoadContext) -> None:
    records = parsed.get(GROUPS_FILE)
    if not records:
        return
    areas = dict(models.Area.objects.values_list("code", "pk"))
    by_group: dict[str, list[Record]] = {}
    for r in records:
        by_group.setdefault(r["group"], []).append(r)
    rows = [(rs[0], {"code": code}, {"name": rs[0]["name"], "source": rs[0]["source"] or ""}, "comparison_group", code,
             None, ()) for code, rs in by_group.items()]
    upsert_many(ctx, models.ComparisonGroup, rows, scope={"code__in": list(by_group)})
    groups = {g.code: g for g in models.ComparisonGroup.objects.filter(code__in=list(by_group))}
    for code, rs in by_group.items():
        group = groups[code]
        held = dict(group.members.values_list("area__code", "pk"))
        wanted = [r["area_code"] for r in rs]
        new = [c for c in wanted if c not in held]
        gone = sorted(set(held) - set(wanted))
        if new:
            models.ComparisonGroupMember.objects.bulk_create(
                [models.ComparisonGroupMember(group=group, area_id=areas[c]) for c in new])
        if gone:
            models.ComparisonGroupMember.objects.filter(pk__in=[held[c] for c in gone]).delete()
        if new or gone:
            if held:  # a new group's members are its creation, not a change
                record_revision(ctx, group, "comparison_group", code, "members", ";".join(sorted(held)),
                                ";".join(sorted(wanted)), GROUPS_FILE)
            ctx.count(MEMBERS, "changed" if held else "created")
        else:
            ctx.count(MEMBERS, "unchanged")


def _load_values(parsed: BenchmarkBundle, ctx: LoadContext) -> None:
    """Comparator values window by window: each window's stored rows are read in one query (by
    its measures, areas and periods), new rows inserted with ``COPY`` (PostgreSQL) and changed
    ones updated with their revisions (:func:`beacon.core.audit.save_many_with_history`)."""
    if parsed.values is None:
        return
    measures = dict(models.BenchmarkMeasure.objects.values_list("code", "pk"))
    areas = dict(models.Area.objects.values_list("code", "pk"))
    periods: dict = {}
    done = 0
    window: list[Record] = []

    def write(window: list[Record]) -> None:
        rows = []
        for r in window:
            period = r["period"]
            label, order = periods.get(period) or periods.setdefault(period, (period.label, comparator_sort(period)))
            values = {"value": r["value"]}
            if "illustrative" in r.present:
                values["illustrative"] = bool(r["illustrative"])
            lookup = {"measure_id": measures[r["measure"]], "area_id": areas[r["area_code"]], "period": label}
            rows.append((r, lookup, values, "comparator_value", f"{r['measure']} {r['area_code']} {label}",
                         {"period_sort": order}, ()))
        scope = {"measure_id__in": {row[1]["measure_id"] for row in rows},
                 "area_id__in": {row[1]["area_id"] for row in rows},
                 "period__in": {row[1]["period"] for row in rows}}
        upsert_many(ctx, models.ComparatorValue, rows, scope=scope)

    for r in parsed.values:
        window.append(r)
        if len(window) >= WINDOW:
            write(window)
            done += len(window)
            window = []
            if ctx.progress is not None:
                ctx.progress.step(f"Writing {VALUES_FILE}: {done:,} rows", advance=0)
    if window:
        write(window)


def _load_kpis(parsed: BenchmarkBundle, ctx: LoadContext) -> None:
    records = parsed.get(KPIS_FILE)
    if not records:
        return
    kpis = dict(models.Kpi.objects.values_list("code", "pk"))
    measures = dict(models.BenchmarkMeasure.objects.values_list("code", "pk"))
    areas = dict(models.Area.objects.values_list("code", "pk"))
    groups = dict(models.ComparisonGroup.objects.values_list("code", "pk"))
    rows = [(r, {"kpi_id": kpis[r["kpi"]]},
             {"measure_id": measures[r["measure"]], "area_id": areas[r["area_code"]], "group_id": groups[r["group"]]},
             "kpi_benchmark", r["kpi"], None, ()) for r in records]
    upsert_many(ctx, models.KpiMeasure, rows, scope={"kpi_id__in": [row[1]["kpi_id"] for row in rows]})


# --- export ---------------------------------------------------------------------------------
CHUNK = 5000


class _Values:
    """The comparator values, read from the database as they are written (never held whole)."""

    def __iter__(self):
        query = (models.ComparatorValue.objects.order_by("measure__code", "area__code", "period_sort", "period")
                 .values_list("measure__code", "area__code", "area__name", "period", "value", "illustrative"))
        for measure, code, name, period, value, illustrative in query.iterator(chunk_size=CHUNK):
            yield {"measure": measure, "area_code": code, "area_name": name, "period": period,
                   "value": value_text(value), "illustrative": "true" if illustrative else ""}


def export_files() -> dict[str, tuple[list[str], list[dict]]]:
    files: dict[str, tuple[list[str], list[dict]]] = {}
    measures = [{"measure": m.code, "title": m.title, "unit": m.unit, "polarity": m.polarity, "source": m.source,
                 "notes": m.notes} for m in models.BenchmarkMeasure.objects.order_by("code")]
    if measures:
        files[MEASURES_FILE] = (MEASURES.column_names, measures)
    if models.ComparatorValue.objects.exists():
        files[VALUES_FILE] = (VALUES.column_names, _Values())
    members = list(models.ComparisonGroupMember.objects.select_related("group", "area")
                   .order_by("group__code", "area__code"))
    groups = [{"group": m.group.code, "name": m.group.name, "source": m.group.source, "area_code": m.area.code,
               "area_name": m.area.name} for m in members]
    if groups:
        files[GROUPS_FILE] = (GROUPS.column_names, groups)
    kpis = [{"kpi": k.kpi.code, "measure": k.measure.code, "area_code": k.area.code, "group": k.group.code,
             "area_name": k.area.name}
            for k in models.KpiMeasure.objects.select_related("kpi", "measure", "area", "group").order_by("kpi__code")]
    if kpis:
        files[KPIS_FILE] = (KPI_BENCHMARKS.column_names, kpis)
    return files


PART = BundlePart(
    name="benchmarks",
    owns=owns,
    validate=validate,
    load=load,
    export=export_files,
    warnings=lambda parsed: parsed.warnings,
)
