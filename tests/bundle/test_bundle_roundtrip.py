"""Export and re-import: `beacon export` writes a bundle that re-imports unchanged, as a CSV
folder or an .xlsx workbook, and a workbook made from the demo CSV files imports the same
data as the CSV folder (import-format.md)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from beacon.bundle.importer import export_bundle, import_bundle
from beacon.core import models as core
from beacon.performance import models


def wipe(row_counts) -> None:
    """Empty every performance table: a fresh database for the re-import."""
    for model in (
        core.Revision,
        core.ImportRun,
        models.KpiMeasure,  # the benchmarking files (docs/benchmarking.md)
        models.ComparatorValue,
        models.ComparisonGroupMember,
        models.ComparisonGroup,
        models.BenchmarkMeasure,
        models.Area,
        models.SupportingTableCell,
        models.SupportingTable,
        models.PublishedCounts,
        models.PublishedRating,
        models.Commentary,
        models.ActivityObservation,
        models.ActivityIndicator,
        models.Observation,
        models.KpiTarget,
        models.Kpi,
        core.SubArea,
        core.Directorate,
    ):
        model.objects.all().delete()
    assert set(row_counts().values()) == {0}


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def demo_as_workbook(demo_dir: Path, target: Path, typed_numbers: bool) -> Path:
    """The demo CSV files as one workbook: a sheet per file, ``tables.<name>`` for tables/.

    With ``typed_numbers`` the numeric cells of the main files are written as numbers, as a
    spreadsheet user would have them (table cells stay text: they keep their printed form)."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for path in sorted(demo_dir.rglob("*.csv")):
        relative = path.relative_to(demo_dir).as_posix()
        in_tables = relative.startswith("tables/")
        title = "tables." + path.stem if in_tables else path.stem
        sheet = workbook.create_sheet(title)
        with path.open(encoding="utf-8", newline="") as handle:
            for i, row in enumerate(csv.reader(handle)):
                if typed_numbers and i and not in_tables:
                    row = [(float(c) if "." in c else int(c)) if NUMBER.match(c) else c for c in row]
                sheet.append(row)
    workbook.save(target)
    return target


@pytest.mark.django_db
def test_csv_export_reimports_into_a_fresh_database_identically(demo_imported, tmp_path, row_counts, db_dump):
    original = db_dump(history=False)
    counts = row_counts()
    assert len(original["Kpi"]) == 37 and len(original["SupportingTable"]) == 7
    first = tmp_path / "first"
    export_bundle(first)
    exported = files_of(first)
    assert {"directorates.csv", "kpis.csv", "targets.csv", "observations.csv", "published.csv",
            "published_counts.csv", "tables.csv", "tables/calls_by_service.csv"} <= set(exported)

    wipe(row_counts)
    result = import_bundle(first, user="demo-test")

    assert all(set(c) == {"created"} for c in result.summary.values()), result.summary
    assert db_dump(history=False) == original
    assert row_counts() == counts
    second = tmp_path / "second"
    export_bundle(second)
    assert files_of(second) == exported  # byte-identical

    again = import_bundle(first, user="demo-test")  # and it re-imports unchanged
    assert not again.changed


@pytest.mark.django_db
def test_xlsx_export_reimports_into_a_fresh_database_identically(demo_imported, tmp_path, row_counts, db_dump):
    original = db_dump(history=False)
    csv_export = tmp_path / "csv"
    export_bundle(csv_export)
    workbook = tmp_path / "export.xlsx"
    export_bundle(workbook)

    from openpyxl import load_workbook

    titles = load_workbook(workbook, read_only=True).sheetnames
    assert "kpis" in titles and "tables.calls_by_service" in titles

    wipe(row_counts)
    import_bundle(workbook, user="demo-test")

    assert db_dump(history=False) == original
    again = tmp_path / "again"
    export_bundle(again)
    assert files_of(again) == files_of(csv_export)


@pytest.mark.django_db
@pytest.mark.parametrize("typed_numbers", [False, True], ids=["text-cells", "number-cells"])
def test_the_demo_as_a_workbook_imports_like_the_csv_folder(demo_dir, tmp_path, row_counts, db_dump, typed_numbers):
    import_bundle(demo_dir, user="demo-test")
    from_csv = db_dump(history=False)
    workbook = demo_as_workbook(demo_dir, tmp_path / "demo.xlsx", typed_numbers)

    wipe(row_counts)
    result = import_bundle(workbook, user="demo-test")

    assert result.summary["kpis.csv"]["created"] == 37
    assert db_dump(history=False) == from_csv


@pytest.mark.django_db
def test_a_bad_workbook_row_is_reported_by_sheet_file_and_row(demo_dir, tmp_path, row_counts):
    from openpyxl import load_workbook

    workbook = demo_as_workbook(demo_dir, tmp_path / "demo.xlsx", typed_numbers=False)
    book = load_workbook(workbook)
    sheet = book["observations"]
    header = [c.value for c in sheet[1]]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == "CS2"
               and sheet.cell(r, 2).value == "2022/23 Q2")
    sheet.cell(row, header.index("value") + 1).value = "abc"
    book.save(workbook)
    from beacon.bundle.errors import BundleErrors

    with pytest.raises(BundleErrors) as caught:
        import_bundle(workbook, user="tester")
    assert [m.split(" ", 2)[:2] for m in caught.value.messages] == [[f"observations.csv:{row}:", "value:"]]
    assert set(row_counts().values()) == {0}


def write_rich_bundle(folder: Path) -> Path:
    """Every performance file of the contract, with the optional columns the demo lacks:
    activity indicators, commentary, a mid-year target change, a monthly KPI, illustrative
    values, first_year, cabinet member lists."""
    files = {
        "directorates.csv": [
            ["code", "name", "section_title", "cabinet_members", "corporate_director", "director_label", "display_order"],
            ["AA", "Alpha", "Alpha Services", "Ann One;Bob Two", "Cat Three", "Director", "2"],
            ["BB", "Beta", "", "Dan Four", "", "", "1"],
        ],
        "kpis.csv": [
            ["code", "name", "short_name", "directorate", "sub_area", "unit", "unit_label", "polarity", "decimals",
             "frequency", "rolling_12_months", "in_arrears", "notes", "first_year"],
            ["A1", "Alpha one", "A one", "AA", "Block X", "percent", "", "higher", "1", "quarterly", "true", "false", "A note", "2022/23"],
            ["A2", "Alpha two", "", "AA", "Block Y", "rate", "per 100,000", "lower", "0", "monthly", "false", "true", "", ""],
            ["B1", "Beta one", "", "BB", "", "days", "", "range", "0", "", "", "", "", ""],
        ],
        "targets.csv": [
            ["kpi", "financial_year", "target", "floor", "target_low", "target_high", "floor_low", "floor_high",
             "target_source", "floor_source", "effective_from"],
            ["A1", "2022/23", "80.5", "70", "", "", "", "", "published", "assumed", ""],
            ["A1", "2022/23", "82", "72", "", "", "", "", "published", "assumed", "2022/23 Q3"],
            ["A2", "2022/23", "100", "120", "", "", "", "", "", "", ""],
            ["B1", "2022/23", "", "", "10", "20", "5", "25", "", "", ""],
        ],
        "observations.csv": [
            ["kpi", "period", "value", "status", "note", "manual_rating", "manual_reason", "manual_dot",
             "manual_dot_reason", "illustrative"],
            ["A1", "2022/23 Q1", "79.25", "final", "A caveat, with a comma", "", "", "", "", ""],
            ["A1", "2022/23 Q2", "81", "provisional", "", "", "", "improving", "By hand", ""],
            ["A1", "2021/22 Q4", "70", "", "", "", "", "", "", "true"],
            ["A2", "2022-08", "110", "", "", "", "", "", "", ""],
            ["A2", "2022-09", "1,105.5", "", "", "", "", "", "", ""],
            ["B1", "2022/23 Q2", "", "", "", "AMBER", "Not published", "", "", ""],
        ],
        "activity_indicators.csv": [
            ["code", "name", "directorate", "unit", "decimals", "notes"],
            ["X1", "Calls – by quarter", "AA", "count", "0", "Footnote"],
            ["X2", "Call time", "BB", "seconds", "", ""],
        ],
        "activity_observations.csv": [
            ["indicator", "period", "value", "lower_threshold", "upper_threshold", "benchmark", "target", "illustrative"],
            ["X1", "2022/23 Q1", "142000", "120000", "150000", "", "", ""],
            ["X1", "2022/23 Q2", "133000", "120000", "150000", "", "", "true"],
            ["X2", "2022-09", "384", "", "", "", "345", ""],
        ],
        "commentary.csv": [
            ["period", "directorate", "sub_area", "kpi", "topic", "text", "author", "display_order"],
            ["2022/23 Q2", "", "", "", "", "Edition text.", "Editor", "1"],
            ["2022/23 Q2", "AA", "Block X", "", "Schools", "Two paragraphs.\n\nSecond one.", "", "2"],
            ["2022/23 Q2", "AA", "", "A1", "", "About A1.", "", "3"],
        ],
        "published.csv": [
            ["kpi", "period", "published_rag", "published_dot", "source_note"],
            ["A1", "2022/23 Q2", "GREEN", "", "Printed"],
        ],
        "published_counts.csv": [
            ["period", "directorate", "green", "amber", "red", "improving", "stable", "worsening", "source_note"],
            ["2022/23 Q1", "", "1", "1", "0", "0", "2", "0", "Total"],
            ["2022/23 Q1", "AA", "1", "0", "0", "", "", "", ""],
        ],
        "tables.csv": [
            ["name", "title", "directorate", "period", "row_columns", "value_columns", "footnotes"],
            ["t_one", "Table one", "BB", "2022/23 Q2", "area", "count;share", "Line one\nLine two"],
        ],
        "tables/t_one.csv": [
            ["row_order", "area", "row_type", "period", "period_label", "count", "share"],
            ["1", "North", "", "2022/23 Q2", "Jul - Sep 22", "1.50", "40.0"],
            ["2", "South", "", "2022/23 Q2", "Jul - Sep 22", "2.25", ""],
            ["3", "Total", "total", "2022/23 Q2", "Jul - Sep 22", "3.75", "100"],
            ["1", "North", "", "12m to 2022-09", "Yr to Sep 22", "6", ""],
        ],
    }
    for name, rows in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)
    return folder


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", ["", ".xlsx"], ids=["csv", "xlsx"])
def test_every_file_of_the_contract_round_trips(tmp_path, row_counts, db_dump, suffix):
    source = write_rich_bundle(tmp_path / "rich")
    result = import_bundle(source, user="tester")
    assert not result.warnings or all("t_one" in w for w in result.warnings)
    original = db_dump(history=False)
    assert {name: len(rows) for name, rows in original.items() if name in (
        "ActivityObservation", "Commentary", "KpiTarget", "Observation", "SupportingTableCell")} == {
        "ActivityObservation": 3, "Commentary": 3, "KpiTarget": 4, "Observation": 6, "SupportingTableCell": 4}
    first = tmp_path / "first"
    export_bundle(first)
    exported = tmp_path / ("export" + suffix) if suffix else first
    if suffix:
        export_bundle(exported)

    wipe(row_counts)
    import_bundle(exported, user="tester")

    assert db_dump(history=False) == original
    second = tmp_path / "second"
    export_bundle(second)
    assert files_of(second) == files_of(first)
    assert not import_bundle(exported, user="tester").changed


@pytest.mark.django_db
def test_reimporting_an_export_into_the_same_database_changes_nothing(tmp_path):
    """The catalogue order of kpis.csv need not follow the directorates' display order."""
    import_bundle(write_rich_bundle(tmp_path / "rich"), user="tester")
    revisions = core.Revision.objects.count()
    export_bundle(tmp_path / "export")
    result = import_bundle(tmp_path / "export", user="tester")
    assert not result.changed, result.report()
    assert core.Revision.objects.count() == revisions


@pytest.mark.django_db
def test_export_row_order_does_not_depend_on_the_database(demo_imported, demo_dir, tmp_path):
    """SQLite sorts NULL first and PostgreSQL last: the TOTAL row of published_counts.csv
    (no directorate) must be placed explicitly. The demo file has it last, as printed."""
    export_bundle(tmp_path / "export")

    def keys(path):
        with path.open(encoding="utf-8", newline="") as handle:
            return [(row["period"], row["directorate"]) for row in csv.DictReader(handle)]

    assert keys(tmp_path / "export" / "published_counts.csv") == keys(demo_dir / "published_counts.csv")
    for name in ("kpis.csv", "published.csv"):
        exported = [row[0] for row in csv.reader((tmp_path / "export" / name).open(encoding="utf-8"))]
        original = [row[0] for row in csv.reader((demo_dir / name).open(encoding="utf-8"))]
        assert exported == original, name


@pytest.mark.django_db
def test_workbook_sheets_outside_the_contract_are_skipped(demo_dir, tmp_path):
    """A workbook often carries other sheets, such as Excel's blank "Sheet1" or a notes sheet."""
    from openpyxl import load_workbook

    workbook = demo_as_workbook(demo_dir, tmp_path / "demo.xlsx", typed_numbers=False)
    book = load_workbook(workbook)
    book.create_sheet("Sheet1")
    book.create_sheet("Notes").append(["Prepared by the performance team"])
    book.save(workbook)

    result = import_bundle(workbook, user="tester")

    assert result.summary["kpis.csv"]["created"] == 37
    assert {"Sheet1.csv", "Notes.csv"} <= set(result.skipped)


@pytest.mark.django_db
def test_an_empty_contract_sheet_is_an_error(demo_dir, tmp_path, row_counts):
    from openpyxl import load_workbook

    from beacon.bundle.errors import BundleErrors

    workbook = demo_as_workbook(demo_dir, tmp_path / "demo.xlsx", typed_numbers=False)
    book = load_workbook(workbook)
    del book["published"]
    book.create_sheet("published")
    book.save(workbook)
    with pytest.raises(BundleErrors) as caught:
        import_bundle(workbook, user="tester")
    assert [m.split(" ", 2)[:2] for m in caught.value.messages] == [["published.csv:1:", "(file):"]]
    assert set(row_counts().values()) == {0}
