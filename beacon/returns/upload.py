"""A return uploaded as a spreadsheet: a data owner fills in the return's template (CSV or
Excel workbook) and uploads it instead of typing into the page.

The file is read into the same typed :class:`~beacon.returns.commands.LineEntry` values the
page's form builds, with the same rules (:func:`~beacon.returns.entries.parse_entered`,
:func:`~beacon.returns.entries.value_problem`, :func:`~beacon.returns.entries.text_problem`),
and every problem names the file, the row and the column (``AA-2022-23-Q3-return.csv row 4,
value: 'ninety' is not a number ...``). A file with any problem is refused whole.

Before the preview, :func:`check_upload` tries the save and rolls it back, so a file the
return's own rules refuse (a value held for the quarter left blank) is refused at once. The
person then sees what the file would change and confirms. The page carries the parsed
entries sealed (:func:`seal_upload`, signed so they cannot be altered in the browser) and the
return's values as the preview showed them; :func:`save_upload` refuses the save if the return
changed since (nothing is saved), then saves a draft through
:func:`beacon.returns.services.save_return`, so the return's own validation and history apply.

The columns (a header row first; the order is free, names are not case-sensitive):

``kind``        ``kpi``, ``indicator`` or ``directorate`` (the directorate commentary's row)
``code``        the KPI's or activity indicator's code (the directorate's code on its row)
``title``       the line's name: for the person filling it in, not read
``unit``        the line's unit: for the person filling it in, not read
``period``      the return's quarter (``2022/23 Q3``, or blank); for a monthly KPI, the month
                (``2022-10``, ``October 2022``): one row a month
``value``       the value, typed as on the page (``1,300``, ``97%``, ``96.5``); blank is none
``note``        the data note
``commentary``  the line's commentary (on the ``directorate`` row: the directorate commentary)

A line left out of the file, or a column left out, keeps what the return holds; a month of a
monthly KPI left out keeps its value.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core import signing
from django.db import transaction

from beacon.bundle.writer import text_cell
from beacon.core.stale import Changed, StaleEdit
from beacon.domain.cells import formula_safe, from_formula_safe
from beacon.domain.merge import plain_same
from beacon.domain.periods import Month, PeriodError, Quarter, parse_period

from .commands import LineEntry, MonthValue, SaveReturn
from .entries import (
    COMMENTARY,
    LineKind,
    field_name,
    parse_entered,
    text_problem,
    value_problem,
)
from .models import Return, number_text
from .queries import LineView, return_fields, return_lines

MAX_BYTES = 2 * 1024 * 1024  # an uploaded file: a return is a few hundred rows at most
MAX_ROWS = 2000  # rows of a file, not counting the header and blank rows
MAX_COLUMNS = 30  # columns read from a workbook's sheet
MAX_UNZIPPED = 40 * 1024 * 1024  # a workbook's parts, uncompressed
MAX_PROBLEMS = 100  # problems listed; the rest are counted

COLUMNS = ("kind", "code", "title", "unit", "period", "value", "note", "commentary")
DIRECTORATE = "directorate"  # the kind of the row that holds the directorate commentary
KINDS = {
    "kpi": LineKind.KPI, "indicator": LineKind.INDICATOR, "activity indicator": LineKind.INDICATOR,
    "activity": LineKind.INDICATOR, DIRECTORATE: DIRECTORATE,
}
SALT = "beacon.returns.upload"
# a text cell a spreadsheet would run as a formula is written with a leading apostrophe, which
# reading takes off again: the one rule of beacon.domain.cells (formula_safe, from_formula_safe)


class UploadError(Exception):
    """The file was refused: ``problems`` lists every reason, each naming the file, and the row
    and column where there is one."""

    def __init__(self, filename: str, problems: Sequence[str]):
        self.filename = filename
        self.total = len(problems)
        self.problems = list(problems[:MAX_PROBLEMS])
        if self.total > MAX_PROBLEMS:
            self.problems.append(f"{filename}: and {self.total - MAX_PROBLEMS} more problems")
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class Upload:
    """What a file says: an entry for each line it holds (the values the return holds filled in
    for the columns and months it leaves out), and the directorate commentary (None: the file
    leaves it as it is)."""

    filename: str
    entries: tuple[LineEntry, ...]
    commentary: str | None = None


# --- reading the file ------------------------------------------------------------------------
def file_format(filename: str) -> str | None:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return suffix if suffix in _READERS else None


def read_rows(filename: str, data: bytes) -> list[tuple[int, list[str]]]:
    """The rows of a CSV file or of a workbook's first sheet, as text, each with its row number
    as a spreadsheet shows it (the header is usually row 1). Raises :class:`UploadError`."""
    check_size(filename, len(data))
    if not data.strip():
        raise UploadError(filename, [f"{filename}: the file is empty"])
    read = _READERS.get(file_format(filename) or "")
    if read is not None:
        return read(filename, data)
    raise UploadError(filename, [(f"{filename}: upload a .csv file or an Excel workbook (.xlsx); in Excel, "
                                 "choose Save As and then CSV UTF-8 or Excel Workbook")])


def check_size(filename: str, size: int) -> None:
    """Refuse a file larger than a return can be (before it is read)."""
    if size > MAX_BYTES:
        raise UploadError(filename, [(f"{filename}: the file is {_size(size)}; a return file must be "
                                     f"{_size(MAX_BYTES)} or smaller")])


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{max(1, round(n / 1024))} KB"


def _csv_rows(filename: str, data: bytes) -> list[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:  # Excel's "CSV (Comma delimited)" on Windows
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise UploadError(filename, [f"{filename}: is not text; save it as CSV UTF-8"]) from None
    if "\x00" in text:
        raise UploadError(filename, [f"{filename}: is not a CSV file (it holds binary data); save it as CSV UTF-8"])
    rows = _Rows(filename)
    reader = csv.reader(io.StringIO(text, newline=""))
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            if not rows.add(number, [from_formula_safe(cell) for cell in record]):
                break
    except csv.Error as exc:
        raise UploadError(filename, [f"{filename} row {number + 1}: not valid CSV ({exc})"]) from None
    return rows.rows


class _Rows:
    """The rows read so far: reading stops once there are more than a return can have (the
    count is then refused with the header found), and a sheet of endless blank rows is refused."""

    def __init__(self, filename: str):
        self.filename = filename
        self.rows: list[tuple[int, list[str]]] = []
        self.read = 0

    def add(self, number: int, cells: list[str]) -> bool:
        self.read += 1
        if self.read > MAX_ROWS * 50:
            raise UploadError(self.filename, [f"{self.filename}: the file has too many rows; keep only the return's rows"])
        if any(c.strip() for c in cells):
            self.rows.append((number, cells))
        return len(self.rows) <= MAX_ROWS + 1


def _xlsx_rows(filename: str, data: bytes) -> list[tuple[int, list[str]]]:
    not_workbook = UploadError(filename, [f"{filename}: cannot be read as an Excel workbook (.xlsx)"])
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED:
                raise UploadError(filename, [(f"{filename}: the workbook is too large once unpacked; "
                                             "keep only the return's sheet")])
    except zipfile.BadZipFile:
        raise not_workbook from None
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises several types for a damaged file
        raise not_workbook from None
    rows = _Rows(filename)
    try:
        if not workbook.worksheets:
            raise UploadError(filename, [f"{filename}: the workbook has no sheets"])
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some programs write a wrong size: read what is there
        for number, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
            if not rows.add(number, [_xlsx_text(cell) for cell in cells]):
                break
    except UploadError:
        raise
    except Exception:  # a damaged sheet fails while it is read, with several types
        raise not_workbook from None
    finally:
        workbook.close()
    return rows.rows


def _xlsx_text(cell) -> str:
    """A workbook cell as the text a person sees in it: numbers in full (to Excel's 15
    significant digits, never with an exponent), a percentage cell as ``97%``, dates as
    ``2022-10-01``."""
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float, Decimal)):
        try:
            number = Decimal(format(value, ".15g")) if isinstance(value, float) else Decimal(value)
        except InvalidOperation:
            return str(value)
        if not number.is_finite():
            return str(value)
        if "%" in (getattr(cell, "number_format", "") or ""):
            return f"{number_text(number * 100)}%"
        return number_text(number)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return from_formula_safe(str(value))


# --- the rows of a return --------------------------------------------------------------------
_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?")
_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})")


def _month_of(text: str, months: Sequence[Month]) -> Month | None:
    """The month of the quarter ``text`` names: ``2022-10``, ``October 2022``, ``Oct 2022``,
    ``Oct-22``, or a date in the month (a spreadsheet turns a typed month into one)."""
    low = " ".join(text.strip().lower().split())
    for m in months:
        short = m.long_label.split()[0][:3].lower()
        spellings = {m.label, m.long_label.lower(), f"{short} {m.year}", m.chart_label.lower(), f"{short}-{m.year}",
                     f"{m.month}/{m.year}", f"{m.month:02d}/{m.year}"}
        if low in spellings:
            return m
    year = month = None
    if match := _DATE.fullmatch(low):
        year, month = int(match.group(1)), int(match.group(2))
    elif match := _UK_DATE.fullmatch(low):
        year, month = int(match.group(3)), int(match.group(2))
        year += 2000 if year < 100 else 0
    return next((m for m in months if (m.year, m.month) == (year, month)), None)


@dataclass
class _Line:
    """What the rows say about one line, as they are read."""

    line: LineView
    first_row: int
    value: Decimal | None = None
    months: dict | None = None  # Month -> (value, row)
    note: tuple[str, int] | None = None
    commentary: tuple[str, int] | None = None


def parse_upload(filename: str, data: bytes, lines: Sequence[LineView], quarter: Quarter,
                 directorate_code: str) -> Upload:
    """Read an uploaded return. Raises :class:`UploadError` listing every problem."""
    return parse_rows(filename, read_rows(filename, data), lines, quarter, directorate_code)


def parse_rows(filename: str, rows: Iterable[tuple[int, list[str]]], lines: Sequence[LineView], quarter: Quarter,
               directorate_code: str) -> Upload:
    """Read a return's rows (see the module for the columns) into entries for
    :class:`~beacon.returns.commands.SaveReturn`, checked by the return page's rules."""
    problems: list[str] = []
    rows = [(n, cells) for n, cells in rows if any(c.strip() for c in cells)]
    if not rows:
        raise UploadError(filename, [f"{filename}: the file is empty; it needs a header row ({', '.join(COLUMNS)})"])
    header_row, header = rows[0]
    columns: dict[str, int] = {}
    for position, name in enumerate(header):
        key = " ".join(name.strip().lower().split())
        if not key:
            continue
        if key not in COLUMNS:
            hint = "; the file seems to use semicolons: save it with commas" if ";" in key else ""
            problems.append(f"{filename} row {header_row}: {name.strip()!r} is not a column of a return "
                            f"(the columns are {', '.join(COLUMNS)}){hint}")
        elif key in columns:
            problems.append(f"{filename} row {header_row}: the column {key} appears twice")
        else:
            columns[key] = position
    for needed in ("kind", "code"):
        if needed not in columns and not problems:
            problems.append(f"{filename} row {header_row}: the file has no {needed} column "
                            f"(the columns are {', '.join(COLUMNS)})")
    if problems:
        raise UploadError(filename, problems)
    data_rows = rows[1:]
    if len(data_rows) > MAX_ROWS:
        raise UploadError(filename, [(f"{filename}: the file has more than {MAX_ROWS} rows; a return has one row a "
                                     "line (a monthly KPI, one a month)")])

    def cell(cells: list[str], column: str) -> str:
        position = columns.get(column)
        return cells[position] if position is not None and position < len(cells) else ""

    by_key = {(line.kind.value, line.code): line for line in lines}
    by_upper = {(line.kind.value, line.code.upper()): line for line in lines}
    seen: dict[tuple[str, str], _Line] = {}
    commentary: tuple[str, int] | None = None
    for number, cells in data_rows:
        where = f"{filename} row {number}"
        extra = [c.strip() for position, c in enumerate(cells) if position not in columns.values() and c.strip()]
        if extra:
            problems.append(f"{where}: values beyond the named columns ({', '.join(extra[:3])})")
            continue
        kind_text, code = cell(cells, "kind").strip(), cell(cells, "code").strip()
        kind = KINDS.get(" ".join(kind_text.lower().split()))
        if kind is None:
            problems.append(f"{where}, kind: {kind_text!r} is not kpi, indicator or directorate" if kind_text
                            else f"{where}, kind: enter kpi, indicator or directorate")
            continue
        if kind == DIRECTORATE:
            if code and code.upper() != directorate_code.upper():
                problems.append(f"{where}, code: {code!r} is not this return's directorate ({directorate_code})")
            elif commentary is not None:
                problems.append(f"{where}: the directorate commentary is already on row {commentary[1]}")
            elif "commentary" in columns:
                text = cell(cells, "commentary").strip()
                problem = text_problem(text)
                if problem:
                    problems.append(f"{where}, commentary: {problem}")
                commentary = (text, number)
            for column in ("value", "note"):
                if cell(cells, column).strip():
                    problems.append(f"{where}, {column}: the directorate's row takes only a commentary")
            continue
        if not code:
            problems.append(f"{where}, code: enter the {'KPI' if kind == LineKind.KPI else 'activity indicator'}'s code")
            continue
        line = by_key.get((kind.value, code)) or by_upper.get((kind.value, code.upper()))
        if line is None:
            what = "a KPI" if kind == LineKind.KPI else "an activity indicator"
            problems.append(f"{where}, code: {code!r} is not {what} of this return")
            continue
        item = seen.get((line.kind.value, line.code))
        period_text = cell(cells, "period").strip()
        month = None
        if line.monthly:
            month = _month_of(period_text, [m.month for m in line.months]) if period_text else None
            if month is None:
                names = ", ".join(m.month.label for m in line.months)
                problems.append(f"{where}, period: {line.code} is monthly; give the month ({names})"
                                + (f", not {period_text!r}" if period_text else ""))
                continue
            if item is not None and month in (item.months or {}):
                problems.append(f"{where}: {line.code} {month.long_label} is already on row {item.months[month][1]}")
                continue
        else:
            if period_text and not _is_quarter(period_text, quarter):
                problems.append(f"{where}, period: {period_text!r} is not this return's quarter ({quarter.label})")
                continue
            if item is not None:
                problems.append(f"{where}: {line.code} is already on row {item.first_row}")
                continue
        if item is None:
            item = seen[(line.kind.value, line.code)] = _Line(line, number, months={} if line.monthly else None)
        value = _value(where, cell(cells, "value"), line, problems) if "value" in columns else None
        if line.monthly:
            item.months[month] = (value, number)
        else:
            item.value = value
        for part in ("note", "commentary"):
            if part not in columns:
                continue
            text = cell(cells, part).strip()
            problem = text_problem(text)
            if problem:
                problems.append(f"{where}, {part}: {problem}")
                continue
            held = getattr(item, part)
            if text and held is not None and held[0] and held[0] != text:
                problems.append(f"{where}, {part}: {line.code} has a different {_part_name(part)} on row {held[1]}; "
                                f"give it on one row")
                continue
            if held is None or (text and not held[0]):
                setattr(item, part, (text, number))
    if problems:
        raise UploadError(filename, problems)
    entries = tuple(_entry(seen[key], "value" in columns) for key in
                    ((line.kind.value, line.code) for line in lines) if key in seen)
    return Upload(filename, entries, None if commentary is None else commentary[0])


def _part_name(part: str) -> str:
    return "data note" if part == "note" else part


def _is_quarter(text: str, quarter: Quarter) -> bool:
    try:
        return parse_period(" ".join(text.split())) == quarter
    except PeriodError:
        return False


def _value(where: str, text: str, line: LineView, problems: list[str]) -> Decimal | None:
    """The value a cell holds, by the rules of the return page; a problem is added to
    ``problems`` (and None returned)."""
    try:
        value = parse_entered(text)
    except ValueError as exc:
        problems.append(f"{where}, value: {exc}")
        return None
    problem = value is not None and value_problem(value, line.unit)
    if problem:
        problems.append(f"{where}, value: {problem}")
        return None
    return value


def _entry(item: _Line, has_values: bool) -> LineEntry:
    line = item.line
    if line.monthly:
        given = {m: v for m, (v, _row) in (item.months or {}).items()} if has_values else {}
        months = tuple(MonthValue(m.month, given.get(m.month, m.value)) for m in line.months)
        value = None
    else:
        months = None
        value = item.value if has_values else line.value
    return LineEntry(
        kind=line.kind, code=line.code, value=value, months=months,
        note=item.note[0] if item.note is not None else line.note,
        commentary=item.commentary[0] if item.commentary is not None else line.commentary,
    )


# --- what the file changes -------------------------------------------------------------------
def entry_fields(entry: LineEntry) -> dict[str, str]:
    """An entry's fields as the return's form holds them (field name -> text)."""
    if entry.months is not None:
        out = {field_name(entry.kind, entry.code, mv.month): number_text(mv.value) for mv in entry.months}
    else:
        out = {field_name(entry.kind, entry.code, "value"): number_text(entry.value)}
    out[field_name(entry.kind, entry.code, "note")] = entry.note.strip()
    out[field_name(entry.kind, entry.code, "commentary")] = entry.commentary.strip()
    return out


@dataclass(frozen=True)
class PlannedChange:
    """One field the file changes: the line, the field in words, what the return holds now and
    what the file has."""

    code: str
    name: str
    field: str  # in words, as in a sentence: "value", "November 2022 value", "data note"
    now: str
    new: str

    def sentence(self) -> str:
        subject = f"{self.code} {self.field}" if self.code else self.field[:1].upper() + self.field[1:]
        if not self.new:
            return f"{subject} will be cleared (it is {self.now} now)"
        if not self.now:
            return f"{subject} will be {self.new} (it is blank now)"
        return f"{subject} will change from {self.now} to {self.new}"


@dataclass(frozen=True)
class Plan:
    """What saving an upload does: the fields it changes, how many fields of the lines in the
    file stay as they are, and the lines the file leaves out (they stay as they are)."""

    changes: tuple[PlannedChange, ...]
    unchanged: int
    left_out: tuple[LineView, ...]
    commentary_left_out: bool


def plan(upload: Upload, lines: Sequence[LineView], commentary: str) -> Plan:
    entries = {(e.kind, e.code): e for e in upload.entries}
    changes: list[PlannedChange] = []
    unchanged = 0
    left_out = []
    for line in lines:
        entry = entries.get((line.kind, line.code))
        if entry is None:
            left_out.append(line)
            continue
        now = line.fields()
        parts = [(m.month.long_label + " value", line.field(m.month)) for m in line.months] if line.monthly else \
            [("value", line.field("value"))]
        parts += [("data note", line.field("note")), ("commentary", line.field("commentary"))]
        new = entry_fields(entry)
        for label, name in parts:
            if plain_same(now.get(name, ""), new.get(name, "")):
                unchanged += 1
            else:
                changes.append(PlannedChange(line.code, line.name, label, now.get(name, "").strip(), new.get(name, "")))
    if upload.commentary is not None:
        if plain_same(commentary, upload.commentary):
            unchanged += 1
        else:
            changes.append(PlannedChange("", "", "directorate commentary", commentary.strip(), upload.commentary.strip()))
    return Plan(tuple(changes), unchanged, tuple(left_out), upload.commentary is None)


# --- carrying the upload from the preview to the save -----------------------------------------
def seal_upload(upload: Upload, return_id: int) -> str:
    """The preview's hidden field: the parsed entries, signed for this return."""
    entries = [
        {"k": e.kind.value, "c": e.code, "v": None if e.value is None else number_text(e.value),
         "m": None if e.months is None else [[mv.month.label, None if mv.value is None else number_text(mv.value)]
                                             for mv in e.months],
         "n": e.note, "t": e.commentary}
        for e in upload.entries
    ]
    return signing.dumps({"r": return_id, "f": upload.filename, "e": entries, "d": upload.commentary},
                         salt=SALT, compress=True)


def unseal_upload(token: str, return_id: int) -> Upload | None:
    """The upload a preview carried (None if the field is missing, altered or for another
    return)."""
    try:
        data = signing.loads(token or "", salt=SALT)
        if data["r"] != return_id:
            return None
        entries = tuple(
            LineEntry(
                kind=LineKind(e["k"]), code=str(e["c"]), value=_number(e["v"]),
                months=None if e["m"] is None else tuple(MonthValue(_month(label), _number(v)) for label, v in e["m"]),
                note=str(e["n"]), commentary=str(e["t"]),
            )
            for e in data["e"]
        )
        commentary = data["d"]
        return Upload(str(data["f"]), entries, None if commentary is None else str(commentary))
    except (signing.BadSignature, KeyError, TypeError, ValueError, InvalidOperation, PeriodError):
        return None


def _number(text) -> Decimal | None:
    return None if text is None else Decimal(str(text))


def _month(label) -> Month:
    month = parse_period(str(label))
    if not isinstance(month, Month):
        raise ValueError("not a month")
    return month


class _Trial(Exception):
    pass


def check_upload(return_id: int, upload: Upload, by: str) -> None:
    """Raise :class:`~beacon.returns.commands.ReturnError` if the return's own rules would
    refuse saving ``upload`` (held values left blank without a removal, a return no longer
    open): a trial save, rolled back, so the preview offers only a save that can succeed."""
    from . import services

    try:
        with transaction.atomic():
            services.save_return(SaveReturn(return_id=return_id, entries=upload.entries, commentary=upload.commentary,
                                            by=by))
            raise _Trial
    except _Trial:
        pass


@transaction.atomic
def save_upload(return_id: int, upload: Upload, opened: Mapping[str, str] | None, by: str) -> list[dict]:
    """Save an upload as a draft, if the return still holds what the preview showed
    (``opened``): otherwise :class:`~beacon.core.stale.StaleEdit` lists what changed, and
    nothing is saved. The return's own rules apply
    (:class:`~beacon.returns.commands.ReturnError`). Returns the changes made."""
    from . import services

    ret = Return.objects.select_for_update().select_related("period", "directorate").get(pk=return_id)
    services.check_editable(ret)
    current, labels = return_fields(ret, return_lines(ret))
    if opened is None:
        raise StaleEdit("The return")
    submitted: dict[str, str] = {}
    for entry in upload.entries:
        submitted.update(entry_fields(entry))
    if upload.commentary is not None:
        submitted[COMMENTARY] = upload.commentary.strip()
    changed = tuple(
        Changed(name, labels.get(name, name), opened.get(name, ""), current.get(name, ""), submitted.get(name))
        for name in [*current, *(n for n in opened if n not in current)]
        if not plain_same(opened.get(name, ""), current.get(name, ""))
    )
    if changed:
        raise StaleEdit("The return", changed)
    return services.save_return(SaveReturn(
        return_id=return_id, entries=upload.entries, commentary=upload.commentary, by=by, opened=dict(opened),
    ))


# --- the template to fill in -----------------------------------------------------------------
def template_rows(lines: Sequence[LineView], quarter: Quarter, directorate_code: str,
                  commentary: str) -> list[list]:
    """The return as rows to fill in: the header, a row a line (a monthly KPI, a row a month,
    its data note and commentary on the first), the directorate commentary's row. Values are
    Decimals (or None); everything else is text."""
    rows: list[list] = [list(COLUMNS)]
    for line in lines:
        if line.monthly:
            for i, m in enumerate(line.months):
                rows.append([line.kind.value, line.code, line.name, line.unit, m.month.label, m.value,
                             line.note if i == 0 else "", line.commentary if i == 0 else ""])
        else:
            rows.append([line.kind.value, line.code, line.name, line.unit, quarter.label, line.value, line.note,
                         line.commentary])
    rows.append([DIRECTORATE, directorate_code, "Directorate commentary", "", quarter.label, None, "", commentary])
    return rows


def template_csv(rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([number_text(c) if isinstance(c, Decimal) else formula_safe(c or "") for c in row])
    return out.getvalue().encode("utf-8-sig")


def template_xlsx(rows: list[list], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "return"
    period_column = COLUMNS.index("period") + 1
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c)
            if isinstance(value, Decimal):
                cell.value = value
            elif value:
                text_cell(cell, str(value))  # text, never a formula
            if r == 1:
                cell.font = Font(bold=True)
            elif c == period_column:
                cell.number_format = "@"  # a month typed here stays text, not a date
    for letter, width in zip("ABCDEFGH", (12, 10, 50, 10, 12, 12, 40, 60)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    workbook.properties.title = title
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# the files a return is read from, by their extension
_READERS = {"csv": _csv_rows, "xlsx": _xlsx_rows}
