"""Key risk indicators: KPIs and activity indicators linked to the risks they evidence, risks
linked to each other, and the trigger rules that flag a risk for review.

It lives in the reports layer because it needs both areas (performance and risk may not import
each other). The rules are elsewhere: a KPI's RAG rating and direction of travel are the
performance results code's (:func:`beacon.performance.results.compute_results`, the same the
dashboards and the QPR use), an activity indicator's position against its expected range is
:func:`beacon.domain.activity.activity_position`, and whether a trigger is met, with its evidence
in words, is :func:`beacon.domain.kri.evaluate`.

* Services take typed commands (:class:`LinkIndicator`, :class:`UnlinkIndicator`,
  :class:`RelateRisks`, :class:`UnrelateRisks`, :class:`ReviewFlag`) and raise
  :class:`IndicatorError`; every write goes through :mod:`beacon.core.audit`.
* :func:`evaluate_triggers` raises the flags due (once per risk, indicator, rule and period: the
  database's unique constraint) and tells the risk's owners and the risk managers
  (:func:`beacon.core.notifications.notify`). It runs after an import or an approved return
  (``beacon.core.signals.results_changed``) and in the daily reminder run (source
  ``risk-triggers``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from beacon.core import audit, clock
from beacon.core.notifications import Notice, notify
from beacon.domain import kri
from beacon.domain.activity import ACTIVITY_PHRASES, ActivityPosition, activity_position
from beacon.domain.kri import FlagStatus, IndicatorPoint, RelationKind, Trigger, TriggerRule
from beacon.domain.narrative import format_value
from beacon.domain.notifications import NotificationKind
from beacon.domain.periods import PeriodError, Quarter, parse_period, quarter_of
from beacon.domain.provenance import marked
from beacon.domain.rag import Rag, ThresholdError
from beacon.domain.rules import RuleSet, get_rule_set
from beacon.domain.wording import reported_dot
from beacon.performance import models as pm
from beacon.performance.results import KpiResult, compute_results
from beacon.risk import models as rm

KPI, ACTIVITY = "kpi", "activity"
KINDS = (KPI, ACTIVITY)
KIND_WORDS = {KPI: "KPI", ACTIVITY: "Activity indicator"}
SYSTEM_USER = "beacon"
"""Who raises a flag: the trigger rule, not a person."""


class IndicatorError(ValueError):
    """A link, relation or review that cannot be made, in words; ``field`` names the form field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


# --- commands ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class LinkIndicator:
    """Link a KPI or activity indicator to a risk (or change the link's trigger)."""

    risk_id: str
    kind: str  # "kpi" | "activity"
    code: str
    by: str
    trigger: TriggerRule = TriggerRule.NONE
    quarters: int = 2
    note: str = ""
    reason: str = ""


@dataclass(frozen=True)
class UnlinkIndicator:
    risk_id: str
    kind: str
    code: str
    by: str
    reason: str = ""


@dataclass(frozen=True)
class RelateRisks:
    """``risk_id`` is related to, or contributes to, ``related_risk_id``."""

    risk_id: str
    related_risk_id: str
    kind: RelationKind
    by: str
    note: str = ""
    reason: str = ""


@dataclass(frozen=True)
class UnrelateRisks:
    risk_id: str
    related_risk_id: str
    kind: RelationKind
    by: str
    reason: str = ""


@dataclass(frozen=True)
class ReviewFlag:
    """Mark a flag reviewed (the risk manager or the risk's owner; the page asks permissions)."""

    flag_id: int
    by: str
    note: str = ""


def _risk(risk_id: str) -> rm.Risk:
    risk = rm.Risk.objects.filter(risk_id=(risk_id or "").strip()).first()
    if risk is None:
        raise IndicatorError(f"There is no risk {risk_id!r}", "risk_id")
    return risk


def _indicator(kind: str, code: str):
    if kind not in KINDS:
        raise IndicatorError(f"The kind must be kpi or activity, not {kind!r}", "kind")
    model = pm.Kpi if kind == KPI else pm.ActivityIndicator
    obj = model.objects.filter(code=(code or "").strip()).first()
    if obj is None:
        raise IndicatorError(f"There is no {KIND_WORDS[kind]} {code!r}", "code")
    return obj


def _check_trigger(kind: str, trigger: TriggerRule, quarters: int) -> None:
    try:
        kri.check_quarters(quarters)
    except kri.TriggerError as exc:
        raise IndicatorError(str(exc).capitalize(), "quarters") from None
    if kind == KPI and trigger is TriggerRule.OUTSIDE_RANGE:
        raise IndicatorError("A KPI has no expected range: outside_range is for activity indicators", "trigger")
    if kind == ACTIVITY and trigger not in (TriggerRule.NONE, TriggerRule.OUTSIDE_RANGE):
        raise IndicatorError("An activity indicator is not RAG-rated: its trigger is none or outside_range", "trigger")


def link_key(risk_id: str, code: str) -> str:
    return f"{risk_id} {code}"


def _change(by: str, reason: str, source: str) -> audit.Change:
    return audit.Change(by=by, at=clock.now(), reason=reason, source=source)


@transaction.atomic
def link_indicator(cmd: LinkIndicator) -> rm.RiskIndicator:
    risk = _risk(cmd.risk_id)
    indicator = _indicator(cmd.kind, cmd.code)
    trigger = TriggerRule(cmd.trigger)
    _check_trigger(cmd.kind, trigger, cmd.quarters)
    lookup = {"risk": risk, cmd.kind if cmd.kind == KPI else "activity": indicator}
    values = {"trigger": trigger.value, "quarters": cmd.quarters, "note": cmd.note.strip()}
    from django.db.models import Max

    order = (rm.RiskIndicator.objects.filter(risk=risk).aggregate(n=Max("display_order"))["n"] or 0) + 1
    link, _ = audit.save_with_history(
        rm.RiskIndicator, lookup, values, entity="risk_indicator", key=link_key(risk.risk_id, indicator.code),
        change=_change(cmd.by, cmd.reason, "risk indicators"), defaults={"display_order": order},
        track_creation=("trigger", "quarters", "note"),
    )
    return link


@transaction.atomic
def unlink_indicator(cmd: UnlinkIndicator) -> None:
    risk = _risk(cmd.risk_id)
    indicator = _indicator(cmd.kind, cmd.code)
    link = rm.RiskIndicator.objects.filter(risk=risk, **{cmd.kind: indicator}).first()
    if link is None:
        raise IndicatorError(f"{indicator.code} is not linked to {risk.risk_id}", "code")
    remove_link(link, _change(cmd.by, cmd.reason, "risk indicators"))


def remove_link(link: rm.RiskIndicator, change: audit.Change) -> None:
    """Delete one link, recording what it was (its flags stay, naming the indicator)."""
    code = link.kpi.code if link.kpi_id else link.activity.code
    audit.record_revision(change, link, "risk_indicator", link_key(link.risk.risk_id, code), "link",
                          f"{link.trigger} {link.quarters}", None)
    link.delete()


def relation_key(from_id: str, kind: str, to_id: str) -> str:
    return f"{from_id} {kind} {to_id}"


@transaction.atomic
def relate_risks(cmd: RelateRisks) -> rm.RiskRelation:
    risk, other = _risk(cmd.risk_id), _risk(cmd.related_risk_id)
    if risk.pk == other.pk:
        raise IndicatorError("A risk cannot be related to itself", "related_risk_id")
    kind = RelationKind(cmd.kind)
    relation, _ = audit.save_with_history(
        rm.RiskRelation, {"from_risk": risk, "to_risk": other, "kind": kind.value}, {"note": cmd.note.strip()},
        entity="risk_relation", key=relation_key(risk.risk_id, kind.value, other.risk_id),
        change=_change(cmd.by, cmd.reason, "risk relations"), track_creation=("note",),
    )
    return relation


@transaction.atomic
def unrelate_risks(cmd: UnrelateRisks) -> None:
    risk, other = _risk(cmd.risk_id), _risk(cmd.related_risk_id)
    kind = RelationKind(cmd.kind)
    relation = rm.RiskRelation.objects.filter(from_risk=risk, to_risk=other, kind=kind.value).first()
    if relation is None:
        raise IndicatorError(f"{risk.risk_id} has no such relation to {other.risk_id}", "related_risk_id")
    remove_relation(relation, _change(cmd.by, cmd.reason, "risk relations"))


def remove_relation(relation: rm.RiskRelation, change: audit.Change) -> None:
    audit.record_revision(change, relation, "risk_relation",
                          relation_key(relation.from_risk.risk_id, relation.kind, relation.to_risk.risk_id),
                          "relation", relation.note or relation.kind, None)
    relation.delete()


def flag_key(flag: rm.RiskFlag) -> str:
    return f"{flag.risk.risk_id} {flag.indicator_code} {flag.trigger} {flag.period}"


@transaction.atomic
def review_flag(cmd: ReviewFlag) -> rm.RiskFlag:
    flag = rm.RiskFlag.objects.select_for_update().select_related("risk").filter(pk=cmd.flag_id).first()
    if flag is None:
        raise IndicatorError("There is no such flag", "flag")
    if flag.status == FlagStatus.REVIEWED:
        raise IndicatorError(f"This flag was already reviewed by {flag.reviewed_by}", "flag")
    values = {"status": FlagStatus.REVIEWED.value, "reviewed_by": cmd.by, "reviewed_at": clock.now(),
              "review_note": cmd.note.strip()}
    flag, _ = audit.save_with_history(rm.RiskFlag, {"pk": flag.pk}, values, entity="risk_flag", key=flag_key(flag),
                                      change=_change(cmd.by, cmd.note.strip(), "flag reviewed"))
    return flag


# --- results, quarter by quarter ----------------------------------------------------------------
@dataclass
class _Results:
    """Each quarter's KPI results as points, computed once per data version (one query per table
    per quarter, then kept like the dashboards' models: ``beacon.reports.dashboards.remembered``)."""

    rule_set: RuleSet
    by_quarter: dict[Quarter, dict[str, IndicatorPoint]] = field(default_factory=dict)

    def of(self, code: str, q: Quarter) -> IndicatorPoint:
        if q not in self.by_quarter:
            from .dashboards import remembered

            self.by_quarter[q] = remembered("kri-points:" + q.slug, lambda: {
                r.code: _kpi_point(r.kpi, q, r) for r in compute_results(q, self.rule_set)})
        return self.by_quarter[q].get(code) or IndicatorPoint(period=q.label)


def _latest_quarter(observations) -> Quarter | None:
    latest = None
    for period in observations:
        try:
            q = quarter_of(parse_period(period))
        except PeriodError:
            continue
        latest = q if latest is None or q > latest else latest
    return latest


def _kpi_point(kpi: pm.Kpi, q: Quarter, r: KpiResult | None) -> IndicatorPoint:
    if r is None:
        return IndicatorPoint(period=q.label)
    obs = r.value_observation
    illustrative = bool(obs is not None and obs.value is not None and obs.illustrative)
    floor_text = ""
    if r.thresholds is not None and r.thresholds.floor is not None:
        floor_text = marked(format_value(r.thresholds.floor, kpi.unit, r.decimals),
                            r.target_row.floor_source if r.target_row else None)
    value = r.value if r.value is not None else (float(obs.value) if illustrative else None)
    value_text = format_value(value, kpi.unit, r.decimals) if value is not None else ""
    if illustrative:
        value_text += " (illustrative)"
    flags = r.dot_evidence.flags if r.dot_evidence else ()
    dot = reported_dot(r.dot.value if r.dot else None, r.dot_source, flags)
    rag = r.rag.value if r.rag else None
    below = rag == Rag.RED and r.rag_source == "computed" and r.value is not None
    return IndicatorPoint(period=q.label, rag=rag, dot=dot, below_floor=below, illustrative=illustrative,
                          value_text=value_text, floor_text=floor_text)


def kpi_points(kpi: pm.Kpi, quarters: int, results: _Results | None = None,
               until: Quarter | None = None) -> list[IndicatorPoint]:
    """The KPI's last ``quarters`` quarters of results, oldest first, ending with its latest
    quarter with a value (or ``until``)."""
    results = results or _Results(get_rule_set())
    end = until or _latest_quarter(kpi.observations.values_list("period", flat=True))
    if end is None:
        return []
    return [results.of(kpi.code, q) for q in end.last(quarters)]


def _num(v):
    return None if v is None else float(v)


def _range_text(ind: pm.ActivityIndicator, o: pm.ActivityObservation) -> str:
    low, high = _num(o.lower_threshold), _num(o.upper_threshold)
    if low is not None and high is not None:
        return (f"expected {format_value(low, ind.unit, ind.decimals)} to "
                f"{format_value(high, ind.unit, ind.decimals)}")
    if low is not None:
        return f"expected at least {format_value(low, ind.unit, ind.decimals)}"
    if high is not None:
        return f"expected at most {format_value(high, ind.unit, ind.decimals)}"
    return ""


def _activity_point(ind: pm.ActivityIndicator, q: Quarter, o: pm.ActivityObservation | None,
                    rule_set: RuleSet) -> IndicatorPoint:
    if o is None or o.value is None:
        return IndicatorPoint(period=q.label)
    value_text = format_value(float(o.value), ind.unit, ind.decimals)
    if o.illustrative:
        return IndicatorPoint(period=q.label, illustrative=True, value_text=value_text + " (illustrative)")
    try:
        position = activity_position(float(o.value), _num(o.lower_threshold), _num(o.upper_threshold),
                                     _num(o.benchmark), rule_set.activity, ind.decimals)
    except ThresholdError:
        position = ActivityPosition.NOT_ASSESSED
    outside = position in (ActivityPosition.ABOVE, ActivityPosition.BELOW)
    words = ACTIVITY_PHRASES[position]
    expected = _range_text(ind, o)
    return IndicatorPoint(period=q.label, outside_range=outside, value_text=value_text,
                          position_text=f"{words}: {expected}" if expected and outside else words)


def activity_points(ind: pm.ActivityIndicator, quarters: int, rule_set: RuleSet | None = None,
                    until: Quarter | None = None) -> list[IndicatorPoint]:
    """The indicator's last ``quarters`` quarters (a monthly indicator: each quarter's latest
    month), oldest first, ending with its latest quarter with a value (or ``until``)."""
    rule_set = rule_set or get_rule_set()
    by_quarter: dict[Quarter, pm.ActivityObservation] = {}
    for o in ind.observations.order_by("period_sort"):
        try:
            by_quarter[quarter_of(parse_period(o.period))] = o
        except PeriodError:
            continue
    end = until or (max(by_quarter) if by_quarter else None)
    if end is None:
        return []
    return [_activity_point(ind, q, by_quarter.get(q), rule_set) for q in end.last(quarters)]


def link_code(link: rm.RiskIndicator) -> str:
    return link.kpi.code if link.kpi_id else link.activity.code


def link_kind(link: rm.RiskIndicator) -> str:
    return KPI if link.kpi_id else ACTIVITY


def _history(link: rm.RiskIndicator, results: _Results, quarters: int) -> list[IndicatorPoint]:
    if link.kpi_id:
        return kpi_points(link.kpi, quarters, results)
    return activity_points(link.activity, quarters, results.rule_set)


# --- the trigger rules ---------------------------------------------------------------------------
def evaluate_triggers(codes: Iterable[str] | None = None, *, now: dt.datetime | None = None) -> list[rm.RiskFlag]:
    """Evaluate the trigger rule of every link of an active risk (only those of the KPIs and
    activity indicators ``codes`` when given) and raise the flags due, once each: a flag already
    raised for the risk, indicator, rule and period is never raised again, reviewed or not.
    Tells each new flag's risk owners and the risk managers. Returns the new flags."""
    links = (rm.RiskIndicator.objects.select_related("risk", "kpi", "activity")
             .exclude(trigger=TriggerRule.NONE).filter(risk__status="active"))
    if codes is not None:
        codes = set(codes)
        if not codes:
            return []
        from django.db.models import Q

        links = links.filter(Q(kpi__code__in=codes) | Q(activity__code__in=codes))
    results = _Results(get_rule_set())
    raised = []
    for link in links:
        trigger = kri.evaluate(link.trigger, link.quarters, _history(link, results, link.quarters), link_code(link))
        if trigger is not None:
            flag = _raise(link, trigger, now or clock.now())
            if flag is not None:
                raised.append(flag)
    if raised:
        notify(n for flag in raised for n in flag_notices(flag))
    return raised


def _raise(link: rm.RiskIndicator, trigger: Trigger, now: dt.datetime) -> rm.RiskFlag | None:
    code = link_code(link)
    lookup = {"risk": link.risk, "indicator_code": code, "trigger": trigger.rule.value, "period": trigger.period}
    if rm.RiskFlag.objects.filter(**lookup).exists():
        return None
    try:
        with transaction.atomic():  # two runs at once: the unique constraint keeps one flag
            flag, outcome = audit.save_with_history(
                rm.RiskFlag, lookup, {"evidence": trigger.evidence, "indicator": link},
                entity="risk_flag", key=f"{link.risk.risk_id} {code} {trigger.rule.value} {trigger.period}",
                change=audit.Change(by=SYSTEM_USER, at=now, reason=trigger.rule.label, source="trigger rule"),
                defaults={"raised_at": now}, track_creation=("evidence",),
            )
    except IntegrityError:
        return None
    return flag if outcome == "created" else None


def _recipients(risk: rm.Risk) -> list[int]:
    from django.contrib.auth import get_user_model

    from beacon.core.permissions import RISK_MANAGER

    users = get_user_model().objects.filter(is_active=True)
    owners = set(users.filter(risk_assignments__risk=risk).values_list("pk", flat=True))
    managers = set(users.filter(groups__name=RISK_MANAGER).values_list("pk", flat=True))
    return sorted(owners | managers)


def flag_notices(flag: rm.RiskFlag) -> list[Notice]:
    """What a flag tells each of its risk's owners and the risk managers."""
    risk = flag.risk
    subject = f"{risk.risk_id} {risk.title} flagged for review: {flag.indicator_code} {flag.period}"
    body = (f"{risk.risk_id} {risk.title} was flagged for review by its key risk indicator "
            f"{flag.indicator_code} ({TriggerRule(flag.trigger).label.lower()}).\n\n{flag.evidence}.")
    event = f"risk_flagged:{risk.risk_id}:{flag.indicator_code}:{flag.trigger}:{flag.period}"
    url = f"/risks/{risk.risk_id}/#flags"
    return [Notice(user_id=u, event_key=event, kind=NotificationKind.RISK_FLAGGED, subject=subject[:300],
                   body=body, url=url) for u in _recipients(risk)]


def reminder_notices(today: dt.date) -> list[Notice]:
    """The daily run's source ``risk-triggers``: evaluate every trigger rule (raising the flags
    due), then the notices of every open flag (notify() records each once per person)."""
    evaluate_triggers()
    return [n for flag in rm.RiskFlag.objects.filter(status=FlagStatus.OPEN).select_related("risk")
            for n in flag_notices(flag)]


def on_results_changed(sender, kpi_codes=None, **kwargs) -> None:
    """The receiver of ``beacon.core.signals.results_changed``."""
    evaluate_triggers(kpi_codes)


# --- what the pages show -------------------------------------------------------------------------
@dataclass(frozen=True)
class IndicatorView:
    """One link as the risk page and the KPI page show it."""

    link: rm.RiskIndicator
    kind: str
    code: str
    name: str
    url_name: str  # "web:kpi" | "web:indicator"
    latest: IndicatorPoint | None
    trigger_words: str

    @property
    def kind_label(self) -> str:
        return KIND_WORDS[self.kind]


def trigger_words(link: rm.RiskIndicator) -> str:
    rule = TriggerRule(link.trigger)
    if rule is TriggerRule.NONE:
        return rule.label
    if rule is TriggerRule.WORSENING_WHILE_AMBER:
        return f"Amber and worsening for {link.quarters} consecutive quarter{'s' if link.quarters != 1 else ''}"
    what = {TriggerRule.BELOW_FLOOR: "Below floor standard", TriggerRule.RED: "Red",
            TriggerRule.OUTSIDE_RANGE: "Outside its expected range"}[rule]
    return f"{what} for {link.quarters} consecutive quarter{'s' if link.quarters != 1 else ''}"


def _view(link: rm.RiskIndicator, results: _Results) -> IndicatorView:
    points = _history(link, results, 1)
    ind = link.kpi if link.kpi_id else link.activity
    return IndicatorView(link=link, kind=link_kind(link), code=ind.code, name=ind.name,
                         url_name="web:kpi" if link.kpi_id else "web:indicator",
                         latest=points[-1] if points else None, trigger_words=trigger_words(link))


@dataclass(frozen=True)
class RiskIndicators:
    """The risk page's section: indicators with their latest results, related risks, flags."""

    indicators: list[IndicatorView]
    related: list[tuple[str, rm.Risk, rm.RiskRelation, bool]]  # (words, the other risk, relation, from this risk)
    flags: list[rm.RiskFlag]

    @property
    def open_flags(self) -> list[rm.RiskFlag]:
        return [f for f in self.flags if f.status == FlagStatus.OPEN]


def for_risk(risk: rm.Risk) -> RiskIndicators:
    results = _Results(get_rule_set())
    links = risk.indicators.select_related("kpi", "activity", "risk")
    related = []
    for r in risk.relations_out.select_related("to_risk").order_by("to_risk__risk_id", "kind"):
        words = "Contributes to" if r.kind == RelationKind.CONTRIBUTES_TO else "Related to"
        related.append((words, r.to_risk, r, True))
    for r in risk.relations_in.select_related("from_risk").order_by("from_risk__risk_id", "kind"):
        words = "Contributed to by" if r.kind == RelationKind.CONTRIBUTES_TO else "Related to"
        related.append((words, r.from_risk, r, False))
    return RiskIndicators(indicators=[_view(link, results) for link in links], related=related,
                          flags=list(risk.flags.all()))


@dataclass(frozen=True)
class KpiRisk:
    risk: rm.Risk
    link: rm.RiskIndicator
    trigger_words: str
    open_flags: list[rm.RiskFlag]


def risks_for(indicator) -> list[KpiRisk]:
    """The risks a KPI or activity indicator evidences, with their open flags from it."""
    field_name = "kpi" if isinstance(indicator, pm.Kpi) else "activity"
    out = []
    for link in rm.RiskIndicator.objects.filter(**{field_name: indicator}).select_related("risk").order_by("risk__risk_id"):
        flags = list(rm.RiskFlag.objects.filter(risk=link.risk, indicator_code=indicator.code, status=FlagStatus.OPEN))
        out.append(KpiRisk(link.risk, link, trigger_words(link), flags))
    return out


def open_flags_by_risk() -> dict[str, list[rm.RiskFlag]]:
    """Every open flag, by risk id (the register page marks those risks)."""
    out: dict[str, list[rm.RiskFlag]] = {}
    for flag in rm.RiskFlag.objects.filter(status=FlagStatus.OPEN).select_related("risk").order_by("raised_at", "pk"):
        out.setdefault(flag.risk.risk_id, []).append(flag)
    return out
