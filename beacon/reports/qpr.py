"""Computing the Quarterly Performance Report model (schema: docs/report-model.md).

``build_qpr(period)`` returns a typed, frozen :class:`~beacon.domain.qpr_model.QprModel` that
every output renders from: the JSON report, the HTML, PDF and Word documents, the dashboards and
the API. Counts are computed once, here, so a section's "KPI Summary" row and its Executive
Summary row are one object.

JSON only at the edges: :func:`model_json` is the one way the model becomes JSON data (``beacon
report --format json``, the publish snapshot, the web preview), :func:`model_from_json` the one
way a snapshot becomes a model again.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from decimal import Decimal

from beacon.core.models import Directorate
from beacon.domain.dot import FLAG_INSUFFICIENT, FLAG_NO_PREVIOUS
from beacon.domain.numbers import displayed
from beacon.domain.periods import Quarter, comparison_basis, comparison_period, window_sort_range
from beacon.domain.qpr_model import (
    COUNT_KEYS,
    DOT_KEYS,
    RAG_KEYS,
    SCHEMA,
    ActivityEntry,
    ActivityPoint,
    Changes,
    Check,
    Commentary,
    Comparison,
    ComparisonCounts,
    CountDifference,
    Counts,
    CountsDifference,
    DirectorateBlock,
    DotEvidence,
    KpiDifference,
    KpiEntry,
    PeriodInfo,
    QprModel,
    Reconciliation,
    RedGroup,
    RedKpi,
    SeriesPoint,
    SeverityLists,
    SubAreaBlock,
    SupportingTable,
    Variant,
)
from beacon.domain.records import to_plain
from beacon.domain.tables import total_differences, twelve_month_differences
from beacon.domain.rag import Polarity, Rag, rate
from beacon.domain.rules import RuleSet, get_rule_set
from beacon.domain.severity import Severity
from beacon.domain.wording import counted, reported_dot
from beacon.performance import models
from beacon.performance.results import KpiResult, compute_results
from beacon.reports.lint import commentary_lint

__all__ = ["SCHEMA", "COUNT_KEYS", "build_qpr", "model_json", "model_from_json", "count", "consistency_checks",
           "reconciliation", "reconciliation_check", "table_failures", "RECONCILIATION_CHECK_ID",
           "RECONCILIATION_CHECK_NAME"]


def model_json(model: QprModel) -> dict:
    """The model as JSON data: the one serialisation of the QPR model (``docs/report-model.md``)."""
    return model.to_json()


def model_from_json(data: dict) -> QprModel:
    """A model from its JSON data (a published snapshot): the one way back."""
    return QprModel.from_json(data)


def _num(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        value = float(value)
    return int(value) if float(value).is_integer() else value


def _finite(value):
    return None if value is None or math.isinf(value) or math.isnan(value) else value


def _reported_dot(r: KpiResult) -> str:
    """The KPI's direction of travel as the papers report and count it: a trend flagged
    "insufficient data" is no direction of travel, never "stable" (``wording.reported_dot``)."""
    flags = r.dot_evidence.flags if r.dot_evidence else ()
    return reported_dot(r.dot.value if r.dot else None, r.dot_source, flags)


def count(results: list[KpiResult]) -> Counts:
    """RAG and direction-of-travel counts. A KPI without a direction of travel (none computable,
    e.g. fewer than ``dot.min_points`` values, and none recorded by hand) counts as
    ``not_available``, so improving + stable + worsening + not_available = kpis."""
    rags = Counter(r.rag.value if r.rag else None for r in results)
    dots = Counter(_reported_dot(r) for r in results)
    return Counts(
        green=rags["GREEN"], amber=rags["AMBER"], red=rags["RED"],
        improving=dots["improving"], stable=dots["stable"], worsening=dots["worsening"],
        not_rated=rags[None], not_available=dots["not_available"], kpis=len(results),
    )


def _comparison_counts(results: list[KpiResult]) -> ComparisonCounts | None:
    """The counts a group of the comparison period offers change clauses: none unless every KPI
    of the group is rated; its direction-of-travel counts only when every KPI has one."""
    if not results or any(r.rag is None for r in results):
        return None
    counts = count(results)
    out = {k: getattr(counts, k) for k in COUNT_KEYS}
    if counts.not_available:
        out.update({k: None for k in DOT_KEYS})
    return ComparisonCounts(**out)


def _kpi_entry(r: KpiResult) -> KpiEntry:
    kpi = r.kpi
    t = r.thresholds
    row = r.target_row
    evidence = r.dot_evidence
    return KpiEntry(
        code=kpi.code,
        name=kpi.name,
        short_name=kpi.short_name or kpi.name,
        directorate=kpi.directorate.code,
        sub_area=kpi.sub_area.name if kpi.sub_area else None,
        unit=kpi.unit,
        unit_label=kpi.unit_label,
        polarity=Polarity(kpi.polarity),
        decimals=r.decimals,  # the precision in force in the period's financial year
        rolling_12_months=kpi.rolling_12_months,
        in_arrears=kpi.in_arrears,
        value=_num(r.value),
        value_displayed=_num(displayed(r.value, r.decimals)) if r.value is not None else None,
        value_status=r.value_observation.status if r.value_observation else None,
        value_note=r.value_observation.note if r.value_observation else "",
        previous=_num(r.previous),
        previous_period=r.previous_period.label if r.previous_period else None,
        target=_num(t.target) if t else None,
        floor=_num(t.floor) if t else None,
        target_low=_num(t.target_low) if t else None,
        target_high=_num(t.target_high) if t else None,
        floor_low=_num(t.floor_low) if t else None,
        floor_high=_num(t.floor_high) if t else None,
        target_source=row.target_source if row else None,
        floor_source=row.floor_source if row else None,
        rag=r.rag,
        rag_source=r.rag_source,
        manual_reason=r.manual_reason or None,
        previous_rag=r.previous_rag,
        dot=r.dot,
        dot_source=r.dot_source,
        dot_manual_reason=r.dot_manual_reason or None,
        dot_evidence=None if evidence is None else DotEvidence(
            method=evidence.method,
            slope=_finite(evidence.slope),
            # a perfect straight line has t = ±infinity, which JSON cannot hold: null, with p_value 0
            t=_finite(evidence.t),
            p_value=evidence.p_value,
            points_used=evidence.points_used,
            flags=tuple(evidence.flags),
        ),
        severity=r.severity,
        severity_source=r.severity_source,
        severity_reason=r.severity_reason or None,
        watch_list=r.watch_list,
        published_rag=r.published_rag or None,
        published_dot=r.published_dot or None,
        notes=kpi.notes,
        first_year=kpi.first_year or None,
        series=tuple(SeriesPoint(period=q.label, value=_num(v), illustrative=ill) for q, v, ill in r.series),
        problems=tuple(r.problems),
        warnings=tuple(r.warnings),
    )


def _comparison(period: Quarter, rule_set: RuleSet, directorates: list[Directorate]) -> Comparison:
    """The counts that change clauses compare against (performance spec 3.10), without their
    changes (added by :func:`build_qpr`).

    In order of preference: the counts the council published for the comparison period
    (``published_counts.csv``); otherwise the counts computed from the data held for that
    period, but only when every KPI of it is rated; otherwise none. A directorate without a
    published row, and every sub-area (no published counts hold sub-areas), take the counts
    computed from the data when every KPI of that group is rated in the comparison period; its
    direction-of-travel counts only when every one of them has a direction of travel.
    """
    basis = comparison_basis(period, rule_set.comparison.quarterly, rule_set.comparison.year_end)
    comparison = comparison_period(period, basis)
    by_directorate: dict[str, ComparisonCounts] = {}
    by_sub_area: dict[str, dict[str, ComparisonCounts]] = {}
    published = list(models.PublishedCounts.objects.filter(period=comparison.label).select_related("directorate"))
    total = next((p for p in published if p.directorate is None), None)
    results = compute_results(comparison, rule_set)
    for d in directorates:
        mine = [r for r in results if r.kpi.directorate_id == d.pk]
        computed = _comparison_counts(mine)
        if computed is not None:
            by_directorate[d.code] = computed
        subs = {}
        for sub in {r.kpi.sub_area for r in mine if r.kpi.sub_area}:
            in_sub = _comparison_counts([r for r in mine if r.kpi.sub_area_id == sub.pk])
            if in_sub is not None:
                subs[sub.name] = in_sub
        if subs:
            by_sub_area[d.code] = subs
    if total is not None:
        by_directorate.update({
            p.directorate.code: ComparisonCounts(**{k: getattr(p, k) for k in COUNT_KEYS}) for p in published
            if p.directorate
        })
    out = Comparison(period=comparison.label, basis=basis, directorates=by_directorate, sub_areas=by_sub_area)
    if total is not None:
        return dataclasses.replace(out, source="published_counts", source_note=total.source_note,
                                   totals=ComparisonCounts(**{k: getattr(total, k) for k in COUNT_KEYS}))
    totals = _comparison_counts(results)
    if totals is not None:
        return dataclasses.replace(out, source="computed", totals=totals)
    return dataclasses.replace(out, source_note=(
        f"No comparison counts: no published counts are recorded for {comparison.label}, "
        "and not every KPI of that period is rated"
    ))


def _changes(counts: Counts, comparison: ComparisonCounts | None) -> Changes | None:
    """The change of each count against the comparison counts (None where there is none). The
    direction-of-travel counts of a group with KPIs that have no direction of travel are not
    compared: fewer "stable" KPIs would say nothing about performance."""
    if not comparison:
        return None
    out = {k: (getattr(counts, k) - getattr(comparison, k)) if getattr(comparison, k) is not None else None
           for k in COUNT_KEYS}
    if counts.not_available:
        out.update({k: None for k in DOT_KEYS})
    return Changes(**out)


def _block(d: Directorate, mine: list[KpiResult], comparison: Comparison) -> DirectorateBlock:
    """A directorate's block: its KPIs, sub-areas, counts and their changes."""
    sub_areas = []
    for sub in sorted({r.kpi.sub_area for r in mine if r.kpi.sub_area}, key=lambda s: (s.display_order, s.name)):
        in_sub = [r for r in mine if r.kpi.sub_area_id == sub.pk]
        sub_counts = count(in_sub)
        sub_comparison = comparison.sub_areas.get(d.code, {}).get(sub.name)
        sub_areas.append(SubAreaBlock(name=sub.name, kpis=tuple(r.code for r in in_sub), counts=sub_counts,
                                      comparison_counts=sub_comparison, changes=_changes(sub_counts, sub_comparison)))
    counts = count(mine)
    return DirectorateBlock(
        code=d.code,
        name=d.name,
        section_title=d.heading,
        kpi_heading=d.panel_heading,
        cabinet_members=tuple(d.cabinet_members),
        cabinet_member_label=d.cabinet_member_label,
        corporate_director=d.corporate_director,
        director_label=d.director_label,
        kpis=tuple(r.code for r in mine),
        sub_areas=tuple(sub_areas),
        counts=counts,
        comparison_counts=comparison.directorates.get(d.code),
        changes=_changes(counts, comparison.directorates.get(d.code)),
        reds=tuple(r.code for r in mine if r.rag == Rag.RED),
    )


def build_qpr(period: Quarter, rule_set: RuleSet | None = None) -> QprModel:
    rule_set = rule_set or get_rule_set()
    results = compute_results(period, rule_set)
    directorate_ids = {r.kpi.directorate_id for r in results}
    directorates = [d for d in Directorate.objects.all() if d.pk in directorate_ids]
    comparison = _comparison(period, rule_set, directorates)
    blocks = [_block(d, [r for r in results if r.kpi.directorate_id == d.pk], comparison) for d in directorates]
    totals = count(results)
    kpi_entries = _with_rebaseline([_kpi_entry(r) for r in results], results, period, rule_set)
    if period.is_year_end:
        kpi_entries = _with_prior_year(kpi_entries, period, rule_set)
    kpi_entries = _with_benchmark(kpi_entries, period)
    names = {r.code: r.kpi.name for r in results}
    model = QprModel(
        schema=SCHEMA,
        period=_period_entry(period, rule_set),
        rule_set=rule_set,
        kpis=tuple(kpi_entries),
        directorates=tuple(blocks),
        totals=totals,
        comparison=dataclasses.replace(comparison, changes=_changes(totals, comparison.totals)),
        reds=tuple(
            RedGroup(directorate=b.code, name=b.name, kpis=tuple(RedKpi(code=c, name=names[c]) for c in b.reds))
            for b in blocks if b.reds
        ),
        # every Red in one list: a severity band, or "not determined" (with the reason on the KPI)
        severity=SeverityLists(
            **{s.value: tuple(r.code for r in results if r.severity is s) for s in Severity},
            not_determined=tuple(r.code for r in results if r.severity_source == "not_determined"),
        ),
        watch_list=tuple(r.code for r in results if r.watch_list),
        tables=tuple(_tables(period)),
        activity=tuple(_activity(period, rule_set)),
        commentary=tuple(_commentary(period)),
        risk_overview=_risk_overview(period),
    )
    checks = consistency_checks(model, results, rule_set)
    rec = reconciliation(model, period)
    checks.append(reconciliation_check(rec, {b.code: b.name for b in model.directorates}))
    model = dataclasses.replace(model, checks=tuple(checks), reconciliation=rec)
    return dataclasses.replace(model, lint=tuple(commentary_lint(model)))


def _risk_overview(period: Quarter):
    """The "Corporate Risk Register – Overview" section (risk spec 6.3), or None when Beacon holds
    no risks. Its dates come from the period's report settings (the January 2023 QPR described
    the register at November 2022 against June 2022); by default the quarter's end and the
    previous quarter's end."""
    from beacon.reports.models import ReportSettings
    from beacon.reports.register import build_risk_overview

    settings = ReportSettings.objects.filter(period=period.label).first()
    return build_risk_overview(
        period,
        data_to=settings.risk_data_to if settings else None,
        compare_to=settings.risk_compare_to if settings else None,
    )


def _with_rebaseline(entries: list[KpiEntry], results: list[KpiResult], period: Quarter,
                     rule_set: RuleSet) -> list[KpiEntry]:
    """Each KPI rated against thresholds that changed in the year gets its ``rebaseline`` when
    its RAG against the year's original target and floor standard differs (docs/targets.md)."""
    from beacon.domain.targets import rebaseline
    from beacon.performance.targets import original_thresholds

    originals = original_thresholds([r.kpi.pk for r in results], period.financial_year.label)
    out = []
    for entry, r in zip(entries, results):
        found = None
        if r.rag_source == "computed" and r.value is not None:
            found = rebaseline(r.value, r.kpi.polarity, originals.get(r.kpi.pk), r.thresholds, r.decimals,
                               rule_set.rag, r.target_row.effective_from if r.target_row else None)
        out.append(dataclasses.replace(entry, rebaseline=found) if found else entry)
    return out


def _with_benchmark(entries: list[KpiEntry], period: Quarter) -> list[KpiEntry]:
    """Each KPI mapped to a national measure with comparator values gets its ``benchmark``: its
    value's rank, quartile and the group's median (docs/benchmarking.md)."""
    from beacon.domain.qpr_model import Benchmark
    from beacon.performance.benchmarking import standings

    found = standings(period, {e.code: e.value for e in entries}, {e.code: e.rolling_12_months for e in entries})
    out = []
    for entry in entries:
        s = found.get(entry.code)
        if s is None or s.standing is None:
            out.append(entry)
            continue
        out.append(dataclasses.replace(entry, benchmark=Benchmark(
            measure=s.measure, title=s.measure_title, source=s.source, unit=s.unit, polarity=s.polarity.value,
            group=s.group, group_name=s.group_name, area=s.area_name, area_code=s.area_code, period=s.period,
            value=_num(s.value), rank=s.standing.rank, of=s.standing.of, quartile=s.standing.quartile,
            median=_num(s.standing.median), illustrative=s.illustrative_count, caveat=s.caveat,
        )))
    return out


def _with_prior_year(entries: list[KpiEntry], period: Quarter, rule_set: RuleSet) -> list[KpiEntry]:
    """Year end (spec 4.5): the RAG of the same quarter last year, or "New KPI in yy/yy"."""
    last_year = period.same_quarter_last_year()
    prior = {r.code: r for r in compute_results(last_year, rule_set)}
    out = []
    for entry in entries:
        r = prior.get(entry.code)
        rag = r.rag if r is not None and r.rag else None
        new = rag is None and entry.first_year == period.financial_year.label
        out.append(dataclasses.replace(
            entry, rag_prior_year=rag, prior_year_period=last_year.label,
            rag_prior_year_note=f"New KPI in {period.financial_year.short_label}" if new else None,
        ))
    return out


def _period_entry(period: Quarter, rule_set: RuleSet) -> PeriodInfo:
    return PeriodInfo(
        label=period.label,
        slug=period.slug,
        long_label=period.long_label,
        financial_year=period.financial_year.label,
        quarter=period.number,
        data_to=period.end.isoformat(),
        data_to_label=period.end_month_label,
        variant=Variant.YEAR_END if period.is_year_end else Variant.QUARTERLY,
        comparison_period=comparison_period(
            period, comparison_basis(period, rule_set.comparison.quarterly, rule_set.comparison.year_end)
        ).label,
    )


def _activity(period: Quarter, rule_set: RuleSet) -> list[ActivityEntry]:
    """Activity indicators with their values over the direction-of-travel window (the rule set's
    ``dot.window_quarters``, like the KPIs; monthly indicators: every month in that window) and
    where the latest value sits against its expectations."""
    from beacon.domain.activity import ActivityPosition, activity_position
    from beacon.domain.rag import ThresholdError

    low, high = window_sort_range(period, rule_set.dot.window_quarters)
    out = []
    indicators = models.ActivityIndicator.objects.select_related("directorate").prefetch_related("observations")
    for ind in indicators:
        series = [
            ActivityPoint(
                period=o.period,
                value=_num(o.value),
                lower_threshold=_num(o.lower_threshold),
                upper_threshold=_num(o.upper_threshold),
                benchmark=_num(o.benchmark),
                target=_num(o.target),
                illustrative=o.illustrative,
            )
            for o in ind.observations.all()
            if low <= o.period_sort <= high
        ]
        if not series:
            continue
        latest = series[-1]
        try:
            position = activity_position(
                None if latest.illustrative else latest.value, latest.lower_threshold,
                latest.upper_threshold, latest.benchmark, rule_set.activity, ind.decimals,
            )
        except ThresholdError:
            position = ActivityPosition.NOT_ASSESSED
        out.append(ActivityEntry(
            code=ind.code,
            name=ind.name,
            directorate=ind.directorate.code,
            unit=ind.unit,
            decimals=ind.decimals,
            notes=ind.notes,
            series=tuple(series),
            latest_period=latest.period,
            position=position,
        ))
    return out


def _commentary(period: Quarter) -> list[Commentary]:
    """Authored commentary of the period: on the edition, a directorate, a sub-area or a KPI."""
    return [
        Commentary(
            directorate=c.directorate.code if c.directorate else None,
            sub_area=c.sub_area.name if c.sub_area else None,
            kpi=c.kpi.code if c.kpi else None,
            topic=c.topic,
            text=c.text,
            author=c.author,
        )
        for c in models.Commentary.objects.filter(period=period.label).select_related("directorate", "sub_area", "kpi")
    ]


def _tables(period: Quarter) -> list[SupportingTable]:
    tables = models.SupportingTable.objects.filter(period=period.label).select_related("directorate")
    return [
        SupportingTable(
            name=table.name,
            title=table.title,
            directorate=table.directorate.code,
            row_columns=tuple(table.row_columns),
            value_columns=tuple(table.value_columns),
            footnotes=table.footnotes,
            rows=tuple(cell.data for cell in table.cells.all()),
        )
        for table in tables.prefetch_related("cells")
    ]


# --- consistency checks (performance spec 6.1) ------------------------------------------
def _check(check_id: str, name: str, failures: list[str]) -> Check:
    return Check(id=check_id, name=name, passed=not failures, failures=tuple(failures))


def consistency_checks(model: QprModel, results: list[KpiResult], rule_set: RuleSet) -> list[Check]:
    checks = []
    failures = []
    for block in model.directorates:
        groups = [(block.name, block.kpis, block.counts)]
        groups += [(f"{block.name} / {s.name}", s.kpis, s.counts) for s in block.sub_areas]
        for label, codes, counts in groups:
            recount = count([r for r in results if r.code in set(codes)])
            if recount != counts:
                failures.append(f"{label}: counts {to_plain(counts)} differ from a recount {to_plain(recount)}")
            rag_sum = counts.green + counts.amber + counts.red + counts.not_rated
            dot_sum = counts.improving + counts.stable + counts.worsening + counts.not_available
            if not rag_sum == dot_sum == len(codes):
                failures.append(f"{label}: G+A+R ({rag_sum}) and DoT counts ({dot_sum}) must both equal {len(codes)} KPIs")
            if counts.not_rated:
                failures.append(f"{label}: {counted(counts.not_rated, 'KPI')} not rated")
            # a KPI the rules give no direction of travel (too few values; no previous value) is
            # counted and named as such in the papers; any other KPI without one is a failure
            unexplained = [
                r.code for r in results
                if r.code in set(codes) and _reported_dot(r) == "not_available" and not (
                    r.dot_evidence and {FLAG_INSUFFICIENT, FLAG_NO_PREVIOUS} & set(r.dot_evidence.flags))
            ]
            if unexplained:
                failures.append(f"{label}: {counted(len(unexplained), 'KPI')} without a direction of travel "
                                f"({', '.join(unexplained)})")
        sub_codes = [c for s in block.sub_areas for c in s.kpis]
        if block.sub_areas and sorted(sub_codes) != sorted(block.kpis):
            failures.append(f"{block.name}: sub-area blocks do not cover its KPIs exactly once")
    checks.append(_check("6.1.2", "Directorate and sub-area counts reconcile", failures))

    failures = []
    for key in COUNT_KEYS + ("not_rated", "not_available", "kpis"):
        column = sum(getattr(b.counts, key) for b in model.directorates)
        if column != getattr(model.totals, key):
            failures.append(f"TOTAL {key} {getattr(model.totals, key)} is not the column sum {column}")
    if model.totals.kpis != len(model.kpis):
        failures.append(f"the edition has {len(model.kpis)} KPIs but the total counts {model.totals.kpis}")
    checks.append(_check("6.1.3", "Totals equal the column sums and the number of KPIs", failures))

    red_codes = {r.code for r in results if r.rag == Rag.RED}
    listed = [k.code for d in model.reds for k in d.kpis]
    failures = []
    if sorted(listed) != sorted(red_codes) or len(listed) != model.totals.red:
        failures.append(f"the Reds list {listed} does not match the RED KPIs {sorted(red_codes)}")
    checks.append(_check("6.1.4", "The Reds list is exactly the RED KPIs", failures))

    failures = []
    seen = Counter(c for b in model.directorates for c in b.kpis)
    for code, n in seen.items():
        if n != 1:
            failures.append(f"{code} appears {n} times")
    missing = {k.code for k in model.kpis} - set(seen)
    failures += [f"{code} is in no directorate block" for code in sorted(missing)]
    checks.append(_check("6.1.6", "Each KPI appears exactly once", failures))

    failures = []
    for r in results:
        failures += [f"{r.code}: {p}" for p in r.problems]
    checks.append(_check("6.1.7", "Each KPI has a valid target and floor, and a value or a manual rating", failures))

    failures = []
    for r in results:
        if r.rag_source == "computed" and r.value is not None and r.thresholds is not None:
            again = rate(r.value, Polarity(r.kpi.polarity), r.thresholds, r.decimals, rule_set.rag).rag
            if again != r.rag:
                failures.append(f"{r.code}: rated {r.rag} but value {r.value:g} gives {again}")
    checks.append(_check("6.1.R", "Each rating agrees with its value, target and floor", failures))

    checks.append(_check("6.1.9", "Supporting tables: totals and 12-month columns add up", table_failures(model.tables)))
    return checks


def table_failures(tables) -> list[str]:
    """Check 6.1.9: printed totals and 12-month columns against their parts (the rules are in
    ``beacon.domain.tables``)."""
    failures = []
    for table in tables:
        rows, first = list(table.rows), table.row_columns[0]
        args = (rows, list(table.row_columns), list(table.value_columns))
        for d in total_differences(*args):
            failures.append(
                f"{table.title}: {d.row[first]} {d.row['period_label']} {d.printed} is not the sum of its rows ({d.computed})"
            )
        for d in twelve_month_differences(*args):
            failures.append(
                f"{table.title}: {d.row[first]} {d.row['period_label']} {d.printed} is not the sum of its four quarters "
                f"({' + '.join(str(p) for p in d.parts)} = {d.computed})"
            )
    return failures


# --- reconciliation with published ratings and counts (performance spec 6.3) -------------
RECONCILIATION_CHECK_ID = "6.3"
RECONCILIATION_CHECK_NAME = "Computed ratings and counts agree with those published"
BASIS_FILE = {"published_counts": "published_counts.csv", "published.csv": "published.csv"}


def _counts_from_published_ratings(kpis: list[KpiEntry]) -> dict:
    """The counts the published ratings (``published.csv``) give a block: RAG counts when every
    KPI of the block has a published RAG, DoT counts when every one has a published DoT (a
    partial file says nothing about a block's count)."""
    out = {}
    if kpis and all(k.published_rag for k in kpis):
        out.update({key: sum(k.published_rag == key.upper() for k in kpis) for key in RAG_KEYS})
    if kpis and all(k.published_dot for k in kpis):
        out.update({key: sum(k.published_dot == key for k in kpis) for key in DOT_KEYS})
    return out


def _count_differences(computed: Counts, published: dict) -> dict[str, CountDifference]:
    return {
        key: CountDifference(computed=getattr(computed, key), published=value)
        for key, value in published.items()
        if value is not None and getattr(computed, key) != value
    }


def _paper(k: KpiEntry, what: str) -> str | None:
    """A KPI's RAG, or its direction of travel as the paper reports and counts it (a trend flagged
    "insufficient data" is no direction of travel: ``KpiEntry.reported_dot``), so that a KPI's
    difference and its block's count difference agree."""
    if what == "rag":
        return k.rag
    return k.reported_dot


def reconciliation(model: QprModel, period: Quarter) -> Reconciliation:
    """Computed ratings and counts against those the council published for the period: the
    ratings of ``published.csv``, and the directorate and TOTAL counts of
    ``published_counts.csv`` (else the counts the published ratings give)."""
    kpis = model.kpis
    with_published = [k for k in kpis if k.published_rag or k.published_dot]
    published_counts = {
        p.directorate.code if p.directorate else None: p
        for p in models.PublishedCounts.objects.filter(period=period.label).select_related("directorate")
    }
    if not (with_published or published_counts):
        return Reconciliation(available=False)
    kpi_differences = []
    for k in with_published:
        for what in ("rag", "dot"):
            published = getattr(k, f"published_{what}")
            computed = _paper(k, what)
            if published and published != computed:
                kpi_differences.append(KpiDifference(code=k.code, field=what, computed=computed, published=published,
                                                     source=getattr(k, f"{what}_source")))

    def published_for(code: str | None, mine: list[KpiEntry]) -> tuple[dict, str]:
        row = published_counts.get(code)
        if row is not None:
            return {key: getattr(row, key) for key in COUNT_KEYS}, "published_counts"
        return _counts_from_published_ratings(mine), "published.csv"

    directorate_differences = []
    for block in model.directorates:
        published, basis = published_for(block.code, [k for k in kpis if k.directorate == block.code])
        differing = _count_differences(block.counts, published)
        if differing:
            directorate_differences.append(CountsDifference(directorate=block.code, basis=basis, counts=differing))
    published, basis = published_for(None, list(kpis))
    differing = _count_differences(model.totals, published)
    return Reconciliation(
        available=True,
        kpi_differences=tuple(kpi_differences),
        directorate_differences=tuple(directorate_differences),
        total_difference=CountsDifference(basis=basis, counts=differing) if differing else None,
        rag_matches=sum(1 for k in with_published if k.published_rag and k.published_rag == k.rag),
        rag_published=sum(1 for k in with_published if k.published_rag),
        dot_matches=sum(1 for k in with_published if k.published_dot and k.published_dot == _paper(k, "dot")),
        dot_published=sum(1 for k in with_published if k.published_dot),
    )


def reconciliation_check(rec: Reconciliation, directorate_names: dict[str, str]) -> Check:
    """Check 6.3: every difference of the reconciliation is a failure. It blocks publication
    like a failed 6.1 check until it is accepted with a reason (``beacon publish
    --accept-reconciliation --reason``)."""
    failures = []
    for d in rec.kpi_differences:
        what = "RAG" if d.field == "rag" else "direction of travel"
        computed = d.computed if d.computed not in (None, "not_available") else "none"
        failures.append(f"{d.code}: {what} {computed} computed, {d.published} published (published.csv)")
    rows = [(directorate_names.get(d.directorate, d.directorate), d) for d in rec.directorate_differences]
    if rec.total_difference:
        rows.append(("TOTAL", rec.total_difference))
    for label, d in rows:
        parts = ", ".join(f"{key} {v.computed} computed, {v.published} published" for key, v in d.counts.items())
        failures.append(f"{label}: {parts} ({BASIS_FILE[d.basis]})")
    return _check(RECONCILIATION_CHECK_ID, RECONCILIATION_CHECK_NAME, failures)
