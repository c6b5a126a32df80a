"""Declarative file schemas: which columns a bundle file has, which are required, and how
each cell is parsed. Parsers raise ``ValueError`` with a reason a person can act on; the
schema turns it into ``file:line: column: reason``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from beacon.domain.periods import FinancialYear, PeriodError, parse_period

from .errors import BundleErrors
from .reader import Sheet

# --- cell parsers ------------------------------------------------------------------------
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
MAX_DECIMAL_PLACES = 10


@dataclass(frozen=True)
class Number:
    """A parsed number, remembering whether it was written with a trailing ``%``."""

    value: Decimal
    percent_sign: bool = False


def parse_text(text: str) -> str:
    return text


def parse_number(text: str) -> Number:
    raw = text.strip()
    percent = raw.endswith("%")
    if percent:
        raw = raw[:-1].strip()
    if _THOUSANDS.match(raw):
        raw = raw.replace(",", "")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number (use . as the decimal point)") from None
    if not value.is_finite():
        raise ValueError(f"{text!r} is not a finite number")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_DECIMAL_PLACES:
        raise ValueError(f"{text!r} has more than {MAX_DECIMAL_PLACES} decimal places")
    if abs(value) >= Decimal(10) ** 17:
        raise ValueError(f"{text!r} is too large")
    return Number(value, percent)


def parse_integer(text: str) -> int:
    raw = text.strip()
    if re.fullmatch(r"[+-]?\d+(\.0+)?", raw):
        return int(Decimal(raw))
    raise ValueError(f"{text!r} is not a whole number")


def parse_non_negative_integer(text: str) -> int:
    value = parse_integer(text)
    if value < 0:
        raise ValueError(f"{text!r} must not be negative")
    return value


_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


def parse_bool(text: str) -> bool:
    low = text.strip().lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ValueError(f"{text!r} is not true or false")


def choice(*options: str, case_insensitive: bool = True) -> Callable[[str], str]:
    def parse(text: str) -> str:
        raw = text.strip()
        for option in options:
            if raw == option or (case_insensitive and raw.lower() == option.lower()):
                return option
        raise ValueError(f"{text!r} is not one of: {', '.join(options)}")

    parse.options = options  # type: ignore[attr-defined]
    return parse


def parse_period_text(text: str):
    try:
        return parse_period(text)
    except PeriodError as exc:
        raise ValueError(str(exc)) from None


def parse_financial_year(text: str) -> FinancialYear:
    try:
        return FinancialYear.parse(text)
    except PeriodError as exc:
        raise ValueError(str(exc)) from None


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not a date (write it as YYYY-MM-DD)") from None


def parse_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


# --- file specifications ------------------------------------------------------------------
@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[str], Any] = parse_text
    required: bool = False
    help: str = ""


class Record(dict):
    """A parsed row: maps every declared column to its parsed value (None when empty, and for a
    name that is not a column); ``data`` is the row itself. A dict, so that the checks and the
    loaders, which read a million rows' cells tens of times each, read them at the dict's own
    speed."""

    __slots__ = ("file", "line", "present")

    def __init__(self, file: str, line: int, data: dict[str, Any] | None = None, present: frozenset = frozenset()):
        super().__init__(data or ())
        self.file, self.line = file, line
        self.present = present  # the columns the file had (absent ones must not blank data)

    def __missing__(self, key):
        return None

    @property
    def data(self) -> dict[str, Any]:
        return self

    def where(self, column: str) -> str:
        return f"{self.file}:{self.line}: {column}"

    def __repr__(self) -> str:
        return f"Record({self.file!r}, {self.line}, {dict.__repr__(self)})"


@dataclass
class FileSpec:
    name: str
    columns: list[Column]
    key: tuple[str, ...] = ()
    extra_columns_allowed: bool = False
    row_check: Callable[[Record, BundleErrors], None] | None = None
    description: str = ""
    _by_name: dict[str, Column] = field(init=False, repr=False)

    def __post_init__(self):
        self._by_name = {c.name: c for c in self.columns}

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def parse(self, sheet: Sheet, errors: BundleErrors) -> list[Record]:
        """Check the header and parse every row; problems go to ``errors``."""
        return list(self.iter_parse(sheet, errors))

    def iter_parse(self, sheet: Sheet, errors: BundleErrors) -> Iterator[Record]:
        """:meth:`parse`, one valid record at a time (the rows are read as they are needed, so a
        file of a million rows is never held whole). Only the columns the file has are parsed
        (an absent column is None); a cell's text seen before is not parsed again."""
        name = sheet.name
        unknown = [h for h in sheet.header if h not in self._by_name]
        if unknown and not self.extra_columns_allowed:
            for column in unknown:
                errors.add(
                    f"{name}:{sheet.header_line}: {column}: unknown column "
                    f"(the columns of {self.name} are: {', '.join(self.column_names)})"
                )
        missing = [c.name for c in self.columns if c.required and c.name not in sheet.header]
        for column in missing:
            errors.add(f"{name}:{sheet.header_line}: {column}: required column is missing")
        if (unknown and not self.extra_columns_allowed) or missing:
            return
        present = frozenset(sheet.header)
        columns = [(c.name, c.parse, c.required, {}) for c in self.columns if c.name in present]
        absent = {c.name: None for c in self.columns if c.name not in present}
        seen_keys: dict[str, int] = {}  # the key as one string: a million rows stay affordable
        key_texts: dict[tuple[str, Any], str] = {}  # a parsed value's key text, worked out once
        for row in sheet.rows:
            record = data = Record(name, row.line, absent, present)
            ok = True
            for column, parse, required, memo in columns:
                raw = row.values.get(column, "")
                raw = "" if raw is None else raw.strip()
                if raw == "":
                    data[column] = None
                    if required:
                        errors.add(f"{name}:{row.line}: {column}: a value is required")
                        ok = False
                    continue
                value = memo.get(raw, _UNSEEN)
                if value is _UNSEEN:
                    try:
                        value = parse(raw)
                    except ValueError as exc:
                        errors.add(f"{name}:{row.line}: {column}: {exc}")
                        ok = False
                        continue
                    if len(memo) < _MEMO_SIZE and _immutable(value):
                        memo[raw] = value
                data[column] = value
            if self.extra_columns_allowed:
                for column in unknown:
                    data[column] = (row.values.get(column) or "").strip() or None
            if ok and self.key:
                parts = []
                for k in self.key:
                    value = data.get(k)
                    if value.__class__ is str or value is None:
                        parts.append(_key_text(value))
                        continue
                    try:
                        text = key_texts.get((k, value))
                    except TypeError:
                        text = None
                    if text is None:
                        text = _key_text(value)
                        if len(key_texts) < _MEMO_SIZE and _immutable(value):
                            key_texts[(k, value)] = text
                    parts.append(text)
                key = "\x1f".join(parts)
                first = seen_keys.get(key)
                if first is not None:
                    label = ", ".join(f"{k} {data.get(k)}" for k in self.key)
                    errors.add(
                        f"{name}:{row.line}: {self.key[0]}: duplicate row for {label} "
                        f"(first at line {first})"
                    )
                    ok = False
                else:
                    seen_keys[key] = row.line
            if ok and self.row_check is not None:
                before = errors.count
                self.row_check(record, errors)
                ok = errors.count == before
            if ok:
                yield record


_UNSEEN = object()
_MEMO_SIZE = 20_000
"""How many distinct cell texts of one column are remembered with their parsed value."""


def _immutable(value) -> bool:
    """Whether a parsed value may be shared between rows (a list may not)."""
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _key_part(value):
    return getattr(value, "label", value)


def _key_text(value) -> str:
    """A key part as text (None apart from any text: a cell never holds a NUL)."""
    return "\x00" if value is None else str(_key_part(value))


def check_only_listed(specs: Iterable[FileSpec]) -> set[str]:
    return {spec.name for spec in specs}


def check_lengths(records: Iterable[Record], columns: dict[str, tuple[Any, str]], errors: BundleErrors) -> None:
    """Refuse text longer than the field it is stored in. ``columns`` maps a column to the Django
    model and field that hold it; the limit is read from the field (``max_length``), so that the
    numbers live in one place, the models. PostgreSQL enforces the limits and SQLite does not:
    checked here, a bundle is refused the same way on both, row by row."""
    limits = {column: model._meta.get_field(name).max_length for column, (model, name) in columns.items()}
    for record in records:
        for column, limit in limits.items():
            value = record[column]
            text = getattr(value, "text", value)  # a parsed cell that keeps its text (a due date as written)
            if limit and isinstance(text, str) and len(text) > limit:
                errors.add(f"{record.where(column)}: {len(text):,} characters; at most {limit:,} are allowed")
