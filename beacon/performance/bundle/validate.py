"""Parse and check the performance files of a bundle, across files and against the database.

Nothing is written here. The result is a :class:`PerformanceBundle` of parsed records, ready
for :mod:`beacon.performance.bundle.load`, or the errors (``file:line: column: reason``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from beacon.bundle.errors import BundleErrors
from beacon.bundle.reader import Bundle, Sheet
from beacon.bundle.schema import Column, FileSpec, Record, check_lengths, parse_integer, parse_number
from beacon.core.models import Directorate, SubArea
from beacon.domain.periods import Month, PeriodError, Quarter, parse_period
from beacon.domain.tables import total_differences
from beacon.domain.units import unit_problem

from .. import models
from . import specs

HUNDRED = Decimal(100)
TABLE_PERIOD = re.compile(r"^12m to (\d{4}-\d{2})$")


@dataclass
class KpiInfo:
    code: str
    unit: str
    polarity: str
    frequency: str
    directorate: str


@dataclass
class TableBundle:
    record: Record
    file: str
    columns: list[str]
    rows: list[Record]


@dataclass
class PerformanceBundle:
    records: dict[str, list[Record]] = field(default_factory=dict)
    tables: list[TableBundle] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def get(self, name: str) -> list[Record]:
        return self.records.get(name, [])

    @property
    def files(self) -> list[str]:
        return sorted([n for n, r in self.records.items()] + [t.file for t in self.tables])


def parse_table_period(text: str) -> str:
    """A supporting-table period: a quarter, a month, or ``12m to YYYY-MM``; kept normalised."""
    m = TABLE_PERIOD.match(text.strip())
    try:
        if m:
            return f"12m to {parse_period(m.group(1)).label}"
        return parse_period(text).label
    except PeriodError as exc:
        raise ValueError(str(exc)) from None


STREAMED = ("targets.csv", "observations.csv", "activity_observations.csv")
"""The files that may be large: checked row by row as they are read, never held whole; their
records are read again from the file when they are loaded (:class:`StreamedRecords`)."""


KEEP_ROWS = 50_000
"""A streamed file of at most this many rows keeps its parsed records from the check to the load
(about 50 MB at most); a larger one is parsed again, a window at a time."""


class StreamedRecords:
    """The parsed records of a large file, parsed again from its rows each time they are iterated
    (the file was checked when the bundle was validated, so every row is valid then)."""

    def __init__(self, spec: FileSpec, sheet: Sheet):
        self.spec, self.sheet = spec, sheet
        self.kept: list[Record] | None = None

    def check(self, errors: BundleErrors):
        """The records, parsed and checked (problems to ``errors``) as they are read. Up to
        :data:`KEEP_ROWS` of them are kept for the load; a larger file is parsed again then."""
        kept: list[Record] | None = []
        for record in self.spec.iter_parse(self.sheet, errors):
            if kept is not None:
                kept.append(record)
                if len(kept) > KEEP_ROWS:
                    kept = None
            yield record
        self.kept = kept

    def __iter__(self):
        if self.kept is not None:
            return iter(self.kept)
        return self.spec.iter_parse(self.sheet, BundleErrors(limit=0))

    def __bool__(self) -> bool:
        return True


def validate(bundle: Bundle, errors: BundleErrors) -> PerformanceBundle:
    result = PerformanceBundle()
    for name, spec in specs.FILES.items():
        sheet = bundle.sheets.get(name)
        if sheet is not None:
            result.records[name] = StreamedRecords(spec, sheet) if name in STREAMED else spec.parse(sheet, errors)

    directorate_codes = set(Directorate.objects.values_list("code", flat=True))
    directorate_codes |= {r["code"] for r in result.get("directorates.csv")}
    # a row rejected above has its own error: references to it are not reported again
    directorate_codes |= _codes_in_file(bundle, "directorates.csv", "code")

    kpis = {
        k.code: KpiInfo(k.code, k.unit, k.polarity, k.frequency, k.directorate.code)
        for k in models.Kpi.objects.select_related("directorate")
    }
    sub_areas = {(s.directorate.code, s.name) for s in SubArea.objects.select_related("directorate")}
    for r in result.get("kpis.csv"):
        if r["directorate"] not in directorate_codes:
            errors.add(f"{r.where('directorate')}: unknown directorate {r['directorate']!r}")
        kpis[r["code"]] = KpiInfo(
            r["code"], r["unit"], r["polarity"], r["frequency"] or "quarterly", r["directorate"]
        )
        if r["sub_area"]:
            sub_areas.add((r["directorate"], r["sub_area"]))

    rejected = _codes_in_file(bundle, "kpis.csv", "code") - set(kpis)
    for r in _checking(result, "targets.csv", errors):
        if r["kpi"] not in rejected:
            _check_target(r, kpis, errors)
    for r in _checking(result, "observations.csv", errors):
        if r["kpi"] not in rejected:
            _check_observation(r, kpis, errors)
    for r in result.get("published.csv"):
        if r["kpi"] not in kpis and r["kpi"] not in rejected:
            errors.add(f"{r.where('kpi')}: unknown KPI {r['kpi']!r}")
    for r in result.get("published_counts.csv"):
        if r["directorate"] and r["directorate"] not in directorate_codes:
            errors.add(f"{r.where('directorate')}: unknown directorate {r['directorate']!r}")
    for r in result.get("commentary.csv"):
        _check_commentary(r, directorate_codes, sub_areas, kpis, errors)
    for r in result.get("target_changes.csv"):
        if r["kpi"] not in rejected:
            _check_target_change(r, kpis, errors)

    indicators = dict(models.ActivityIndicator.objects.values_list("code", "unit"))
    for r in result.get("activity_indicators.csv"):
        if r["directorate"] not in directorate_codes:
            errors.add(f"{r.where('directorate')}: unknown directorate {r['directorate']!r}")
        indicators[r["code"]] = r["unit"]
    for r in _checking(result, "activity_observations.csv", errors):
        _check_activity_observation(r, indicators, errors)

    _validate_tables(bundle, result, directorate_codes, errors)
    _check_lengths(result, errors)
    return result


def _checking(result: PerformanceBundle, name: str, errors: BundleErrors):
    """The records of a file for the checks across files: a streamed file is parsed here, its
    problems reported to ``errors`` as the rows are read (one pass, nothing held)."""
    records = result.records.get(name)
    if isinstance(records, StreamedRecords):
        return records.check(errors)
    return records or []


# text columns stored in fields of limited length (PostgreSQL enforces it, SQLite does not)
_TEXT_LIMITS = {
    "directorates.csv": {c: (Directorate, c) for c in ("code", "name", "section_title", "corporate_director", "director_label",
                                                             "kpi_heading")},
    "kpis.csv": {**{c: (models.Kpi, c) for c in ("code", "name", "short_name", "unit_label")}, "sub_area": (SubArea, "name")},
    "activity_indicators.csv": {c: (models.ActivityIndicator, c) for c in ("code", "name")},
    "commentary.csv": {c: (models.Commentary, c) for c in ("topic", "author")},
    "tables.csv": {c: (models.SupportingTable, c) for c in ("name", "title")},
}


def _check_lengths(result: PerformanceBundle, errors: BundleErrors) -> None:
    for name, columns in _TEXT_LIMITS.items():
        check_lengths(result.get(name), columns, errors)


def _codes_in_file(bundle: Bundle, name: str, column: str) -> set[str]:
    """The codes a file names, valid rows or not (a rejected row is already reported)."""
    sheet = bundle.sheets.get(name)
    if sheet is None:
        return set()
    return {(row.values.get(column) or "").strip() for row in sheet.rows} - {""}


def _percent_problem(number, what: str) -> str | None:
    if number is None:
        return None
    if number.value > HUNDRED:
        return f"{number.value} is over 100, which a percentage cannot be"
    if number.value < 0:
        return f"{number.value} is negative, which a percentage cannot be"
    return None


def _check_number_for_unit(record: Record, column: str, unit: str, errors: BundleErrors) -> None:
    number = record[column]
    if number is None:
        return
    if number.percent_sign and unit != "percent":
        errors.add(f"{record.where(column)}: a % sign is only accepted for percent measures (this one is {unit})")
    if unit == "percent":
        problem = _percent_problem(number, column)
        if problem:
            errors.add(f"{record.where(column)}: {problem}")
    elif column == "value":  # the value a return would hold: the return's rule for its unit
        problem = unit_problem(number.value, unit)
        if problem:
            errors.add(f"{record.where(column)}: {number.value} {problem} (the measure is in {unit})")


def _check_target(r: Record, kpis: dict[str, KpiInfo], errors: BundleErrors) -> None:
    info = kpis.get(r["kpi"])
    if info is None:
        errors.add(f"{r.where('kpi')}: unknown KPI {r['kpi']!r}")
        return
    columns = ("target", "floor", "target_low", "target_high", "floor_low", "floor_high")
    for column in columns:
        _check_number_for_unit(r, column, info.unit, errors)
    if r["effective_from"] is not None and r["effective_from"].financial_year != r["financial_year"]:
        errors.add(
            f"{r.where('effective_from')}: {r['effective_from'].label} is not in financial year "
            f"{r['financial_year'].label}"
        )
    if info.polarity == "range":
        wrong = [c for c in ("target", "floor") if r[c] is not None]
        if wrong:
            errors.add(f"{r.where(wrong[0])}: KPI {info.code} is a range KPI; give target_low/target_high instead")
        if (r["floor_low"] is None) != (r["floor_high"] is None):
            errors.add(f"{r.where('floor_low')}: give both floor_low and floor_high, or neither")
    else:
        wrong = [c for c in ("target_low", "target_high", "floor_low", "floor_high") if r[c] is not None]
        if wrong:
            errors.add(f"{r.where(wrong[0])}: KPI {info.code} is a {info.polarity} KPI; bands are for range KPIs")
    from beacon.domain.rag import Polarity

    thresholds = thresholds_from(r.data)
    for problem in thresholds.problems(Polarity(info.polarity)):
        column = _column_named_in(problem, columns, info.polarity)
        errors.add(f"{r.where(column)}: {problem} (KPI {info.code})")


def _check_target_change(r: Record, kpis: dict[str, KpiInfo], errors: BundleErrors) -> None:
    from beacon.domain.targets import fields_for

    info = kpis.get(r["kpi"])
    if info is None:
        errors.add(f"{r.where('kpi')}: unknown KPI {r['kpi']!r}")
        return
    if r["effective_from"] is not None and r["effective_from"].financial_year != r["financial_year"]:
        errors.add(f"{r.where('effective_from')}: {r['effective_from'].label} is not in financial year "
                   f"{r['financial_year'].label}")
    allowed = [f.value for f in fields_for(info.polarity)]
    if r["field"] not in allowed:
        errors.add(f"{r.where('field')}: KPI {info.code} is a {info.polarity} KPI; its values are {', '.join(allowed)}")
    for column in ("old_value", "new_value"):
        _check_number_for_unit(r, column, info.unit, errors)


def _column_named_in(problem: str, columns, polarity: str) -> str:
    """The column a threshold problem is about: the first one its text names ("floor standard
    (98) must be below target (97)" is about the floor; a range KPI's "floor band" is floor_low)."""
    names = "|".join(sorted((re.escape(c) for c in columns), key=len, reverse=True))
    found = re.search(rf"\b({names})\b", problem)
    column = found.group(1) if found else columns[0]
    if polarity == "range" and column in ("target", "floor"):
        column += "_low"
    return column


def thresholds_from(data: dict):
    from beacon.domain.rag import Thresholds

    def num(key):
        value = data.get(key)
        if value is None:
            return None
        return float(value.value if hasattr(value, "value") else value)

    return Thresholds(
        target=num("target"),
        floor=num("floor"),
        target_low=num("target_low"),
        target_high=num("target_high"),
        floor_low=num("floor_low"),
        floor_high=num("floor_high"),
    )


def _check_observation(r: Record, kpis: dict[str, KpiInfo], errors: BundleErrors) -> None:
    info = kpis.get(r["kpi"])
    if info is None:
        errors.add(f"{r.where('kpi')}: unknown KPI {r['kpi']!r}")
        return
    _check_number_for_unit(r, "value", info.unit, errors)
    period = r["period"]
    if isinstance(period, Month) and info.frequency != "monthly":
        errors.add(f"{r.where('period')}: KPI {info.code} is {info.frequency}; give a quarter like 2022/23 Q2")
    if isinstance(period, Quarter) and info.frequency == "monthly":
        errors.add(f"{r.where('period')}: KPI {info.code} is monthly; give a month like 2022-09")
    if r["illustrative"] and (r["manual_rating"] or r["manual_dot"] or r["manual_severity"]):
        errors.add(f"{r.where('illustrative')}: an illustrative value cannot carry a manual rating")


def _check_commentary(r, directorate_codes, sub_areas, kpis, errors) -> None:
    if r["directorate"] and r["directorate"] not in directorate_codes:
        errors.add(f"{r.where('directorate')}: unknown directorate {r['directorate']!r}")
    if r["sub_area"]:
        if not r["directorate"]:
            errors.add(f"{r.where('directorate')}: a sub_area needs its directorate")
        elif (r["directorate"], r["sub_area"]) not in sub_areas:
            errors.add(f"{r.where('sub_area')}: {r['directorate']} has no sub-area {r['sub_area']!r}")
    if r["kpi"] and r["kpi"] not in kpis:
        errors.add(f"{r.where('kpi')}: unknown KPI {r['kpi']!r}")


def _check_activity_observation(r: Record, indicators: dict[str, str], errors: BundleErrors) -> None:
    unit = indicators.get(r["indicator"])
    if unit is None:
        errors.add(f"{r.where('indicator')}: unknown activity indicator {r['indicator']!r}")
        return
    for column in ("value", "lower_threshold", "upper_threshold", "benchmark", "target"):
        _check_number_for_unit(r, column, unit, errors)
    low, high = r["lower_threshold"], r["upper_threshold"]
    if low is not None and high is not None and low.value > high.value:
        errors.add(f"{r.where('lower_threshold')}: {low.value} is above the upper_threshold {high.value}")


def _validate_tables(bundle: Bundle, result: PerformanceBundle, directorate_codes, errors) -> None:
    listed = {}
    for r in result.get("tables.csv"):
        if r["directorate"] not in directorate_codes:
            errors.add(f"{r.where('directorate')}: unknown directorate {r['directorate']!r}")
        listed[r["name"]] = [r]
    known = {t.name: t for t in models.SupportingTable.objects.all()}
    table_files = sorted(n for n in bundle.sheets if specs.is_table_file(n))
    for file in table_files:
        name = file[len("tables/") : -len(".csv")]
        entries = listed.pop(name, None)
        if entries is None:
            if name in known:
                entries = [_record_from_table(known[name])]
            else:
                errors.add(f"{file}:1: (file): table {name!r} is not listed in tables.csv")
                continue
        entry = entries[0]
        spec = _table_spec(entry)
        rows = spec.parse(bundle.sheets[file], errors)
        result.tables.append(TableBundle(entry, file, bundle.sheets[file].header, rows))
        for other in entries[1:]:
            result.tables.append(TableBundle(other, file, bundle.sheets[file].header, rows))
        result.warnings.extend(_total_differences(file, entry, rows))
    for name, entries in listed.items():
        for r in entries:
            errors.add(f"{r.where('name')}: the bundle has no file tables/{name}.csv")


def _record_from_table(table) -> Record:
    return Record(
        "tables.csv",
        0,
        {
            "name": table.name,
            "title": table.title,
            "directorate": table.directorate.code,
            "period": Quarter.parse(table.period),
            "row_columns": table.row_columns,
            "value_columns": table.value_columns,
            "footnotes": table.footnotes,
        },
    )


def _parse_table_value(text: str) -> str:
    parse_number(text)  # must be a number; the printed text is what is stored
    return text


def _table_spec(entry: Record) -> FileSpec:
    columns = [Column(c, required=True) for c in entry["row_columns"]]
    columns += [Column("period", parse_table_period, required=True), Column("period_label", required=True)]
    columns += [Column(c, _parse_table_value) for c in entry["value_columns"]]
    columns += [Column("row_order", parse_integer), Column("row_type")]
    key = (*entry["row_columns"], "period")
    return FileSpec(f"tables/{entry['name']}.csv", columns, key=key)


def _total_differences(file: str, entry: Record, rows: list[Record]) -> list[str]:
    """Printed total rows against the sum of their members (the rule is
    ``beacon.domain.tables.total_differences``). Totals are stored as printed; a difference is
    reported as a warning here and fails consistency check 6.1.9 in the report."""
    lines = {id(r.data): r.line for r in rows}
    warnings = []
    for d in total_differences([r.data for r in rows], entry["row_columns"], entry["value_columns"]):
        warnings.append(
            f"{file}:{lines[id(d.row)]}: {d.column}: printed total {d.printed} for {d.row['period']} differs from "
            f"the sum of its {len(d.parts)} rows ({d.computed})"
        )
    return warnings
