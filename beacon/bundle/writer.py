"""Write bundle files: a folder of CSV files, or one .xlsx workbook (a sheet per file).

Every cell is text, written by the one rule of :mod:`beacon.domain.cells`, so that the file is
safe to open in a spreadsheet and re-imports exactly: in CSV a text a spreadsheet would run as a
formula (``=HYPERLINK(...)``, ``+44 ...``, ``@cmd``) gets a leading apostrophe, which the reader
takes off again; in a workbook it is a string cell marked as text (never a formula cell).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from pathlib import Path

from beacon.domain.cells import formula_safe, needs_escape, workbook_text

from .reader import sheet_title_for

Files = dict[str, tuple[list[str], Iterable[dict]]]


def _lines(columns: list[str], rows: Iterable[dict]) -> Iterator[list[str]]:
    """The header and the rows as text (a missing or empty value is an empty cell), one at a time:
    ``rows`` may be read from the database as they are written."""
    yield list(columns)
    for row in rows:
        yield [("" if row.get(c) is None else str(row.get(c))) for c in columns]


def write_csv_folder(folder: Path, files: Files) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (columns, rows) in sorted(files.items()):
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", encoding="utf-8", newline="") as handle:
            plain = csv.writer(handle, lineterminator="\n")
            # the csv module quotes a cell holding a line end only when it is the file's ("\n"): a
            # row with a carriage return is quoted whole, else a reader would end the row there
            quoted = csv.writer(handle, lineterminator="\n", quoting=csv.QUOTE_ALL)
            for cells in _lines(columns, rows):
                texts = [formula_safe(c) for c in cells]
                (quoted if any("\r" in t for t in texts) else plain).writerow(texts)
        written.append(str(target))
    return written


def text_cell(cell, text: str) -> None:
    """Put ``text`` in an openpyxl cell as text that no spreadsheet runs: a string cell (openpyxl
    makes a text starting with ``=`` a formula cell unless told), marked as text like a value typed
    with a leading apostrophe when it could start a formula, so that it stays text when edited."""
    cell.value = workbook_text(text)
    cell.data_type = "s"
    if needs_escape(text):
        cell.quotePrefix = True


def write_workbook(path: Path, files: Files) -> list[str]:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, (columns, rows) in sorted(files.items()):
        title = sheet_title_for(name)
        if len(title) > 31:
            raise ValueError(f"{name}: the sheet name {title!r} is longer than the 31 characters Excel allows")
        sheet = workbook.create_sheet(title)
        # every cell is written as text, so that "84.0", "0.02" and "2022/23 Q2" survive as written
        for r, cells in enumerate(_lines(columns, rows), start=1):
            for c, text in enumerate(cells, start=1):
                if text:
                    text_cell(sheet.cell(row=r, column=c), text)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return [str(path)]
