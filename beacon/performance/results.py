"""KPI results for a reporting period: the domain rules applied to the stored data.

One :class:`KpiResult` per KPI in the edition. The rules themselves live in
``beacon.domain``; this module only gathers the inputs (value, previous value, the target
and floor in force, the series for direction of travel) and records where each answer came
from (computed, or a manual rating with its reason).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from beacon.domain.dot import Dot, DotResult, direction_of_travel
from beacon.domain.periods import Quarter, parse_period, quarter_of, window_sort_range
from beacon.domain.rag import Polarity, Rag, Thresholds, ThresholdError, rate
from beacon.domain.rules import RuleSet
from beacon.domain.severity import Severity, on_watch_list, red_severity

from . import models


@dataclass(frozen=True, slots=True)
class HeldObservation:
    """A stored observation as the results read it: the fields of
    :class:`~beacon.performance.models.Observation` the rules and the reports use, read as plain
    values (a report of a thousand KPIs reads tens of thousands of them: building a model
    instance for each was most of the time the results took)."""

    kpi_id: int
    period: str
    period_sort: int
    value: Decimal | None
    status: str
    note: str
    manual_rating: str
    manual_reason: str
    manual_dot: str
    manual_dot_reason: str
    manual_severity: str
    manual_severity_reason: str
    illustrative: bool


HELD_FIELDS = tuple(HeldObservation.__dataclass_fields__)


def held_observations(**filters) -> list[HeldObservation]:
    """The stored observations ``filters`` select, as :class:`HeldObservation` rows."""
    return [HeldObservation(*row) for row in
            models.Observation.objects.filter(**filters).order_by().values_list(*HELD_FIELDS)]


@dataclass
class KpiResult:
    kpi: models.Kpi
    period: Quarter
    value: float | None = None
    value_observation: HeldObservation | None = None
    previous: float | None = None
    previous_period: Quarter | None = None
    target_row: models.KpiTarget | None = None
    thresholds: Thresholds | None = None
    decimals: int = 0  # display and comparison precision in the period's financial year
    rag: Rag | None = None
    rag_source: str | None = None  # "computed" | "manual"
    manual_reason: str = ""
    previous_rag: Rag | None = None
    dot: Dot | None = None
    dot_source: str | None = None  # "computed" | "manual"
    dot_evidence: DotResult | None = None
    dot_manual_reason: str = ""
    severity: Severity | None = None
    severity_source: str | None = None  # "computed" | "manual" | "not_determined" (Reds only)
    severity_reason: str = ""  # a manual severity's reason, or why none is determined
    watch_list: bool = False
    published_rag: str = ""
    published_dot: str = ""
    published_note: str = ""
    series: list[tuple[Quarter, float | None, bool]] = field(default_factory=list)  # (quarter, value, illustrative)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.kpi.code

    @property
    def polarity(self) -> Polarity:
        return Polarity(self.kpi.polarity)


def thresholds_of(row: models.KpiTarget | None) -> Thresholds | None:
    if row is None:
        return None

    def f(v: Decimal | None):
        return None if v is None else float(v)

    return Thresholds(
        target=f(row.target),
        floor=f(row.floor),
        target_low=f(row.target_low),
        target_high=f(row.target_high),
        floor_low=f(row.floor_low),
        floor_high=f(row.floor_high),
    )


def decimals_in_force(kpi: models.Kpi, row: models.KpiTarget | None) -> int:
    """The display and comparison precision of a KPI in a financial year (spec 3.2): the target
    row's ``decimals`` when it sets one (a KPI printed as a whole percent one year and to one
    decimal place the next), else the KPI's."""
    return row.decimals if row is not None and row.decimals is not None else kpi.decimals


def target_in_force(rows: list[models.KpiTarget], period: Quarter) -> models.KpiTarget | None:
    """The target row of the period's financial year; a row with ``effective_from`` replaces the
    year's earlier row from that quarter on."""
    fy = period.financial_year.label
    candidates = [r for r in rows if r.financial_year == fy]
    applicable = [r for r in candidates if not r.effective_from or Quarter.parse(r.effective_from) <= period]
    if not applicable:
        return None
    return max(applicable, key=lambda r: (Quarter.parse(r.effective_from).index if r.effective_from else -1))


def kpis_in_edition(period: Quarter):
    """The KPIs reported for a period: those with a target for its financial year or an
    observation in it, in catalogue order."""
    from django.db.models import Q

    with_target = models.KpiTarget.objects.filter(financial_year=period.financial_year.label).values("kpi_id")
    labels = [period.label] + [m.label for m in period.months]
    with_value = models.Observation.objects.filter(period__in=labels).values("kpi_id")
    return models.Kpi.objects.filter(Q(pk__in=with_target) | Q(pk__in=with_value)).select_related(
        "directorate", "sub_area"
    )


def _observations_by_quarter(observations: list[HeldObservation]) -> dict[Quarter, HeldObservation]:
    """A quarterly value per quarter; for a monthly KPI, the latest month of each quarter."""
    out: dict[Quarter, models.Observation] = {}
    for obs in sorted(observations, key=lambda o: o.period_sort):
        out[quarter_of(parse_period(obs.period))] = obs
    return out


IN_LIST_LIMIT = 2000
"""Up to this many KPIs the queries below name them; beyond it they select them with the
edition's own query (a database limits the values one statement may carry)."""


def compute_results(period: Quarter, rule_set: RuleSet) -> list[KpiResult]:
    """Every KPI's result for ``period``: one query per table (KPIs, observations in the window,
    target rows of two years, published ratings), whatever the number of KPIs, then the rules."""
    edition = kpis_in_edition(period)
    kpis = list(edition)
    low, high = window_sort_range(period, max(rule_set.dot.window_quarters, 2))
    ids = [k.pk for k in kpis]
    selected = ids if len(ids) <= IN_LIST_LIMIT else edition.values("pk")
    observations: dict[int, list[HeldObservation]] = {k: [] for k in ids}
    for obs in held_observations(kpi_id__in=selected, period_sort__gte=low, period_sort__lte=high):
        observations.setdefault(obs.kpi_id, []).append(obs)
    targets: dict[int, list[models.KpiTarget]] = {k: [] for k in ids}
    years = {period.financial_year.label, period.previous().financial_year.label}
    for row in models.KpiTarget.objects.filter(kpi_id__in=selected, financial_year__in=years):
        targets.setdefault(row.kpi_id, []).append(row)
    published = {
        p.kpi_id: p for p in models.PublishedRating.objects.filter(kpi_id__in=selected, period=period.label)
    }
    results = []
    for kpi in kpis:
        result = _compute_one(kpi, period, observations[kpi.pk], targets[kpi.pk], rule_set)
        pub = published.get(kpi.pk)
        if pub is not None:
            result.published_rag, result.published_dot, result.published_note = (
                pub.published_rag,
                pub.published_dot,
                pub.source_note,
            )
        results.append(result)
    return results


def kpi_results(kpi: models.Kpi, periods: list[Quarter], rule_set: RuleSet) -> dict[Quarter, KpiResult | None]:
    """One KPI's result in each of ``periods``, exactly as :func:`compute_results` gives it for
    that period (None when the KPI is not in the period's edition, :func:`kpis_in_edition`), in
    three queries whatever the number of periods: a KPI's result depends on its own observations,
    targets and published rating alone, so a page about one KPI need not compute a thousand."""
    if not periods:
        return {}
    windows = {q: window_sort_range(q, max(rule_set.dot.window_quarters, 2)) for q in periods}
    low, high = min(w[0] for w in windows.values()), max(w[1] for w in windows.values())
    held = held_observations(kpi_id=kpi.pk, period_sort__gte=low, period_sort__lte=high)
    years = {y for q in periods for y in (q.financial_year.label, q.previous().financial_year.label)}
    target_rows = list(models.KpiTarget.objects.filter(kpi_id=kpi.pk, financial_year__in=years))
    target_years = {r.financial_year for r in target_rows}  # every period's own year is among ``years``
    published = {p.period: p for p in models.PublishedRating.objects.filter(
        kpi_id=kpi.pk, period__in=[q.label for q in periods])}
    out: dict[Quarter, KpiResult | None] = {}
    for q in periods:
        labels = {q.label, *(m.label for m in q.months)}
        if q.financial_year.label not in target_years and not any(o.period in labels for o in held):
            out[q] = None  # not in the edition
            continue
        w_low, w_high = windows[q]
        observations = [o for o in held if w_low <= o.period_sort <= w_high]
        q_years = {q.financial_year.label, q.previous().financial_year.label}
        result = _compute_one(kpi, q, observations, [r for r in target_rows if r.financial_year in q_years], rule_set)
        pub = published.get(q.label)
        if pub is not None:
            result.published_rag, result.published_dot, result.published_note = (
                pub.published_rag, pub.published_dot, pub.source_note)
        out[q] = result
    return out


def _rate(value: float, kpi: models.Kpi, thresholds: Thresholds, decimals: int, rule_set: RuleSet, problems: list[str]):
    try:
        outcome = rate(value, Polarity(kpi.polarity), thresholds, decimals, rule_set.rag)
    except ThresholdError as exc:
        problems.append(f"target and floor are not valid: {exc}")
        return None, []
    return outcome.rag, list(outcome.warnings)


def _compute_one(kpi, period: Quarter, observations, target_rows, rule_set: RuleSet) -> KpiResult:
    result = KpiResult(kpi=kpi, period=period)
    by_quarter = _observations_by_quarter(observations)
    polarity = Polarity(kpi.polarity)

    result.target_row = target_in_force(target_rows, period)
    result.thresholds = thresholds_of(result.target_row)
    result.decimals = decimals = decimals_in_force(kpi, result.target_row)
    if result.thresholds is None:
        result.problems.append(f"no target and floor for {period.financial_year.label}")

    # the value, or a manual rating with its reason
    current = by_quarter.get(period)
    result.value_observation = current
    if current is not None and current.value is not None and current.illustrative:
        result.warnings.append("the value for this period is illustrative and is not rated")
    if current is not None and current.value is not None and not current.illustrative:
        result.value = float(current.value)
        if result.thresholds is not None:
            result.rag, warnings = _rate(result.value, kpi, result.thresholds, decimals, rule_set, result.problems)
            result.warnings += warnings
            result.rag_source = "computed" if result.rag else None
        if current.manual_rating:
            result.warnings.append(
                f"manual rating {current.manual_rating} ignored: the value {result.value:g} is rated by the rules"
            )
    elif current is not None and current.manual_rating:
        result.rag = Rag(current.manual_rating)
        result.rag_source = "manual"
        result.manual_reason = current.manual_reason
    else:
        result.problems.append("no value and no manual rating: not rated")

    # the previous quarter
    previous_period = period.previous()
    result.previous_period = previous_period
    prev = by_quarter.get(previous_period)
    if prev is not None and prev.value is not None and not prev.illustrative:
        result.previous = float(prev.value)
        prev_row = target_in_force(target_rows, previous_period)
        prev_thresholds = thresholds_of(prev_row)
        if prev_thresholds is not None:
            result.previous_rag, _ = _rate(result.previous, kpi, prev_thresholds, decimals_in_force(kpi, prev_row),
                                           rule_set, [])
    elif prev is not None and prev.manual_rating:
        result.previous_rag = Rag(prev.manual_rating)

    # direction of travel over the window, with illustrative values only if configured
    use_illustrative = rule_set.dot.include_illustrative
    series = {}
    for quarter in period.last(rule_set.dot.window_quarters):
        obs = by_quarter.get(quarter)
        if obs is not None and obs.value is not None and (use_illustrative or not obs.illustrative):
            series[quarter] = float(obs.value)
        result.series.append((quarter, float(obs.value) if obs and obs.value is not None else None, bool(obs and obs.illustrative)))
    evidence = direction_of_travel(series, period, polarity, result.thresholds, decimals, rule_set)
    result.dot_evidence = evidence
    result.dot, result.dot_source = evidence.dot, "computed"
    cannot_compute = evidence.dot == Dot.NOT_AVAILABLE or "insufficient data" in evidence.flags
    if current is not None and current.manual_dot:
        if cannot_compute:
            result.dot, result.dot_source = Dot(current.manual_dot), "manual"
            result.dot_manual_reason = current.manual_dot_reason
        else:
            result.warnings.append(
                f"manual direction of travel {current.manual_dot} ignored: the trend is computed from "
                f"{evidence.points_used} points"
            )

    # severity of every Red (measured, set manually, or not determined with the reason)
    manual_severity = current.manual_severity if current is not None else ""
    red = red_severity(result.rag, result.value, polarity, result.thresholds, kpi.unit, decimals, rule_set,
                       manual_severity, current.manual_severity_reason if current is not None else "")
    if red is not None:
        result.severity, result.severity_source, result.severity_reason = red.severity, red.source.value, red.reason
        result.warnings += red.warnings
    elif manual_severity:
        result.warnings.append(f"manual severity {manual_severity} ignored: the KPI is not rated Red")
    # the Amber watch-list (needs a value)
    if result.value is not None and result.thresholds is not None and result.rag is not None:
        result.watch_list = on_watch_list(
            result.rag, result.dot, result.value, polarity, result.thresholds, kpi.unit, decimals, rule_set
        )
    return result
