"""Supporting tables: do the printed totals add up? (performance spec 2.9, 6.1.9)

A supporting table is stored as printed, in long form: each row has its row-label columns,
``period`` (``2022/23 Q2``, ``2022-09`` or ``12m to 2022-09``), ``period_label``, the value
columns as printed text, and optionally ``row_type``.

Two rules, both on the printed (rounded) figures with a tolerance of ±0.5 per summed cell:

* **Totals.** A row whose ``row_type`` is ``total`` must equal the sum of the other rows of the
  same period that share its values in every row-label column but the first.
* **12-month columns.** A ``12m to YYYY-MM`` cell must equal the sum of the same row's four
  quarters ending in that month, when all four are printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .periods import PeriodError, parse_period

TOLERANCE_PER_CELL = Decimal("0.5")
TWELVE_MONTHS = re.compile(r"^12m to (\d{4}-\d{2})$")


@dataclass(frozen=True)
class TableDifference:
    kind: str  # "total" or "twelve_months"
    row: dict
    column: str
    printed: Decimal
    computed: Decimal
    parts: tuple[Decimal, ...]


def cell_number(text) -> Decimal | None:
    """A printed cell as a number: ``1,234``, ``84%`` and ``0.5`` are numbers; blank is None."""
    if text is None:
        return None
    raw = str(text).strip().rstrip("%").replace(",", "").strip()
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _is_total(row: dict) -> bool:
    return str(row.get("row_type") or "").lower() == "total"


def _differs(parts: list[Decimal], printed: Decimal) -> bool:
    return abs(sum(parts) - printed) > TOLERANCE_PER_CELL * len(parts)


def total_differences(rows: list[dict], row_columns: list[str], value_columns: list[str]) -> list[TableDifference]:
    out = []
    others = row_columns[1:]
    for total in (r for r in rows if _is_total(r)):
        members = [
            r for r in rows
            if not _is_total(r) and r.get("period") == total.get("period") and all(r.get(c) == total.get(c) for c in others)
        ]
        for column in value_columns:
            printed = cell_number(total.get(column))
            parts = [v for v in (cell_number(m.get(column)) for m in members) if v is not None]
            if printed is not None and parts and _differs(parts, printed):
                out.append(TableDifference("total", total, column, printed, sum(parts), tuple(parts)))
    return out


def twelve_month_differences(rows: list[dict], row_columns: list[str], value_columns: list[str]) -> list[TableDifference]:
    out = []
    by_row: dict[tuple, dict[str, dict]] = {}
    for r in rows:
        by_row.setdefault(tuple(r.get(c) for c in row_columns), {})[str(r.get("period"))] = r
    for periods in by_row.values():
        for label, row in periods.items():
            m = TWELVE_MONTHS.match(label)
            if not m:
                continue
            try:
                end = parse_period(m.group(1)).quarter
            except PeriodError:
                continue
            quarters = [periods.get(q.label) for q in end.last(4)]
            if any(q is None for q in quarters):
                continue
            for column in value_columns:
                printed = cell_number(row.get(column))
                parts = [cell_number(q.get(column)) for q in quarters]
                if printed is None or any(p is None for p in parts):
                    continue
                if _differs(parts, printed):
                    out.append(TableDifference("twelve_months", row, column, printed, sum(parts), tuple(parts)))
    return out
