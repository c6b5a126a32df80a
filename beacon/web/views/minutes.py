"""The minutes pages: the clerk writes a held meeting's minutes from its agenda (attendance, each
minute, motions and recorded votes, declarations), places them on the next meeting's agenda and
records their approval, after which they are shown read-only. The forms
(:mod:`beacon.web.forms.minutes`) build the commands of :mod:`beacon.governance.minutes`; the
views ask :mod:`beacon.core.permissions` first."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from beacon.core import permissions as perm
from beacon.core.audit import history_of
from beacon.core.stale import StaleEdit
from beacon.governance import minutes as svc
from beacon.governance import models as gm
from beacon.governance import queries

from ..forms import error_summary
from ..forms.minutes import (
    AttendanceForm,
    DeclarationForm,
    MinuteForm,
    MotionForm,
    PlaceForm,
    ResolveForm,
    StartForm,
)


def _meeting(key: str) -> gm.Meeting:
    return get_object_or_404(gm.Meeting.objects.select_related("body", "body__parent", "presiding"), key=key)


def _minutes(meeting: gm.Meeting) -> gm.Minutes | None:
    return gm.Minutes.objects.filter(meeting=meeting).select_related("printed_as_paper__meeting").first()


def read(request, key: str):
    """The minutes as they read, for everyone: approved, or the draft marked Draft (the meeting
    page and the next meeting's pack publish the draft too); the minutes of exempt items only for
    those who may see exempt business. A meeting with no minutes yet is a 404 saying so."""
    meeting = _meeting(key)
    can_manage = perm.can(request.user, perm.MANAGE_MEETINGS)
    view = svc.minutes_view(key, public=not queries.may_view_exempt(request.user))
    if view is None:
        return render(request, "web/minutes/none.html", {"meeting": meeting, "can_manage": can_manage}, status=404)
    return render(request, "web/minutes/read.html", {"meeting": meeting, "view": view, "can_manage": can_manage})


def _edit_page(request, meeting: gm.Meeting, *, start=None, declaration=None, place=None, approve=None, note=None,
               message: str | None = None, status: int = 200):
    minutes = _minutes(meeting)
    if minutes is None:
        start = start or StartForm(meeting=meeting)
        errors = error_summary(message, start) if (start.is_bound or message) else {}
        return render(request, "web/minutes/start.html", {"meeting": meeting, "form": start, "errors": errors},
                      status=400 if errors else status)
    view = svc.minutes_view(meeting.key)
    if view.frozen:
        return render(request, "web/minutes/read.html", {"meeting": meeting, "view": view, "can_manage": True,
                                                         "errors": {"__all__": message} if message else {}},
                      status=409 if message else 200)
    forms = {
        "declaration": declaration or DeclarationForm(meeting=meeting),
        "place": place or PlaceForm(meeting=meeting),
        "approve": approve or ResolveForm(meeting=meeting),
    }
    if meeting.body.parent_id:
        forms["note"] = note or ResolveForm(meeting=meeting, noting=True)
    bound = [f for f in forms.values() if f.is_bound]
    errors = error_summary(message, *bound)
    context = {"meeting": meeting, "minutes": minutes, "view": view, "errors": errors, **forms,
               "declarations": gm.Declaration.objects.filter(meeting=meeting).select_related("person").order_by("pk"),
               "placed": minutes.printed_as_paper}
    return render(request, "web/minutes/edit.html", context, status=400 if errors else status)


@perm.require(perm.MANAGE_MEETINGS)
def edit(request, key: str):
    """"Write the minutes": start them from the agenda, then the overview of every part."""
    meeting = _meeting(key)
    if request.method == "POST":
        form = StartForm(request.POST, meeting=meeting)
        if form.is_valid():
            try:
                svc.start_minutes(form.command(request.user.username))
            except svc.MinutesError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, "The draft minutes were started from the agenda.")
                return redirect("web:minutes_edit", key=key)
        return _edit_page(request, meeting, start=form)
    return _edit_page(request, meeting)


def _frozen(request, meeting: gm.Meeting, exc: svc.MinutesFrozen):
    return _edit_page(request, meeting, message=exc.message)


@perm.require(perm.MANAGE_MEETINGS)
def attendance(request, key: str):
    meeting = _meeting(key)
    minutes = _minutes(meeting)
    if minutes is None:
        return redirect("web:minutes_edit", key=key)
    if svc.is_approved(minutes):
        return _edit_page(request, meeting)
    form = AttendanceForm(request.POST if request.method == "POST" else None, meeting=meeting,
                          opened_values=svc.attendance_values(meeting))
    if request.method == "POST" and form.is_valid():
        try:
            svc.save_attendance(form.command(request.user.username))
        except svc.MinutesFrozen as exc:
            return _frozen(request, meeting, exc)
        except svc.MinutesError as exc:
            form.add_service_error(exc)
        except StaleEdit as exc:
            form.add_stale_error(exc)
        else:
            messages.success(request, "The attendance was saved.")
            return redirect("web:minutes_edit", key=key)
    errors = error_summary(None, form) if form.is_bound else {}
    return render(request, "web/minutes/attendance.html", {"meeting": meeting, "form": form, "errors": errors},
                  status=400 if errors else 200)


def _minute_or_404(meeting: gm.Meeting, number: int) -> gm.MinuteItem:
    return get_object_or_404(gm.MinuteItem.objects.select_related("meeting"), meeting=meeting, minute_number=number)


def _minute_page(request, meeting, minute, form, motion, status=200):
    bound = [f for f in (form, motion) if f.is_bound]
    errors = error_summary(None, *bound)
    view = svc.minutes_view(meeting.key)
    mv = next((m for m in view.minutes if m.number == minute.minute_number), None)
    history = [svc.history_row(r) for r in history_of(minute).order_by("-changed_at", "-pk")[:30]]
    return render(request, "web/minutes/minute.html", {
        "meeting": meeting, "minute": minute, "form": form, "motion": motion, "errors": errors, "mv": mv,
        "history": history,
        "motions": gm.Motion.objects.filter(meeting=meeting, minute_number=minute.minute_number)}, status=400 if errors else status)


@perm.require(perm.MANAGE_MEETINGS)
def minute(request, key: str, number: int):
    """One minute: its title, number, agenda item, paragraphs, outcome, speakers and officers in
    attendance; and its motions with their recorded votes."""
    meeting = _meeting(key)
    minutes = _minutes(meeting)
    if minutes is None:
        return redirect("web:minutes_edit", key=key)
    if svc.is_approved(minutes):
        return _edit_page(request, meeting)
    m = _minute_or_404(meeting, number)
    posted = request.POST if request.method == "POST" else None
    which = (posted or {}).get("form", "")
    form = MinuteForm(posted if which == "minute" else None, minute=m)
    motion = MotionForm(posted if which == "motion" else None, minute=m)
    if which == "minute" and form.is_valid():
        try:
            saved = svc.save_minute(form.command(request.user.username))
        except svc.MinutesFrozen as exc:
            return _frozen(request, meeting, exc)
        except svc.MinutesError as exc:
            form.add_service_error(exc)
        except StaleEdit as exc:
            m.refresh_from_db()
            form.add_stale_error(exc, svc.minute_values(m))
        else:
            messages.success(request, f"Minute {saved.minute_number} was saved.")
            return redirect("web:minutes_edit", key=key)
    if which == "motion" and motion.is_valid():
        try:
            svc.record_motion(motion.command(request.user.username))
        except svc.MinutesFrozen as exc:
            return _frozen(request, meeting, exc)
        except svc.MinutesError as exc:
            motion.add_service_error(exc)
        else:
            messages.success(request, f"The motion was recorded at minute {m.minute_number}.")
            return redirect("web:minute_edit", key=key, number=m.minute_number)
    return _minute_page(request, meeting, m, form, motion)


def _post_action(request, meeting, call, done: str, target=None):
    try:
        call()
    except svc.MinutesFrozen as exc:
        return _frozen(request, meeting, exc)
    except svc.MinutesError as exc:
        return _edit_page(request, meeting, message=exc.message)
    messages.success(request, done)
    return redirect(target or "web:minutes_edit", key=meeting.key)


@require_POST
@perm.require(perm.MANAGE_MEETINGS)
def minute_remove(request, key: str, number: int):
    meeting = _meeting(key)
    return _post_action(request, meeting, lambda: svc.remove_minute(svc.RemoveMinute(key, number, request.user.username)),
                        f"Minute {number} was removed.")


@require_POST
@perm.require(perm.MANAGE_MEETINGS)
def motion_remove(request, key: str, motion_key: str):
    meeting = _meeting(key)
    motion = get_object_or_404(gm.Motion, meeting=meeting, key=motion_key)
    try:
        svc.remove_motion(svc.RemoveMotion(key, motion_key, request.user.username))
    except svc.MinutesFrozen as exc:
        return _frozen(request, meeting, exc)
    except svc.MinutesError as exc:
        return _edit_page(request, meeting, message=exc.message)
    messages.success(request, "The motion was removed.")
    return redirect("web:minute_edit", key=key, number=motion.minute_number)


@require_POST
@perm.require(perm.MANAGE_MEETINGS)
def declaration(request, key: str):
    meeting = _meeting(key)
    form = DeclarationForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            svc.record_declaration(form.command(request.user.username))
        except svc.MinutesFrozen as exc:
            return _frozen(request, meeting, exc)
        except svc.MinutesError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "The declaration of interest was recorded.")
            return redirect("web:minutes_edit", key=key)
    return _edit_page(request, meeting, declaration=form)


@require_POST
@perm.require(perm.MANAGE_MEETINGS)
def declaration_remove(request, key: str, pk: int):
    meeting = _meeting(key)
    return _post_action(request, meeting,
                        lambda: svc.remove_declaration(svc.RemoveDeclaration(key, pk, request.user.username)),
                        "The declaration of interest was removed.")


@require_POST
@perm.require(perm.MANAGE_MEETINGS)
def place(request, key: str):
    meeting = _meeting(key)
    form = PlaceForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            paper = svc.place_minutes(form.command(request.user.username))
        except svc.MinutesFrozen as exc:
            return _frozen(request, meeting, exc)
        except svc.MinutesError as exc:
            form.add_service_error(exc)
        else:
            item = gm.AgendaItem.objects.filter(paper=paper).first()
            messages.success(request, f"The minutes are item {item.number if item else paper.item} of the agenda "
                                      f"of {svc.meeting_name(paper.meeting)}: \u201c{paper.subject}\u201d.")
            return redirect("web:minutes_edit", key=key)
    return _edit_page(request, meeting, place=form)


@require_POST
@perm.require(perm.MANAGE_MEETINGS)
def approve(request, key: str):
    return _resolve(request, key, noting=False)


@require_POST
@perm.require(perm.MANAGE_MEETINGS)
def note(request, key: str):
    return _resolve(request, key, noting=True)


def _resolve(request, key: str, noting: bool):
    meeting = _meeting(key)
    form = ResolveForm(request.POST, meeting=meeting, noting=noting)
    if form.is_valid():
        command = form.command(request.user.username)
        try:
            (svc.note_minutes if noting else svc.approve_minutes)(command)
        except svc.MinutesFrozen as exc:
            return _frozen(request, meeting, exc)
        except svc.MinutesError as exc:
            form.add_service_error(exc)
        else:
            at = svc.meeting_name(_meeting(command.at_meeting_key))
            if noting:
                messages.success(request, f"The minutes were noted at the meeting of {at}, minute {command.minute_number}.")
            else:
                messages.success(request, f"The minutes were approved at the meeting of {at}, minute "
                                          f"{command.minute_number}. They are now frozen.")
            return redirect("web:minutes_edit", key=key)
    return _edit_page(request, meeting, **{("note" if noting else "approve"): form})
