"""The audit view (``/audit/``): every recorded change, newest first, filtered by a plain GET
form (the kind of record, its label, the person, the dates; or one record), a page at a time;
and the same changes as a CSV file (``/audit/changes.csv``), streamed. For the performance lead,
the risk manager and administrators (``VIEW_AUDIT``).

The query is :mod:`beacon.core.audit_view` over every history
(:data:`beacon.reports.audit_history.EVERY_HISTORY`); this module adds the links to the records'
pages and the file's cells (formula-safe, :func:`beacon.domain.cells.formula_safe`)."""

from __future__ import annotations

import csv
import dataclasses
from collections import defaultdict
from urllib.parse import urlencode

from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from beacon.core import audit_view as av
from beacon.core import clock
from beacon.core import permissions as perm
from beacon.domain.cells import formula_safe
from beacon.domain.periods import Quarter
from beacon.domain.sources import source_shown
from beacon.reports.audit_history import EVERY_HISTORY, exempt_records

from ..forms import FilterChoice, GovukForm, ParsedField, TextField, iso_date

FILTERS = ("kind", "label", "person", "date_from", "date_to", "record")


def _record(text: str) -> av.RecordRef:
    return av.RecordRef.parse(text)


class AuditFilterForm(GovukForm):
    """The audit view's filters, read from the query string."""

    changes_data = False  # a page with only this form says nothing about unsaved entries

    kind = FilterChoice(label="Kind of record", choices=[])
    label = TextField(label="Record label contains", max_length=200,
                      help_text="A code or label, such as CS1, CRR0001 or 2022/23 Q2",
                      widget=forms.TextInput(attrs={"govuk_width": "20"}))
    person = FilterChoice(label="Changed by", choices=[])
    date_from = ParsedField(iso_date, label="From", required=False, help_text="For example, 1/4/2022",
                            widget=forms.TextInput(attrs={"govuk_width": "10"}))
    date_to = ParsedField(iso_date, label="To", required=False, help_text="For example, 31/3/2023",
                          widget=forms.TextInput(attrs={"govuk_width": "10"}))
    record = ParsedField(_record, label="Record", required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *, kinds=(), people=(), **kwargs):
        kwargs.setdefault("auto_id", "filter-%s")
        own = None if data is None else {k: data.get(k) for k in FILTERS if k in data}
        super().__init__(own, **kwargs)
        self.fields["kind"] = FilterChoice(label="Kind of record", choices=[(k, av.kind_label(k)) for k in kinds])
        self.fields["person"] = FilterChoice(label="Changed by", choices=[(p, p) for p in people])

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", ValidationError("To: the date must be on or after the From date"))
        return data

    def audit_filter(self) -> av.AuditFilter:
        """The filter to apply; none while any field is in error (every change is listed under
        the error summary rather than a list filtered by a value nobody chose)."""
        if not self.is_valid():
            return av.AuditFilter()
        d = self.cleaned_data
        return av.AuditFilter(kind=d.get("kind") or "", label=(d.get("label") or "").strip(),
                              person=d.get("person") or "", date_from=d.get("date_from"),
                              date_to=d.get("date_to"), record=d.get("record"))


def _form(request) -> AuditFilterForm:
    return AuditFilterForm(request.GET, kinds=av.kinds(EVERY_HISTORY), people=av.people(EVERY_HISTORY))


def _query(form: AuditFilterForm, **more) -> str:
    """The filter's query string (with ``more``), as the form sends it."""
    params = {k: form.data.get(k) for k in FILTERS if form.data.get(k)} if form.is_valid() else {}
    params.update({k: v for k, v in more.items() if v})
    return urlencode(params)


# --- links to the records' pages -------------------------------------------------------------
def _slug(period: str) -> str:
    return Quarter.parse(period).slug


# model -> (related rows to read with it, the page of a record)
LINKS = {
    "performance.observation": (("kpi",), lambda o: reverse("web:kpi", args=[o.kpi.code])),
    "performance.kpi": ((), lambda o: reverse("web:kpi", args=[o.code])),
    "performance.kpitarget": (("kpi",), lambda o: reverse("web:kpi", args=[o.kpi.code])),
    "performance.activityobservation": (("indicator",), lambda o: reverse("web:indicator", args=[o.indicator.code])),
    "performance.activityindicator": ((), lambda o: reverse("web:indicator", args=[o.code])),
    "performance.commentary": (("directorate", "kpi"), lambda o: (
        reverse("web:kpi", args=[o.kpi.code]) if o.kpi_id else
        reverse("web:directorate", args=[_slug(o.period), o.directorate.code]) if o.directorate_id else
        reverse("web:overview", args=[_slug(o.period)]))),
    "risk.risk": ((), lambda o: reverse("web:risk", args=[o.risk_id])),
    "risk.control": (("risk",), lambda o: reverse("web:risk", args=[o.risk.risk_id])),
    "risk.action": (("risk",), lambda o: reverse("web:risk", args=[o.risk.risk_id])),
    "risk.edition": ((), lambda o: reverse("web:risk_edition", args=[o.pk])),
    "risk.riskflag": (("risk",), lambda o: reverse("web:risk", args=[o.risk.risk_id])),
    "risk.riskindicator": (("risk",), lambda o: reverse("web:risk", args=[o.risk.risk_id])),
    "risk.riskrelation": (("from_risk",), lambda o: reverse("web:risk", args=[o.from_risk.risk_id])),
    "performance.targetchange": (("kpi",), lambda o: reverse("web:kpi", args=[o.kpi.code])),
    "returns.return": (("period", "directorate"), lambda o: reverse("web:return", args=[o.period.slug, o.directorate.code])),
    "reports.publishedreport": ((), lambda o: reverse("web:report_edition", args=[_slug(o.period), o.edition])),
    "reports.reportsettings": ((), lambda o: reverse("web:report", args=[_slug(o.period)])),
    "governance.meeting": ((), lambda o: reverse("web:meeting", args=[o.key])),
    "governance.agenda": (("meeting",), lambda o: reverse("web:meeting", args=[o.meeting.key])),
    "governance.agendaitem": (("meeting",), lambda o: reverse("web:meeting", args=[o.meeting.key])),
    "governance.paper": (("meeting",), lambda o: reverse("web:meeting", args=[o.meeting.key])),
    "governance.minutes": (("meeting",), lambda o: reverse("web:meeting", args=[o.meeting.key])),
    "governance.person": ((), lambda o: reverse("web:person", args=[o.key])),
    "governance.body": ((), lambda o: reverse("web:body_meetings", args=[o.code])),
}


def record_links(rows) -> dict[av.RecordRef, str]:
    """The page of each row's record, where it has one (a deleted record has none): one query
    per kind of record on the page."""
    wanted = defaultdict(set)
    for row in rows:
        if row.record is not None and row.record.model in LINKS:
            wanted[row.record.model].add(row.record.pk)
    out = {}
    for model, pks in wanted.items():
        related, url = LINKS[model]
        try:
            cls = apps.get_model(model)
        except LookupError:
            continue
        for pk, obj in cls._default_manager.select_related(*related).in_bulk(pks).items():
            try:
                out[av.RecordRef(model, pk)] = url(obj)
            except (NoReverseMatch, ValueError, AttributeError):
                continue
    return out


# --- exempt items --------------------------------------------------------------------------
WITHHELD = "(withheld: an exempt item)"


def shown(rows, user):
    """``rows`` as ``user`` may see them: the values of an exempt item's records are withheld from
    anyone who may not see exempt items (checked a chunk of rows at a time)."""
    if perm.can(user, perm.VIEW_EXEMPT):
        yield from rows
        return
    chunk = []

    def flush():
        exempt = exempt_records(chunk)
        for r in chunk:
            yield dataclasses.replace(r, old=WITHHELD, new=WITHHELD) if r.record in exempt else r

    for r in rows:
        chunk.append(r)
        if len(chunk) >= 500:
            yield from flush()
            chunk = []
    yield from flush()


# --- the page --------------------------------------------------------------------------------
def _cursor(text: str | None) -> av.Cursor | None:
    try:
        return av.Cursor.parse(text) if text else None
    except ValueError:
        return None


@perm.require(perm.VIEW_AUDIT)
def audit(request):
    form = _form(request)
    f = form.audit_filter()
    result = av.page(f, EVERY_HISTORY, after=_cursor(request.GET.get("after")),
                     before=_cursor(request.GET.get("before")))
    links = record_links(result.rows)
    rows = [{"row": r, "url": links.get(r.record) if r.record else None, "kind": av.kind_label(r.kind),
             "source": source_shown(r.source),
             "only": "?" + urlencode({"record": r.record.text}) if r.record else ""}
            for r in shown(result.rows, request.user)]
    record_label = ""
    if f.record:
        first = result.rows[0] if result.rows else None
        record_label = f"{av.kind_label(first.kind)} {first.label}" if first else f.record.text
    return render(request, "web/audit.html", {
        "form": form,
        "errors": form.summary() if form.is_bound and not form.is_valid() else None,
        "filter": f,
        "record_label": record_label,
        "page": result,
        "rows": rows,
        "later_page": request.GET.get("after") or request.GET.get("before"),
        "newer_url": "?" + _query(form, before=result.newer.text) if result.newer else "",
        "older_url": "?" + _query(form, after=result.older.text) if result.older else "",
        "first_url": "?" + _query(form),
        "csv_url": reverse("web:audit_csv") + ("?" + _query(form) if _query(form) else ""),
        "filtered": any(form.data.get(k) for k in FILTERS) and form.is_valid(),
    })


# --- the CSV file ----------------------------------------------------------------------------
HEADER = ("changed_at", "changed_by", "kind", "record", "field", "old_value", "new_value", "reason", "source",
          "history")


class _Echo:
    def write(self, value):
        return value


def csv_lines(rows):
    """The file's lines: the header, then one line per change; every text cell formula-safe."""
    writer = csv.writer(_Echo())
    yield writer.writerow(HEADER)
    lines = []
    for r in rows:
        at = clock.in_council_time(r.at).isoformat()
        lines.append(writer.writerow([at] + [formula_safe(text or "") for text in (
            r.by, r.kind, r.label, r.field, r.old, r.new, r.reason, source_shown(r.source), r.history)]))
        if len(lines) >= 200:  # a few hundred lines per chunk sent
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)


@perm.require(perm.VIEW_AUDIT)
def changes_csv(request):
    form = _form(request)
    if form.is_bound and not form.is_valid():
        return HttpResponseBadRequest("The filters are not right: " + " ".join(form.summary().values()),
                                      content_type="text/plain; charset=utf-8")
    f = form.audit_filter()
    response = StreamingHttpResponse(csv_lines(shown(av.iterate(f, EVERY_HISTORY), request.user)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="changes.csv"'
    return response
