"""The fields of a return and the rules a value entered in one must meet.

One place for the page's forms, the API and the services: a field's name (``kpi-A1-value``,
``kpi-A3-2022-10``), the label its errors start with (``A1 value``, ``A3 October 2022 value``),
how typed text becomes a number, and which numbers a line takes.
"""

from __future__ import annotations

import enum
import re
from decimal import Decimal, InvalidOperation

from beacon.bundle.schema import MAX_DECIMAL_PLACES, parse_number
from beacon.domain.periods import Month
from beacon.domain.units import unit_problem

from .models import number_text

MAX_TEXT = 5000  # characters in a data note or a commentary
LARGEST = Decimal(10) ** 17

COMMENTARY = "commentary"  # the directorate commentary's field
COMMENTARY_LABEL = "Directorate commentary"
COMMENT = "comment"  # the reviewer's comment
COMMENT_LABEL = "Comment"
REMOVE_COMMENTARY = "remove_commentary"  # remove the held directorate commentary, and why
REMOVE_COMMENTARY_REASON = "remove_commentary_reason"
REMOVE_COMMENTARY_REASON_LABEL = "Reason for removing the directorate commentary"
REMOVE = "remove"  # a line's "Remove this value" and its reason: field parts
REMOVE_REASON = "remove_reason"


class LineKind(enum.StrEnum):
    KPI = "kpi"
    INDICATOR = "indicator"


def prefix(kind: str, code: str) -> str:
    """The field prefix of a line: ``kpi-A1``, ``indicator-AI1``."""
    return f"{kind}-{code}"


def field_name(kind: str, code: str, part: str | Month) -> str:
    """A line's field: ``part`` is ``value``, ``note``, ``commentary`` or a month (a monthly
    KPI's value for that month: ``kpi-A3-2022-10``)."""
    return f"{prefix(kind, code)}-{part.label if isinstance(part, Month) else part}"


def field_label(code: str, part: str | Month) -> str:
    """What an error about the field starts with: ``A1 value``, ``A3 October 2022 value``."""
    if isinstance(part, Month):
        return f"{code} {part.long_label} value"
    if part == REMOVE_REASON:
        return f"{code} reason for removing"
    return f"{code} {part}"


# A number as a person types it: a sign, the digits 0-9 (thousands in groups of three after a
# comma, or none), a decimal point, a trailing %. Nothing else: Decimal() alone would also take
# 1e2, full-width and other scripts' digits, NaN and Infinity.
_TYPED = re.compile(r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)?(?:\.[0-9]*)?\s*%?", re.ASCII)
_EXPONENT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)[eE][+-]?[0-9]+\s*%?", re.ASCII)
_NOT_NUMBERS = {"nan", "snan", "inf", "infinity"}


def parse_entered(text: str | None) -> Decimal | None:
    """A number as a person types it (``1,300``, ``97%``, ``96.5``, spaces around it); blank is
    no value. Raises ``ValueError`` with the reason (``'ninety' is not a number ...``), also
    for exponents (``1e2``), digits other than 0-9 (full-width ``１２``, Arabic-Indic) and
    NaN or Infinity, which a person does not mean to type and a paper cannot print."""
    raw = (text or "").strip()
    if not raw:
        return None
    problem = typed_problem(raw)
    if problem:
        raise ValueError(f"{raw!r} {problem}")
    return parse_number(raw).value


def typed_problem(raw: str) -> str | None:
    """Why ``raw`` (stripped) is not written the way the return takes a number, or None."""
    if _TYPED.fullmatch(raw) and any(c.isdigit() for c in raw):
        return None
    if raw.lstrip("+-").lower() in _NOT_NUMBERS:
        return "is not a number"
    if _EXPONENT.fullmatch(raw):
        try:
            value = Decimal(raw.rstrip("%").strip())
        except InvalidOperation:
            value = None
        # the number in full as an example, unless it is too long to be one (1e999999)
        example = f", for example {number_text(value)}" if value is not None and abs(value.adjusted()) <= 20 else ""
        return f"is written with an exponent: type the number in full{example}"
    if any(c.isnumeric() and not c.isascii() for c in raw):
        return "has characters that are not the digits 0 to 9: type the number with the digits 0 to 9"
    return "is not a number (use . as the decimal point)"


def value_problem(value: Decimal, unit: str) -> str | None:
    """Why ``value`` cannot be a line's value for a KPI or indicator measured in ``unit``, or
    None. A percentage is 0-100; counts and durations are not negative."""
    shown = repr(number_text(value)) if value.is_finite() else repr(str(value))
    if not value.is_finite():
        return f"{shown} is not a finite number"
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_DECIMAL_PLACES:
        return f"{shown} has more than {MAX_DECIMAL_PLACES} decimal places"
    if abs(value) >= LARGEST:
        return f"{shown} is too large"
    problem = unit_problem(value, unit)
    return f"{shown} {problem}" if problem else None


def text_problem(text: str) -> str | None:
    if len(text or "") > MAX_TEXT:
        return f"must be {MAX_TEXT} characters or fewer"
    return None
