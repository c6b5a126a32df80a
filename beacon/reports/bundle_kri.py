"""The key risk indicator files of a data bundle: ``risk_indicators.csv`` (which KPIs and
activity indicators evidence which risks, and the trigger rule of each link) and
``risk_relations.csv`` (how risks bear on each other).

``risk_indicators.csv``: ``risk_id``, ``kind`` (``kpi`` or ``activity``), ``indicator`` (its
code), ``trigger`` (``none``, ``below_floor``, ``red``, ``worsening_while_amber``,
``outside_range``; default ``none``), ``quarters`` (consecutive quarters the trigger needs, 1 to
12; default 2), ``note``.

``risk_relations.csv``: ``risk_id``, ``related_risk_id``, ``kind`` (``related`` or
``contributes_to``: the first risk contributes to the second), ``note``.

A risk named in a file has exactly the links (relations from it) the file lists: one no longer
listed is removed, the removal recorded (a flag it raised stays). Every change goes through
:mod:`beacon.core.audit`; importing the same files twice changes nothing; the export writes
files that re-import unchanged. The part is registered by ``beacon.reports.apps`` after the
performance and risk parts, so a bundle's own risks, KPIs and indicators are loaded first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from beacon.bundle.errors import BundleErrors
from beacon.bundle.importer import BundlePart, LoadContext
from beacon.bundle.load import change, upsert
from beacon.bundle.reader import Bundle
from beacon.bundle.schema import Column, FileSpec, Record, check_lengths, choice, parse_integer
from beacon.core.audit import value_text
from beacon.domain.kri import MAX_QUARTERS, RelationKind, TriggerRule
from beacon.performance import models as pm
from beacon.risk import models as rm

from . import risk_indicators as svc

INDICATORS_FILE = "risk_indicators.csv"
RELATIONS_FILE = "risk_relations.csv"


def _quarters(text: str) -> int:
    n = parse_integer(text)
    if not 1 <= n <= MAX_QUARTERS:
        raise ValueError(f"{text!r} is not a whole number from 1 to {MAX_QUARTERS}")
    return n


def _check_link(record: Record, errors: BundleErrors) -> None:
    trigger = TriggerRule(record["trigger"] or TriggerRule.NONE)
    if record["kind"] == svc.KPI and trigger is TriggerRule.OUTSIDE_RANGE:
        errors.add(f"{record.where('trigger')}: a KPI has no expected range: outside_range is for activity indicators")
    if record["kind"] == svc.ACTIVITY and trigger not in (TriggerRule.NONE, TriggerRule.OUTSIDE_RANGE):
        errors.add(f"{record.where('trigger')}: an activity indicator is not RAG-rated: its trigger is none or "
                   f"outside_range")


def _check_relation(record: Record, errors: BundleErrors) -> None:
    if record["risk_id"] == record["related_risk_id"]:
        errors.add(f"{record.where('related_risk_id')}: a risk cannot be related to itself")


INDICATORS = FileSpec(
    INDICATORS_FILE,
    [
        Column("risk_id", required=True, help="The risk's id, e.g. CRR0001."),
        Column("kind", choice(*svc.KINDS), required=True, help="kpi or activity."),
        Column("indicator", required=True, help="The KPI's or activity indicator's code."),
        Column("trigger", choice(*(t.value for t in TriggerRule)), help="The trigger rule (default none)."),
        Column("quarters", _quarters, help=f"Consecutive quarters the trigger needs, 1 to {MAX_QUARTERS} (default 2)."),
        Column("note", help="Why the indicator evidences the risk, or where the link comes from."),
    ],
    key=("risk_id", "kind", "indicator"),
    row_check=_check_link,
    description="Key risk indicators: the KPIs and activity indicators that evidence each risk.",
)

RELATIONS = FileSpec(
    RELATIONS_FILE,
    [
        Column("risk_id", required=True),
        Column("related_risk_id", required=True),
        Column("kind", choice(*(k.value for k in RelationKind)), required=True,
               help="related, or contributes_to (risk_id contributes to related_risk_id)."),
        Column("note"),
    ],
    key=("risk_id", "related_risk_id", "kind"),
    row_check=_check_relation,
    description="How risks bear on each other.",
)

FILES = {spec.name: spec for spec in (INDICATORS, RELATIONS)}


def owns(name: str) -> bool:
    return name in FILES


@dataclass
class KriBundle:
    records: dict[str, list[Record]] = field(default_factory=dict)

    def get(self, name: str) -> list[Record]:
        return self.records.get(name, [])


def _codes_in(bundle: Bundle, file: str, column: str) -> set[str]:
    sheet = bundle.sheets.get(file)
    if sheet is None:
        return set()
    return {(row.values.get(column) or "").strip() for row in sheet.rows}


def validate(bundle: Bundle, errors: BundleErrors) -> KriBundle:
    """Parse both files and check every risk, KPI and indicator named exists, in the database or
    in this bundle's own files."""
    result = KriBundle()
    for name, spec in FILES.items():
        sheet = bundle.sheets.get(name)
        if sheet is not None:
            result.records[name] = spec.parse(sheet, errors)
    if not result.records:
        return result
    risks = set(rm.Risk.objects.values_list("risk_id", flat=True)) | _codes_in(bundle, "risks.csv", "id")
    known = {
        svc.KPI: set(pm.Kpi.objects.values_list("code", flat=True)) | _codes_in(bundle, "kpis.csv", "code"),
        svc.ACTIVITY: (set(pm.ActivityIndicator.objects.values_list("code", flat=True))
                       | _codes_in(bundle, "activity_indicators.csv", "code")),
    }
    for r in result.get(INDICATORS_FILE):
        if r["risk_id"] not in risks:
            errors.add(f"{r.where('risk_id')}: unknown risk {r['risk_id']!r} (not in risks.csv or the database)")
        if r["indicator"] not in known[r["kind"]]:
            where = "kpis.csv" if r["kind"] == svc.KPI else "activity_indicators.csv"
            errors.add(f"{r.where('indicator')}: unknown {svc.KIND_WORDS[r['kind']]} {r['indicator']!r} "
                       f"(not in {where} or the database)")
    for r in result.get(RELATIONS_FILE):
        for column in ("risk_id", "related_risk_id"):
            if r[column] not in risks:
                errors.add(f"{r.where(column)}: unknown risk {r[column]!r} (not in risks.csv or the database)")
    check_lengths(result.get(INDICATORS_FILE), {"risk_id": (rm.Risk, "risk_id"), "indicator": (pm.Kpi, "code")}, errors)
    check_lengths(result.get(RELATIONS_FILE), {"risk_id": (rm.Risk, "risk_id"),
                                              "related_risk_id": (rm.Risk, "risk_id")}, errors)
    return result


def load(parsed: KriBundle, ctx: LoadContext) -> None:
    if parsed.get(INDICATORS_FILE):
        _load_indicators(parsed.get(INDICATORS_FILE), ctx)
    if parsed.get(RELATIONS_FILE):
        _load_relations(parsed.get(RELATIONS_FILE), ctx)


def _load_indicators(records: list[Record], ctx: LoadContext) -> None:
    risks = {r.risk_id: r for r in rm.Risk.objects.filter(risk_id__in={r["risk_id"] for r in records})}
    kpis = {k.code: k for k in pm.Kpi.objects.filter(code__in={r["indicator"] for r in records if r["kind"] == svc.KPI})}
    acts = {a.code: a for a in pm.ActivityIndicator.objects.filter(
        code__in={r["indicator"] for r in records if r["kind"] == svc.ACTIVITY})}
    kept: dict[str, set[int]] = {}
    # a risk's links keep their order unless the file lists them in another (an export lists them
    # in the order held, so it re-imports unchanged); then they are numbered in the file's order
    listed: dict[str, list[tuple[str, str]]] = {}
    for r in records:
        listed.setdefault(r["risk_id"], []).append((r["kind"], r["indicator"]))
    renumber = {risk_id: wanted != _held_order(risks[risk_id]) for risk_id, wanted in listed.items()}
    order: dict[str, int] = {}
    for r in records:
        risk = risks[r["risk_id"]]
        indicator = kpis[r["indicator"]] if r["kind"] == svc.KPI else acts[r["indicator"]]
        position = order[risk.risk_id] = order.get(risk.risk_id, -1) + 1
        values = {"trigger": r["trigger"] or TriggerRule.NONE.value, "quarters": r["quarters"] or 2,
                  "note": r["note"] or ""}
        if renumber[risk.risk_id]:
            values["display_order"] = position
        link = upsert(ctx, r, rm.RiskIndicator, {"risk": risk, r["kind"]: indicator}, values, "risk_indicator",
                      svc.link_key(risk.risk_id, indicator.code), defaults={"display_order": position},
                      track_creation=("trigger", "quarters", "note"))
        kept.setdefault(risk.risk_id, set()).add(link.pk)
    for risk_id, pks in kept.items():
        for link in rm.RiskIndicator.objects.filter(risk=risks[risk_id]).exclude(pk__in=pks).select_related(
                "risk", "kpi", "activity"):
            svc.remove_link(link, change(ctx, INDICATORS_FILE))
            ctx.count(INDICATORS_FILE, "changed")  # a link removed


def _held_order(risk: rm.Risk) -> list[tuple[str, str]]:
    return [(svc.link_kind(link), svc.link_code(link))
            for link in rm.RiskIndicator.objects.filter(risk=risk).select_related("kpi", "activity").order_by(
                "display_order", "pk")]


def _load_relations(records: list[Record], ctx: LoadContext) -> None:
    ids = {r["risk_id"] for r in records} | {r["related_risk_id"] for r in records}
    risks = {r.risk_id: r for r in rm.Risk.objects.filter(risk_id__in=ids)}
    kept: dict[str, set[int]] = {}
    for r in records:
        a, b = risks[r["risk_id"]], risks[r["related_risk_id"]]
        relation = upsert(ctx, r, rm.RiskRelation, {"from_risk": a, "to_risk": b, "kind": r["kind"]},
                          {"note": r["note"] or ""}, "risk_relation", svc.relation_key(a.risk_id, r["kind"], b.risk_id),
                          track_creation=("note",))
        kept.setdefault(a.risk_id, set()).add(relation.pk)
    for risk_id, pks in kept.items():
        for relation in rm.RiskRelation.objects.filter(from_risk=risks[risk_id]).exclude(pk__in=pks).select_related(
                "from_risk", "to_risk"):
            svc.remove_relation(relation, change(ctx, RELATIONS_FILE))
            ctx.count(RELATIONS_FILE, "changed")  # a relation removed


def export_files() -> dict[str, tuple[list[str], list[dict]]]:
    files: dict[str, tuple[list[str], list[dict]]] = {}
    links = list(rm.RiskIndicator.objects.select_related("risk", "kpi", "activity").order_by(
        "risk__risk_id", "display_order", "pk"))
    if links:
        files[INDICATORS_FILE] = (INDICATORS.column_names, [
            {"risk_id": link.risk.risk_id, "kind": svc.link_kind(link), "indicator": svc.link_code(link),
             "trigger": link.trigger, "quarters": value_text(link.quarters), "note": link.note}
            for link in links
        ])
    relations = list(rm.RiskRelation.objects.select_related("from_risk", "to_risk").order_by(
        "from_risk__risk_id", "to_risk__risk_id", "kind"))
    if relations:
        files[RELATIONS_FILE] = (RELATIONS.column_names, [
            {"risk_id": r.from_risk.risk_id, "related_risk_id": r.to_risk.risk_id, "kind": r.kind, "note": r.note}
            for r in relations
        ])
    return files


PART = BundlePart(name="risk indicators", owns=owns, validate=validate, load=load, export=export_files)
