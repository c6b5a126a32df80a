"""The Quarterly Performance Report model: typed, frozen records (schema ``beacon.qpr/1``).

``beacon.reports.qpr.build_qpr`` computes a :class:`QprModel` from the stored data; every output
renders from it: the JSON report (``QprModel.to_json``), the HTML, PDF and Word documents, the
web dashboards and the API. The narrative (``beacon.domain.narrative``) and the lint
(``beacon.domain.lint``) read its parts. JSON exists only at the edges: ``to_json`` writes it,
``QprModel.from_json`` reads a published snapshot back.

Each field's documentation is written once, here (:func:`beacon.domain.records.fact`);
``docs/report-model.md`` is generated from it (``python -m beacon.reports.model_docs``).

Pure: no Django, no clock.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cached_property
from typing import Any

from .activity import ActivityPosition
from .dot import Dot
from .rag import Polarity, Rag
from .records import fact, from_plain, record, to_plain
from .risk_overview import RiskOverview
from .rules import RuleSet
from .targets import Rebaseline
from .severity import Severity, SeveritySource
from .wording import reported_dot

__all__ = [
    "SCHEMA",
    "RAG_KEYS",
    "DOT_KEYS",
    "COUNT_KEYS",
    "Variant",
    "Source",
    "PeriodInfo",
    "DotEvidence",
    "SeriesPoint",
    "KpiEntry",
    "Rebaseline",
    "Benchmark",
    "Counts",
    "ComparisonCounts",
    "Changes",
    "SubAreaBlock",
    "DirectorateBlock",
    "Comparison",
    "RedKpi",
    "RedGroup",
    "SeverityLists",
    "SupportingTable",
    "ActivityPoint",
    "ActivityEntry",
    "Commentary",
    "Check",
    "KpiDifference",
    "CountDifference",
    "CountsDifference",
    "Reconciliation",
    "LintFinding",
    "QprModel",
]

SCHEMA = "beacon.qpr/1"
RAG_KEYS = ("green", "amber", "red")
DOT_KEYS = ("improving", "stable", "worsening")
COUNT_KEYS = RAG_KEYS + DOT_KEYS
"""The six counts the papers print, in their column order."""


class Variant(StrEnum):
    QUARTERLY = "quarterly"
    YEAR_END = "year_end"


class Source(StrEnum):
    """Where a rating or a direction of travel comes from."""

    COMPUTED = "computed"
    MANUAL = "manual"


# --- the period -----------------------------------------------------------------------------
@record
class PeriodInfo:
    """The report period."""

    __json_name__ = "period"

    label: str = fact("the canonical label", default="", example="`2022/23 Q2`")
    slug: str = fact("the label in URLs and file names", default="", example="`2022-23-Q2`")
    long_label: str = fact("the label in sentences", default="", example="`Quarter 2, 2022/23`")
    financial_year: str = fact("its financial year", default="", example="`2022/23`")
    quarter: int = fact("the quarter of the financial year, 1-4", default=0, example="`2`")
    data_to: str = fact("the last day the data describes (ISO date)", default="", example="`2022-09-30`")
    data_to_label: str = fact("the month it ends, in words", default="", example="`September 2022`")
    variant: Variant = fact("`quarterly` (Q1-Q3) or `year_end` (Q4)", default=Variant.QUARTERLY)
    comparison_period: str = fact(
        "the comparison period of the change clauses: by the rule set's `comparison` settings, the previous "
        "quarter in Q1-Q3 and the same quarter last year at Q4", default="", example="`2022/23 Q1`")

    @property
    def is_year_end(self) -> bool:
        return self.variant == Variant.YEAR_END


# --- one KPI --------------------------------------------------------------------------------
@record
class DotEvidence:
    """How the direction of travel was reached."""

    __json_name__ = "dot_evidence"

    method: str = fact("`trend` or `previous_period` (the rule set's `dot.method`)", default="trend")
    slope: float | None = fact("the slope per quarter (null when none is computed or it is not finite)")
    t: float | None = fact("the t statistic; null when there is none or it is infinite (a perfect straight "
                           "line: then `p_value` is 0)")
    p_value: float | None = fact("the two-sided p-value of the slope")
    points_used: int = fact("how many observed values the trend used", default=0)
    flags: tuple[str, ...] = fact("why a direction of travel is limited or missing, e.g. `insufficient data`, "
                                  "`no previous value`", default=())


@record
class SeriesPoint:
    """One quarter of a KPI's direction-of-travel window."""

    __json_name__ = "series point"

    period: str = fact("the quarter", default="")
    value: float | None = fact("its value, or null")
    illustrative: bool = fact("an illustrative value, not a published figure", default=False)


@record
class Benchmark:
    """A KPI's comparison with other councils on the national measure it is mapped to
    (`kpis[].benchmark`; `docs/benchmarking.md`): rank, quartile and the group's median."""

    __json_name__ = "benchmark"

    measure: str = fact("the national measure's code (`benchmark_measures.csv`)", default="")
    title: str = fact("the measure's title", default="")
    source: str = fact("who publishes the measure", default="")
    unit: str = fact("the measure's unit (blank: the KPI's)", default="")
    polarity: str = fact("`higher`, `lower` or `neither` is better (decides rank 1)", default="higher")
    group: str = fact("the comparison group's code", default="")
    group_name: str = fact("the comparison group's name", default="")
    area: str = fact("the council's own area (its name)", default="")
    area_code: str = fact("its ONS GSS code", default="")
    period: str = fact("the period of the other areas' values: the latest held at or before the report period",
                       default="")
    value: float | None = fact("the council's value compared: the KPI's value for the report period")
    rank: int | None = fact("1 = best by the measure's polarity; equal values share a rank; null when the measure "
                            "is not ranked or the council has no value")
    of: int = fact("how many areas are ranked: the group's areas with a value and the council", default=0)
    quartile: int | None = fact("1 = the top quarter (fewer than a quarter of the areas do better) to 4; null with "
                                "fewer than four areas")
    median: float | None = fact("the median of the other areas' values")
    illustrative: int = fact("how many of the other areas' values are illustrative, not published figures "
                             "(always printed as such)", default=0)
    caveat: str | None = fact("present when the comparator period is not the KPI's: says so", omit_none=True)


@record
class KpiEntry:
    """One KPI of the edition (`kpis[]`)."""

    __json_name__ = "KPI"

    code: str = fact("the KPI's code", default="")
    name: str = fact("its name", default="")
    short_name: str = fact("its short name; falls back to `name`", default="")
    directorate: str = fact("the directorate code", default="")
    sub_area: str | None = fact("the summary block inside the directorate")
    unit: str = fact("from `kpis.csv`: `percent`, `number`, `days`, `seconds` ...", default="number")
    unit_label: str = fact("from `kpis.csv`", default="")
    polarity: Polarity = fact("which way is better", default=Polarity.HIGHER)
    decimals: int = fact("the display and comparison precision in the period's financial year: the `decimals` "
                         "of that year's `targets.csv` row when set, else the KPI's (`kpis.csv`)", default=0)
    rolling_12_months: bool = fact("a rolling 12-month measure", default=False)
    in_arrears: bool = fact("reported one quarter in arrears", default=False)
    value: float | None = fact("the unrounded value for the period; null when none is held (or it is illustrative)")
    value_displayed: float | None = fact("`value` at display precision (the basis of rating by default)")
    value_status: str | None = fact("`provisional` or `final`")
    value_note: str = fact("the data caveat", default="")
    previous: float | None = fact("the previous quarter's value")
    previous_period: str | None = fact("the previous quarter")
    target: float | None = fact("for `higher`/`lower` KPIs")
    floor: float | None = fact("the floor standard, for `higher`/`lower` KPIs")
    target_low: float | None = fact("the target band of a `range` KPI")
    target_high: float | None = fact("the target band of a `range` KPI")
    floor_low: float | None = fact("the floor band of a `range` KPI")
    floor_high: float | None = fact("the floor band of a `range` KPI")
    target_source: str | None = fact("`published`, `derived` or `assumed` (blank or null: published); the documents "
                                     "mark a derived or assumed figure as such (`docs/methods.md` section 4a)")
    floor_source: str | None = fact("as `target_source`, for the floor standard")
    rag: Rag | None = fact("null = not rated")
    rag_source: Source | None = fact("`manual` = a manual rating recorded with the observation")
    manual_reason: str | None = fact("the recorded reason of a manual rating")
    previous_rag: Rag | None = fact("the previous quarter's rating, by that quarter's targets and precision")
    dot: Dot | None = fact("direction of travel, as the rule set gives it; the papers report and count it, except a "
                           "trend flagged `insufficient data`, which they report as no direction of travel (see Counts)")
    dot_source: Source | None = fact("a manual direction of travel applies only when the trend cannot be computed")
    dot_manual_reason: str | None = fact("the recorded reason of a manual direction of travel")
    dot_evidence: DotEvidence | None = fact("how the direction of travel was reached")
    severity: Severity | None = fact("RED KPIs only")
    severity_source: SeveritySource | None = fact(
        "RED KPIs only: measured from the value and floor standard, a manual severity recorded with the "
        "observation, or neither")
    severity_reason: str | None = fact("the recorded reason of a manual severity, or why the severity is not "
                                       "determined")
    watch_list: bool = fact("an Amber KPI close to its floor standard with a worsening direction of travel",
                            default=False)
    published_rag: str | None = fact("what the council published, when imported (`published.csv`); never used as "
                                     "a result")
    published_dot: str | None = fact("as `published_rag`, for the direction of travel")
    notes: str = fact("footnotes (one a line)", default="")
    first_year: str | None = fact("the financial year the KPI was introduced")
    series: tuple[SeriesPoint, ...] = fact("the direction-of-travel window, oldest first", default=())
    problems: tuple[str, ...] = fact("what stops the KPI being reported properly (fails check 6.1.7)", default=())
    warnings: tuple[str, ...] = fact("e.g. an ignored manual rating", default=())
    rag_prior_year: Rag | None = fact("year end (Q4) only: the RAG of the same quarter last year",
                                      present_with="prior_year_period")
    prior_year_period: str | None = fact("year end (Q4) only: that quarter", omit_none=True)
    rag_prior_year_note: str | None = fact("year end (Q4) only: \"New KPI in yy/yy\" when the KPI is new this "
                                           "year and has no prior rating", omit_none=True)
    rebaseline: Rebaseline | None = fact("present only when the KPI's RAG against the year's original target and "
                                         "floor standard (before a change in the year) differs from its RAG against "
                                         "those in force: the KPI is re-baselined (`docs/targets.md`)",
                                         omit_none=True)
    benchmark: Benchmark | None = fact("present only for a KPI mapped to a national measure with comparator "
                                       "values (`kpi_benchmarks.csv`): its rank, quartile and group median",
                                       omit_none=True)

    @property
    def reported_dot(self) -> Dot:
        """The direction of travel the papers report and count (``wording.reported_dot``): a trend
        flagged "insufficient data" is no direction of travel, never "stable"."""
        flags = self.dot_evidence.flags if self.dot_evidence else ()
        return Dot(reported_dot(self.dot, self.dot_source, flags))

    @property
    def dot_flags(self) -> tuple[str, ...]:
        return self.dot_evidence.flags if self.dot_evidence else ()

    @property
    def manual_rating(self) -> bool:
        return self.rag_source == Source.MANUAL

    @property
    def manual_dot(self) -> bool:
        """A direction of travel recorded by hand that the papers report (not one they say is
        not available)."""
        return self.dot_source == Source.MANUAL and self.reported_dot != Dot.NOT_AVAILABLE


# --- counts ---------------------------------------------------------------------------------
class _ByKey:
    def get(self, key: str, default: Any = None) -> Any:
        """The count of ``key`` ("green", "stable" ...), for tables that walk the count keys."""
        return getattr(self, key, default)


@record
class Counts(_ByKey):
    """RAG and direction-of-travel counts of a group of KPIs (`directorates[].counts`,
    `directorates[].sub_areas[].counts`, `totals`): integers with
    `green + amber + red + not_rated = kpis = improving + stable + worsening + not_available`.
    The direction-of-travel counts are of the direction the papers report: `not_available` counts
    every KPI without one, including a trend flagged "insufficient data" that the rule set calls
    `stable` (its `dot` field stays as the rule set gives it; `dot_evidence.flags` says why)."""

    __json_name__ = "counts"

    green: int = fact("rated Green", default=0)
    amber: int = fact("rated Amber", default=0)
    red: int = fact("rated Red", default=0)
    improving: int = fact("improving", default=0)
    stable: int = fact("stable or no clear trend", default=0)
    worsening: int = fact("worsening", default=0)
    not_rated: int = fact("not rated", default=0)
    not_available: int = fact("no direction of travel", default=0)
    kpis: int = fact("KPIs in the group", default=0)


@record
class ComparisonCounts(_ByKey):
    """The comparison period's counts of a group: `{green, amber, red, improving, stable,
    worsening}`; the direction-of-travel counts are null when a KPI of the group had no direction
    of travel then."""

    __json_name__ = "comparison counts"

    green: int | None = fact("rated Green")
    amber: int | None = fact("rated Amber")
    red: int | None = fact("rated Red")
    improving: int | None = fact("improving")
    stable: int | None = fact("stable or no clear trend")
    worsening: int | None = fact("worsening")


@record
class Changes(_ByKey):
    """Each count of this period minus its comparison count: null where either side has no count,
    and for the direction-of-travel counts when a KPI of this period has none. The change clauses
    ("four fewer than the previous Quarter") are written from these."""

    __json_name__ = "changes"

    green: int | None = fact("change in Green")
    amber: int | None = fact("change in Amber")
    red: int | None = fact("change in Red")
    improving: int | None = fact("change in improving")
    stable: int | None = fact("change in stable")
    worsening: int | None = fact("change in worsening")


# --- directorates ---------------------------------------------------------------------------
@record
class SubAreaBlock:
    """A summary block inside a directorate (`directorates[].sub_areas[]`)."""

    __json_name__ = "sub-area"

    name: str = fact("the block's name", default="")
    kpis: tuple[str, ...] = fact("codes, in catalogue order", default=())
    counts: Counts = fact("its counts", default_factory=Counts)
    comparison_counts: ComparisonCounts | None = fact(
        "computed from the comparison period's data when every KPI of the sub-area was rated then, else null")
    changes: Changes | None = fact("each count minus its comparison count, or null")


@record
class DirectorateBlock:
    """One directorate with KPIs (`directorates[]`), in display order."""

    __json_name__ = "directorate"

    code: str = fact("the directorate code", default="")
    name: str = fact("the Executive Summary name", default="")
    section_title: str = fact("the section heading (falls back to `name`)", default="")
    kpi_heading: str = fact("the heading of its KPI panels: `directorates.csv` `kpi_heading`, else \"Key Performance "
                            "Indicators\"", default="")
    cabinet_members: tuple[str, ...] = fact("the Cabinet Members", default=())
    cabinet_member_label: str = fact("the label, pluralised from the count", default="")
    corporate_director: str = fact("the Corporate Director", default="")
    director_label: str = fact("the director's label", default="")
    kpis: tuple[str, ...] = fact("codes, in catalogue order", default=())
    sub_areas: tuple[SubAreaBlock, ...] = fact("its summary blocks (none: one block, the directorate)", default=())
    counts: Counts = fact("the one counts object both the Executive Summary row and the section's KPI Summary row "
                          "print", default_factory=Counts)
    comparison_counts: ComparisonCounts | None = fact(
        "the comparison period's counts for this directorate (its `published_counts.csv` row, else computed from "
        "the data when every KPI of it was rated then), or null")
    changes: Changes | None = fact("each count minus its comparison count, or null")
    reds: tuple[str, ...] = fact("codes of its RED KPIs", default=())


@record
class Comparison:
    """The counts the change clauses compare against (`comparison`; performance spec 3.10)."""

    __json_name__ = "comparison"

    period: str = fact("the comparison period", default="")
    basis: str = fact("`previous_quarter` or `same_quarter_last_year`", default="previous_quarter")
    source: str | None = fact(
        "`published_counts` (counts the council published, from `published_counts.csv`), `computed` (Beacon's own "
        "ratings of that period, used only when every KPI of it is rated), or null")
    totals: ComparisonCounts | None = fact("the comparison counts of the edition")
    directorates: dict[str, ComparisonCounts] = fact("the comparison counts by directorate code",
                                                     default_factory=dict)
    sub_areas: dict[str, dict[str, ComparisonCounts]] = fact(
        "the comparison counts of sub-areas: `{directorate code: {sub-area name: counts}}`", default_factory=dict)
    source_note: str | None = fact("where the counts came from, or why there are none (absent when computed)",
                                   omit_none=True)
    changes: Changes | None = fact("this period minus the comparison, for the whole edition")


# --- lists ----------------------------------------------------------------------------------
@record
class RedKpi:
    """A RED KPI in the Reds list."""

    __json_name__ = "red KPI"

    code: str = fact("the KPI's code", default="")
    name: str = fact("its name", default="")


@record
class RedGroup:
    """The RED KPIs of one directorate (`reds[]`)."""

    __json_name__ = "reds group"

    directorate: str = fact("the directorate code", default="")
    name: str = fact("the directorate's name", default="")
    kpis: tuple[RedKpi, ...] = fact("its RED KPIs", default=())


@record
class SeverityLists:
    """Every RED KPI once, by severity (`severity`): lists of codes; the reason of a severity that
    is not determined is the KPI's `severity_reason`."""

    __json_name__ = "severity"

    well_below: tuple[str, ...] = fact("well below the floor standard", default=())
    moderately_below: tuple[str, ...] = fact("moderately below", default=())
    slightly_below: tuple[str, ...] = fact("slightly below", default=())
    not_determined: tuple[str, ...] = fact("severity not determined", default=())

    def codes(self, severity: Severity) -> tuple[str, ...]:
        return getattr(self, severity.value)


@record
class SupportingTable:
    """A supporting table printed in this period (`tables[]`), as stored: one row per table line."""

    __json_name__ = "table"

    name: str = fact("the file `tables/<name>.csv`", default="")
    title: str = fact("its title", default="")
    directorate: str = fact("the directorate code", default="")
    row_columns: tuple[str, ...] = fact("the columns that label a row", default=())
    value_columns: tuple[str, ...] = fact("the columns that hold values", default=())
    footnotes: str = fact("footnotes (one a line)", default="")
    rows: tuple[dict[str, Any], ...] = fact("the table's lines, by column", default=())


@record
class ActivityPoint:
    """One period of an activity indicator."""

    __json_name__ = "activity point"

    period: str = fact("the quarter or month", default="")
    value: float | None = fact("its value")
    lower_threshold: float | None = fact("the lower edge of the expected range")
    upper_threshold: float | None = fact("the upper edge of the expected range")
    benchmark: float | None = fact("a benchmark")
    target: float | None = fact("a target")
    illustrative: bool = fact("an illustrative value, not a published figure", default=False)


@record
class ActivityEntry:
    """An activity indicator with values in the direction-of-travel window (`activity[]`: the
    rule set's `dot.window_quarters`, six by default; a monthly indicator: every month of it)."""

    __json_name__ = "activity indicator"

    code: str = fact("its code", default="")
    name: str = fact("its name", default="")
    directorate: str = fact("the directorate code", default="")
    unit: str = fact("its unit", default="number")
    decimals: int = fact("its display precision", default=0)
    notes: str = fact("footnotes (one a line)", default="")
    series: tuple[ActivityPoint, ...] = fact("its values in the window, oldest first", default=())
    latest_period: str = fact("the latest period with a value", default="")
    position: ActivityPosition = fact("where the latest published value sits against its expectations "
                                      "(`beacon.domain.activity`)", default=ActivityPosition.NOT_ASSESSED)

    @property
    def latest(self) -> ActivityPoint:
        return self.series[-1]


@record
class Commentary:
    """Authored commentary of the period (`commentary[]`): on the edition, a directorate, a
    sub-area or a KPI."""

    __json_name__ = "commentary"

    directorate: str | None = fact("the directorate code (null: the edition)")
    sub_area: str | None = fact("the sub-area")
    kpi: str | None = fact("the KPI's code")
    topic: str = fact("its topic", default="")
    text: str = fact("the text", default="")
    author: str = fact("who wrote it", default="")


@record
class Check:
    """A consistency check (`checks[]`): `6.1.2` directorate and sub-area counts reconcile (and
    every KPI is rated and has a direction of travel, or none by the rules: too few values for a
    trend, no previous value); `6.1.3` totals; `6.1.4` the Reds list; `6.1.6` each KPI exactly
    once; `6.1.7` targets, floors and values or manual ratings; `6.1.R` each rating agrees with its
    value, target and floor; `6.1.9` supporting-table totals and 12-month columns add up; `6.3`
    every computed rating and count agrees with the one the council published (one failure per
    difference of `reconciliation`, e.g. `TOTAL: green 17 computed, 18 published
    (published_counts.csv)`; passed when nothing published is held). The demo edition fails
    `6.1.9`: the published calls table's "Yr to Sep 22" column does not equal the sum of its
    quarters for several services (an error in the council's paper, listed in the demo bundle's
    README). Publishing adds `6.1.1` and `6.1.6-printed`, the same checks on the rendered
    document."""

    __json_name__ = "check"

    id: str = fact("the check's number in the specification", default="")
    name: str = fact("what it checks", default="")
    passed: bool = fact("whether it passed", default=True)
    failures: tuple[str, ...] = fact("one line per failure", default=())


# --- reconciliation -------------------------------------------------------------------------
@record
class KpiDifference:
    """A KPI whose computed rating differs from the published one."""

    __json_name__ = "KPI difference"

    code: str = fact("the KPI's code", default="")
    field: str = fact("`rag` or `dot`", default="rag")
    computed: str | None = fact("the computed rating (for `dot`: the direction the papers report)")
    published: str | None = fact("the published one")
    source: str | None = fact("`computed` or `manual`")


@record
class CountDifference:
    """A count that differs."""

    __json_name__ = "count difference"

    computed: int | None = fact("Beacon's count")
    published: int | None = fact("the published count")


@record
class CountsDifference:
    """The counts of one row that differ from the published ones."""

    __json_name__ = "counts difference"

    directorate: str | None = fact("the directorate code (absent for the TOTAL row)", omit_none=True)
    basis: str = fact(
        "`published_counts` (the row of `published_counts.csv`) when held, else `published.csv` (the counts its "
        "ratings give; RAG counts only when every KPI of the row has a published RAG, DoT counts only when every one "
        "has a published DoT)", default="published.csv")
    counts: dict[str, CountDifference] = fact("`{key: {computed, published}}`", default_factory=dict)


@record
class Reconciliation:
    """Computed ratings and counts against those the council published (`reconciliation`;
    performance spec 6.3)."""

    __json_name__ = "reconciliation"

    available: bool = fact("whether any published ratings (`published.csv`) or counts (`published_counts.csv`) are "
                           "held for the period", default=False)
    kpi_differences: tuple[KpiDifference, ...] = fact("the ratings that differ", default=())
    directorate_differences: tuple[CountsDifference, ...] = fact("the directorate rows whose counts differ",
                                                                 default=())
    total_difference: CountsDifference | None = fact(
        "null, or the TOTAL row's differences (`published_counts.csv`'s row with a blank directorate, else the "
        "counts of `published.csv` over every KPI)")
    rag_matches: int | None = fact("how many published RAG ratings Beacon reproduces (when available)",
                                   omit_none=True)
    rag_published: int | None = fact("how many RAG ratings are published (when available)", omit_none=True)
    dot_matches: int | None = fact("how many published directions of travel Beacon reproduces (when available)",
                                   omit_none=True)
    dot_published: int | None = fact("how many directions of travel are published (when available)",
                                     omit_none=True)


@record
class LintFinding:
    """A sentence of authored commentary that contradicts the computed data (`lint[]`; spec 6.2):
    a warning that needs sign-off at publication, not a blocking check. `beacon/reports/lint.py`
    gathers the facts; the rules are in `beacon/domain/lint.py` (see `docs/documents.md`)."""

    __json_name__ = "lint finding"

    directorate: str | None = fact("where the commentary row is attached (null: the edition)")
    sub_area: str | None = fact("its sub-area")
    kpi: str | None = fact("the KPI the sentence was matched to (else the row's KPI; null for count and date "
                           "findings on other rows)")
    commentary_kpi: str | None = fact("the KPI the commentary row is attached to, or null")
    topic: str = fact("the row's topic", default="")
    sentence: str = fact("the sentence, as written", default="")
    rule: str = fact("`rag`, `movement`, `trend`, `count`, `value`, `percentage_points`, `date` or `rolling_period`",
                     default="")
    message: str = fact("what contradicts what", default="")

    def line(self) -> str:
        where = " / ".join(x for x in (self.directorate or "edition", self.sub_area, self.commentary_kpi,
                                       self.topic) if x)
        return f'{where}: [{self.rule}] "{self.sentence}" — {self.message}'


# --- the model ------------------------------------------------------------------------------
@record
class QprModel:
    """The computed Quarterly Performance Report: every figure the documents print, and how each
    was reached. The HTML, PDF and Word documents render from this same model, so a number can
    never differ between them. Numbers are JSON numbers, unrounded unless the field name says
    `displayed`. Absent values are `null`, never `0`."""

    __json_name__ = "report"

    schema: str = fact("the schema version, `beacon.qpr/1`", default=SCHEMA)
    period: PeriodInfo = fact("the report period", default_factory=PeriodInfo)
    rule_set: RuleSet = fact("the full rule configuration the report was computed with (`docs/methods.md`); a "
                             "published edition keeps it so it can be regenerated exactly", default_factory=RuleSet)
    kpis: tuple[KpiEntry, ...] = fact("one entry per KPI in the edition, in catalogue order (directorate display "
                                      "order, then `kpis.csv` row order)", default=())
    directorates: tuple[DirectorateBlock, ...] = fact("one entry per directorate with KPIs, in display order",
                                                      default=())
    totals: Counts = fact("the whole edition", default_factory=Counts)
    comparison: Comparison = fact("the comparison period's counts and the change of every count",
                                  default_factory=Comparison)
    reds: tuple[RedGroup, ...] = fact("the RED KPIs grouped by directorate, in display order", default=())
    severity: SeverityLists = fact("every RED KPI once, by severity", default_factory=SeverityLists)
    watch_list: tuple[str, ...] = fact("codes of Amber KPIs close to their floor standard with a worsening direction "
                                       "of travel", default=())
    tables: tuple[SupportingTable, ...] = fact("the supporting tables printed in this period", default=())
    activity: tuple[ActivityEntry, ...] = fact("activity indicators with values in the window", default=())
    commentary: tuple[Commentary, ...] = fact("authored commentary of the period", default=())
    risk_overview: RiskOverview | None = fact(
        "the \"Corporate Risk Register – Overview\" section, built from the risk register at the dates of the "
        "period's report settings (`risk_data_to`, `risk_compare_to`; see `docs/documents.md`); null when Beacon "
        "holds no risks. Shape in `docs/register-model.md`")
    checks: tuple[Check, ...] = fact("the consistency checks (spec 6.1) and their failures, and the reconciliation "
                                     "check `6.3`", default=())
    reconciliation: Reconciliation = fact("computed ratings and counts against those the council published",
                                          default_factory=Reconciliation)
    lint: tuple[LintFinding, ...] = fact("lint findings on the authored `commentary`", default=())

    # --- reading ---
    @cached_property
    def kpi_by_code(self) -> dict[str, KpiEntry]:
        return {k.code: k for k in self.kpis}

    def kpi(self, code: str) -> KpiEntry:
        return self.kpi_by_code[code]

    def block(self, code: str) -> DirectorateBlock | None:
        return next((b for b in self.directorates if b.code == code), None)

    @property
    def failed_checks(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]

    # --- JSON at the edges ---
    def to_json(self) -> dict:
        """The model as JSON-able data, in the shape of ``docs/report-model.md``."""
        return to_plain(self)

    @classmethod
    def from_json(cls, data: dict) -> QprModel:
        """The model again from :meth:`to_json` output (a published snapshot)."""
        schema = data.get("schema")
        if schema != SCHEMA:
            raise ValueError(f"a QPR model of schema {schema!r} cannot be read: this Beacon reads {SCHEMA!r}")
        return from_plain(cls, data)
