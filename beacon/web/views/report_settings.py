"""The report settings page (lead): a quarter's cover header, contacts, title-page producer and
risk overview dates, edited in the browser with each field's history
(:mod:`beacon.reports.settings_service`, the writer ``beacon report_settings FILE`` uses too).
A save made from an out-of-date page is merged field by field or refused with what changed."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from beacon.core import permissions as perm
from beacon.core.stale import StaleEdit
from beacon.domain.periods import PeriodError, Quarter
from beacon.reports import dashboards as dash
from beacon.reports import settings_service as service
from beacon.reports.models import ReportSettings

from .. import drafts
from ..forms import error_summary
from ..forms.report_settings import ReportSettingsForm
from ..services import reports as reports_svc


def _quarter(slug: str) -> Quarter:
    try:
        return Quarter.parse(slug)
    except PeriodError:
        raise Http404("no such period") from None


def _current(q: Quarter) -> tuple[ReportSettings | None, dict[str, str]]:
    row = ReportSettings.objects.filter(period=q.label).first()
    return row, service.values_of(row if row is not None else ReportSettings(period=q.label))


@perm.require(perm.PUBLISH_REPORT)
def edit(request, slug):
    q = _quarter(slug)
    row, current = _current(q)
    post = request.method == "POST"
    # entries kept when the session ended or the page expired come back, to be checked and saved
    form = ReportSettingsForm(request.POST if post else drafts.restore(request), period=q, current=current)
    message, status = None, 200
    rest: dict[str, str] = {}
    if post:
        status = 400
        if form.is_valid():
            try:
                saved = service.save_report_settings(service.SaveReportSettings(
                    period=q.label, values=form.values(), by=request.user.username, opened=form.opened_values(),
                    reason=form.reason()))
            except StaleEdit as exc:
                message, status = exc.message, 409
                row, now = _current(q)
                form.add_stale_error(exc, now)
            except service.SettingsError as exc:
                message = f"{exc.message}. Correct the fields below, then save again."
                rest = form.add_service_errors(exc.field_errors)
            else:
                if saved.changed:
                    messages.success(request, f"The report settings for {q.long_label} were saved: "
                                              f"{', '.join(saved.changed)} changed.")
                else:
                    messages.success(request, f"Nothing was changed in the report settings for {q.long_label}.")
                return redirect("web:report_settings", slug=q.slug)
    errors = error_summary(message, form) if post else {}
    errors.update({f"__{key}": f"{key}: {value}" for key, value in rest.items()})
    published = reports_svc.published(q)
    context = {
        "q": q, "form": form, "errors": errors, "published": published,
        "draft": published is None and q in dash.available_periods(),
        "history": service.history(row),
    }
    return render(request, "web/report_settings.html", context, status=status)
