"""Editions (risk spec §2.2, §5): the register as presented to one body on one date.

* **Selection** (§5.1): a whole-council body's edition (Cabinet, G&A, County Council: data) holds
  every active risk on the corporate register. A Cabinet Committee edition holds every active corporate risk whose
  ``owner_directorates`` contains the committee's directorate code.
* **Baseline** (§5.2): the same body's previous edition by default; overridable. When the body has
  no earlier edition, the Decision here is the same date a year earlier, dated the first of the
  month (the committees' annual cycle: the CYPE edition of 08/03/2023 used March 2022).
* **Values**: every field as it stood on the edition date (:mod:`beacon.risk.states`): title,
  owners, Cabinet Members, directorates, cause, event, consequence, timescale, review note,
  controls and actions (owner, due date, status), and the rating in force then
  (:func:`beacon.risk.states.rating_on`, the rule the QPR overview reads too). The risks are
  those on the corporate register on the date (:func:`beacon.risk.states.register_on`, the one
  definition), with the directorates of that date. When a risk that would be in the edition is
  on record (or rated) only from a later date, the edition is refused (:class:`EditionError`
  names the risks and the date their record starts): nothing is shown that the history does
  not hold for the date. An id whose membership on the date is not known is left out and
  flagged, as the QPR overview reports it.
* **Title and bodies are data**: the title is the corporate :class:`Register`'s name
  (``registers.csv``); the body that receives it (``owner_body``) and the other bodies that
  receive it whole (``other_bodies``) are the whole-council bodies.
* **Freezing**: :func:`freeze` (command :class:`FreezeEdition`) stores the snapshot (schema
  ``beacon.edition/1``); :func:`read_edition` reads it back; later edits never change it. There
  is one current edition for a body and date: freezing another is refused
  (:class:`EditionExists`, naming the one there is), and a date the register's data does not
  support (before its first data, after today, far from any data:
  :func:`beacon.domain.edition_rules.date_questions`) is refused until the person confirms it
  (:class:`DateNeedsConfirmation`).
* **Its life** (:mod:`beacon.domain.edition_rules`): :func:`supersede` freezes the edition again
  from today's data and keeps the old one, marked superseded by the new; :func:`withdraw` marks
  a mistaken edition withdrawn. Each needs a reason, is recorded with who and when
  (:mod:`beacon.core.audit`), and nothing is ever deleted.
* **Typed**: an edition is a :class:`~beacon.risk.edition_model.RegisterEdition`; JSON only in
  the snapshot and in the register model's JSON (:mod:`beacon.reports.register.model`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from django.db import IntegrityError, transaction

from beacon.core import audit, clock
from beacon.domain.edition_rules import EditionStatus, date_questions, status_notice
from beacon.domain.risk import (
    ActionStatus,
    DirectionResult,
    EventKind,
    HistoryEvent,
    Owners,
    RiskStatus,
    direction_of_travel,
    month_start,
)

from . import models, states
from .checks import risk_flags
from .history import local_day
from .edition_model import (
    Candidate,
    Change,
    EditionAction,
    EditionControl,
    EditionRisk,
    RegisterEdition,
    from_snapshot,
    to_snapshot,
)

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


class EditionError(ValueError):
    """An edition that cannot be made, superseded or withdrawn as asked. ``field`` names the
    part of the request it is about (``date``, ``reason``, ``body``), when there is one."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class EditionExists(EditionError):
    """There is already a current edition for the body and date: open it, or supersede it."""

    def __init__(self, existing: models.Edition):
        super().__init__(
            f"there is already an edition for {existing.body} on {existing.date:%d/%m/%Y}, frozen on "
            f"{localtime(existing.created_at):%d/%m/%Y} by {existing.created_by}: open it, or supersede it "
            f"with a reason (the old edition is kept)", "date")
        self.existing = existing


class DateNeedsConfirmation(EditionError):
    """The date may be a mistake (:func:`beacon.domain.edition_rules.date_questions`): nothing
    is frozen until the person confirms it."""

    def __init__(self, date: dt.date, questions: list[str]):
        super().__init__(f"check the date {date:%d/%m/%Y}: " + "; ".join(questions)
                         + ". Confirm the date to freeze the edition anyway", "date")
        self.date = date
        self.questions = list(questions)


def committee_directorate(body: str) -> str | None:
    """The directorate code of a Cabinet Committee ("CYPE Cabinet Committee" -> "CYPE"); None for
    a whole-council body: the body that receives the corporate register and the others that
    receive it whole (``registers.csv``: ``owner_body``, ``other_bodies``). Unknown bodies are
    refused."""
    name = " ".join(body.split())
    whole = [" ".join(b.split()) for b in models.Register.corporate().whole_council_bodies]
    if name.lower() in {b.lower() for b in whole}:
        return None
    m = re.fullmatch(r"(.+?)\s+Cabinet Committee", name, re.I)
    if not m:
        raise EditionError(f"--body {body!r}: give {', '.join(whole + [''])}or '<directorate> Cabinet Committee'")
    prefix = m.group(1).strip()
    from beacon.core.models import Directorate

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


def select_risks(directorate: str | None, date: dt.date) -> tuple[list[states.RiskState], list[str]]:
    """The risks on the corporate register on ``date`` (:func:`beacon.risk.states.register_on`;
    owned by ``directorate`` for a committee), each as it stood then, and the flags about the
    register on that date: ids whose membership is not known then, and ids on it known only from
    events, which the edition cannot show. A risk on record (or rated) only from a later date
    that, as first recorded, would be selected makes the edition refused: what it held on
    ``date`` is not known."""
    history = states.History.load()
    membership = states.register_on(date, history)
    on = set(membership.ids)
    selected, not_held, flags = [], [], []
    risks = {r.risk_id: r for r in models.Risk.objects.select_related("register")
             .prefetch_related("ratings", "controls", "actions")}
    for code in sorted(on & set(risks)):
        risk = risks[code]
        try:
            state = states.risk_on(risk, date, history)
        except states.NotOnRecord as gap:
            held_from, first = _first_recorded(risk, gap, history)
            if _selected(first, directorate):
                not_held.append((code, held_from))
            continue
        if _selected(state, directorate):
            selected.append(state)
    if not_held:
        dated = [day for _, day in not_held if day]
        listed = ", ".join(f"{code} (from {day:%d/%m/%Y})" if day else f"{code} (no rating recorded)"
                           for code, day in not_held)
        one = len(not_held) == 1
        raise EditionError(
            f"the register's history does not reach back to {date:%d/%m/%Y}: {listed} "
            f"{'is' if one else 'are'} on record only from a later date, so what "
            f"{'it' if one else 'they'} held on {date:%d/%m/%Y} is not known. "
            + (f"Give a date from {min(dated):%d/%m/%Y}, or import" if dated else "Import")
            + " the register as it stood then (date its rows with risks.csv rated_on)"
        )

    def concerned(code: str) -> bool:  # a committee edition: only its directorate's risks
        risk = risks.get(code)
        return directorate is None or (risk is not None and directorate in risk.owner_directorates)

    for code, reason in membership.not_known:
        if concerned(code):
            flags.append(f"{code}: {reason}, so whether it was on the corporate register on {date:%d/%m/%Y} is not "
                         f"known: not in this edition")
    if directorate is None:
        for code in sorted(on - set(risks)):
            flags.append(f"{code}: on the corporate register on {date:%d/%m/%Y} by its recorded events, but no "
                         f"record of the risk is held: not in this edition")
    return selected, flags


def _first_recorded(risk: models.Risk, gap: states.NotOnRecord,
                    history: states.History) -> tuple[dt.date | None, states.RiskState]:
    """The first date from which the risk and its ratings are on record, and the risk as it stood
    then; (None, the risk as held now) when no rating is recorded."""
    day = gap.recorded_from
    while day is not None:
        try:
            return day, states.risk_on(risk, day, history)
        except states.NotOnRecord as later:
            if later.recorded_from is None or later.recorded_from <= day:
                break
            day = later.recorded_from
    return None, states.live_state(risk)


def previous_edition(body: str, date: dt.date) -> models.Edition | None:
    """The body's current edition before ``date`` (a superseded or withdrawn one is no baseline)."""
    return (models.Edition.objects.filter(body=body, date__lt=date, status=EditionStatus.CURRENT.value)
            .order_by("-date").first())


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


def risk_snapshot(state: states.RiskState, date: dt.date, baseline: dt.date) -> EditionRisk:
    """One risk of an edition, from the risk as it stood on ``date`` (:func:`states.risk_on`),
    with its direction of travel since ``baseline``."""
    current = state.current
    rows = sorted((r for r in state.risk.ratings.all() if r.kind == "current" and r.effective_date <= baseline),
                  key=lambda r: (r.effective_date, r.pk))
    history = [(r.effective_date, r.rating.score) for r in rows]
    dot = direction_of_travel(baseline, current.score, history, _history_events(state.risk, date))
    flags = risk_flags(state, date) + [  # risk_flags already compares the latest change note with the rating
        f"{state.risk_id}: direction of travel: {f}" for f in dot.flags if not f.startswith("the latest re-rating")
    ]
    return EditionRisk(
        id=state.risk_id,
        title=state.title,
        status=RiskStatus(state.status),
        register=state.register,
        owners=Owners(tuple(state.owners), state.owners_on_behalf_of or ""),
        owner_directorates=tuple(state.owner_directorates),
        cabinet_members=Owners(tuple(state.cabinet_members), state.cabinet_on_behalf_of or ""),
        cause=state.cause,
        event=state.event,
        consequence=state.consequence,
        current=current,
        target=state.target,
        timescale_to_target=state.timescale_to_target,
        direction=DirectionResult(dot.direction, dot.reason),
        review_note=state.review_note or None,
        controls=tuple(EditionControl(c.title, c.owner) for c in state.controls),
        actions=tuple(EditionAction(a.title, a.owner, a.due_text, a.due_date, a.due_kind, ActionStatus(a.status))
                      for a in state.actions),
        flags=tuple(flags),
    )


# how a change note names each event (the labels are on the enum)
EVENT_TITLES = {kind.value: kind.title for kind in EventKind}


def change_notes(after: dt.date, by: dt.date, only: set[str] | None = None) -> list[Change]:
    """The lifecycle events after the baseline and by the edition date, in id order: the change
    notes of the documents (§2.8), each with its risk's title as it stood on ``by``. ``only``
    limits them to an edition's risks."""
    titles = states.titles_on(by)
    out = []
    for e in models.RiskEvent.objects.filter(occurred_by__gt=after, occurred_by__lte=by).order_by("risk_code", "occurred_by", "pk"):
        if only is not None and e.risk_code not in only:
            continue
        kind = EventKind(e.event)
        what = kind.title
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
        out.append(Change(risk=e.risk_code, title=titles.get(e.risk_code), event=kind, summary=what,
                          occurred_after=e.occurred_after, occurred_by=e.occurred_by, note=e.note or None,
                          reported_in=e.reported_in or None))
    out += _flag_notes(after, by, only, titles)
    return sorted(out, key=lambda c: (c.risk, c.occurred_by or dt.date.min))


def _flag_notes(after: dt.date, by: dt.date, only: set[str] | None, titles: dict) -> list[Change]:
    """The flags a key risk indicator's trigger rule raised after the baseline and by the edition
    date (the day each was raised), as change notes naming the indicator and the evidence. They
    are review_flagged notes: listed with the changes, not printed in a summary of them."""
    out = []
    for f in models.RiskFlag.objects.select_related("risk").order_by("raised_at", "pk"):
        day = local_day(f.raised_at)
        if not after < day <= by or (only is not None and f.risk.risk_id not in only):
            continue
        out.append(Change(risk=f.risk.risk_id, title=titles.get(f.risk.risk_id), event=EventKind.REVIEW_FLAGGED,
                          summary=f"Flagged for review by its key risk indicator {f.indicator_code}: {f.evidence}",
                          occurred_after=day, occurred_by=day, note=None, reported_in=None))
    return out


def _with_footnote_markers(risks: list[EditionRisk]) -> tuple[EditionRisk, ...]:
    """Each risk with a review note gets the next marker: "**", "***", ... (the "*" is the id footnote)."""
    out, marker = [], "*"
    for r in risks:
        if r.review_note:
            marker += "*"
            r = replace(r, footnote_marker=marker)
        out.append(r)
    return tuple(out)


def build_edition(body: str, date: dt.date, baseline: dt.date | None = None,
                  directorate: str | None = None) -> RegisterEdition:
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
    states_on, register_flags = select_risks(directorate, date)
    risks = _with_footnote_markers([risk_snapshot(state, date, baseline) for state in states_on])
    return RegisterEdition(
        title=models.Register.corporate().name,
        body=body,
        date=date,
        directorate=directorate,
        baseline_date=baseline,
        baseline_basis=basis,
        risks=risks,
        changes=tuple(change_notes(baseline, date, {r.id for r in risks} if directorate else None)),
        candidates=tuple(
            Candidate(c.theme, c.note or None, c.raised_on)
            for c in models.CandidateRisk.objects.filter(raised_on__lte=date).exclude(
                status__in=("entered", "dropped"), closed_on__lte=date)
        ),
        id_footnote=ID_FOOTNOTE,
        ratings_note=RATINGS_NOTE,
        register_flags=tuple(register_flags),
    )


# --- freezing, superseding, withdrawing ---------------------------------------------------------
@dataclass(frozen=True)
class FreezeEdition:
    """Freeze the register as presented to ``body`` on ``date``. ``confirm_date``: the person has
    seen the questions about the date (:class:`DateNeedsConfirmation`) and freezes it anyway."""

    body: str
    date: dt.date
    by: str
    baseline: dt.date | None = None
    confirm_date: bool = False


@dataclass(frozen=True)
class SupersedeEdition:
    """Freeze ``edition`` (a pk) again from today's data, with the reason; the old one is kept,
    marked superseded by the new. ``baseline``: default, the old edition's."""

    edition: int
    reason: str
    by: str
    baseline: dt.date | None = None


@dataclass(frozen=True)
class WithdrawEdition:
    """Mark ``edition`` (a pk) withdrawn, with the reason: it stays listed and downloadable, marked."""

    edition: int
    reason: str
    by: str


def _day(instant: dt.datetime) -> dt.date:
    """The council's calendar date of a stored instant."""
    return localtime(instant).date()


localtime = clock.in_council_time  # a stored instant in the council's time zone


def current_edition(body: str, date: dt.date) -> models.Edition | None:
    """The current edition for (body, date), if there is one."""
    return models.Edition.objects.filter(body=" ".join(body.split()), date=date,
                                         status=EditionStatus.CURRENT.value).first()


def data_dates() -> list[dt.date]:
    """The dates the register's data speaks for or was recorded on: ratings, lifecycle events."""
    days: set[dt.date] = set()
    for effective, recorded in models.RiskRating.objects.values_list("effective_date", "recorded_at").distinct():
        days.add(effective)
        days.add(_day(recorded))
    for after, by, recorded in models.RiskEvent.objects.values_list("occurred_after", "occurred_by", "recorded_at"):
        days.update(d for d in (after, by, _day(recorded) if recorded else None) if d)
    return sorted(days)


def questions_about(date: dt.date) -> list[str]:
    """Why an edition of ``date`` may be a mistake (empty: none)."""
    return date_questions(date, clock.today(), data_dates())


def create_edition(body: str, date: dt.date, *, by: str, baseline: dt.date | None = None,
                   directorate: str | None = None, date_confirmed: list[str] | tuple = ()) -> models.Edition:
    """Freeze the edition for (body, date) without questioning the date (the demo, and
    :func:`freeze` once it has): its snapshot is stored (:func:`to_snapshot`) and read back by
    :func:`read_edition`. A current edition for (body, date) is never replaced silently:
    :class:`EditionExists`."""
    body = " ".join(body.split())
    with transaction.atomic():
        existing = current_edition(body, date)
        if existing is not None:
            raise EditionExists(existing)
        content = build_edition(body, date, baseline, directorate)
        snapshot = to_snapshot(content)
        try:
            with transaction.atomic():
                return models.Edition.objects.create(
                    body=body,
                    date=date,
                    baseline_date=content.baseline_date,
                    baseline_basis=content.baseline_basis,
                    directorate=content.directorate or "",
                    snapshot=snapshot,
                    footnotes=snapshot["footnotes"]["risks"],
                    created_by=by,
                    created_at=clock.now(),
                    date_confirmed=list(date_confirmed),
                )
        except IntegrityError:  # frozen by someone else a moment ago
            raise EditionExists(current_edition(body, date)) from None


def freeze(command: FreezeEdition) -> models.Edition:
    """Freeze a new edition: refused when there is one for (body, date) (:class:`EditionExists`)
    and, unless ``confirm_date``, when its date is questioned (:class:`DateNeedsConfirmation`)."""
    body = " ".join(command.body.split())
    if not body:
        raise EditionError("name the body the edition is presented to", "body")
    existing = current_edition(body, command.date)
    if existing is not None:
        raise EditionExists(existing)
    questions = questions_about(command.date)
    if questions and not command.confirm_date:
        raise DateNeedsConfirmation(command.date, questions)
    return create_edition(body, command.date, by=command.by, baseline=command.baseline,
                          date_confirmed=questions)


def _reason(text: str, what: str) -> str:
    reason = " ".join((text or "").split())
    if not reason:
        raise EditionError(f"give the reason the edition is {what}", "reason")
    return reason


def _locked(pk: int) -> models.Edition:
    edition = models.Edition.objects.select_for_update().filter(pk=pk).first()
    if edition is None:
        raise EditionError(f"there is no edition {pk}")
    return edition


def _mark(edition: models.Edition, values: dict, change: audit.Change) -> models.Edition:
    row, _ = audit.save_with_history(models.Edition, {"pk": edition.pk}, values, entity="edition",
                                     key=f"{edition.body} {edition.date:%d/%m/%Y} (edition {edition.pk})", change=change)
    return row


def supersede(command: SupersedeEdition) -> models.Edition:
    """Freeze the edition again from today's data; the old one is kept, marked superseded by the
    new one (who, when, why). Only the current edition of a body and date can be superseded."""
    reason = _reason(command.reason, "superseded")
    with transaction.atomic():
        old = _locked(command.edition)
        status = EditionStatus(old.status)
        if status is EditionStatus.WITHDRAWN:
            raise EditionError(f"edition {old.pk} is withdrawn: freeze a new edition for {old.body} on "
                               f"{old.date:%d/%m/%Y} instead")
        if status is EditionStatus.SUPERSEDED:
            raise EditionError(f"edition {old.pk} is already superseded by edition {old.superseded_by_id}: "
                               f"supersede that one instead")
        change = audit.Change(by=command.by, at=clock.now(), reason=reason, source="edition superseded")
        old = _mark(old, {"status": EditionStatus.SUPERSEDED.value, "status_by": command.by, "status_at": change.at,
                          "status_reason": reason}, change)
        new = create_edition(old.body, old.date, by=command.by, baseline=command.baseline or old.baseline_date,
                             directorate=old.directorate or None)
        _mark(old, {"superseded_by": new}, change)
        return new


def withdraw(command: WithdrawEdition) -> models.Edition:
    """Mark a mistaken edition withdrawn (who, when, why). It is never deleted: it stays listed
    and its documents still download, saying it is withdrawn."""
    reason = _reason(command.reason, "withdrawn")
    with transaction.atomic():
        edition = _locked(command.edition)
        if edition.status == EditionStatus.WITHDRAWN.value:
            raise EditionError(f"edition {edition.pk} is already withdrawn")
        change = audit.Change(by=command.by, at=clock.now(), reason=reason, source="edition withdrawn")
        return _mark(edition, {"status": EditionStatus.WITHDRAWN.value, "status_by": command.by,
                               "status_at": change.at, "status_reason": reason}, change)


def notice(edition: models.Edition) -> str | None:
    """What a superseded or withdrawn edition says at its top (None when it is current)."""
    successor = edition.superseded_by
    return status_notice(
        EditionStatus(edition.status), when=localtime(edition.status_at) if edition.status_at else None,
        by=edition.status_by, reason=edition.status_reason,
        successor=(f"the edition frozen on {localtime(successor.created_at):%d/%m/%Y} (edition {successor.pk})"
                   if successor else None))


def read_edition(edition: models.Edition) -> RegisterEdition:
    """A frozen edition's content, read back from its snapshot (the one reader:
    :func:`beacon.risk.edition_model.from_snapshot`)."""
    return from_snapshot(edition.snapshot)
