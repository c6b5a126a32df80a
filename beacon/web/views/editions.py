"""The register editions pages: the list (with freezing a new edition), one edition (its status,
documents, and superseding or withdrawing it), its stored documents and the draft preview.

The forms (:mod:`beacon.web.forms.editions`) build the typed commands of
:mod:`beacon.risk.editions` after :mod:`beacon.core.permissions` has said the user may; the
service's refusals come back on the form. Documents of a frozen edition are stored once
(:mod:`beacon.reports.register.files`): freezing, superseding or withdrawing an edition starts
a background job that renders them (:data:`beacon.reports.jobs.RENDER_REGISTER_EDITION`), so a
download seldom has to."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from beacon.core import clock
from beacon.core import permissions as perm
from beacon.domain.edition_rules import EditionStatus
from beacon.reports.register.files import edition_file as stored_file
from beacon.risk import editions as ed
from beacon.risk import models as rm
from beacon.risk import services

from ..forms import error_summary
from ..forms.editions import FreezeForm, SupersedeForm, WithdrawForm
from ..services import reports as report_files
from .files import file_response, format_or_404


def _render_later(edition: rm.Edition, by: str) -> None:
    """Render the edition's documents in the background (for its status now), so downloads find
    them stored; a download before the job has run renders the one it asks for itself."""
    from beacon.core import jobs
    from beacon.reports.jobs import RENDER_REGISTER_EDITION

    jobs.start(RENDER_REGISTER_EDITION, by=by, key=f"{RENDER_REGISTER_EDITION}:{edition.pk}:{edition.status}",
               edition=edition.pk)


def _listed():
    return rm.Edition.objects.order_by("-date", "body", "-pk").select_related("superseded_by")


@perm.require(perm.VIEW_RISKS)
def editions(request):
    can_manage = perm.can(request.user, perm.MANAGE_RISKS)
    body = services.register_body()
    form = FreezeForm(request.POST if request.method == "POST" else None, initial={"body": body})
    existing = None
    if request.method == "POST":
        perm.check(request.user, perm.MANAGE_RISKS)
        if form.is_valid():
            try:
                edition = ed.freeze(form.command(request.user.username))
                _render_later(edition, request.user.username)
            except ed.EditionError as exc:
                if isinstance(exc, ed.EditionExists):
                    existing = exc.existing
                if isinstance(exc, ed.DateNeedsConfirmation):
                    form.question(exc.date)
                form.add_edition_error(exc)
            else:
                messages.success(request, f"The edition for {edition.body} on {edition.date:%d/%m/%Y} is frozen "
                                          f"(edition {edition.pk}).")
                return redirect("web:risk_edition", pk=edition.pk)
    context = {"editions": _listed(), "can_manage": can_manage, "body": body, "form": form, "existing": existing,
               "supersede_form": SupersedeForm() if existing is not None else None,
               "errors": error_summary(None, form) if form.is_bound else {}}
    return render(request, "web/risk_editions.html", context, status=400 if form.errors else 200)


def _edition_page(request, e: rm.Edition, supersede_form=None, withdraw_form=None):
    can_manage = perm.can(request.user, perm.MANAGE_RISKS)
    status = EditionStatus(e.status)
    bound = [f for f in (supersede_form, withdraw_form) if f is not None and f.is_bound]
    context = {
        "e": e, "reg": ed.read_edition(e), "status": status, "notice": ed.notice(e),
        "supersedes": list(e.supersedes.order_by("pk")), "can_manage": can_manage,
        "supersede_form": (supersede_form or SupersedeForm()) if can_manage and status is EditionStatus.CURRENT else None,
        "withdraw_form": (withdraw_form or WithdrawForm()) if can_manage and status is not EditionStatus.WITHDRAWN else None,
        "errors": error_summary(None, *bound) if bound else {},
    }
    return render(request, "web/risk_edition.html", context, status=400 if any(f.errors for f in bound) else 200)


@perm.require(perm.VIEW_RISKS)
def edition(request, pk):
    return _edition_page(request, get_object_or_404(rm.Edition.objects.select_related("superseded_by"), pk=pk))


@perm.require(perm.MANAGE_RISKS)
def edition_supersede(request, pk):
    e = get_object_or_404(rm.Edition, pk=pk)
    if request.method != "POST":
        return redirect("web:risk_edition", pk=e.pk)
    form = SupersedeForm(request.POST)
    if form.is_valid():
        try:
            new = ed.supersede(form.command(e.pk, request.user.username))
            _render_later(new, request.user.username)
            _render_later(rm.Edition.objects.get(pk=e.pk), request.user.username)  # its documents now say superseded
        except ed.EditionError as exc:
            form.add_edition_error(exc)
        else:
            messages.success(request, f"Edition {new.pk} is frozen for {new.body} on {new.date:%d/%m/%Y}; "
                                      f"edition {e.pk} is kept, marked superseded.")
            return redirect("web:risk_edition", pk=new.pk)
    e.refresh_from_db()
    return _edition_page(request, e, supersede_form=form)


@perm.require(perm.MANAGE_RISKS)
def edition_withdraw(request, pk):
    e = get_object_or_404(rm.Edition, pk=pk)
    if request.method != "POST":
        return redirect("web:risk_edition", pk=e.pk)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            done = ed.withdraw(form.command(e.pk, request.user.username))
            _render_later(done, request.user.username)
        except ed.EditionError as exc:
            form.add_edition_error(exc)
        else:
            messages.success(request, f"Edition {done.pk} is withdrawn. It is kept, and its documents say so.")
            return redirect("web:risk_edition", pk=done.pk)
    e.refresh_from_db()
    return _edition_page(request, e, withdraw_form=form)


@perm.require(perm.VIEW_RISKS)
def edition_file(request, pk, fmt):
    output = format_or_404(report_files.REGISTER, fmt)
    e = get_object_or_404(rm.Edition, pk=pk)
    stored = stored_file(e, output)
    return file_response(bytes(stored.content), output, stored.name)


@perm.require(perm.MANAGE_RISKS)
def edition_preview(request, fmt):
    output = format_or_404(report_files.REGISTER, fmt)
    body = " ".join(request.GET.get("body", "").split()) or services.register_body()
    try:
        date = dt.date.fromisoformat(request.GET.get("date", "")) if request.GET.get("date") else clock.today()
    except ValueError:
        raise Http404("not a date") from None
    return file_response(report_files.register_draft_file(body, date, output), output,
                         output.filename(f"register-draft-{date:%Y-%m-%d}"))
