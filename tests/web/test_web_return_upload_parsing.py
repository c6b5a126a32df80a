"""Reading an uploaded return (CSV or Excel workbook) into typed entries, by the return page's
rules: every problem names the file, the row and the column; lines, columns and months left out
keep what the return holds; the template the page offers reads back as what the return holds."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from beacon.domain.periods import Quarter
from beacon.returns import upload as up
from beacon.returns.commands import LineEntry, MonthValue
from beacon.returns.entries import LineKind
from beacon.returns.queries import LineView, MonthView

Q3 = Quarter.parse("2022/23 Q3")
OCT, NOV, DEC = Q3.months
HEADER = "kind,code,title,unit,period,value,note,commentary"


def _lines():
    return [
        LineView(kind=LineKind.KPI, code="A1", name="Percentage of calls answered", unit="percent", decimals=0,
                 value=Decimal(88), note="held note", commentary="held commentary"),
        LineView(kind=LineKind.KPI, code="A2", name="Number of days waited", unit="days", decimals=0, value=Decimal(9)),
        LineView(kind=LineKind.KPI, code="A3", name="Emails answered in a day", unit="percent", decimals=0,
                 months=(MonthView(OCT, Decimal(95)), MonthView(NOV, None), MonthView(DEC, Decimal(97))),
                 note="monthly note"),
        LineView(kind=LineKind.INDICATOR, code="AI1", name="Calls received", unit="count", decimals=0),
    ]


def _csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode("utf-8")


def _parse(data: bytes, name: str = "return.csv"):
    return up.parse_upload(name, data, _lines(), Q3, "AA")


def _problems(data: bytes, name: str = "return.csv") -> list[str]:
    with pytest.raises(up.UploadError) as exc:
        _parse(data, name)
    return exc.value.problems


def test_a_csv_return_becomes_typed_entries():
    upload = _parse(_csv(
        "kpi,A1,Percentage of calls answered,percent,2022/23 Q3, 97% ,New note,Staffing improved.",
        "kpi,A3,,percent,2022-10,96,,",
        "kpi,A3,,percent,November 2022,96.5,,",
    ))
    a1, a3 = upload.entries
    assert a1 == LineEntry(kind=LineKind.KPI, code="A1", value=Decimal(97), note="New note", commentary="Staffing improved.")
    # a month left out (December) keeps its value; the monthly note is blank in the file: cleared
    assert a3.months == (MonthValue(OCT, Decimal(96)), MonthValue(NOV, Decimal("96.5")), MonthValue(DEC, Decimal(97)))
    assert a3.value is None and a3.note == ""
    assert upload.commentary is None  # no directorate row: the commentary stays


def test_columns_and_lines_left_out_keep_what_the_return_holds():
    upload = _parse(_csv('KPI,A1,99', 'indicator,AI1,"1,300"', header="Kind, Code ,VALUE"))
    a1, ai1 = upload.entries
    assert (a1.value, a1.note, a1.commentary) == (Decimal(99), "held note", "held commentary")
    assert ai1 == LineEntry(kind=LineKind.INDICATOR, code="AI1", value=Decimal(1300))
    # no value column: the values stay, the notes change
    upload = _parse(_csv("kpi,A1,,changed", "kpi,A3,2022-10,once", header="kind,code,period,note"))
    a1, a3 = upload.entries
    assert (a1.value, a1.note) == (Decimal(88), "changed")
    assert a3.months == (MonthValue(OCT, Decimal(95)), MonthValue(NOV, None), MonthValue(DEC, Decimal(97)))


def test_the_directorate_commentary_row():
    upload = _parse(_csv("directorate,AA,Directorate commentary,,2022/23 Q3,,,A good quarter."))
    assert upload.entries == () and upload.commentary == "A good quarter."
    assert _problems(_csv("directorate,BB,,,,,,Not ours.")) == [
        "return.csv row 2, code: 'BB' is not this return's directorate (AA)"]
    assert _problems(_csv("directorate,AA,,,,12,,")) == [
        "return.csv row 2, value: the directorate's row takes only a commentary"]


@pytest.mark.parametrize(("row", "problem"), [
    ("kpi,A1,,,,ninety,,", "return.csv row 2, value: 'ninety' is not a number (use . as the decimal point)"),
    ("kpi,A1,,,,1e2,,", "return.csv row 2, value: '1e2' is written with an exponent: type the number in full, for example 100"),
    ("kpi,A1,,,,９７,,", ("return.csv row 2, value: '９７' has characters that are not the digits 0 to 9: type the number with the "
                         "digits 0 to 9")),
    ("kpi,A1,,,,NaN,,", "return.csv row 2, value: 'NaN' is not a number"),
    ("kpi,A1,,,,120,,", "return.csv row 2, value: '120' is not a percentage between 0 and 100"),
    ("kpi,A2,,,,-3,,", "return.csv row 2, value: '-3' must not be negative"),
    ("kpi,Z9,,,,1,,", "return.csv row 2, code: 'Z9' is not a KPI of this return"),
    ("indicator,A1,,,,1,,", "return.csv row 2, code: 'A1' is not an activity indicator of this return"),
    ("risk,A1,,,,1,,", "return.csv row 2, kind: 'risk' is not kpi, indicator or directorate"),
    (",A1,,,,1,,", "return.csv row 2, kind: enter kpi, indicator or directorate"),
    ("kpi,,,,,1,,", "return.csv row 2, code: enter the KPI's code"),
    ("kpi,A1,,,2022/23 Q2,1,,", "return.csv row 2, period: '2022/23 Q2' is not this return's quarter (2022/23 Q3)"),
    ("kpi,A3,,,,1,,", "return.csv row 2, period: A3 is monthly; give the month (2022-10, 2022-11, 2022-12)"),
    ("kpi,A3,,,2023-01,1,,", "return.csv row 2, period: A3 is monthly; give the month (2022-10, 2022-11, 2022-12), not '2023-01'"),
    ("kpi,A1,,,,1," + "x" * 5001 + ",", "return.csv row 2, note: must be 5000 characters or fewer"),
    ("kpi,A1,,,,1,,,surplus", "return.csv row 2: values beyond the named columns (surplus)"),
])
def test_each_problem_names_the_file_row_and_column(row, problem):
    assert _problems(_csv(row)) == [problem]


def test_every_problem_is_listed_and_nothing_is_read_from_a_refused_file():
    problems = _problems(_csv("kpi,A1,,,,ninety,,", "kpi,A2,,,,8,,", "", "kpi,A1,,,,90,,", "kpi,A9,,,,1,,"))
    assert problems == [
        "return.csv row 2, value: 'ninety' is not a number (use . as the decimal point)",
        "return.csv row 5: A1 is already on row 2",  # the blank row 4 still counts, as in a spreadsheet
        "return.csv row 6, code: 'A9' is not a KPI of this return",
    ]
    problems = _problems(_csv("kpi,A3,,,2022-10,90,note one,", "kpi,A3,,,Oct-22,91,,", "kpi,A3,,,2022-11,92,note two,"))
    assert problems == ["return.csv row 3: A3 October 2022 is already on row 2",
                        "return.csv row 4, note: A3 has a different data note on row 2; give it on one row"]


@pytest.mark.parametrize(("header", "problem"), [
    ("kind,code,vaule", ("return.csv row 1: 'vaule' is not a column of a return (the columns are kind, code, title, "
                        "unit, period, value, note, commentary)")),
    ("kind;code;value", "the file seems to use semicolons: save it with commas"),
    ("kind,code,value,value", "return.csv row 1: the column value appears twice"),
    ("code,value", "return.csv row 1: the file has no kind column"),
])
def test_a_header_the_return_does_not_know_is_refused(header, problem):
    problems = _problems(_csv("kpi,A1,1", header=header))
    assert len(problems) == 1 and problem in problems[0]


def test_files_that_are_not_a_return():
    assert _problems(b"", "return.csv") == ["return.csv: the file is empty"]
    assert _problems(b"x", "return.xls")[0].startswith("return.xls: upload a .csv file or an Excel workbook (.xlsx)")
    assert _problems(b"PK\x03\x04 not really", "return.xlsx") == ["return.xlsx: cannot be read as an Excel workbook (.xlsx)"]
    assert _problems(b"x" * (up.MAX_BYTES + 1)) == ["return.csv: the file is 2.0 MB; a return file must be 2.0 MB or smaller"]
    many = _csv(*["kpi,A1,,,,1,,"] * (up.MAX_ROWS + 1))
    assert _problems(many) == [(f"return.csv: the file has more than {up.MAX_ROWS} rows; a return has one row a line "
                               "(a monthly KPI, one a month)")]


def test_a_csv_saved_by_excel_on_windows_is_read():
    data = _csv("kpi,A1,,,,91,Costs in £,").decode().encode("cp1252")
    assert _parse(data).entries[0].note == "Costs in £"
    assert _parse(b"\xef\xbb\xbf" + _csv("kpi,A1,,,,91,,")).entries[0].value == Decimal(91)  # a byte-order mark


def _xlsx(rows, formats=None) -> bytes:
    wb = Workbook()
    ws = wb.active
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(row=r, column=c, value=value)
                if isinstance(value, str) and value.startswith("="):
                    ws.cell(row=r, column=c).data_type = "s"  # text typed with a leading =, not a formula
                if formats and (r, c) in formats:
                    ws.cell(row=r, column=c).number_format = formats[(r, c)]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_an_excel_return_is_read_as_a_person_sees_it():
    header = HEADER.split(",")
    data = _xlsx([
        header,
        ["kpi", "A1", None, None, None, 0.97, None, None],  # a percentage cell: 97%
        ["kpi", "A2", None, None, None, 12, None, None],
        [],  # a blank row
        ["kpi", "A3", None, None, dt.datetime(2022, 11, 1), 96.5, None, None],  # Excel made the month a date
        ["indicator", "AI1", None, None, None, "1,300", "=SUM(1)", None],
    ], formats={(2, 6): "0%"})
    a1, a2, a3, ai1 = _parse(data, "return.xlsx").entries
    assert a1.value == Decimal(97) and a2.value == Decimal(12)
    assert a3.months == (MonthValue(OCT, Decimal(95)), MonthValue(NOV, Decimal("96.5")), MonthValue(DEC, Decimal(97)))
    assert ai1.value == Decimal(1300) and ai1.note == "=SUM(1)"  # text, never run


def test_an_excel_cell_with_a_problem_is_named_by_its_row():
    data = _xlsx([HEADER.split(","), [], [], ["kpi", "A1", None, None, None, "ninety"], ["kpi", "A2", None, None, None, 1e20],
                  ["kpi", "A3", None, None, "2022-12", 0.1 + 0.2]])
    assert _problems(data, "return.xlsx") == [
        "return.xlsx row 4, value: 'ninety' is not a number (use . as the decimal point)",
        "return.xlsx row 5, value: '100000000000000000000' is too large",
    ]
    assert _parse(_xlsx([HEADER.split(","), ["kpi", "A3", None, None, "2022-12", 0.1 + 0.2]]),
                  "return.xlsx").entries[0].months[2].value == Decimal("0.3")  # as Excel shows it


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_reads_back_as_what_the_return_holds(fmt):
    rows = up.template_rows(_lines(), Q3, "AA", "=the commentary")
    assert rows[0] == list(up.COLUMNS)
    assert [r[:5] for r in rows[1:]] == [
        ["kpi", "A1", "Percentage of calls answered", "percent", "2022/23 Q3"],
        ["kpi", "A2", "Number of days waited", "days", "2022/23 Q3"],
        ["kpi", "A3", "Emails answered in a day", "percent", "2022-10"],
        ["kpi", "A3", "Emails answered in a day", "percent", "2022-11"],
        ["kpi", "A3", "Emails answered in a day", "percent", "2022-12"],
        ["indicator", "AI1", "Calls received", "count", "2022/23 Q3"],
        ["directorate", "AA", "Directorate commentary", "", "2022/23 Q3"],
    ]
    data = up.template_csv(rows) if fmt == "csv" else up.template_xlsx(rows, "AA return")
    if fmt == "csv":
        assert "'=the commentary" in data.decode("utf-8-sig")  # a spreadsheet does not run it
    else:
        ws = load_workbook(io.BytesIO(data)).active
        assert ws["H8"].value == "=the commentary" and ws["H8"].data_type == "s"
    upload = _parse(data, f"return.{fmt}")
    lines = _lines()
    plan = up.plan(upload, lines, "=the commentary")
    assert plan.changes == () and plan.left_out == () and not plan.commentary_left_out
    assert upload.commentary == "=the commentary"
    assert {e.code: up.entry_fields(e) for e in upload.entries} == {line.code: line.fields() for line in lines}


def test_the_preview_says_what_changes_and_what_stays():
    upload = _parse(_csv("kpi,A1,,,,91,,held commentary", "kpi,A3,,,2022-11,96,,",
                         "directorate,AA,,,,,,New words."))
    plan = up.plan(upload, _lines(), "Old words.")
    assert [(c.code, c.field, c.now, c.new) for c in plan.changes] == [
        ("A1", "value", "88", "91"), ("A1", "data note", "held note", ""),
        ("A3", "November 2022 value", "", "96"), ("A3", "data note", "monthly note", ""),
        ("", "directorate commentary", "Old words.", "New words."),
    ]
    assert [c.sentence() for c in (*plan.changes[:3], plan.changes[-1])] == [
        "A1 value will change from 88 to 91", "A1 data note will be cleared (it is held note now)",
        "A3 November 2022 value will be 96 (it is blank now)",
        "Directorate commentary will change from Old words. to New words.",
    ]
    assert plan.unchanged == 4  # A1 commentary, A3 October and December, A3 commentary
    assert [line.code for line in plan.left_out] == ["A2", "AI1"] and not plan.commentary_left_out


def test_the_sealed_upload_comes_back_only_unaltered_and_for_its_return():
    upload = _parse(_csv("kpi,A1,,,,91.25,a note,", "kpi,A3,,,2022-11,96,,", "directorate,AA,,,,,,Words."))
    token = up.seal_upload(upload, 7)
    assert up.unseal_upload(token, 7) == upload
    assert up.unseal_upload(token, 8) is None
    assert up.unseal_upload(token[:-2] + ("AA" if token[-2:] != "AA" else "BB"), 7) is None
    assert up.unseal_upload("", 7) is None


@pytest.mark.parametrize(("text", "month"), [
    ("2022-11", NOV), ("November 2022", NOV), ("nov 2022", NOV), ("Nov-22", NOV), ("Nov-2022", NOV), ("11/2022", NOV),
    ("2022-11-01", NOV), ("2022-11-30 00:00:00", NOV), ("01/11/2022", NOV), ("1/11/22", NOV),
    ("2022-09", None), ("11/01/2022", None), ("Q3", None), ("", None),
])
def test_a_month_as_a_spreadsheet_may_have_rewritten_it(text, month):
    assert up._month_of(text, Q3.months) == month
