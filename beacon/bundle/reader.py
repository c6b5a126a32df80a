"""Read a data bundle (a folder of CSV files, or one .xlsx workbook) into sheets of rows.

Every row keeps the line it came from, so that every error can be reported as
``file:line: column: reason``. Nothing is interpreted here beyond text.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from beacon.domain.cells import from_formula_safe

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
    rows: Iterable[Row] = field(default_factory=list)  # a list, or CsvRows (read from the file when iterated)
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
    if tables_dir.is_dir() and _inside(tables_dir, folder, errors, TABLES_FOLDER + "/"):
        candidates += sorted(p for p in tables_dir.iterdir() if p.is_file())
    for file in candidates:
        name = file.relative_to(folder).as_posix()
        if file.suffix.lower() != ".csv":
            skipped.append(name)
            continue
        if not _inside(file, folder, errors, name):
            continue
        if owns is not None and not owns(name) and _blank(file):
            skipped.append(name)
            continue
        try:
            sheets[name] = read_csv_file(name, file)
        except BundleErrors as exc:
            errors.extend(exc)
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and p.name != TABLES_FOLDER):
        skipped.append(sub.name + "/")
    _refuse_nested(folder, owns, errors)
    errors.raise_if_any()
    return Bundle(str(folder), sheets, skipped)


def _inside(path: Path, folder: Path, errors: BundleErrors, name: str) -> bool:
    """Whether ``path`` (a link followed) is inside the bundle folder; a link out of it is refused,
    so that a bundle cannot make the import read a file elsewhere on the server."""
    if path.resolve().is_relative_to(folder.resolve()):
        return True
    errors.add(f"{name}:1: (file): a link to a file outside the bundle folder; copy the file into the folder")
    return False


def _refuse_nested(folder: Path, owns, errors: BundleErrors) -> None:
    """Bundle files further down than the bundle's top folder (or ``tables/``) are never read:
    refuse them rather than report an import that imported nothing. A CSV file is refused when
    it would be a bundle file read from its own folder (``export/kpis.csv``,
    ``export/tables/x.csv``, ``tables/old/x.csv``)."""
    root = folder.resolve()
    for here, dirs, files in os.walk(folder):  # links to folders are not followed
        depth = Path(here).relative_to(folder).parts
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not d.startswith("__MACOSX"))
        if not depth or depth == (TABLES_FOLDER,):
            continue
        for file in sorted(files):
            if not file.lower().endswith(".csv"):
                continue
            path = Path(here) / file
            name = path.relative_to(folder).as_posix()
            parts = path.relative_to(folder).parts
            as_bundle = [Path(*parts[i:]).as_posix() for i in range(1, len(parts))]
            if owns is not None and not any(owns(n) for n in as_bundle):
                continue
            if not Path(here).resolve().is_relative_to(root):
                continue
            errors.add(f"{name}:1: (file): a bundle file inside the folder {Path(*parts[:-1]).as_posix()}/ is not "
                       f"read; put bundle files at the top of the bundle folder (tables in {TABLES_FOLDER}/)")


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
    errors = BundleErrors()
    sheet: Sheet | None = None
    for item in _csv_rows(name, io.StringIO(text, newline=""), errors, lambda: text):
        if isinstance(item, Sheet):
            sheet = item
        else:
            sheet.rows.append(item)
    errors.raise_if_any()
    return sheet


def read_csv_file(name: str, path: Path) -> Sheet:
    """:func:`read_csv_bytes` for a file on disk, without holding it: the file is checked here,
    row by row (every problem listed as for :func:`read_csv_bytes`), and the sheet's ``rows``
    read it again, a row at a time, each time they are iterated (:class:`CsvRows`)."""
    stamp = _stamp(path)
    if _blank(path):
        raise BundleErrors([f"{name}:1: (file): the file is empty; it needs at least a header row"])
    errors = BundleErrors()
    sheet: Sheet | None = None
    for item in _csv_rows(name, _file_lines(name, path), errors, lambda: _file_text(path)):
        if isinstance(item, Sheet):
            sheet = item
    errors.raise_if_any()
    sheet.rows = CsvRows(name, path, stamp)
    return sheet


def _stamp(path: Path) -> tuple:
    info = path.stat()
    return (info.st_size, info.st_mtime_ns, info.st_ino)


class CsvRows:
    """The rows of a CSV file on disk, read again from the file each time they are iterated
    (memory stays bounded whatever the file's size). The file was checked when it was read
    (:func:`read_csv_file`), so iterating finds the rows that check found valid."""

    def __init__(self, name: str, path: Path, stamp: tuple | None = None):
        self.name, self.path = name, path
        self.stamp = stamp if stamp is not None else _stamp(path)

    def __iter__(self) -> Iterator[Row]:
        self._unchanged()
        for item in _csv_rows(self.name, _file_lines(self.name, self.path), BundleErrors(limit=0),
                              lambda: _file_text(self.path)):
            if not isinstance(item, Sheet):
                yield item
        self._unchanged()

    def _unchanged(self) -> None:
        """A file changed since it was checked is refused (its rows would be unchecked)."""
        if _stamp(self.path) != self.stamp:
            raise BundleErrors([f"{self.name}:1: (file): the file changed while it was being imported; "
                                f"nothing was imported: import it again"])

    def __repr__(self) -> str:
        return f"CsvRows({self.name!r})"


_BLOCK = 1 << 16


def _blank(path: Path) -> bool:
    """Whether a file holds nothing but white space (and a byte-order mark), read in blocks."""
    with open(path, "rb") as f:
        first = True
        while block := f.read(_BLOCK):
            if first:
                block, first = block.removeprefix(b"\xef\xbb\xbf"), False
            if block.strip():
                return False
    return True


def _file_text(path: Path) -> str:
    return path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")


def _file_lines(name: str, path: Path) -> Iterator[str]:
    """The lines of a UTF-8 file (Windows line ends made ``\\n``), read as they are needed; a byte
    that is not UTF-8 is reported as :func:`read_csv_bytes` reports it (its line and value)."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        try:
            for line in f:
                yield line[:-2] + "\n" if line.endswith("\r\n") else line
        except UnicodeDecodeError:
            pass
        else:
            return
    raise BundleErrors([_not_utf8(name, path)])


def _not_utf8(name: str, path: Path) -> str:
    """The error for the first byte of a file that is not UTF-8 (a line at a time: no UTF-8
    character holds a newline byte)."""
    with open(path, "rb") as f:
        for number, line in enumerate(f, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as exc:
                return f"{name}:{number}: (file): not UTF-8 text (byte 0x{line[exc.start]:02x}); save the file as UTF-8"
    return f"{name}:1: (file): not UTF-8 text; save the file as UTF-8"


def _csv_rows(name: str, lines, errors: BundleErrors, whole_text) -> Iterator[Sheet | Row]:
    """Parse CSV lines: yields the :class:`Sheet` (its header) first, then each valid
    :class:`Row`; problems go to ``errors``. ``whole_text()``: the file's text, read only to
    explain a quote that is never closed."""
    # strict: a quote opened and never closed is an error, not the rest of the file in one cell
    reader = csv.reader(lines, strict=True)
    header: list[str] | None = None
    end = 0
    try:
        for record in reader:
            # a quoted cell may span lines: report the line the record starts on
            line, end = end + 1, reader.line_num
            if "'" in "".join(record):  # a cell written '=x holds the text =x (domain/cells.py)
                record = [from_formula_safe(cell) for cell in record]
            if header is None:
                if not any(cell.strip() for cell in record):
                    continue
                header = [h.strip() for h in record]
                _check_header(name, line, header, errors)
                _check_cells(name, line, [f"(header column {n})" for n in range(1, len(header) + 1)], header, errors)
                yield Sheet(name, header, header_line=line)
                continue
            if not any(cell.strip() for cell in record):
                continue  # blank lines are allowed
            if "\x00" in "".join(record) and not _check_cells(name, line, header, record, errors):
                continue
            if len(record) > len(header):
                extra = ", ".join(repr(c) for c in record[len(header):])
                errors.add(
                    f"{name}:{line}: (row): {len(record)} fields but the header has {len(header)} "
                    f"(extra {extra}); quote a cell that contains a comma"
                )
                continue
            if len(record) < len(header):
                record = record + [""] * (len(header) - len(record))
            yield Row(line, dict(zip(header, record)))
    except csv.Error as exc:
        if str(exc) == "unexpected end of data":
            errors.add(_unclosed_quote(name, whole_text(), end + 1, header))
        else:
            errors.add(f"{name}:{reader.line_num}: (row): not valid CSV ({exc})")


def _unclosed_quote(name: str, text: str, line: int, header: list[str] | None) -> str:
    """The error for a quote that is never closed: the line its row starts on and the column of
    the cell it opens (the last one read), rather than the end of the file."""
    rest = text.split("\n", line - 1)[-1]
    cells = next(csv.reader(io.StringIO(rest, newline="")), [""])
    position = len(cells)
    column = header[position - 1] if header and position <= len(header) else f"(column {position})"
    return (f"{name}:{line}: {column}: a quote opens here and is never closed (the rest of the file would "
            f"become one cell); close the quote, or double a quote inside a quoted cell")


def _check_cells(name: str, line: int, columns: list[str], cells: list, errors: BundleErrors) -> bool:
    """Refuse characters no text column may hold: a NUL byte (SQLite stores it, PostgreSQL
    refuses it). Returns whether the row is clean."""
    clean = True
    for position, cell in enumerate(cells):
        if "\x00" in cell:
            column = columns[position] if position < len(columns) else f"(column {position + 1})"
            errors.add(f"{name}:{line}: {column}: contains a NUL character (byte 0x00), which text cannot hold; "
                       f"remove it")
            clean = False
    return clean


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


# --- zip archives (a workbook is one; so is an uploaded folder) ------------------------------
MAX_INFLATED = 100 * 1024 * 1024
"""The most a workbook or an uploaded zip may hold unpacked, by the sizes its members declare."""
MAX_RATIO = 100
"""The most a member larger than :data:`RATIO_FROM` may inflate, relative to its packed size
(workbook XML packs about 10 to 1; a zip bomb packs thousands to 1)."""
RATIO_FROM = 1024 * 1024
MAX_MEMBERS = 500
_CHUNK = 1024 * 1024


def check_zip(path: Path, *, label: str | None = None, max_inflated: int = MAX_INFLATED,
              max_members: int = MAX_MEMBERS) -> list[zipfile.ZipInfo]:
    """Check a zip before anything reads it, and return its members: the sizes they declare
    (in total and each against its packed size) are checked before any is unpacked, then each is
    unpacked in chunks and checked against its declared size and check value (CRC). A damaged,
    encrypted, twice-stored or oversized member is refused naming it (``label: member: reason``)."""
    label = label or path.name
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise BundleErrors([f"{label}: (file): not a zip file, or a damaged one ({exc})"]) from None
    errors = BundleErrors()
    with archive:
        members = archive.infolist()
        files = sum(1 for m in members if not m.is_dir())
        if files > max_members:
            raise BundleErrors([f"{label}: (file): {files:,} files; at most {max_members:,} are allowed"])
        seen: set[str] = set()
        for m in members:
            if m.filename in seen:
                errors.add(f"{label}: {m.filename}: stored twice in the zip; which copy to read is unclear, so "
                           f"neither is: keep one")
            seen.add(m.filename)
            if m.flag_bits & 0x1:
                errors.add(f"{label}: {m.filename}: encrypted (password protected); save it without a password")
            elif m.file_size > RATIO_FROM and m.file_size > MAX_RATIO * max(m.compress_size, 1):
                errors.add(f"{label}: {m.filename}: would unpack to {m.file_size:,} bytes from {m.compress_size:,} "
                           f"(more than {MAX_RATIO} times its packed size); refused as a zip bomb")
        total = sum(m.file_size for m in members)
        if total > max_inflated:
            errors.add(f"{label}: (file): would unpack to {total / 1024 / 1024:,.0f} MB; at most "
                       f"{max_inflated // (1024 * 1024)} MB are allowed")
        errors.raise_if_any()
        for m in members:
            if m.is_dir():
                continue
            try:
                size = 0
                with archive.open(m) as member:  # stops at the declared size, checks the CRC at the end
                    while chunk := member.read(_CHUNK):
                        size += len(chunk)
                if size != m.file_size:
                    errors.add(f"{label}: {m.filename}: holds {size:,} bytes but declares {m.file_size:,}; "
                               f"the zip is damaged")
            except (zipfile.BadZipFile, EOFError, zlib.error, OSError, NotImplementedError, RuntimeError) as exc:
                errors.add(f"{label}: {m.filename}: damaged: its content does not match the size and check value "
                           f"(CRC) recorded for it ({exc}); save or zip the file again")
    errors.raise_if_any()
    return members


def _read_workbook(path: Path, owns=None) -> Bundle:
    from openpyxl import load_workbook

    check_zip(path)  # sizes, ratios, CRCs, encryption and duplicates, before openpyxl unpacks anything
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
        formulas = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises several types for a damaged file
        raise BundleErrors([f"{path.name}: cannot be read as an .xlsx workbook ({exc})"]) from None
    try:
        return _read_sheets(path, workbook, formulas, owns)
    except BundleErrors:
        raise
    except Exception as exc:  # a damaged sheet found while streaming its rows
        raise BundleErrors([f"{path.name}: cannot be read as an .xlsx workbook ({exc})"]) from None
    finally:
        workbook.close()
        formulas.close()


def _unsaved_formulas(name: str, line: int, header: list[str] | None, values, formulas, errors: BundleErrors) -> bool:
    """Refuse a formula cell with no saved value (a workbook written by a program, never opened in
    Excel): read as blank, it would blank what it is meant to hold. Returns whether the row is clean."""
    clean = True
    for position, (value, formula) in enumerate(zip(values, formulas)):
        if value is None and isinstance(formula, str) and formula.startswith("="):
            column = header[position] if header and position < len(header) else f"(column {position + 1})"
            errors.add(f"{name}:{line}: {column}: a formula with no saved value ({formula[:60]}); type the value, "
                       f"or open and save the workbook in Excel so that the value is saved with it")
            clean = False
    return clean


def _read_sheets(path: Path, workbook, formulas, owns) -> Bundle:
    errors = BundleErrors()
    sheets: dict[str, Sheet] = {}
    skipped: list[str] = []
    for ws, ws_formulas in zip(workbook.worksheets, formulas.worksheets):
        name = file_name_for(ws.title)
        header: list[str] | None = None
        sheet: Sheet | None = None
        rows = zip(ws.iter_rows(values_only=True), ws_formulas.iter_rows(values_only=True))
        for line, (values, written) in enumerate(rows, start=1):
            if not _unsaved_formulas(name, line, header, values, written, errors):
                continue
            cells = [from_formula_safe(_cell_text(v)) for v in values]  # as for CSV (domain/cells.py)
            if not _check_cells(name, line, header or [], cells, errors):
                continue
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
    errors.raise_if_any()
    return Bundle(str(path), sheets, skipped)
