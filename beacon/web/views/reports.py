"""Published reports (public) and building, previewing and publishing the QPR (lead); corrected
editions of a published quarter (lead), every edition readable (public).

Publishing (the first edition or a corrected one) is checked in the request as far as it can be
without rendering a document (:func:`beacon.reports.publish.check_publishable`: a refusal is shown
on the form and nothing is started), then runs in the background (the job
:data:`beacon.reports.jobs.PUBLISH_QPR`): the lead is sent to the job's page (:mod:`.jobs`), which
links the published report when it is done, or lists why it failed."""

from django.http import Http404
from django.shortcuts import redirect, render

from beacon.core import permissions as perm
from beacon.domain.periods import PeriodError, Quarter

from ..forms import error_summary
from ..forms.reports import CompareForm, CorrectionForm, PublishForm
from beacon.reports import dashboards as dash
from ..services import reports as svc
from .files import file_response, format_or_404
from .jobs import job_redirect


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
    open_data = [(f.name, f.short_label) for f in svc.QPR if f.open_data]
    return render(request, "web/reports.html", {"published": published, "drafts": drafts, "can_publish": can_publish,
                                                "open_data": open_data})


def _edition_key(report) -> str:
    """How the compare page names an edition: the quarter's slug for its current edition,
    ``<slug>.<n>`` for an edition a correction superseded."""
    slug = Quarter.parse(report.period).slug
    return slug if not report.superseded else f"{slug}.{report.edition}"


def compare(request):
    """Compare two published editions (public: both are published): two quarters, or an edition
    and the corrected edition that superseded it."""
    published = list(svc.published_editions())
    current = {r.corrects_id for r in published if r.corrects_id}
    for r in published:
        r.superseded = r.pk in current
        r.key = _edition_key(r)
        r.label = r.frozen_model.period.long_label + (
            f", edition {r.edition} (superseded)" if r.superseded else ", corrected edition" if r.is_correction else "")
    keys = [r.key for r in published]
    a, b = (keys[1], keys[0]) if len(published) >= 2 else ("", "")  # the newest against the one before
    # with fewer than two editions there is nothing to choose (and no form to point an error at)
    form = CompareForm(request.GET if len(published) >= 2 else {}, editions=[(r.key, r.label) for r in published],
                       chosen=(a, b))
    if len(published) >= 2:
        if form.is_bound and form.is_valid():
            a, b = form.cleaned_data.get("a") or a, form.cleaned_data.get("b") or b
    result = None
    if form.errors:
        a = b = ""
    elif a in keys and b in keys:
        result = svc.compare_published(published[keys.index(a)], published[keys.index(b)])
    context = {"published": published, "a": a, "b": b, "result": result, "form": form,
               "errors": error_summary(None, form) if form.errors else {}}
    return render(request, "web/report_compare.html", context, status=400 if form.errors else 200)


def _files(report) -> list[dict]:
    """The edition's files as stored, then any format registered since (rendered from its
    snapshot on download), in the registry's order."""
    stored = {f.format: f for f in report.files.all()}
    out = []
    for output in svc.QPR:
        f = stored.get(output.name)
        out.append({"format": output.name, "label": output.label, "size": f.size if f else None,
                    "sha256": f.sha256 if f else ""})
    return out


def _edition_context(request, q, report) -> dict:
    return {
        "q": q, "report": report, "files": _files(report), "changes": None,
        "editions": svc.editions_of(q), "superseded_by": report.superseded_by,
        "can_correct": perm.can(request.user, perm.PUBLISH_REPORT) and report.superseded_by is None,
    }


def detail(request, slug):
    """The quarter's current edition (a corrected edition says so, with its reason and what it
    corrects)."""
    q = _quarter(slug)
    report = svc.published(q)
    if report is None:
        raise Http404("not published")
    context = _edition_context(request, q, report)
    if perm.can(request.user, perm.COMPARE_REPORT):
        context["changes"] = svc.changes_since_publication(q)
    return render(request, "web/report.html", context)


def edition_detail(request, slug, number):
    """One edition of a quarter, a superseded one too (marked so, with a link to the corrected one)."""
    q = _quarter(slug)
    report = svc.edition(q, number)
    if report is None:
        raise Http404("no such edition")
    if report.superseded_by is None:
        return redirect("web:report", slug=slug)
    return render(request, "web/report.html", _edition_context(request, q, report))


def download(request, slug, fmt, number=None):
    q = _quarter(slug)
    output = format_or_404(svc.QPR, fmt)
    found = svc.published_file(q, output.name, number)
    if found is None:
        raise Http404("not published")
    content, name = found
    return file_response(content, output, name)


@perm.require(perm.PUBLISH_REPORT)
def correct(request, slug):
    """Publish a corrected edition of a published quarter: the page lists, in plain words, what
    the corrected edition would change from the current one; the lead gives the reason."""
    q = _quarter(slug)
    report = svc.published(q)
    if report is None:
        raise Http404("not published")
    differences = svc.correction_preview(q)
    checks = svc.draft_checks(q)
    failed = [(c.id, c.name) for c in checks if not c.passed]
    post = request.method == "POST"
    form = CorrectionForm(request.POST if post else None, failed=failed, shown=differences)
    context = {"q": q, "report": report, "checks": checks, "failed": failed, "form": form,
               "differences": differences, "errors": {}}
    if post:
        if not form.is_valid():
            context["errors"] = form.summary()
            return render(request, "web/report_correct.html", context, status=400)
        try:
            started = svc.start_correction(q, request.user.username, form.cleaned_data["reason"], form.allowances(),
                                           form.shown_differences())
        except svc.PublishError as exc:
            context["form"] = CorrectionForm(failed=failed, shown=differences,
                                             initial={"reason": form.cleaned_data["reason"]})
            return render(request, "web/report_correct.html", {**context, "errors": _refusal(exc)}, status=400)
        return job_redirect(started)
    return render(request, "web/report_correct.html", context)


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
            started = svc.start_publication(q, request.user.username, form.allowances())
        except svc.PublishError as exc:
            return render(request, "web/report_build.html", {**context, "errors": _refusal(exc)}, status=400)
        return job_redirect(started)
    return render(request, "web/report_build.html", context)


def _refusal(exc) -> dict:
    """A refused publication on the page: the reason, then each failure."""
    errors = {"__all__": str(exc)}
    for i, line in enumerate(exc.failures):
        errors[f"__failure-{i}"] = line
    return errors


@perm.require(perm.PUBLISH_REPORT)
def preview(request, slug, fmt):
    q = _quarter(slug)
    output = format_or_404(svc.QPR, fmt)
    if q not in dash.available_periods():
        raise Http404("no such preview")
    return file_response(svc.preview(q, output), output, output.filename(f"qpr-{q.slug}-draft"))
