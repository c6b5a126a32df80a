"""Narrative sentences of the Quarterly Performance Report, generated from computed results
(performance spec section 5).

Pure and deterministic: every function takes the typed QPR model
(:class:`beacon.domain.qpr_model.QprModel`) or typed parts of it (a ``KpiEntry``, ``Counts``,
the rule set's ``DotRules``) and returns text. Nothing here reads a database or a clock; every
setting comes from the rule set, whose defaults are the only defaults. Published conventions:

* change clauses use number words ("four fewer than the previous Quarter"), sentence-initial
  counts use digits ("17 of the 37 ...");
* percentage changes are computed on unrounded data (spec 3.2);
* movements of percent KPIs are in percentage points, never "%";
* streaks and "for the n-th Quarter in a row" claims are made only when every quarter of the
  claim has a value in the stored history.

Every sentence has a stable key (``cover.summary.counts``, ``kpi.CS1`` ...) so a person can
override it for one period; the override lives in ``beacon.reports.models.NarrativeOverride``.
"""

from __future__ import annotations

import math

from collections.abc import Iterable

from .activity import ACTIVITY_PHRASES, ActivityPosition
from .dot import Dot
from .numbers import displayed, format_number
from .provenance import described, figure_source
from .qpr_model import Changes, Counts, KpiEntry, PeriodInfo, QprModel, SeriesPoint
from .rag import Polarity, Rag
from .rules import DotRules, SeverityRules
from .severity import SeveritySource
from .wording import (
    DOT_COUNT_WORDS,
    RAG_SEPARATOR,
    RAG_WORDING,
    change_clause,
    n_of_total,
    no_dot_reason,
    number_word,
)

__all__ = [
    "format_value",
    "percent_change",
    "movement",
    "ordinal_word",
    "comparison_phrase",
    "clause",
    "cover_sentences",
    "headline",
    "block_sentence",
    "kpi_sentence",
    "rag_transition",
    "trend_phrase",
    "streak",
    "activity_sentence",
    "volume_sentence",
    "severity_line",
    "severity_footnote",
    "kpi_no_dot_reason",
    "no_dot_phrase",
    "manual_counts",
    "manual_sentence",
    "dot_key_note",
    "rebaseline_note",
    "rebaseline_footnote",
    "rebaseline_counts_note",
]

_ORDINALS = ["zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"]


# --- numbers -------------------------------------------------------------------------------
def format_value(value: float | None, unit: str, decimals: int = 0, short: bool = False) -> str:
    """A KPI or activity value as printed: "74.8%", "23,844", "6 minutes 24 seconds".

    ``short`` gives the compact chart-label form ("6m 24s"; percentages unchanged).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if unit == "percent":
        return f"{format_number(value, decimals)}%"
    if unit == "seconds":
        total = int(displayed(value, 0))
        minutes, seconds = divmod(total, 60)
        if short:
            return f"{minutes}m {seconds:02d}s"
        parts = []
        if minutes:
            parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
        if seconds or not minutes:
            parts.append(f"{seconds} second{'s' if seconds != 1 else ''}")
        return " ".join(parts)
    if unit == "days" and not short:
        return f"{format_number(value, decimals)} days"
    return format_number(value, decimals)


def percent_change(new: float, old: float) -> float | None:
    """The change from ``old`` to ``new`` as a percentage of ``old``, unrounded (spec 3.2)."""
    if old in (None, 0) or new is None:
        return None
    return (new - old) / abs(old) * 100.0


def ordinal_word(n: int) -> str:
    return _ORDINALS[n] if 0 <= n < len(_ORDINALS) else f"{n}th"


def movement(current: float, previous: float, unit: str, decimals: int) -> str:
    """"increased by 1.9 percentage points" / "fell by 7%" / "remained the same".

    Percent KPIs move in percentage points (difference of unrounded values, shown at the
    KPI's precision); other units as a percentage change on unrounded values. "The same" is
    judged at display precision.
    """
    if displayed(current, decimals) == displayed(previous, decimals):
        return "remained the same"
    up = current > previous
    verb = "increased" if up else "decreased"
    if unit == "percent":
        diff = abs(current - previous)
        shown = format_number(diff, max(decimals, 1) if diff < 1 else decimals)
        if float(shown.replace(",", "")) == 0:
            shown = format_number(diff, decimals + 1)
        points = "percentage point" if shown in ("1", "1.0") else "percentage points"
        return f"{verb} by {shown} {points}"
    change = percent_change(current, previous)
    if change is None:  # from zero: a percentage change has no meaning
        return f"{verb} from {format_number(previous, decimals)} to {format_number(current, decimals)}"
    return f"{verb} by {format_number(abs(change), 0)}%"


# --- change clauses ------------------------------------------------------------------------
def comparison_phrase(basis: str, short: bool = False) -> str:
    if basis == "same_quarter_last_year":
        return "the same Quarter last year"
    return "last Quarter" if short else "the previous Quarter"


def clause(delta: int | None, basis: str = "previous_quarter", short: bool = False) -> str:
    """" (four fewer than the previous Quarter)" with its leading space, or "" when there is no
    comparison count."""
    if delta is None:
        return ""
    return f" ({change_clause(delta, comparison_phrase(basis, short))})"


def _delta(model: QprModel, key: str) -> int | None:
    changes = model.comparison.changes
    return getattr(changes, key) if changes else None


def _basis(model: QprModel) -> str:
    return model.comparison.basis


def _mode_wants_clause(mode: str, key: str, where: str) -> bool:
    """``counts.clauses = as_published`` drops the clauses the published reports dropped: none
    for stable anywhere, none for Amber in the Executive Summary (spec 3.10)."""
    if mode == "all":
        return True
    if key == "stable":
        return False
    return not (where == "exec" and key == "amber")


def _wants_clause(model: QprModel, key: str, where: str) -> bool:
    return _mode_wants_clause(model.rule_set.counts.clauses, key, where)


def _c(model: QprModel, key: str, where: str = "cover", short: bool = False) -> str:
    if not _wants_clause(model, key, where):
        return ""
    return clause(_delta(model, key), _basis(model), short)


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


# --- KPIs without a direction of travel ---------------------------------------------------
def kpi_no_dot_reason(kpi: KpiEntry, dot: DotRules | None = None) -> str:
    """Why the KPI has no direction of travel ("fewer than four of the last six Quarters held"),
    by the rule set's ``dot`` settings (the window length and minimum points are never constants
    here)."""
    dot = dot or DotRules()
    return no_dot_reason(kpi.dot_flags, dot.min_points, dot.window_quarters)


def no_dot_phrase(kpis: Iterable[KpiEntry], dot: DotRules | None = None) -> str:
    """The reasons of the KPIs that have no direction of travel: "fewer than four of the last six
    Quarters held", or, when they differ, each with its number ("fewer than four of the last six
    Quarters held (19); no value is recorded for this Quarter (2)")."""
    reasons: dict[str, int] = {}
    for k in kpis:
        if k.reported_dot == Dot.NOT_AVAILABLE:
            reason = kpi_no_dot_reason(k, dot)
            reasons[reason] = reasons.get(reason, 0) + 1
    if len(reasons) == 1:
        return next(iter(reasons))
    return "; ".join(f"{reason} ({n})" for reason, n in reasons.items())


def _no_dot_sentence(n: int, reason: str) -> str:
    """The sentence naming the KPIs without a direction of travel, with its leading space:
    " 21 indicators have no direction of travel: fewer than four of the last six Quarters held."
    """
    if not n:
        return ""
    text = f" {n} {_plural(n, 'indicator has', 'indicators have')} no direction of travel"
    return text + (f": {reason}." if reason else ".")


# --- manual ratings and directions of travel in count sentences ----------------------------
def manual_counts(kpis: Iterable[KpiEntry]) -> tuple[int, int, int, int]:
    """``(manual ratings, ratings, manual directions, directions)`` of a group of KPIs: how many
    of the ratings and of the reported directions of travel a count sentence counts were
    recorded by hand rather than computed from the data."""
    kpis = list(kpis)
    rated = [k for k in kpis if k.rag is not None]
    directed = [k for k in kpis if k.reported_dot != Dot.NOT_AVAILABLE]
    return (sum(k.manual_rating for k in rated), len(rated),
            sum(k.manual_dot for k in directed), len(directed))


def _counted(n: int, of: int, one: str, many: str, digits: bool) -> str:
    """"All 37 directions of travel" / "12 of the 37 directions of travel" / "Both ratings"."""
    return _cap(n_of_total(n, of, one, many, words=not digits))


def manual_sentence(kpis: Iterable[KpiEntry], digits: bool = True, ratings: bool = True,
                    directions: bool = True) -> str:
    """With its leading space, what a count sentence must add when some of what it counts was
    recorded by hand: " 11 of the 37 ratings are recorded manually, where no value is held. All 37
    directions of travel are recorded manually; none could be computed from the data held." ("" when
    everything counted was computed). The reasons are in each KPI's notes."""
    m_rag, rated, m_dot, directed = manual_counts(kpis)
    out = ""
    if m_rag and ratings:
        subject = _counted(m_rag, rated, "rating", "ratings", digits)
        verb = "is" if m_rag == 1 else "are"
        out += f" {subject} {verb} recorded manually, where no value is held."
    if m_dot and directions:
        subject = _counted(m_dot, directed, "direction of travel", "directions of travel", digits)
        verb = "is" if m_dot == 1 else "are"
        if m_dot == directed:
            out += f" {subject} {verb} recorded manually; none could be computed from the data held."
        else:
            out += f" {subject} {verb} recorded manually, not computed."
    return out


def dot_key_note(kpis: Iterable[KpiEntry]) -> str:
    """What the Key must add to "Direction of Travel is based on regression analysis ..." when no
    direction of travel of the edition was computed ("" when at least one was)."""
    kpis = list(kpis)
    _, _, m_dot, directed = manual_counts(kpis)
    if not kpis or directed > m_dot:
        return ""
    if m_dot == len(kpis):
        return ("In this report no direction of travel could be computed: each is recorded manually, with its "
                "reason in the KPI's notes.")
    if m_dot:
        return ("In this report no direction of travel could be computed: those shown are recorded manually, "
                "with their reasons in the KPIs' notes; the others are not available.")
    return "In this report no direction of travel could be computed: each is shown as not available."


def _manual_of(kpis: Iterable[KpiEntry], rag: Rag) -> str:
    """", including 4 rated manually where no value is held" for a cover count of one RAG."""
    n = sum(1 for k in kpis if k.rag == rag and k.manual_rating)
    return f", including {n} rated manually where no value is held" if n else ""


# --- cover report and Key page (spec 5.1) --------------------------------------------------
def cover_sentences(model: QprModel, body: str) -> dict[str, str]:
    """The generated sentences of the cover report, by key. ``body`` is the committee the paper
    goes to, from the paper's settings ("Cabinet"; at year end usually "County Council")."""
    period = model.period
    totals = model.totals
    n = totals.kpis
    wording = RAG_WORDING[model.rule_set.rag.wording]
    dot = model.rule_set.dot
    q = f"Quarter {period.quarter}, {period.financial_year}"
    year_end = period.is_year_end
    prior = model.comparison.totals
    prior_n = sum(getattr(prior, k) or 0 for k in ("green", "amber", "red")) if prior else 0
    kpi_change = ""
    if year_end and prior_n and prior_n != n:
        diff = n - prior_n
        kpi_change = (f", {number_word(abs(diff))} {'more' if diff > 0 else 'fewer'} than the previous year when "
                      f"there were {prior_n}")
    if year_end:
        compared = f", compared with {comparison_phrase(_basis(model))}" if prior_n else ""
        presents = (f"This year-end report presents performance to the end of {period.data_to_label} ({q}), "
                    f"the end of the financial year{compared}.")
        recommendation = f"{body} is asked to NOTE the year-end Quarterly Performance Report for {period.financial_year}."
    else:
        presents = f"This report presents performance to the end of {period.data_to_label} ({q})."
        recommendation = f"{body} is asked to NOTE the Quarter {period.quarter} Performance Report."
    counts = (
        f"Of the {n} Key Performance Indicators (KPIs) contained within the QPR, {totals.green} achieved "
        f"target (Green), {totals.amber} achieved and exceeded the floor standard but did not meet target "
        f"(Amber). {totals.red} {_plural(totals.red, 'KPI', 'KPIs')} did not meet the floor standard (Red)."
    )
    counts += manual_sentence(model.kpis, directions=False)
    if year_end and prior_n:
        counts += (f" In {comparison_phrase(_basis(model))}, {prior.green or 0} of the {prior_n} KPIs were "
                   f"Green, {prior.amber or 0} Amber and {prior.red or 0} Red.")
    out = {
        "cover.summary.purpose": (
            f"The purpose of the Quarterly Performance Report (QPR) is to inform {body} about key areas of "
            f"performance for the authority. {presents}"
        ),
        "cover.summary.counts": counts,
        "cover.recommendation": recommendation,
        "cover.1.1": (
            "The Quarterly Performance Report (QPR) is a key mechanism within the Performance Management "
            f"Framework for the Council. The report summary for {q} is attached at Appendix 1, and includes "
            f"data up to the end of {period.data_to_label}."
        ),
        "cover.1.2": (
            f"The QPR includes {n} Key Performance Indicators (KPIs){kpi_change}, where results are assessed "
            "against Targets set at the start of the financial year."
            if kpi_change else
            f"The QPR includes {n} Key Performance Indicators (KPIs) where results are assessed against Targets "
            "set at the start of the financial year."
        ),
        "cover.2.1": "Results for KPIs compared to Target are assessed using a Red/Amber/Green (RAG) status.",
        "cover.2.2": f"Of the {n} KPIs included in the report, the latest RAG status are as follows:",
    }
    for rag in Rag:
        key = rag.value.lower()
        change = _c(model, key)
        if change and year_end and prior_n:
            # "(two more than the same Quarter last year when 15 of the 36 indicators were Green)"
            change = change[:-1] + f" when {getattr(prior, key)} of the {prior_n} indicators were {rag.label})"
        out[f"cover.2.2.{key}"] = (
            f"{getattr(totals, key)} {_plural(getattr(totals, key), 'is', 'are')} rated {rag.label}{RAG_SEPARATOR}"
            f"{wording[rag.value]['cover']}{change}{_manual_of(model.kpis, rag)}."
        )
    reds = totals.red
    out["cover.2.3"] = (
        f"The {reds} {_plural(reds, 'indicator', 'indicators')} where the RAG rating is Red, "
        f"{_plural(reds, 'is', 'are')} in:"
        if reds
        else "No indicator is rated Red this Quarter."
    )
    i, s, w = totals.improving, totals.stable, totals.worsening
    no_dot = _no_dot_sentence(totals.not_available, no_dot_phrase(model.kpis, dot))
    if dot.method == "previous_period":
        # the 2016 cover: "Net Direction of Travel was positive with 22 indicators improving, 5 with
        # no change 11 showing a fall in performance" (with the "and" the published text lost)
        net = "positive" if i > w else ("negative" if w > i else "neutral")
        out["cover.2.4"] = (
            f"Net Direction of Travel was {net} with {i} {_plural(i, 'indicator', 'indicators')} improving"
            f"{_c(model, 'improving')}, {s} with no change{_c(model, 'stable')} and {w} showing a fall in "
            f"performance{_c(model, 'worsening')}.{no_dot}{manual_sentence(model.kpis, ratings=False)}"
        )
    else:
        window = dot.window_quarters
        trend = f", which identifies any significant trend over the past {window} quarters," if year_end else ","
        out["cover.2.4"] = (
            f"With regards to Direction of Travel{trend} {i} "
            f"{_plural(i, 'indicator shows', 'indicators show')} a positive trend{_c(model, 'improving')}, "
            f"{s} {_plural(s, 'is', 'are')} stable or with no clear trend{_c(model, 'stable')}, "
            f"and {w} {_plural(w, 'is', 'are')} showing a negative trend{_c(model, 'worsening')}.{no_dot}"
            f"{manual_sentence(model.kpis, ratings=False)}"
        )
    out["key.intro"] = (
        f"This report includes {n} Key Performance Indicators (KPIs), where progress is assessed against "
        "Targets which are set at the start of the financial year. Progress against Target is assessed by "
        "RAG (Red/Amber/Green) ratings."
    )
    return out


# --- Executive Summary headline (spec 5.2) -------------------------------------------------
def headline(model: QprModel) -> str:
    t = model.totals
    n = t.kpis
    dot = model.rule_set.dot
    words = DOT_COUNT_WORDS[dot.method]
    i, w = t.improving, t.worsening
    parts = [
        f"{t.green} of the {n} indicators {_plural(t.green, 'is', 'are')} rated as Green, on or ahead of target"
        f"{_c(model, 'green', 'exec', short=True)}.",
        f"{t.amber} {_plural(t.amber, 'indicator', 'indicators')} reached or exceeded the floor standard and "
        f"{_plural(t.amber, 'is', 'are')} rated Amber{_c(model, 'amber', 'exec', short=True)}, with {t.red} {_plural(t.red, 'indicator', 'indicators')} "
        f"not achieving the floor standard and so RAG rated Red{_c(model, 'red', 'exec', short=True)}.",
        f"{i} {_plural(i, *words['headline_improving'])}{_c(model, 'improving', 'exec', short=True)}, "
        f"with {w} {_plural(w, *words['headline_worsening'])}{_c(model, 'worsening', 'exec', short=True)}.",
    ]
    no_dot = _no_dot_sentence(t.not_available, no_dot_phrase(model.kpis, dot))
    return " ".join(parts) + no_dot + manual_sentence(model.kpis)


# --- directorate and sub-area blocks (spec 5.3 "block count") ------------------------------
def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def block_sentence(name: str, counts: Counts, changes: Changes | None = None, basis: str = "previous_quarter",
                   clauses: str = "all", method: str = "trend", no_dot: str = "", manual: str = "") -> str:
    """"Customer Services – One of the three KPIs is rated Amber and two are rated Red. All
    three are stable or show no clear trend." Counts by number word, never a wrong total.

    ``changes`` (the block's counts minus its comparison counts, when the comparison holds
    them) add change clauses: "Four of the six KPIs met or exceeded target (one more than last
    Quarter)". ``no_dot`` says why KPIs have no direction of travel; they are never counted
    as stable. ``manual`` (:func:`manual_sentence`) is added after the counts: it says which of
    the ratings and directions of travel counted were recorded by hand."""

    def c(key: str) -> str:
        if not changes or not _mode_wants_clause(clauses, key, "block"):
            return ""
        return clause(getattr(changes, key), basis, short=True)

    n = counts.kpis
    total = number_word(n)
    g, a, r = counts.green, counts.amber, counts.red
    all_of = "The KPI" if n == 1 else ("Both KPIs" if n == 2 else f"All {total} KPIs")
    if g == n:
        rag = f"{all_of} met or exceeded target{c('green')}"
    elif g:
        rag = f"{_cap(number_word(g))} of the {total} KPIs met or exceeded target{c('green')}"
    else:
        rag = ("The KPI did not meet target" if n == 1 else (
            "Neither KPI met target" if n == 2 else f"None of the {total} KPIs met target")) + c("green")
    def some(k: int) -> str:
        """The count as the sentence's subject: every KPI of the block is "it", "both" or "all
        three", never "two" of two."""
        if k == n:
            return "it" if n == 1 else ("both" if n == 2 else f"all {total}")
        return number_word(k)

    rest = []
    if a:
        rest.append(f"{some(a)} {_plural(a, 'is', 'are')} rated Amber{c('amber')}")
    if r:
        rest.append(f"{some(r)} {_plural(r, 'is', 'are')} rated Red{c('red')}")
    unrated = counts.not_rated
    if unrated == n:  # "all three are not rated" reads as "not all"
        rest.append("it is not rated" if n == 1 else ("neither is rated" if n == 2 else "none is rated"))
    elif unrated:
        rest.append(f"{number_word(unrated)} {_plural(unrated, 'is', 'are')} not rated")
    if rest:
        rag += (", " if g else "; ") + " and ".join(rest)
    rag += "."
    words = DOT_COUNT_WORDS.get(method, DOT_COUNT_WORDS["trend"])
    i, s, w = counts.improving, counts.stable, counts.worsening
    na = counts.not_available
    why = f" ({no_dot})" if no_dot else ""
    if s == n:
        dot = (f"It {words['stable'][0]}{c('stable')}." if n == 1 else
               f"{'Both' if n == 2 else f'All {total}'} {words['stable'][1]}{c('stable')}.")
    elif na == n:
        dot = (f"It has no direction of travel{why}." if n == 1 else
               f"{'Neither has' if n == 2 else f'None of the {total} has'} a direction of travel{why}.")
    else:
        bits = []
        if i:
            bits.append(f"{number_word(i)} {_plural(i, *words['improving'])}{c('improving')}")
        if w:
            bits.append(f"{number_word(w)} {_plural(w, *words['worsening'])}{c('worsening')}")
        if s:
            bits.append(f"{number_word(s)} {_plural(s, *words['stable'])}{c('stable')}")
        if na:
            bits.append(f"{number_word(na)} {_plural(na, 'has', 'have')} no direction of travel{why}")
        if not bits:
            return f"{name} – {rag}{manual}"
        dot = _cap(", ".join(bits[:-1]) + (" and " if len(bits) > 1 else "") + bits[-1]) + "."
    return f"{name} – {rag} {dot}{manual}"


# --- the year-end severity footnote (spec 3.4, 5.4) ----------------------------------------
def severity_footnote(rules: SeverityRules | None = None) -> str:
    """The definition of the severity bands, from the rule set's ``severity`` section: the
    published footnote under the default bands ("Well below floor standard defined as over 10%
    ..."), with the bands and the base of the percentage the rule set measures with (the floor
    standard, or the value, per ``severity.relative_to``)."""
    rules = rules or SeverityRules()
    well, moderately = f"{float(rules.well_below_over):g}", f"{float(rules.moderately_from):g}"
    of = "of value" if rules.relative_to == "value" else "of the floor standard"
    return (
        f"Well below floor standard defined as over {well}% {of} or over {well} percentage points below. "
        f"Moderately below is between {moderately}% - {well}%, or {moderately} to {well} percentage points below "
        f"floor standard. Slightly below is less than {moderately}% {of} or less than {moderately} percentage "
        "points below."
    )


# --- KPI sentences (spec 5.3) -------------------------------------------------------------
def rag_transition(previous: Rag | None, current: Rag | None) -> str:
    """"moving from a RAG rating of Red to Amber" / "and remains at Amber" / "" (no previous)."""
    if not previous or not current:
        return ""
    previous, current = Rag(previous), Rag(current)
    if previous == current:
        return f"and remains at {current.label}" if current != Rag.RED else "and so remains RAG rated Red"
    return f"moving from a RAG rating of {previous.label} to {current.label}"


def missed_target_phrase(polarity: str) -> str:
    """Where a KPI that has not met its target stands, by polarity: "below target" (higher is
    better), "above target" (lower is better), "outside the target range" (range)."""
    return {"lower": "above target", "range": "outside the target range"}.get(polarity, "below target")


def trend_phrase(rag: str | None, dot: str | None, polarity: str = "higher") -> str:
    """The trend clause from the direction of travel ("is below target but remains on a positive
    trend"), polarity-aware: a lower-is-better KPI that missed its target is above it."""
    if dot == "improving":
        if rag == "GREEN":
            return "is on a positive trend"
        return f"is {missed_target_phrase(polarity)} but is on a positive trend"
    if dot == "worsening":
        return "remains on target but is on a declining trend" if rag == "GREEN" else "is on a negative trend"
    if dot == "stable":
        return "shows no clear trend"
    return ""


def streak(series: Iterable[SeriesPoint], polarity: Polarity | str) -> str:
    """"increased for the third Quarter in a row" when the stored history supports it.

    Counts consecutive moves in the same direction ending at the latest value; every quarter
    of the run must have a published value (a gap or an illustrative value ends the run). At
    least two moves are needed for a claim; otherwise "".
    """
    values = [None if p.illustrative else p.value for p in series]
    if len(values) < 3 or values[-1] is None:
        return ""
    moves = []
    for a, b in zip(values, values[1:]):
        if a is None or b is None:
            moves.append(None)
        else:
            moves.append((b > a) - (b < a))
    last = moves[-1]
    if not last:
        return ""
    run = 0
    for m in reversed(moves):
        if m == last:
            run += 1
        else:
            break
    if run < 2:
        return ""
    verb = "increased" if last > 0 else "decreased"
    return f"{verb} for the {ordinal_word(run)} Quarter in a row"


def _data_label(kpi: KpiEntry, period: PeriodInfo) -> str:
    """The quarter the value describes: the previous quarter for an in-arrears KPI (3.8)."""
    if kpi.in_arrears and kpi.previous_period:
        q = kpi.previous_period.split("Q")[-1]
        return f"Quarter {q} (reported one Quarter in arrears)"
    return f"Quarter {period.quarter}"


def _vs_thresholds(kpi: KpiEntry) -> str:
    """Where the value stands against its target and floor standard. A target or floor standard
    that is not published is said to be so ("above the assumed floor standard of 90%"); a floor
    standard that is not recorded is said to be so, never printed as a figure."""
    unit, dec, rag = kpi.unit, kpi.decimals, kpi.rag
    f = lambda v: format_value(v, unit, dec)  # noqa: E731
    target_word = described("target", kpi.target_source)
    if kpi.polarity == Polarity.RANGE:
        if kpi.target_low is None or kpi.target_high is None:
            return ""
        band = f"the {target_word} range of between {f(kpi.target_low)} and {f(kpi.target_high)}"
        if rag == Rag.GREEN:
            return f"within {band}"
        return f"outside {band}"
    target, floor = kpi.target, kpi.floor
    lower = kpi.polarity == Polarity.LOWER
    if target is None:
        return ""
    if rag == Rag.GREEN:
        shown = kpi.value_displayed
        if shown is not None and shown == displayed(target, dec):
            return f"on target at {f(target)}" if target_word == "target" else f"on the {target_word} of {f(target)}"
        return f"{'below' if lower else 'above'} the {target_word} of {f(target)}" if shown is not None else f"meeting the {target_word} of {f(target)}"
    missed = f"{'above' if lower else 'below'} the {target_word} of {f(target)}"
    if floor is None:
        return f"{missed}, with no floor standard recorded" if rag in ("AMBER", "RED") else ""
    floor_word = described("floor standard", kpi.floor_source)
    if rag == Rag.AMBER:
        on_floor = kpi.value_displayed is not None and kpi.value_displayed == displayed(floor, dec)
        relation = "meeting" if on_floor else ("within" if lower else "above")
        return f"{missed} but {relation} the {floor_word} of {f(floor)}"
    if rag == Rag.RED:
        # "the" again when either is described, so that a description cannot be read across both
        the = "the " if (target_word, floor_word) != ("target", "floor standard") else ""
        return f"{missed} and {the}{floor_word} of {f(floor)}"
    return ""


def kpi_sentence(kpi: KpiEntry, period: PeriodInfo, method: str = "trend", dot: DotRules | None = None) -> str:
    """One or two sentences on a KPI from its computed result: value, position against target
    and floor with the RAG word, movement since the previous quarter (percentage points for
    percent KPIs), RAG transition, a supported streak, and the trend. ``dot`` is the rule
    set's ``dot`` section (its window length); by default the rule set's defaults."""
    name = kpi.name
    unit, dec = kpi.unit, kpi.decimals
    rag = kpi.rag
    value = kpi.value
    rag_word = Rag(rag).label if rag else "not rated"
    if value is None:
        if rag and kpi.manual_rating:
            reason = (kpi.manual_reason or "").rstrip(".")
            text = f"{name} is RAG rated {rag_word} for {_data_label(kpi, period)}"
            if reason:
                text += f" on a recorded manual rating ({reason[:1].lower() + reason[1:]})"
            text += "."
        else:
            text = f"No value is available for {name} for {_data_label(kpi, period)}, so it is not rated."
        return text + _trend_sentence(kpi, method, dot)
    v = format_value(value, unit, dec)
    where = _vs_thresholds(kpi)
    text = f"{name} was {v} in {_data_label(kpi, period)}"
    if where:
        text += f", {where}"
    text += f" (RAG rated {rag_word})"
    previous = kpi.previous
    if previous is not None:
        moved = movement(value, previous, unit, dec)
        p = format_value(previous, unit, dec)
        if moved == "remained the same":
            text += f". It remained at {v}, the same as the previous Quarter"
        else:
            text += f". It {moved} from {p} in the previous Quarter"
        transition = rag_transition(kpi.previous_rag, rag)
        if transition:
            text += f", {transition}"
    s = streak(kpi.series, kpi.polarity)
    if s:
        text += f", and has {s}"
    text += "."
    if kpi.rebaseline is not None:
        text += f" {rebaseline_note(kpi)}."
    return text + _trend_sentence(kpi, method, dot)


# --- re-baselining (docs/targets.md) ---------------------------------------------------------
def _original_thresholds_text(kpi: KpiEntry) -> str:
    """The original values that changed, as a paper names them: "target of 90%", "floor standard
    of 80%", "target range of 80% to 90%"."""
    rb = kpi.rebaseline
    f = lambda v: format_value(v, kpi.unit, kpi.decimals)  # noqa: E731
    if kpi.polarity == Polarity.RANGE:
        parts = []
        if (rb.target_low, rb.target_high) != (kpi.target_low, kpi.target_high):
            parts.append(f"target range of {f(rb.target_low)} to {f(rb.target_high)}")
        if (rb.floor_low, rb.floor_high) != (kpi.floor_low, kpi.floor_high):
            parts.append("floor standard range of " + (f"{f(rb.floor_low)} to {f(rb.floor_high)}"
                                                       if rb.floor_low is not None else "none"))
    else:
        parts = []
        if rb.target != kpi.target:
            parts.append(f"target of {f(rb.target)}")
        if rb.floor != kpi.floor:
            parts.append(f"floor standard of {f(rb.floor)}")
    return " and ".join(parts) or "target"


def rebaseline_note(kpi: KpiEntry) -> str:
    """The council's words for a re-baselined KPI: "Re-baselined: Red against the original target
    of 90%" (no full stop); "" when the KPI is not re-baselined."""
    rb = kpi.rebaseline
    if rb is None or rb.rag is None:
        return ""
    return f"Re-baselined: {Rag(rb.rag).label} against the original {_original_thresholds_text(kpi)}"


def rebaseline_footnote(kpi: KpiEntry) -> str:
    """The panel's note: the council's words, then the RAG in force and from when."""
    note = rebaseline_note(kpi)
    if not note:
        return ""
    rb = kpi.rebaseline
    since = f" from {rb.effective_from}" if rb.effective_from else " for the year"
    rated = Rag(kpi.rag).label if kpi.rag else "not rated"
    return f"{note}; rated {rated} against the target and floor standard in force{since}."


def rebaseline_counts_note(kpis: Iterable[KpiEntry]) -> str:
    """The counts table's note: the counts are of RAG against the targets in force; how many KPIs
    were re-baselined, and which. "" when none was."""
    changed = [k for k in kpis if k.rebaseline is not None and k.rebaseline.rag is not None]
    if not changed:
        return ""
    n = len(changed)
    which = "; ".join(f"{k.name} ({rebaseline_note(k).removeprefix('Re-baselined: ')})" for k in changed)
    verb = "was" if n == 1 else "were"
    return (f"The counts are of RAG ratings against the targets and floor standards in force. "
            f"{n} KPI{'' if n == 1 else 's'} {verb} re-baselined: {which}.")


def _trend_sentence(kpi: KpiEntry, method: str, dot: DotRules | None = None) -> str:
    """The trend sentence. A manual direction of travel is said to be one, never presented as a
    computed trend; "over the last six Quarters" is said only of a trend computed over that
    window (the rule set's ``dot.window_quarters``), naming how many of them have values."""
    direction = kpi.dot
    if kpi.reported_dot not in (Dot.IMPROVING, Dot.WORSENING):
        return ""
    if kpi.manual_dot:  # its reason is among the KPI's notes
        return f" Its direction of travel ({Dot(direction).label.lower()}) is recorded manually, not computed."
    if method == "previous_period":
        return ""
    window = (dot or DotRules()).window_quarters
    points = kpi.dot_evidence.points_used if kpi.dot_evidence else None
    over = f"Over the last {number_word(window)} Quarters"
    if points is not None and points < window:
        over += f" ({number_word(points)} of them with a value)"
    return f" {over} it {trend_phrase(kpi.rag, direction, kpi.polarity)}."


# --- activity indicators (spec 3.6) -------------------------------------------------------
def activity_sentence(name: str, value: float | None, unit: str, decimals: int, position: str, when: str) -> str:
    """"The latest value of Visits to the website is 2,400,000 (Quarter 2), which is above
    expectations." """
    if value is None:
        return f"No value is available for {name} for {when}."
    phrase = ACTIVITY_PHRASES[ActivityPosition(position)]
    if ActivityPosition(position) == ActivityPosition.NOT_ASSESSED:
        return f"The latest value of {name} is {format_value(value, unit, decimals)} ({when})."
    return f"The latest value of {name} is {format_value(value, unit, decimals)} ({when}), which is {phrase}."


def volume_sentence(noun: str, current: float, previous: float | None, last_year: float | None,
                    subject: str = "There were") -> str:
    """"There were 7% more calls compared to the previous Quarter but 3% fewer calls than the
    same period last year." On unrounded data; parts without data are left out."""
    parts = []
    for other, against in ((previous, "compared to the previous Quarter"), (last_year, "than the same period last year")):
        change = percent_change(current, other) if other is not None else None
        if change is None:
            continue
        shown = format_number(abs(change), 0)
        if shown == "0":
            parts.append(f"a similar number of {noun} {against.replace('than', 'to')}")
        else:
            parts.append(f"{shown}% {'more' if change > 0 else 'fewer'} {noun} {against}")
    if not parts:
        return ""
    if len(parts) == 2:
        a, b = parts
        same_way = (("more" in a) == ("more" in b))
        return f"{subject} {a} {'and' if same_way else 'but'} {b}."
    return f"{subject} {parts[0]}."


# --- year-end commentary (spec 5.4) -------------------------------------------------------
def severity_line(kpi: KpiEntry, dot_text: str, name: str | None = None) -> str:
    """"<KPI name> (<DoT>)" for the Reds-by-severity list, with what the reader must know about
    the severity: the reason of a severity set manually or of one not determined, and a floor
    standard that is not published ("– measured against an assumed floor standard of 90%").
    ``name``: the name as printed (by default the KPI's)."""
    line = f"{name or kpi.name} ({dot_text})"
    source = kpi.severity_source
    reason = (kpi.severity_reason or "").strip().rstrip(".")
    if source == SeveritySource.MANUAL:
        return f"{line} – severity set manually" + (f": {reason}" if reason else "")
    if source == SeveritySource.NOT_DETERMINED:
        return f"{line} – {reason}" if reason else line
    floor_source = figure_source(kpi.floor_source)
    if floor_source.is_published:
        return line
    unit, dec = kpi.unit, kpi.decimals
    if kpi.polarity == Polarity.RANGE:
        if kpi.floor_low is None or kpi.floor_high is None:
            return line
        low, high = format_value(kpi.floor_low, unit, dec), format_value(kpi.floor_high, unit, dec)
        floor = f"{described('floor range', floor_source)} of between {low} and {high}"
    else:
        if kpi.floor is None:
            return line
        floor = f"{described('floor standard', floor_source)} of {format_value(kpi.floor, unit, dec)}"
    article = "an" if floor[:1] in "aeiou" else "a"
    return f"{line} – measured against {article} {floor}"
