"""Display precision: rounding and formatting of KPI values.

Values are stored unrounded and shown at a KPI's ``decimals`` (performance spec 3.2).
Rounding is **half away from zero** on the number as written, not on its binary
approximation: 0.285 is stored in binary as 0.28499999999999998, but it was written
0.285 and is shown as 0.29. ``displayed`` therefore rounds ``Decimal(repr(value))``,
the shortest decimal that reads back as the same float, which is exact for any value
written with up to 17 significant digits.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext

__all__ = ["displayed", "format_number", "to_decimal"]

# Enough digits for any float repr (17 significant) scaled by any sensible precision.
_CONTEXT = Context(prec=60, rounding=ROUND_HALF_UP)


def to_decimal(value: float) -> Decimal:
    """The decimal number ``value`` was written as (``Decimal(repr(value))``).

    Used wherever an exact comparison of written numbers matters (a severity gap of
    exactly 5 percentage points must be 5, not 4.999999999999986).
    """
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return Decimal(repr(float(value)))


def _check_decimals(decimals: int) -> int:
    if isinstance(decimals, bool) or not isinstance(decimals, int):
        try:
            as_int = int(decimals)
        except (TypeError, ValueError):
            raise ValueError(f"decimals must be a whole number, not {decimals!r}") from None
        if as_int != decimals:
            raise ValueError(f"decimals must be a whole number, not {decimals!r}")
        decimals = as_int
    if not 0 <= decimals <= 15:
        raise ValueError(f"decimals must be between 0 and 15, not {decimals}")
    return decimals


def displayed(value: float, decimals: int) -> float:
    """``value`` rounded half away from zero to ``decimals`` places, as a float.

    >>> displayed(97.7, 0), displayed(0.285, 2), displayed(74.85, 1), displayed(-2.5, 0)
    (98.0, 0.29, 74.9, -3.0)

    NaN and infinities are returned unchanged. A result of zero is always ``0.0``
    (never ``-0.0``), so ``-0.4`` shows as ``0``.
    """
    decimals = _check_decimals(decimals)
    value = float(value)
    if not math.isfinite(value) or abs(value) >= 2.0**53:
        return value  # at and beyond 2**53 every float is a whole number already
    with localcontext(_CONTEXT):
        rounded = to_decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    result = float(rounded)
    return 0.0 if result == 0 else result


def format_number(value: float, decimals: int) -> str:
    """The value as printed: rounded by ``displayed``, with thousands separators.

    >>> format_number(23844, 0), format_number(74.8, 1), format_number(0.02, 2)
    ('23,844', '74.8', '0.02')
    """
    decimals = _check_decimals(decimals)
    shown = displayed(value, decimals)
    if math.isnan(shown):
        return ""
    if math.isinf(shown):
        return "∞" if shown > 0 else "-∞"
    # ``shown`` is the float nearest to a number with ``decimals`` places, so fixed-point
    # formatting at that precision reproduces it digit for digit.
    return f"{shown:,.{decimals}f}"
