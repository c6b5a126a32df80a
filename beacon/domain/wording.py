"""Published wording of the rules, per rule-set version (performance spec 3.1, 3.3, 3.10).

The texts are verbatim from the specification. ``rag.wording`` selects the RAG texts;
``dot.method`` selects the direction-of-travel legend and the words the narrative counts
directions of travel with (``DOT_COUNT_WORDS``).

A direction of travel is a finding only when it was computed from enough values, or recorded
by hand with a reason: :func:`reported_dot` is that rule, used by the report model's counts and
by every table and sentence of the papers; :func:`no_dot_reason` says why a KPI has none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .dot import FLAG_INSUFFICIENT, FLAG_NO_CURRENT, FLAG_NO_PREVIOUS, Dot

__all__ = [
    "RAG_WORDING",
    "RAG_SEPARATOR",
    "DOT_LEGEND",
    "DOT_SYMBOL",
    "DOT_WORD",
    "DOT_COUNT_WORDS",
    "MANUAL_DOT_MARK",
    "dot_text_alternative",
    "reported_dot",
    "no_dot_reason",
    "number_word",
    "change_clause",
    "n_of_total",
]

_COVER_2022 = {
    "GREEN": "the target was achieved or exceeded",
    "AMBER": "performance achieved or exceeded the expected floor standard but did not meet target",
    "RED": "performance did not meet the expected floor standard",
}

_FOOTNOTE_2022 = (
    "*Floor Standards are the minimum performance expected and if not achieved must result in "
    "management action."
)

# The 2016 cover ("21 are rated Green - target achieved or exceeded, 15 are rated Amber - below
# target but above floor standard, 2 are rated Red – below floor standard").
_COVER_2016 = {
    "GREEN": "target achieved or exceeded",
    "AMBER": "below target but above floor standard",
    "RED": "below floor standard",
}

RAG_SEPARATOR = " \u2013 "
"""Between the RAG word and its cover phrase: "17 are rated Green – the target was achieved or
exceeded" (the published papers print a dash there; a text extraction may lose it)."""

# "key": the Key page ("Key to KPI Ratings used"); "cover": the cover report's count
# sentences ("17 are rated Green – the target was achieved or exceeded").
RAG_WORDING: dict[str, dict] = {
    "2016": {
        "GREEN": {"key": "Target has been achieved or exceeded", "cover": _COVER_2016["GREEN"]},
        "AMBER": {
            "key": "Performance at acceptable level, below Target but above Floor",
            "cover": _COVER_2016["AMBER"],
        },
        "RED": {"key": "Performance is below a pre-defined Floor Standard *", "cover": _COVER_2016["RED"]},
        "footnote": "* Floor Standards represent the minimum level of acceptable performance.",
    },
    "2022": {
        "GREEN": {"key": "Target has been achieved", "cover": _COVER_2022["GREEN"]},
        "AMBER": {"key": "Floor Standard* achieved but Target has not been met", "cover": _COVER_2022["AMBER"]},
        "RED": {"key": "Floor Standard* has not been achieved", "cover": _COVER_2022["RED"]},
        "footnote": _FOOTNOTE_2022,
    },
    "2023": {
        "GREEN": {"key": "Target has been achieved or exceeded", "cover": _COVER_2022["GREEN"]},
        "AMBER": {"key": "Floor Standard* achieved but Target has not been met", "cover": _COVER_2022["AMBER"]},
        "RED": {"key": "Floor Standard* has not been achieved", "cover": _COVER_2022["RED"]},
        "footnote": _FOOTNOTE_2022,
    },
}

DOT_LEGEND: dict[str, dict] = {
    "previous_period": {
        "intro": "Progress is also assessed in terms of Direction of Travel (DoT) through use of arrows.",
        "improving": "Performance has improved",
        "worsening": "Performance has worsened",
        "stable": "Performance has remained the same",
        "not_available": "Not available",
    },
    "trend": {
        "intro": (
            "Progress is also assessed in terms of Direction of Travel (DoT) using arrows. "
            "Direction of Travel is based on regression analysis across the whole timeframe "
            "shown in the graphs."
        ),
        "improving": "Performance is improving (positive trend)",
        "worsening": "Performance is worsening (negative trend)",
        "stable": "Performance has remained stable or shows no clear trend",
        "not_available": "Not available",
    },
}

DOT_SYMBOL: dict[str, str] = {d.value: d.symbol for d in Dot}
"""The arrow of each direction of travel by its value (the glyphs are ``Dot.symbol``)."""

DOT_WORD: dict[str, str] = {d.value: d.label for d in Dot}
"""The one-word label of each direction of travel by its value (the labels are ``Dot.label``)."""

MANUAL_DOT_MARK = "manual"
"""The mark printed after a direction of travel recorded by hand: "↓ Worsening (manual)"."""

# How the narrative counts directions of travel, per ``dot.method``. The trend method speaks
# of trends (2022 cover 2.4: "2 indicators show a positive trend ..., 30 are stable or with no
# clear trend, and 5 are showing a negative trend"); the previous-period method compares with
# the previous Quarter (2016 cover: "Net Direction of Travel was positive with 22 indicators
# improving, 5 with no change 11 showing a fall in performance").
DOT_COUNT_WORDS: dict[str, dict[str, tuple[str, str]]] = {
    "trend": {
        # block sentences: (one, many)
        "improving": ("shows an improving trend", "show an improving trend"),
        "worsening": ("shows a worsening trend", "show a worsening trend"),
        "stable": ("is stable or shows no clear trend", "are stable or show no clear trend"),
        # Executive Summary headline
        "headline_improving": ("indicator was showing an improving trend", "indicators were showing an improving trend"),
        "headline_worsening": ("showing a worsening trend", "showing a worsening trend"),
    },
    "previous_period": {
        "improving": ("has improved on the previous Quarter", "have improved on the previous Quarter"),
        "worsening": ("shows a fall in performance", "show a fall in performance"),
        "stable": ("is unchanged", "are unchanged"),
        "headline_improving": ("indicator improved on the previous Quarter", "indicators improved on the previous Quarter"),
        "headline_worsening": ("showing a fall in performance", "showing a fall in performance"),
    },
}


def reported_dot(dot: str | None, source: str | None = "computed", flags: Iterable[str] = ()) -> str:
    """The direction of travel a paper reports and counts: "improving", "stable", "worsening", or
    "not_available" when there is none to report.

    A computed direction is reported only when it was computed: a trend flagged "insufficient
    data" (fewer than ``dot.min_points`` values) is not a finding, whatever ``dot.insufficient``
    makes of it, so it is counted and named as having no direction of travel, never as stable.
    A manual direction (recorded with its reason) is reported as recorded.
    """
    if not dot or dot == "not_available":
        return "not_available"
    if source != "manual" and FLAG_INSUFFICIENT in tuple(flags or ()):
        return "not_available"
    return str(dot)


def no_dot_reason(flags: Iterable[str] = (), min_points: int = 4, window_quarters: int = 6) -> str:
    """Why a KPI has no direction of travel, completing "no direction of travel: ..."."""
    flags = tuple(flags or ())
    if FLAG_NO_CURRENT in flags:
        return "no value is recorded for this Quarter"
    if FLAG_NO_PREVIOUS in flags:
        return "no value is recorded for the previous Quarter"
    if FLAG_INSUFFICIENT in flags:
        return (f"fewer than {number_word(min_points)} of the last {number_word(window_quarters)} "
                "Quarters held")
    return "not available"


def dot_text_alternative(dot: str, method: str = "trend") -> str:
    """The text alternative printed or attached with a DoT arrow (the legend text)."""
    return DOT_LEGEND[method][str(dot)]


_UNITS = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def number_word(n: int) -> str:
    """0-100 in words ("four", "twenty-one", "one hundred"); other numbers as digits."""
    if isinstance(n, bool) or int(n) != n:
        raise ValueError(f"number_word needs a whole number, not {n!r}")
    n = int(n)
    if n < 0 or n > 100:
        return str(n)
    if n < 20:
        return _UNITS[n]
    if n == 100:
        return "one hundred"
    tens, units = divmod(n, 10)
    return _TENS[tens] if units == 0 else f"{_TENS[tens]}-{_UNITS[units]}"


def change_clause(delta: int, comparison: str = "the previous Quarter") -> str:
    """The change against the comparison edition, in words (spec 3.10).

    -4 -> "four fewer than the previous Quarter"; 5 -> "five more than the previous
    Quarter"; 0 -> "the same as the previous Quarter". The caller adds the brackets.
    """
    if isinstance(delta, bool) or int(delta) != delta:
        raise ValueError(f"a change clause needs a whole number, not {delta!r}")
    delta = int(delta)
    if delta == 0:
        return f"the same as {comparison}"
    word = "more" if delta > 0 else "fewer"
    return f"{number_word(abs(delta))} {word} than {comparison}"


def n_of_total(n: int, total: int, one: str, many: str, words: bool = False) -> str:
    """A part of a whole as a council paper says it: "3 of the 15 risks", but "all 15 risks",
    "both risks" and "the risk" when the part is the whole (never "15 of the 15 risks" or
    "two of the two"). ``words``: numbers as words ("three of the fifteen"), else digits."""
    word = number_word if words else str
    if n == total:
        if total == 1:
            return f"the {one}"
        return f"both {many}" if total == 2 else f"all {word(total)} {many}"
    return f"{word(n)} of the {word(total)} {one if total == 1 else many}"


def counted(n: int, one: str, many: str | None = None) -> str:
    """``1 KPI``, ``2 KPIs``, ``1 consistency check``: a count with its noun in the right
    number (never "KPI(s)"); ``many`` when the plural is not ``one`` + "s"."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


_ROLLING_SUFFIX = re.compile(r"\s*[–-]\s*rolling 12 months\s*$", re.I)


def without_rolling_suffix(name: str) -> str:
    """A KPI name without a typed "– rolling 12 months" (the flag says it, spec 2.3)."""
    return _ROLLING_SUFFIX.sub("", name or "").strip()


def kpi_display_name(name: str, rolling: bool) -> str:
    """A KPI's name as printed: the "– rolling 12 months" suffix comes from the flag, once,
    whether or not the stored name already ends with it (spec 2.3)."""
    base = without_rolling_suffix(name)
    return f"{base} – rolling 12 months" if rolling else base
