"""Published reports (public) and building, previewing and publishing the QPR (lead)."""

import logging

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from beacon.core import permissions as perm
from beacon.domain.periods import PeriodError, Quarter

from ..forms.reports import PublishForm
from beacon.reports import dashboards as dash
from ..services import reports as svc
from .files import file_response, format_or_404

log = logging.getLogger(__name__)


def _quarter(slug):
    try:
        return Quarter.parse(slug)
    except PeriodError:
        raise Http404("no such period") from None


def index(request):
    """Published editions for everyone; the lead also sees the periods that can be published."""
    can_publish = perm.can(request.user, perm.PUBLISH_REPORT)
    published = list(svc.published_reports())
    drafts = []
    if can_publish:
        done = {r.period for r in published}
        drafts = [q for q in dash.available_periods() if q.label not in done]
    return render(request, "web/reports.html", {"published": published, "drafts": drafts, "can_publish": can_publish})


def compare(request):
    """Compare two published editions (public: both are published)."""
    published = list(svc.published_reports())
    slugs = [Quarter.parse(r.period).slug for r in published]
    a, b = request.GET.get("a", ""), request.GET.get("b", "")
    if len(published) >= 2 and (a not in slugs or b not in slugs):
        a, b = slugs[1], slugs[0]  # the newest against the one before
    result = None
    if a in slugs and b in slugs:
        result = svc.compare_published(published[slugs.index(a)], published[slugs.index(b)])
    return render(request, "web/report_compare.html", {"published": published, "a": a, "b": b, "result": result})


def detail(request, slug):
    q = _quarter(slug)
    report = svc.published(q)
    if report is None:
        raise Http404("not published")
    context = {"q": q, "report": report, "files": list(report.files.order_by("format")), "changes": None}
    if perm.can(request.user, perm.COMPARE_REPORT):
        context["changes"] = svc.changes_since_publication(q)
    return render(request, "web/report.html", context)


def download(request, slug, fmt):
    q = _quarter(slug)
    output = format_or_404(svc.QPR, fmt)
    f = svc.published_file(q, output.name)
    if f is None:
        raise Http404("not published")
    return file_response(bytes(f.content), output, f.name)


@perm.require(perm.PUBLISH_REPORT)
def build(request, slug):
    q = _quarter(slug)
    if q not in dash.available_periods():
        raise Http404("no data for this period")
    if svc.published(q) is not None:
        return redirect("web:report", slug=slug)
    checks = svc.draft_checks(q)
    failed = [(c.id, c.name) for c in checks if not c.passed]
    form = PublishForm(request.POST if request.method == "POST" else None, failed=failed)
    context = {"q": q, "checks": checks, "form": form, "errors": {}}
    if request.method == "POST" and form.is_valid():
        try:
            svc.publish_edition(q, request.user.username, form.allowances())
        except svc.PublishError as exc:
            errors = {"__all__": str(exc)}
            for i, line in enumerate(exc.failures):
                errors[f"__failure-{i}"] = line
            return render(request, "web/report_build.html", {**context, "errors": errors}, status=400)
        except Exception as exc:  # a rendering failure: say so on the page, keep the details in the log
            log.exception("publishing %s failed", q.label)
            errors = {"__all__": f"The report could not be built ({type(exc).__name__}: {exc}); nothing was published."}
            return render(request, "web/report_build.html", {**context, "errors": errors}, status=500)
        messages.success(request, f"The QPR for {q.long_label} is published.")
        return redirect("web:report", slug=slug)
    return render(request, "web/report_build.html", context)


@perm.require(perm.PUBLISH_REPORT)
def preview(request, slug, fmt):
    q = _quarter(slug)
    output = format_or_404(svc.QPR, fmt)
    if q not in dash.available_periods():
        raise Http404("no such preview")
    return file_response(svc.preview(q, output), output, output.filename(f"qpr-{q.slug}-draft"))
