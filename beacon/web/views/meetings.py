"""The meetings pages (issue 12, item 6): the bodies and their calendars, a meeting (agenda,
papers, packs, minutes, decisions, attendance, votes), a person, the decisions list with its
search, a body's iCalendar feed, the dispatched packs and the open data.

Public: everyone reads them. What is exempt is decided in :mod:`beacon.governance.queries`,
asked with :func:`~beacon.governance.queries.may_view_exempt` (clerks and members); the members'
pack answers 404 to anyone else, as if it did not exist.
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from beacon.core import clock
from beacon.core import permissions as perm
from beacon.domain import governance as g
from beacon.domain.governance_rules import date_words
from beacon.domain.periods import typed_date
from beacon.governance import models as gm
from beacon.governance import queries as q
from beacon.reports import governance_open_data as od
from beacon.reports.formats import GOVERNANCE_OPEN_DATA, PACK

from .files import DOCUMENT_CSP


def _exempt(request) -> bool:
    return q.may_view_exempt(request.user)


def _link(request):
    def link(key: str, pack: q.PackLink | None = None) -> str:
        if pack is None:
            return request.build_absolute_uri(reverse("web:meeting", args=[key]))
        return request.build_absolute_uri(reverse("web:pack_file", args=[key, pack.version, pack.audience, "pdf"]))

    return link


def index(request):
    today = clock.today()
    upcoming = [s for s in q.meeting_summaries(date_from=today) if s.status == g.MeetingStatus.SCHEDULED][:10]
    return render(request, "web/meetings/index.html", {
        "bodies": q.bodies(today), "upcoming": upcoming, "datasets": od.DATASETS,
        "clerk": perm.can(request.user, perm.MANAGE_MEETINGS)})


def body_meetings(request, code: str):
    try:
        calendar = q.body_calendar(code, clock.today())
    except q.NotFound:
        raise Http404("no such body") from None
    return render(request, "web/meetings/body.html", {"calendar": calendar, "body": calendar.body,
                                                      "today_text": date_words(calendar.today)})


def meeting(request, key: str):
    try:
        view = q.meeting_view(key, _exempt(request))
    except q.NotFound:
        raise Http404("no such meeting") from None
    clerk = perm.can(request.user, perm.MANAGE_MEETINGS)
    return render(request, "web/meetings/meeting.html", {
        "m": view, "s": view.summary, "clerk": clerk,
        "manage_url": reverse("web:meeting_manage", args=[key]) if clerk else "",
    })


def person(request, key: str):
    try:
        view = q.person_view(key, _exempt(request), clock.today())
    except q.NotFound:
        raise Http404("no such person") from None
    return render(request, "web/meetings/person.html", {"p": view})


def _date_param(request, name: str, errors: dict) -> dt.date | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        return typed_date(raw)
    except ValueError:
        errors[name] = ("Meetings from must be a real date, like 1 December 2022" if name == "from"
                        else "Meetings to must be a real date, like 5 January 2023")
        return None


def decisions(request):
    errors: dict[str, str] = {}
    text = request.GET.get("q", "").strip()[:200]
    bodies = list(gm.Body.objects.order_by("name").values_list("code", "name"))
    body = request.GET.get("body", "").strip()
    if body and body not in dict(bodies):
        errors["body"] = "Choose a body from the list"
        body = ""
    verbs = [(v.value, v.label) for v in g.ResolutionVerb]
    verb = request.GET.get("verb", "").strip()
    if verb and verb not in dict(verbs):
        errors["verb"] = "Choose a decision type from the list"
        verb = ""
    date_from = _date_param(request, "from", errors)
    date_to = _date_param(request, "to", errors)
    if date_from and date_to and date_to < date_from:
        errors["to"] = "Meetings to must be the same as or after meetings from"
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    # a refused filter gives no results: a list without it would look like the answer to the search
    result = None if errors else q.decisions(
        q.DecisionQuery(text=text, body=body, date_from=date_from, date_to=date_to, verb=verb, page=page),
        _exempt(request))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "web/meetings/decisions.html", {
        "result": result, "bodies": bodies, "verbs": verbs, "errors": errors,
        "values": {"q": text, "body": body, "verb": verb, "from": request.GET.get("from", ""),
                   "to": request.GET.get("to", "")},
        "paging": params.urlencode(),
        "searched": any(request.GET.get(k) for k in ("q", "body", "verb", "from", "to")),
    }, status=400 if errors else 200)


def body_ical(request, code: str):
    host = request.get_host().split(":")[0] or "beacon"
    try:
        text = od.ical_feed(code, host, _link(request), clock.now())
    except q.NotFound:
        raise Http404("no such body") from None
    response = HttpResponse(text.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{code.lower()}-meetings.ics"'
    return response


def pack_file(request, key: str, version: int, audience: str, fmt: str):
    output = PACK.get(fmt)
    if output is None:
        raise Http404("no such format")
    try:
        found = q.pack(key, version, audience, _exempt(request))
    except q.NotFound:
        raise Http404("no such pack") from None
    response = HttpResponse(output.render(found), content_type=output.content_type)
    if not output.binary:  # the web page version: shown under the documents' policy
        response["Content-Security-Policy"] = DOCUMENT_CSP
    response["Content-Disposition"] = f'inline; filename="{output.filename(f"{key}-pack-v{version}-{audience}")}"'
    if audience == g.PackAudience.MEMBERS:
        response["Cache-Control"] = "private, no-store"
    return response


def open_data(request):
    return render(request, "web/meetings/open_data.html", {"datasets": od.DATASETS})


def open_data_file(request, name: str, fmt: str):
    try:
        content = od.dataset(name, fmt, _link(request))
    except KeyError:
        raise Http404("no such dataset") from None
    output = GOVERNANCE_OPEN_DATA[fmt]
    response = HttpResponse(content, content_type=output.content_type)
    response["Content-Disposition"] = f'{"inline" if output.inline else "attachment"}; filename="{output.filename(name)}"'
    return response
