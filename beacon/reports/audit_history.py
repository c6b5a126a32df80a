"""The histories the areas keep beside the audit log, for the audit view
(:mod:`beacon.core.audit_view`): each turns its rows into the view's
:class:`~beacon.core.audit_view.AuditRow`, so that one list shows every change. They live here
because they read several areas (risk, returns, reports), which core may not import.

* a risk's ratings (:class:`~beacon.risk.models.RiskRating`: a re-rating or a new target is a new
  row, never a revision): kind ``risk``, field ``current rating`` or ``target rating``, the old
  value the rating it replaced;
* an action's progress updates (:class:`~beacon.risk.models.ActionUpdate`): kind ``action``,
  field ``progress update``, the old value the update before it;
* a return's history (:class:`~beacon.returns.models.ReturnEvent`): kind ``return``; a save is
  field ``entries`` (what changed, old and new), every other event field ``status`` (the status
  before and after);
* the QPR's publications (:class:`~beacon.reports.models.PublishedReport`): kind
  ``report edition``, field ``published``.

A revised action date (:class:`~beacon.risk.models.ActionDateRevision`) is not listed again: the
same change is a revision of the action's ``due_text``, ``due_date`` and ``due_kind``. A target
change (:class:`~beacon.performance.models.TargetChange`) is a revision of the KPI's target row.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat

from beacon.core.audit_view import REVISIONS, AuditFilter, AuditRow, History, RecordRef
from beacon.domain.risk import display_rating
from beacon.returns.models import Return, ReturnEvent
from beacon.risk.models import ActionUpdate, RiskRating

from .models import PublishedReport


def _previous(rows, group, order) -> dict[int, object]:
    """For each row (by pk), the row before it in its group (``group(row)``), by ``order``."""
    before = {}
    groups = defaultdict(list)
    for row in rows:
        groups[group(row)].append(row)
    for items in groups.values():
        items.sort(key=order)
        for earlier, later in zip(items, items[1:]):
            before[later.pk] = earlier
    return before


def _common(f: AuditFilter, kinds: tuple[str, ...], model: str) -> bool:
    """Whether a history of ``kinds`` holding records of ``model`` can match ``f`` at all."""
    if f.kind and f.kind not in kinds:
        return False
    return not (f.record and f.record.model != model)


class RatingHistory(History):
    name = "risk rating"
    rank = 1
    at = "recorded_at"
    kinds = ("risk",)

    def queryset(self):
        return RiskRating.objects.select_related("risk")

    def narrow(self, qs, f):
        if not _common(f, self.kinds, "risk.risk"):
            return None
        if f.record:
            qs = qs.filter(risk_id=f.record.pk)
        if f.label:
            qs = qs.filter(risk__risk_id__icontains=f.label)
        if f.person:
            qs = qs.filter(recorded_by=f.person)
        return qs

    def rows(self, objs):
        risks = {o.risk_id for o in objs}
        history = list(RiskRating.objects.filter(risk_id__in=risks).only(
            "pk", "risk_id", "kind", "likelihood", "impact", "effective_date"))
        before = _previous(history, lambda r: (r.risk_id, r.kind), lambda r: (r.effective_date, r.pk))
        out = []
        for o in objs:
            prior = before.get(o.pk)
            out.append(AuditRow(
                at=o.recorded_at, by=o.recorded_by, kind="risk", label=o.risk.risk_id, field=f"{o.kind} rating",
                old=display_rating(prior.likelihood, prior.impact) if prior else "",
                new=display_rating(o.likelihood, o.impact) + f" from {o.effective_date.day} {o.effective_date:%B %Y}",
                reason=o.reason, source=o.source, history=self.name, rank=self.rank, pk=o.pk,
                record=RecordRef("risk.risk", o.risk_id)))
        return out

    def people(self):
        return set(RiskRating.objects.values_list("recorded_by", flat=True).order_by().distinct())


class ActionUpdateHistory(History):
    name = "progress update"
    rank = 2
    at = "recorded_at"
    kinds = ("action",)

    def queryset(self):
        return ActionUpdate.objects.select_related("action__risk")

    def narrow(self, qs, f):
        if not _common(f, self.kinds, "risk.action"):
            return None
        if f.record:
            qs = qs.filter(action_id=f.record.pk)
        if f.label:  # the action's label, as its revisions have it: "CRR0001 #17"
            qs = qs.annotate(audit_label=Concat("action__risk__risk_id", Value(" #"),
                                                Cast("action_id", CharField()), output_field=CharField()))
            qs = qs.filter(audit_label__icontains=f.label)
        if f.person:
            qs = qs.filter(recorded_by=f.person)
        return qs

    def rows(self, objs):
        actions = {o.action_id for o in objs}
        history = list(ActionUpdate.objects.filter(action_id__in=actions).only("pk", "action_id", "text", "recorded_at"))
        before = _previous(history, lambda u: u.action_id, lambda u: (u.recorded_at, u.pk))
        out = []
        for o in objs:
            prior = before.get(o.pk)
            out.append(AuditRow(
                at=o.recorded_at, by=o.recorded_by, kind="action", label=o.action.history_key, field="progress update",
                old=prior.text if prior else "", new=f"{o.status_label}: {o.text}", reason="",
                source=o.reported_in, history=self.name, rank=self.rank, pk=o.pk,
                record=RecordRef("risk.action", o.action_id)))
        return out

    def people(self):
        return set(ActionUpdate.objects.values_list("recorded_by", flat=True).order_by().distinct())


# the status a return has after each event
_STATUS_AFTER = {
    ReturnEvent.Action.OPENED: Return.Status.NOT_STARTED,
    ReturnEvent.Action.SAVED: Return.Status.DRAFT,
    ReturnEvent.Action.SUBMITTED: Return.Status.SUBMITTED,
    ReturnEvent.Action.RETURNED: Return.Status.RETURNED,
    ReturnEvent.Action.APPROVED: Return.Status.APPROVED,
    ReturnEvent.Action.REOPENED: Return.Status.REOPENED,
}


def _changes_text(changes, side: str) -> str:
    return "; ".join(f"{c.get('field', '')}: {c.get(side, '') or '(blank)'}" for c in changes or ()
                     if isinstance(c, dict) and "field" in c)


class ReturnHistory(History):
    name = "return"
    rank = 3
    at = "at"
    kinds = ("return",)

    def queryset(self):
        return ReturnEvent.objects.select_related("ret__period", "ret__directorate")

    def narrow(self, qs, f):
        if not _common(f, self.kinds, "returns.return"):
            return None
        if f.record:
            qs = qs.filter(ret_id=f.record.pk)
        if f.label:  # "2022/23 Q3 AA"
            qs = qs.annotate(audit_label=Concat("ret__period__period", Value(" "), "ret__directorate__code",
                                                output_field=CharField()))
            qs = qs.filter(audit_label__icontains=f.label)
        if f.person:
            qs = qs.filter(by=f.person)
        return qs

    def rows(self, objs):
        returns = {o.ret_id for o in objs}
        history = list(ReturnEvent.objects.filter(ret_id__in=returns).only("pk", "ret_id", "action", "at"))
        before = _previous(history, lambda e: e.ret_id, lambda e: (e.at, e.pk))
        out = []
        for o in objs:
            label = f"{o.ret.period.period} {o.ret.directorate.code}"
            if o.action == ReturnEvent.Action.SAVED:
                field, old, new = "entries", _changes_text(o.changes, "old"), _changes_text(o.changes, "new")
            else:
                prior = before.get(o.pk)
                was = _STATUS_AFTER.get(prior.action) if prior else None
                field = "status"
                old = Return.Status(was).label if was else ""
                new = Return.Status(_STATUS_AFTER[o.action]).label if o.action in _STATUS_AFTER else o.get_action_display()
            out.append(AuditRow(
                at=o.at, by=o.by, kind="return", label=label, field=field, old=old, new=new, reason=o.comment,
                source=f"return {o.get_action_display().lower()}", history=self.name, rank=self.rank, pk=o.pk,
                record=RecordRef("returns.return", o.ret_id)))
        return out

    def people(self):
        return set(ReturnEvent.objects.values_list("by", flat=True).order_by().distinct())


class PublicationHistory(History):
    name = "publication"
    rank = 4
    at = "published_at"
    kinds = ("report edition",)

    def queryset(self):
        return PublishedReport.objects.only("pk", "period", "edition", "published_at", "published_by",
                                            "correction_reason")

    def narrow(self, qs, f):
        if not _common(f, self.kinds, "reports.publishedreport"):
            return None
        if f.record:
            qs = qs.filter(pk=f.record.pk)
        if f.label:  # "2022/23 Q2 edition 1"
            qs = qs.annotate(audit_label=Concat("period", Value(" edition "), Cast("edition", CharField()),
                                                output_field=CharField()))
            qs = qs.filter(audit_label__icontains=f.label)
        if f.person:
            qs = qs.filter(published_by=f.person)
        return qs

    def rows(self, objs):
        return [AuditRow(
            at=o.published_at, by=o.published_by, kind="report edition", label=f"{o.period} edition {o.edition}",
            field="published", old=f"edition {o.edition - 1}" if o.edition > 1 else "", new=f"edition {o.edition}",
            reason=o.correction_reason, source="publication", history=self.name, rank=self.rank, pk=o.pk,
            record=RecordRef("reports.publishedreport", o.pk)) for o in objs]

    def people(self):
        return set(PublishedReport.objects.values_list("published_by", flat=True).order_by().distinct())


# --- exempt items ------------------------------------------------------------------------------
# governance records that carry an item's content, and where they sit: a paper (``paper``), an
# agenda item (``item``: meeting and item number) or a minute (``minute``: meeting and minute number)
_PLACED = {
    "governance.paper": ("paper", "pk"),
    "governance.papersection": ("paper", "paper_id"),
    "governance.recommendation": ("paper", "paper_id"),
    "governance.pathway": ("paper", "paper_id"),
    "governance.agendaitem": ("item", ("meeting_id", "number")),
    "governance.minuteitem": ("minute", ("meeting_id", "minute_number")),
    "governance.resolution": ("minute", ("meeting_id", "minute_number")),
    "governance.motion": ("minute", ("meeting_id", "minute_number")),
}


def exempt_records(rows) -> set[RecordRef]:
    """The records among ``rows``' that belong to an exempt item (in the exempt section, or with
    an exempt paper; a paper so classified; a minute of such an item): their values are for those
    who may see exempt items (``VIEW_EXEMPT``). A few queries per page, whatever its rows."""
    from django.apps import apps
    from django.db.models import Q

    from beacon.domain.governance import Section
    from beacon.governance import models as gm

    wanted: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        if row.record is not None and row.record.model in _PLACED:
            wanted[row.record.model].add(row.record.pk)
    if not wanted:
        return set()
    places = {}  # RecordRef -> (how, where)
    for model, pks in wanted.items():
        how, where = _PLACED[model]
        names = where if isinstance(where, tuple) else (where,)
        for pk, *values in apps.get_model(model)._default_manager.filter(pk__in=pks).values_list("pk", *names):
            places[RecordRef(model, pk)] = (how, tuple(values) if isinstance(where, tuple) else values[0])
    meetings = {w[0] for how, w in places.values() if how in ("item", "minute")}
    papers = {w for how, w in places.values() if how == "paper"}
    exempt_papers = set(gm.Paper.objects.filter(pk__in=papers).filter(
        Q(classification=Section.EXEMPT) | Q(agenda_item__section=Section.EXEMPT)).values_list("pk", flat=True))
    exempt_items = set(gm.AgendaItem.objects.filter(meeting_id__in=meetings).filter(
        Q(section=Section.EXEMPT) | Q(paper__classification=Section.EXEMPT)).values_list("meeting_id", "number"))
    exempt_minutes = set(gm.MinuteItem.objects.filter(meeting_id__in={m for m, _ in exempt_items}).filter(
        item_number__isnull=False).values_list("meeting_id", "item_number", "minute_number"))
    exempt_minutes = {(m, minute) for m, item, minute in exempt_minutes if (m, item) in exempt_items}
    out = set()
    for ref, (how, where) in places.items():
        if (how == "paper" and where in exempt_papers) or (how == "item" and where in exempt_items) or \
                (how == "minute" and where in exempt_minutes):
            out.add(ref)
    return out


EVERY_HISTORY: tuple[History, ...] = (REVISIONS, RatingHistory(), ActionUpdateHistory(), ReturnHistory(),
                                      PublicationHistory())
"""Every history of changes, for the audit view: the audit log first."""
