"""Which values a measure's unit allows: one rule for the return pages, the API and bundles.

A percentage is 0 to 100; counts, durations and weights are never negative. The return's
entries (:func:`beacon.returns.entries.value_problem`) and the bundle's observation checks
(:mod:`beacon.performance.bundle.validate`) both ask :func:`unit_problem`, so a value the browser
refuses is refused in a bundle too.
"""

from __future__ import annotations

from decimal import Decimal

NON_NEGATIVE_UNITS = ("count", "days", "seconds", "tonnes")


def unit_problem(value: Decimal, unit: str) -> str | None:
    """Why ``value`` cannot be measured in ``unit`` (the reason after the value), or None."""
    if unit == "percent" and not (Decimal(0) <= value <= Decimal(100)):
        return "is not a percentage between 0 and 100"
    if unit in NON_NEGATIVE_UNITS and value < 0:
        return "must not be negative"
    return None
