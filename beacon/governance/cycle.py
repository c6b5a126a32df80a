"""The cycle (governance.md §11): configured rules say where each artefact travels (a quarterly QPR
to Cabinet; the year-end QPR to County Council; the refreshed register to Cabinet, then to
Governance & Audit; each directorate edition to its Cabinet Committee). For a document, Beacon
proposes a placement per step on the next suitable meeting, with its dispatch deadline
(:func:`beacon.domain.cycle.plan_route`); the clerk accepts a placement (its paper is made and put
on the agenda), moves it to another meeting, or skips it with a reason. A cancelled meeting's
placements are skipped by :func:`beacon.governance.services.cancel_meeting`.

The papers themselves are the reports area's (``beacon.reports.papers.create_paper``), which this
layer may not import: :func:`accept_placement` takes the function that makes the paper, and the
page passes it.
"""

from __future__ import annotations

import datetime as dt

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from beacon.core import audit, clock, jsonio
from beacon.domain import cycle as rules
from beacon.domain import governance as g
from beacon.domain.governance_rules import date_words

from . import models as m
from .commands import Command, GovernanceError
from .services import SOURCE, record_route_on_paper

DEFAULT_RULES = Path(__file__).resolve().parent.parent / "demo" / "cycle-rules.json"


# --- the rules -------------------------------------------------------------------------------
def load_rules(path: str | Path = DEFAULT_RULES, by: str = "setup") -> list[m.CycleRule]:
    """Read the cycle's rules from a JSON file (``{"rules": [{"artefact", "step", "body" (a body's
    code), "ask", "dispatch_days", "directorate", "note"}]}``) and save them, each change with its
    history. All or nothing: a rule naming an unknown body or artefact refuses the file, naming the
    rule."""
    data = jsonio.loads(Path(path).read_text(encoding="utf-8"))
    entries = data.get("rules") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise GovernanceError(f"{Path(path).name}: expected {{\"rules\": [...]}}")
    problems, rows = [], []
    bodies = {b.code: b for b in m.Body.objects.all()}
    for n, entry in enumerate(entries, 1):
        where = f"{Path(path).name}: rule {n}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: not an object")
            continue
        artefact = str(entry.get("artefact", ""))
        if artefact not in rules.ARTEFACTS:
            problems.append(f"{where}: artefact “{artefact}” is not one of {', '.join(rules.ARTEFACTS)}")
        body = bodies.get(str(entry.get("body", "")))
        if body is None:
            problems.append(f"{where}: there is no body “{entry.get('body', '')}”")
        ask = str(entry.get("ask", "NOTE")).upper()
        if ask not in {v.value for v in g.RecommendationVerb}:
            problems.append(f"{where}: ask “{ask}” is not one of NOTE, AGREE, APPROVE, ENDORSE, CONSIDER")
        try:
            step, days = int(entry.get("step", 1)), int(entry.get("dispatch_days", 14))
        except (TypeError, ValueError):
            problems.append(f"{where}: step and dispatch_days are whole numbers")
            continue
        if step < 1 or days < 0:
            problems.append(f"{where}: step is 1 or more and dispatch_days 0 or more")
        rows.append((artefact, step, body, ask, days, str(entry.get("directorate", "")), str(entry.get("note", ""))))
    if problems:
        raise GovernanceError("The cycle's rules were not loaded", {f"rule{i}": p for i, p in enumerate(problems)})
    change = audit.Change(by=by, at=clock.now(), source=str(path))
    out = []
    with transaction.atomic():
        for artefact, step, body, ask, days, directorate, note in rows:
            rule, _ = audit.save_with_history(
                m.CycleRule, {"artefact": artefact, "step": step, "body": body, "directorate": directorate},
                {"ask": ask, "dispatch_days": days, "note": note}, entity="cycle rule",
                key=f"{artefact} step {step} {body.code}", change=change, track_creation=("dispatch_days",))
            out.append(rule)
    return out


def _names(body: m.Body) -> set[str]:
    return {n.casefold() for n in (body.code, body.name, *(body.aliases or [])) if n}


def routes_for(ref: rules.DocumentRef, directorate: str = "") -> dict[str, list[m.CycleRule]]:
    """The routes a document travels, artefact (a directorate edition's: with its committee's code)
    -> its rules in step order."""
    all_rules = list(m.CycleRule.objects.select_related("body").order_by("artefact", "step", "pk"))
    by_artefact: dict[str, list[m.CycleRule]] = {}
    for rule in all_rules:
        by_artefact.setdefault(rule.artefact, []).append(rule)
    if ref.kind == "qpr":
        return {a: by_artefact[a] for a in rules.qpr_artefacts(ref) if a in by_artefact}
    if ref.kind != "register":
        return {}
    out = {}
    body = ref.body.casefold()
    for artefact in (rules.REGISTER_REFRESH, rules.REGISTER_ASSURANCE):
        route = by_artefact.get(artefact, [])
        if route and body in _names(route[0].body):
            out[artefact] = route
    own = [r for r in by_artefact.get(rules.REGISTER_DIRECTORATE, [])
           if body in _names(r.body) or (directorate and r.directorate == directorate)]
    for rule in own:  # each directorate's committee is a route of its own
        out[f"{rules.REGISTER_DIRECTORATE} {rule.body.code}"] = [rule]
    return out


# --- placements ------------------------------------------------------------------------------
def _slots() -> list[rules.MeetingSlot]:
    return [rules.MeetingSlot(mt.key, mt.body.code, mt.date, mt.status, mt.body.name)
            for mt in m.Meeting.objects.select_related("body").filter(status=g.MeetingStatus.SCHEDULED)]


def _step(rule: m.CycleRule) -> rules.RouteStep:
    return rules.RouteStep(rule.step, rule.body.code, rule.dispatch_days, rule.body.name)


def _key(placement: m.Placement) -> str:
    return f"{placement.document_ref} {placement.rule.artefact} step {placement.rule.step}"


def _start(ref: rules.DocumentRef, document_date: dt.date | None) -> dt.date:
    return document_date or rules.document_date(ref)


def propose_placements(document_ref: str, by: str, *, document_date: dt.date | None = None,
                       directorate: str = "") -> list[m.Placement]:
    """Propose (or propose again) a placement for every step of the document's routes on the next
    suitable meetings, with their dispatch deadlines; the steps the clerk has accepted or skipped
    keep their decision. Returns the document's placements in route order."""
    try:
        ref = rules.parse_document_ref(document_ref)
    except rules.CycleError as exc:
        raise GovernanceError(f"No placements were proposed: {exc}") from None
    routes = routes_for(ref, directorate)
    if not routes:
        raise GovernanceError(f"No placements were proposed: no rule of the cycle takes {document_ref}")
    start, today, slots = _start(ref, document_date), clock.today(), _slots()
    change = audit.Change(by=by, at=clock.now(), source=SOURCE)
    meetings = {mt.key: mt for mt in m.Meeting.objects.filter(key__in=[s.key for s in slots])}
    with transaction.atomic():
        for artefact, route in routes.items():
            _adopt_papers(ref.text, artefact, route, change)
            locked = m.Placement.objects.select_for_update(of=("self",)).select_related("meeting")
            held = {p.rule_id: p for p in locked.filter(document_ref=ref.text, rule__in=route)}
            fixed = {}
            for rule in route:
                p = held.get(rule.pk)
                if p is not None and p.status != g.PlacementStatus.PROPOSED:
                    fixed[rule.step] = rules.Fixed(p.meeting.date if p.meeting_id else None,
                                                  p.status == g.PlacementStatus.SKIPPED)
            by_step = {r.step: r for r in route}
            for planned in rules.plan_route([_step(r) for r in route], slots, start, today, fixed):
                if planned.fixed:
                    continue
                rule = by_step[planned.step]
                audit.save_with_history(m.Placement, {"document_ref": ref.text, "rule": rule}, {
                    "meeting": meetings.get(planned.meeting) if planned.meeting else None,
                    "dispatch_deadline": planned.deadline, "status": g.PlacementStatus.PROPOSED.value},
                    entity="placement", key=f"{ref.text} {artefact} step {rule.step}", change=change,
                    track_creation=("status",))
            _sync_pathways(ref.text, route, change)
    return placements_of(document_ref)


def _adopt_papers(document_ref: str, artefact: str, route: list[m.CycleRule], change: audit.Change) -> None:
    """A paper already made for the document (by "create a paper") on a meeting of a step's body
    is that step's accepted placement: the route plans around it rather than proposing the step
    again. Steps already accepted or skipped keep their decision."""
    papers = list(m.Paper.objects.select_related("meeting", "meeting__body").filter(
        document_ref=document_ref).exclude(meeting__status=g.MeetingStatus.CANCELLED).order_by("meeting__date", "pk"))
    taken = set(m.Placement.objects.filter(document_ref=document_ref, paper__isnull=False).values_list("paper_id", flat=True))
    decided = set(m.Placement.objects.filter(document_ref=document_ref, rule__in=route).exclude(
        status=g.PlacementStatus.PROPOSED).values_list("rule_id", flat=True))
    for rule in route:
        if rule.pk in decided:
            continue
        paper = next((p for p in papers if p.meeting.body_id == rule.body_id and p.pk not in taken), None)
        if paper is None:
            continue
        audit.save_with_history(m.Placement, {"document_ref": document_ref, "rule": rule}, {
            "meeting": paper.meeting, "paper": paper, "status": g.PlacementStatus.ACCEPTED.value,
            "dispatch_deadline": rules.dispatch_deadline(paper.meeting.date, rule.dispatch_days),
            "decided_by": change.by, "decided_at": change.at},
            entity="placement", key=f"{document_ref} {artefact} step {rule.step}", change=change,
            track_creation=("status",))
        taken.add(paper.pk)


def unplaced_papers(document_ref: str) -> list[m.Paper]:
    """The document's papers on an agenda that no placement carries (made by "create a paper"
    before any placement was proposed or accepted), by meeting date."""
    return list(m.Paper.objects.select_related("meeting", "meeting__body").filter(document_ref=document_ref)
                .exclude(pk__in=m.Placement.objects.filter(paper__isnull=False).values("paper_id"))
                .order_by("meeting__date", "pk"))


def placements_of(document_ref: str) -> list[m.Placement]:
    return list(m.Placement.objects.select_related("rule", "rule__body", "meeting", "meeting__body", "paper")
                .filter(document_ref=document_ref).order_by("rule__artefact", "rule__step", "pk"))


def _route(placement: m.Placement) -> list[m.CycleRule]:
    rule = placement.rule
    if rule.artefact == rules.REGISTER_DIRECTORATE:
        return [rule]
    return list(m.CycleRule.objects.select_related("body").filter(artefact=rule.artefact).order_by("step", "pk"))


def _route_placements(placement: m.Placement) -> list[tuple[m.CycleRule, m.Placement | None]]:
    route = _route(placement)
    held = {p.rule_id: p for p in m.Placement.objects.select_related("meeting").filter(
        document_ref=placement.document_ref, rule__in=route)}
    return [(rule, held.get(rule.pk)) for rule in route]


def _sync_pathways(document_ref: str, route: list[m.CycleRule], change: audit.Change) -> None:
    """The planned steps of the route's papers follow their placements, body by body (a meeting
    proposed anew, a step skipped); a paper's own meeting is left as it is."""
    placements = {p.rule_id: p for p in m.Placement.objects.select_related("meeting").filter(
        document_ref=document_ref, rule__in=route)}
    papers = {p.paper for p in placements.values() if p.paper_id}
    for paper in papers:
        for rule in route:
            p = placements.get(rule.pk)
            if p is None:
                continue
            for row in paper.pathway.filter(body=rule.body, status=g.PathwayStatus.PLANNED).exclude(
                    meeting_id=paper.meeting_id):
                values = {"meeting": p.meeting}
                if p.status == g.PlacementStatus.SKIPPED:
                    values.update(status=g.PathwayStatus.SKIPPED.value, skip_reason=p.skip_reason)
                audit.save_with_history(m.Pathway, {"pk": row.pk}, values, entity="pathway",
                                        key=f"{paper.key} step {row.step}", change=change)


@dataclass(frozen=True)
class AcceptPlacement(Command):
    placement: int = 0
    failure = "The placement was not accepted"


@dataclass(frozen=True)
class MovePlacement(Command):
    placement: int = 0
    meeting: str = ""
    labels = {"meeting": "Meeting"}
    failure = "The placement was not moved"


@dataclass(frozen=True)
class SkipPlacement(Command):
    placement: int = 0
    reason: str = ""
    labels = {"reason": "Reason"}
    failure = "The placement was not skipped"


def _placement(command) -> m.Placement:
    p = (m.Placement.objects.select_for_update(of=("self",))
         .select_related("rule", "rule__body", "meeting", "meeting__body").filter(pk=command.placement).first())
    if p is None:
        raise GovernanceError(f"{command.failure}: there is no such placement")
    return p


def accept_placement(command: AcceptPlacement, make_paper: Callable[[m.Placement], m.Paper]) -> m.Placement:
    """Accept a proposed placement: the paper is made by ``make_paper`` (the reports area's "create
    paper", which puts it on the meeting's agenda), or the paper already on that agenda for the
    document is taken; the paper's pathway records the route."""
    with transaction.atomic():
        p = _placement(command)
        if p.status != g.PlacementStatus.PROPOSED:
            raise GovernanceError(f"{command.failure}: it is {g.PlacementStatus(p.status).label.lower()}")
        if p.meeting is None:
            raise GovernanceError(f"{command.failure}: no meeting is proposed; move it to a meeting first")
        problem = rules.unsuitable(rules.MeetingSlot(p.meeting.key, p.meeting.body.code, p.meeting.date,
                                                     p.meeting.status, p.meeting.body.name), _step(p.rule), p.meeting.date, clock.today())
        if problem:
            raise GovernanceError(f"{command.failure}: {problem}")
        paper = m.Paper.objects.filter(meeting=p.meeting, document_ref=p.document_ref).first() or make_paper(p)
        change = audit.Change(by=command.by, at=clock.now(), source=SOURCE)
        audit.save_with_history(m.Placement, {"pk": p.pk}, {
            "status": g.PlacementStatus.ACCEPTED.value, "paper": paper, "decided_by": command.by,
            "decided_at": change.at}, entity="placement", key=_key(p), change=change)
        steps = []
        for rule, other in _route_placements(p):
            mt = other.meeting if other is not None else None
            skipped = other is not None and other.status == g.PlacementStatus.SKIPPED
            steps.append((rule.body, mt, (g.PathwayStatus.SKIPPED if skipped else g.PathwayStatus.PLANNED).value,
                          other.skip_reason if skipped else ""))
        record_route_on_paper(paper, steps, command.by)  # a paper made with a pathway of its own keeps it,
        _sync_pathways(p.document_ref, _route(p), change)  # its planned steps given the route's meetings
        p.refresh_from_db()
        return p


def move_placement(command: MovePlacement) -> m.Placement:
    """Propose the step on another meeting: it must suit the step and keep the route's order."""
    with transaction.atomic():
        p = _placement(command)
        if p.status == g.PlacementStatus.SKIPPED or p.paper_id:
            raise GovernanceError(f"{command.failure}: it is {g.PlacementStatus(p.status).label.lower()}"
                                  + (f" and its paper is on the agenda of {p.meeting.body.name}, "
                                     f"{date_words(p.meeting.date)}" if p.paper_id else ""))
        target = m.Meeting.objects.select_related("body").filter(key=command.meeting).first()
        if target is None:
            raise command.error({"meeting": f"there is no meeting {command.meeting}" if command.meeting
                                 else "choose a meeting"})
        route = _route_placements(p)
        index = next(i for i, (rule, _) in enumerate(route) if rule.pk == p.rule_id)
        dated = [(other.meeting.date if other is not None and other.meeting_id and other.status != g.PlacementStatus.SKIPPED
                  else None) for _, other in route]
        previous = next((d for d in reversed(dated[:index]) if d is not None), None)
        following = next((d for d in dated[index + 1:] if d is not None), None)
        ref = rules.parse_document_ref(p.document_ref)
        try:
            start = rules.document_date(ref)
        except rules.CycleError:
            start = target.date
        problem = rules.move_problem(rules.MeetingSlot(target.key, target.body.code, target.date, target.status,
                                                       target.body.name),
                                     _step(p.rule), previous, following, start, clock.today())
        if problem:
            raise command.error({"meeting": problem})
        change = audit.Change(by=command.by, at=clock.now(), source=SOURCE)
        audit.save_with_history(m.Placement, {"pk": p.pk}, {
            "meeting": target, "dispatch_deadline": rules.dispatch_deadline(target.date, p.rule.dispatch_days),
            "decided_by": command.by, "decided_at": change.at}, entity="placement", key=_key(p), change=change)
        _sync_pathways(p.document_ref, _route(p), change)
        p.refresh_from_db()
        return p


def skip_placement(command: SkipPlacement) -> m.Placement:
    if not command.reason.strip():
        raise command.error({"reason": "say why the step is skipped"})
    with transaction.atomic():
        p = _placement(command)
        if p.status != g.PlacementStatus.PROPOSED:
            raise GovernanceError(f"{command.failure}: it is {g.PlacementStatus(p.status).label.lower()}")
        change = audit.Change(by=command.by, at=clock.now(), reason=command.reason.strip(), source=SOURCE)
        audit.save_with_history(m.Placement, {"pk": p.pk}, {
            "status": g.PlacementStatus.SKIPPED.value, "skip_reason": command.reason.strip(),
            "decided_by": command.by, "decided_at": change.at}, entity="placement", key=_key(p), change=change)
        _sync_pathways(p.document_ref, _route(p), change)
        p.refresh_from_db()
        return p


def meeting_choices(placement: m.Placement) -> list[m.Meeting]:
    """The scheduled meetings of the step's body still to come, for the page's "move to" list."""
    return list(m.Meeting.objects.select_related("body").filter(
        body=placement.rule.body, status=g.MeetingStatus.SCHEDULED, date__gte=clock.today()).order_by("date", "key"))
