"""Published wording of the rules, per rule-set version (performance spec 3.1, 3.3, 3.10).

The texts are verbatim from the specification. ``rag.wording`` selects the RAG texts;
``dot.method`` selects the direction-of-travel legend.
"""

from __future__ import annotations

__all__ = [
    "RAG_WORDING",
    "DOT_LEGEND",
    "DOT_SYMBOL",
    "dot_text_alternative",
    "number_word",
    "change_clause",
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

# "key": the Key page ("Key to KPI Ratings used"); "cover": the cover report's count
# sentences ("17 are rated Green the target was achieved or exceeded"). The spec gives no
# 2016-style cover wording, so the 2016 set uses the 2022 cover phrases.
RAG_WORDING: dict[str, dict] = {
    "2016": {
        "GREEN": {"key": "Target has been achieved or exceeded", "cover": _COVER_2022["GREEN"]},
        "AMBER": {
            "key": "Performance at acceptable level, below Target but above Floor",
            "cover": _COVER_2022["AMBER"],
        },
        "RED": {"key": "Performance is below a pre-defined Floor Standard *", "cover": _COVER_2022["RED"]},
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

# Real glyphs (spec 3.3 "Rendering"): never icon-font characters.
DOT_SYMBOL: dict[str, str] = {
    "improving": "\u2191",  # ↑
    "stable": "\u2194",  # ↔
    "worsening": "\u2193",  # ↓
    "not_available": "N/A",
}


DOT_WORD: dict[str, str] = {
    "improving": "Improving",
    "stable": "Stable",
    "worsening": "Worsening",
    "not_available": "Not available",
}
"""The one-word label of a direction of travel, printed beside its arrow."""


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
