"""The risk register pages: thin views over beacon.web.services.risks."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from beacon.risk import models as rm
from beacon.risk.editions import EVENT_TITLES
from beacon.risk.models import ACTION_STATUSES
from beacon.core import clock

from .. import permissions as perm
from ..services import risks as svc

UPDATE_STATUSES = [s for s in ACTION_STATUSES if s != "planned"]


@perm.require(perm.VIEW_RISKS)
def register(request):
    can_manage = perm.can(request.user, perm.MANAGE_RISKS)
    context = {"reg": svc.register(), "can_manage": can_manage, "scales": svc.scale_choices(), "errors": {}, "form": {}}
    if request.method == "POST":
        perm.check(request.user, perm.MANAGE_RISKS)
        form = request.POST
        try:
            risk = svc.add_risk(form.get("title", ""), form.get("owners", ""), form, request.user)
        except svc.RiskFormError as exc:
            context.update(errors=exc.errors, form=form)
            return render(request, "web/risk_register.html", context, status=400)
        messages.success(request, f"{risk.risk_id} {risk.title} was added to the register.")
        return redirect("web:risk", risk_id=risk.risk_id)
    return render(request, "web/risk_register.html", context)


@perm.require(perm.VIEW_RISKS)
def risk(request, risk_id):
    r = get_object_or_404(rm.Risk.objects.select_related("register"), risk_id=risk_id)
    can_update = perm.can(request.user, perm.UPDATE_RISK, risk=r) and r.status == "active"
    errors, form = {}, {}
    if request.method == "POST":
        op = request.POST.get("operation", "")
        manage = op in svc.OPERATIONS and svc.OPERATIONS[op][1] == "manage"
        if not (perm.can(request.user, perm.MANAGE_RISKS) if manage else perm.can(request.user, perm.UPDATE_RISK, risk=r)):
            raise PermissionDenied("not your risk")
        form = request.POST
        try:
            if form.get("operation") == "rerate":
                event = svc.rerate(r, form.get("current_likelihood"), form.get("current_impact"), form.get("note", ""), request.user)
                messages.success(request, f"{r.risk_id} was re-rated: {event.direction or 'rating recorded'}.")
            elif form.get("operation") == "action_update":
                svc.action_update(r, form.get("action"), form.get("status", ""), form.get("text", ""), request.user)
                messages.success(request, "The progress update was recorded.")
            elif form.get("operation") in svc.OPERATIONS:
                result = svc.lifecycle_operation(r, form.get("operation"), form, request.user)
                messages.success(request, f"{svc.OPERATIONS[form.get('operation')][0]}: done.")
                if isinstance(result, rm.Risk):  # a new risk replaced this one
                    return redirect("web:risk", risk_id=result.risk_id)
            else:
                raise svc.RiskFormError("Unknown operation", {"__all__": "Unknown operation"})
            return redirect("web:risk", risk_id=r.risk_id)
        except svc.RiskFormError as exc:
            errors = exc.errors
    context = {
        "risk": r, "d": svc.detail(r), "can_update": can_update, "scales": svc.scale_choices(),
        "statuses": UPDATE_STATUSES, "errors": errors, "form": form,
        "event_titles": EVENT_TITLES, "operations": svc.allowed_operations(r, request.user), "chosen": form.get("operation", "") if form else "",
    }
    return render(request, "web/risk.html", context, status=400 if errors else 200)


@perm.require(perm.VIEW_RISKS)
def editions(request):
    can_manage = perm.can(request.user, perm.MANAGE_RISKS)
    context = {"editions": svc.editions(), "can_manage": can_manage, "errors": {}, "form": {}}
    if request.method == "POST":
        perm.check(request.user, perm.MANAGE_RISKS)
        try:
            edition = svc.prepare_edition(request.POST.get("body", ""), request.POST.get("date", ""), request.user)
        except svc.RiskFormError as exc:
            context.update(errors=exc.errors, form=request.POST)
            return render(request, "web/risk_editions.html", context, status=400)
        messages.success(request, f"The edition for {edition.body} on {edition.date:%d/%m/%Y} is frozen.")
        return redirect("web:risk_edition", pk=edition.pk)
    return render(request, "web/risk_editions.html", context)


@perm.require(perm.VIEW_RISKS)
def edition(request, pk):
    e = get_object_or_404(rm.Edition, pk=pk)
    return render(request, "web/risk_edition.html", {"e": e, "reg": e.snapshot})


FORMATS = ("html", "pdf", "docx", "json")


def _send(content: bytes, fmt: str, name: str):
    from .reports import _file_response

    return _file_response(content, fmt, name, inline=fmt in ("html", "json", "pdf"))


@perm.require(perm.VIEW_RISKS)
def edition_file(request, pk, fmt):
    if fmt not in FORMATS:
        raise Http404("no such format")
    e = get_object_or_404(rm.Edition, pk=pk)
    return _send(svc.edition_file(e, fmt), fmt, f"register-{e.date:%Y-%m-%d}.{fmt}")


@perm.require(perm.MANAGE_RISKS)
def edition_preview(request, fmt):
    if fmt not in FORMATS:
        raise Http404("no such format")
    body = " ".join(request.GET.get("body", "Cabinet").split()) or "Cabinet"
    try:
        date = dt.date.fromisoformat(request.GET.get("date", "")) if request.GET.get("date") else clock.today()
    except ValueError:
        raise Http404("not a date") from None
    return _send(svc.draft_file(body, date, fmt), fmt, f"register-draft-{date:%Y-%m-%d}.{fmt}")
