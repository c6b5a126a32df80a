"""Export and re-import: `beacon export` writes a bundle that re-imports unchanged, as a CSV
folder or an .xlsx workbook, and a workbook made from the demo CSV files imports the same
data as the CSV folder (import-format.md)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from beacon.bundle.importer import export_bundle, import_bundle
from beacon.performance import models


def wipe(row_counts) -> None:
    """Empty every performance table: a fresh database for the re-import."""
    for model in (
        models.Revision,
        models.ImportRun,
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
        models.SubArea,
        models.Directorate,
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
