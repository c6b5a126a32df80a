"""The risk register pages: Django forms (:mod:`beacon.web.forms.risks`) build the typed
commands of :mod:`beacon.risk.commands` and the views hand them to
:mod:`beacon.risk.services`, after asking :mod:`beacon.core.permissions` whether the user may."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from beacon.core import clock
from beacon.core import permissions as perm
from beacon.risk import models as rm
from beacon.risk import services
from beacon.risk.commands import RiskError
from beacon.risk.editions import EVENT_TITLES, read_edition

from ..forms import error_summary
from ..forms.risks import ACTION_UPDATE, OPERATIONS, RERATE, AddRiskForm, EditionForm, make_form, offered
from ..services import reports as report_files
from .files import file_response, format_or_404


@perm.require(perm.VIEW_RISKS)
def register(request):
    can_manage = perm.can(request.user, perm.MANAGE_RISKS)
    form = AddRiskForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        perm.check(request.user, perm.MANAGE_RISKS)
        if form.is_valid():
            try:
                risk = services.handle(form.command(request.user.username))
            except RiskError as exc:
                form.add_risk_error(exc)
            else:
                messages.success(request, f"{risk.risk_id} {risk.title} was added to the register.")
                return redirect("web:risk", risk_id=risk.risk_id)
    context = {"reg": services.register(), "body": services.register_body(), "can_manage": can_manage, "form": form,
               "errors": error_summary(None, form) if form.is_bound else {}}
    return render(request, "web/risk_register.html", context, status=400 if form.errors else 200)


def _page_forms(risk: rm.Risk, user, bound=None):
    """The forms the page offers the user for ``risk`` (the one posted, ``bound``, with what
    was typed and its errors): re-rating, an action update, then the other operations."""
    actions = risk.actions.filter(removed_at__isnull=True).exists()
    controls = risk.controls.filter(removed_at__isnull=True).exists()
    forms = {}
    for op, operation in OPERATIONS.items():
        if not (offered(op, risk, controls) and operation.allowed(user, risk)):
            continue
        if op == ACTION_UPDATE and not actions:
            continue
        forms[op] = bound if bound is not None and bound.operation == op else make_form(op, risk)
    return forms


@perm.require(perm.VIEW_RISKS)
def risk(request, risk_id):
    r = get_object_or_404(rm.Risk.objects.select_related("register"), risk_id=risk_id)
    bound, message = None, None
    if request.method == "POST":
        op = request.POST.get("operation", "")
        operation = OPERATIONS.get(op)
        allowed = operation.allowed(request.user, r) if operation else perm.can(request.user, perm.UPDATE_RISK, risk=r)
        if not allowed:
            raise PermissionDenied("not your risk")
        if operation is None:
            message = "Unknown operation"
        else:
            bound = make_form(op, r, request.POST)
            if bound.is_valid():
                try:
                    result = services.handle(bound.command(request.user.username))
                except RiskError as exc:
                    bound.add_risk_error(exc)
                else:
                    if op == RERATE:
                        messages.success(request, f"{r.risk_id} was re-rated: {result.direction or 'rating recorded'}.")
                    elif op == ACTION_UPDATE:
                        messages.success(request, "The progress update was recorded.")
                    else:
                        messages.success(request, f"{operation.label}: done.")
                    if isinstance(result, rm.Risk):  # a new risk replaced this one
                        return redirect("web:risk", risk_id=result.risk_id)
                    return redirect("web:risk", risk_id=r.risk_id)
    forms = _page_forms(r, request.user, bound)
    shown = [bound] if bound is not None and bound.operation in forms else []
    if bound is not None and not shown:  # posted, but not offered on the page as it stands now
        message = " ".join(bound.summary().values()) or None
    context = {
        "risk": r, "d": services.detail(r), "event_titles": EVENT_TITLES, "errors": error_summary(message, *shown),
        "rerate_form": forms.pop(RERATE, None), "update_form": forms.pop(ACTION_UPDATE, None),
        "operations": [(op, OPERATIONS[op].label, form) for op, form in forms.items()],
    }
    failed = message is not None or (bound is not None and bool(bound.errors))
    return render(request, "web/risk.html", context, status=400 if failed else 200)


@perm.require(perm.VIEW_RISKS)
def editions(request):
    can_manage = perm.can(request.user, perm.MANAGE_RISKS)
    body = services.register_body()
    form = EditionForm(request.POST if request.method == "POST" else None, initial={"body": body})
    if request.method == "POST":
        perm.check(request.user, perm.MANAGE_RISKS)
        if form.is_valid():
            try:
                edition = services.handle(form.command(request.user.username))
            except RiskError as exc:
                form.add_risk_error(exc)
            else:
                messages.success(request, f"The edition for {edition.body} on {edition.date:%d/%m/%Y} is frozen.")
                return redirect("web:risk_edition", pk=edition.pk)
    context = {"editions": services.editions(), "can_manage": can_manage, "body": body, "form": form,
               "errors": error_summary(None, form) if form.is_bound else {}}
    return render(request, "web/risk_editions.html", context, status=400 if form.errors else 200)


@perm.require(perm.VIEW_RISKS)
def edition(request, pk):
    e = get_object_or_404(rm.Edition, pk=pk)
    return render(request, "web/risk_edition.html", {"e": e, "reg": read_edition(e)})


@perm.require(perm.VIEW_RISKS)
def edition_file(request, pk, fmt):
    output = format_or_404(report_files.REGISTER, fmt)
    e = get_object_or_404(rm.Edition, pk=pk)
    return file_response(report_files.register_edition_file(e, output), output, output.filename(f"register-{e.date:%Y-%m-%d}"))


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
