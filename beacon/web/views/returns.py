"""The quarterly return pages: thin views over beacon.web.services.returns."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from beacon.domain.periods import PeriodError, Quarter

from .. import permissions as perm
from ..models import Return, ReturnPeriod, YearClosure
from ..services import returns as svc


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
    periods = list(ReturnPeriod.objects.all())
    mine = Return.objects.select_related("period", "directorate").order_by("-period__period_sort", "directorate__display_order")
    if not lead:
        mine = mine.filter(directorate_id__in=perm.directorate_ids(user))
    context = {
        "lead": lead,
        "periods": periods,
        "boards": [(rp, svc.board(rp)) for rp in periods] if lead else [],
        "mine": [{"ret": r, "late": svc.is_late(r)} for r in mine] if not lead else [],
        "closed_years": list(YearClosure.objects.order_by("-financial_year")),
        "errors": {},
        "form": {},
    }
    if request.method == "POST":
        perm.check(user, perm.OPEN_PERIOD)
        form = {"period": request.POST.get("period", ""), "due_date": request.POST.get("due_date", "")}
        due = None
        date_error = None
        if form["due_date"]:
            try:
                due = dt.date.fromisoformat(form["due_date"].strip())
            except ValueError:
                date_error = f"Due date: {form['due_date']!r} is not a date (write it as YYYY-MM-DD)"
        try:
            if date_error:
                raise svc.ReturnError("The period was not opened", {"due_date": date_error})
            rp = svc.open_period(form["period"], due, user)
        except svc.ReturnError as exc:
            context.update(errors=_labelled(exc.errors, {"period": "Period", "due_date": "Due date"}), form=form)
            return render(request, "web/returns_index.html", context, status=400)
        messages.success(request, f"{rp.period} is open for returns, due {rp.due_date:%d %B %Y}.")
        return redirect("web:returns_period", slug=Quarter.parse(rp.period).slug)
    return render(request, "web/returns_index.html", context)


def _labelled(errors: dict, labels: dict) -> dict:
    out = {}
    for key, message in errors.items():
        label = labels.get(key)
        out[key] = message if not label or message.startswith(label) else f"{label}: {message}"
    return out


@perm.require(perm.REVIEW_RETURN)
def period(request, slug):
    rp = _period(slug)
    return render(request, "web/returns_period.html", {"rp": rp, "board": svc.board(rp), "q": Quarter.parse(rp.period)})


@perm.require(perm.CLOSE_YEAR)
def close_year(request):
    if request.method != "POST":
        return redirect("web:returns")
    fy = request.POST.get("financial_year", "")
    try:
        n = svc.close_year(fy, request.user)
    except svc.ReturnError as exc:
        for message in exc.errors.values():
            messages.error(request, f"{fy} was not closed: {message}")
        return redirect("web:returns")
    messages.success(request, f"{fy} is closed: {n} observations are now final.")
    return redirect("web:returns")


def _entries(post, lines):
    out = {}
    for line in lines:
        entry = {
            "value": post.get(f"{line.field_prefix}-value", ""),
            "note": post.get(f"{line.field_prefix}-note", ""),
            "commentary": post.get(f"{line.field_prefix}-commentary", ""),
        }
        if line.monthly:  # one field a month: kpi-CS1-2022-10
            entry["months"] = {m.label: post.get(f"{line.field_prefix}-{m.label}", "") for m in line.months}
        out[line.field_prefix] = entry
    return out


@perm.require(perm.VIEW_RETURNS)
def detail(request, slug, code):
    rp = _period(slug)
    ret = get_object_or_404(Return.objects.select_related("directorate", "period"), period=rp, directorate__code=code)
    user = request.user
    if not perm.can(user, perm.VIEW_RETURN, ret.directorate):
        raise PermissionDenied("not your directorate")
    can_edit = perm.can(user, perm.EDIT_RETURN, ret.directorate) and ret.editable
    lines = svc.return_lines(ret)
    errors = {}
    commentary = ret.commentary
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action in ("save", "submit"):
                if not can_edit:
                    perm.check(user, perm.EDIT_RETURN, ret.directorate)
                    raise svc.ReturnError(f"The return is {ret.get_status_display().lower()} and cannot be changed")
                entries = _entries(request.POST, lines)
                commentary = request.POST.get("commentary", "")
                for line in lines:
                    line.value_text = entries[line.field_prefix]["value"]
                    line.note = entries[line.field_prefix]["note"]
                    line.commentary = entries[line.field_prefix]["commentary"]
                    for m in line.months:
                        m.value_text = entries[line.field_prefix]["months"][m.label]
                svc.save_draft(ret, entries, commentary, user)
                if action == "submit":
                    svc.submit(ret, user)
                    messages.success(request, "The return was submitted for review.")
                else:
                    messages.success(request, "Your draft was saved.")
                return redirect("web:return", slug=slug, code=code)
            if action in ("approve", "send_back"):
                perm.check(user, perm.REVIEW_RETURN)
                comment = request.POST.get("comment", "")
                if action == "approve":
                    svc.approve(ret, comment, user)
                    messages.success(request, f"The {ret.directorate.name} return was approved; its values are recorded as provisional data.")
                else:
                    svc.send_back(ret, comment, user)
                    messages.success(request, f"The {ret.directorate.name} return was sent back to its data owner.")
                return redirect("web:return", slug=slug, code=code)
            raise svc.ReturnError("Unknown action")
        except svc.ReturnError as exc:
            errors = {"__all__": str(exc), **exc.errors}
            for line in lines:
                # the field after the prefix: value, note, commentary, or a month (2022-10)
                line.errors = {k[len(line.field_prefix) + 1:]: v for k, v in errors.items() if k.startswith(line.field_prefix + "-")}
            ret.refresh_from_db()
            context = _context(ret, lines, errors, commentary, user, request.POST.get("comment", ""))
            return render(request, "web/return.html", context, status=400)
    return render(request, "web/return.html", _context(ret, lines, errors, commentary, user, ""))


def _context(ret, lines, errors, commentary, user, comment):
    return {
        "ret": ret,
        "q": Quarter.parse(ret.period.period),
        "kpi_lines": [line for line in lines if line.kind == "kpi"],
        "indicator_lines": [line for line in lines if line.kind == "indicator"],
        "errors": errors,
        "commentary": commentary,
        "comment": comment,
        "can_edit": perm.can(user, perm.EDIT_RETURN, ret.directorate) and ret.editable,
        "can_review": perm.can(user, perm.REVIEW_RETURN) and ret.status == Return.SUBMITTED,
        "late": svc.is_late(ret),
        "events": ret.events.all(),
    }
