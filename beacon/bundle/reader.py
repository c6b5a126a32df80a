"""Read a data bundle (a folder of CSV files, or one .xlsx workbook) into sheets of rows.

Every row keeps the line it came from, so that every error can be reported as
``file:line: column: reason``. Nothing is interpreted here beyond text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .errors import BundleErrors

TABLES_FOLDER = "tables"
XLSX_TABLE_PREFIX = "tables."  # sheet `tables.calls_by_service` holds tables/calls_by_service.csv


@dataclass
class Row:
    line: int
    values: dict[str, str]


@dataclass
class Sheet:
    """One file of the bundle: ``name`` is its path inside the bundle, e.g. ``tables/x.csv``."""

    name: str
    header: list[str]
    rows: list[Row] = field(default_factory=list)
    header_line: int = 1


@dataclass
class Bundle:
    source: str
    sheets: dict[str, Sheet]
    skipped: list[str]


def read_bundle(path: str | Path, owns=None) -> Bundle:
    """Read every CSV file of a folder (and its ``tables/`` folder), or every sheet of a workbook.

    Raises :class:`BundleErrors` listing every file that cannot be read as a table. With
    ``owns`` (file name -> bool), an empty file or sheet that is no bundle file (Excel's blank
    ``Sheet1``) is skipped rather than an error.
    """
    path = Path(path)
    if not path.exists():
        raise BundleErrors([f"{path}: no such file or folder"])
    if path.is_dir():
        return _read_folder(path, owns)
    if path.suffix.lower() == ".xlsx":
        return _read_workbook(path, owns)
    raise BundleErrors([f"{path}: a bundle is a folder of CSV files or an .xlsx workbook"])


# --- CSV folders -------------------------------------------------------------------------
def _read_folder(folder: Path, owns=None) -> Bundle:
    errors = BundleErrors()
    sheets: dict[str, Sheet] = {}
    skipped: list[str] = []
    candidates = sorted(p for p in folder.iterdir() if p.is_file())
    tables_dir = folder / TABLES_FOLDER
    if tables_dir.is_dir():
        candidates += sorted(p for p in tables_dir.iterdir() if p.is_file())
    for file in candidates:
        name = file.relative_to(folder).as_posix()
        if file.suffix.lower() != ".csv":
            skipped.append(name)
            continue
        data = file.read_bytes()
        if owns is not None and not owns(name) and not data.lstrip(b"\xef\xbb\xbf").strip():
            skipped.append(name)
            continue
        try:
            sheets[name] = read_csv_bytes(name, data)
        except BundleErrors as exc:
            errors.extend(exc.messages)
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and p.name != TABLES_FOLDER):
        skipped.append(sub.name + "/")
    errors.raise_if_any()
    return Bundle(str(folder), sheets, skipped)


def read_csv_bytes(name: str, data: bytes) -> Sheet:
    """Parse one CSV file. UTF-8 (a byte-order mark is allowed), comma separated, header row."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise BundleErrors(
            [f"{name}:{line}: (file): not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8"]
        ) from None
    if not text.strip():
        raise BundleErrors([f"{name}:1: (file): the file is empty; it needs at least a header row"])
    text = text.replace("\r\n", "\n")  # Windows line ends, also inside quoted cells
    reader = csv.reader(io.StringIO(text, newline=""))
    errors = BundleErrors()
    header: list[str] | None = None
    sheet: Sheet | None = None
    end = 0
    try:
        for record in reader:
            # a quoted cell may span lines: report the line the record starts on
            line, end = end + 1, reader.line_num
            if header is None:
                if not any(cell.strip() for cell in record):
                    continue
                header = [h.strip() for h in record]
                sheet = Sheet(name, header, header_line=line)
                _check_header(name, line, header, errors)
                continue
            if not any(cell.strip() for cell in record):
                continue  # blank lines are allowed
            if len(record) > len(header):
                extra = ", ".join(repr(c) for c in record[len(header):])
                errors.add(
                    f"{name}:{line}: (row): {len(record)} fields but the header has {len(header)} "
                    f"(extra {extra}); quote a cell that contains a comma"
                )
                continue
            record = record + [""] * (len(header) - len(record))
            sheet.rows.append(Row(line, dict(zip(header, record))))
    except csv.Error as exc:
        errors.add(f"{name}:{reader.line_num}: (row): not valid CSV ({exc})")
    errors.raise_if_any()
    return sheet


def _check_header(name: str, line: int, header: list[str], errors: BundleErrors) -> None:
    seen = set()
    for position, column in enumerate(header, start=1):
        if not column:
            errors.add(f"{name}:{line}: (header): column {position} has no name")
        elif column in seen:
            errors.add(f"{name}:{line}: {column}: the column appears twice in the header")
        seen.add(column)


# --- workbooks ---------------------------------------------------------------------------
def sheet_title_for(name: str) -> str:
    """The workbook sheet that holds a bundle file: ``kpis.csv`` -> ``kpis``,
    ``tables/x.csv`` -> ``tables.x`` (a sheet name cannot contain ``/``)."""
    stem = name[: -len(".csv")] if name.endswith(".csv") else name
    return stem.replace(TABLES_FOLDER + "/", XLSX_TABLE_PREFIX, 1)


def file_name_for(sheet_title: str) -> str:
    if sheet_title.startswith(XLSX_TABLE_PREFIX):
        return f"{TABLES_FOLDER}/{sheet_title[len(XLSX_TABLE_PREFIX):]}.csv"
    return f"{sheet_title}.csv"


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _read_workbook(path: Path, owns=None) -> Bundle:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a damaged file
        raise BundleErrors([f"{path.name}: cannot be read as an .xlsx workbook ({exc})"]) from None
    errors = BundleErrors()
    sheets: dict[str, Sheet] = {}
    skipped: list[str] = []
    try:
        for ws in workbook.worksheets:
            name = file_name_for(ws.title)
            header: list[str] | None = None
            sheet: Sheet | None = None
            for line, values in enumerate(ws.iter_rows(values_only=True), start=1):
                cells = [_cell_text(v) for v in values]
                if header is None:
                    if not any(c.strip() for c in cells):
                        continue
                    while cells and not cells[-1].strip():
                        cells.pop()
                    header = [c.strip() for c in cells]
                    sheet = Sheet(name, header, header_line=line)
                    _check_header(name, line, header, errors)
                    continue
                if not any(c.strip() for c in cells):
                    continue
                extra = [c for c in cells[len(header):] if c.strip()]
                if extra:
                    errors.add(f"{name}:{line}: (row): values beyond the last named column ({', '.join(extra)})")
                    continue
                cells = (cells + [""] * len(header))[: len(header)]
                sheet.rows.append(Row(line, dict(zip(header, cells))))
            if header is None and owns is not None and not owns(name):
                skipped.append(name)
            elif header is None:
                errors.add(f"{name}:1: (file): the sheet is empty; it needs at least a header row")
            else:
                sheets[name] = sheet
    finally:
        workbook.close()
    errors.raise_if_any()
    return Bundle(str(path), sheets, skipped)
