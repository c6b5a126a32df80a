"""The risk register pages: Django forms (:mod:`beacon.web.forms.risks`) build the typed
commands of :mod:`beacon.risk.commands` and the views hand them to
:mod:`beacon.risk.services`, after asking :mod:`beacon.core.permissions` whether the user may."""

from dataclasses import replace

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render

from beacon.core import permissions as perm
from beacon.risk import models as rm
from beacon.risk import services
from beacon.risk.commands import CHOOSE_ACTION, RiskError
from beacon.risk.editions import EVENT_TITLES
from beacon.risk.services import StaleEdit

from .. import drafts
from ..forms import error_summary
from ..forms.risks import (
    ACTION_UPDATE,
    ADD_ACTION,
    OPERATIONS,
    RERATE,
    REVISE_RISK,
    AddRiskForm,
    RegisterFilterForm,
    make_form,
    offered,
)


@perm.require(perm.VIEW_RISKS)
def register(request):
    """The live register, filtered by the filter form (an unknown value is an error, status
    400, never ignored), and the form that adds a risk."""
    can_manage = perm.can(request.user, perm.MANAGE_RISKS)
    form = AddRiskForm(request.POST if request.method == "POST" else None)
    filters = RegisterFilterForm(request.GET if any(n in request.GET for n in services.REGISTER_FILTERS) else None)
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
    reg = services.register()
    shown = reg.risks
    if filters.is_bound and filters.is_valid():
        shown = services.filter_register(reg.risks, **filters.chosen())
    bound = [f for f in (filters, form) if f.is_bound]
    filtered = filters.is_bound and filters.is_valid() and any(filters.chosen().values())
    context = {"reg": reg, "table": replace(reg, risks=tuple(shown)), "filtered": filtered, "filters": filters, "body": services.register_body(), "can_manage": can_manage, "form": form,
               "errors": error_summary(None, *bound) if bound else {}}
    return render(request, "web/risk_register.html", context, status=400 if any(f.errors for f in bound) else 200)


def _action_forms(risk: rm.Risk, user, bound=None) -> dict[int, dict]:
    """Each action still in place, with the forms the user may use on it (the one posted,
    ``bound``, with what was typed and its errors)."""
    ops = [op for op, operation in OPERATIONS.items()
           if operation.per_action and offered(op, risk, True) and operation.allowed(user, risk)]
    out = {}
    for action in risk.actions.filter(removed_at__isnull=True).order_by("order", "pk"):
        out[action.pk] = {
            op: bound if (bound is not None and bound.operation == op and bound.action.pk == action.pk)
            else make_form(op, risk, action=action)
            for op in ops
        }
    return out


def _page_forms(risk: rm.Risk, user, bound=None):
    """The forms the page offers the user for ``risk`` (the one posted, ``bound``, with what
    was typed and its errors): re-rating, editing the risk, adding an action, then the other
    operations (each action's own forms are :func:`_action_forms`)."""
    actions = risk.actions.filter(removed_at__isnull=True).exists()
    controls = risk.controls.filter(removed_at__isnull=True).exists()
    forms = {}
    for op, operation in OPERATIONS.items():
        if operation.per_action or not (offered(op, risk, controls) and operation.allowed(user, risk)):
            continue
        if op == "revise_action_date" and not actions:
            continue
        forms[op] = bound if bound is not None and bound.operation == op else make_form(op, risk)
    return forms


def _posted_form(op: str, r: rm.Risk, data):
    """The form posted for ``op`` (None: it names an action that is not one of the risk's in
    place, which the page then says)."""
    if not OPERATIONS[op].per_action:
        return make_form(op, r, data)
    action = r.actions.filter(pk=data.get("action") if str(data.get("action", "")).isdigit() else None,
                              removed_at__isnull=True).first()
    return None if action is None else make_form(op, r, data, action=action)


def _stale_now(bound, r: rm.Risk) -> dict[str, str] | None:
    """The values a refused form now shows (sealed anew, so that a second save goes through)."""
    r.refresh_from_db()
    action = getattr(bound, "action", None)
    if action is not None:
        action.refresh_from_db()
    return bound.opened_of(r)


@perm.require(perm.VIEW_RISKS)
def risk(request, risk_id):
    r = get_object_or_404(rm.Risk.objects.select_related("register"), risk_id=risk_id)
    bound, message = None, None
    if request.method == "GET" and (kept := drafts.restore(request)) is not None:
        bound = _posted_form(kept.get("operation", ""), r, kept)  # entries kept when the session ended
    if request.method == "POST":
        op = request.POST.get("operation", "")
        operation = OPERATIONS.get(op)
        allowed = operation.allowed(request.user, r) if operation else perm.can(request.user, perm.UPDATE_RISK, risk=r)
        if not allowed:
            raise PermissionDenied("not your risk")
        if operation is None:
            message = "Unknown operation"
        else:
            bound = _posted_form(op, r, request.POST)
            if bound is None:
                message = f"{operation.label}: {CHOOSE_ACTION.removeprefix('Action: ')}"
            elif bound.is_valid():
                try:
                    result = services.handle(bound.command(request.user.username))
                except RiskError as exc:
                    bound.add_risk_error(exc)
                except StaleEdit as exc:
                    bound.add_stale_error(exc, _stale_now(bound, r))
                else:
                    messages.success(request, _done(op, operation.label, r, result))
                    if isinstance(result, rm.Risk):  # a new risk replaced this one
                        return redirect("web:risk", risk_id=result.risk_id)
                    return redirect("web:risk", risk_id=r.risk_id)
    r.refresh_from_db()
    forms = _page_forms(r, request.user, bound)
    action_forms = _action_forms(r, request.user, bound)
    on_page = list(forms.values()) + [f for fs in action_forms.values() for f in fs.values()]
    shown = [bound] if bound is not None and any(f is bound for f in on_page) else []
    if bound is not None and not shown:  # posted, but not offered on the page as it stands now
        message = " ".join(bound.summary().values()) or None
    d = services.detail(r)
    context = {
        "risk": r, "d": d, "event_titles": EVENT_TITLES, "errors": error_summary(message, *shown),
        "rerate_form": forms.pop(RERATE, None), "revise_form": forms.pop(REVISE_RISK, None),
        "add_action_form": forms.pop(ADD_ACTION, None),
        "actions": [(a, action_forms.get(a.pk, {})) for a in d.actions],
        "action_ops": {op: OPERATIONS[op].label for op in OPERATIONS if OPERATIONS[op].per_action},
        "operations": [(op, OPERATIONS[op].label, form) for op, form in forms.items()],
    }
    failed = message is not None or (bound is not None and bool(bound.errors))
    return render(request, "web/risk.html", context, status=400 if failed else 200)


def _done(op: str, label: str, r: rm.Risk, result) -> str:
    if op == RERATE:
        return f"{r.risk_id} was re-rated: {result.direction or 'rating recorded'}."
    return {
        ACTION_UPDATE: "The progress update was recorded.",
        REVISE_RISK: f"{r.risk_id} was changed.",
        ADD_ACTION: "The action was added.",
        "revise_action": "The action was changed.",
        "retire_action": "The action was retired. It stays in the risk's history.",
    }.get(op, f"{label}: done.")
