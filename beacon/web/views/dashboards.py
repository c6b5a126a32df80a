"""Home and the performance dashboards: thin views over beacon.reports.dashboards."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import SimpleLazyObject

from beacon.core import permissions as perm
from beacon.core.models import Directorate
from beacon.domain.periods import PeriodError, Quarter
from beacon.performance import models as pm

from beacon.reports import dashboards as svc

from ..forms import error_summary
from ..forms.filters import KpiFilterForm


def home(request):
    """The public (not signed in) are led to the latest published report; a signed-in user sees
    what their role has to do and the areas they may use."""
    from beacon.returns import queries as return_queries

    user = request.user
    from .search import scope

    context = {"latest": None, "to_review": [], "my_returns": [], "publication": None, "search_scope": scope(user)}
    if not user.is_authenticated:
        publication = svc.latest_publication()
        if publication is not None:
            context["publication"] = {"report": publication, "q": Quarter.parse(publication.period)}
    if perm.can(user, perm.VIEW_DASHBOARDS):
        context["latest"] = svc.default_period()
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


KPIS_PER_PAGE = 100
"""A KPI table longer than this is shown in pages (the demo's 37 KPIs fit on one)."""


def _kpi_page(request, kpis, filters: dict, version: str, where: str = "") -> dict:
    """The page of the KPI table asked for (``?page=``, kept with the filters in every page
    link), and the key of its rendered rows in the shared cache: the data version, the quarter's
    filters, where the table is, and the page, so a change to the data is seen at once."""
    page = Paginator(kpis, KPIS_PER_PAGE).get_page(request.GET.get("page"))
    chosen = {k: v for k, v in filters.items() if v}
    n, last = page.number, page.paginator.num_pages
    shown = sorted({1, last, n - 1, n, n + 1} & set(range(1, last + 1)))
    numbers = []
    for i in shown:
        if numbers and i - numbers[-1] > 1:
            numbers.append(None)  # an ellipsis
        numbers.append(i)
    return {
        "page": page,
        "page_numbers": numbers,
        "page_query": urlencode(chosen) + "&" if chosen else "",
        "version": version,
        "table_key": "|".join([where] + [f"{k}={v}" for k, v in sorted(chosen.items())]),
    }


@perm.require(perm.VIEW_DASHBOARDS)
def performance_index(request):
    """The overview of the newest complete quarter (``svc.QuarterState``), never a quarter whose
    returns are still coming in when a complete one exists."""
    latest = svc.default_period()
    if latest is None:
        return render(request, "web/no_data.html")
    return redirect("web:overview", slug=latest.slug)


@perm.require(perm.VIEW_DASHBOARDS)
def overview(request, slug):
    q = _quarter(slug)
    periods = svc.available_periods()
    if q not in periods:
        raise Http404("no data for this period")
    version = svc.data_version()
    model = svc.qpr(q, version)
    states = svc.quarter_states(periods)
    form = KpiFilterForm(request.GET, directorates=model.directorates)
    filters = form.values()
    kpis = svc.filter_kpis(model, **filters)
    names = {d.code: d.name for d in model.directorates}
    context = {
        "q": q,
        "model": model,
        "state": svc.quarter_state(q, model),
        "other_periods": [{"q": p, "complete": states[p].complete} for p in periods if p != q],
        "kpis": kpis,
        "names": names,
        "form": form,
        "errors": error_summary(None, form),
        "filtered": any(filters.values()),
        "count_columns": svc.COUNT_COLUMNS, "count_groups": svc.COUNT_GROUPS,
        **_kpi_page(request, kpis, filters, version, "overview"),
    }
    template = "web/_kpi_table.html" if request.headers.get("HX-Request") else "web/overview.html"
    return render(request, template, context, status=400 if form.errors else 200)


@perm.require(perm.VIEW_DASHBOARDS)
def directorate(request, slug, code):
    q = _quarter(slug)
    d = get_object_or_404(Directorate, code=code)
    version = svc.data_version()
    model = svc.qpr(q, version)
    block = model.block(d.code)
    if block is None:
        raise Http404("the directorate has no KPIs in this period")
    form = KpiFilterForm(request.GET, with_directorate=False)
    filters = form.values()
    kpis = svc.filter_kpis(model, directorate=d.code, **filters)
    commentary = pm.Commentary.objects.filter(period=q.label, directorate=d, kpi__isnull=True)
    indicators = pm.ActivityIndicator.objects.filter(directorate=d)
    context = {
        "q": q, "d": d, "dblock": block, "kpis": kpis, "commentary": commentary, "indicators": indicators,
        "model": model, "state": svc.quarter_state(q, model),
        "count_columns": svc.COUNT_COLUMNS, "count_groups": svc.COUNT_GROUPS,
        "hide_directorate": True, "form": form, "errors": error_summary(None, form),
        "filtered": any(filters.values()), "shown_of": len(block.kpis),
        **_kpi_page(request, kpis, filters, version, "directorate=" + d.code),
    }
    template = "web/_kpi_table.html" if request.headers.get("HX-Request") else "web/directorate.html"
    return render(request, template, context, status=400 if form.errors else 200)


@perm.require(perm.VIEW_DASHBOARDS)
def kpi(request, code):
    k = get_object_or_404(pm.Kpi.objects.select_related("directorate", "sub_area"), code=code)
    # the history is read only when its rendered part is not in the shared cache already (kept
    # per data version: a new value, revision or target is on the page at once)
    history = SimpleLazyObject(lambda: svc.kpi_history(k))
    return render(request, "web/kpi.html", {"kpi": k, "history": history, "latest": svc.default_period(),
                                            "version": svc.data_version()})


@perm.require(perm.VIEW_DASHBOARDS)
def indicator(request, code):
    ind = get_object_or_404(pm.ActivityIndicator.objects.select_related("directorate"), code=code)
    return render(request, "web/indicator.html", {"ind": ind, "history": svc.indicator_history(ind)})
