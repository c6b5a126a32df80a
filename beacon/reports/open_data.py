"""The open data of an edition as CSV and as an Excel workbook: one row per KPI
(:func:`beacon.domain.qpr_editions.open_data_rows`), written so that a spreadsheet never runs a cell.

Both are rendered from the edition's model: for a published edition that is its frozen snapshot,
so the files never change with later data; publishing stores them with the other formats.

Formula safety (OWASP "CSV injection"), by the one rule of :mod:`beacon.domain.cells`: a text
cell that starts with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or a full-width form of
those is written with a leading apostrophe in the CSV, and as a string cell marked as text (never a
formula) in the workbook. Numbers are written as numbers, so a negative value stays a number.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from beacon.bundle.writer import text_cell
from beacon.domain.cells import formula_safe
from beacon.domain.qpr_editions import OPEN_DATA_COLUMNS, open_data_rows
from beacon.domain.numbers import to_decimal
from beacon.domain.qpr_model import QprModel

__all__ = ["safe_text", "open_data_csv", "open_data_xlsx"]


def safe_text(text: str) -> str:
    """``text`` as a CSV cell a spreadsheet shows as text (:func:`beacon.domain.cells.formula_safe`)."""
    return formula_safe(text)


def _number(value) -> str:
    """A number as written (unrounded, no exponent, no trailing zeros): 96.5, 75, 0.02."""
    d = to_decimal(value) if not isinstance(value, Decimal) else value
    d = d.normalize()
    text = format(d, "f")
    return "0" if text in ("-0", "") else text


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return _number(value)
    return safe_text(str(value))


def open_data_csv(model: QprModel) -> bytes:
    """The edition's KPIs as CSV (UTF-8, a header row of the column names)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    names = [name for name, _ in OPEN_DATA_COLUMNS]
    writer.writerow(names)
    for row in open_data_rows(model):
        writer.writerow([_cell_text(row[name]) for name in names])
    return out.getvalue().encode("utf-8")


def open_data_xlsx(model: QprModel) -> bytes:
    """The edition's KPIs as a workbook: a sheet "KPIs" (header row, frozen, with a filter) and a
    sheet "Columns" saying what each column holds."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "KPIs"
    names = [name for name, _ in OPEN_DATA_COLUMNS]
    ws.append(names)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r, row in enumerate(open_data_rows(model), start=2):
        for c, name in enumerate(names, start=1):
            value = row[name]
            cell = ws.cell(row=r, column=c)
            if value is None:
                continue
            if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
                cell.value = value
            else:
                text_cell(cell, str(value))  # never a formula, whatever it starts with
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    for c, name in enumerate(names, start=1):
        ws.column_dimensions[ws.cell(row=1, column=c).column_letter].width = max(10, min(40, len(name) + 4))
    about = wb.create_sheet("Columns")
    about.append(["column", "what it holds"])
    for cell in about[1]:
        cell.font = Font(bold=True)
    for name, text in OPEN_DATA_COLUMNS:
        about.append([name, text])
    about.freeze_panes = "A2"
    about.column_dimensions["A"].width = 22
    about.column_dimensions["B"].width = 80
    wb.properties.title = f"Quarterly Performance Report {model.period.label}: KPIs"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
