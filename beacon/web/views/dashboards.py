"""Home and the performance dashboards: thin views over beacon.reports.dashboards."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from beacon.core import permissions as perm
from beacon.core.models import Directorate
from beacon.domain.periods import PeriodError
from beacon.performance import models as pm
from beacon.reports.qpr import COUNT_KEYS

from beacon.reports import dashboards as svc


def home(request):
    from beacon.returns import queries as return_queries

    user = request.user
    context = {"latest": None, "to_review": [], "my_returns": []}
    if perm.can(user, perm.VIEW_DASHBOARDS):
        context["latest"] = svc.latest_period()
    if perm.can(user, perm.REVIEW_RETURN):
        context["to_review"] = return_queries.awaiting_review()
    elif perm.can(user, perm.VIEW_RETURNS):
        context["my_returns"] = return_queries.open_returns_for(perm.directorate_ids(user))
    return render(request, "web/home.html", context)


def _quarter(slug):
    try:
        return svc.parse_slug(slug)
    except PeriodError:
        raise Http404("no such period") from None


@perm.require(perm.VIEW_DASHBOARDS)
def performance_index(request):
    latest = svc.latest_period()
    if latest is None:
        return render(request, "web/no_data.html")
    return redirect("web:overview", slug=latest.slug)


@perm.require(perm.VIEW_DASHBOARDS)
def overview(request, slug):
    q = _quarter(slug)
    if q not in svc.available_periods():
        raise Http404("no data for this period")
    model = svc.qpr(q)
    rag = request.GET.get("rag", "")
    dot = request.GET.get("dot", "")
    directorate = request.GET.get("directorate", "")
    if rag not in ("", *svc.RAGS, "NOT_RATED"):
        rag = ""
    if dot not in ("", *svc.DOTS):
        dot = ""
    codes = {d.code for d in model.directorates}
    if directorate not in codes:
        directorate = ""
    kpis = svc.filter_kpis(model, rag, dot, directorate)
    names = {d.code: d.name for d in model.directorates}
    context = {
        "q": q,
        "model": model,
        "periods": svc.available_periods(),
        "kpis": kpis,
        "names": names,
        "filters": {"rag": rag, "dot": dot, "directorate": directorate},
        "filtered": bool(rag or dot or directorate),
        "count_keys": COUNT_KEYS,
    }
    template = "web/_kpi_table.html" if request.headers.get("HX-Request") else "web/overview.html"
    return render(request, template, context)


@perm.require(perm.VIEW_DASHBOARDS)
def directorate(request, slug, code):
    q = _quarter(slug)
    d = get_object_or_404(Directorate, code=code)
    model = svc.qpr(q)
    block = model.block(d.code)
    if block is None:
        raise Http404("the directorate has no KPIs in this period")
    kpis = [k for k in model.kpis if k.directorate == d.code]
    commentary = pm.Commentary.objects.filter(period=q.label, directorate=d, kpi__isnull=True)
    indicators = pm.ActivityIndicator.objects.filter(directorate=d)
    return render(
        request,
        "web/directorate.html",
        {
            "q": q, "d": d, "dblock": block, "kpis": kpis, "commentary": commentary, "indicators": indicators,
            "model": model, "count_keys": COUNT_KEYS, "hide_directorate": True,
        },
    )


@perm.require(perm.VIEW_DASHBOARDS)
def kpi(request, code):
    k = get_object_or_404(pm.Kpi.objects.select_related("directorate", "sub_area"), code=code)
    return render(request, "web/kpi.html", {"kpi": k, "history": svc.kpi_history(k), "latest": svc.latest_period()})


@perm.require(perm.VIEW_DASHBOARDS)
def indicator(request, code):
    ind = get_object_or_404(pm.ActivityIndicator.objects.select_related("directorate"), code=code)
    return render(request, "web/indicator.html", {"ind": ind, "history": svc.indicator_history(ind)})
