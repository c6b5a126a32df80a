"""The risk register pages: Django forms (:mod:`beacon.web.forms.risks`) build the typed
commands of :mod:`beacon.risk.commands` and the views hand them to
:mod:`beacon.risk.services`, after asking :mod:`beacon.core.permissions` whether the user may."""

from dataclasses import replace

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from beacon.core import permissions as perm
from beacon.risk import models as rm
from beacon.risk import services
from beacon.risk.commands import CHOOSE_ACTION, RiskError
from beacon.risk.editions import EVENT_TITLES
from beacon.risk.services import StaleEdit

from beacon.reports import risk_indicators as kri

from .. import drafts
from ..forms import error_summary
from ..forms import risk_indicators as kri_forms
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
               "flagged": {k: v for k, v in kri.open_flags_by_risk().items() if k in {r.id for r in reg.risks}},
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
    bound, message, kri_bound = None, None, None
    if request.method == "GET" and (kept := drafts.restore(request)) is not None:
        bound = _posted_form(kept.get("operation", ""), r, kept)  # entries kept when the session ended
    if request.method == "POST" and request.POST.get("operation", "") in kri_forms.FORMS:
        done, kri_bound = _kri_post(request, r)
        if done is not None:
            return done
    elif request.method == "POST":
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
    if kri_bound is not None:
        shown.append(kri_bound)
    context = {
        "kri": _kri_context(r, request.user, kri_bound),
        "risk": r, "d": d, "event_titles": EVENT_TITLES, "errors": error_summary(message, *shown),
        "rerate_form": forms.pop(RERATE, None), "revise_form": forms.pop(REVISE_RISK, None),
        "add_action_form": forms.pop(ADD_ACTION, None),
        "actions": [(a, action_forms.get(a.pk, {})) for a in d.actions],
        "action_ops": {op: OPERATIONS[op].label for op in OPERATIONS if OPERATIONS[op].per_action},
        "operations": [(op, OPERATIONS[op].label, form) for op, form in forms.items()],
    }
    failed = message is not None or any(f is not None and bool(f.errors) for f in (bound, kri_bound))
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


# --- key risk indicators: the section's forms (beacon.reports.risk_indicators) ------------------
def _kri_allowed(user, r: rm.Risk, op: str) -> bool:
    """Linking indicators and relating risks: the risk manager; marking a flag reviewed: the
    risk manager or the risk's owner."""
    if op in kri_forms.MANAGER_ONLY:
        return perm.can(user, perm.MANAGE_RISKS)
    return perm.can(user, perm.UPDATE_RISK, risk=r)


def _kri_post(request, r: rm.Risk):
    """Handle one of the section's forms: (a redirect when done, else None; the bound form)."""
    op = request.POST["operation"]
    if not _kri_allowed(request.user, r, op):
        raise PermissionDenied("not allowed: " + op)
    prefix = request.POST.get("prefix", "") or None
    form = kri_forms.FORMS[op](request.POST, prefix=prefix)
    if form.is_valid():
        by = request.user.username
        try:
            if op == "review_flag":
                command = form.command(by)
                if not r.flags.filter(pk=command.flag_id).exists():
                    raise kri.IndicatorError("There is no such flag on this risk", "flag")
                kri.review_flag(command)
                messages.success(request, "The flag was marked reviewed.")
            else:
                {"link_indicator": kri.link_indicator, "unlink_indicator": kri.unlink_indicator,
                 "relate_risk": kri.relate_risks, "unrelate_risk": kri.unrelate_risks}[op](form.command(r.risk_id, by))
                messages.success(request, f"{form.label}: done.")
        except kri.IndicatorError as exc:
            form.add_service_error(exc)
        else:
            return redirect(reverse("web:risk", args=[r.risk_id]) + "#indicators"), form
    return None, form


def _kri_context(r: rm.Risk, user, bound=None) -> dict:
    """The section: indicators, related risks and flags, each with the forms the user may use
    (the one posted, ``bound``, with its errors)."""
    section = kri.for_risk(r)
    can_review = perm.can(user, perm.UPDATE_RISK, risk=r)
    can_manage = perm.can(user, perm.MANAGE_RISKS)

    def form(cls, prefix, initial=None):
        if bound is not None and bound.operation == cls.operation and bound.prefix == prefix:
            return bound
        return cls(prefix=prefix, initial=initial)

    return {
        "section": section,
        "can_manage": can_manage,
        "flags": [(f, form(kri_forms.ReviewFlagForm, f"flag-{f.pk}", {"flag": f.pk})
                   if can_review and f.status == "open" else None) for f in section.flags],
        "indicators": [(v, form(kri_forms.UnlinkIndicatorForm, f"unlink-{v.link.pk}", {"kind": v.kind, "code": v.code})
                        if can_manage else None) for v in section.indicators],
        "related": [(words, other, rel, form(kri_forms.UnrelateRiskForm, f"unrelate-{rel.pk}",
                                             {"kind": rel.kind, "related_risk_id": other.risk_id})
                     if can_manage and outgoing else None) for words, other, rel, outgoing in section.related],
        "link_form": form(kri_forms.LinkIndicatorForm, "link") if can_manage else None,
        "relate_form": form(kri_forms.RelateRiskForm, "relate") if can_manage else None,
    }
