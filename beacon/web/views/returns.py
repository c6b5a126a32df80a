"""The quarterly return pages: Django forms build the typed commands of
:mod:`beacon.returns.commands` and the views hand them to :mod:`beacon.returns.services`, after
asking :mod:`beacon.core.permissions` whether the user may."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from beacon.core import permissions as perm
from beacon.core.stale import StaleEdit, seal
from beacon.domain.periods import PeriodError, Quarter
from beacon.returns import commands as cmd
from beacon.returns import queries, services
from beacon.returns.models import Return, ReturnPeriod, YearClosure

from .. import drafts
from ..forms import error_summary
from ..forms.returns import (
    CloseYearForm,
    CommentaryForm,
    OpenPeriodForm,
    ReopenForm,
    ReopenYearForm,
    ReturnLinesFormSet,
    ReviewForm,
)
from ..services import reports as report_services


def _period(slug) -> ReturnPeriod:
    try:
        q = Quarter.parse(slug)
    except PeriodError:
        raise Http404("no such period") from None
    return get_object_or_404(ReturnPeriod, period=q.label)


@perm.require(perm.VIEW_RETURNS)
def index(request):
    user = request.user
    lead = perm.can(user, perm.OPEN_PERIOD)
    form = OpenPeriodForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        perm.check(user, perm.OPEN_PERIOD)
        if form.is_valid():
            try:
                published = report_services.published(form.cleaned_data["period"]) is not None
                rp = services.open_period(form.command(user.username, published=published))
            except cmd.ReturnError as exc:
                form.add_field_errors(exc.field_errors)
            else:
                messages.success(request, f"{rp.period} is open for returns, due {rp.due_date:%d %B %Y}.")
                return redirect("web:returns_period", slug=rp.slug)
    periods = list(ReturnPeriod.objects.all())
    mine = queries.returns_for(None if lead else perm.directorate_ids(user))
    context = {
        "lead": lead,
        "periods": periods,
        "boards": [(rp, queries.board(rp)) for rp in periods] if lead else [],
        "mine": [] if lead else [queries.BoardRow(r, queries.is_late(r), False) for r in mine],
        "show_confirm": bool(form.is_bound and (form["confirm"].errors or form["confirm"].value())),
        "closed_years": list(YearClosure.objects.filter(reopened_at__isnull=True).order_by("-financial_year")),
        "year_history": list(YearClosure.objects.order_by("-financial_year", "-closed_at")),
        "form": form,
        "close_form": CloseYearForm(),
        "reopen_year_form": ReopenYearForm(),
        "errors": error_summary(None, form) if form.is_bound else {},
    }
    return render(request, "web/returns_index.html", context, status=400 if form.errors else 200)


@perm.require(perm.REVIEW_RETURN)
def period(request, slug):
    rp = _period(slug)
    return render(request, "web/returns_period.html", {"rp": rp, "board": queries.board(rp), "q": rp.quarter})


@perm.require(perm.CLOSE_YEAR)
def close_year(request):
    """Close a year as final (the form's ``confirm`` ticked), or, with ``action=reopen``, reopen a
    closed year with a reason. Either way the returns page says what happened."""
    if request.method != "POST":
        return redirect("web:returns")
    reopen = request.POST.get("action") == "reopen"
    form = ReopenYearForm(request.POST) if reopen else CloseYearForm(request.POST)
    fy = request.POST.get("financial_year", "")
    done = "reopened" if reopen else "closed"
    problems = []
    if form.is_valid():
        try:
            if reopen:
                services.reopen_year(form.command(request.user.username))
            else:
                n = services.close_year(form.command(request.user.username))
        except cmd.ReturnError as exc:
            problems = list(exc.field_errors.values()) or [str(exc)]
        else:
            label = form.cleaned_data["financial_year"].label
            messages.success(request, f"{label} is reopened: its returns and data can be corrected; close it again "
                             "when they are." if reopen else f"{label} is closed: {n} observations are now final.")
            return redirect("web:returns")
    else:
        problems = [message for errors in form.errors.values() for message in errors]
    for message in problems:
        messages.error(request, f"{fy} was not {done}: {message}")
    return redirect("web:returns")


def _forms(ret, lines, data=None, review_data=None, reopen_data=None):
    """The return page's forms: one a line, the directorate commentary (carrying the sealed
    view of every field: what the page showed), the review and the reopening."""
    held = queries.held_commentary(ret.period.quarter, ret.directorate)
    line_forms = ReturnLinesFormSet(data, lines=lines, quarter=ret.period.quarter)
    commentary_form = CommentaryForm(data, initial={"commentary": ret.commentary,
                                                    "remove_commentary": ret.remove_commentary,
                                                    "remove_commentary_reason": ret.remove_commentary_reason},
                                     opened_values=queries.return_fields(ret, lines)[0], held=held,
                                     removing=ret.remove_commentary)
    return line_forms, commentary_form, ReviewForm(review_data), ReopenForm(reopen_data)


@perm.require(perm.VIEW_RETURNS)
def detail(request, slug, code):
    rp = _period(slug)
    ret = get_object_or_404(Return.objects.select_related("directorate", "period"), period=rp, directorate__code=code)
    user = request.user
    if not perm.can(user, perm.VIEW_RETURN, ret.directorate):
        raise PermissionDenied("not your directorate")
    action = request.POST.get("action", "") if request.method == "POST" else ""
    entering = action in ("save", "submit")
    reviewing = action in ("approve", "send_back")
    lines = queries.return_lines(ret)
    line_forms, commentary_form, review_form, reopen_form = _forms(
        ret, lines, request.POST if entering else (drafts.restore(request) if request.method == "GET" else None),
        request.POST if reviewing else None,
        request.POST if action == "reopen" else None)
    if request.method != "POST":
        return render(request, "web/return.html", _context(ret, line_forms, commentary_form, review_form, reopen_form, {}, user,
                                                           whole_history=request.GET.get("history") == "all"))
    message = None
    rest: dict = {}
    status = 400
    try:
        if entering:
            perm.check(user, perm.EDIT_RETURN, ret.directorate)
            services.check_editable(ret)
            if not (line_forms.is_valid() and commentary_form.is_valid()):
                raise cmd.ReturnError("The return was not saved")
            remove, reason = commentary_form.removal()
            services.save_return(cmd.SaveReturn(
                ret.pk, line_forms.entries(), commentary_form.cleaned_data["commentary"], user.username,
                opened=commentary_form.opened_values(), remove_commentary=remove, remove_commentary_reason=reason))
            if action == "submit":
                services.submit_return(cmd.SubmitReturn(ret.pk, user.username))
                messages.success(request, "The return was submitted for review.")
            else:
                messages.success(request, "Your draft was saved.")
            return redirect("web:return", slug=slug, code=code)
        if reviewing:
            perm.check(user, perm.REVIEW_RETURN)
            review_form.is_valid()
            comment = review_form.cleaned_data.get("comment", "")
            if action == "approve":
                services.approve_return(cmd.ApproveReturn(ret.pk, comment, user.username))
                messages.success(request, f"The {ret.directorate.name} return was approved; its values are recorded as provisional data.")
            else:
                services.send_back(cmd.SendBack(ret.pk, comment, user.username))
                messages.success(request, f"The {ret.directorate.name} return was sent back to its data owner.")
            return redirect("web:return", slug=slug, code=code)
        if action == "reopen":
            perm.check(user, perm.REVIEW_RETURN)
            reopen_form.is_valid()
            services.reopen_return(cmd.ReopenReturn(ret.pk, reopen_form.cleaned_data.get("reason", ""), user.username))
            messages.success(request, f"The {ret.directorate.name} return was reopened for correction.")
            return redirect("web:return", slug=slug, code=code)
        raise cmd.ReturnError("Unknown action")
    except StaleEdit as exc:
        # what the person typed stays on the page, each field someone else changed meanwhile
        # says then / now / typed, and the page now carries today's view: saving again keeps
        # what is typed
        message, status = exc.message, 409
        ret.refresh_from_db()
        lines = queries.return_lines(ret)
        data = request.POST.copy()
        data["opened"] = seal(queries.return_fields(ret, lines)[0])
        line_forms, commentary_form, review_form, reopen_form = _forms(ret, lines, data)
        line_forms.is_valid(), commentary_form.is_valid()
        rest = line_forms.add_field_errors(exc.field_errors)
        rest = commentary_form.add_field_errors(rest)
    except cmd.ReturnError as exc:
        message = exc.message
        rest = line_forms.add_field_errors(exc.field_errors) if line_forms.is_bound else dict(exc.field_errors)
        for form in (commentary_form, review_form, reopen_form):
            if form.is_bound:
                rest = form.add_field_errors(rest)
    ret.refresh_from_db()
    if not ret.editable:  # nothing to correct on the page: the message says why
        line_forms, commentary_form, _, _ = _forms(ret, queries.return_lines(ret))
    errors = error_summary(message, *(line_forms.forms if line_forms.is_bound else ()), commentary_form, review_form,
                           reopen_form)
    errors.update({f"__{key}": value for key, value in rest.items()})
    context = _context(ret, line_forms, commentary_form, review_form, reopen_form, errors, user)
    return render(request, "web/return.html", context, status=status)


HISTORY_SHOWN = 5  # the return page shows its latest history events; ?history=all shows every one


def _context(ret, line_forms, commentary_form, review_form, reopen_form, errors, user, whole_history=False):
    lead = perm.can(user, perm.REVIEW_RETURN)
    events, events_total = queries.return_history(ret, None if whole_history else HISTORY_SHOWN)
    return {
        "ret": ret,
        "q": ret.period.quarter,
        "kpi_forms": [f for f in line_forms.forms if f.line.kind == "kpi"],
        "indicator_forms": [f for f in line_forms.forms if f.line.kind == "indicator"],
        "commentary_form": commentary_form,
        "review_form": review_form,
        "reopen_form": reopen_form,
        "errors": errors,
        "can_edit": perm.can(user, perm.EDIT_RETURN, ret.directorate) and ret.editable,
        "can_review": lead and ret.status == Return.Status.SUBMITTED,
        "can_reopen": lead and ret.status == Return.Status.APPROVED,
        "late": queries.is_late(ret),
        "events": events,
        "events_total": events_total,
    }
