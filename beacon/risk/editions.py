"""Editions (risk spec §2.2, §5): the register as presented to one body on one date.

* **Selection** (§5.1): Cabinet, G&A and County Council editions hold every active risk on the
  corporate register. A Cabinet Committee edition holds every active corporate risk whose
  ``owner_directorates`` contains the committee's directorate code.
* **Baseline** (§5.2): the same body's previous edition by default; overridable. When the body has
  no earlier edition, the Decision here is the same date a year earlier, dated the first of the
  month (the committees' annual cycle: the CYPE edition of 08/03/2023 used March 2022).
* **Values**: every field as it stood on the edition date (:mod:`beacon.risk.states`): title,
  owners, Cabinet Members, directorates, cause, event, consequence, timescale, review note,
  controls and actions (owner, due date, status), and the rating in force then. Selection uses
  the status, register and directorates of that date too. When a risk that would be in the
  edition is on record only from a later date, the edition is refused (:class:`EditionError`
  names the risks and the date their record starts): nothing is shown that the history does
  not hold for the date.
* **Title and bodies are data**: the title is the corporate :class:`Register`'s name
  (``registers.csv``), and the body that receives it counts as a whole-council body.
* **Freezing**: :func:`create_edition` stores the snapshot; later edits never change it.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction

from beacon.core import clock
from beacon.domain.risk import (
    BAND_LINE,
    IMPACT,
    LIKELIHOOD,
    HistoryEvent,
    Rating,
    at_target,
    counts_by_level,
    direction_of_travel,
    heat_map,
    month_start,
)

from . import models, states
from .checks import risk_flags

ID_FOOTNOTE = (
    "Each risk is allocated a unique code, which is retained even if a risk is transferred off the Corporate "
    "Register. Therefore, there will be some 'gaps' between risk IDs."
)
RATINGS_NOTE = (
    "NB: Current & Target risk ratings: The 'current' risk rating refers to the current level of risk taking into "
    "account any mitigating controls already in place. The 'target residual' rating represents what is deemed to be "
    "a realistic level of risk to be achieved once any additional actions have been put in place. On some occasions "
    "the aim will be to contain risk at current level."
)
WHOLE_COUNCIL_BODIES = ("cabinet", "governance & audit committee", "governance and audit committee", "county council")
CROSS_REFERENCE = re.compile(r"\bCRR\d{4}\b")


class EditionError(ValueError):
    pass


def committee_directorate(body: str) -> str | None:
    """The directorate code of a Cabinet Committee ("CYPE Cabinet Committee" -> "CYPE"); None for
    a whole-council body (those listed, and the body that receives the corporate register).
    Unknown bodies are refused."""
    name = " ".join(body.split())
    owner_body = " ".join(models.Register.corporate().owner_body.split())
    if name.lower() in WHOLE_COUNCIL_BODIES or (owner_body and name.lower() == owner_body.lower()):
        return None
    m = re.fullmatch(r"(.+?)\s+Cabinet Committee", name, re.I)
    if not m:
        receiver = f"{owner_body}, " if owner_body and owner_body.lower() not in WHOLE_COUNCIL_BODIES else ""
        raise EditionError(
            f"--body {body!r}: give {receiver}Cabinet, Governance & Audit Committee, County Council or "
            f"'<directorate> Cabinet Committee'"
        )
    prefix = m.group(1).strip()
    from beacon.performance.models import Directorate

    for d in Directorate.objects.all():
        if prefix.lower() in (d.code.lower(), d.name.lower(), (d.section_title or "").lower()):
            return d.code
    codes = {c for r in models.Risk.objects.all() for c in r.owner_directorates}
    for code in codes:
        if code.lower() == prefix.lower():
            return code
    raise EditionError(f"--body {body!r}: no directorate {prefix!r} (import directorates.csv first)")


def _selected(state: states.RiskState, directorate: str | None) -> bool:
    return (state.status == "active" and state.register == "corporate"
            and (directorate is None or directorate in state.owner_directorates))


def select_risks(directorate: str | None, date: dt.date) -> list[states.RiskState]:
    """The risks active on the corporate register on ``date`` (owned by ``directorate`` for a
    committee), each as it stood then. A risk entered (new or merged) wholly after that date is
    left out. A risk on record only from a later date that, as first recorded, would be selected
    makes the edition refused: what it held on ``date`` is not known."""
    later = set(
        models.RiskEvent.objects.filter(event__in=("new", "merged"), occurred_after__gt=date)
        .exclude(event="merged", rating="").values_list("risk_code", flat=True)
    )
    history = states.History.load()
    selected, not_held = [], []
    risks = models.Risk.objects.select_related("register").prefetch_related("ratings", "controls", "actions")
    for risk in risks.order_by("risk_id"):
        if risk.risk_id in later:
            continue
        try:
            state = states.risk_on(risk, date, history)
        except states.NotOnRecord as gap:
            if _selected(states.risk_on(risk, gap.recorded_from, history), directorate):
                not_held.append(gap)
            continue
        if _selected(state, directorate):
            selected.append(state)
    if not_held:
        first = min(g.recorded_from for g in not_held)
        listed = ", ".join(f"{g.risk.risk_id} (from {g.recorded_from:%d/%m/%Y})" for g in not_held)
        raise EditionError(
            f"the register's history does not reach back to {date:%d/%m/%Y}: {listed} "
            f"{'is' if len(not_held) == 1 else 'are'} on record only from a later date, so what "
            f"{'it' if len(not_held) == 1 else 'they'} held on {date:%d/%m/%Y} is not known. Give a date from "
            f"{first:%d/%m/%Y}, or import the register as it stood then (date its rows with risks.csv rated_on)"
        )
    return selected


def previous_edition(body: str, date: dt.date) -> models.Edition | None:
    return models.Edition.objects.filter(body=body, date__lt=date).order_by("-date").first()


def default_baseline(body: str, date: dt.date) -> tuple[dt.date, str]:
    previous = previous_edition(body, date)
    if previous is not None:
        return previous.date, f"the previous edition for {body} ({previous.date:%d/%m/%Y})"
    try:
        year_before = date.replace(year=date.year - 1)
    except ValueError:  # 29 February
        year_before = date.replace(year=date.year - 1, day=28)
    return month_start(year_before), f"no earlier edition for {body}: a year before, from the first of the month"


def _history_events(risk: models.Risk, date: dt.date) -> list[HistoryEvent]:
    out = []
    for e in models.RiskEvent.objects.filter(risk_code=risk.risk_id):
        when = e.occurred_after or e.occurred_by
        if when is not None and when > date:
            continue
        if e.event == "merged" and not e.rating:
            continue  # a predecessor's record of the merger, not the resulting risk's
        out.append(HistoryEvent(e.event, e.occurred_by, e.occurred_after, e.rating, e.direction, e.to_score))
    return out


def _rating_dict(r: Rating) -> dict:
    d = r.as_dict()
    d["likelihood_label"] = r.likelihood_label
    d["impact_label"] = r.impact_label
    return d


def _owners(names, on_behalf_of) -> dict:
    return {"names": list(names), "on_behalf_of": on_behalf_of or None}


def risk_snapshot(state: states.RiskState, date: dt.date, baseline: dt.date) -> dict:
    """One risk of an edition, from the risk as it stood on ``date`` (:func:`states.risk_on`)."""
    current, target = state.current, state.target
    rows = sorted((r for r in state.risk.ratings.all() if r.kind == "current" and r.effective_date <= baseline),
                  key=lambda r: (r.effective_date, r.pk))
    history = [(r.effective_date, r.rating.score) for r in rows]
    dot = direction_of_travel(baseline, current.score, history, _history_events(state.risk, date))
    texts = " ".join([state.cause, state.event, state.consequence])
    controls, actions = state.controls, state.actions
    flags = risk_flags(state, date) + [  # risk_flags already compares the latest change note with the rating
        f"{state.risk_id}: direction of travel: {f}" for f in dot.flags if not f.startswith("the latest re-rating")
    ]
    return {
        "id": state.risk_id,
        "title": state.title,
        "status": state.status,
        "register": state.register,
        "owners": _owners(state.owners, state.owners_on_behalf_of),
        "owner_directorates": list(state.owner_directorates),
        "cabinet_members": _owners(state.cabinet_members, state.cabinet_on_behalf_of),
        "cause": state.cause,
        "event": state.event,
        "consequence": state.consequence,
        "current": _rating_dict(current),
        "target": _rating_dict(target),
        "timescale_to_target": state.timescale_to_target,
        "at_target": at_target(current, target),
        "direction": {
            "value": dot.direction.value,
            "text": dot.direction.text,
            "symbol": dot.direction.symbol,
            "printed": dot.direction.printed,
            "reason": dot.reason,
        },
        "review_note": state.review_note or None,
        "cross_references": sorted(set(CROSS_REFERENCE.findall(texts)) - {state.risk_id}),
        "controls": [{"title": c.title, "owner": c.owner} for c in controls],
        "actions": [
            {
                "title": a.title,
                "owner": a.owner,
                "due": a.due_text,
                "due_date": a.due_date.isoformat() if a.due_date else None,
                "due_kind": a.due_kind,
                "status": a.status,
            }
            for a in actions
        ],
        "flags": flags,
    }


EVENT_TITLES = {
    "new": "New risk", "merged": "Merged", "closed": "Closed", "replaced": "Replaced", "withdrawn": "Withdrawn",
    "delegated": "Delegated", "de_escalated": "De-escalated", "escalated": "Escalated", "re_escalated": "Re-escalated",
    "descoped": "De-scoped", "revised": "Revised", "rerated": "Re-rated", "target_changed": "Target changed",
    "review_flagged": "Rating to be reviewed", "action_superseded": "Actions superseded",
    "action_date_revised": "Action date revised", "control_added": "Control added",
    "control_revised": "Control revised", "control_retired": "Control retired",
}


def change_notes(after: dt.date, by: dt.date, only: set[str] | None = None) -> list[dict]:
    """The lifecycle events after the baseline and by the edition date, in id order: the change
    notes of the documents (§2.8), each with its risk's title as it stood on ``by``. ``only``
    limits them to an edition's risks."""
    titles = states.titles_on(by)
    out = []
    for e in models.RiskEvent.objects.filter(occurred_by__gt=after, occurred_by__lte=by).order_by("risk_code", "occurred_by", "pk"):
        if only is not None and e.risk_code not in only:
            continue
        what = EVENT_TITLES.get(e.event, e.event)
        if e.from_score and e.to_score:
            what += f" from {e.from_score} to {e.to_score}"
        elif e.to_score:
            what += f" to {e.to_score}"
        if e.direction in ("increased", "reduced"):
            what += f" ({e.rating or 'current'} {e.direction})"
        if e.register:
            what += f" to the {e.register}"
        if e.related:
            what += f" (related: {', '.join(e.related)})"
        out.append({
            "risk": e.risk_code,
            "title": titles.get(e.risk_code),
            "event": e.event,
            "summary": what,
            "occurred_after": e.occurred_after.isoformat() if e.occurred_after else None,
            "occurred_by": e.occurred_by.isoformat() if e.occurred_by else None,
            "note": e.note or None,
            "reported_in": e.reported_in or None,
        })
    return out


def build_edition(body: str, date: dt.date, baseline: dt.date | None = None, directorate: str | None = None) -> dict:
    """The edition's content, computed now (not stored)."""
    body = " ".join(body.split())
    if directorate is None:
        directorate = committee_directorate(body)
    if baseline is None:
        baseline, basis = default_baseline(body, date)
    else:
        basis = "given"
    if baseline >= date:
        raise EditionError(f"--baseline {baseline.isoformat()} must be before the edition date {date.isoformat()}")
    risks = [risk_snapshot(state, date, baseline) for state in select_risks(directorate, date)]
    footnotes = []
    marker = "*"
    for r in risks:
        if r["review_note"]:
            marker += "*"
            r["footnote_marker"] = marker
            footnotes.append({"marker": marker, "risk": r["id"], "text": r["review_note"]})
        else:
            r["footnote_marker"] = None
    changes = change_notes(baseline, date, {r["id"] for r in risks} if directorate else None)
    ratings = {r["id"]: Rating(r["current"]["likelihood"], r["current"]["impact"]) for r in risks}
    targets = {r["id"]: Rating(r["target"]["likelihood"], r["target"]["impact"]) for r in risks}
    return {
        "title": models.Register.corporate().name,
        "body": body,
        "date": date.isoformat(),
        "date_printed": f"{date:%d/%m/%Y}",
        "heading": f"For Presentation to {body} on {date:%d/%m/%Y}",
        "directorate": directorate,
        "baseline_date": baseline.isoformat(),
        "baseline_basis": basis,
        "direction_heading": f"Direction of Travel since {baseline:%B %Y}",
        "band_line": BAND_LINE,
        "risks": risks,
        "counts_by_level": counts_by_level(ratings.values()),
        "target_counts_by_level": counts_by_level(targets.values()),
        "heat_map": {"current": heat_map(ratings.items()), "target": heat_map(targets.items())},
        "changes": changes,
        "candidates": [
            {"theme": c.theme, "note": c.note or None, "raised_on": c.raised_on.isoformat()}
            for c in models.CandidateRisk.objects.filter(raised_on__lte=date).exclude(
                status__in=("entered", "dropped"), closed_on__lte=date)
        ],
        "footnotes": {
            "id": ID_FOOTNOTE,
            "ratings": RATINGS_NOTE,
            "scales": {
                "likelihood": [f"{LIKELIHOOD[n]} ({n})" for n in range(1, 6)],
                "impact": [f"{IMPACT[n]} ({n})" for n in range(1, 6)],
            },
            "risks": footnotes,
        },
        "flags": [f for r in risks for f in r["flags"]],
    }


@transaction.atomic
def create_edition(body: str, date: dt.date, *, by: str, baseline: dt.date | None = None,
                   directorate: str | None = None) -> models.Edition:
    """Freeze the edition for (body, date). An edition that exists is returned unchanged: it is
    frozen; a different baseline for it is refused."""
    body = " ".join(body.split())
    existing = models.Edition.objects.filter(body=body, date=date).first()
    if existing is not None:
        if baseline is not None and baseline != existing.baseline_date:
            raise EditionError(
                f"the {body} edition of {date:%d/%m/%Y} is frozen with baseline {existing.baseline_date.isoformat()}"
            )
        return existing
    content = build_edition(body, date, baseline, directorate)
    return models.Edition.objects.create(
        body=body,
        date=date,
        baseline_date=dt.date.fromisoformat(content["baseline_date"]),
        baseline_basis=content["baseline_basis"],
        directorate=content["directorate"] or "",
        snapshot=content,
        footnotes=content["footnotes"]["risks"],
        created_by=by,
        created_at=clock.now(),
    )
