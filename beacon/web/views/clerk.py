"""The clerk's pages (democratic services officer, ``MANAGE_MEETINGS``): add a meeting; manage a
meeting (its details, status, cancellation, the agenda's header and items); edit an item; create a
paper from a published QPR or a register edition; upload a paper's file; build and dispatch the
agenda pack (and its supplements); and the cycle, where each document's proposed placements are
accepted, moved or skipped.

The forms (:mod:`beacon.web.forms.clerk`) build typed commands; the governance services
(:mod:`beacon.governance.services`, :mod:`beacon.governance.cycle`) and the reports area's papers
and packs (:mod:`beacon.reports.papers`, :mod:`beacon.reports.packs`) carry them out. The cycle's
"accept" passes the reports area's ``create_paper`` to the governance service, which may not
import it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from beacon.core import clock
from beacon.core import permissions as perm
from beacon.core.stale import StaleEdit
from beacon.domain import cycle as cycle_rules
from beacon.domain import governance as g
from beacon.domain.governance_rules import date_words
from beacon.domain.periods import Quarter
from beacon.governance import cycle, services
from beacon.governance import models as m
from beacon.governance.commands import GovernanceError, MakeRoomForReport, MarkHeld, RemoveItem

from ..forms import error_summary
from ..forms.clerk import (
    AddMeetingForm,
    AgendaForm,
    CancelForm,
    CreatePaperForm,
    ItemForm,
    MeetingDetailsForm,
    MovePlacementForm,
    MoveItemForm,
    SkipPlacementForm,
    UploadForm,
    item_initial,
)


def _meeting(key: str) -> m.Meeting:
    return get_object_or_404(m.Meeting.objects.select_related("body", "business_moved_to", "business_moved_to__body"),
                             key=key)


def _title(mt: m.Meeting) -> str:
    return f"{mt.body.name}, {date_words(mt.date)}"


def _document_label(ref: str) -> str:
    """A document reference in words (its title), or the reference when it names no document."""
    from beacon.reports import papers

    return papers.document_label(ref) if ref else ""


# --- history, in words ---------------------------------------------------------------------------
FIELD_LABELS = {"start_time": "Start time", "scheduled_end": "Scheduled end", "is_oral": "Oral item",
                "exempt_paragraph": "Schedule 12A paragraph", "page_from": "First page", "page_to": "Last page",
                "business_moved_to": "Business moved to", "dispatch_date": "Dispatch date", "number": "Item number",
                "removed": "Taken off the agenda", "paper": "Paper", "presiding": "Presiding", "note": "Note"}


def when_words(at: dt.datetime) -> str:
    """A moment as people read it, in local time: "22 December 2022, 9.30 am"."""
    from beacon.domain.packs import time_words

    local = clock.in_council_time(at)
    return f"{date_words(local.date())}, {time_words(local.time())}"


@dataclass(frozen=True)
class HistoryRow:
    when: str
    changed_by: str
    field: str
    old_value: str
    new_value: str
    reason: str


def _person_name(p: m.Person) -> str:
    return " ".join(x for x in (p.title, p.forename or p.initials, p.surname) if x) or p.key


def _in_words(field, text: str) -> str:
    """A value as a revision stored it, as people read it: dates and times in words, yes or no,
    a choice's label, a person or meeting by name."""
    from django.db import models as dj

    from beacon.domain.packs import time_words

    if not text or field is None:
        return text
    try:
        if isinstance(field, dj.DateTimeField):
            return text
        if isinstance(field, dj.DateField):
            return date_words(dt.date.fromisoformat(text))
        if isinstance(field, dj.TimeField):
            return time_words(dt.time.fromisoformat(text))
    except ValueError:
        return text
    if isinstance(field, dj.BooleanField):
        return {"true": "Yes", "false": "No"}.get(text.lower(), text)
    if field.choices:
        return dict(field.flatchoices).get(text, text)
    if isinstance(field, dj.ForeignKey):
        related = field.related_model
        lookup = {"key": text} if any(f.name == "key" for f in related._meta.fields) else {"pk": text}
        row = related.objects.filter(**lookup).first()
        if row is None and text.isdigit():
            row = related.objects.filter(pk=int(text)).first()
        if isinstance(row, m.Person):
            return _person_name(row)
        if isinstance(row, m.Meeting):
            return _title(row)
        if isinstance(row, m.Paper):
            return row.subject
        return str(row) if row is not None else text
    if field.name in ("speakers", "from_people") or (isinstance(field, dj.JSONField) and ";" in text):
        keys = [k for k in text.split(";") if k]
        names = {p.key: _person_name(p) for p in m.Person.objects.filter(key__in=keys)}
        return ", ".join(names.get(k, k) for k in keys)
    return text


def history_rows(record) -> list[HistoryRow]:
    """A record's recent changes, newest first, each field by its label and each value in words."""
    model = type(record)
    fields = {f.name: f for f in model._meta.get_fields() if hasattr(f, "verbose_name")}
    out = []
    for r in services.history(record):
        field = fields.get(r.field)
        label = FIELD_LABELS.get(r.field) or (str(field.verbose_name).capitalize() if field is not None
                                              else r.field.replace("_", " ").capitalize())
        out.append(HistoryRow(when_words(r.changed_at), r.changed_by, label, _in_words(field, r.old_value),
                              _in_words(field, r.new_value), r.reason))
    return out


# --- documents Beacon can make papers of ------------------------------------------------------
@dataclass(frozen=True)
class Document:
    ref: str
    label: str
    date: dt.date
    directorate: str = ""


def documents() -> list[Document]:
    """The documents a paper can carry: each quarter's current published QPR edition and each
    current risk register edition, newest first."""
    from beacon.reports import papers
    from beacon.reports.models import PublishedReport
    from beacon.reports.publish import current_edition
    from beacon.risk.models import Edition

    out = []
    for period in sorted(set(PublishedReport.objects.values_list("period", flat=True))):
        row = current_edition(Quarter.parse(period))
        ref = f"qpr:{period}"
        out.append(Document(ref, papers.document_label(ref), row.published_at.astimezone(
            clock.local_now().tzinfo).date()))
    for edition in Edition.objects.filter(status="current").order_by("date", "body"):
        ref = f"register:{edition.body}@{edition.date.isoformat()}"
        out.append(Document(ref, papers.document_label(ref), edition.date, edition.directorate))
    return sorted(out, key=lambda d: (d.date, d.ref), reverse=True)


# --- add a meeting ----------------------------------------------------------------------------
@perm.require(perm.MANAGE_MEETINGS)
def meeting_add(request):
    form = AddMeetingForm(request.POST if request.method == "POST" else None)
    message = None
    if request.method == "POST" and form.is_valid():
        try:
            mt = services.add_meeting(form.command(request.user.username))
        except GovernanceError as exc:
            message = form.add_service_error(exc)
        else:
            messages.success(request, f"The meeting {_title(mt)} was added.")
            return redirect("web:meeting_manage", key=mt.key)
    errors = error_summary(message, form) if form.is_bound else {}
    return render(request, "web/clerk/meeting_add.html", {"form": form, "errors": errors},
                  status=400 if errors else 200)


# --- manage a meeting -------------------------------------------------------------------------
def _forms(mt: m.Meeting, bound: dict) -> dict:
    agenda = services.agenda_of(mt)
    details = services.meeting_values(mt)
    agenda_values = services.agenda_values(agenda)
    return {
        "details": bound.get("details") or MeetingDetailsForm(initial=details, opened_values=details),
        "agenda": bound.get("agenda") or AgendaForm(initial=agenda_values, opened_values=agenda_values),
        "add_item": bound.get("add_item") or ItemForm(adding=True),
        "cancel": bound.get("cancel") or CancelForm(meeting=mt),
    }


OPERATIONS = ("details", "agenda", "add_item", "move_item", "remove_item", "cancel", "held")


@dataclass(frozen=True)
class ItemRow:
    """An agenda item on the manage page: its move form, whether it is in a dispatched pack (then
    frozen), and whether it may be taken off the agenda (not frozen, no paper)."""

    item: m.AgendaItem
    move: MoveItemForm
    frozen: bool
    removable: bool


@perm.require(perm.MANAGE_MEETINGS)
def meeting_manage(request, key):
    mt = _meeting(key)
    bound: dict = {}
    message, status = None, 200
    if request.method == "POST":
        op = request.POST.get("operation", "")
        if op not in OPERATIONS:
            message, status = "Unknown operation: nothing was saved.", 400
        else:
            done, message, status = _manage_post(request, mt, op, bound)
            if done:
                messages.success(request, done)
                return redirect("web:meeting_manage", key=mt.key)
    mt = _meeting(key)
    forms = _forms(mt, bound)
    items = list(mt.items.select_related("paper").order_by("number"))
    move_forms = {i.number: (bound["move_item"] if "move_item" in bound and bound["move_item"].number == i.number
                             else MoveItemForm(number=i.number)) for i in items}
    papers = list(mt.papers.prefetch_related("files").order_by("item"))
    paper_items = {p.item for p in papers}
    for p in papers:
        p.document_title = _document_label(p.document_ref)
    steps = list(m.Pathway.objects.select_related("paper", "body").filter(meeting=mt).order_by("paper__key", "step"))
    context = {
        "mt": mt, "title": _title(mt), "forms": forms,
        "items": [ItemRow(i, move_forms[i.number], frozen, not frozen and i.paper_id is None and i.number not in paper_items)
                  for i in items for frozen in (services.in_dispatched_pack(i),)],
        "papers": papers, "steps": steps, "packs": list(mt.packs.order_by("audience", "version")),
        "errors": error_summary(message, *bound.values()) if (message or bound) else {},
        "can_hold": mt.status == g.MeetingStatus.SCHEDULED and mt.date <= clock.today(),
        "scheduled": mt.status == g.MeetingStatus.SCHEDULED,
        "history": history_rows(mt), "paragraphs": cycle_rules.SCHEDULE_12A,
    }
    if status == 200 and context["errors"]:
        status = 400
    return render(request, "web/clerk/meeting_manage.html", context, status=status)


def _manage_post(request, mt: m.Meeting, op: str, bound: dict) -> tuple[str | None, str | None, int]:
    """Carry out one of the manage page's operations: (what was done, or None; the error
    summary's message; the status)."""
    by = request.user.username
    if op == "held":
        try:
            services.mark_held(MarkHeld(by=by, meeting=mt.key))
        except GovernanceError as exc:
            return None, exc.message if not exc.field_errors else str(exc), 400
        return f"{_title(mt)} is recorded as held.", None, 200
    if op == "details":
        form = MeetingDetailsForm(request.POST)
        run, now = (lambda: services.edit_meeting(form.command(mt.key, by))), (
            lambda: services.meeting_values(m.Meeting.objects.get(pk=mt.pk)))
        done = "The meeting's details were saved."
    elif op == "agenda":
        form = AgendaForm(request.POST)
        run, now = (lambda: services.save_agenda(form.command(mt.key, by))), (
            lambda: services.agenda_values(services.agenda_of(m.Meeting.objects.get(pk=mt.pk))))
        done = "The agenda's details were saved."
    elif op == "add_item":
        form = ItemForm(request.POST, adding=True)
        run, now = (lambda: services.add_item(form.add_command(mt.key, by))), dict
        done = "The item was added to the agenda."
    elif op == "remove_item":
        number = request.POST.get("number", "")
        if not number.isdigit() or not mt.items.filter(number=int(number)).exists():
            return None, f"The agenda has no item {number}: nothing was removed.", 400
        try:
            services.remove_item(RemoveItem(by=by, meeting=mt.key, number=int(number)))
        except GovernanceError as exc:
            return None, str(exc), 400
        return f"Item {number} was taken off the agenda.", None, 200
    elif op == "move_item":
        number = request.POST.get("number", "")
        if not number.isdigit() or not mt.items.filter(number=int(number)).exists():
            return None, f"The agenda has no item {number}: nothing was moved.", 400
        form = MoveItemForm(request.POST, number=int(number))
        run, now = (lambda: services.move_item(form.command(mt.key, by))), dict
        done = f"Item {number} was moved."
    else:  # cancel
        form = CancelForm(request.POST, meeting=mt)
        run, now = (lambda: services.cancel_meeting(form.command(mt.key, by))), dict
        done = f"{_title(mt)} was cancelled. Pathway steps planned at it were skipped with the reason."
    bound[op] = form
    if not form.is_valid():
        return None, None, 400
    try:
        run()
    except StaleEdit as exc:
        form.add_stale_error(exc, now())
        return None, None, 409
    except GovernanceError as exc:
        return None, form.add_service_error(exc), 400
    return done, None, 200


@perm.require(perm.MANAGE_MEETINGS)
def meeting_item(request, key, number):
    mt = _meeting(key)
    item = get_object_or_404(mt.items.select_related("paper"), number=number)
    values = services.item_values(item)
    message, status = None, 200
    if request.method == "POST":
        form = ItemForm(request.POST)
        if form.is_valid():
            try:
                services.edit_item(form.edit_command(mt.key, item.number, request.user.username))
            except StaleEdit as exc:
                item.refresh_from_db()
                form.add_stale_error(exc, services.item_values(item))
                status = 409
            except GovernanceError as exc:
                message, status = form.add_service_error(exc), 400
            else:
                messages.success(request, f"Item {item.number} was saved.")
                return redirect("web:meeting_manage", key=mt.key)
        else:
            status = 400
    else:
        form = ItemForm(initial=item_initial(values), opened_values=values)
    errors = error_summary(message, form) if form.is_bound else {}
    return render(request, "web/clerk/item_edit.html", {
        "mt": mt, "title": _title(mt), "item": item, "form": form, "errors": errors,
        "frozen": services.in_dispatched_pack(item), "history": history_rows(item)}, status=status)


# --- papers -----------------------------------------------------------------------------------
@perm.require(perm.MANAGE_MEETINGS)
def paper_create(request):
    from beacon.reports import papers

    docs = documents()
    initial = {k: request.GET[k] for k in ("meeting", "document") if request.GET.get(k)}
    form = CreatePaperForm(request.POST if request.method == "POST" else None, documents=docs, initial=initial)
    message = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            with transaction.atomic():
                number = d.get("item_number") or services.make_room_for_report(
                    MakeRoomForReport(by=request.user.username, meeting=d["meeting"]))
                paper = papers.create_paper(papers.CreatePaper(document_ref=d["document"], meeting_key=d["meeting"],
                                                               by=request.user.username, item_number=number))
        except GovernanceError as exc:
            message = form.add_service_error(exc)
        except (ValueError, LookupError) as exc:
            message = f"The paper was not created: {exc}"
        else:
            messages.success(request, f"The paper “{paper.subject}” was placed on the agenda as item {paper.item}.")
            return redirect("web:meeting_manage", key=paper.meeting.key)
    errors = error_summary(message, form) if form.is_bound else {}
    return render(request, "web/clerk/paper_create.html", {"form": form, "errors": errors, "documents": docs},
                  status=400 if errors else 200)


@perm.require(perm.MANAGE_MEETINGS)
def paper_upload(request, key, paper):
    from beacon.reports import papers

    mt = _meeting(key)
    row = get_object_or_404(m.Paper, key=paper, meeting=mt)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    message = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            saved = papers.attach_file(papers.AttachFile(paper_key=row.key, name=upload.name, content=upload.read(),
                                                         by=request.user.username))
        except papers.UploadRefused as exc:
            form.add_error("file", f"The paper's file: {exc}")
        except GovernanceError as exc:
            message = form.add_service_error(exc)
        else:
            messages.success(request, f"{saved.name} was attached to “{row.subject}” ({saved.page_count} "
                                      f"page{'s' if saved.page_count != 1 else ''}).")
            return redirect("web:meeting_manage", key=mt.key)
    errors = error_summary(message, form) if form.is_bound else {}
    return render(request, "web/clerk/paper_upload.html", {
        "mt": mt, "title": _title(mt), "paper": row, "form": form, "errors": errors,
        "files": list(row.files.all())}, status=400 if errors else 200)


# --- the pack ---------------------------------------------------------------------------------
@perm.require(perm.MANAGE_MEETINGS)
def meeting_pack(request, key):
    """The pack's checks and the packs dispatched; dispatching the pack (or a supplement) is
    checked here first (a refusal is listed on the page, nothing started), then rendered in the
    background (:data:`beacon.reports.jobs.DISPATCH_PACK`): the clerk is sent to the job's page."""
    from beacon.core import jobs
    from beacon.reports import packs
    from beacon.reports.jobs import DISPATCH_PACK, dispatch_key

    from .jobs import job_redirect

    mt = _meeting(key)
    refused: list[str] = []
    message, status = None, 200
    if request.method == "POST":
        op = request.POST.get("operation", "")
        if op not in ("dispatch", "supplement"):
            raise Http404("no such operation")
        supplement = op == "supplement"
        refused = packs.dispatch_refusal(mt.key, supplement=supplement)
        if not refused:
            started = jobs.start(DISPATCH_PACK, by=request.user.username, key=dispatch_key(mt.key), meeting=mt.key,
                                 user=request.user.username, supplement=supplement)
            return job_redirect(started)
        status = 400
        message = ("The supplement was not dispatched: " if supplement else "The pack was not dispatched: ") + \
            f"{len(refused)} problem{'s' if len(refused) != 1 else ''} to put right."
    problems = packs.pack_problems(mt)
    dispatched = list(mt.packs.order_by("audience", "version"))
    for p in dispatched:
        p.dispatched_words = when_words(p.dispatched_at)
    errors = {}
    if message:
        errors["__all__"] = message
        for n, text in enumerate(refused, 1):
            errors[f"__refused{n}"] = text
    return render(request, "web/clerk/meeting_pack.html", {
        "mt": mt, "title": _title(mt), "problems": problems, "warnings": packs.pack_warnings(mt), "packs": dispatched,
        "errors": errors,
        "is_dispatched": bool(dispatched)}, status=status)


# --- the cycle --------------------------------------------------------------------------------
@dataclass
class DocumentRow:
    document: Document
    placements: list
    forms: dict
    papers: list  # the document's papers on an agenda that no placement carries


@perm.require(perm.MANAGE_MEETINGS)
def cycle_page(request):
    docs = documents()
    by_ref = {d.ref: d for d in docs}
    bound, message, status = None, None, 200
    if request.method == "POST":
        done, bound, message, status = _cycle_post(request, by_ref)
        if done:
            messages.success(request, done)
            return redirect("web:cycle")
    rows = []
    for d in docs:
        placements = cycle.placements_of(d.ref)
        forms = {}
        for p in placements:
            if p.status != g.PlacementStatus.PROPOSED:
                continue
            move = bound if isinstance(bound, MovePlacementForm) and bound.placement.pk == p.pk else \
                MovePlacementForm(placement=p, meetings=cycle.meeting_choices(p))
            skip = bound if isinstance(bound, SkipPlacementForm) and bound.placement.pk == p.pk else \
                SkipPlacementForm(placement=p)
            forms[p.pk] = (move, skip)
        rows.append(DocumentRow(d, [(p, forms.get(p.pk)) for p in placements], forms, cycle.unplaced_papers(d.ref)))
    errors = error_summary(message, *([bound] if bound is not None else [])) if (message or bound) else {}
    if errors and status == 200:
        status = 400
    return render(request, "web/clerk/cycle.html", {
        "rows": rows, "errors": errors, "today": clock.today(),
        "rules": list(m.CycleRule.objects.select_related("body").order_by("artefact", "step")),
        "artefacts": cycle_rules.ARTEFACTS}, status=status)


def _cycle_post(request, by_ref: dict) -> tuple[str | None, object, str | None, int]:
    from beacon.reports import papers

    by = request.user.username
    op = request.POST.get("operation", "")
    if op == "propose":
        doc = by_ref.get(request.POST.get("document", ""))
        if doc is None:
            return None, None, "Choose one of the documents listed: nothing was proposed.", 400
        try:
            placed = cycle.propose_placements(doc.ref, by, document_date=doc.date, directorate=doc.directorate)
        except GovernanceError as exc:
            return None, None, str(exc), 400
        proposed = [p for p in placed if p.status == g.PlacementStatus.PROPOSED]
        return (f"{len(proposed)} placement{'s' if len(proposed) != 1 else ''} proposed for {doc.label}.",
                None, None, 200)
    pk = request.POST.get("placement", "")
    p = m.Placement.objects.select_related("rule", "rule__body", "meeting").filter(
        pk=int(pk) if pk.isdigit() else None).first()
    if p is None:
        return None, None, "That placement no longer exists: nothing was changed.", 400
    try:
        if op == "accept":
            def make_paper(placement):
                # a new report goes before the exempt items (renumbered while the pack is not dispatched)
                number = services.make_room_for_report(MakeRoomForReport(by=by, meeting=placement.meeting.key))
                return papers.create_paper(papers.CreatePaper(document_ref=placement.document_ref,
                                                              meeting_key=placement.meeting.key, by=by,
                                                              item_number=number))
            done = cycle.accept_placement(cycle.AcceptPlacement(by=by, placement=p.pk), make_paper)
            return (f"Accepted: the paper is item {done.paper.item} of {_title(done.meeting)}.", None, None, 200)
        if op == "move":
            form = MovePlacementForm(request.POST, placement=p, meetings=cycle.meeting_choices(p))
            if not form.is_valid():
                return None, form, None, 400
            try:
                done = cycle.move_placement(cycle.MovePlacement(by=by, placement=p.pk,
                                                                meeting=form.cleaned_data["meeting"]))
            except GovernanceError as exc:
                return None, form, form.add_service_error(exc), 400
            return f"Moved to {_title(done.meeting)}; its agenda goes out by {date_words(done.dispatch_deadline)}.", \
                None, None, 200
        if op == "skip":
            form = SkipPlacementForm(request.POST, placement=p)
            if not form.is_valid():
                return None, form, None, 400
            try:
                cycle.skip_placement(cycle.SkipPlacement(by=by, placement=p.pk, reason=form.cleaned_data.get("reason") or ""))
            except GovernanceError as exc:
                return None, form, form.add_service_error(exc), 400
            return f"Step {p.rule.step} ({p.rule.body.name}) was skipped.", None, None, 200
    except GovernanceError as exc:
        return None, None, str(exc), 400
    return None, None, "Unknown operation: nothing was changed.", 400
