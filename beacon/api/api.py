"""Beacon's JSON API (django-ninja), served under /api/ with its OpenAPI schema at
/api/openapi.json and interactive docs at /api/docs.

Authentication: ``Authorization: Bearer <token>`` with a token from ``beacon api_token USER``
(or the admin). Every endpoint asks :mod:`beacon.core.permissions`, as the pages do.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Schema
from ninja.pagination import PageNumberPagination, paginate
from ninja.renderers import BaseRenderer
from ninja.security import HttpBearer

from beacon.core import jsonio
from beacon.core import permissions as perm
from beacon.core.models import ApiToken
from beacon.domain.periods import Month, PeriodError, Quarter, parse_period
from beacon.domain.records import to_plain
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


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        if not token:
            return None
        user = ApiToken.user_for(token)
        if user is None:
            return None
        request.user = user
        return user


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


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, {"detail": "forbidden: your role does not allow this"}, status=403)


@api.exception_handler(ReturnError)
@api.exception_handler(RiskError)
def _refused(request, exc):
    return api.create_response(request, {"detail": exc.message, "errors": exc.field_errors}, status=400)


def _need(request, action, directorate=None):
    perm.check(request.auth, action, directorate)


def _quarter(slug: str) -> Quarter:
    try:
        return Quarter.parse(slug)
    except PeriodError:
        raise Http404("no such period") from None


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
    value_status: str | None


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


class ReturnIn(Schema):
    lines: list[LineIn] = []
    commentary: str | None = None
    submit: bool = False


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


class ReturnOut(Schema):
    period: str
    directorate: str
    status: str
    due_date: date
    late: bool
    commentary: str
    review_comment: str
    lines: list[LineOut]


def _return_out(ret: Return) -> dict:
    return {
        "period": ret.period.period,
        "directorate": ret.directorate.code,
        "status": ret.status,
        "due_date": ret.period.due_date,
        "late": return_queries.is_late(ret),
        "commentary": ret.commentary,
        "review_comment": ret.review_comment,
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
            }
            for line in return_queries.return_lines(ret)
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
        months=months, note=line.note, commentary=line.commentary,
    )


# --- endpoints -------------------------------------------------------------------------------
@api.get("/kpis", response=list[KpiOut], tags=["performance"])
@paginate(PageNumberPagination, page_size=50)
def list_kpis(request, directorate: str | None = None, q: str | None = None):
    """KPIs in catalogue order; filter by directorate code or a text search on the name."""
    _need(request, perm.VIEW_DASHBOARDS)
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
    """Observations (values) with their status; filter by KPI code, period label, directorate or status."""
    _need(request, perm.VIEW_DASHBOARDS)
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
    papers report and count, so a trend with too few values is not_available) and directorate code."""
    _need(request, perm.VIEW_DASHBOARDS)
    q = _quarter(slug)
    if q not in dashboards.available_periods():
        raise Http404("no data for this period")
    model = dashboards.qpr(q)
    rows = dashboards.filter_kpis(model, rag or "", dot or "", directorate or "")
    return {
        "period": q.label,
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


@api.get("/returns/{slug}/{code}", response=ReturnOut, tags=["returns"])
def get_return(request, slug: str, code: str):
    return _return_out(_get_return(request, slug, code))


@api.put("/returns/{slug}/{code}", response=ReturnOut, tags=["returns"])
def put_return(request, slug: str, code: str, body: ReturnIn):
    """Save values and commentary (a draft); with ``submit: true`` also submit for review.
    A field left out of ``lines`` keeps what was saved."""
    ret = _get_return(request, slug, code)
    _need(request, perm.EDIT_RETURN, ret.directorate)
    errors: dict[str, str] = {}
    entries = tuple(_line_entry(line, errors) for line in body.lines)
    if errors:
        raise ReturnError("The return was not saved", errors)
    by = request.auth.username
    return_services.save_return(SaveReturn(ret.pk, entries, body.commentary, by))
    if body.submit:
        return_services.submit_return(SubmitReturn(ret.pk, by))
    ret.refresh_from_db()
    return _return_out(ret)


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


class RerateIn(Schema):
    likelihood: int
    impact: int
    note: str


def _risk_out(r) -> dict:
    """A risk of an edition (:class:`beacon.risk.edition_model.EditionRisk`) as the API gives it."""
    return {
        "id": r.id, "title": r.title, "status": r.status.value, "owners": list(r.owners.names),
        "current": r.current.as_dict(), "target": r.target.as_dict(), "direction": r.direction.value,
        "direction_text": r.direction.text, "timescale_to_target": r.timescale_to_target,
    }


@api.get("/risks", response=list[RiskOut], tags=["risks"])
@paginate(PageNumberPagination, page_size=50)
def list_risks(request, level: str | None = None, direction: str | None = None):
    """The active corporate risks as the register stands today; filter by current level
    (Low, Medium, High) or direction of travel (increased, reduced, unchanged, new)."""
    _need(request, perm.VIEW_RISKS)
    rows = risk_services.register().risks
    if level:
        rows = [r for r in rows if (r.current.level or "") == level]
    if direction:
        rows = [r for r in rows if r.direction.value == direction]
    return [_risk_out(r) for r in rows]


@api.get("/risks/{risk_id}", response=RiskOut, tags=["risks"])
def get_risk(request, risk_id: str):
    _need(request, perm.VIEW_RISKS)
    risk = get_object_or_404(Risk, risk_id=risk_id)
    return _risk_out(risk_services.detail(risk).snapshot)


@api.post("/risks/{risk_id}/rerate", response=RiskOut, tags=["risks"])
def rerate_risk(request, risk_id: str, body: RerateIn):
    """Re-rate a risk (risk manager, or the risk's owner); the old rating stays in the history."""
    risk = get_object_or_404(Risk, risk_id=risk_id)
    perm.check(request.auth, perm.UPDATE_RISK, risk=risk)
    current = rating_of(body.likelihood, body.impact)
    risk_services.handle(Rerate(risk.risk_id, request.auth.username, current=current, note=body.note.strip()))
    risk.refresh_from_db()
    return _risk_out(risk_services.detail(risk).snapshot)
