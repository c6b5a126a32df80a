"""Beacon's JSON API (django-ninja), served under /api/ with its OpenAPI schema at
/api/openapi.json and interactive docs at /api/docs.

Authentication: ``Authorization: Bearer <token>`` with a token from ``beacon api_token USER``
(or the account page). Every endpoint asks :mod:`beacon.core.permissions`, as the pages do; a
token's scope (read only, or read and write), expiry and rate limit are checked first
(``BearerToken``, :mod:`beacon.api.ratelimit`; ``docs/security.md``).
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Schema
from ninja.pagination import PageNumberPagination, paginate
from ninja.renderers import BaseRenderer
from ninja.security import HttpBearer

from beacon.api import ratelimit
from beacon.core import jsonio
from beacon.core import permissions as perm
from beacon.core.models import ApiToken
from beacon.core.stale import StaleEdit, version
from beacon.domain.periods import Month, PeriodError, Quarter, parse_period
from beacon.domain.records import to_plain
from beacon.governance import queries as gov_queries
from beacon.performance import models as pm
from beacon.returns import queries as return_queries
from beacon.returns import services as return_services
from beacon.returns.commands import LineEntry, MonthValue, ReturnError, SaveReturn, SubmitReturn
from beacon.returns.entries import LineKind, field_label, field_name, parse_entered
from beacon.returns.models import Return, ReturnPeriod
from beacon.risk import services as risk_services
from beacon.risk.commands import Rerate, RiskError, rating_of
from beacon.risk.models import Risk
from beacon.reports import dashboards
from beacon.reports import governance_open_data as gov_data


_LONDON = ZoneInfo("Europe/London")


class TokenExpired(Exception):
    """A real token past its expiry: 401 saying so (not a bare "Unauthorized")."""

    def __init__(self, token: ApiToken):
        at = token.expires_at.astimezone(_LONDON)
        when = f"{at.day} {at:%B %Y %H:%M}"
        super().__init__(f"this token ({token.prefix}…) expired on {when}: ask for a new one")


class ScopeRefused(Exception):
    """A read-only token used to change something: 403 naming the scope."""

    def __init__(self, token: ApiToken, method: str):
        super().__init__(f"this token's scope is read only ({token.scope}): it may not {method}; "
                         "use a token with the read-write scope")


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>``; the scheme is case-insensitive (RFC 7235). A token
    that is not valid counts against its address's rate limit, a valid one against its own
    (:mod:`beacon.api.ratelimit`); an expired token is refused saying so; a read-only token
    may only read."""

    def __call__(self, request):
        scheme, _, token = request.headers.get(self.header, "").strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            ratelimit.count_address(request)
            return None
        return self.authenticate(request, token)

    def authenticate(self, request, token):
        found = ApiToken.find(token)
        if found is None or found.expired():
            ratelimit.count_address(request)
            if found is not None:
                raise TokenExpired(found)
            return None
        ratelimit.count_token(found.pk)
        if request.method not in ("GET", "HEAD", "OPTIONS") and not found.may_write:
            raise ScopeRefused(found, request.method)
        found.record_use()
        request.user = found.user
        request.api_token = found
        return found.user


class JsonRenderer(BaseRenderer):
    """Every response is written by Beacon's one JSON serializer (:mod:`beacon.core.jsonio`)."""

    media_type = "application/json"

    def render(self, request, data, *, response_status):
        return jsonio.dumps(data, indent=None)


api = NinjaAPI(
    title="Beacon API",
    version="1",
    description="Performance data, results and quarterly returns. Authenticate with `Authorization: Bearer <token>`.",
    auth=BearerToken(),
    urls_namespace="api",
    renderer=JsonRenderer(),
)


@api.exception_handler(ratelimit.RateLimited)
def _too_many(request, exc):
    response = api.create_response(request, {"detail": str(exc), "retry_after": exc.retry_after}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(TokenExpired)
def _expired(request, exc):
    response = api.create_response(request, {"detail": str(exc)}, status=401)
    response["WWW-Authenticate"] = 'Bearer error="invalid_token", error_description="the token has expired"'
    return response


@api.exception_handler(ScopeRefused)
def _scope(request, exc):
    response = api.create_response(request, {"detail": str(exc)}, status=403)
    response["WWW-Authenticate"] = 'Bearer error="insufficient_scope", scope="read-write"'
    return response


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, {"detail": "forbidden: your role does not allow this"}, status=403)


@api.exception_handler(ReturnError)
@api.exception_handler(RiskError)
def _refused(request, exc):
    return api.create_response(request, {"detail": exc.message, "errors": exc.field_errors}, status=400)


@api.exception_handler(dashboards.FilterError)
def _unknown_filter(request, exc):
    """An unknown filter value is refused (422), naming the parameter and what it takes, never
    answered with an empty list."""
    body = {"detail": str(exc), "errors": {exc.parameter: str(exc)}, "parameter": exc.parameter, "value": exc.value}
    if exc.allowed:
        body["allowed"] = list(exc.allowed)
    return api.create_response(request, body, status=422)


@api.exception_handler(StaleEdit)
def _stale(request, exc):
    """A write against another version of the record (``If-Match`` or the body's ``version``):
    412, listing the fields the write sends whose stored value is now different."""
    body = {"detail": exc.message,
            "changes": [{"field": c.field, "label": c.label, "current": c.current, "submitted": c.submitted}
                        for c in exc.changes]}
    return api.create_response(request, body, status=412)


def _need(request, action, directorate=None):
    perm.check(request.auth, action, directorate)


def _quarter(slug: str) -> Quarter:
    try:
        return Quarter.parse(slug)
    except PeriodError:
        raise Http404("no such period") from None


def _directorate(code: str | None) -> str:
    """A directorate filter: blank, or a known directorate code (else a 422 naming the codes)."""
    from beacon.core.models import Directorate

    if not code:
        return ""
    return dashboards.check_filter("directorate", code, list(Directorate.objects.values_list("code", flat=True)))


# --- schemas ---------------------------------------------------------------------------------
class KpiOut(Schema):
    code: str
    name: str
    short_name: str
    directorate: str
    sub_area: str | None
    unit: str
    polarity: str
    decimals: int
    frequency: str
    rolling_12_months: bool
    in_arrears: bool

    @staticmethod
    def resolve_directorate(obj):
        return obj.directorate.code

    @staticmethod
    def resolve_sub_area(obj):
        return obj.sub_area.name if obj.sub_area else None


class ObservationOut(Schema):
    kpi: str
    period: str
    value: float | None
    status: str
    note: str
    illustrative: bool

    @staticmethod
    def resolve_kpi(obj):
        return obj.kpi.code

    @staticmethod
    def resolve_value(obj):
        return None if obj.value is None else float(obj.value)


class ResultOut(Schema):
    code: str
    name: str
    directorate: str
    value: float | None
    target: float | None
    floor: float | None
    rag: str | None
    rag_source: str | None
    dot: str | None
    dot_flags: list[str]
    value_status: str | None

    @staticmethod
    def resolve_dot(obj):
        """The direction of travel the papers report and count, and the ``dot`` filter selects
        (a trend with too few values is ``not_available``, never ``stable``)."""
        return obj.reported_dot.value

    @staticmethod
    def resolve_dot_flags(obj):
        return list(obj.dot_flags)


class CountsOut(Schema):
    green: int
    amber: int
    red: int
    improving: int
    stable: int
    worsening: int
    not_rated: int
    not_available: int
    kpis: int


class PeriodResultsOut(Schema):
    period: str
    complete: bool
    state: str
    totals: CountsOut
    changes: dict | None
    results: list[ResultOut]


class LineIn(Schema):
    """A line of a return. A value is a number or the text a person would type (``"1,300"``,
    ``"97%"``); blank or null is no value."""

    code: str
    kind: LineKind = LineKind.KPI
    value: Decimal | str | None = None
    months: dict[str, Decimal | str | None] | None = None  # a monthly KPI: {"2022-10": 97, ...} instead of value
    note: str = ""
    commentary: str = ""
    remove: bool = False  # remove the values held for the quarter that this line leaves blank
    remove_reason: str = ""  # required with remove


class ReturnIn(Schema):
    lines: list[LineIn] = []
    commentary: str | None = None
    remove_commentary: bool = False  # with a blank commentary: remove the commentary held
    remove_commentary_reason: str = ""
    submit: bool = False
    version: str | None = None  # the version read (GET's ``version`` / ``ETag``); or send ``If-Match``


class LineOut(Schema):
    kind: str
    code: str
    name: str
    last_value: float | None
    last_period: str
    target: str
    floor: str
    value: str
    months: dict[str, str]
    note: str
    commentary: str
    remove: bool
    remove_reason: str


class ReturnOut(Schema):
    period: str
    directorate: str
    status: str
    status_label: str
    due_date: date
    late: bool
    submitted_at: str | None
    commentary: str
    review_comment: str
    version: str
    lines: list[LineOut]


def _return_out(ret: Return) -> dict:
    lines = return_queries.return_lines(ret)
    return {
        "period": ret.period.period,
        "directorate": ret.directorate.code,
        "status": ret.status,
        "status_label": ret.get_status_display(),
        "due_date": ret.period.due_date,
        "late": return_queries.is_late(ret),
        "submitted_at": ret.first_submitted_at.isoformat() if ret.first_submitted_at else None,
        "commentary": ret.commentary,
        "review_comment": ret.review_comment,
        "version": version(return_queries.return_fields(ret, lines)[0]),
        "lines": [
            {
                "kind": line.kind,
                "code": line.code,
                "name": line.name,
                "last_value": None if line.last_value is None else float(line.last_value),
                "last_period": line.last_period,
                "target": line.target_text,
                "floor": line.floor_text,
                "value": line.value_text,
                "months": line.month_values,
                "note": line.note,
                "commentary": line.commentary,
                "remove": line.remove,
                "remove_reason": line.remove_reason,
            }
            for line in lines
        ],
    }


def _entered(value: Decimal | str | None, kind: str, code: str, part, errors: dict) -> Decimal | None:
    """A value as the API received it: a number, or text parsed as the return's form parses it."""
    if not isinstance(value, str):
        return value
    try:
        return parse_entered(value)
    except ValueError as exc:
        errors[field_name(kind, code, part)] = f"{field_label(code, part)}: {exc}"
        return None


def _line_entry(line: LineIn, errors: dict) -> LineEntry:
    months = None
    if line.months is not None:
        months = []
        for label, value in line.months.items():
            try:
                month = parse_period(label)
            except PeriodError:
                month = None
            if not isinstance(month, Month):
                errors[field_name(line.kind, line.code, "value")] = (
                    f"{field_label(line.code, 'value')}: {label} is not a month of this quarter"
                )
                continue
            months.append(MonthValue(month, _entered(value, line.kind, line.code, month, errors)))
        months = tuple(months)
    return LineEntry(
        kind=line.kind, code=line.code, value=_entered(line.value, line.kind, line.code, "value", errors),
        months=months, note=line.note, commentary=line.commentary, remove=line.remove, remove_reason=line.remove_reason,
    )


# --- endpoints -------------------------------------------------------------------------------
@api.get("/kpis", response=list[KpiOut], tags=["performance"])
@paginate(PageNumberPagination, page_size=50)
def list_kpis(request, directorate: str | None = None, q: str | None = None):
    """KPIs in catalogue order; filter by directorate code or a text search on the name. An
    unknown directorate is refused (422)."""
    _need(request, perm.VIEW_DASHBOARDS)
    directorate = _directorate(directorate)
    qs = pm.Kpi.objects.select_related("directorate", "sub_area")
    if directorate:
        qs = qs.filter(directorate__code=directorate)
    if q:
        qs = qs.filter(name__icontains=q)
    return qs


@api.get("/kpis/{code}", response=KpiOut, tags=["performance"])
def get_kpi(request, code: str):
    _need(request, perm.VIEW_DASHBOARDS)
    return get_object_or_404(pm.Kpi.objects.select_related("directorate", "sub_area"), code=code)


@api.get("/observations", response=list[ObservationOut], tags=["performance"])
@paginate(PageNumberPagination, page_size=100)
def list_observations(request, kpi: str | None = None, period: str | None = None, directorate: str | None = None, status: str | None = None):
    """Observations (values) with their status; filter by KPI code, period (a quarter, 2022/23 Q2
    or 2022-23-Q2, or a month, 2022-10), directorate code or status (provisional, final). An
    unknown directorate or status, or a period that is not one, is refused (422)."""
    _need(request, perm.VIEW_DASHBOARDS)
    directorate = _directorate(directorate)
    period = dashboards.check_period("period", period)
    status = dashboards.check_filter("status", status, [v for v, _ in pm.Observation.STATUS_CHOICES])
    qs = pm.Observation.objects.select_related("kpi").order_by("kpi__directorate__display_order", "kpi__display_order", "period_sort")
    if kpi:
        qs = qs.filter(kpi__code=kpi)
    if period:
        qs = qs.filter(period=period)
    if directorate:
        qs = qs.filter(kpi__directorate__code=directorate)
    if status:
        qs = qs.filter(status=status)
    return qs


@api.get("/periods", response=list[str], tags=["performance"])
def list_periods(request):
    """Quarters with data or open for returns, newest first (as slugs, e.g. 2022-23-Q2)."""
    _need(request, perm.VIEW_DASHBOARDS)
    return [q.slug for q in dashboards.available_periods()]


@api.get("/periods/{slug}/results", response=PeriodResultsOut, tags=["performance"])
def period_results(request, slug: str, rag: str | None = None, dot: str | None = None, directorate: str | None = None):
    """Each KPI's value, target, floor, RAG and direction of travel for a quarter, with the
    counts and their change against the comparison period. Filter by rag (GREEN, AMBER, RED,
    NOT_RATED), dot (improving, stable, worsening, not_available: the direction of travel the
    papers report and count, so a trend with too few values is not_available; each result's
    ``dot`` is that same direction, with ``dot_flags`` saying why one is missing) and directorate
    code. An unknown filter value is refused (422) naming the parameter and its allowed values.
    ``complete`` says whether the quarter is complete (published, or every return approved) and
    ``state`` what is still to come."""
    _need(request, perm.VIEW_DASHBOARDS)
    q = _quarter(slug)
    if q not in dashboards.available_periods():
        raise Http404("no data for this period")
    model = dashboards.qpr(q)
    rows = dashboards.filter_kpis(model, rag or "", dot or "", directorate or "")
    state = dashboards.quarter_state(q, model)
    return {
        "period": q.label,
        "complete": state.complete,
        "state": state.summary,
        "totals": model.totals,
        "changes": to_plain(model.comparison.changes),
        "results": rows,
    }


@api.get("/returns", response=list[ReturnOut], tags=["returns"])
def list_returns(request, period: str | None = None):
    """The returns the caller may see: all for the performance lead, their directorates' for a data owner."""
    _need(request, perm.VIEW_RETURNS)
    mine = None if perm.can(request.auth, perm.OPEN_PERIOD) else perm.directorate_ids(request.auth)
    qs = return_queries.returns_for(mine, period=_quarter(period) if period else None)
    return [_return_out(r) for r in qs]


def _get_return(request, slug: str, code: str) -> Return:
    _need(request, perm.VIEW_RETURNS)
    rp = get_object_or_404(ReturnPeriod, period=_quarter(slug).label)
    ret = get_object_or_404(Return.objects.select_related("period", "directorate"), period=rp, directorate__code=code)
    _need(request, perm.VIEW_RETURN, ret.directorate)
    return ret


def _with_etag(response: HttpResponse, out: dict) -> dict:
    response["ETag"] = f'"{out["version"]}"'
    return out


@api.get("/returns/{slug}/{code}", response=ReturnOut, tags=["returns"])
def get_return(request, slug: str, code: str, response: HttpResponse):
    """One return with its lines, its ``version`` (also the ``ETag`` header) to send back with
    a write, and whether it is late (submitted after its due date, or not submitted by then)."""
    return _with_etag(response, _return_out(_get_return(request, slug, code)))


@api.put("/returns/{slug}/{code}", response=ReturnOut, tags=["returns"])
def put_return(request, slug: str, code: str, body: ReturnIn, response: HttpResponse):
    """Save values and commentary (a draft); with ``submit: true`` also submit for review.
    A field left out of ``lines`` keeps what was saved. A blank where a value is held for the
    quarter is refused unless the line sets ``remove`` with a ``remove_reason``. With
    ``If-Match`` (or ``version``) the save is refused (412, listing the changed fields) when
    the return is no longer at that version."""
    ret = _get_return(request, slug, code)
    _need(request, perm.EDIT_RETURN, ret.directorate)
    errors: dict[str, str] = {}
    entries = tuple(_line_entry(line, errors) for line in body.lines)
    if errors:
        raise ReturnError("The return was not saved", errors)
    by = request.auth.username
    expected = request.headers.get("If-Match") or body.version
    if expected and expected.strip() == "*":  # any version will do
        expected = None
    return_services.save_return(SaveReturn(
        ret.pk, entries, body.commentary, by, version=expected, remove_commentary=body.remove_commentary,
        remove_commentary_reason=body.remove_commentary_reason))
    if body.submit:
        return_services.submit_return(SubmitReturn(ret.pk, by))
    ret.refresh_from_db()
    return _with_etag(response, _return_out(ret))


# --- risks -----------------------------------------------------------------------------------
class RiskRatingOut(Schema):
    likelihood: int | None
    impact: int | None
    score: int | None
    level: str | None
    display: str


class RiskOut(Schema):
    id: str
    title: str
    status: str
    owners: list[str]
    current: RiskRatingOut
    target: RiskRatingOut
    direction: str
    direction_text: str
    timescale_to_target: str
    version: str | None = None  # one risk's version (also its ETag): send it back on a write


class RerateIn(Schema):
    likelihood: int
    impact: int
    note: str
    version: str | None = None  # the version read (GET's ``version`` / ``ETag``); or send ``If-Match``


def _risk_out(r, risk: Risk | None = None) -> dict:
    """A risk of an edition (:class:`beacon.risk.edition_model.EditionRisk`) as the API gives it
    (with ``risk``, the stored risk, its version)."""
    return {
        "id": r.id, "title": r.title, "status": r.status.value, "owners": list(r.owners.names),
        "current": r.current.as_dict(), "target": r.target.as_dict(), "direction": r.direction.value,
        "direction_text": r.direction.text, "timescale_to_target": r.timescale_to_target,
        "version": risk_services.risk_version(risk) if risk is not None else None,
    }


def _one_risk(risk: Risk, response: HttpResponse) -> dict:
    risk.refresh_from_db()
    return _with_etag(response, _risk_out(risk_services.detail(risk).snapshot, risk))


@api.get("/risks", response=list[RiskOut], tags=["risks"])
@paginate(PageNumberPagination, page_size=50)
def list_risks(request, level: str | None = None, direction: str | None = None, directorate: str | None = None):
    """The active corporate risks as the register stands today; filter by current level
    (Low, Medium, High), direction of travel (increased, reduced, unchanged, new, ...) or owner
    directorate (a code). A value that is not one is refused (422), naming the parameter and
    the values it takes."""
    _need(request, perm.VIEW_RISKS)
    chosen = {"level": level, "direction": direction, "directorate": directorate}
    for name, value in chosen.items():
        label, allowed = risk_services.REGISTER_FILTERS[name]
        if value and value not in allowed():
            raise dashboards.FilterError(name, value, allowed(), f"{label}: {value!r} is not one of {', '.join(allowed())}")
    rows = risk_services.filter_register(risk_services.register().risks, **chosen)
    return [_risk_out(r) for r in rows]


@api.get("/risks/{risk_id}", response=RiskOut, tags=["risks"])
def get_risk(request, risk_id: str, response: HttpResponse):
    """One risk, with its ``version`` (also the ``ETag`` header) to send back with a write."""
    _need(request, perm.VIEW_RISKS)
    risk = get_object_or_404(Risk, risk_id=risk_id)
    return _one_risk(risk, response)


@api.post("/risks/{risk_id}/rerate", response=RiskOut, tags=["risks"])
def rerate_risk(request, risk_id: str, body: RerateIn, response: HttpResponse):
    """Re-rate a risk (risk manager, or the risk's owner); the old rating stays in the history.
    With ``If-Match`` (or ``version``) the re-rating is refused (412, with the risk as it is
    now) when the risk has changed since that version was read."""
    risk = get_object_or_404(Risk, risk_id=risk_id)
    perm.check(request.auth, perm.UPDATE_RISK, risk=risk)
    current = rating_of(body.likelihood, body.impact)
    expected = request.headers.get("If-Match") or body.version
    try:
        risk_services.handle(Rerate(risk.risk_id, request.auth.username, current=current, note=body.note.strip(),
                                    version=expected))
    except StaleEdit as exc:
        risk.refresh_from_db()
        now = _risk_out(risk_services.detail(risk).snapshot, risk)
        return api.create_response(request, {"detail": exc.message, "current": now}, status=412)
    return _one_risk(risk, response)


# --- governance (issue 12): bodies, meetings, decisions and recorded votes ---------------------
# Public: they answer without a token (counted against the caller's address, as any request
# without a valid token); a token that is sent must be valid. Exempt items (their papers,
# reasons, minutes, decisions and votes) only for a token whose user may VIEW_EXEMPT (clerks
# and members); the shapes are the open data's (Open Civic Data events and vote events).


class PublicOrBearer(BearerToken):
    """No ``Authorization`` header: the public (an anonymous user); otherwise a bearer token as
    everywhere else (an invalid or expired one is refused, never read as the public)."""

    def __call__(self, request):
        if not request.headers.get(self.header, "").strip():
            ratelimit.count_address(request)
            return AnonymousUser()
        return super().__call__(request)


_PUBLIC = PublicOrBearer()


def _gov_exempt(request) -> bool:
    return gov_queries.may_view_exempt(request.auth)


def _gov_link(request):
    from django.urls import NoReverseMatch, reverse

    def link(key: str, pack=None) -> str:
        try:
            if pack is None:
                return request.build_absolute_uri(reverse("web:meeting", args=[key]))
            return request.build_absolute_uri(reverse("web:pack_file", args=[key, pack.version, pack.audience, "pdf"]))
        except NoReverseMatch:  # the API served without the pages
            return ""

    return link


def _gov_body(code: str | None) -> str:
    from beacon.governance.models import Body

    if not code:
        return ""
    return dashboards.check_filter("body", code, list(Body.objects.order_by("code").values_list("code", flat=True)))


def _gov_date(parameter: str, value: str | None) -> date | None:
    from beacon.domain.periods import typed_date

    if not value:
        return None
    try:
        return typed_date(value)
    except ValueError:
        raise dashboards.FilterError(parameter, value, (), f"{parameter}: {value!r} is not a date (write it as YYYY-MM-DD)") from None


class GovBodyOut(Schema):
    code: str
    name: str
    kind: str
    parent: str
    status: str
    meetings: int
    next_meeting: str


@api.get("/governance/bodies", response=list[GovBodyOut], auth=_PUBLIC, tags=["governance"])
def gov_bodies(request):
    """Every body (council, cabinet, committees...), with its number of meetings and the next one."""
    from beacon.core import clock

    return [to_plain(b) for b in gov_queries.bodies(clock.today())]


@api.get("/governance/meetings", response=list[dict], auth=_PUBLIC, tags=["governance"])
@paginate(PageNumberPagination, page_size=50)
def gov_meetings(request, body: str | None = None, date_from: str | None = None, date_to: str | None = None):
    """Meetings in date order as Open Civic Data events, each with its agenda; filter by body
    code and a date range (``date_from``, ``date_to``: YYYY-MM-DD). Exempt items keep only their
    title and the Schedule 12A paragraph unless the token's user may see exempt items."""
    code = _gov_body(body)
    start, end = _gov_date("date_from", date_from), _gov_date("date_to", date_to)
    exempt, link = _gov_exempt(request), _gov_link(request)
    summaries = gov_queries.meeting_summaries(body=code, date_from=start, date_to=end)
    return _LazyEvents(summaries, exempt, link)


class _LazyEvents:
    """A list of meetings that builds each event only for the page asked for."""

    def __init__(self, summaries, exempt, link):
        self.summaries, self.exempt, self.link = summaries, exempt, link

    def __len__(self):
        return len(self.summaries)

    def __getitem__(self, index):
        chosen = self.summaries[index]
        build = lambda s: gov_data.event(gov_queries.meeting_view(s.key, self.exempt), self.exempt, self.link)  # noqa: E731
        return [build(s) for s in chosen] if isinstance(index, slice) else build(chosen)


@api.get("/governance/meetings/{key}", response=dict, auth=_PUBLIC, tags=["governance"])
def gov_meeting(request, key: str):
    """One meeting: the Open Civic Data event (agenda, documents, decisions in ``extras``), its
    minutes (attendance by category, each minute with its number, item and outcome) and its
    recorded votes (vote events)."""
    exempt, link = _gov_exempt(request), _gov_link(request)
    try:
        view = gov_queries.meeting_view(key, exempt)
    except gov_queries.NotFound:
        raise Http404("no such meeting") from None
    minutes = None
    if view.minutes is not None:
        mins = view.minutes
        minutes = {
            "heading": mins.heading, "status": mins.status,
            "approved_at": mins.approved_at.key if mins.approved_at else None,
            "approved_at_minute": mins.approved_at_minute,
            "attendance": [{"category": a.category, "label": a.label,
                            "people": [{"id": p.person.key, "name": p.name_as_printed, "role": p.role_text} for p in a.people]}
                           for a in mins.attendance],
            "minutes": [{"number": mi.number, "item": mi.item_number, "title": mi.title, "exempt": mi.exempt,
                         "withheld": mi.withheld, "exempt_label": mi.exempt_label, "paragraphs": list(mi.paragraphs),
                         "outcome": mi.outcome, "resolutions": [r.text for r in mi.resolutions],
                         "in_attendance": [{"id": a.person.key, "name": a.name_as_printed, "role": a.role_text}
                                           for a in mi.in_attendance]}
                        for mi in mins.minutes],
        }
    return {"event": gov_data.event(view, exempt, link), "minutes": minutes,
            "votes": [gov_data.vote_event(view.summary, mo, link) for mo in view.motions if mo.recorded_vote]}


@api.get("/governance/decisions", response=dict, auth=_PUBLIC, tags=["governance"])
def gov_decisions(request, q: str | None = None, body: str | None = None, date_from: str | None = None,
                  date_to: str | None = None, verb: str | None = None, page: int = 1):
    """Decisions (resolutions), latest first, 25 a page: filter by words (``q``), body code, a
    date range (YYYY-MM-DD) and verb (note, approve, agree, endorse, consider_and_endorse, elect)."""
    from beacon.domain.governance import ResolutionVerb

    query = gov_queries.DecisionQuery(
        text=(q or "")[:200], body=_gov_body(body), date_from=_gov_date("date_from", date_from),
        date_to=_gov_date("date_to", date_to),
        verb=dashboards.check_filter("verb", verb, [v.value for v in ResolutionVerb]), page=page)
    result = gov_queries.decisions(query, _gov_exempt(request))
    return {"count": result.total, "page": result.page, "pages": result.pages,
            "results": [{"id": r.identifier, "event": r.meeting.key, "organization": r.meeting.body_name,
                         "start_date": r.meeting.date.isoformat(), "minute_number": r.minute_number,
                         "agenda_item": r.item_number, "minute_title": r.minute_title, "classification": r.verb,
                         "text": r.text, "source": r.source} for r in result.rows]}


@api.get("/governance/votes", response=list[dict], auth=_PUBLIC, tags=["governance"])
def gov_votes(request, body: str | None = None):
    """Recorded votes as Open Civic Data vote events (``votes`` by name, ``counts`` per option)."""
    return gov_data.vote_events(_gov_exempt(request), _gov_link(request), body=_gov_body(body))
