"""Lint checks on authored commentary (performance spec 6.2): warnings that need sign-off.

Pure and deterministic: no database, no clock. ``lint_text`` takes an authored text, the facts
of the KPIs it may talk about, the counts of its block and the report period's end date, and
returns the sentences that contradict the computed data, each as a ``Finding``.

The checks are **conservative**: a finding is raised only when a sentence is clearly wrong.
A sentence that mixes claims (says both "increased" and "decreased"), talks about another time
("last year", "previously"), a benchmark ("the national figure of 88%") or the future ("by
March 2023") is left alone for the rules it could confuse. Prefer no finding to a false alarm.

A sentence is about a KPI when it names exactly one KPI (its name, short name or an alias,
case-insensitive, as whole words) or, naming none and no group of KPIs, when the commentary is
attached to that KPI and the sentence's subject is the KPI ("It", "This", "Performance", "The
indicator" ...).

Rules (``Finding.rule``):

* ``rag``: RAG words and target/floor phrases ("RAG rated Amber", "did not meet its floor
  standard", "met target") against the computed RAG;
* ``movement``: "improved", "worsened", "increased", "dropped", "decreased" ... against
  current − previous (polarity applied to "improved"/"worsened");
* ``trend``: "positive/negative/declining/upward/downward trend", "no clear trend" against the
  direction of travel;
* ``count``: "Two out of the seven KPIs ..." against the block's counts;
* ``value``: a quoted current value ("at 97%", "decreased to 80%") against the stored value at
  display precision;
* ``percentage_points``: a movement of a percent KPI written with "%" ("just a 0.1% change");
* ``date``: a month or quarter after the report period;
* ``rolling_period``: "12 months to September 2021" in a report to September 2022.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import lru_cache

from .dot import Dot
from .numbers import displayed, format_number
from .qpr_model import Counts
from .rag import Polarity, Rag
from .wording import number_word, without_rolling_suffix

__all__ = ["KpiFacts", "Finding", "lint_text", "split_sentences", "derived_aliases", "RULES"]

RULES = ("rag", "movement", "trend", "count", "value", "percentage_points", "date", "rolling_period")
DOT_NAMES = {Dot.IMPROVING: "improving", Dot.STABLE: "stable or with no clear trend", Dot.WORSENING: "worsening",
             Dot.NOT_AVAILABLE: "not available"}
"""How a lint message names a direction of travel (a trend claim: "stable or with no clear trend")."""


@dataclass(frozen=True)
class KpiFacts:
    """What a sentence about one KPI may be checked against (values unrounded)."""

    name: str
    short_name: str = ""
    aliases: tuple[str, ...] = ()
    code: str = ""
    rag: Rag | None = None
    dot: Dot | None = None
    value: float | None = None
    previous: float | None = None
    decimals: int = 0
    unit: str = "number"
    polarity: Polarity = Polarity.HIGHER
    target: float | None = None
    floor: float | None = None
    thresholds: tuple[float, ...] = field(default=())  # other published figures (band edges)

    def names(self) -> list[str]:
        out = []
        for n in (self.name, self.short_name, self.code, *self.aliases):
            n = (n or "").strip()
            if n and n.lower() not in [o.lower() for o in out]:
                out.append(n)
        return out


@dataclass(frozen=True)
class Finding:
    rule: str
    sentence: str
    message: str
    kpi: str | None = None  # the code (or name) of the KPI the sentence was matched to

    def to_dict(self) -> dict:
        return asdict(self)


# --- sentences and names ---------------------------------------------------------------------
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])")


def split_sentences(text: str) -> list[str]:
    """Sentences of a text: split after . ! ? followed by space and a capital or digit, and at
    blank lines and list items. "74.8%" and "e.g." inside a sentence do not split it."""
    out = []
    paras = [p for block in re.split(r"\n\s*\n", text or "") for p in re.split(r"(?:^|\n)\s*[-*•]\s+", block)]
    for para in paras:
        para = " ".join(para.split())
        if not para:
            continue
        for s in _SENTENCE_END.split(para):
            s = s.strip()
            if s:
                out.append(s)
    return out


_ALIAS_CUTS = re.compile(
    r"\s(?:reported|completed|within|which|who|that|to|delivered|issued|being|receiving|in|by|with|from|per|"
    r"where|at|after|between|for|on|as)\s", re.I)
_ALIAS_PREFIX = re.compile(r"^(?:percentage|proportion|number|%|no\.|average number|average no\.) of (?:all )?", re.I)


_BRACKETED_TAIL = re.compile(r"\s*\(.*$")


def derived_aliases(name: str) -> list[str]:
    """Short names a commentary uses for a KPI, derived from its long name: "Percentage of
    routine highway repairs reported by residents completed within 28 days" -> "routine highway
    repairs". Only aliases of two words or more; the caller drops aliases shared by two KPIs."""
    text = without_rolling_suffix(name)
    text = _ALIAS_PREFIX.sub("", text)
    text = _ALIAS_CUTS.split(text, maxsplit=1)[0]
    text = _BRACKETED_TAIL.sub("", text).strip(" ,")
    out = []
    if len(text.split()) >= 2 and text.lower() != (name or "").lower():
        out.append(text)
    return out


@lru_cache(maxsize=4096)
def _mention_pattern(name: str) -> re.Pattern:
    """A KPI name or alias as a whole phrase, compiled once (a 1,000-KPI report has more names
    than the ``re`` module's own cache holds, so each search compiled its pattern again)."""
    return re.compile(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", re.I)


def _mentions(sentence: str, name: str) -> bool:
    return _mention_pattern(name).search(sentence) is not None


# --- numbers ------------------------------------------------------------------------------
_WORD_NUMBERS = {number_word(n): n for n in range(0, 101)}
_NUM = r"(?:\d+|" + "|".join(sorted((re.escape(w) for w in _WORD_NUMBERS), key=len, reverse=True)) + r")"


def _as_int(token: str) -> int | None:
    token = token.lower()
    if token.isdigit():
        return int(token)
    return _WORD_NUMBERS.get(token)


def _decimals_of(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


# --- RAG claims ---------------------------------------------------------------------------
_RAG_WORD = r"(green|amber|red)"
_FROM_TO = re.compile(r"\bfrom (?:a |an )?(?:rag )?(?:rating |rated )?(?:of )?" + _RAG_WORD + r" to " + _RAG_WORD + r"\b", re.I)
_RAG_EXPLICIT = [
    re.compile(r"\brag[- ]?rat(?:ed|ing)(?: of| as| at)? " + _RAG_WORD + r"\b", re.I),
    re.compile(r"\b(?:is|are|was|were|been|be|remains?|remained|now) rated (?:as )?" + _RAG_WORD + r"\b", re.I),
    re.compile(r"\b(?:remains?|remained|stays?|stayed|is now|moved to|moving to|moves to) (?:at )?" + _RAG_WORD + r"\b(?! to\b)", re.I),
    re.compile(r"\(" + _RAG_WORD + r"\)", re.I),
    re.compile(r"\b(?:is|are|was|were|remains?|remained|now) " + _RAG_WORD + r"[- ]rated\b", re.I),
]
ALL = frozenset({"GREEN", "AMBER", "RED"})
_NEG = r"(?:did not|didn't|does not|doesn't|has not|hasn't|have not|not|failed to|fails to|failing to|yet to|never)"
# (pattern, claimed set, polarity it applies to or None for any)
_PHRASES: list[tuple[re.Pattern, frozenset, str | None]] = [
    (re.compile(_NEG + r" (?:\w+ )?(?:meet|met|meeting|achieve|achieved|achieving|reach|reached|reaching) (?:its |the |their )?(?:expected )?floor(?: standard)?", re.I), frozenset({"RED"}), None),
    (re.compile(r"\b(?:missed|missing|misses) (?:its |the )?(?:expected )?floor(?: standard)?", re.I), frozenset({"RED"}), None),
    (re.compile(r"\bbelow (?:its |the |their )?(?:expected )?floor(?: standard)?", re.I), frozenset({"RED"}), "higher"),
    (re.compile(r"\babove (?:its |the |their )?(?:expected )?floor(?: standard)?", re.I), frozenset({"RED"}), "lower"),
    (re.compile(_NEG + r" (?:\w+ )?(?:meet|met|meeting|achieve|achieved|achieving|reach|reached|reaching|hit) (?:its |the |their )?target", re.I), frozenset({"AMBER", "RED"}), None),
    (re.compile(r"\b(?:narrowly |just )?(?:missed|missing|misses|short of) (?:its |the |their )?target", re.I), frozenset({"AMBER", "RED"}), None),
    (re.compile(r"\bbelow (?:its |the |their )?(?:\d[\d.,]*%? )?target", re.I), frozenset({"AMBER", "RED"}), "higher"),
    (re.compile(r"\babove (?:its |the |their )?(?:\d[\d.,]*%? )?target", re.I), frozenset({"AMBER", "RED"}), "lower"),
    (re.compile(r"\b(?:meets|met|meeting|achieves|achieved|achieving|reached|reaches|exceeded|exceeds|exceeding|outperform(?:s|ed|ing)?|hit|hits) (?:or exceeded |or exceeding )?(?:its |the |their )?(?:\w+ )?(?:set )?target", re.I), frozenset({"GREEN"}), None),
    (re.compile(r"\b(?:on|ahead of) target", re.I), frozenset({"GREEN"}), None),
    (re.compile(r"\bwithin (?:its |the )?target range", re.I), frozenset({"GREEN"}), "range"),
    (re.compile(r"\boutside (?:its |the )?target range", re.I), frozenset({"AMBER", "RED"}), "range"),
    (re.compile(r"\babove (?:its |the |their )?target", re.I), frozenset({"GREEN"}), "higher"),
    (re.compile(r"\bbelow (?:its |the |their )?target", re.I), frozenset({"GREEN"}), "lower"),
    (re.compile(r"\b(?:meets|met|meeting|achieves|achieved|achieving|reached|reaches|exceeded|exceeds|exceeding) (?:or exceeded |or exceeding )?(?:its |the |their )?(?:expected )?floor(?: standard)?", re.I), frozenset({"GREEN", "AMBER"}), None),
    (re.compile(r"\babove (?:its |the |their )?(?:expected )?floor(?: standard)?", re.I), frozenset({"GREEN", "AMBER"}), "higher"),
    (re.compile(r"\bbelow (?:its |the |their )?(?:expected )?floor(?: standard)?", re.I), frozenset({"GREEN", "AMBER"}), "lower"),
]
# words that put a claim in another time: the RAG phrases of such a sentence are not checked
_OTHER_TIME = re.compile(
    r"\b(?:previous(?:ly)?|last (?:quarter|year|month)|prior|same (?:quarter|period)|earlier|before|"
    r"used to|had been|will|would|expected|expect|forecast|aim|aims|plan|planned|"
    r"projected|anticipated|should|could|may|might|if|unless|next|for a long period|having)\b", re.I)


def _rag_claims(sentence: str, polarity: str) -> list[tuple[frozenset, str]]:
    """(allowed RAG set, matched phrase) for each claim in the sentence."""
    claims = []
    text = sentence
    for m in _FROM_TO.finditer(text):
        claims.append((frozenset({m.group(2).upper()}), m.group(0)))
    text = _FROM_TO.sub(" ", text)
    if _OTHER_TIME.search(sentence):
        return claims  # only "from Red to Amber": the rest may be about another time
    for pattern in _RAG_EXPLICIT:
        for m in pattern.finditer(text):
            claims.append((frozenset({m.group(1).upper()}), m.group(0)))
        text = pattern.sub(" ", text)
    for pattern, allowed, only in _PHRASES:
        if only is not None and only != polarity:
            continue
        for m in pattern.finditer(text):
            claims.append((allowed, m.group(0)))
        text = pattern.sub(" ", text)  # a negated phrase is not read again as a positive one
    return claims


def _check_rag(sentence: str, kpi: KpiFacts) -> Finding | None:
    if kpi.rag not in ALL:
        return None
    claims = _rag_claims(sentence, kpi.polarity)
    if not claims:
        return None
    allowed = ALL
    for a, _ in claims:
        allowed = allowed & a
    if not allowed:
        return None  # the sentence says two things (a change of rating): not clearly wrong
    if kpi.rag in allowed:
        return None
    phrase = next(p for a, p in claims if kpi.rag not in a)
    return Finding("rag", sentence, f'"{phrase}" contradicts the computed RAG rating: {kpi.name} is rated '
                   f"{Rag(kpi.rag).label}", kpi.code or kpi.name)


# --- movement -----------------------------------------------------------------------------
_UP = r"(?:increased|increasing|rose|risen|went up|gone up|grew|grown)"
_DOWN = r"(?:decreased|decreasing|dropped|fell|fallen|reduced|declined|went down|gone down|dipped)"
_GOOD = r"(?:improved)"
_BAD = r"(?:worsened|deteriorated)"
_MOVE = re.compile(r"\b(" + "|".join((_UP, _DOWN, _GOOD, _BAD)) + r")\b", re.I)
_MOVE_NEG = re.compile(r"\b(?:not|n't|no longer|never|nor|yet to)\s+(?:\w+\s+)?$", re.I)
_MOVE_SUBJECT = re.compile(r"\b(?:target|floor(?: standard)?|thresholds?|benchmark|national|england|average)s?\s+(?:\w+\s+){0,4}$", re.I)
_MOVE_OTHER_TIME = re.compile(
    r"\b(?:last year|previous year|same (?:quarter|period)|year on year|year-on-year|12 months|twelve months|"
    r"since|over the (?:last|past|year)|compared to|compared with|than|will|would|expected|expect|forecast|"
    r"if|should|could|may|might|previously|had|before|last month|in (?:the )?(?:first|second|third|fourth) quarter)\b", re.I)


def _check_movement(sentence: str, kpi: KpiFacts) -> Finding | None:
    if kpi.value is None or kpi.previous is None:
        return None
    if displayed(kpi.value, kpi.decimals) == displayed(kpi.previous, kpi.decimals):
        return None  # "the same" at display precision: a small move either way is not clearly wrong
    if _MOVE_OTHER_TIME.search(sentence):
        return None
    up = kpi.value > kpi.previous
    better = None if kpi.polarity == "range" else (up if kpi.polarity == "higher" else not up)
    claims = []
    for m in _MOVE.finditer(sentence):
        before = sentence[: m.start()]
        if _MOVE_NEG.search(before) or _MOVE_SUBJECT.search(before):
            return None
        word = m.group(1).lower()
        if re.fullmatch(_UP, word):
            claims.append(("up", word))
        elif re.fullmatch(_DOWN, word):
            claims.append(("down", word))
        elif re.fullmatch(_GOOD, word):
            claims.append(("better", word))
        else:
            claims.append(("worse", word))
    if not claims:
        return None
    kinds = {k for k, _ in claims}
    if {"up", "down"} <= kinds or {"better", "worse"} <= kinds:
        return None
    shown = f"{_fmt(kpi.previous, kpi)} to {_fmt(kpi.value, kpi)}"
    for kind, word in claims:
        if kind == "up" and not up or kind == "down" and up:
            return Finding("movement", sentence, f'"{word}" contradicts the data: {kpi.name} '
                           f"{'rose' if up else 'fell'} from {shown}", kpi.code or kpi.name)
        if kind in ("better", "worse") and better is not None and (kind == "better") != better:
            return Finding("movement", sentence, f'"{word}" contradicts the data: {kpi.name} moved from {shown}, '
                           f"which is {'better' if better else 'worse'} performance ({kpi.polarity} is better)"
                           if kpi.polarity != "higher" else
                           f'"{word}" contradicts the data: {kpi.name} moved from {shown}, which is '
                           f"{'better' if better else 'worse'} performance", kpi.code or kpi.name)
    return None


def _fmt(v: float, kpi: KpiFacts) -> str:
    text = format_number(v, kpi.decimals)
    return text + "%" if kpi.unit == "percent" else text


# --- trend --------------------------------------------------------------------------------
_TREND = re.compile(
    r"\b(?:(positive|improving|upward|negative|worsening|declining|downward|deteriorating)\s+trend|"
    r"trend\s+(?:remains|is|was|continues to be|has been|stays)\s+(positive|negative|upward|downward)|"
    r"(no clear)\s+trend)\b", re.I)
_TREND_NEG = re.compile(r"\b(?:not|no longer|never|n't|without|rather than|instead of)\b(?:\s+\w+){0,4}\s*$", re.I)


def _check_trend(sentence: str, kpi: KpiFacts) -> Finding | None:
    if kpi.dot not in ("improving", "stable", "worsening"):
        return None
    claims = set()
    for m in _TREND.finditer(sentence):
        if _TREND_NEG.search(sentence[: m.start()]):
            return None
        word = (m.group(1) or m.group(2) or m.group(3)).lower()
        if word in ("positive", "improving"):
            claims.add("improving")
        elif word in ("negative", "worsening", "declining", "deteriorating"):
            claims.add("worsening")
        elif word == "no clear":
            claims.add("stable")
        elif kpi.polarity in ("higher", "lower"):  # upward / downward: the number, so polarity applies
            good = "upward" if kpi.polarity == "higher" else "downward"
            claims.add("improving" if word == good else "worsening")
    if len(claims) != 1:
        return None
    claim = claims.pop()
    if claim == kpi.dot:
        return None
    return Finding("trend", sentence, f"the sentence says the trend is {DOT_NAMES[Dot(claim)]}, but the direction of "
                   f"travel of {kpi.name} is {DOT_NAMES[Dot(kpi.dot)]}", kpi.code or kpi.name)


# --- quoted values and percentage points ----------------------------------------------------
_VALUE = re.compile(
    r"\b(?P<lead>at|to|of|was|is|remains at|remained at|stands at|stood at)\s+(?P<n>\d[\d,]*(?:\.\d+)?)(?P<pct>\s?%|\s?per ?cent)?",
    re.I)
_VALUE_SKIP_BEFORE = re.compile(
    r"\b(?:compared|compares|comparison|close|equal|up|relative|similar|target|floor(?: standard)?|national|"
    r"england|average|benchmark|from|between|and|range|neighbours?|threshold|expected|expectation)(?:\s+\w+){0,2}\s+(?:at|to|of|was|is)$",
    re.I)
_VALUE_SKIP_AFTER = re.compile(r"^\s*(?:target|floor|threshold|percentage points?|pp\b|points?|in (?:june|march|december|september)|"
                               r"(?:last|the previous|the same)|nationally|for england)", re.I)
_BENCHMARK = re.compile(r"\b(?:national|england|average|benchmark|statistical neighbours?|south east|nationally|last year|"
                        r"previous(?:ly)?|last quarter|same quarter|before)\b", re.I)
_NUMBER_END = re.compile(r"^\s*(?:[.,;:)(]|$|(?:in|for|this|during|and|but|which|with|against)\b)", re.I)


def _check_value(sentence: str, kpi: KpiFacts) -> Finding | None:
    if kpi.value is None or kpi.unit not in ("percent", "number", "days", "count", "rate", "ratio", "currency", "tonnes"):
        return None
    if _BENCHMARK.search(sentence):
        return None
    for m in _VALUE.finditer(sentence):
        if m.group("lead").lower() not in ("at", "to", "remains at", "remained at", "stands at", "stood at"):
            continue
        before = sentence[: m.end("lead")]
        after = sentence[m.end():]
        if _VALUE_SKIP_BEFORE.search(before) or _VALUE_SKIP_AFTER.match(after):
            continue
        is_pct = bool(m.group("pct"))
        if is_pct != (kpi.unit == "percent"):
            continue
        if not is_pct and not _NUMBER_END.match(after) and not (kpi.unit == "days" and re.match(r"^\s*days\b", after)):
            continue  # "at 5 schools": a count of something else
        text = m.group("n").replace(",", "")
        try:
            n = float(text)
        except ValueError:
            continue
        d = _decimals_of(text)
        known = [kpi.value, kpi.previous, kpi.target, kpi.floor, *kpi.thresholds]
        if any(v is not None and (displayed(v, d) == n or displayed(v, kpi.decimals) == n) for v in known):
            continue
        return Finding("value", sentence, f'"{m.group(0).strip()}" differs from the stored value of {kpi.name}: '
                       f"{_fmt(kpi.value, kpi)} at display precision", kpi.code or kpi.name)
    return None


_PCT_MOVE = re.compile(
    r"(?:\b(?:increased|decreased|rose|fell|dropped|reduced|improved|worsened|declined|grew|changed|up|down)\s+by\s+"
    r"(?:just\s+|only\s+|around\s+|about\s+|almost\s+|nearly\s+)?(?P<a>\d+(?:\.\d+)?)\s?%)|"
    r"(?:\b(?P<b>\d+(?:\.\d+)?)\s?%\s+(?:change|increase|decrease|rise|fall|drop|reduction|improvement|decline|"
    r"movement|deterioration))", re.I)


def _check_percentage_points(sentence: str, kpi: KpiFacts) -> Finding | None:
    if kpi.unit != "percent":
        return None
    m = _PCT_MOVE.search(sentence)
    if m is None:
        return None
    n = m.group("a") or m.group("b")
    message = (f'"{m.group(0).strip()}": {kpi.name} is a percentage, so its movement is in percentage points '
               f'("{n} percentage points"), not "%"')
    if kpi.value is not None and kpi.previous is not None:
        diff = abs(kpi.value - kpi.previous)
        message += f"; it moved {format_number(diff, max(kpi.decimals, 1))} percentage points"
    return Finding("percentage_points", sentence, message, kpi.code or kpi.name)


# --- counts -------------------------------------------------------------------------------
_COUNT = re.compile(
    r"\b(?P<n>" + _NUM + r")\s+(?:out\s+)?of\s+(?:the\s+|all\s+|its\s+|their\s+)?(?P<m>" + _NUM + r")\s+"
    r"(?P<what>(?:[A-Z][\w'&-]*\s+){0,4}(?:key performance )?(?:KPIs|indicators|measures|performance indicators))\b", re.I)
_COUNT_PREDICATES = [
    (re.compile(r"\b(?:rag )?rated (?:as )?green|met (?:or exceeded )?(?:their |the |its )?targets?|meeting (?:or exceeding )?(?:their |the )?targets?|"
                r"achieved (?:their |the )?targets?|achieving (?:their |the )?targets?|on or ahead of target|exceeded (?:their |the )?targets?", re.I), "green"),
    (re.compile(r"\b(?:rag )?rated (?:as )?amber\b", re.I), "amber"),
    (re.compile(r"\b(?:rag )?rated (?:as )?red\b|did not (?:meet|achieve) (?:the |their )?floor", re.I), "red"),
    (re.compile(r"\b(?:improving|positive) trend|\bare improving\b", re.I), "improving"),
    (re.compile(r"\b(?:worsening|negative|declining) trend|\bare worsening\b", re.I), "worsening"),
    (re.compile(r"\bno clear trend|\bare stable\b", re.I), "stable"),
]
_COUNT_OTHER_TIME = re.compile(r"\b(?:last|previous|previously|prior|in (?:june|march|december|september)|was|were)\b", re.I)
_COUNT_NAMES = {"green": "met target (Green)", "amber": "are rated Amber", "red": "are rated Red",
                "improving": "show an improving trend", "stable": "are stable or show no clear trend",
                "worsening": "show a worsening trend"}


def _check_counts(sentence: str, counts: Counts | None, block: str) -> list[Finding]:
    if not counts or not counts.kpis:
        return []
    out = []
    for m in _COUNT.finditer(sentence):
        n, total = _as_int(m.group("n")), _as_int(m.group("m"))
        if n is None or total is None or n > total:
            continue
        where = f" in {block}" if block else ""
        if total != counts.kpis:
            out.append(Finding("count", sentence, f'"{m.group(0)}": there are {counts.kpis} KPIs{where}, not {total}'))
            continue
        rest = sentence[m.end(): m.end() + 80]
        if _COUNT_OTHER_TIME.search(sentence[: m.start()]) or re.match(r"^\s*(?:were|was|had)\b", rest, re.I):
            continue
        for pattern, key in _COUNT_PREDICATES:
            p = pattern.search(rest)
            if p and p.start() <= 40 and not re.search(r"\b(?:not|n't)\b", rest[: p.start()]):
                if getattr(counts, key) != n:
                    out.append(Finding("count", sentence, f'"{m.group(0)} … {p.group(0)}": {getattr(counts, key)} of the '
                                       f"{counts.kpis} KPIs{where} {_COUNT_NAMES[key]}, not {n}"))
                break
    return out


# --- dates --------------------------------------------------------------------------------
_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_MONTH_RE = r"(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")"
_MONTH_YEAR = re.compile(r"\b" + _MONTH_RE + r"\.?(?:\s+|-|\s*')(?P<y>\d{4}|\d{2})(?![\d,.:/]\d)\b", re.I)
_QUARTER_FY = re.compile(r"\b(?:Quarter\s+|Q)(?P<q>[1-4]),?\s+(?:of\s+)?(?P<fy>\d{4})\s*[/-]\s*(?P<fy2>\d{2}|\d{4})\b", re.I)
_ROLLING = re.compile(
    r"\b(?:(?:rolling\s+)?(?:12|twelve)\s+months?|year|yr)\s+(?:to|ending(?:\s+in)?|up\s+to)\s+(?:the\s+end\s+of\s+)?"
    + _MONTH_RE + r"\.?(?:\s+|-|\s*')(?P<y>\d{4}|\d{2})\b", re.I)
_FUTURE = re.compile(
    r"\b(?:by|until|till|before|from|next|will|would|expected|expects?|forecasts?|forecasted|planned|plans?|"
    r"projected|anticipated|due|aims?|aiming|intends?|target(?:ed)? date|deadline|upcoming|forthcoming|scheduled|"
    r"should|could|may|might|new target)\b", re.I)
_COMPARE = re.compile(r"\b(?:compared|than|versus|vs|previous|last year|same period|same time|against)\b", re.I)


def _year(y: str) -> int:
    return int(y) if len(y) == 4 else 2000 + int(y)


def _check_dates(sentence: str, period_end: date | None) -> list[Finding]:
    if period_end is None:
        return []
    out = []
    if not _FUTURE.search(sentence):
        for m in _MONTH_YEAR.finditer(sentence):
            month, year = _MONTHS[m.group("mon").lower()], _year(m.group("y"))
            if m.group("mon").lower() == "may" and len(m.group("y")) == 2:
                continue  # "may 22" could be a verb and a number
            if (year, month) > (period_end.year, period_end.month):
                out.append(Finding("date", sentence, f'"{m.group(0)}" is after the end of the report period '
                                   f"({calendar.month_name[period_end.month]} {period_end.year})"))
        for m in _QUARTER_FY.finditer(sentence):
            start = int(m.group("fy"))
            q = int(m.group("q"))
            # the quarter's last month
            month = (3 + 3 * q - 1) % 12 + 1
            year = start if q < 4 else start + 1
            if (year, month) > (period_end.year, period_end.month):
                out.append(Finding("date", sentence, f'"{m.group(0)}" is after the report period, which ends '
                                   f"{calendar.month_name[period_end.month]} {period_end.year}"))
    rolling = list(_ROLLING.finditer(sentence))
    if len(rolling) == 1 and not _COMPARE.search(sentence):
        m = rolling[0]
        month, year = _MONTHS[m.group("mon").lower()], _year(m.group("y"))
        if month == period_end.month and year == period_end.year - 1:
            out.append(Finding("rolling_period", sentence, f'"{m.group(0)}" names the previous year: the rolling '
                               f"period of this report ends {calendar.month_name[period_end.month]} {period_end.year}"))
    return out


# --- the whole text -----------------------------------------------------------------------
_GROUP = re.compile(r"\b(?:KPIs|indicators|measures)\b", re.I)
# a sentence naming no KPI is about the attached KPI only when its subject says so ("It", "This",
# "Performance", "The indicator" ...): "Complaints received increased by 31%" in a row on the
# complaints-in-timescale KPI is about the number of complaints, not the KPI
_ABOUT_ATTACHED = re.compile(
    r"^(?:[^,]{0,60},\s*)?[\"'“(]?(?:it|this|performance|the (?:kpi|indicator|measure|figure|rate|percentage|proportion|"
    r"result|value|performance|latest (?:figure|result|value))|results?)\b|\b(?:this|the) (?:kpi|indicator|measure)\b",
    re.I)


def _sentence_kpi(sentence: str, kpis: list[KpiFacts], attached: KpiFacts | None) -> KpiFacts | None:
    named = []
    for k in kpis:
        if any(_mentions(sentence, n) for n in k.names()):
            named.append(k)
    if attached is not None and attached not in named and any(_mentions(sentence, n) for n in attached.names()):
        named.append(attached)
    if len(named) == 1:
        return named[0]
    if named:
        return None  # two KPIs in one sentence: which claim is about which is not clear
    if attached is not None and not _GROUP.search(sentence) and _ABOUT_ATTACHED.search(sentence):
        return attached
    return None


def lint_text(
    text: str,
    kpis: list[KpiFacts],
    counts: Counts | None = None,
    period_end: date | None = None,
    attached: KpiFacts | None = None,
    block: str = "",
    blocks: dict[str, Counts] | None = None,
) -> list[Finding]:
    """The findings of one authored text.

    ``kpis``: the KPIs the text may name; ``attached``: the KPI the commentary row is attached
    to (its sentences that name no KPI are about it); ``counts``: the counts of the text's block
    (``beacon.domain.qpr_model.Counts``) and ``block`` its name;
    ``blocks``: other blocks by name, used when a count sentence names one of them;
    ``period_end``: the last day of the report period.
    """
    findings: list[Finding] = []
    for sentence in split_sentences(text):
        kpi = _sentence_kpi(sentence, kpis, attached)
        if kpi is not None and not _COUNT.search(sentence):
            for check in (_check_rag, _check_movement, _check_trend, _check_value, _check_percentage_points):
                f = check(sentence, kpi)
                if f is not None:
                    findings.append(f)
        named_blocks = [name for name in (blocks or {}) if _mentions(sentence, name)]
        if len(named_blocks) == 1 and named_blocks[0] != block:
            findings += _check_counts(sentence, blocks[named_blocks[0]], named_blocks[0])
        elif not named_blocks or named_blocks == [block]:
            findings += _check_counts(sentence, counts, block)
        findings += _check_dates(sentence, period_end)
    return findings
