"""Search (``/search/?q=``): a plain GET form, results grouped by kind, each linked to the page
that shows it. What a person may find is decided by ``beacon.reports.search`` (the public finds
only what the published reports show; risks only those who may view the register)."""

from django.shortcuts import render
from django.urls import reverse

from beacon.core import permissions as perm
from beacon.reports import search as svc


def scope(user) -> str:
    """What the search box searches, for its label: risks only for those who may view them."""
    if perm.can(user, perm.VIEW_RISKS):
        return "KPIs, activity indicators, risks, meetings, papers and decisions"
    return "KPIs, activity indicators, meetings, papers and decisions" if perm.can(user, perm.VIEW_DASHBOARDS) else \
        "KPIs and activity indicators in the published reports, meetings, papers and decisions"


def search(request):
    query = request.GET.get("q", "").strip()[:200]
    results = svc.search(query, request.user)
    groups = [
        {"group": g, "hits": [{"hit": h, "url": reverse(f"web:{h.page}", args=h.args) + (f"#{h.anchor}" if h.anchor else "")}
                              for h in g.hits]}
        for g in results.groups
    ]
    return render(request, "web/search.html", {"query": query, "results": results, "groups": groups,
                                               "max_hits": svc.MAX_HITS,
                                               "search_scope": scope(request.user)})
